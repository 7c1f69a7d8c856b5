/*
 * value.h — parsing the text of one CSV field into a typed value, the way
 * real exports write them.
 *
 * Every parser takes a NUL-terminated field, ignores surrounding spaces and
 * returns ALLOT_VALUE_OK (value stored), ALLOT_VALUE_NULL (the field is a
 * NULL token: empty, `--`, `-`, `N/A`, `#N/A`, `NULL`, `(not set)` — any
 * case; the output is untouched) or ALLOT_VALUE_INVALID with *why set to a
 * static sentence saying what is wrong (why may be NULL).
 *
 * Numbers: optional sign (leading `-`/`+`, a trailing `-`, or accounting
 * parentheses `(1,234.50)`), an optional currency symbol or ISO code before
 * or after (`$`, `US$`, `€`, `£`, `¥`, `₹`, `R$`, `CHF`, `USD 5`, `5 EUR`),
 * digits with thousands separators (`,` `.` space, NBSP U+00A0, thin spaces
 * U+2009/U+202F, `'`), one decimal separator, an optional exponent (reals
 * only) and `%`. The decimal separator is `.` unless decimal_comma is set;
 * when both `.` and `,` appear the last one is the decimal separator
 * whatever the setting. Thousands groups must be 3 digits (the Indian 2-digit
 * grouping `1,23,456` is accepted), so `1,5` in a decimal-point file is
 * rejected rather than read as 15.
 *
 * Dates and times: see allot_value_parse_date / _timestamp. Calendar
 * validity is checked (2026-02-30, 24:00, :60 are rejected).
 */
#ifndef ALLOT_VALUE_H
#define ALLOT_VALUE_H

#include <stddef.h>
#include <stdint.h>

typedef enum allot_value_result {
    ALLOT_VALUE_OK = 0,
    ALLOT_VALUE_NULL = 1,
    ALLOT_VALUE_INVALID = 2
} allot_value_result;

/* Day/month order of slash dates (`3/4/2026`). AUTO: decide from the value
 * when a part is > 12, otherwise the value is ambiguous (invalid). */
typedef enum allot_date_order {
    ALLOT_DATE_AUTO = 0,
    ALLOT_DATE_MDY = 1,
    ALLOT_DATE_DMY = 2
} allot_date_order;

/* A parsed number, normalised. */
typedef struct allot_number {
    char text[48];       /* plain decimal: [-]digits[.digits][e[-]digits] */
    char currency[4];    /* ISO 4217 code from a code or an unambiguous symbol, "" none */
    char symbol[8];      /* the symbol or code as written ("$", "€", "USD"), "" none */
    int percent;         /* a trailing % was present (text is not divided) */
} allot_number;

/* 1 when the trimmed text is a NULL token (see above). */
int allot_value_is_null(const char *s);

allot_value_result allot_value_parse_number(const char *s, int decimal_comma,
                                            allot_number *out, const char **why);

/* Money in micros of its currency, exact (allot_money_parse_micros rules:
 * more than 6 decimals or overflow is invalid). currency (4 bytes) gets the
 * ISO code found in the text or "" (may be NULL). */
allot_value_result allot_value_parse_money(const char *s, int decimal_comma, int64_t *micros,
                                           char *currency, const char **why);

/* A whole number; `12.00` is 12, `12.5` is invalid. */
allot_value_result allot_value_parse_int(const char *s, int decimal_comma, int64_t *out,
                                         const char **why);

/* A finite real (`1.5`, `1,5` with decimal_comma, `2.5e3`). */
allot_value_result allot_value_parse_real(const char *s, int decimal_comma, double *out,
                                          const char **why);

/* true/false, t/f, yes/no, y/n, 1/0 (any case), and the TRUE/FALSE words a
 * spreadsheet writes in its language when it saves a CSV: WAHR/FALSCH,
 * VRAI/FAUX, VERDADERO/FALSO, VERO/FALSO, WAAR/ONWAAR, VERDADEIRO/FALSO. */
allot_value_result allot_value_parse_bool(const char *s, int *out, const char **why);

/* A civil date into out (11 bytes, "YYYY-MM-DD"). Accepts YYYY-MM-DD (also
 * with `/` or `.`), YYYYMMDD, slash dates M/D/YYYY or D/M/YYYY by order
 * (`/`, `.` or `-` between, 2-digit years are 20YY), and dates with the
 * month's name (allot_value_month_word), whatever the order: month first
 * "Jan 7, 2026", "January 7 2026" (4-digit year); day first "7 Jan 2026",
 * "07-Jan-2026", "7-jan-26", "31/Dec/2026", "7 janv. 2026", "7. Januar 2026",
 * "7 de enero de 2026" (the separator repeated; 2-digit years are 20YY),
 * also with the day's ordinal ending ("January 7th, 2026", "1er janvier
 * 2026", "1º de janeiro de 2026"), "del" before the year ("7 de enero del
 * 2026"), and after a weekday ("Wednesday, January 7, 2026", "Wed, 7 Jan
 * 2026", "mercredi 7 janvier 2026", "Mittwoch, 7. Januar 2026",
 * "quarta-feira, 7 de janeiro de 2026", and before the other forms:
 * "Mi., 07.01.2026"; allot_value_weekday_word): the
 * weekday must be the date's, else the date is invalid and *why names the
 * weekday it has. A time part after the date (after a space, or ", ") is
 * ignored: the date is kept as written, never shifted. */
allot_value_result allot_value_parse_date(const char *s, allot_date_order order, char *out,
                                          const char **why);

/* An instant as epoch seconds UTC (fractions of a second dropped toward the
 * past). Accepts ISO 8601 `YYYY-MM-DD[T| ]HH:MM[:SS[.fff]]` with `Z`, `UTC`,
 * `GMT`, `±HH`, `±HHMM` or `±HH:MM`, also `GMT±HHMM`, `UTC±HH:MM`, and after
 * an offset a zone's name in parentheses, ignored (`+0100 (CET)`); no
 * offset: UTC; a date alone (midnight UTC);
 * slash dates and the dates of allot_value_parse_date with a month's name
 * (and weekday) with an optional `H:MM[:SS]` and `AM`/`PM`, after a space,
 * ", " or "at", "à", "um", "om", "às", "a las", "alle ore", "alle" ("Wed, 07 Jan 2026
 * 14:30:00 +0100", "Jan 7, 2026, 2:30 PM", "7 janvier 2026 à 14:30");
 * YYYYMMDD; and epoch numbers: below 1e11 seconds, below 1e14 milliseconds,
 * below 1e17 microseconds. */
allot_value_result allot_value_parse_timestamp(const char *s, allot_date_order order,
                                               int64_t *epoch, const char **why);

/* What fixes the instant of a timestamp (allot_value_parse_instant). */
enum {
    ALLOT_INSTANT_LOCAL = 0, /* a time of day without an offset: a local time;
                                *epoch is that civil time read as UTC (lib/zone.h
                                converts it from a zone) */
    ALLOT_INSTANT_FIXED = 1, /* an offset, Z, UTC or GMT, or an epoch number */
    ALLOT_INSTANT_DATE = 2   /* a date alone: *epoch is its midnight read as UTC;
                                the day begins at the zone's midnight
                                (allot_zone_day_start) */
};

/* allot_value_parse_timestamp, telling also in *fixed what fixes the
 * instant (ALLOT_INSTANT_*). */
allot_value_result allot_value_parse_instant(const char *s, allot_date_order order,
                                             int64_t *epoch, int *fixed, const char **why);

/* What one slash-date value says about the column's order: ALLOT_DATE_DMY
 * (first part > 12, or parts separated by dots: 01.11.2026 is day first in
 * every country that writes dots), ALLOT_DATE_MDY (second part > 12),
 * ALLOT_DATE_AUTO (both <= 12 with `/` or `-`: ambiguous), or -1 when the
 * value is not a slash date. A weekday before the date is skipped
 * ("Mi., 07.01.2026"). */
int allot_value_date_evidence(const char *s);

/* What one number says about its decimal separator: ALLOT_DECIMAL_POINT
 * when its '.' can only be the decimal one ("12.5", "1.0842", "1,234.56"),
 * ALLOT_DECIMAL_COMMA for ',' likewise ("12,5", "1.234,56"), 0 when either
 * reading fits ("1.084", "1,000", "42") or it is not a number. */
enum { ALLOT_DECIMAL_POINT = 1, ALLOT_DECIMAL_COMMA = 2 };
int allot_value_decimal_evidence(const char *s);

/* Salesforce ids: a 15-character case-sensitive id becomes its 18-character
 * form (for each 5-character chunk, bit j is set when character j is A-Z;
 * the 5-bit value indexes "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"): 006q000000Hddoh
 * -> 006q000000HddohAAB. An 18-character id is copied; anything else
 * (length, non-alphanumeric) returns 0. out needs 19 bytes. */
int allot_value_salesforce_id18(const char *id, char *out);

/* The month (1..12) that the len bytes at word (UTF-8, no trailing '.')
 * name in English, French, German, Spanish, Italian, Dutch or Portuguese,
 * any case (ASCII and Latin-1 letters: "FÉVR" is "févr"): a spelling of
 * allot_value_month_spelling's table or its beginning of 3 letters or more
 * ("janv", "Sept", "févr", "juil"). 0 when it names no month, or when it
 * begins the names of two ("jui": juin or juillet, though glibc's fr_CA
 * writes it for July). */
int allot_value_month_word(const char *word, size_t len);

/* Spelling i (from 0) of the month names allot_value_month_word reads,
 * lower case UTF-8, with its month in *month; NULL past the last. Static
 * text. */
const char *allot_value_month_spelling(size_t i, int *month);

/* The weekday (1 Monday .. 7 Sunday) that the len bytes at word (UTF-8, no
 * trailing '.') name in the same languages, any case: a spelling of
 * allot_value_weekday_spelling's table, whole (full names, glibc's
 * abbreviations "Wed", "mer", "Mi", "mié", "wo", "qua", "quarta-feira"),
 * never a beginning. 0 otherwise. Some are months' beginnings too ("mar":
 * Tuesday in French, Spanish, Italian): allot_value_parse_date reads such a
 * word as a month wherever it can be one. */
int allot_value_weekday_word(const char *word, size_t len);

/* Spelling i (from 0) of the weekday names, lower case UTF-8, with its
 * weekday in *weekday; NULL past the last. Static text. */
const char *allot_value_weekday_spelling(size_t i, int *weekday);

/* Days since 1970-01-01 of a civil date: allot_days_from_civil in period.h. */

/* 1 when y-m-d is a real calendar date (years 1..9999). */
int allot_civil_date_valid(int y, int m, int d);

/* Formats epoch seconds as "YYYY-MM-DDTHH:MM:SSZ" (21 bytes). Returns buf. */
char *allot_format_timestamp(int64_t epoch, char *buf);

#endif
