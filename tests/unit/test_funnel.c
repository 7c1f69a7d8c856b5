/* The scoreboard on a hand-made company: tests/cases/funnel/basic.sql.
 *
 * As of 2026-04-10 23:59:59 UTC. Cohorts by calendar quarter of lead entry.
 *
 * 2026Q1 people p1..p8 (all created 2026-01-02):
 *   p1 lead, mql, contacted +3 h, sql, deal d1 (won 1000 USD)   first touch Paid Search (c1)
 *   p2 mql, contacted +36 h, sql, deal d2 (lost)               first touch Email (c2), after d2
 *   p3 mql, never followed up (censored)                       first touch c1 -> Paid Search
 *   p4 mql, sales_activity touch +10 h                         first touch Organic Search
 *   p5 lead                                                    Email
 *   p6 lead                                                    no touch, source Outbound
 *   p7 hubspot "Marketing Qualified Lead" (alias), SQL +20 h, deal d3 (won 500 EUR = 550 USD)
 *                                                              first touch Paid Social (c3)
 *   p8 sql without an mql row: passes MQL at the same time (+0 h)  no touch, no source
 * reached: lead 8, mql 6 (p1 p2 p3 p4 p7 p8), sql 4 (p1 p2 p7 p8), opportunity 3 (p1 p2 p7),
 * won 2 (p1 p7); MQL revenue 1000 + 500*1.1 = 1550 USD.
 * 2026Q2: p9 (mql 04-03, never followed up), p10 (lead): lead 2, mql 1.
 *
 * Wilson 95 % references, R 4.2.2:
 *   f <- function(x,n) prop.test(x,n,correct=FALSE)$conf.int
 *   6/8: 0.409275 0.928521   4/6: 0.299993 0.903229   3/4: 0.300642 0.954413
 *   2/3: 0.207660 0.938508   2/6: 0.096771 0.700007   1/2: 0.094531 0.905469
 *   0/1: 0.000000 0.793451
 * Clopper-Pearson: binom.test(6,8)$conf.int 0.349144 0.968146;
 *   binom.test(2,6)$conf.int 0.043272 0.777222
 *
 * Speed-to-lead 2026Q1, hours: 0 (p8), 3, 10, 20, 36, and p3 censored at
 * (1775865599 - 1768435200)/3600 = 2063.9997. R survival 3.5-3:
 *   quantile(survfit(Surv(c(0,3,10,20,36,7430399/3600), c(1,1,1,1,1,0))~1),
 *            probs=c(.25,.5,.75))$quantile  ->  3 15 36
 * Dropping the censored lead instead gives 3 10 20: censoring matters.
 * Paid Search (p1 3 h, p3 censored): quantile(survfit(Surv(c(3,2064),c(1,0))~1))
 *   gives 3, (3+2064)/2 (flat at 0.5 to the last time), NA.
 * SLA 24 h: all six are older than 24 h; within: 0, 3, 10, 20 -> 4/6.
 *
 * Deals 2026Q1 (by creation): d1 won (01-20 -> 02-15, 26 d), d2 lost
 * (01-25 -> 03-01, 35 d), d3 won (02-10 -> 03-10, 28 d), d5 won with no
 * amount (02-01 -> 02-20, 19 d), d4 open since 03-01 (censored at 40.99999 d).
 * Win rate 3/4; won amounts 1000, 550 (mean = median 775), 1 missing.
 *   quantile(survfit(Surv(c(19,26,28,35,40+86399/86400),c(1,1,1,1,0))~1),
 *            probs=c(.25,.5,.75))$quantile -> 26 28 35
 *   (dropping the open deal: 22.5 27 31.5)
 * Marketing-sourced: d1 (touch 01-05 before creation), d3 (touch 01-28),
 * d4 (lead source Webinar); not d2 (touch after creation, Outbound) nor d5.
 * Pipeline 1000+3000+550+2000 = 6550, marketing 3550; revenue 1550, all
 * marketing.
 */
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

#include "funnel.h"
#include "store.h"

#define AS_OF INT64_C(1775865599) /* 2026-04-10 23:59:59 */

static char db_path[256];

static int setup(void **state)
{
    snprintf(db_path, sizeof db_path, "test_funnel_%ld.db", (long)getpid());
    remove(db_path);
    sqlite3 *db;
    if (allot_store_open(db_path, &db, NULL) != ALLOT_OK)
        return -1;
    FILE *f = fopen(ALLOT_TEST_DATA "/cases/funnel/basic.sql", "rb");
    if (!f)
        return -1;
    static char sql[1 << 16];
    size_t n = fread(sql, 1, sizeof sql - 1, f);
    fclose(f);
    sql[n] = '\0';
    allot_error err;
    if (allot_store_exec(db, sql, &err) != ALLOT_OK) {
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

static const allot_stage_alias aliases[] = {
    {"hubspot", ALLOT_STAGE_MQL, "Marketing Qualified Lead"},
};

static allot_scoreboard_options base_options(void)
{
    allot_scoreboard_options o = {0};
    o.as_of = AS_OF;
    o.aliases = aliases;
    o.n_aliases = 1;
    o.currency = "USD";
    return o;
}

static void near(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.9g, want %.9g", got, want);
}

static void ci(const allot_interval *c, double est, double lo, double hi)
{
    near(c->estimate, est, 1e-12);
    near(c->lower, lo, 5e-7);
    near(c->upper, hi, 5e-7);
}

static void funnel_by_quarter(void **state)
{
    allot_scoreboard_options o = base_options();
    allot_scoreboard sb;
    allot_error err;
    assert_int_equal(allot_scoreboard_compute(*state, &o, &sb, &err), ALLOT_OK);
    assert_int_equal(sb.n_funnel, 2);
    assert_int_equal(sb.people, 10);
    const allot_funnel_cell *q1 = &sb.funnel[0], *q2 = &sb.funnel[1];
    assert_string_equal(q1->period, "2026Q1");
    assert_string_equal(q1->group, "(all)");
    double want[5] = {8, 6, 4, 3, 2};
    for (int k = 0; k < 5; k++)
        near(q1->count[k], want[k], 0);
    ci(&q1->conversion[ALLOT_STAGE_LEAD], 6.0 / 8, 0.409275, 0.928521);
    ci(&q1->conversion[ALLOT_STAGE_MQL], 4.0 / 6, 0.299993, 0.903229);
    ci(&q1->conversion[ALLOT_STAGE_SQL], 3.0 / 4, 0.300642, 0.954413);
    ci(&q1->conversion[ALLOT_STAGE_OPPORTUNITY], 2.0 / 3, 0.207660, 0.938508);
    ci(&q1->conversion[ALLOT_STAGE_WON], 2.0 / 6, 0.096771, 0.700007); /* MQL -> won */
    assert_int_equal(q1->mql_revenue_micros, INT64_C(1550000000));

    /* speed-to-lead, censored */
    near(q1->mqls, 6, 0);
    near(q1->followed_up, 5, 0);
    near(q1->sla_eligible, 6, 0);
    near(q1->sla_met, 4, 0);
    ci(&q1->sla_share, 4.0 / 6, 0.299993, 0.903229);
    near(q1->hours_q1, 3, 1e-9);
    near(q1->hours_median, 15, 1e-9); /* 10 if the never-contacted lead were dropped */
    near(q1->hours_q3, 36, 1e-9);

    assert_string_equal(q2->period, "2026Q2");
    near(q2->count[ALLOT_STAGE_LEAD], 2, 0);
    near(q2->count[ALLOT_STAGE_MQL], 1, 0);
    near(q2->count[ALLOT_STAGE_SQL], 0, 0);
    ci(&q2->conversion[ALLOT_STAGE_LEAD], 0.5, 0.094531, 0.905469);
    ci(&q2->conversion[ALLOT_STAGE_MQL], 0, 0, 0.793451);
    assert_true(isnan(q2->conversion[ALLOT_STAGE_SQL].estimate)); /* 0 / 0 */
    near(q2->sla_eligible, 1, 0);
    near(q2->sla_met, 0, 0);
    assert_true(isnan(q2->hours_median));

    /* deals */
    assert_int_equal(sb.n_deals, 1);
    const allot_deal_cell *d = &sb.deals[0];
    assert_string_equal(d->period, "2026Q1");
    near(d->deals, 5, 0);
    near(d->open, 1, 0);
    near(d->closed, 4, 0);
    near(d->won, 3, 0);
    ci(&d->win_rate, 0.75, 0.300642, 0.954413);
    near(d->amount_missing, 1, 0);
    near(d->won_with_amount, 2, 0);
    assert_int_equal(d->won_amount_micros, INT64_C(1550000000));
    near(d->mean_won_micros, 775e6, 1e-6);
    near(d->median_won_micros, 775e6, 1e-6);
    near(d->cycle_q1, 26, 1e-9);
    near(d->cycle_median, 28, 1e-9); /* 27 if the open deal were dropped */
    near(d->cycle_q3, 35, 1e-9);
    assert_int_equal(d->pipeline_micros, INT64_C(6550000000));
    assert_int_equal(d->pipeline_marketing_micros, INT64_C(3550000000));
    assert_int_equal(d->revenue_micros, INT64_C(1550000000));
    assert_int_equal(d->revenue_marketing_micros, INT64_C(1550000000));
    near(d->deals_marketing, 3, 0);
    allot_scoreboard_release(&sb);
}

static const allot_funnel_cell *find_cell(const allot_scoreboard *sb, const char *period,
                                          const char *group)
{
    for (size_t i = 0; i < sb->n_funnel; i++)
        if (!strcmp(sb->funnel[i].period, period) && !strcmp(sb->funnel[i].group, group))
            return &sb->funnel[i];
    fail_msg("no funnel cell %s/%s", period, group);
    return NULL;
}

static void funnel_by_channel(void **state)
{
    allot_scoreboard_options o = base_options();
    o.group_by = ALLOT_GROUP_CHANNEL;
    allot_scoreboard sb;
    assert_int_equal(allot_scoreboard_compute(*state, &o, &sb, NULL), ALLOT_OK);
    /* Q1: (all), (none) p8, Email p2 p5, Organic Search p4, Outbound p6,
     * Paid Search p1 p3, Paid Social p7; Q2: (all), (none)? no: p9 p10 have
     * no touch and source Web -> "Web". */
    static const char *const order[] = {"(all)",       "(none)",      "Email",
                                        "Organic Search", "Outbound", "Paid Search",
                                        "Paid Social"};
    assert_int_equal(sb.n_funnel, 9);
    for (size_t i = 0; i < 7; i++) {
        assert_string_equal(sb.funnel[i].period, "2026Q1");
        assert_string_equal(sb.funnel[i].group, order[i]);
    }
    assert_string_equal(sb.funnel[8].group, "Web");
    const allot_funnel_cell *ps = find_cell(&sb, "2026Q1", "Paid Search");
    double want[5] = {2, 2, 1, 1, 1};
    for (int k = 0; k < 5; k++)
        near(ps->count[k], want[k], 0);
    assert_int_equal(ps->mql_revenue_micros, INT64_C(1000000000));
    near(ps->hours_q1, 3, 1e-9);
    near(ps->hours_median, (3 + 7430399.0 / 3600) / 2, 1e-6);
    assert_true(isnan(ps->hours_q3));
    const allot_funnel_cell *em = find_cell(&sb, "2026Q1", "Email");
    near(em->count[ALLOT_STAGE_LEAD], 2, 0);
    near(em->count[ALLOT_STAGE_MQL], 1, 0);
    near(em->count[ALLOT_STAGE_WON], 0, 0);
    assert_int_equal(em->mql_revenue_micros, 0);
    /* deals by channel: Outbound (d2 touch after creation; d5), Paid Search
     * d1, Paid Social d3, Webinar d4 */
    assert_int_equal(sb.n_deals, 5);
    assert_string_equal(sb.deals[1].group, "Outbound");
    near(sb.deals[1].deals, 2, 0);
    near(sb.deals[1].won, 1, 0);
    near(sb.deals[1].closed, 2, 0);
    near(sb.deals[1].amount_missing, 1, 0);
    assert_true(isnan(sb.deals[1].mean_won_micros));
    near(sb.deals[1].deals_marketing, 0, 0);
    assert_string_equal(sb.deals[4].group, "Webinar");
    near(sb.deals[4].open, 1, 0);
    assert_int_equal(sb.deals[4].pipeline_marketing_micros, INT64_C(2000000000));
    allot_scoreboard_release(&sb);
}

static void clopper_pearson_and_filters(void **state)
{
    allot_scoreboard_options o = base_options();
    o.method = ALLOT_INTERVAL_CLOPPER_PEARSON;
    allot_period q1;
    assert_int_equal(allot_period_parse("2026Q1", 1, &q1, NULL), ALLOT_OK);
    o.only = &q1;
    allot_scoreboard sb;
    assert_int_equal(allot_scoreboard_compute(*state, &o, &sb, NULL), ALLOT_OK);
    assert_int_equal(sb.n_funnel, 1);
    ci(&sb.funnel[0].conversion[ALLOT_STAGE_LEAD], 0.75, 0.349144, 0.968146);
    ci(&sb.funnel[0].conversion[ALLOT_STAGE_WON], 2.0 / 6, 0.043272, 0.777222);
    allot_scoreboard_release(&sb);

    /* Without the hubspot alias p7's MQL row is unknown; p7 still passes MQL
     * through its SQL entry (monotone funnel), so counts stay, but its
     * speed-to-lead becomes 0 h (MQL = SQL time). */
    o = base_options();
    o.n_aliases = 0;
    o.cohort = ALLOT_COHORT_ALL;
    assert_int_equal(allot_scoreboard_compute(*state, &o, &sb, NULL), ALLOT_OK);
    assert_int_equal(sb.n_funnel, 1);
    assert_string_equal(sb.funnel[0].period, "all");
    near(sb.funnel[0].count[ALLOT_STAGE_MQL], 7, 0);
    allot_scoreboard_release(&sb);

    /* As of 2026-02-14 23:59:59: deals d1 d2 d5 d3 exist (d4 not yet) and
     * all are still open (they close 02-15, 03-01, 02-20, 03-10): no one has
     * reached won, three people reached opportunity (p1 p2 p7). */
    o = base_options();
    assert_int_equal(allot_scoreboard_parse_as_of(NULL, "2026-02-14", &o.as_of), 0);
    assert_int_equal(o.as_of, INT64_C(1771113599));
    assert_int_equal(allot_scoreboard_compute(*state, &o, &sb, NULL), ALLOT_OK);
    assert_int_equal(sb.n_funnel, 1);
    near(sb.funnel[0].count[ALLOT_STAGE_WON], 0, 0);
    near(sb.funnel[0].count[ALLOT_STAGE_OPPORTUNITY], 3, 0);
    assert_int_equal(sb.funnel[0].mql_revenue_micros, 0);
    near(sb.deals[0].deals, 4, 0);
    near(sb.deals[0].open, 4, 0);
    near(sb.deals[0].closed, 0, 0);
    assert_true(isnan(sb.deals[0].win_rate.estimate));
    allot_scoreboard_release(&sb);
}

static void periods_and_missing_fx(void **state)
{
    char buf[16];
    /* 2026-07-15: calendar 2026Q3; fiscal year from February: FY2027Q2 */
    assert_string_equal(allot_scoreboard_period_label(1784073600 / 86400, ALLOT_COHORT_QUARTER, 1, buf,
                                                      sizeof buf),
                        "2026Q3");
    assert_string_equal(allot_scoreboard_period_label(1784073600 / 86400, ALLOT_COHORT_QUARTER, 2, buf,
                                                      sizeof buf),
                        "FY2027Q2");
    assert_string_equal(allot_scoreboard_period_label(1784073600 / 86400, ALLOT_COHORT_MONTH, 2, buf,
                                                      sizeof buf),
                        "2026-07");
    /* 2026-01-15 with a fiscal year from February: still FY2026, Q4 */
    assert_string_equal(allot_scoreboard_period_label(1784073600 / 86400, ALLOT_COHORT_YEAR, 2, buf,
                                                      sizeof buf),
                        "FY2027");
    assert_string_equal(allot_scoreboard_period_label(1768435200 / 86400, ALLOT_COHORT_QUARTER, 2, buf,
                                                      sizeof buf),
                        "FY2026Q4");

    /* --period: a unit, or one period with the unit of its kind */
    allot_cohort_unit unit = ALLOT_COHORT_QUARTER;
    allot_period period;
    const allot_period *only = NULL;
    assert_int_equal(allot_cohort_period_parse("month", 1, &unit, &period, &only, NULL),
                     ALLOT_OK);
    assert_int_equal(unit, ALLOT_COHORT_MONTH);
    assert_null(only);
    assert_int_equal(allot_cohort_period_parse("FY2027Q1", 2, &unit, &period, &only, NULL),
                     ALLOT_OK);
    assert_int_equal(unit, ALLOT_COHORT_QUARTER);
    assert_ptr_equal(only, &period);
    assert_string_equal(period.label, "FY2027Q1");
    assert_int_equal(allot_cohort_period_parse("2026-01-01..2026-03-31", 1, &unit, &period,
                                               &only, NULL),
                     ALLOT_OK);
    assert_int_equal(unit, ALLOT_COHORT_ALL);
    allot_error perr;
    assert_int_equal(allot_cohort_period_parse("weekly", 1, &unit, &period, &only, &perr),
                     ALLOT_ERR_USAGE);

    allot_scoreboard_options o = base_options();
    o.currency = "GBP"; /* no GBP rates: the USD deals cannot be converted */
    allot_scoreboard sb;
    allot_error err;
    assert_int_equal(allot_scoreboard_compute(*state, &o, &sb, &err), ALLOT_ERR_DATA);
    assert_non_null(strstr(err.message, "no fx rate for USD on"));
    allot_scoreboard_release(&sb);
}

/* The config gives the hubspot alias, the SLA and the OKR targets. OKRs per
 * quarter over (all): Q1 mqls 6 vs 5 (met, 120 %), MQL->won 2/6 vs 0.30
 * (met; Wilson 0.096771-0.700007), median speed 15 h vs 12 (lower is
 * better: not met); Q2 mqls 1 (20 %), MQL->won 0/1, median not reached. */
static void config_and_okrs(void **state)
{
    static const char ini[] = "[general]\nreporting_currency = USD\n"
                              "[funnel]\nhubspot.mql = Marketing Qualified Lead, MQL-ish\n"
                              "sla_hours = 12\n"
                              "[okr]\nmql_per_quarter = 5\nmql_to_won_rate = 0.30\n"
                              "speed_to_lead_median_hours = 12\nnrr = 1.1\nmql_per_month = 2\n";
    allot_config *cfg;
    allot_error err;
    assert_int_equal(allot_config_parse(ini, sizeof ini - 1, "t.ini", &cfg, &err), ALLOT_OK);
    allot_scoreboard_config sc;
    assert_int_equal(allot_scoreboard_config_load(cfg, &sc, &err), ALLOT_OK);
    assert_int_equal(sc.n_aliases, 2);
    assert_string_equal(sc.aliases[0].source_system, "hubspot");
    assert_int_equal(sc.aliases[0].stage, ALLOT_STAGE_MQL);
    assert_int_equal(sc.n_okrs, 5);
    near(sc.options.sla_hours, 12, 0);
    assert_true(allot_okr_applies("mql_per_quarter", ALLOT_COHORT_QUARTER));
    assert_false(allot_okr_applies("mql_per_month", ALLOT_COHORT_QUARTER));
    assert_false(allot_okr_applies("nrr", ALLOT_COHORT_QUARTER));

    allot_scoreboard_options o = sc.options;
    o.as_of = AS_OF;
    allot_scoreboard sb;
    assert_int_equal(allot_scoreboard_compute(*state, &o, &sb, &err), ALLOT_OK);
    /* SLA 12 h: within are 0, 3, 10 -> 3/6 */
    near(sb.funnel[0].sla_met, 3, 0);
    near(sb.funnel[0].hours_median, 15, 1e-9);
    allot_okr_row *rows;
    size_t n;
    assert_int_equal(allot_scoreboard_okrs(&sb, ALLOT_COHORT_QUARTER, sc.okrs, sc.n_okrs, &rows,
                                           &n, &err),
                     ALLOT_OK);
    assert_int_equal(n, 6);
    assert_string_equal(rows[0].period, "2026Q1");
    assert_string_equal(rows[0].name, "mql_per_quarter");
    near(rows[0].actual, 6, 0);
    near(rows[0].attainment, 1.2, 1e-12);
    assert_true(rows[0].met);
    assert_string_equal(rows[1].name, "mql_to_won_rate");
    near(rows[1].actual, 2.0 / 6, 1e-12);
    near(rows[1].lower, 0.096771, 5e-7);
    near(rows[1].upper, 0.700007, 5e-7);
    assert_true(rows[1].met);
    assert_string_equal(rows[2].name, "speed_to_lead_median_hours");
    near(rows[2].actual, 15, 1e-9);
    assert_true(rows[2].lower_is_better);
    assert_false(rows[2].met);
    assert_string_equal(rows[3].period, "2026Q2");
    near(rows[3].actual, 1, 0);
    near(rows[3].attainment, 0.2, 1e-12);
    assert_false(rows[3].met);
    near(rows[4].actual, 0, 0);
    assert_true(isnan(rows[5].actual));
    assert_false(rows[5].met);
    free(rows);
    allot_scoreboard_release(&sb);
    allot_scoreboard_config_release(&sc);
    allot_config_free(cfg);
}

/* [funnel] marketing_lead_sources and non_marketing_channels replace the
 * built-in lists. 2026Q1 deals (created in Q1; see the top comment):
 *   d1 1000 USD won,  first marketing touch Paid Search (01-05), source Web
 *   d2 3000 USD lost, no touch before creation (t2 is after),  source Outbound
 *   d3  550 USD won,  first marketing touch Paid Social (01-28), no source
 *   d4 2000 USD open, no people,                               source Webinar
 *   d5 no amount won, no people,                               source Outbound
 * Pipeline 6550, revenue (won) 1000 + 550 = 1550 in every case.
 * (a) non_marketing_channels = Partner, Direct, paid-social (names compare
 *     without case, blanks, '_' and '-'), marketing_lead_sources = OUTBOUND:
 *     d1 (Paid Search is marketing), d2 (Outbound), d5 (Outbound, no
 *     amount); not d3 (Paid Social is not, no source), not d4 (Webinar is no
 *     longer listed). Pipeline 1000 + 3000 = 4000, revenue 1000, 3 deals.
 * (b) both empty: every channel is marketing, no source is: d1, d3.
 *     Pipeline 1000 + 550 = 1550, revenue 1550, 2 deals.
 * (c) no config: the defaults (d1, d3, d4): 3550, 1550, 3 deals, as with
 *     the library's NULL lists (funnel_by_quarter). */
static void marketing_lists_from_config(void **state)
{
    static const char *const inis[3] = {
        "[funnel]\nnon_marketing_channels = Partner, Direct, paid-social\n"
        "marketing_lead_sources = OUTBOUND\n",
        "[funnel]\nnon_marketing_channels =\nmarketing_lead_sources =\n",
        NULL};
    static const int64_t pipeline[3] = {INT64_C(4000000000), INT64_C(1550000000),
                                        INT64_C(3550000000)};
    static const int64_t revenue[3] = {INT64_C(1000000000), INT64_C(1550000000),
                                       INT64_C(1550000000)};
    static const double deals[3] = {3, 2, 3};
    for (int i = 0; i < 3; i++) {
        allot_config *cfg = NULL;
        allot_error err;
        if (inis[i])
            assert_int_equal(allot_config_parse(inis[i], strlen(inis[i]), "t.ini", &cfg, &err),
                             ALLOT_OK);
        allot_scoreboard_config sc;
        assert_int_equal(allot_scoreboard_config_load(cfg, &sc, &err), ALLOT_OK);
        if (i == 0) {
            assert_int_equal(sc.options.n_non_marketing_channels, 3);
            assert_string_equal(sc.options.non_marketing_channels[2], "paid-social");
            assert_int_equal(sc.options.n_marketing_sources, 1);
        } else if (i == 1) {
            assert_non_null(sc.options.marketing_sources); /* empty, not the default */
            assert_int_equal(sc.options.n_marketing_sources, 0);
            assert_int_equal(sc.options.n_non_marketing_channels, 0);
        } else {
            assert_int_equal(sc.options.n_marketing_sources, 16);
            assert_string_equal(sc.options.marketing_sources[0], "web");
            assert_string_equal(sc.options.marketing_sources[15], "marketing");
            assert_int_equal(sc.options.n_non_marketing_channels, 2);
            assert_string_equal(sc.options.non_marketing_channels[0], "Partner");
            assert_string_equal(sc.options.non_marketing_channels[1], "Direct");
        }
        allot_scoreboard_options o = sc.options;
        o.as_of = AS_OF;
        o.aliases = aliases;
        o.n_aliases = 1;
        allot_scoreboard sb;
        assert_int_equal(allot_scoreboard_compute(*state, &o, &sb, &err), ALLOT_OK);
        const allot_deal_cell *d = &sb.deals[0];
        assert_string_equal(d->period, "2026Q1");
        assert_int_equal(d->pipeline_micros, INT64_C(6550000000));
        assert_int_equal(d->pipeline_marketing_micros, pipeline[i]);
        assert_int_equal(d->revenue_micros, INT64_C(1550000000));
        assert_int_equal(d->revenue_marketing_micros, revenue[i]);
        near(d->deals_marketing, deals[i], 0);
        allot_scoreboard_release(&sb);
        allot_scoreboard_config_release(&sc);
        allot_config_free(cfg);
    }
}

/* Runs last: adds two deals. d6 (100 USD, open, created 01-10, no lead
 * source) of p6, whose only touch is Direct (01-03): not marketing-sourced.
 * d7 (200 USD, open, created 01-08) of p5, first touch Email 01-06:
 * marketing. Q1 pipeline 6550 + 100 + 200 = 6850, marketing 3550 + 200 =
 * 3750, marketing deals 3 + 1 = 4. */
static void direct_first_touch_is_not_marketing(void **state)
{
    allot_error err;
    assert_int_equal(
        allot_store_exec(*state,
                         "INSERT INTO touches (touch_id, person_id, occurred_at, touch_type, "
                         "channel) VALUES ('t9', 'p6', 1767398400, 'visit', 'Direct');"
                         "INSERT INTO deals (deal_id, amount_micros, currency, is_closed, is_won, "
                         "created_at) VALUES ('d6', 100000000, 'USD', 0, 0, 1768003200),"
                         " ('d7', 200000000, 'USD', 0, 0, 1767830400);"
                         "INSERT INTO deal_people (deal_id, person_id) VALUES ('d6', 'p6'), "
                         "('d7', 'p5');",
                         &err),
        ALLOT_OK);
    allot_scoreboard_options o = base_options();
    allot_scoreboard sb;
    assert_int_equal(allot_scoreboard_compute(*state, &o, &sb, &err), ALLOT_OK);
    const allot_deal_cell *d = &sb.deals[0];
    assert_int_equal(d->pipeline_micros, INT64_C(6850000000));
    assert_int_equal(d->pipeline_marketing_micros, INT64_C(3750000000));
    near(d->deals_marketing, 4, 0);
    allot_scoreboard_release(&sb);
}

/* A person's first marketing touch is the earliest, then the smallest touch
 * id, whatever order the rows were stored in; sales activities are not
 * marketing touches; a deal's is the first such touch over its people at or
 * before its creation. Its own database (rows stored out of time order):
 *   q1: x3 Email 01-06, x2 Organic Search 01-05, x1 Paid Search 01-05
 *       -> x1 (same instant as x2, smaller id): Paid Search, campaign k1
 *   q2: y2 sales_activity 01-05 (not marketing), y1 Email 01-06 -> Email
 *   q3: z9 Referral 01-07, z1 Display 01-08 -> z9 (earlier; its id sorts later)
 *   q4: x0 Referral 01-05, the instant of q1's x1 -> Referral
 * Deals: dA (q3, q1) created 01-07 01:00: x1 01-05 -> Paid Search;
 * dB (q2, q3) created 01-05 08:00: y1 and z9 come after it, y2 is an activity
 * -> no touch, lead source Outbound; dC (q1, q4) created 01-10: x0 and x1 at
 * the same instant -> x0, Referral. Deal people missing from people keep
 * their touches: dD (ghost: g0 sales activity 01-03, g1 Affiliates 01-04)
 * -> Affiliates; dE (q4, ghost2: a0 Display at x0's instant) -> a0, Display. */
static void first_touch_by_time_then_id(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof path, "test_funnel_first_%ld.db", (long)getpid());
    remove(path);
    sqlite3 *db;
    allot_error err;
    assert_int_equal(allot_store_open(path, &db, &err), ALLOT_OK);
    assert_int_equal(
        allot_store_exec(
            db,
            "INSERT INTO campaigns (campaign_id, name, channel) VALUES ('k1', 'Brand', 'Paid Search');"
            "INSERT INTO people (person_id, source_system, created_at, original_source) VALUES"
            " ('q1', 'canonical', 1767312000, 'Web'), ('q2', 'canonical', 1767312000, 'Web'),"
            " ('q3', 'canonical', 1767312000, 'Web'), ('q4', 'canonical', 1767312000, 'Web');"
            "INSERT INTO touches (touch_id, person_id, occurred_at, touch_type, channel, campaign_id)"
            " VALUES ('z1', 'q3', 1767830400, 'visit', 'Display', NULL),"
            " ('x3', 'q1', 1767657600, 'email', 'Email', NULL),"
            " ('x2', 'q1', 1767571200, 'visit', 'Organic Search', NULL),"
            " ('y1', 'q2', 1767657600, 'email', 'Email', NULL),"
            " ('x1', 'q1', 1767571200, 'ad_click', NULL, 'k1'),"
            " ('y2', 'q2', 1767571200, 'sales_activity', 'Events', NULL),"
            " ('z9', 'q3', 1767744000, 'visit', 'Referral', NULL),"
            " ('x0', 'q4', 1767571200, 'visit', 'Referral', NULL),"
            " ('g1', 'ghost', 1767484800, 'visit', 'Affiliates', NULL),"
            " ('g0', 'ghost', 1767398400, 'sales_activity', 'Events', NULL),"
            " ('a0', 'ghost2', 1767571200, 'visit', 'Display', NULL);"
            "INSERT INTO deals (deal_id, amount_micros, currency, is_closed, is_won, created_at,"
            " lead_source) VALUES ('dA', 100000000, 'USD', 0, 0, 1767747600, 'Web'),"
            " ('dB', 200000000, 'USD', 0, 0, 1767600000, 'Outbound'),"
            " ('dC', 400000000, 'USD', 0, 0, 1768003200, 'Web'),"
            " ('dD', 800000000, 'USD', 0, 0, 1767916800, 'Web'),"
            " ('dE', 1600000000, 'USD', 0, 0, 1768003200, 'Web');"
            "INSERT INTO deal_people (deal_id, person_id) VALUES ('dA', 'q3'), ('dA', 'q1'),"
            " ('dB', 'q2'), ('dB', 'q3'), ('dC', 'q1'), ('dC', 'q4'), ('dD', 'ghost'),"
            " ('dE', 'q4'), ('dE', 'ghost2');",
            &err),
        ALLOT_OK);
    allot_scoreboard_options o = base_options();
    o.group_by = ALLOT_GROUP_CHANNEL;
    allot_scoreboard sb;
    assert_int_equal(allot_scoreboard_compute(db, &o, &sb, &err), ALLOT_OK);
    static const char *const groups[] = {"(all)", "Email", "Paid Search", "Referral"};
    static const double leads[] = {4, 1, 1, 2};
    assert_int_equal(sb.n_funnel, 4);
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(sb.funnel[i].period, "2026Q1");
        assert_string_equal(sb.funnel[i].group, groups[i]);
        near(sb.funnel[i].count[ALLOT_STAGE_LEAD], leads[i], 0);
    }
    static const char *const deal_groups[] = {"(all)",    "Affiliates",  "Display",
                                              "Outbound", "Paid Search", "Referral"};
    static const int64_t pipeline[] = {3100000000, 800000000, 1600000000,
                                       200000000,  100000000, 400000000};
    assert_int_equal(sb.n_deals, 6);
    for (size_t i = 0; i < 6; i++) {
        assert_string_equal(sb.deals[i].group, deal_groups[i]);
        near(sb.deals[i].deals, i == 0 ? 5 : 1, 0);
        assert_int_equal(sb.deals[i].pipeline_micros, pipeline[i]);
    }
    allot_scoreboard_release(&sb);
    o.group_by = ALLOT_GROUP_CAMPAIGN;
    assert_int_equal(allot_scoreboard_compute(db, &o, &sb, &err), ALLOT_OK);
    /* campaigns: q1 k1; q2, q3, q4 none */
    assert_int_equal(sb.n_funnel, 3);
    assert_string_equal(sb.funnel[1].group, "(none)");
    near(sb.funnel[1].count[ALLOT_STAGE_LEAD], 3, 0);
    assert_string_equal(sb.funnel[2].group, "k1");
    near(sb.funnel[2].count[ALLOT_STAGE_LEAD], 1, 0);
    allot_scoreboard_release(&sb);
    allot_store_close(db);
    char p[300];
    remove(path);
    snprintf(p, sizeof p, "%s-wal", path);
    remove(p);
    snprintf(p, sizeof p, "%s-shm", path);
    remove(p);
}

/* Runs after the others: pipeline created is the value of a deal when it
 * was created. d8, EUR 100.00 created 2025-12-15 (EUR at 1.05 in 2025) and
 * won 2026-01-20 (1.1 from 2026): pipeline USD 105.00, its won amount and
 * revenue USD 110.00 (close date). d9, EUR 0.05 open, created 2025-12-16:
 * 0.0525 USD, a deal's amount rounds to the cent (half away from zero):
 * 0.05. 2025Q4 holds only these two: pipeline 105.05, won 110.00. Before,
 * a closed deal converted at its close date: pipeline 110.0525. */
static void pipeline_at_the_creation_day(void **state)
{
    allot_error err;
    assert_int_equal(
        allot_store_exec(*state,
                         "INSERT INTO deals (deal_id, amount_micros, currency, is_closed, is_won, "
                         "created_at, close_date) VALUES"
                         " ('d8', 100000000, 'EUR', 1, 1, 1765756800, '2026-01-20'),"
                         " ('d9', 50000, 'EUR', 0, 0, 1765843200, NULL);",
                         &err),
        ALLOT_OK);
    allot_scoreboard_options o = base_options();
    allot_scoreboard sb;
    assert_int_equal(allot_scoreboard_compute(*state, &o, &sb, &err), ALLOT_OK);
    const allot_deal_cell *d = &sb.deals[0];
    assert_string_equal(d->period, "2025Q4");
    near(d->deals, 2, 0);
    assert_int_equal(d->pipeline_micros, INT64_C(105050000));
    assert_int_equal(d->won_amount_micros, INT64_C(110000000));
    assert_int_equal(d->revenue_micros, INT64_C(110000000));
    allot_scoreboard_release(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(funnel_by_quarter),
        cmocka_unit_test(funnel_by_channel),
        cmocka_unit_test(clopper_pearson_and_filters),
        cmocka_unit_test(periods_and_missing_fx),
        cmocka_unit_test(config_and_okrs),
        cmocka_unit_test(marketing_lists_from_config),
        cmocka_unit_test(first_touch_by_time_then_id),
        cmocka_unit_test(direct_first_touch_is_not_marketing), /* adds rows */
        cmocka_unit_test(pipeline_at_the_creation_day),        /* last: adds rows */
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
