/*
 * survival.h — Kaplan–Meier, Nelson–Aalen, median and restricted mean
 * survival, and the log-rank test, over plain arrays of (time, event,
 * weight) observations.
 *
 * Used for customer tenure (subscriptions: start -> cancel, still active ->
 * censored at the data's end date), speed-to-lead and sales cycles (open
 * items censored). Definitions (n_j = weighted number at risk just before
 * t_j, d_j = weighted events at t_j):
 *
 *   Kaplan–Meier     S(t) = prod_{t_j <= t} (1 - d_j / n_j)
 *   Greenwood        var(log S(t)) = sum_{t_j <= t} d_j / (n_j (n_j - d_j))
 *                    std_err of S = S * sqrt(var(log S))   (R summary.survfit)
 *   intervals (z = Phi^-1(1 - alpha/2), s = sqrt(var(log S))):
 *     log      exp(log S -+ z s), upper capped at 1     (R survfit default)
 *     log-log  exp(-exp(log(-log S) +- z s / log S))    (SAS, Stata, lifelines)
 *     plain    S -+ z s S, clipped to [0, 1]
 *     An interval that is undefined (log: S = 0; log-log: S = 0 or 1) is NAN,
 *     exactly where R's survfit gives NA.
 *   Nelson–Aalen     H(t) = sum d_j / n_j, var = sum d_j / n_j^2
 *   median           the first time S(t) <= 0.5; if S equals 0.5 (within
 *                    1.5e-8) on a flat stretch, the midpoint of that time and
 *                    the next event time (R's rule). Its interval: the same
 *                    rule applied to the lower band (lower limit) and to the
 *                    upper band (upper limit) — "where the band crosses 0.5";
 *                    NAN (R's NA) when a curve never reaches 0.5.
 *   RMST(tau)        integral_0^tau S(u) du, with
 *                    var = sum_{t_j <= tau} A_j^2 d_j / (n_j (n_j - d_j)),
 *                    A_j = integral_{t_j}^{tau} S(u) du (R print.survfit rmean).
 *   log-rank         U_g = O_g - E_g summed over distinct event times,
 *                    V_gh = sum d (n - d) / (n^2 (n - 1)) n_g (delta_gh n - n_h);
 *                    chi2 = U' V^-1 U over the groups with E_g > 0 less one,
 *                    df = (groups with E_g > 0) - 1 (R survdiff, rho = 0).
 *
 * Times must be finite and >= 0; events are 0 (censored) or 1; weights (NULL
 * means all 1) finite and > 0. Events come before censorings at a tied time
 * (a customer censored at t was at risk at t).
 *
 * The library calls gsl_set_error_handler_off() itself and never aborts.
 */
#ifndef ALLOT_SURVIVAL_H
#define ALLOT_SURVIVAL_H

#include <stddef.h>

#include "error.h"

typedef enum allot_conf_type {
    ALLOT_CONF_LOG_LOG = 0, /* the default: see README "Retention" for why */
    ALLOT_CONF_LOG,
    ALLOT_CONF_PLAIN
} allot_conf_type;

/* "log-log", "log", "plain". */
const char *allot_conf_type_name(allot_conf_type type);

/* Parses "log-log" (also "loglog"), "log" or "plain"; ALLOT_ERR_USAGE
 * otherwise. */
allot_status allot_conf_type_parse(const char *text, allot_conf_type *type, allot_error *err);

typedef struct allot_km_options {
    allot_conf_type conf_type; /* ALLOT_CONF_LOG_LOG when zero-initialised */
    double conf_level;         /* 0.95 when 0 */
} allot_km_options;

/* One distinct observed time (an event, a censoring, or both). */
typedef struct allot_km_step {
    double time;
    double at_risk;     /* n_j: weight still at risk just before time */
    double events;      /* d_j */
    double censored;    /* weight censored at time */
    double survival;    /* S(time) */
    double std_err;     /* Greenwood standard error of S(time) */
    double lower;       /* interval for S(time); NAN when undefined */
    double upper;
    double cumhaz;      /* Nelson–Aalen H(time) */
    double cumhaz_se;   /* its standard error */
} allot_km_step;

typedef struct allot_km {
    allot_km_step *steps;  /* owned; n_steps rows in increasing time */
    size_t n_steps;
    double n;              /* total weight */
    double events;         /* total event weight */
    allot_conf_type conf_type;
    double conf_level;
    double median;         /* NAN when S never reaches 0.5 */
    double median_lower;   /* NAN = not reached (R's NA) */
    double median_upper;
} allot_km;

/* Fits the Kaplan–Meier estimator to n observations. weight may be NULL.
 * n == 0 gives an empty fit (no steps, median NAN). On success km owns its
 * steps: release with allot_km_release. Bad input is ALLOT_ERR_DATA naming
 * the observation (0-based index); out of memory ALLOT_ERR_NOMEM. */
allot_status allot_km_fit(const double *time, const int *event, const double *weight,
                          size_t n, const allot_km_options *options, allot_km *km,
                          allot_error *err);

/* Fits one curve per group: group[i] in [0, n_groups) says which. km points
 * to n_groups fits, each released with allot_km_release (also on failure,
 * every fit is left valid to release). */
allot_status allot_km_fit_groups(const double *time, const int *event, const double *weight,
                                 const size_t *group, size_t n, size_t n_groups,
                                 const allot_km_options *options, allot_km *km,
                                 allot_error *err);

/* Frees the steps; km may be NULL; a zeroed km is fine. */
void allot_km_release(allot_km *km);

/* S(t) for any t >= 0 (1 before the first step). */
double allot_km_survival_at(const allot_km *km, double t);

/* Restricted mean survival time to horizon tau > 0 and its standard error.
 * ALLOT_ERR_USAGE when tau is not finite and > 0. */
allot_status allot_km_rmst(const allot_km *km, double tau, double *rmst, double *std_err,
                           allot_error *err);

/* Log-rank test over n_groups groups. observed/expected are owned arrays of
 * n_groups (weighted events and their expectation under H0). */
typedef struct allot_logrank {
    size_t n_groups;
    double *observed;
    double *expected;
    double chisq;
    int df;           /* 0 when fewer than two groups have expected events */
    double p_value;   /* upper tail of chi2(df); 1 when df == 0 */
    int p_underflow;  /* 1 when p < 1e-300: print "< 1e-300" */
} allot_logrank;

allot_status allot_logrank_test(const double *time, const int *event, const double *weight,
                                const size_t *group, size_t n, size_t n_groups,
                                allot_logrank *result, allot_error *err);

void allot_logrank_release(allot_logrank *result);

/* Formats a p-value for output: "< 1e-300" when it underflows, else with
 * %.6g. Returns buf. */
char *allot_format_p_value(double p, char *buf, size_t size);

#endif
