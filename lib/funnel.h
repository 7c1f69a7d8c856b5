/*
 * funnel.h — the sales and marketing scoreboard over the canonical tables:
 * the lead -> MQL -> SQL -> opportunity -> won funnel with conversion
 * intervals, MQL -> revenue, speed-to-lead, win rate, deal size, sales cycle
 * and the marketing-sourced share of pipeline and revenue.
 *
 * Definitions (README "Scoreboard" says the same for users):
 *
 * Stages of a person. A stage_history row of a person counts for a funnel
 * stage when its stage name, compared case-insensitively with blanks, '_'
 * and '-' ignored, equals the canonical name (lead, mql, sql, opportunity,
 * won) or a name configured for the person's source system. The funnel is
 * monotone: a person who reached a stage has passed every earlier one (a
 * skipped stage takes the entry time of the next stage reached). A person
 * who reached MQL this way also reaches "opportunity" when a deal tied to it
 * (deal_people) was created (at deals.created_at) and "won" when such a deal
 * is won (at its close_date, 00:00 UTC; else its won stage_history entry;
 * else its creation). Contacts tied to a deal without an MQL of their own
 * (the buying committee) stay leads. Every row of people is a lead, at
 * min(created_at, first stage entry).
 *
 * Cohort: the period (month, quarter, fiscal quarter, year) of the lead
 * time. Conversion stage k -> k+1 within a cohort and group = people who
 * reached k+1 / people who reached k, by the data's end; MQL -> won too.
 *
 * Groups of a person: channel = channel of its first marketing touch (the
 * earliest touch that is not a sales activity; touches.channel, else the
 * campaign's channel), else its original_source, else "(none)";
 * campaign = that touch's campaign_id, else "(none)"; source =
 * original_source, else "(none)".
 *
 * MQL -> revenue: each won deal counts once, for the person tied to it with
 * the earliest MQL entry (ties: smallest person_id); its amount in the
 * reporting currency at its close date goes to that person's cohort and
 * group. Won deals whose people never reached MQL are not MQL revenue.
 *
 * Speed-to-lead: hours from a person's MQL entry to its first sales activity
 * at or after it. A sales activity is an entry into the configured
 * sales-activity stage ("contacted") or into SQL or a later stage (stage
 * history or a deal tied to the person), or a touch of the sales-activity
 * touch type ("sales_activity"). A person with no activity after its MQL
 * entry but one before it (sales was already engaged) gets 0 hours.
 * People never followed up are censored at the data's end (Kaplan–Meier).
 * Share within SLA: among MQLs at least sla_hours old at the data's end
 * (their outcome is known), those followed up within sla_hours; a
 * proportion with the chosen interval.
 *
 * Deals (cohort = period of deals.created_at): win rate = won / closed;
 * deal size = mean and median won amount in the reporting currency (NULL
 * amounts counted, not summed); cycle = days from created_at to close_date,
 * open deals censored at the data's end (Kaplan–Meier median, quartiles).
 * A deal's channel = channel of the first marketing touch at or before its
 * creation of any person tied to it, else its lead_source, else "(none)";
 * campaign = deals.campaign_id, else that touch's campaign; source =
 * lead_source, else the earliest person's original_source.
 *
 * Marketing-sourced deal: one whose first marketing touch (as above, at or
 * before creation) is on a channel outside the non-marketing list ([funnel]
 * non_marketing_channels, default Partner and Direct: partner-sourced and
 * unknown-origin traffic), or whose lead_source is in the marketing list
 * ([funnel] marketing_lead_sources, default web, website, paid search and
 * the rest of its default in the config registry, config.c); names
 * compare case-insensitively with blanks, '_' and '-' ignored. Pipeline =
 * amounts of deals created in the period, each at the rate of its creation
 * day (its value when created); revenue = amounts of those won, at the
 * rate of their close date.
 *
 * The data's end ("as of") is the latest timestamp in stage_history,
 * touches, people and deals (created_at, close_date of closed deals: an open
 * deal's close_date is an expected date) unless given.
 *
 * Money is converted to the reporting currency with fx_rates, each deal's
 * amount rounded to the reporting currency's minor unit (half away from
 * zero, as allot-credit books it): pipeline at the deal's creation day (UTC),
 * won amounts, revenue and MQL revenue at its close date (creation day for
 * a won deal without one); a missing rate is ALLOT_ERR_DATA naming the
 * currency and date.
 */
#ifndef ALLOT_FUNNEL_H
#define ALLOT_FUNNEL_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "config.h"
#include "interval.h"
#include "period.h"
#include "taxonomy.h"
#include "zone.h"

typedef enum allot_stage {
    ALLOT_STAGE_LEAD = 0,
    ALLOT_STAGE_MQL,
    ALLOT_STAGE_SQL,
    ALLOT_STAGE_OPPORTUNITY,
    ALLOT_STAGE_WON,
    ALLOT_STAGE_COUNT
} allot_stage;

/* "lead", "mql", "sql", "opportunity", "won". */
const char *allot_stage_name(allot_stage stage);

typedef enum allot_group_by {
    ALLOT_GROUP_NONE = 0, /* one group, "(all)" */
    ALLOT_GROUP_CHANNEL,
    ALLOT_GROUP_CAMPAIGN,
    ALLOT_GROUP_SOURCE
} allot_group_by;

/* "none"/"all", "channel", "campaign", "source"; ALLOT_ERR_USAGE otherwise. */
allot_status allot_group_by_parse(const char *text, allot_group_by *group_by, allot_error *err);
const char *allot_group_by_name(allot_group_by group_by);

/* Cohort periods. Labels follow lib/period: "2026Q3" (calendar) or
 * "FY2027Q1" (fiscal year not starting in January), "2026-07", "2026" or
 * "FY2027", and "all" (or the filter's label) for one period. */
typedef enum allot_cohort_unit {
    ALLOT_COHORT_QUARTER = 0,
    ALLOT_COHORT_MONTH,
    ALLOT_COHORT_YEAR,
    ALLOT_COHORT_ALL
} allot_cohort_unit;

/* Parses "quarter", "month", "year", "all"; ALLOT_ERR_USAGE otherwise. */
allot_status allot_cohort_unit_parse(const char *text, allot_cohort_unit *unit,
                                     allot_error *err);

/* A --period that is either a unit ("quarter", "month", "year", "all":
 * sets *unit, leaves *period and *only alone) or one period ("2026Q3",
 * "2026-07", "FY2027", ... parsed by allot_period_parse into *period; *only
 * = period and *unit its length: month, quarter, year, else all).
 * ALLOT_ERR_USAGE otherwise, saying what to write. */
allot_status allot_cohort_period_parse(const char *text, int fiscal_start_month,
                                       allot_cohort_unit *unit, allot_period *period,
                                       const allot_period **only, allot_error *err);

/* Extra stage names of one source system (config "[funnel] SYSTEM.STAGE"). */
typedef struct allot_stage_alias {
    const char *source_system;
    allot_stage stage;
    const char *name;
} allot_stage_alias;

typedef struct allot_scoreboard_options {
    allot_cohort_unit cohort;
    const allot_period *only;        /* NULL, or keep cohorts whose start day lies in it
                                        (with ALLOT_COHORT_ALL it also names the cohort) */
    int fiscal_start_month;          /* 1..12; 0 means 1 */
    const allot_zone *zone;          /* reporting zone: a timestamp's day, hence its
                                        period, and a close date's start are on its
                                        clocks; NULL = UTC */
    const allot_taxonomy *taxonomy;  /* channel of touches without one; NULL = built-in */
    allot_group_by group_by;
    allot_interval_method method;
    double alpha;                    /* 0 means 0.05 */
    const allot_stage_alias *aliases;
    size_t n_aliases;
    const char *sales_activity_stage;      /* NULL means "contacted" */
    const char *sales_activity_touch_type; /* NULL means "sales_activity" */
    double sla_hours;                /* 0 means 24 */
    int64_t as_of;                   /* epoch seconds; 0 = the data's end */
    const char *currency;            /* reporting currency; NULL means "USD" */
    /* NULL = the default of [funnel] marketing_lead_sources /
     * non_marketing_channels in the config registry (config.c) */
    const char *const *marketing_sources;
    size_t n_marketing_sources;
    const char *const *non_marketing_channels;
    size_t n_non_marketing_channels;
} allot_scoreboard_options;

/* One (period, group) cell of the funnel. */
typedef struct allot_funnel_cell {
    char *period;
    char *group;
    double count[ALLOT_STAGE_COUNT];       /* people who reached each stage */
    allot_interval conversion[ALLOT_STAGE_COUNT]; /* [k]: k -> k+1; [WON]: MQL -> won */
    int64_t mql_revenue_micros;            /* reporting currency */
    /* speed-to-lead */
    double mqls;                           /* people with an MQL entry */
    double followed_up;                    /* with a sales activity by the end */
    double sla_eligible;                   /* MQL at least sla_hours before the end */
    double sla_met;
    allot_interval sla_share;
    double hours_q1, hours_median, hours_q3; /* Kaplan–Meier; NAN = not reached */
} allot_funnel_cell;

/* One (period, group) cell of the deal KPIs. */
typedef struct allot_deal_cell {
    char *period;
    char *group;
    double deals, open, closed, won;
    allot_interval win_rate;               /* won / closed */
    double won_with_amount;                /* won deals with a non-NULL amount */
    double amount_missing;                 /* won deals with a NULL amount */
    int64_t won_amount_micros;             /* sum, reporting currency */
    double mean_won_micros, median_won_micros; /* NAN when none */
    double cycle_q1, cycle_median, cycle_q3;   /* days, Kaplan–Meier; NAN = not reached */
    /* marketing-sourced share (pipeline = every deal created in the cell) */
    int64_t pipeline_micros, pipeline_marketing_micros;
    int64_t revenue_micros, revenue_marketing_micros;
    double deals_marketing;
} allot_deal_cell;

typedef struct allot_scoreboard {
    allot_funnel_cell *funnel;   /* sorted by period, then group ("(all)" first) */
    size_t n_funnel;
    allot_deal_cell *deals;      /* sorted the same way */
    size_t n_deals;
    int64_t as_of;               /* the data's end used */
    char currency[4];
    double alpha;
    allot_interval_method method;
    double sla_hours;
    size_t people, deals_total;  /* inputs read */
} allot_scoreboard;

/* Computes the whole scoreboard from db. When grouping, every period also
 * has a "(all)" group row. On success sb owns its cells: release with
 * allot_scoreboard_release (also safe after a failure). ALLOT_ERR_DATA,
 * before anything is computed, for a database holding a reserved group
 * label (labels.h) in a touch's or campaign's campaign_id or channel, a
 * person's original_source or a deal's lead_source or campaign_id, which
 * an older allot-load let in (allot_label_check_store). */
allot_status allot_scoreboard_compute(sqlite3 *db, const allot_scoreboard_options *options,
                                      allot_scoreboard *sb, allot_error *err);

void allot_scoreboard_release(allot_scoreboard *sb);

/* The cohort label of a day (days since 1970-01-01, period.h; see
 * allot_cohort_unit). */
char *allot_scoreboard_period_label(int64_t day, allot_cohort_unit unit, int fiscal_start_month,
                                    char *buf, size_t size);

/* ---- configuration ----
 *
 * Reads what the scoreboard needs from allot.ini (cfg may be NULL: all
 * defaults): [general] reporting_currency and fiscal_year_start_month,
 * [funnel] SYSTEM.lead/.mql/.sql/.opportunity/.won stage names,
 * sales_activity_stage, sales_activity_touch_type, sla_hours,
 * marketing_lead_sources and non_marketing_channels (the marketing-sourced
 * lists; an empty value is an empty list), the [taxonomy] rules, and the
 * [okr] targets. sc->options is ready to use (the
 * tool may then override fields from its flags); everything it points to
 * is owned by sc: release with allot_scoreboard_config_release. Bad values
 * are ALLOT_ERR_CONFIG with file:line. */
typedef struct allot_okr_target {
    char name[64];
    double target;
    long line; /* in the config file */
} allot_okr_target;

typedef struct allot_scoreboard_config {
    allot_scoreboard_options options;
    allot_stage_alias *aliases;
    char **alias_names;
    size_t n_aliases;
    char *activity_stage, *activity_touch_type;
    char **marketing_sources, **non_marketing_channels;
    size_t n_marketing_sources, n_non_marketing_channels;
    allot_taxonomy *taxonomy;
    allot_zone *zone;            /* [general] timezone; NULL = UTC */
    char currency[4];
    allot_okr_target *okrs;
    size_t n_okrs;
} allot_scoreboard_config;

allot_status allot_scoreboard_config_load(const allot_config *cfg, allot_scoreboard_config *sc,
                                          allot_error *err);
void allot_scoreboard_config_release(allot_scoreboard_config *sc);

/* ---- OKRs: actual vs target ----
 *
 * Target names ([okr] NAME = number) the scoreboard knows, per cohort
 * period, over the "(all)" group:
 *   leads_per_U, mqls_per_U (or mql_per_U), sqls_per_U (sql_per_U),
 *   opportunities_per_U, won_per_U        counts, U = the cohort unit
 *                                         (quarter, month, year)
 *   pipeline_per_U, revenue_per_U,
 *   mql_revenue_per_U                     reporting currency, major units
 *   lead_to_mql_rate, mql_to_sql_rate, sql_to_opportunity_rate,
 *   opportunity_to_won_rate, mql_to_won_rate, win_rate,
 *   sla_rate (speed-to-lead within SLA)   proportions with their interval
 *   marketing_pipeline_share, marketing_revenue_share
 *   speed_to_lead_median_hours, cycle_median_days   lower is better
 * A target is met when the actual is >= it (<= for "lower is better").
 * Other names (other tools' targets, or a _per_U for another unit) are
 * skipped: allot_okr_applies says which apply. */
typedef struct allot_okr_row {
    const char *period; /* owned by the scoreboard */
    const char *name;   /* owned by the targets */
    double target;
    double actual;      /* NAN when not measurable in the period (0 / 0) */
    double lower, upper;/* interval for proportions, else NAN */
    double attainment;  /* actual / target (NAN when target is 0) */
    int lower_is_better;
    int met;
} allot_okr_row;

/* 1 when the scoreboard computes the target `name` for cohorts of `unit`. */
int allot_okr_applies(const char *name, allot_cohort_unit unit);

/* One row per (period, applicable target), periods in order, targets in
 * the given order. *rows is malloc'd, owned by the caller (free()). */
allot_status allot_scoreboard_okrs(const allot_scoreboard *sb, allot_cohort_unit unit,
                                   const allot_okr_target *targets, size_t n_targets,
                                   allot_okr_row **rows, size_t *n_rows, allot_error *err);

/* 'YYYY-MM-DD' -> the last second of that day on the zone's clocks
 * (23:59:59; NULL zone = UTC), for --as-of. Returns -1 when malformed. */
int allot_scoreboard_parse_as_of(const allot_zone *zone, const char *date, int64_t *t);

/* Epoch seconds -> its day 'YYYY-MM-DD' on the zone's clocks (NULL = UTC)
 * in buf (at least 11 bytes). */
char *allot_scoreboard_format_date(const allot_zone *zone, int64_t t, char *buf);

#endif
