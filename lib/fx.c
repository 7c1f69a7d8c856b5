#include "fx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"
#include "store.h"

typedef struct fx_row {
    char currency[4];
    char start[11];
    char end[11]; /* "" = open */
    double rate;
} fx_row;

struct allot_fx {
    char reporting[4];
    int exponent;
    fx_row *rows; /* by currency, then start date */
    size_t n;
    int reporting_has_rows; /* the table is in another base: convert through it */
    char base[4];           /* a currency other than reporting whose rows are all 1: the
                             * table's own base, shown by the table; "" if none */
};

static int by_currency_start(const void *x, const void *y)
{
    const fx_row *a = x, *b = y;
    int c = strcmp(a->currency, b->currency);
    return c ? c : strcmp(a->start, b->start);
}

allot_status allot_fx_load(sqlite3 *db, const char *reporting, allot_fx **out,
                           allot_error *err)
{
    *out = NULL;
    if (!allot_currency_valid(reporting))
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "reporting currency '%s' is not an ISO 4217 code",
                               reporting ? reporting : "");
    allot_fx *fx = calloc(1, sizeof *fx);
    if (!fx)
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    memcpy(fx->reporting, reporting, 4);
    fx->exponent = allot_currency_exponent(reporting);
    sqlite3_stmt *s;
    allot_status st = allot_store_prepare(db,
        "SELECT currency, start_date, coalesce(end_date, ''), rate FROM fx_rates", &s, err);
    if (st) {
        free(fx);
        return st;
    }
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (fx->n == cap) {
            cap = cap ? 2 * cap : 64;
            fx_row *r = realloc(fx->rows, cap * sizeof *r);
            if (!r) {
                sqlite3_finalize(s);
                allot_fx_free(fx);
                return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
            }
            fx->rows = r;
        }
        fx_row *r = &fx->rows[fx->n++];
        memset(r, 0, sizeof *r);
        const char *c = (const char *)sqlite3_column_text(s, 0);
        const char *a = (const char *)sqlite3_column_text(s, 1);
        const char *e = (const char *)sqlite3_column_text(s, 2);
        strncpy(r->currency, c ? c : "", 3);
        strncpy(r->start, a ? a : "", 10);
        strncpy(r->end, e ? e : "", 10);
        r->rate = sqlite3_column_double(s, 3);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        allot_fx_free(fx);
        return allot_store_fail(db, rc, "cannot read fx_rates", err);
    }
    if (fx->n)
        qsort(fx->rows, fx->n, sizeof *fx->rows, by_currency_start);
    /* One currency's rows at a time (they are sorted by currency). */
    for (size_t i = 0, j; i < fx->n; i = j) {
        const char *currency = fx->rows[i].currency;
        int all_one = 1;
        for (j = i; j < fx->n && strcmp(fx->rows[j].currency, currency) == 0; j++)
            all_one &= fx->rows[j].rate == 1;
        if (strcmp(currency, fx->reporting) == 0)
            fx->reporting_has_rows = 1;
        else if (all_one && !fx->base[0])
            memcpy(fx->base, currency, 4);
    }
    *out = fx;
    return ALLOT_OK;
}

void allot_fx_free(allot_fx *fx)
{
    if (fx) {
        free(fx->rows);
        free(fx);
    }
}

const char *allot_fx_reporting(const allot_fx *fx)
{
    return fx->reporting;
}

int allot_fx_reporting_exponent(const allot_fx *fx)
{
    return fx->exponent;
}

/* The rate of currency's row covering date, in the table's own base; 0 when
 * no row covers it. */
static double table_rate(const allot_fx *fx, const char *currency, const char *date)
{
    /* The last row of the currency starting on or before date. */
    size_t lo = 0, hi = fx->n;
    while (lo < hi) {
        size_t m = (lo + hi) / 2;
        int c = strcmp(fx->rows[m].currency, currency);
        if (c < 0 || (c == 0 && strcmp(fx->rows[m].start, date) <= 0))
            lo = m + 1;
        else
            hi = m;
    }
    if (lo > 0) {
        const fx_row *r = &fx->rows[lo - 1];
        if (strcmp(r->currency, currency) == 0 && (!r->end[0] || strcmp(date, r->end) < 0))
            return r->rate;
    }
    return 0;
}

allot_status allot_fx_rate(const allot_fx *fx, const char *currency, const char *date,
                           double *rate, allot_error *err)
{
    if (strcmp(currency, fx->reporting) == 0) {
        *rate = 1;
        return ALLOT_OK;
    }
    if (!fx->reporting_has_rows && fx->base[0])
        /* Without rows of its own the reporting currency would be taken as
         * the table's base, and the table suggests another one (or a
         * currency pegged 1:1: either way a row of the reporting currency
         * settles it). */
        return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                               "cannot convert %s into %s: fx_rates has no %s rows, and its %s "
                               "rows (all 1) say its rates may be in %s, not %s; load fx_rates "
                               "rows for %s (rate 1 if the table is in %s, else %s per %s)",
                               currency, fx->reporting, fx->reporting, fx->base, fx->base,
                               fx->reporting, fx->reporting, fx->reporting, fx->base,
                               fx->reporting);
    double r = table_rate(fx, currency, date);
    if (r > 0 && fx->reporting_has_rows) {
        /* The table gives the reporting currency a rate of its own, so its
         * rates are in another (corporate) currency: cross through it. */
        double base = table_rate(fx, fx->reporting, date);
        if (base > 0) {
            *rate = r / base;
            return ALLOT_OK;
        }
        return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                               "no fx rate for the reporting currency %s on %s (fx_rates has "
                               "%s rows, so %s converts through them); load an fx_rates row "
                               "(currency %s, start_date <= %s < end_date)",
                               fx->reporting, date, fx->reporting, currency, fx->reporting,
                               date);
    }
    if (r > 0) {
        *rate = r;
        return ALLOT_OK;
    }
    return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                           "no fx rate for %s on %s; load an fx_rates row (currency %s, "
                           "start_date <= %s < end_date, rate in %s per %s)",
                           currency, date, currency, date, fx->reporting, currency);
}

allot_status allot_fx_to_reporting_minor(const allot_fx *fx, int64_t micros,
                                         const char *currency, const char *date,
                                         int64_t *minor, allot_error *err)
{
    double rate = 0;
    allot_status st = allot_fx_rate(fx, currency, date, &rate, err);
    if (st)
        return st;
    int64_t converted = rate == 1 ? micros : allot_money_convert(micros, rate);
    *minor = allot_money_micros_to_minor(converted, fx->exponent);
    return ALLOT_OK;
}

allot_status allot_fx_convert(const allot_fx *fx, const char *what, int64_t micros,
                              const char *currency, const char *date, int64_t *out,
                              allot_error *err)
{
    if (!currency || !*currency)
        return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                               "%s has an amount but no currency; fix the export", what);
    double rate = 0;
    allot_status s = allot_fx_rate(fx, currency, date, &rate, err);
    if (s != ALLOT_OK) {
        char why[sizeof err->message];
        snprintf(why, sizeof why, "%s", err ? err->message : "");
        return allot_error_set(err, s, NULL, 0, 0, "%s: %s", what, why);
    }
    *out = rate == 1 ? micros : allot_money_convert(micros, rate);
    return ALLOT_OK;
}
