/*
 * restate.h — what changed between two allot-credit runs (restatement).
 *
 * After a quarter was reported the CRM exports change (an amount corrected,
 * a deal added late, a close date moved, contact roles edited); the user
 * reloads and runs allot-credit again, which records a new run. This module
 * compares two successful allot-credit runs of the same event (revenue or
 * pipeline: `event=` in runs.parameters) and the same reporting currency,
 * under one model:
 *
 *   - per period and channel, the credited amount in each run and the
 *     difference (rollup_channel, which every run holds for every model it
 *     computed; the channel '(unattributed)' included);
 *   - per period, booked = credited + unattributed in each run
 *     (rollup_period);
 *   - per period and campaign, the credited amount in each run and the
 *     difference (rollup_campaign summed over the campaign's channels, which
 *     every run also holds for every model), with touches without a campaign
 *     as campaign '(none)' and the period's unattributed amount as its own
 *     row, so the campaigns of a period add up to its booked amount;
 *   - per deal (from the ledger rows of the model, which exist only when
 *     the model was among both runs' ledger models): the deals added,
 *     removed, moved to another period, whose booked amount changed, or
 *     whose booked amount stayed but whose split across channels changed.
 *
 * Every amount is in minor units of the reporting currency (int64, exact):
 * the values the runs stored, subtracted, never converted again.
 * Everything is read with bound parameters; nothing is written.
 */
#ifndef ALLOT_RESTATE_H
#define ALLOT_RESTATE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef struct allot_restate_options {
    int64_t from_run;   /* 0: the successful allot-credit run before to_run with the
                           same event */
    int64_t to_run;     /* 0: the latest successful allot-credit revenue run */
    const char *model;  /* required: a model both runs computed ("linear") */
    const char *period; /* NULL: every period; else one quarter as allot_period_parse
                           reads it ("2026Q3", "FY2027Q1"), with the fiscal start of
                           to_run, matched against to_run's period labels (from_run's
                           relabeled when the fiscal starts differ; see relabeled) */
} allot_restate_options;

/* One period x channel of rollup_channel: credited in each run (0 when the
 * run has no such row; from_present / to_present say whether it had one). */
typedef struct allot_restate_channel {
    char *period;
    char *channel;
    int64_t from_minor, to_minor;
    int from_present, to_present;
} allot_restate_channel;

/* One period of rollup_period in each run (all 0 when absent there):
 * booked = credited + unattributed; deals = converting deals with an amount. */
typedef struct allot_restate_period {
    char *period;
    int64_t from_booked, to_booked;
    int64_t from_credited, to_credited;
    int64_t from_unattributed, to_unattributed;
    int64_t from_deals, to_deals;
} allot_restate_period;

/* One period x campaign: credited in each run (0 when absent there).
 * kind ALLOT_RESTATE_CAMPAIGN_NAMED: a campaign_id of rollup_campaign, credit
 * summed over its channels; ALLOT_RESTATE_CAMPAIGN_NONE: credit of touches
 * without a campaign (rollup_campaign's '(none)');
 * ALLOT_RESTATE_CAMPAIGN_UNATTRIBUTED:
 * the period's unattributed amount (deals with no touch in the window;
 * rollup_period), present when either run had unattributed deals.
 * Per period and run, the rows add up to booked. */
typedef enum allot_restate_campaign_kind {
    ALLOT_RESTATE_CAMPAIGN_NAMED,
    ALLOT_RESTATE_CAMPAIGN_NONE,
    ALLOT_RESTATE_CAMPAIGN_UNATTRIBUTED
} allot_restate_campaign_kind;

typedef struct allot_restate_campaign {
    char *period;
    allot_restate_campaign_kind kind;
    char *campaign_id; /* "(none)" / "(unattributed)" for the other kinds (never a
                          campaign of the data: labels.h) */
    char *name;        /* campaigns.name (as the database holds it now), "" when the
                          campaign is not in the campaigns table; "(no campaign)",
                          "(unattributed)" for the other kinds */
    int64_t from_minor, to_minor;
} allot_restate_campaign;

/* How a deal changed. A deal gets one kind, the first that applies in this
 * order: added, removed, moved (its period differs; its amount may differ
 * too), amount (same period, booked amount differs, or the amount became
 * NULL or stopped being NULL), resplit (same period and amount, credit per
 * channel differs). Deals with a NULL amount come from ledger_null_amount
 * (per run, whatever the model). */
typedef enum allot_restate_kind {
    ALLOT_RESTATE_ADDED,
    ALLOT_RESTATE_REMOVED,
    ALLOT_RESTATE_MOVED,
    ALLOT_RESTATE_AMOUNT,
    ALLOT_RESTATE_RESPLIT,
    ALLOT_RESTATE_KIND_COUNT
} allot_restate_kind;

/* "added", "removed", "moved", "amount", "resplit". */
const char *allot_restate_kind_name(allot_restate_kind kind);

typedef struct allot_restate_deal {
    char *deal_id;
    allot_restate_kind kind;
    char *from_period, *to_period; /* NULL when the deal is not in that run */
    int64_t from_minor, to_minor;  /* booked (sum of reporting_minor), 0 when absent or
                                      NULL */
    int from_null, to_null;        /* the deal converted with a NULL amount in that run
                                      (ledger_null_amount: counted, never summed) */
    /* Credit per channel, channels in byte order, "Email=500.00; Paid
     * Search=500.00" in major units of the reporting currency; "" when
     * absent, "(no amount)" for a NULL amount. */
    char *from_split, *to_split;
} allot_restate_deal;

typedef struct allot_restate {
    int64_t from_run, to_run;
    char event[16];      /* "revenue" or "pipeline" */
    char currency[4];    /* the reporting currency of both runs */
    int exponent;        /* its ISO 4217 exponent */
    char model[64];
    char period[32];     /* the --period label, "" for every period */

    allot_restate_channel *channels; /* by period, then channel (byte order) */
    size_t n_channels;
    allot_restate_period *periods;   /* by period */
    size_t n_periods;
    allot_restate_campaign *campaigns; /* by period, kind, then campaign_id (byte order) */
    size_t n_campaigns;

    /* Per deal: only when both runs wrote the model's ledger rows. */
    int deals_compared;
    char deals_note[512];            /* why not, when deals_compared is 0 */
    allot_restate_deal *deals;       /* changed deals only, by deal_id (byte order) */
    size_t n_deals;
    size_t count[ALLOT_RESTATE_KIND_COUNT];

    /* Parameters of allot-credit (runs.parameters) other than those that
     * are the comparison itself, whose values differ between the runs,
     * "lookback_days=90/60; period=2026Q3/" (FROM/TO); "" when the runs were
     * made alike. A difference means part of the change is not the data. */
    char differing[512];

    /* Runs made with different fiscal starts whose quarters are the same
     * months (starts 3, 6 or 9 months apart) are compared quarter by
     * quarter: every period of the FROM run (rows, deals) carries the TO
     * run's label ("2026Q3" for FY2027Q2 of a year starting in April), and
     * this says so: "run 5's quarters (fiscal year from month 1) are labeled
     * as run 3's (fiscal year from month 4)"; "" when the starts are equal.
     * Starts that are not a multiple of 3 months apart are refused
     * (ALLOT_ERR_DATA). fiscal_start is then not in differing. */
    char relabeled[160];
} allot_restate;

/* Compares the two runs into *out (zeroed first; release with
 * allot_restate_release, also after a failure).
 * Errors: ALLOT_ERR_USAGE when a given run id is not a successful
 * allot-credit run of this database, when the period is not one quarter,
 * or when options->model is NULL; ALLOT_ERR_DATA when the runs cannot be
 * compared: no earlier run of the same event (or no run at all), events or
 * reporting currencies differ, a run did not compute the model, from_run
 * is to_run, or the runs' fiscal years start in months whose quarters
 * differ (not 3, 6 or 9 months apart); ALLOT_ERR_DB, ALLOT_ERR_LOCKED, ALLOT_ERR_NOMEM. */
allot_status allot_restate_compare(sqlite3 *db, const allot_restate_options *options,
                                   allot_restate *out, allot_error *err);

void allot_restate_release(allot_restate *r);

/* The rule for comparing quarters of two runs made with different fiscal
 * starts, shared by allot_restate_compare and allot-pack's "restated since
 * run N" line. A run's quarter labels are made with its fiscal start
 * (allot_store_run_fiscal_start). */

/* ALLOT_OK when quarters labeled with fiscal start from_fiscal and with
 * to_fiscal are the same months (the starts are equal or 3, 6 or 9 months
 * apart); else ALLOT_ERR_DATA with the message "run FROM's fiscal year
 * starts in month .. and run TO's in month ..: their quarters are different
 * months and cannot be compared; run allot-credit again with
 * --fiscal-start .." (from_run and to_run only name the runs). */
allot_status allot_restate_check_fiscal(int64_t from_run, int from_fiscal, int64_t to_run,
                                        int to_fiscal, allot_error *err);

/* The quarter labeled label with fiscal start from_fiscal ("FY2027Q2",
 * start 4), labeled with fiscal start to_fiscal ("2026Q3", start 1), into
 * out. Returns 1, or 0 when label is not one quarter under from_fiscal or
 * those months are not one quarter under to_fiscal (out is then ""). */
int allot_restate_relabel(const char *label, int from_fiscal, int to_fiscal, char out[32]);

#endif
