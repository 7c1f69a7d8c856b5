/* Intervals: Wilson and Clopper–Pearson against R, the bootstrap's
 * determinism and its agreement with the normal approximation.
 *
 * Reference values from R 4.2.2 (stats package), printed with %.15g:
 *
 *   pw <- function(x,n,cl=0.95) prop.test(x,n,correct=FALSE,conf.level=cl)$conf.int
 *   pc <- function(x,n,cl=0.95) binom.test(x,n,conf.level=cl)$conf.int
 *
 *   wilson x=7 n=20 cl=0.95: 0.181191824101082 0.567145723314764
 *   wilson x=0 n=10 cl=0.95: 0 0.277532799862889
 *   wilson x=10 n=10 cl=0.95: 0.722467200137111 1
 *   wilson x=1 n=1 cl=0.95: 0.206549314377238 1
 *   wilson x=45 n=120 cl=0.9: 0.305816244600501 0.449696023586281
 *   wilson x=3 n=2e+06 cl=0.95: 5.10135492333043e-07 4.41058446664247e-06
 *   wilson x=500 n=1000 cl=0.99: 0.459407005212085 0.540592994787915
 *   cp x=7 n=20 cl=0.95: 0.153909204784541 0.592188534532828
 *   cp x=0 n=10 cl=0.95: 0 0.308497107818761
 *   cp x=10 n=10 cl=0.95: 0.691502892181239 1
 *   cp x=1 n=1 cl=0.95: 0.025 1
 *   cp x=45 n=120 cl=0.9: 0.301114347032116 0.453609354454212
 *   cp x=3 n=2e+06 cl=0.95: 3.09336168271497e-07 4.38363021446791e-06
 *   cp x=0 n=2e+06 cl=0.95: 0 1.84443802607906e-06
 *   cp x=2e+06 n=2e+06 cl=0.95: 0.999998155561974 1
 *   cp x=500 n=1000 cl=0.99: 0.458852553307045 0.541147446692955
 *   cp x=1 n=3e+06 cl=0.95: 8.43926929248599e-09 1.85721304855988e-06
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "interval.h"

/* Relative agreement (absolute for exact zeros). */
static void assert_close(double got, double want, double rel)
{
    if (want == 0) {
        if (got != 0)
            fail_msg("got %.17g, want exactly 0", got);
        return;
    }
    if (!(fabs(got - want) <= rel * fabs(want)))
        fail_msg("got %.17g, want %.17g (rel tol %g)", got, want, rel);
}

struct ref {
    double x, n, alpha, lower, upper;
};

static void wilson_matches_prop_test(void **state)
{
    (void)state;
    static const struct ref refs[] = {
        {7, 20, 0.05, 0.181191824101082, 0.567145723314764},
        {0, 10, 0.05, 0, 0.277532799862889},
        {10, 10, 0.05, 0.722467200137111, 1},
        {1, 1, 0.05, 0.206549314377238, 1},
        {45, 120, 0.10, 0.305816244600501, 0.449696023586281},
        {3, 2e6, 0.05, 5.10135492333043e-07, 4.41058446664247e-06},
        {500, 1000, 0.01, 0.459407005212085, 0.540592994787915},
    };
    for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++) {
        allot_interval ci;
        assert_int_equal(allot_interval_wilson(refs[i].x, refs[i].n, refs[i].alpha, &ci, NULL),
                         ALLOT_OK);
        assert_close(ci.estimate, refs[i].x / refs[i].n, 1e-15);
        assert_close(ci.lower, refs[i].lower, 1e-12);
        assert_close(ci.upper, refs[i].upper, 1e-12);
    }
}

static void clopper_pearson_matches_binom_test(void **state)
{
    (void)state;
    static const struct ref refs[] = {
        {7, 20, 0.05, 0.153909204784541, 0.592188534532828},
        {0, 10, 0.05, 0, 0.308497107818761},
        {10, 10, 0.05, 0.691502892181239, 1},
        {1, 1, 0.05, 0.025, 1},
        {45, 120, 0.10, 0.301114347032116, 0.453609354454212},
        {500, 1000, 0.01, 0.458852553307045, 0.541147446692955},
    };
    for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++) {
        allot_interval ci;
        assert_int_equal(allot_interval_clopper_pearson(refs[i].x, refs[i].n, refs[i].alpha,
                                                        &ci, NULL),
                         ALLOT_OK);
        assert_close(ci.lower, refs[i].lower, 1e-10);
        assert_close(ci.upper, refs[i].upper, 1e-10);
    }
}

/* gsl_cdf_beta_Pinv returns NaN here; the root-find must not. */
static void clopper_pearson_large_n_small_x(void **state)
{
    (void)state;
    static const struct ref refs[] = {
        {3, 2e6, 0.05, 3.09336168271497e-07, 4.38363021446791e-06},
        {0, 2e6, 0.05, 0, 1.84443802607906e-06},
        {2e6, 2e6, 0.05, 0.999998155561974, 1},
        {1, 3e6, 0.05, 8.43926929248599e-09, 1.85721304855988e-06},
    };
    for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++) {
        allot_interval ci;
        assert_int_equal(allot_interval_clopper_pearson(refs[i].x, refs[i].n, refs[i].alpha,
                                                        &ci, NULL),
                         ALLOT_OK);
        assert_true(isfinite(ci.lower) && isfinite(ci.upper));
        assert_close(ci.lower, refs[i].lower, 1e-9);
        assert_close(ci.upper, refs[i].upper, 1e-9);
    }
}

static void edges_and_errors(void **state)
{
    (void)state;
    allot_interval ci;
    allot_error err;
    /* x = 0 and x = n are exact at the boundary */
    assert_int_equal(allot_interval_wilson(0, 5, 0.05, &ci, NULL), ALLOT_OK);
    assert_true(ci.lower == 0.0 && ci.estimate == 0.0);
    assert_int_equal(allot_interval_clopper_pearson(5, 5, 0.05, &ci, NULL), ALLOT_OK);
    assert_true(ci.upper == 1.0 && ci.estimate == 1.0);
    /* n = 0: nothing to estimate, not an error */
    assert_int_equal(allot_interval_wilson(0, 0, 0.05, &ci, NULL), ALLOT_OK);
    assert_true(isnan(ci.estimate) && isnan(ci.lower) && isnan(ci.upper));
    assert_int_equal(allot_interval_clopper_pearson(0, 0, 0.05, &ci, NULL), ALLOT_OK);
    assert_true(isnan(ci.estimate));
    /* weighted counts are fine for Wilson, not for Clopper-Pearson */
    assert_int_equal(allot_interval_wilson(2.5, 10, 0.05, &ci, NULL), ALLOT_OK);
    assert_int_equal(allot_interval_clopper_pearson(2.5, 10, 0.05, &ci, &err), ALLOT_ERR_USAGE);
    assert_int_equal(allot_interval_wilson(11, 10, 0.05, &ci, &err), ALLOT_ERR_USAGE);
    assert_int_equal(allot_interval_wilson(-1, 10, 0.05, &ci, &err), ALLOT_ERR_USAGE);
    assert_int_equal(allot_interval_wilson(1, 10, 0, &ci, &err), ALLOT_ERR_USAGE);
    assert_int_equal(allot_interval_wilson(1, 10, 1, &ci, &err), ALLOT_ERR_USAGE);
    assert_int_equal(allot_interval_wilson(NAN, 10, 0.05, &ci, &err), ALLOT_ERR_USAGE);

    allot_interval_method m;
    assert_int_equal(allot_interval_method_parse("clopper-pearson", &m, NULL), ALLOT_OK);
    assert_int_equal(m, ALLOT_INTERVAL_CLOPPER_PEARSON);
    assert_int_equal(allot_interval_method_parse("wilson", &m, NULL), ALLOT_OK);
    assert_int_equal(m, ALLOT_INTERVAL_WILSON);
    assert_int_equal(allot_interval_method_parse("wald", &m, &err), ALLOT_ERR_USAGE);
    assert_string_equal(allot_interval_method_name(ALLOT_INTERVAL_CLOPPER_PEARSON),
                        "clopper-pearson");
}

/* Mean of the values 0..n-1 over a bootstrap replicate. */
static allot_status mean_statistic(const uint32_t *counts, size_t n, double *stats,
                                   size_t n_stats, void *ctx, allot_error *err)
{
    (void)ctx;
    (void)err;
    (void)n_stats;
    double sum = 0;
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        sum += (double)counts[i] * (double)i;
        total += counts[i];
    }
    stats[0] = sum / (double)total;
    stats[1] = counts[0] ? NAN : 7.0; /* NaN when unit 0 drawn */
    return ALLOT_OK;
}

static void bootstrap_is_deterministic_and_sane(void **state)
{
    (void)state;
    double lo1[2], hi1[2], lo2[2], hi2[2], lo3[2], hi3[2];
    size_t valid[2];
    assert_int_equal(allot_bootstrap_percentile(200, 2, 2000, 42, 0.05, mean_statistic, NULL,
                                                lo1, hi1, valid, NULL),
                     ALLOT_OK);
    assert_int_equal(allot_bootstrap_percentile(200, 2, 2000, 42, 0.05, mean_statistic, NULL,
                                                lo2, hi2, NULL, NULL),
                     ALLOT_OK);
    assert_int_equal(allot_bootstrap_percentile(200, 2, 2000, 43, 0.05, mean_statistic, NULL,
                                                lo3, hi3, NULL, NULL),
                     ALLOT_OK);
    /* same seed: bit-identical; another seed: different bounds */
    assert_memory_equal(lo1, lo2, sizeof lo1);
    assert_memory_equal(hi1, hi2, sizeof hi1);
    assert_true(lo1[0] != lo3[0] || hi1[0] != hi3[0]);
    /* The values 0..199 have mean 99.5 and population sd sqrt((200^2-1)/12)
     * = 57.7343; the bootstrap SE of the mean is sd/sqrt(200) = 4.0824, so
     * the normal approximation gives 99.5 -/+ 1.95996 * 4.0824 =
     * [91.499, 107.501]. 2000 replicates land within about 0.6 of it. */
    assert_true(fabs(lo1[0] - 91.499) < 1.0);
    assert_true(fabs(hi1[0] - 107.501) < 1.0);
    /* The second statistic is NaN when unit 0 was drawn, which happens with
     * probability 1 - (199/200)^200 = 0.6340; the rest are all 7. */
    assert_true(valid[0] == 2000);
    assert_true(valid[1] > 600 && valid[1] < 860);
    assert_true(lo1[1] == 7.0 && hi1[1] == 7.0);

    assert_int_equal(allot_bootstrap_percentile(0, 1, 10, 1, 0.05, mean_statistic, NULL, lo1,
                                                hi1, NULL, NULL),
                     ALLOT_ERR_USAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wilson_matches_prop_test),
        cmocka_unit_test(clopper_pearson_matches_binom_test),
        cmocka_unit_test(clopper_pearson_large_n_small_x),
        cmocka_unit_test(edges_and_errors),
        cmocka_unit_test(bootstrap_is_deterministic_and_sane),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
