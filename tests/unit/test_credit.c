/* Journeys, rule-based models and the ledger on hand-computed journeys.
 * Every expected weight and cent is derived in the comment above it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fx.h"
#include "journey.h"
#include "ledger.h"
#include "model.h"
#include "store.h"

static char db_path[256];

static void remove_db(void)
{
    char p[300];
    unlink(db_path);
    snprintf(p, sizeof p, "%s-wal", db_path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", db_path);
    unlink(p);
}

static sqlite3 *fixture(const char *sql)
{
    static int n;
    snprintf(db_path, sizeof db_path, "/tmp/allot-test-credit-%ld-%d.db", (long)getpid(), n++);
    remove_db();
    sqlite3 *db;
    allot_error err;
    assert_int_equal(allot_store_open(db_path, &db, &err), ALLOT_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fail_msg("fixture: %s", msg);
    return db;
}

static void close_db(sqlite3 *db)
{
    allot_store_close(db);
    remove_db();
}

/* Times (epoch seconds UTC): 2026-03-01 00:00 = 1772323200, one day 86400.
 *   t1 Paid Search 03-01, t2 Email 03-09, t3 Direct 03-15, t4 Events 03-25;
 *   p1 became a lead 03-10 (created_at), deal d1 created 03-20, won 03-31,
 *   100.00 USD. Milestones: FT t1; LC t2 (last at/before 03-10);
 *   OC t3 (last at/before 03-20); CW t4 (last at/before 03-31 23:59:59). */
#define DAY 86400
#define MAR1 1772323200
static const char *const four_touches =
    "INSERT INTO people(person_id, created_at) VALUES ('p1', 1772323200 + 9*86400);"
    "INSERT INTO touches(touch_id, person_id, occurred_at, touch_type, channel, campaign_id)"
    " VALUES ('t1','p1',1772323200,'ad_click','Paid Search','c1'),"
    "        ('t2','p1',1772323200+8*86400,'email','Email','c2'),"
    "        ('t3','p1',1772323200+14*86400,'visit','Direct',NULL),"
    "        ('t4','p1',1772323200+24*86400,'event','Events','c3');"
    "INSERT INTO deals(deal_id, amount_micros, currency, is_won, is_closed, created_at,"
    " close_date) VALUES ('d1', 100000000, 'USD', 1, 1, 1772323200+19*86400, '2026-03-31');"
    "INSERT INTO deal_people(deal_id, person_id) VALUES ('d1','p1');"
    ;

typedef struct run {
    sqlite3 *db;
    allot_journey_set *set;
    allot_model_params params;
} run;

static void build(run *r, const char *sql, const allot_journey_options *o)
{
    r->db = fixture(sql);
    allot_error err;
    if (allot_journey_build(r->db, o, &r->set, &err) != ALLOT_OK)
        fail_msg("journey build: %s", err.message);
}

static void release(run *r)
{
    allot_journey_set_free(r->set);
    close_db(r->db);
}

static const allot_journey *journey_of(const run *r, const char *deal)
{
    for (size_t i = 0; i < r->set->n_converting; i++)
        if (strcmp(r->set->deals[r->set->journeys[i].deal].deal_id, deal) == 0)
            return &r->set->journeys[i];
    fail_msg("no journey for %s", deal);
    return NULL;
}

/* Weights and rule texts of model on deal's journey; returns its length. */
static uint32_t weigh(const run *r, const char *model, const char *deal, double *w,
                      char rules[][64])
{
    const allot_model_def *def = allot_model_find(model);
    assert_non_null(def);
    allot_model_ctx ctx;
    allot_error err;
    assert_int_equal(allot_model_ctx_init(&ctx, def, &r->params, r->set, &err), ALLOT_OK);
    const allot_journey *j = journey_of(r, deal);
    uint32_t codes[64];
    assert_true(j->length <= 64);
    def->weigh(&ctx, j, w, codes);
    double sum = 0;
    for (uint32_t i = 0; i < j->length; i++) {
        def->rule_text(&ctx, codes[i], rules[i], 64);
        sum += w[i];
    }
    assert_true(fabs(sum - 1) < 1e-12);
    allot_model_ctx_release(&ctx);
    return j->length;
}

static void expect(const run *r, const char *model, const char *deal, uint32_t n,
                   const double *want, const char *const *want_rules)
{
    double w[64];
    char rules[64][64];
    assert_int_equal(weigh(r, model, deal, w, rules), n);
    for (uint32_t i = 0; i < n; i++) {
        if (fabs(w[i] - want[i]) > 1e-12)
            fail_msg("%s %s touch %u: weight %.17g, want %.17g", model, deal, i + 1, w[i],
                     want[i]);
        if (want_rules && strcmp(rules[i], want_rules[i]) != 0)
            fail_msg("%s %s touch %u: rule '%s', want '%s'", model, deal, i + 1, rules[i],
                     want_rules[i]);
    }
}

static void every_model_on_four_touches(void **state)
{
    (void)state;
    allot_journey_options o;
    allot_journey_options_init(&o);
    o.stages[0] = "MQL"; /* matched case-insensitively: the row says 'mql' */
    o.n_stages = 1;
    run r;
    char sql[4096];
    /* p1 reached MQL on 03-12: last touch at/before it is t2. */
    snprintf(sql, sizeof sql, "%s INSERT INTO stage_history(entity_type, entity_id, stage,"
             " entered_at) VALUES ('person','p1','mql',1772323200+11*86400);",
             four_touches);
    build(&r, sql, &o);
    allot_model_params_init(&r.params);
    allot_error err;
    assert_int_equal(allot_model_parse_shape("FT=20,MQL=30,OC=30,middle=20", &r.params,
                                             ALLOT_SHAPE_CUSTOM, &err), ALLOT_OK);
    const allot_journey *j = journey_of(&r, "d1");
    assert_int_equal(j->length, 4);
    assert_int_equal(j->milestone[ALLOT_MS_FT], 0);
    assert_int_equal(j->milestone[ALLOT_MS_LC], 1);
    assert_int_equal(j->milestone[ALLOT_MS_OC], 2);
    assert_int_equal(j->milestone[ALLOT_MS_CW], 3);
    assert_int_equal(j->milestone[ALLOT_MS_STAGE], 1);

    expect(&r, "first_touch", "d1", 4, (double[]){1, 0, 0, 0},
           (const char *[]){"first_touch", "none", "none", "none"});
    expect(&r, "last_touch", "d1", 4, (double[]){0, 0, 0, 1}, NULL);
    /* last touch t4 is Events, not Direct. */
    expect(&r, "last_non_direct", "d1", 4, (double[]){0, 0, 0, 1}, NULL);
    expect(&r, "linear", "d1", 4, (double[]){0.25, 0.25, 0.25, 0.25},
           (const char *[]){"linear", "linear", "linear", "linear"});
    /* 2^(-age/7) for ages 24, 16, 10, 0 days before t4, normalised. Reference:
     * python3 -c "w=[2**(-(24-x)/7) for x in (0,8,14,24)]; print([x/sum(w) for x in w])"
     * -> 0.055631645527305276 0.12284463291023279 0.22252658210922108 0.59899713945324096 */
    expect(&r, "time_decay", "d1", 4,
           (double[]){0.055631645527305276, 0.12284463291023279, 0.22252658210922108,
                      0.59899713945324096}, NULL);
    /* first .4, last .4, two middle touches .2/2 each. */
    expect(&r, "position_based", "d1", 4, (double[]){0.4, 0.1, 0.1, 0.4},
           (const char *[]){"P:first", "P:middle", "P:middle", "P:last"});
    expect(&r, "u_shaped", "d1", 4, (double[]){0.4, 0.4, 0.1, 0.1},
           (const char *[]){"U:FT", "U:LC", "U:middle", "U:middle"});
    expect(&r, "u_shaped_50", "d1", 4, (double[]){0.5, 0.5, 0, 0}, NULL);
    expect(&r, "w_shaped", "d1", 4, (double[]){0.3, 0.3, 0.3, 0.1},
           (const char *[]){"W:FT", "W:LC", "W:OC", "W:middle"});
    /* four milestones on four touches, no middle: the rest (.1) follows the
     * equal weights -> .225/.9 = .25 each. */
    expect(&r, "full_path", "d1", 4, (double[]){0.25, 0.25, 0.25, 0.25},
           (const char *[]){"Z:FT", "Z:LC", "Z:OC", "Z:CW"});
    expect(&r, "j_shaped", "d1", 4, (double[]){0.2, 0.1, 0.1, 0.6}, NULL);
    expect(&r, "inverse_j", "d1", 4, (double[]){0.6, 0.1, 0.1, 0.2}, NULL);
    /* custom FT 20, MQL 30 (t2), OC 30 (t3), middle 20 (t4 only). */
    expect(&r, "custom", "d1", 4, (double[]){0.2, 0.3, 0.3, 0.2},
           (const char *[]){"C:FT", "C:MQL", "C:OC", "C:middle"});
    release(&r);
}

static void last_non_direct_skips_direct(void **state)
{
    (void)state;
    allot_journey_options o;
    allot_journey_options_init(&o);
    run r;
    /* t3 Direct is last: the last non-Direct touch is t2. An all-Direct
     * journey (d2: t3 only) falls back to the last touch. */
    build(&r,
          "INSERT INTO touches(touch_id, person_id, occurred_at, touch_type, channel) VALUES"
          " ('t1','p1',1772323200,'visit','Email'),('t2','p1',1772409600,'visit','Referral'),"
          " ('t3','p1',1772496000,'visit','Direct'),('u1','p2',1772496000,'visit','Direct');"
          "INSERT INTO deals(deal_id, amount_micros, currency, is_won, is_closed, created_at,"
          " close_date) VALUES ('d1',1000000,'USD',1,1,1772323200,'2026-03-10'),"
          " ('d2',1000000,'USD',1,1,1772323200,'2026-03-10');"
          "INSERT INTO deal_people(deal_id, person_id) VALUES ('d1','p1'),('d2','p2');",
          &o);
    allot_model_params_init(&r.params);
    expect(&r, "last_non_direct", "d1", 3, (double[]){0, 1, 0},
           (const char *[]){"none", "last_non_direct", "none"});
    expect(&r, "last_non_direct", "d2", 1, (double[]){1},
           (const char *[]){"last_non_direct(all direct)"});
    release(&r);
}

static void collapsed_and_missing_milestones(void **state)
{
    (void)state;
    allot_journey_options o;
    allot_journey_options_init(&o);
    run r;
    /* d1: two touches; p1 became a lead on 03-02 (after t1 03-01, before t2
     * 03-05); deal created 03-06 -> FT t1, LC t1, OC t2, CW t2.
     *   W: t1 .3+.3 = .6, t2 .3; no middle -> divide by .9: 2/3, 1/3.
     *   U: FT+LC both on t1 (.8), t2 no anchor -> middle .2.
     *   position_based on two touches: .4/.8, .4/.8 = 1/2, 1/2 (spec: [1/2, 1/2]).
     *   J on two touches: .2/.8 = 1/4, .6/.8 = 3/4.
     * d2: one touch t9 on 03-08, after p2's lead time (03-01) and after the
     *   deal's creation (03-02): LC and OC take the earliest touch after their
     *   events -> everything on t9, weight 1. */
    build(&r,
          "INSERT INTO people(person_id, created_at) VALUES ('p1',1772323200+86400),"
          " ('p2',1772323200);"
          "INSERT INTO touches(touch_id, person_id, occurred_at, touch_type, channel) VALUES"
          " ('t1','p1',1772323200,'visit','Email'),('t2','p1',1772323200+4*86400,'visit','Events'),"
          " ('t9','p2',1772323200+7*86400,'visit','Display');"
          "INSERT INTO deals(deal_id, amount_micros, currency, is_won, is_closed, created_at,"
          " close_date) VALUES ('d1',100000000,'USD',1,1,1772323200+5*86400,'2026-03-20'),"
          " ('d2',100000000,'USD',1,1,1772323200+86400,'2026-03-20');"
          "INSERT INTO deal_people(deal_id, person_id) VALUES ('d1','p1'),('d2','p2');",
          &o);
    allot_model_params_init(&r.params);
    expect(&r, "w_shaped", "d1", 2, (double[]){2.0 / 3, 1.0 / 3},
           (const char *[]){"W:FT+LC", "W:OC"});
    expect(&r, "u_shaped", "d1", 2, (double[]){0.8, 0.2},
           (const char *[]){"U:FT+LC", "U:middle"});
    expect(&r, "full_path", "d1", 2, (double[]){0.5, 0.5},
           (const char *[]){"Z:FT+LC", "Z:OC+CW"});
    expect(&r, "position_based", "d1", 2, (double[]){0.5, 0.5}, NULL);
    expect(&r, "j_shaped", "d1", 2, (double[]){0.25, 0.75}, NULL);
    expect(&r, "inverse_j", "d1", 2, (double[]){0.75, 0.25}, NULL);
    expect(&r, "w_shaped", "d2", 1, (double[]){1},
           (const char *[]){"W:FT+LC(after)+OC(after)"});
    expect(&r, "position_based", "d2", 1, (double[]){1}, (const char *[]){"P:first+last"});
    release(&r);
}

static void pending_close_in_pipeline_view(void **state)
{
    (void)state;
    allot_journey_options o;
    allot_journey_options_init(&o);
    o.event = ALLOT_EVENT_PIPELINE;
    run r;
    /* d1 is open, created 03-10 12:00; touches t1 03-01, t2 03-05, t3 03-10
     * 00:00, t4 03-11 (after creation: not in the pipeline journey).
     * p1 lead 03-02 -> LC t1; OC t3; CW has not happened -> parked on the
     * latest touch t3 as pending. Z: t1 .45, t2 middle .1, t3 .45. */
    build(&r,
          "INSERT INTO people(person_id, created_at) VALUES ('p1',1772323200+86400);"
          "INSERT INTO touches(touch_id, person_id, occurred_at, touch_type, channel) VALUES"
          " ('t1','p1',1772323200,'visit','Email'),('t2','p1',1772323200+4*86400,'visit','Events'),"
          " ('t3','p1',1772323200+9*86400,'visit','Display'),"
          " ('t4','p1',1772323200+10*86400,'visit','Display');"
          "INSERT INTO deals(deal_id, amount_micros, currency, is_won, is_closed, created_at)"
          " VALUES ('d1',100000000,'USD',0,0,1772323200+9*86400+43200);"
          "INSERT INTO deal_people(deal_id, person_id) VALUES ('d1','p1');",
          &o);
    allot_model_params_init(&r.params);
    expect(&r, "full_path", "d1", 3, (double[]){0.45, 0.1, 0.45},
           (const char *[]){"Z:FT+LC", "Z:middle", "Z:OC+CW(pending)"});
    assert_string_equal(r.set->deals[journey_of(&r, "d1")->deal].event_date, "2026-03-10");
    release(&r);
}

static void window_dedupe_cap_and_account(void **state)
{
    (void)state;
    /* close 2026-03-31 -> T = 03-31 23:59:59 = 1772323200 + 30*86400 + 86399
     * = 1775001599; lookback 30 days -> window starts 1775001599 - 2592000
     * = 1772409599 (03-01 23:59:59).
     * t0 one second before: out; t1 exactly at the start: in; t5 on 04-01:
     * after the event: out. t2 and t3 are the same channel and campaign
     * 20 minutes apart: --dedupe-minutes 30 drops t3. q1 is another person
     * of account a1 (not on the deal): only with account_level. */
    const char *sql =
        "INSERT INTO people(person_id, account_id) VALUES ('p1','a1'),('q1','a1');"
        "INSERT INTO touches(touch_id, person_id, occurred_at, touch_type, channel, campaign_id)"
        " VALUES ('t0','p1',1772409598,'visit','Email','z'),('t1','p1',1772409599,'visit','Email','c'),"
        " ('t2','p1',1773000000,'visit','Display','d'),('t3','p1',1773001200,'visit','Display','d'),"
        " ('t4','q1',1773500000,'visit','Events',NULL),('t5','p1',1775001600,'visit','Email','c');"
        "INSERT INTO deals(deal_id, account_id, amount_micros, currency, is_won, is_closed,"
        " created_at, close_date) VALUES ('d1','a1',1000000,'USD',1,1,1772323200,'2026-03-31');"
        "INSERT INTO deal_people(deal_id, person_id) VALUES ('d1','p1');";
    allot_journey_options o;
    allot_journey_options_init(&o);
    o.lookback_days = 30;
    run r;
    build(&r, sql, &o);
    const allot_journey *j = journey_of(&r, "d1");
    assert_int_equal(j->length, 3);
    assert_string_equal(allot_journey_touch_id(r.set, allot_journey_touch(r.set, j, 0)), "t1");
    assert_string_equal(allot_journey_touch_id(r.set, allot_journey_touch(r.set, j, 2)), "t3");
    release(&r);

    o.dedupe_minutes = 30;
    o.account_level = 1;
    build(&r, sql, &o);
    j = journey_of(&r, "d1");
    assert_int_equal(r.set->deduped_touches, 1);
    assert_int_equal(j->length, 3); /* t1, t2, t4 */
    assert_string_equal(allot_journey_touch_id(r.set, allot_journey_touch(r.set, j, 1)), "t2");
    assert_string_equal(allot_journey_touch_id(r.set, allot_journey_touch(r.set, j, 2)), "t4");
    release(&r);

    o.max_touches = 2; /* keeps the latest two: t2, t4 */
    build(&r, sql, &o);
    j = journey_of(&r, "d1");
    assert_int_equal(j->length, 2);
    assert_string_equal(allot_journey_touch_id(r.set, allot_journey_touch(r.set, j, 0)), "t2");
    assert_int_equal(r.set->capped_journeys, 1);
    release(&r);
}

static void nonconverting_journeys(void **state)
{
    (void)state;
    /* Revenue view: d1 won (p1), d2 lost (p2), p3 has touches and no deal.
     * Converting: d1. Non-converting: d2's journey and p3's. */
    allot_journey_options o;
    allot_journey_options_init(&o);
    o.include_nonconverting = 1;
    run r;
    build(&r,
          "INSERT INTO touches(touch_id, person_id, occurred_at, touch_type, channel) VALUES"
          " ('t1','p1',1772323200,'visit','Email'),('t2','p2',1772323200,'visit','Display'),"
          " ('t3','p3',1772323200,'visit','Events'),('t4','p3',1772409600,'visit','Email');"
          "INSERT INTO deals(deal_id, amount_micros, currency, is_won, is_closed, created_at,"
          " close_date) VALUES ('d1',1000000,'USD',1,1,1772323200,'2026-03-10'),"
          " ('d2',1000000,'USD',0,1,1772323200,'2026-03-10');"
          "INSERT INTO deal_people(deal_id, person_id) VALUES ('d1','p1'),('d2','p2');",
          &o);
    assert_int_equal(r.set->n_converting, 1);
    assert_int_equal(r.set->n_journeys, 3);
    assert_int_equal(r.set->journeys[1].converted, 0);
    assert_string_equal(r.set->deals[r.set->journeys[1].deal].deal_id, "d2");
    assert_int_equal(r.set->journeys[2].deal, ALLOT_JOURNEY_NO_DEAL);
    assert_int_equal(r.set->journeys[2].length, 2);
    release(&r);
}

static void order_by_time_then_touch_id(void **state)
{
    (void)state;
    /* Two people of one deal: p2's 'a7' and p1's 'b1' happen in the same
     * second, before p1's 'a9' and after p2's 'z0'. Order: (time, touch_id)
     * = z0, a7, b1, a9; linear over 4 -> 25 % each; first_touch -> z0. */
    allot_journey_options o;
    allot_journey_options_init(&o);
    run r;
    build(&r,
          "INSERT INTO touches(touch_id, person_id, occurred_at, touch_type, channel) VALUES"
          " ('b1','p1',1772409600,'visit','Email'),('a9','p1',1772496000,'visit','Email'),"
          " ('a7','p2',1772409600,'visit','Display'),('z0','p2',1772323200,'visit','Events');"
          "INSERT INTO deals(deal_id, amount_micros, currency, is_won, is_closed, created_at,"
          " close_date) VALUES ('d1',1000000,'USD',1,1,1772323200,'2026-03-10');"
          "INSERT INTO deal_people(deal_id, person_id) VALUES ('d1','p1'),('d1','p2');",
          &o);
    allot_model_params_init(&r.params);
    const allot_journey *j = journey_of(&r, "d1");
    const char *want[] = {"z0", "a7", "b1", "a9"};
    assert_int_equal(j->length, 4);
    for (uint32_t i = 0; i < 4; i++)
        assert_string_equal(allot_journey_touch_id(r.set, allot_journey_touch(r.set, j, i)),
                            want[i]);
    expect(&r, "first_touch", "d1", 4, (double[]){1, 0, 0, 0}, NULL);
    release(&r);
}

static void channel_from_taxonomy(void **state)
{
    (void)state;
    /* No channel on the touch: t1's campaign says 'Webinars' (taxonomy step
     * 3), t2 is google / cpc (built-in: Paid Search), t3 keeps its own. */
    allot_journey_options o;
    allot_journey_options_init(&o);
    run r;
    build(&r,
          "INSERT INTO campaigns(campaign_id, name, channel) VALUES ('c9','Webinar','Webinars');"
          "INSERT INTO touches(touch_id, person_id, occurred_at, touch_type, channel, campaign_id,"
          " utm_source, utm_medium) VALUES ('t1','p1',1772323200,'event',NULL,'c9',NULL,NULL),"
          " ('t2','p1',1772409600,'visit',NULL,NULL,'google','cpc'),"
          " ('t3','p1',1772496000,'visit','Partner',NULL,'google','cpc');"
          "INSERT INTO deals(deal_id, amount_micros, currency, is_won, is_closed, created_at,"
          " close_date) VALUES ('d1',1000000,'USD',1,1,1772323200,'2026-03-10');"
          "INSERT INTO deal_people(deal_id, person_id) VALUES ('d1','p1');",
          &o);
    const allot_journey *j = journey_of(&r, "d1");
    assert_int_equal(j->length, 3);
    const char *want[] = {"Webinars", "Paid Search", "Partner"};
    for (uint32_t i = 0; i < 3; i++)
        assert_string_equal(r.set->channels[allot_journey_touch(r.set, j, i)->channel], want[i]);
    assert_string_equal(r.set->campaigns[allot_journey_touch(r.set, j, 0)->campaign], "c9");
    assert_int_equal(allot_journey_touch(r.set, j, 1)->campaign, ALLOT_NO_CAMPAIGN);
    release(&r);
}

/* Ledger cents: linear over 3 touches and time-free shapes, in USD, JPY, KWD. */
static void ledger_cents_in_three_currencies(void **state)
{
    (void)state;
    /* USD d1 100.00 over 3 touches: quotas 3333.33.. each; floors 9999,
     *   one leftover cent to the first (ties by touch order): 3334 3333 3333.
     * JPY d2 100 yen over 7 touches: 14.2857.. each, floors 98, two left:
     *   15 15 14 14 14 14 14.
     * KWD d3 10.001 KWD = 10001 fils over 3: 3333.67 each, floors 9999, two
     *   left: 3334 3334 3333.
     * W-shaped on d1 (FT t1, LC t1 (no lead time -> earliest touch after),
     *   OC t1 (created before every touch), t2 t3 middle .05 each):
     *   t1 .9 -> 9000, t2 500, t3 500. */
    char sql[8192] = "INSERT INTO deals(deal_id, amount_micros, currency, is_won, is_closed,"
        " created_at, close_date) VALUES ('d1',100000000,'USD',1,1,0,'2026-03-31'),"
        " ('d2',100000000,'JPY',1,1,0,'2026-03-31'),('d3',10001000,'KWD',1,1,0,'2026-03-31');"
        "INSERT INTO deal_people(deal_id, person_id) VALUES ('d1','p1'),('d2','p2'),('d3','p3');"
        "INSERT INTO fx_rates(currency, start_date, end_date, rate) VALUES"
        " ('JPY','2026-01-01','2026-04-01',0.0065),('KWD','2026-01-01',NULL,3.25);";
    for (int p = 1; p <= 3; p++)
        for (int k = 0; k < (p == 2 ? 7 : 3); k++)
            snprintf(sql + strlen(sql), sizeof sql - strlen(sql),
                     "INSERT INTO touches(touch_id, person_id, occurred_at, touch_type, channel)"
                     " VALUES ('p%d-%d','p%d',%d,'visit','Email');", p, k, p,
                     1772323200 + k * 3600);
    allot_journey_options o;
    allot_journey_options_init(&o);
    run r;
    build(&r, sql, &o);
    allot_model_params_init(&r.params);
    allot_error err;
    allot_fx *fx;
    assert_int_equal(allot_fx_load(r.db, "USD", &fx, &err), ALLOT_OK);
    allot_model_ctx ctx[2];
    assert_int_equal(allot_model_ctx_init(&ctx[0], allot_model_find("linear"), &r.params, r.set,
                                          &err), ALLOT_OK);
    assert_int_equal(allot_model_ctx_init(&ctx[1], allot_model_find("w_shaped"), &r.params,
                                          r.set, &err), ALLOT_OK);
    int64_t run_id;
    assert_int_equal(allot_store_begin(r.db, &err), ALLOT_OK);
    assert_int_equal(allot_store_run_begin(r.db, "test", "", "", &run_id, &err), ALLOT_OK);
    allot_ledger_options lo = {fx, 1, NULL};
    allot_ledger_summary sum;
    assert_int_equal(allot_ledger_write(r.db, run_id, r.set, ctx, NULL, 2, &lo, &sum, &err),
                     ALLOT_OK);
    assert_int_equal(allot_store_commit(r.db, &err), ALLOT_OK);
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(r.db,
        "SELECT model || ' ' || deal_id || ' ' || group_concat(credit_minor, ' ') FROM "
        "(SELECT * FROM ledger ORDER BY model, deal_id, position) GROUP BY model, deal_id "
        "ORDER BY model, deal_id", -1, &s, NULL), SQLITE_OK);
    const char *want[] = {"linear d1 3334 3333 3333", "linear d2 15 15 14 14 14 14 14",
                          "linear d3 3334 3334 3333", "w_shaped d1 9000 500 500"};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(sqlite3_step(s), SQLITE_ROW);
        assert_string_equal((const char *)sqlite3_column_text(s, 0), want[i]);
    }
    sqlite3_finalize(s);
    /* Reporting currency: 100 JPY * 0.0065 = 0.65 USD -> 65 cents over 7:
     * 9.2857.. each, floors 63, two left: 10 10 9 9 9 9 9.
     * 10.001 KWD * 3.25 = 32.50325 USD -> 3250 cents (half away from zero),
     * over 3: 1083.33.. floors 3249, one left: 1084 1083 1083.
     * Booked: 100.00 + 0.65 + 32.50 = 133.15 USD. */
    assert_int_equal(sqlite3_prepare_v2(r.db,
        "SELECT deal_id || ' ' || group_concat(reporting_minor, ' ') FROM (SELECT * FROM ledger"
        " WHERE model = 'linear' AND deal_id <> 'd1' ORDER BY deal_id, position) GROUP BY"
        " deal_id ORDER BY deal_id", -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(s, 0), "d2 10 10 9 9 9 9 9");
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(s, 0), "d3 1084 1083 1083");
    sqlite3_finalize(s);
    assert_int_equal(sum.booked_minor, 13315);
    for (int m = 0; m < 2; m++)
        allot_model_ctx_release(&ctx[m]);
    allot_fx_free(fx);
    release(&r);
}

static void fx_lookup_and_missing_rate(void **state)
{
    (void)state;
    sqlite3 *db = fixture("INSERT INTO fx_rates(currency, start_date, end_date, rate) VALUES"
                          " ('EUR','2026-01-01','2026-02-01',1.1),('EUR','2026-02-01',NULL,1.2);");
    allot_fx *fx;
    allot_error err;
    double rate;
    assert_int_equal(allot_fx_load(db, "USD", &fx, &err), ALLOT_OK);
    assert_int_equal(allot_fx_rate(fx, "EUR", "2026-01-31", &rate, &err), ALLOT_OK);
    assert_true(rate == 1.1);
    assert_int_equal(allot_fx_rate(fx, "EUR", "2026-02-01", &rate, &err), ALLOT_OK);
    assert_true(rate == 1.2);
    assert_int_equal(allot_fx_rate(fx, "USD", "1999-01-01", &rate, &err), ALLOT_OK);
    assert_true(rate == 1);
    assert_int_equal(allot_fx_rate(fx, "EUR", "2025-12-31", &rate, &err), ALLOT_ERR_DATA);
    assert_non_null(strstr(err.message, "no fx rate for EUR on 2025-12-31"));
    assert_int_equal(allot_fx_rate(fx, "GBP", "2026-01-10", &rate, &err), ALLOT_ERR_DATA);
    allot_fx_free(fx);
    /* Reporting in EUR, which has rows of its own (the table is in USD, say):
     * CHF (1.25 USD per CHF from 2025-12-01) converts at 1.25 / 1.1 EUR per
     * CHF in January and 1.25 / 1.2 from February; before EUR's first row
     * there is no EUR rate to cross through, an error naming EUR. EUR itself
     * is 1; a currency without rows is still an error naming it. */
    assert_int_equal(allot_store_exec(db, "INSERT INTO fx_rates(currency, start_date, end_date, "
                                          "rate) VALUES ('CHF','2025-12-01',NULL,1.25);", &err),
                     ALLOT_OK);
    assert_int_equal(allot_fx_load(db, "EUR", &fx, &err), ALLOT_OK);
    assert_int_equal(allot_fx_rate(fx, "CHF", "2026-01-31", &rate, &err), ALLOT_OK);
    assert_true(fabs(rate - 1.25 / 1.1) < 1e-15); /* 1.13636363... */
    assert_int_equal(allot_fx_rate(fx, "CHF", "2026-02-01", &rate, &err), ALLOT_OK);
    assert_true(fabs(rate - 1.25 / 1.2) < 1e-15); /* 1.0416666... */
    assert_int_equal(allot_fx_rate(fx, "EUR", "2025-01-01", &rate, &err), ALLOT_OK);
    assert_true(rate == 1);
    assert_int_equal(allot_fx_rate(fx, "CHF", "2025-12-15", &rate, &err), ALLOT_ERR_DATA);
    assert_non_null(strstr(err.message, "no fx rate for the reporting currency EUR on 2025-12-15"));
    assert_int_equal(allot_fx_rate(fx, "USD", "2026-01-10", &rate, &err), ALLOT_ERR_DATA);
    assert_non_null(strstr(err.message, "no fx rate for USD on 2026-01-10"));
    allot_fx_free(fx);
    /* With a USD row of rate 1 the table shows its base: reporting in GBP,
     * which has no rows, cannot take the USD rates as GBP rates (an error
     * naming both); GBP itself still converts at 1; reporting in USD is
     * unchanged (EUR 1.2 from February); EUR (rows of its own) crosses USD
     * through its own rate: 1 / 1.2 EUR per USD in February. */
    assert_int_equal(allot_store_exec(db, "INSERT INTO fx_rates(currency, start_date, end_date, "
                                          "rate) VALUES ('USD','2000-01-01',NULL,1);", &err),
                     ALLOT_OK);
    assert_int_equal(allot_fx_load(db, "GBP", &fx, &err), ALLOT_OK);
    assert_int_equal(allot_fx_rate(fx, "EUR", "2026-02-01", &rate, &err), ALLOT_ERR_DATA);
    assert_non_null(strstr(err.message, "cannot convert EUR into GBP: fx_rates has no GBP rows, "
                                        "and its USD rows (all 1) say its rates may be in USD"));
    assert_non_null(strstr(err.message, "load fx_rates rows for GBP (rate 1 if the table is in "
                                        "GBP, else USD per GBP)"));
    assert_int_equal(allot_fx_rate(fx, "USD", "2026-02-01", &rate, &err), ALLOT_ERR_DATA);
    assert_int_equal(allot_fx_rate(fx, "GBP", "2026-02-01", &rate, &err), ALLOT_OK);
    assert_true(rate == 1);
    allot_fx_free(fx);
    assert_int_equal(allot_fx_load(db, "USD", &fx, &err), ALLOT_OK);
    assert_int_equal(allot_fx_rate(fx, "EUR", "2026-02-01", &rate, &err), ALLOT_OK);
    assert_true(rate == 1.2);
    allot_fx_free(fx);
    assert_int_equal(allot_fx_load(db, "EUR", &fx, &err), ALLOT_OK);
    assert_int_equal(allot_fx_rate(fx, "USD", "2026-02-01", &rate, &err), ALLOT_OK);
    assert_true(fabs(rate - 1 / 1.2) < 1e-15); /* 0.8333... */
    allot_fx_free(fx);
    assert_int_equal(allot_fx_load(db, "XXQ", &fx, &err), ALLOT_ERR_USAGE);
    close_db(db);
}

static void shape_parsing(void **state)
{
    (void)state;
    allot_model_params p;
    allot_model_params_init(&p);
    allot_error err;
    assert_int_equal(allot_model_parse_positional("30/40/30", &p, ALLOT_SHAPE_POSITION, &err),
                     ALLOT_OK);
    assert_true(fabs(p.shapes[ALLOT_SHAPE_POSITION].rest - 0.4) < 1e-15);
    assert_int_equal(allot_model_parse_positional("30/40", &p, ALLOT_SHAPE_POSITION, &err),
                     ALLOT_ERR_CONFIG);
    assert_int_equal(allot_model_parse_shape("FT=30,LC=30", &p, ALLOT_SHAPE_CUSTOM, &err),
                     ALLOT_ERR_CONFIG); /* sums to 60 */
    assert_int_equal(allot_model_parse_shape("FT=0.5,SQL=0.5", &p, ALLOT_SHAPE_CUSTOM, &err),
                     ALLOT_OK);
    assert_string_equal(p.stages[0], "SQL");
    /* The configuration's spelling (README: [models] custom default
     * "FT:30, LC:30, OC:30, rest:10") gives the same shape as the flag's:
     * FT, LC and OC 0.3 each, rest 0.1. */
    assert_int_equal(allot_model_parse_shape("FT:30, LC:30, OC:30, rest:10", &p,
                                             ALLOT_SHAPE_CUSTOM, &err),
                     ALLOT_OK);
    const allot_shape *cs = &p.shapes[ALLOT_SHAPE_CUSTOM];
    assert_true(fabs(cs->anchor[ALLOT_ANCHOR_FT] - 0.3) < 1e-15);
    assert_true(fabs(cs->anchor[ALLOT_ANCHOR_LC] - 0.3) < 1e-15);
    assert_true(fabs(cs->anchor[ALLOT_ANCHOR_OC] - 0.3) < 1e-15);
    assert_true(fabs(cs->rest - 0.1) < 1e-15);
    assert_int_equal(allot_model_parse_shape("FT 30", &p, ALLOT_SHAPE_CUSTOM, &err),
                     ALLOT_ERR_CONFIG);
    const allot_model_def *defs[32];
    size_t n;
    assert_int_equal(allot_model_parse_list("w_shaped,linear,w_shaped", defs, 32, &n, &err),
                     ALLOT_OK);
    assert_int_equal(n, 2);
    assert_string_equal(defs[0]->name, "linear"); /* table order */
    assert_int_equal(allot_model_parse_list("all", defs, 32, &n, &err), ALLOT_OK);
    assert_int_equal(n, allot_model_count());
    assert_int_equal(allot_model_parse_list("linear,bogus", defs, 32, &n, &err), ALLOT_ERR_USAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_model_on_four_touches),
        cmocka_unit_test(last_non_direct_skips_direct),
        cmocka_unit_test(collapsed_and_missing_milestones),
        cmocka_unit_test(pending_close_in_pipeline_view),
        cmocka_unit_test(window_dedupe_cap_and_account),
        cmocka_unit_test(nonconverting_journeys),
        cmocka_unit_test(channel_from_taxonomy),
        cmocka_unit_test(order_by_time_then_touch_id),
        cmocka_unit_test(ledger_cents_in_three_currencies),
        cmocka_unit_test(fx_lookup_and_missing_rate),
        cmocka_unit_test(shape_parsing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
