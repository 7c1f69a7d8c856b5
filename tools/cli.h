/*
 * cli.h — what every allot tool shares: message wording, progress lines and
 * exit codes. Tools are thin: parse options, call the library once, print a
 * summary. Messages follow one shape:
 *
 *   allot-load: error: deals.csv:12:4: amount 'abc' is not a number; ...
 *
 * Exit codes (all tools): 0 done, 1 data problem (rejected rows, failed
 * check), 2 usage, 3 environment (missing file, database locked, SMTP down).
 */
#ifndef ALLOT_CLI_H
#define ALLOT_CLI_H

#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

#include "config.h"
#include "error.h"
#include "funnel.h"

enum { CLI_EXIT_OK = 0, CLI_EXIT_DATA = 1, CLI_EXIT_USAGE = 2, CLI_EXIT_ENV = 3 };

/* Sets the program name used as the prefix of every message, and turns
 * getopt's own messages off (cli_option_error says it in one line). */
void cli_init(const char *program_name);
const char *cli_program(void);

/* "PROG: error: FILE:LINE:COL: MESSAGE" on stderr; returns the exit code
 * for err (allot_exit_code). */
int cli_report(const allot_error *err);

/* "PROG: error: ..." / "PROG: warning: ..." on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Misuse: one line and "Try 'PROG --help'." on stderr; returns 2. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* For getopt_long's '?' (cli_init turns getopt's own messages off): the one
 * misuse line naming the unknown option or the option missing its value, as
 * cli_usage_error; returns 2. shortopts is the string given to getopt_long. */
int cli_option_error(char *const argv[], const char *shortopts);

/* A progress line on stderr, rewritten in place, only when stderr is a
 * terminal and at most ~10 times a second: "what done/total (P%)", "what
 * done" without a total, "what ..." with neither (a stage starting).
 * cli_progress_done clears it. */
void cli_progress(const char *what, int64_t done, int64_t total);
void cli_progress_done(void);
/* The same for bytes of a file: "what 72.3/121.7 MB (59%)". */
void cli_progress_bytes(const char *what, int64_t done, int64_t total);

/* Flushes stdout and turns a write error (disk full, closed pipe) into a
 * message and exit code 3; returns status unchanged otherwise. */
int cli_finish(int status);

/* An output file the tool writes (--csv-dir tables): cli_create opens path
 * for writing, or fills err (ALLOT_ERR_IO, "cannot write: why") and returns
 * NULL. cli_close closes f and, when st is ALLOT_OK, turns a failed write or
 * close into the same error; returns the status to go on with. */
FILE *cli_create(const char *path, allot_error *err);
allot_status cli_close(FILE *f, const char *path, allot_status st, allot_error *err);

/* An output folder the tool creates (--out DIR): path and every missing
 * parent, as mkdir -p. 0 when path is (now) a folder; -1 with errno set
 * (ENOTDIR when a part of it is a file). */
int cli_mkdirs(const char *path);

/* --config FILE: loads path into *cfg and prints the file's warnings (a
 * NULL path leaves *cfg NULL: every value at its default). Errors as
 * allot_config_load. */
allot_status cli_config_load(const char *path, allot_config **cfg, allot_error *err);

/* Option values shared by the analysis tools, each with one wording: 0 with
 * *out set, or the usage error said and 2 returned.
 * --alpha A: a number strictly between 0 and 1.
 * --fiscal-start M: a month 1-12. */
int cli_alpha_option(const char *text, double *out);
int cli_fiscal_start_option(const char *text, int *out);

/* --period P of allot-funnel and allot-roi: a unit or one period, as
 * allot_cohort_period_parse. Returns 0, or says "--period: why" as a usage
 * error and returns 2. */
int cli_period_option(const char *text, int fiscal_start_month, allot_cohort_unit *unit,
                      allot_period *period, const allot_period **only);

/* A computing tool's run (allot_store_run_open) with its parameters, the
 * sorted "key=value;..." text, formatted from fmt. Errors as run_open. */
allot_status cli_run_open(sqlite3 *db, const char *tool, int64_t *run_id, allot_error *err,
                          const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The inputs of a renderer (allot-chart, allot-pdf, allot-xlsx): the
 * --config file (cli_config_load), then, when lookback_days is not NULL,
 * its [general] lookback_days, then the database, which must exist
 * (allot_store_open_existing). Stops at the first error; close *db and free
 * *cfg in any case (both start NULL). */
allot_status cli_render_open(const char *config_path, const char *db_path, long *lookback_days,
                             allot_config **cfg, sqlite3 **db, allot_error *err);

/* A renderer's run (allot-chart, allot-pdf, allot-xlsx), recorded "ok"
 * after its files are written (allot_store_run_record): best effort, a
 * renderer changes no figure and its files are there, so a failure to
 * record is not reported. */
void cli_run_record(sqlite3 *db, const char *tool, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Seconds since an arbitrary start, monotonic, for "in 1.2 s" summaries. */
double cli_seconds(void);

#endif
