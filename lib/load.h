/*
 * load.h — loading one exported file into the canonical tables.
 *
 * A load reads the file with the CSV reader (csv.h), maps its header to a
 * canonical table (the dialect; v1 knows "canonical": allot's own headers,
 * one CSV per table, documented in the README and in allot_load_tables),
 * types and validates every field (value.h), and writes the rows in ONE
 * transaction: the file commits whole or the database is left as it was.
 *
 * Rows are upserted by the table's key: a row not in the database is
 * "loaded", a row whose values differ is "updated" (its load_id/source_row
 * then point at this load), an identical row is "unchanged" — so re-loading
 * a file changes nothing and a newer export updates what changed. Columns
 * missing from the file are left as they are on update.
 *
 * Rejected rows (wrong field count, bad value, missing required value,
 * unknown currency, ...) are written to FILE.rejects.csv (next to the input,
 * or in rejects_dir) with line, column, column name, value, reason and the
 * raw record, and into the `rejects` table when the load commits. More
 * rejects than max_rejects: nothing is committed (ALLOT_ERR_REJECTED).
 * Each load is a row of `loads` (sha256 of the bytes, counts, dialect);
 * its warnings are rows of `load_warnings`.
 */
#ifndef ALLOT_LOAD_H
#define ALLOT_LOAD_H

#include <sqlite3.h>
#include <stdint.h>

#include "csv.h"
#include "error.h"
#include "value.h"

/* Receives a warning about a file (line/column 0 when not about one place). */
typedef void (*allot_load_warn_fn)(void *ctx, const char *file, long line, long column,
                                   const char *message);
/* Progress: bytes of the file read so far, and its size. */
typedef void (*allot_load_progress_fn)(void *ctx, int64_t done, int64_t total);

typedef struct allot_load_options {
    const char *table;          /* NULL: chosen from the header */
    const char *dialect;        /* NULL: recognised from the header (canonical or
                                   one of dialect.h's); "canonical" or a dialect
                                   name forces it */
    const char *config_path;    /* recorded only (configuration comes later) */
    int64_t max_rejects;        /* rejected rows allowed before nothing commits */
    const char *rejects_dir;    /* NULL: FILE.rejects.csv next to FILE */
    allot_csv_encoding encoding;
    char delimiter;             /* 0: sniff */
    long header_line;           /* 0: sniff */
    allot_date_order date_order;  /* AUTO: inferred per column */
    int decimal_comma;          /* -1: auto (`;` files use a decimal comma), 0, 1 */
    const char *default_currency;   /* NULL: every amount needs a currency of its own;
                                       else the ISO 4217 code of amounts that have none
                                       (an empty or absent currency column, no symbol) */
    const char *timezone;       /* the zone of timestamps without a UTC offset (a tz
                                   name, zone.h); NULL: UTC, with one warning per
                                   column that has such timestamps */
    allot_load_warn_fn warn;
    void *warn_ctx;
    allot_load_progress_fn progress;
    void *progress_ctx;
} allot_load_options;

typedef struct allot_load_summary {
    char table[32];             /* canonical table fed ("" when none) */
    char dialect[32];
    char rejects_path[4096];    /* written when rejected > 0, else "" */
    int64_t load_id;            /* 0 when nothing was committed */
    int64_t read;               /* data rows read (= loaded+updated+unchanged+rejected) */
    int64_t loaded, updated, unchanged, rejected, dropped, warnings;
    int committed;
    /* dialect loads (dialect != "canonical"): rows read are source rows;
     * loaded/updated/unchanged/rejected count the canonical rows they gave
     * (one source row may give several, e.g. a HubSpot deal with contacts
     * and stage dates). table lists every table fed, comma-separated. */
    char shape[48];             /* "Opportunity", "UI download", ... */
    int64_t ignored;            /* source rows deliberately not loaded (GA4 non-session events) */
    int64_t campaigns_created;  /* campaigns seen only in spend, created */
    int64_t linked;             /* earlier anonymous touches linked to a person */
} allot_load_summary;

/* Defaults: everything sniffed, max_rejects 0, decimal_comma -1. */
void allot_load_options_init(allot_load_options *opt);

/* Loads one file into db (opened with allot_store_open). Fills *sum even on
 * failure (counts so far). Returns ALLOT_OK when committed (possibly with
 * rejects within the budget), ALLOT_ERR_REJECTED when rejects exceeded it
 * (nothing committed, rejects file written), or the reader's/database's
 * error (nothing committed; ALLOT_ERR_IO for a missing file, ALLOT_ERR_DATA
 * for a header that matches no table or dialect — the message names the
 * closest dialect and its missing headers — or lacks a required column). */
allot_status allot_load_file(sqlite3 *db, const char *path, const allot_load_options *opt,
                             allot_load_summary *sum, allot_error *err);

/* ---- the canonical CSV format ------------------------------------------ */

typedef enum allot_column_kind {
    ALLOT_COL_TEXT,       /* trimmed text; empty -> NULL */
    ALLOT_COL_DATE,       /* civil date -> 'YYYY-MM-DD' */
    ALLOT_COL_TIMESTAMP,  /* instant -> epoch seconds UTC */
    ALLOT_COL_MONEY,      /* decimal major units -> micros, needs the row's currency */
    ALLOT_COL_CURRENCY,   /* ISO 4217 code (upper-cased) */
    ALLOT_COL_INT,
    ALLOT_COL_REAL,
    ALLOT_COL_POSITIVE,   /* real > 0 */
    ALLOT_COL_BOOL,       /* -> 0/1 */
    ALLOT_COL_EMAIL,      /* trimmed, lower case; email_sha256 derived */
    ALLOT_COL_ENTITY      /* 'person' or 'deal' */
} allot_column_kind;

enum { ALLOT_COL_REQUIRED = 1, ALLOT_COL_KEY = 2 };

typedef struct allot_column {
    const char *name;         /* CSV header name */
    const char *db_name;      /* database column */
    allot_column_kind kind;
    unsigned flags;
    const char *fallback;     /* value used when empty/absent (NULL: none) */
    const char *example;
} allot_column;

typedef struct allot_table {
    const char *name;
    const allot_column *columns;
    int ncolumns;
} allot_table;

/* The canonical tables, in load order; *count gets their number. */
const allot_table *allot_load_tables(int *count);

/* The canonical table named name, or NULL. */
const allot_table *allot_load_table(const char *name);

#endif
