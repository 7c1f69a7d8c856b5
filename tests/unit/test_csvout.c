/* csvout: RFC 4180 quoting of one field, checked against the exact bytes
 * (a field with a comma, quote, CR or LF is quoted, quotes doubled). */
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
