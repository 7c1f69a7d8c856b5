/* markov/shapley as ledger models: fit over a hand-made journey set and the
 * per-touch weight rule. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ddmodel.h"
#include "journey.h"
#include "model.h"

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-12)

/* Channels A B C D. Journeys (touch channels):
 *   converting:     A B;  A A C
 *   non-converting: B;  B;  C;  D
 * Order-1 chain (A A C collapses to A C), 6 journeys from START:
 *   START: A 2, B 2, C 1, D 1; A: B 1/2, C 1/2; B: CONV 1/3, NULL 2/3;
 *   C: CONV 1/2; D: NULL.
 *   x_B = 1/3, x_C = 1/2, x_A = 1/2 (1/3 + 1/2) = 5/12;
 *   x_0 = (2 * 5/12 + 2 * 1/3 + 1/2) / 6 = 1/3.
 *   Without A: (2/3 + 1/2) / 6 = 7/36, RE_A = 1 - 7/12 = 5/12.
 *   Without B: x_A = 1/4, (1/2 + 1/2) / 6 = 1/6, RE_B = 1/2.
 *   Without C: x_A = 1/6, (1/3 + 2/3) / 6 = 1/6, RE_C = 1/2.  RE_D = 0.
 *   Weights: A 5/17, B 6/17, C 6/17, D 0.
 * Journey A B: A 5/11, B 6/11. Journey A A C: A's 5/11 over two touches
 * (5/22 each), C 6/11. A journey on D only weighs nothing: equal split. */
static allot_touch touches[] = {
    {0, 0, 0, 0}, {0, 0, 1, 0},               /* A B */
    {0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 2, 0}, /* A A C */
    {0, 0, 1, 0}, {0, 0, 1, 0}, {0, 0, 2, 0}, {0, 0, 3, 0}, /* B, B, C, D */
    {0, 0, 3, 0}, {0, 0, 3, 0},               /* D D (not in the set) */
};
static uint32_t steps[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
static char *names[] = {"A", "B", "C", "D"};

static void make_set(allot_journey_set *set, allot_journey *j)
{
    memset(set, 0, sizeof *set);
    memset(j, 0, 7 * sizeof *j);
    uint32_t len[7] = {2, 3, 1, 1, 1, 1, 2};
    uint64_t start = 0;
    for (int i = 0; i < 7; i++) {
        j[i].length = len[i];
        j[i].start = start;
        j[i].converted = i < 2;
        j[i].deal = i < 2 ? (uint32_t)i : ALLOT_JOURNEY_NO_DEAL;
        start += len[i];
    }
    set->n_touches = 11;
    set->touches = touches;
    set->touch_ids = "";
    set->n_channels = 4;
    set->channels = names;
    set->n_journeys = 6; /* the seventh is only weighed */
    set->n_converting = 2;
    set->journeys = j;
    set->n_steps = 11;
    set->steps = steps;
}

static void markov_weights_by_hand(void **state)
{
    (void)state;
    allot_journey_set set;
    allot_journey j[7];
    make_set(&set, j);
    allot_model_params prm;
    allot_model_params_init(&prm);
    allot_model_ctx ctx;
    allot_error err;
    assert_int_equal(allot_model_ctx_init(&ctx, allot_model_find("markov"), &prm, &set, &err),
                     ALLOT_OK);
    allot_ddmodel_view v;
    assert_int_equal(allot_ddmodel_view_of(&ctx, &v), 1);
    assert_string_equal(v.method, "markov order 1");
    NEAR(v.score[0], 5.0 / 12);
    NEAR(v.score[1], 0.5);
    NEAR(v.score[2], 0.5);
    NEAR(v.score[3], 0);
    NEAR(v.weight[0], 5.0 / 17);
    NEAR(v.weight[1], 6.0 / 17);
    NEAR(v.journeys[1], 3);
    NEAR(v.total_conversions, 2);
    double w[3];
    uint32_t rules[3];
    char text[64];
    ctx.def->weigh(&ctx, &j[0], w, rules);
    NEAR(w[0], 5.0 / 11);
    NEAR(w[1], 6.0 / 11);
    ctx.def->rule_text(&ctx, rules[0], text, sizeof text);
    assert_string_equal(text, "markov");
    ctx.def->weigh(&ctx, &j[1], w, rules);
    NEAR(w[0], 5.0 / 22);
    NEAR(w[1], 5.0 / 22);
    NEAR(w[2], 6.0 / 11);
    ctx.def->weigh(&ctx, &j[6], w, rules);
    NEAR(w[0], 0.5);
    NEAR(w[1], 0.5);
    ctx.def->rule_text(&ctx, rules[1], text, sizeof text);
    assert_string_equal(text, "markov(equal)");
    allot_model_ctx_release(&ctx);

    /* shapley with 4 channels: exact; weights are the positive values normalised */
    assert_int_equal(allot_model_ctx_init(&ctx, allot_model_find("shapley"), &prm, &set, &err),
                     ALLOT_OK);
    assert_int_equal(allot_ddmodel_view_of(&ctx, &v), 1);
    assert_string_equal(v.method, "shapley exact");
    double pos = 0;
    for (int c = 0; c < 4; c++)
        pos += v.score[c] > 0 ? v.score[c] : 0;
    for (int c = 0; c < 4; c++)
        NEAR(v.weight[c], (v.score[c] > 0 ? v.score[c] : 0) / pos);
    allot_model_ctx_release(&ctx);
}

/* No converting journey: the fit succeeds with nothing to weigh. */
static void nothing_converts(void **state)
{
    (void)state;
    allot_journey_set set;
    allot_journey j[7];
    make_set(&set, j);
    j[0].converted = j[1].converted = 0;
    set.n_converting = 0;
    allot_model_params prm;
    allot_model_params_init(&prm);
    allot_model_ctx ctx;
    allot_error err;
    assert_int_equal(allot_model_ctx_init(&ctx, allot_model_find("markov"), &prm, &set, &err),
                     ALLOT_OK);
    allot_ddmodel_view v;
    assert_int_equal(allot_ddmodel_view_of(&ctx, &v), 1);
    assert_null(v.score);
    allot_model_ctx_release(&ctx);
}

/* An empty or repeated channel name in the set does not stop the fit: the
 * chain is the same (ids are the set's), so are the removal effects. */
static void odd_channel_names(void **state)
{
    (void)state;
    allot_journey_set set;
    allot_journey j[7];
    make_set(&set, j);
    char *odd[] = {"A", "", "A", "D"};
    set.channels = odd;
    allot_model_params prm;
    allot_model_params_init(&prm);
    allot_model_ctx ctx;
    allot_error err;
    assert_int_equal(allot_model_ctx_init(&ctx, allot_model_find("markov"), &prm, &set, &err),
                     ALLOT_OK);
    allot_ddmodel_view v;
    assert_int_equal(allot_ddmodel_view_of(&ctx, &v), 1);
    NEAR(v.score[0], 5.0 / 12);
    NEAR(v.score[1], 0.5);
    NEAR(v.score[2], 0.5);
    allot_model_ctx_release(&ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(markov_weights_by_hand),
        cmocka_unit_test(nothing_converts),
        cmocka_unit_test(odd_channel_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
