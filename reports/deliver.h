/*
 * deliver.h — hands a finished .eml file to the mail system, unchanged:
 * over SMTP with libcurl, or by piping it to sendmail.
 *
 * Both take the path of the message file and send its exact bytes, so a
 * retry of the same file is the same message (same Message-ID). Both fill
 * reply with what the mail system said last (the SMTP server's final reply
 * line, or sendmail's output), control characters removed, also on failure.
 *
 * Errors: ALLOT_ERR_IO when delivery failed (connection refused, timeout,
 * TLS or AUTH refused, a recipient or the message rejected, sendmail exiting
 * non-zero): tools exit 3 and keep the file. ALLOT_ERR_CONFIG for settings
 * that cannot work (bad host, AUTH without TLS to a remote host, a password
 * file readable by others). ALLOT_ERR_DATA for an invalid address.
 *
 * Secrets: the password is passed in by the caller, read with
 * allot_deliver_password (environment variable or a 0600 file), never
 * taken from the command line, never written to reply or err.
 */
#ifndef ALLOT_REPORTS_DELIVER_H
#define ALLOT_REPORTS_DELIVER_H

#include <stddef.h>

#include "error.h"

typedef enum allot_smtp_tls {
    ALLOT_SMTP_TLS_NONE = 0,  /* plain SMTP (only sensible on loopback or a trusted relay) */
    ALLOT_SMTP_TLS_STARTTLS,  /* smtp:// then STARTTLS, required (CURLUSESSL_ALL) */
    ALLOT_SMTP_TLS_IMPLICIT   /* smtps:// (TLS from the first byte, usually port 465) */
} allot_smtp_tls;

typedef struct allot_smtp {
    const char *host;         /* DNS name, IPv4 or IPv6 address */
    long port;                /* 0: 25, or 465 with ALLOT_SMTP_TLS_IMPLICIT */
    allot_smtp_tls tls;
    const char *user;         /* NULL or "": no AUTH */
    const char *password;     /* with user; from allot_deliver_password */
    const char *ca_file;      /* NULL or "": the system's CAs; else a PEM file */
    long timeout_seconds;     /* the whole session; 0: 120 */
} allot_smtp;

/* Sends the file at eml_path to every address in rcpt (To, Cc and Bcc:
 * "a@b" or "Name <a@b>"), MAIL FROM envelope_from. AUTH (libcurl picks the
 * mechanism the server offers) when smtp->user is set; refused over a plain
 * connection to anything but a loopback address. reply gets the server's
 * last reply line, e.g. "250 2.0.0 Ok: queued as 4F2". */
allot_status allot_deliver_smtp(const allot_smtp *smtp, const char *envelope_from,
                                const char *const *rcpt, size_t n_rcpt, const char *eml_path,
                                char *reply, size_t reply_size, allot_error *err);

/* Runs `sendmail_path -t -oi` (an absolute path, never searched in PATH)
 * with the file as standard input: sendmail takes the recipients from the
 * To and Cc headers. Waits at most timeout_seconds (0: 120), then kills it.
 * reply gets sendmail's output (stdout and stderr), "" when silent. */
allot_status allot_deliver_sendmail(const char *sendmail_path, const char *eml_path,
                                    long timeout_seconds, char *reply, size_t reply_size,
                                    allot_error *err);

/* Reads the SMTP password from the environment variable env_name when set
 * (non-NULL, non-empty name), else from the first line of password_file,
 * which must be a regular file owned by the current user and not readable,
 * writable or executable by group or others (mode 0600 or 0400); anything
 * else is refused with ALLOT_ERR_CONFIG and the chmod to run. A set but
 * empty variable or an empty file is ALLOT_ERR_CONFIG. On success
 * *password is malloc'ed: release with allot_deliver_password_free. */
allot_status allot_deliver_password(const char *env_name, const char *password_file,
                                    char **password, allot_error *err);

/* Overwrites and frees a password; NULL is a no-op. */
void allot_deliver_password_free(char *password);

#endif
