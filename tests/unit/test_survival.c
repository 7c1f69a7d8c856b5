/* Kaplan–Meier, Greenwood, intervals, median, RMST, Nelson–Aalen, log-rank
 * against R's survival package (3.5-3 / 3.5.3). */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "survival.h"

#define NA NAN

static void assert_close(double got, double want, double tol)
{
    if (isnan(want)) {
        if (!isnan(got))
            fail_msg("expected NA, got %.12g", got);
        return;
    }
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.12g, want %.12g (tol %g)", got, want, tol);
}

/* The public vector of statistics.md (R survival 3.5-3, conf.type "log"):
 * time = 1 2 2 3 4 4 5 6 7 8, event = 1 1 0 1 1 0 1 0 1 0. */
static const double pv_time[] = {1, 2, 2, 3, 4, 4, 5, 6, 7, 8};
static const int pv_event[] = {1, 1, 0, 1, 1, 0, 1, 0, 1, 0};

static void public_vector_log_interval(void **state)
{
    (void)state;
    allot_km km;
    allot_km_options o = {.conf_type = ALLOT_CONF_LOG};
    assert_int_equal(allot_km_fit(pv_time, pv_event, NULL, 10, &o, &km, NULL), ALLOT_OK);
    assert_int_equal(km.n_steps, 8); /* distinct times 1..8 */
    struct { size_t i; double t, n, S, se, lo, hi; } want[] = {
        {0, 1, 10, 0.9, 0.0948683298, 0.7320116427, 1},
        {1, 2, 9, 0.8, 0.1264911064, 0.5868177012, 1},
        {2, 3, 7, 0.6857142857, 0.1514940174, 0.4447216607, 1},
        {4, 5, 4, 0.4285714286, 0.1743375634, 0.1930922935, 0.9512211287},
    };
    for (size_t k = 0; k < 4; k++) {
        const allot_km_step *s = &km.steps[want[k].i];
        assert_close(s->time, want[k].t, 0);
        assert_close(s->at_risk, want[k].n, 0);
        assert_close(s->survival, want[k].S, 1e-10);
        assert_close(s->std_err, want[k].se, 1e-10);
        assert_close(s->lower, want[k].lo, 1e-10);
        assert_close(s->upper, want[k].hi, 1e-10);
    }
    /* censored counts: one at 2, one at 4, ... */
    assert_close(km.steps[1].censored, 1, 0);
    assert_close(km.steps[1].events, 1, 0);
    /* Median 5, interval (3, NA). */
    assert_close(km.median, 5, 0);
    assert_close(km.median_lower, 3, 0);
    assert_close(km.median_upper, NA, 0);
    /* print(survfit(Surv(t,e)~1), rmean=8, digits=10):
     *   rmean* 5.028571429  se(rmean) 0.8086778793 */
    double rmst, se;
    assert_int_equal(allot_km_rmst(&km, 8, &rmst, &se, NULL), ALLOT_OK);
    assert_close(rmst, 5.028571429, 1e-9);
    assert_close(se, 0.8086778793, 1e-9);
    assert_int_equal(allot_km_rmst(&km, 0, &rmst, &se, NULL), ALLOT_ERR_USAGE);
    allot_km_release(&km);

    /* log-log at t = 5: lower 0.1140417777, upper 0.7184534249; and
     * survfit(..., conf.type="log-log")$lower at t=1: 0.47300927136. */
    o.conf_type = ALLOT_CONF_LOG_LOG;
    assert_int_equal(allot_km_fit(pv_time, pv_event, NULL, 10, &o, &km, NULL), ALLOT_OK);
    assert_close(km.steps[4].lower, 0.1140417777, 1e-10);
    assert_close(km.steps[4].upper, 0.7184534249, 1e-10);
    assert_close(km.steps[0].lower, 0.47300927136, 1e-10);
    assert_close(km.steps[0].upper, 0.9852813934, 1e-10);
    assert_close(allot_km_survival_at(&km, 0.5), 1, 0);
    assert_close(allot_km_survival_at(&km, 7.5), 0.2142857142857, 1e-12);
    allot_km_release(&km);
}

/*
 * Generated data, three groups of ten, with ties and censoring. R:
 *
 *   library(survival); set.seed(7); n <- 30; g <- rep(0:2, each=10)
 *   time <- round(rexp(n, rate=c(0.10,0.18,0.30)[g+1]) + 0.5)
 *   event <- rbinom(n, 1, 0.75)
 *   for (ct in c("log","log-log","plain")) {
 *     f <- survfit(Surv(time, event) ~ 1, subset = g == 0, conf.type = ct)
 *     s <- summary(f, censored = TRUE)
 *     print(data.frame(t=s$time, n=s$n.risk, d=s$n.event, S=s$surv,
 *           se=s$std.err, lo=s$lower, hi=s$upper), digits=10)
 *     print(quantile(f, 0.5)) }
 *   f <- survfit(Surv(time, event) ~ 1, subset = g == 0)
 *   print(f, rmean = 10, digits = 10)
 *   print(data.frame(t=f$time, H=f$cumhaz, seH=f$std.chaz), digits=10)
 *   sd <- survdiff(Surv(time, event) ~ g)
 *   cat(format(sd$chisq, digits=12), format(pchisq(sd$chisq, 2,
 *       lower.tail=FALSE), digits=12), "\n"); print(sd$exp, digits=10)
 */
static const double gen_time[30] = {1, 17, 18, 9, 6, 27, 8, 43, 3, 1, 6, 5, 11, 11, 7,
                                    2, 4,  6,  3, 6, 9,  3, 2,  2, 2, 1, 2, 5,  6,  7};
static const int gen_event[30] = {1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
                                  1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 0};
static const size_t gen_group[30] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1,
                                     1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2};

/* R output for group 0 (rows: t n d S se; then lo/hi per interval type). */
static const double g0[9][5] = {
    {1, 10, 2, 0.8000000000, 0.1264911064},  {3, 8, 1, 0.7000000000, 0.1449137675},
    {6, 7, 0, 0.7000000000, 0.1449137675},   {8, 6, 1, 0.5833333333, 0.1610152972},
    {9, 5, 1, 0.4666666667, 0.1657753947},   {17, 4, 1, 0.3500000000, 0.1602081979},
    {18, 3, 1, 0.2333333333, 0.1431135265},  {27, 2, 1, 0.1166666667, 0.1092058878},
    {43, 1, 1, 0.0000000000, NA /* NaN */},
};
static const double g0_log[9][2] = {
    {0.58681770123, 1}, {0.46653322614, 1}, {0.46653322614, 1},
    {0.33959621908, 1}, {0.23261189153, 0.9362280507}, {0.14270559502, 0.8584106319},
    {0.07012900771, 0.7763469956}, {0.01862855584, 0.7306584166}, {NA, NA}};
static const double g0_loglog[9][2] = {
    {0.408690781633, 0.9458726458}, {0.328716593280, 0.8919490412},
    {0.328716593280, 0.8919490412}, {0.229786518924, 0.8207394972},
    {0.149551818090, 0.7366102367}, {0.084799087598, 0.6397598030},
    {0.035999104203, 0.5288279111}, {0.006432443897, 0.4006504803}, {NA, NA}};
static const double g0_plain[9][2] = {
    {0.55208198708, 1}, {0.41597423491, 0.9840257651}, {0.41597423491, 0.9840257651},
    {0.26774914990, 0.8989175168}, {0.14175286357, 0.7915804698},
    {0.03599770214, 0.6640022979}, {0, 0.5138306911}, {0, 0.3307062736}, {NA, NA}};
/* Nelson–Aalen: f$cumhaz, f$std.chaz */
static const double g0_na[9][2] = {
    {0.2000000000, 0.1414213562}, {0.3250000000, 0.1887458609}, {0.3250000000, 0.1887458609},
    {0.4916666667, 0.2517990822}, {0.6916666667, 0.3215630230}, {0.9416666667, 0.4073116470},
    {1.2750000000, 0.5263210892}, {1.7750000000, 0.7259572225}, {2.7750000000, 1.2357240343}};

static void check_group0(const allot_km *km, const double band[9][2])
{
    assert_int_equal(km->n_steps, 9);
    for (size_t i = 0; i < 9; i++) {
        const allot_km_step *s = &km->steps[i];
        assert_close(s->time, g0[i][0], 0);
        assert_close(s->at_risk, g0[i][1], 0);
        assert_close(s->events, g0[i][2], 0);
        assert_close(s->survival, g0[i][3], 1e-10);
        assert_close(s->std_err, g0[i][4], 1e-10);
        assert_close(s->lower, band[i][0], 1e-10);
        assert_close(s->upper, band[i][1], 1e-10);
        assert_close(s->cumhaz, g0_na[i][0], 1e-10);
        assert_close(s->cumhaz_se, g0_na[i][1], 1e-10);
    }
}

static void generated_data_three_interval_types(void **state)
{
    (void)state;
    allot_km km[3];
    allot_km_options o = {.conf_type = ALLOT_CONF_LOG};
    assert_int_equal(allot_km_fit_groups(gen_time, gen_event, NULL, gen_group, 30, 3, &o, km,
                                         NULL),
                     ALLOT_OK);
    check_group0(&km[0], g0_log);
    /* quantile(f, 0.5): 9, lower 3, upper NA */
    assert_close(km[0].median, 9, 0);
    assert_close(km[0].median_lower, 3, 0);
    assert_close(km[0].median_upper, NA, 0);
    /* print(f, rmean = 10): rmean 7.15, se(rmean) 1.167428323 */
    double rmst, se;
    assert_int_equal(allot_km_rmst(&km[0], 10, &rmst, &se, NULL), ALLOT_OK);
    assert_close(rmst, 7.15, 1e-12);
    assert_close(se, 1.167428323, 1e-9);
    for (size_t g = 0; g < 3; g++)
        allot_km_release(&km[g]);

    o.conf_type = ALLOT_CONF_LOG_LOG;
    assert_int_equal(allot_km_fit_groups(gen_time, gen_event, NULL, gen_group, 30, 3, &o, km,
                                         NULL),
                     ALLOT_OK);
    check_group0(&km[0], g0_loglog);
    assert_close(km[0].median, 9, 0); /* quantile: 9, lower 1, upper 27 */
    assert_close(km[0].median_lower, 1, 0);
    assert_close(km[0].median_upper, 27, 0);
    for (size_t g = 0; g < 3; g++)
        allot_km_release(&km[g]);

    o.conf_type = ALLOT_CONF_PLAIN;
    assert_int_equal(allot_km_fit_groups(gen_time, gen_event, NULL, gen_group, 30, 3, &o, km,
                                         NULL),
                     ALLOT_OK);
    check_group0(&km[0], g0_plain);
    assert_close(km[0].median, 9, 0); /* quantile: 9, lower 3, upper 27 */
    assert_close(km[0].median_lower, 3, 0);
    assert_close(km[0].median_upper, 27, 0);
    for (size_t g = 0; g < 3; g++)
        allot_km_release(&km[g]);
}

static void logrank_matches_survdiff(void **state)
{
    (void)state;
    allot_logrank lr;
    assert_int_equal(allot_logrank_test(gen_time, gen_event, NULL, gen_group, 30, 3, &lr, NULL),
                     ALLOT_OK);
    /* survdiff: Observed 9 9 6, Expected 12.762360447 7.017012228 4.220627326,
     * Chisq 3.54874063338 on 2 df, p 0.169590204006 */
    assert_int_equal(lr.df, 2);
    assert_close(lr.observed[0], 9, 0);
    assert_close(lr.observed[2], 6, 0);
    assert_close(lr.expected[0], 12.762360447, 1e-8);
    assert_close(lr.expected[1], 7.017012228, 1e-8);
    assert_close(lr.expected[2], 4.220627326, 1e-8);
    assert_close(lr.chisq, 3.54874063338, 1e-9);
    assert_close(lr.p_value, 0.169590204006, 1e-10);
    assert_int_equal(lr.p_underflow, 0);
    allot_logrank_release(&lr);
}

static void logrank_p_underflow_is_flagged(void **state)
{
    (void)state;
    /* Two fully separated groups of 2000 events each. R:
     *   t<-c(1:2000, 2001:4000); e<-rep(1,4000); g<-rep(0:1,each=2000)
     *   s<-survdiff(Surv(t,e)~g); s$chisq  -> 4971.59163869, p -> 0 */
    size_t n = 4000;
    double *t = malloc(n * sizeof *t);
    int *e = malloc(n * sizeof *e);
    size_t *g = malloc(n * sizeof *g);
    assert_non_null(t);
    assert_non_null(e);
    assert_non_null(g);
    for (size_t i = 0; i < n; i++) {
        t[i] = (double)(i + 1);
        e[i] = 1;
        g[i] = i < 2000 ? 0 : 1;
    }
    allot_logrank lr;
    assert_int_equal(allot_logrank_test(t, e, NULL, g, n, 2, &lr, NULL), ALLOT_OK);
    assert_close(lr.chisq, 4971.59163869, 1e-6);
    assert_int_equal(lr.df, 1);
    assert_int_equal(lr.p_underflow, 1);
    char buf[32];
    assert_string_equal(allot_format_p_value(lr.p_value, buf, sizeof buf), "< 1e-300");
    assert_string_equal(allot_format_p_value(0.169590204006, buf, sizeof buf), "0.16959");
    allot_logrank_release(&lr);
    free(t);
    free(e);
    free(g);
}

static void weights_equal_duplicated_rows(void **state)
{
    (void)state;
    /* Weight 2 on every row must give what duplicating every row gives. */
    double t2[20], w[10];
    int e2[20];
    for (size_t i = 0; i < 10; i++) {
        t2[i] = t2[i + 10] = pv_time[i];
        e2[i] = e2[i + 10] = pv_event[i];
        w[i] = 2;
    }
    allot_km a, b;
    assert_int_equal(allot_km_fit(pv_time, pv_event, w, 10, NULL, &a, NULL), ALLOT_OK);
    assert_int_equal(allot_km_fit(t2, e2, NULL, 20, NULL, &b, NULL), ALLOT_OK);
    assert_int_equal(a.n_steps, b.n_steps);
    assert_int_equal(a.conf_type, ALLOT_CONF_LOG_LOG); /* the default */
    for (size_t i = 0; i < a.n_steps; i++) {
        assert_close(a.steps[i].at_risk, b.steps[i].at_risk, 0);
        assert_close(a.steps[i].survival, b.steps[i].survival, 1e-14);
        assert_close(a.steps[i].std_err, b.steps[i].std_err, 1e-14);
        assert_close(a.steps[i].lower, b.steps[i].lower, 1e-14);
    }
    allot_km_release(&a);
    allot_km_release(&b);
}

static void median_midpoint_rule_and_bad_input(void **state)
{
    (void)state;
    /* R: quantile(survfit(Surv(c(1,2,3,4),c(1,1,1,1))~1), 0.5) -> 2.5
     * (S = 0.5 exactly on [2, 3): the midpoint of 2 and 3). */
    double t[] = {1, 2, 3, 4};
    int e[] = {1, 1, 1, 1};
    allot_km km;
    assert_int_equal(allot_km_fit(t, e, NULL, 4, NULL, &km, NULL), ALLOT_OK);
    assert_close(km.median, 2.5, 0);
    allot_km_release(&km);

    allot_error err;
    double bad_t[] = {1, -1};
    int bad_e[] = {1, 2};
    assert_int_equal(allot_km_fit(bad_t, e, NULL, 2, NULL, &km, &err), ALLOT_ERR_DATA);
    assert_int_equal(allot_km_fit(t, bad_e, NULL, 2, NULL, &km, &err), ALLOT_ERR_DATA);
    assert_int_equal(allot_km_fit(t, e, NULL, 0, NULL, &km, &err), ALLOT_OK);
    assert_int_equal(km.n_steps, 0);
    assert_true(isnan(km.median));
    allot_km_release(&km);
    allot_conf_type ct;
    assert_int_equal(allot_conf_type_parse("log-log", &ct, NULL), ALLOT_OK);
    assert_int_equal(ct, ALLOT_CONF_LOG_LOG);
    assert_int_equal(allot_conf_type_parse("plain", &ct, NULL), ALLOT_OK);
    assert_int_equal(ct, ALLOT_CONF_PLAIN);
    assert_int_equal(allot_conf_type_parse("arcsin", &ct, &err), ALLOT_ERR_USAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(public_vector_log_interval),
        cmocka_unit_test(generated_data_three_interval_types),
        cmocka_unit_test(logrank_matches_survdiff),
        cmocka_unit_test(logrank_p_underflow_is_flagged),
        cmocka_unit_test(weights_equal_duplicated_rows),
        cmocka_unit_test(median_midpoint_rule_and_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
