/* Workbook: sheet-name validation (Excel's rules, checked before calling
 * libxlsxwriter, which 1.1.4 does not always do safely). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "xlsx.h"

static void sheet_names_follow_excel_rules(void **state)
{
    (void)state;
    assert_true(allot_xlsx_sheet_name_valid("Summary"));
    assert_true(allot_xlsx_sheet_name_valid("Attribution by campaign"));
    assert_true(allot_xlsx_sheet_name_valid("1234567890123456789012345678901")); /* 31 */
    assert_false(allot_xlsx_sheet_name_valid("12345678901234567890123456789012")); /* 32 */
    /* 31 code points of 2 bytes each (62 bytes) are still 31 characters. */
    assert_true(allot_xlsx_sheet_name_valid(
        "ééééééééééééééééééééééééééééééé"));
    assert_false(allot_xlsx_sheet_name_valid(""));
    assert_false(allot_xlsx_sheet_name_valid(NULL));
    const char *bad[] = {"a[b", "a]b", "a:b", "a*b", "a?b", "a/b", "a\\b", "'quoted", "end'"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(allot_xlsx_sheet_name_valid(bad[i]));
    assert_true(allot_xlsx_sheet_name_valid("it's fine"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sheet_names_follow_excel_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
