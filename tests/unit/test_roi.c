/* ROI on a hand-made ledger: tests/cases/funnel/basic.sql + tests/cases/roi/ledger.sql.
 *
 * Spend in USD (EUR at 1.1): Paid Search c1 300 + 200 in 2026Q1 and 100 in
 * 2026Q2; Email c2 100 EUR = 110; Paid Social c3 275; Display c4 50.
 * Credit run 2 (revenue; run 1 is a pipeline run and is ignored):
 *   first_touch: d1 1000 USD -> Paid Search/c1; d3 500 EUR = 550 -> Paid Social/c3
 *   linear:      d1 500 -> Paid Search/c1, 500 -> Email/c2; d3 550 -> Paid Social/c3
 * d1 and d3 are their accounts' first won deals (new customers); first MRR
 * a1 100 USD, a3 50 EUR = 55 USD; gross margin 0.8.
 *
 * first_touch 2026Q1:
 *   Display      spend 50,  revenue 0     ROI -1, ROAS 0
 *   Email        spend 110, revenue 0     ROI -1
 *   Paid Search  spend 500, revenue 1000  ROI 1, ROAS 2, customers 1, CAC 500,
 *                MRR 100, payback 500 / (100 * 0.8) = 6.25 months
 *   Paid Social  spend 275, revenue 550   ROI 1, ROAS 2, CAC 275, payback 275 / 44 = 6.25
 * first_touch 2026Q2: Paid Search spend 100, revenue 0, ROI -1.
 * linear 2026Q1 Email: revenue 500, ROI (500 - 110) / 110 = 3.5454..,
 *   ROAS 4.5454.., customers 0.5, CAC 220, MRR 50, payback 110 / 40 = 2.75;
 *   Paid Search: revenue 500, ROI 0, customers 0.5, CAC 1000, payback 12.5.
 *
 * Bootstrap (first_touch): the units are d1 and d3. A replicate draws
 * (d1,d1), (d1,d3) or (d3,d3) with probability 1/4, 1/2, 1/4, so Paid
 * Search's revenue is 2000, 1000 or 0 and its ROI 3, 1 or -1: with B = 2000
 * the 2.5 % and 97.5 % quantiles are -1 and 3 exactly (ROAS 0 and 4);
 * Email's revenue is always 0: ROI interval [-1, -1].
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

#include "roi.h"
#include "store.h"

static char db_path[256];

static int exec_file(sqlite3 *db, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    static char sql[1 << 16];
    size_t n = fread(sql, 1, sizeof sql - 1, f);
    fclose(f);
    sql[n] = '\0';
    allot_error err;
    if (allot_store_exec(db, sql, &err) != ALLOT_OK) {
        fprintf(stderr, "%s: %s\n", path, err.message);
        return -1;
    }
    return 0;
}

static int setup(void **state)
{
    snprintf(db_path, sizeof db_path, "test_roi_%ld.db", (long)getpid());
    remove(db_path);
    sqlite3 *db;
    if (allot_store_open(db_path, &db, NULL) != ALLOT_OK)
        return -1;
    if (exec_file(db, ALLOT_TEST_DATA "/cases/funnel/basic.sql") ||
        exec_file(db, ALLOT_TEST_DATA "/cases/roi/ledger.sql"))
        return -1;
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

static void near(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.12g, want %.12g", got, want);
}

static const allot_roi_row *row(const allot_roi *r, const char *model, const char *period,
                                const char *group)
{
    for (size_t i = 0; i < r->n_rows; i++)
        if (!strcmp(r->rows[i].model, model) && !strcmp(r->rows[i].period, period) &&
            !strcmp(r->rows[i].group, group))
            return &r->rows[i];
    fail_msg("no row %s %s %s", model, period, group);
    return NULL;
}

static void roi_by_channel(void **state)
{
    allot_roi_options o = {0};
    o.group_by = ALLOT_GROUP_CHANNEL;
    allot_roi r;
    allot_error err;
    assert_int_equal(allot_roi_compute(*state, &o, &r, &err), ALLOT_OK);
    assert_int_equal(r.run_id, 2);
    assert_int_equal(r.n_rows, 10);
    /* order: model, period, group */
    static const char *const order[][3] = {
        {"first_touch", "2026Q1", "Display"},     {"first_touch", "2026Q1", "Email"},
        {"first_touch", "2026Q1", "Paid Search"}, {"first_touch", "2026Q1", "Paid Social"},
        {"first_touch", "2026Q2", "Paid Search"}, {"linear", "2026Q1", "Display"},
        {"linear", "2026Q1", "Email"},            {"linear", "2026Q1", "Paid Search"},
        {"linear", "2026Q1", "Paid Social"},      {"linear", "2026Q2", "Paid Search"}};
    for (size_t i = 0; i < 10; i++) {
        assert_string_equal(r.rows[i].model, order[i][0]);
        assert_string_equal(r.rows[i].period, order[i][1]);
        assert_string_equal(r.rows[i].group, order[i][2]);
    }
    const allot_roi_row *x = row(&r, "first_touch", "2026Q1", "Paid Search");
    assert_int_equal(x->spend_micros, INT64_C(500000000));
    assert_int_equal(x->revenue_micros, INT64_C(1000000000));
    near(x->roi, 1, 1e-12);
    near(x->roas, 2, 1e-12);
    near(x->customers, 1, 1e-12);
    near(x->cac_micros, 500e6, 1e-3);
    near(x->new_mrr_micros, 100e6, 1e-3);
    near(x->payback_months, 6.25, 1e-12);
    assert_true(isnan(x->roi_lower)); /* no bootstrap asked */
    x = row(&r, "first_touch", "2026Q1", "Paid Social");
    assert_int_equal(x->revenue_micros, INT64_C(550000000));
    near(x->payback_months, 6.25, 1e-12);
    x = row(&r, "first_touch", "2026Q1", "Email");
    assert_int_equal(x->spend_micros, INT64_C(110000000));
    near(x->roi, -1, 0);
    near(x->roas, 0, 0);
    assert_true(isnan(x->cac_micros));
    x = row(&r, "first_touch", "2026Q2", "Paid Search");
    assert_int_equal(x->spend_micros, INT64_C(100000000));
    near(x->roi, -1, 0);
    x = row(&r, "linear", "2026Q1", "Email");
    assert_int_equal(x->revenue_micros, INT64_C(500000000));
    near(x->roi, 390.0 / 110, 1e-12);
    near(x->roas, 500.0 / 110, 1e-12);
    near(x->customers, 0.5, 1e-12);
    near(x->cac_micros, 220e6, 1e-3);
    near(x->payback_months, 2.75, 1e-12);
    x = row(&r, "linear", "2026Q1", "Paid Search");
    near(x->roi, 0, 1e-12);
    near(x->cac_micros, 1000e6, 1e-3);
    near(x->payback_months, 12.5, 1e-12);
    allot_roi_release(&r);
}

static void roi_by_campaign_one_model_and_revenue_without_spend(void **state)
{
    allot_roi_options o = {0};
    o.group_by = ALLOT_GROUP_CAMPAIGN;
    o.model = "linear";
    o.unit = ALLOT_COHORT_ALL;
    allot_roi r;
    assert_int_equal(allot_roi_compute(*state, &o, &r, NULL), ALLOT_OK);
    /* all periods: c1 spend 600 revenue 500; c2 110 / 500; c3 275 / 550; c4 50 / 0 */
    assert_int_equal(r.n_rows, 4);
    const allot_roi_row *x = row(&r, "linear", "all", "c1");
    assert_int_equal(x->spend_micros, INT64_C(600000000));
    assert_int_equal(x->revenue_micros, INT64_C(500000000));
    near(x->roi, -100.0 / 600, 1e-12);
    allot_roi_release(&r);

    /* Revenue with no spend: with a period filter on March only, d3's credit
     * (closes 03-10) stays and c3's spend (02-01) does not; c4's spend
     * (03-01) stays with no revenue. */
    allot_period march;
    assert_int_equal(allot_period_parse("2026-03", 1, &march, NULL), ALLOT_OK);
    o.only = &march;
    o.unit = ALLOT_COHORT_MONTH;
    assert_int_equal(allot_roi_compute(*state, &o, &r, NULL), ALLOT_OK);
    assert_int_equal(r.n_rows, 2);
    x = row(&r, "linear", "2026-03", "c3");
    assert_int_equal(x->spend_micros, 0);
    assert_int_equal(x->revenue_micros, INT64_C(550000000));
    assert_true(isnan(x->roi) && isnan(x->roas));
    x = row(&r, "linear", "2026-03", "c4");
    near(x->roi, -1, 0);
    allot_roi_release(&r);
}

static void bootstrap_bounds_and_determinism(void **state)
{
    allot_roi_options o = {0};
    o.model = "first_touch";
    o.bootstrap = 2000;
    o.seed = 7;
    allot_roi a, b, c;
    assert_int_equal(allot_roi_compute(*state, &o, &a, NULL), ALLOT_OK);
    assert_int_equal(allot_roi_compute(*state, &o, &b, NULL), ALLOT_OK);
    o.seed = 8;
    assert_int_equal(allot_roi_compute(*state, &o, &c, NULL), ALLOT_OK);
    const allot_roi_row *x = row(&a, "first_touch", "2026Q1", "Paid Search");
    near(x->roi_lower, -1, 0);
    near(x->roi_upper, 3, 0);
    near(x->roas_lower, 0, 0);
    near(x->roas_upper, 4, 0);
    x = row(&a, "first_touch", "2026Q1", "Email");
    near(x->roi_lower, -1, 0);
    near(x->roi_upper, -1, 0);
    assert_int_equal(a.n_rows, b.n_rows);
    for (size_t i = 0; i < a.n_rows; i++) {
        assert_memory_equal(&a.rows[i].roi_lower, &b.rows[i].roi_lower, sizeof(double));
        assert_memory_equal(&a.rows[i].roi_upper, &b.rows[i].roi_upper, sizeof(double));
        assert_memory_equal(&a.rows[i].roas_lower, &b.rows[i].roas_lower, sizeof(double));
    }
    /* another seed gives the same support here (only three outcomes) */
    near(row(&c, "first_touch", "2026Q1", "Paid Search")->roi_upper, 3, 0);
    allot_roi_release(&a);
    allot_roi_release(&b);
    allot_roi_release(&c);
}

static void errors(void **state)
{
    allot_roi_options o = {0};
    allot_roi r;
    allot_error err;
    o.group_by = ALLOT_GROUP_SOURCE;
    assert_int_equal(allot_roi_compute(*state, &o, &r, &err), ALLOT_ERR_USAGE);
    allot_roi_release(&r);
    o.group_by = ALLOT_GROUP_CHANNEL;
    o.model = "markov";
    assert_int_equal(allot_roi_compute(*state, &o, &r, &err), ALLOT_ERR_USAGE);
    assert_non_null(strstr(err.message, "markov"));
    allot_roi_release(&r);
    o.model = NULL;
    /* A run number that is no allot-credit run (ledger.sql has runs 1 and 2):
     * a usage error naming it, not an empty table. */
    o.run_id = 99;
    assert_int_equal(allot_roi_compute(*state, &o, &r, &err), ALLOT_ERR_USAGE);
    assert_non_null(strstr(err.message, "no allot-credit run 99"));
    allot_roi_release(&r);
    o.run_id = 0;
    o.currency = "GBP";
    assert_int_equal(allot_roi_compute(*state, &o, &r, &err), ALLOT_ERR_DATA);
    assert_non_null(strstr(err.message, "no fx rate for"));
    allot_roi_release(&r);
}

/* No spend and no ledger rows: the result is empty, not undefined
 * behaviour (lib/roi.c called qsort(NULL, 0, ...), which UBSan reports as a
 * null pointer passed to a nonnull argument). */
static void empty_ledger_and_spend(void **state)
{
    sqlite3 *db = *state;
    assert_int_equal(allot_store_exec(db, "BEGIN; DELETE FROM spend; DELETE FROM ledger;", NULL),
                     ALLOT_OK);
    allot_roi_options o = {0};
    o.group_by = ALLOT_GROUP_CHANNEL;
    o.run_id = 2; /* named: the latest run with ledger rows would be none */
    allot_roi r;
    allot_error err;
    assert_int_equal(allot_roi_compute(db, &o, &r, &err), ALLOT_OK);
    assert_int_equal(r.n_rows, 0);
    assert_int_equal(r.ledger_rows, 0);
    assert_int_equal(r.spend_rows, 0);
    allot_roi_release(&r);
    allot_store_rollback(db);
}

/* Spend that foots (lib/roi.h spend_minor), by hand. The spend of 2026Q1
 * replaced by rows with sub-cent amounts (EUR at 1.1 in 2026):
 *   Display     c4  10.005 USD               exact 10.005000
 *   Email       c2  18.19 EUR x 1.1          exact 20.009000
 *   Paid Search c1  30.005 USD               exact 30.005000
 *   Paid Social c3  40.00 + 0.005 USD        exact 40.005000
 * The quarter: 100.024000, rounded once 100.02 (10002 cents). Rounding
 * each channel half away from zero gives 10.01 + 20.01 + 30.01 + 40.01 =
 * 100.04, two cents over. Largest remainder: the floors 10.00 + 20.00 +
 * 30.00 + 40.00 = 100.00 leave two cents; the largest remainder is Email's
 * 0.009, then three tie at 0.005 and the name that sorts first, Display,
 * takes the second: 10.01, 20.01, 30.00, 40.00 = 100.02. Each model lists
 * the same cents; ROI uses the exact micros (Paid Search, first_touch:
 * revenue 1000, (1000 - 30.005) / 30.005). */
static void spend_foots_to_the_period_total(void **state)
{
    sqlite3 *db = *state;
    assert_int_equal(
        allot_store_exec(db,
                         "BEGIN; DELETE FROM spend WHERE date < '2026-04-01';"
                         "INSERT INTO spend (date, source_system, campaign_id, cost_micros,"
                         " currency) VALUES"
                         " ('2026-03-01', 'dv360', 'c4', 10005000, 'USD'),"
                         " ('2026-01-15', 'mailer', 'c2', 18190000, 'EUR'),"
                         " ('2026-01-10', 'google_ads', 'c1', 30005000, 'USD'),"
                         " ('2026-02-01', 'linkedin', 'c3', 40000000, 'USD'),"
                         " ('2026-02-02', 'linkedin', 'c3', 5000, 'USD');",
                         NULL),
        ALLOT_OK);
    allot_roi_options o = {0};
    o.group_by = ALLOT_GROUP_CHANNEL;
    allot_roi r;
    allot_error err;
    assert_int_equal(allot_roi_compute(db, &o, &r, &err), ALLOT_OK);
    static const char *const models[] = {"first_touch", "linear"};
    for (size_t m = 0; m < 2; m++) {
        const allot_roi_row *x = row(&r, models[m], "2026Q1", "Display");
        assert_int_equal(x->spend_micros, INT64_C(10005000));
        assert_int_equal(x->spend_minor, 1001);
        x = row(&r, models[m], "2026Q1", "Email");
        assert_int_equal(x->spend_micros, INT64_C(20009000));
        assert_int_equal(x->spend_minor, 2001);
        x = row(&r, models[m], "2026Q1", "Paid Search");
        assert_int_equal(x->spend_micros, INT64_C(30005000));
        assert_int_equal(x->spend_minor, 3000);
        x = row(&r, models[m], "2026Q1", "Paid Social");
        assert_int_equal(x->spend_micros, INT64_C(40005000));
        assert_int_equal(x->spend_minor, 4000);
        /* 2026Q2 alone: c1's 100.00 */
        assert_int_equal(row(&r, models[m], "2026Q2", "Paid Search")->spend_minor, 10000);
    }
    near(row(&r, "first_touch", "2026Q1", "Paid Search")->roi, (1000 - 30.005) / 30.005, 1e-12);
    allot_roi_release(&r);

    /* By campaign over all periods: c1 30.005 + 100 = 130.005, c2 20.009,
     * c3 40.005, c4 10.005; 200.024 -> 200.02 once; floors 130.00 + 20.00 +
     * 40.00 + 10.00 = 200.00; c2 (0.009) and the first of the 0.005 ties
     * by name, c1, get a cent: 130.01, 20.01, 40.00, 10.00. */
    o.group_by = ALLOT_GROUP_CAMPAIGN;
    o.unit = ALLOT_COHORT_ALL;
    o.model = "linear";
    assert_int_equal(allot_roi_compute(db, &o, &r, &err), ALLOT_OK);
    assert_int_equal(row(&r, "linear", "all", "c1")->spend_minor, 13001);
    assert_int_equal(row(&r, "linear", "all", "c2")->spend_minor, 2001);
    assert_int_equal(row(&r, "linear", "all", "c3")->spend_minor, 4000);
    assert_int_equal(row(&r, "linear", "all", "c4")->spend_minor, 1000);
    allot_roi_release(&r);
    allot_store_rollback(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roi_by_channel),
        cmocka_unit_test(roi_by_campaign_one_model_and_revenue_without_spend),
        cmocka_unit_test(bootstrap_bounds_and_determinism),
        cmocka_unit_test(errors),
        cmocka_unit_test(empty_ledger_and_spend),
        cmocka_unit_test(spend_foots_to_the_period_total),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
