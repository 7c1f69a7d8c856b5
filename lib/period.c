#include "period.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Days from civil: count in 400-year eras of 146097 days, with years starting
 * in March so that the leap day is the last day of the year. */
int64_t allot_days_from_civil(int year, int month, int day)
{
    int64_t y = (int64_t)year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                                   /* 0..399 */
    int64_t mp = (month + 9) % 12;                                 /* March = 0 */
    int64_t doy = (153 * mp + 2) / 5 + day - 1;                    /* 0..365 */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* 0..146096 */
    return era * 146097 + doe - 719468;
}

void allot_civil_from_days(int64_t days, int *year, int *month, int *day)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = (int)(yoe + era * 400 + (m <= 2));
    *month = m;
    *day = d;
}

int allot_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2)
        return 28 + ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0);
    return days[(month - 1) % 12];
}

int allot_date_valid(int year, int month, int day)
{
    return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
           day <= allot_days_in_month(year, month);
}

/* n digits at s as a number, or -1. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* "YYYY-MM-DD" at s (exactly 10 chars). */
static int parse_ymd(const char *s, int *y, int *m, int *d)
{
    if (s[4] != '-' || s[7] != '-')
        return 0;
    *y = digits(s, 4);
    *m = digits(s + 5, 2);
    *d = digits(s + 8, 2);
    return *y >= 0 && *m >= 0 && *d >= 0 && allot_date_valid(*y, *m, *d);
}

allot_status allot_date_parse(const char *text, int64_t *days)
{
    int y, m, d;
    if (!text || strlen(text) != 10 || !parse_ymd(text, &y, &m, &d))
        return ALLOT_ERR_DATA;
    *days = allot_days_from_civil(y, m, d);
    return ALLOT_OK;
}

char *allot_date_format(int64_t days, char out[11])
{
    int y, m, d;
    allot_civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999)
        y = y < 0 ? 0 : 9999; /* outside the supported range: keep the width */
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
    return out;
}

int64_t allot_day_of_epoch(int64_t s)
{
    return s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
}

int64_t allot_epoch_of_day(int64_t days)
{
    return days * 86400;
}

int64_t allot_add_months(int64_t days, int months)
{
    int y, m, d;
    allot_civil_from_days(days, &y, &m, &d);
    int64_t idx = (int64_t)y * 12 + (m - 1) + months;
    int64_t ny = idx >= 0 ? idx / 12 : -((-idx + 11) / 12);
    int nm = (int)(idx - ny * 12) + 1;
    int dim = allot_days_in_month((int)ny, nm);
    return allot_days_from_civil((int)ny, nm, d > dim ? dim : d);
}

/* Fiscal year N starts on start_month of N-1 (or of N when start_month is 1). */
static int64_t fiscal_year_start(int fy, int start_month)
{
    return allot_days_from_civil(start_month == 1 ? fy : fy - 1, start_month, 1);
}

static void set_label(allot_period *p, int fsm)
{
    int y, m, d;
    allot_civil_from_days(p->start, &y, &m, &d);
    char a[11], b[11];
    switch (p->kind) {
    case ALLOT_PERIOD_DAY:
        allot_date_format(p->start, p->label);
        break;
    case ALLOT_PERIOD_MONTH:
        snprintf(p->label, sizeof p->label, "%04d-%02d", y, m);
        break;
    case ALLOT_PERIOD_QUARTER:
        snprintf(p->label, sizeof p->label, "%04dQ%d", y, (m - 1) / 3 + 1);
        break;
    case ALLOT_PERIOD_YEAR:
        snprintf(p->label, sizeof p->label, "%04d", y);
        break;
    case ALLOT_PERIOD_FISCAL_QUARTER:
    case ALLOT_PERIOD_FISCAL_YEAR: {
        int offset = (m - fsm + 12) % 12;
        int fy = fsm == 1 ? y : (m >= fsm ? y + 1 : y);
        if (p->kind == ALLOT_PERIOD_FISCAL_YEAR)
            snprintf(p->label, sizeof p->label, "FY%04d", fy);
        else
            snprintf(p->label, sizeof p->label, "FY%04dQ%d", fy, offset / 3 + 1);
        break;
    }
    case ALLOT_PERIOD_RANGE:
        snprintf(p->label, sizeof p->label, "%s..%s", allot_date_format(p->start, a),
                 allot_date_format(p->end - 1, b));
        break;
    }
}

static allot_status bad_period(const char *text, allot_error *err)
{
    return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                           "'%s' is not a period; write 2026, 2026Q3, 2026-07, 2026-07-15, "
                           "FY2027, FY2027Q1 or 2026-01-01..2026-03-31", text ? text : "");
}

allot_status allot_period_parse(const char *text, int fsm, allot_period *out, allot_error *err)
{
    if (fsm < 1 || fsm > 12)
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "fiscal year start month %d is not 1..12", fsm);
    if (!text)
        return bad_period(text, err);
    size_t n = strlen(text);
    allot_period p;
    memset(&p, 0, sizeof p);
    int y, m, d;
    if (n >= 6 && toupper((unsigned char)text[0]) == 'F' && toupper((unsigned char)text[1]) == 'Y') {
        int fy = digits(text + 2, 4);
        if (fy < 2 || fy > 9999)
            return bad_period(text, err);
        int64_t fstart = fiscal_year_start(fy, fsm);
        if (n == 6) {
            p.kind = ALLOT_PERIOD_FISCAL_YEAR;
            p.start = fstart;
            p.end = allot_add_months(fstart, 12);
        } else if (n == 8 && toupper((unsigned char)text[6]) == 'Q' && text[7] >= '1' &&
                   text[7] <= '4') {
            p.kind = ALLOT_PERIOD_FISCAL_QUARTER;
            p.start = allot_add_months(fstart, 3 * (text[7] - '1'));
            p.end = allot_add_months(p.start, 3);
        } else {
            return bad_period(text, err);
        }
    } else if (n == 4) {
        if ((y = digits(text, 4)) < 1)
            return bad_period(text, err);
        p.kind = ALLOT_PERIOD_YEAR;
        p.start = allot_days_from_civil(y, 1, 1);
        p.end = allot_days_from_civil(y + 1, 1, 1);
    } else if (n == 6 && toupper((unsigned char)text[4]) == 'Q' && text[5] >= '1' && text[5] <= '4') {
        if ((y = digits(text, 4)) < 1)
            return bad_period(text, err);
        p.kind = ALLOT_PERIOD_QUARTER;
        p.start = allot_days_from_civil(y, 3 * (text[5] - '1') + 1, 1);
        p.end = allot_add_months(p.start, 3);
    } else if (n == 7 && text[4] == '-') {
        y = digits(text, 4);
        m = digits(text + 5, 2);
        if (y < 1 || m < 1 || m > 12)
            return bad_period(text, err);
        p.kind = ALLOT_PERIOD_MONTH;
        p.start = allot_days_from_civil(y, m, 1);
        p.end = allot_add_months(p.start, 1);
    } else if (n == 10) {
        if (!parse_ymd(text, &y, &m, &d))
            return bad_period(text, err);
        p.kind = ALLOT_PERIOD_DAY;
        p.start = allot_days_from_civil(y, m, d);
        p.end = p.start + 1;
    } else if (n == 22 && text[10] == '.' && text[11] == '.') {
        int y2, m2, d2;
        if (!parse_ymd(text, &y, &m, &d) || !parse_ymd(text + 12, &y2, &m2, &d2))
            return bad_period(text, err);
        p.kind = ALLOT_PERIOD_RANGE;
        p.start = allot_days_from_civil(y, m, d);
        p.end = allot_days_from_civil(y2, m2, d2) + 1;
        if (p.end <= p.start)
            return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                                   "period '%s' ends before it starts; write FIRST..LAST "
                                   "(both days included)", text);
    } else {
        return bad_period(text, err);
    }
    set_label(&p, fsm);
    *out = p;
    return ALLOT_OK;
}

void allot_period_quarter_of(int64_t day, int fsm, allot_period *out)
{
    int y, m, d;
    allot_civil_from_days(day, &y, &m, &d);
    memset(out, 0, sizeof *out);
    if (fsm < 1 || fsm > 12)
        fsm = 1;
    int offset = (m - fsm + 12) % 12;          /* months since the fiscal year began */
    int qm = m - offset % 3;                   /* first month of the quarter, may be <= 0 */
    int qy = y;
    if (qm <= 0) {
        qm += 12;
        qy--;
    }
    out->kind = fsm == 1 ? ALLOT_PERIOD_QUARTER : ALLOT_PERIOD_FISCAL_QUARTER;
    out->start = allot_days_from_civil(qy, qm, 1);
    out->end = allot_add_months(out->start, 3);
    set_label(out, fsm);
}

void allot_period_prior(const allot_period *p, int fsm, allot_period *out)
{
    allot_period q = *p;
    if (fsm < 1 || fsm > 12)
        fsm = 1;
    switch (p->kind) {
    case ALLOT_PERIOD_DAY:
        q.start = p->start - 1;
        q.end = p->start;
        break;
    case ALLOT_PERIOD_MONTH:
        q.start = allot_add_months(p->start, -1);
        q.end = p->start;
        break;
    case ALLOT_PERIOD_QUARTER:
    case ALLOT_PERIOD_FISCAL_QUARTER:
        q.start = allot_add_months(p->start, -3);
        q.end = p->start;
        break;
    case ALLOT_PERIOD_YEAR:
    case ALLOT_PERIOD_FISCAL_YEAR:
        q.start = allot_add_months(p->start, -12);
        q.end = p->start;
        break;
    case ALLOT_PERIOD_RANGE:
        q.start = p->start - (p->end - p->start);
        q.end = p->start;
        break;
    }
    set_label(&q, fsm);
    *out = q;
}

int allot_period_contains(const allot_period *p, int64_t day)
{
    return day >= p->start && day < p->end;
}
