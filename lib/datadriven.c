#include "datadriven.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "csvout.h"

void allot_datadriven_result_release(allot_datadriven_result *res)
{
    if (!res)
        return;
    free(res->score);
    free(res->conversions);
    free(res->value);
    free(res->score_value);
    free(res->journeys);
    free(res->low_support);
    free(res->lower);
    free(res->upper);
    free(res->by_position);
    memset(res, 0, sizeof *res);
}

/* Fits the model on one set of weights; attributed conversions into conv_out.
 * When full is non-NULL the whole result is filled. */
static allot_status fit(const allot_paths *p, const allot_datadriven_options *opt,
                        const allot_markov *chain, const double *conv, const double *value,
                        const double *nulls, double *conv_out, allot_datadriven_result *full,
                        allot_error *err)
{
    size_t n = p->n_channels;
    if (opt->model == ALLOT_DD_MARKOV) {
        allot_markov_result r;
        allot_status st = allot_markov_solve(chain, conv, value, nulls, &r, err);
        if (st != ALLOT_OK)
            return st;
        memcpy(conv_out, r.conversions, n * sizeof *conv_out);
        if (full) {
            memcpy(full->score, r.removal_effect, n * sizeof(double));
            memcpy(full->score_value, r.value_removal_effect, n * sizeof(double));
            memcpy(full->value, r.value, n * sizeof(double));
            full->p_conversion = r.p_conversion;
        }
        allot_markov_result_release(&r);
        return ALLOT_OK;
    }
    allot_shapley_result r;
    allot_status st = allot_shapley_compute(p, opt->shapley, conv, nulls, &r, err);
    if (st != ALLOT_OK)
        return st;
    memcpy(conv_out, r.conversions, n * sizeof *conv_out);
    if (full) {
        memcpy(full->score, r.value, n * sizeof(double));
        full->p_conversion = r.grand;
        full->positions = r.positions;
        full->by_position = r.by_position;
        r.by_position = NULL;
    }
    allot_shapley_result_release(&r);
    return ALLOT_OK;
}

static allot_status bootstrap(const allot_paths *p, const allot_datadriven_options *opt,
                              const allot_markov *chain, allot_datadriven_result *res,
                              allot_error *err)
{
    size_t n = p->n_channels, np = p->n_paths, B = opt->bootstrap;
    double total = 0;
    for (size_t i = 0; i < np; i++)
        total += p->conversions[i] + p->nulls[i];
    double draws = floor(total + 0.5);
    if (draws < 1 || draws > 4e9)
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "the bootstrap needs between 1 and 4e9 journeys (found %.0f)",
                               total);
    allot_status st = ALLOT_OK;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    double *prob = malloc(2 * np * sizeof *prob);
    unsigned int *count = malloc(2 * np * sizeof *count);
    double *conv = malloc(np * sizeof *conv), *value = malloc(np * sizeof *value);
    double *nulls = malloc(np * sizeof *nulls);
    double *reps = malloc(n * B * sizeof *reps); /* [channel * B + b] */
    double *one = malloc((n ? n : 1) * sizeof *one);
    if (!rng || !prob || !count || !conv || !value || !nulls || !reps || !one) {
        st = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    gsl_rng_set(rng, opt->seed);
    for (size_t i = 0; i < np; i++) {
        prob[2 * i] = p->conversions[i] / total;
        prob[2 * i + 1] = p->nulls[i] / total;
    }
    for (size_t b = 0; b < B; b++) {
        gsl_ran_multinomial(rng, 2 * np, (unsigned int)draws, prob, count);
        double tc = 0;
        for (size_t i = 0; i < np; i++) {
            conv[i] = count[2 * i];
            nulls[i] = count[2 * i + 1];
            value[i] = p->conversions[i] > 0 ? conv[i] * (p->value[i] / p->conversions[i]) : 0;
            tc += conv[i];
        }
        if (tc > 0) {
            st = fit(p, opt, chain, conv, value, nulls, one, NULL, err);
            if (st != ALLOT_OK)
                goto done;
        } else {
            memset(one, 0, n * sizeof *one);
        }
        for (size_t c = 0; c < n; c++)
            reps[c * B + b] = one[c];
        if (opt->progress)
            opt->progress(opt->progress_ctx, b + 1, B);
    }
    for (size_t c = 0; c < n; c++) {
        double *r = reps + c * B;
        gsl_sort(r, 1, B);
        res->lower[c] = gsl_stats_quantile_from_sorted_data(r, 1, B, 0.025);
        res->upper[c] = gsl_stats_quantile_from_sorted_data(r, 1, B, 0.975);
    }
done:
    if (rng)
        gsl_rng_free(rng);
    free(prob);
    free(count);
    free(conv);
    free(value);
    free(nulls);
    free(reps);
    free(one);
    return st;
}

allot_status allot_datadriven_run_paths(const allot_paths *p, const allot_datadriven_options *opt,
                                        allot_datadriven_result *res, allot_error *err)
{
    gsl_set_error_handler_off();
    memset(res, 0, sizeof *res);
    size_t n = p->n_channels, nc = n ? n : 1;
    res->model = opt->model;
    res->n_channels = n;
    res->score = calloc(nc, sizeof(double));
    res->conversions = calloc(nc, sizeof(double));
    res->value = calloc(nc, sizeof(double));
    res->score_value = calloc(nc, sizeof(double));
    res->journeys = calloc(nc, sizeof(double));
    res->low_support = calloc(nc, sizeof(int));
    unsigned char *seen = calloc(nc, 1);
    allot_markov *chain = NULL;
    allot_status st = ALLOT_OK;
    if (!res->score || !res->conversions || !res->value || !res->score_value ||
        !res->journeys || !res->low_support || !seen) {
        st = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < p->n_paths; i++) {
        double w = p->conversions[i] + p->nulls[i];
        res->total_conversions += p->conversions[i];
        res->total_value += p->value[i];
        res->total_journeys += w;
        for (size_t k = p->start[i]; k < p->start[i + 1]; k++) {
            uint32_t c = p->steps[k];
            if (!seen[c]) {
                seen[c] = 1;
                res->journeys[c] += w;
            }
        }
        for (size_t k = p->start[i]; k < p->start[i + 1]; k++)
            seen[p->steps[k]] = 0;
    }
    double min = opt->min_journeys > 0 ? opt->min_journeys : ALLOT_DD_MIN_JOURNEYS;
    for (size_t c = 0; c < n; c++)
        res->low_support[c] = res->journeys[c] < min;

    if (opt->model == ALLOT_DD_MARKOV) {
        st = allot_markov_new(p, &opt->markov, &chain, err);
        if (st != ALLOT_OK)
            goto fail;
        res->states = allot_markov_state_count(chain);
    }
    st = fit(p, opt, chain, p->conversions, p->value, p->nulls, res->conversions, res, err);
    if (st != ALLOT_OK)
        goto fail;
    if (opt->bootstrap > 0) {
        res->lower = calloc(nc, sizeof(double));
        res->upper = calloc(nc, sizeof(double));
        if (!res->lower || !res->upper) {
            st = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
            goto fail;
        }
        st = bootstrap(p, opt, chain, res, err);
        if (st != ALLOT_OK)
            goto fail;
    }
    allot_markov_free(chain);
    free(seen);
    return ALLOT_OK;
fail:
    allot_markov_free(chain);
    free(seen);
    allot_datadriven_result_release(res);
    return st;
}

static void put_name(FILE *out, const char *name, int csv)
{
    if (!csv) {
        fprintf(out, "%-24s", name);
        return;
    }
    allot_csvout_field(out, name);
}

allot_status allot_datadriven_write(FILE *out, const allot_paths *p,
                                    const allot_datadriven_result *res, int csv,
                                    allot_error *err)
{
    int boot = res->lower != NULL;
    int ordered = res->by_position != NULL;
    if (res->model == ALLOT_DD_MARKOV)
        fprintf(out, csv ? "channel,removal_effect,conversions,value"
                         : "%-24s  %14s  %14s  %16s",
                "channel", "removal_effect", "conversions", "value");
    else if (ordered)
        fprintf(out, csv ? "channel,position,shapley,conversions" : "%-24s  %8s  %14s  %14s",
                "channel", "position", "shapley", "conversions");
    else
        fprintf(out, csv ? "channel,shapley,conversions" : "%-24s  %14s  %14s", "channel",
                "shapley", "conversions");
    if (boot && !ordered)
        fprintf(out, csv ? ",lower,upper" : "  %14s  %14s", "lower", "upper");
    fputc('\n', out);
    for (size_t ch = 0; ch < res->n_channels; ch++) {
        if (ordered) {
            for (size_t k = 0; k < res->positions; k++) {
                double phi = res->by_position[ch * res->positions + k];
                if (phi == 0)
                    continue;
                double conv = res->p_conversion != 0
                                  ? phi / res->p_conversion * res->total_conversions
                                  : 0;
                put_name(out, p->channels[ch], csv);
                fprintf(out, csv ? ",%zu,%.12g,%.6f\n" : "  %8zu  %14.8f  %14.4f\n", k + 1, phi,
                        conv);
            }
            continue;
        }
        put_name(out, p->channels[ch], csv);
        if (res->model == ALLOT_DD_MARKOV)
            fprintf(out, csv ? ",%.12g,%.6f,%.6f" : "  %14.8f  %14.4f  %16.4f", res->score[ch],
                    res->conversions[ch], res->value[ch]);
        else
            fprintf(out, csv ? ",%.12g,%.6f" : "  %14.8f  %14.4f", res->score[ch],
                    res->conversions[ch]);
        if (boot)
            fprintf(out, csv ? ",%.6f,%.6f" : "  %14.4f  %14.4f", res->lower[ch],
                    res->upper[ch]);
        fputc('\n', out);
    }
    if (ferror(out))
        return allot_error_set(err, ALLOT_ERR_IO, NULL, 0, 0, "cannot write the results");
    return ALLOT_OK;
}
