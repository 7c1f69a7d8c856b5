/*
 * period.h — civil dates and reporting periods (calendar and fiscal).
 *
 * A day is an int64 count of days since 1970-01-01 (proleptic Gregorian,
 * negative before 1970). Periods are half-open: [start, end).
 *
 * Period syntax (allot_period_parse), case-insensitive:
 *
 *   2026              calendar year           [2026-01-01, 2027-01-01)
 *   2026Q3            calendar quarter        [2026-07-01, 2026-10-01)
 *   2026-07           month                   [2026-07-01, 2026-08-01)
 *   2026-07-15        one day                 [2026-07-15, 2026-07-16)
 *   2026-01-01..2026-03-31   inclusive range  [2026-01-01, 2026-04-01)
 *   FY2027            fiscal year
 *   FY2027Q1          fiscal quarter
 *
 * Fiscal years start on the first day of fiscal_year_start_month (1..12)
 * and are named by the calendar year in which they END: with start month 2,
 * FY2027 = [2026-02-01, 2027-02-01) and FY2027Q1 = [2026-02-01, 2026-05-01).
 * With start month 1, FY2026 is calendar 2026 and FY2026Q3 = 2026Q3.
 * Quarter labels (allot_period_quarter_of, the ledger's period column) are
 * calendar ("2026Q3") when the start month is 1 and fiscal ("FY2027Q1")
 * otherwise. Years 1..9999 only.
 */
#ifndef ALLOT_PERIOD_H
#define ALLOT_PERIOD_H

#include <stdint.h>

#include "error.h"

/* Days since 1970-01-01 of a civil date (month 1..12, day 1..31; not
 * validated: use allot_date_valid first for untrusted input). */
int64_t allot_days_from_civil(int year, int month, int day);

/* The civil date of a day count. */
void allot_civil_from_days(int64_t days, int *year, int *month, int *day);

/* 1 when year 1..9999, month 1..12 and day exists in that month. */
int allot_date_valid(int year, int month, int day);

/* Days in a month (leap years: Gregorian rule). */
int allot_days_in_month(int year, int month);

/* Parses exactly "YYYY-MM-DD" (a real date). ALLOT_ERR_DATA otherwise. */
allot_status allot_date_parse(const char *text, int64_t *days);

/* Writes "YYYY-MM-DD" and a NUL (11 bytes). Returns out. */
char *allot_date_format(int64_t days, char out[11]);

/* The UTC day of epoch seconds (floor division: -1 s is 1969-12-31). */
int64_t allot_day_of_epoch(int64_t epoch_seconds);

/* Epoch seconds of 00:00:00 UTC of a day. */
int64_t allot_epoch_of_day(int64_t days);

/* Days + n calendar months, the day clamped to the month's end
 * (2026-01-31 + 1 month = 2026-02-28). */
int64_t allot_add_months(int64_t days, int months);

typedef enum allot_period_kind {
    ALLOT_PERIOD_DAY,
    ALLOT_PERIOD_MONTH,
    ALLOT_PERIOD_QUARTER,        /* calendar */
    ALLOT_PERIOD_YEAR,           /* calendar */
    ALLOT_PERIOD_FISCAL_QUARTER,
    ALLOT_PERIOD_FISCAL_YEAR,
    ALLOT_PERIOD_RANGE
} allot_period_kind;

typedef struct allot_period {
    char label[32];   /* canonical spelling: "2026Q3", "FY2027Q1", "2026-07",
                         "2026-01-01..2026-03-31" */
    allot_period_kind kind;
    int64_t start;    /* first day, inclusive */
    int64_t end;      /* day after the last, exclusive */
} allot_period;

/* Parses text (see the syntax above) with the fiscal start month (1..12).
 * ALLOT_ERR_USAGE with a message listing the accepted forms when text is not
 * a period, a date does not exist, or a range ends before it starts. */
allot_status allot_period_parse(const char *text, int fiscal_year_start_month,
                                allot_period *out, allot_error *err);

/* The quarter containing day: calendar when fiscal_year_start_month is 1,
 * fiscal otherwise. */
void allot_period_quarter_of(int64_t day, int fiscal_year_start_month, allot_period *out);

/* The period immediately before p, of the same kind and length: the
 * previous day, month, quarter or year (fiscal stays fiscal); a range gives
 * the range of the same number of days ending where p starts. */
void allot_period_prior(const allot_period *p, int fiscal_year_start_month,
                        allot_period *out);

/* 1 when day lies in [p->start, p->end). */
int allot_period_contains(const allot_period *p, int64_t day);

#endif
