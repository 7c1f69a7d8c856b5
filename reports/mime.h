/*
 * mime.h — one e-mail message (RFC 5322 + MIME) holding the report pack:
 * a UTF-8 text part and base64 attachments, with CRLF line endings.
 *
 * What allot_mime_build writes:
 *   From, To, Cc (when given), Subject, Date, Message-ID, MIME-Version,
 *   Content-Type: multipart/mixed; then a text/plain; charset=utf-8 part in
 *   quoted-printable, then one part per attachment in base64 (76-character
 *   lines) with Content-Type (application/pdf, the xlsx type, image/png, ...)
 *   and Content-Disposition: attachment.
 *   Every line ends in CRLF and no line is longer than 78 characters,
 *   except a header line holding one address (or a Message-ID) that alone
 *   is longer than that and cannot be folded (addresses are at most 254).
 *
 * Safety: every value that reaches a header is checked first. A CR or LF
 * (header injection), any other control character, or invalid UTF-8 is
 * refused with ALLOT_ERR_DATA and a message naming the field; so is an
 * address that is not a plain addr-spec (local@domain, dot-atom local part,
 * LDH domain labels; no quoted local parts, no comments, no SMTPUTF8).
 * Non-ASCII subjects and display names become RFC 2047 encoded words
 * (=?UTF-8?B?...?=, folded on character boundaries); non-ASCII or unusual
 * file names become RFC 2231 parameters (filename*=UTF-8''%C3%A9...).
 *
 * Determinism: the output is a pure function of the input. The boundary
 * ("=_allot_" + hex, which can occur neither in base64 nor in
 * quoted-printable) and, unless given, the Message-ID are derived from a
 * SHA-256 over every input (addresses, subject, date, body, attachment names,
 * types and bytes), so building the same pack twice gives the same bytes
 * and the same Message-ID, and a re-send is recognisably the same message.
 */
#ifndef ALLOT_REPORTS_MIME_H
#define ALLOT_REPORTS_MIME_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* The longest header value or address list accepted, in bytes. */
#define ALLOT_MIME_MAX_HEADER 4096

typedef struct allot_mime_attachment {
    const char *filename;     /* name shown to the recipient, UTF-8, no directory */
    const char *content_type; /* NULL: from the file name's extension */
    const unsigned char *data;
    size_t size;
} allot_mime_attachment;

typedef struct allot_mime_message {
    const char *from;         /* "Name <local@domain>" or "local@domain" */
    const char *const *to;    /* n_to addresses, same forms; at least one to or cc */
    size_t n_to;
    const char *const *cc;
    size_t n_cc;
    const char *subject;      /* UTF-8, one line */
    int64_t date;             /* epoch seconds UTC for the Date header */
    const char *message_id;   /* "<id@domain>"; NULL: derived (see above) */
    const char *id_label;     /* left part of a derived Message-ID, e.g.
                                 "allot-pack.2026-Q3": letters, digits, . - _ */
    const char *text;         /* the text part, UTF-8; LF or CRLF line ends */
    const allot_mime_attachment *attachments;
    size_t n_attachments;
} allot_mime_message;

/* Builds the whole message. On success *out is a malloc'ed buffer of *len
 * bytes (NUL-terminated too) owned by the caller (free()). Errors:
 * ALLOT_ERR_DATA for an unsafe or invalid value (the message names the field),
 * ALLOT_ERR_LIMIT for a header value over ALLOT_MIME_MAX_HEADER,
 * ALLOT_ERR_NOMEM. */
allot_status allot_mime_build(const allot_mime_message *msg, char **out, size_t *len,
                              allot_error *err);

/* Checks one address ("Name <a@b>" or "a@b"); field names it in messages
 * ("to", "from"). When addr_spec is non-NULL it receives the bare a@b
 * (at most size bytes with the NUL). */
allot_status allot_mime_check_address(const char *address, const char *field, char *addr_spec,
                                      size_t size, allot_error *err);

/* Checks a value that will reach a header: UTF-8, no control characters
 * (CR and LF named explicitly: header injection). */
allot_status allot_mime_check_header_text(const char *value, const char *field,
                                          allot_error *err);

/* Encoders, exposed for tests and for deliver. Each returns a malloc'ed
 * NUL-terminated string (caller frees) or NULL when out of memory. */

/* RFC 4648 base64 of data, in lines of at most line_len characters (a
 * multiple of 4) separated by CRLF, with a final CRLF; line_len 0 means one
 * line without any CRLF. */
char *allot_mime_base64(const unsigned char *data, size_t size, size_t line_len);

/* Quoted-printable (RFC 2045) of UTF-8 text: LF or CRLF become CRLF, lines
 * of at most 76 characters with soft breaks, '=' and non-ASCII encoded, a
 * leading '.' and trailing white space encoded. Ends with CRLF. */
char *allot_mime_quoted_printable(const char *text);

/* A complete header line for name: value (UTF-8), folded to lines of at
 * most 76 characters, ending in CRLF. Plain ASCII is folded at spaces;
 * anything else (non-ASCII, "=?", an unbreakable run) becomes RFC 2047
 * base64 encoded words split on character boundaries. The value must
 * already have passed allot_mime_check_header_text. */
char *allot_mime_header_text(const char *name, const char *value);

/* The Content-Disposition (or Content-Type parameter) text for a file name:
 * `filename="plain.pdf"` when the name is printable ASCII without '"' or
 * '\\', otherwise RFC 2231 `filename*=UTF-8''%C3%A9t%C3%A9.pdf`, split into
 * numbered sections (filename*0*=...; filename*1*=...) joined by ";CRLF "
 * when longer than fits a line. param is "filename" or "name". */
char *allot_mime_filename_param(const char *param, const char *filename);

/* The content type for a file name by extension (.pdf, .xlsx, .png, .svg,
 * .csv, .txt); "application/octet-stream" otherwise. Never NULL. */
const char *allot_mime_type_for(const char *filename);

/* RFC 5322 date for epoch seconds UTC: "Thu, 01 Oct 2026 06:00:00 +0000"
 * (English names, locale-independent). buf needs 32 bytes. */
char *allot_mime_date(int64_t epoch, char buf[32]);

#endif
