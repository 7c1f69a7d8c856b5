#include "shapley.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void allot_shapley_result_release(allot_shapley_result *res)
{
    if (!res)
        return;
    free(res->value);
    free(res->conversions);
    free(res->by_position);
    memset(res, 0, sizeof *res);
}

static allot_status too_many(size_t n, allot_error *err)
{
    return allot_error_set(err, ALLOT_ERR_LIMIT, NULL, 0, 0,
                           "exact Shapley values are limited to %d channels (2^n coalitions) "
                           "and the journeys have %zu; group channels (e.g. into channel "
                           "groups) or use the simplified Shapley value",
                           ALLOT_SHAPLEY_MAX_CHANNELS, n);
}

allot_status allot_shapley_game(size_t n, const double *v, double *phi, allot_error *err)
{
    if (n > ALLOT_SHAPLEY_MAX_CHANNELS)
        return too_many(n, err);
    if (n == 0)
        return ALLOT_OK;
    size_t full = (size_t)1 << n;
    /* weight of a coalition of size s not containing i: s!(n-s-1)!/n! */
    double w[ALLOT_SHAPLEY_MAX_CHANNELS + 1];
    for (size_t s = 0; s < n; s++) {
        double x = 1.0 / (double)n;
        /* 1 / (n * C(n-1, s)) */
        double c = 1.0;
        for (size_t k = 1; k <= s; k++)
            c = c * (double)(n - 1 - s + k) / (double)k;
        w[s] = x / c;
    }
    unsigned char *pc = malloc(full);
    if (!pc)
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    pc[0] = 0;
    for (size_t S = 1; S < full; S++)
        pc[S] = (unsigned char)(pc[S >> 1] + (S & 1));
    for (size_t i = 0; i < n; i++)
        phi[i] = 0;
    for (size_t S = 0; S < full; S++) {
        double ws = w[pc[S] < n ? pc[S] : 0];
        for (size_t i = 0; i < n; i++) {
            size_t bit = (size_t)1 << i;
            if (S & bit)
                continue;
            phi[i] += ws * (v[S | bit] - v[S]);
        }
    }
    free(pc);
    return ALLOT_OK;
}

/* Distinct channels of path i in order of first touch; returns the count. */
static size_t distinct(const allot_paths *p, size_t i, uint32_t *out, unsigned char *seen)
{
    size_t m = 0;
    for (size_t k = p->start[i]; k < p->start[i + 1]; k++) {
        uint32_t c = p->steps[k];
        if (!seen[c]) {
            seen[c] = 1;
            out[m++] = c;
        }
    }
    for (size_t k = 0; k < m; k++)
        seen[out[k]] = 0;
    return m;
}

allot_status allot_shapley_compute(const allot_paths *p, allot_shapley_kind kind,
                                   const double *conversions, const double *nulls,
                                   allot_shapley_result *res, allot_error *err)
{
    memset(res, 0, sizeof *res);
    if (!conversions)
        conversions = p->conversions;
    if (!nulls)
        nulls = p->nulls;
    size_t n = p->n_channels;
    if (kind == ALLOT_SHAPLEY_EXACT && n > ALLOT_SHAPLEY_MAX_CHANNELS)
        return too_many(n, err);
    double total = 0;
    for (size_t i = 0; i < p->n_paths; i++)
        total += conversions[i];
    if (!(total > 0))
        return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                               "no journey converts: Shapley values are all zero and "
                               "cannot share conversions");
    res->n_channels = n;
    res->total_conversions = total;
    size_t nc = n ? n : 1;
    res->value = calloc(nc, sizeof *res->value);
    res->conversions = calloc(nc, sizeof *res->conversions);
    uint32_t *buf = malloc(nc * sizeof *buf);
    unsigned char *seen = calloc(nc, 1);
    double *conv = NULL, *jour = NULL;
    allot_status st = ALLOT_OK;
    if (!res->value || !res->conversions || !buf || !seen)
        goto nomem;

    if (kind == ALLOT_SHAPLEY_EXACT) {
        size_t full = (size_t)1 << n;
        conv = calloc(full, sizeof *conv);
        jour = calloc(full, sizeof *jour);
        if (!conv || !jour)
            goto nomem;
        for (size_t i = 0; i < p->n_paths; i++) {
            size_t mask = 0;
            for (size_t k = p->start[i]; k < p->start[i + 1]; k++)
                mask |= (size_t)1 << p->steps[k];
            conv[mask] += conversions[i];
            jour[mask] += conversions[i] + nulls[i];
        }
        /* zeta transform: f(S) = sum over T subset of S of f(T) */
        for (size_t b = 0; b < n; b++) {
            size_t bit = (size_t)1 << b;
            for (size_t S = 0; S < full; S++)
                if (S & bit) {
                    conv[S] += conv[S ^ bit];
                    jour[S] += jour[S ^ bit];
                }
        }
        for (size_t S = 0; S < full; S++)
            conv[S] = jour[S] > 0 ? conv[S] / jour[S] : 0;
        st = allot_shapley_game(n, conv, res->value, err);
        if (st != ALLOT_OK)
            goto fail;
    } else {
        size_t maxpos = 0;
        for (size_t i = 0; i < p->n_paths; i++) {
            size_t m = distinct(p, i, buf, seen);
            if (m > maxpos)
                maxpos = m;
        }
        if (kind == ALLOT_SHAPLEY_ORDERED) {
            res->positions = maxpos;
            res->by_position = calloc(nc * (maxpos ? maxpos : 1), sizeof *res->by_position);
            if (!res->by_position)
                goto nomem;
        }
        for (size_t i = 0; i < p->n_paths; i++) {
            if (conversions[i] <= 0)
                continue;
            size_t m = distinct(p, i, buf, seen);
            double share = conversions[i] / (double)m;
            for (size_t k = 0; k < m; k++) {
                res->value[buf[k]] += share;
                if (res->by_position)
                    res->by_position[(size_t)buf[k] * maxpos + k] += share;
            }
        }
    }
    double sum = 0;
    for (size_t c = 0; c < n; c++)
        sum += res->value[c];
    res->grand = sum;
    for (size_t c = 0; c < n; c++)
        res->conversions[c] = sum != 0 ? res->value[c] / sum * total : 0;
    free(conv);
    free(jour);
    free(buf);
    free(seen);
    return ALLOT_OK;
nomem:
    st = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
fail:
    free(conv);
    free(jour);
    free(buf);
    free(seen);
    allot_shapley_result_release(res);
    return st;
}
