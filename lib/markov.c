#include "markov.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_permutation.h>
#include <gsl/gsl_splinalg.h>
#include <gsl/gsl_spmatrix.h>
#include <gsl/gsl_vector.h>

#include "csvout.h"

struct allot_markov {
    const allot_paths *paths;
    int order;
    int dense;               /* solve with the fundamental matrix */
    int gmres_only;          /* skip Gauss-Seidel (checks) */
    int single;              /* no channel blocks (checks) */
    size_t n_channels;
    size_t n_states;         /* transient states, 0 = START */
    uint64_t *state_key;     /* packed tuple: channel+1 per 16 bits, oldest lowest;
                                order 1: channel+1 */
    size_t n_edges;
    uint32_t *edge_from, *edge_to;
    size_t *path_start;      /* n_paths + 1 offsets into path_edges */
    uint32_t *path_edges;    /* START->s1, s1->s2, ..., s(L-1)->sL */
    uint32_t *path_last;     /* sL */
    size_t *chan_start;      /* n_channels + 1 offsets into chan_states */
    uint32_t *chan_states;   /* states whose tuple contains the channel */
    size_t *in_start;        /* n_states + 1 offsets into in_edges */
    uint32_t *in_edges;      /* edges by target state, then source state */
    uint32_t *sweep;         /* states by mean step position: Gauss-Seidel order */
};

/* ---- a uint64 -> uint32 hash map (key 0 is "empty") -------------------- */

typedef struct u64map {
    uint64_t *keys;
    uint32_t *vals;
    size_t cap, used;
} u64map;

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    x ^= x >> 31;
    return x;
}

static int u64map_init(u64map *m, size_t cap)
{
    m->cap = cap;
    m->used = 0;
    m->keys = calloc(cap, sizeof *m->keys);
    m->vals = malloc(cap * sizeof *m->vals);
    return m->keys && m->vals ? 0 : -1;
}

static void u64map_release(u64map *m)
{
    free(m->keys);
    free(m->vals);
}

static int u64map_grow(u64map *m)
{
    u64map n;
    if (u64map_init(&n, m->cap * 2) != 0) {
        u64map_release(&n);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t h = (size_t)mix64(m->keys[i]) & (n.cap - 1);
        while (n.keys[h])
            h = (h + 1) & (n.cap - 1);
        n.keys[h] = m->keys[i];
        n.vals[h] = m->vals[i];
    }
    n.used = m->used;
    u64map_release(m);
    *m = n;
    return 0;
}

/* Finds key; when absent inserts it with value `fresh` and sets *added. */
static int u64map_get(u64map *m, uint64_t key, uint32_t fresh, uint32_t *val, int *added)
{
    size_t mask = m->cap - 1;
    size_t h = (size_t)mix64(key) & mask;
    while (m->keys[h]) {
        if (m->keys[h] == key) {
            *val = m->vals[h];
            *added = 0;
            return 0;
        }
        h = (h + 1) & mask;
    }
    m->keys[h] = key;
    m->vals[h] = fresh;
    m->used++;
    *val = fresh;
    *added = 1;
    if (2 * m->used > m->cap)
        return u64map_grow(m);
    return 0;
}

/* ---- growable uint32/uint64 arrays ------------------------------------ */

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 256;
    while (c < need)
        c *= 2;
    void *n = realloc(*p, c * size);
    if (!n)
        return -1;
    *p = n;
    *cap = c;
    return 0;
}

void allot_markov_free(allot_markov *m)
{
    if (!m)
        return;
    free(m->state_key);
    free(m->edge_from);
    free(m->edge_to);
    free(m->path_start);
    free(m->path_edges);
    free(m->path_last);
    free(m->chan_start);
    free(m->chan_states);
    free(m->in_start);
    free(m->in_edges);
    free(m->sweep);
    free(m);
}

size_t allot_markov_state_count(const allot_markov *m)
{
    return m->n_states;
}

/* Sorts an in-edge row by source state (insertion sort: a row holds at most
 * one edge per predecessor tuple, i.e. at most n_channels entries). */
static void sort_row(uint32_t *e, size_t n, const uint32_t *from)
{
    for (size_t i = 1; i < n; i++) {
        uint32_t v = e[i];
        size_t j = i;
        while (j > 0 && from[e[j - 1]] > from[v]) {
            e[j] = e[j - 1];
            j--;
        }
        e[j] = v;
    }
}

typedef struct pos_key {
    double mean;
    uint32_t state;
} pos_key;

/* The distinct channels of state key k (each channel + 1, 16 bits per
 * position for order > 1, 0 ends the key) into out, in key order; their
 * count. */
static int distinct_channels(uint64_t k, int order, uint32_t out[ALLOT_MARKOV_MAX_ORDER])
{
    int n = 0;
    for (int j = 0; j < order; j++) {
        uint32_t c = order == 1 ? (uint32_t)k : (uint32_t)((k >> (16 * j)) & 0xffff);
        if (c == 0)
            break;
        int dup = 0;
        for (int q = 0; q < n; q++)
            dup |= out[q] == c;
        if (!dup)
            out[n++] = c;
    }
    return n;
}

static int cmp_pos_key(const void *a, const void *b)
{
    const pos_key *x = a, *y = b;
    if (x->mean != y->mean)
        return x->mean < y->mean ? -1 : 1;
    return (x->state > y->state) - (x->state < y->state);
}

/* Orders the states by the mean step at which paths visit them, so that a
 * Gauss-Seidel sweep follows the flow forward: most transitions of a
 * journey go from step i to step i+1, only cycles go back. */
static int sweep_order(allot_markov *m)
{
    size_t n = m->n_states;
    pos_key *k = calloc(n, sizeof *k);
    double *cnt = calloc(n, sizeof *cnt);
    m->sweep = malloc(n * sizeof *m->sweep);
    if (!k || !cnt || !m->sweep) {
        free(k);
        free(cnt);
        return -1;
    }
    for (size_t p = 0; p < m->paths->n_paths; p++) {
        size_t step = 1;
        for (size_t i = m->path_start[p]; i < m->path_start[p + 1]; i++, step++) {
            uint32_t s = m->edge_to[m->path_edges[i]];
            k[s].mean += (double)step;
            cnt[s] += 1;
        }
    }
    for (size_t s = 0; s < n; s++) {
        k[s].mean = s == 0 ? -1 : cnt[s] > 0 ? k[s].mean / cnt[s] : 1e300;
        k[s].state = (uint32_t)s;
    }
    qsort(k, n, sizeof *k, cmp_pos_key);
    for (size_t s = 0; s < n; s++)
        m->sweep[s] = k[s].state;
    free(k);
    free(cnt);
    return 0;
}

allot_status allot_markov_new(const allot_paths *paths, const allot_markov_options *opt,
                              allot_markov **out, allot_error *err)
{
    *out = NULL;
    int order = opt && opt->order ? opt->order : 1;
    int keep = opt ? opt->keep_repeats : 0;
    allot_markov_method method = opt ? opt->method : ALLOT_MARKOV_AUTO;
    if (order < 1 || order > ALLOT_MARKOV_MAX_ORDER)
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "Markov order %d is not supported; use 1 to %d", order,
                               ALLOT_MARKOV_MAX_ORDER);
    if (method == ALLOT_MARKOV_DENSE && order != 1)
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "the fundamental-matrix method is for order 1 only");
    if (order > 1 && paths->n_channels > 65534)
        return allot_error_set(err, ALLOT_ERR_LIMIT, NULL, 0, 0,
                               "Markov order %d supports at most 65534 channels (found %zu); "
                               "group channels or use order 1",
                               order, paths->n_channels);
    if (paths->n_channels + 1 > UINT32_MAX / 2)
        return allot_error_set(err, ALLOT_ERR_LIMIT, NULL, 0, 0, "too many channels");

    allot_markov *m = calloc(1, sizeof *m);
    if (!m)
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    m->paths = paths;
    m->order = order;
    m->n_channels = paths->n_channels;
    size_t n_paths = paths->n_paths;
    size_t total_steps = paths->start[n_paths];
    u64map states = {0}, edges = {0};
    int32_t *dense_edge = NULL;
    size_t state_cap = 0, edge_cap = 0;
    allot_status st = ALLOT_ERR_NOMEM;

    m->path_start = malloc((n_paths + 1) * sizeof *m->path_start);
    m->path_edges = malloc((total_steps ? total_steps : 1) * sizeof *m->path_edges);
    m->path_last = malloc((n_paths ? n_paths : 1) * sizeof *m->path_last);
    if (!m->path_start || !m->path_edges || !m->path_last)
        goto fail;

    /* States. Order 1: state = channel + 1, no lookup. */
    if (order == 1) {
        m->n_states = m->n_channels + 1;
        state_cap = m->n_states;
        m->state_key = malloc(state_cap * sizeof *m->state_key);
        if (!m->state_key)
            goto fail;
        for (size_t s = 0; s < m->n_states; s++)
            m->state_key[s] = s;
        size_t ns = m->n_states;
        if (ns * ns <= ((size_t)1 << 22)) { /* up to 2048 states: 16 MB */
            dense_edge = malloc(ns * ns * sizeof *dense_edge);
            if (!dense_edge)
                goto fail;
            memset(dense_edge, 0xff, ns * ns * sizeof *dense_edge);
        }
    } else {
        m->n_states = 1;
        if (grow((void **)&m->state_key, &state_cap, 1, sizeof *m->state_key) != 0 ||
            u64map_init(&states, 1024) != 0)
            goto fail;
        m->state_key[0] = 0;
    }
    if (!dense_edge && u64map_init(&edges, 1024) != 0)
        goto fail;

    size_t ne = 0;
    m->path_start[0] = 0;
    for (size_t p = 0; p < n_paths; p++) {
        uint32_t prev_state = 0;
        uint32_t prev_channel = UINT32_MAX;
        uint64_t key = 0;
        int len = 0;
        for (size_t i = paths->start[p]; i < paths->start[p + 1]; i++) {
            uint32_t c = paths->steps[i];
            if (!keep && c == prev_channel)
                continue;
            prev_channel = c;
            uint32_t s;
            if (order == 1) {
                s = c + 1;
            } else {
                if (len < order)
                    key |= (uint64_t)(c + 1) << (16 * len++);
                else
                    key = (key >> 16) | ((uint64_t)(c + 1) << (16 * (order - 1)));
                int added;
                if (u64map_get(&states, key, (uint32_t)m->n_states, &s, &added) != 0)
                    goto fail;
                if (added) {
                    if (grow((void **)&m->state_key, &state_cap, m->n_states + 1,
                             sizeof *m->state_key) != 0)
                        goto fail;
                    m->state_key[m->n_states++] = key;
                }
            }
            uint32_t e;
            int added = 0;
            if (dense_edge) {
                int32_t *slot = &dense_edge[(size_t)prev_state * m->n_states + s];
                if (*slot < 0) {
                    *slot = (int32_t)m->n_edges;
                    added = 1;
                }
                e = (uint32_t)*slot;
            } else {
                uint64_t ek = ((uint64_t)prev_state << 32) | s;
                if (u64map_get(&edges, ek, (uint32_t)m->n_edges, &e, &added) != 0)
                    goto fail;
            }
            if (added) {
                if (m->n_edges == edge_cap) {
                    size_t cap = edge_cap ? 2 * edge_cap : 1024;
                    uint32_t *f = realloc(m->edge_from, cap * sizeof *f);
                    if (!f)
                        goto fail;
                    m->edge_from = f;
                    uint32_t *t = realloc(m->edge_to, cap * sizeof *t);
                    if (!t)
                        goto fail;
                    m->edge_to = t;
                    edge_cap = cap;
                }
                m->edge_from[m->n_edges] = prev_state;
                m->edge_to[m->n_edges] = s;
                m->n_edges++;
            }
            m->path_edges[ne++] = e;
            prev_state = s;
        }
        m->path_start[p + 1] = ne;
        m->path_last[p] = prev_state;
    }

    /* Channel -> states containing it. */
    m->chan_start = calloc(m->n_channels + 2, sizeof *m->chan_start);
    if (!m->chan_start)
        goto fail;
    size_t total_members = 0;
    for (size_t s = 1; s < m->n_states; s++) {
        uint32_t cs[ALLOT_MARKOV_MAX_ORDER];
        int n = distinct_channels(m->state_key[s], order, cs);
        for (int i = 0; i < n; i++)
            m->chan_start[cs[i]]++; /* cs[i] is channel + 1: counts land one ahead */
        total_members += (size_t)n;
    }
    for (size_t c = 1; c <= m->n_channels + 1; c++)
        m->chan_start[c] += m->chan_start[c - 1];
    m->chan_states = malloc((total_members ? total_members : 1) * sizeof *m->chan_states);
    size_t *fill = malloc((m->n_channels + 1) * sizeof *fill);
    if (!m->chan_states || !fill) {
        free(fill);
        goto fail;
    }
    memcpy(fill, m->chan_start, (m->n_channels + 1) * sizeof *fill);
    for (size_t s = 1; s < m->n_states; s++) {
        uint32_t cs[ALLOT_MARKOV_MAX_ORDER];
        int n = distinct_channels(m->state_key[s], order, cs);
        for (int i = 0; i < n; i++)
            m->chan_states[fill[cs[i] - 1]++] = (uint32_t)s;
    }
    free(fill);

    /* In-edges by target state, sorted by source. */
    m->in_start = calloc(m->n_states + 1, sizeof *m->in_start);
    m->in_edges = malloc((m->n_edges ? m->n_edges : 1) * sizeof *m->in_edges);
    if (!m->in_start || !m->in_edges)
        goto fail;
    for (size_t e = 0; e < m->n_edges; e++)
        m->in_start[m->edge_to[e] + 1]++;
    for (size_t s = 0; s < m->n_states; s++)
        m->in_start[s + 1] += m->in_start[s];
    size_t *pos = malloc((m->n_states + 1) * sizeof *pos);
    if (!pos)
        goto fail;
    memcpy(pos, m->in_start, (m->n_states + 1) * sizeof *pos);
    for (size_t e = 0; e < m->n_edges; e++)
        m->in_edges[pos[m->edge_to[e]]++] = (uint32_t)e;
    free(pos);
    for (size_t s = 0; s < m->n_states; s++)
        sort_row(m->in_edges + m->in_start[s], m->in_start[s + 1] - m->in_start[s],
                 m->edge_from);

    if (sweep_order(m) != 0)
        goto fail;
    m->gmres_only = method == ALLOT_MARKOV_GMRES;
    m->single = method == ALLOT_MARKOV_SINGLE;
    m->dense = order == 1 && method != ALLOT_MARKOV_SPARSE && method != ALLOT_MARKOV_GMRES &&
               method != ALLOT_MARKOV_SINGLE &&
               (method == ALLOT_MARKOV_DENSE || m->n_states <= ALLOT_MARKOV_DENSE_MAX);
    free(dense_edge);
    u64map_release(&states);
    u64map_release(&edges);
    *out = m;
    return ALLOT_OK;
fail:
    free(dense_edge);
    u64map_release(&states);
    u64map_release(&edges);
    allot_markov_free(m);
    return allot_error_set(err, st, NULL, 0, 0, "out of memory building the Markov chain");
}

void allot_markov_result_release(allot_markov_result *res)
{
    if (!res)
        return;
    free(res->removal_effect);
    free(res->value_removal_effect);
    free(res->conversions);
    free(res->value);
    memset(res, 0, sizeof *res);
}

/* Transition probabilities of one set of weights. */
typedef struct chain_probs {
    double *edge_p;   /* n_edges */
    double *r;        /* n_states: P(s -> CONV) */
    double *rv;       /* n_states: P(s -> CONV) * mean value */
    double *edge_cnt; /* n_edges */
    double *conv, *null, *val, *outc; /* per state */
} chain_probs;

static void probs_release(chain_probs *c)
{
    free(c->edge_p);
    free(c->r);
    free(c->rv);
    free(c->edge_cnt);
    free(c->conv);
    free(c->null);
    free(c->val);
    free(c->outc);
}

static int probs_compute(const allot_markov *m, const double *conv, const double *value,
                         const double *nulls, chain_probs *c)
{
    size_t ns = m->n_states, ne = m->n_edges ? m->n_edges : 1;
    memset(c, 0, sizeof *c);
    c->edge_p = malloc(ne * sizeof *c->edge_p);
    c->edge_cnt = calloc(ne, sizeof *c->edge_cnt);
    c->r = malloc(ns * sizeof *c->r);
    c->rv = malloc(ns * sizeof *c->rv);
    c->conv = calloc(ns, sizeof *c->conv);
    c->null = calloc(ns, sizeof *c->null);
    c->val = calloc(ns, sizeof *c->val);
    c->outc = calloc(ns, sizeof *c->outc);
    if (!c->edge_p || !c->edge_cnt || !c->r || !c->rv || !c->conv || !c->null || !c->val ||
        !c->outc)
        return -1;
    for (size_t p = 0; p < m->paths->n_paths; p++) {
        double w = conv[p] + nulls[p];
        if (w <= 0)
            continue;
        for (size_t i = m->path_start[p]; i < m->path_start[p + 1]; i++)
            c->edge_cnt[m->path_edges[i]] += w;
        uint32_t s = m->path_last[p];
        c->conv[s] += conv[p];
        c->null[s] += nulls[p];
        c->val[s] += value[p];
    }
    for (size_t s = 0; s < ns; s++)
        c->outc[s] = c->conv[s] + c->null[s];
    for (size_t e = 0; e < m->n_edges; e++)
        c->outc[m->edge_from[e]] += c->edge_cnt[e];
    for (size_t e = 0; e < m->n_edges; e++) {
        double o = c->outc[m->edge_from[e]];
        c->edge_p[e] = o > 0 ? c->edge_cnt[e] / o : 0;
    }
    for (size_t s = 0; s < ns; s++) {
        double o = c->outc[s];
        c->r[s] = o > 0 ? c->conv[s] / o : 0;
        c->rv[s] = o > 0 ? c->val[s] / o : 0;
    }
    return 0;
}

static allot_status gsl_fail(allot_error *err, int status, const char *what)
{
    return allot_error_set(err, ALLOT_ERR_NUMERIC, NULL, 0, 0, "%s failed: %s", what,
                           gsl_strerror(status));
}

/* Order 1: fundamental matrix N = (I - Q)^-1 by dense LU. */
static allot_status solve_dense(const allot_markov *m, const chain_probs *c,
                                allot_markov_result *res, allot_error *err)
{
    size_t n = m->n_states;
    allot_status st = ALLOT_OK;
    gsl_matrix *a = gsl_matrix_alloc(n, n);
    gsl_matrix *inv = gsl_matrix_alloc(n, n);
    gsl_permutation *perm = gsl_permutation_alloc(n);
    gsl_vector *r = gsl_vector_alloc(n), *rv = gsl_vector_alloc(n);
    gsl_vector *x = gsl_vector_alloc(n), *xv = gsl_vector_alloc(n);
    if (!a || !inv || !perm || !r || !rv || !x || !xv) {
        st = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    gsl_matrix_set_identity(a);
    for (size_t e = 0; e < m->n_edges; e++) {
        double *v = gsl_matrix_ptr(a, m->edge_from[e], m->edge_to[e]);
        *v -= c->edge_p[e];
    }
    for (size_t s = 0; s < n; s++) {
        gsl_vector_set(r, s, c->r[s]);
        gsl_vector_set(rv, s, c->rv[s]);
    }
    int signum, gs = gsl_linalg_LU_decomp(a, perm, &signum);
    if (gs) {
        st = gsl_fail(err, gs, "LU decomposition of I - Q");
        goto done;
    }
    gs = gsl_linalg_LU_invert(a, perm, inv);
    if (gs) {
        st = gsl_fail(err, gs, "inverting I - Q");
        goto done;
    }
    gsl_blas_dgemv(CblasNoTrans, 1.0, inv, r, 0.0, x);
    gsl_blas_dgemv(CblasNoTrans, 1.0, inv, rv, 0.0, xv);
    double x0 = gsl_vector_get(x, 0), xv0 = gsl_vector_get(xv, 0);
    res->p_conversion = x0;
    res->value_per_journey = xv0;
    for (size_t ch = 0; ch < m->n_channels; ch++) {
        size_t k = ch + 1;
        double ratio = gsl_matrix_get(inv, 0, k) / gsl_matrix_get(inv, k, k);
        res->removal_effect[ch] = x0 > 0 ? ratio * gsl_vector_get(x, k) / x0 : 0;
        res->value_removal_effect[ch] = xv0 > 0 ? ratio * gsl_vector_get(xv, k) / xv0 : 0;
    }
done:
    gsl_matrix_free(a);
    gsl_matrix_free(inv);
    gsl_permutation_free(perm);
    gsl_vector_free(r);
    gsl_vector_free(rv);
    gsl_vector_free(x);
    gsl_vector_free(xv);
    return st;
}

/* The transposed system (I - Q)^T y = e_0, rows scaled by their diagonal,
 * in CSR. Row s holds the diagonal and -Q[t][s] for every t -> s. */
typedef struct sparse_system {
    gsl_spmatrix *a;      /* working copy */
    double *base;         /* the full chain's values, in a's layout */
    size_t *diag_at;      /* index of row s's diagonal in data */
    double *scale;        /* 1 / diagonal of row s */
} sparse_system;

static void system_release(sparse_system *sys)
{
    if (sys->a)
        gsl_spmatrix_free(sys->a);
    free(sys->base);
    free(sys->diag_at);
    free(sys->scale);
}

static int system_build(const allot_markov *m, const chain_probs *c, sparse_system *sys)
{
    size_t n = m->n_states;
    memset(sys, 0, sizeof *sys);
    size_t nnz = n + m->n_edges;
    sys->a = gsl_spmatrix_alloc_nzmax(n, n, nnz, GSL_SPMATRIX_CSR);
    sys->base = malloc(nnz * sizeof *sys->base);
    sys->diag_at = malloc(n * sizeof *sys->diag_at);
    sys->scale = malloc(n * sizeof *sys->scale);
    if (!sys->a || !sys->base || !sys->diag_at || !sys->scale)
        return -1;
    int *rowp = sys->a->p, *col = sys->a->i;
    size_t k = 0;
    for (size_t s = 0; s < n; s++) {
        rowp[s] = (int)k;
        double diag = 1.0;
        for (size_t j = m->in_start[s]; j < m->in_start[s + 1]; j++) {
            uint32_t e = m->in_edges[j];
            if (m->edge_from[e] == s)
                diag -= c->edge_p[e];
        }
        int diag_done = 0;
        for (size_t j = m->in_start[s]; j <= m->in_start[s + 1]; j++) {
            uint32_t e = j < m->in_start[s + 1] ? m->in_edges[j] : 0;
            uint32_t t = j < m->in_start[s + 1] ? m->edge_from[e] : UINT32_MAX;
            if (!diag_done && t >= s) {
                sys->diag_at[s] = k;
                col[k] = (int)s;
                sys->base[k++] = diag;
                diag_done = 1;
            }
            if (j == m->in_start[s + 1] || t == s)
                continue;
            col[k] = (int)t;
            sys->base[k++] = -c->edge_p[e];
        }
        /* diag > 0 always: a state with a self-loop also moves elsewhere or
         * absorbs, or it would have no journey ending through it. */
        sys->scale[s] = diag > 0 ? 1.0 / diag : 1.0;
        for (size_t q = (size_t)rowp[s]; q < k; q++)
            sys->base[q] *= sys->scale[s];
    }
    rowp[n] = (int)k;
    sys->a->nz = k;
    memcpy(sys->a->data, sys->base, k * sizeof *sys->base);
    return 0;
}

/* ||b - A y||_inf over the CSR matrix. */
static double residual_inf(const gsl_spmatrix *a, const double *b, const double *y)
{
    double worst = 0;
    for (size_t s = 0; s < a->size1; s++) {
        double acc = b[s];
        for (int q = a->p[s]; q < a->p[s + 1]; q++)
            acc -= a->data[q] * y[a->i[q]];
        if (fabs(acc) > worst)
            worst = fabs(acc);
    }
    return worst;
}

#define GMRES_RESTART 30
#define GMRES_MAX_CYCLES 400
#define SPARSE_TOL 1e-14
#define SPARSE_CHECK 1e-11

static allot_status gmres_cycles(gsl_spmatrix *a, gsl_vector *b, gsl_vector *y,
                                 gsl_splinalg_itersolve *w, allot_error *err);

static allot_status gmres_solve(gsl_spmatrix *a, gsl_vector *b, gsl_vector *y,
                                allot_error *err)
{
    size_t n = a->size1;
    gsl_splinalg_itersolve *w = gsl_splinalg_itersolve_alloc(
        gsl_splinalg_itersolve_gmres, n, n < GMRES_RESTART ? n : GMRES_RESTART);
    if (!w)
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    allot_status st = gmres_cycles(a, b, y, w, err);
    gsl_splinalg_itersolve_free(w);
    return st;
}

static allot_status gmres_cycles(gsl_spmatrix *a, gsl_vector *b, gsl_vector *y,
                                 gsl_splinalg_itersolve *w, allot_error *err)
{
    int status = GSL_CONTINUE;
    for (int it = 0; it < GMRES_MAX_CYCLES && status == GSL_CONTINUE; it++)
        status = gsl_splinalg_itersolve_iterate(a, b, SPARSE_TOL, y, w);
    if (status == GSL_CONTINUE) {
        /* tolerance near round-off: accept when the true residual is tiny */
        if (residual_inf(a, b->data, y->data) <= SPARSE_CHECK)
            return ALLOT_OK;
        return allot_error_set(err, ALLOT_ERR_NUMERIC, NULL, 0, 0,
                               "the sparse Markov solve did not converge (residual %g); "
                               "try --keep-repeats off or a lower order",
                               gsl_splinalg_itersolve_normr(w));
    }
    if (status != GSL_SUCCESS)
        return gsl_fail(err, status, "the sparse Markov solve (GMRES)");
    double res = residual_inf(a, b->data, y->data);
    if (!(res <= SPARSE_CHECK))
        return allot_error_set(err, ALLOT_ERR_NUMERIC, NULL, 0, 0,
                               "the sparse Markov solve left a residual of %g", res);
    return ALLOT_OK;
}

#define GS_MAX_SWEEPS 20000

/* Gauss-Seidel on the row-scaled system (unit diagonal) in the sweep order,
 * until a sweep changes no entry by more than 1e-15 of the largest and the
 * geometric tail of the remaining changes is below 1e-13 of it. Returns 0
 * when converged and the residual check passes, -1 otherwise (the caller
 * falls back to GMRES). */
static int gauss_seidel(const allot_markov *m, const gsl_spmatrix *a, const double *b, double *y)
{
    size_t n = a->size1;
    const int *rowp = a->p, *col = a->i;
    const double *data = a->data;
    double prev = 0;
    for (int sweep = 0; sweep < GS_MAX_SWEEPS; sweep++) {
        double change = 0, big = 0;
        for (size_t j = 0; j < n; j++) {
            uint32_t s = m->sweep[j];
            double acc = b[s], diag = 1;
            for (int q = rowp[s]; q < rowp[s + 1]; q++) {
                if ((size_t)col[q] == s)
                    diag = data[q];
                else
                    acc -= data[q] * y[col[q]];
            }
            acc /= diag;
            double d = fabs(acc - y[s]);
            if (d > change)
                change = d;
            if (fabs(acc) > big)
                big = fabs(acc);
            y[s] = acc;
        }
        if (change <= 2.5e-16 * big) /* round-off level */
            break;
        if (sweep > 0 && change <= 1e-15 * big) {
            double rate = prev > 0 ? change / prev : 1;
            if (rate < 0.99 && change * rate / (1 - rate) <= 1e-13 * big)
                break;
        }
        prev = change;
        if (sweep == GS_MAX_SWEEPS - 1)
            return -1;
    }
    return residual_inf(a, b, y) <= SPARSE_CHECK ? 0 : -1;
}

static double dot(const double *a, const double *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

#define BLOCK_CHANNELS 32

/* The channels of each state (up to `order`, UINT32_MAX padding). */
static uint32_t *state_channels(const allot_markov *m)
{
    size_t n = m->n_states, k = (size_t)m->order;
    uint32_t *sc = malloc(n * k * sizeof *sc);
    if (!sc)
        return NULL;
    for (size_t s = 0; s < n; s++) {
        uint64_t key = m->state_key[s];
        for (size_t j = 0; j < k; j++) {
            uint32_t c = s == 0 ? 0
                         : k == 1 ? (uint32_t)key
                                  : (uint32_t)((key >> (16 * j)) & 0xffff);
            sc[s * k + j] = c ? c - 1 : UINT32_MAX;
        }
    }
    return sc;
}

/* Gauss-Seidel for a block of nb channels at once: column j of Y (n x nb,
 * row-major) is the visit vector with channel ch0 + j removed, i.e. its
 * entries on the states containing that channel held at 0. One pass over the
 * matrix serves every column, so the index traffic is shared and the inner
 * loop is a dense axpy. Same stopping rule and residual check as
 * gauss_seidel; returns 0 when converged, -1 otherwise. */
static int block_gauss_seidel(const allot_markov *m, const sparse_system *sys,
                              const double *base_y, const uint32_t *sc, size_t ch0, size_t nb,
                              double *Y, double *acc)
{
    size_t n = m->n_states, k = (size_t)m->order;
    const int *rowp = sys->a->p, *col = sys->a->i;
    const double *data = sys->base;
    double b0 = sys->scale[0];
    for (size_t s = 0; s < n; s++) {
        for (size_t j = 0; j < nb; j++)
            Y[s * nb + j] = base_y[s];
        for (size_t q = 0; q < k; q++) {
            uint32_t c = sc[s * k + q];
            if (c != UINT32_MAX && c >= ch0 && c < ch0 + nb)
                Y[s * nb + (c - ch0)] = 0;
        }
    }
    double prev = 0;
    int converged = 0;
    for (int sweep = 0; sweep < GS_MAX_SWEEPS && !converged; sweep++) {
        double change = 0, big = 0;
        for (size_t jj = 0; jj < n; jj++) {
            uint32_t s = m->sweep[jj];
            double diag = 1, first = s == 0 ? b0 : 0;
            for (size_t j = 0; j < nb; j++)
                acc[j] = first;
            for (int q = rowp[s]; q < rowp[s + 1]; q++) {
                size_t t = (size_t)col[q];
                if (t == s) {
                    diag = data[q];
                    continue;
                }
                double a = data[q];
                const double *yt = Y + t * nb;
                for (size_t j = 0; j < nb; j++)
                    acc[j] -= a * yt[j];
            }
            for (size_t q = 0; q < k; q++) {
                uint32_t c = sc[(size_t)s * k + q];
                if (c != UINT32_MAX && c >= ch0 && c < ch0 + nb)
                    acc[c - ch0] = 0;
            }
            double *ys = Y + (size_t)s * nb;
            for (size_t j = 0; j < nb; j++) {
                double v = acc[j] / diag;
                double d = fabs(v - ys[j]);
                if (d > change)
                    change = d;
                if (fabs(v) > big)
                    big = fabs(v);
                ys[j] = v;
            }
        }
        if (change <= 2.5e-16 * big) {
            converged = 1;
        } else if (sweep > 0 && change <= 1e-15 * big) {
            double rate = prev > 0 ? change / prev : 1;
            converged = rate < 0.99 && change * rate / (1 - rate) <= 1e-13 * big;
        }
        prev = change;
    }
    if (!converged)
        return -1;
    /* residual of every column, the held entries excepted */
    double worst = 0;
    for (size_t s = 0; s < n; s++) {
        double first = s == 0 ? b0 : 0;
        for (size_t j = 0; j < nb; j++)
            acc[j] = first;
        for (int q = rowp[s]; q < rowp[s + 1]; q++) {
            double a = data[q];
            const double *yt = Y + (size_t)col[q] * nb;
            for (size_t j = 0; j < nb; j++)
                acc[j] -= a * yt[j];
        }
        for (size_t q = 0; q < k; q++) {
            uint32_t c = sc[s * k + q];
            if (c != UINT32_MAX && c >= ch0 && c < ch0 + nb)
                acc[c - ch0] = 0;
        }
        for (size_t j = 0; j < nb; j++)
            if (fabs(acc[j]) > worst)
                worst = fabs(acc[j]);
    }
    return worst <= SPARSE_CHECK ? 0 : -1;
}

/* One channel on its own: its rows replaced by identity rows, then
 * Gauss-Seidel (or GMRES). */
static allot_status solve_channel(const allot_markov *m, sparse_system *sys, gsl_vector *b,
                                  gsl_vector *y, const double *base_y, size_t ch,
                                  allot_error *err)
{
    size_t n = m->n_states, nnz = sys->a->nz;
    memcpy(sys->a->data, sys->base, nnz * sizeof *sys->base);
    memcpy(y->data, base_y, n * sizeof *base_y);
    for (size_t q = m->chan_start[ch]; q < m->chan_start[ch + 1]; q++) {
        uint32_t s = m->chan_states[q];
        for (int k = sys->a->p[s]; k < sys->a->p[s + 1]; k++)
            sys->a->data[k] = 0;
        sys->a->data[sys->diag_at[s]] = 1;
        y->data[s] = 0;
    }
    if (m->gmres_only || gauss_seidel(m, sys->a, b->data, y->data) != 0)
        return gmres_solve(sys->a, b, y, err);
    return ALLOT_OK;
}

static allot_status solve_sparse(const allot_markov *m, const chain_probs *c,
                                 allot_markov_result *res, allot_error *err)
{
    size_t n = m->n_states;
    sparse_system sys;
    allot_status st = ALLOT_OK;
    gsl_vector *b = gsl_vector_calloc(n), *y = gsl_vector_calloc(n);
    double *base_y = malloc(n * sizeof *base_y);
    double *Y = NULL, *acc = NULL;
    uint32_t *sc = NULL;
    if (system_build(m, c, &sys) != 0 || !b || !y || !base_y) {
        st = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    /* Full chain: y = e_0^T N (expected visits from START). */
    gsl_vector_set(b, 0, sys.scale[0]);
    if (m->gmres_only || gauss_seidel(m, sys.a, b->data, y->data) != 0)
        st = gmres_solve(sys.a, b, y, err);
    if (st != ALLOT_OK)
        goto done;
    memcpy(base_y, y->data, n * sizeof *base_y);
    double x0 = dot(base_y, c->r, n), xv0 = dot(base_y, c->rv, n);
    res->p_conversion = x0;
    res->value_per_journey = xv0;
    size_t nc = m->n_channels;
    size_t nb_max = nc < BLOCK_CHANNELS ? nc : BLOCK_CHANNELS;
    if (!m->gmres_only && !m->single && nb_max > 0) {
        Y = malloc(n * nb_max * sizeof *Y);
        acc = malloc(nb_max * sizeof *acc);
        sc = state_channels(m);
        if (!Y || !acc || !sc) { /* not enough memory for blocks: one at a time */
            free(Y);
            Y = NULL;
        }
    }
    for (size_t ch0 = 0; ch0 < nc; ch0 += nb_max) {
        size_t nb = nc - ch0 < nb_max ? nc - ch0 : nb_max;
        int blocked = Y && block_gauss_seidel(m, &sys, base_y, sc, ch0, nb, Y, acc) == 0;
        for (size_t ch = ch0; ch < ch0 + nb; ch++) {
            if (m->chan_start[ch] == m->chan_start[ch + 1]) {
                res->removal_effect[ch] = 0;
                res->value_removal_effect[ch] = 0;
                continue;
            }
            double xr = 0, xvr = 0;
            if (blocked) {
                for (size_t s = 0; s < n; s++) {
                    double v = Y[s * nb + (ch - ch0)];
                    xr += v * c->r[s];
                    xvr += v * c->rv[s];
                }
            } else {
                st = solve_channel(m, &sys, b, y, base_y, ch, err);
                if (st != ALLOT_OK)
                    goto done;
                xr = dot(y->data, c->r, n);
                xvr = dot(y->data, c->rv, n);
            }
            res->removal_effect[ch] = x0 > 0 ? 1.0 - xr / x0 : 0;
            res->value_removal_effect[ch] = xv0 > 0 ? 1.0 - xvr / xv0 : 0;
        }
    }
done:
    gsl_vector_free(b);
    gsl_vector_free(y);
    free(base_y);
    free(Y);
    free(acc);
    free(sc);
    system_release(&sys);
    return st;
}

allot_status allot_markov_solve(const allot_markov *m, const double *conversions,
                                const double *value, const double *nulls,
                                allot_markov_result *res, allot_error *err)
{
    gsl_set_error_handler_off();
    memset(res, 0, sizeof *res);
    const allot_paths *p = m->paths;
    if (!conversions)
        conversions = p->conversions;
    if (!value)
        value = p->value;
    if (!nulls)
        nulls = p->nulls;
    size_t nc = m->n_channels ? m->n_channels : 1;
    res->n_channels = m->n_channels;
    res->removal_effect = calloc(nc, sizeof(double));
    res->value_removal_effect = calloc(nc, sizeof(double));
    res->conversions = calloc(nc, sizeof(double));
    res->value = calloc(nc, sizeof(double));
    if (!res->removal_effect || !res->value_removal_effect || !res->conversions ||
        !res->value) {
        allot_markov_result_release(res);
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    double tc = 0, tv = 0, tn = 0;
    for (size_t i = 0; i < p->n_paths; i++) {
        tc += conversions[i];
        tv += value[i];
        tn += nulls[i];
    }
    res->total_conversions = tc;
    res->total_value = tv;
    if (!(tc > 0)) {
        allot_markov_result_release(res);
        return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                               tc + tn > 0 ? "no journey converts: the start state never "
                                             "reaches a conversion, so removal effects are "
                                             "undefined"
                                           : "no journeys: every conversion and null count "
                                             "is 0");
    }
    chain_probs c;
    if (probs_compute(m, conversions, value, nulls, &c) != 0) {
        probs_release(&c);
        allot_markov_result_release(res);
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    allot_status st = m->dense ? solve_dense(m, &c, res, err) : solve_sparse(m, &c, res, err);
    probs_release(&c);
    if (st != ALLOT_OK) {
        allot_markov_result_release(res);
        return st;
    }
    if (!(res->p_conversion > 0)) {
        allot_markov_result_release(res);
        return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                               "the start state never converts (P(conversion) = 0)");
    }
    double sum = 0, sumv = 0;
    for (size_t ch = 0; ch < m->n_channels; ch++) {
        /* round-off can leave -1e-17 for a channel with no effect */
        if (res->removal_effect[ch] < 0 && res->removal_effect[ch] > -1e-12)
            res->removal_effect[ch] = 0;
        if (res->value_removal_effect[ch] < 0 && res->value_removal_effect[ch] > -1e-12)
            res->value_removal_effect[ch] = 0;
        sum += res->removal_effect[ch];
        sumv += res->value_removal_effect[ch];
    }
    for (size_t ch = 0; ch < m->n_channels; ch++) {
        res->conversions[ch] = sum > 0 ? res->removal_effect[ch] / sum * tc : 0;
        res->value[ch] = sumv > 0 ? res->value_removal_effect[ch] / sumv * tv : 0;
    }
    return ALLOT_OK;
}

/* ---- transition export ------------------------------------------------- */

static char *state_name(const allot_markov *m, uint32_t s)
{
    const allot_paths *p = m->paths;
    if (s == 0)
        return strdup("(start)");
    uint64_t k = m->state_key[s];
    size_t len = 1;
    uint32_t ch[ALLOT_MARKOV_MAX_ORDER];
    int n = 0;
    if (m->order == 1) {
        ch[n++] = (uint32_t)k - 1;
    } else {
        for (int j = 0; j < m->order; j++) {
            uint32_t c = (uint32_t)((k >> (16 * j)) & 0xffff);
            if (!c)
                break;
            ch[n++] = c - 1;
        }
    }
    for (int j = 0; j < n; j++)
        len += strlen(p->channels[ch[j]]) + 3;
    char *out = malloc(len);
    if (!out)
        return NULL;
    out[0] = '\0';
    for (int j = 0; j < n; j++) {
        if (j)
            strcat(out, " > ");
        strcat(out, p->channels[ch[j]]);
    }
    return out;
}

typedef struct trow {
    const char *from, *to;
    double count, prob;
} trow;

static int cmp_trow(const void *a, const void *b)
{
    const trow *x = a, *y = b;
    int c = strcmp(x->from, y->from);
    return c ? c : strcmp(x->to, y->to);
}

allot_status allot_markov_write_transitions(const allot_markov *m, const char *file,
                                            allot_error *err)
{
    const allot_paths *p = m->paths;
    chain_probs c;
    char **names = calloc(m->n_states, sizeof *names);
    size_t cap = m->n_edges + 2 * m->n_states;
    trow *rows = malloc((cap ? cap : 1) * sizeof *rows);
    allot_status st = ALLOT_OK;
    FILE *f = NULL;
    if (probs_compute(m, p->conversions, p->value, p->nulls, &c) != 0 || !names || !rows) {
        st = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t s = 0; s < m->n_states; s++)
        if (!(names[s] = state_name(m, (uint32_t)s))) {
            st = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
            goto done;
        }
    size_t n = 0;
    for (size_t e = 0; e < m->n_edges; e++)
        if (c.edge_cnt[e] > 0)
            rows[n++] = (trow){names[m->edge_from[e]], names[m->edge_to[e]], c.edge_cnt[e],
                               c.edge_p[e]};
    for (size_t s = 0; s < m->n_states; s++) {
        if (c.conv[s] > 0)
            rows[n++] = (trow){names[s], "(conversion)", c.conv[s], c.conv[s] / c.outc[s]};
        if (c.null[s] > 0)
            rows[n++] = (trow){names[s], "(null)", c.null[s], c.null[s] / c.outc[s]};
    }
    qsort(rows, n, sizeof *rows, cmp_trow);
    f = fopen(file, "w");
    if (!f) {
        st = allot_error_set(err, ALLOT_ERR_IO, file, 0, 0, "cannot write: %s",
                             strerror(errno));
        goto done;
    }
    fputs("from,to,count,probability\n", f);
    for (size_t i = 0; i < n; i++) {
        allot_csvout_field(f, rows[i].from);
        fputc(',', f);
        allot_csvout_field(f, rows[i].to);
        fprintf(f, ",%.15g,%.15g\n", rows[i].count, rows[i].prob);
    }
    if (fclose(f) != 0)
        st = allot_error_set(err, ALLOT_ERR_IO, file, 0, 0, "cannot write: %s",
                             strerror(errno));
    f = NULL;
done:
    if (f)
        fclose(f);
    probs_release(&c);
    if (names)
        for (size_t s = 0; s < m->n_states; s++)
            free(names[s]);
    free(names);
    free(rows);
    return st;
}
