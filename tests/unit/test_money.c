/* Money: ISO 4217 exponents, exact decimal parsing, largest remainder. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "money.h"

static void exponents_follow_iso_4217(void **state)
{
    (void)state;
    assert_int_equal(allot_currency_exponent("USD"), 2);
    assert_int_equal(allot_currency_exponent("EUR"), 2);
    assert_int_equal(allot_currency_exponent("JPY"), 0);
    assert_int_equal(allot_currency_exponent("KWD"), 3);
    assert_int_equal(allot_currency_exponent("CLF"), 4);
    assert_int_equal(allot_currency_exponent("usd"), -1);
    assert_int_equal(allot_currency_exponent("XXQ"), -1);
    assert_int_equal(allot_currency_exponent("US"), -1);
    assert_int_equal(allot_currency_exponent(NULL), -1);
}

static void parses_decimals_exactly(void **state)
{
    (void)state;
    int64_t m;
    assert_int_equal(allot_money_parse_micros("1234.56", &m), ALLOT_OK);
    assert_int_equal(m, INT64_C(1234560000));
    assert_int_equal(allot_money_parse_micros("-0.000001", &m), ALLOT_OK);
    assert_int_equal(m, -1);
    assert_int_equal(allot_money_parse_micros("+7", &m), ALLOT_OK);
    assert_int_equal(m, 7000000);
    assert_int_equal(allot_money_parse_micros(".5", &m), ALLOT_OK);
    assert_int_equal(m, 500000);
    assert_int_equal(allot_money_parse_micros("0.12345600", &m), ALLOT_OK);
    assert_int_equal(m, 123456);
    /* sub-micro digits are never rounded away silently */
    assert_int_equal(allot_money_parse_micros("0.1234567", &m), ALLOT_ERR_DATA);
    assert_int_equal(allot_money_parse_micros("9223372036854.775807", &m), ALLOT_OK);
    assert_int_equal(m, INT64_MAX);
    assert_int_equal(allot_money_parse_micros("9223372036854.775808", &m), ALLOT_ERR_DATA);
    assert_int_equal(allot_money_parse_micros("-9223372036854.775808", &m), ALLOT_OK);
    assert_int_equal(m, INT64_MIN);
    assert_int_equal(allot_money_parse_micros("1e400", &m), ALLOT_ERR_DATA);
    assert_int_equal(allot_money_parse_micros("", &m), ALLOT_ERR_DATA);
    assert_int_equal(allot_money_parse_micros("-", &m), ALLOT_ERR_DATA);
    assert_int_equal(allot_money_parse_micros("1,5", &m), ALLOT_ERR_DATA);
    assert_int_equal(allot_money_parse_micros("-0", &m), ALLOT_OK);
    assert_int_equal(m, 0);
}

static void converts_and_formats_minor_units(void **state)
{
    (void)state;
    char buf[64];
    assert_int_equal(allot_money_micros_to_minor(1234565000, 2), 123457); /* half away */
    assert_int_equal(allot_money_micros_to_minor(-1234565000, 2), -123457);
    assert_int_equal(allot_money_micros_to_minor(1234564999, 2), 123456);
    assert_int_equal(allot_money_micros_to_minor(1500000, 0), 2);
    assert_int_equal(allot_money_minor_to_micros(123, 3), 123000);
    assert_string_equal(allot_money_format_minor(123456, 2, buf, sizeof buf), "1234.56");
    assert_string_equal(allot_money_format_minor(-5, 2, buf, sizeof buf), "-0.05");
    assert_string_equal(allot_money_format_minor(1200, 0, buf, sizeof buf), "1200");
    assert_string_equal(allot_money_format_minor(1001, 3, buf, sizeof buf), "1.001");
    assert_string_equal(allot_money_format_micros(1500000, 0, buf, sizeof buf), "1.5");
    assert_string_equal(allot_money_format_micros(1000000, 2, buf, sizeof buf), "1.00");
    assert_string_equal(allot_money_format_micros(-1, 0, buf, sizeof buf), "-0.000001");
}

static void allocation_thirds_of_a_hundred(void **state)
{
    (void)state;
    /* 100.00 in cents over three equal weights: quotas 3333.33.. each, one
     * leftover cent, tie broken by order -> the first touch. */
    double w[3] = {1, 1, 1};
    int64_t s[3];
    assert_int_equal(allot_money_allocate(10000, w, 3, s), ALLOT_OK);
    assert_int_equal(s[0], 3334);
    assert_int_equal(s[1], 3333);
    assert_int_equal(s[2], 3333);
}

static void allocation_largest_remainder_wins(void **state)
{
    (void)state;
    /* 10 units over 0.4/0.2/0.4 of... weights 0.33,0.33,0.34 of 1 unit:
     * quotas 0.33, 0.33, 0.34 -> the unit goes to the largest remainder. */
    double w[3] = {0.33, 0.33, 0.34};
    int64_t s[3];
    assert_int_equal(allot_money_allocate(1, w, 3, s), ALLOT_OK);
    assert_int_equal(s[0], 0);
    assert_int_equal(s[1], 0);
    assert_int_equal(s[2], 1);
    /* W-shaped 30/30/30/10 of 999.99 USD = 99999 cents: quotas 29999.7,
     * 29999.7, 29999.7, 9999.9 -> floors 29999*3 + 9999 = 99996, three
     * leftover cents to the remainders .9 (last), then .7 .7 by order. */
    double ww[4] = {0.3, 0.3, 0.3, 0.1};
    int64_t t[4];
    assert_int_equal(allot_money_allocate(99999, ww, 4, t), ALLOT_OK);
    assert_int_equal(t[0], 30000);
    assert_int_equal(t[1], 30000);
    assert_int_equal(t[2], 29999);
    assert_int_equal(t[3], 10000);
}

/* Remainders equal in exact arithmetic are a tie whatever the doubles'
 * rounding makes of them: it goes to the earlier touch, as documented. */
static void allocation_exact_ties_go_to_the_earlier_touch(void **state)
{
    (void)state;
    /* Position-based 40/20/40 over 10 touches (0.025 each in the middle) of
     * 1,391,992 cents (D000008 of the sample, reporting currency): quotas
     * 556796.8 and 34799.8 x 8 and 556796.8; floors 2 x 556796 + 8 x 34799
     * = 1391984, 8 cents left, all ten remainders 0.8: the first eight
     * touches get one. The doubles gave them to touches 2-9 (0.025 carries
     * a larger rounding error than 0.4). */
    double pb[10] = {0.4, 0.025, 0.025, 0.025, 0.025, 0.025, 0.025, 0.025, 0.025, 0.4};
    int64_t s[10];
    assert_int_equal(allot_money_allocate(1391992, pb, 10, s), ALLOT_OK);
    const int64_t want[10] = {556797, 34800, 34800, 34800, 34800, 34800, 34800, 34800, 34799,
                              556796};
    for (int i = 0; i < 10; i++)
        assert_int_equal(s[i], want[i]);
    /* U-shaped as the model computes it: 0.8 for the first, (1 - 0.8) / 4
     * (0.04999999999999999) for the rest, of 1,647,876 cents (D000670):
     * quotas 1318300.8 and 82393.8 x 4; 4 cents left to the first four. */
    double u[5] = {0.8, (1 - 0.8) / 4, (1 - 0.8) / 4, (1 - 0.8) / 4, (1 - 0.8) / 4};
    int64_t t[5];
    assert_int_equal(allot_money_allocate(1647876, u, 5, t), ALLOT_OK);
    const int64_t want_u[5] = {1318301, 82394, 82394, 82394, 82393};
    for (int i = 0; i < 5; i++)
        assert_int_equal(t[i], want_u[i]);
}

static void allocation_negative_and_invalid(void **state)
{
    (void)state;
    double w[2] = {1, 2};
    int64_t s[2];
    assert_int_equal(allot_money_allocate(-100, w, 2, s), ALLOT_OK);
    assert_int_equal(s[0], -33);
    assert_int_equal(s[1], -67);
    double zero[2] = {0, 0};
    assert_int_equal(allot_money_allocate(100, zero, 2, s), ALLOT_ERR_USAGE);
    double neg[2] = {1, -1};
    assert_int_equal(allot_money_allocate(100, neg, 2, s), ALLOT_ERR_USAGE);
    assert_int_equal(allot_money_allocate(100, w, 0, s), ALLOT_ERR_USAGE);
}

static void allocation_always_sums_to_total(void **state)
{
    (void)state;
    /* Property: for many totals and weight vectors the shares sum exactly. */
    double w[7];
    int64_t s[7];
    uint64_t x = 88172645463325252ULL;
    for (int trial = 0; trial < 2000; trial++) {
        size_t n = 1 + (size_t)(trial % 7);
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            w[i] = (double)(x % 1000) / 7.0 + (i == 0);
        }
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        int64_t total = (int64_t)(x % 100000000000ULL) - 1000;
        assert_int_equal(allot_money_allocate(total, w, n, s), ALLOT_OK);
        int64_t sum = 0;
        for (size_t i = 0; i < n; i++)
            sum += s[i];
        assert_int_equal(sum, total);
    }
}

/* Footing a column of groups (allot_money_foot), all by hand in cents:
 * three channels at 1.005, 2.005 and 3.005 add up to 6.015, rounded once
 * 6.02; rounding each half away from zero gives 1.01 + 2.01 + 3.01 = 6.03,
 * a cent over. Largest remainder: floors 1.00 + 2.00 + 3.00 = 6.00, two
 * cents to give, the three remainders tie at 0.005, so the first two (the
 * names that sort first) get them: 1.01, 2.01, 3.00. */
static void foot_three_channels_half_a_cent_each(void **state)
{
    (void)state;
    const int64_t micros[] = {1005000, 2005000, 3005000};
    int64_t minor[3], total = -1;
    assert_int_equal(allot_money_foot(micros, 3, 2, minor, &total), ALLOT_OK);
    assert_int_equal(total, 602);
    assert_int_equal(minor[0], 101);
    assert_int_equal(minor[1], 201);
    assert_int_equal(minor[2], 300);
}

/* 10.004 + 20.006 + 30.0049 + 0.0009 = 60.0158 -> 60.02 once; each rounded:
 * 10.00 + 20.01 + 30.00 + 0.00 = 60.01, a cent short. Floors add to 60.00,
 * two cents go to the largest remainders 0.006 (20.006 -> 20.01) and
 * 0.0049 (30.0049 -> 30.01), not to 0.004 or 0.0009. */
static void foot_largest_remainder_wins(void **state)
{
    (void)state;
    const int64_t micros[] = {10004000, 20006000, 30004900, 900};
    int64_t minor[4], total;
    assert_int_equal(allot_money_foot(micros, 4, 2, minor, &total), ALLOT_OK);
    assert_int_equal(total, 6002);
    assert_int_equal(minor[0], 1000);
    assert_int_equal(minor[1], 2001);
    assert_int_equal(minor[2], 3001);
    assert_int_equal(minor[3], 0);
}

static void foot_keeps_roundings_that_already_add_up(void **state)
{
    (void)state;
    /* 1.234 + 5.678 = 6.912 -> 6.91 = 1.23 + 5.68 */
    const int64_t micros[] = {1234000, 5678000};
    int64_t minor[2], total;
    assert_int_equal(allot_money_foot(micros, 2, 2, minor, &total), ALLOT_OK);
    assert_int_equal(total, 691);
    assert_int_equal(minor[0], 123);
    assert_int_equal(minor[1], 568);
    /* JPY (no decimals): 100.5 + 200.5 + 300.4 = 601.4 -> 601; each rounded
     * 101 + 201 + 300 = 602; floors 600, one yen to the first 0.5 tie. */
    const int64_t yen[] = {100500000, 200500000, 300400000};
    int64_t y[3];
    assert_int_equal(allot_money_foot(yen, 3, 0, y, &total), ALLOT_OK);
    assert_int_equal(total, 601);
    assert_int_equal(y[0], 101);
    assert_int_equal(y[1], 200);
    assert_int_equal(y[2], 300);
    /* A refund: -1.005 + 2.005 = 1.000; floors -1.01 (remainder 0.005) and
     * 2.00 (0.005) add to 0.99, the cent goes to the first: -1.00, 2.00. */
    const int64_t refund[] = {-1005000, 2005000};
    assert_int_equal(allot_money_foot(refund, 2, 2, minor, &total), ALLOT_OK);
    assert_int_equal(total, 100);
    assert_int_equal(minor[0], -100);
    assert_int_equal(minor[1], 200);
    /* nothing to foot; a bad exponent */
    assert_int_equal(allot_money_foot(NULL, 0, 2, NULL, &total), ALLOT_OK);
    assert_int_equal(total, 0);
    assert_int_equal(allot_money_foot(micros, 2, 7, minor, NULL), ALLOT_ERR_USAGE);
    assert_int_equal(allot_money_foot(micros, 2, -1, minor, NULL), ALLOT_ERR_USAGE);
    /* 100 groups of 0.00005 (scratch on the heap): 0.005 -> 0.01 once, the
     * one cent to the first group. */
    int64_t many[100], out[100];
    for (int i = 0; i < 100; i++)
        many[i] = 50;
    assert_int_equal(allot_money_foot(many, 100, 2, out, &total), ALLOT_OK);
    assert_int_equal(total, 1);
    assert_int_equal(out[0], 1);
    for (int i = 1; i < 100; i++)
        assert_int_equal(out[i], 0);
}

static void foot_always_adds_up_within_a_unit(void **state)
{
    (void)state;
    /* Property: the results add up to the micros rounded once, and each is
     * its own micros rounded down or up. */
    int64_t m[9], r[9];
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    for (int trial = 0; trial < 3000; trial++) {
        size_t n = 1 + (size_t)(trial % 9);
        int exponent = trial % 4; /* 0..3 */
        int64_t step = exponent == 0 ? 1000000 : exponent == 1 ? 100000
                       : exponent == 2 ? 10000 : 1000;
        int64_t sum = 0;
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            m[i] = (int64_t)(x % 2000000000ULL) - (trial % 5 == 0 ? 1000000000 : 0);
            sum += m[i];
        }
        int64_t total;
        assert_int_equal(allot_money_foot(m, n, exponent, r, &total), ALLOT_OK);
        assert_int_equal(total, allot_money_micros_to_minor(sum, exponent));
        int64_t got = 0;
        for (size_t i = 0; i < n; i++) {
            got += r[i];
            int64_t diff = r[i] * step - m[i];
            assert_true(diff > -step && diff < step);
        }
        assert_int_equal(got, total);
    }
}

/* A bridge by hand: start 100.004, moves +10.004, +0.004, -0.003, -5.004,
 * end 105.005. Start and end rounded once: 100.00 and 105.01, so the moves
 * must add up to 5.01 (each rounded: 10.00 + 0.00 - 0.00 - 5.00 = 5.00, the
 * bridge a cent short of its end). Floors 10.00, 0.00, -0.01, -5.01 add up
 * to 4.98; three cents go to the remainders 0.007 (-0.003), 0.006 (-5.004)
 * and the first of the 0.004 ties (+10.004): 10.01, 0.00, 0.00, -5.00. */
static void foot_bridge_start_moves_end(void **state)
{
    (void)state;
    const int64_t moves[] = {10004000, 4000, -3000, -5004000};
    int64_t start, out[4], end;
    assert_int_equal(allot_money_foot_bridge(100004000, moves, 4, 2, &start, out, &end), ALLOT_OK);
    assert_int_equal(start, 10000);
    assert_int_equal(end, 10501);
    assert_int_equal(out[0], 1001);
    assert_int_equal(out[1], 0);
    assert_int_equal(out[2], 0);
    assert_int_equal(out[3], -500);
    /* whole units (exponent 0): 100.4 + 10.4 + 0.4 = 111.2; start 100, end
     * 111, moves 10 + 1 (floors 10 + 0, one unit to the first 0.4 tie) */
    const int64_t two[] = {10400000, 400000};
    assert_int_equal(allot_money_foot_bridge(100400000, two, 2, 0, &start, out, NULL), ALLOT_OK);
    assert_int_equal(start, 100);
    assert_int_equal(out[0], 11);
    assert_int_equal(out[1], 0);
    assert_int_equal(allot_money_foot_bridge(0, two, 2, 9, &start, out, NULL), ALLOT_ERR_USAGE);
    /* property: start + moves = end, each move within a unit */
    uint64_t x = 0x2545F4914F6CDD1DULL;
    for (int trial = 0; trial < 2000; trial++) {
        int64_t m[5], s0;
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        s0 = (int64_t)(x % 10000000000ULL);
        for (int i = 0; i < 5; i++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            m[i] = (int64_t)(x % 2000000000ULL) - 1000000000;
        }
        int64_t e0 = s0 + m[0] + m[1] + m[2] + m[3] + m[4], got[5], sm, em;
        assert_int_equal(allot_money_foot_bridge(s0, m, 5, 2, &sm, got, &em), ALLOT_OK);
        assert_int_equal(sm, allot_money_micros_to_minor(s0, 2));
        assert_int_equal(em, allot_money_micros_to_minor(e0, 2));
        int64_t run = sm;
        for (int i = 0; i < 5; i++) {
            run += got[i];
            assert_true(got[i] * 10000 - m[i] > -10000 && got[i] * 10000 - m[i] < 10000);
        }
        assert_int_equal(run, em);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exponents_follow_iso_4217),
        cmocka_unit_test(parses_decimals_exactly),
        cmocka_unit_test(converts_and_formats_minor_units),
        cmocka_unit_test(allocation_thirds_of_a_hundred),
        cmocka_unit_test(allocation_largest_remainder_wins),
        cmocka_unit_test(allocation_exact_ties_go_to_the_earlier_touch),
        cmocka_unit_test(allocation_negative_and_invalid),
        cmocka_unit_test(allocation_always_sums_to_total),
        cmocka_unit_test(foot_three_channels_half_a_cent_each),
        cmocka_unit_test(foot_largest_remainder_wins),
        cmocka_unit_test(foot_keeps_roundings_that_already_add_up),
        cmocka_unit_test(foot_always_adds_up_within_a_unit),
        cmocka_unit_test(foot_bridge_start_moves_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
