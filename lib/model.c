#include "model.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "csvout.h"
#include "ddmodel.h"
#include "shapley.h"
#include "rules.h"

#define SHAPE_MODEL(name_, summary_, shape_, code_)                                        \
    {name_, summary_, 0, shape_, code_, NULL, allot_rules_shape, allot_rules_text_shape, NULL}

static const allot_model_def models[] = {
    {"first_touch", "all credit to the first touch", 0, -1, NULL, NULL, allot_rules_first,
     allot_rules_text_simple, NULL},
    {"last_touch", "all credit to the last touch", 0, -1, NULL, NULL, allot_rules_last,
     allot_rules_text_simple, NULL},
    {"last_non_direct", "all credit to the last touch not on an excluded (Direct) channel", 0,
     -1, NULL, allot_rules_non_direct_fit, allot_rules_non_direct, allot_rules_text_simple,
     allot_rules_non_direct_release},
    {"linear", "equal credit to every touch", 0, -1, NULL, NULL, allot_rules_linear,
     allot_rules_text_simple, NULL},
    {"time_decay", "credit halves every half-life before the last touch", 0, -1, NULL, NULL,
     allot_rules_time_decay, allot_rules_text_simple, NULL},
    SHAPE_MODEL("position_based", "first 40 %, last 40 %, middle 20 %", ALLOT_SHAPE_POSITION,
                "P"),
    SHAPE_MODEL("u_shaped", "FT 40 %, LC 40 %, rest 20 %", ALLOT_SHAPE_U, "U"),
    SHAPE_MODEL("u_shaped_50", "FT 50 %, LC 50 % (Marketo Measure)", ALLOT_SHAPE_U50, "U50"),
    SHAPE_MODEL("w_shaped", "FT, LC, OC 30 % each, rest 10 %", ALLOT_SHAPE_W, "W"),
    SHAPE_MODEL("full_path", "FT, LC, OC, CW 22.5 % each, rest 10 %", ALLOT_SHAPE_Z, "Z"),
    SHAPE_MODEL("j_shaped", "first 20 %, last 60 %, middle 20 %", ALLOT_SHAPE_J, "J"),
    SHAPE_MODEL("inverse_j", "first 60 %, last 20 %, middle 20 %", ALLOT_SHAPE_INVERSE_J, "IJ"),
    SHAPE_MODEL("custom", "milestone weights from the configuration", ALLOT_SHAPE_CUSTOM, "C"),
    {"markov", "exact Markov removal effects (order 1-4), deal split by channel weight", 1, -1,
     NULL, allot_ddmodel_markov_fit, allot_ddmodel_weigh, allot_ddmodel_rule_text,
     allot_ddmodel_release},
    {"shapley", "Shapley values (exact up to 20 channels), deal split by channel weight", 1,
     -1, NULL, allot_ddmodel_shapley_fit, allot_ddmodel_weigh, allot_ddmodel_rule_text,
     allot_ddmodel_release},
};

#define N_MODELS (sizeof models / sizeof models[0])

size_t allot_model_count(void)
{
    return N_MODELS;
}

const allot_model_def *allot_model_at(size_t i)
{
    return i < N_MODELS ? &models[i] : NULL;
}

const allot_model_def *allot_model_find(const char *name)
{
    for (size_t i = 0; i < N_MODELS; i++)
        if (strcmp(models[i].name, name) == 0)
            return &models[i];
    return NULL;
}

allot_status allot_model_parse_list(const char *list, const allot_model_def **defs,
                                    size_t cap, size_t *n, allot_error *err)
{
    unsigned char chosen[N_MODELS] = {0};
    const char *p = list;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char name[64];
        if (len == 0 || len >= sizeof name)
            return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                                   "bad model list '%s'; give names separated by commas",
                                   list);
        memcpy(name, p, len);
        name[len] = '\0';
        if (strcmp(name, "all") == 0) {
            memset(chosen, 1, sizeof chosen);
        } else if (strcmp(name, "rules") == 0) {
            for (size_t i = 0; i < N_MODELS; i++)
                chosen[i] |= !models[i].data_driven;
        } else {
            const allot_model_def *d = allot_model_find(name);
            if (!d) {
                char known[512] = "";
                for (size_t i = 0; i < N_MODELS; i++) {
                    strncat(known, i ? ", " : "", sizeof known - strlen(known) - 1);
                    strncat(known, models[i].name, sizeof known - strlen(known) - 1);
                }
                return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                                       "unknown model '%s'; known models: %s, rules (every rule-based "
                                       "model), all", name,
                                       known);
            }
            chosen[d - models] = 1;
        }
        p += len + (end != NULL);
    }
    /* "all": rule-based in table order, then data-driven. */
    *n = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < N_MODELS; i++)
            if (chosen[i] && models[i].data_driven == pass) {
                if (*n == cap)
                    return allot_error_set(err, ALLOT_ERR_LIMIT, NULL, 0, 0, "too many models");
                defs[(*n)++] = &models[i];
            }
    if (*n == 0)
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0, "no model given");
    return ALLOT_OK;
}

static void positional(allot_shape *s, double first, double middle, double last)
{
    memset(s, 0, sizeof *s);
    s->anchor[ALLOT_ANCHOR_FIRST] = first;
    s->anchor[ALLOT_ANCHOR_LAST] = last;
    s->rest = middle;
}

void allot_model_params_init(allot_model_params *p)
{
    memset(p, 0, sizeof *p);
    p->half_life_days = 7;
    positional(&p->shapes[ALLOT_SHAPE_POSITION], 0.4, 0.2, 0.4);
    positional(&p->shapes[ALLOT_SHAPE_J], 0.2, 0.2, 0.6);
    positional(&p->shapes[ALLOT_SHAPE_INVERSE_J], 0.6, 0.2, 0.2);
    allot_shape *u = &p->shapes[ALLOT_SHAPE_U];
    u->anchor[ALLOT_ANCHOR_FT] = 0.4;
    u->anchor[ALLOT_ANCHOR_LC] = 0.4;
    u->rest = 0.2;
    allot_shape *u50 = &p->shapes[ALLOT_SHAPE_U50];
    u50->anchor[ALLOT_ANCHOR_FT] = 0.5;
    u50->anchor[ALLOT_ANCHOR_LC] = 0.5;
    allot_shape *w = &p->shapes[ALLOT_SHAPE_W];
    w->anchor[ALLOT_ANCHOR_FT] = w->anchor[ALLOT_ANCHOR_LC] = w->anchor[ALLOT_ANCHOR_OC] = 0.3;
    w->rest = 0.1;
    allot_shape *z = &p->shapes[ALLOT_SHAPE_Z];
    z->anchor[ALLOT_ANCHOR_FT] = z->anchor[ALLOT_ANCHOR_LC] = z->anchor[ALLOT_ANCHOR_OC] =
        z->anchor[ALLOT_ANCHOR_CW] = 0.225;
    z->rest = 0.1;
    p->shapes[ALLOT_SHAPE_CUSTOM] = *w;
    snprintf(p->excluded[0], sizeof p->excluded[0], "Direct");
    p->n_excluded = 1;
    p->markov_order = 1;
    p->shapley_kind = -1;
    p->bootstrap_seed = 1;
}

/* Scales weights given in percent (sum 100) or fractions (sum 1) to sum 1. */
static allot_status normalise(allot_shape *s, const char *text, allot_error *err)
{
    double sum = s->rest;
    for (int a = 0; a < ALLOT_ANCHOR_COUNT; a++)
        sum += s->anchor[a];
    /* Dividing by the sum itself makes fractions like 0.3 + 0.3 + 0.3 + 0.1
     * sum to 1 as closely as doubles allow. */
    double scale = sum;
    if (!(fabs(sum - 100) < 1e-9) && !(fabs(sum - 1) < 1e-9))
        return allot_error_set(err, ALLOT_ERR_CONFIG, NULL, 0, 0,
                               "model weights '%s' sum to %g; they must sum to 100 (percent) "
                               "or 1", text, sum);
    double anchored = 0;
    for (int a = 0; a < ALLOT_ANCHOR_COUNT; a++) {
        s->anchor[a] /= scale;
        anchored += s->anchor[a];
    }
    s->rest /= scale;
    if (!(anchored > 0) && !(s->rest > 0))
        return allot_error_set(err, ALLOT_ERR_CONFIG, NULL, 0, 0,
                               "model weights '%s' are all zero", text);
    return ALLOT_OK;
}

static int parse_weight(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    while (isspace((unsigned char)*end))
        end++;
    if (end == s || *end || !isfinite(v) || v < 0)
        return -1;
    *out = v;
    return 0;
}

allot_status allot_model_parse_shape(const char *text, allot_model_params *p, int shape,
                                     allot_error *err)
{
    allot_shape s;
    memset(&s, 0, sizeof s);
    char buf[512];
    if (strlen(text) >= sizeof buf)
        return allot_error_set(err, ALLOT_ERR_CONFIG, NULL, 0, 0, "model weights too long");
    snprintf(buf, sizeof buf, "%s", text);
    for (char *save = NULL, *item = strtok_r(buf, ",", &save); item;
         item = strtok_r(NULL, ",", &save)) {
        /* NAME=WEIGHT (the --custom flag's spelling) or NAME:WEIGHT (the
         * configuration's [models] custom), so either can be copied to the other. */
        char *eq = item + strcspn(item, "=:");
        if (!*eq)
            return allot_error_set(err, ALLOT_ERR_CONFIG, NULL, 0, 0,
                                   "model weight '%s' needs NAME=WEIGHT or NAME:WEIGHT, e.g. "
                                   "FT=30", item);
        *eq = '\0';
        char *name = item;
        while (isspace((unsigned char)*name))
            name++;
        for (char *e = name + strlen(name); e > name && isspace((unsigned char)e[-1]);)
            *--e = '\0';
        double v;
        if (parse_weight(eq + 1, &v))
            return allot_error_set(err, ALLOT_ERR_CONFIG, NULL, 0, 0,
                                   "model weight '%s' for %s is not a non-negative number",
                                   eq + 1, name);
        static const char *const fixed[] = {"first", "last", "FT", "LC", "OC", "CW"};
        int anchor = -1;
        for (int a = 0; a < ALLOT_ANCHOR_STAGE; a++)
            if (strcasecmp(name, fixed[a]) == 0)
                anchor = a;
        if (strcasecmp(name, "middle") == 0 || strcasecmp(name, "rest") == 0) {
            s.rest += v;
            continue;
        }
        if (anchor < 0) {
            for (int k = 0; k < p->n_stages; k++)
                if (strcasecmp(name, p->stages[k]) == 0)
                    anchor = ALLOT_ANCHOR_STAGE + k;
            if (anchor < 0) {
                if (p->n_stages == ALLOT_JOURNEY_MAX_STAGES || !*name ||
                    strlen(name) >= sizeof p->stages[0])
                    return allot_error_set(err, ALLOT_ERR_CONFIG, NULL, 0, 0,
                                           "model weight name '%s': use first, last, FT, LC, "
                                           "OC, CW, middle or up to %d stage names",
                                           name, ALLOT_JOURNEY_MAX_STAGES);
                snprintf(p->stages[p->n_stages], sizeof p->stages[0], "%s", name);
                anchor = ALLOT_ANCHOR_STAGE + p->n_stages++;
            }
        }
        s.anchor[anchor] += v;
    }
    allot_status st = normalise(&s, text, err);
    if (!st)
        p->shapes[shape] = s;
    return st;
}

allot_status allot_model_parse_positional(const char *text, allot_model_params *p, int shape,
                                          allot_error *err)
{
    double v[3];
    char buf[128];
    snprintf(buf, sizeof buf, "%s", text);
    char *save = NULL, *item = strtok_r(buf, "/", &save);
    int n = 0;
    for (; item && n < 3; item = strtok_r(NULL, "/", &save))
        if (parse_weight(item, &v[n++]))
            n = 4;
    if (n != 3 || item)
        return allot_error_set(err, ALLOT_ERR_CONFIG, NULL, 0, 0,
                               "positional weights '%s': give first/middle/last, e.g. 40/20/40",
                               text);
    allot_shape s;
    positional(&s, v[0], v[1], v[2]);
    allot_status st = normalise(&s, text, err);
    if (!st)
        p->shapes[shape] = s;
    return st;
}

allot_status allot_model_ctx_init(allot_model_ctx *ctx, const allot_model_def *def,
                                  const allot_model_params *params,
                                  const allot_journey_set *set, allot_error *err)
{
    ctx->def = def;
    ctx->params = params;
    ctx->set = set;
    ctx->state = NULL;
    return def->fit ? def->fit(ctx, err) : ALLOT_OK;
}

void allot_model_ctx_release(allot_model_ctx *ctx)
{
    if (ctx->def && ctx->def->release)
        ctx->def->release(ctx);
    ctx->state = NULL;
}

static void anchors(allot_shape *s, const int *which, const double *v, int n, double rest)
{
    memset(s, 0, sizeof *s);
    for (int i = 0; i < n; i++)
        s->anchor[which[i]] += v[i];
    s->rest = rest;
}

allot_status allot_model_params_from_config(const allot_config *cfg, allot_model_params *p,
                                            const char **default_model, allot_error *err)
{
    allot_model_params_init(p);
    double v[5];
    allot_status st;
    if ((st = allot_config_get_string(cfg, "models", "default_model", default_model, err)) ||
        (st = allot_config_get_double(cfg, "models", "time_decay_half_life_days",
                                      &p->half_life_days, err)))
        return st;
    long order = 1, boot = 0, seed = 1;
    const char *kind = NULL;
    if ((st = allot_config_get_int(cfg, "models", "markov_order", &order, err)) ||
        (st = allot_config_get_bool(cfg, "models", "markov_keep_repeats",
                                    &p->markov_keep_repeats, err)) ||
        (st = allot_config_get_string(cfg, "models", "shapley", &kind, err)) ||
        (st = allot_config_get_int(cfg, "models", "bootstrap", &boot, err)) ||
        (st = allot_config_get_int(cfg, "models", "bootstrap_seed", &seed, err)))
        return st;
    p->markov_order = (int)order;
    p->bootstrap = (size_t)boot;
    p->bootstrap_seed = (unsigned long)seed;
    if (kind && strcmp(kind, "exact") == 0)
        p->shapley_kind = ALLOT_SHAPLEY_EXACT;
    else if (kind && strcmp(kind, "simplified") == 0)
        p->shapley_kind = ALLOT_SHAPLEY_SIMPLIFIED;
    else if (kind && *kind && strcmp(kind, "auto") != 0)
        return allot_error_set(err, ALLOT_ERR_CONFIG, NULL, 0, 0,
                               "[models] shapley must be auto, exact or simplified, not '%s'",
                               kind);
    if ((st = allot_config_get_percents(cfg, "models", "position_based", v, 3, err)))
        return st;
    positional(&p->shapes[ALLOT_SHAPE_POSITION], v[0], v[1], v[2]);
    if ((st = allot_config_get_percents(cfg, "models", "u_shaped", v, 2, err)))
        return st;
    static const int ft_lc[] = {ALLOT_ANCHOR_FT, ALLOT_ANCHOR_LC, ALLOT_ANCHOR_OC,
                                ALLOT_ANCHOR_CW};
    anchors(&p->shapes[ALLOT_SHAPE_U], ft_lc, v, 2, 1 - v[0] - v[1] > 0 ? 1 - v[0] - v[1] : 0);
    if ((st = allot_config_get_percents(cfg, "models", "w_shaped", v, 4, err)))
        return st;
    anchors(&p->shapes[ALLOT_SHAPE_W], ft_lc, v, 3, v[3]);
    if ((st = allot_config_get_percents(cfg, "models", "full_path", v, 5, err)))
        return st;
    anchors(&p->shapes[ALLOT_SHAPE_Z], ft_lc, v, 4, v[4]);
    /* J and inverse J are written first / last / rest. */
    if ((st = allot_config_get_percents(cfg, "models", "j_shaped", v, 3, err)))
        return st;
    positional(&p->shapes[ALLOT_SHAPE_J], v[0], v[2], v[1]);
    if ((st = allot_config_get_percents(cfg, "models", "inverse_j", v, 3, err)))
        return st;
    positional(&p->shapes[ALLOT_SHAPE_INVERSE_J], v[0], v[2], v[1]);
    allot_named_weight named[16];
    size_t n = 0;
    if ((st = allot_config_get_named(cfg, "models", "custom", named, 16, &n, err)))
        return st;
    char text[512] = "";
    for (size_t i = 0; i < n; i++) {
        char w[ALLOT_CSVOUT_SHORTEST_SIZE];
        snprintf(text + strlen(text), sizeof text - strlen(text), "%s%s=%s", i ? "," : "",
                 named[i].name, allot_csvout_shortest(named[i].weight, w, sizeof w));
    }
    if ((st = allot_model_parse_shape(text, p, ALLOT_SHAPE_CUSTOM, err)))
        return st;
    char **items = NULL;
    if ((st = allot_config_get_list(cfg, "models", "last_non_direct_exclude", &items, &n, err)))
        return st;
    p->n_excluded = 0;
    for (size_t i = 0; i < n && i < sizeof p->excluded / sizeof p->excluded[0]; i++)
        snprintf(p->excluded[p->n_excluded++], sizeof p->excluded[0], "%s", items[i]);
    allot_config_list_free(items, n);
    return ALLOT_OK;
}
