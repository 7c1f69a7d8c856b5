/* allot_retention_config_load: what allot-retention, allot-clv and the
 * workbook's CLV sheet read from allot.ini. Expected values are the
 * registry's defaults (lib/config.c: USD, fiscal month 1, "sales_activity",
 * gross_margin 0.8) and the ones the test's ini sets. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "retention.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_without_a_config),
        cmocka_unit_test(values_from_the_ini),
        cmocka_unit_test(margin_only_when_asked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
