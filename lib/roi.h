/*
 * roi.h — spend, attributed revenue, CAC, ROI and ROAS per attribution model,
 * period and channel or campaign, with seeded bootstrap intervals.
 *
 * Inputs: the spend table and the credit ledger of one allot-credit run
 * (revenue event). Definitions (README "Scoreboard: ROI" says the same):
 *
 *   spend     Σ spend.cost_micros converted to the reporting currency at
 *             the rate valid on the spend row's date; period of that date.
 *             A spend row's channel is its campaign's channel (campaigns.
 *             channel, else the taxonomy on the campaign's utm fields, else
 *             "(unknown)"); its campaign is spend.campaign_id.
 *             The table shows spend_minor: per model and period, the
 *             groups' micros rounded to the minor unit by largest
 *             remainder (allot_money_foot: each group's micros rounded
 *             down, the cents still missing to the period's micros rounded
 *             once go to the largest remainders, ties to the group name
 *             that sorts first in byte order), so the groups add up exactly to the
 *             period's marketing spend and each is within one minor unit
 *             of its micros. ROI, ROAS, CAC, payback and the intervals use
 *             the exact spend_micros: a group's ratios depend on its own
 *             spend only, not on the cents its neighbours' remainders
 *             leave it.
 *   revenue   Σ ledger credits of the model in the group, in the reporting
 *             currency (the ledger's reporting_minor when the ledger has it,
 *             else credit_minor converted at the deal's close-date rate);
 *             period of the deal's close date. Deals with no touch in the
 *             window are the group "(unattributed)"; by campaign, touches
 *             without a campaign are "(none)". No campaign or channel of the
 *             data reads like these (labels.h: allot-load rejects them,
 *             allot-credit refuses a database that holds one).
 *   ROI       (revenue - spend) / spend; ROAS = revenue / spend; both empty
 *             when spend is 0 (revenue without spend is still shown).
 *   customers new customers credited to the group: a deal is a new customer
 *             when it is its account's first won deal (by close date, missing
 *             dates last, then deal_id; a deal without an account is its own
 *             customer); the
 *             model's weights of that deal's ledger rows split it.
 *   CAC       spend / customers (empty when customers or spend is 0).
 *   new MRR   the MRR of the account's first subscription (reporting
 *             currency at its start date), credited with the same weights.
 *   payback   CAC payback in months = spend / (new MRR × gross margin).
 *
 * Intervals: a percentile bootstrap (interval.h) that resamples the model's
 * converting deals with replacement (B replicates, mt19937 seeded with
 * seed): in each replicate a group's revenue is Σ count(deal) × credit of
 * the deal in the group; spend is fixed (it is known, not sampled). The
 * interval for ROI and ROAS comes from those replicates; B = 0 turns it off
 * (bounds NAN). Same data, B and seed give the same bounds bit for bit.
 */
#ifndef ALLOT_ROI_H
#define ALLOT_ROI_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "funnel.h"
#include "period.h"
#include "taxonomy.h"

typedef struct allot_roi_options {
    int64_t run_id;                 /* 0 = the latest allot-credit run with event=revenue */
    const char *model;              /* NULL = every model of the run */
    allot_group_by group_by;        /* channel (default when NONE is given) or campaign */
    allot_cohort_unit unit;         /* period of spend and revenue */
    const allot_period *only;       /* NULL, or keep days within it */
    int fiscal_start_month;         /* 0 means 1 */
    const char *currency;           /* reporting currency; NULL means "USD" */
    const allot_taxonomy *taxonomy; /* NULL = built-in rules */
    double gross_margin;            /* for payback; 0 means 0.8 */
    unsigned bootstrap;             /* B; 0 = no interval */
    unsigned long seed;
    double alpha;                   /* 0 means 0.05 */
} allot_roi_options;

typedef struct allot_roi_row {
    char *model;
    char *period;
    char *group;
    int64_t spend_micros;     /* reporting currency, exact */
    int64_t spend_minor;      /* spend_micros in minor units, footed: the
                               * groups of a model and period add up to the
                               * period's spend rounded once (see spend) */
    int64_t revenue_micros;   /* reporting currency */
    double deals;             /* converting deals with credit in the group */
    double roi, roi_lower, roi_upper;    /* NAN when undefined / no interval */
    double roas, roas_lower, roas_upper;
    double customers;         /* fractional new customers */
    double cac_micros;        /* NAN when customers == 0 */
    double new_mrr_micros;    /* credited new MRR */
    double payback_months;    /* NAN when no new MRR or no spend */
} allot_roi_row;

typedef struct allot_roi {
    allot_roi_row *rows;      /* by model, period, then group */
    size_t n_rows;
    int64_t run_id;           /* the credit run used */
    char currency[4];
    unsigned bootstrap;
    unsigned long seed;
    double alpha;
    double gross_margin;
    size_t spend_rows, ledger_rows;
} allot_roi;

/* Computes the ROI table. ALLOT_ERR_DATA when there is no credit run (run
 * allot-credit first) or a needed fx rate is missing; ALLOT_ERR_USAGE for
 * group_by source (spend has no lead source), for a run_id that is no
 * allot-credit run of db, and for a model the run has no ledger rows of. On success roi owns its rows:
 * release with allot_roi_release (also safe after a failure). */
allot_status allot_roi_compute(sqlite3 *db, const allot_roi_options *options, allot_roi *roi,
                               allot_error *err);

void allot_roi_release(allot_roi *roi);

/* ALLOT_OK when run_id is an allot-credit run of db; else ALLOT_ERR_USAGE
 * with a message naming the run and how to list them (a mistyped --run
 * would otherwise give an empty table and exit 0), ALLOT_ERR_DB when the
 * database cannot be read. allot_roi_compute checks a given run_id so. */
allot_status allot_roi_check_run(sqlite3 *db, int64_t run_id, allot_error *err);

#endif
