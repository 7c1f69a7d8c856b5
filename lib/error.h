/*
 * error.h — the one error type of liballot.
 *
 * Every library call that can fail returns an allot_status and, when the
 * caller passes a non-NULL allot_error, fills it with the context a person
 * needs to fix the problem: which file, line and column, and what to do.
 * The library never prints and never exits; tools turn an allot_error into
 * a message and an exit code (allot_exit_code).
 */
#ifndef ALLOT_ERROR_H
#define ALLOT_ERROR_H

#include <stdarg.h>

typedef enum allot_status {
    ALLOT_OK = 0,
    ALLOT_ERR_NOMEM,    /* out of memory */
    ALLOT_ERR_IO,       /* a file could not be opened, read or written */
    ALLOT_ERR_DB,       /* SQLite failed (message holds sqlite3_errmsg) */
    ALLOT_ERR_LOCKED,   /* the database stayed locked past the busy timeout */
    ALLOT_ERR_USAGE,    /* a bad parameter: unknown model, bad period, ... */
    ALLOT_ERR_CONFIG,   /* the configuration file is malformed */
    ALLOT_ERR_PARSE,    /* input could not be read as CSV/paths/... */
    ALLOT_ERR_DATA,     /* input was read but its content is unusable */
    ALLOT_ERR_REJECTED, /* rows were rejected beyond the allowed budget */
    ALLOT_ERR_NUMERIC,  /* a numerical method failed (GSL status) */
    ALLOT_ERR_LIMIT     /* a documented size limit was exceeded */
} allot_status;

/* Where an error happened and why. Fixed-size so that filling it never fails. */
typedef struct allot_error {
    allot_status code;
    char file[256];   /* input file, "" when not about a file */
    long line;        /* 1-based physical line, 0 when unknown */
    long column;      /* 1-based field number, 0 when unknown */
    char message[768];
} allot_error;

/* Resets err to ALLOT_OK with no context. err may be NULL. */
void allot_error_clear(allot_error *err);

/* Fills err (when non-NULL) and returns code, so callers can write
 * `return allot_error_set(err, ALLOT_ERR_IO, path, 0, 0, "cannot open: %s", ...)`.
 * file may be NULL. */
allot_status allot_error_set(allot_error *err, allot_status code, const char *file,
                             long line, long column, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

allot_status allot_error_setv(allot_error *err, allot_status code, const char *file,
                              long line, long column, const char *fmt, va_list ap);

/* A short constant description of a status ("database locked"). */
const char *allot_strerror(allot_status code);

/* The documented process exit code for a status:
 * 0 done; 1 data problem (rejects, failed check, unusable data);
 * 2 usage (bad option or parameter, bad config); 3 environment
 * (missing or unreadable file, database locked or failing, out of memory). */
int allot_exit_code(allot_status code);

#endif
