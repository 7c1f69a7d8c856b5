/* Data-driven runs over paths: totals, support flags and the bootstrap. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "datadriven.h"

static allot_paths *sample(void)
{
    /* 40 + 12 + 30 + 25 + 3 = 110 journeys; D is on 3 journeys only. */
    const char *text = "path;total_conversions;total_conversion_value;total_null\n"
                       "A > B;10;1000;30\n"
                       "A;2;100;10\n"
                       "B > C;6;900;24\n"
                       "C > A > B;5;400;20\n"
                       "D > B;1;50;2\n";
    allot_paths *p = NULL;
    allot_error err;
    assert_int_equal(allot_paths_parse(text, strlen(text), "t.csv", &p, &err), ALLOT_OK);
    return p;
}

static void run(const allot_paths *p, allot_datadriven_model model, size_t B, unsigned long seed,
                allot_datadriven_result *res)
{
    allot_datadriven_options o = {0};
    o.model = model;
    o.bootstrap = B;
    o.seed = seed;
    o.shapley = ALLOT_SHAPLEY_EXACT;
    allot_error err;
    allot_status st = allot_datadriven_run_paths(p, &o, res, &err);
    if (st != ALLOT_OK)
        fail_msg("%s", err.message);
}

static void totals_and_support(void **state)
{
    (void)state;
    allot_paths *p = sample();
    allot_datadriven_result r;
    run(p, ALLOT_DD_MARKOV, 0, 1, &r);
    assert_null(r.lower);
    assert_true(r.total_conversions == 24 && r.total_value == 2450 && r.total_journeys == 110);
    /* journeys touching each channel: A 40+12+25, B 40+30+25+3, C 30+25, D 3 */
    assert_true(r.journeys[0] == 77 && r.journeys[1] == 98 && r.journeys[2] == 55 &&
                r.journeys[3] == 3);
    assert_int_equal(r.low_support[3], 1);
    assert_int_equal(r.low_support[0], 0);
    double sum = 0, sumv = 0;
    for (size_t c = 0; c < r.n_channels; c++) {
        sum += r.conversions[c];
        sumv += r.value[c];
    }
    assert_true(fabs(sum - 24) < 1e-9 && fabs(sumv - 2450) < 1e-6);
    allot_datadriven_result_release(&r);
    allot_paths_free(p);
}

static void bootstrap_is_deterministic(void **state)
{
    (void)state;
    allot_paths *p = sample();
    for (int model = 0; model <= 1; model++) {
        allot_datadriven_result a, b, c;
        run(p, (allot_datadriven_model)model, 200, 42, &a);
        run(p, (allot_datadriven_model)model, 200, 42, &b);
        run(p, (allot_datadriven_model)model, 200, 43, &c);
        size_t n = a.n_channels;
        assert_memory_equal(a.lower, b.lower, n * sizeof(double));
        assert_memory_equal(a.upper, b.upper, n * sizeof(double));
        assert_true(memcmp(a.lower, c.lower, n * sizeof(double)) != 0 ||
                    memcmp(a.upper, c.upper, n * sizeof(double)) != 0);
        for (size_t ch = 0; ch < n; ch++) {
            assert_true(a.lower[ch] <= a.upper[ch]);
            /* the point estimate lies inside its 95 % interval here */
            assert_true(a.lower[ch] <= a.conversions[ch] + 1e-9);
            assert_true(a.conversions[ch] <= a.upper[ch] + 1e-9);
        }
        allot_datadriven_result_release(&a);
        allot_datadriven_result_release(&b);
        allot_datadriven_result_release(&c);
    }
    allot_paths_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(totals_and_support),
        cmocka_unit_test(bootstrap_is_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
