/*
 * model.h — the attribution model interface and the table of every model.
 *
 * A model turns one converting journey into weights over its touches (each
 * >= 0, summing to 1) and, per touch, a rule code that the model turns into
 * the ledger's rule text ("W:LC+OC", "linear", "Z:CW(pending)"). Rule-based
 * models weigh each journey alone; data-driven models (Markov, Shapley) first
 * fit over the whole journey set (fit), then weigh each journey from what
 * they fitted, e.g. per channel. The ledger is written the same way for all.
 *
 * Adding a model is one entry in the table in model.c.
 */
#ifndef ALLOT_MODEL_H
#define ALLOT_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "journey.h"

/* Where a milestone/positional model puts weight. FIRST/LAST are positions
 * (first and last touch of the journey); the others are milestones. */
enum {
    ALLOT_ANCHOR_FIRST = 0,
    ALLOT_ANCHOR_LAST,
    ALLOT_ANCHOR_FT,
    ALLOT_ANCHOR_LC,
    ALLOT_ANCHOR_OC,
    ALLOT_ANCHOR_CW,
    ALLOT_ANCHOR_STAGE,  /* ALLOT_JOURNEY_MAX_STAGES stage anchors follow */
    ALLOT_ANCHOR_COUNT = ALLOT_ANCHOR_STAGE + ALLOT_JOURNEY_MAX_STAGES
};

/* Weights of a milestone or positional model: anchor weights plus the rest,
 * shared equally by the touches that hold no anchor ("middle"). Sum 1. */
typedef struct allot_shape {
    double anchor[ALLOT_ANCHOR_COUNT];
    double rest;
} allot_shape;

/* The configurable shapes. */
enum {
    ALLOT_SHAPE_POSITION = 0, /* position_based: first 40, middle 20, last 40 */
    ALLOT_SHAPE_U,            /* u_shaped: FT 40, LC 40, rest 20 */
    ALLOT_SHAPE_U50,          /* u_shaped_50: FT 50, LC 50 (Marketo Measure) */
    ALLOT_SHAPE_W,            /* w_shaped: FT, LC, OC 30 each, rest 10 */
    ALLOT_SHAPE_Z,            /* full_path: FT, LC, OC, CW 22.5 each, rest 10 */
    ALLOT_SHAPE_J,            /* j_shaped: first 20, last 60, rest 20 */
    ALLOT_SHAPE_INVERSE_J,    /* inverse_j: first 60, last 20, rest 20 */
    ALLOT_SHAPE_CUSTOM,       /* custom: from the configuration (default = W) */
    ALLOT_SHAPE_COUNT
};

typedef struct allot_model_params {
    double half_life_days;               /* time_decay, default 7 */
    allot_shape shapes[ALLOT_SHAPE_COUNT];
    /* Channels last_non_direct skips (case-insensitive); default "Direct". */
    char excluded[8][64];
    int n_excluded;
    /* Names of the custom shape's stage anchors (stage_history stages). */
    char stages[ALLOT_JOURNEY_MAX_STAGES][64];
    int n_stages;
    /* Data-driven models (ddmodel.h). */
    int markov_order;                    /* 1..4, default 1 */
    int markov_keep_repeats;             /* default 0: collapse a > a */
    int shapley_kind;                    /* allot_shapley_kind; -1 (default): exact up
                                            to 20 channels, else simplified */
    size_t bootstrap;                    /* replicates for intervals, default 0 */
    unsigned long bootstrap_seed;        /* default 1 */
} allot_model_params;

struct allot_model_def;

/* One model's run over one journey set. */
typedef struct allot_model_ctx {
    const struct allot_model_def *def;
    const allot_model_params *params;
    const allot_journey_set *set;
    void *state; /* what fit computed; released by release */
} allot_model_ctx;

typedef struct allot_model_def {
    const char *name;     /* as given to --model */
    const char *summary;  /* one line for --help */
    int data_driven;
    int shape;            /* ALLOT_SHAPE_* for shape models, -1 otherwise */
    const char *code;     /* rule text prefix of shape models ("W") */
    /* Optional: fit over the whole set before weighing. */
    allot_status (*fit)(allot_model_ctx *ctx, allot_error *err);
    /* Weights (sum 1) and rule codes for a converting journey of length > 0;
     * weights and rules have j->length slots. Must be deterministic. */
    void (*weigh)(const allot_model_ctx *ctx, const allot_journey *j, double *weights,
                  uint32_t *rules);
    /* The ledger text of a rule code. */
    void (*rule_text)(const allot_model_ctx *ctx, uint32_t rule, char *buf, size_t size);
    /* Optional: frees ctx->state. */
    void (*release)(allot_model_ctx *ctx);
} allot_model_def;

/* The model table, in the order the README lists it. */
size_t allot_model_count(void);
const allot_model_def *allot_model_at(size_t i);

/* The model called name, or NULL. */
const allot_model_def *allot_model_find(const char *name);

/* Parses "a,b,c", "rules" (every rule-based model) or "all" (every
 * rule-based model, then every data-driven one) into defs (capacity cap), sorted in table order, without duplicates.
 * ALLOT_ERR_USAGE names an unknown model and lists the known ones. */
allot_status allot_model_parse_list(const char *list, const allot_model_def **defs,
                                    size_t cap, size_t *n, allot_error *err);

/* Default parameters (the table in attribution.md). */
void allot_model_params_init(allot_model_params *p);

/* Default parameters overridden by the [models] section of cfg (NULL = no
 * file): time_decay_half_life_days, position_based, u_shaped, w_shaped,
 * full_path, j_shaped, inverse_j, custom, last_non_direct_exclude.
 * *default_model (owned by cfg or static) gets [models] default_model.
 * ALLOT_ERR_CONFIG with file:line when a value is malformed. */
struct allot_config;
allot_status allot_model_params_from_config(const struct allot_config *cfg,
                                            allot_model_params *p, const char **default_model,
                                            allot_error *err);

/* Parses shape weights "FT=30,LC=30,OC=30,middle=10" (or "FT:30, LC:30, OC:30,
 * rest:10", the configuration's spelling: ':' works like '=') into out (anchor
 * names: first, last, FT, LC, OC, CW, middle/rest, or a stage name, which
 * becomes a stage anchor of p). Weights are percentages summing to 100 or
 * fractions summing to 1. ALLOT_ERR_CONFIG says what is wrong. */
allot_status allot_model_parse_shape(const char *text, allot_model_params *p, int shape,
                                     allot_error *err);

/* Parses "40/20/40" (first/middle/last) into a positional shape. */
allot_status allot_model_parse_positional(const char *text, allot_model_params *p, int shape,
                                          allot_error *err);

/* Runs fit (when any) for ctx; allot_model_ctx_release frees its state. */
allot_status allot_model_ctx_init(allot_model_ctx *ctx, const allot_model_def *def,
                                  const allot_model_params *params,
                                  const allot_journey_set *set, allot_error *err);
void allot_model_ctx_release(allot_model_ctx *ctx);

#endif
