#include "rules.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void allot_rules_first(const allot_model_ctx *ctx, const allot_journey *j, double *w,
                       uint32_t *rules)
{
    (void)ctx;
    for (uint32_t i = 0; i < j->length; i++) {
        w[i] = i == 0;
        rules[i] = i == 0;
    }
}

void allot_rules_last(const allot_model_ctx *ctx, const allot_journey *j, double *w,
                      uint32_t *rules)
{
    (void)ctx;
    for (uint32_t i = 0; i < j->length; i++) {
        w[i] = i + 1 == j->length;
        rules[i] = i + 1 == j->length;
    }
}

void allot_rules_linear(const allot_model_ctx *ctx, const allot_journey *j, double *w,
                        uint32_t *rules)
{
    (void)ctx;
    double each = 1.0 / j->length;
    for (uint32_t i = 0; i < j->length; i++) {
        w[i] = each;
        rules[i] = 1;
    }
}

/* w_i ∝ 2^(−(T−τ_i)/H). Measured from the last touch instead of T: the same
 * proportions, and the last touch's term is exactly 1 so nothing underflows
 * to an all-zero journey. */
void allot_rules_time_decay(const allot_model_ctx *ctx, const allot_journey *j, double *w,
                            uint32_t *rules)
{
    double h = ctx->params->half_life_days * 86400.0;
    int64_t last = allot_journey_touch(ctx->set, j, j->length - 1)->at;
    double sum = 0;
    for (uint32_t i = 0; i < j->length; i++) {
        double age = (double)(last - allot_journey_touch(ctx->set, j, i)->at);
        w[i] = exp2(-age / h);
        sum += w[i];
        rules[i] = 1;
    }
    for (uint32_t i = 0; i < j->length; i++)
        w[i] /= sum;
}

allot_status allot_rules_non_direct_fit(allot_model_ctx *ctx, allot_error *err)
{
    const allot_journey_set *set = ctx->set;
    unsigned char *excluded = calloc(set->n_channels ? set->n_channels : 1, 1);
    if (!excluded)
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t c = 0; c < set->n_channels; c++)
        for (int k = 0; k < ctx->params->n_excluded; k++)
            if (strcasecmp(set->channels[c], ctx->params->excluded[k]) == 0)
                excluded[c] = 1;
    ctx->state = excluded;
    return ALLOT_OK;
}

/* The last touch on a channel not excluded; all excluded → the last touch
 * (rule code 2, "last_non_direct(all direct)"). */
void allot_rules_non_direct(const allot_model_ctx *ctx, const allot_journey *j, double *w,
                            uint32_t *rules)
{
    const unsigned char *excluded = ctx->state;
    uint32_t pick = j->length - 1, code = 2;
    for (uint32_t i = j->length; i-- > 0;)
        if (!excluded[allot_journey_touch(ctx->set, j, i)->channel]) {
            pick = i;
            code = 1;
            break;
        }
    for (uint32_t i = 0; i < j->length; i++) {
        w[i] = i == pick;
        rules[i] = i == pick ? code : 0;
    }
}

void allot_rules_non_direct_release(allot_model_ctx *ctx)
{
    free(ctx->state);
    ctx->state = NULL;
}

void allot_rules_shape(const allot_model_ctx *ctx, const allot_journey *j, double *w,
                       uint32_t *rules)
{
    const allot_shape *shape = &ctx->params->shapes[ctx->def->shape];
    uint32_t n = j->length;
    for (uint32_t i = 0; i < n; i++) {
        w[i] = 0;
        rules[i] = 0;
    }
    for (int a = 0; a < ALLOT_ANCHOR_COUNT; a++) {
        if (!(shape->anchor[a] > 0))
            continue;
        int32_t pos;
        unsigned flags = 0;
        if (a == ALLOT_ANCHOR_FIRST) {
            pos = 0;
        } else if (a == ALLOT_ANCHOR_LAST) {
            pos = (int32_t)n - 1;
        } else {
            int slot = a - ALLOT_ANCHOR_FT; /* FT, LC, OC, CW, stages line up */
            pos = j->milestone[slot];
            flags = j->ms_flags[slot];
            if (pos < 0) { /* a milestone the journey was not built with */
                pos = (int32_t)n - 1;
                flags = ALLOT_MS_PENDING;
            }
        }
        w[pos] += shape->anchor[a];
        rules[pos] |= 1u << a;
        if (flags & ALLOT_MS_AFTER)
            rules[pos] |= 1u << (ALLOT_RULE_AFTER_SHIFT + a);
        if (flags & ALLOT_MS_PENDING)
            rules[pos] |= 1u << (ALLOT_RULE_PENDING_SHIFT + a);
    }
    uint32_t middle = 0;
    double anchored = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (!rules[i])
            middle++;
        anchored += w[i];
    }
    if (middle) {
        double each = shape->rest / middle;
        for (uint32_t i = 0; i < n; i++)
            if (!rules[i]) {
                w[i] = each;
                rules[i] = ALLOT_RULE_MIDDLE;
            }
    } else {
        /* No middle touch: the rest follows the anchors' own weights. */
        for (uint32_t i = 0; i < n; i++)
            w[i] /= anchored;
    }
}

void allot_rules_text_simple(const allot_model_ctx *ctx, uint32_t rule, char *buf, size_t size)
{
    if (rule == 0)
        snprintf(buf, size, "none");
    else if (rule == 2)
        snprintf(buf, size, "%s(all direct)", ctx->def->name);
    else
        snprintf(buf, size, "%s", ctx->def->name);
}

static const char *anchor_name(const allot_model_ctx *ctx, int a)
{
    static const char *const names[] = {"first", "last", "FT", "LC", "OC", "CW"};
    if (a < ALLOT_ANCHOR_STAGE)
        return names[a];
    int k = a - ALLOT_ANCHOR_STAGE;
    return k < ctx->params->n_stages ? ctx->params->stages[k] : "stage";
}

void allot_rules_text_shape(const allot_model_ctx *ctx, uint32_t rule, char *buf, size_t size)
{
    size_t used = (size_t)snprintf(buf, size, "%s:", ctx->def->code);
    if (rule & ALLOT_RULE_MIDDLE) {
        snprintf(buf + used, used < size ? size - used : 0, "middle");
        return;
    }
    int first = 1;
    for (int a = 0; a < ALLOT_ANCHOR_COUNT && used < size; a++) {
        if (!(rule & (1u << a)))
            continue;
        const char *suffix = "";
        if (rule & (1u << (ALLOT_RULE_AFTER_SHIFT + a)))
            suffix = "(after)";
        else if (rule & (1u << (ALLOT_RULE_PENDING_SHIFT + a)))
            suffix = "(pending)";
        used += (size_t)snprintf(buf + used, size - used, "%s%s%s", first ? "" : "+",
                                 anchor_name(ctx, a), suffix);
        first = 0;
    }
}
