/* allot_restate_compare on a hand-made database (no allot-credit involved).
 *
 * Reporting currency JPY (exponent 0: amounts are whole yen), fiscal year
 * starting in April (fiscal_start=4: FY2027Q2 = July-September 2026,
 * FY2027Q3 = October-December 2026 = calendar 2026Q4).
 * Runs: 1 revenue ok (linear, first_touch; lookback 90), 2 revenue failed,
 * 3 revenue ok (linear; lookback 60), 4 pipeline ok.
 *   run 1, linear: deal x FY2027Q2, two Email touches 350 + 350 = 700;
 *                  deal y FY2027Q2 unattributed 300. Booked 1000 = 700 + 300.
 *   run 3, linear: deal x FY2027Q3 (close date moved and amount corrected),
 *                  Email 1 + Search 1000 = 1001; deal z FY2027Q2 Email 500;
 *                  deal v FY2027Q2 Email 200 (its amount was NULL in run 1).
 *   NULL amounts (ledger_null_amount): run 1 u, v, w; run 3 w (all FY2027Q2).
 *   Campaigns (rollup_campaign; c1 "Spring mailing" in campaigns, c2 not):
 *                  run 1 x's touches: t1 c1 350, t2 no campaign 350;
 *                  run 3 x: t1 c1 1, t3 c2 1000 (FY2027Q3); z t4 c1 500,
 *                  v t5 no campaign 200 (FY2027Q2).
 * Expected, run 1 -> run 3:
 *   FY2027Q2 (unattributed) 300 -> 0 (-300), Email 700 -> 500 + 200 (0);
 *   FY2027Q3 Email 0 -> 1, Search 0 -> 1000;
 *   booked FY2027Q2 1000 -> 700, FY2027Q3 0 -> 1001;
 *   u removed (NULL amount), v amount (NULL -> 200), w unchanged (NULL in
 *   both: not listed), x moved (700 -> 1001; "Email=700" -> "Email=1;
 *   Search=1000"), y removed, z added; lookback_days=90/60 differs.
 *   Campaigns: FY2027Q2 c1 350 -> 500 (+150), (none) 350 -> 200 (-150),
 *   (unattributed) 300 -> 0 (-300): from 350 + 350 + 300 = 1000 and to
 *   500 + 200 + 0 = 700, each the period's booked amount, differences
 *   +150 - 150 - 300 = -300 = its booked difference; FY2027Q3 c1 0 -> 1,
 *   c2 0 -> 1000: to 1001 = booked.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "restate.h"
#include "store.h"

static char db_path[256];

static const char *const fixture =
    "INSERT INTO runs(run_id, tool, version, parameters, input_hash, started_at, status) VALUES"
    " (1, 'allot-credit', 't', 'currency=JPY;event=revenue;fiscal_start=4;"
    "ledger_models=linear;lookback_days=90;models=linear,first_touch;period=', 'h', 0, 'ok'),"
    " (2, 'allot-credit', 't', 'currency=JPY;event=revenue;fiscal_start=4;"
    "ledger_models=linear;lookback_days=90;models=linear;period=', 'h', 0, 'failed: x'),"
    " (3, 'allot-credit', 't', 'currency=JPY;event=revenue;fiscal_start=4;"
    "ledger_models=linear;lookback_days=60;models=linear;period=', 'h', 0, 'ok'),"
    " (4, 'allot-credit', 't', 'currency=JPY;event=pipeline;fiscal_start=4;"
    "ledger_models=linear;lookback_days=60;models=linear;period=', 'h', 0, 'ok');"
    "INSERT INTO rollup_period VALUES"
    " (1, 'linear', 'FY2027Q2', 2, 1, 1, 0, 1000, 700, 300, 'JPY'),"
    " (3, 'linear', 'FY2027Q2', 2, 2, 0, 0, 700, 700, 0, 'JPY'),"
    " (3, 'linear', 'FY2027Q3', 1, 1, 0, 0, 1001, 1001, 0, 'JPY');"
    "INSERT INTO rollup_channel(run_id, model, period, channel, deals, null_amount_deals,"
    " credited_minor, currency, share) VALUES"
    " (1, 'linear', 'FY2027Q2', 'Email', 1, 0, 700, 'JPY', 0.7),"
    " (1, 'linear', 'FY2027Q2', '(unattributed)', 1, 0, 300, 'JPY', 0.3),"
    " (3, 'linear', 'FY2027Q2', 'Email', 2, 0, 700, 'JPY', 1),"
    " (3, 'linear', 'FY2027Q3', 'Email', 1, 0, 1, 'JPY', 0.001),"
    " (3, 'linear', 'FY2027Q3', 'Search', 1, 0, 1000, 'JPY', 0.999);"
    "INSERT INTO ledger(run_id, model, deal_id, touch_id, position, channel, weight,"
    " credit_minor, currency, rule, period, reporting_minor, reporting_currency) VALUES"
    " (1, 'linear', 'x', 't1', 1, 'Email', 0.5, 350, 'JPY', 'linear', 'FY2027Q2', 350, 'JPY'),"
    " (1, 'linear', 'x', 't2', 2, 'Email', 0.5, 350, 'JPY', 'linear', 'FY2027Q2', 350, 'JPY'),"
    " (1, 'linear', 'y', NULL, 0, '(unattributed)', 1, 300, 'JPY', 'unattributed',"
    "  'FY2027Q2', 300, 'JPY'),"
    " (3, 'linear', 'x', 't1', 1, 'Email', 0.001, 1, 'JPY', 'linear', 'FY2027Q3', 1, 'JPY'),"
    " (3, 'linear', 'x', 't3', 2, 'Search', 0.999, 1000, 'JPY', 'linear', 'FY2027Q3', 1000,"
    "  'JPY'),"
    " (3, 'linear', 'z', 't4', 1, 'Email', 1, 500, 'JPY', 'linear', 'FY2027Q2', 500, 'JPY'),"
    " (3, 'linear', 'v', 't5', 1, 'Email', 1, 200, 'JPY', 'linear', 'FY2027Q2', 200, 'JPY');"
    "INSERT INTO campaigns(campaign_id, name) VALUES ('c1', 'Spring mailing');"
    "INSERT INTO rollup_campaign(run_id, model, period, channel, campaign_id, deals,"
    " null_amount_deals, credited_minor, currency, share) VALUES"
    " (1, 'linear', 'FY2027Q2', 'Email', 'c1', 1, 0, 350, 'JPY', 0.35),"
    " (1, 'linear', 'FY2027Q2', 'Email', '(none)', 1, 0, 350, 'JPY', 0.35),"
    " (3, 'linear', 'FY2027Q2', 'Email', 'c1', 1, 0, 500, 'JPY', 0.714),"
    " (3, 'linear', 'FY2027Q2', 'Email', '(none)', 1, 0, 200, 'JPY', 0.286),"
    " (3, 'linear', 'FY2027Q3', 'Email', 'c1', 1, 0, 1, 'JPY', 0.001),"
    " (3, 'linear', 'FY2027Q3', 'Search', 'c2', 1, 0, 1000, 'JPY', 0.999);"
    "INSERT INTO ledger_null_amount VALUES (1, 'u', 'FY2027Q2', 1), (1, 'v', 'FY2027Q2', 1),"
    " (1, 'w', 'FY2027Q2', 0), (3, 'w', 'FY2027Q2', 0);";

static int setup(void **state)
{
    snprintf(db_path, sizeof db_path, "test_restate_%ld.db", (long)getpid());
    remove(db_path);
    sqlite3 *db;
    allot_error err;
    if (allot_store_open(db_path, &db, NULL) != ALLOT_OK)
        return -1;
    if (allot_store_exec(db, fixture, &err) != ALLOT_OK) {
        fprintf(stderr, "fixture: %s\n", err.message);
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

static void check_channel(const allot_restate_channel *c, const char *period,
                          const char *channel, int64_t from, int64_t to)
{
    assert_string_equal(c->period, period);
    assert_string_equal(c->channel, channel);
    assert_int_equal(c->from_minor, from);
    assert_int_equal(c->to_minor, to);
}

static void check_campaign(const allot_restate_campaign *c, const char *period,
                           allot_restate_campaign_kind kind, const char *id, const char *name,
                           int64_t from, int64_t to)
{
    assert_string_equal(c->period, period);
    assert_int_equal(c->kind, kind);
    assert_string_equal(c->campaign_id, id);
    assert_string_equal(c->name, name);
    assert_int_equal(c->from_minor, from);
    assert_int_equal(c->to_minor, to);
}

static void defaults(void **state)
{
    allot_restate r;
    allot_error err;
    allot_restate_options o = {.model = "linear"};
    assert_int_equal(allot_restate_compare(*state, &o, &r, &err), ALLOT_OK);
    /* TO: 3, the latest revenue run (4 is pipeline); FROM: 1 (2 failed). */
    assert_int_equal(r.to_run, 3);
    assert_int_equal(r.from_run, 1);
    assert_string_equal(r.currency, "JPY");
    assert_int_equal(r.exponent, 0);
    assert_string_equal(r.event, "revenue");
    assert_string_equal(r.differing, "lookback_days=90/60");

    assert_int_equal(r.n_periods, 2);
    assert_string_equal(r.periods[0].period, "FY2027Q2");
    assert_int_equal(r.periods[0].from_booked, 1000);
    assert_int_equal(r.periods[0].to_booked, 700);
    assert_int_equal(r.periods[0].from_unattributed, 300);
    assert_int_equal(r.periods[0].to_unattributed, 0);
    assert_string_equal(r.periods[1].period, "FY2027Q3");
    assert_int_equal(r.periods[1].from_booked, 0);
    assert_int_equal(r.periods[1].to_booked, 1001);
    assert_int_equal(r.periods[1].to_deals, 1);

    assert_int_equal(r.n_channels, 4);
    check_channel(&r.channels[0], "FY2027Q2", "(unattributed)", 300, 0);
    assert_true(r.channels[0].from_present && !r.channels[0].to_present);
    check_channel(&r.channels[1], "FY2027Q2", "Email", 700, 700);
    check_channel(&r.channels[2], "FY2027Q3", "Email", 0, 1);
    check_channel(&r.channels[3], "FY2027Q3", "Search", 0, 1000);
    assert_true(!r.channels[3].from_present && r.channels[3].to_present);

    assert_int_equal(r.n_campaigns, 5);
    check_campaign(&r.campaigns[0], "FY2027Q2", ALLOT_RESTATE_CAMPAIGN_NAMED, "c1",
                   "Spring mailing", 350, 500);
    check_campaign(&r.campaigns[1], "FY2027Q2", ALLOT_RESTATE_CAMPAIGN_NONE, "(none)",
                   "(no campaign)", 350, 200);
    check_campaign(&r.campaigns[2], "FY2027Q2", ALLOT_RESTATE_CAMPAIGN_UNATTRIBUTED,
                   "(unattributed)", "(unattributed)", 300, 0);
    check_campaign(&r.campaigns[3], "FY2027Q3", ALLOT_RESTATE_CAMPAIGN_NAMED, "c1",
                   "Spring mailing", 0, 1);
    check_campaign(&r.campaigns[4], "FY2027Q3", ALLOT_RESTATE_CAMPAIGN_NAMED, "c2", "", 0,
                   1000);
    /* Footing: per period, the campaign rows of each run add up to booked. */
    for (size_t p = 0; p < r.n_periods; p++) {
        int64_t from = 0, to = 0;
        for (size_t i = 0; i < r.n_campaigns; i++)
            if (strcmp(r.campaigns[i].period, r.periods[p].period) == 0) {
                from += r.campaigns[i].from_minor;
                to += r.campaigns[i].to_minor;
            }
        assert_int_equal(from, r.periods[p].from_booked);
        assert_int_equal(to, r.periods[p].to_booked);
    }

    assert_true(r.deals_compared);
    assert_int_equal(r.n_deals, 5);
    const allot_restate_deal *u = &r.deals[0], *v = &r.deals[1];
    const allot_restate_deal *x = &r.deals[2], *y = &r.deals[3], *z = &r.deals[4];
    assert_string_equal(u->deal_id, "u");
    assert_int_equal(u->kind, ALLOT_RESTATE_REMOVED);
    assert_true(u->from_null && !u->to_null);
    assert_string_equal(u->from_split, "(no amount)");
    assert_string_equal(v->deal_id, "v");
    assert_int_equal(v->kind, ALLOT_RESTATE_AMOUNT);
    assert_true(v->from_null && !v->to_null);
    assert_int_equal(v->from_minor, 0);
    assert_int_equal(v->to_minor, 200);
    assert_string_equal(v->to_split, "Email=200");
    assert_string_equal(x->deal_id, "x");
    assert_int_equal(x->kind, ALLOT_RESTATE_MOVED); /* moved wins over amount */
    assert_string_equal(x->from_period, "FY2027Q2");
    assert_string_equal(x->to_period, "FY2027Q3");
    assert_int_equal(x->from_minor, 700);
    assert_int_equal(x->to_minor, 1001);
    assert_string_equal(x->from_split, "Email=700"); /* two Email touches summed */
    assert_string_equal(x->to_split, "Email=1; Search=1000");
    assert_string_equal(y->deal_id, "y");
    assert_int_equal(y->kind, ALLOT_RESTATE_REMOVED);
    assert_null(y->to_period);
    assert_string_equal(y->from_split, "(unattributed)=300");
    assert_string_equal(z->deal_id, "z");
    assert_int_equal(z->kind, ALLOT_RESTATE_ADDED);
    assert_null(z->from_period);
    assert_int_equal(z->to_minor, 500);
    assert_int_equal(r.count[ALLOT_RESTATE_MOVED], 1);
    assert_int_equal(r.count[ALLOT_RESTATE_REMOVED], 2);
    assert_int_equal(r.count[ALLOT_RESTATE_ADDED], 1);
    assert_int_equal(r.count[ALLOT_RESTATE_AMOUNT], 1);
    allot_restate_release(&r);
}

/* One quarter: calendar 2026Q4 is FY2027Q3 of a year starting in April. */
static void one_period(void **state)
{
    static const char *const spellings[] = {"FY2027Q3", "2026q4"};
    for (int k = 0; k < 2; k++) {
        allot_restate r;
        allot_error err;
        allot_restate_options o = {.model = "linear", .period = spellings[k]};
        assert_int_equal(allot_restate_compare(*state, &o, &r, &err), ALLOT_OK);
        assert_string_equal(r.period, "FY2027Q3");
        assert_int_equal(r.n_periods, 1);
        assert_int_equal(r.n_channels, 2);
        check_channel(&r.channels[0], "FY2027Q3", "Email", 0, 1);
        assert_int_equal(r.n_campaigns, 2);
        check_campaign(&r.campaigns[1], "FY2027Q3", ALLOT_RESTATE_CAMPAIGN_NAMED, "c2", "", 0,
                       1000);
        assert_int_equal(r.n_deals, 1); /* x, moved into it */
        assert_string_equal(r.deals[0].deal_id, "x");
        allot_restate_release(&r);
    }
    allot_restate r;
    allot_error err;
    allot_restate_options o = {.model = "linear", .period = "2026-11"};
    assert_int_equal(allot_restate_compare(*state, &o, &r, &err), ALLOT_ERR_USAGE);
    assert_non_null(strstr(err.message, "give one quarter (e.g. FY2027Q3)"));
    allot_restate_release(&r);
}

static void refusals(void **state)
{
    allot_restate r;
    allot_error err;
    struct {
        int64_t from, to;
        const char *model;
        allot_status want;
        const char *says;
    } cases[] = {
        {2, 3, "linear", ALLOT_ERR_USAGE, "--from: allot-credit run 2 did not finish"},
        {9, 3, "linear", ALLOT_ERR_USAGE, "--from: run 9 is not an allot-credit run"},
        {1, 4, "linear", ALLOT_ERR_DATA, "run 1 credits the revenue event and run 4 the "
                                         "pipeline event"},
        {1, 3, "first_touch", ALLOT_ERR_DATA, "run 3 did not compute the model 'first_touch' "
                                              "(it computed: linear)"},
        {3, 3, "linear", ALLOT_ERR_DATA, "--from and --to are both run 3"},
        {0, 1, "linear", ALLOT_ERR_DATA, "run 1 is the first successful allot-credit revenue"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        allot_restate_options o = {.from_run = cases[i].from, .to_run = cases[i].to,
                                   .model = cases[i].model};
        allot_error_clear(&err);
        assert_int_equal(allot_restate_compare(*state, &o, &r, &err), cases[i].want);
        if (!strstr(err.message, cases[i].says))
            fail_msg("case %zu: %s", i, err.message);
        allot_restate_release(&r);
    }
    /* Another reporting currency in the rollups. */
    assert_int_equal(allot_store_exec(*state,
                                      "UPDATE rollup_period SET currency = 'USD' WHERE run_id = 3",
                                      &err),
                     ALLOT_OK);
    allot_restate_options o = {.model = "linear"};
    assert_int_equal(allot_restate_compare(*state, &o, &r, &err), ALLOT_ERR_DATA);
    assert_non_null(strstr(err.message, "run 1 reports in JPY and run 3 in USD"));
    allot_restate_release(&r);
}

/* Runs made with different fiscal starts. Run 5 holds run 1's figures
 * under calendar labels (fiscal_start=1: FY2027Q2 of a year starting in
 * April is 2026Q3, July-September 2026): compared with run 3 (fiscal_start
 * 4) it must give exactly what run 1 -> run 3 gives, under run 3's labels.
 * Run 6 starts its fiscal year in February: its quarters (Feb-Apr, ...)
 * are other months than run 3's, refused. */
static void fiscal_starts(void **state)
{
    allot_error err;
    assert_int_equal(
        allot_store_exec(
            *state,
            "INSERT INTO runs(run_id, tool, version, parameters, input_hash, started_at, status)"
            " VALUES (5, 'allot-credit', 't', 'currency=JPY;event=revenue;fiscal_start=1;"
            "ledger_models=linear;lookback_days=90;models=linear;period=', 'h', 0, 'ok'),"
            " (6, 'allot-credit', 't', 'currency=JPY;event=revenue;fiscal_start=2;"
            "ledger_models=linear;lookback_days=60;models=linear;period=', 'h', 0, 'ok');"
            "INSERT INTO rollup_period SELECT 5, model, '2026Q3', deals, attributed_deals,"
            " unattributed_deals, null_amount_deals, booked_minor, credited_minor,"
            " unattributed_minor, currency FROM rollup_period WHERE run_id = 1;"
            "INSERT INTO rollup_channel(run_id, model, period, channel, deals, null_amount_deals,"
            " credited_minor, currency, share) SELECT 5, model, '2026Q3', channel, deals,"
            " null_amount_deals, credited_minor, currency, share FROM rollup_channel"
            " WHERE run_id = 1;"
            "INSERT INTO rollup_campaign SELECT 5, model, '2026Q3', channel, campaign_id, deals,"
            " null_amount_deals, credited_minor, currency, share FROM rollup_campaign"
            " WHERE run_id = 1;"
            "INSERT INTO ledger(run_id, model, deal_id, touch_id, position, channel, weight,"
            " credit_minor, currency, rule, period, reporting_minor, reporting_currency)"
            " SELECT 5, model, deal_id, touch_id, position, channel, weight, credit_minor,"
            " currency, rule, '2026Q3', reporting_minor, reporting_currency FROM ledger"
            " WHERE run_id = 1;"
            "INSERT INTO ledger_null_amount SELECT 5, deal_id, '2026Q3', touches"
            " FROM ledger_null_amount WHERE run_id = 1;",
            &err),
        ALLOT_OK);
    allot_restate a, b;
    allot_restate_options oa = {.from_run = 1, .to_run = 3, .model = "linear"};
    allot_restate_options ob = {.from_run = 5, .to_run = 3, .model = "linear"};
    assert_int_equal(allot_restate_compare(*state, &oa, &a, &err), ALLOT_OK);
    assert_int_equal(allot_restate_compare(*state, &ob, &b, &err), ALLOT_OK);
    assert_string_equal(a.relabeled, "");
    assert_string_equal(b.relabeled, "run 5's quarters (fiscal year from month 1) are labeled "
                                     "as run 3's (fiscal year from month 4)");
    assert_string_equal(b.differing, "lookback_days=90/60"); /* fiscal_start not listed */
    assert_int_equal(b.n_periods, a.n_periods);
    for (size_t i = 0; i < a.n_periods; i++) {
        assert_string_equal(b.periods[i].period, a.periods[i].period);
        assert_int_equal(b.periods[i].from_booked, a.periods[i].from_booked);
        assert_int_equal(b.periods[i].to_booked, a.periods[i].to_booked);
        assert_int_equal(b.periods[i].from_deals, a.periods[i].from_deals);
    }
    assert_int_equal(b.n_channels, a.n_channels);
    for (size_t i = 0; i < a.n_channels; i++) {
        check_channel(&b.channels[i], a.channels[i].period, a.channels[i].channel,
                      a.channels[i].from_minor, a.channels[i].to_minor);
    }
    assert_int_equal(b.n_campaigns, a.n_campaigns);
    for (size_t i = 0; i < a.n_campaigns; i++)
        check_campaign(&b.campaigns[i], a.campaigns[i].period, a.campaigns[i].kind,
                       a.campaigns[i].campaign_id, a.campaigns[i].name,
                       a.campaigns[i].from_minor, a.campaigns[i].to_minor);
    assert_int_equal(b.n_deals, 5);
    for (size_t i = 0; i < a.n_deals; i++) {
        assert_string_equal(b.deals[i].deal_id, a.deals[i].deal_id);
        assert_int_equal(b.deals[i].kind, a.deals[i].kind);
        if (a.deals[i].from_period)
            assert_string_equal(b.deals[i].from_period, a.deals[i].from_period);
    }
    /* x: FY2027Q2 (= 2026Q3 in run 5) -> FY2027Q3, still "moved"; w (NULL
     * amount in both, 2026Q3 = FY2027Q2) unchanged, not listed. */
    assert_string_equal(b.deals[2].from_period, "FY2027Q2");
    assert_string_equal(b.deals[2].to_period, "FY2027Q3");
    allot_restate_release(&a);
    allot_restate_release(&b);
    /* --period in run 3's labels (or the calendar spelling) finds run 5's
     * 2026Q3 rows. */
    allot_restate_options op = {.from_run = 5, .to_run = 3, .model = "linear",
                                .period = "2026Q3"};
    assert_int_equal(allot_restate_compare(*state, &op, &b, &err), ALLOT_OK);
    assert_string_equal(b.period, "FY2027Q2");
    assert_int_equal(b.n_periods, 1);
    assert_int_equal(b.periods[0].from_booked, 1000);
    assert_int_equal(b.periods[0].to_booked, 700);
    allot_restate_release(&b);

    allot_restate_options oc = {.from_run = 6, .to_run = 3, .model = "linear"};
    assert_int_equal(allot_restate_compare(*state, &oc, &b, &err), ALLOT_ERR_DATA);
    assert_string_equal(err.message,
                        "run 6's fiscal year starts in month 2 and run 3's in month 4: their "
                        "quarters are different months and cannot be compared; run "
                        "allot-credit again with --fiscal-start 2");
    allot_restate_release(&b);
}

/* The shared rule (allot-pack's restatement line uses it too). With start
 * month 4, FY2027 runs 2026-04-01 .. 2027-03-31: FY2027Q2 = Jul-Sep 2026 =
 * 2026Q3; with start 7, FY2027Q1 = Jul-Sep 2026 too; with start 2, no
 * quarter is Jul-Sep (May-Jul, Aug-Oct). */
static void relabel(void **state)
{
    (void)state;
    char out[32];
    assert_int_equal(allot_restate_relabel("FY2027Q2", 4, 1, out), 1);
    assert_string_equal(out, "2026Q3");
    assert_int_equal(allot_restate_relabel("2026Q3", 1, 7, out), 1);
    assert_string_equal(out, "FY2027Q1");
    assert_int_equal(allot_restate_relabel("2026Q3", 1, 1, out), 1);
    assert_string_equal(out, "2026Q3");
    assert_int_equal(allot_restate_relabel("2026Q3", 1, 2, out), 0);
    assert_string_equal(out, "");
    assert_int_equal(allot_restate_relabel("2026-07", 1, 1, out), 0); /* a month */
    assert_int_equal(allot_restate_relabel("junk", 1, 1, out), 0);
    assert_int_equal(allot_restate_relabel(NULL, 1, 1, out), 0);

    allot_error err;
    assert_int_equal(allot_restate_check_fiscal(1, 1, 2, 10, &err), ALLOT_OK);
    assert_int_equal(allot_restate_check_fiscal(1, 12, 2, 3, &err), ALLOT_OK);
    assert_int_equal(allot_restate_check_fiscal(1, 5, 2, 5, &err), ALLOT_OK);
    assert_int_equal(allot_restate_check_fiscal(7, 3, 9, 2, &err), ALLOT_ERR_DATA);
    assert_string_equal(err.message,
                        "run 7's fiscal year starts in month 3 and run 9's in month 2: their "
                        "quarters are different months and cannot be compared; run "
                        "allot-credit again with --fiscal-start 3");
}

/* A run recorded by a build before 2026-11-23 holds its numbers as %.17g
 * wrote them ("FT=0.29999999999999999"); the same weights recorded now read
 * "FT=0.3". They are the same parameters: not listed as differing. Weights
 * that do differ are listed in the shortest form, the old run's too. */
static void old_number_text(void **state)
{
    sqlite3 *db = *state;
    allot_error err;
    assert_int_equal(
        allot_store_exec(db,
                         "UPDATE runs SET parameters = parameters || ';custom=FT=0.29999999999999999,"
                         "LC=0.29999999999999999,OC=0.29999999999999999,middle=0.10000000000000001;"
                         "position=0.40000000000000002/0.20000000000000001/0.40000000000000002'"
                         " WHERE run_id = 1;"
                         "UPDATE runs SET parameters = parameters || ';custom=FT=0.3,LC=0.3,"
                         "OC=0.3,middle=0.1;position=0.4/0.2/0.4' WHERE run_id = 3;",
                         &err),
        ALLOT_OK);
    allot_restate r;
    allot_restate_options o = {.model = "linear"};
    assert_int_equal(allot_restate_compare(db, &o, &r, &err), ALLOT_OK);
    assert_int_equal(r.from_run, 1);
    assert_int_equal(r.to_run, 3);
    assert_string_equal(r.differing, "lookback_days=90/60");
    allot_restate_release(&r);

    assert_int_equal(allot_store_exec(db,
                                      "UPDATE runs SET parameters = replace(parameters,"
                                      " 'custom=FT=0.3,LC=0.3', 'custom=FT=0.4,LC=0.2')"
                                      " WHERE run_id = 3;",
                                      &err),
                     ALLOT_OK);
    assert_int_equal(allot_restate_compare(db, &o, &r, &err), ALLOT_OK);
    assert_string_equal(r.differing, "custom=FT=0.3,LC=0.3,OC=0.3,middle=0.1/"
                                     "FT=0.4,LC=0.2,OC=0.3,middle=0.1; lookback_days=90/60");
    allot_restate_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(one_period, setup, teardown),
        cmocka_unit_test_setup_teardown(refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(fiscal_starts, setup, teardown),
        cmocka_unit_test(relabel),
        cmocka_unit_test_setup_teardown(old_number_text, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
