/* allot_retention_config_load: what allot-retention, allot-clv and the
 * workbook's CLV sheet read from allot.ini. Expected values are the
 * registry's defaults (lib/config.c: USD, fiscal month 1, "sales_activity",
 * gross_margin 0.8) and the ones the test's ini sets. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <stdio.h>
#include <unistd.h>

#include "period.h"
#include "retention.h"
#include "store.h"

static void defaults_without_a_config(void **state)
{
    (void)state;
    allot_error err;
    allot_retention_config rc;
    double margin = -1;
    assert_int_equal(allot_retention_config_load(NULL, &rc, &margin, &err), ALLOT_OK);
    assert_string_equal(rc.load.currency, "USD");
    assert_int_equal(rc.load.fiscal_start_month, 1);
    assert_string_equal(rc.load.sales_activity_touch_type, "sales_activity");
    assert_true(rc.load.as_of == ALLOT_RETENTION_AS_OF_DATA);
    assert_int_equal(rc.load.by, ALLOT_RETENTION_BY_NONE);
    assert_int_equal(rc.load.grain, ALLOT_COHORT_GRAIN_MONTH);
    assert_non_null(rc.taxonomy);
    assert_ptr_equal(rc.load.taxonomy, rc.taxonomy);
    assert_true(margin == 0.8);
    allot_retention_config_release(&rc);
}

static void values_from_the_ini(void **state)
{
    (void)state;
    static const char ini[] = "[general]\nreporting_currency = EUR\nfiscal_year_start_month = 4\n"
                              "[funnel]\nsales_activity_touch_type = sdr_call\n"
                              "[retention]\ngross_margin = 0.65\n";
    allot_config *cfg;
    allot_error err;
    assert_int_equal(allot_config_parse(ini, sizeof ini - 1, "t.ini", &cfg, &err), ALLOT_OK);
    allot_retention_config rc;
    double margin = 0;
    assert_int_equal(allot_retention_config_load(cfg, &rc, &margin, &err), ALLOT_OK);
    assert_string_equal(rc.load.currency, "EUR");
    assert_int_equal(rc.load.fiscal_start_month, 4);
    assert_string_equal(rc.load.sales_activity_touch_type, "sdr_call");
    assert_true(margin == 0.65);
    allot_retention_config_release(&rc);
    allot_config_free(cfg);
}

/* gross_margin is read only when asked for: allot-retention does not use
 * it, so an out-of-range value (the registry allows 0..1) stops allot-clv
 * but not allot-retention. */
static void margin_only_when_asked(void **state)
{
    (void)state;
    static const char ini[] = "[retention]\ngross_margin = 1.5\n";
    allot_config *cfg;
    allot_error err;
    assert_int_equal(allot_config_parse(ini, sizeof ini - 1, "t.ini", &cfg, &err), ALLOT_OK);
    allot_retention_config rc;
    assert_int_equal(allot_retention_config_load(cfg, &rc, NULL, &err), ALLOT_OK);
    allot_retention_config_release(&rc);
    double margin = 0;
    assert_int_equal(allot_retention_config_load(cfg, &rc, &margin, &err), ALLOT_ERR_CONFIG);
    assert_non_null(strstr(err.message, "gross_margin"));
    allot_retention_config_release(&rc);
    allot_config_free(cfg);
}

/* allot_retention_bridge_fx by hand. EUR converts at 1.25 through
 * 2026-03-31 and 1.5 from 2026-04-01 (binary fractions: no rounding).
 * e1 100 EUR from 2026-01-01, u1 40 USD from 02-01, e2 10 EUR from 05-01.
 * As of 2026-06-30 (MRR at 1.5), the 2026Q2 bridge starts (t0 = 03-31)
 * with e1 150 x 12 = 1800 and u1 480: 2280 USD. At the rates of 03-31 the
 * same book is e1 125 x 12 = 1500 + 480 = 1980 (2026Q1's end as of 03-31),
 * so FX = 300 USD; e2 is new in Q2, not in the book. */
static void bridge_fx_by_hand(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "/tmp/allot-test-retention-%ld.db", (long)getpid());
    unlink(path);
    sqlite3 *db;
    allot_error err;
    assert_int_equal(allot_store_open(path, &db, &err), ALLOT_OK);
    assert_int_equal(
        allot_store_exec(
            db,
            "INSERT INTO fx_rates(currency, start_date, end_date, rate) VALUES"
            " ('EUR', '2026-01-01', '2026-04-01', 1.25), ('EUR', '2026-04-01', NULL, 1.5);"
            "INSERT INTO subscriptions(subscription_id, account_id, start_date, end_date,"
            " mrr_micros, currency) VALUES"
            " ('s1', 'e1', '2026-01-01', NULL, 100000000, 'EUR'),"
            " ('s2', 'u1', '2026-02-01', NULL, 40000000, 'USD'),"
            " ('s3', 'e2', '2026-05-01', NULL, 10000000, 'EUR');",
            &err),
        ALLOT_OK);
    allot_retention_load_options lo;
    memset(&lo, 0, sizeof lo);
    lo.as_of = allot_days_from_civil(2026, 6, 30);
    lo.currency = "USD";
    allot_retention_data data;
    assert_int_equal(allot_retention_load(db, &lo, &data, &err), ALLOT_OK);
    allot_cohort_account *acc = allot_retention_cohort_accounts(&data);
    assert_non_null(acc);
    int64_t q2 = allot_days_from_civil(2026, 4, 1), q3 = allot_days_from_civil(2026, 7, 1);
    allot_revenue_bridge b;
    assert_int_equal(allot_revenue_bridge_compute(acc, data.n_accounts, q2, q3, 0, &b, &err),
                     ALLOT_OK);
    assert_true(b.start_arr == INT64_C(2280000000));
    assert_int_equal(allot_retention_bridge_fx(db, &data, q2, q2 - 1, &b, &err), ALLOT_OK);
    assert_true(b.fx == INT64_C(300000000));
    /* the same rates both ends: 0 */
    assert_int_equal(allot_retention_bridge_fx(db, &data, q2, data.as_of, &b, &err), ALLOT_OK);
    assert_true(b.fx == 0);
    /* no EUR rate on 2025-12-15 */
    assert_int_equal(allot_retention_bridge_fx(db, &data, q2, allot_days_from_civil(2025, 12, 15),
                                               &b, &err),
                     ALLOT_ERR_DATA);
    assert_non_null(strstr(err.message, "EUR"));
    /* a bridge of another period (2026Q1: start 0) is refused */
    allot_revenue_bridge q1;
    assert_int_equal(allot_revenue_bridge_compute(acc, data.n_accounts,
                                                  allot_days_from_civil(2026, 1, 1), q2, 0, &q1,
                                                  &err),
                     ALLOT_OK);
    assert_int_equal(allot_retention_bridge_fx(db, &data, q2, q2 - 1, &q1, &err),
                     ALLOT_ERR_USAGE);
    free(acc);
    allot_retention_data_release(&data);
    sqlite3_close(db);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_without_a_config),
        cmocka_unit_test(values_from_the_ini),
        cmocka_unit_test(margin_only_when_asked),
        cmocka_unit_test(bridge_fx_by_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
