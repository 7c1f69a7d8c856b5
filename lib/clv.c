#include "clv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_sf_hyperg.h>
#include <gsl/gsl_vector.h>

/* ---- guarded 2F1 -------------------------------------------------------- */

#define SERIES_MAX_TERMS 1000000
#define RESCALE_AT 1e280

/* ln|sum_k (a)_k (b)_k / ((c)_k k!) z^k| and its sign, summed with rescaling.
 * Stops when the tail bound |term| rho / (1 - rho) (rho = the larger of the
 * current term ratio and z, which bounds every later ratio) is below
 * 1e-17 of the sum, or the series terminates (a or b a non-positive
 * integer). */
static int power_series_log(double a, double b, double c, double z, double *log_abs,
                            int *sign)
{
    double sum = 1, term = 1, scale = 0;
    for (long k = 0; k < SERIES_MAX_TERMS; k++) {
        double ratio = (a + k) * (b + k) / ((c + k) * (k + 1)) * z;
        term *= ratio;
        sum += term;
        if (term == 0)
            break;
        if (fabs(sum) > RESCALE_AT || fabs(term) > RESCALE_AT) {
            sum /= RESCALE_AT;
            term /= RESCALE_AT;
            scale += log(RESCALE_AT);
        }
        double next = fabs((a + k + 1) * (b + k + 1) / ((c + k + 1) * (k + 2)) * z);
        double rho = next > z ? next : z;
        if (rho < 1 && fabs(term) * rho / (1 - rho) <= 1e-17 * fabs(sum))
            break;
        if (k == SERIES_MAX_TERMS - 1)
            return 0;
    }
    *sign = sum > 0 ? 1 : sum < 0 ? -1 : 0;
    *log_abs = *sign ? log(fabs(sum)) + scale : -INFINITY;
    return 1;
}

allot_status allot_hyperg_2f1_log(double a, double b, double c, double z, double *log_abs,
                                  int *sign, allot_hyperg_method *method, allot_error *err)
{
    gsl_set_error_handler_off();
    if (!isfinite(a) || !isfinite(b) || !isfinite(c) || !(z >= 0 && z < 1) ||
        (c <= 0 && c == floor(c)))
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "2F1(%g, %g; %g; %g) is outside 0 <= z < 1 with c not a "
                               "non-positive integer",
                               a, b, c, z);
    if (a >= 0 && b >= 0) {
        gsl_sf_result r;
        int rc = gsl_sf_hyperg_2F1_e(a, b, c, z, &r);
        if (rc == GSL_SUCCESS && isfinite(r.val) && r.val != 0 && isfinite(r.err) &&
            r.err <= 1e-10 * fabs(r.val)) {
            *sign = r.val > 0 ? 1 : -1;
            *log_abs = log(fabs(r.val));
            if (method)
                *method = ALLOT_HYPERG_GSL;
            return ALLOT_OK;
        }
    }
    /* Our own series: directly when its terms (~ k^(a+b-c-1) z^k) decay at
     * least as fast as the Euler-transformed ones (~ k^(c-a-b-1) z^k). */
    int ok;
    if (a + b <= c) {
        ok = power_series_log(a, b, c, z, log_abs, sign);
        if (method)
            *method = ALLOT_HYPERG_SERIES;
    } else {
        ok = power_series_log(c - a, c - b, c, z, log_abs, sign);
        if (ok && *sign)
            *log_abs += (c - a - b) * log1p(-z);
        if (method)
            *method = ALLOT_HYPERG_EULER;
    }
    if (!ok)
        return allot_error_set(err, ALLOT_ERR_NUMERIC, NULL, 0, 0,
                               "2F1(%g, %g; %g; %g): the series did not converge in %d terms",
                               a, b, c, z, SERIES_MAX_TERMS);
    return ALLOT_OK;
}

allot_status allot_hyperg_2f1(double a, double b, double c, double z, double *value,
                              allot_hyperg_method *method, allot_error *err)
{
    double l;
    int s;
    allot_status st = allot_hyperg_2f1_log(a, b, c, z, &l, &s, method, err);
    if (st == ALLOT_OK)
        *value = s ? s * exp(l) : 0.0;
    return st;
}

/* ---- simple CLV --------------------------------------------------------- */

double allot_clv_simple(double arpa, double gross_margin, double churn_rate)
{
    if (!(churn_rate > 0) || !isfinite(arpa) || !isfinite(gross_margin))
        return NAN;
    return arpa * gross_margin / churn_rate;
}

/* ---- maximum likelihood on log-parameters ------------------------------- */

typedef double (*nll_fn)(const double *theta, void *ctx);

typedef struct ml_problem {
    nll_fn f;
    void *ctx;
    size_t k;
} ml_problem;

static double simplex_target(const gsl_vector *v, void *params)
{
    const ml_problem *p = params;
    double theta[8];
    for (size_t i = 0; i < p->k; i++)
        theta[i] = gsl_vector_get(v, i);
    double f = p->f(theta, p->ctx);
    return isfinite(f) ? f : 1e300;
}

/* Minimises f from theta (updated in place): Nelder–Mead, restarted once
 * from its optimum (the usual guard against a collapsed simplex). Then the
 * covariance of theta from the inverse finite-difference Hessian (NAN when
 * not positive definite). */
static allot_status minimise(nll_fn f, void *ctx, size_t k, double *theta, double *cov,
                             int *iterations, int *converged, allot_error *err)
{
    ml_problem prob = {f, ctx, k};
    gsl_multimin_function fn = {simplex_target, k, &prob};
    gsl_vector *x = gsl_vector_alloc(k), *step = gsl_vector_alloc(k);
    gsl_multimin_fminimizer *s = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, k);
    gsl_matrix *H = gsl_matrix_alloc(k, k);
    allot_status st = ALLOT_OK;
    if (!x || !step || !s || !H) {
        st = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    *iterations = 0;
    *converged = 0;
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < k; i++)
            gsl_vector_set(x, i, theta[i]);
        gsl_vector_set_all(step, round == 0 ? 0.5 : 0.1);
        int rc = gsl_multimin_fminimizer_set(s, &fn, x, step);
        if (rc != GSL_SUCCESS) {
            st = allot_error_set(err, ALLOT_ERR_NUMERIC, NULL, 0, 0,
                                 "maximum likelihood: cannot start the simplex (%s)",
                                 gsl_strerror(rc));
            goto done;
        }
        int status = GSL_CONTINUE;
        for (int it = 0; it < 20000 && status == GSL_CONTINUE; it++) {
            rc = gsl_multimin_fminimizer_iterate(s);
            (*iterations)++;
            if (rc != GSL_SUCCESS)
                break;
            status = gsl_multimin_test_size(gsl_multimin_fminimizer_size(s), 1e-10);
        }
        *converged = status == GSL_SUCCESS;
        for (size_t i = 0; i < k; i++)
            theta[i] = gsl_vector_get(s->x, i);
    }
    if (!isfinite(f(theta, ctx))) {
        st = allot_error_set(err, ALLOT_ERR_NUMERIC, NULL, 0, 0,
                             "maximum likelihood: the likelihood is not finite at the optimum");
        goto done;
    }

    /* Central differences: h = 1e-4 in log-parameters. */
    const double h = 1e-4;
    double t[8], f0 = f(theta, ctx);
    for (size_t i = 0; i < k; i++) {
        for (size_t j = i; j < k; j++) {
            double v;
            memcpy(t, theta, k * sizeof *t);
            if (i == j) {
                t[i] = theta[i] + h;
                double fp = f(t, ctx);
                t[i] = theta[i] - h;
                double fm = f(t, ctx);
                v = (fp - 2 * f0 + fm) / (h * h);
            } else {
                double fpp, fpm, fmp, fmm;
                t[i] = theta[i] + h; t[j] = theta[j] + h; fpp = f(t, ctx);
                t[i] = theta[i] + h; t[j] = theta[j] - h; fpm = f(t, ctx);
                t[i] = theta[i] - h; t[j] = theta[j] + h; fmp = f(t, ctx);
                t[i] = theta[i] - h; t[j] = theta[j] - h; fmm = f(t, ctx);
                v = (fpp - fpm - fmp + fmm) / (4 * h * h);
            }
            gsl_matrix_set(H, i, j, v);
            gsl_matrix_set(H, j, i, v);
        }
    }
    int ok = 1;
    for (size_t i = 0; i < k * k; i++)
        ok = ok && isfinite(H->data[i]);
    if (ok && gsl_linalg_cholesky_decomp1(H) == GSL_SUCCESS &&
        gsl_linalg_cholesky_invert(H) == GSL_SUCCESS) {
        for (size_t i = 0; i < k; i++)
            for (size_t j = 0; j < k; j++)
                cov[i * k + j] = gsl_matrix_get(H, i, j);
    } else {
        for (size_t i = 0; i < k * k; i++)
            cov[i] = NAN;
    }
done:
    gsl_vector_free(x);
    gsl_vector_free(step);
    gsl_multimin_fminimizer_free(s);
    gsl_matrix_free(H);
    return st;
}

/* The k parameters fitted on the log scale (theta, covariance cov k x k
 * row-major) into *est[i] = exp(theta[i]) with delta-method standard errors
 * *se[i] = exp(theta[i]) sqrt(cov[i][i]). A parameter beyond e^20 or below
 * e^-20 is at a bound (a limiting model): every standard error is NaN then,
 * and the return is 1. */
static int from_log_scale(const double *theta, const double *cov, size_t k,
                          double *const *est, double *const *se)
{
    int at_bound = 0;
    for (size_t i = 0; i < k; i++) {
        *est[i] = exp(theta[i]);
        *se[i] = *est[i] * sqrt(cov[i * k + i]);
        at_bound |= fabs(theta[i]) > 20;
    }
    for (size_t i = 0; at_bound && i < k; i++)
        *se[i] = NAN;
    return at_bound;
}

static double lbeta(double a, double b)
{
    return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/* ---- BG/NBD ------------------------------------------------------------- */

/* ln Gamma(r + x) - ln Gamma(r) for a whole x, as the sum of ln(r + i),
 * i < x: for a limiting fit (r ~ 1e12) each lgamma is ~3e13 and their
 * difference (GSL's lnpoch too) kept no digit below 1e-2. Other x (not
 * a count of payments) by the difference. */
static double ln_pochhammer(double r, double x)
{
    if (x != floor(x) || x > 1e6)
        return lgamma(r + x) - lgamma(r);
    double sum = 0;
    for (double i = 0; i < x; i++)
        sum += log(r + i);
    return sum;
}

/* r ln(alpha) - (r + x) ln(alpha + t), as -r log1p(t / alpha) - x ln(alpha + t):
 * the two products are ~r ln(alpha) each (7e13 at r = 2.4e12), their
 * difference a few units. */
static double bgnbd_decay(double r, double alpha, double x, double t)
{
    return -r * log1p(t / alpha) - x * log(alpha + t);
}

static double bgnbd_ll_one(const allot_rfm *c, double r, double alpha, double a, double b,
                           double lbeta_ab)
{
    double x = c->x;
    double A1 = lbeta(a, b + x) - lbeta_ab + bgnbd_decay(r, alpha, x, c->T);
    double ll = ln_pochhammer(r, x);
    if (x > 0) {
        double A2 = lbeta(a + 1, b + x - 1) - lbeta_ab + bgnbd_decay(r, alpha, x, c->t_x);
        double hi = A1 > A2 ? A1 : A2, lo = A1 > A2 ? A2 : A1;
        return ll + hi + log1p(exp(lo - hi));
    }
    return ll + A1;
}

/* Terms that depend on a customer only through x are computed once per
 * distinct x (x is a whole number; customers share few values), so an
 * evaluation costs two logarithms per customer instead of a dozen lgammas. */
#define X_CACHE 1024

double allot_bgnbd_log_likelihood(const allot_rfm *data, size_t n, double r, double alpha,
                                  double a, double b)
{
    double lab = lbeta(a, b), sum = 0;
    double c1[X_CACHE], c2[X_CACHE];
    unsigned char have[X_CACHE] = {0};
    /* poch[k] = ln Gamma(r + k) - ln Gamma(r) (ln_pochhammer), grown as
     * larger x appear: one logarithm per whole number up to the largest x */
    double poch[X_CACHE];
    size_t n_poch = 1;
    poch[0] = 0;
    for (size_t i = 0; i < n; i++) {
        const allot_rfm *c = &data[i];
        double x = c->x;
        if (!(x >= 0 && x < X_CACHE) || x != floor(x)) {
            sum += bgnbd_ll_one(c, r, alpha, a, b, lab);
            continue;
        }
        size_t k = (size_t)x;
        if (!have[k]) {
            have[k] = 1;
            for (; n_poch <= k; n_poch++)
                poch[n_poch] = poch[n_poch - 1] + log(r + (double)(n_poch - 1));
            c1[k] = poch[k] + lbeta(a, b + x) - lab;
            c2[k] = x > 0 ? poch[k] + lbeta(a + 1, b + x - 1) - lab : 0;
        }
        double A1 = c1[k] + bgnbd_decay(r, alpha, x, c->T);
        if (x > 0) {
            double A2 = c2[k] + bgnbd_decay(r, alpha, x, c->t_x);
            double hi = A1 > A2 ? A1 : A2, lo = A1 > A2 ? A2 : A1;
            sum += hi + log1p(exp(lo - hi));
        } else {
            sum += A1;
        }
    }
    return sum;
}

typedef struct rfm_set {
    const allot_rfm *data;
    size_t n;
} rfm_set;

static double bgnbd_nll(const double *theta, void *ctx)
{
    const rfm_set *d = ctx;
    for (int i = 0; i < 4; i++)
        if (!(fabs(theta[i]) < 30))
            return INFINITY;
    return -allot_bgnbd_log_likelihood(d->data, d->n, exp(theta[0]), exp(theta[1]),
                                       exp(theta[2]), exp(theta[3]));
}

allot_status allot_bgnbd_fit(const allot_rfm *data, size_t n, allot_bgnbd *fit,
                             allot_error *err)
{
    gsl_set_error_handler_off();
    memset(fit, 0, sizeof *fit);
    if (n < 2)
        return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                               "BG/NBD needs at least 2 customers, got %zu", n);
    double sum_x = 0, sum_T = 0;
    for (size_t i = 0; i < n; i++) {
        const allot_rfm *c = &data[i];
        if (!(c->x >= 0) || c->x != floor(c->x) || !(c->T > 0) || !isfinite(c->T) ||
            !(c->t_x >= 0) || c->t_x > c->T || (c->x == 0 && c->t_x != 0))
            return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                                   "customer %zu: x = %g, t_x = %g, T = %g is not a valid "
                                   "summary (x whole >= 0, 0 <= t_x <= T, T > 0, t_x = 0 "
                                   "when x = 0)",
                                   i, c->x, c->t_x, c->T);
        sum_x += c->x;
        sum_T += c->T;
    }
    double mean_x = sum_x / (double)n, mean_T = sum_T / (double)n;
    double theta[4] = {0, log(mean_T / (mean_x > 0.1 ? mean_x : 0.1)), 0, log(2.0)};
    double cov[16];
    rfm_set set = {data, n};
    allot_status st = minimise(bgnbd_nll, &set, 4, theta, cov, &fit->iterations,
                               &fit->converged, err);
    if (st != ALLOT_OK)
        return st;
    double *const est[4] = {&fit->r, &fit->alpha, &fit->a, &fit->b};
    double *const se[4] = {&fit->se_r, &fit->se_alpha, &fit->se_a, &fit->se_b};
    fit->at_bound = from_log_scale(theta, cov, 4, est, se);
    fit->log_likelihood = allot_bgnbd_log_likelihood(data, n, fit->r, fit->alpha, fit->a, fit->b);
    fit->n_customers = n;
    return ALLOT_OK;
}

/* a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x) for x > 0, else 0. The ratio's
 * logarithm by log1p: as a difference of two logs of alpha ~ 1e12 (a
 * limiting fit) it kept 2 digits, then multiplied by r + x ~ 1e12. */
static double dead_odds(const allot_bgnbd *m, const allot_rfm *c)
{
    if (c->x <= 0)
        return 0;
    return exp(log(m->a) - log(m->b + c->x - 1) +
               (m->r + c->x) * log1p((c->T - c->t_x) / (m->alpha + c->t_x)));
}

double allot_bgnbd_p_alive(const allot_bgnbd *m, const allot_rfm *c)
{
    return 1 / (1 + dead_odds(m, c));
}

allot_status allot_bgnbd_expected(const allot_bgnbd *m, const allot_rfm *c, double t,
                                  double *expected, allot_error *err)
{
    if (!(fabs(m->a - 1) > 1e-9))
        return allot_error_set(err, ALLOT_ERR_NUMERIC, NULL, 0, 0,
                               "BG/NBD a = %g: the expectation formula is singular at a = 1",
                               m->a);
    if (!(t >= 0))
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0, "horizon %g must be >= 0", t);
    if (t == 0) {
        *expected = 0;
        return ALLOT_OK;
    }
    double x = c->x, r = m->r, alpha = m->alpha, a = m->a, b = m->b;
    double z = t / (alpha + c->T + t);
    double lf;
    int sign;
    allot_status st = allot_hyperg_2f1_log(r + x, b + x, a + b + x - 1, z, &lf, &sign, NULL, err);
    if (st != ALLOT_OK)
        return st;
    double lead = -(r + x) * log1p(t / (alpha + c->T));
    double bracket = 1 - (sign ? sign * exp(lead + lf) : 0.0);
    *expected = (a + b + x - 1) / (a - 1) * bracket / (1 + dead_odds(m, c));
    return ALLOT_OK;
}

allot_status allot_bgnbd_expected_new(const allot_bgnbd *m, double t, double *expected,
                                      allot_error *err)
{
    if (!(fabs(m->a - 1) > 1e-9))
        return allot_error_set(err, ALLOT_ERR_NUMERIC, NULL, 0, 0,
                               "BG/NBD a = %g: the expectation formula is singular at a = 1",
                               m->a);
    if (!(t >= 0))
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0, "horizon %g must be >= 0", t);
    if (t == 0) {
        *expected = 0;
        return ALLOT_OK;
    }
    double lf;
    int sign;
    allot_status st = allot_hyperg_2f1_log(m->r, m->b, m->a + m->b - 1, t / (m->alpha + t), &lf,
                                           &sign, NULL, err);
    if (st != ALLOT_OK)
        return st;
    double lead = -m->r * log1p(t / m->alpha);
    *expected = (m->a + m->b - 1) / (m->a - 1) * (1 - (sign ? sign * exp(lead + lf) : 0.0));
    return ALLOT_OK;
}

/* ---- Gamma-Gamma -------------------------------------------------------- */

/* ln Gamma(s + q) - ln Gamma(s). For s >= 100 by Stirling's series with
 * its leading terms as (s - 1/2) log1p(q/s) + q ln(s + q) - q, so that no
 * two terms of size s ln s are subtracted: a limiting Gamma-Gamma fit (p
 * -> infinity, each customer's value its own mean) has p x ~ 1e9, where
 * lgamma(px + q) - lgamma(px) lost about 7 of its digits. */
static double stirling_tail(double z)
{
    double z2 = z * z;
    return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - 1.0 / (1680 * z2)) / z2) / z2) / z;
}

static double ln_gamma_ratio(double s, double q)
{
    if (s < 100)
        return lgamma(s + q) - lgamma(s);
    return (s - 0.5) * log1p(q / s) + q * log(s + q) - q + stirling_tail(s + q) -
           stirling_tail(s);
}

/* lnG(px+q) - lnG(px) - lnG(q), from the larger of px and q. */
static double gg_gamma_part(double s, double q)
{
    return s >= q ? ln_gamma_ratio(s, q) - lgamma(q) : ln_gamma_ratio(q, s) - lgamma(s);
}

/* q ln v + (px-1) ln m + px ln x - (px+q) ln(v+xm), each product up to
 * ~1e10 at a limiting fit, as -q log1p(xm/v) - px log1p(v/(xm)) - ln m. */
static double gg_value_part(double x, double m, double p, double q, double v)
{
    return -q * log1p(x * m / v) - p * x * log1p(v / (x * m)) - log(m);
}

static double gg_ll_one(double x, double m, double p, double q, double v)
{
    return gg_gamma_part(p * x, q) + gg_value_part(x, m, p, q, v);
}

double allot_gamma_gamma_log_likelihood(const double *x, const double *m, size_t n, double p,
                                        double q, double v)
{
    double sum = 0;
    double cx[X_CACHE];
    unsigned char have[X_CACHE] = {0};
    for (size_t i = 0; i < n; i++) {
        if (!(x[i] >= 1 && m[i] > 0))
            continue;
        if (!(x[i] < X_CACHE) || x[i] != floor(x[i])) {
            sum += gg_ll_one(x[i], m[i], p, q, v);
            continue;
        }
        size_t k = (size_t)x[i];
        if (!have[k]) {
            have[k] = 1;
            cx[k] = gg_gamma_part(p * x[i], q);
        }
        sum += cx[k] + gg_value_part(x[i], m[i], p, q, v);
    }
    return sum;
}

typedef struct gg_set {
    const double *x, *m;
    size_t n;
} gg_set;

static double gg_nll(const double *theta, void *ctx)
{
    const gg_set *d = ctx;
    for (int i = 0; i < 3; i++)
        if (!(fabs(theta[i]) < 40))
            return INFINITY;
    return -allot_gamma_gamma_log_likelihood(d->x, d->m, d->n, exp(theta[0]), exp(theta[1]),
                                             exp(theta[2]));
}

allot_status allot_gamma_gamma_fit(const double *x, const double *m, size_t n,
                                   allot_gamma_gamma *fit, allot_error *err)
{
    gsl_set_error_handler_off();
    memset(fit, 0, sizeof *fit);
    size_t used = 0;
    double sum_m = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(m[i]))
            return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                                   "customer %zu: x = %g, mean value %g is not finite", i, x[i],
                                   m[i]);
        if (x[i] >= 1 && m[i] > 0) {
            used++;
            sum_m += m[i];
        }
    }
    if (used < 2)
        return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                               "Gamma-Gamma needs at least 2 customers with a repeat "
                               "transaction and a positive value, got %zu",
                               used);
    /* Start where the population mean p v / (q - 1) equals the sample mean. */
    double theta[3] = {0, log(2.0), log(sum_m / (double)used)};
    double cov[9];
    gg_set set = {x, m, n};
    allot_status st = minimise(gg_nll, &set, 3, theta, cov, &fit->iterations, &fit->converged,
                               err);
    if (st != ALLOT_OK)
        return st;
    double *const est[3] = {&fit->p, &fit->q, &fit->v};
    double *const se[3] = {&fit->se_p, &fit->se_q, &fit->se_v};
    fit->at_bound = from_log_scale(theta, cov, 3, est, se);
    fit->log_likelihood = allot_gamma_gamma_log_likelihood(x, m, n, fit->p, fit->q, fit->v);
    fit->n_customers = used;
    return ALLOT_OK;
}

double allot_gamma_gamma_expected(const allot_gamma_gamma *g, double x, double m)
{
    if (!(g->q > 1))
        return NAN;
    if (!(x >= 1) || !(m > 0))
        return g->p * g->v / (g->q - 1);
    return g->p * (g->v + x * m) / (g->p * x + g->q - 1);
}

/* ---- discounted CLV ----------------------------------------------------- */

allot_status allot_clv_discounted(const allot_bgnbd *m, const allot_rfm *c, double value,
                                  double margin, int horizon, double discount, double *clv,
                                  allot_error *err)
{
    if (horizon < 0 || !(discount >= 0) || !isfinite(discount))
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "horizon %d must be >= 0 and the discount rate %g >= 0", horizon,
                               discount);
    double total = 0, prev = 0;
    for (int k = 1; k <= horizon; k++) {
        double e = 0;
        allot_status st = allot_bgnbd_expected(m, c, (double)k, &e, err);
        if (st != ALLOT_OK)
            return st;
        total += (e - prev) * value * margin / pow(1 + discount, k);
        prev = e;
    }
    *clv = total;
    return ALLOT_OK;
}
