/* csvout: RFC 4180 quoting of one field, checked against the exact bytes
 * (a field with a comma, quote, CR or LF is quoted, quotes doubled). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
