/*
 * rules.h — the rule-based models of attribution.md: first touch, last
 * touch, last non-direct, linear, time decay, and the shape models
 * (position-based, U-shaped, W-shaped, full path, J, inverse J, custom).
 *
 * Each is an allot_model_def in the model table (model.h); this header
 * exposes their functions for the table and for tests.
 *
 * Shape models (README "Edge cases"): each anchor's weight goes to the touch
 * holding it (FIRST/LAST: first/last position; FT, LC, OC, CW and stages:
 * the journey's milestones); two anchors on one touch add; the rest is shared
 * equally by the touches holding no anchor ("middle"); when there is none,
 * the rest is shared by the anchored touches in proportion to their weights
 * (so position-based gives [1] for one touch and [a, c]/(a+c) for two).
 *
 * Rule codes of shape models: bit a = anchor a on this touch, bit 10+a =
 * that milestone was after its event, bit 20+a = its event is pending,
 * bit 30 = middle. Text: "<code>:<anchors joined by +>", e.g. "W:FT+LC",
 * "Z:CW(pending)", "W:LC(after)", "W:middle".
 */
#ifndef ALLOT_RULES_H
#define ALLOT_RULES_H

#include "model.h"

#define ALLOT_RULE_MIDDLE (1u << 30)
#define ALLOT_RULE_AFTER_SHIFT 10
#define ALLOT_RULE_PENDING_SHIFT 20

void allot_rules_first(const allot_model_ctx *ctx, const allot_journey *j, double *w,
                       uint32_t *rules);
void allot_rules_last(const allot_model_ctx *ctx, const allot_journey *j, double *w,
                      uint32_t *rules);
void allot_rules_linear(const allot_model_ctx *ctx, const allot_journey *j, double *w,
                        uint32_t *rules);
void allot_rules_time_decay(const allot_model_ctx *ctx, const allot_journey *j, double *w,
                            uint32_t *rules);
void allot_rules_shape(const allot_model_ctx *ctx, const allot_journey *j, double *w,
                       uint32_t *rules);

/* last non-direct: fit marks the excluded channels; release frees them. */
allot_status allot_rules_non_direct_fit(allot_model_ctx *ctx, allot_error *err);
void allot_rules_non_direct(const allot_model_ctx *ctx, const allot_journey *j, double *w,
                            uint32_t *rules);
void allot_rules_non_direct_release(allot_model_ctx *ctx);

/* Rule texts: the model name for single-rule models ("linear"), "none" for
 * a touch that got no weight in first/last models. */
void allot_rules_text_simple(const allot_model_ctx *ctx, uint32_t rule, char *buf, size_t size);
void allot_rules_text_shape(const allot_model_ctx *ctx, uint32_t rule, char *buf, size_t size);

#endif
