/*
 * shapley.h — Shapley-value attribution over aggregated journeys
 * (Zhao, Mahboobi & Bagheri 2018, arXiv:1804.05327).
 *
 * Three variants:
 *
 * - simplified: phi_c = sum over channel sets S containing c of R(S)/|S|,
 *   R(S) = conversions of the journeys whose distinct-channel set is
 *   exactly S. This is the exact Shapley value of the game
 *   v(S) = conversions of journeys whose channel set is a subset of S
 *   (each R(T) is a unanimity game's dividend), so it needs no coalition
 *   table and has no channel limit. Sum of phi = total conversions.
 *
 * - exact: the Shapley value of v(S) = conversion rate of the journeys whose
 *   channel set is a subset of S (conversions / journeys, converting and
 *   non-converting; 0 when no journey uses only channels of S), following
 *   the conversion-probability value function of Shao & Li (2011) and
 *   Dalessandro et al. (2012) with Zhao et al.'s subset rule. Unlike the
 *   count game it uses the non-converting journeys: a channel common in
 *   journeys that do not convert lowers v. Values can be negative.
 *   Computed exactly: coalition sums by a subset-sum (zeta) transform over
 *   bitmasks, then phi_i = sum_S |S|!(n-|S|-1)!/n! (v(S+i) - v(S)), both
 *   O(n 2^n); at most ALLOT_SHAPLEY_MAX_CHANNELS channels.
 *   Sum of phi = v(N) - v(empty) = the overall conversion rate.
 *
 * - ordered: the simplified value split by touch position: in a journey
 *   whose distinct channels, in order of first touch, are c1..cm, channel
 *   ci gets R/m at position i. Summing over positions gives simplified.
 *
 * Attributed conversions of c = phi_c / sum phi * total conversions.
 */
#ifndef ALLOT_SHAPLEY_H
#define ALLOT_SHAPLEY_H

#include <stddef.h>

#include "error.h"
#include "paths.h"

#define ALLOT_SHAPLEY_MAX_CHANNELS 20

typedef enum allot_shapley_kind {
    ALLOT_SHAPLEY_EXACT = 0,
    ALLOT_SHAPLEY_SIMPLIFIED,
    ALLOT_SHAPLEY_ORDERED
} allot_shapley_kind;

typedef struct allot_shapley_result {
    size_t n_channels;
    double *value;          /* phi per channel */
    double *conversions;    /* attributed: phi / sum phi * total conversions */
    size_t positions;       /* ordered: the longest distinct-channel journey */
    double *by_position;    /* ordered: [channel * positions + position - 1] */
    double total_conversions;
    double grand;           /* sum phi: v(N) - v(empty) */
} allot_shapley_result;

/* Shapley values of the journeys in p under per-path weights (conversions
 * and nulls, n_paths long; NULL means p's own counts). res arrays are owned
 * by res: release with allot_shapley_result_release.
 * Errors: ALLOT_ERR_LIMIT (exact with more than 20 channels), ALLOT_ERR_DATA
 * (no conversions), ALLOT_ERR_NOMEM. */
allot_status allot_shapley_compute(const allot_paths *p, allot_shapley_kind kind,
                                   const double *conversions, const double *nulls,
                                   allot_shapley_result *res, allot_error *err);

void allot_shapley_result_release(allot_shapley_result *res);

/* The exact Shapley values of any n-player game given by v[mask] for all
 * 2^n coalitions (bit i = player i), in O(n 2^n). phi has n entries.
 * ALLOT_ERR_LIMIT when n > ALLOT_SHAPLEY_MAX_CHANNELS, ALLOT_ERR_NOMEM. */
allot_status allot_shapley_game(size_t n, const double *v, double *phi, allot_error *err);

#endif
