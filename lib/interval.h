/*
 * interval.h — confidence intervals for proportions and a seeded percentile
 * bootstrap.
 *
 * Proportions: x successes out of n trials (doubles, so weighted counts are
 * allowed; Clopper–Pearson needs whole numbers). alpha is the two-sided error
 * rate: 0.05 gives a 95 % interval.
 *
 *   Wilson score (no continuity correction): what R's
 *     prop.test(x, n, correct = FALSE)$conf.int gives; the default.
 *   Clopper–Pearson ("exact"): what R's binom.test(x, n)$conf.int gives.
 *     The bounds are Beta quantiles, found by a Brent root-find on the Beta
 *     CDF (lower: P(p; x, n-x+1) = alpha/2, upper: Q(p; x+1, n-x) = alpha/2),
 *     never by gsl_cdf_beta_Pinv, which returns NaN for n >= 1e6 with small x.
 *
 * Edge cases (both methods): x = 0 gives lower = 0 exactly, x = n gives
 * upper = 1 exactly. n = 0 is not an error: the estimate and both bounds are
 * NaN (the tools print an empty field), because an empty funnel stage is a
 * fact to show, not a failure.
 *
 * The library calls gsl_set_error_handler_off() itself; no GSL error aborts.
 */
#ifndef ALLOT_INTERVAL_H
#define ALLOT_INTERVAL_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef enum allot_interval_method {
    ALLOT_INTERVAL_WILSON = 0,
    ALLOT_INTERVAL_CLOPPER_PEARSON
} allot_interval_method;

/* A point estimate with its interval. */
typedef struct allot_interval {
    double estimate; /* x / n */
    double lower;
    double upper;
} allot_interval;

/* "wilson" / "clopper-pearson". */
const char *allot_interval_method_name(allot_interval_method method);

/* Parses "wilson", "clopper-pearson" (also "cp", "exact"); ALLOT_ERR_USAGE
 * otherwise. */
allot_status allot_interval_method_parse(const char *text, allot_interval_method *method,
                                         allot_error *err);

/* Wilson score interval. ALLOT_ERR_USAGE when x < 0, x > n, a value is not
 * finite, or alpha is not in (0, 1). */
allot_status allot_interval_wilson(double x, double n, double alpha, allot_interval *out,
                                   allot_error *err);

/* Clopper–Pearson interval. Besides the Wilson checks, x and n must be whole
 * numbers (ALLOT_ERR_USAGE). ALLOT_ERR_NUMERIC if the root-find fails
 * (it has not been seen to; the message names x and n). */
allot_status allot_interval_clopper_pearson(double x, double n, double alpha,
                                            allot_interval *out, allot_error *err);

/* Either of the above, by method. */
allot_status allot_interval_proportion(allot_interval_method method, double x, double n,
                                       double alpha, allot_interval *out, allot_error *err);

/*
 * Percentile bootstrap.
 *
 * The units (e.g. deals) are resampled with replacement B times with a
 * Mersenne Twister (GSL mt19937) seeded with `seed` (GSL maps seed 0 to its
 * default 4357). Each replicate is handed to `statistic` as a vector of
 * multiplicities counts[0..n_units-1] (how often each unit was drawn, summing
 * to n_units), so a statistic that sums over units just weights by count.
 * The callback writes n_stats values into stats; a value may be NaN (e.g. a
 * ratio with a zero denominator in that replicate) and is then left out of
 * that statistic's percentiles. A non-OK return stops the bootstrap and is
 * passed through.
 *
 * For each statistic j, lower[j] and upper[j] are the alpha/2 and 1 - alpha/2
 * quantiles of its finite replicate values, interpolated as R's
 * quantile(type = 7) does; NaN when no replicate was finite. valid[j] (may be
 * NULL) receives the number of finite replicates.
 *
 * Same units, B, seed and statistic give the same bounds, bit for bit.
 * ALLOT_ERR_USAGE when n_units or n_stats or B is 0, or alpha not in (0, 1).
 */
typedef allot_status (*allot_bootstrap_statistic)(const uint32_t *counts, size_t n_units,
                                                  double *stats, size_t n_stats, void *ctx,
                                                  allot_error *err);

allot_status allot_bootstrap_percentile(size_t n_units, size_t n_stats, unsigned B,
                                        unsigned long seed, double alpha,
                                        allot_bootstrap_statistic statistic, void *ctx,
                                        double *lower, double *upper, size_t *valid,
                                        allot_error *err);

#endif
