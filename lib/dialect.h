/*
 * dialect.h — the exports users actually have (Salesforce, HubSpot, Google
 * Ads, Meta, LinkedIn, Microsoft Ads, web sessions, path files), mapped into
 * the canonical tables of load.h.
 *
 * A dialect is a family of "shapes" (one per exported object or report: the
 * Salesforce dialect has Opportunity, Campaign, CampaignMember, ...). A shape
 * is a declarative table of header aliases -> canonical column plus a small
 * transform (15-char Salesforce ids to 18, micros to units, ids in [ ],
 * grouped report columns filled down, currency from a header suffix) and,
 * where one source row feeds several tables or needs a lookup, an emitter
 * function. Header names are compared normalised: trimmed, case folded,
 * Latin accents folded, sort arrows (↑ ↓ ▲ ▼) removed, runs of spaces
 * collapsed.
 *
 * A shape is recognised when every one of its signature headers is present;
 * among recognised shapes the one matching most headers wins. lib/load.c
 * uses this module: it converts each source record into canonical records
 * (allot_dialect_file_row) and loads those through the canonical path, so
 * typing, validation, rejects and upserts are the canonical loader's.
 *
 * Identity (documented in the README): people are keyed by the source id
 * the CRM gives them, and a new person row first looks for an existing
 * person with the same lead id, contact id or normalised e-mail and reuses
 * its person_id. Web touches with an anonymous id are linked to the person
 * that the same anonymous id is seen with anywhere in the file (a row with a
 * person id or a known e-mail) or in touches already loaded; after the load,
 * earlier anonymous touches of a now-known anonymous id are linked too.
 */
#ifndef ALLOT_DIALECT_H
#define ALLOT_DIALECT_H

#include <sqlite3.h>
#include <stdint.h>

#include "csv.h"
#include "error.h"

/* Dialects, in --list-dialects order. */
int allot_dialect_count(void);
const char *allot_dialect_name(int i);
/* What the k-th shape (0-based) of dialect i reads and maps to (one line,
 * static), NULL past the last. */
const char *allot_dialect_shape_maps(int i, int k);
/* Index of the dialect called name, -1 when unknown ("canonical" is not one). */
int allot_dialect_find(const char *name);
/* "salesforce, salesforce-report, ..." (static). */
const char *allot_dialect_names(void);

/* Normalises a header name into out (size bytes): see above. */
void allot_dialect_norm(const char *in, char *out, size_t size);

/* A 15-character Salesforce id with its 3-character checksum suffix into
 * out (19 bytes). Returns 1 when converted, 0 when in is not 15 alphanumeric
 * characters (out gets a copy of in, truncated to 18 characters). */
int allot_sfid18(const char *in, char *out);

typedef struct allot_dialect_match {
    int shape;                  /* recognised shape (index), -1 none */
    int score;                  /* headers of that shape present */
    const char *dialect;        /* its dialect, or the closest one's */
    const char *shape_name;     /* "Opportunity", ... */
    char missing[512];          /* shape < 0: the closest shape's missing signature headers */
} allot_dialect_match;

/* Scores a header record for the reader's header search (csv.h):
 * the number of headers of the best recognised shape of `dialect` (-1: any
 * dialect), 0 when none is recognised. */
int allot_dialect_score(int dialect, const allot_csv_record *h);

/* Classifies a header; fills *m (closest shape when none is recognised). */
void allot_dialect_classify(int dialect, const allot_csv_record *h, allot_dialect_match *m);

/* Footer predicate for dialect files: allot_csv_is_total_row, plus
 * Microsoft's copyright line however its © was mangled ("Â©", "(c)"),
 * "Report Total"/"Totals" rows and Salesforce's confidentiality notes. */
int allot_dialect_is_footer(void *ctx, const allot_csv_record *rec);

/* The decimal separator a shape's numbers default to: 0 point (path files,
 * though ';'-separated), -1 the loader's rule (',' when ';' separates). As
 * for any file, the numbers of the first rows overrule the default when
 * they all show the other separator. */
int allot_dialect_decimal_comma(int shape);

/* The date order a shape writes its slash dates in (LinkedIn: M/D/YYYY),
 * ALLOT_DATE_AUTO (0) for the others. The loader reads a column in it when
 * its values do not tell (no part above 12, no dots) and the file is as the
 * platform wrote it (not ';'-separated, decimal points): a file saved
 * again by a European spreadsheet is read as its values say. */
int allot_dialect_date_order(int shape);

/* ---- converting one file -------------------------------------------------- */

/* One canonical table a file feeds: the canonical column names of the
 * records emitted into it, in order. */
typedef struct allot_dialect_out {
    const char *table;
    int ncols;
    const char *names[40];
} allot_dialect_out;

/* Receives one canonical record: values[i] (NUL-terminated; "" is NULL)
 * for out->names[i]; src_col[i] is the 1-based source column it came from
 * (0: derived). Returns ALLOT_OK, or an error (err already filled by the
 * callee) that stops the file. */
typedef allot_status (*allot_dialect_emit_fn)(void *ctx, int out, const char *const *values,
                                     const long *src_col);
typedef void (*allot_dialect_warn_fn)(void *ctx, long line, long column, const char *message);

typedef struct allot_dialect_file allot_dialect_file;

/* Starts converting a file of `shape` whose header is h. db is used for
 * identity and campaign lookups (read only; rows emitted are written by
 * the caller in the same transaction). Caller owns *out. */
allot_status allot_dialect_file_new(sqlite3 *db, int shape, const allot_csv_record *h,
                                    allot_dialect_warn_fn warn, void *warn_ctx,
                                    allot_dialect_file **out, allot_error *err);

/* The tables this file feeds (*n of them). */
const allot_dialect_out *allot_dialect_file_outputs(const allot_dialect_file *f, int *n);

/* How the file writes decimals (0 point, the default; 1 comma). The values
 * a transform computes (micros to units, inverted rates) are read and
 * written the same way, so the loader reads them as it reads the file's
 * own numbers; a value a transform cannot read rejects its row. -1: not
 * known yet (a pass that only looks at the rows): such a value passes
 * unchanged. */
void allot_dialect_file_set_decimal_comma(allot_dialect_file *f, int decimal_comma);

/* 1 when the file wants every record once before the rows (anonymous ids
 * linked to people later in the file): call allot_dialect_file_prepass on
 * each, then rewind. */
int allot_dialect_file_wants_prepass(const allot_dialect_file *f);
allot_status allot_dialect_file_prepass(allot_dialect_file *f, const allot_csv_record *rec,
                                        allot_error *err);

/* What became of one record besides the rows emitted. */
typedef struct allot_dialect_row {
    int ignored;        /* deliberately not loaded (a GA4 page_view event) */
    char why[160];      /* non-empty: the record is to be rejected for this reason */
    long column;        /* ... about this source column (1-based, 0: the row) */
} allot_dialect_row;

/* Converts one data record: calls emit zero or more times (not at all when
 * res->ignored or res->why is set). */
allot_status allot_dialect_file_row(allot_dialect_file *f, const allot_csv_record *rec,
                                    allot_dialect_emit_fn emit, void *emit_ctx,
                                    allot_dialect_row *res, allot_error *err);

/* After every row of the load `load_id` is written: campaigns seen only in
 * spend are created (source_system = the platform), earlier anonymous
 * touches are linked. *created gets the number of campaigns created. */
allot_status allot_dialect_file_finish(allot_dialect_file *f, int64_t load_id,
                                       int64_t *created, int64_t *linked, allot_error *err);

void allot_dialect_file_free(allot_dialect_file *f);

#endif
