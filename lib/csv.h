/*
 * csv.h — the one CSV reader every loader uses: a streaming RFC 4180 parser
 * with the sniffing pipeline of real exports in front of it.
 *
 * Opening a file runs, in order (each step can be forced in the options):
 *   1. encoding: UTF-8 BOM (stripped); UTF-16LE/BE by BOM or by the pattern
 *      of NUL bytes, transcoded to UTF-8 with iconv; otherwise UTF-8, and a
 *      file whose first block is not valid UTF-8 is read as Windows-1252
 *      (warning). A later invalid UTF-8 field in a UTF-8 file is read as
 *      Windows-1252 too, with a warning naming its line and column.
 *      Every decoding warning (not UTF-8, an invalid UTF-16 code unit,
 *      undecodable bytes at the end) gives the physical line and the field
 *      (column) of the bad bytes under the delimiter finally used; one found
 *      before the delimiter is known is passed to warn once it is.
 *   2. a first line `sep=X` (Excel) sets the delimiter and is skipped;
 *   3. delimiter among `,` TAB `;` `|`: the candidate under which most of
 *      the first records share one field count (>= 2) wins;
 *   4. header row: the best-scoring record among the first 20 (the caller's
 *      score_header callback, e.g. a dialect's vocabulary); without a
 *      callback, the first record with the modal field count.
 * Then allot_csv_next returns data records one by one; records the caller's
 * is_footer predicate accepts (totals, copyright lines) are skipped and
 * counted. Blank lines are skipped.
 *
 * Quoting (RFC 4180): a field starting with `"` runs to the next lone `"`;
 * `""` inside is one quote; delimiters and line breaks (CRLF, LF, bare CR)
 * inside are data. Records end at CRLF, LF or a bare CR. Every record carries
 * the physical line it starts on; columns are 1-based field numbers.
 *
 * Memory stays flat in the file size: input is read in blocks of
 * ALLOT_CSV_BLOCK bytes and one record lives in the buffer at a time. Hard
 * limits (ALLOT_ERR_LIMIT, naming line and column) keep hostile input from
 * growing it: a field longer than max_field_bytes, a record longer than
 * max_record_bytes, more than max_columns fields.
 */
#ifndef ALLOT_CSV_H
#define ALLOT_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define ALLOT_CSV_BLOCK (1u << 20)               /* bytes read per system call */
#define ALLOT_CSV_MAX_FIELD_BYTES (1u << 20)     /* default: 1 MiB per field */
#define ALLOT_CSV_MAX_RECORD_BYTES (8u << 20)    /* default: 8 MiB per record */
#define ALLOT_CSV_MAX_COLUMNS 1024               /* default: fields per record */
#define ALLOT_CSV_HEADER_SCAN 20                 /* records searched for the header */

typedef enum allot_csv_encoding {
    ALLOT_CSV_ENC_AUTO = 0,
    ALLOT_CSV_ENC_UTF8,
    ALLOT_CSV_ENC_UTF16LE,
    ALLOT_CSV_ENC_UTF16BE,
    ALLOT_CSV_ENC_CP1252
} allot_csv_encoding;

/* One field: text is NUL-terminated UTF-8 (quotes removed, "" collapsed),
 * len excludes the NUL. Valid until the next allot_csv_next/rewind/free. */
typedef struct allot_csv_field {
    const char *text;
    size_t len;
    int quoted;
} allot_csv_field;

typedef struct allot_csv_record {
    long line;                    /* physical line (1-based) where it starts */
    size_t count;                 /* number of fields (>= 1) */
    const allot_csv_field *fields;
    /* Set when the record is malformed but reading can go on (text after a
     * closing quote): the caller should reject it. NULL otherwise. */
    const char *error;
    long error_column;
} allot_csv_record;

/* Scores a candidate header record: > 0 means "could be the header",
 * higher is better; the first best record wins. */
typedef int (*allot_csv_score_fn)(void *ctx, const allot_csv_record *rec);
/* Returns 1 when a data record is a footer or total row to drop. */
typedef int (*allot_csv_footer_fn)(void *ctx, const allot_csv_record *rec);
/* Receives a warning (line/column 0 when not about one place). */
typedef void (*allot_csv_warn_fn)(void *ctx, long line, long column, const char *message);

typedef struct allot_csv_options {
    allot_csv_encoding encoding;  /* AUTO: sniff */
    char delimiter;               /* 0: sniff (`sep=` line, then detection) */
    long header_line;             /* 0: sniff; else the physical line of the header */
    allot_csv_score_fn score_header;
    void *score_ctx;
    allot_csv_footer_fn is_footer;
    void *footer_ctx;
    allot_csv_warn_fn warn;
    void *warn_ctx;
    size_t max_field_bytes;       /* 0: ALLOT_CSV_MAX_FIELD_BYTES */
    size_t max_record_bytes;      /* 0: ALLOT_CSV_MAX_RECORD_BYTES */
    size_t max_columns;           /* 0: ALLOT_CSV_MAX_COLUMNS */
} allot_csv_options;

/* What the sniffer decided (or was told). */
typedef struct allot_csv_sniffed {
    allot_csv_encoding encoding;
    int bom;                      /* a byte-order mark was present and skipped */
    int sep_line;                 /* a `sep=X` line was present and skipped */
    char delimiter;
    long header_line;             /* physical line of the header */
} allot_csv_sniffed;

typedef struct allot_csv_reader allot_csv_reader;

/* Zeroed options: every step sniffed, default limits. */
void allot_csv_options_init(allot_csv_options *opt);

/* Opens path and runs the sniffing pipeline up to and including the header.
 * opt may be NULL (all defaults). Errors: ALLOT_ERR_IO (cannot open/read),
 * ALLOT_ERR_PARSE (empty file, no header found, unusable encoding),
 * ALLOT_ERR_LIMIT, ALLOT_ERR_NOMEM. On success the caller owns *out
 * (allot_csv_free). The options' callbacks and contexts must outlive it. */
allot_status allot_csv_open(const char *path, const allot_csv_options *opt,
                            allot_csv_reader **out, allot_error *err);

/* Next data record into *rec (owned by the reader, valid until the next
 * call); *rec is NULL at the end of the file. Errors are fatal for the file
 * (ALLOT_ERR_IO, ALLOT_ERR_LIMIT, ALLOT_ERR_PARSE for a quote that never
 * closes) and carry line and column. */
allot_status allot_csv_next(allot_csv_reader *r, const allot_csv_record **rec,
                            allot_error *err);

/* The header record (valid until allot_csv_free). */
const allot_csv_record *allot_csv_header(const allot_csv_reader *r);

const allot_csv_sniffed *allot_csv_sniff_result(const allot_csv_reader *r);

/* Data records dropped by the footer predicate so far. */
int64_t allot_csv_dropped(const allot_csv_reader *r);

/* Bytes of the file read so far (for progress). */
int64_t allot_csv_bytes_read(const allot_csv_reader *r);

/* Goes back to the first data record (the sniffed settings are kept), e.g.
 * after a pre-pass that inferred date orders. Resets the dropped count. */
allot_status allot_csv_rewind(allot_csv_reader *r, allot_error *err);

/* Closes the file and frees everything; NULL is a no-op. */
void allot_csv_free(allot_csv_reader *r);

/* Name of an encoding ("utf-8", "utf-16le", "utf-16be", "cp1252", "auto"). */
const char *allot_csv_encoding_name(allot_csv_encoding enc);

/* Parses an encoding name as given on a command line (case-insensitive;
 * "utf8", "utf-8", "utf-16le", "utf16le", "utf-16be", "cp1252",
 * "windows-1252", "latin1" treated as cp1252, "auto"). -1 when unknown. */
int allot_csv_encoding_parse(const char *name);

/* A footer test dialects share: the first non-empty field starts with
 * "Total" (any case, e.g. "Total: 3 campaigns", "Totals"), "Grand Total",
 * "©" or "Copyright", or the record's only non-empty field is a
 * "Generated ..."/"Confidential ..." note. Canonical CSVs do not use it. */
int allot_csv_is_total_row(void *ctx, const allot_csv_record *rec);

/* Normalises a header name for comparison with a dialect's names (the
 * data model's step 7): surrounding blanks trimmed, runs of blanks (NBSP
 * too) made one space, ASCII letters lower-cased, Latin-1 accents folded
 * (é -> e, Ü -> u, ß -> ss, Æ -> ae), sort arrows (↑ ↓ ▲ ▼) removed. Other
 * characters are kept. Writes at most size - 1 bytes and a NUL; returns out. */
char *allot_csv_header_key(const char *name, char *out, size_t size);

/* Converts Windows-1252 bytes to UTF-8 into out (3 * n + 1 bytes suffice);
 * returns the length written (NUL-terminated). */
size_t allot_cp1252_to_utf8(const unsigned char *in, size_t n, char *out);

/* 1 when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates). */
int allot_utf8_valid(const unsigned char *s, size_t n);

#endif
