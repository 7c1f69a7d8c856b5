/* Field value parsers: numbers, money, integers, booleans, dates and
 * timestamps. Expected epoch seconds come from GNU date; the command is
 * next to each value. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "value.h"

static const char *number(const char *s, int decimal_comma)
{
    static allot_number n;
    allot_value_result r = allot_value_parse_number(s, decimal_comma, &n, NULL);
    if (r == ALLOT_VALUE_NULL)
        return "NULL";
    if (r == ALLOT_VALUE_INVALID)
        return "INVALID";
    return n.text;
}

static void null_tokens(void **state)
{
    (void)state;
    static const char *const nulls[] = {"", "  ", "--", " -- ", "-", "N/A", "n/a", "#N/A",
                                        "NULL", "null", "(not set)", "\xC2\xA0"};
    for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++) {
        assert_int_equal(allot_value_is_null(nulls[i]), 1);
        assert_string_equal(number(nulls[i], 0), "NULL");
    }
    assert_int_equal(allot_value_is_null("0"), 0);
    assert_int_equal(allot_value_is_null("NA"), 0);
}

static void numbers_with_separators(void **state)
{
    (void)state;
    assert_string_equal(number("1234.56", 0), "1234.56");
    assert_string_equal(number("1,234.56", 0), "1234.56");
    assert_string_equal(number("1,234,567", 0), "1234567");
    assert_string_equal(number("1.234,56", 1), "1234.56");
    assert_string_equal(number("1.234.567", 1), "1234567");
    assert_string_equal(number("1 234,56", 1), "1234.56");
    assert_string_equal(number("1\xC2\xA0" "234,56", 1), "1234.56");         /* NBSP */
    assert_string_equal(number("1\xE2\x80\xAF" "234\xE2\x80\xAF" "567", 0), "1234567"); /* U+202F */
    assert_string_equal(number("1'234.50", 0), "1234.50");
    assert_string_equal(number("1,23,456.00", 0), "123456.00");   /* Indian grouping */
    /* Both separators: the last one is the decimal one, whatever the setting. */
    assert_string_equal(number("1.234,56", 0), "1234.56");
    assert_string_equal(number("1,234.56", 1), "1234.56");
    assert_string_equal(number("0,5", 1), "0.5");
    assert_string_equal(number(",5", 1), "0.5");
    assert_string_equal(number(".5", 0), "0.5");
    assert_string_equal(number("007", 0), "7");
    assert_string_equal(number("-0", 0), "-0");
    /* Ambiguous or malformed grouping is refused, not guessed. */
    assert_string_equal(number("1,5", 0), "INVALID");
    assert_string_equal(number("1,2345", 0), "INVALID");
    /* The reason names the flag that reads it the other way: a decimal point
     * in a ';' file (decimal comma by default) wants --decimal-point. */
    {
        allot_number n;
        const char *why = NULL;
        assert_int_equal(allot_value_parse_number("1.0842", 1, &n, &why), ALLOT_VALUE_INVALID);
        assert_non_null(why);
        assert_non_null(strstr(why, "use --decimal-point"));
        why = NULL;
        assert_int_equal(allot_value_parse_number("1,0842", 0, &n, &why), ALLOT_VALUE_INVALID);
        assert_non_null(why);
        assert_non_null(strstr(why, "use --decimal-comma"));
    }
    assert_string_equal(number("12,34,567.5", 1), "1234567.5");  /* Indian grouping */
    assert_string_equal(number("12,3,567.5", 1), "INVALID");
    assert_string_equal(number("1,234,56,789", 0), "INVALID");
    assert_string_equal(number("1.234.56", 0), "INVALID");
    assert_string_equal(number("1,234 567", 0), "INVALID");
    assert_string_equal(number("1.2.3,4", 0), "INVALID");
    assert_string_equal(number("abc", 0), "INVALID");
    assert_string_equal(number("12abc", 0), "INVALID");
    assert_string_equal(number("1 2", 0), "INVALID");
    assert_string_equal(number("--5", 0), "INVALID");
}

static void signs_symbols_and_codes(void **state)
{
    (void)state;
    allot_number n;
    assert_int_equal(allot_value_parse_number("-$1,234.50", 0, &n, NULL), ALLOT_VALUE_OK);
    assert_string_equal(n.text, "-1234.50");
    assert_string_equal(n.symbol, "$");
    assert_string_equal(n.currency, "");          /* "$" alone names no currency */
    assert_int_equal(allot_value_parse_number("$-5", 0, &n, NULL), ALLOT_VALUE_OK);
    assert_string_equal(n.text, "-5");
    assert_int_equal(allot_value_parse_number("(1,234.50)", 0, &n, NULL), ALLOT_VALUE_OK);
    assert_string_equal(n.text, "-1234.50");
    assert_int_equal(allot_value_parse_number("75-", 0, &n, NULL), ALLOT_VALUE_OK);
    assert_string_equal(n.text, "-75");
    assert_int_equal(allot_value_parse_number("1.234,50 \xE2\x82\xAC", 1, &n, NULL),
                     ALLOT_VALUE_OK);
    assert_string_equal(n.text, "1234.50");
    assert_string_equal(n.currency, "EUR");
    assert_int_equal(allot_value_parse_number("USD 5", 0, &n, NULL), ALLOT_VALUE_OK);
    assert_string_equal(n.text, "5");
    assert_string_equal(n.currency, "USD");
    assert_int_equal(allot_value_parse_number("5 GBP", 0, &n, NULL), ALLOT_VALUE_OK);
    assert_string_equal(n.currency, "GBP");
    assert_int_equal(allot_value_parse_number("\xC2\xA3" "12", 0, &n, NULL), ALLOT_VALUE_OK);
    assert_string_equal(n.currency, "GBP");
    assert_int_equal(allot_value_parse_number("R$ 1.000,00", 1, &n, NULL), ALLOT_VALUE_OK);
    assert_string_equal(n.text, "1000.00");
    assert_string_equal(n.currency, "BRL");
    assert_int_equal(allot_value_parse_number("US$7", 0, &n, NULL), ALLOT_VALUE_OK);
    assert_string_equal(n.currency, "USD");
    assert_int_equal(allot_value_parse_number("12.5%", 0, &n, NULL), ALLOT_VALUE_OK);
    assert_string_equal(n.text, "12.5");
    assert_int_equal(n.percent, 1);
    assert_int_equal(allot_value_parse_number("ABC 5", 0, &n, NULL), ALLOT_VALUE_INVALID);
    assert_int_equal(allot_value_parse_number("(5", 0, &n, NULL), ALLOT_VALUE_INVALID);
}

static void money_is_exact_micros(void **state)
{
    (void)state;
    int64_t m;
    char cur[4];
    assert_int_equal(allot_value_parse_money("48,000.00", 0, &m, cur, NULL), ALLOT_VALUE_OK);
    assert_int_equal(m, INT64_C(48000000000));
    assert_string_equal(cur, "");
    assert_int_equal(allot_value_parse_money("0.000001", 0, &m, cur, NULL), ALLOT_VALUE_OK);
    assert_int_equal(m, 1);
    assert_int_equal(allot_value_parse_money("-1.234,5 EUR", 1, &m, cur, NULL), ALLOT_VALUE_OK);
    assert_int_equal(m, -1234500000);
    assert_string_equal(cur, "EUR");
    assert_int_equal(allot_value_parse_money("--", 0, &m, cur, NULL), ALLOT_VALUE_NULL);
    const char *why = NULL;
    assert_int_equal(allot_value_parse_money("0.0000001", 0, &m, cur, &why), ALLOT_VALUE_INVALID);
    assert_string_equal(why, "amount has more than 6 decimals or is too large");
    assert_int_equal(allot_value_parse_money("10%", 0, &m, cur, &why), ALLOT_VALUE_INVALID);
    assert_int_equal(allot_value_parse_money("1e3", 0, &m, cur, &why), ALLOT_VALUE_INVALID);
    assert_int_equal(allot_value_parse_money("9223372036854.775807", 0, &m, cur, NULL),
                     ALLOT_VALUE_OK);
    assert_int_equal(m, INT64_MAX);
    assert_int_equal(allot_value_parse_money("9,223,372,036,854.775808", 0, &m, cur, NULL),
                     ALLOT_VALUE_INVALID);
}

static void integers_reals_booleans(void **state)
{
    (void)state;
    int64_t i;
    assert_int_equal(allot_value_parse_int("10,233", 0, &i, NULL), ALLOT_VALUE_OK);
    assert_int_equal(i, 10233);
    assert_int_equal(allot_value_parse_int("12.00", 0, &i, NULL), ALLOT_VALUE_OK);
    assert_int_equal(i, 12);
    assert_int_equal(allot_value_parse_int("-9223372036854775808", 0, &i, NULL), ALLOT_VALUE_OK);
    assert_int_equal(i, INT64_MIN);
    assert_int_equal(allot_value_parse_int("9223372036854775808", 0, &i, NULL),
                     ALLOT_VALUE_INVALID);
    assert_int_equal(allot_value_parse_int("12.5", 0, &i, NULL), ALLOT_VALUE_INVALID);
    assert_int_equal(allot_value_parse_int("$12", 0, &i, NULL), ALLOT_VALUE_INVALID);
    double d;
    assert_int_equal(allot_value_parse_real("4,5", 1, &d, NULL), ALLOT_VALUE_OK);
    assert_true(d == 4.5);
    assert_int_equal(allot_value_parse_real("2.5e3", 0, &d, NULL), ALLOT_VALUE_OK);
    assert_true(d == 2500.0);
    assert_int_equal(allot_value_parse_real("1e999", 0, &d, NULL), ALLOT_VALUE_INVALID);
    int b;
    /* The localised words are what LibreOffice 7 writes for TRUE/FALSE when
     * it saves a CSV in de-DE, fr-FR, es-ES, it-IT, nl-NL (checked with
     * soffice --convert-to csv under each LANG), and Excel's names of the
     * TRUE()/FALSE() functions in those languages and Portuguese. */
    static const char *const yes[] = {"true", "TRUE", "t", "Yes", "y", "1", " true ",
                                      "WAHR", "VRAI", "VERDADERO", "VERO", "WAAR",
                                      "VERDADEIRO", "wahr"};
    static const char *const no[] = {"false", "False", "f", "NO", "n", "0",
                                     "FALSCH", "FAUX", "FALSO", "ONWAAR", "falsch"};
    for (size_t k = 0; k < sizeof yes / sizeof yes[0]; k++) {
        assert_int_equal(allot_value_parse_bool(yes[k], &b, NULL), ALLOT_VALUE_OK);
        assert_int_equal(b, 1);
    }
    for (size_t k = 0; k < sizeof no / sizeof no[0]; k++) {
        assert_int_equal(allot_value_parse_bool(no[k], &b, NULL), ALLOT_VALUE_OK);
        assert_int_equal(b, 0);
    }
    assert_int_equal(allot_value_parse_bool("maybe", &b, NULL), ALLOT_VALUE_INVALID);
    assert_int_equal(allot_value_parse_bool("WAHRE", &b, NULL), ALLOT_VALUE_INVALID);
    assert_int_equal(allot_value_parse_bool("", &b, NULL), ALLOT_VALUE_NULL);
}

/* A French Excel's thousands separator (U+202F) saved as Windows-1252
 * becomes '?': the reason says so instead of only "not a number". */
static void lost_thousands_separator(void **state)
{
    (void)state;
    allot_number n;
    const char *why = NULL;
    static const char lost[] = "not a number: a '?' or U+FFFD stands between digits, where a "
                               "thousands separator was lost when the file was saved in an "
                               "encoding without it (save it again as CSV UTF-8)";
    assert_int_equal(allot_value_parse_number("48?000,00", 1, &n, &why), ALLOT_VALUE_INVALID);
    assert_string_equal(why, lost);
    why = NULL;
    assert_int_equal(allot_value_parse_number("1\xEF\xBF\xBD" "250", 1, &n, &why),
                     ALLOT_VALUE_INVALID);
    assert_string_equal(why, lost);
    why = NULL;
    assert_int_equal(allot_value_parse_number("12?", 1, &n, &why), ALLOT_VALUE_INVALID);
    assert_string_equal(why, "not a number");
}

static const char *date(const char *s, allot_date_order order)
{
    static char out[11];
    allot_value_result r = allot_value_parse_date(s, order, out, NULL);
    return r == ALLOT_VALUE_OK ? out : r == ALLOT_VALUE_NULL ? "NULL" : "INVALID";
}

static void civil_dates(void **state)
{
    (void)state;
    assert_string_equal(date("2026-03-01", ALLOT_DATE_AUTO), "2026-03-01");
    assert_string_equal(date("2026/3/1", ALLOT_DATE_AUTO), "2026-03-01");
    assert_string_equal(date("2026.03.01", ALLOT_DATE_AUTO), "2026-03-01");
    assert_string_equal(date("20260301", ALLOT_DATE_AUTO), "2026-03-01");
    assert_string_equal(date("3/1/2026", ALLOT_DATE_MDY), "2026-03-01");
    assert_string_equal(date("3/1/2026", ALLOT_DATE_DMY), "2026-01-03");
    assert_string_equal(date("31.12.2026", ALLOT_DATE_DMY), "2026-12-31");
    assert_string_equal(date("12-31-26", ALLOT_DATE_MDY), "2026-12-31");
    assert_string_equal(date("13/1/2026", ALLOT_DATE_AUTO), "2026-01-13");
    assert_string_equal(date("1/13/2026", ALLOT_DATE_AUTO), "2026-01-13");
    assert_string_equal(date("1/2/2026", ALLOT_DATE_AUTO), "INVALID");   /* ambiguous */
    /* A time after an ISO date is ignored: the civil date is never shifted. */
    assert_string_equal(date("2026-03-01T23:30:00-08:00", ALLOT_DATE_AUTO), "2026-03-01");
    assert_string_equal(date("2024-02-29", ALLOT_DATE_AUTO), "2024-02-29");
    assert_string_equal(date("2026-02-29", ALLOT_DATE_AUTO), "INVALID");
    assert_string_equal(date("2026-02-30", ALLOT_DATE_AUTO), "INVALID");
    assert_string_equal(date("1900-02-29", ALLOT_DATE_AUTO), "INVALID");
    assert_string_equal(date("2000-02-29", ALLOT_DATE_AUTO), "2000-02-29");
    assert_string_equal(date("2026-13-01", ALLOT_DATE_AUTO), "INVALID");
    assert_string_equal(date("2026-04-31", ALLOT_DATE_AUTO), "INVALID");
    assert_string_equal(date("13/13/2026", ALLOT_DATE_AUTO), "INVALID");
    assert_string_equal(date("3/1/226", ALLOT_DATE_MDY), "INVALID");
    assert_string_equal(date("2026-03-01x", ALLOT_DATE_AUTO), "INVALID");
    assert_string_equal(date("N/A", ALLOT_DATE_AUTO), "NULL");
    /* With the month's English name (a spreadsheet's d-mmm-yy, a report's
     * "Jan 7, 2026"): never ambiguous, whatever the order given. */
    assert_string_equal(date("Jan 7, 2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("January 7 2026", ALLOT_DATE_DMY), "2026-01-07");
    assert_string_equal(date("SEPT. 30, 2026", ALLOT_DATE_AUTO), "2026-09-30");
    assert_string_equal(date("7 Jan 2026", ALLOT_DATE_MDY), "2026-01-07");
    assert_string_equal(date("07-Jan-2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("7-jan-26", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("31/Dec/2026", ALLOT_DATE_AUTO), "2026-12-31");
    assert_string_equal(date("1 May 2026", ALLOT_DATE_AUTO), "2026-05-01");
    assert_string_equal(date("Feb 29, 2026", ALLOT_DATE_AUTO), "INVALID");  /* not a leap year */
    assert_string_equal(date("29 Feb 2024", ALLOT_DATE_AUTO), "2024-02-29");
    assert_string_equal(date("Ja 7, 2026", ALLOT_DATE_AUTO), "INVALID");    /* 2 letters */
    assert_string_equal(date("Mayday 7, 2026", ALLOT_DATE_AUTO), "INVALID");
    assert_string_equal(date("7-Jan 2026", ALLOT_DATE_AUTO), "INVALID");    /* mixed separators */
    assert_string_equal(date("Jan 7, 26", ALLOT_DATE_AUTO), "INVALID");     /* month first: 4-digit year */
    assert_string_equal(date("Jan 7, 2026x", ALLOT_DATE_AUTO), "INVALID");
    assert_string_equal(date("7 Jan 202", ALLOT_DATE_AUTO), "INVALID");
}

static int64_t ts(const char *s, allot_date_order order)
{
    int64_t v = INT64_MIN;
    allot_value_result r = allot_value_parse_timestamp(s, order, &v, NULL);
    return r == ALLOT_VALUE_OK ? v : r == ALLOT_VALUE_NULL ? -999 : -888;
}

static void timestamps_to_epoch_seconds(void **state)
{
    (void)state;
    /* date -u -d 2026-03-01T09:30:00Z +%s -> 1772357400 */
    assert_int_equal(ts("2026-03-01T09:30:00Z", 0), 1772357400);
    assert_int_equal(ts("2026-03-01 09:30:00", 0), 1772357400);       /* no offset: UTC */
    assert_int_equal(ts("2026-03-01T09:30:00 UTC", 0), 1772357400);
    assert_int_equal(ts("2026-03-01T09:30:00.987654Z", 0), 1772357400);
    assert_int_equal(ts("2026-03-01T09:30Z", 0), 1772357400);
    /* date -u -d 2026-03-01T09:30:00+05:30 +%s -> 1772337600 */
    assert_int_equal(ts("2026-03-01T09:30:00+05:30", 0), 1772337600);
    assert_int_equal(ts("2026-03-01T09:30:00+0530", 0), 1772337600);
    /* date -u -d 2026-03-01T09:30:00-0800 +%s -> 1772386200 */
    assert_int_equal(ts("2026-03-01T09:30:00-08:00", 0), 1772386200);
    /* date -u -d '2026-03-01 09:30:00+01' +%s -> 1772353800 */
    assert_int_equal(ts("2026-03-01 09:30:00+01", 0), 1772353800);
    /* date -u -d 2026-03-01 +%s -> 1772323200 */
    assert_int_equal(ts("2026-03-01", 0), 1772323200);
    assert_int_equal(ts("20260301", 0), 1772323200);
    /* date -u -d 2024-02-29T23:59:59Z +%s -> 1709251199 */
    assert_int_equal(ts("2024-02-29T23:59:59Z", 0), 1709251199);
    assert_int_equal(ts("1970-01-01T00:00:00Z", 0), 0);
    /* date -u -d 1969-12-31T23:59:59Z +%s -> -1 */
    assert_int_equal(ts("1969-12-31T23:59:59Z", 0), -1);
    /* date -u -d 2000-03-01T12:00:00Z +%s -> 951912000 */
    assert_int_equal(ts("2000-03-01T12:00:00Z", 0), 951912000);
    /* Slash dates with 12-hour times. date -u -d 2026-03-04T14:05:00Z +%s -> 1772633100 */
    assert_int_equal(ts("3/4/2026 2:05 PM", ALLOT_DATE_MDY), 1772633100);
    assert_int_equal(ts("4/3/2026 14:05", ALLOT_DATE_DMY), 1772633100);
    assert_int_equal(ts("3/4/2026 12:00 AM", ALLOT_DATE_MDY), 1772582400);  /* midnight: 1772633100 - 14*3600 - 300 */
    /* date -u -d 2026-01-01T12:00:00Z +%s -> 1767268800 */
    assert_int_equal(ts("1/1/2026 12:00:00 PM", ALLOT_DATE_MDY), 1767268800);
    /* Month names, with 12- and 24-hour times. date -u -d 2026-01-07T13:58:00Z +%s -> 1767794280 */
    assert_int_equal(ts("Jan 7, 2026 1:58 PM", 0), 1767794280);
    assert_int_equal(ts("07-Jan-2026 13:58", 0), 1767794280);
    /* date -u -d 2026-01-07T00:00:00Z +%s -> 1767744000 */
    assert_int_equal(ts("7 Jan 2026 12:00 AM", 0), 1767744000);
    assert_int_equal(ts("7-Jan-26", 0), 1767744000);
    assert_int_equal(ts("Jan 7, 2026 13:58 PM", 0), -888);
    /* Epoch numbers by magnitude: seconds, milliseconds, microseconds. */
    assert_int_equal(ts("1772357400", 0), 1772357400);
    assert_int_equal(ts("1772357400123", 0), 1772357400);
    assert_int_equal(ts("1772357400123456", 0), 1772357400);
    assert_int_equal(ts("1772357400.75", 0), 1772357400);
    /* Impossible instants. */
    assert_int_equal(ts("2026-03-01T24:00:00Z", 0), -888);
    assert_int_equal(ts("2026-03-01T23:60:00Z", 0), -888);
    assert_int_equal(ts("2026-03-01T23:59:60Z", 0), -888);
    assert_int_equal(ts("2026-02-30T10:00:00Z", 0), -888);
    assert_int_equal(ts("2026-03-01T10:00:00+25:00", 0), -888);
    assert_int_equal(ts("3/4/2026 13:05 PM", ALLOT_DATE_MDY), -888);
    assert_int_equal(ts("2026-03-01T10", 0), -888);
    assert_int_equal(ts("yesterday", 0), -888);
    assert_int_equal(ts("123456", 0), -888);
    assert_int_equal(ts("", 0), -999);
    /* What fixes the instant: a local time, an offset or epoch, a date alone. */
    static const struct { const char *text; int fixed; } kinds[] = {
        {"2026-03-01 09:30:00", ALLOT_INSTANT_LOCAL}, {"3/4/2026 2:05 PM", ALLOT_INSTANT_LOCAL},
        {"2026-03-01T09:30:00Z", ALLOT_INSTANT_FIXED}, {"2026-03-01 09:30 +01:00", ALLOT_INSTANT_FIXED},
        {"2026-03-01 09:30 GMT", ALLOT_INSTANT_FIXED}, {"1772357400", ALLOT_INSTANT_FIXED},
        {"2026-03-01", ALLOT_INSTANT_DATE}, {"20260301", ALLOT_INSTANT_DATE},
        {"3/4/2026", ALLOT_INSTANT_DATE}, {"Jan 7, 2026", ALLOT_INSTANT_DATE},
        {"Jan 7, 2026 1:58 PM", ALLOT_INSTANT_LOCAL},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        int64_t v;
        int fixed = -1;
        assert_int_equal(allot_value_parse_instant(kinds[i].text, ALLOT_DATE_MDY, &v, &fixed, NULL),
                         ALLOT_VALUE_OK);
        if (fixed != kinds[i].fixed)
            fail_msg("'%s': fixed %d, expected %d", kinds[i].text, fixed, kinds[i].fixed);
    }
    char buf[21];
    assert_string_equal(allot_format_timestamp(1772357400, buf), "2026-03-01T09:30:00Z");
    assert_string_equal(allot_format_timestamp(-1, buf), "1969-12-31T23:59:59Z");
}

/* Month names in French, German, Spanish, Italian, Dutch and Portuguese: a
 * CSV saved again by a spreadsheet in that language (Excel's and
 * LibreOffice's d-mmm-yyyy, "7. Januar 2026", "7 de enero de 2026"). Each
 * expected date is the calendar date written, in ISO form. */
static void month_names_in_other_languages(void **state)
{
    (void)state;
    /* fr: glibc fr_FR's names and abbreviations (janv. févr. mars avr. mai
     * juin juil. août sept. oct. nov. déc.), accents in UTF-8 or left out */
    assert_string_equal(date("7 janvier 2026", ALLOT_DATE_MDY), "2026-01-07");
    assert_string_equal(date("7 janv. 2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("07-janv.-2026", ALLOT_DATE_AUTO), "2026-01-07");  /* LibreOffice DD-MMM-YYYY */
    assert_string_equal(date("14 f\xC3\xA9vr. 2026", ALLOT_DATE_AUTO), "2026-02-14");
    assert_string_equal(date("14 F\xC3\x89VRIER 2026", ALLOT_DATE_AUTO), "2026-02-14"); /* É */
    assert_string_equal(date("14 fevrier 2026", ALLOT_DATE_AUTO), "2026-02-14");
    assert_string_equal(date("1 juin 2026", ALLOT_DATE_AUTO), "2026-06-01");
    assert_string_equal(date("1 juil. 2026", ALLOT_DATE_AUTO), "2026-07-01");
    assert_string_equal(date("15 ao\xC3\xBBt 2026", ALLOT_DATE_AUTO), "2026-08-15");
    assert_string_equal(date("15 AO\xC3\x9BT 2026", ALLOT_DATE_AUTO), "2026-08-15");   /* Û */
    assert_string_equal(date("15 aout 2026", ALLOT_DATE_AUTO), "2026-08-15");
    assert_string_equal(date("31 d\xC3\xA9" "c. 2026", ALLOT_DATE_AUTO), "2026-12-31");
    assert_string_equal(date("31 decembre 2026", ALLOT_DATE_AUTO), "2026-12-31");
    /* de: the day with a dot, glibc de_DE (Jan Feb Mär ... Okt Nov Dez),
     * LibreOffice (Jan. Feb. März ... Sept.), Excel (Mrz), de_AT (Jänner) */
    assert_string_equal(date("7. Januar 2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("7. Jan. 2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("07. Jan 2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("7. J\xC3\xA4nner 2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("15. M\xC3\xA4rz 2026", ALLOT_DATE_AUTO), "2026-03-15");
    assert_string_equal(date("15 M\xC3\x84R 2026", ALLOT_DATE_AUTO), "2026-03-15");     /* Ä */
    assert_string_equal(date("15. Mrz 2026", ALLOT_DATE_AUTO), "2026-03-15");
    assert_string_equal(date("15. Marz 2026", ALLOT_DATE_AUTO), "2026-03-15");
    assert_string_equal(date("15. Maerz 2026", ALLOT_DATE_AUTO), "2026-03-15");
    assert_string_equal(date("1. Okt. 2026", ALLOT_DATE_AUTO), "2026-10-01");
    assert_string_equal(date("31-Dez-2026", ALLOT_DATE_AUTO), "2026-12-31");
    /* es: glibc es_ES (ene feb mar abr may jun jul ago sep oct nov dic),
     * es_PE's set/setiembre, the long form with "de" */
    assert_string_equal(date("07-ene-2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("7 de enero de 2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("7 DE ENERO DE 2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("15 de agosto de 2026", ALLOT_DATE_AUTO), "2026-08-15");
    assert_string_equal(date("30-sept.-2026", ALLOT_DATE_AUTO), "2026-09-30");
    assert_string_equal(date("30 de setiembre de 2026", ALLOT_DATE_AUTO), "2026-09-30");
    assert_string_equal(date("31 dic 2026", ALLOT_DATE_AUTO), "2026-12-31");
    /* it: glibc it_IT (gen feb mar apr mag giu lug ago set ott nov dic) */
    assert_string_equal(date("7 gennaio 2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("7-gen-26", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("1 mag 2026", ALLOT_DATE_AUTO), "2026-05-01");
    assert_string_equal(date("30 settembre 2026", ALLOT_DATE_AUTO), "2026-09-30");
    assert_string_equal(date("1/ott/2026", ALLOT_DATE_AUTO), "2026-10-01");
    /* nl: glibc nl_NL (jan feb mrt apr mei jun jul aug sep okt nov dec) */
    assert_string_equal(date("07-mrt-2026", ALLOT_DATE_AUTO), "2026-03-07");
    assert_string_equal(date("7 maart 2026", ALLOT_DATE_AUTO), "2026-03-07");
    assert_string_equal(date("1 mei 2026", ALLOT_DATE_AUTO), "2026-05-01");
    assert_string_equal(date("15 augustus 2026", ALLOT_DATE_AUTO), "2026-08-15");
    /* pt: glibc pt_PT and pt_BR (jan fev mar abr mai jun jul ago set out nov dez) */
    assert_string_equal(date("7 de janeiro de 2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("14/fev/2026", ALLOT_DATE_AUTO), "2026-02-14");
    assert_string_equal(date("15 de mar\xC3\xA7o de 2026", ALLOT_DATE_AUTO), "2026-03-15");
    assert_string_equal(date("15 DE MAR\xC3\x87O DE 2026", ALLOT_DATE_AUTO), "2026-03-15"); /* Ç */
    assert_string_equal(date("15 de marco de 2026", ALLOT_DATE_AUTO), "2026-03-15");
    assert_string_equal(date("1 out. 2026", ALLOT_DATE_AUTO), "2026-10-01");
    assert_string_equal(date("31 dez 2026", ALLOT_DATE_AUTO), "2026-12-31");
    /* Month first, as the English form, whatever the language. */
    assert_string_equal(date("janv. 7, 2026", ALLOT_DATE_AUTO), "2026-01-07");

    /* Not dates: a word that is no month, a month without a day or a year,
     * the beginning of two months ("jui": juin, juillet), a lone "de", a
     * dot without the space German writes, a word cut inside a character. */
    static const char *const not_dates[] = {
        "7 Mon 2026", "7 Sun 2026", "Mar", "mars", "7 janv.", "7 janvier", "janvier 2026",
        "7 jui 2026", "7 ju 2026", "7 de 2026", "7 de de 2026", "7.Januar.2026",
        "7. Jan.2026", "7 janvier2026", "7 Juillet 2026x", "7 de enero de", "7 f\xC3 2026",
        "7 d\xC3\xA9\xC3 2026", "7 f\xE9vr. 2026" /* Windows-1252, not converted */,
        "7 mrtx 2026", "31 d\xC3\xA9" "c. 202", "30. Februar 2026",
    };
    for (size_t i = 0; i < sizeof not_dates / sizeof not_dates[0]; i++)
        if (strcmp(date(not_dates[i], ALLOT_DATE_AUTO), "INVALID") != 0)
            fail_msg("'%s' read as %s", not_dates[i], date(not_dates[i], ALLOT_DATE_AUTO));
}

/* The same names with a time, as today's English ones. */
static void month_names_with_times(void **state)
{
    (void)state;
    /* date -u -d 2026-01-07T14:30:00Z +%s -> 1767796200 */
    assert_int_equal(ts("7 janv. 2026 14:30", 0), 1767796200);
    assert_int_equal(ts("7 de janeiro de 2026 2:30 PM", 0), 1767796200);
    /* date -u -d 2026-01-07 +%s -> 1767744000 */
    assert_int_equal(ts("7 gennaio 2026", 0), 1767744000);
    assert_int_equal(ts("7. Januar 2026 00:00:00", 0), 1767744000);
    /* date -u -d 2026-02-14T09:30:00Z +%s -> 1771061400 */
    assert_int_equal(ts("14. Feb. 2026 09:30", 0), 1771061400);
    /* date -u -d 2026-08-15T18:45:00Z +%s -> 1786819500 */
    assert_int_equal(ts("15 de agosto de 2026 6:45 PM", 0), 1786819500);
    assert_int_equal(ts("15-ago-26 18:45", 0), 1786819500);
    /* date -u -d 2026-03-07 +%s -> 1772841600 */
    assert_int_equal(ts("07-mrt-2026", 0), 1772841600);
    /* date -u -d 2026-10-01T08:05:00Z +%s -> 1790841900 */
    assert_int_equal(ts("1 out 2026 08:05", 0), 1790841900);
    assert_int_equal(ts("1. Okt. 2026 8:05 AM", 0), 1790841900);
    assert_int_equal(ts("7 jui 2026 14:30", 0), -888);
    assert_int_equal(ts("7 janv. 2026 13:30 PM", 0), -888);
}

/* The abbreviations glibc 2.36's locales write (localedata abmon of fr_FR,
 * de_DE, de_AT, es_ES, es_PE, it_IT, nl_NL, pt_PT and pt_BR), and those of
 * LibreOffice (CLDR: de "Sept.", "Juni", es "sept.") and German Excel
 * ("Mrz"), each in month order; read with and without a trailing dot. */
static void locale_abbreviations(void **state)
{
    (void)state;
    static const char *const abbreviations[][12] = {
        {"janv.", "f\xC3\xA9vr.", "mars", "avril", "mai", "juin", "juil.", "ao\xC3\xBBt",
         "sept.", "oct.", "nov.", "d\xC3\xA9" "c."},                             /* fr_FR */
        {"Jan", "Feb", "M\xC3\xA4r", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov",
         "Dez"},                                                                 /* de_DE */
        {"J\xC3\xA4n", "Feb", "M\xC3\xA4r", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt",
         "Nov", "Dez"},                                                          /* de_AT */
        {"Jan.", "Feb.", "M\xC3\xA4rz", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.",
         "Nov.", "Dez."},                                                        /* LibreOffice de */
        {"Jan", "Feb", "Mrz", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"}, /* Excel de */
        {"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"}, /* es_ES */
        {"ene.", "feb.", "mar.", "abr.", "may.", "jun.", "jul.", "ago.", "sept.", "oct.", "nov.",
         "dic."},                                                                /* LibreOffice es */
        {"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "set", "oct", "nov", "dic"}, /* es_PE */
        {"gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"}, /* it_IT */
        {"jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"}, /* nl_NL */
        {"jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez"}, /* pt_PT, pt_BR */
    };
    for (size_t l = 0; l < sizeof abbreviations / sizeof abbreviations[0]; l++)
        for (int m = 1; m <= 12; m++) {
            const char *a = abbreviations[l][m - 1];
            char text[64], want[11];
            snprintf(want, sizeof want, "2026-%02d-15", m);
            snprintf(text, sizeof text, "15 %s 2026", a);
            if (strcmp(date(text, ALLOT_DATE_AUTO), want) != 0)
                fail_msg("'%s': %s, expected %s", text, date(text, ALLOT_DATE_AUTO), want);
            size_t n = strlen(a);
            snprintf(text, sizeof text, "15-%.*s%s-26", (int)(a[n - 1] == '.' ? n - 1 : n), a,
                     a[n - 1] == '.' ? "" : ".");      /* the dot added or taken away */
            if (strcmp(date(text, ALLOT_DATE_AUTO), want) != 0)
                fail_msg("'%s': %s, expected %s", text, date(text, ALLOT_DATE_AUTO), want);
        }
    /* Left out: glibc's fr_CA, fr_BE and fr_CH write "jui" for juillet, but
     * it begins juin as well. */
    assert_int_equal(allot_value_month_word("jui", 3), 0);
    assert_int_equal(allot_value_month_word("juil", 4), 7);
}

/* No spelling, and no beginning of one of 3 letters or more, means two
 * months: each names the month of the spellings it begins when they agree,
 * and none when they do not, which happens for "jui" alone. */
static void month_spellings_are_unambiguous(void **state)
{
    (void)state;
    char ambiguous[128] = "";
    const char *s;
    int month;
    size_t count = 0;
    for (size_t i = 0; (s = allot_value_month_spelling(i, &month)) != NULL; i++, count++) {
        size_t len = strlen(s), letters = 0;
        for (size_t n = 1; n <= len; n++) {
            letters += ((unsigned char)s[n - 1] & 0xC0) != 0x80;
            if (n < len && ((unsigned char)s[n] & 0xC0) == 0x80)
                continue;                       /* inside a character */
            int want = letters < 3 ? 0 : month, other;
            const char *t;
            for (size_t j = 0; want && (t = allot_value_month_spelling(j, &other)) != NULL; j++)
                if (strncmp(t, s, n) == 0 && other != month)
                    want = 0;
            if (n == len && want != month)
                fail_msg("spelling '%s' of month %d is ambiguous", s, month);
            if (letters >= 3 && !want) {
                char word[40];
                snprintf(word, sizeof word, " %.*s ", (int)n, s);
                if (!strstr(ambiguous, word) && strlen(ambiguous) + strlen(word) < sizeof ambiguous)
                    strcat(ambiguous, word);
            }
            if (allot_value_month_word(s, n) != want)
                fail_msg("'%.*s': %d, expected %d", (int)n, s, allot_value_month_word(s, n), want);
        }
    }
    assert_string_equal(ambiguous, " jui ");
    assert_true(count >= 12 * 6);
}

/* Why a date is invalid ("" when it is not). */
static const char *date_why(const char *s)
{
    static char out[11];
    const char *why = "";
    allot_value_result r = allot_value_parse_date(s, ALLOT_DATE_AUTO, out, &why);
    return r == ALLOT_VALUE_INVALID ? why : "";
}

/* Dates written in full after their weekday, as the long date formats of
 * Excel and LibreOffice ("dddd, mmmm d, yyyy", "jjjj j mmmm aaaa", "TTTT,
 * T. MMMM JJJJ", ...) and mail headers (RFC 2822) write them. Weekdays from
 * GNU date: date -d 2026-01-07 +%A -> Wednesday; 2026-01-06 -> Tuesday;
 * 2026-01-01 -> Thursday; 2026-01-05 -> Monday. */
static void weekday_forms(void **state)
{
    (void)state;
    assert_string_equal(date("Wednesday, January 7, 2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("Wednesday, 7 January 2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("Wed, 7 Jan 2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("Wed, 07 Jan 2026 14:30:00 +0100", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("Wed Jan 07 2026", ALLOT_DATE_AUTO), "2026-01-07");   /* JavaScript */
    assert_string_equal(date("WEDNESDAY, JANUARY 7, 2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("mercredi 7 janvier 2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("mer. 07 janv. 2026", ALLOT_DATE_AUTO), "2026-01-07");  /* fr_FR %c */
    assert_string_equal(date("Mittwoch, 7. Januar 2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("Mi., 7. Jan. 2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("Mi 07 Jan 2026", ALLOT_DATE_AUTO), "2026-01-07");      /* de_DE %c */
    assert_string_equal(date("mi\xC3\xA9rcoles, 7 de enero de 2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("MI\xC3\x89RCOLES, 7 DE ENERO DE 2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("miercoles 7 de enero del 2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("mi\xC3\xA9 07 ene 2026", ALLOT_DATE_AUTO), "2026-01-07");  /* es_ES %c */
    assert_string_equal(date("mercoled\xC3\xAC 7 gennaio 2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("MERCOLED\xC3\x8C 7 GENNAIO 2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("mercoledi 7 gennaio 2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("woensdag 7 januari 2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("wo 07 jan 2026", ALLOT_DATE_AUTO), "2026-01-07");        /* nl_NL %c */
    assert_string_equal(date("quarta-feira, 7 de janeiro de 2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("Quarta-Feira, 7 de Janeiro de 2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("quarta, 7 de janeiro de 2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("qua 07 jan 2026", ALLOT_DATE_AUTO), "2026-01-07");       /* pt_BR %c */
    assert_string_equal(date("ter\xC3\xA7" "a-feira, 6 de janeiro de 2026", ALLOT_DATE_AUTO), "2026-01-06");
    assert_string_equal(date("Monday 5 January 2026", ALLOT_DATE_AUTO), "2026-01-05");
    /* "mar" is March and, before a date, Tuesday (fr, es, it): a month
     * wherever it can be one. */
    assert_string_equal(date("mar. 6 janv. 2026", ALLOT_DATE_AUTO), "2026-01-06");
    assert_string_equal(date("mar 6 gen 2026", ALLOT_DATE_AUTO), "2026-01-06");
    assert_string_equal(date("Mar 7, 2026", ALLOT_DATE_AUTO), "2026-03-07");
    assert_string_equal(date("mar 7 2026", ALLOT_DATE_AUTO), "2026-03-07");

    /* A weekday that is not the date's: refused, saying which it is. */
    assert_string_equal(date("Thursday, January 7, 2026", ALLOT_DATE_AUTO), "INVALID");
    assert_string_equal(date_why("Thursday, January 7, 2026"),
                        "the weekday written is not the date's: that date is a Wednesday");
    assert_string_equal(date_why("Mar, 7 Jan 2026"),
                        "the weekday written is not the date's: that date is a Wednesday");
    assert_string_equal(date_why("mercredi 1er janvier 2026"),
                        "the weekday written is not the date's: that date is a Thursday");
    assert_string_equal(date_why("Sun, 29 Feb 2024"),
                        "the weekday written is not the date's: that date is a Thursday");
    /* Before a date in digits too, read in the order given (or that the
     * column shows): 2026-01-08 is a Thursday, 2026-08-01 a Saturday,
     * 2026-08-13 a Thursday (date -d DATE +%A). */
    assert_string_equal(date("Wed, 2026-01-07", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("Mi., 07.01.2026", ALLOT_DATE_DMY), "2026-01-07");
    assert_string_equal(date("mer. 07/01/2026", ALLOT_DATE_DMY), "2026-01-07");
    assert_string_equal(date("Thu 01/08/2026", ALLOT_DATE_MDY), "2026-01-08");
    assert_string_equal(date("Thu 01/08/2026", ALLOT_DATE_DMY), "INVALID");
    assert_string_equal(date("Thu 13/08/2026", ALLOT_DATE_AUTO), "2026-08-13");
    assert_string_equal(date("Thu 01/08/2026", ALLOT_DATE_AUTO), "INVALID");   /* ambiguous */
    assert_string_equal(date_why("Sat 01/08/2026"),
                        "day and month order is ambiguous; set it with --date-order");
    assert_string_equal(date_why("Sat 13/08/2026"),
                        "the weekday written is not the date's: that date is a Thursday");
    assert_int_equal(allot_value_date_evidence("Mi., 07.01.2026"), ALLOT_DATE_DMY);
    assert_int_equal(allot_value_date_evidence("Thu 01/08/2026"), ALLOT_DATE_AUTO);
    assert_int_equal(allot_value_date_evidence("Thu 13/08/2026"), ALLOT_DATE_DMY);
    assert_int_equal(allot_value_date_evidence("Wedn 13/08/2026"), -1);
    assert_int_equal(allot_value_date_evidence("Wed, 7 Jan 2026"), -1);
    /* Not dates: a weekday alone or after the date, a weekday's beginning,
     * no space after it, two weekdays, a weekday where the month goes. */
    static const char *const not_dates[] = {
        "Wednesday", "Wednesday,", "Wedn, 7 Jan 2026", "Wed,7 Jan 2026",
        "Wed Wed 7 Jan 2026", "Wed 7 Wed 2026", "7 Wed 2026", "Wed, 30 Feb 2026",
        "quarta- 7 de janeiro de 2026", "-feira 7 de janeiro de 2026", "Wed 1/7/2026",
        "Wed 2026", "Wed, 7", "Wed 7 2026",
    };
    for (size_t i = 0; i < sizeof not_dates / sizeof not_dates[0]; i++)
        if (strcmp(date(not_dates[i], ALLOT_DATE_AUTO), "INVALID") != 0)
            fail_msg("'%s' read as %s", not_dates[i], date(not_dates[i], ALLOT_DATE_AUTO));
}

/* The day's ordinal ending: French "1er", Portuguese and Spanish "1º"
 * ("1°" typed with the degree sign, "1.º"), English "1st" "2nd" "3rd"
 * "7th" (the ending its number takes); "del" before a Spanish year. */
static void ordinal_days(void **state)
{
    (void)state;
    assert_string_equal(date("1er janvier 2026", ALLOT_DATE_AUTO), "2026-01-01");
    assert_string_equal(date("1er janv. 2026", ALLOT_DATE_AUTO), "2026-01-01");
    assert_string_equal(date("1ER JANVIER 2026", ALLOT_DATE_AUTO), "2026-01-01");
    assert_string_equal(date("jeudi 1er janvier 2026", ALLOT_DATE_AUTO), "2026-01-01");
    assert_string_equal(date("1\xC2\xBA de janeiro de 2026", ALLOT_DATE_AUTO), "2026-01-01");
    assert_string_equal(date("1\xC2\xB0 de enero de 2026", ALLOT_DATE_AUTO), "2026-01-01");
    assert_string_equal(date("1.\xC2\xBA de enero de 2026", ALLOT_DATE_AUTO), "2026-01-01");
    assert_string_equal(date("quinta-feira, 1\xC2\xBA de janeiro de 2026", ALLOT_DATE_AUTO), "2026-01-01");
    assert_string_equal(date("January 1st, 2026", ALLOT_DATE_AUTO), "2026-01-01");
    assert_string_equal(date("January 7th, 2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("Wednesday, January 7th, 2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("7th January 2026", ALLOT_DATE_AUTO), "2026-01-07");
    assert_string_equal(date("2nd Jan 2026", ALLOT_DATE_AUTO), "2026-01-02");
    assert_string_equal(date("3RD Jan 2026", ALLOT_DATE_AUTO), "2026-01-03");
    assert_string_equal(date("11th Jan 2026", ALLOT_DATE_AUTO), "2026-01-11");
    assert_string_equal(date("12th Jan 2026", ALLOT_DATE_AUTO), "2026-01-12");
    assert_string_equal(date("13th Jan 2026", ALLOT_DATE_AUTO), "2026-01-13");
    assert_string_equal(date("21st Jan 2026", ALLOT_DATE_AUTO), "2026-01-21");
    assert_string_equal(date("22nd Jan 2026", ALLOT_DATE_AUTO), "2026-01-22");
    assert_string_equal(date("23rd Jan 2026", ALLOT_DATE_AUTO), "2026-01-23");
    assert_string_equal(date("31st Jan 2026", ALLOT_DATE_AUTO), "2026-01-31");
    assert_string_equal(date("7 de enero del 2026", ALLOT_DATE_AUTO), "2026-01-07");
    /* Not ordinals: another number's ending, "er" or "º" after another day,
     * an ending not followed by a space, "del" before the month. */
    static const char *const not_dates[] = {
        "2st Jan 2026", "1th Jan 2026", "11st Jan 2026", "12nd Jan 2026", "13rd Jan 2026",
        "22th Jan 2026", "2er janvier 2026", "7\xC2\xBA de enero de 2026", "1er-janv.-2026",
        "1erjanvier 2026", "1st-Jan-2026", "7 del enero de 2026", "1ere janvier 2026",
    };
    for (size_t i = 0; i < sizeof not_dates / sizeof not_dates[0]; i++)
        if (strcmp(date(not_dates[i], ALLOT_DATE_AUTO), "INVALID") != 0)
            fail_msg("'%s' read as %s", not_dates[i], date(not_dates[i], ALLOT_DATE_AUTO));
}

/* The same with times: RFC 2822, JavaScript's Date string, glibc's %c of
 * each locale, the words the long formats put between date and time. */
static void weekday_forms_with_times(void **state)
{
    (void)state;
    /* date -u -d 2026-01-07T14:30:00+01:00 +%s -> 1767792600 */
    assert_int_equal(ts("Wed, 07 Jan 2026 14:30:00 +0100", 0), 1767792600);
    assert_int_equal(ts("Wed, 07 Jan 2026 14:30:00 +0100 (CET)", 0), 1767792600);
    assert_int_equal(ts("Wed Jan 07 2026 14:30:00 GMT+0100 (Central European Standard Time)", 0),
                     1767792600);
    assert_int_equal(ts("Wed Jan 07 2026 14:30:00 GMT+01:00", 0), 1767792600);
    /* date -u -d 2026-01-07T14:30:00-05:00 +%s -> 1767814200 */
    assert_int_equal(ts("Wed, 7 Jan 2026 14:30:00 -0500", 0), 1767814200);
    /* date -u -d 2026-01-07T14:30:00Z +%s -> 1767796200 */
    assert_int_equal(ts("Wed, 07 Jan 2026 14:30:00 GMT", 0), 1767796200);
    assert_int_equal(ts("Wed, 07 Jan 2026 14:30:00 +0000 (UTC)", 0), 1767796200);
    assert_int_equal(ts("Wed 07 Jan 2026 02:30:00 PM UTC", 0), 1767796200);     /* en_US %c */
    assert_int_equal(ts("Wednesday, January 7, 2026 at 2:30 PM", 0), 1767796200);
    assert_int_equal(ts("Jan 7, 2026, 2:30 PM", 0), 1767796200);
    assert_int_equal(ts("Jan 7, 2026, 2:30\xE2\x80\xAFPM", 0), 1767796200);  /* ICU's U+202F */
    assert_int_equal(ts("mercredi 7 janvier 2026 \xC3\xA0 14:30", 0), 1767796200);
    assert_int_equal(ts("mer. 07 janv. 2026 14:30:00", 0), 1767796200);
    assert_int_equal(ts("Mittwoch, 7. Januar 2026 um 14:30", 0), 1767796200);
    assert_int_equal(ts("mi\xC3\xA9rcoles, 7 de enero de 2026, 14:30", 0), 1767796200);
    assert_int_equal(ts("7 de enero de 2026 a las 14:30", 0), 1767796200);
    assert_int_equal(ts("mer 7 gen 2026, 14:30:00", 0), 1767796200);             /* it_IT %c */
    assert_int_equal(ts("7 gennaio 2026 alle 14:30", 0), 1767796200);
    assert_int_equal(ts("mercoled\xC3\xAC 7 gennaio 2026 alle ore 14:30:00", 0), 1767796200);  /* ICU it */
    assert_int_equal(ts("woensdag 7 januari 2026 om 14:30", 0), 1767796200);
    assert_int_equal(ts("quarta-feira, 7 de janeiro de 2026 \xC3\xA0s 14:30", 0), 1767796200);
    /* date -u -d 2026-01-01T09:00:00Z +%s -> 1767258000 */
    assert_int_equal(ts("jeudi 1er janvier 2026 \xC3\xA0 09:00", 0), 1767258000);
    /* date -u -d 2026-01-06T10:00:00Z +%s -> 1767693600 */
    assert_int_equal(ts("mar. 6 janv. 2026 10:00", 0), 1767693600);
    assert_int_equal(ts("Tue 01/06/2026 10:00 AM", ALLOT_DATE_MDY), 1767693600);
    assert_int_equal(ts("Di., 06.01.2026 10:00", ALLOT_DATE_DMY), 1767693600);
    assert_int_equal(ts("Tue, 2026-01-06T10:00:00Z", 0), 1767693600);
    /* What fixes the instant. */
    int64_t v;
    int fixed = -1;
    assert_int_equal(allot_value_parse_instant("Wed, 07 Jan 2026 14:30:00 +0100", 0, &v, &fixed,
                                               NULL), ALLOT_VALUE_OK);
    assert_int_equal(fixed, ALLOT_INSTANT_FIXED);
    assert_int_equal(allot_value_parse_instant("mercredi 7 janvier 2026 \xC3\xA0 14:30", 0, &v,
                                               &fixed, NULL), ALLOT_VALUE_OK);
    assert_int_equal(fixed, ALLOT_INSTANT_LOCAL);
    assert_int_equal(allot_value_parse_instant("Wednesday, January 7, 2026", 0, &v, &fixed, NULL),
                     ALLOT_VALUE_OK);
    assert_int_equal(fixed, ALLOT_INSTANT_DATE);
    /* Refused: a wrong weekday, a joining word after an ISO date or without
     * a time, a parenthesised name without an offset or after a time alone,
     * text after the name, a name not closed. */
    static const char *const bad[] = {
        "Thu, 07 Jan 2026 14:30:00 +0100", "2026-01-07, 14:30", "2026-01-07 at 14:30",
        "Jan 7, 2026 at", "Jan 7, 2026 at 25:00", "Wed, 07 Jan 2026 14:30:00 (CET)",
        "Wed, 07 Jan 2026 14:30:00 +0100 (CET) x", "Wed, 07 Jan 2026 14:30:00 +0100 (CET",
        "Wed, 07 Jan 2026 14:30:00 +0100 (CET) (x)", "Wed, 07 Jan 2026 14:30:00 GMTx",
        "Wed, 07 Jan 2026 14:30:00 +0100(CET)", "Jan 7, 2026 to 14:30", "Jan 7, 2026,14:30",
        "7 Jan 2026 Wed",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (ts(bad[i], 0) != -888)
            fail_msg("'%s' read as %lld", bad[i], (long long)ts(bad[i], 0));
}

/* Weekday names change no month reading: every spelling names one weekday,
 * the only ones that also read as a month (whole, or as a month's
 * beginning) are listed, and those read as the month wherever a date has
 * its month there, as before weekdays were read. Each spelling before a
 * date of its weekday reads that date, and before the next day is refused
 * naming that day's weekday. */
static void weekday_spellings_keep_months(void **state)
{
    (void)state;
    static const char *const names[7] = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                         "Friday", "Saturday", "Sunday"};
    char months_too[64] = "";
    const char *s, *t;
    int wd, other;
    size_t count = 0;
    for (size_t i = 0; (s = allot_value_weekday_spelling(i, &wd)) != NULL; i++, count++) {
        for (size_t j = 0; (t = allot_value_weekday_spelling(j, &other)) != NULL; j++)
            if (strcmp(s, t) == 0 && other != wd)
                fail_msg("'%s' names weekdays %d and %d", s, wd, other);
        assert_int_equal(allot_value_weekday_word(s, strlen(s)), wd);
        int month = allot_value_month_word(s, strlen(s));
        char text[96], want[32];
        if (month) {
            snprintf(text, sizeof text, " %s ", s);
            if (strlen(months_too) + strlen(text) < sizeof months_too)
                strcat(months_too, text);
            /* where a month goes, the month */
            snprintf(want, sizeof want, "2026-%02d-07", month);
            snprintf(text, sizeof text, "%s 7, 2026", s);
            assert_string_equal(date(text, ALLOT_DATE_AUTO), want);
            snprintf(text, sizeof text, "7 %s 2026", s);
            assert_string_equal(date(text, ALLOT_DATE_AUTO), want);
            snprintf(text, sizeof text, "07-%s-26", s);
            assert_string_equal(date(text, ALLOT_DATE_AUTO), want);
        }
        /* 2026-01-05 was a Monday (date -d 2026-01-05 +%A) */
        snprintf(want, sizeof want, "2026-01-%02d", 4 + wd);
        snprintf(text, sizeof text, "%s, %d January 2026", s, 4 + wd);
        if (strcmp(date(text, ALLOT_DATE_AUTO), want) != 0)
            fail_msg("'%s': %s, expected %s", text, date(text, ALLOT_DATE_AUTO), want);
        snprintf(text, sizeof text, "%s. January %d, 2026", s, 4 + wd);
        if (strcmp(date(text, ALLOT_DATE_AUTO), want) != 0)
            fail_msg("'%s': %s, expected %s", text, date(text, ALLOT_DATE_AUTO), want);
        snprintf(text, sizeof text, "%s %d janvier 2026", s, 5 + wd);
        const char *why = date_why(text);
        if (!strstr(why, names[wd % 7]))
            fail_msg("'%s': '%s', expected it to name %s", text, why, names[wd % 7]);
    }
    assert_string_equal(months_too, " mar ");
    assert_true(count >= 7 * 7);
    /* Every month spelling, and each beginning that reads as a month, reads
     * as before where a month goes, though a weekday could begin there. */
    int month;
    for (size_t i = 0; (s = allot_value_month_spelling(i, &month)) != NULL; i++)
        for (size_t n = strlen(s); n >= 3; n--) {
            if (((unsigned char)s[n] & 0xC0) == 0x80 || allot_value_month_word(s, n) != month)
                continue;
            char text[96], want[32];
            snprintf(want, sizeof want, "2026-%02d-07", month);
            snprintf(text, sizeof text, "%.*s 7, 2026", (int)n, s);
            if (strcmp(date(text, ALLOT_DATE_AUTO), want) != 0)
                fail_msg("'%s': %s, expected %s", text, date(text, ALLOT_DATE_AUTO), want);
        }
    /* Whole words only: beginnings of weekdays are no weekday. */
    assert_int_equal(allot_value_weekday_word("wedn", 4), 0);
    assert_int_equal(allot_value_weekday_word("mercr", 5), 0);
    assert_int_equal(allot_value_weekday_word("m", 1), 0);
    assert_int_equal(allot_value_weekday_word("MI\xC3\x89", 4), 3);
}

static void date_order_evidence(void **state)
{
    (void)state;
    assert_int_equal(allot_value_date_evidence("13/02/2026"), ALLOT_DATE_DMY);
    assert_int_equal(allot_value_date_evidence("02/13/2026"), ALLOT_DATE_MDY);
    assert_int_equal(allot_value_date_evidence("02/03/2026"), ALLOT_DATE_AUTO);
    assert_int_equal(allot_value_date_evidence("2/3/26 10:00"), ALLOT_DATE_AUTO);
    /* Dots are day first: 01.11.2026 is 1 November wherever it is written
     * (a German Excel's date; no country writes month.day.year). */
    assert_int_equal(allot_value_date_evidence("01.11.2026"), ALLOT_DATE_DMY);
    assert_int_equal(allot_value_date_evidence("1.11.26"), ALLOT_DATE_DMY);
    assert_int_equal(allot_value_date_evidence("01-11-26"), ALLOT_DATE_AUTO);
    assert_int_equal(allot_value_date_evidence("11.28.2026"), ALLOT_DATE_MDY);
    assert_int_equal(allot_value_date_evidence("2026-02-03"), -1);
    assert_int_equal(allot_value_date_evidence("13/13/2026"), -1);
    assert_int_equal(allot_value_date_evidence(""), -1);
}

/* A '.' or ',' followed by other than 3 digits, or after a lone 0, cannot
 * separate thousands; with both, the last one is the decimal separator. */
static void decimal_separator_evidence(void **state)
{
    (void)state;
    assert_int_equal(allot_value_decimal_evidence("12.5"), ALLOT_DECIMAL_POINT);
    assert_int_equal(allot_value_decimal_evidence("1.0842"), ALLOT_DECIMAL_POINT);
    assert_int_equal(allot_value_decimal_evidence("0.084"), ALLOT_DECIMAL_POINT);
    assert_int_equal(allot_value_decimal_evidence(" $1,234.56 "), ALLOT_DECIMAL_POINT);
    assert_int_equal(allot_value_decimal_evidence("-3.00"), ALLOT_DECIMAL_POINT);
    assert_int_equal(allot_value_decimal_evidence("12,5"), ALLOT_DECIMAL_COMMA);
    assert_int_equal(allot_value_decimal_evidence("1.234,56 \u20ac"), ALLOT_DECIMAL_COMMA);
    assert_int_equal(allot_value_decimal_evidence("0,5"), ALLOT_DECIMAL_COMMA);
    assert_int_equal(allot_value_decimal_evidence("1.084"), 0);     /* 1084 or 1.084 */
    assert_int_equal(allot_value_decimal_evidence("1,000"), 0);
    assert_int_equal(allot_value_decimal_evidence("1.000.000"), 0);  /* groups only */
    assert_int_equal(allot_value_decimal_evidence("42"), 0);
    assert_int_equal(allot_value_decimal_evidence(""), 0);
    assert_int_equal(allot_value_decimal_evidence("n/a"), 0);
}

static void salesforce_ids_become_18_characters(void **state)
{
    (void)state;
    char out[19];
    /* The two examples of the data model (shared/spec/data-model.md). */
    assert_int_equal(allot_value_salesforce_id18("006q000000Hddoh", out), 1);
    assert_string_equal(out, "006q000000HddohAAB");
    assert_int_equal(allot_value_salesforce_id18("a0D30000001n7Pi", out), 1);
    assert_string_equal(out, "a0D30000001n7PiEAI");
    /* By hand: chunks "ABCDE" (all upper: 31 -> '5'), "abcde" (0 -> 'A'),
     * "aBcDe" (bits 1 and 3: 10 -> 'K'). */
    assert_int_equal(allot_value_salesforce_id18("ABCDEabcdeaBcDe", out), 1);
    assert_string_equal(out, "ABCDEabcdeaBcDe5AK");
    assert_int_equal(allot_value_salesforce_id18("006q000000HddohAAB", out), 1);
    assert_string_equal(out, "006q000000HddohAAB");
    assert_int_equal(allot_value_salesforce_id18("006q000000Hddo", out), 0);
    assert_int_equal(allot_value_salesforce_id18("006q000000Hdd-h", out), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(null_tokens),
        cmocka_unit_test(numbers_with_separators),
        cmocka_unit_test(signs_symbols_and_codes),
        cmocka_unit_test(money_is_exact_micros),
        cmocka_unit_test(integers_reals_booleans),
        cmocka_unit_test(lost_thousands_separator),
        cmocka_unit_test(civil_dates),
        cmocka_unit_test(timestamps_to_epoch_seconds),
        cmocka_unit_test(month_names_in_other_languages),
        cmocka_unit_test(month_names_with_times),
        cmocka_unit_test(locale_abbreviations),
        cmocka_unit_test(month_spellings_are_unambiguous),
        cmocka_unit_test(weekday_forms),
        cmocka_unit_test(ordinal_days),
        cmocka_unit_test(weekday_forms_with_times),
        cmocka_unit_test(weekday_spellings_keep_months),
        cmocka_unit_test(date_order_evidence),
        cmocka_unit_test(decimal_separator_evidence),
        cmocka_unit_test(salesforce_ids_become_18_characters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
