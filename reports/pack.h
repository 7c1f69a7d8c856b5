/*
 * pack.h — the words of the pack e-mail: the headline numbers of a period,
 * read from the database, and the plain-text body that carries them with
 * the list of what is attached.
 *
 * Sections degrade one by one: a section whose data is missing (no won
 * deals in the period, no credit run yet, no spend loaded, no database at
 * all) keeps its title and says why in one line, and the rest of the body
 * is written as usual. Data text (channel names) is never trusted: control
 * characters become spaces before it reaches the body.
 */
#ifndef ALLOT_REPORTS_PACK_H
#define ALLOT_REPORTS_PACK_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "report_data.h"
#include "zone.h"

#define ALLOT_PACK_MAX_LINES 8
#define ALLOT_PACK_MAX_SECTIONS 6

typedef struct allot_pack_line {
    char label[80];
    char value[320];   /* the restatement line, with its allot-restate command, is up to about 270 */
} allot_pack_line;

typedef struct allot_pack_section {
    char title[96];
    allot_pack_line lines[ALLOT_PACK_MAX_LINES];
    size_t n_lines;
    char missing[160];  /* when n_lines == 0: why, e.g. "no credit run for 2026Q3 yet" */
} allot_pack_section;

typedef struct allot_pack_headlines {
    allot_pack_section sections[ALLOT_PACK_MAX_SECTIONS];
    size_t n_sections;
    /* Where the period lies against the data's end (lib/report_data.h
     * allot_report_coverage_of) and, when it is not covered, the sentence
     * the body gives under its title ("" otherwise). */
    allot_report_coverage coverage;
    char note[256];
} allot_pack_headlines;

/* Adds a section (title; lines are added with allot_pack_add_line). Returns
 * NULL when ALLOT_PACK_MAX_SECTIONS are used. */
allot_pack_section *allot_pack_add_section(allot_pack_headlines *h, const char *title);

/* Adds a line; ignored past ALLOT_PACK_MAX_LINES. Text is truncated to fit
 * and control characters become spaces. */
void allot_pack_add_line(allot_pack_section *s, const char *label, const char *value);

/* A period as the queries need it: label ("2026Q3", the ledger's period
 * column) and civil days 'YYYY-MM-DD', end exclusive. */
typedef struct allot_pack_period {
    const char *label;
    const char *start;
    const char *end;
} allot_pack_period;

/* Reads the headline numbers of one period from db:
 *   Revenue won      — deals with is_won = 1 and close_date in the period,
 *                      per currency, with the count of won deals without amount;
 *   Pipeline created — deals created in the period (its days on the clocks
 *                      of zone, the reporting zone; NULL = UTC), per currency; when
 *                      some are in another currency than `currency`, one
 *                      more line adds them up in it, each deal at its
 *                      creation day's rate (allot_report_pipeline_minor),
 *                      the workbook's and the PDF's figure;
 *   Attribution      — the rollups (rollup_channel, rollup_period) of the
 *                      latest successful revenue credit run in `currency`
 *                      (the reporting currency; NULL: any) with a quarter
 *                      inside the period (a run in another currency is not
 *                      shown: the section says which to run), summed over its quarters inside
 *                      it (a year adds up its quarters; a month holds none
 *                      and says so), under `model`
 *                      when that run has it (NULL: "linear"), else its
 *                      first model by name: the top 5 channels by credit
 *                      in the reporting currency with their share of the
 *                      booked amount ('(unattributed)' is not a channel: it
 *                      is in the line booked = credited + unattributed),
 *                      and a "restated since run N" line when an earlier
 *                      revenue run reported those quarters differently;
 *   Spend            — spend rows dated in the period, per currency; when
 *                      some are in another currency than `currency`, one
 *                      more line adds them all up in it
 *                      (allot_report_spend_minor: each row at its day's
 *                      rate, the micros added and rounded once), the
 *                      figure of the workbook's Summary and the PDF cover;
 *                      a missing rate makes that line say so.
 * With prior (may be NULL), won revenue, pipeline and spend lines also show
 * the prior period's amount and the change: "USD 1,250.50 from 2 deals
 * (2026Q2: USD 1,000.00, +25.1 %)"; a currency with amounts only in the
 * prior period shows "none (2026Q2: ...)".
 * A period that ends after the data's end (allot_report_data_end) shows
 * its figures so far and the prior period's without a change; note gives
 * the sentence (README "A period the data do not cover"). A period wholly
 * after the data has no lines: each section says "no data for 2026Q3: the
 * data ends on 2026-06-01".
 * db may be NULL: every section then says the database is missing. Only an
 * SQLite failure is an error (ALLOT_ERR_DB); missing data is a section's
 * `missing` note. */
allot_status allot_pack_headlines_load(sqlite3 *db, const allot_pack_period *period,
                                       const allot_pack_period *prior, const char *model,
                                       const char *currency, const allot_zone *zone,
                                       allot_pack_headlines *h, allot_error *err);

typedef struct allot_pack_item {
    const char *name;   /* as attached, e.g. "allot-pack.pdf", "charts/funnel.png" */
    int64_t size;       /* bytes */
    const char *what;   /* one line, may be NULL */
} allot_pack_item;

/* The text body (UTF-8, LF line ends): a title line for the period, each
 * section, the attached files with sizes, the notes (files not attached and
 * why), and a closing line. Deterministic. Returns a malloc'ed string (the
 * caller frees) or NULL when out of memory. */
char *allot_pack_body_text(const char *title, const allot_pack_headlines *h,
                           const allot_pack_item *attached, size_t n_attached,
                           const char *const *notes, size_t n_notes);

#endif
