#include "ledger.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "money.h"
#include "period.h"
#include "store.h"

typedef struct cell {
    int64_t credited, deals, null_deals;
} cell;

typedef struct period_acc {
    int64_t deals, attributed, unattributed, null_deals, booked, credited, unattributed_minor;
} period_acc;

typedef struct camp_entry {
    uint64_t key; /* period << 48 | channel << 32 | campaign */
    cell c;
    uint32_t stamp;
} camp_entry;

typedef struct camp_map {
    camp_entry *e;
    uint32_t *slots; /* entry + 1 */
    size_t n, cap, nslots;
} camp_map;

static camp_entry *camp_get(camp_map *m, uint64_t key)
{
    if (m->nslots == 0 || 2 * (m->n + 1) > m->nslots) {
        size_t ns = m->nslots ? 2 * m->nslots : 1024;
        uint32_t *slots = calloc(ns, sizeof *slots);
        if (!slots)
            return NULL;
        for (size_t i = 0; i < m->n; i++) {
            size_t k = (m->e[i].key * UINT64_C(0x9E3779B97F4A7C15)) >> 20 & (ns - 1);
            while (slots[k])
                k = (k + 1) & (ns - 1);
            slots[k] = (uint32_t)i + 1;
        }
        free(m->slots);
        m->slots = slots;
        m->nslots = ns;
    }
    size_t k = (key * UINT64_C(0x9E3779B97F4A7C15)) >> 20 & (m->nslots - 1);
    for (; m->slots[k]; k = (k + 1) & (m->nslots - 1))
        if (m->e[m->slots[k] - 1].key == key)
            return &m->e[m->slots[k] - 1];
    if (m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 256;
        camp_entry *e = realloc(m->e, cap * sizeof *e);
        if (!e)
            return NULL;
        m->e = e;
        m->cap = cap;
    }
    camp_entry *e = &m->e[m->n];
    memset(e, 0, sizeof *e);
    e->key = key;
    m->slots[k] = (uint32_t)++m->n;
    return e;
}

static void camp_release(camp_map *m)
{
    free(m->e);
    free(m->slots);
    memset(m, 0, sizeof *m);
}

static int by_key(const void *x, const void *y)
{
    const camp_entry *a = x, *b = y;
    return a->key < b->key ? -1 : a->key > b->key;
}

/* Per converting journey, computed once for all models. */
typedef struct deal_pre {
    int64_t minor;      /* deal currency minor units */
    int64_t rep;        /* reporting currency minor units */
    uint16_t period;
    int8_t exponent;
} deal_pre;

typedef struct writer {
    sqlite3 *db;
    int64_t run_id;
    const allot_journey_set *set;
    const allot_ledger_options *o;
    const allot_taxonomy *taxonomy;
    allot_error *err;
    char (*periods)[32];
    size_t n_periods;
    deal_pre *pre;
    sqlite3_stmt *ins;
    double *w, *w_rep;
    uint32_t *rules;
    int64_t *shares, *rshares;
} writer;

static allot_status nomem(writer *wr)
{
    return allot_error_set(wr->err, ALLOT_ERR_NOMEM, NULL, 0, 0,
                           "out of memory while writing the ledger");
}

static allot_status prepare_deals(writer *wr, allot_ledger_summary *sum)
{
    const allot_journey_set *set = wr->set;
    size_t n = set->n_converting;
    wr->pre = calloc(n ? n : 1, sizeof *wr->pre);
    wr->periods = malloc(64 * sizeof *wr->periods);
    if (!wr->pre || !wr->periods)
        return nomem(wr);
    size_t cap = 64;
    /* Period of a month, memoised: the label depends on year and month only. */
    int month_key[64];
    uint16_t month_period[64];
    size_t n_months = 0;
    int last_key = -1;
    uint16_t last_period = 0;
    for (size_t i = 0; i < n; i++) {
        const allot_journey *j = &set->journeys[i];
        const allot_deal *d = &set->deals[j->deal];
        int key = atoi(d->event_date) * 12 + atoi(d->event_date + 5);
        uint16_t period = last_period;
        if (key != last_key) {
            size_t k = 0;
            while (k < n_months && month_key[k] != key)
                k++;
            if (k < n_months) {
                period = month_period[k];
            } else {
                char label[32];
                int64_t day = 0;
                allot_period quarter;
                if (allot_date_parse(d->event_date, &day) != ALLOT_OK)
                    return allot_error_set(wr->err, ALLOT_ERR_DATA, NULL, 0, 0,
                                           "deal '%s' has no valid event date", d->deal_id);
                allot_period_quarter_of(day, wr->o->fiscal_start_month, &quarter);
                snprintf(label, sizeof label, "%s", quarter.label);
                size_t p = 0;
                while (p < wr->n_periods && strcmp(wr->periods[p], label) != 0)
                    p++;
                if (p == wr->n_periods) {
                    if (p >= 65535)
                        return allot_error_set(wr->err, ALLOT_ERR_LIMIT, NULL, 0, 0,
                                               "more than 65535 periods; narrow --period");
                    if (p == cap) {
                        cap *= 2;
                        void *q = realloc(wr->periods, cap * sizeof *wr->periods);
                        if (!q)
                            return nomem(wr);
                        wr->periods = q;
                    }
                    memcpy(wr->periods[p], label, sizeof label);
                    wr->n_periods++;
                }
                period = (uint16_t)p;
                if (n_months < 64) {
                    month_key[n_months] = key;
                    month_period[n_months++] = period;
                } else {
                    n_months = 0; /* a wide date range: restart the memo */
                }
            }
            last_key = key;
            last_period = period;
        }
        deal_pre *pd = &wr->pre[i];
        pd->period = period;
        sum->deals++;
        sum->journey_touches += j->length;
        if (!d->has_amount) {
            sum->null_amount_deals++;
            continue;
        }
        int e = allot_currency_exponent(d->currency);
        pd->exponent = (int8_t)e;
        pd->minor = allot_money_micros_to_minor(d->amount_micros, e);
        allot_error fx_err;
        allot_status st = allot_fx_to_reporting_minor(wr->o->fx, d->amount_micros, d->currency,
                                                      d->event_date, &pd->rep, &fx_err);
        if (st)
            return allot_error_set(wr->err, st, NULL, 0, 0, "deal '%.100s': %.600s",
                                   d->deal_id, fx_err.message);
        sum->booked_minor += pd->rep;
        if (j->length == 0)
            sum->unattributed_deals++;
    }
    return ALLOT_OK;
}

static allot_status step_done(writer *wr, sqlite3_stmt *s, const char *what)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return allot_store_fail(wr->db, rc, what, wr->err);
    return ALLOT_OK;
}

static allot_status write_null_deals(writer *wr)
{
    sqlite3_stmt *s;
    allot_status st = allot_store_prepare(wr->db,
        "INSERT INTO ledger_null_amount(run_id, deal_id, period, touches) VALUES (?,?,?,?)",
        &s, wr->err);
    if (st)
        return st;
    for (size_t i = 0; i < wr->set->n_converting && !st; i++) {
        const allot_journey *j = &wr->set->journeys[i];
        const allot_deal *d = &wr->set->deals[j->deal];
        if (d->has_amount)
            continue;
        sqlite3_bind_int64(s, 1, wr->run_id);
        sqlite3_bind_text(s, 2, d->deal_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, wr->periods[wr->pre[i].period], -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 4, j->length);
        st = step_done(wr, s, "cannot write ledger_null_amount");
    }
    sqlite3_finalize(s);
    return st;
}

static allot_status insert_row(writer *wr, const char *model, const allot_deal *d,
                               const char *touch_id, int64_t position, const char *channel,
                               const char *campaign, double weight, int64_t credit,
                               const char *rule, const char *period, int64_t rep)
{
    sqlite3_stmt *s = wr->ins;
    sqlite3_bind_int64(s, 1, wr->run_id);
    sqlite3_bind_text(s, 2, model, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, d->deal_id, -1, SQLITE_STATIC);
    if (touch_id)
        sqlite3_bind_text(s, 4, touch_id, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, 4);
    sqlite3_bind_int64(s, 5, position);
    sqlite3_bind_text(s, 6, channel, -1, SQLITE_STATIC);
    if (campaign)
        sqlite3_bind_text(s, 7, campaign, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, 7);
    sqlite3_bind_double(s, 8, weight);
    sqlite3_bind_int64(s, 9, credit);
    sqlite3_bind_text(s, 10, d->currency, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 11, rule, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 12, period, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 13, rep);
    sqlite3_bind_text(s, 14, allot_fx_reporting(wr->o->fx), -1, SQLITE_STATIC);
    return step_done(wr, s, "cannot write ledger row");
}

static double share_of(int64_t part, int64_t whole)
{
    return whole ? (double)part / (double)whole : 0.0;
}

/* Rollup rows of one model, from its accumulators. */
static allot_status write_rollups(writer *wr, const char *model, const cell *cells,
                                  camp_map *camps, const period_acc *pacc)
{
    const allot_journey_set *set = wr->set;
    size_t nc = set->n_channels + 1;
    const char *cur = allot_fx_reporting(wr->o->fx);
    sqlite3_stmt *s;
    allot_status st = allot_store_prepare(wr->db,
        "INSERT INTO rollup_period(run_id, model, period, deals, attributed_deals, "
        "unattributed_deals, null_amount_deals, booked_minor, credited_minor, "
        "unattributed_minor, currency) VALUES (?,?,?,?,?,?,?,?,?,?,?)", &s, wr->err);
    for (size_t p = 0; p < wr->n_periods && !st; p++) {
        const period_acc *a = &pacc[p];
        sqlite3_bind_int64(s, 1, wr->run_id);
        sqlite3_bind_text(s, 2, model, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, wr->periods[p], -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 4, a->deals);
        sqlite3_bind_int64(s, 5, a->attributed);
        sqlite3_bind_int64(s, 6, a->unattributed);
        sqlite3_bind_int64(s, 7, a->null_deals);
        sqlite3_bind_int64(s, 8, a->booked);
        sqlite3_bind_int64(s, 9, a->credited);
        sqlite3_bind_int64(s, 10, a->unattributed_minor);
        sqlite3_bind_text(s, 11, cur, -1, SQLITE_STATIC);
        st = step_done(wr, s, "cannot write rollup_period");
    }
    sqlite3_finalize(s);
    if (st)
        return st;
    st = allot_store_prepare(wr->db,
        "INSERT INTO rollup_channel(run_id, model, period, channel, deals, null_amount_deals, "
        "credited_minor, currency, share, channel_group) VALUES (?,?,?,?,?,?,?,?,?,?)", &s,
        wr->err);
    for (size_t p = 0; p < wr->n_periods && !st; p++)
        for (size_t c = 0; c < nc && !st; c++) {
            const cell *x = &cells[p * nc + c];
            int unattributed = c == set->n_channels;
            if (!x->deals && !x->null_deals && !x->credited && !(unattributed && pacc[p].unattributed))
                continue;
            sqlite3_bind_int64(s, 1, wr->run_id);
            sqlite3_bind_text(s, 2, model, -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 3, wr->periods[p], -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 4, unattributed ? ALLOT_UNATTRIBUTED : set->channels[c], -1,
                              SQLITE_STATIC);
            sqlite3_bind_int64(s, 5, x->deals);
            sqlite3_bind_int64(s, 6, x->null_deals);
            sqlite3_bind_int64(s, 7, x->credited);
            sqlite3_bind_text(s, 8, cur, -1, SQLITE_STATIC);
            sqlite3_bind_double(s, 9, share_of(x->credited, pacc[p].booked));
            sqlite3_bind_text(s, 10, unattributed ? ALLOT_UNATTRIBUTED
                                                  : allot_taxonomy_group(wr->taxonomy,
                                                                         set->channels[c]),
                              -1, SQLITE_TRANSIENT);
            st = step_done(wr, s, "cannot write rollup_channel");
        }
    sqlite3_finalize(s);
    if (st)
        return st;
    if (camps->n)
        qsort(camps->e, camps->n, sizeof *camps->e, by_key);
    st = allot_store_prepare(wr->db,
        "INSERT INTO rollup_campaign(run_id, model, period, channel, campaign_id, deals, "
        "null_amount_deals, credited_minor, currency, share) VALUES (?,?,?,?,?,?,?,?,?,?)",
        &s, wr->err);
    for (size_t i = 0; i < camps->n && !st; i++) {
        const camp_entry *e = &camps->e[i];
        size_t p = (size_t)(e->key >> 48), c = (size_t)(e->key >> 32 & 0xffff);
        uint32_t k = (uint32_t)e->key;
        sqlite3_bind_int64(s, 1, wr->run_id);
        sqlite3_bind_text(s, 2, model, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, wr->periods[p], -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, set->channels[c], -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 5, k == ALLOT_NO_CAMPAIGN ? ALLOT_NO_CAMPAIGN_LABEL
                                                       : set->campaigns[k], -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 6, e->c.deals);
        sqlite3_bind_int64(s, 7, e->c.null_deals);
        sqlite3_bind_int64(s, 8, e->c.credited);
        sqlite3_bind_text(s, 9, cur, -1, SQLITE_STATIC);
        sqlite3_bind_double(s, 10, share_of(e->c.credited, pacc[p].booked));
        st = step_done(wr, s, "cannot write rollup_campaign");
    }
    sqlite3_finalize(s);
    return st;
}

static allot_status run_model(writer *wr, const allot_model_ctx *ctx, int write_rows,
                              allot_ledger_summary *sum)
{
    const allot_journey_set *set = wr->set;
    const char *model = ctx->def->name;
    size_t nc = set->n_channels + 1, unattr = set->n_channels;
    cell *cells = calloc(wr->n_periods * nc + 1, sizeof *cells);
    period_acc *pacc = calloc(wr->n_periods + 1, sizeof *pacc);
    uint32_t *stamp = calloc(nc, sizeof *stamp);
    camp_map camps;
    memset(&camps, 0, sizeof camps);
    allot_status st = ALLOT_OK;
    if (!cells || !pacc || !stamp)
        st = nomem(wr);
    char rule[96];
    for (size_t i = 0; i < set->n_converting && !st; i++) {
        const allot_journey *j = &set->journeys[i];
        const allot_deal *d = &set->deals[j->deal];
        const deal_pre *pd = &wr->pre[i];
        const char *period = wr->periods[pd->period];
        period_acc *pa = &pacc[pd->period];
        cell *row = cells + (size_t)pd->period * nc;
        uint32_t mark = (uint32_t)i + 1;
        if (!d->has_amount) {
            pa->null_deals++;
            if (j->length == 0) {
                row[unattr].null_deals++;
                continue;
            }
            ctx->def->weigh(ctx, j, wr->w, wr->rules);
            for (uint32_t k = 0; k < j->length; k++) {
                if (!(wr->w[k] > 0))
                    continue;
                const allot_touch *t = allot_journey_touch(set, j, k);
                if (stamp[t->channel] != mark) {
                    stamp[t->channel] = mark;
                    row[t->channel].null_deals++;
                }
                camp_entry *e = camp_get(&camps, (uint64_t)pd->period << 48 |
                                                     (uint64_t)t->channel << 32 | t->campaign);
                if (!e) {
                    st = nomem(wr);
                    break;
                }
                if (e->stamp != mark) {
                    e->stamp = mark;
                    e->c.null_deals++;
                }
            }
            continue;
        }
        pa->deals++;
        pa->booked += pd->rep;
        if (j->length == 0) {
            pa->unattributed++;
            pa->unattributed_minor += pd->rep;
            row[unattr].credited += pd->rep;
            row[unattr].deals++;
            if (write_rows) {
                st = insert_row(wr, model, d, NULL, 0, ALLOT_UNATTRIBUTED, NULL, 1.0, pd->minor,
                                "unattributed", period, pd->rep);
                sum->ledger_rows++;
            }
            continue;
        }
        pa->attributed++;
        ctx->def->weigh(ctx, j, wr->w, wr->rules);
        if (allot_money_allocate(pd->minor, wr->w, j->length, wr->shares) ||
            allot_money_allocate(pd->rep, wr->w, j->length, wr->rshares)) {
            st = allot_error_set(wr->err, ALLOT_ERR_NUMERIC, NULL, 0, 0,
                                 "model %s gave deal '%s' unusable weights", model, d->deal_id);
            break;
        }
        for (uint32_t k = 0; k < j->length && !st; k++) {
            const allot_touch *t = allot_journey_touch(set, j, k);
            cell *x = &row[t->channel];
            x->credited += wr->rshares[k];
            pa->credited += wr->rshares[k];
            if (wr->w[k] > 0 && stamp[t->channel] != mark) {
                stamp[t->channel] = mark;
                x->deals++;
            }
            /* A touch the model gives nothing (weight 0 and no cent: every
             * touch but the first under first_touch, a custom milestone of
             * weight 0) makes no campaign row, as it makes no channel row:
             * a row crediting nothing is noise. Spend is not read from the
             * rollups (lib/roi reads spend and the ledger), so a campaign
             * with spend and no credit still shows its spend there. */
            if (wr->w[k] > 0 || wr->rshares[k] != 0) {
                camp_entry *e = camp_get(&camps, (uint64_t)pd->period << 48 |
                                                     (uint64_t)t->channel << 32 | t->campaign);
                if (!e) {
                    st = nomem(wr);
                    break;
                }
                e->c.credited += wr->rshares[k];
                if (wr->w[k] > 0 && e->stamp != mark) {
                    e->stamp = mark;
                    e->c.deals++;
                }
            }
            if (write_rows) {
                ctx->def->rule_text(ctx, wr->rules[k], rule, sizeof rule);
                st = insert_row(wr, model, d, allot_journey_touch_id(set, t), (int64_t)k + 1,
                                set->channels[t->channel],
                                t->campaign == ALLOT_NO_CAMPAIGN ? NULL
                                                                 : set->campaigns[t->campaign],
                                wr->w[k], wr->shares[k], rule, period, wr->rshares[k]);
                sum->ledger_rows++;
            }
        }
    }
    if (!st)
        st = write_rollups(wr, model, cells, &camps, pacc);
    free(cells);
    free(pacc);
    free(stamp);
    camp_release(&camps);
    return st;
}

allot_status allot_ledger_write(sqlite3 *db, int64_t run_id, const allot_journey_set *set,
                                const allot_model_ctx *models, const int *write_rows,
                                size_t n_models, const allot_ledger_options *options,
                                allot_ledger_summary *summary, allot_error *err)
{
    memset(summary, 0, sizeof *summary);
    if (set->n_channels >= 65535)
        return allot_error_set(err, ALLOT_ERR_LIMIT, NULL, 0, 0,
                               "more than 65534 channels; check the taxonomy");
    writer wr;
    memset(&wr, 0, sizeof wr);
    wr.db = db;
    wr.run_id = run_id;
    wr.set = set;
    wr.o = options;
    wr.err = err;
    allot_taxonomy *own = NULL;
    wr.taxonomy = options->taxonomy;
    if (!wr.taxonomy) {
        allot_status tst = allot_taxonomy_new(NULL, &own, err);
        if (tst)
            return tst;
        wr.taxonomy = own;
    }
    uint32_t longest = 1;
    for (size_t i = 0; i < set->n_converting; i++)
        if (set->journeys[i].length > longest)
            longest = set->journeys[i].length;
    wr.w = malloc(longest * sizeof *wr.w);
    wr.rules = malloc(longest * sizeof *wr.rules);
    wr.shares = malloc(longest * sizeof *wr.shares);
    wr.rshares = malloc(longest * sizeof *wr.rshares);
    allot_status st = ALLOT_OK;
    if (!wr.w || !wr.rules || !wr.shares || !wr.rshares)
        st = nomem(&wr);
    if (!st)
        st = prepare_deals(&wr, summary);
    if (!st)
        st = write_null_deals(&wr);
    if (!st)
        st = allot_store_prepare(db,
            "INSERT INTO ledger(run_id, model, deal_id, touch_id, position, channel, "
            "campaign_id, weight, credit_minor, currency, rule, period, reporting_minor, "
            "reporting_currency) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", &wr.ins, err);
    for (size_t m = 0; m < n_models && !st; m++)
        st = run_model(&wr, &models[m], write_rows ? write_rows[m] : 1, summary);
    sqlite3_finalize(wr.ins);
    free(wr.w);
    free(wr.rules);
    free(wr.shares);
    free(wr.rshares);
    free(wr.pre);
    free(wr.periods);
    allot_taxonomy_free(own);
    return st;
}

/* The channel rollup of run_id (one model, or every model when NULL) as
 * CSV (by model, then credited amount) or as the aligned table (by model,
 * then period). */
static allot_status write_channels(sqlite3 *db, int64_t run_id, const char *model, int csv,
                                   FILE *out, allot_error *err)
{
    sqlite3_stmt *s;
    allot_status st = allot_store_prepare(db, csv
        ? "SELECT model, period, channel, deals, credited_minor, currency, share, "
          "null_amount_deals FROM rollup_channel WHERE run_id = ?1 AND (?2 IS NULL OR model = ?2) "
          "ORDER BY model, credited_minor DESC, channel, period"
        : "SELECT model, period, channel, deals, credited_minor, currency, share, "
          "null_amount_deals FROM rollup_channel WHERE run_id = ?1 AND (?2 IS NULL OR model = ?2) "
          "ORDER BY model, period, credited_minor DESC, channel", &s, err);
    if (st)
        return st;
    sqlite3_bind_int64(s, 1, run_id);
    if (model)
        sqlite3_bind_text(s, 2, model, -1, SQLITE_STATIC);
    if (csv)
        fputs("model,period,channel,deals,credited_amount,currency,share,null_amount_deals\n",
              out);
    else
        fprintf(out, "%-16s %-9s %-24s %8s %18s %-4s %7s\n", "model", "period", "channel",
                "deals", "credited", "cur", "share");
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *cur = (const char *)sqlite3_column_text(s, 5);
        char amount[48];
        allot_money_format_minor(sqlite3_column_int64(s, 4), allot_currency_exponent(cur),
                                 amount, sizeof amount);
        if (csv) {
            /* Channel names come from exports: quote them when they need it. */
            fprintf(out, "%s,%s,", sqlite3_column_text(s, 0), sqlite3_column_text(s, 1));
            allot_csvout_field(out, (const char *)sqlite3_column_text(s, 2));
            fprintf(out, ",%" PRId64 ",%s,%s,%.6f,%" PRId64 "\n",
                    (int64_t)sqlite3_column_int64(s, 3), amount, cur,
                    sqlite3_column_double(s, 6), (int64_t)sqlite3_column_int64(s, 7));
        } else {
            fprintf(out, "%-16s %-9s %-24s %8" PRId64 " %18s %-4s %6.2f%%\n",
                    sqlite3_column_text(s, 0), sqlite3_column_text(s, 1),
                    sqlite3_column_text(s, 2), (int64_t)sqlite3_column_int64(s, 3), amount, cur,
                    100 * sqlite3_column_double(s, 6));
        }
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return allot_store_fail(db, rc, "cannot read rollup_channel", err);
    if (ferror(out))
        return allot_error_set(err, ALLOT_ERR_IO, NULL, 0, 0, "cannot write the %s",
                               csv ? "CSV" : "table");
    return ALLOT_OK;
}

allot_status allot_ledger_channel_csv(sqlite3 *db, int64_t run_id, const char *model,
                                      FILE *out, allot_error *err)
{
    return write_channels(db, run_id, model, 1, out, err);
}

allot_status allot_ledger_channel_table(sqlite3 *db, int64_t run_id, const char *model,
                                        FILE *out, allot_error *err)
{
    return write_channels(db, run_id, model, 0, out, err);
}
