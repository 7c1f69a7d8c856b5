/* labels: which values are the reports' group labels. Exact bytes only:
 * "(None)" or "(none) " (untrimmed) are other values, their own groups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "labels.h"
#include "store.h"

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

/* allot_label_check_store over a database an older allot-load filled: which
 * column is reported first, the message, and the columns each flag reads. */
static void exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
}

static void expect_refusal(sqlite3 *db, unsigned columns, const char *message)
{
    allot_error err;
    allot_error_clear(&err);
    allot_status s = allot_label_check_store(db, columns, &err);
    if (!message) {
        assert_int_equal(s, ALLOT_OK);
        return;
    }
    assert_int_equal(s, ALLOT_ERR_DATA);
    assert_string_equal(err.message, message);
}

#define TAIL                                                                              \
    ", and would be counted in it (loaded by an older allot-load, which did not reject "  \
    "it): rename the value in the export and load it again"

static void check_store(void **state)
{
    (void)state;
    sqlite3 *db;
    allot_error err;
    assert_int_equal(allot_store_open(":memory:", &db, &err), ALLOT_OK);
    const unsigned all = ALLOT_LABELS_TOUCHES | ALLOT_LABELS_CRM;
    /* ordinary values, GA's placeholders and NULLs: nothing to refuse */
    exec(db, "INSERT INTO campaigns(campaign_id, name, channel) VALUES"
             " ('c1', '(none)', 'Email'), ('(direct)', '(all)', NULL);"
             "INSERT INTO people(person_id, original_source) VALUES"
             " ('p1', '(organic)'), ('p2', NULL), ('p3', '(None)');"
             "INSERT INTO touches(touch_id, person_id, occurred_at, touch_type, channel,"
             " campaign_id) VALUES ('t1', 'p1', 0, 'visit', '(not set)', NULL),"
             " ('t2', 'p1', 1, 'visit', NULL, '(direct)');"
             "INSERT INTO deals(deal_id, created_at, lead_source, campaign_id) VALUES"
             " ('d1', 0, 'none', 'c1'), ('d2', 0, NULL, NULL);");
    expect_refusal(db, all, NULL);
    /* a deal's lead source: only the CRM columns read it; the first deal */
    exec(db, "UPDATE deals SET lead_source = '(unattributed)'");
    expect_refusal(db, ALLOT_LABELS_TOUCHES, NULL);
    expect_refusal(db, all,
                   "the deal 'd1' has the lead source '(unattributed)', the group allot "
                   "reports for won deals with no touch in the lookback window" TAIL);
    /* of two labels the first in byte order: '(all)' before '(unattributed)' */
    exec(db, "UPDATE deals SET lead_source = '(all)' WHERE deal_id = 'd2'");
    expect_refusal(db, all,
                   "the deal 'd2' has the lead source '(all)', the group allot reports for "
                   "the total over all groups" TAIL);
    /* people before deals */
    exec(db, "UPDATE people SET original_source = '(none)' WHERE person_id = 'p3'");
    expect_refusal(db, all,
                   "the person 'p3' has the original source '(none)', the group allot "
                   "reports for no campaign, channel or source" TAIL);
    /* a campaign's channel, then touches before the CRM columns, campaign
     * ids before channels */
    exec(db, "UPDATE campaigns SET channel = '(none)' WHERE campaign_id = 'c1'");
    expect_refusal(db, ALLOT_LABELS_CRM,
                   "the person 'p3' has the original source '(none)', the group allot "
                   "reports for no campaign, channel or source" TAIL);
    expect_refusal(db, all,
                   "a touch or campaign has the channel '(none)', the group allot reports "
                   "for no campaign, channel or source" TAIL);
    exec(db, "UPDATE touches SET campaign_id = '(unattributed)' WHERE touch_id = 't1'");
    expect_refusal(db, ALLOT_LABELS_TOUCHES,
                   "a touch or campaign has the campaign id '(unattributed)', the group "
                   "allot reports for won deals with no touch in the lookback window" TAIL);
    /* a deal's campaign id */
    exec(db, "UPDATE touches SET campaign_id = NULL; UPDATE campaigns SET channel = NULL;"
             "UPDATE people SET original_source = NULL; UPDATE deals SET lead_source = NULL;"
             "UPDATE deals SET campaign_id = '(all)' WHERE deal_id = 'd2'");
    expect_refusal(db, ALLOT_LABELS_TOUCHES, NULL);
    expect_refusal(db, all,
                   "the deal 'd2' has the campaign id '(all)', the group allot reports for "
                   "the total over all groups" TAIL);
    allot_store_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reserved_labels),
        cmocka_unit_test(check_store),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
