/* The pack e-mail's words: headline numbers read from a hand-made database,
 * degraded sections, and the exact body text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "pack.h"
#include "store.h"

static sqlite3 *open_db(char *path)
{
    snprintf(path, 64, "/tmp/allot-test-pack-%ld.db", (long)getpid());
    unlink(path);
    sqlite3 *db;
    allot_error err;
    assert_int_equal(allot_store_open(path, &db, &err), ALLOT_OK);
    return db;
}

static void close_db(sqlite3 *db, const char *path)
{
    allot_store_close(db);
    char side[80];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

static const allot_pack_period q3 = {"2026Q3", "2026-07-01", "2026-10-01"};
static const allot_pack_period q2 = {"2026Q2", "2026-04-01", "2026-07-01"};

#define DAY(d) "CAST(strftime('%s','" d "') AS INTEGER)"

/* The fixture, by hand:
 * won in 2026Q3 ([2026-07-01, 2026-10-01)): d1 USD 1000.50 (07-15), d2 USD
 * 250.00 (09-30), d5 EUR 10.00 (08-02), d4 without amount (08-01); d3 closes
 * 10-01, outside. -> USD 1,250.50 from 2 deals; EUR 10.00 from 1 deal; 1 won
 * deal without an amount.
 * created in Q3 with an amount: d1 1000.50 (07-01), d6 5000.00 (08-10) ->
 * USD 6,000.50 in 2 new deals (d2 06-15, d3 06-20, d5 05-01 are earlier).
 * rollups, latest run 2, model linear wanted (first_touch is also there):
 * Paid Search 85050 minor (share 0.68), Email 40000 (0.32), "Social\r\nX" 1
 * (0.000008) -> USD 850.50 (68.0 % of booked), USD 400.00 (32.0 %),
 * USD 0.01 (0.0 %); the top 5 only: "Zeta" 0 is the 4th, still shown, and
 * nothing else exists; "(unattributed)" 10000 is left to the reconciliation
 * line. rollup_period: booked 135051 = credited 125051 +
 * unattributed 10000, 1 converting deal without an amount. Run 1 is older.
 * Run 3 is later but credits pipeline (`allot-credit --event pipeline`, its
 * "booked" is the amount of deals created), run 4 later still but failed:
 * neither is the revenue the section reports.
 * spend in Q3: A 100.00 + 50.25, B 20.00 (C on 10-01 is outside) ->
 * USD 170.25 across 2 campaigns.
 * The prior quarter 2026Q2: won d7 USD 1,000.40 (05-05); created d2 250.00,
 * d3 999.00, d7 1,000.40 = USD 2,249.40 and d5 EUR 10.00; spend A 340.50
 * (06-30). Changes: won 1250.50 / 1000.40 - 1 = +25.0 %; pipeline
 * 6000.50 / 2249.40 - 1 = 1.66760 -> +166.8 %; spend 170.25 / 340.50 - 1 =
 * -50.0 %; EUR won only now ("2026Q2: none"), EUR created only before
 * ("none (2026Q2: EUR 10.00)"). */
static void fill(sqlite3 *db)
{
    allot_error err;
    assert_int_equal(
        allot_store_exec(
            db,
            "INSERT INTO deals(deal_id, amount_micros, currency, is_closed, is_won, created_at, close_date) VALUES"
            " ('d1', 1000500000, 'USD', 1, 1, " DAY("2026-07-01") ", '2026-07-15'),"
            " ('d2', 250000000, 'USD', 1, 1, " DAY("2026-06-15") ", '2026-09-30'),"
            " ('d3', 999000000, 'USD', 1, 1, " DAY("2026-06-20") ", '2026-10-01'),"
            " ('d4', NULL, NULL, 1, 1, " DAY("2026-07-20") ", '2026-08-01'),"
            " ('d5', 10000000, 'EUR', 1, 1, " DAY("2026-05-01") ", '2026-08-02'),"
            " ('d6', 5000000000, 'USD', 0, 0, " DAY("2026-08-10") ", NULL),"
            " ('d7', 1000400000, 'USD', 1, 1, " DAY("2026-04-01") ", '2026-05-05');"
            "INSERT INTO runs(run_id, tool, version, parameters, input_hash, started_at, status)"
            " VALUES (1, 'allot-credit', 't', 'event=revenue', '', 0, 'ok'),"
            " (2, 'allot-credit', 't', 'event=revenue;models=linear', '', 1, 'ok'),"
            " (3, 'allot-credit', 't', 'event=pipeline;models=linear', '', 2, 'ok'),"
            " (4, 'allot-credit', 't', 'event=revenue;models=linear', '', 3, 'failed');"
            "INSERT INTO rollup_channel(run_id, model, period, channel, deals, null_amount_deals,"
            " credited_minor, currency, share) VALUES"
            " (1, 'linear', '2026Q3', 'Old', 1, 0, 999999, 'USD', 1),"
            " (2, 'linear', '2026Q3', 'Paid Search', 2, 0, 85050, 'USD', 0.68),"
            " (2, 'linear', '2026Q3', 'Email', 1, 0, 40000, 'USD', 0.32),"
            " (2, 'linear', '2026Q3', 'Social' || char(13, 10) || 'X', 1, 0, 1, 'USD', 0.000008),"
            " (2, 'linear', '2026Q3', 'Zeta', 1, 0, 0, 'USD', 0),"
            " (2, 'linear', '2026Q3', '(unattributed)', 1, 0, 10000, 'USD', 0.074),"
            " (2, 'linear', '2026Q2', 'Paid Search', 1, 0, 777, 'USD', 1),"
            " (2, 'first_touch', '2026Q3', 'Paid Search', 2, 0, 125051, 'USD', 1),"
            " (3, 'linear', '2026Q3', 'Pipeline', 2, 0, 600050, 'USD', 1),"
            " (4, 'linear', '2026Q3', 'Failed', 2, 0, 1, 'USD', 1);"
            "INSERT INTO rollup_period(run_id, model, period, deals, attributed_deals,"
            " unattributed_deals, null_amount_deals, booked_minor, credited_minor,"
            " unattributed_minor, currency) VALUES"
            " (2, 'linear', '2026Q3', 3, 2, 1, 1, 135051, 125051, 10000, 'USD'),"
            " (2, 'first_touch', '2026Q3', 3, 2, 1, 1, 135051, 125051, 10000, 'USD'),"
            " (2, 'linear', '2026Q2', 1, 1, 0, 0, 777, 777, 0, 'USD'),"
            " (3, 'linear', '2026Q3', 2, 2, 0, 0, 600050, 600050, 0, 'USD');"
            "INSERT INTO spend(date, source_system, campaign_id, cost_micros, currency) VALUES"
            " ('2026-07-03', 'g', 'A', 100000000, 'USD'), ('2026-07-04', 'g', 'A', 50250000, 'USD'),"
            " ('2026-08-01', 'g', 'B', 20000000, 'USD'), ('2026-10-01', 'g', 'C', 999000000, 'USD'),"
            " ('2026-06-30', 'g', 'A', 340500000, 'USD');",
            &err),
        ALLOT_OK);
}

static void headlines_from_the_database(void **state)
{
    (void)state;
    char path[64];
    sqlite3 *db = open_db(path);
    fill(db);
    allot_pack_headlines h;
    allot_error err;
    assert_int_equal(allot_pack_headlines_load(db, &q3, NULL, "linear", "USD", NULL, &h, &err),
                     ALLOT_OK);
    assert_int_equal(h.n_sections, 4);
    const allot_pack_section *won = &h.sections[0];
    assert_int_equal(won->n_lines, 3);
    assert_string_equal(won->lines[0].label, "EUR");
    assert_string_equal(won->lines[0].value, "EUR 10.00 from 1 deal");
    assert_string_equal(won->lines[1].label, "USD");
    assert_string_equal(won->lines[1].value, "USD 1,250.50 from 2 deals");
    assert_string_equal(won->lines[2].label, "won deals without an amount");
    assert_string_equal(won->lines[2].value, "1 (counted, not summed)");
    const allot_pack_section *pipe = &h.sections[1];
    assert_int_equal(pipe->n_lines, 1);
    assert_string_equal(pipe->lines[0].value, "USD 6,000.50 in 2 new deals");
    const allot_pack_section *credit = &h.sections[2];
    assert_string_equal(credit->title, "Credited revenue by channel (linear model, run 2)");
    assert_int_equal(credit->n_lines, 6);
    assert_string_equal(credit->lines[0].label, "Paid Search");
    assert_string_equal(credit->lines[0].value, "USD 850.50 (68.0 % of booked)");
    assert_string_equal(credit->lines[1].label, "Email");
    assert_string_equal(credit->lines[1].value, "USD 400.00 (32.0 % of booked)");
    assert_string_equal(credit->lines[2].label, "Social  X"); /* CR LF from data: spaces */
    assert_string_equal(credit->lines[2].value, "USD 0.01 (0.0 % of booked)");
    assert_string_equal(credit->lines[3].label, "Zeta");
    assert_string_equal(credit->lines[4].label, "reconciliation");
    assert_string_equal(credit->lines[4].value,
                        "USD 1,350.51 booked = USD 1,250.51 credited + USD 100.00 unattributed");
    assert_string_equal(credit->lines[5].label, "converting deals without an amount");
    assert_string_equal(credit->lines[5].value, "1 (counted, not summed)");
    allot_pack_headlines f;
    assert_int_equal(
        allot_pack_headlines_load(db, &q3, NULL, "first_touch", "USD", NULL, &f, &err),
                     ALLOT_OK);
    assert_string_equal(f.sections[2].title,
                        "Credited revenue by channel (first_touch model, run 2)");
    assert_string_equal(f.sections[2].lines[0].value, "USD 1,250.51 (100.0 % of booked)");
    /* a model the run lacks: the run's first model by name */
    assert_int_equal(allot_pack_headlines_load(db, &q3, NULL, "markov", "USD", NULL, &f, &err),
                     ALLOT_OK);
    assert_string_equal(f.sections[2].title,
                        "Credited revenue by channel (first_touch model, run 2)");
    const allot_pack_section *spend = &h.sections[3];
    assert_int_equal(spend->n_lines, 1);
    assert_string_equal(spend->lines[0].value, "USD 170.25 across 2 campaigns");
    close_db(db, path);
}

static void compares_with_the_prior_period(void **state)
{
    (void)state;
    char path[64];
    sqlite3 *db = open_db(path);
    fill(db);
    allot_pack_headlines h;
    allot_error err;
    assert_int_equal(allot_pack_headlines_load(db, &q3, &q2, "linear", "USD", NULL, &h, &err),
                     ALLOT_OK);
    assert_string_equal(h.sections[0].lines[0].value, "EUR 10.00 from 1 deal (2026Q2: none)");
    assert_string_equal(h.sections[0].lines[1].value,
                        "USD 1,250.50 from 2 deals (2026Q2: USD 1,000.40, +25.0 %)");
    assert_string_equal(h.sections[0].lines[2].label, "won deals without an amount");
    assert_int_equal(h.sections[1].n_lines, 3);
    assert_string_equal(h.sections[1].lines[0].label, "EUR");
    assert_string_equal(h.sections[1].lines[0].value, "none (2026Q2: EUR 10.00)");
    assert_string_equal(h.sections[1].lines[1].value,
                        "USD 6,000.50 in 2 new deals (2026Q2: USD 2,249.40, +166.8 %)");
    /* EUR in USD needs a rate the fixture lacks: the line says so */
    assert_string_equal(h.sections[1].lines[2].label,
                        "all in USD, each deal at its creation day's rate");
    assert_string_equal(h.sections[1].lines[2].value,
                        "not available: no fx rate for EUR on 2026-05-01; load an fx_rates row "
                        "(currency EUR, start_date <= 2026-05-01 < end_date, rate in USD per "
                        "EUR)");
    assert_string_equal(h.sections[3].lines[0].value,
                        "USD 170.25 across 2 campaigns (2026Q2: USD 340.50, -50.0 %)");
    close_db(db, path);
}

/* A year adds up the quarters of the credit run that lie inside it (run 2,
 * linear: 2026Q2 and 2026Q3; run 3 is pipeline, run 4 failed):
 * booked 135051 + 777 = 135828 = credited 125051 + 777 = 125828 +
 * unattributed 10000; Paid Search 85050 + 777 = 85827, share 85827 / 135828
 * = 0.63188 -> 63.2 %; Email 40000 / 135828 = 0.29449 -> 29.4 %. A month
 * holds no quarter: the section says credit is by quarter (it said "no
 * credit run", and a year's pack had no credit section at all). */
static void credit_of_a_year_adds_its_quarters(void **state)
{
    (void)state;
    char path[64];
    sqlite3 *db = open_db(path);
    fill(db);
    allot_pack_headlines h;
    allot_error err;
    static const allot_pack_period year = {"2026", "2026-01-01", "2027-01-01"};
    assert_int_equal(allot_pack_headlines_load(db, &year, NULL, "linear", "USD", NULL, &h, &err),
                     ALLOT_OK);
    const allot_pack_section *credit = &h.sections[2];
    assert_string_equal(credit->title,
                        "Credited revenue by channel (linear model, run 2, 2026Q2-2026Q3)");
    assert_int_equal(credit->n_lines, 6);
    assert_string_equal(credit->lines[0].label, "Paid Search");
    assert_string_equal(credit->lines[0].value, "USD 858.27 (63.2 % of booked)");
    assert_string_equal(credit->lines[1].label, "Email");
    assert_string_equal(credit->lines[1].value, "USD 400.00 (29.4 % of booked)");
    assert_string_equal(credit->lines[4].label, "reconciliation");
    assert_string_equal(credit->lines[4].value,
                        "USD 1,358.28 booked = USD 1,258.28 credited + USD 100.00 unattributed");
    assert_string_equal(credit->lines[5].value, "1 (counted, not summed)");
    static const allot_pack_period july = {"2026-07", "2026-07-01", "2026-08-01"};
    assert_int_equal(allot_pack_headlines_load(db, &july, NULL, "linear", "USD", NULL, &h, &err),
                     ALLOT_OK);
    assert_int_equal(h.sections[2].n_lines, 0);
    assert_string_equal(h.sections[2].missing,
                        "credit is rolled up by quarter and no quarter of a credit run lies "
                        "within 2026-07 (the workbook's ledger has every deal)");
    close_db(db, path);
}

/* The credit section reads the run in the reporting currency, as the
 * workbook and the PDF it travels with: run 5 (EUR, later than run 2) for
 * EUR, still run 2 for USD; with no run in the currency it says which run
 * exists instead of showing another currency's credit. */
static void credit_in_the_reporting_currency(void **state)
{
    (void)state;
    char path[64];
    sqlite3 *db = open_db(path);
    fill(db);
    allot_pack_headlines h;
    allot_error err;
    assert_int_equal(allot_pack_headlines_load(db, &q3, NULL, "linear", "EUR", NULL, &h, &err),
                     ALLOT_OK);
    assert_int_equal(h.sections[2].n_lines, 0);
    assert_string_equal(h.sections[2].missing,
                        "no credit run in EUR for 2026Q3 (credit run 2 is in USD): run "
                        "allot-credit --currency EUR");
    assert_int_equal(
        allot_store_exec(
            db,
            "INSERT INTO runs(run_id, tool, version, parameters, input_hash, started_at, status)"
            " VALUES (5, 'allot-credit', 't', 'currency=EUR;event=revenue', '', 4, 'ok');"
            "INSERT INTO rollup_channel(run_id, model, period, channel, deals, null_amount_deals,"
            " credited_minor, currency, share) VALUES"
            " (5, 'linear', '2026Q3', 'Paid Search', 2, 0, 90000, 'EUR', 0.9);"
            "INSERT INTO rollup_period(run_id, model, period, deals, attributed_deals,"
            " unattributed_deals, null_amount_deals, booked_minor, credited_minor,"
            " unattributed_minor, currency) VALUES"
            " (5, 'linear', '2026Q3', 2, 2, 0, 0, 100000, 90000, 10000, 'EUR');",
            &err),
        ALLOT_OK);
    assert_int_equal(allot_pack_headlines_load(db, &q3, NULL, "linear", "EUR", NULL, &h, &err),
                     ALLOT_OK);
    assert_string_equal(h.sections[2].title, "Credited revenue by channel (linear model, run 5)");
    assert_string_equal(h.sections[2].lines[0].value, "EUR 900.00 (90.0 % of booked)");
    assert_string_equal(h.sections[2].lines[1].value,
                        "EUR 1,000.00 booked = EUR 900.00 credited + EUR 100.00 unattributed");
    assert_int_equal(allot_pack_headlines_load(db, &q3, NULL, "linear", "USD", NULL, &h, &err),
                     ALLOT_OK);
    assert_string_equal(h.sections[2].title, "Credited revenue by channel (linear model, run 2)");
    close_db(db, path);
}

/* Spend (and pipeline) in two currencies adds up in the reporting currency by the rule of
 * the workbook and the PDF: each row converted at its day's rate to micros,
 * the micros added, rounded once. Two EUR 0.05 rows in 2026Q3 at 1.1 USD
 * per EUR are USD 0.055 each (55 000 micros); with the fixture's USD
 * 170.25 the quarter is 170.360000 -> USD 170.36 (each row's cents, 0.06 +
 * 0.06 + 170.25, would give 170.37). 2026Q2 is USD 340.50 alone; change
 * 170.36 / 340.50 - 1 = -0.49967 -> -50.0 %. A day without a rate (EUR on
 * 2026-08-15, past the table's rows) makes the line say so. */
static void spend_adds_up_in_the_reporting_currency(void **state)
{
    (void)state;
    char path[64];
    sqlite3 *db = open_db(path);
    fill(db);
    allot_error err;
    assert_int_equal(
        allot_store_exec(
            db,
            "INSERT INTO fx_rates(currency, start_date, end_date, rate) VALUES"
            " ('EUR', '2026-04-01', '2026-08-01', 1.1);"
            "INSERT INTO spend(date, source_system, campaign_id, cost_micros, currency) VALUES"
            " ('2026-07-05', 'm', 'E', 50000, 'EUR'), ('2026-07-06', 'm', 'E', 50000, 'EUR');",
            &err),
        ALLOT_OK);
    allot_pack_headlines h;
    assert_int_equal(allot_pack_headlines_load(db, &q3, &q2, "linear", "USD", NULL, &h, &err),
                     ALLOT_OK);
    const allot_pack_section *spend = &h.sections[3];
    assert_int_equal(spend->n_lines, 3);
    assert_string_equal(spend->lines[0].value, "EUR 0.10 across 1 campaign (2026Q2: none)");
    assert_string_equal(spend->lines[1].value,
                        "USD 170.25 across 2 campaigns (2026Q2: USD 340.50, -50.0 %)");
    assert_string_equal(spend->lines[2].label, "all in USD, each row at its day's rate");
    assert_string_equal(spend->lines[2].value, "USD 170.36 (2026Q2: USD 340.50, -50.0 %)");
    /* Pipeline in USD, each deal at its creation day's rate: 2026Q3 has the
     * USD deals alone, 6,000.50; 2026Q2 adds d5, EUR 10.00 created 05-01
     * at 1.1 = USD 11.00, to 2,249.40: 2,260.40; 6000.50 / 2260.40 - 1 =
     * 1.65462 -> +165.5 % (d5 closes 08-02, but pipeline is its value
     * when created). */
    const allot_pack_section *pipe = &h.sections[1];
    assert_int_equal(pipe->n_lines, 3);
    assert_string_equal(pipe->lines[2].label, "all in USD, each deal at its creation day's rate");
    assert_string_equal(pipe->lines[2].value, "USD 6,000.50 (2026Q2: USD 2,260.40, +165.5 %)");
    /* without a prior period, the figure alone */
    assert_int_equal(allot_pack_headlines_load(db, &q3, NULL, "linear", "USD", NULL, &h, &err),
                     ALLOT_OK);
    assert_string_equal(h.sections[3].lines[2].value, "USD 170.36");
    /* a missing rate: said on the line, the rest of the pack as usual */
    assert_int_equal(allot_store_exec(db,
                                      "INSERT INTO spend(date, source_system, campaign_id,"
                                      " cost_micros, currency) VALUES"
                                      " ('2026-08-15', 'm', 'E', 1000000, 'EUR')",
                                      &err),
                     ALLOT_OK);
    assert_int_equal(allot_pack_headlines_load(db, &q3, &q2, "linear", "USD", NULL, &h, &err),
                     ALLOT_OK);
    assert_int_equal(h.sections[3].n_lines, 3);
    assert_non_null(strstr(h.sections[3].lines[2].value, "not available: "));
    assert_non_null(strstr(h.sections[3].lines[2].value, "2026-08-15"));
    assert_int_equal(h.sections[2].n_lines, 6); /* credit as before */
    close_db(db, path);
}

static void sections_degrade_one_by_one(void **state)
{
    (void)state;
    char path[64];
    sqlite3 *db = open_db(path);
    allot_pack_headlines h;
    allot_error err;
    assert_int_equal(allot_pack_headlines_load(db, &q3, NULL, "linear", "USD", NULL, &h, &err),
                     ALLOT_OK);
    assert_int_equal(h.n_sections, 4);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(h.sections[i].n_lines, 0);
    assert_string_equal(h.sections[0].missing, "no deals won in 2026Q3");
    assert_string_equal(h.sections[1].missing, "no deals created in 2026Q3");
    assert_string_equal(h.sections[2].missing, "no credit run for 2026Q3 yet (run allot-credit)");
    assert_string_equal(h.sections[3].missing, "no spend loaded for 2026Q3");
    close_db(db, path);
    /* no database at all */
    assert_int_equal(allot_pack_headlines_load(NULL, &q3, NULL, NULL, NULL, NULL, &h, &err),
                     ALLOT_OK);
    assert_string_equal(h.sections[2].missing, "no database: the figures are in the attachments");
}

/* A line keeps a value as long as the restatement line of a large company
 * with a long model name (164 characters here; 159 was the old limit, which
 * cut the allot-restate command off such lines). */
static void a_long_line_is_kept_whole(void **state)
{
    (void)state;
    const char *value = "USD 1,120,555,262.47 booked then, USD 1,120,602,112.47 now "
                        "(+USD 46,850.00); credit changed in 11 channels "
                        "(allot-restate --from 13 --to 17 --model last_non_direct)";
    assert_true(strlen(value) > 160);
    allot_pack_section s;
    memset(&s, 0, sizeof s);
    allot_pack_add_line(&s, "restated since run 13", value);
    assert_int_equal(s.n_lines, 1);
    assert_string_equal(s.lines[0].value, value);
}

static void body_text_is_exact(void **state)
{
    (void)state;
    allot_pack_headlines h = {0};
    allot_pack_section *s = allot_pack_add_section(&h, "Revenue won");
    allot_pack_add_line(s, "USD", "USD 1,250.50 from 2 deals");
    s = allot_pack_add_section(&h, "Spend");
    snprintf(s->missing, sizeof s->missing, "no spend loaded for 2026Q3");
    allot_pack_item items[] = {{"allot-pack.pdf", 123456, "the report"},
                               {"funnel.png", 999, NULL},
                               {"big.xlsx", 2500000, NULL}};
    const char *notes[] = {"allot-report.xlsx: not found in out (run allot-xlsx first)"};
    char *t = allot_pack_body_text("allot report pack for 2026Q3", &h, items, 3, notes, 1);
    assert_string_equal(t, "allot report pack for 2026Q3\n"
                           "\n"
                           "Revenue won\n"
                           "  USD: USD 1,250.50 from 2 deals\n"
                           "\n"
                           "Spend\n"
                           "  (not available: no spend loaded for 2026Q3)\n"
                           "\n"
                           "Attached\n"
                           "  allot-pack.pdf (123.5 kB): the report\n"
                           "  funnel.png (999 bytes)\n"
                           "  big.xlsx (2.5 MB)\n"
                           "\n"
                           "Not attached\n"
                           "  allot-report.xlsx: not found in out (run allot-xlsx first)\n"
                           "\n"
                           "The figures come from the allot database; the workbook has every figure,\n"
                           "its definition and the reconciliation to booked revenue.\n");
    free(t);
    /* a cut never leaves half a UTF-8 character; control characters go */
    allot_pack_headlines g = {0};
    s = allot_pack_add_section(&g, "x");
    char label[200];
    memset(label, 'a', 78);
    strcpy(label + 78, "\xC3\xA9\xC3\xA9"); /* "éé" straddles the 79-byte limit */
    allot_pack_add_line(s, label, "v\tw");
    assert_int_equal(strlen(s->lines[0].label), 78);
    assert_string_equal(s->lines[0].value, "v w");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(headlines_from_the_database),
        cmocka_unit_test(compares_with_the_prior_period),
        cmocka_unit_test(credit_of_a_year_adds_its_quarters),
        cmocka_unit_test(credit_in_the_reporting_currency),
        cmocka_unit_test(spend_adds_up_in_the_reporting_currency),
        cmocka_unit_test(sections_degrade_one_by_one),
        cmocka_unit_test(body_text_is_exact),
        cmocka_unit_test(a_long_line_is_kept_whole),
    };
    return cmocka_run_group_tests_name("pack", tests, NULL, NULL);
}
