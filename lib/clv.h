/*
 * clv.h — customer lifetime value: the simple subscription formula and the
 * probabilistic BG/NBD + Gamma-Gamma models, with a guarded Gauss
 * hypergeometric function.
 *
 * Simple CLV (per customer):  ARPA x gross margin / churn rate, with ARPA
 * the average recurring revenue per account per period and churn the share
 * of accounts lost per period (both over the same period length).
 *
 * BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way").
 * Each customer i is summarised by x (repeat transactions after the first),
 * t_x (time of the last one, 0 when x = 0) and T (time from the first
 * transaction to the end of observation), all in one time unit. While alive
 * a customer buys at Poisson rate lambda ~ Gamma(r, alpha) (shape r, rate
 * alpha); after each transaction they drop out with probability
 * p ~ Beta(a, b). The log-likelihood of one customer is
 *   lnG(r+x) - lnG(r) + r ln alpha
 *   + ln[ B(a, b+x)/B(a,b) (alpha+T)^-(r+x)
 *         + [x>0] B(a+1, b+x-1)/B(a,b) (alpha+t_x)^-(r+x) ]
 * and is maximised over (ln r, ln alpha, ln a, ln b) with GSL's Nelder–Mead
 * simplex (nmsimplex2); standard errors come from the inverse of a central
 * finite-difference Hessian of the negative log-likelihood in the
 * log-parameters, mapped back by the delta method (se(θ) = θ se(ln θ)).
 *
 * Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV"): a customer's
 * transaction values are Gamma(p, nu), nu ~ Gamma(q, v). From the number of
 * transactions x >= 1 and their mean value m, the log-likelihood is
 *   lnG(px+q) - lnG(px) - lnG(q) + q ln v + (px-1) ln m + px ln x
 *   - (px+q) ln(v + x m)
 * (fitted like BG/NBD) and the expected value of one transaction is
 * p (v + x m) / (p x + q - 1) (needs q > 1).
 *
 * The library calls gsl_set_error_handler_off() itself and never aborts.
 */
#ifndef ALLOT_CLV_H
#define ALLOT_CLV_H

#include <stddef.h>

#include "error.h"

/* ---- the guarded 2F1 ---------------------------------------------------- */

/* How a 2F1 value was obtained. */
typedef enum allot_hyperg_method {
    ALLOT_HYPERG_GSL = 0,    /* gsl_sf_hyperg_2F1_e, status, finiteness and error checked */
    ALLOT_HYPERG_SERIES,     /* allot's own power series in z */
    ALLOT_HYPERG_EULER       /* (1-z)^(c-a-b) 2F1(c-a, c-b; c; z), series, in log space */
} allot_hyperg_method;

/* ln|2F1(a, b; c; z)| and its sign (+1, -1, or 0 when the value is 0), for
 * 0 <= z < 1 and c not a non-positive integer.
 *
 * GSL 2.7 returns wrong values with success status when a or b is negative
 * (2F1(-0.5, 0.5; 1; 0.5) gives 0.4134, the true value is 0.8598...), and
 * +inf with success status for large parameters near z = 1. So: with a or
 * b negative, GSL is not asked; otherwise GSL's value is used only when its
 * status is success, the value is finite and non-zero and its error estimate
 * is below 1e-10 relative. Otherwise the power series is summed (with the
 * Euler transform when its terms decay faster), with running rescaling so
 * that values beyond the double range keep their logarithm. method (may be
 * NULL) says which was used. ALLOT_ERR_USAGE for arguments outside the
 * domain, ALLOT_ERR_NUMERIC when the series does not converge in 10^6 terms. */
allot_status allot_hyperg_2f1_log(double a, double b, double c, double z, double *log_abs,
                                  int *sign, allot_hyperg_method *method, allot_error *err);

/* The value itself (may overflow to +-inf when the log is beyond ~709). */
allot_status allot_hyperg_2f1(double a, double b, double c, double z, double *value,
                              allot_hyperg_method *method, allot_error *err);

/* ---- simple CLV --------------------------------------------------------- */

/* ARPA x margin / churn. Returns NAN when churn <= 0 (no observed churn:
 * the lifetime is unbounded; report it as "not estimable"). */
double allot_clv_simple(double arpa, double gross_margin, double churn_rate);

/* ---- BG/NBD ------------------------------------------------------------- */

typedef struct allot_rfm {
    double x;   /* repeat transactions (whole number >= 0) */
    double t_x; /* time of the last transaction, 0 <= t_x <= T; 0 when x = 0 */
    double T;   /* age: time from the first transaction to the end, > 0 */
} allot_rfm;

typedef struct allot_bgnbd {
    double r, alpha, a, b;
    double se_r, se_alpha, se_a, se_b;   /* NAN when the Hessian is not invertible */
    double log_likelihood;
    size_t n_customers;
    int iterations;
    int converged;   /* 1 when the simplex size fell below its tolerance */
    int at_bound;    /* 1 when a log-parameter ran beyond e^±20 (the search box
                        is |ln θ| < 30): the likelihood keeps rising towards a
                        limiting model
                        (e.g. r, alpha -> inf: no heterogeneity in the rate);
                        predictions are those of the limit, SEs are NAN */
} allot_bgnbd;

/* Sum over customers of the BG/NBD log-likelihood at (r, alpha, a, b). */
double allot_bgnbd_log_likelihood(const allot_rfm *data, size_t n, double r, double alpha,
                                  double a, double b);

/* Fits BG/NBD by maximum likelihood. ALLOT_ERR_DATA for a customer with
 * invalid summary (names its index) or fewer than 2 customers;
 * ALLOT_ERR_NUMERIC when the optimiser fails. */
allot_status allot_bgnbd_fit(const allot_rfm *data, size_t n, allot_bgnbd *fit,
                             allot_error *err);

/* P(alive | x, t_x, T) = 1 / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)). */
double allot_bgnbd_p_alive(const allot_bgnbd *m, const allot_rfm *c);

/* Expected transactions in (T, T + t] for the customer:
 *   (a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x)
 *       2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))] / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))
 * using the guarded 2F1. Valid for any a != 1 (both factors change sign
 * below 1); a within 1e-9 of 1 is ALLOT_ERR_NUMERIC. */
allot_status allot_bgnbd_expected(const allot_bgnbd *m, const allot_rfm *c, double t,
                                  double *expected, allot_error *err);

/* Expected transactions in (0, t] for a new customer:
 *   (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))]. */
allot_status allot_bgnbd_expected_new(const allot_bgnbd *m, double t, double *expected,
                                      allot_error *err);

/* ---- Gamma-Gamma -------------------------------------------------------- */

typedef struct allot_gamma_gamma {
    double p, q, v;
    double se_p, se_q, se_v;
    double log_likelihood;
    size_t n_customers;   /* customers with x >= 1 used in the fit */
    int iterations;
    int converged;
    int at_bound;         /* as for BG/NBD (beyond e^±20); constant values per
                             customer drive p -> inf and E[value] -> the mean */
} allot_gamma_gamma;

/* Fits Gamma-Gamma to the customers with x[i] >= 1 and mean value m[i] > 0
 * (others are skipped). ALLOT_ERR_DATA with fewer than 2 usable customers. */
allot_status allot_gamma_gamma_fit(const double *x, const double *m, size_t n,
                                   allot_gamma_gamma *fit, allot_error *err);

double allot_gamma_gamma_log_likelihood(const double *x, const double *m, size_t n, double p,
                                        double q, double v);

/* E[value of a transaction | x, m] = p (v + x m) / (p x + q - 1); with x = 0
 * the population mean p v / (q - 1). NAN when q <= 1. */
double allot_gamma_gamma_expected(const allot_gamma_gamma *g, double x, double m);

/* ---- discounted CLV ----------------------------------------------------- */

/* Discounted CLV of one customer over `horizon` whole periods of the time
 * unit: sum_{k=1..horizon} (E[Y(k)] - E[Y(k-1)]) x value x margin /
 * (1 + discount)^k, where E[Y(k)] is the BG/NBD expectation over (T, T+k]
 * and value the Gamma-Gamma expected transaction value. discount is the
 * rate per period (>= 0). */
allot_status allot_clv_discounted(const allot_bgnbd *m, const allot_rfm *c, double value,
                                  double margin, int horizon, double discount, double *clv,
                                  allot_error *err);

#endif
