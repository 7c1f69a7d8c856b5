#include "ddmodel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datadriven.h"
#include "paths.h"
#include "store.h"

typedef struct dd_state {
    char method[64];
    allot_datadriven_result res;
    double *weight;     /* per channel, normalised to sum 1 (all 0 when nothing fits) */
    uint32_t *mark;     /* weigh scratch: journey stamp per channel */
    uint32_t *occ;      /* weigh scratch: touches per channel */
    uint32_t stamp;
    allot_paths *paths; /* the journeys as paths (transitions export) */
    allot_markov_options markov;
} dd_state;

enum { RULE_MODEL = 0, RULE_EQUAL = 1 };

void allot_ddmodel_release(allot_model_ctx *ctx)
{
    dd_state *s = ctx->state;
    if (!s)
        return;
    allot_datadriven_result_release(&s->res);
    free(s->weight);
    free(s->mark);
    free(s->occ);
    allot_paths_free(s->paths);
    free(s);
    ctx->state = NULL;
}

/* The journey set as paths: channel ids are the set's channel indices. */
static allot_status set_paths(const allot_journey_set *set, allot_paths **out, allot_error *err)
{
    allot_paths *p = allot_paths_new();
    uint32_t *seq = NULL;
    size_t cap = 0;
    allot_status st = ALLOT_OK;
    if (!p)
        goto nomem;
    for (size_t c = 0; c < set->n_channels; c++) {
        uint32_t id;
        const char *name = set->channels[c];
        st = allot_paths_channel(p, name, strlen(name), &id);
        if (st == ALLOT_ERR_NOMEM)
            goto nomem;
        if (st != ALLOT_OK || id != c) {
            /* an empty or repeated name: the ids must stay the set's, so
             * the chain gets a stand-in name (it only shows in --transitions) */
            char alt[64];
            snprintf(alt, sizeof alt, "(channel %zu)", c);
            st = allot_paths_channel(p, alt, strlen(alt), &id);
            if (st == ALLOT_ERR_NOMEM)
                goto nomem;
            if (st != ALLOT_OK || id != c) {
                allot_paths_free(p);
                return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                                       "channel %zu ('%s') cannot be told apart in the journey "
                                       "set", c, name);
            }
        }
    }
    for (size_t i = 0; i < set->n_journeys; i++) {
        const allot_journey *j = &set->journeys[i];
        if (j->length == 0)
            continue;
        if (j->length > cap) {
            free(seq);
            cap = j->length;
            seq = malloc(cap * sizeof *seq);
            if (!seq)
                goto nomem;
        }
        for (uint32_t k = 0; k < j->length; k++)
            seq[k] = allot_journey_touch(set, j, k)->channel;
        st = allot_paths_add(p, seq, j->length, j->converted ? 1 : 0, 0, j->converted ? 0 : 1);
        if (st != ALLOT_OK)
            goto nomem;
    }
    free(seq);
    *out = p;
    return ALLOT_OK;
nomem:
    free(seq);
    allot_paths_free(p);
    return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
}

static allot_status fit(allot_model_ctx *ctx, allot_datadriven_model model, allot_error *err)
{
    const allot_journey_set *set = ctx->set;
    const allot_model_params *prm = ctx->params;
    dd_state *s = calloc(1, sizeof *s);
    size_t n = set->n_channels ? set->n_channels : 1;
    if (!s)
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    ctx->state = s;
    s->weight = calloc(n, sizeof *s->weight);
    s->mark = calloc(n, sizeof *s->mark);
    s->occ = calloc(n, sizeof *s->occ);
    if (!s->weight || !s->mark || !s->occ) {
        allot_ddmodel_release(ctx);
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    allot_paths *p = NULL;
    allot_status st = set_paths(set, &p, err);
    if (st != ALLOT_OK) {
        allot_ddmodel_release(ctx);
        return st;
    }
    allot_datadriven_options o;
    memset(&o, 0, sizeof o);
    o.model = model;
    o.markov.order = prm->markov_order > 0 ? prm->markov_order : 1;
    o.markov.keep_repeats = prm->markov_keep_repeats;
    if (prm->shapley_kind >= 0)
        o.shapley = (allot_shapley_kind)prm->shapley_kind;
    else
        o.shapley = p->n_channels <= ALLOT_SHAPLEY_MAX_CHANNELS ? ALLOT_SHAPLEY_EXACT
                                                               : ALLOT_SHAPLEY_SIMPLIFIED;
    if (o.shapley == ALLOT_SHAPLEY_ORDERED)
        o.shapley = ALLOT_SHAPLEY_SIMPLIFIED; /* per channel, the ordered value is this */
    o.bootstrap = prm->bootstrap;
    o.seed = prm->bootstrap_seed;
    if (model == ALLOT_DD_MARKOV)
        snprintf(s->method, sizeof s->method, "markov order %d%s", o.markov.order,
                 o.markov.keep_repeats ? " repeats kept" : "");
    else
        snprintf(s->method, sizeof s->method, "shapley %s",
                 o.shapley == ALLOT_SHAPLEY_EXACT ? "exact" : "simplified");
    double conv = 0;
    allot_paths_totals(p, &conv, NULL, NULL);
    if (conv > 0) {
        st = allot_datadriven_run_paths(p, &o, &s->res, err);
        if (st != ALLOT_OK) {
            allot_paths_free(p);
            allot_ddmodel_release(ctx);
            return st;
        }
        double sum = 0;
        for (size_t c = 0; c < set->n_channels; c++) {
            double w = s->res.score[c] > 0 ? s->res.score[c] : 0;
            s->weight[c] = w;
            sum += w;
        }
        for (size_t c = 0; c < set->n_channels; c++)
            s->weight[c] = sum > 0 ? s->weight[c] / sum : 0;
    }
    /* With no converting journey there is nothing to weigh; res stays empty. */
    s->paths = p;
    s->markov = o.markov;
    return ALLOT_OK;
}

allot_status allot_ddmodel_markov_fit(allot_model_ctx *ctx, allot_error *err)
{
    return fit(ctx, ALLOT_DD_MARKOV, err);
}

allot_status allot_ddmodel_shapley_fit(allot_model_ctx *ctx, allot_error *err)
{
    return fit(ctx, ALLOT_DD_SHAPLEY, err);
}

void allot_ddmodel_weigh(const allot_model_ctx *ctx, const allot_journey *j, double *weights,
                         uint32_t *rules)
{
    dd_state *s = ctx->state;
    const allot_journey_set *set = ctx->set;
    uint32_t stamp = ++s->stamp;
    if (stamp == 0) { /* wrapped: clear the marks */
        memset(s->mark, 0, set->n_channels * sizeof *s->mark);
        stamp = s->stamp = 1;
    }
    double sum = 0;
    for (uint32_t k = 0; k < j->length; k++) {
        uint32_t c = allot_journey_touch(set, j, k)->channel;
        if (s->mark[c] != stamp) {
            s->mark[c] = stamp;
            s->occ[c] = 0;
            sum += s->weight[c];
        }
        s->occ[c]++;
    }
    for (uint32_t k = 0; k < j->length; k++) {
        uint32_t c = allot_journey_touch(set, j, k)->channel;
        if (sum > 0) {
            weights[k] = s->weight[c] / sum / (double)s->occ[c];
            rules[k] = RULE_MODEL;
        } else {
            weights[k] = 1.0 / (double)j->length;
            rules[k] = RULE_EQUAL;
        }
    }
}

void allot_ddmodel_rule_text(const allot_model_ctx *ctx, uint32_t rule, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s", ctx->def->name, rule == RULE_EQUAL ? "(equal)" : "");
}

int allot_ddmodel_view_of(const allot_model_ctx *ctx, allot_ddmodel_view *v)
{
    memset(v, 0, sizeof *v);
    if (!ctx->def || !ctx->def->data_driven || !ctx->state ||
        ctx->def->release != allot_ddmodel_release)
        return 0;
    dd_state *s = ctx->state;
    v->method = s->method;
    v->weight = s->weight;
    if (s->res.score) {
        v->score = s->res.score;
        v->conversions = s->res.conversions;
        v->journeys = s->res.journeys;
        v->low_support = s->res.low_support;
        v->lower = s->res.lower;
        v->upper = s->res.upper;
        v->total_conversions = s->res.total_conversions;
        v->total_journeys = s->res.total_journeys;
    }
    return 1;
}

typedef struct name_idx {
    const char *name;
    size_t idx;
} name_idx;

static int by_name(const void *a, const void *b)
{
    return strcmp(((const name_idx *)a)->name, ((const name_idx *)b)->name);
}

allot_status allot_ddmodel_store(sqlite3 *db, int64_t run_id, const allot_model_ctx *ctx,
                                 allot_error *err)
{
    allot_ddmodel_view v;
    if (!allot_ddmodel_view_of(ctx, &v) || !v.score)
        return ALLOT_OK;
    const allot_journey_set *set = ctx->set;
    size_t n = set->n_channels;
    name_idx *order = malloc((n ? n : 1) * sizeof *order);
    if (!order)
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t c = 0; c < n; c++)
        order[c] = (name_idx){set->channels[c], c};
    qsort(order, n, sizeof *order, by_name);
    sqlite3_stmt *s = NULL;
    allot_status st = allot_store_prepare(
        db,
        "INSERT INTO model_scores(run_id, model, method, channel, score, weight, conversions, "
        "journeys, low_support, lower, upper) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        &s, err);
    for (size_t i = 0; i < n && st == ALLOT_OK; i++) {
        size_t c = order[i].idx;
        sqlite3_bind_int64(s, 1, run_id);
        sqlite3_bind_text(s, 2, ctx->def->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, v.method, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, set->channels[c], -1, SQLITE_STATIC);
        sqlite3_bind_double(s, 5, v.score[c]);
        sqlite3_bind_double(s, 6, v.weight[c]);
        sqlite3_bind_double(s, 7, v.conversions[c]);
        sqlite3_bind_double(s, 8, v.journeys[c]);
        sqlite3_bind_int(s, 9, v.low_support[c]);
        if (v.lower) {
            sqlite3_bind_double(s, 10, v.lower[c]);
            sqlite3_bind_double(s, 11, v.upper[c]);
        } else {
            sqlite3_bind_null(s, 10);
            sqlite3_bind_null(s, 11);
        }
        int rc = sqlite3_step(s);
        sqlite3_reset(s);
        if (rc != SQLITE_DONE)
            st = allot_store_fail(db, rc, "cannot write model_scores", err);
    }
    sqlite3_finalize(s);
    free(order);
    return st;
}

allot_status allot_ddmodel_read_paths_table(sqlite3 *db, allot_paths **out, allot_error *err)
{
    *out = NULL;
    allot_paths *p = allot_paths_new();
    if (!p)
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    sqlite3_stmt *s = NULL;
    allot_status st = allot_store_prepare(
        db, "SELECT path, conversions, value, nulls FROM paths ORDER BY path", &s, err);
    int rc = SQLITE_DONE;
    while (st == ALLOT_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(s, 0);
        int len = sqlite3_column_bytes(s, 0);
        allot_error e;
        allot_error_clear(&e);
        st = allot_paths_add_text(p, text ? text : "", (size_t)len, sqlite3_column_double(s, 1),
                                  sqlite3_column_double(s, 2), sqlite3_column_double(s, 3), &e);
        if (st != ALLOT_OK)
            st = allot_error_set(err, st == ALLOT_ERR_NOMEM ? st : ALLOT_ERR_DATA, NULL, 0, 0,
                                 "table paths: %s", e.message);
    }
    if (st == ALLOT_OK && rc != SQLITE_DONE)
        st = allot_store_fail(db, rc, "cannot read table paths", err);
    sqlite3_finalize(s);
    double c = 0, n = 0;
    if (st == ALLOT_OK) {
        allot_paths_totals(p, &c, NULL, &n);
        if (p->n_paths == 0 || !(c + n > 0))
            st = allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                                 "the paths table holds no journeys; load a path file with "
                                 "allot-load first");
    }
    if (st == ALLOT_OK && allot_paths_sort_channels(p) != ALLOT_OK)
        st = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (st != ALLOT_OK) {
        allot_paths_free(p);
        return st;
    }
    *out = p;
    return ALLOT_OK;
}

allot_status allot_ddmodel_write_transitions(const allot_model_ctx *ctx, const char *file,
                                             allot_error *err)
{
    dd_state *s = ctx->state;
    if (!s || !s->paths || ctx->def->release != allot_ddmodel_release)
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "--transitions needs the markov model");
    allot_markov *m = NULL;
    allot_status st = allot_markov_new(s->paths, &s->markov, &m, err);
    if (st == ALLOT_OK)
        st = allot_markov_write_transitions(m, file, err);
    allot_markov_free(m);
    return st;
}
