/*
 * ddmodel.h — the data-driven models (markov, shapley) as ledger models
 * (model.h): fit over the whole journey set, then weigh each journey.
 *
 * Fit. Every journey with at least one touch becomes a path of its touch
 * channels: converting journeys (won deals, or every deal in the pipeline
 * view) count one conversion, non-converting ones (lost deals; people with
 * touches and no deal, see journey.h) one null. The model runs over those
 * paths (datadriven.h) with the parameters of model.h: Markov order and
 * repeats, Shapley kind, bootstrap replicates and seed. The shapley model
 * uses the exact Shapley value (conversion-rate game) when the journeys have
 * at most ALLOT_SHAPLEY_MAX_CHANNELS channels and the simplified one
 * otherwise unless a kind is configured; the method used is stored.
 *
 * Channel weight. markov: the removal effect; shapley: the Shapley value,
 * negative values counted as 0 (a channel cannot take credit away from a
 * deal). Weigh. In a journey whose distinct channels are C, a touch on
 * channel c gets weight(c) / sum over C of weight / (touches of c in the
 * journey): the deal is split over its channels in proportion to their
 * weights, and each channel's part equally over its touches. When every
 * channel of the journey weighs 0 the touches share equally (rule text
 * "<model>(equal)"). The ledger then allocates the amount in minor units with
 * largest-remainder rounding like every other model.
 */
#ifndef ALLOT_DDMODEL_H
#define ALLOT_DDMODEL_H

#include <sqlite3.h>
#include <stdint.h>

#include "error.h"
#include "model.h"
#include "paths.h"

allot_status allot_ddmodel_markov_fit(allot_model_ctx *ctx, allot_error *err);
allot_status allot_ddmodel_shapley_fit(allot_model_ctx *ctx, allot_error *err);
void allot_ddmodel_weigh(const allot_model_ctx *ctx, const allot_journey *j, double *weights,
                         uint32_t *rules);
void allot_ddmodel_rule_text(const allot_model_ctx *ctx, uint32_t rule, char *buf, size_t size);
void allot_ddmodel_release(allot_model_ctx *ctx);

/* The raw figures of a fitted data-driven model, per channel of the set
 * (NULL arrays when ctx is not a fitted data-driven model). */
typedef struct allot_ddmodel_view {
    const char *method;        /* "markov order 1", "shapley exact", ... */
    const double *score;       /* removal effect or Shapley value */
    const double *weight;      /* normalised channel weight used by weigh */
    const double *conversions; /* attributed conversions */
    const double *journeys;    /* journeys touching the channel */
    const int *low_support;
    const double *lower, *upper; /* bootstrap interval; NULL without */
    double total_conversions, total_journeys;
} allot_ddmodel_view;

/* 1 and fills v when ctx is a fitted data-driven model, else 0. */
int allot_ddmodel_view_of(const allot_model_ctx *ctx, allot_ddmodel_view *v);

/* Reads the aggregated journeys of the database's `paths` table (loaded by
 * allot-load from a path file) in path order, channels sorted. *out is owned
 * by the caller (allot_paths_free). ALLOT_ERR_DATA when the table is empty
 * or a path is malformed (the message names the path), ALLOT_ERR_DB. */
allot_status allot_ddmodel_read_paths_table(sqlite3 *db, allot_paths **out, allot_error *err);

/* Writes the transition matrix of a fitted markov ctx (its order and repeat
 * setting) as CSV (markov.h, allot_markov_write_transitions). */
allot_status allot_ddmodel_write_transitions(const allot_model_ctx *ctx, const char *file,
                                             allot_error *err);

/* Writes the channel figures of ctx for run_id into model_scores (a no-op
 * for other models), in channel-name order, inside the caller's
 * transaction. ALLOT_ERR_DB on failure. */
allot_status allot_ddmodel_store(sqlite3 *db, int64_t run_id, const allot_model_ctx *ctx,
                                 allot_error *err);

#endif
