/* Shapley values: hand-computed games, the axioms on random games, and a
 * brute-force reference over all player orderings written in this file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "paths.h"
#include "shapley.h"

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-12)

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static double urand(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

/* Reference: average marginal contribution over all n! orderings. */
static void brute_force(size_t n, const double *v, double *phi)
{
    int perm[8];
    for (size_t i = 0; i < n; i++) {
        perm[i] = (int)i;
        phi[i] = 0;
    }
    double count = 0;
    for (;;) {
        size_t mask = 0;
        for (size_t k = 0; k < n; k++) {
            size_t with = mask | ((size_t)1 << perm[k]);
            phi[perm[k]] += v[with] - v[mask];
            mask = with;
        }
        count++;
        /* next permutation (lexicographic) */
        int i = (int)n - 2;
        while (i >= 0 && perm[i] > perm[i + 1])
            i--;
        if (i < 0)
            break;
        int j = (int)n - 1;
        while (perm[j] < perm[i])
            j--;
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
        for (int a = i + 1, b = (int)n - 1; a < b; a++, b--) {
            t = perm[a];
            perm[a] = perm[b];
            perm[b] = t;
        }
    }
    for (size_t i = 0; i < n; i++)
        phi[i] /= count;
}

static void hand_computed_games(void **state)
{
    (void)state;
    double phi[3];
    allot_error err;
    /* v(A) = 1, v(B) = 2, v(AB) = 4: phi_A = (1 + (4 - 2)) / 2 = 1.5,
     * phi_B = (2 + (4 - 1)) / 2 = 2.5. */
    double v2[4] = {0, 1, 2, 4};
    assert_int_equal(allot_shapley_game(2, v2, phi, &err), ALLOT_OK);
    NEAR(phi[0], 1.5);
    NEAR(phi[1], 2.5);
    /* Glove game: player 0 holds a left glove, 1 and 2 right gloves;
     * v(S) = 1 when S holds a pair. Of the 6 orderings, 012 makes 1
     * pivotal, 021 makes 2 pivotal, and 102, 120, 201, 210 make 0 pivotal:
     * phi = (4/6, 1/6, 1/6). */
    double glove[8];
    for (size_t S = 0; S < 8; S++)
        glove[S] = (S & 1) && (S & 6) ? 1 : 0;
    assert_int_equal(allot_shapley_game(3, glove, phi, &err), ALLOT_OK);
    NEAR(phi[0], 2.0 / 3);
    NEAR(phi[1], 1.0 / 6);
    NEAR(phi[2], 1.0 / 6);
}

static void axioms_and_brute_force_on_random_games(void **state)
{
    (void)state;
    allot_error err;
    for (size_t n = 1; n <= 7; n++) {
        for (int trial = 0; trial < 5; trial++) {
            size_t full = (size_t)1 << n;
            double v[128], phi[7], ref[7];
            for (size_t S = 0; S < full; S++)
                v[S] = S ? urand() * 10 - 2 : 0;
            /* make player 0 null and players n-1, n-2 symmetric */
            if (n >= 3) {
                for (size_t S = 0; S < full; S++)
                    if (S & 1)
                        v[S] = v[S & ~(size_t)1];
                size_t a = (size_t)1 << (n - 1), b = (size_t)1 << (n - 2);
                for (size_t S = 0; S < full; S++)
                    if ((S & a) && !(S & b))
                        v[S] = v[(S & ~a) | b];
            }
            assert_int_equal(allot_shapley_game(n, v, phi, &err), ALLOT_OK);
            brute_force(n, v, ref);
            double sum = 0;
            for (size_t i = 0; i < n; i++) {
                assert_true(fabs(phi[i] - ref[i]) < 1e-12);
                sum += phi[i];
            }
            NEAR(sum, v[full - 1] - v[0]); /* efficiency */
            if (n >= 3) {
                NEAR(phi[0], 0);                  /* null player */
                NEAR(phi[n - 1], phi[n - 2]);     /* symmetry */
            }
        }
    }
    /* 20 players: efficiency still holds; 21 is refused */
    size_t full = (size_t)1 << 20;
    double *v = malloc(full * sizeof *v), phi[21];
    assert_non_null(v);
    for (size_t S = 0; S < full; S++)
        v[S] = S ? urand() : 0;
    assert_int_equal(allot_shapley_game(20, v, phi, &err), ALLOT_OK);
    double sum = 0;
    for (int i = 0; i < 20; i++)
        sum += phi[i];
    assert_true(fabs(sum - v[full - 1]) < 1e-9);
    free(v);
    assert_int_equal(allot_shapley_game(21, NULL, phi, &err), ALLOT_ERR_LIMIT);
}

static allot_paths *parse(const char *text)
{
    allot_paths *p = NULL;
    allot_error err;
    assert_int_equal(allot_paths_parse(text, strlen(text), "t.csv", &p, &err), ALLOT_OK);
    return p;
}

/* Paths: A > B (1 conv), A (1 null), B (1 conv, 1 null), B > C > B (2 conv).
 * Exact, v(S) = conversion rate of journeys whose channel set is within S:
 *   v(A) = 0/1 = 0, v(B) = 1/2, v(C) = 0 (no journey), v(AB) = 2/4,
 *   v(AC) = 0/1, v(BC) = 3/4, v(ABC) = 4/6 = 2/3.
 *   phi_A = 1/3 [v(A)] + 1/6 [v(AB)-v(B)] + 1/6 [v(AC)-v(C)]
 *         + 1/3 [v(ABC)-v(BC)] = 0 + 0 + 0 + 1/3 (2/3 - 3/4) = -1/36
 *   phi_B = 1/3 (1/2) + 1/6 (1/2 - 0) + 1/6 (3/4 - 0) + 1/3 (2/3 - 0)
 *         = 1/6 + 1/12 + 1/8 + 2/9 = 43/72
 *   phi_C = 1/3 (0) + 1/6 (0 - 0) + 1/6 (3/4 - 1/2) + 1/3 (2/3 - 1/2)
 *         = 1/24 + 1/18 = 7/72
 *   sum = -2/72 + 43/72 + 7/72 = 48/72 = 2/3 = v(ABC). Attributed: 4 * phi / (2/3).
 * Simplified: A > B gives A, B 1/2 each; B gives B 1; B > C > B gives
 *   B, C 1 each: A 0.5, B 2.5, C 1.
 * Ordered: position 1: A 0.5 (A > B), B 1 + 1; position 2: B 0.5, C 1. */
static void values_over_paths(void **state)
{
    (void)state;
    allot_paths *p = parse("path;total_conversions;total_null\n"
                           "A > B;1;0\nA;0;1\nB;1;1\nB > C > B;2;0\n");
    allot_shapley_result r;
    allot_error err;
    assert_int_equal(allot_shapley_compute(p, ALLOT_SHAPLEY_EXACT, NULL, NULL, &r, &err),
                     ALLOT_OK);
    NEAR(r.value[0], -1.0 / 36);
    NEAR(r.value[1], 43.0 / 72);
    NEAR(r.value[2], 7.0 / 72);
    NEAR(r.grand, 2.0 / 3);
    NEAR(r.conversions[0], 4 * (-1.0 / 36) * 1.5);
    NEAR(r.conversions[1], 4 * (43.0 / 72) * 1.5);
    allot_shapley_result_release(&r);

    assert_int_equal(allot_shapley_compute(p, ALLOT_SHAPLEY_SIMPLIFIED, NULL, NULL, &r, &err),
                     ALLOT_OK);
    NEAR(r.value[0], 0.5);
    NEAR(r.value[1], 2.5);
    NEAR(r.value[2], 1);
    NEAR(r.conversions[1], 2.5);
    allot_shapley_result_release(&r);

    assert_int_equal(allot_shapley_compute(p, ALLOT_SHAPLEY_ORDERED, NULL, NULL, &r, &err),
                     ALLOT_OK);
    assert_int_equal(r.positions, 2);
    NEAR(r.by_position[0 * 2 + 0], 0.5);
    NEAR(r.by_position[0 * 2 + 1], 0);
    NEAR(r.by_position[1 * 2 + 0], 2);
    NEAR(r.by_position[1 * 2 + 1], 0.5);
    NEAR(r.by_position[2 * 2 + 0], 0);
    NEAR(r.by_position[2 * 2 + 1], 1);
    allot_shapley_result_release(&r);
    allot_paths_free(p);
}

/* The simplified value is the exact Shapley value of the count game
 * v(S) = conversions of journeys whose channel set is within S (Zhao et
 * al.): check it against the brute force over orderings. */
static void simplified_is_shapley_of_the_count_game(void **state)
{
    (void)state;
    allot_paths *p = allot_paths_new();
    const size_t n = 5;
    for (size_t c = 0; c < n; c++) {
        char name[4] = {(char)('a' + c), 0};
        uint32_t id;
        assert_int_equal(allot_paths_channel(p, name, 1, &id), ALLOT_OK);
    }
    double v[32] = {0};
    for (int r = 0; r < 40; r++) {
        uint32_t seq[6];
        size_t L = 1 + (size_t)(urand() * 6), mask = 0;
        for (size_t j = 0; j < L; j++) {
            seq[j] = (uint32_t)(urand() * n);
            mask |= (size_t)1 << seq[j];
        }
        double conv = floor(urand() * 4);
        assert_int_equal(allot_paths_add(p, seq, L, conv, 0, 1), ALLOT_OK);
        for (size_t S = 0; S < 32; S++)
            if ((mask & S) == mask)
                v[S] += conv;
    }
    double ref[5];
    brute_force(n, v, ref);
    allot_shapley_result r;
    allot_error err;
    assert_int_equal(allot_shapley_compute(p, ALLOT_SHAPLEY_SIMPLIFIED, NULL, NULL, &r, &err),
                     ALLOT_OK);
    for (size_t c = 0; c < n; c++)
        assert_true(fabs(r.value[c] - ref[c]) < 1e-9);
    allot_shapley_result_release(&r);
    allot_paths_free(p);
}

static void limits_and_errors(void **state)
{
    (void)state;
    allot_paths *p = allot_paths_new();
    for (int c = 0; c < 21; c++) {
        char name[8];
        snprintf(name, sizeof name, "c%02d", c);
        uint32_t id;
        assert_int_equal(allot_paths_channel(p, name, strlen(name), &id), ALLOT_OK);
        assert_int_equal(allot_paths_add(p, &id, 1, 1, 0, 0), ALLOT_OK);
    }
    allot_shapley_result r;
    allot_error err;
    assert_int_equal(allot_shapley_compute(p, ALLOT_SHAPLEY_EXACT, NULL, NULL, &r, &err),
                     ALLOT_ERR_LIMIT);
    assert_non_null(strstr(err.message, "20 channels"));
    assert_non_null(strstr(err.message, "group channels"));
    assert_int_equal(allot_shapley_compute(p, ALLOT_SHAPLEY_SIMPLIFIED, NULL, NULL, &r, &err),
                     ALLOT_OK);
    NEAR(r.value[20], 1);
    allot_shapley_result_release(&r);
    double zero[21] = {0};
    assert_int_equal(allot_shapley_compute(p, ALLOT_SHAPLEY_SIMPLIFIED, zero, NULL, &r, &err),
                     ALLOT_ERR_DATA);
    allot_paths_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hand_computed_games),
        cmocka_unit_test(axioms_and_brute_force_on_random_games),
        cmocka_unit_test(values_over_paths),
        cmocka_unit_test(simplified_is_shapley_of_the_count_game),
        cmocka_unit_test(limits_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
