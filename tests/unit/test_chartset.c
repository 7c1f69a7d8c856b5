/* The chart set and the leadership PDF from a hand-made report: each
 * takeaway sentence against its hand computation, the headline number
 * formats, and the PDF's pages and text (pdftotext). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "chartset.h"
#include "fmt.h"
#include "pdfpack.h"

static char *ch_names[] = {"(unattributed)", "Webinar", "Paid Search", "Email"};
static char *model_names[] = {"linear", "first_touch", "last_touch"};
/* [channel][model]: linear, first_touch, last_touch */
static double credit[] = {200, 200, 200,  /* (unattributed) */
                          310, 200, 400,  /* Webinar */
                          300, 400, 250,  /* Paid Search */
                          190, 200, 150}; /* Email */
static double channel_spend[] = {0, 90, 800, 110};
static char *campaigns[] = {"A", "B", "C"};
static double camp_spend[] = {100, 200, 0}, camp_credit[] = {250, 100, 50};
static double t_a[] = {0, 100, 200}, s_a[] = {1, 0.8, 0.6};
static double t_b[] = {0, 50}, s_b[] = {1, 0.5};
static char label_a[] = "A", label_b[] = "B";
static char *months[] = {"2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"};
static double won[] = {10, 10, 10, 20, 20, 20}, pipe[] = {50, 60, 70, 80, 90, 100};

static void make_report(allot_report *r)
{
    memset(r, 0, sizeof *r);
    allot_period_parse("2026Q2", 1, &r->period, NULL);
    allot_period_prior(&r->period, 1, &r->prior);
    strcpy(r->currency, "USD");
    strcpy(r->model, "linear");
    r->credit_run = 7;
    r->n_channels = 4;
    r->n_models = 3;
    r->channels = ch_names;
    r->models = model_names;
    r->credit = credit;
    r->channel_spend = channel_spend;
    r->booked = 1000;
    r->unattributed = 200;
    r->n_campaigns = 3;
    r->campaign_names = campaigns;
    r->campaign_spend = camp_spend;
    r->campaign_credit = camp_credit;
    double counts[5] = {1000, 400, 100, 50, 20}, rates[4] = {0.4, 0.25, 0.5, 0.4};
    memcpy(r->stage_count, counts, sizeof counts);
    memcpy(r->stage_rate, rates, sizeof rates);
    for (int i = 0; i < 4; i++)
        r->stage_lo[i] = r->stage_hi[i] = NAN;
    r->arr_start = 1000;
    r->arr_new = 200;
    r->arr_expansion = 50;
    r->arr_contraction = 30;
    r->arr_churn = 120;
    r->arr_end = 1100;
    r->nrr = 0.9;  /* (1000 + 50 - 30 - 120) / 1000 */
    r->grr = 0.85; /* (1000 - 30 - 120) / 1000 */
    strcpy(r->missing[ALLOT_REPORT_COHORTS], "No complete month of subscriptions yet");
    static allot_report_curve curves[2];
    curves[0] = (allot_report_curve){.label = label_a, .n = 3, .t = t_a, .s = s_a,
                                     .t_end = 400, .customers = 10, .churned = 4};
    curves[1] = (allot_report_curve){.label = label_b, .n = 2, .t = t_b, .s = s_b,
                                     .t_end = 300, .customers = 10, .churned = 5};
    r->n_curves = 2;
    r->curves = curves;
    r->n_months = 6;
    r->months = months;
    r->won = won;
    r->pipeline = pipe;
    r->kpi[0] = (allot_report_kpi){"Won revenue", "f", ALLOT_KPI_MONEY, 1234567, 1000000};
    r->kpi[1] = (allot_report_kpi){"Deals won", "f", ALLOT_KPI_COUNT, 31, 0};
    r->kpi[2] = (allot_report_kpi){"Pipeline created", "f", ALLOT_KPI_MONEY, 50, NAN};
    r->kpi[3] = (allot_report_kpi){"Marketing spend", "f", ALLOT_KPI_MONEY, 1000, 1250};
    r->kpi[4] = (allot_report_kpi){"Won revenue per unit of spend", "f", ALLOT_KPI_MULTIPLE,
                                   3.2, 4};
    r->kpi[5] = (allot_report_kpi){"Net revenue retention", "f", ALLOT_KPI_PERCENT, 0.945,
                                   0.92};
}

static void takeaway_is(chartset_id id, const char *want)
{
    allot_report r;
    make_report(&r);
    chartset_item it;
    allot_error err;
    assert_int_equal(chartset_build(&r, id, &it, &err), ALLOT_OK);
    assert_string_equal(it.takeaway, want);
    chartset_item_release(&it);
}

static void takeaways_say_what_the_numbers_say(void **state)
{
    (void)state;
    /* Webinar is the top attributed channel under linear: 310 of 1000
     * booked = 31 %; its spend 90 of 1000 = 9.0 %. */
    takeaway_is(CHARTSET_CREDIT, "Webinar produced 31 % of won revenue on 9.0 % of spend");
    /* Shares of attributed revenue (800 under each model): Webinar 200/800
     * = 25 % (first_touch) to 400/800 = 50 % (last_touch): 25 points, the
     * widest spread (Paid Search 50 - 31.25 = 18.75, Email 6.25). */
    takeaway_is(CHARTSET_MODELS,
                "The model moves Webinar by 25 points: 25 % under first_touch, 50 % under "
                "last_touch");
    /* A: (250-100)/100 = 150 %; B: (100-200)/200 = -50 %; C has no spend. */
    takeaway_is(CHARTSET_ROI, "1 of 2 campaigns with spend lost money; A returned the most "
                              "(ROI 150 % on USD 100)");
    /* 20 / 1000 = 2.0 %; the lowest step rate is MQL -> SQL, 25 %. */
    takeaway_is(CHARTSET_FUNNEL,
                "2.0 % of leads became customers; the weakest step is MQLs to SQLs (25 %)");
    /* 1100 / 1000 - 1 = 10 %. */
    takeaway_is(CHARTSET_BRIDGE,
                "ARR grew 10 % to USD 1,100; net revenue retention 90.0 %, gross 85.0 %");
    /* Common follow-up: min(400, 300) = 300 days; S_A(300) = 0.6, S_B = 0.5. */
    takeaway_is(CHARTSET_SURVIVAL, "After 300 days, A keeps 60 % of its customers and B 50 %");
    /* 20+20+20 = 60 vs 10+10+10 = 30: up 100 %. */
    takeaway_is(CHARTSET_TREND,
                "Won revenue in the last three months: USD 60, up 100 % on the three before");
}

/* The credit bars foot to the booked revenue of their note. Channels at
 * 100.50, 200.50, 300.50 and 398.50 (linear) book 1000.00; drawn in whole
 * units (a value >= 100), each rounded half away from zero they would read
 * 101 + 201 + 301 + 399 = 1002. Largest remainder: floors 100 + 200 + 300 +
 * 398 = 998, two units to give, four remainders tie at 0.50, the first two
 * rows get them: 101, 201, 300, 398 = 1000, and the note names 101
 * unattributed. */
static void credit_bars_foot_to_booked(void **state)
{
    (void)state;
    allot_report r;
    make_report(&r);
    double halves[] = {100.5, 200, 200, 200.5, 200, 200, 300.5, 200, 200, 398.5, 200, 200};
    r.credit = halves;
    r.unattributed = 100.5;
    chartset_item it;
    allot_error err;
    assert_int_equal(chartset_build(&r, CHARTSET_CREDIT, &it, &err), ALLOT_OK);
    const chart_bars *bars = &it.chart.u.bars;
    assert_int_equal(bars->n, 4);
    assert_true(bars->values[0] == 101 && bars->values[1] == 201 && bars->values[2] == 300 &&
                bars->values[3] == 398);
    assert_string_equal(it.note, "Model: linear. Booked revenue USD 1,000, of which USD 101 "
                                 "not attributed to any touch. Credit run 7.");
    chartset_item_release(&it);
}

/* The ARR bridge's labels foot: start 1000.4, new 200.4, expansion 50.4,
 * contraction 30, churn 120, end 1101.2, drawn in whole units. Each rounded
 * on its own: 1000 + 200 + 50 - 30 - 120 = 1100 beside an end of 1101.
 * Start and end rounded once (1000, 1101), the steps by largest remainder:
 * floors 200 + 50 - 30 - 120 = 100, one unit to the first 0.4 tie (new):
 * 201, 50, -30, -120. */
static void bridge_labels_foot(void **state)
{
    (void)state;
    allot_report r;
    make_report(&r);
    r.arr_start = 1000.4;
    r.arr_new = 200.4;
    r.arr_expansion = 50.4;
    r.arr_end = 1101.2;
    chartset_item it;
    allot_error err;
    assert_int_equal(chartset_build(&r, CHARTSET_BRIDGE, &it, &err), ALLOT_OK);
    const chart_bridge *br = &it.chart.u.bridge;
    assert_true(br->start == 1000);
    assert_true(br->steps[0] == 201 && br->steps[1] == 50 && br->steps[2] == -30 &&
                br->steps[3] == -120);
    assert_string_equal(it.takeaway,
                        "ARR grew 10 % to USD 1,101; net revenue retention 90.0 %, gross 85.0 %");
    chartset_item_release(&it);
    /* FX +12.6: the previous end at its rates 1000.4 - 12.6 = 987.8, shown
     * rounded once as 988 (its own chart's end), and FX = the start as
     * shown, 1000, - 988 = 12; the bars are unchanged. */
    r.arr_fx = 12.6;
    strcpy(r.rates_date, "2026-06-30");
    strcpy(r.prior_rates_date, "2026-03-31");
    assert_int_equal(chartset_build(&r, CHARTSET_BRIDGE, &it, &err), ALLOT_OK);
    assert_true(it.chart.u.bridge.start == 1000);
    assert_string_equal(it.note,
                        "ARR = 12 x MRR on the last day before the period and on its last day, "
                        "all at the rates of 2026-06-30 (constant currency). Start = 2026Q1's "
                        "end USD 988 at its rates (2026-03-31) + FX USD 12. NRR and GRR over "
                        "the accounts present at the start.");
    chartset_item_release(&it);
    /* FX -0.6: the previous end 1001.0, FX 1000 - 1001 = -1 */
    r.arr_fx = -0.6;
    assert_int_equal(chartset_build(&r, CHARTSET_BRIDGE, &it, &err), ALLOT_OK);
    assert_non_null(strstr(it.note, "Start = 2026Q1's end USD 1,001 at its rates (2026-03-31) "
                                    "\u2212 FX USD 1."));
    chartset_item_release(&it);
}

/* Numbers round half away from zero, as the footed figures do: an exact
 * tie goes outwards (printf gives 1,555,262, 2, -2, 0.12 and 12 %), a value
 * just below a tie stays (1.005 is 1.00499999999999989... as a double). */
static void numbers_round_half_away_from_zero(void **state)
{
    (void)state;
    char buf[64];
    assert_string_equal(fmt_number(1555262.5, 0, buf, sizeof buf), "1,555,263");
    assert_string_equal(fmt_number(2.5, 0, buf, sizeof buf), "3");
    assert_string_equal(fmt_number(-2.5, 0, buf, sizeof buf), "-3");
    assert_string_equal(fmt_number(0.125, 2, buf, sizeof buf), "0.13");
    assert_string_equal(fmt_number(-0.125, 2, buf, sizeof buf), "-0.13");
    assert_string_equal(fmt_number(1.005, 2, buf, sizeof buf), "1.00");
    assert_string_equal(fmt_number(2.4999999, 0, buf, sizeof buf), "2");
    assert_string_equal(fmt_number(1234567.891, 2, buf, sizeof buf), "1,234,567.89");
    assert_string_equal(fmt_percent(0.125, 0, buf, sizeof buf), "13 %");
    assert_string_equal(fmt_number(-0.4, 0, buf, sizeof buf), "0");
    /* Minor units are exact: grouped, never rounded. */
    assert_string_equal(fmt_minor(123456, 2, buf, sizeof buf), "1,234.56");
    assert_string_equal(fmt_minor(-5, 2, buf, sizeof buf), "-0.05");
    assert_string_equal(fmt_minor(-123456789, 3, buf, sizeof buf), "-123,456.789");
    assert_string_equal(fmt_minor(1500, 0, buf, sizeof buf), "1,500");
}

static void missing_sections_say_why(void **state)
{
    (void)state;
    allot_report r;
    make_report(&r);
    chartset_item it;
    allot_error err;
    assert_int_equal(chartset_build(&r, CHARTSET_COHORTS, &it, &err), ALLOT_OK);
    assert_int_equal(it.missing, 1);
    assert_string_equal(it.empty, "No complete month of subscriptions yet");
    chartset_item_release(&it);
    assert_int_equal(chartset_parse("survival"), CHARTSET_SURVIVAL);
    assert_int_equal(chartset_parse("pie"), -1);
}

static void headline_numbers_and_changes(void **state)
{
    (void)state;
    allot_report r;
    make_report(&r);
    char buf[128];
    assert_string_equal(pdfpack_value(&r.kpi[0], r.kpi[0].value, "USD", buf, sizeof buf),
                        "USD 1,234,567");
    /* 1234567 / 1000000 - 1 = 23.4567 % */
    assert_string_equal(pdfpack_change(&r.kpi[0], "2026Q1", buf, sizeof buf),
                        "+23.5 % vs 2026Q1");
    assert_string_equal(pdfpack_change(&r.kpi[1], "2026Q1", buf, sizeof buf), "from 0 in 2026Q1");
    assert_string_equal(pdfpack_change(&r.kpi[2], "2026Q1", buf, sizeof buf),
                        "no figure for 2026Q1");
    /* 1000 / 1250 - 1 = -20 % */
    assert_string_equal(pdfpack_change(&r.kpi[3], "2026Q1", buf, sizeof buf), "-20.0 % vs 2026Q1");
    assert_string_equal(pdfpack_value(&r.kpi[4], 3.2, "USD", buf, sizeof buf), "3.20\u00d7");
    assert_string_equal(pdfpack_value(&r.kpi[5], 0.945, "USD", buf, sizeof buf), "94.5 %");
    /* (0.945 - 0.92) x 100 = 2.5 points */
    assert_string_equal(pdfpack_change(&r.kpi[5], "2026Q1", buf, sizeof buf), "+2.5 pts vs 2026Q1");
}

static void pdf_pack_has_every_page(void **state)
{
    (void)state;
    mkdir("scratch", 0777);
    allot_report r;
    make_report(&r);
    allot_error err;
    int pages = 0;
    pdfpack_options o = {NULL, 0, "Exämple GmbH", 90};
    assert_int_equal(pdfpack_write(&r, &o, "scratch/test_chartset.pdf", &pages, &err), ALLOT_OK);
    assert_int_equal(pages, 10);
    FILE *p = popen("pdfinfo scratch/test_chartset.pdf | grep '^Pages:' && "
                    "pdftotext -layout scratch/test_chartset.pdf -", "r");
    assert_non_null(p);
    static char text[1 << 18];
    size_t n = fread(text, 1, sizeof text - 1, p);
    text[n] = '\0';
    assert_int_equal(pclose(p), 0);
    assert_non_null(strstr(text, "Pages:           10"));
    assert_non_null(strstr(text, "Exämple GmbH"));
    assert_non_null(strstr(text, "USD 1,234,567"));
    assert_non_null(strstr(text, "+23.5 % vs 2026Q1"));
    assert_non_null(strstr(text, "Webinar produced 31 % of won revenue on 9.0 % of spend"));
    assert_non_null(strstr(text, "No complete month of subscriptions yet"));
    assert_non_null(strstr(text, "Methods"));
    assert_non_null(strstr(text, "page 10 of 10"));
    /* a chart subset gives cover + charts + methods */
    chartset_id two[] = {CHARTSET_CREDIT, CHARTSET_TREND};
    pdfpack_options o2 = {two, 2, NULL, 90};
    assert_int_equal(pdfpack_write(&r, &o2, "scratch/test_chartset2.pdf", &pages, &err),
                     ALLOT_OK);
    assert_int_equal(pages, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(takeaways_say_what_the_numbers_say),
        cmocka_unit_test(missing_sections_say_why),
        cmocka_unit_test(credit_bars_foot_to_booked),
        cmocka_unit_test(bridge_labels_foot),
        cmocka_unit_test(numbers_round_half_away_from_zero),
        cmocka_unit_test(headline_numbers_and_changes),
        cmocka_unit_test(pdf_pack_has_every_page),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    chart_shutdown();
    return failed;
}
