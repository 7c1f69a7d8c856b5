/* csvout: RFC 4180 quoting of one field, checked against the exact bytes
 * (a field with a comma, quote, CR or LF is quoted, quotes doubled); the
 * shortest round-trip text of a double, against Python's repr. */
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "csvout.h"

static void expect_field(const char *in, const char *want)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    allot_csvout_field(f, in);
    assert_int_equal(fclose(f), 0);
    assert_string_equal(buf, want);
    free(buf);
}

static void test_numbers_and_money(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    allot_csvout_number(f, 0.25, "%.6f");
    fputc(',', f);
    allot_csvout_number(f, NAN, "%.6f"); /* unknown: an empty field */
    fputc(',', f);
    allot_csvout_number(f, INFINITY, "%.6f");
    assert_int_equal(fclose(f), 0);
    assert_string_equal(buf, "0.250000,,");
    free(buf);
    char m[32];
    /* 1234.565 USD in micros rounds half away from zero to 1234.57. */
    assert_string_equal(allot_csvout_money(1234565000.0, "USD", m, sizeof m), "1234.57");
    assert_string_equal(allot_csvout_money(-1500000.0, "JPY", m, sizeof m), "-2");
    assert_string_equal(allot_csvout_money(1234567.0, "KWD", m, sizeof m), "1.235");
    assert_string_equal(allot_csvout_money(1000000.0, "XXQ", m, sizeof m), "1.00");
    assert_string_equal(allot_csvout_money(NAN, "USD", m, sizeof m), "");
}

/* ",v" with %.10g (ten significant digits), "," alone for NaN and inf.
 * Reference: python3 -c "print('%.10g' % (2/3), '%.10g' % 1234567890123.0)"
 *   -> 0.6666666667 1.23456789e+12 */
static void test_next_number(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    fputs("a", f);
    allot_csvout_next_number(f, 2.0 / 3.0); /* 0.6666666667 */
    allot_csvout_next_number(f, NAN);
    allot_csvout_next_number(f, 1234567890123.0); /* 1.23456789e+12: %.10g drops the trailing 0 */
    allot_csvout_next_number(f, -INFINITY);
    allot_csvout_next_number(f, 42);
    assert_int_equal(fclose(f), 0);
    assert_string_equal(buf, "a,0.6666666667,,1.23456789e+12,,42");
    free(buf);
}

/* The shortest text that reads back as the same double. Reference: Python's
 * repr(float) (shortest round trip, plain notation for exponents -4..15),
 * its ".0" on whole numbers dropped:
 *   python3 -c "for v in [0.3, 0.1+0.2, 1e-7, 40.0, 0.0625, 1/3, -0.0, 0.0001,
 *     1.5e-5, 1e16, 123456789012345680.0, 2.0**-1074, 1.7976931348623157e308,
 *     0.1, 7.0, 1e15, 2.0**53+2]: r = repr(v); print(r[:-2] if
 *     r.endswith('.0') else r, '%.17g' % v)"
 *   0.3 0.29999999999999999           0.30000000000000004 0.30000000000000004
 *   1e-07 9.9999999999999995e-08      40 40
 *   0.0625 0.0625                     0.3333333333333333 0.33333333333333331
 *   -0 -0                             0.0001 0.0001
 *   1.5e-05 1.5e-05                   1e+16 10000000000000000
 *   1.2345678901234568e+17 (both)     5e-324 4.9406564584124654e-324
 *   1.7976931348623157e+308 (both)    0.1 0.10000000000000001
 *   7 7   1000000000000000 (both)     9007199254740994 (both)
 * (the second column: what run parameters showed before, %.17g). */
static void expect_shortest(double v, const char *want)
{
    char buf[ALLOT_CSVOUT_SHORTEST_SIZE];
    assert_string_equal(allot_csvout_shortest(v, buf, sizeof buf), want);
    double back;
    if (isfinite(v)) {
        assert_true(allot_csvout_parse_number(buf, strlen(buf), &back));
        assert_true(back == v);
        assert_true(signbit(back) == signbit(v));
    }
}

static void test_shortest(void **state)
{
    (void)state;
    expect_shortest(0.3, "0.3");
    expect_shortest(0.1 + 0.2, "0.30000000000000004"); /* another double than 0.3 */
    expect_shortest(1e-7, "1e-07");
    expect_shortest(40, "40");
    expect_shortest(0.0625, "0.0625");
    expect_shortest(1.0 / 3.0, "0.3333333333333333");
    expect_shortest(-0.0, "-0");
    expect_shortest(0, "0");
    expect_shortest(0.0001, "0.0001");
    expect_shortest(1.5e-5, "1.5e-05");
    expect_shortest(1e16, "1e+16");
    expect_shortest(123456789012345680.0, "1.2345678901234568e+17");
    expect_shortest(4.9406564584124654e-324, "5e-324");
    expect_shortest(1.7976931348623157e308, "1.7976931348623157e+308");
    expect_shortest(0.1, "0.1");
    expect_shortest(7, "7");
    expect_shortest(1e15, "1000000000000000");
    expect_shortest(9007199254740994.0, "9007199254740994");
    expect_shortest(-2.5, "-2.5");
    /* Powers of two, where the nearest 16-digit decimal is another double
     * but the one above it is not. Reference: python3 -c "import math;
     * print(repr(math.ldexp(1, 976)), repr(math.ldexp(1, 574)))"
     *   -> 6.386688990511104e+293 6.183260036827614e+172 */
    expect_shortest(ldexp(1.0, 976), "6.386688990511104e+293");
    expect_shortest(ldexp(1.0, 574), "6.183260036827614e+172");
    expect_shortest(NAN, "nan");
    expect_shortest(INFINITY, "inf");
    expect_shortest(-INFINITY, "-inf");
    char small[4];
    assert_string_equal(allot_csvout_shortest(0.0625, small, sizeof small), "0.0");
}

/* The significant digits of a number's text: leading and trailing zeros
 * are places. */
static int significant_digits(const char *s)
{
    char d[64];
    size_t n = 0;
    for (; *s && *s != 'e' && n < sizeof d - 1; s++)
        if (*s >= '0' && *s <= '9' && (n || *s != '0'))
            d[n++] = *s;
    while (n > 1 && d[n - 1] == '0')
        n--;
    return n ? (int)n : 1;
}

/* 1 when some decimal of `digits` significant digits reads back as v: the
 * nearest one (printf's %e) or a unit above or below it in the last digit
 * (the only candidates, as in csvout.c). */
static int fewer_digits_read_back(double v, int digits)
{
    char text[64];
    snprintf(text, sizeof text, "%.*e", digits - 1, fabs(v));
    unsigned long long m = 0;
    const char *c = text;
    for (; *c != 'e'; c++)
        if (*c >= '0' && *c <= '9')
            m = m * 10 + (unsigned long long)(*c - '0');
    long e = strtol(c + 1, NULL, 10) - (digits - 1);
    for (int j = -1; j <= 1; j++) {
        if (j < 0 && m == 0)
            continue;
        snprintf(text, sizeof text, "%llue%ld", m + (unsigned long long)(long long)j, e);
        if (strtod(text, NULL) == fabs(v))
            return 1;
    }
    return 0;
}

/* Every double of a seeded sweep over the bit patterns, and every power of
 * two, reads back exactly from at most 17 significant digits, and no
 * decimal of one digit fewer reads back. */
static void check_minimal(double v)
{
    char s[ALLOT_CSVOUT_SHORTEST_SIZE];
    allot_csvout_shortest(v, s, sizeof s);
    double back;
    assert_true(allot_csvout_parse_number(s, strlen(s), &back));
    if (back != v)
        fail_msg("%s does not read back as %.17g", s, v);
    int digits = significant_digits(s);
    assert_true(digits <= 17);
    if (digits > 1 && fewer_digits_read_back(v, digits - 1))
        fail_msg("%s: %d digits would do", s, digits - 1);
}

static void test_shortest_round_trips(void **state)
{
    (void)state;
    uint64_t x = 88172645463325252ull; /* xorshift64 */
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        double v;
        uint64_t bits = i % 2 ? x : (x >> 12) | 0x3f00000000000000ull; /* also near 1 */
        memcpy(&v, &bits, sizeof v);
        if (isfinite(v))
            check_minimal(v);
    }
    for (int k = -1074; k <= 1023; k++)
        check_minimal(ldexp(1.0, k));
}

static void test_parse_number(void **state)
{
    (void)state;
    double v = 0;
    assert_true(allot_csvout_parse_number("0.29999999999999999", 19, &v));
    assert_true(v == 0.3);
    assert_true(allot_csvout_parse_number("-1e-07", 6, &v));
    assert_true(v == -1e-7);
    assert_true(allot_csvout_parse_number("40", 2, &v));
    assert_true(v == 40);
    assert_true(allot_csvout_parse_number("7;x", 1, &v)); /* only the n bytes */
    assert_true(v == 7);
    assert_true(allot_csvout_parse_number(".5", 2, &v));
    assert_true(v == 0.5);
    static const char *const bad[] = {"", "-", ".", "e5", "1e", "1e+", "0x10", "inf", "nan",
                                      " 1", "1 ", "1,5", "1.2.3", "2026Q3", "1e999", "+-1"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_false(allot_csvout_parse_number(bad[i], strlen(bad[i]), &v));
}

/* The text does not follow LC_NUMERIC: under de_DE (decimal comma, made
 * with localedef into a scratch folder; skipped where glibc's locale
 * sources are missing) printf writes "0,5" and these still write and read
 * '.'. */
static void test_locale_independent(void **state)
{
    (void)state;
    char dir[64];
    snprintf(dir, sizeof dir, "test_csvout_locale_%ld", (long)getpid());
    char cmd[256];
    snprintf(cmd, sizeof cmd,
             "mkdir -p %s && localedef -i de_DE -f UTF-8 %s/de_DE.UTF-8 >/dev/null 2>&1", dir,
             dir);
    int made = system(cmd) == 0;
    setenv("LOCPATH", dir, 1);
    int set = made && setlocale(LC_NUMERIC, "de_DE.UTF-8") != NULL;
    char half[16], buf[ALLOT_CSVOUT_SHORTEST_SIZE];
    snprintf(half, sizeof half, "%.1f", 0.5);
    double v = 0;
    int parsed = allot_csvout_parse_number("0.29999999999999999", 19, &v);
    allot_csvout_shortest(0.1 + 0.2, buf, sizeof buf);
    char sci[ALLOT_CSVOUT_SHORTEST_SIZE];
    allot_csvout_shortest(1.5e-5, sci, sizeof sci);
    setlocale(LC_NUMERIC, "C");
    unsetenv("LOCPATH");
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fail_msg("could not remove %s", dir);
    if (!set)
        skip();
    assert_string_equal(half, "0,5"); /* the locale is in force */
    assert_true(parsed);
    assert_true(v == 0.3);
    assert_string_equal(buf, "0.30000000000000004");
    assert_string_equal(sci, "1.5e-05");
}

static void test_plain_fields_unchanged(void **state)
{
    (void)state;
    expect_field("", "");
    expect_field("Paid Search", "Paid Search");
    expect_field("café; ü", "café; ü");
}

static void test_quoted_fields(void **state)
{
    (void)state;
    expect_field("a,b", "\"a,b\"");
    expect_field("say \"hi\"", "\"say \"\"hi\"\"\"");
    expect_field("\"", "\"\"\"\"");
    expect_field("two\nlines", "\"two\nlines\"");
    expect_field("cr\r", "\"cr\r\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_fields_unchanged),
        cmocka_unit_test(test_quoted_fields),
        cmocka_unit_test(test_numbers_and_money),
        cmocka_unit_test(test_next_number),
        cmocka_unit_test(test_shortest),
        cmocka_unit_test(test_shortest_round_trips),
        cmocka_unit_test(test_parse_number),
        cmocka_unit_test(test_locale_independent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
