/*
 * report_data.h — the numbers behind the charts and the leadership PDF,
 * gathered from the database for one reporting period.
 *
 * This module computes nothing the other modules own: credit comes from the
 * rollup tables the latest allot-credit run wrote, the funnel from
 * funnel.h, the bridge and cohort matrix from cohort.h, the survival curves
 * from survival.h; what it adds are the plain sums a cover page needs
 * (spend, pipeline, won revenue per month), converted into the reporting
 * currency with fx.h.
 *
 * Each section is loaded on its own: a section whose inputs are missing
 * (no credit run yet, no subscriptions, no spend) is left empty with a
 * sentence in `missing[section]` saying why and what to run; that is not an
 * error. The credit and campaign sections are missing too when a quarter
 * of the credit run lies partly inside the period and partly outside (its
 * rollups cannot add up to the period: a fiscal quarter February to April
 * over a calendar run); the sentence names that quarter and, for a quarter
 * or year, the --fiscal-start to run allot-credit with. Errors are for a database that cannot be read (ALLOT_ERR_DB), a
 * missing fx rate (ALLOT_ERR_DATA) or memory (ALLOT_ERR_NOMEM).
 *
 * Money is in major units of the reporting currency (double: these numbers
 * are drawn and written with at most the currency's decimals; the exact
 * micros stay in the database and the workbook).
 */
#ifndef ALLOT_REPORT_DATA_H
#define ALLOT_REPORT_DATA_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "error.h"
#include "funnel.h"
#include "fx.h"
#include "period.h"
#include "taxonomy.h"
#include "zone.h"

typedef enum allot_report_section {
    ALLOT_REPORT_CREDIT = 0, /* credit by channel x model, channel spend */
    ALLOT_REPORT_CAMPAIGNS,  /* credit and spend by campaign (default model) */
    ALLOT_REPORT_FUNNEL,
    ALLOT_REPORT_BRIDGE,
    ALLOT_REPORT_COHORTS,
    ALLOT_REPORT_SURVIVAL,
    ALLOT_REPORT_TREND,
    ALLOT_REPORT_SECTIONS
} allot_report_section;

/* One survival curve: S(t) on [t[i], t[i+1]) with a pointwise interval.
 * Where the interval is undefined (S = 0) lo and hi repeat s, for
 * drawing, and defined[i] is 0. */
typedef struct allot_report_curve {
    char *label;     /* channel */
    size_t n;        /* steps, t[0] = 0 */
    double *t, *s, *lo, *hi;
    double t_end;    /* longest follow-up (days) */
    double customers, churned;
    double *at_risk, *events; /* just before t[i], at t[i]; customers, 0 at t[0] */
    unsigned char *defined;
} allot_report_curve;

typedef enum allot_kpi_kind {
    ALLOT_KPI_MONEY = 0, /* reporting currency, major units */
    ALLOT_KPI_COUNT,
    ALLOT_KPI_MULTIPLE,  /* 3.2 means 3.2x */
    ALLOT_KPI_PERCENT    /* 0.945 means 94.5 %; changes are in points */
} allot_kpi_kind;

/* A headline number for the period and the prior period (NAN = unknown). */
typedef struct allot_report_kpi {
    const char *name;    /* static: "Won revenue", ... */
    const char *formula; /* static: how it is computed, for the methods page */
    allot_kpi_kind kind;
    double value, prior;
} allot_report_kpi;

#define ALLOT_REPORT_KPIS 6
#define ALLOT_REPORT_WHY_SIZE 256 /* a missing section's sentence */

/* Where a period lies against the data's end (allot_report_data_end). */
typedef enum allot_report_coverage {
    ALLOT_REPORT_COVERED = 0, /* its last day is in the data (or no data at all) */
    ALLOT_REPORT_PARTIAL,     /* begun, but it ends after the data's end: its
                               * figures are to that day, not the period's */
    ALLOT_REPORT_NO_DATA      /* it begins after the data's end */
} allot_report_coverage;

#define ALLOT_REPORT_MAX_CURVES 5

typedef struct allot_report {
    allot_period period, prior;
    char currency[4];          /* reporting currency */
    char model[64];            /* the default model (first in the credit table) */
    int64_t credit_run;        /* run whose rollups were read; 0 when none */
    char missing[ALLOT_REPORT_SECTIONS][ALLOT_REPORT_WHY_SIZE]; /* "" when the section is loaded */

    /* ALLOT_REPORT_CREDIT: channels x models, models[0] = the default. */
    size_t n_channels, n_models;
    char **channels, **models;
    double *credit;            /* [channel * n_models + model] */
    double *channel_spend;     /* [channel]; 0 when none; whole minor units
                                * that add up to the period's spend
                                * (lib/roi.h spend_minor: largest remainder) */
    double booked;             /* booked revenue in the period (credit run) */
    double unattributed;       /* of it, not attributed (default model) */

    /* ALLOT_REPORT_CAMPAIGNS (default model): spend > 0 or credit > 0. */
    size_t n_campaigns;
    char **campaign_names;
    double *campaign_spend, *campaign_credit; /* spend as channel_spend */

    /* ALLOT_REPORT_FUNNEL: people of the period's lead cohort. */
    double stage_count[5];     /* lead, MQL, SQL, opportunity, won */
    double stage_rate[4], stage_lo[4], stage_hi[4];
    /* The scoreboard those come from (its "(all)" row): the cohort by
     * first-touch channel, Wilson intervals at the config's alpha; has_funnel
     * when computed (there are people). */
    int has_funnel;
    allot_scoreboard funnel;

    /* ALLOT_REPORT_BRIDGE: ARR over the period, at the rates of the
     * period's last day (rates_date; the data's end when earlier): start
     * and the moves in constant currency, as NRR and GRR. arr_fx is the
     * currency effect (lib/retention allot_retention_bridge_fx): the start
     * book at these rates minus at the previous period's end rates
     * (prior_rates_date), so arr_start - arr_fx is the previous period's
     * arr_end as its own report shows it, to the micro. For a period
     * whose last day is after the data's end (allot_retention_data_end)
     * the section is missing: its sentence gives the data's end and, when
     * the period has begun, the range FIRST..data's end that gives the
     * figures so far; nrr is then NAN on the cover, and the prior
     * period's NRR too when it also ends after the data. */
    double arr_start, arr_new, arr_expansion, arr_contraction, arr_churn, arr_end;
    double arr_fx;             /* NAN when a rate is missing (fx_gap says) */
    char fx_gap[256];          /* "" or why arr_fx is unknown */
    char rates_date[11], prior_rates_date[11]; /* "YYYY-MM-DD" */
    double nrr, grr;

    /* ALLOT_REPORT_COHORTS: logo retention by monthly cohort, the last
     * twelve cohorts up to the period's end. */
    size_t n_cohorts, n_ages;
    char **cohort_labels;      /* "2026-01 (n=12)" */
    double *retention;         /* [cohort * n_ages + age], NAN = not yet */
    double *blended;           /* [age]: pooled over the cohorts observed */

    /* ALLOT_REPORT_SURVIVAL: Kaplan-Meier by acquisition channel, the
     * ALLOT_REPORT_MAX_CURVES channels with the most customers, largest
     * first, of n_channels_retained. */
    size_t n_curves, n_channels_retained;
    allot_report_curve *curves;
    const char *interval_name; /* "log-log" */
    /* The day the bridge, cohorts and curves are observed to (and the
     * workbook's CLV sheet): the period's last day, or the data's end
     * when earlier; 0 when the retention sections were not loaded. */
    int64_t retention_as_of;

    /* ALLOT_REPORT_TREND: the twelve months ending with the period. */
    size_t n_months;
    char **months;             /* "2026-06" */
    double *pipeline, *won;    /* created pipeline, won revenue; NAN for a month
                                  whose amounts have no fx rate (trend_gap says)
                                  and for a month after the data's end */
    char trend_gap[256];       /* "" or why months are left out: the first month
                                  and the missing rate */

    /* The headline numbers of the period and the prior one. For a period
     * that is not over in the data (coverage, below) the values are the
     * period's so far, and a change against the prior period is not to be
     * shown (part of a period against a whole one); for a period wholly
     * after the data every value is NAN ("no data", not zeros). */
    allot_report_kpi kpi[ALLOT_REPORT_KPIS];

    /* The data's end (allot_report_data_end; has_data_end 0 when the
     * database holds no dated record) and where the period lies against
     * it. coverage_note: "" when covered, else the sentence the Summary,
     * the cover and the methods page show ("The data ends on 2026-06-01,
     * before 2026Q2 does (2026-06-30): ..."); coverage_label the short
     * label of the period's figures: "to 2026-06-01 (the data ends
     * 2026-06-01)", "no data (the data ends 2026-06-01)". */
    int has_data_end;
    int64_t data_end;
    allot_report_coverage coverage;
    char coverage_note[256];
    char coverage_label[64];
} allot_report;

/* Bits of allot_report_options.sections: which parts to load (loading is
 * most of a chart's cost). 0 loads everything. */
#define ALLOT_REPORT_WANT(section) (1u << (section))
#define ALLOT_REPORT_WANT_KPIS (1u << ALLOT_REPORT_SECTIONS) /* the cover's numbers */

typedef struct allot_report_options {
    const char *period;        /* NULL: allot_report_default_period */
    const char *model;         /* NULL: [models] default_model */
    const allot_config *config; /* may be NULL: all defaults */
    unsigned sections;         /* ALLOT_REPORT_WANT bits; 0 = all */
} allot_report_options;

/* Loads the sections asked for (options->sections) for the period; a
 * section not asked for is left empty with missing "not loaded". On success (even with sections
 * missing) r owns its memory: allot_report_release. ALLOT_ERR_USAGE for a
 * bad period or model text. */
allot_status allot_report_load(sqlite3 *db, const allot_report_options *options,
                               allot_report *r, allot_error *err);

/* Frees what r owns and zeroes it; safe on a zeroed struct. */
void allot_report_release(allot_report *r);

const char *allot_report_section_name(allot_report_section s);

/* Marketing spend of the spend rows dated in [start, end) (civil days, end
 * exclusive) in minor units of fx's reporting currency, by the one rule of
 * every output (the Summary sheet, the PDF cover, the pack e-mail; the rows
 * of allot-roi and of the channel and campaign sheets add up to it: lib/roi.h
 * spend_minor): each row
 * converted at the rate of its date to reporting micros (half away from
 * zero, allot_fx_convert), the micros added, and the sum rounded once to
 * the minor unit, half away from zero. *rows (may be NULL) gets the number
 * of rows. ALLOT_ERR_DATA for a missing rate (naming the campaign and
 * day), ALLOT_ERR_DB when spend cannot be read. */
allot_status allot_report_spend_minor(sqlite3 *db, const allot_fx *fx, int64_t start,
                                      int64_t end, int64_t *minor, int64_t *rows,
                                      allot_error *err);

/* Pipeline created: the deals created in [start, end) (created_at's day on
 * the reporting zone's clocks, zone.h; NULL = UTC) with an amount, each converted at the rate of its creation
 * day, open or closed (the value of the deal when it was created; won
 * revenue stays at the close date), rounded to the reporting currency's
 * minor unit half away from zero as allot-credit books a deal, and added:
 * the figure of the workbook's Summary, the PDF cover, the trend chart,
 * the pack e-mail, allot-funnel's pipeline and allot-credit --event
 * pipeline's booked amount. *deals (may be NULL) counts them. Errors as for
 * allot_report_spend_minor. */
allot_status allot_report_pipeline_minor(sqlite3 *db, const allot_fx *fx,
                                         const allot_zone *zone, int64_t start, int64_t end,
                                         int64_t *minor, int64_t *deals, allot_error *err);

/* The credit run a report in reporting currency `currency` reads (the
 * workbook's, the PDF's, the charts', and allot-clv's CAC): the latest
 * successful allot-credit run for the revenue event (not --event pipeline)
 * whose rollups are in `currency` (rollups hold amounts of one currency,
 * converted deal by deal at the close date: they cannot be converted after
 * the fact). *run is 0 when there is none; then why (ALLOT_REPORT_WHY_SIZE
 * bytes) says so and what to run: "No credit run in USD (credit run 3 is
 * in EUR): run allot-credit --currency USD" when the latest such run is in
 * another currency, else "No credit run in this database: run allot-credit
 * first"; why is "" when a run is found. ALLOT_ERR_DB when the database
 * cannot be read. */
allot_status allot_report_credit_run(sqlite3 *db, const char *currency, int64_t *run,
                                     char why[ALLOT_REPORT_WHY_SIZE], allot_error *err);

/* The quarters of credit run `run` inside p: the distinct periods of its
 * rollup_period rows, in label order, whose quarter lies within p. A label
 * is the run's: it parses with the run's own fiscal start month (its
 * parameters' fiscal_start=N, else 1), whatever the configuration says now.
 * visit gets each label (valid during the call) and ctx, and returns 0 to
 * go on, non-zero when out of memory (then ALLOT_ERR_NOMEM). The workbook,
 * the PDF and the pack e-mail list a run's quarters this way. */
typedef int (*allot_report_label_visit)(const char *label, void *ctx);
allot_status allot_report_run_quarters(sqlite3 *db, int64_t run, const allot_period *p,
                                       allot_report_label_visit visit, void *ctx,
                                       allot_error *err);

/* The data's end: the latest day of the retention data's end
 * (allot_retention_data_end: subscription starts and ends, touches and
 * stage entries, the day of the Retention note), any touch or stage entry,
 * a closed deal's close date, a deal's creation day and a spend row's
 * date, days on the clocks of zone (NULL = UTC). Open deals' close dates
 * are expectations, not data, and do not count. *known is 0 (and *day 0)
 * for a database without any of them. ALLOT_ERR_DB when it cannot be read,
 * ALLOT_ERR_DATA for a date that is not YYYY-MM-DD. */
allot_status allot_report_data_end(sqlite3 *db, const allot_zone *zone, int64_t *day,
                                   int *known, allot_error *err);

/* Where p lies against the data's end (known 0: ALLOT_REPORT_COVERED), and
 * for a period that is not covered the sentence and the label of
 * allot_report's coverage_note and coverage_label (both may be NULL;
 * note_size at least 256, label_size at least 64 for the whole text);
 * prior_label names the period a change would compare with. */
allot_report_coverage allot_report_coverage_of(const allot_period *p, const char *prior_label,
                                               int64_t data_end, int known, char *note,
                                               size_t note_size, char *label,
                                               size_t label_size);

/* The period a report takes without --period: the last complete quarter
 * of the data (fiscal when fiscal_start_month is not 1; 0 means 1), the
 * quarter whose last day is the data's end (data_end and known as
 * allot_report_data_end gives them), else the quarter before the one the
 * data's end falls in. allot-xlsx, allot-pdf, allot-chart and allot-pack
 * with a database use it; allot-retention's rule is the same over its own
 * as-of day. On tests/cases/retention/small.sql (data end 2026-06-01):
 * 2026Q1. ALLOT_ERR_DATA when known is 0 (no dated record). */
allot_status allot_report_default_period(int64_t data_end, int known, int fiscal_start_month,
                                        allot_period *p, allot_error *err);

/* Part of allot_report_load, callable alone: fills the bridge, cohorts and
 * survival sections of r (whose period, prior and currency are set) through
 * lib/retention, observed up to the period's end; *nrr_prior gets the prior
 * period's NRR (NAN when undefined). tx may be NULL (built-in taxonomy),
 * zone too (UTC: the reporting zone, for the day of a touch). */
allot_status allot_report_load_retention(sqlite3 *db, allot_report *r, int fiscal_start_month,
                                         const allot_taxonomy *tx, const allot_zone *zone,
                                         const char *sales_activity_touch_type,
                                         double *nrr_prior, allot_error *err);

#endif
