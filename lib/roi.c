/* roi.c — spend vs attributed revenue per model, period and group. */
#include "roi.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interval.h"
#include "labels.h"
#include "money.h"
#include "fx.h"
#include "store.h"

/* ---- helpers ---- */

static char *dup_text(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* Interned strings: labels and groups repeat a lot; one owned copy each. */
typedef struct strtab {
    char **s;
    size_t n, cap;
} strtab;

static const char *intern(strtab *t, const char *s)
{
    for (size_t i = t->n; i > 0; i--) /* recent first: rows come grouped */
        if (strcmp(t->s[i - 1], s) == 0)
            return t->s[i - 1];
    if (t->n == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 64;
        char **p = realloc(t->s, nc * sizeof *p);
        if (!p)
            return NULL;
        t->s = p;
        t->cap = nc;
    }
    char *d = dup_text(s);
    if (!d)
        return NULL;
    t->s[t->n++] = d;
    return d;
}

static void strtab_free(strtab *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->s[i]);
    free(t->s);
}

static int label_of_date(const char *date, const allot_roi_options *o, char *buf, size_t size)
{
    int64_t day;
    if (!date || allot_date_parse(date, &day) != ALLOT_OK)
        return -1;
    if (o->only && !allot_period_contains(o->only, day))
        return 1;
    if (o->only && o->unit == ALLOT_COHORT_ALL)
        snprintf(buf, size, "%s", o->only->label);
    else
        allot_scoreboard_period_label(day, o->unit, o->fiscal_start_month, buf, size);
    return 0;
}

/* ---- deals and customers ---- */

typedef struct deal {
    char *id;
    char *close_date;
    int new_customer;
    int64_t new_mrr; /* reporting micros; 0 when none */
} deal;

static int cmp_deal(const void *a, const void *b)
{
    return strcmp(((const deal *)a)->id, ((const deal *)b)->id);
}

static deal *find_deal(deal *d, size_t n, const char *id)
{
    if (!id)
        return NULL;
    deal key = {.id = (char *)id};
    return bsearch(&key, d, n, sizeof *d, cmp_deal);
}

/* Loads deals with the new-customer flag and first-subscription MRR. */
static allot_status load_deals(sqlite3 *db, const allot_fx *fx, deal **out, size_t *n_out,
                               allot_error *err)
{
    /* A won deal is its account's first when it comes first among the
     * account's won deals by close date (missing dates last), then deal_id;
     * a deal without an account is its own customer. Its account's first
     * subscription (by start date, then id) gives the new MRR. Window
     * functions keep this linear in the number of deals. */
    static const char sql[] =
        "WITH won AS (SELECT deal_id, ROW_NUMBER() OVER (PARTITION BY account_id IS NULL,"
        "   COALESCE(account_id, deal_id) ORDER BY close_date IS NULL, close_date, deal_id) AS k"
        "   FROM deals WHERE is_won),"
        " first_sub AS (SELECT account_id, mrr_micros, currency, start_date, ROW_NUMBER() OVER"
        "   (PARTITION BY account_id ORDER BY start_date, subscription_id) AS k FROM subscriptions)"
        " SELECT d.deal_id, d.close_date, w.deal_id IS NOT NULL, s.mrr_micros, s.currency,"
        " s.start_date FROM deals d"
        " LEFT JOIN won w ON w.deal_id = d.deal_id AND w.k = 1"
        " LEFT JOIN first_sub s ON s.account_id = d.account_id AND s.k = 1"
        " ORDER BY d.deal_id";
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(db, sql, &st, err);
    if (s != ALLOT_OK)
        return s;
    size_t n = 0, cap = 0;
    deal *d = NULL;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            deal *p = realloc(d, cap * sizeof *p);
            if (!p)
                goto nomem;
            d = p;
        }
        deal *x = &d[n++];
        memset(x, 0, sizeof *x);
        x->id = dup_text((const char *)sqlite3_column_text(st, 0));
        const char *close = (const char *)sqlite3_column_text(st, 1);
        x->close_date = close ? dup_text(close) : NULL;
        if (!x->id || (close && !x->close_date))
            goto nomem;
        x->new_customer = sqlite3_column_int(st, 2) != 0;
        if (x->new_customer && sqlite3_column_type(st, 3) != SQLITE_NULL) {
            char what[160];
            snprintf(what, sizeof what, "the first subscription of deal '%s''s account", x->id);
            s = allot_fx_convert(fx, what, sqlite3_column_int64(st, 3),
                           (const char *)sqlite3_column_text(st, 4),
                           (const char *)sqlite3_column_text(st, 5), &x->new_mrr, err);
            if (s != ALLOT_OK)
                goto fail;
        }
    }
    sqlite3_finalize(st);
    *out = d;
    *n_out = n;
    if (rc != SQLITE_DONE)
        return allot_store_fail(db, rc, "reading deals", err);
    return ALLOT_OK;
nomem:
    s = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory reading deals");
fail:
    sqlite3_finalize(st);
    *out = d;
    *n_out = n;
    return s;
}

static void deals_free(deal *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(d[i].id);
        free(d[i].close_date);
    }
    free(d);
}

/* ---- contributions and spend ---- */

typedef struct contrib {
    const char *model, *period, *group;
    size_t deal;         /* index into deals */
    int64_t revenue;     /* reporting micros */
    double weight;       /* ledger weight (customers, MRR) */
} contrib;

static int cmp_contrib(const void *a, const void *b)
{
    const contrib *x = a, *y = b;
    int c = strcmp(x->model, y->model);
    if (!c)
        c = strcmp(x->period, y->period);
    if (!c)
        c = strcmp(x->group, y->group);
    if (!c)
        c = (x->deal > y->deal) - (x->deal < y->deal);
    return c;
}

typedef struct spend_cell {
    const char *period, *group;
    int64_t spend;   /* reporting micros */
    int64_t minor;   /* footed to the period's total (foot_spend) */
} spend_cell;

static int cmp_spend(const void *a, const void *b)
{
    const spend_cell *x = a, *y = b;
    int c = strcmp(x->period, y->period);
    return c ? c : strcmp(x->group, y->group);
}

static allot_status resolve_run(sqlite3 *db, int64_t *run_id, allot_error *err)
{
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(
        db,
        "SELECT r.run_id FROM runs r WHERE r.tool = 'allot-credit' AND r.status = 'ok'"
        " AND r.parameters NOT LIKE '%event=pipeline%'"
        " AND EXISTS (SELECT 1 FROM ledger l WHERE l.run_id = r.run_id)"
        " ORDER BY r.run_id DESC LIMIT 1",
        &st, err);
    if (s != ALLOT_OK)
        return s;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *run_id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return ALLOT_OK;
    if (rc != SQLITE_DONE)
        return allot_store_fail(db, rc, "finding the credit run", err);
    return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                           "no credit ledger for the revenue event in this database; run "
                           "allot-credit first");
}

/* A run named by the caller must be an allot-credit run of this database: a
 * mistyped number would otherwise give an empty table and exit 0. */
allot_status allot_roi_check_run(sqlite3 *db, int64_t run_id, allot_error *err)
{
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(
        db, "SELECT 1 FROM runs WHERE run_id = ?1 AND tool = 'allot-credit'", &st, err);
    if (s != ALLOT_OK)
        return s;
    sqlite3_bind_int64(st, 1, run_id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return ALLOT_OK;
    if (rc != SQLITE_DONE)
        return allot_store_fail(db, rc, "finding the credit run", err);
    return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                           "there is no allot-credit run %lld in this database; leave out "
                           "--run for the latest one, or pick one of: SELECT run_id FROM runs "
                           "WHERE tool = 'allot-credit'",
                           (long long)run_id);
}

static int ledger_has_reporting(sqlite3 *db)
{
    sqlite3_stmt *st;
    int has = 0;
    if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info('ledger')", -1, &st, NULL) !=
        SQLITE_OK)
        return 0;
    while (sqlite3_step(st) == SQLITE_ROW)
        if (strcmp((const char *)sqlite3_column_text(st, 0), "reporting_minor") == 0)
            has = 1;
    sqlite3_finalize(st);
    return has;
}

typedef struct work {
    const allot_roi_options *o;
    strtab strings;
    deal *deals;
    size_t n_deals;
    contrib *c;
    size_t n_c, cap_c;
    spend_cell *sp;
    size_t n_sp, cap_sp;
    allot_fx *fx;
    int exponent;    /* of the reporting currency */
} work;

/* A deal of the ledger whose credits are in another reporting currency
 * than the one asked for: rows w->c[first..] hold its contributions, minor
 * the sum of their credits in the deal currency. */
typedef struct pending_deal {
    size_t first;
    int64_t minor;
    int exponent;
    char currency[8];
    const char *date;
    const char *deal_id;
} pending_deal;

/* Converts a pending deal as allot-credit converts a deal for the ledger:
 * its whole amount at the rate of the close date (half away from zero to
 * the micro, then to the minor unit), split over its rows by their ledger
 * weights with largest-remainder rounding. So the revenue of a model still
 * sums, per deal and period, exactly to the booked revenue in the reporting
 * currency; converting each credit on its own (as before) lost or gained a
 * cent per row and the period total missed booked revenue by a few cents. */
static allot_status flush_pending(work *w, pending_deal *p, allot_error *err)
{
    size_t n = w->n_c - p->first;
    if (n == 0)
        return ALLOT_OK;
    char what[160];
    snprintf(what, sizeof what, "credit of deal '%s'", p->deal_id);
    int64_t micros;
    allot_status s = allot_fx_convert(w->fx, what,
                                      allot_money_minor_to_micros(p->minor, p->exponent),
                                      p->currency, p->date, &micros, err);
    if (s != ALLOT_OK)
        return s;
    int rep_exp = allot_fx_reporting_exponent(w->fx);
    int64_t total = allot_money_micros_to_minor(micros, rep_exp);
    double *weights = malloc(n * sizeof *weights);
    int64_t *shares = malloc(n * sizeof *shares);
    if (!weights || !shares) {
        free(weights);
        free(shares);
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0,
                               "out of memory reading the ledger");
    }
    for (size_t i = 0; i < n; i++)
        weights[i] = w->c[p->first + i].weight;
    if (allot_money_allocate(total, weights, n, shares) != ALLOT_OK) {
        /* weights that cannot split (none positive): all on the first row */
        for (size_t i = 0; i < n; i++)
            shares[i] = i == 0 ? total : 0;
    }
    for (size_t i = 0; i < n; i++)
        w->c[p->first + i].revenue = allot_money_minor_to_micros(shares[i], rep_exp);
    free(weights);
    free(shares);
    p->first = w->n_c;
    p->minor = 0;
    return ALLOT_OK;
}

static allot_status load_ledger(sqlite3 *db, work *w, int64_t run_id, size_t *rows,
                                allot_error *err)
{
    int has_rep = ledger_has_reporting(db);
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT model, deal_id, channel, campaign_id, weight, credit_minor, currency, "
             "period, %s FROM ledger WHERE run_id = ?1 AND (?2 IS NULL OR model = ?2) "
             "ORDER BY model, deal_id, position",
             has_rep ? "reporting_minor, reporting_currency" : "NULL, NULL");
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(db, sql, &st, err);
    if (s != ALLOT_OK)
        return s;
    sqlite3_bind_int64(st, 1, run_id);
    if (w->o->model)
        sqlite3_bind_text(st, 2, w->o->model, -1, SQLITE_TRANSIENT);
    int rc;
    char label[40];
    /* The deal being converted (rows come by model, deal, position): its
     * interned model and its deal identify it; pend.first == w->n_c when
     * none. */
    pending_deal pend = {.first = w->n_c};
    const char *pend_model = NULL;
    const deal *pend_deal = NULL;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        (*rows)++;
        const char *deal_id = (const char *)sqlite3_column_text(st, 1);
        deal *d = find_deal(w->deals, w->n_deals, deal_id);
        if (!d)
            continue; /* a ledger of deals since deleted: not this data */
        int lr = label_of_date(d->close_date, w->o, label, sizeof label);
        if (lr > 0)
            continue;
        if (lr < 0) /* no close date: the ledger's own period */
            snprintf(label, sizeof label, "%s", (const char *)sqlite3_column_text(st, 7));
        /* A deal with no touch in the window is "(unattributed)" by
         * campaign too, not part of "(none)" (touches without a campaign). */
        const char *grp = (const char *)sqlite3_column_text(st, 2);
        if (w->o->group_by == ALLOT_GROUP_CAMPAIGN &&
            !(grp && strcmp(grp, ALLOT_LABEL_UNATTRIBUTED) == 0))
            grp = sqlite3_column_type(st, 3) == SQLITE_NULL
                      ? ALLOT_LABEL_NONE
                      : (const char *)sqlite3_column_text(st, 3);
        int64_t rev = 0;
        const char *rep_cur = (const char *)sqlite3_column_text(st, 9);
        const char *model_name = intern(&w->strings, (const char *)sqlite3_column_text(st, 0));
        if (!model_name)
            goto nomem;
        int same_deal = pend_model == model_name && pend_deal == d;
        if (!same_deal && (s = flush_pending(w, &pend, err)) != ALLOT_OK)
            break;
        if (sqlite3_column_type(st, 8) != SQLITE_NULL && rep_cur &&
            strcmp(rep_cur, allot_fx_reporting(w->fx)) == 0) {
            rev = allot_money_minor_to_micros(sqlite3_column_int64(st, 8),
                                              allot_currency_exponent(rep_cur));
            pend_model = NULL;
        } else {
            const char *cur = (const char *)sqlite3_column_text(st, 6);
            int exp = allot_currency_exponent(cur ? cur : "");
            if (exp < 0) {
                s = allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                                    "ledger row of deal '%s' has unknown currency '%s'",
                                    deal_id, cur ? cur : "");
                break;
            }
            if (!same_deal) {
                pend_model = model_name;
                pend_deal = d;
                pend.exponent = exp;
                snprintf(pend.currency, sizeof pend.currency, "%s", cur);
                pend.date = d->close_date ? d->close_date : "9999-12-31";
                pend.deal_id = d->id;
            }
            pend.minor += sqlite3_column_int64(st, 5);
        }
        if (w->n_c == w->cap_c) {
            size_t nc = w->cap_c ? w->cap_c * 2 : 1024;
            contrib *p = realloc(w->c, nc * sizeof *p);
            if (!p)
                goto nomem;
            w->c = p;
            w->cap_c = nc;
        }
        contrib *c = &w->c[w->n_c];
        c->model = model_name;
        c->period = intern(&w->strings, label);
        c->group = intern(&w->strings, grp ? grp : ALLOT_LABEL_NONE);
        if (!c->model || !c->period || !c->group)
            goto nomem;
        c->deal = (size_t)(d - w->deals);
        c->revenue = rev;
        c->weight = sqlite3_column_double(st, 4);
        w->n_c++;
        if (pend_model == NULL)
            pend.first = w->n_c;
    }
    sqlite3_finalize(st);
    if (s == ALLOT_OK)
        s = flush_pending(w, &pend, err);
    if (s != ALLOT_OK)
        return s;
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return allot_store_fail(db, rc, "reading the ledger", err);
    return ALLOT_OK;
nomem:
    sqlite3_finalize(st);
    return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory reading the ledger");
}

/* Rounds the groups' spend of each period to the minor unit so that the
 * column foots: the groups of a period add up exactly to the period's
 * marketing spend (its micros rounded once, allot_report_spend_minor's
 * figure), each group within one minor unit of its micros, by largest
 * remainder with ties to the group name that sorts first (allot_money_foot;
 * w->sp is sorted by period, then group). Rounding each group on its own
 * missed the period total by a cent in EUR (2026Q2 of the sample: rows
 * 206,785.84, total 206,785.83). */
static allot_status foot_spend(work *w, allot_error *err)
{
    int64_t *micros = malloc((w->n_sp + 1) * sizeof *micros);
    int64_t *minor = malloc((w->n_sp + 1) * sizeof *minor);
    allot_status s = micros && minor ? ALLOT_OK : ALLOT_ERR_NOMEM;
    for (size_t i = 0; s == ALLOT_OK && i < w->n_sp;) {
        size_t j = i;
        while (j < w->n_sp && w->sp[j].period == w->sp[i].period)
            j++;
        for (size_t k = i; k < j; k++)
            micros[k - i] = w->sp[k].spend;
        s = allot_money_foot(micros, j - i, w->exponent, minor, NULL);
        for (size_t k = i; s == ALLOT_OK && k < j; k++)
            w->sp[k].minor = minor[k - i];
        i = j;
    }
    free(micros);
    free(minor);
    if (s == ALLOT_ERR_NOMEM)
        return allot_error_set(err, s, NULL, 0, 0, "out of memory footing spend");
    if (s != ALLOT_OK)
        return allot_error_set(err, s, NULL, 0, 0, "cannot round spend to the minor unit");
    return ALLOT_OK;
}

static allot_status load_spend(sqlite3 *db, work *w, size_t *rows, allot_error *err)
{
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(
        db,
        "SELECT s.date, s.campaign_id, s.cost_micros, s.currency, c.channel, c.utm_source,"
        " c.utm_medium, c.utm_campaign, c.type, c.campaign_id IS NOT NULL"
        " FROM spend s LEFT JOIN campaigns c ON c.campaign_id = s.campaign_id"
        " ORDER BY s.date, s.source_system, s.ad_account, s.campaign_id",
        &st, err);
    if (s != ALLOT_OK)
        return s;
    int rc;
    char label[40];
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        (*rows)++;
        const char *date = (const char *)sqlite3_column_text(st, 0);
        int lr = label_of_date(date, w->o, label, sizeof label);
        if (lr > 0)
            continue;
        if (lr < 0) {
            s = allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                                "spend row dated '%s' is not a date YYYY-MM-DD",
                                date ? date : "");
            break;
        }
        const char *campaign = (const char *)sqlite3_column_text(st, 1);
        const char *grp;
        if (w->o->group_by == ALLOT_GROUP_CAMPAIGN) {
            grp = campaign;
        } else {
            const char *channel = (const char *)sqlite3_column_text(st, 4);
            const char *src = (const char *)sqlite3_column_text(st, 5);
            const char *med = (const char *)sqlite3_column_text(st, 6);
            if (channel && *channel)
                grp = channel;
            else if ((src && *src) || (med && *med)) {
                allot_touch_fields f = {0};
                f.utm_source = src;
                f.utm_medium = med;
                f.utm_campaign = (const char *)sqlite3_column_text(st, 7);
                f.touch_type = (const char *)sqlite3_column_text(st, 8);
                grp = allot_taxonomy_channel(w->o->taxonomy, &f);
            } else {
                grp = "(unknown)";
            }
        }
        int64_t cost;
        char what[200];
        snprintf(what, sizeof what, "spend of campaign '%s' on %s", campaign ? campaign : "",
                 date);
        s = allot_fx_convert(w->fx, what, sqlite3_column_int64(st, 2),
                       (const char *)sqlite3_column_text(st, 3), date, &cost, err);
        if (s != ALLOT_OK)
            break;
        if (w->n_sp == w->cap_sp) {
            size_t nc = w->cap_sp ? w->cap_sp * 2 : 1024;
            spend_cell *p = realloc(w->sp, nc * sizeof *p);
            if (!p)
                goto nomem;
            w->sp = p;
            w->cap_sp = nc;
        }
        spend_cell *c = &w->sp[w->n_sp];
        c->period = intern(&w->strings, label);
        c->group = intern(&w->strings, grp ? grp : ALLOT_LABEL_NONE);
        if (!c->period || !c->group)
            goto nomem;
        c->spend = cost;
        w->n_sp++;
    }
    sqlite3_finalize(st);
    if (s != ALLOT_OK)
        return s;
    if (rc != SQLITE_DONE)
        return allot_store_fail(db, rc, "reading spend", err);
    /* sum equal cells (qsort must not get NULL, even for 0 elements) */
    if (w->n_sp > 1)
        qsort(w->sp, w->n_sp, sizeof *w->sp, cmp_spend);
    size_t k = 0;
    for (size_t i = 0; i < w->n_sp; i++) {
        if (k && cmp_spend(&w->sp[k - 1], &w->sp[i]) == 0)
            w->sp[k - 1].spend += w->sp[i].spend;
        else
            w->sp[k++] = w->sp[i];
    }
    w->n_sp = k;
    return foot_spend(w, err);
nomem:
    sqlite3_finalize(st);
    return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory reading spend");
}

/* ---- bootstrap over one model's deals ---- */

typedef struct boot_item {
    size_t unit;   /* resampled deal */
    size_t stat;   /* row with spend: stats 2*stat (ROI), 2*stat+1 (ROAS) */
    double revenue;
} boot_item;

typedef struct boot_ctx {
    const boot_item *items;
    size_t n_items;
    const double *spend; /* per stat */
    size_t n_stats;      /* rows with spend */
    double *revenue;     /* scratch per stat */
} boot_ctx;

static allot_status boot_statistic(const uint32_t *counts, size_t n_units, double *stats,
                                   size_t n_stats, void *vctx, allot_error *err)
{
    (void)n_units;
    (void)n_stats;
    (void)err;
    boot_ctx *b = vctx;
    memset(b->revenue, 0, b->n_stats * sizeof *b->revenue);
    for (size_t i = 0; i < b->n_items; i++)
        b->revenue[b->items[i].stat] += counts[b->items[i].unit] * b->items[i].revenue;
    for (size_t j = 0; j < b->n_stats; j++) {
        stats[2 * j] = (b->revenue[j] - b->spend[j]) / b->spend[j];
        stats[2 * j + 1] = b->revenue[j] / b->spend[j];
    }
    return ALLOT_OK;
}

static allot_status bootstrap_model(const work *w, const contrib *c, size_t n_c,
                                    allot_roi_row *rows, size_t n_rows, const size_t *row_of,
                                    const allot_roi *roi, allot_error *err)
{
    allot_status s = ALLOT_OK;
    size_t *unit_of = malloc((w->n_deals + 1) * sizeof *unit_of);
    size_t *stat_of = malloc((n_rows + 1) * sizeof *stat_of);
    double *spend = malloc((n_rows + 1) * sizeof *spend);
    boot_item *items = malloc((n_c + 1) * sizeof *items);
    double *lower = malloc((2 * n_rows + 1) * sizeof *lower);
    double *upper = malloc((2 * n_rows + 1) * sizeof *upper);
    double *scratch = malloc((n_rows + 1) * sizeof *scratch);
    if (!unit_of || !stat_of || !spend || !items || !lower || !upper || !scratch) {
        s = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    size_t n_stats = 0;
    for (size_t r = 0; r < n_rows; r++) {
        stat_of[r] = SIZE_MAX;
        if (rows[r].spend_micros > 0) {
            stat_of[r] = n_stats;
            spend[n_stats++] = (double)rows[r].spend_micros;
        }
    }
    for (size_t i = 0; i < w->n_deals; i++)
        unit_of[i] = SIZE_MAX;
    size_t n_units = 0, n_items = 0;
    for (size_t i = 0; i < n_c; i++) {
        if (unit_of[c[i].deal] == SIZE_MAX)
            unit_of[c[i].deal] = n_units++;
        size_t st = stat_of[row_of[i]];
        if (st == SIZE_MAX)
            continue;
        items[n_items++] = (boot_item){unit_of[c[i].deal], st, (double)c[i].revenue};
    }
    if (n_stats == 0 || n_units == 0)
        goto done;
    boot_ctx ctx = {items, n_items, spend, n_stats, scratch};
    s = allot_bootstrap_percentile(n_units, 2 * n_stats, roi->bootstrap, roi->seed, roi->alpha,
                                   boot_statistic, &ctx, lower, upper, NULL, err);
    if (s != ALLOT_OK)
        goto done;
    for (size_t r = 0; r < n_rows; r++) {
        size_t st = stat_of[r];
        if (st == SIZE_MAX)
            continue;
        rows[r].roi_lower = lower[2 * st];
        rows[r].roi_upper = upper[2 * st];
        rows[r].roas_lower = lower[2 * st + 1];
        rows[r].roas_upper = upper[2 * st + 1];
    }
done:
    free(scratch);
    free(upper);
    free(lower);
    free(items);
    free(spend);
    free(stat_of);
    free(unit_of);
    return s;
}

/* ---- assembling rows ---- */

static allot_roi_row *new_row(allot_roi *roi, size_t *cap, const char *model, const char *period,
                              const char *group)
{
    if (roi->n_rows == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        allot_roi_row *p = realloc(roi->rows, nc * sizeof *p);
        if (!p)
            return NULL;
        roi->rows = p;
        *cap = nc;
    }
    allot_roi_row *r = &roi->rows[roi->n_rows];
    memset(r, 0, sizeof *r);
    r->model = dup_text(model);
    r->period = dup_text(period);
    r->group = dup_text(group);
    roi->n_rows++; /* counted even on failure so release frees what exists */
    if (!r->model || !r->period || !r->group)
        return NULL;
    r->roi_lower = r->roi_upper = r->roas_lower = r->roas_upper = NAN;
    return r;
}

static void finish_row(allot_roi_row *r, double gross_margin)
{
    double spend = (double)r->spend_micros, rev = (double)r->revenue_micros;
    r->roi = spend > 0 ? (rev - spend) / spend : NAN;
    r->roas = spend > 0 ? rev / spend : NAN;
    r->cac_micros = r->customers > 0 && spend > 0 ? spend / r->customers : NAN;
    double margin_mrr = r->new_mrr_micros * gross_margin;
    r->payback_months = margin_mrr > 0 && spend > 0 ? spend / margin_mrr : NAN;
}

static allot_status build_model(work *w, allot_roi *roi, size_t *cap, const contrib *c,
                                size_t n_c, allot_error *err)
{
    const char *model = c[0].model;
    size_t first_row = roi->n_rows;
    size_t *row_of = malloc((n_c + 1) * sizeof *row_of);
    if (!row_of)
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    size_t i = 0, k = 0;
    while (i < n_c || k < w->n_sp) {
        int cmp;
        if (i >= n_c)
            cmp = 1;
        else if (k >= w->n_sp)
            cmp = -1;
        else {
            cmp = strcmp(c[i].period, w->sp[k].period);
            if (!cmp)
                cmp = strcmp(c[i].group, w->sp[k].group);
        }
        const char *period = cmp <= 0 ? c[i].period : w->sp[k].period;
        const char *group = cmp <= 0 ? c[i].group : w->sp[k].group;
        allot_roi_row *r = new_row(roi, cap, model, period, group);
        if (!r) {
            free(row_of);
            return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        size_t row = roi->n_rows - 1;
        if (cmp >= 0) {
            r->spend_micros = w->sp[k].spend;
            r->spend_minor = w->sp[k++].minor;
        }
        if (cmp <= 0) {
            size_t j = i;
            size_t last_deal = SIZE_MAX;
            while (j < n_c && c[j].period == period && c[j].group == group) {
                const deal *d = &w->deals[c[j].deal];
                r->revenue_micros += c[j].revenue;
                if (c[j].weight > 0 && c[j].deal != last_deal) {
                    r->deals += 1; /* credited: a zero-weight row is no credit */
                    last_deal = c[j].deal;
                }
                if (d->new_customer) {
                    r->customers += c[j].weight;
                    r->new_mrr_micros += c[j].weight * (double)d->new_mrr;
                }
                row_of[j] = row;
                j++;
            }
            i = j;
        }
        finish_row(r, roi->gross_margin);
    }
    allot_status s = ALLOT_OK;
    if (roi->bootstrap > 0) {
        /* row_of indexes rows of this model from first_row */
        for (size_t j = 0; j < n_c; j++)
            row_of[j] -= first_row;
        s = bootstrap_model(w, c, n_c, roi->rows + first_row, roi->n_rows - first_row, row_of,
                            roi, err);
    }
    free(row_of);
    return s;
}

allot_status allot_roi_compute(sqlite3 *db, const allot_roi_options *options, allot_roi *roi,
                               allot_error *err)
{
    static const allot_roi_options defaults = {0};
    allot_roi_options o = options ? *options : defaults;
    memset(roi, 0, sizeof *roi);
    if (o.group_by == ALLOT_GROUP_SOURCE)
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "ROI cannot be grouped by lead source: spend has no lead source; "
                               "use channel or campaign");
    if (o.group_by == ALLOT_GROUP_NONE)
        o.group_by = ALLOT_GROUP_CHANNEL;
    roi->alpha = o.alpha > 0 ? o.alpha : 0.05;
    o.alpha = roi->alpha;
    roi->bootstrap = o.bootstrap;
    roi->seed = o.seed;
    roi->gross_margin = o.gross_margin > 0 ? o.gross_margin : 0.8;
    const char *cur = o.currency ? o.currency : "USD";
    if (!allot_currency_valid(cur))
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "unknown reporting currency '%s'", cur);
    memcpy(roi->currency, cur, 4);

    work w = {.o = &o, .exponent = allot_currency_exponent(roi->currency)};
    allot_taxonomy *own_tx = NULL;
    allot_status s = ALLOT_OK;
    if (!o.taxonomy) {
        s = allot_taxonomy_new(NULL, &own_tx, err);
        o.taxonomy = own_tx;
    }
    if (s == ALLOT_OK)
        s = allot_fx_load(db, roi->currency, &w.fx, err);
    roi->run_id = o.run_id;
    if (s == ALLOT_OK && !roi->run_id)
        s = resolve_run(db, &roi->run_id, err);
    if (s == ALLOT_OK)
        s = load_deals(db, w.fx, &w.deals, &w.n_deals, err);
    if (s == ALLOT_OK)
        s = load_ledger(db, &w, roi->run_id, &roi->ledger_rows, err);
    if (s == ALLOT_OK && o.run_id)
        s = allot_roi_check_run(db, o.run_id, err);
    if (s == ALLOT_OK && o.model && w.n_c == 0 && roi->ledger_rows == 0)
        s = allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                            "credit run %lld has no ledger rows for model '%s'",
                            (long long)roi->run_id, o.model);
    if (s == ALLOT_OK)
        s = load_spend(db, &w, &roi->spend_rows, err);
    if (s == ALLOT_OK) {
        if (w.n_c > 1)
            qsort(w.c, w.n_c, sizeof *w.c, cmp_contrib);
        size_t cap = 0;
        for (size_t i = 0; i < w.n_c && s == ALLOT_OK;) {
            size_t j = i;
            while (j < w.n_c && w.c[j].model == w.c[i].model)
                j++;
            s = build_model(&w, roi, &cap, w.c + i, j - i, err);
            i = j;
        }
    }
    allot_fx_free(w.fx);
    free(w.c);
    free(w.sp);
    deals_free(w.deals, w.n_deals);
    strtab_free(&w.strings);
    allot_taxonomy_free(own_tx);
    return s;
}

void allot_roi_release(allot_roi *roi)
{
    if (!roi)
        return;
    for (size_t i = 0; i < roi->n_rows; i++) {
        free(roi->rows[i].model);
        free(roi->rows[i].period);
        free(roi->rows[i].group);
    }
    free(roi->rows);
    memset(roi, 0, sizeof *roi);
}
