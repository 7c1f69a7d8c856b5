#include "survival.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

/* R's tolerance for "S equals 0.5" in the median rule (sqrt(double eps)). */
#define MEDIAN_TOLERANCE 1.4901161193847656e-08

const char *allot_conf_type_name(allot_conf_type type)
{
    switch (type) {
    case ALLOT_CONF_LOG: return "log";
    case ALLOT_CONF_PLAIN: return "plain";
    case ALLOT_CONF_LOG_LOG: break;
    }
    return "log-log";
}

allot_status allot_conf_type_parse(const char *text, allot_conf_type *type, allot_error *err)
{
    if (text && (!strcmp(text, "log-log") || !strcmp(text, "loglog"))) {
        *type = ALLOT_CONF_LOG_LOG;
        return ALLOT_OK;
    }
    if (text && !strcmp(text, "log")) {
        *type = ALLOT_CONF_LOG;
        return ALLOT_OK;
    }
    if (text && !strcmp(text, "plain")) {
        *type = ALLOT_CONF_PLAIN;
        return ALLOT_OK;
    }
    return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                           "unknown interval type '%s'; use log-log, log or plain",
                           text ? text : "");
}

static allot_status check_input(const double *time, const int *event, const double *weight,
                                size_t n, allot_error *err)
{
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(time[i]) || time[i] < 0)
            return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                                   "observation %zu: time %g is not a finite value >= 0", i,
                                   time[i]);
        if (event[i] != 0 && event[i] != 1)
            return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                                   "observation %zu: event %d must be 0 (censored) or 1", i,
                                   event[i]);
        if (weight && (!isfinite(weight[i]) || weight[i] <= 0))
            return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                                   "observation %zu: weight %g must be finite and > 0", i,
                                   weight[i]);
    }
    return ALLOT_OK;
}

/* Sorting indices by time; qsort needs the times, passed through a struct. */
typedef struct timed_index {
    double time;
    size_t index;
} timed_index;

static int compare_timed(const void *a, const void *b)
{
    const timed_index *x = a, *y = b;
    if (x->time < y->time) return -1;
    if (x->time > y->time) return 1;
    return (x->index > y->index) - (x->index < y->index);
}

static timed_index *sorted_by_time(const double *time, size_t n)
{
    timed_index *order = malloc((n ? n : 1) * sizeof *order);
    if (!order)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        order[i].time = time[i];
        order[i].index = i;
    }
    qsort(order, n, sizeof *order, compare_timed);
    return order;
}

static void set_interval(allot_km_step *s, double var_log, double z, allot_conf_type type)
{
    double S = s->survival, se = sqrt(var_log);
    s->lower = s->upper = NAN;
    switch (type) {
    case ALLOT_CONF_LOG:
        if (S > 0 && isfinite(se)) {
            s->lower = exp(log(S) - z * se);
            s->upper = fmin(exp(log(S) + z * se), 1.0);
        }
        break;
    case ALLOT_CONF_LOG_LOG:
        if (S > 0 && S < 1 && isfinite(se)) {
            double ll = log(-log(S)), w = z * se / log(S);
            s->lower = exp(-exp(ll - w));
            s->upper = exp(-exp(ll + w));
        }
        break;
    case ALLOT_CONF_PLAIN:
        if (isfinite(se)) {
            s->lower = fmax(S - z * se * S, 0.0);
            s->upper = fmin(S + z * se * S, 1.0);
        }
        break;
    }
}

/* R's rule for "the first time y <= 0.5", on the curve or on a band. */
static double first_crossing(const allot_km *km, int which)
{
    const allot_km_step *st = km->steps;
    for (size_t i = 0; i < km->n_steps; i++) {
        double y = which == 0 ? st[i].survival : which == 1 ? st[i].lower : st[i].upper;
        if (isnan(y) || !(y < 0.5 + MEDIAN_TOLERANCE))
            continue;
        if (fabs(y - 0.5) < MEDIAN_TOLERANCE) {
            for (size_t k = i + 1; k < km->n_steps; k++) {
                double yk = which == 0 ? st[k].survival : which == 1 ? st[k].lower : st[k].upper;
                if (!isnan(yk) && yk < y)
                    return (st[i].time + st[k].time) / 2;
            }
        }
        return st[i].time;
    }
    return NAN;
}

static allot_status fit_sorted(const int *event, const double *weight,
                               const timed_index *order, size_t n,
                               const allot_km_options *options, allot_km *km, allot_error *err)
{
    allot_conf_type type = options ? options->conf_type : ALLOT_CONF_LOG_LOG;
    double level = options && options->conf_level > 0 ? options->conf_level : 0.95;
    if (!(level > 0 && level < 1))
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "confidence level %g must be between 0 and 1", level);
    memset(km, 0, sizeof *km);
    km->conf_type = type;
    km->conf_level = level;
    km->median = km->median_lower = km->median_upper = NAN;
    double z = gsl_cdf_ugaussian_Qinv((1 - level) / 2);

    double total = 0;
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        total += weight ? weight[order[i].index] : 1.0;
        if (i == 0 || order[i].time != order[i - 1].time)
            distinct++;
    }
    km->n = total;
    if (n == 0)
        return ALLOT_OK;
    km->steps = calloc(distinct, sizeof *km->steps);
    if (!km->steps)
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory (%zu steps)",
                               distinct);

    double at_risk = total, S = 1, var_log = 0, H = 0, var_H = 0;
    size_t i = 0;
    while (i < n) {
        double t = order[i].time, d = 0, c = 0;
        for (; i < n && order[i].time == t; i++) {
            size_t k = order[i].index;
            double w = weight ? weight[k] : 1.0;
            if (event[k])
                d += w;
            else
                c += w;
        }
        allot_km_step *s = &km->steps[km->n_steps++];
        s->time = t;
        s->at_risk = at_risk;
        s->events = d;
        s->censored = c;
        if (d > 0) {
            S *= 1 - d / at_risk;
            if (at_risk - d > 1e-12 * at_risk) {
                var_log += d / (at_risk * (at_risk - d));
            } else {
                S = 0;
                var_log = INFINITY;
            }
            H += d / at_risk;
            var_H += d / (at_risk * at_risk);
        }
        s->survival = S;
        s->std_err = isfinite(var_log) ? S * sqrt(var_log) : NAN;
        set_interval(s, var_log, z, type);
        s->cumhaz = H;
        s->cumhaz_se = sqrt(var_H);
        km->events += d;
        at_risk -= d + c;
        if (at_risk < 0)
            at_risk = 0;
    }
    km->median = first_crossing(km, 0);
    km->median_lower = first_crossing(km, 1);
    km->median_upper = first_crossing(km, 2);
    return ALLOT_OK;
}

allot_status allot_km_fit(const double *time, const int *event, const double *weight,
                          size_t n, const allot_km_options *options, allot_km *km,
                          allot_error *err)
{
    gsl_set_error_handler_off();
    memset(km, 0, sizeof *km);
    allot_status st = check_input(time, event, weight, n, err);
    if (st != ALLOT_OK)
        return st;
    timed_index *order = sorted_by_time(time, n);
    if (!order)
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    st = fit_sorted(event, weight, order, n, options, km, err);
    free(order);
    return st;
}

allot_status allot_km_fit_groups(const double *time, const int *event, const double *weight,
                                 const size_t *group, size_t n, size_t n_groups,
                                 const allot_km_options *options, allot_km *km,
                                 allot_error *err)
{
    gsl_set_error_handler_off();
    for (size_t g = 0; g < n_groups; g++)
        memset(&km[g], 0, sizeof km[g]);
    allot_status st = check_input(time, event, weight, n, err);
    if (st != ALLOT_OK)
        return st;
    for (size_t i = 0; i < n; i++)
        if (group[i] >= n_groups)
            return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                                   "observation %zu: group %zu is not below %zu", i, group[i],
                                   n_groups);
    timed_index *all = sorted_by_time(time, n);
    timed_index *mine = malloc((n ? n : 1) * sizeof *mine);
    if (!all || !mine) {
        free(all);
        free(mine);
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t g = 0; g < n_groups && st == ALLOT_OK; g++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (group[all[i].index] == g)
                mine[m++] = all[i];
        st = fit_sorted(event, weight, mine, m, options, &km[g], err);
    }
    free(all);
    free(mine);
    return st;
}

void allot_km_release(allot_km *km)
{
    if (!km)
        return;
    free(km->steps);
    km->steps = NULL;
    km->n_steps = 0;
}

double allot_km_survival_at(const allot_km *km, double t)
{
    double S = 1;
    for (size_t i = 0; i < km->n_steps && km->steps[i].time <= t; i++)
        S = km->steps[i].survival;
    return S;
}

allot_status allot_km_rmst(const allot_km *km, double tau, double *rmst, double *std_err,
                           allot_error *err)
{
    if (!isfinite(tau) || tau <= 0)
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "the RMST horizon %g must be a finite time > 0", tau);
    /* Area of each piece [t_i, t_{i+1}) below tau, then A_j by a suffix sum. */
    size_t m = km->n_steps;
    double area = 0;
    double prev_t = 0, prev_S = 1;
    for (size_t i = 0; i < m && km->steps[i].time < tau; i++) {
        area += (km->steps[i].time - prev_t) * prev_S;
        prev_t = km->steps[i].time;
        prev_S = km->steps[i].survival;
    }
    area += (tau - prev_t) * prev_S;
    *rmst = area;

    /* A_j = area - integral_0^{t_j} S: walk forward keeping the running area. */
    double var = 0, before = 0;
    prev_t = 0;
    prev_S = 1;
    for (size_t i = 0; i < m && km->steps[i].time <= tau; i++) {
        const allot_km_step *s = &km->steps[i];
        before += (s->time - prev_t) * prev_S;
        prev_t = s->time;
        prev_S = s->survival;
        double A = area - before;
        if (s->events > 0 && s->at_risk - s->events > 1e-12 * s->at_risk)
            var += A * A * s->events / (s->at_risk * (s->at_risk - s->events));
    }
    *std_err = sqrt(var);
    return ALLOT_OK;
}

void allot_logrank_release(allot_logrank *result)
{
    if (!result)
        return;
    free(result->observed);
    free(result->expected);
    result->observed = result->expected = NULL;
}

allot_status allot_logrank_test(const double *time, const int *event, const double *weight,
                                const size_t *group, size_t n, size_t n_groups,
                                allot_logrank *result, allot_error *err)
{
    gsl_set_error_handler_off();
    memset(result, 0, sizeof *result);
    result->n_groups = n_groups;
    result->p_value = 1;
    allot_status st = check_input(time, event, weight, n, err);
    if (st != ALLOT_OK)
        return st;
    if (n_groups == 0)
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0, "the log-rank test needs groups");
    for (size_t i = 0; i < n; i++)
        if (group[i] >= n_groups)
            return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                                   "observation %zu: group %zu is not below %zu", i, group[i],
                                   n_groups);
    size_t G = n_groups;
    result->observed = calloc(G, sizeof(double));
    result->expected = calloc(G, sizeof(double));
    double *risk = calloc(G, sizeof(double));   /* at risk per group */
    double *dg = calloc(G, sizeof(double));     /* events per group at t */
    double *gone = calloc(G, sizeof(double));   /* leaving per group at t */
    double *V = calloc(G * G, sizeof(double));
    timed_index *order = sorted_by_time(time, n);
    if (!result->observed || !result->expected || !risk || !dg || !gone || !V || !order) {
        st = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        risk[group[i]] += weight ? weight[i] : 1.0;

    size_t i = 0;
    while (i < n) {
        double t = order[i].time, d = 0, nr = 0;
        memset(dg, 0, G * sizeof *dg);
        memset(gone, 0, G * sizeof *gone);
        for (; i < n && order[i].time == t; i++) {
            size_t k = order[i].index;
            double w = weight ? weight[k] : 1.0;
            if (event[k]) {
                dg[group[k]] += w;
                d += w;
            }
            gone[group[k]] += w;
        }
        for (size_t g = 0; g < G; g++)
            nr += risk[g];
        if (d > 0 && nr > 0) {
            for (size_t g = 0; g < G; g++) {
                result->observed[g] += dg[g];
                result->expected[g] += d * risk[g] / nr;
            }
            if (nr > 1) {
                double f = d * (nr - d) / (nr * nr * (nr - 1));
                for (size_t g = 0; g < G; g++)
                    for (size_t h = 0; h < G; h++)
                        V[g * G + h] += f * risk[g] * ((g == h ? nr : 0) - risk[h]);
            }
        }
        for (size_t g = 0; g < G; g++)
            risk[g] -= gone[g];
    }

    /* Groups with expected events take part; the last of them is dropped
     * (U sums to zero), as R's survdiff does. */
    size_t *use = malloc(G * sizeof *use), k = 0;
    if (!use) {
        st = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t g = 0; g < G; g++)
        if (result->expected[g] > 0)
            use[k++] = g;
    if (k < 2) {
        free(use);
        goto done;
    }
    size_t m = k - 1;
    gsl_matrix *A = gsl_matrix_alloc(m, m);
    gsl_vector *u = gsl_vector_alloc(m), *x = gsl_vector_alloc(m);
    if (!A || !u || !x) {
        st = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    } else {
        for (size_t a = 0; a < m; a++) {
            gsl_vector_set(u, a, result->observed[use[a]] - result->expected[use[a]]);
            for (size_t b = 0; b < m; b++)
                gsl_matrix_set(A, a, b, V[use[a] * G + use[b]]);
        }
        int rc = gsl_linalg_cholesky_decomp1(A);
        if (rc == GSL_SUCCESS)
            rc = gsl_linalg_cholesky_solve(A, u, x);
        if (rc != GSL_SUCCESS) {
            st = allot_error_set(err, ALLOT_ERR_NUMERIC, NULL, 0, 0,
                                 "log-rank variance matrix is singular (%s); groups may be "
                                 "identical in their risk sets",
                                 gsl_strerror(rc));
        } else {
            double chisq = 0;
            for (size_t a = 0; a < m; a++)
                chisq += gsl_vector_get(u, a) * gsl_vector_get(x, a);
            result->chisq = chisq;
            result->df = (int)m;
            result->p_value = gsl_cdf_chisq_Q(chisq, (double)m);
            result->p_underflow = !(result->p_value >= 1e-300);
            if (result->p_underflow)
                result->p_value = 0;
        }
    }
    gsl_matrix_free(A);
    gsl_vector_free(u);
    gsl_vector_free(x);
    free(use);

done:
    free(risk);
    free(dg);
    free(gone);
    free(V);
    free(order);
    if (st != ALLOT_OK)
        allot_logrank_release(result);
    return st;
}

char *allot_format_p_value(double p, char *buf, size_t size)
{
    if (isnan(p))
        snprintf(buf, size, "NA");
    else if (!(p >= 1e-300))
        snprintf(buf, size, "< 1e-300");
    else
        snprintf(buf, size, "%.6g", p);
    return buf;
}
