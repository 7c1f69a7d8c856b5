/* First marketing touches (lib/firsttouch) on a hand-made table, its rows
 * stored out of time order:
 *
 *   row  touch_id  person  occurred_at  touch_type       channel    campaign
 *   1    b2        pb      300          visit            Referral   -
 *   2    a3        pa      200          email            Email      k1
 *   3    a2        pa      100          visit            Direct     -
 *   4    b1        pb      300          ad_click         -          k1   (same instant as b2)
 *   5    a1        pa      100          Sales Activity   Events     -    (activity)
 *   6    c1        pc       50          sales_activity   -          -    (activity)
 *   7    z9        zz       10          visit            Email      -    (not asked for)
 *   8    n1        -        20          visit            Email      -    (no person)
 *
 * pa: a1 is a sales activity whatever its spelling; a2 and a1 share 100 but
 * a1 is not marketing, so a2 (Direct). pb: b1 and b2 at 300, b1 the smaller
 * id: b1, channel from campaign k1 (Paid Search), campaign k1. pc: only an
 * activity, no first touch. pd: no touches. Activities reported: pa at 100,
 * pc at 50. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "firsttouch.h"
#include "store.h"

static char db_path[256];

static int setup(void **state)
{
    snprintf(db_path, sizeof db_path, "test_firsttouch_%ld.db", (long)getpid());
    remove(db_path);
    sqlite3 *db;
    allot_error err;
    if (allot_store_open(db_path, &db, &err) != ALLOT_OK)
        return -1;
    if (allot_store_exec(
            db,
            "INSERT INTO campaigns (campaign_id, name, channel) VALUES ('k1', 'Brand', 'Paid Search');"
            "INSERT INTO touches (touch_id, person_id, occurred_at, touch_type, channel, campaign_id)"
            " VALUES ('b2', 'pb', 300, 'visit', 'Referral', NULL),"
            " ('a3', 'pa', 200, 'email', 'Email', 'k1'),"
            " ('a2', 'pa', 100, 'visit', 'Direct', NULL),"
            " ('b1', 'pb', 300, 'ad_click', NULL, 'k1'),"
            " ('a1', 'pa', 100, 'Sales Activity', 'Events', NULL),"
            " ('c1', 'pc', 50, 'sales_activity', NULL, NULL),"
            " ('z9', 'zz', 10, 'visit', 'Email', NULL),"
            " ('n1', NULL, 20, 'visit', 'Email', NULL);",
            &err) != ALLOT_OK) {
        fprintf(stderr, "%s\n", err.message);
        return -1;
    }
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    allot_store_close(*state);
    char p[300];
    remove(db_path);
    snprintf(p, sizeof p, "%s-wal", db_path);
    remove(p);
    snprintf(p, sizeof p, "%s-shm", db_path);
    remove(p);
    return 0;
}

typedef struct seen {
    size_t n;
    size_t who[8];
    int64_t at[8];
} seen;

static int record(void *ctx, size_t i, int64_t at)
{
    seen *s = ctx;
    if (s->n < 8) {
        s->who[s->n] = i;
        s->at[s->n++] = at;
    }
    return 0;
}

static void earliest_then_smallest_id(void **state)
{
    allot_taxonomy *tx;
    assert_int_equal(allot_taxonomy_new(NULL, &tx, NULL), ALLOT_OK);
    const char *const ids[] = {"pa", "pb", "pc", "pd"};
    allot_first_touch f[4];
    seen activity = {0};
    allot_error err;
    assert_int_equal(allot_first_touches(*state, tx, "sales_activity", ids, 4, f, record,
                                         &activity, &err),
                     ALLOT_OK);
    assert_int_equal(f[0].at, 100);
    assert_string_equal(f[0].touch_id, "a2");
    assert_string_equal(f[0].channel, "Direct");
    assert_null(f[0].campaign_id);
    assert_int_equal(f[1].at, 300);
    assert_string_equal(f[1].touch_id, "b1");
    assert_string_equal(f[1].channel, "Paid Search");
    assert_string_equal(f[1].campaign_id, "k1");
    assert_true(f[2].at == ALLOT_NO_FIRST_TOUCH && !f[2].touch_id && !f[2].channel);
    assert_true(f[3].at == ALLOT_NO_FIRST_TOUCH && !f[3].touch_id);
    /* storage order: a1 (row 5) before c1 (row 6) */
    assert_int_equal(activity.n, 2);
    assert_int_equal(activity.who[0], 0);
    assert_int_equal(activity.at[0], 100);
    assert_int_equal(activity.who[1], 2);
    assert_int_equal(activity.at[1], 50);
    allot_first_touches_release(f, 4);

    /* no sales-activity type: a1 is marketing and wins the tie with a2 */
    assert_int_equal(allot_first_touches(*state, tx, NULL, ids, 4, f, NULL, NULL, &err),
                     ALLOT_OK);
    assert_string_equal(f[0].touch_id, "a1");
    assert_string_equal(f[0].channel, "Events");
    assert_int_equal(f[2].at, 50);
    assert_string_equal(f[2].touch_id, "c1");
    allot_first_touches_release(f, 4);

    /* nobody asked */
    assert_int_equal(allot_first_touches(*state, tx, NULL, NULL, 0, NULL, NULL, NULL, &err),
                     ALLOT_OK);
    allot_taxonomy_free(tx);
}

static void comparisons(void **state)
{
    (void)state;
    allot_first_touch none = {ALLOT_NO_FIRST_TOUCH, NULL, NULL, NULL};
    allot_first_touch t = {100, "m", "Email", NULL};
    assert_true(allot_first_touch_before(500, "z", &none));
    assert_true(allot_first_touch_before(99, "z", &t));
    assert_true(allot_first_touch_before(100, "a", &t));
    assert_false(allot_first_touch_before(100, "m", &t));
    assert_false(allot_first_touch_before(100, "n", &t));
    assert_false(allot_first_touch_before(101, "a", &t));
    char key[16];
    allot_touch_type_key(" Sales-Activity_ ", key, sizeof key);
    assert_string_equal(key, "salesactivity");
    allot_touch_type_key("Closed Won", key, 5);
    assert_string_equal(key, "clos");
    allot_touch_type_key(NULL, key, sizeof key);
    assert_string_equal(key, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(earliest_then_smallest_id, setup, teardown),
        cmocka_unit_test(comparisons),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
