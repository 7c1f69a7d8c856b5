/*
 * retention.h — customers from the subscriptions table: tenure, acquisition
 * attributes, and the retention analyses allot-retention reports
 * (Kaplan–Meier by group, log-rank, cohort matrix, revenue bridge).
 *
 * Definitions (README "Retention" says the same for users):
 *
 * Accounts. Every account_id of subscriptions with at least one row of
 * MRR > 0 (rows of MRR 0 are ignored everywhere: retention is about
 * revenue). MRR is converted to the reporting currency at the fx rate valid
 * on the as-of date (constant currency: exchange-rate moves are not churn
 * or expansion); a missing rate is ALLOT_ERR_DATA naming the currency.
 *
 * As of. The data's end: the latest of the subscriptions' start and end
 * dates and the (UTC) days of the latest touch and stage_history entry,
 * unless given (deals are left out: open deals carry expected close dates
 * in the future). Rows starting after it are ignored.
 *
 * Tenure. From the first start to the first day without revenue after it
 * (the end of the first unbroken run of spans; later reactivations do not
 * extend it). Churned (event) when that day is <= as_of, otherwise censored
 * at as_of + 1. In months of 30.4375 days (365.25 / 12).
 *
 * Acquisition attributes:
 *   channel   the channel (lib/taxonomy: the touch's own channel, the
 *             configured rules, the campaign's channel, the GA4-like
 *             default) of the first marketing touch — the earliest touch
 *             whose type is not the sales-activity type — of any person tied
 *             to the account (people.account_id, or deal_people of the
 *             account's deals) up to the end of the account's first start
 *             day; else the lead_source of the account's first won deal;
 *             else "(none)". This is what a first-touch attribution model
 *             credits for the journey that led to the first subscription.
 *   campaign  that touch's campaign_id, else "(none)" (campaign_id).
 *             Grouping by campaign groups by campaign_id (as allot-roi and
 *             allot-restate do: two campaigns of one name are two groups;
 *             allot-retention and allot-clv alike) and names each group
 *             (group_names).
 *   source    the lead_source of the first won deal (earliest close_date,
 *             then deal_id), else the original_source of the account's
 *             earliest person, else "(none)".
 *   cohort    the month ("2026-07") or fiscal quarter ("2026Q3",
 *             "FY2027Q1") of the first start.
 */
#ifndef ALLOT_RETENTION_H
#define ALLOT_RETENTION_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cohort.h"
#include "config.h"
#include "error.h"
#include "survival.h"
#include "taxonomy.h"
#include "zone.h"

#define ALLOT_DAYS_PER_MONTH 30.4375

typedef enum allot_retention_by {
    ALLOT_RETENTION_BY_NONE = 0, /* one group "(all)" */
    ALLOT_RETENTION_BY_CHANNEL,
    ALLOT_RETENTION_BY_CAMPAIGN, /* campaign id (campaigns of one name stay apart) */
    ALLOT_RETENTION_BY_SOURCE,
    ALLOT_RETENTION_BY_COHORT
} allot_retention_by;

/* "none" (also "all"), "channel", "campaign", "source", "cohort". */
allot_status allot_retention_by_parse(const char *text, allot_retention_by *by,
                                      allot_error *err);
const char *allot_retention_by_name(allot_retention_by by);

typedef struct allot_retention_account {
    char *account_id;
    char *channel, *source;
    char *campaign_id;          /* that touch's campaign_id, else "(none)" */
    char cohort[32];
    allot_cohort_span *spans;   /* MRR > 0 only, reporting micros, by start */
    size_t n_spans;
    int64_t first_day;
    int64_t tenure_end;         /* first day without revenue; ALLOT_COHORT_OPEN */
    double tenure_months;       /* to tenure_end, or to as_of + 1 when censored */
    int churned;
    size_t group;               /* index into groups */
} allot_retention_account;

typedef struct allot_retention_data {
    allot_retention_account *accounts; /* sorted by account_id */
    size_t n_accounts;
    char **groups;              /* sorted labels of the chosen grouping (by
                                   campaign: the campaign ids) */
    char **group_names;         /* by campaign only (else NULL): n_groups,
                                   campaigns.name of the group's id ("" when
                                   not loaded and for "(none)"); read through
                                   allot_retention_group_name */
    size_t n_groups;
    allot_retention_by by;
    int64_t as_of;              /* day */
    char currency[4];
    int exponent;               /* ISO 4217 of currency */
} allot_retention_data;

typedef struct allot_retention_load_options {
    allot_retention_by by;
    allot_cohort_grain grain;         /* cohort labels */
    int fiscal_start_month;           /* 0 means 1 */
    int64_t as_of;                    /* day; ALLOT_RETENTION_AS_OF_DATA = the data's end */
    const char *currency;             /* reporting currency; NULL means "USD" */
    const allot_taxonomy *taxonomy;   /* NULL: built-in rules only */
    const char *sales_activity_touch_type; /* NULL means "sales_activity" */
    const allot_zone *zone;           /* reporting zone: the day of a touch or stage
                                         entry on its clocks; NULL = UTC */
} allot_retention_load_options;

#define ALLOT_RETENTION_AS_OF_DATA INT64_MIN

/* The data's end, the as-of day ALLOT_RETENTION_AS_OF_DATA stands for: the
 * latest start or end date of a subscription with MRR, or the day of the
 * latest touch or stage entry on the clocks of zone (NULL = UTC) when
 * later. *empty is 1 (and *day untouched) when no subscription has MRR.
 * ALLOT_ERR_DATA for a subscription date that is not YYYY-MM-DD. */
allot_status allot_retention_data_end(sqlite3 *db, const allot_zone *zone, int64_t *day,
                                      int *empty, allot_error *err);

/* The load options allot.ini gives (allot-retention, allot-clv and the
 * workbook's CLV sheet read it alike): the reporting currency and fiscal
 * year start of [general], [funnel] sales_activity_touch_type and the
 * channel taxonomy (allot_taxonomy_new). load has those set, grouping by
 * ALLOT_RETENTION_BY_NONE, the month grain and the data's end as as_of;
 * its pointers borrow from rc and cfg (keep both while it is used). */
typedef struct allot_retention_config {
    allot_retention_load_options load;
    char currency[4];
    allot_taxonomy *taxonomy;         /* owned */
    allot_zone *zone;                 /* owned; [general] timezone, NULL = UTC */
} allot_retention_config;

/* Reads [general], [funnel] sales_activity_touch_type, then, when
 * gross_margin is not NULL, [retention] gross_margin (0.8 when unset), then
 * builds the taxonomy; cfg NULL gives every default. Errors as the config
 * getters and allot_taxonomy_new; release rc in any case. */
allot_status allot_retention_config_load(const allot_config *cfg, allot_retention_config *rc,
                                         double *gross_margin, allot_error *err);
void allot_retention_config_release(allot_retention_config *rc);

/* Reads the accounts. ALLOT_ERR_DATA for an unparseable date or a missing
 * fx rate (naming the subscription or currency), or a database holding a
 * reserved group label in a touch's or campaign's campaign_id or channel,
 * a person's original_source or a deal's lead_source or campaign_id
 * (allot_label_check_store: loaded by an older allot-load), ALLOT_ERR_DB. An empty
 * subscriptions table is not an error (no accounts; as_of 0). On success
 * data owns everything: allot_retention_data_release (safe after failure). */
allot_status allot_retention_load(sqlite3 *db, const allot_retention_load_options *options,
                                  allot_retention_data *data, allot_error *err);

void allot_retention_data_release(allot_retention_data *data);

/* The cohort view of the accounts (borrowing their spans): accounts[i]
 * for data->accounts[i]. Caller frees the array with free(). NULL on OOM. */
allot_cohort_account *allot_retention_cohort_accounts(const allot_retention_data *data);

/* The currency effect of a bridge b computed over data (MRR at the rates
 * of data->as_of) for the period starting on bridge_start: the start book
 * (12 x the MRR on bridge_start - 1 of every subscription row with MRR > 0
 * that allot_retention_load kept) converted row by row at the rates of
 * rates_day instead, and b->fx = b->start_arr - that book (micros of
 * data->currency). With rates_day the previous period's as-of day (its
 * last day, or the data's end when earlier) b->start_arr - b->fx is that
 * period's end ARR to the micro, so the periods chain; rates_day ==
 * data->as_of gives 0. ALLOT_ERR_DATA for a missing rate or a bad date,
 * ALLOT_ERR_DB; ALLOT_ERR_USAGE when the book at data's rates is not
 * b->start_arr (b was not computed over data for that period). */
allot_status allot_retention_bridge_fx(sqlite3 *db, const allot_retention_data *data,
                                      int64_t bridge_start, int64_t rates_day,
                                      allot_revenue_bridge *b, allot_error *err);

/* ---- the analyses ---- */

typedef struct allot_retention_options {
    allot_km_options km;
    double horizon_months;      /* RMST horizon; 0 means 12 */
    allot_cohort_grain grain;
    int fiscal_start_month;
    double alpha;               /* cohort and churn intervals; 0 means 0.05 */
    int64_t bridge_start, bridge_end; /* days [start, end); start == end: no bridge */
    char bridge_label[32];
    unsigned bootstrap;         /* B for the NRR/GRR intervals; 0 = none */
    unsigned long seed;
} allot_retention_options;

typedef struct allot_retention_group {
    const char *label;          /* borrowed from data->groups */
    const char *name;           /* borrowed from data->group_names; "" for "(all)" */
    allot_km km;
    double rmst, rmst_se;
} allot_retention_group;

typedef struct allot_retention_result {
    allot_retention_group *groups;   /* n_groups, then one more: "(all)" */
    size_t n_groups;                 /* not counting "(all)" */
    allot_logrank logrank;           /* df 0 when fewer than 2 groups */
    allot_cohort_matrix cohort;
    int has_bridge;
    allot_revenue_bridge bridge;
    char bridge_label[32];
    double horizon_months;
} allot_retention_result;

/* Runs every analysis over data. result owns its parts:
 * allot_retention_result_release (safe after failure). */
allot_status allot_retention_analyse(const allot_retention_data *data,
                                     const allot_retention_options *options,
                                     allot_retention_result *result, allot_error *err);

void allot_retention_result_release(allot_retention_result *result);

/* CSV writers (RFC 4180, '\n' line ends, numbers with %.10g, NA empty):
 *  km:      group,time,at_risk,events,censored,survival,std_err,lower,upper,
 *           cumhaz,cumhaz_se,conf_type,conf_level,name  (time in months)
 *  summary: group,customers,churned,median,median_lower,median_upper,
 *           rmst,rmst_se,horizon,conf_type,name
 *  logrank: group,customers,observed,expected,chisq,df,p_value,name
 *           (name: the group's campaign name by campaign, else empty)
 *           (the test's chisq, df and p repeated on every group's row;
 *           p_value "< 1e-300" when it underflows)
 *  cohort:  cohort,period,eligible,customers,active,on,on_lower,on_upper,
 *           active_on_or_after,on_or_after,on_or_after_lower,
 *           on_or_after_upper,revenue,revenue_base,revenue_retention
 *           (cohort "(blended)" last for each period)
 *  bridge:  period,currency,start_arr,new,expansion,contraction,churn,
 *           end_arr,fx,nrr,grr,accounts_start,accounts_lost,accounts_new,
 *           logo_churn,logo_churn_lower,logo_churn_upper,nrr_lower,
 *           nrr_upper,grr_lower,grr_upper,bootstrap,seed
 *           (allot_revenue_bridge_minor's figures: start_arr + new +
 *           expansion - contraction - churn = end_arr; fx is the currency
 *           effect inside start_arr, 0 over data of one as-of date)
 * ALLOT_ERR_IO on a write error; ALLOT_ERR_USAGE for an unknown table. */
allot_status allot_retention_write_csv(const allot_retention_data *data,
                                       const allot_retention_result *result, const char *table,
                                       FILE *out, allot_error *err);

/* Group g's campaign name (group_names); "" for g == n_groups (the
 * "(all)" row), for every grouping but campaign, and when unknown. */
const char *allot_retention_group_name(const allot_retention_data *data, size_t g);

/* "Campaign names:" and one line per group that has a name (id, name), for
 * the text reports of allot-retention and allot-clv; nothing when none has. */
void allot_retention_write_group_names(const allot_retention_data *data, FILE *out);

/* The human report: all sections as aligned text. */
allot_status allot_retention_write_text(const allot_retention_data *data,
                                        const allot_retention_result *result, FILE *out,
                                        allot_error *err);

#endif
