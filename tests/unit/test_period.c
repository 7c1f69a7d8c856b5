/* Period: civil dates, period syntax, fiscal quarters, prior periods.
 * Day numbers were computed independently with Python:
 *   python3 -c "from datetime import date; print((date(2026,7,1)-date(1970,1,1)).days)"
 * 2026-07-01 20635, 2026-10-01 20727, 2000-02-29 11016, 1969-12-31 -1,
 * 0001-01-01 -719162, 9999-12-31 2932896, 2026-02-01 20485,
 * 2027-02-01 20850, 2026-05-01 20574, 2026-01-01 20454, 2026-04-01 20544. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "period.h"

static void civil_days_match_python(void **state)
{
    (void)state;
    assert_int_equal(allot_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(allot_days_from_civil(2026, 7, 1), 20635);
    assert_int_equal(allot_days_from_civil(2000, 2, 29), 11016);
    assert_int_equal(allot_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(allot_days_from_civil(1, 1, 1), -719162);
    assert_int_equal(allot_days_from_civil(9999, 12, 31), 2932896);
    /* round trip over every day from 1600 to 2400 */
    for (int64_t d = allot_days_from_civil(1600, 1, 1); d < allot_days_from_civil(2400, 1, 1); d++) {
        int y, m, dd;
        allot_civil_from_days(d, &y, &m, &dd);
        assert_true(allot_date_valid(y, m, dd));
        assert_int_equal(allot_days_from_civil(y, m, dd), d);
    }
    int y, m, d;
    allot_civil_from_days(-719162, &y, &m, &d);
    assert_int_equal(y, 1);
    assert_int_equal(m, 1);
    assert_int_equal(d, 1);
}

static void dates_parse_strictly(void **state)
{
    (void)state;
    int64_t d;
    char buf[11];
    assert_int_equal(allot_date_parse("2000-02-29", &d), ALLOT_OK);
    assert_int_equal(d, 11016);
    assert_string_equal(allot_date_format(d, buf), "2000-02-29");
    assert_int_equal(allot_date_parse("1900-02-29", &d), ALLOT_ERR_DATA); /* not a leap year */
    assert_int_equal(allot_date_parse("2026-13-01", &d), ALLOT_ERR_DATA);
    assert_int_equal(allot_date_parse("2026-04-31", &d), ALLOT_ERR_DATA);
    assert_int_equal(allot_date_parse("2026-4-01", &d), ALLOT_ERR_DATA);
    assert_int_equal(allot_date_parse("2026-04-01T00", &d), ALLOT_ERR_DATA);
    assert_int_equal(allot_date_parse("", &d), ALLOT_ERR_DATA);
    assert_int_equal(allot_days_in_month(2024, 2), 29);
    assert_int_equal(allot_days_in_month(2100, 2), 28);
    assert_int_equal(allot_days_in_month(2000, 2), 29);
    assert_int_equal(allot_day_of_epoch(-1), -1);
    assert_int_equal(allot_day_of_epoch(0), 0);
    assert_int_equal(allot_day_of_epoch(86399), 0);
    assert_int_equal(allot_day_of_epoch(-86400), -1);
    assert_int_equal(allot_day_of_epoch(-86401), -2);
    assert_int_equal(allot_epoch_of_day(20635), INT64_C(1782864000));
    /* month arithmetic clamps to the month's end */
    int64_t jan31 = allot_days_from_civil(2026, 1, 31);
    assert_string_equal(allot_date_format(allot_add_months(jan31, 1), buf), "2026-02-28");
    assert_string_equal(allot_date_format(allot_add_months(jan31, -2), buf), "2025-11-30");
    assert_string_equal(allot_date_format(allot_add_months(jan31, 25), buf), "2028-02-29");
}

static void check(const char *text, int fsm, const char *label, int64_t start, int64_t end)
{
    allot_period p;
    allot_error err;
    allot_error_clear(&err);
    assert_int_equal(allot_period_parse(text, fsm, &p, &err), ALLOT_OK);
    assert_string_equal(p.label, label);
    assert_int_equal(p.start, start);
    assert_int_equal(p.end, end);
}

static void periods_parse(void **state)
{
    (void)state;
    check("2026Q3", 1, "2026Q3", 20635, 20727);
    check("2026q3", 7, "2026Q3", 20635, 20727); /* calendar even with a fiscal year */
    check("2026-07", 1, "2026-07", 20635, 20635 + 31);
    check("2026", 1, "2026", 20454, 20454 + 365);
    check("2026-07-01", 1, "2026-07-01", 20635, 20636);
    check("2026-01-01..2026-03-31", 1, "2026-01-01..2026-03-31", 20454, 20544);
    /* FY named by the year it ends in: start month 2 -> FY2027 = Feb 2026..Jan 2027 */
    check("FY2027", 2, "FY2027", 20485, 20850);
    check("FY2027Q1", 2, "FY2027Q1", 20485, 20574);
    check("fy2027q4", 2, "FY2027Q4", allot_days_from_civil(2026, 11, 1), 20850);
    /* start month 1: the fiscal year is the calendar year */
    check("FY2026Q3", 1, "FY2026Q3", 20635, 20727);
    check("FY2026", 1, "FY2026", 20454, 20454 + 365);
    /* start month 7: FY2027Q1 = July..September 2026 */
    check("FY2027Q1", 7, "FY2027Q1", 20635, 20727);
}

static void bad_periods_are_usage_errors(void **state)
{
    (void)state;
    const char *bad[] = {"", "2026Q5", "2026Q", "26Q3", "2026-13", "FY27", "FY2027Q0",
                         "2026-02-30", "2026-03-31..2026-01-01", "2026-01-01...2026-02-01",
                         "Q3 2026", "2026-07 ", "0000"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        allot_period p;
        allot_error err;
        allot_error_clear(&err);
        assert_int_equal(allot_period_parse(bad[i], 1, &p, &err), ALLOT_ERR_USAGE);
        assert_int_equal(err.code, ALLOT_ERR_USAGE);
        assert_non_null(strstr(err.message, bad[i])); /* names what was given */
    }
    allot_period p;
    assert_int_equal(allot_period_parse("2026Q3", 13, &p, NULL), ALLOT_ERR_USAGE);
}

static void quarter_of_a_day(void **state)
{
    (void)state;
    allot_period q;
    allot_period_quarter_of(allot_days_from_civil(2026, 8, 15), 1, &q);
    assert_string_equal(q.label, "2026Q3");
    assert_int_equal(q.start, 20635);
    assert_int_equal(q.end, 20727);
    assert_int_equal(q.kind, ALLOT_PERIOD_QUARTER);
    /* start month 2: 2026-08-15 is in FY2027 (Feb 2026..Jan 2027), Q3 = Aug..Oct */
    allot_period_quarter_of(allot_days_from_civil(2026, 8, 15), 2, &q);
    assert_string_equal(q.label, "FY2027Q3");
    assert_int_equal(q.start, allot_days_from_civil(2026, 8, 1));
    assert_int_equal(q.end, allot_days_from_civil(2026, 11, 1));
    /* start month 2: January 2027 is the last month of FY2027 Q4 (Nov..Jan) */
    allot_period_quarter_of(allot_days_from_civil(2027, 1, 31), 2, &q);
    assert_string_equal(q.label, "FY2027Q4");
    assert_int_equal(q.start, allot_days_from_civil(2026, 11, 1));
    assert_int_equal(q.end, 20850);
    /* start month 10 (US federal): 2026-10-01 opens FY2027Q1 */
    allot_period_quarter_of(allot_days_from_civil(2026, 10, 1), 10, &q);
    assert_string_equal(q.label, "FY2027Q1");
    allot_period_quarter_of(allot_days_from_civil(2026, 9, 30), 10, &q);
    assert_string_equal(q.label, "FY2026Q4");
    assert_int_equal(q.start, 20635);
    /* a day before 1970 */
    allot_period_quarter_of(-1, 1, &q);
    assert_string_equal(q.label, "1969Q4");
}

static void prior_periods(void **state)
{
    (void)state;
    allot_period p, q;
    allot_period_parse("2026Q1", 1, &p, NULL);
    allot_period_prior(&p, 1, &q);
    assert_string_equal(q.label, "2025Q4");
    assert_int_equal(q.end, p.start);
    allot_period_parse("FY2027Q1", 2, &p, NULL);
    allot_period_prior(&p, 2, &q);
    assert_string_equal(q.label, "FY2026Q4");
    assert_int_equal(q.start, allot_days_from_civil(2025, 11, 1));
    assert_int_equal(q.end, 20485);
    allot_period_parse("2026-03", 1, &p, NULL);
    allot_period_prior(&p, 1, &q);
    assert_string_equal(q.label, "2026-02");
    assert_int_equal(q.end - q.start, 28);
    allot_period_parse("FY2027", 2, &p, NULL);
    allot_period_prior(&p, 2, &q);
    assert_string_equal(q.label, "FY2026");
    allot_period_parse("2026", 1, &p, NULL);
    allot_period_prior(&p, 1, &q);
    assert_string_equal(q.label, "2025");
    allot_period_parse("2026-03-01", 1, &p, NULL);
    allot_period_prior(&p, 1, &q);
    assert_string_equal(q.label, "2026-02-28");
    /* a 10-day range -> the 10 days before it */
    allot_period_parse("2026-03-01..2026-03-10", 1, &p, NULL);
    allot_period_prior(&p, 1, &q);
    assert_string_equal(q.label, "2026-02-19..2026-02-28");
    assert_true(allot_period_contains(&q, q.start));
    assert_false(allot_period_contains(&q, q.end));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(civil_days_match_python),
        cmocka_unit_test(dates_parse_strictly),
        cmocka_unit_test(periods_parse),
        cmocka_unit_test(bad_periods_are_usage_errors),
        cmocka_unit_test(quarter_of_a_day),
        cmocka_unit_test(prior_periods),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
