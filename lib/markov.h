/*
 * markov.h — exact Markov-chain removal effects (Anderl et al. 2016) of
 * order 1 to 4 over aggregated journeys (allot_paths).
 *
 * The chain. Transient states are START and, for order k, the tuples of the
 * last k channels of a journey; CONV and NULL absorb. A journey c1 > ... > cL
 * (after consecutive repeats are collapsed, unless keep_repeats) visits
 * START, s1, ..., sL and then CONV (a conversion) or NULL (a non-converting
 * journey), where s_i = (c_max(1,i-k+1), ..., c_i): the first k-1 states of
 * a journey are the shorter tuples of what has happened so far, so a journey
 * shorter than k is never padded or dropped. Each journey adds its count
 * (conversions + nulls) to every transition it makes; the last state
 * moves to CONV with the conversions and to NULL with the nulls. Transition
 * probabilities are counts divided by the state's outgoing count.
 *
 * With Q the transient block, A = I - Q, N = A^-1 (the fundamental matrix),
 * r the one-step conversion probabilities and x = N r, P(conv) = x_0.
 * Removing channel c sends every transition into a state that contains c to
 * NULL; RE(c) = 1 - P(conv | c removed) / P(conv). (Every state containing
 * c is entered only through a state ending in c, so "states that contain c"
 * and "states whose last channel is c" give the same P(conv | c removed).)
 * Order 1 uses the fundamental matrix with a dense LU (GSL):
 * RE_k = (N_0k / N_kk) * x_k / x_0 (Sherman-Morrison). Other orders (or more
 * than ALLOT_MARKOV_DENSE_MAX states) solve, per channel, the sparse system
 * (I - Q')^T y = e_0 with the channel's states removed, and
 * P(conv | c removed) = y . r. The solver is Gauss-Seidel with the states
 * ordered by the mean step at which journeys visit them (so one sweep
 * carries the flow forward; only cycles need more sweeps), 32 channels per
 * pass over the matrix, warm-started from the full chain, run until the
 * changes reach round-off; a block that does not converge is solved channel
 * by channel, and then GSL's GMRES (restart 30, relative residual 1e-14)
 * takes over. Either way the residual max|e_0 - (I - Q')^T y| must be below 1e-11
 * (it is typically ~1e-16), otherwise ALLOT_ERR_NUMERIC.
 *
 * Value: r_v(s) = P(s -> CONV) * (mean conversion value of the journeys
 * ending in s) gives the expected value per journey x_v = N r_v and the
 * value removal effects the same way.
 *
 * Attributed conversions of c = RE(c) / sum RE * total conversions; the
 * attributed value uses the value removal effects and the total value.
 */
#ifndef ALLOT_MARKOV_H
#define ALLOT_MARKOV_H

#include <stddef.h>

#include "error.h"
#include "paths.h"

#define ALLOT_MARKOV_MAX_ORDER 4
/* Largest chain (START + channels) solved with the dense fundamental matrix. */
#define ALLOT_MARKOV_DENSE_MAX 2048

typedef enum allot_markov_method {
    ALLOT_MARKOV_AUTO = 0, /* dense for order 1 up to ALLOT_MARKOV_DENSE_MAX states */
    ALLOT_MARKOV_DENSE,    /* fundamental matrix; order 1 only */
    ALLOT_MARKOV_SPARSE,   /* per-channel sparse solves; any order */
    ALLOT_MARKOV_GMRES,    /* sparse, GMRES only (no Gauss-Seidel first); for checks */
    ALLOT_MARKOV_SINGLE    /* sparse, one channel at a time (no blocks); for checks */
} allot_markov_method;

typedef struct allot_markov_options {
    int order;                 /* 1..4 (0 means 1) */
    int keep_repeats;          /* 0: a > a > b is a > b (default) */
    allot_markov_method method;
} allot_markov_options;

/* The state space of one path set under one order: states, transitions
 * and, for each path, the transitions it makes. Built once, solved for any
 * weights of the same paths (the bootstrap reuses it). Opaque. */
typedef struct allot_markov allot_markov;

/* Builds the chain of paths under opt (NULL: order 1, collapse repeats).
 * paths must outlive the chain. Errors: ALLOT_ERR_USAGE (order outside
 * 1..4, dense method with order > 1), ALLOT_ERR_LIMIT (order > 1 with more
 * than 65534 channels), ALLOT_ERR_NOMEM. Free with allot_markov_free. */
allot_status allot_markov_new(const allot_paths *paths, const allot_markov_options *opt,
                              allot_markov **out, allot_error *err);
void allot_markov_free(allot_markov *m);

/* Transient states including START. */
size_t allot_markov_state_count(const allot_markov *m);

typedef struct allot_markov_result {
    size_t n_channels;
    double p_conversion;        /* x_0 */
    double value_per_journey;   /* x_v0 */
    double total_conversions;   /* of the weights solved */
    double total_value;
    double *removal_effect;     /* [n_channels] */
    double *value_removal_effect;
    double *conversions;        /* attributed */
    double *value;              /* attributed */
} allot_markov_result;

/* Solves the chain for per-path weights (conversions, value, nulls, each
 * n_paths long; NULL means the paths' own counts) and fills res (arrays
 * owned by res: release with allot_markov_result_release).
 * Errors: ALLOT_ERR_DATA when no journey converts (the start state never
 * reaches CONV, so removal effects are undefined); ALLOT_ERR_NUMERIC when a
 * solve fails or its residual check fails; ALLOT_ERR_NOMEM. */
allot_status allot_markov_solve(const allot_markov *m, const double *conversions,
                                const double *value, const double *nulls,
                                allot_markov_result *res, allot_error *err);

void allot_markov_result_release(allot_markov_result *res);

/* Writes the transition matrix as CSV: from,to,count,probability with
 * states named "(start)", "(conversion)", "(null)" and channel tuples
 * "a > b"; rows sorted by from, then to (byte order). The paths' own counts
 * are used. ALLOT_ERR_IO when the file cannot be written. */
allot_status allot_markov_write_transitions(const allot_markov *m, const char *file,
                                            allot_error *err);

#endif
