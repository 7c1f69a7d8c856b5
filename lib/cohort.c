#include "cohort.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"
#include "period.h"

const char *allot_cohort_grain_name(allot_cohort_grain grain)
{
    return grain == ALLOT_COHORT_GRAIN_QUARTER ? "quarter" : "month";
}

allot_status allot_cohort_grain_parse(const char *text, allot_cohort_grain *grain,
                                      allot_error *err)
{
    if (text && (!strcmp(text, "month") || !strcmp(text, "monthly"))) {
        *grain = ALLOT_COHORT_GRAIN_MONTH;
        return ALLOT_OK;
    }
    if (text && (!strcmp(text, "quarter") || !strcmp(text, "quarterly"))) {
        *grain = ALLOT_COHORT_GRAIN_QUARTER;
        return ALLOT_OK;
    }
    return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                           "unknown cohort grain '%s'; use month or quarter", text ? text : "");
}

int64_t allot_cohort_mrr_on(const allot_cohort_account *a, int64_t day)
{
    int64_t sum = 0;
    for (size_t i = 0; i < a->n_spans; i++)
        if (a->spans[i].start <= day && day < a->spans[i].end)
            sum += a->spans[i].mrr_micros;
    return sum;
}

/* Period arithmetic: a month index counts months since year 0; a quarter
 * index counts quarters of the fiscal year (start month fs). */
typedef struct grain_ctx {
    allot_cohort_grain grain;
    int fs;
} grain_ctx;

static int64_t period_of(const grain_ctx *g, int64_t day)
{
    int y, m, d;
    allot_civil_from_days(day, &y, &m, &d);
    int64_t month = (int64_t)y * 12 + (m - 1);
    if (g->grain == ALLOT_COHORT_GRAIN_MONTH)
        return month;
    int64_t shifted = month - (g->fs - 1);
    return shifted >= 0 ? shifted / 3 : -((-shifted + 2) / 3);
}

static int64_t period_start(const grain_ctx *g, int64_t index)
{
    int64_t month = g->grain == ALLOT_COHORT_GRAIN_MONTH ? index : index * 3 + (g->fs - 1);
    return allot_days_from_civil((int)(month / 12), (int)(month % 12) + 1, 1);
}

static void period_label(const grain_ctx *g, int64_t index, char out[32])
{
    int64_t start = period_start(g, index);
    if (g->grain == ALLOT_COHORT_GRAIN_MONTH) {
        int y, m, d;
        allot_civil_from_days(start, &y, &m, &d);
        snprintf(out, 32, "%04d-%02d", y, m);
    } else {
        allot_period p;
        allot_period_quarter_of(start, g->fs, &p);
        snprintf(out, 32, "%s", p.label);
    }
}

static allot_status check_accounts(const allot_cohort_account *accounts, size_t n,
                                   allot_error *err)
{
    for (size_t i = 0; i < n; i++) {
        if (accounts[i].n_spans == 0)
            return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0, "account %zu has no spans",
                                   i);
        for (size_t s = 0; s < accounts[i].n_spans; s++) {
            const allot_cohort_span *sp = &accounts[i].spans[s];
            if (sp->end <= sp->start || sp->mrr_micros < 0)
                return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                                       "account %zu, span %zu: end must be after start and "
                                       "MRR >= 0",
                                       i, s);
        }
    }
    return ALLOT_OK;
}

static int64_t first_start(const allot_cohort_account *a)
{
    int64_t first = a->spans[0].start;
    for (size_t s = 1; s < a->n_spans; s++)
        if (a->spans[s].start < first)
            first = a->spans[s].start;
    return first;
}

/* The account's MRR on its last day with revenue in [from, to] (inclusive),
 * 0 when it has none there; *active tells whether it had any. */
static int64_t last_mrr_in(const allot_cohort_account *a, int64_t from, int64_t to, int *active)
{
    int64_t last = INT64_MIN;
    for (size_t s = 0; s < a->n_spans; s++) {
        const allot_cohort_span *sp = &a->spans[s];
        if (sp->start > to || sp->end <= from || sp->mrr_micros == 0)
            continue;
        int64_t end_in = sp->end - 1 < to ? sp->end - 1 : to;
        if (end_in > last)
            last = end_in;
    }
    *active = last != INT64_MIN;
    return *active ? allot_cohort_mrr_on(a, last) : 0;
}

/* The last day with revenue, through as_of; INT64_MIN when none. */
static int64_t last_active_day(const allot_cohort_account *a, int64_t as_of)
{
    int64_t last = INT64_MIN;
    for (size_t s = 0; s < a->n_spans; s++) {
        const allot_cohort_span *sp = &a->spans[s];
        if (sp->start > as_of || sp->mrr_micros == 0)
            continue;
        int64_t e = sp->end - 1 < as_of ? sp->end - 1 : as_of;
        if (e > last)
            last = e;
    }
    return last;
}

static allot_status finish_cell(allot_cohort_cell *c, double alpha, allot_error *err)
{
    allot_status st = allot_interval_wilson(c->active, c->size, alpha, &c->on, err);
    if (st == ALLOT_OK)
        st = allot_interval_wilson(c->active_after, c->size, alpha, &c->on_or_after, err);
    c->revenue_retention = c->revenue_base > 0 ? c->revenue / c->revenue_base : NAN;
    return st;
}

void allot_cohort_release(allot_cohort_matrix *m)
{
    if (!m)
        return;
    free(m->labels);
    free(m->cohort_start);
    free(m->cells);
    free(m->blended);
    memset(m, 0, sizeof *m);
}

const allot_cohort_cell *allot_cohort_cell_at(const allot_cohort_matrix *m, size_t i, size_t k)
{
    return &m->cells[i * m->n_periods + k];
}

static int compare_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

allot_status allot_cohort_build(const allot_cohort_account *accounts, size_t n,
                                const allot_cohort_options *options,
                                allot_cohort_matrix *m, allot_error *err)
{
    memset(m, 0, sizeof *m);
    grain_ctx g = {options->grain, options->fiscal_start_month ? options->fiscal_start_month : 1};
    double alpha = options->alpha > 0 ? options->alpha : 0.05;
    if (g.fs < 1 || g.fs > 12 || !(alpha < 1))
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "fiscal start month %d must be 1..12 and alpha %g below 1", g.fs,
                               alpha);
    m->grain = g.grain;
    m->alpha = alpha;
    allot_status st = check_accounts(accounts, n, err);
    if (st != ALLOT_OK)
        return st;

    int64_t as_of = options->as_of;
    /* The last complete period: the one holding as_of if as_of is its last day. */
    int64_t last_complete = period_of(&g, as_of);
    if (period_start(&g, last_complete + 1) != as_of + 1)
        last_complete--;

    int64_t *cohort_of = malloc((n ? n : 1) * sizeof *cohort_of);
    int64_t *distinct = malloc((n ? n : 1) * sizeof *distinct);
    if (!cohort_of || !distinct) {
        free(cohort_of);
        free(distinct);
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    size_t nd = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t first = first_start(&accounts[i]);
        cohort_of[i] = first <= as_of ? period_of(&g, first) : INT64_MIN;
        if (cohort_of[i] != INT64_MIN)
            distinct[nd++] = cohort_of[i];
    }
    qsort(distinct, nd, sizeof *distinct, compare_i64);
    size_t nc = 0;
    for (size_t i = 0; i < nd; i++)
        if (nc == 0 || distinct[nc - 1] != distinct[i])
            distinct[nc++] = distinct[i];
    size_t K = nc && last_complete >= distinct[0] ? (size_t)(last_complete - distinct[0] + 1) : 0;
    m->n_cohorts = nc;
    m->n_periods = K;
    m->labels = calloc(nc ? nc : 1, sizeof *m->labels);
    m->cohort_start = calloc(nc ? nc : 1, sizeof *m->cohort_start);
    m->cells = calloc(nc * K > 0 ? nc * K : 1, sizeof *m->cells);
    m->blended = calloc(K ? K : 1, sizeof *m->blended);
    if (!m->labels || !m->cohort_start || !m->cells || !m->blended) {
        st = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t c = 0; c < nc; c++) {
        period_label(&g, distinct[c], m->labels[c]);
        m->cohort_start[c] = period_start(&g, distinct[c]);
        for (size_t k = 0; k < K; k++)
            m->cells[c * K + k].eligible = distinct[c] + (int64_t)k <= last_complete;
    }

    for (size_t i = 0; i < n; i++) {
        if (cohort_of[i] == INT64_MIN)
            continue;
        size_t c = 0;
        while (distinct[c] != cohort_of[i])
            c++;
        int64_t last_day = last_active_day(&accounts[i], as_of);
        for (size_t k = 0; k < K; k++) {
            allot_cohort_cell *cell = &m->cells[c * K + k];
            if (!cell->eligible)
                break;
            int64_t p = cohort_of[i] + (int64_t)k;
            int64_t from = period_start(&g, p), to = period_start(&g, p + 1) - 1;
            int active;
            int64_t mrr = last_mrr_in(&accounts[i], from, to, &active);
            cell->size += 1;
            cell->active += active;
            cell->active_after += last_day >= from;
            cell->revenue += (double)mrr / 1e6;
        }
    }
    for (size_t c = 0; c < nc; c++) {
        double base = K ? m->cells[c * K].revenue : 0;
        for (size_t k = 0; k < K && st == ALLOT_OK; k++) {
            allot_cohort_cell *cell = &m->cells[c * K + k];
            if (!cell->eligible) {
                cell->on.estimate = cell->on.lower = cell->on.upper = NAN;
                cell->on_or_after = cell->on;
                cell->revenue = cell->revenue_retention = NAN;
                continue;
            }
            cell->revenue_base = base;
            st = finish_cell(cell, alpha, err);
            allot_cohort_cell *b = &m->blended[k];
            b->eligible = 1;
            b->size += cell->size;
            b->active += cell->active;
            b->active_after += cell->active_after;
            b->revenue += cell->revenue;
            b->revenue_base += cell->revenue_base;
        }
    }
    for (size_t k = 0; k < K && st == ALLOT_OK; k++)
        st = finish_cell(&m->blended[k], alpha, err);

done:
    free(cohort_of);
    free(distinct);
    if (st != ALLOT_OK)
        allot_cohort_release(m);
    return st;
}

allot_status allot_revenue_bridge_compute(const allot_cohort_account *accounts, size_t n,
                                          int64_t start, int64_t end, double alpha,
                                          allot_revenue_bridge *out, allot_error *err)
{
    memset(out, 0, sizeof *out);
    if (end <= start)
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "the bridge period must end after it starts");
    allot_status st = check_accounts(accounts, n, err);
    if (st != ALLOT_OK)
        return st;
    int64_t kept = 0, kept_min = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t a0 = 12 * allot_cohort_mrr_on(&accounts[i], start - 1);
        int64_t a1 = 12 * allot_cohort_mrr_on(&accounts[i], end - 1);
        if (a0 > 0) {
            out->present += 1;
            out->start_arr += a0;
            kept += a1;
            kept_min += a1 < a0 ? a1 : a0;
            if (a1 == 0) {
                out->lost += 1;
                out->churn += a0;
            } else if (a1 > a0) {
                out->expansion += a1 - a0;
            } else {
                out->contraction += a0 - a1;
            }
        } else if (a1 > 0) {
            out->added += 1;
            out->new_arr += a1;
        }
        out->end_arr += a1;
    }
    out->nrr_lower = out->nrr_upper = out->grr_lower = out->grr_upper = NAN;
    out->nrr = out->start_arr > 0 ? (double)kept / (double)out->start_arr : NAN;
    out->grr = out->start_arr > 0 ? (double)kept_min / (double)out->start_arr : NAN;
    return allot_interval_wilson(out->lost, out->present, alpha > 0 ? alpha : 0.05,
                                 &out->logo_churn, err);
}

/* ARR at t0 and t1 of the present accounts, for the bootstrap. */
typedef struct bridge_units {
    double *a0, *a1;
} bridge_units;

static allot_status bridge_replicate(const uint32_t *counts, size_t n_units, double *stats,
                                     size_t n_stats, void *ctx, allot_error *err)
{
    (void)n_stats;
    (void)err;
    const bridge_units *u = ctx;
    double s0 = 0, s1 = 0, smin = 0;
    for (size_t i = 0; i < n_units; i++) {
        if (!counts[i])
            continue;
        double c = counts[i];
        s0 += c * u->a0[i];
        s1 += c * u->a1[i];
        smin += c * (u->a1[i] < u->a0[i] ? u->a1[i] : u->a0[i]);
    }
    stats[0] = s0 > 0 ? s1 / s0 : NAN;
    stats[1] = s0 > 0 ? smin / s0 : NAN;
    return ALLOT_OK;
}

allot_status allot_revenue_bridge_bootstrap(const allot_cohort_account *accounts, size_t n,
                                            int64_t start, int64_t end, unsigned B,
                                            unsigned long seed, double alpha,
                                            allot_revenue_bridge *b, allot_error *err)
{
    b->nrr_lower = b->nrr_upper = b->grr_lower = b->grr_upper = NAN;
    b->bootstrap = B;
    b->seed = seed;
    if (B == 0 || end <= start)
        return ALLOT_OK;
    bridge_units u = {malloc((n ? n : 1) * sizeof(double)), malloc((n ? n : 1) * sizeof(double))};
    if (!u.a0 || !u.a1) {
        free(u.a0);
        free(u.a1);
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t a0 = allot_cohort_mrr_on(&accounts[i], start - 1);
        if (a0 <= 0)
            continue;
        u.a0[m] = (double)a0;
        u.a1[m] = (double)allot_cohort_mrr_on(&accounts[i], end - 1);
        m++;
    }
    allot_status s = ALLOT_OK;
    if (m > 0) {
        double lo[2], hi[2];
        s = allot_bootstrap_percentile(m, 2, B, seed, alpha > 0 ? alpha : 0.05,
                                       bridge_replicate, &u, lo, hi, NULL, err);
        if (s == ALLOT_OK) {
            b->nrr_lower = lo[0];
            b->nrr_upper = hi[0];
            b->grr_lower = lo[1];
            b->grr_upper = hi[1];
        }
    }
    free(u.a0);
    free(u.a1);
    return s;
}

void allot_revenue_bridge_minor(const allot_revenue_bridge *b, int exponent,
                                int64_t minor[ALLOT_BRIDGE_FIGURES])
{
    int64_t moves[4] = {b->new_arr, b->expansion, -b->contraction, -b->churn};
    int64_t footed[4], start, end, opening, fx;
    if (allot_money_foot_bridge(b->start_arr - b->fx, &b->fx, 1, exponent, &opening, &fx,
                                NULL) == ALLOT_OK &&
        allot_money_foot_bridge(b->start_arr, moves, 4, exponent, &start, footed, &end) ==
            ALLOT_OK &&
        end == allot_money_micros_to_minor(b->end_arr, exponent)) {
        int64_t out[ALLOT_BRIDGE_FIGURES] = {opening,   fx,         start,       footed[0],
                                             footed[1], -footed[2], -footed[3], end};
        memcpy(minor, out, sizeof out);
        return;
    }
    int64_t micros[ALLOT_BRIDGE_FIGURES] = {b->start_arr - b->fx, b->fx,
                                            b->start_arr,         b->new_arr,
                                            b->expansion,         b->contraction,
                                            b->churn,             b->end_arr};
    for (int i = 0; i < ALLOT_BRIDGE_FIGURES; i++)
        minor[i] = allot_money_micros_to_minor(micros[i], exponent);
}
