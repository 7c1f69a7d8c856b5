/* Cohort matrices and the revenue bridge on a hand-made fixture. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "cohort.h"
#include "period.h"

static void assert_close(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.12g, want %.12g", got, want);
}

#define D(y, m, d) allot_days_from_civil(y, m, d)
#define OPEN ALLOT_COHORT_OPEN
#define M(x) ((int64_t)(x) * 1000000)

/*
 * Seven accounts, MRR in whole units (micros in the spans):
 *   A  2026-01-10 .. 03-15 at 100, then 70 from 03-15 (contraction), open
 *   B  2026-01-20 .. 02-15 at 200 (churns in February)
 *   C  2026-01-05 .. 01-25 at 50; back 2026-03-10 at 80, open (reactivated)
 *   D  2026-02-01 .. 03-01 at 300, then 450 from 03-01 (expansion), open
 *   E  2026-02-14 .. 03-01 at 100
 *   F  2026-03-05 at 60, open
 *   G  2026-04-02 at 10 (after as_of = 2026-03-31: ignored)
 */
static allot_cohort_span sa[2], sb[1], sc[2], sd[2], se[1], sf[1], sg[1];
static allot_cohort_account acc[7];

static void fixture(void)
{
    sa[0] = (allot_cohort_span){D(2026, 1, 10), D(2026, 3, 15), M(100)};
    sa[1] = (allot_cohort_span){D(2026, 3, 15), OPEN, M(70)};
    sb[0] = (allot_cohort_span){D(2026, 1, 20), D(2026, 2, 15), M(200)};
    sc[0] = (allot_cohort_span){D(2026, 1, 5), D(2026, 1, 25), M(50)};
    sc[1] = (allot_cohort_span){D(2026, 3, 10), OPEN, M(80)};
    sd[0] = (allot_cohort_span){D(2026, 2, 1), D(2026, 3, 1), M(300)};
    sd[1] = (allot_cohort_span){D(2026, 3, 1), OPEN, M(450)};
    se[0] = (allot_cohort_span){D(2026, 2, 14), D(2026, 3, 1), M(100)};
    sf[0] = (allot_cohort_span){D(2026, 3, 5), OPEN, M(60)};
    sg[0] = (allot_cohort_span){D(2026, 4, 2), OPEN, M(10)};
    acc[0] = (allot_cohort_account){sa, 2};
    acc[1] = (allot_cohort_account){sb, 1};
    acc[2] = (allot_cohort_account){sc, 2};
    acc[3] = (allot_cohort_account){sd, 2};
    acc[4] = (allot_cohort_account){se, 1};
    acc[5] = (allot_cohort_account){sf, 1};
    acc[6] = (allot_cohort_account){sg, 1};
}

static void monthly_matrix_by_hand(void **state)
{
    (void)state;
    fixture();
    allot_cohort_options o = {.grain = ALLOT_COHORT_GRAIN_MONTH, .as_of = D(2026, 3, 31)};
    allot_cohort_matrix m;
    assert_int_equal(allot_cohort_build(acc, 7, &o, &m, NULL), ALLOT_OK);
    assert_int_equal(m.n_cohorts, 3);
    assert_int_equal(m.n_periods, 3);
    assert_string_equal(m.labels[0], "2026-01");
    assert_string_equal(m.labels[2], "2026-03");

    /* January (A, B, C). k=0: all three; revenue 100 + 200 + 50 (C's MRR
     * on its last January day). k=1 (Feb): A, B (until 02-14); C is away;
     * on-or-after counts C (back in March): 3. k=2 (Mar): A at 70 (after
     * the contraction), C at 80; revenue 150 of 350. */
    const allot_cohort_cell *c = allot_cohort_cell_at(&m, 0, 0);
    assert_close(c->size, 3, 0);
    assert_close(c->active, 3, 0);
    assert_close(c->revenue, 350, 1e-9);
    assert_close(c->revenue_retention, 1, 1e-12);
    c = allot_cohort_cell_at(&m, 0, 1);
    assert_close(c->active, 2, 0);
    assert_close(c->active_after, 3, 0);
    assert_close(c->revenue, 300, 1e-9);
    assert_close(c->revenue_retention, 300.0 / 350, 1e-12);
    /* Wilson 2/3: R prop.test(2, 3, correct=FALSE)$conf.int
     *   0.207659600802 0.938508055280 */
    assert_close(c->on.estimate, 2.0 / 3, 1e-12);
    assert_close(c->on.lower, 0.207659600802, 1e-10);
    assert_close(c->on.upper, 0.938508055280, 1e-10);
    c = allot_cohort_cell_at(&m, 0, 2);
    assert_int_equal(c->eligible, 1);
    assert_close(c->active, 2, 0);
    assert_close(c->active_after, 2, 0);
    assert_close(c->revenue, 150, 1e-9);

    /* February (D, E): k=0 300 + 100; k=1 only D, at 450 after expanding:
     * revenue retention 450 / 400 = 1.125. k=2 is April: not complete. */
    c = allot_cohort_cell_at(&m, 1, 1);
    assert_close(c->size, 2, 0);
    assert_close(c->active, 1, 0);
    assert_close(c->revenue_retention, 1.125, 1e-12);
    /* Wilson 1/2: 0.0945312057342 0.9054687942658 */
    assert_close(c->on.lower, 0.0945312057342, 1e-10);
    assert_int_equal(allot_cohort_cell_at(&m, 1, 2)->eligible, 0);
    assert_true(isnan(allot_cohort_cell_at(&m, 1, 2)->on.estimate));

    /* March (F): only k=0. */
    assert_close(allot_cohort_cell_at(&m, 2, 0)->active, 1, 0);
    assert_int_equal(allot_cohort_cell_at(&m, 2, 1)->eligible, 0);

    /* Blended: k=0 over 6 accounts; k=1 over January and February only
     * (March is not eligible): on 3/5, on-or-after 4/5, revenue
     * (300 + 450) / (350 + 400) = 1; k=2 January alone: 2/3, 150/350. */
    assert_close(m.blended[0].size, 6, 0);
    assert_close(m.blended[0].active, 6, 0);
    assert_close(m.blended[0].revenue, 810, 1e-9);
    assert_close(m.blended[1].size, 5, 0);
    assert_close(m.blended[1].on.estimate, 0.6, 1e-12);
    /* Wilson 3/5: 0.230724281276 0.882379225767; 4/5: 0.375534629763 0.963775891368 */
    assert_close(m.blended[1].on.lower, 0.230724281276, 1e-10);
    assert_close(m.blended[1].on.upper, 0.882379225767, 1e-10);
    assert_close(m.blended[1].on_or_after.estimate, 0.8, 1e-12);
    assert_close(m.blended[1].on_or_after.lower, 0.375534629763, 1e-10);
    assert_close(m.blended[1].on_or_after.upper, 0.963775891368, 1e-10);
    assert_close(m.blended[1].revenue_retention, 1.0, 1e-12);
    assert_close(m.blended[2].size, 3, 0);
    assert_close(m.blended[2].revenue_retention, 150.0 / 350, 1e-12);
    allot_cohort_release(&m);
}

static void quarterly_matrix_and_incomplete_period(void **state)
{
    (void)state;
    fixture();
    allot_cohort_options o = {.grain = ALLOT_COHORT_GRAIN_QUARTER, .as_of = D(2026, 3, 31)};
    allot_cohort_matrix m;
    assert_int_equal(allot_cohort_build(acc, 7, &o, &m, NULL), ALLOT_OK);
    assert_int_equal(m.n_cohorts, 1);
    assert_int_equal(m.n_periods, 1);
    assert_string_equal(m.labels[0], "2026Q1");
    /* Everyone acquired in Q1 had revenue in Q1: 6 of 6 (Wilson 6/6:
     * 0.609665712098 .. 1). */
    assert_close(m.cells[0].active, 6, 0);
    assert_close(m.cells[0].on.lower, 0.609665712098, 1e-10);
    assert_close(m.cells[0].on.upper, 1, 0);
    allot_cohort_release(&m);

    /* One day earlier Q1 is not complete: no columns at all. */
    o.as_of = D(2026, 3, 30);
    assert_int_equal(allot_cohort_build(acc, 7, &o, &m, NULL), ALLOT_OK);
    assert_int_equal(m.n_periods, 0);
    allot_cohort_release(&m);

    /* Fiscal year from February: Feb-Apr is FY2027Q1, so Jan is FY2026Q4. */
    o.as_of = D(2026, 4, 30);
    o.fiscal_start_month = 2;
    assert_int_equal(allot_cohort_build(acc, 7, &o, &m, NULL), ALLOT_OK);
    assert_int_equal(m.n_cohorts, 2);
    assert_string_equal(m.labels[0], "FY2026Q4");
    assert_string_equal(m.labels[1], "FY2027Q1");
    allot_cohort_release(&m);
}

/* The bridge as shown, by hand: start 100.004, new 10.005, expansion
 * 0.005, contraction 0.003, churn 5.004 (micros), so end = 105.007.
 * Rounding each: 100.00 + 10.01 + 0.01 - 0.00 - 5.00 = 105.02, not the
 * end's 105.01. Footed: the moves 10.005, 0.005, -0.003, -5.004 floor to
 * 10.00, 0.00, -0.01, -5.01 (4.98); 105.01 - 100.00 = 5.01 needs three more
 * cents, to the largest remainders -0.003 (0.007), -5.004 (0.006) and, of
 * the two 0.005 ties, the first, new: 10.01, 0.00, 0.00, 5.00. */
static void bridge_in_minor_units_foots(void **state)
{
    (void)state;
    allot_revenue_bridge b = {.start_arr = 100004000, .new_arr = 10005000,
                              .expansion = 5000, .contraction = 3000, .churn = 5004000,
                              .end_arr = 105007000};
    int64_t minor[ALLOT_BRIDGE_FIGURES];
    allot_revenue_bridge_minor(&b, 2, minor);
    /* fx 0: opening = start, FX prints 0 */
    int64_t want[ALLOT_BRIDGE_FIGURES] = {10000, 0, 10000, 1001, 0, 0, 500, 10501};
    for (int i = 0; i < ALLOT_BRIDGE_FIGURES; i++)
        assert_int_equal(minor[i], want[i]);
    /* yen (exponent 0): start 1234.5 -> 1235, end 1235.6 -> 1236; the moves
     * 1.5 and -0.4 floor to 1 and -1; the unit missing goes to churn
     * (remainder 0.6 against 0.5): new 1, churn 0 */
    allot_revenue_bridge y = {.start_arr = 1234500000, .new_arr = 1500000, .expansion = 0,
                              .contraction = 0, .churn = 400000, .end_arr = 1235600000};
    allot_revenue_bridge_minor(&y, 0, minor);
    int64_t want_y[ALLOT_BRIDGE_FIGURES] = {1235, 0, 1235, 1, 0, 0, 0, 1236};
    for (int i = 0; i < ALLOT_BRIDGE_FIGURES; i++)
        assert_int_equal(minor[i], want_y[i]);
    /* A currency effect of +2.0035 on the same bridge: the opening (the
     * previous end at its rates) is 100.004 - 2.0035 = 98.0005 -> 98.00
     * (half a tenth of a cent rounds down), start 100.004 -> 100.00 as
     * before, so FX = 100.00 - 98.00 = 2.00 (2.0035 within a cent) and the
     * moves are unchanged: 98.00 + 2.00 + 10.01 + 0 - 0 - 5.00 = 105.01. */
    b.fx = 2003500;
    allot_revenue_bridge_minor(&b, 2, minor);
    int64_t want_fx[ALLOT_BRIDGE_FIGURES] = {9800, 200, 10000, 1001, 0, 0, 500, 10501};
    for (int i = 0; i < ALLOT_BRIDGE_FIGURES; i++)
        assert_int_equal(minor[i], want_fx[i]);
    /* A fall of 1.9965: opening 100.004 + 1.9965 = 102.0005 -> 102.00, FX
     * 100.00 - 102.00 = -2.00. */
    b.fx = -1996500;
    allot_revenue_bridge_minor(&b, 2, minor);
    assert_int_equal(minor[ALLOT_BRIDGE_OPENING], 10200);
    assert_int_equal(minor[ALLOT_BRIDGE_FX], -200);
    assert_int_equal(minor[ALLOT_BRIDGE_START], 10000);
}

static void revenue_bridge_by_hand(void **state)
{
    (void)state;
    fixture();
    /* March, [2026-03-01, 2026-04-01): t0 = 02-28, t1 = 03-31, ARR = 12 x MRR.
     * present at t0: A 1200, D 3600, E 1200 (B left 02-15, C is away)
     *   A 1200 -> 840   contraction 360
     *   D 3600 -> 5400  expansion 1800
     *   E 1200 -> 0     churn 1200 (its end date 03-01 is in March)
     * not present: C back 03-10 at 80 -> 960, F from 03-05 720 -> new 1680
     * start 6000; end = 6000 + 1680 + 1800 - 360 - 1200 = 7920
     *   = 12 x (70 + 80 + 450 + 60)
     * NRR = (840 + 5400 + 0) / 6000 = 1.04; GRR = (840 + 3600 + 0) / 6000 = 0.74
     * logo churn 1 / 3 (R prop.test(1, 3, correct=FALSE): 0.0614919447204
     * 0.7923403991980). */
    allot_revenue_bridge b;
    assert_int_equal(allot_revenue_bridge_compute(acc, 7, D(2026, 3, 1), D(2026, 4, 1), 0.05,
                                                  &b, NULL),
                     ALLOT_OK);
    assert_int_equal(b.start_arr, M(6000));
    assert_int_equal(b.new_arr, M(1680));
    assert_int_equal(b.expansion, M(1800));
    assert_int_equal(b.contraction, M(360));
    assert_int_equal(b.churn, M(1200));
    assert_int_equal(b.end_arr, M(7920));
    assert_int_equal(b.end_arr,
                     b.start_arr + b.new_arr + b.expansion - b.contraction - b.churn);
    assert_close(b.nrr, 1.04, 1e-12);
    assert_close(b.grr, 0.74, 1e-12);
    assert_close(b.present, 3, 0);
    assert_close(b.lost, 1, 0);
    assert_close(b.added, 2, 0);
    assert_close(b.logo_churn.estimate, 1.0 / 3, 1e-12);
    assert_close(b.logo_churn.lower, 0.0614919447204, 1e-10);
    assert_close(b.logo_churn.upper, 0.7923403991980, 1e-10);

    /* February, [02-01, 03-01): t0 = 01-31: A 1200 and B 2400 present; D
     * starting on 02-01 is new (3600 at t1 = 02-28), E new 1200; B churns. */
    assert_int_equal(allot_revenue_bridge_compute(acc, 7, D(2026, 2, 1), D(2026, 3, 1), 0.05,
                                                  &b, NULL),
                     ALLOT_OK);
    assert_int_equal(b.start_arr, M(3600));
    assert_int_equal(b.new_arr, M(4800));
    assert_int_equal(b.churn, M(2400));
    assert_int_equal(b.end_arr, M(6000));

    allot_error err;
    assert_int_equal(allot_revenue_bridge_compute(acc, 7, D(2026, 2, 1), D(2026, 2, 1), 0.05,
                                                  &b, &err),
                     ALLOT_ERR_USAGE);
    allot_cohort_span bad = {D(2026, 2, 1), D(2026, 2, 1), 0};
    allot_cohort_account bad_acc = {&bad, 1};
    assert_int_equal(allot_revenue_bridge_compute(&bad_acc, 1, D(2026, 2, 1), D(2026, 3, 1),
                                                  0.05, &b, &err),
                     ALLOT_ERR_DATA);
}

static void bridge_bootstrap(void **state)
{
    (void)state;
    /* Every starting account grows by exactly 10 %: every replicate's NRR is
     * 1.1 and GRR 1, so both intervals collapse onto the estimate. */
    allot_cohort_span s[6];
    allot_cohort_account a[3];
    for (int i = 0; i < 3; i++) {
        s[2 * i] = (allot_cohort_span){D(2026, 1, 1), D(2026, 2, 1), M(100 * (i + 1))};
        s[2 * i + 1] = (allot_cohort_span){D(2026, 2, 1), OPEN, M(110 * (i + 1))};
        a[i] = (allot_cohort_account){&s[2 * i], 2};
    }
    allot_revenue_bridge b;
    assert_int_equal(allot_revenue_bridge_compute(a, 3, D(2026, 2, 1), D(2026, 3, 1), 0.05, &b,
                                                  NULL),
                     ALLOT_OK);
    assert_true(isnan(b.nrr_lower));
    assert_int_equal(allot_revenue_bridge_bootstrap(a, 3, D(2026, 2, 1), D(2026, 3, 1), 200, 1,
                                                    0.05, &b, NULL),
                     ALLOT_OK);
    assert_close(b.nrr, 1.1, 1e-12);
    assert_close(b.nrr_lower, 1.1, 1e-12);
    assert_close(b.nrr_upper, 1.1, 1e-12);
    assert_close(b.grr_lower, 1.0, 1e-12);
    assert_close(b.grr_upper, 1.0, 1e-12);

    /* On the fixture (March: A 1200 -> 840, D 3600 -> 5400, E 1200 -> 0)
     * the bounds bracket the estimates, lie within the extremes a resample
     * can reach (NRR of one account alone: 0, 0.7 or 1.5) and repeat
     * exactly for the same seed. */
    fixture();
    allot_revenue_bridge c1, c2;
    assert_int_equal(allot_revenue_bridge_compute(acc, 7, D(2026, 3, 1), D(2026, 4, 1), 0.05, &c1,
                                                  NULL),
                     ALLOT_OK);
    c2 = c1;
    assert_int_equal(allot_revenue_bridge_bootstrap(acc, 7, D(2026, 3, 1), D(2026, 4, 1), 500, 9,
                                                    0.05, &c1, NULL),
                     ALLOT_OK);
    assert_int_equal(allot_revenue_bridge_bootstrap(acc, 7, D(2026, 3, 1), D(2026, 4, 1), 500, 9,
                                                    0.05, &c2, NULL),
                     ALLOT_OK);
    assert_true(c1.nrr_lower <= c1.nrr && c1.nrr <= c1.nrr_upper);
    assert_true(c1.grr_lower <= c1.grr && c1.grr <= c1.grr_upper);
    assert_true(c1.nrr_lower >= 0 && c1.nrr_upper <= 1.5);
    assert_true(c1.nrr_lower == c2.nrr_lower && c1.grr_upper == c2.grr_upper);
    assert_int_equal(c1.bootstrap, 500);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(monthly_matrix_by_hand),
        cmocka_unit_test(quarterly_matrix_and_incomplete_period),
        cmocka_unit_test(revenue_bridge_by_hand),
        cmocka_unit_test(bridge_in_minor_units_foots),
        cmocka_unit_test(bridge_bootstrap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
