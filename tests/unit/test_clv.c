/* CLV: the guarded 2F1, BG/NBD and Gamma-Gamma (simulation recovery, the
 * published CDNOW example), simple and discounted CLV. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "clv.h"

static void assert_close(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.15g, want %.15g (tol %g)", got, want, tol);
}

/*
 * References from mpmath 1.3.0 (an independent arbitrary-precision 2F1):
 *   python3 -c "from mpmath import *; mp.dps=30; v=hyp2f1(a,b,c,z); print(v, log(abs(v)))"
 */
static void hyperg_guard_cases(void **state)
{
    (void)state;
    struct { double a, b, c, z, log_abs; int sign; } cases[] = {
        /* GSL 2.7 returns 0.4134 with success status for this one */
        {-0.5, 0.5, 1, 0.5, -0.1510012776188983, 1},
        {-0.5, 0.5, 1, 0.3, -0.083222159635570429, 1},
        {-1.5, 0.5, 1, 0.5, -0.41079453390364652, 1},
        {0.2, -3.7, 0.9, 0.8, -0.42281764164009359, 1},
        /* GSL fails (GSL_EMAXITER) near z = 1 */
        {50, 52, 53.2, 0.999, 337.17444344245084, 1},
        {200.24, 202.4, 203.2, 0.95, 597.48004020277265, 1},
        /* beyond the double range: only the logarithm exists */
        {1000.25, 1002.4, 1003.2, 0.99, 4602.6396768059655, 1},
        /* ordinary BG/NBD case (GSL is fine) */
        {2.243, 4.426, 4.219, 0.474, 1.5205589259178058, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double l;
        int s;
        allot_hyperg_method m;
        assert_int_equal(allot_hyperg_2f1_log(cases[i].a, cases[i].b, cases[i].c, cases[i].z,
                                              &l, &s, &m, NULL),
                         ALLOT_OK);
        assert_int_equal(s, cases[i].sign);
        assert_close(l, cases[i].log_abs, 1e-11 * fmax(1, fabs(cases[i].log_abs)));
    }
    double v;
    allot_hyperg_method m;
    assert_int_equal(allot_hyperg_2f1(-0.5, 0.5, 1, 0.5, &v, &m, NULL), ALLOT_OK);
    assert_close(v, 0.85984660010223779, 1e-13);
    assert_int_equal(m, ALLOT_HYPERG_SERIES);
    assert_int_equal(allot_hyperg_2f1(1000.25, 1002.4, 1003.2, 0.99, &v, &m, NULL), ALLOT_OK);
    assert_int_equal(m, ALLOT_HYPERG_EULER);
    assert_true(isinf(v));
    allot_error err;
    assert_int_equal(allot_hyperg_2f1(1, 1, 2, 1.0, &v, NULL, &err), ALLOT_ERR_USAGE);
    assert_int_equal(allot_hyperg_2f1(1, 1, -2, 0.5, &v, NULL, &err), ALLOT_ERR_USAGE);
}

/*
 * The published CDNOW fit (Fader, Hardie & Lee 2005): r = 0.243,
 * alpha = 4.414, a = 0.793, b = 2.426 (weeks). The paper's example customer
 * (x = 2, t_x = 30.43, T = 38.86) expects 1.226 transactions in the next
 * 39 weeks. mpmath evaluation of the same formulas (dps 30):
 *   conditional 1.22602817476714444, P(alive) 0.726578570080672911,
 *   new customer over 39 weeks 1.19672319332081684.
 */
static void cdnow_published_example(void **state)
{
    (void)state;
    allot_bgnbd m = {.r = 0.243, .alpha = 4.414, .a = 0.793, .b = 2.426};
    allot_rfm c = {2, 30.43, 38.86};
    double e;
    assert_int_equal(allot_bgnbd_expected(&m, &c, 39, &e, NULL), ALLOT_OK);
    assert_close(e, 1.22602817476714444, 1e-12);
    assert_close(allot_bgnbd_p_alive(&m, &c), 0.726578570080672911, 1e-14);
    assert_int_equal(allot_bgnbd_expected_new(&m, 39, &e, NULL), ALLOT_OK);
    assert_close(e, 1.19672319332081684, 1e-12);
    allot_rfm none = {0, 0, 10};
    assert_close(allot_bgnbd_p_alive(&m, &none), 1, 0);
}

/* The log-likelihoods against a direct mpmath evaluation of the formulas in
 * clv.h (dps 30), one customer at a time:
 *   BG/NBD r=0.5 alpha=3 a=1.2 b=2.5 over (x, t_x, T) = (0,0,10) (2,5,10)
 *     (5,9.5,12) (1,0.25,0.5)                -> -20.630858590566841681
 *   Gamma-Gamma p=6 q=4 v=15 over (x, m) = (1,10) (3,20) (5,5), and (0,7)
 *     which is skipped                        -> -14.615012799733392675 */
static void log_likelihoods_match_mpmath(void **state)
{
    (void)state;
    allot_rfm d[4] = {{0, 0, 10}, {2, 5, 10}, {5, 9.5, 12}, {1, 0.25, 0.5}};
    assert_close(allot_bgnbd_log_likelihood(d, 4, 0.5, 3, 1.2, 2.5), -20.630858590566841681,
                 1e-11);
    double x[4] = {1, 3, 5, 0}, m[4] = {10, 20, 5, 7};
    assert_close(allot_gamma_gamma_log_likelihood(x, m, 4, 6, 4, 15), -14.615012799733392675,
                 1e-11);
}

/* A limiting BG/NBD fit (r, alpha ~ 1e12, as Nelder-Mead reaches on
 * monthly billing: tests/e2e/xlsx_retention.sh) keeps its digits. The
 * log-likelihood subtracted lgamma(r) from r ln(alpha), each ~3e13, and
 * P(alive) multiplied r + x by ln(alpha + T) - ln(alpha + t_x), a difference
 * of two logs ~28 of size 7e-13: before, -15.806863 (5.1e-3 off) and
 * P(alive) 0.236520 (4.2e-4 off). Python decimal, 50 digits (lbeta from
 * math.lgamma, a and b moderate):
 *   r, al = D(10)**12, D(15)*D(10)**11; a, b = 500, 300
 *   per (x, t_x, T): sum((r+i).ln() for i < x) + r al.ln() + log-sum-exp of
 *     lbeta(a, b+x) - lbeta(a, b) - (r+x) (al+T).ln() and, x > 0,
 *     lbeta(a+1, b+x-1) - lbeta(a, b) - (r+x) (al+t_x).ln()
 *   over (0,0,3) (2,2,3) (5,4.5,6) (1,1,2)     -> -15.811966013107027011
 *   P(alive) of (2,2,3): 1/(1 + a/(b+1) ((al+3)/(al+2))^(r+2))
 *                                              -> 0.23610305636068835412 */
static void limiting_fit_keeps_its_digits(void **state)
{
    (void)state;
    allot_rfm d[4] = {{0, 0, 3}, {2, 2, 3}, {5, 4.5, 6}, {1, 1, 2}};
    assert_close(allot_bgnbd_log_likelihood(d, 4, 1e12, 1.5e12, 500, 300),
                 -15.811966013107027011, 1e-9);
    allot_bgnbd m = {.r = 1e12, .alpha = 1.5e12, .a = 500, .b = 300};
    assert_close(allot_bgnbd_p_alive(&m, &d[1]), 0.23610305636068835412, 1e-9);

    /* Gamma-Gamma on its way to p -> infinity (tests/cases/retention/
     * company.sql as of 2026-03-31 stopped at these p, q, v, "converged"
     * with p's standard error 1.07e6): lgamma(px + q) - lgamma(px) and
     * (px + q) ln(v + xm) at px ~ 1e9 lost 7 digits; before, -23.1739041805
     * (7.0e-7 off, enough to steer the simplex). Python decimal, 60
     * digits, lnG by Stirling's series (8 terms; z >= 1e8), lnG(q) from
     * math.lgamma, over (x, m) = (1,100) (3,120.5) (6,55.25) (2,300):
     *   sum lnG(px+q) - lnG(px) - lnG(q) + q ln v + (px-1) ln m + px ln x
     *       - (px+q) ln(v+xm)                   -> -23.173903476935283262 */
    double x[4] = {1, 3, 6, 2}, mv[4] = {100, 120.5, 55.25, 300};
    assert_close(allot_gamma_gamma_log_likelihood(x, mv, 4, 129388785.943775, 1.645844174855759,
                                                  1.501124715731459e-06),
                 -23.173903476935283262, 1e-9);
}

/* Simulates BG/NBD customers with Gamma-Gamma spend. Each customer is
 * observed over (0, T] and followed for `future` more time units; a repeat
 * purchase arrives at Poisson rate lambda ~ Gamma(r, rate alpha) and is
 * followed by dropout with probability p ~ Beta(a, b); each transaction's
 * value is Gamma(shape P, rate nu), nu ~ Gamma(Q, rate V). */
typedef struct sim_customer {
    allot_rfm rfm;
    double mean_value; /* of the repeat transactions in (0, T] */
    double future;     /* transactions in (T, T + future] */
} sim_customer;

static void simulate(gsl_rng *rng, size_t n, double r, double alpha, double a, double b,
                     double P, double Q, double V, double future, sim_customer *out)
{
    for (size_t i = 0; i < n; i++) {
        double T = 20 + (double)(i % 41); /* ages 20..60 */
        double lambda = gsl_ran_gamma(rng, r, 1 / alpha);
        double p = gsl_ran_beta(rng, a, b);
        double nu = gsl_ran_gamma(rng, Q, 1 / V);
        double t = 0, sum = 0;
        int alive = 1;
        sim_customer *c = &out[i];
        c->rfm = (allot_rfm){0, 0, T};
        c->future = 0;
        while (alive) {
            t += gsl_ran_exponential(rng, 1 / lambda);
            if (t > T + future)
                break;
            if (t <= T) {
                c->rfm.x += 1;
                c->rfm.t_x = t;
                sum += gsl_ran_gamma(rng, P, 1 / nu);
            } else {
                c->future += 1;
            }
            if (gsl_rng_uniform(rng) < p)
                alive = 0;
        }
        c->mean_value = c->rfm.x > 0 ? sum / c->rfm.x : 0;
    }
}

static void recovers_simulated_parameters(void **state)
{
    (void)state;
    const size_t n = 3000;
    const double r = 0.6, alpha = 4.0, a = 1.4, b = 3.0, P = 6.0, Q = 4.0, V = 15.0;
    sim_customer *sim = calloc(n, sizeof *sim);
    allot_rfm *rfm = calloc(n, sizeof *rfm);
    double *x = calloc(n, sizeof *x), *mv = calloc(n, sizeof *mv);
    assert_non_null(sim);
    assert_non_null(rfm);
    assert_non_null(x);
    assert_non_null(mv);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 20050401);
    simulate(rng, n, r, alpha, a, b, P, Q, V, 26, sim);
    for (size_t i = 0; i < n; i++) {
        rfm[i] = sim[i].rfm;
        x[i] = sim[i].rfm.x;
        mv[i] = sim[i].mean_value;
    }

    allot_bgnbd fit;
    assert_int_equal(allot_bgnbd_fit(rfm, n, &fit, NULL), ALLOT_OK);
    assert_true(fit.converged);
    print_message("BG/NBD r %.4f (%.4f) alpha %.4f (%.4f) a %.4f (%.4f) b %.4f (%.4f) LL %.3f\n",
                  fit.r, fit.se_r, fit.alpha, fit.se_alpha, fit.a, fit.se_a, fit.b, fit.se_b,
                  fit.log_likelihood);
    assert_true(fabs(fit.r - r) <= 3 * fit.se_r);
    assert_true(fabs(fit.alpha - alpha) <= 3 * fit.se_alpha);
    assert_true(fabs(fit.a - a) <= 3 * fit.se_a);
    assert_true(fabs(fit.b - b) <= 3 * fit.se_b);
    /* the maximum: the likelihood at the truth is not higher */
    assert_true(fit.log_likelihood >= allot_bgnbd_log_likelihood(rfm, n, r, alpha, a, b));

    /* Law of total expectation: at the true parameters, the mean of the
     * conditional expectations over (T, T+26] equals the mean number of
     * transactions the simulation actually produced there (within 4 Monte
     * Carlo standard errors). */
    allot_bgnbd truth = {.r = r, .alpha = alpha, .a = a, .b = b};
    double sum_e = 0, sum_y = 0, sum_y2 = 0;
    for (size_t i = 0; i < n; i++) {
        double e;
        assert_int_equal(allot_bgnbd_expected(&truth, &rfm[i], 26, &e, NULL), ALLOT_OK);
        sum_e += e;
        sum_y += sim[i].future;
        sum_y2 += sim[i].future * sim[i].future;
    }
    double mean_y = sum_y / n, sd_y = sqrt(sum_y2 / n - mean_y * mean_y);
    print_message("future transactions: model %.4f, simulated %.4f (MC se %.4f)\n", sum_e / n,
                  mean_y, sd_y / sqrt((double)n));
    assert_true(fabs(sum_e / n - mean_y) <= 4 * sd_y / sqrt((double)n));

    allot_gamma_gamma gg;
    assert_int_equal(allot_gamma_gamma_fit(x, mv, n, &gg, NULL), ALLOT_OK);
    print_message("Gamma-Gamma p %.4f (%.4f) q %.4f (%.4f) v %.4f (%.4f) on %zu customers\n",
                  gg.p, gg.se_p, gg.q, gg.se_q, gg.v, gg.se_v, gg.n_customers);
    assert_true(fabs(gg.p - P) <= 3 * gg.se_p);
    assert_true(fabs(gg.q - Q) <= 3 * gg.se_q);
    assert_true(fabs(gg.v - V) <= 3 * gg.se_v);
    /* E[value | x = 0] is the population mean p v / (q - 1). */
    assert_close(allot_gamma_gamma_expected(&gg, 0, 0), gg.p * gg.v / (gg.q - 1), 1e-12);

    gsl_rng_free(rng);
    free(sim);
    free(rfm);
    free(x);
    free(mv);
}

static void simple_and_discounted_clv(void **state)
{
    (void)state;
    /* ARPA 1000, margin 0.8, churn 0.02 a month: 1000 * 0.8 / 0.02 = 40000. */
    assert_close(allot_clv_simple(1000, 0.8, 0.02), 40000, 1e-9);
    assert_true(isnan(allot_clv_simple(1000, 0.8, 0)));

    /* Discounting: with zero discount the CLV telescopes to
     * E[Y(H)] * value * margin. */
    allot_bgnbd m = {.r = 0.243, .alpha = 4.414, .a = 0.793, .b = 2.426};
    allot_rfm c = {2, 30.43, 38.86};
    double clv, e;
    assert_int_equal(allot_clv_discounted(&m, &c, 50, 0.5, 39, 0, &clv, NULL), ALLOT_OK);
    assert_close(clv, 1.22602817476714444 * 50 * 0.5, 1e-9);
    /* With a discount it is smaller, and a one-period horizon is just
     * E[Y(1)] * value * margin / (1 + d). */
    double clv_d;
    assert_int_equal(allot_clv_discounted(&m, &c, 50, 0.5, 39, 0.01, &clv_d, NULL), ALLOT_OK);
    assert_true(clv_d < clv);
    assert_int_equal(allot_clv_discounted(&m, &c, 50, 0.5, 1, 0.01, &clv_d, NULL), ALLOT_OK);
    assert_int_equal(allot_bgnbd_expected(&m, &c, 1, &e, NULL), ALLOT_OK);
    assert_close(clv_d, e * 25 / 1.01, 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hyperg_guard_cases),
        cmocka_unit_test(cdnow_published_example),
        cmocka_unit_test(log_likelihoods_match_mpmath),
        cmocka_unit_test(limiting_fit_keeps_its_digits),
        cmocka_unit_test(recovers_simulated_parameters),
        cmocka_unit_test(simple_and_discounted_clv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
