/*
 * datadriven.h — one call that runs a data-driven model (Markov removal
 * effects or Shapley values) over aggregated journeys, with an optional
 * journey-level bootstrap.
 *
 * Bootstrap: each replicate draws as many journeys as the input holds
 * (the total of conversions + nulls, rounded) from the multinomial over
 * the 2 x n_paths cells (path p converting, path p not converting) with
 * probabilities proportional to their counts (gsl_ran_multinomial, RNG
 * gsl_rng_mt19937 seeded with `seed`); a converting journey of path p
 * carries p's mean value per conversion. The model is refitted on every
 * replicate and the interval is the 2.5 % and 97.5 % percentiles (linear
 * interpolation between order statistics, gsl_stats_quantile_from_sorted_data)
 * of each channel's attributed conversions. A replicate in which no journey
 * converts attributes 0 to every channel. Same paths, options and seed:
 * same intervals, bit for bit.
 *
 * Channels touched by fewer than min_journeys journeys (converting or not)
 * are flagged in low_support: their figures rest on little data.
 */
#ifndef ALLOT_DATADRIVEN_H
#define ALLOT_DATADRIVEN_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"
#include "markov.h"
#include "paths.h"
#include "shapley.h"

typedef enum allot_datadriven_model {
    ALLOT_DD_MARKOV = 0,
    ALLOT_DD_SHAPLEY
} allot_datadriven_model;

#define ALLOT_DD_MIN_JOURNEYS 30

typedef struct allot_datadriven_options {
    allot_datadriven_model model;
    allot_markov_options markov;
    allot_shapley_kind shapley;
    size_t bootstrap;          /* replicates; 0: no interval */
    unsigned long seed;
    double min_journeys;       /* 0 means ALLOT_DD_MIN_JOURNEYS */
    /* Called after each replicate (may be NULL). */
    void (*progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;
} allot_datadriven_options;

typedef struct allot_datadriven_result {
    allot_datadriven_model model;
    size_t n_channels;
    double *score;        /* removal effect (Markov) or phi (Shapley) */
    double *conversions;  /* attributed conversions */
    double *value;        /* attributed value (Markov; 0 for Shapley) */
    double *score_value;  /* value removal effect (Markov; 0 for Shapley) */
    double *journeys;     /* journeys touching the channel */
    int *low_support;     /* journeys < min_journeys */
    double *lower, *upper; /* bootstrap interval of conversions; NULL without */
    double total_conversions, total_value, total_journeys;
    double p_conversion;  /* Markov: P(conv) of the chain; Shapley: sum phi */
    size_t positions;     /* ordered Shapley: by_position columns */
    double *by_position;  /* ordered Shapley: [channel * positions + pos - 1] */
    size_t states;        /* Markov: transient states of the chain */
} allot_datadriven_result;

/* Runs the model over p. res arrays are owned by res (release with
 * allot_datadriven_result_release). Errors are those of allot_markov_new,
 * allot_markov_solve and allot_shapley_compute, and ALLOT_ERR_USAGE for
 * a bootstrap over fewer than one journey. */
allot_status allot_datadriven_run_paths(const allot_paths *p, const allot_datadriven_options *opt,
                                        allot_datadriven_result *res, allot_error *err);

void allot_datadriven_result_release(allot_datadriven_result *res);

/* Writes res as CSV (csv != 0) or an aligned table to out, one row per
 * channel of p in channel order:
 *   markov           channel,removal_effect,conversions,value[,lower,upper]
 *   shapley          channel,shapley,conversions[,lower,upper]
 *   shapley ordered  channel,position,shapley,conversions (non-zero cells)
 * removal effects and Shapley values with 12 significant digits, conversions
 * and value with 6 decimals. ALLOT_ERR_IO on a write error. */
allot_status allot_datadriven_write(FILE *out, const allot_paths *p,
                                    const allot_datadriven_result *res, int csv,
                                    allot_error *err);

#endif
