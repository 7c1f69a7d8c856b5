/* Report data: the quarters of a credit run inside a period, by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "report_data.h"
#include "store.h"

static int append(const char *label, void *ctx)
{
    char *list = ctx;
    snprintf(list + strlen(list), 256 - strlen(list), "%s%s", list[0] ? "," : "", label);
    return 0;
}

static int refuse(const char *label, void *ctx)
{
    (void)label;
    (void)ctx;
    return 1;
}

static char *quarters(sqlite3 *db, int64_t run, const char *first, const char *end,
                      char list[256])
{
    allot_period p;
    allot_error err;
    assert_int_equal(allot_date_parse(first, &p.start), ALLOT_OK);
    assert_int_equal(allot_date_parse(end, &p.end), ALLOT_OK);
    list[0] = '\0';
    assert_int_equal(allot_report_run_quarters(db, run, &p, append, list, &err), ALLOT_OK);
    return list;
}

/* Run 1 ran with its fiscal year starting in July (fiscal_start=7):
 * FY2026Q2 = Oct-Dec 2025, FY2026Q4 = Apr-Jun 2026, FY2027Q1 = Jul-Sep 2026,
 * FY2027Q2 = Oct-Dec 2026. Run 2 names calendar quarters (no fiscal_start:
 * 1). The labels are the run's whatever a report's configuration says now:
 * the workbook read them with the configured month, so a run made before
 * the fiscal year was set up showed no credit for its own quarters. */
static void a_runs_quarters_are_its_own(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "/tmp/allot-test-report-data-%ld.db", (long)getpid());
    unlink(path);
    sqlite3 *db;
    allot_error err;
    assert_int_equal(allot_store_open(path, &db, &err), ALLOT_OK);
    assert_int_equal(
        allot_store_exec(
            db,
            "INSERT INTO runs(run_id, tool, version, parameters, input_hash, started_at, status)"
            " VALUES (1, 'allot-credit', 't', 'currency=USD;event=revenue;fiscal_start=7', '', 0,"
            " 'ok'), (2, 'allot-credit', 't', 'event=revenue', '', 1, 'ok');"
            "INSERT INTO rollup_period(run_id, model, period, deals, attributed_deals,"
            " unattributed_deals, null_amount_deals, booked_minor, credited_minor,"
            " unattributed_minor, currency) VALUES"
            " (1, 'linear', 'FY2027Q2', 1, 1, 0, 0, 1, 1, 0, 'USD'),"
            " (1, 'linear', 'FY2026Q2', 1, 1, 0, 0, 1, 1, 0, 'USD'),"
            " (1, 'markov', 'FY2027Q1', 1, 1, 0, 0, 1, 1, 0, 'USD'),"
            " (1, 'linear', 'FY2027Q1', 1, 1, 0, 0, 1, 1, 0, 'USD'),"
            " (1, 'linear', 'FY2026Q4', 1, 1, 0, 0, 1, 1, 0, 'USD'),"
            " (2, 'linear', '2026Q3', 1, 1, 0, 0, 1, 1, 0, 'USD'),"
            " (2, 'linear', '2026Q4', 1, 1, 0, 0, 1, 1, 0, 'USD');",
            &err),
        ALLOT_OK);
    char list[256];
    /* calendar 2026Q3 holds FY2027Q1 (once, for two models) */
    assert_string_equal(quarters(db, 1, "2026-07-01", "2026-10-01", list), "FY2027Q1");
    /* calendar 2026 holds three of them, in label order */
    assert_string_equal(quarters(db, 1, "2026-01-01", "2027-01-01", list),
                        "FY2026Q4,FY2027Q1,FY2027Q2");
    /* a month holds no quarter; a quarter straddling the period is out */
    assert_string_equal(quarters(db, 1, "2026-07-01", "2026-08-01", list), "");
    assert_string_equal(quarters(db, 1, "2026-08-01", "2026-12-01", list), "");
    /* run 2: calendar labels */
    assert_string_equal(quarters(db, 2, "2026-07-01", "2026-10-01", list), "2026Q3");
    assert_string_equal(quarters(db, 2, "2026-01-01", "2027-01-01", list), "2026Q3,2026Q4");
    /* a run without rollups */
    assert_string_equal(quarters(db, 9, "2026-01-01", "2027-01-01", list), "");
    /* a visitor out of memory stops the walk */
    allot_period year = {0};
    assert_int_equal(allot_date_parse("2026-01-01", &year.start), ALLOT_OK);
    assert_int_equal(allot_date_parse("2027-01-01", &year.end), ALLOT_OK);
    assert_int_equal(allot_report_run_quarters(db, 2, &year, refuse, NULL, &err),
                     ALLOT_ERR_NOMEM);
    allot_store_close(db);
    unlink(path);
    char side[80];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_runs_quarters_are_its_own),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
