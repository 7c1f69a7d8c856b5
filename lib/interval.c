/* interval.c — Wilson, Clopper–Pearson and the percentile bootstrap. */
#include "interval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_rng.h>

const char *allot_interval_method_name(allot_interval_method method)
{
    return method == ALLOT_INTERVAL_CLOPPER_PEARSON ? "clopper-pearson" : "wilson";
}

allot_status allot_interval_method_parse(const char *text, allot_interval_method *method,
                                         allot_error *err)
{
    if (text && strcmp(text, "wilson") == 0) {
        *method = ALLOT_INTERVAL_WILSON;
        return ALLOT_OK;
    }
    if (text && (strcmp(text, "clopper-pearson") == 0 || strcmp(text, "cp") == 0 ||
                 strcmp(text, "exact") == 0)) {
        *method = ALLOT_INTERVAL_CLOPPER_PEARSON;
        return ALLOT_OK;
    }
    return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                           "unknown interval method '%s'; use wilson or clopper-pearson",
                           text ? text : "");
}

static allot_status check_proportion(double x, double n, double alpha, allot_error *err)
{
    if (!isfinite(x) || !isfinite(n) || x < 0 || n < 0 || x > n)
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "a proportion needs 0 <= x <= n, got x=%g n=%g", x, n);
    if (!(alpha > 0 && alpha < 1))
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "alpha must be between 0 and 1 (0.05 for 95 %%), got %g", alpha);
    return ALLOT_OK;
}

static void set_empty(allot_interval *out)
{
    out->estimate = out->lower = out->upper = NAN;
}

allot_status allot_interval_wilson(double x, double n, double alpha, allot_interval *out,
                                   allot_error *err)
{
    allot_status st = check_proportion(x, n, alpha, err);
    if (st != ALLOT_OK)
        return st;
    if (n == 0) {
        set_empty(out);
        return ALLOT_OK;
    }
    gsl_set_error_handler_off();
    double z = gsl_cdf_ugaussian_Qinv(alpha / 2);
    double p = x / n, z2 = z * z;
    double denom = 1 + z2 / n;
    double center = (p + z2 / (2 * n)) / denom;
    double half = z / denom * sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    out->estimate = p;
    out->lower = x == 0 ? 0.0 : fmax(0.0, center - half);
    out->upper = x == n ? 1.0 : fmin(1.0, center + half);
    return ALLOT_OK;
}

/* f(p) = CDF(p) - target, with the tail chosen so that the target is small
 * and the subtraction keeps its precision. */
struct beta_root {
    double a, b, target;
    int upper_tail;
};

static double beta_root_f(double p, void *params)
{
    const struct beta_root *r = params;
    if (r->upper_tail)
        return r->target - gsl_cdf_beta_Q(p, r->a, r->b); /* increasing in p */
    return gsl_cdf_beta_P(p, r->a, r->b) - r->target;
}

static allot_status beta_quantile(double a, double b, double target, int upper_tail,
                                  double *root, allot_error *err)
{
    struct beta_root params = {a, b, target, upper_tail};
    gsl_function f = {beta_root_f, &params};
    double lo = 0.0, hi = 1.0;
    /* The CDF is monotone on [0, 1], f(0) < 0 < f(1): the bracket is valid. */
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!s)
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    int status = gsl_root_fsolver_set(s, &f, lo, hi);
    for (int iter = 0; status == GSL_SUCCESS && iter < 500; iter++) {
        status = gsl_root_fsolver_iterate(s);
        if (status != GSL_SUCCESS)
            break;
        lo = gsl_root_fsolver_x_lower(s);
        hi = gsl_root_fsolver_x_upper(s);
        status = gsl_root_test_interval(lo, hi, 0.0, 1e-13);
        if (status == GSL_SUCCESS) {
            *root = gsl_root_fsolver_root(s);
            gsl_root_fsolver_free(s);
            return ALLOT_OK;
        }
        if (status == GSL_CONTINUE)
            status = GSL_SUCCESS;
    }
    gsl_root_fsolver_free(s);
    return allot_error_set(err, ALLOT_ERR_NUMERIC, NULL, 0, 0,
                           "Clopper-Pearson: Beta(%g, %g) quantile did not converge (%s)", a, b,
                           gsl_strerror(status == GSL_SUCCESS ? GSL_EMAXITER : status));
}

allot_status allot_interval_clopper_pearson(double x, double n, double alpha,
                                            allot_interval *out, allot_error *err)
{
    allot_status st = check_proportion(x, n, alpha, err);
    if (st != ALLOT_OK)
        return st;
    if (x != floor(x) || n != floor(n))
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "Clopper-Pearson needs whole counts, got x=%g n=%g; use wilson "
                               "for weighted counts", x, n);
    if (n == 0) {
        set_empty(out);
        return ALLOT_OK;
    }
    gsl_set_error_handler_off();
    double lower = 0.0, upper = 1.0;
    if (x > 0) {
        st = beta_quantile(x, n - x + 1, alpha / 2, 0, &lower, err);
        if (st != ALLOT_OK)
            return st;
    }
    if (x < n) {
        st = beta_quantile(x + 1, n - x, alpha / 2, 1, &upper, err);
        if (st != ALLOT_OK)
            return st;
    }
    out->estimate = x / n;
    out->lower = lower;
    out->upper = upper;
    return ALLOT_OK;
}

allot_status allot_interval_proportion(allot_interval_method method, double x, double n,
                                       double alpha, allot_interval *out, allot_error *err)
{
    if (method == ALLOT_INTERVAL_CLOPPER_PEARSON)
        return allot_interval_clopper_pearson(x, n, alpha, out, err);
    return allot_interval_wilson(x, n, alpha, out, err);
}

/* The k-th smallest of a[0..n-1] (0-based; k < n), leaving a[0..k-1] <= a[k]
 * <= a[k+1..n-1] (Wirth's selection: Hoare partitions around a[k]). */
static double select_kth(double *a, size_t n, size_t k)
{
    long l = 0, r = (long)n - 1, kk = (long)k;
    while (l < r) {
        double x = a[kk];
        long i = l, j = r;
        do {
            while (a[i] < x)
                i++;
            while (x < a[j])
                j--;
            if (i <= j) {
                double t = a[i];
                a[i] = a[j];
                a[j] = t;
                i++;
                j--;
            }
        } while (i <= j);
        if (j < kk)
            l = i;
        if (kk < i)
            r = j;
    }
    return a[kk];
}

/* gsl_stats_quantile_from_sorted_data(sorted a, 1, n, f) (R's type 7) without
 * sorting: the two order statistics it interpolates, by selection; the same
 * arithmetic, so the same bits. Reorders a. */
static double quantile_unsorted(double *a, size_t n, double f)
{
    const double index = f * (double)(n - 1);
    const size_t lhs = (size_t)(int)index;
    const double delta = index - (double)lhs;
    double lo = select_kth(a, n, lhs);
    if (lhs == n - 1)
        return lo;
    double hi = a[lhs + 1];
    for (size_t i = lhs + 2; i < n; i++)
        if (a[i] < hi)
            hi = a[i];
    return (1 - delta) * lo + delta * hi;
}

allot_status allot_bootstrap_percentile(size_t n_units, size_t n_stats, unsigned B,
                                        unsigned long seed, double alpha,
                                        allot_bootstrap_statistic statistic, void *ctx,
                                        double *lower, double *upper, size_t *valid,
                                        allot_error *err)
{
    if (n_units == 0 || n_stats == 0 || B == 0 || !statistic)
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "a bootstrap needs units, statistics and B >= 1");
    if (!(alpha > 0 && alpha < 1))
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "alpha must be between 0 and 1 (0.05 for 95 %%), got %g", alpha);
    if (n_units > UINT32_MAX || (size_t)B > SIZE_MAX / n_stats / sizeof(double))
        return allot_error_set(err, ALLOT_ERR_LIMIT, NULL, 0, 0,
                               "bootstrap too large: %zu units, %zu statistics, B=%u",
                               n_units, n_stats, B);
    gsl_set_error_handler_off();
    allot_status st = ALLOT_OK;
    uint32_t *counts = calloc(n_units, sizeof *counts);
    double *reps = malloc((size_t)B * n_stats * sizeof *reps); /* [stat][rep] */
    double *one = malloc(n_stats * sizeof *one);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!counts || !reps || !one || !rng) {
        st = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    gsl_rng_set(rng, seed);
    for (unsigned b = 0; b < B; b++) {
        memset(counts, 0, n_units * sizeof *counts);
        for (size_t i = 0; i < n_units; i++)
            counts[gsl_rng_uniform_int(rng, (unsigned long)n_units)]++;
        st = statistic(counts, n_units, one, n_stats, ctx, err);
        if (st != ALLOT_OK)
            goto done;
        for (size_t j = 0; j < n_stats; j++)
            reps[j * B + b] = one[j];
    }
    for (size_t j = 0; j < n_stats; j++) {
        double *v = reps + j * B;
        size_t m = 0;
        for (unsigned b = 0; b < B; b++)
            if (isfinite(v[b]))
                v[m++] = v[b];
        if (valid)
            valid[j] = m;
        if (m == 0) {
            lower[j] = upper[j] = NAN;
            continue;
        }
        /* Selection instead of gsl_sort (a heapsort: a quarter of allot-roi's
         * time with its 1000 replicates per group and statistic). */
        lower[j] = quantile_unsorted(v, m, alpha / 2);
        upper[j] = quantile_unsorted(v, m, 1 - alpha / 2);
    }
done:
    gsl_rng_free(rng);
    free(one);
    free(reps);
    free(counts);
    return st;
}
