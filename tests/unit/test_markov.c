/* Markov removal effects: hand-solved chains and an independent dense
 * solve (Gaussian elimination over a chain built separately in this file). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "markov.h"
#include "paths.h"

static allot_paths *parse(const char *text)
{
    allot_paths *p = NULL;
    allot_error err;
    allot_error_clear(&err);
    assert_int_equal(allot_paths_parse(text, strlen(text), "t.csv", &p, &err), ALLOT_OK);
    return p;
}

static void fit(const allot_paths *p, int order, int keep, allot_markov_method method,
                allot_markov_result *res)
{
    allot_markov_options opt = {order, keep, method};
    allot_markov *m = NULL;
    allot_error err;
    assert_int_equal(allot_markov_new(p, &opt, &m, &err), ALLOT_OK);
    assert_int_equal(allot_markov_solve(m, NULL, NULL, NULL, res, &err), ALLOT_OK);
    allot_markov_free(m);
}

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-12)

/* Two channels, order 1.
 * Paths: A > B (1 conv, value 10), A (1 null), B (1 conv value 30, 1 null).
 * START -> A 2, START -> B 2; A -> B 1, A -> NULL 1; B -> CONV 2, B -> NULL 1.
 * x_B = 2/3, x_A = 1/2 * 2/3 = 1/3, x_0 = 1/2 * 1/3 + 1/2 * 2/3 = 1/2.
 * Without A: x_0 = 1/2 * 2/3 = 1/3, RE_A = 1 - (1/3)/(1/2) = 1/3.
 * Without B: nothing converts, RE_B = 1. Sum 4/3; 2 conversions:
 * A 2 * (1/3)/(4/3) = 0.5, B 1.5. Value: r_v(B) = 40/3, x_v0 = 10, the same
 * shares: A 40 * 1/4 = 10, B 30. */
static void two_channels_by_hand(void **state)
{
    (void)state;
    allot_paths *p = parse("path;total_conversions;total_conversion_value;total_null\n"
                           "A > B;1;10;0\nA;0;0;1\nB;1;30;1\n");
    for (int method = 0; method <= 4; method++) {
        allot_markov_result r;
        fit(p, 1, 0, (allot_markov_method)method, &r);
        NEAR(r.p_conversion, 0.5);
        NEAR(r.value_per_journey, 10);
        NEAR(r.removal_effect[0], 1.0 / 3);
        NEAR(r.removal_effect[1], 1.0);
        NEAR(r.conversions[0], 0.5);
        NEAR(r.conversions[1], 1.5);
        NEAR(r.value_removal_effect[0], 1.0 / 3);
        NEAR(r.value[0], 10);
        NEAR(r.value[1], 30);
        NEAR(r.total_conversions, 2);
        allot_markov_result_release(&r);
    }
    allot_paths_free(p);
}

/* Three channels with a cycle, order 1.
 * Paths: A > B > A (1 conv), B (1 null), C > A (1 conv, 1 null).
 * A: -> B 1, CONV 2, NULL 1 (out 4); B: -> A 1, NULL 1; C: -> A 2;
 * START: A 1/4, B 1/4, C 1/2.
 * x_A = 1/2 + x_B/4, x_B = x_A/2 -> x_A = 4/7, x_B = 2/7, x_C = 4/7;
 * x_0 = 1/7 + 1/14 + 2/7 = 1/2.
 * Without A: B and C only reach A -> x_0 = 0, RE_A = 1.
 * Without B: x_A = 1/2 = x_C, x_0 = 1/8 + 1/4 = 3/8, RE_B = 1/4.
 * Without C: x_0 = 1/7 + 1/14 = 3/14, RE_C = 1 - 3/7 = 4/7.
 * Sum RE = 51/28: A 2*28/51 = 56/51, B 14/51, C 32/51 conversions.
 *
 * Order 2, same paths: states (A) (A,B) (B,A) (B) (C) (C,A).
 * START: (A) 1/4, (B) 1/4, (C) 1/2; (A)->(A,B)->(B,A)->CONV; (B)->NULL;
 * (C)->(C,A); (C,A): CONV 1/2, NULL 1/2. x_0 = 1/4 + 1/2 * 1/2 = 1/2.
 * Without A (kills (A), (A,B), (B,A), (C,A)): 0, RE_A = 1.
 * Without B (kills (A,B), (B,A), (B)): x_0 = 1/4, RE_B = 1/2.
 * Without C (kills (C), (C,A)): x_0 = 1/4, RE_C = 1/2. Conversions 1, .5, .5. */
static void three_channels_with_a_cycle(void **state)
{
    (void)state;
    allot_paths *p = parse("path;total_conversions;total_null\n"
                           "A > B > A;1;0\nB;0;1\nC > A;1;1\n");
    for (int method = 0; method <= 4; method++) {
        allot_markov_result r;
        fit(p, 1, 0, (allot_markov_method)method, &r);
        NEAR(r.p_conversion, 0.5);
        NEAR(r.removal_effect[0], 1);
        NEAR(r.removal_effect[1], 0.25);
        NEAR(r.removal_effect[2], 4.0 / 7);
        NEAR(r.conversions[0], 56.0 / 51);
        NEAR(r.conversions[1], 14.0 / 51);
        NEAR(r.conversions[2], 32.0 / 51);
        /* no value column: value removal effects are 0, not an error */
        NEAR(r.value[0], 0);
        allot_markov_result_release(&r);
    }
    allot_markov_result r;
    fit(p, 2, 0, ALLOT_MARKOV_AUTO, &r);
    NEAR(r.p_conversion, 0.5);
    NEAR(r.removal_effect[0], 1);
    NEAR(r.removal_effect[1], 0.5);
    NEAR(r.removal_effect[2], 0.5);
    NEAR(r.conversions[0], 1);
    NEAR(r.conversions[1], 0.5);
    NEAR(r.conversions[2], 0.5);
    allot_markov_result_release(&r);
    allot_paths_free(p);
}

/* Repeats. Paths: A > A > B (1 conv), A > B (1 null), A (1 null).
 * Collapsed, order 2: (A) -> (A,B) 2, (A) -> NULL 1; (A,B): CONV 1, NULL 1.
 * x_0 = 2/3 * 1/2 = 1/3; removing either channel: 0, RE = 1 each.
 * Kept, order 2: (A) -> (A,A) 1, (A,B) 1, NULL 1; (A,A) -> (A,B) 1;
 * (A,B): CONV 1/2. x_0 = (1/3 + 1/3) * 1/2 = 1/3, again RE = 1, 1, but the
 * chain has 4 states instead of 3. Order 1 kept: A -> A 1/4 only rescales A's
 * other exits, x is unchanged (a self-loop never changes absorption). */
static void repeats_collapse_by_default(void **state)
{
    (void)state;
    allot_paths *p = parse("path;total_conversions;total_null\nA > A > B;1;0\nA > B;0;1\nA;0;1\n");
    allot_markov_options collapse = {2, 0, ALLOT_MARKOV_AUTO}, keep = {2, 1, ALLOT_MARKOV_AUTO};
    allot_markov *m = NULL;
    allot_error err;
    assert_int_equal(allot_markov_new(p, &collapse, &m, &err), ALLOT_OK);
    assert_int_equal(allot_markov_state_count(m), 3);
    allot_markov_free(m);
    assert_int_equal(allot_markov_new(p, &keep, &m, &err), ALLOT_OK);
    assert_int_equal(allot_markov_state_count(m), 4);
    allot_markov_result r;
    assert_int_equal(allot_markov_solve(m, NULL, NULL, NULL, &r, &err), ALLOT_OK);
    NEAR(r.p_conversion, 1.0 / 3);
    NEAR(r.removal_effect[0], 1);
    NEAR(r.removal_effect[1], 1);
    allot_markov_result_release(&r);
    allot_markov_free(m);
    fit(p, 1, 1, ALLOT_MARKOV_DENSE, &r);
    NEAR(r.p_conversion, 1.0 / 3);
    allot_markov_result_release(&r);
    allot_paths_free(p);
}

/* Channels that never convert, single-touch paths, a start state that
 * never converts, bad options. */
static void edge_cases(void **state)
{
    (void)state;
    /* D is only on a non-converting path: RE_D = 0, 0 conversions.
     * A alone converts 1 of 2: x_0 = 1/3 * 1/2 ... RE_A = 1. */
    allot_paths *p = parse("path;total_conversions;total_null\nA;1;1\nD;0;5\n");
    allot_markov_result r;
    fit(p, 1, 0, ALLOT_MARKOV_AUTO, &r);
    NEAR(r.p_conversion, 1.0 / 7);
    NEAR(r.removal_effect[0], 1);
    NEAR(r.removal_effect[1], 0);
    NEAR(r.conversions[1], 0);
    allot_markov_result_release(&r);
    fit(p, 3, 0, ALLOT_MARKOV_AUTO, &r);
    NEAR(r.removal_effect[1], 0);
    allot_markov_result_release(&r);
    allot_paths_free(p);

    p = parse("path;total_conversions;total_null\nA > B;0;4\nB;0;1\n");
    allot_markov *m = NULL;
    allot_error err;
    allot_markov_options o1 = {1, 0, ALLOT_MARKOV_AUTO};
    assert_int_equal(allot_markov_new(p, &o1, &m, &err), ALLOT_OK);
    assert_int_equal(allot_markov_solve(m, NULL, NULL, NULL, &r, &err), ALLOT_ERR_DATA);
    assert_non_null(strstr(err.message, "never"));
    allot_markov_free(m);
    allot_markov_options o5 = {5, 0, ALLOT_MARKOV_AUTO};
    assert_int_equal(allot_markov_new(p, &o5, &m, &err), ALLOT_ERR_USAGE);
    allot_markov_options od = {2, 0, ALLOT_MARKOV_DENSE};
    assert_int_equal(allot_markov_new(p, &od, &m, &err), ALLOT_ERR_USAGE);
    allot_paths_free(p);
}

/* ---- the independent reference ------------------------------------------
 * Builds the order-k chain from the raw paths with its own state table
 * (tuples compared element by element), then for each channel solves
 * (I - Q') x = r by Gaussian elimination with partial pivoting, where every
 * state containing the channel is absorbing with x = 0. */

#define RMAX 400

typedef struct ref_chain {
    int n;                     /* states incl. START (0) */
    int len[RMAX];
    uint32_t tup[RMAX][4];
    double cnt[RMAX][RMAX];
    double conv[RMAX], null[RMAX], val[RMAX];
} ref_chain;

static int ref_state(ref_chain *c, const uint32_t *t, int len)
{
    for (int s = 1; s < c->n; s++)
        if (c->len[s] == len && memcmp(c->tup[s], t, (size_t)len * sizeof *t) == 0)
            return s;
    assert_true(c->n < RMAX);
    c->len[c->n] = len;
    memcpy(c->tup[c->n], t, (size_t)len * sizeof *t);
    return c->n++;
}

static void ref_build(const allot_paths *p, int order, int keep, ref_chain *c)
{
    memset(c, 0, sizeof *c);
    c->n = 1;
    for (size_t i = 0; i < p->n_paths; i++) {
        uint32_t seq[64];
        int L = 0;
        for (size_t k = p->start[i]; k < p->start[i + 1]; k++)
            if (keep || L == 0 || seq[L - 1] != p->steps[k])
                seq[L++] = p->steps[k];
        double w = p->conversions[i] + p->nulls[i];
        int prev = 0;
        for (int j = 0; j < L; j++) {
            int from = j + 1 > order ? j + 1 - order : 0;
            int s = ref_state(c, seq + from, j + 1 - from);
            c->cnt[prev][s] += w;
            prev = s;
        }
        c->conv[prev] += p->conversions[i];
        c->null[prev] += p->nulls[i];
        c->val[prev] += p->value[i];
    }
}

/* P(conv) (or value) from START with the states of `removed` (a channel,
 * or UINT32_MAX for none) absorbing at 0. */
static double ref_solve(const ref_chain *c, uint32_t removed, int value)
{
    int n = c->n;
    static double a[RMAX][RMAX + 1];
    for (int s = 0; s < n; s++) {
        double out = c->conv[s] + c->null[s];
        for (int t = 0; t < n; t++)
            out += c->cnt[s][t];
        int gone = 0;
        for (int j = 0; j < c->len[s]; j++)
            gone |= c->tup[s][j] == removed;
        for (int t = 0; t < n; t++)
            a[s][t] = (s == t) - (gone || out == 0 ? 0 : c->cnt[s][t] / out);
        a[s][n] = gone || out == 0 ? 0 : (value ? c->val[s] : c->conv[s]) / out;
    }
    for (int col = 0; col < n; col++) {
        int piv = col;
        for (int r = col + 1; r < n; r++)
            if (fabs(a[r][col]) > fabs(a[piv][col]))
                piv = r;
        if (piv != col)
            for (int k = 0; k <= n; k++) {
                double t = a[col][k];
                a[col][k] = a[piv][k];
                a[piv][k] = t;
            }
        for (int r = 0; r < n; r++) {
            if (r == col || a[r][col] == 0)
                continue;
            double f = a[r][col] / a[col][col];
            for (int k = col; k <= n; k++)
                a[r][k] -= f * a[col][k];
        }
    }
    return a[0][n] / a[0][0];
}

static uint64_t rng_state = 88172645463325252ULL;
static double urand(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

static allot_paths *random_paths(int channels, int rows, int maxlen)
{
    allot_paths *p = allot_paths_new();
    char name[16];
    for (int c = 0; c < channels; c++) {
        uint32_t id;
        snprintf(name, sizeof name, "c%d", c);
        assert_int_equal(allot_paths_channel(p, name, strlen(name), &id), ALLOT_OK);
    }
    for (int r = 0; r < rows; r++) {
        uint32_t seq[16];
        int L = 1 + (int)(urand() * maxlen);
        for (int j = 0; j < L; j++)
            seq[j] = (uint32_t)(urand() * channels);
        double conv = r == 0 ? 1 : floor(urand() * 3);
        double nulls = floor(urand() * 5);
        double value = conv * (10 + floor(urand() * 100));
        assert_int_equal(allot_paths_add(p, seq, (size_t)L, conv, value, nulls), ALLOT_OK);
    }
    return p;
}

static void check_against_reference(const allot_paths *p, int order, int keep,
                                    allot_markov_method method)
{
    static ref_chain c;
    ref_build(p, order, keep, &c);
    double x0 = ref_solve(&c, UINT32_MAX, 0), xv0 = ref_solve(&c, UINT32_MAX, 1);
    allot_markov_result r;
    fit(p, order, keep, method, &r);
    assert_true(fabs(r.p_conversion - x0) < 1e-12);
    assert_true(fabs(r.value_per_journey - xv0) < 1e-9 * xv0);
    for (uint32_t ch = 0; ch < p->n_channels; ch++) {
        double re = 1 - ref_solve(&c, ch, 0) / x0;
        double rev = 1 - ref_solve(&c, ch, 1) / xv0;
        if (fabs(r.removal_effect[ch] - re) >= 1e-9 ||
            fabs(r.value_removal_effect[ch] - rev) >= 1e-9)
            fail_msg("order %d keep %d method %d channel %u: RE %.15g vs %.15g, value RE "
                     "%.15g vs %.15g",
                     order, keep, (int)method, ch, r.removal_effect[ch], re,
                     r.value_removal_effect[ch], rev);
    }
    allot_markov_result_release(&r);
}

static void agrees_with_independent_dense_solve(void **state)
{
    (void)state;
    for (int trial = 0; trial < 12; trial++) {
        int channels = 2 + trial % 5;
        allot_paths *p = random_paths(channels, 25 + 5 * trial, 6);
        for (int order = 1; order <= 4; order++)
            for (int keep = 0; keep <= 1; keep++) {
                check_against_reference(p, order, keep, ALLOT_MARKOV_AUTO);
                if (order == 1)
                    check_against_reference(p, order, keep, ALLOT_MARKOV_SPARSE);
                if (trial < 4)
                    check_against_reference(p, order, keep, ALLOT_MARKOV_GMRES);
                if (trial >= 8)
                    check_against_reference(p, order, keep, ALLOT_MARKOV_SINGLE);
            }
        allot_paths_free(p);
    }
    /* a bigger chain: 9 channels, long paths, order 1-3 (hundreds of states) */
    allot_paths *p = random_paths(9, 120, 10);
    for (int order = 1; order <= 2; order++)
        check_against_reference(p, order, 0, ALLOT_MARKOV_SPARSE);
    check_against_reference(p, 1, 0, ALLOT_MARKOV_DENSE);
    allot_paths_free(p);
}

/* Hundreds of channels: dense (order 1) and sparse agree with each other,
 * removal effects lie in [0, 1] and attributed conversions sum to the total. */
static void hundreds_of_channels(void **state)
{
    (void)state;
    allot_paths *p = random_paths(300, 3000, 6);
    allot_markov_result d, s;
    fit(p, 1, 0, ALLOT_MARKOV_DENSE, &d);
    fit(p, 1, 0, ALLOT_MARKOV_SPARSE, &s);
    double sum = 0;
    for (size_t ch = 0; ch < p->n_channels; ch++) {
        assert_true(fabs(d.removal_effect[ch] - s.removal_effect[ch]) < 1e-10);
        assert_true(d.removal_effect[ch] >= 0 && d.removal_effect[ch] <= 1);
        sum += d.conversions[ch];
    }
    assert_true(fabs(sum - d.total_conversions) < 1e-9);
    allot_markov_result_release(&d);
    allot_markov_result_release(&s);
    allot_paths_free(p);
}

static void writes_transitions(void **state)
{
    (void)state;
    allot_paths *p = parse("path;total_conversions;total_null\n"
                           "A > B > A;1;0\nB;0;1\nC > A;1;1\n");
    allot_markov_options o = {2, 0, ALLOT_MARKOV_AUTO};
    allot_markov *m = NULL;
    allot_error err;
    assert_int_equal(allot_markov_new(p, &o, &m, &err), ALLOT_OK);
    char file[] = "/tmp/allot-test-transitions-XXXXXX";
    int fd = mkstemp(file);
    assert_true(fd >= 0);
    assert_int_equal(allot_markov_write_transitions(m, file, &err), ALLOT_OK);
    FILE *f = fopen(file, "r");
    char buf[2048];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    remove(file);
    assert_string_equal(buf, "from,to,count,probability\n"
                             "(start),A,1,0.25\n"
                             "(start),B,1,0.25\n"
                             "(start),C,2,0.5\n"
                             "A,A > B,1,1\n"
                             "A > B,B > A,1,1\n"
                             "B,(null),1,1\n"
                             "B > A,(conversion),1,1\n"
                             "C,C > A,2,1\n"
                             "C > A,(conversion),1,0.5\n"
                             "C > A,(null),1,0.5\n");
    allot_markov_free(m);
    allot_paths_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(two_channels_by_hand),
        cmocka_unit_test(three_channels_with_a_cycle),
        cmocka_unit_test(repeats_collapse_by_default),
        cmocka_unit_test(edge_cases),
        cmocka_unit_test(agrees_with_independent_dense_solve),
        cmocka_unit_test(hundreds_of_channels),
        cmocka_unit_test(writes_transitions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
