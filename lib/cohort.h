/*
 * cohort.h — acquisition-cohort retention matrices and the recurring revenue
 * bridge (NRR, GRR, logo churn), over accounts given as spans of constant
 * recurring revenue.
 *
 * An account is a set of spans [start, end) of days (end exclusive,
 * ALLOT_COHORT_OPEN while still active) each with an MRR in micros of the
 * reporting currency (the caller converts). The account's MRR on a day is
 * the sum over the spans covering that day (several products add up). The
 * data are observed through as_of (a day, inclusive).
 *
 * Cohort matrix. An account's cohort is the period (calendar month, or
 * quarter of the fiscal year) of its first span's start. Period k of a
 * cohort is the k-th period after it (k = 0: the acquisition period).
 *   active "on" k       the account has revenue on at least one day of
 *                       period k (Mixpanel "On", Amplitude "N-day"/bracket
 *                       retention with calendar periods: came back in that
 *                       interval);
 *   active "on or after" k   the account has revenue on some day from the
 *                       start of period k through as_of (Mixpanel "On or
 *                       After", Amplitude "unbounded");
 *   revenue k           the account's MRR on its last day with revenue in
 *                       period k (the period's last day when still active),
 *                       0 when not active in k;
 *   eligible            period k of the cohort has ended by as_of (its last
 *                       day <= as_of); cells that are not eligible are
 *                       empty — never counted as lost.
 * Logo retention = active / cohort size, with a Wilson interval at alpha;
 * revenue retention = revenue k / revenue 0 of the same cohort (can exceed
 * 1: expansion). The blended row pools, for each k, only the cohorts
 * eligible at k: sum(active) / sum(size) and sum(revenue k) / sum(revenue 0).
 *
 * Revenue bridge over a period [start, end): ARR(t) = 12 x MRR(t),
 * t0 = start - 1 (the last day of the previous period), t1 = end - 1 (the
 * period's last day), so a movement dated D (a start, an end, a change of
 * MRR) falls in the period that contains D: a subscription starting on the
 * period's first day is new, one ending (exclusive end date) on it is churn
 * of this period. Accounts "present" have ARR(t0) > 0.
 *   new          sum ARR(t1) of accounts not present (new or reactivated)
 *   expansion    sum max(ARR(t1) - ARR(t0), 0) over present with ARR(t1) > 0
 *   contraction  sum max(ARR(t0) - ARR(t1), 0) over present with ARR(t1) > 0
 *   churn        sum ARR(t0) over present with ARR(t1) = 0
 *   end = start + new + expansion - contraction - churn  (exact, in micros)
 *   NRR = sum_present ARR(t1) / sum ARR(t0)
 *   GRR = sum_present min(ARR(t1), ARR(t0)) / sum ARR(t0)
 *   logo churn = present accounts with ARR(t1) = 0 / present accounts
 *                (Wilson interval at alpha).
 * All of these are in constant currency: one set of rates (the caller's
 * conversion, the period's end) for t0 and t1, so a rate change is never
 * churn or expansion and NRR/GRR measure the customers alone. Where each
 * period is shown at its own end's rates, the currency effect is its own
 * step: fx = start (this period's rates) - the previous period's end (its
 * rates), and previous end + fx + new + expansion - contraction - churn =
 * end, so consecutive periods chain.
 */
#ifndef ALLOT_COHORT_H
#define ALLOT_COHORT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "interval.h"

#define ALLOT_COHORT_OPEN INT64_MAX

typedef struct allot_cohort_span {
    int64_t start;        /* first day (days since 1970-01-01) */
    int64_t end;          /* day after the last; ALLOT_COHORT_OPEN when active */
    int64_t mrr_micros;   /* reporting currency, >= 0 */
} allot_cohort_span;

typedef struct allot_cohort_account {
    const allot_cohort_span *spans;  /* borrowed; any order */
    size_t n_spans;                  /* >= 1 */
} allot_cohort_account;

typedef enum allot_cohort_grain {
    ALLOT_COHORT_GRAIN_MONTH = 0,
    ALLOT_COHORT_GRAIN_QUARTER
} allot_cohort_grain;

/* "month" / "quarter"; parse accepts those and "monthly" / "quarterly". */
const char *allot_cohort_grain_name(allot_cohort_grain grain);
allot_status allot_cohort_grain_parse(const char *text, allot_cohort_grain *grain,
                                      allot_error *err);

typedef struct allot_cohort_options {
    allot_cohort_grain grain;
    int fiscal_start_month;  /* 1..12 (quarters); 0 means 1 */
    int64_t as_of;           /* last observed day, inclusive */
    double alpha;            /* 0 means 0.05 */
} allot_cohort_options;

typedef struct allot_cohort_cell {
    int eligible;            /* 0: period not yet complete, the rest is empty */
    double size;             /* accounts in the cohort(s) counted */
    double active;           /* "on" */
    double active_after;     /* "on or after" */
    allot_interval on;       /* active / size, Wilson */
    allot_interval on_or_after;
    double revenue;          /* MRR, reporting currency units */
    double revenue_base;     /* MRR of the same cohort(s) in period 0 */
    double revenue_retention;/* revenue / revenue_base; NAN when the base is 0 */
} allot_cohort_cell;

typedef struct allot_cohort_matrix {
    size_t n_cohorts;
    size_t n_periods;        /* columns k = 0 .. n_periods - 1 */
    char (*labels)[32];      /* cohort labels "2026-07", "2026Q3", "FY2027Q1" */
    int64_t *cohort_start;   /* first day of each cohort period */
    allot_cohort_cell *cells;   /* n_cohorts x n_periods, row-major */
    allot_cohort_cell *blended; /* n_periods */
    allot_cohort_grain grain;
    double alpha;
} allot_cohort_matrix;

/* Builds the matrix. Cohorts are the periods that hold at least one first
 * start, ascending; columns run to the last complete period. Accounts whose
 * first start is after as_of are ignored. ALLOT_ERR_DATA for an account
 * without spans or a span with end <= start or a negative MRR (names the
 * account index). On success m owns its arrays: allot_cohort_release. */
allot_status allot_cohort_build(const allot_cohort_account *accounts, size_t n,
                                const allot_cohort_options *options,
                                allot_cohort_matrix *m, allot_error *err);

void allot_cohort_release(allot_cohort_matrix *m);

/* The cell of cohort i, period k. */
const allot_cohort_cell *allot_cohort_cell_at(const allot_cohort_matrix *m, size_t i,
                                              size_t k);

/* The account's MRR (micros) on day. */
int64_t allot_cohort_mrr_on(const allot_cohort_account *a, int64_t day);

typedef struct allot_revenue_bridge {
    int64_t start_arr;       /* micros of the reporting currency */
    int64_t new_arr;
    int64_t expansion;
    int64_t contraction;
    int64_t churn;
    int64_t end_arr;
    /* Currency effect (micros; 0 unless set, e.g. by allot_retention_
     * bridge_fx): start_arr, the start book at the rates of the MRR given
     * (the period's end), minus the same book at the previous period's end
     * rates. start_arr - fx is the previous period's end ARR as that
     * period's own bridge showed it; the moves and NRR/GRR stay in constant
     * currency, so a rate change is never churn or expansion. */
    int64_t fx;
    double nrr, grr;         /* NAN when start_arr == 0 */
    double present;          /* accounts with ARR(t0) > 0 */
    double lost;             /* of them, ARR(t1) == 0 */
    double added;            /* accounts not present with ARR(t1) > 0 */
    allot_interval logo_churn; /* lost / present, Wilson */
    /* Percentile bootstrap intervals of NRR and GRR (allot_revenue_bridge_
     * bootstrap); NAN until computed or when B = 0. */
    double nrr_lower, nrr_upper, grr_lower, grr_upper;
    unsigned bootstrap;      /* B used; 0 = none */
    unsigned long seed;
} allot_revenue_bridge;

/* The bridge over [start, end) (end > start). alpha 0 means 0.05. */
allot_status allot_revenue_bridge_compute(const allot_cohort_account *accounts, size_t n,
                                          int64_t start, int64_t end, double alpha,
                                          allot_revenue_bridge *out, allot_error *err);

/* Adds percentile bootstrap intervals for NRR and GRR to a computed bridge
 * (same accounts and period): the accounts present at t0 are resampled with
 * replacement B times (lib/interval, GSL mt19937 seeded with seed); each
 * replicate's NRR and GRR are the same ratios over the drawn accounts.
 * Same data, B and seed give the same bounds bit for bit. B = 0 or no
 * present account leaves the bounds NAN. */
allot_status allot_revenue_bridge_bootstrap(const allot_cohort_account *accounts, size_t n,
                                            int64_t start, int64_t end, unsigned B,
                                            unsigned long seed, double alpha,
                                            allot_revenue_bridge *bridge, allot_error *err);

/* The figures of a bridge as every output shows them, indices into the
 * array allot_revenue_bridge_minor fills. */
enum {
    ALLOT_BRIDGE_OPENING = 0, /* the previous period's end at its rates: start_arr - fx */
    ALLOT_BRIDGE_FX,          /* currency effect */
    ALLOT_BRIDGE_START,       /* start ARR at this period's rates: opening + fx */
    ALLOT_BRIDGE_NEW,
    ALLOT_BRIDGE_EXPANSION,
    ALLOT_BRIDGE_CONTRACTION, /* positive */
    ALLOT_BRIDGE_CHURN,       /* positive */
    ALLOT_BRIDGE_END,
    ALLOT_BRIDGE_FIGURES
};

/* The bridge in whole minor units of a currency with that exponent, as
 * every output shows it: minor[ALLOT_BRIDGE_FIGURES] = {opening, fx, start,
 * new, expansion, contraction, churn, end}, contraction and churn as
 * positive amounts. Opening, start and end are each rounded once (half away
 * from zero); fx is start - opening (allot_money_foot_bridge with the one
 * move), and the four moves are rounded by largest remainder from start to
 * end (allot_money_foot_bridge), so opening + fx = start and start + new +
 * expansion - contraction - churn = end exactly; each within one minor unit
 * of its micros. With fx 0, opening = start and fx prints 0. (A bridge
 * whose moves do not lead to its end, which compute never makes, gets each
 * figure rounded on its own.) */
void allot_revenue_bridge_minor(const allot_revenue_bridge *b, int exponent,
                                int64_t minor[ALLOT_BRIDGE_FIGURES]);

#endif
