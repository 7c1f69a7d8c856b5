/*
 * xlsx.h — the finance workbook: one .xlsx a controller opens and trusts.
 *
 * Sheets (README "The workbook" describes each for users): Summary,
 * Attribution by channel, Attribution by campaign, Model comparison,
 * Funnel, Retention, CLV, Reconciliation, Ledger, Definitions.
 *
 * Everything is read from the database through the library modules that
 * own each figure (report_data, roi, funnel, retention, lifetime, the
 * ledger tables); this module only lays them out. A section whose data is
 * missing (no credit run, no subscriptions) keeps its sheet with a sentence
 * saying what to run, and the Summary lists it.
 *
 * Numbers are numbers with number formats; export text is always written as
 * a string (never a formula); formulas (totals, differences) are written
 * with their computed value. The workbook is written in constant-memory
 * mode, row by row, so the Ledger sheet costs no memory per row. Document
 * properties are fixed (created = 2000-01-01T00:00:00Z) so the same
 * database gives a byte-identical file.
 *
 * The caller must keep LC_NUMERIC as "C" while writing (libxlsxwriter
 * prints numbers with the C library).
 */
#ifndef ALLOT_REPORTS_XLSX_H
#define ALLOT_REPORTS_XLSX_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "error.h"

typedef struct allot_xlsx_options {
    const char *period;          /* NULL: the last complete quarter of the data
                                  * (allot_report_default_period) */
    const char *model;           /* NULL: [models] default_model */
    const allot_config *config;  /* may be NULL: defaults */
    unsigned bootstrap;          /* ROI interval replicates; 0 = none */
    unsigned long seed;
} allot_xlsx_options;

typedef struct allot_xlsx_summary {
    char period[32];
    char model[64];
    int64_t credit_run;          /* 0 when there was no credit run */
    size_t sheets;
    size_t ledger_rows;
    size_t missing_sections;     /* sheets that say their data is missing */
    char missing[10][320];       /* "Retention: no subscriptions ..." */
} allot_xlsx_summary;

/* Writes the workbook to path. ALLOT_ERR_IO when the file cannot be
 * written, ALLOT_ERR_DB / ALLOT_ERR_DATA from the modules read,
 * ALLOT_ERR_USAGE for a bad period or model. */
allot_status allot_xlsx_write(sqlite3 *db, const allot_xlsx_options *options, const char *path,
                              allot_xlsx_summary *summary, allot_error *err);

/* 1 when name can be an Excel sheet name: 1..31 characters (UTF-8 code
 * points), none of []:*?/\ , not starting or ending with an apostrophe. */
int allot_xlsx_sheet_name_valid(const char *name);

#endif
