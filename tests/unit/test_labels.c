/* labels: which values are the reports' group labels. Exact bytes only:
 * "(None)" or "(none) " (untrimmed) are other values, their own groups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "labels.h"

static const char *reserved(const char *v)
{
    return allot_label_reserved(v, strlen(v));
}

static void reserved_labels(void **state)
{
    (void)state;
    assert_string_equal(reserved("(none)"), "no campaign, channel or source");
    assert_string_equal(reserved("(unattributed)"),
                        "won deals with no touch in the lookback window");
    assert_string_equal(reserved("(all)"), "the total over all groups");
    assert_string_equal(reserved(ALLOT_LABEL_NONE), "no campaign, channel or source");
    /* GA's placeholders and near misses are ordinary values */
    const char *ordinary[] = {"(None)", "(none) ", "(not set)", "(direct)", "(organic)",
                              "(referral)", "none", "unattributed", "(unattributed", "", "(",
                              "(all)x"};
    for (size_t i = 0; i < sizeof ordinary / sizeof ordinary[0]; i++)
        assert_null(reserved(ordinary[i]));
    /* a prefix of the bytes: only len counts */
    assert_string_equal(allot_label_reserved("(all)(none)", 5), "the total over all groups");
    assert_null(allot_label_reserved(NULL, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reserved_labels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
