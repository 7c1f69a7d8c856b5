/* The chart set: report sections -> charts with computed takeaways. */
#include "chartset.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "labels.h"
#include "money.h"

#define UNATTRIBUTED ALLOT_LABEL_UNATTRIBUTED

static const char *const NAMES[CHARTSET_COUNT] = {"credit", "models",  "roi",      "funnel",
                                                  "bridge", "cohorts", "survival", "trend"};

const char *chartset_name(chartset_id id)
{
    return (unsigned)id < CHARTSET_COUNT ? NAMES[id] : "?";
}

int chartset_parse(const char *name)
{
    for (int i = 0; name && i < CHARTSET_COUNT; i++)
        if (strcmp(name, NAMES[i]) == 0)
            return i;
    return -1;
}

unsigned chartset_sections(chartset_id id)
{
    static const allot_report_section need[CHARTSET_COUNT] = {
        ALLOT_REPORT_CREDIT, ALLOT_REPORT_CREDIT,  ALLOT_REPORT_CAMPAIGNS, ALLOT_REPORT_FUNNEL,
        ALLOT_REPORT_BRIDGE, ALLOT_REPORT_COHORTS, ALLOT_REPORT_SURVIVAL,  ALLOT_REPORT_TREND};
    return (unsigned)id < CHARTSET_COUNT ? ALLOT_REPORT_WANT(need[id]) : 0;
}

static void *own(chartset_item *it, size_t bytes)
{
    if (it->n_owned == sizeof it->owned / sizeof it->owned[0])
        return NULL;
    void *p = calloc(1, bytes ? bytes : 1);
    if (p)
        it->owned[it->n_owned++] = p;
    return p;
}

void chartset_item_release(chartset_item *it)
{
    for (size_t i = 0; i < it->n_owned; i++)
        free(it->owned[i]);
    it->n_owned = 0;
    it->km = NULL;
}

static const char *money(const allot_report *r, double v, char *buf, size_t size)
{
    char num[48];
    fmt_number(v, fabs(v) >= 100 || v == floor(v) ? 0 : 2, num, sizeof num);
    snprintf(buf, size, "%.3s %.48s", r->currency, num);
    return buf;
}

static const char *pct(double ratio, char *buf, size_t size)
{
    return fmt_percent(ratio, fabs(ratio) < 0.1 ? 1 : 0, buf, size);
}

static void set_text(chartset_item *it, const allot_report *r, allot_report_section s)
{
    /* chart_text is the first member of every chart kind. */
    chart_text *t = (chart_text *)(void *)&it->chart.u;
    t->title = it->title;
    t->takeaway = it->takeaway;
    t->note = it->note;
    t->empty = it->empty;
    if (r->missing[s][0]) {
        it->missing = 1;
        snprintf(it->empty, sizeof it->empty, "%s", r->missing[s]);
    }
}

static allot_status nomem(allot_error *err)
{
    return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory building a chart");
}

/* ---- credit by channel ------------------------------------------------ */

/* Rounds v[0..n) (major units) to what the bars show, so that the labels
 * foot to the booked revenue of the note: whole units when a value reaches
 * 100, cents below (ch_value_label's money decimals), by largest remainder
 * (allot_money_foot, as lib/roi rounds spend: each value rounded down, the
 * units still missing to the sum rounded once, half away from zero, go to
 * the largest remainders, ties to the lower index). Each label rounded on
 * its own, the sample's 2026Q3 bars added up to USD 1,555,261 beside the
 * booked 1,555,262. *shown_sum gets that once-rounded sum. */
static allot_status foot_bars(double *v, size_t n, double *shown_sum, allot_error *err)
{
    double max_abs = 0;
    for (size_t i = 0; i < n; i++)
        max_abs = fmax(max_abs, fabs(v[i]));
    int decimals = max_abs >= 100 ? 0 : 2;
    double unit = decimals ? 100 : 1;
    int64_t *micros = malloc((n + 1) * sizeof *micros);
    int64_t *shown = malloc((n + 1) * sizeof *shown);
    int64_t total = 0;
    allot_status s = micros && shown ? ALLOT_OK : ALLOT_ERR_NOMEM;
    for (size_t i = 0; s == ALLOT_OK && i < n; i++)
        micros[i] = (int64_t)llround(v[i] * 1e6);
    if (s == ALLOT_OK)
        s = allot_money_foot(micros, n, decimals, shown, &total);
    for (size_t i = 0; s == ALLOT_OK && i < n; i++)
        v[i] = (double)shown[i] / unit;
    free(micros);
    free(shown);
    *shown_sum = (double)total / unit;
    return s == ALLOT_OK ? ALLOT_OK : nomem(err);
}

static allot_status build_credit(const allot_report *r, chartset_item *it, allot_error *err)
{
    char a[64], b[64], c[64];
    it->chart.kind = CHART_BARS;
    chart_bars *bars = &it->chart.u.bars;
    snprintf(it->title, sizeof it->title, "Credited revenue by channel, %s", r->period.label);
    snprintf(it->empty, sizeof it->empty, "No deals closed in %s", r->period.label);
    set_text(it, r, ALLOT_REPORT_CREDIT);
    bars->unit = CHART_UNIT_MONEY;
    bars->currency = r->currency;
    bars->show_share = 1;
    bars->muted = UNATTRIBUTED;
    if (it->missing || r->n_channels == 0 || r->n_models == 0)
        return ALLOT_OK;
    double *v = own(it, r->n_channels * sizeof *v);
    if (!v)
        return nomem(err);
    for (size_t i = 0; i < r->n_channels; i++)
        v[i] = r->credit[i * r->n_models];
    double booked = r->booked, unattributed = r->unattributed, shown_sum;
    double exact_sum = 0;
    for (size_t i = 0; i < r->n_channels; i++)
        exact_sum += v[i];
    if (foot_bars(v, r->n_channels, &shown_sum, err) != ALLOT_OK)
        return ALLOT_ERR_NOMEM;
    /* The note names the shown figures when the bars are the booked
     * revenue (they are: (unattributed) is a bar). */
    if (fabs(exact_sum - r->booked) < 0.005) {
        booked = shown_sum;
        for (size_t i = 0; i < r->n_channels; i++)
            if (strcmp(r->channels[i], UNATTRIBUTED) == 0)
                unattributed = v[i];
    }
    double total = 0, spend_total = 0;
    size_t top = 0;
    for (size_t i = 0; i < r->n_channels; i++) {
        total += v[i] > 0 ? v[i] : 0;
        spend_total += r->channel_spend ? r->channel_spend[i] : 0;
        int skip = strcmp(r->channels[i], UNATTRIBUTED) == 0;
        int top_skip = strcmp(r->channels[top], UNATTRIBUTED) == 0;
        if (!skip && (top_skip || v[i] > v[top] ||
                      (v[i] == v[top] && strcmp(r->channels[i], r->channels[top]) < 0)))
            top = i;
    }
    bars->n = r->n_channels;
    bars->labels = (const char *const *)r->channels;
    bars->values = v;
    snprintf(it->note, sizeof it->note,
             "Model: %s. Booked revenue %s, of which %s not attributed to any touch. "
             "Credit run %lld.",
             r->model, money(r, booked, a, sizeof a), money(r, unattributed, b, sizeof b),
             (long long)r->credit_run);
    if (total <= 0)
        return ALLOT_OK;
    if (spend_total > 0)
        snprintf(it->takeaway, sizeof it->takeaway,
                 "%s produced %s of won revenue on %s of spend", r->channels[top],
                 pct(v[top] / total, a, sizeof a),
                 pct(r->channel_spend[top] / spend_total, c, sizeof c));
    else
        snprintf(it->takeaway, sizeof it->takeaway, "%s produced %s of won revenue (%s)",
                 r->channels[top], pct(v[top] / total, a, sizeof a),
                 money(r, v[top], b, sizeof b));
    return ALLOT_OK;
}

/* ---- model comparison ------------------------------------------------- */

#define MAX_DOT_MODELS 5

/* Models drawn as dots besides the default, in this order of preference:
 * the two single-touch extremes, then the data-driven ones. */
static const char *const PREFERRED[] = {"first_touch", "last_touch", "markov", "shapley",
                                        "time_decay", "position_based", "w_shaped", "linear"};

static allot_status build_models(const allot_report *r, chartset_item *it, allot_error *err)
{
    char a[64], b[64];
    it->chart.kind = CHART_DOTS;
    chart_dots *d = &it->chart.u.dots;
    snprintf(it->title, sizeof it->title, "Channel share of attributed revenue by model, %s",
             r->period.label);
    snprintf(it->empty, sizeof it->empty, "No deals closed in %s", r->period.label);
    set_text(it, r, ALLOT_REPORT_CREDIT);
    d->unit = CHART_UNIT_PERCENT;
    if (it->missing || r->n_channels == 0 || r->n_models == 0)
        return ALLOT_OK;
    size_t nc = r->n_channels, nm = r->n_models;
    /* Shares of attributed revenue: (unattributed) is the same under every
     * model and is left out. */
    double *share = own(it, nc * nm * sizeof *share);
    const char **rows = own(it, nc * sizeof *rows);
    size_t *row_of = own(it, nc * sizeof *row_of);
    if (!share || !rows || !row_of)
        return nomem(err);
    size_t n_rows = 0;
    for (size_t i = 0; i < nc; i++)
        if (strcmp(r->channels[i], UNATTRIBUTED) != 0) {
            row_of[n_rows] = i;
            rows[n_rows++] = r->channels[i];
        }
    for (size_t m = 0; m < nm; m++) {
        double total = 0;
        for (size_t j = 0; j < n_rows; j++)
            total += r->credit[row_of[j] * nm + m];
        for (size_t j = 0; j < n_rows; j++)
            share[j * nm + m] = total > 0 ? r->credit[row_of[j] * nm + m] / total : NAN;
    }
    /* The series drawn: the default model and up to four preferred ones. */
    size_t pick[MAX_DOT_MODELS], n_pick = 0;
    pick[n_pick++] = 0;
    for (size_t p = 0; p < sizeof PREFERRED / sizeof PREFERRED[0] && n_pick < MAX_DOT_MODELS;
         p++)
        for (size_t m = 1; m < nm; m++)
            if (strcmp(r->models[m], PREFERRED[p]) == 0)
                pick[n_pick++] = m;
    for (size_t m = 1; m < nm && n_pick < MAX_DOT_MODELS; m++) {
        int taken = 0;
        for (size_t k = 0; k < n_pick; k++)
            taken |= pick[k] == m;
        if (!taken)
            pick[n_pick++] = m;
    }
    double *shown = own(it, (n_rows ? n_rows : 1) * n_pick * sizeof *shown);
    double *rmin = own(it, (n_rows ? n_rows : 1) * sizeof *rmin);
    double *rmax = own(it, (n_rows ? n_rows : 1) * sizeof *rmax);
    const char **series = own(it, n_pick * sizeof *series);
    if (!shown || !rmin || !rmax || !series)
        return nomem(err);
    for (size_t k = 0; k < n_pick; k++)
        series[k] = r->models[pick[k]];
    for (size_t j = 0; j < n_rows; j++) {
        rmin[j] = INFINITY;
        rmax[j] = -INFINITY;
        for (size_t m = 0; m < nm; m++) {
            double v = share[j * nm + m];
            if (isfinite(v)) {
                rmin[j] = fmin(rmin[j], v);
                rmax[j] = fmax(rmax[j], v);
            }
        }
        for (size_t k = 0; k < n_pick; k++)
            shown[j * n_pick + k] = share[j * nm + pick[k]];
    }
    d->n_rows = n_rows;
    d->n_series = n_pick;
    d->row_labels = rows;
    d->series_labels = series;
    d->values = shown;
    d->range_min = rmin;
    d->range_max = rmax;
    if (nm > n_pick)
        snprintf(it->note, sizeof it->note,
                 "Dots: %zu of the %zu models computed; the line spans all %zu. %s, the "
                 "default model, is drawn darkest. Unattributed revenue left out.",
                 n_pick, nm, nm, r->model);
    else
        snprintf(it->note, sizeof it->note,
                 "%s, the default model, is drawn darkest. Unattributed revenue left out.",
                 r->model);
    if (nm < 2) {
        snprintf(it->takeaway, sizeof it->takeaway,
                 "Only %s was computed: run allot-credit with several models to compare them",
                 r->model);
        return ALLOT_OK;
    }
    size_t best = 0, lo_m = 0, hi_m = 0;
    double spread = -1;
    for (size_t j = 0; j < n_rows; j++) {
        size_t mn = 0, mx = 0;
        for (size_t m = 1; m < nm; m++) {
            if (share[j * nm + m] < share[j * nm + mn])
                mn = m;
            if (share[j * nm + m] > share[j * nm + mx])
                mx = m;
        }
        double sp = share[j * nm + mx] - share[j * nm + mn];
        if (sp > spread) {
            spread = sp;
            best = j;
            lo_m = mn;
            hi_m = mx;
        }
    }
    if (!(spread > 0)) {
        snprintf(it->takeaway, sizeof it->takeaway, "Every model gives the same channel shares");
        return ALLOT_OK;
    }
    snprintf(it->takeaway, sizeof it->takeaway,
             "The model moves %s by %.0f points: %s under %s, %s under %s", rows[best],
             spread * 100, pct(share[best * nm + lo_m], a, sizeof a), r->models[lo_m],
             pct(share[best * nm + hi_m], b, sizeof b), r->models[hi_m]);
    return ALLOT_OK;
}

/* ---- campaign ROI ----------------------------------------------------- */

static allot_status build_roi(const allot_report *r, chartset_item *it, allot_error *err)
{
    char a[64], b[64];
    it->chart.kind = CHART_SCATTER;
    chart_scatter *s = &it->chart.u.scatter;
    snprintf(it->title, sizeof it->title, "Campaign ROI vs spend, %s", r->period.label);
    snprintf(it->empty, sizeof it->empty, "No campaign spend in %s", r->period.label);
    set_text(it, r, ALLOT_REPORT_CAMPAIGNS);
    s->x_title = "Spend";
    s->y_title = "ROI";
    s->x_unit = CHART_UNIT_MONEY;
    s->y_unit = CHART_UNIT_PERCENT;
    s->currency = r->currency;
    if (it->missing || r->n_campaigns == 0)
        return ALLOT_OK;
    size_t n = r->n_campaigns;
    double *x = own(it, n * sizeof *x), *y = own(it, n * sizeof *y);
    const char **labels = own(it, n * sizeof *labels);
    if (!x || !y || !labels)
        return nomem(err);
    size_t k = 0, losing = 0, no_spend = 0, best = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(r->campaign_spend[i] > 0)) {
            no_spend++;
            continue;
        }
        x[k] = r->campaign_spend[i];
        y[k] = (r->campaign_credit[i] - r->campaign_spend[i]) / r->campaign_spend[i];
        labels[k] = r->campaign_names[i];
        losing += y[k] < 0;
        if (y[k] > y[best] || (y[k] == y[best] && strcmp(labels[k], labels[best]) < 0))
            best = k;
        k++;
    }
    s->n = k;
    s->labels = labels;
    s->x = x;
    s->y = y;
    snprintf(it->note, sizeof it->note,
             "ROI = (revenue credited by %s - spend) / spend.%s", r->model,
             no_spend ? " Campaigns without spend are not shown." : "");
    if (k == 0)
        return ALLOT_OK;
    if (losing)
        snprintf(it->takeaway, sizeof it->takeaway,
                 "%zu of %zu campaigns with spend lost money; %s returned the most (ROI %s on %s)",
                 losing, k, labels[best], pct(y[best], a, sizeof a),
                 money(r, x[best], b, sizeof b));
    else
        snprintf(it->takeaway, sizeof it->takeaway,
                 "All %zu campaigns with spend paid back; %s returned the most (ROI %s on %s)", k,
                 labels[best], pct(y[best], a, sizeof a), money(r, x[best], b, sizeof b));
    return ALLOT_OK;
}

/* ---- funnel ----------------------------------------------------------- */

static const char *const STAGES[5] = {"Leads", "MQLs", "SQLs", "Opportunities", "Won"};

static allot_status build_funnel(const allot_report *r, chartset_item *it, allot_error *err)
{
    (void)err;
    char a[64], b[64];
    it->chart.kind = CHART_FUNNEL;
    chart_funnel *f = &it->chart.u.funnel;
    snprintf(it->title, sizeof it->title, "Funnel of the leads created in %s", r->period.label);
    snprintf(it->empty, sizeof it->empty, "No leads created in %s", r->period.label);
    set_text(it, r, ALLOT_REPORT_FUNNEL);
    f->n = 5;
    f->stages = STAGES;
    f->counts = r->stage_count;
    f->rate = r->stage_rate;
    f->rate_lo = r->stage_lo;
    f->rate_hi = r->stage_hi;
    if (it->missing) {
        f->n = 0;
        return ALLOT_OK;
    }
    snprintf(it->note, sizeof it->note,
             "People whose lead was created in %s, by the stage they reached since (recent "
             "leads may still move on: later steps are not final); 95 %% Wilson intervals.",
             r->period.label);
    if (!(r->stage_count[0] > 0))
        return ALLOT_OK;
    size_t weak = 0;
    for (size_t i = 1; i < 4; i++)
        if (isfinite(r->stage_rate[i]) &&
            (!isfinite(r->stage_rate[weak]) || r->stage_rate[i] < r->stage_rate[weak]))
            weak = i;
    snprintf(it->takeaway, sizeof it->takeaway,
             "%s of leads became customers; the weakest step is %s to %s (%s)",
             pct(r->stage_count[4] / r->stage_count[0], a, sizeof a), STAGES[weak],
             STAGES[weak + 1],
             isfinite(r->stage_rate[weak]) ? pct(r->stage_rate[weak], b, sizeof b) : "n/a");
    return ALLOT_OK;
}

/* ---- bridge ----------------------------------------------------------- */

static const char *const BRIDGE_STEPS[4] = {"New", "Expansion", "Contraction", "Churn"};

static allot_status build_bridge(const allot_report *r, chartset_item *it, allot_error *err)
{
    char a[64], b[64], c[64], d[64];
    it->chart.kind = CHART_BRIDGE;
    chart_bridge *br = &it->chart.u.bridge;
    snprintf(it->title, sizeof it->title, "ARR bridge, %s", r->period.label);
    snprintf(it->empty, sizeof it->empty, "No recurring revenue in %s", r->period.label);
    set_text(it, r, ALLOT_REPORT_BRIDGE);
    br->unit = CHART_UNIT_MONEY;
    br->currency = r->currency;
    br->start_label = "Start";
    br->end_label = "End";
    if (it->missing)
        return ALLOT_OK;
    double *steps = own(it, 4 * sizeof *steps);
    if (!steps)
        return nomem(err);
    steps[0] = r->arr_new;
    steps[1] = r->arr_expansion;
    steps[2] = -r->arr_contraction;
    steps[3] = -r->arr_churn;
    br->start = r->arr_start;
    double end = r->arr_end;
    /* The labels foot: start and end rounded once to what is shown (whole
     * units, cents when everything is below 100), the steps by largest
     * remainder (allot_money_foot_bridge), so start + steps = end as
     * written; each rounded on its own, the sample's 2025Q3 bridge read
     * 1,849,420 + 784,028 + 48,899 - 95,055 = 2,587,292 beside an end of
     * 2,587,293. A bridge whose steps do not lead to its end is drawn as
     * it is. */
    double max_abs = fabs(r->arr_start), run = r->arr_start; /* as chart_draw_bridge */
    for (int i = 0; i < 4; i++) {
        run += steps[i];
        max_abs = fmax(max_abs, fmax(fabs(steps[i]), fabs(run)));
    }
    int decimals = max_abs >= 100 ? 0 : 2;
    double unit = decimals ? 100 : 1;
    int64_t moves[4], moved[4], first, last;
    for (int i = 0; i < 4; i++)
        moves[i] = (int64_t)llround(steps[i] * 1e6);
    if (allot_money_foot_bridge((int64_t)llround(r->arr_start * 1e6), moves, 4, decimals, &first,
                                moved, &last) == ALLOT_OK &&
        last == allot_money_micros_to_minor((int64_t)llround(r->arr_end * 1e6), decimals)) {
        br->start = (double)first / unit;
        for (int i = 0; i < 4; i++)
            steps[i] = (double)moved[i] / unit;
        end = (double)last / unit;
    }
    br->n_steps = 4;
    br->step_labels = BRIDGE_STEPS;
    br->steps = steps;
    /* The chain to the previous period's chart: its end, at its rates,
     * rounded once as shown there, + FX = this start (foot_bridge with
     * the one move). */
    int64_t start_micros = (int64_t)llround(r->arr_start * 1e6);
    int64_t fx = isfinite(r->arr_fx) ? (int64_t)llround(r->arr_fx * 1e6) : 0;
    int64_t opening = 0, fx_shown = 0;
    char chain[200] = "", e[64], f[64];
    if (isfinite(r->arr_fx) && allot_money_foot_bridge(start_micros - fx, &fx, 1, decimals,
                                                       &opening, &fx_shown, NULL) == ALLOT_OK)
        snprintf(chain, sizeof chain, " Start = %s's end %s at its rates (%s) %s FX %s.",
                 r->prior.label, money(r, (double)opening / unit, e, sizeof e),
                 r->prior_rates_date, fx_shown < 0 ? "\u2212" : "+",
                 money(r, (double)llabs(fx_shown) / unit, f, sizeof f));
    snprintf(it->note, sizeof it->note,
             "ARR = 12 x MRR on the last day before the period and on its last day, all at "
             "the rates of %s (constant currency).%s NRR and GRR over the accounts present "
             "at the start.",
             r->rates_date, chain);
    if (r->arr_start > 0)
        snprintf(it->takeaway, sizeof it->takeaway,
                 "ARR %s %s to %s; net revenue retention %s, gross %s",
                 r->arr_end >= r->arr_start ? "grew" : "fell",
                 pct(fabs(r->arr_end / r->arr_start - 1), a, sizeof a),
                 money(r, end, b, sizeof b), fmt_percent(r->nrr, 1, c, sizeof c),
                 fmt_percent(r->grr, 1, d, sizeof d));
    else if (r->arr_end > 0)
        snprintf(it->takeaway, sizeof it->takeaway, "ARR reached %s, all from new accounts",
                 money(r, end, b, sizeof b));
    return ALLOT_OK;
}

/* ---- cohorts ---------------------------------------------------------- */

static allot_status build_cohorts(const allot_report *r, chartset_item *it, allot_error *err)
{
    char a[64];
    it->chart.kind = CHART_HEATMAP;
    chart_heatmap *h = &it->chart.u.heatmap;
    snprintf(it->title, sizeof it->title, "Accounts still active by monthly cohort");
    snprintf(it->empty, sizeof it->empty, "No subscriptions up to the end of %s",
             r->period.label);
    set_text(it, r, ALLOT_REPORT_COHORTS);
    h->col_title = "Months since the first subscription";
    if (it->missing || r->n_cohorts == 0)
        return ALLOT_OK;
    char **cols = own(it, r->n_ages * sizeof *cols);
    char *col_text = own(it, r->n_ages * 24);
    if (!cols || !col_text)
        return nomem(err);
    for (size_t k = 0; k < r->n_ages; k++) {
        cols[k] = col_text + k * 24;
        snprintf(cols[k], 24, "M%zu", k);
    }
    h->n_rows = r->n_cohorts;
    h->n_cols = r->n_ages;
    h->row_labels = (const char *const *)r->cohort_labels;
    h->col_labels = (const char *const *)cols;
    h->values = r->retention;
    /* Shade from the lowest value seen, rounded down to 10 %, to 100 %. */
    double lowest = 1;
    for (size_t i = 0; i < r->n_cohorts * r->n_ages; i++)
        if (isfinite(r->retention[i]))
            lowest = fmin(lowest, r->retention[i]);
    h->shade_min = fmin(floor(lowest * 10 - 1e-9) / 10, 0.9);
    h->shade_max = 1;
    snprintf(it->note, sizeof it->note,
             "Share of each cohort's accounts with revenue in the month (logo retention); "
             "shades run from %.0f %% (lightest) to 100 %%; empty cells are months not yet "
             "complete.",
             h->shade_min * 100);
    /* The longest age observed in at least three cohorts. */
    for (size_t k = r->n_ages; k-- > 1;) {
        size_t seen = 0;
        for (size_t c = 0; c < r->n_cohorts; c++)
            seen += isfinite(r->retention[c * r->n_ages + k]);
        if (seen >= 3 && r->blended && isfinite(r->blended[k])) {
            snprintf(it->takeaway, sizeof it->takeaway,
                     "%s of accounts are still active in month %zu (pooled over %zu cohorts)",
                     pct(r->blended[k], a, sizeof a), k, seen);
            break;
        }
    }
    return ALLOT_OK;
}

/* ---- survival --------------------------------------------------------- */

static double s_at(const allot_report_curve *c, double t)
{
    double s = 1;
    for (size_t i = 0; i < c->n && c->t[i] <= t; i++)
        s = c->s[i];
    return s;
}

static allot_status build_survival(const allot_report *r, chartset_item *it, allot_error *err)
{
    char a[64], b[64];
    it->chart.kind = CHART_KM;
    chart_km *km = &it->chart.u.km;
    snprintf(it->title, sizeof it->title, "Customers still subscribed, by acquisition channel");
    snprintf(it->empty, sizeof it->empty, "No subscriptions up to the end of %s",
             r->period.label);
    set_text(it, r, ALLOT_REPORT_SURVIVAL);
    km->x_title = "Days since the first subscription";
    if (it->missing || r->n_curves == 0)
        return ALLOT_OK;
    chart_km_series *series = own(it, r->n_curves * sizeof *series);
    if (!series)
        return nomem(err);
    double horizon = INFINITY;
    for (size_t i = 0; i < r->n_curves; i++) {
        const allot_report_curve *c = &r->curves[i];
        series[i] = (chart_km_series){c->label, c->n, c->t, c->s, c->lo, c->hi, c->t_end};
        horizon = fmin(horizon, c->t_end);
    }
    km->n_series = r->n_curves;
    km->series = series;
    it->km = series;
    char more[96] = "";
    if (r->n_channels_retained > r->n_curves)
        snprintf(more, sizeof more, "The %zu channels with the most customers of %zu. ",
                 r->n_curves, r->n_channels_retained);
    snprintf(it->note, sizeof it->note,
             "%sKaplan-Meier estimate; bands are pointwise 95 %% intervals (%s). Customers "
             "still subscribed are censored at the data's end.",
             more, r->interval_name ? r->interval_name : "log-log");
    if (!isfinite(horizon) || horizon <= 0)
        return ALLOT_OK;
    horizon = floor(fmin(horizon, 365));
    /* Best and worst among the curves with at least 10 customers (the
     * largest is always a candidate), so one customer cannot lead. */
    size_t best = 0, worst = 0;
    for (size_t i = 1; i < r->n_curves; i++) {
        if (r->curves[i].customers < 10)
            continue;
        if (s_at(&r->curves[i], horizon) > s_at(&r->curves[best], horizon))
            best = i;
        if (s_at(&r->curves[i], horizon) < s_at(&r->curves[worst], horizon))
            worst = i;
    }
    if (r->n_curves == 1 || best == worst)
        snprintf(it->takeaway, sizeof it->takeaway, "%s of customers are still subscribed after %.0f days",
                 pct(s_at(&r->curves[best], horizon), a, sizeof a), horizon);
    else
        snprintf(it->takeaway, sizeof it->takeaway,
                 "After %.0f days, %s keeps %s of its customers and %s %s", horizon,
                 r->curves[best].label, pct(s_at(&r->curves[best], horizon), a, sizeof a),
                 r->curves[worst].label, pct(s_at(&r->curves[worst], horizon), b, sizeof b));
    return ALLOT_OK;
}

/* ---- trend ------------------------------------------------------------ */

static const char *const TREND_SERIES[2] = {"Won revenue", "Pipeline created"};

static allot_status build_trend(const allot_report *r, chartset_item *it, allot_error *err)
{
    char a[64], b[64];
    it->chart.kind = CHART_TREND;
    chart_trend *t = &it->chart.u.trend;
    snprintf(it->title, sizeof it->title, "Pipeline created and revenue won by month");
    snprintf(it->empty, sizeof it->empty, "No deals in the twelve months to %s",
             r->period.label);
    set_text(it, r, ALLOT_REPORT_TREND);
    t->unit = CHART_UNIT_MONEY;
    t->currency = r->currency;
    if (it->missing || r->n_months == 0)
        return ALLOT_OK;
    size_t n = r->n_months;
    double *v = own(it, 2 * n * sizeof *v);
    if (!v)
        return nomem(err);
    memcpy(v, r->won, n * sizeof *v);
    memcpy(v + n, r->pipeline, n * sizeof *v);
    t->n_points = n;
    t->n_series = 2;
    t->point_labels = (const char *const *)r->months;
    t->series_labels = TREND_SERIES;
    t->values = v;
    snprintf(it->note, sizeof it->note,
             "Pipeline: amounts of deals created in the month, at their creation day's rate; "
             "won: amounts of deals closed won in the month, at their close date's (%s).%s%s",
             r->currency, r->trend_gap[0] ? " " : "", r->trend_gap);
    if (r->coverage != ALLOT_REPORT_COVERED) {
        /* The last months are not over in the data (README "A period the
         * data do not cover"): the months after its end are not drawn, and
         * the takeaway gives the period so far, not a fall against the
         * three months before. */
        char d_end[11], p_first[11];
        allot_date_format(r->data_end, d_end);
        allot_date_format(r->period.start, p_first);
        size_t len = strlen(it->note);
        snprintf(it->note + len, sizeof it->note - len,
                 " Months after the data's end (%s) are not drawn.", d_end);
        if (r->coverage == ALLOT_REPORT_NO_DATA) {
            snprintf(it->takeaway, sizeof it->takeaway,
                     "The data ends on %s, before %s begins (%s): no month of it is in the data",
                     d_end, r->period.label, p_first);
        } else {
            double so_far = 0;
            int known = 1;
            for (size_t i = 0; i < n; i++) {
                int64_t month;
                char day[11];
                snprintf(day, sizeof day, "%s-01", r->months[i]);
                if (allot_date_parse(day, &month) != ALLOT_OK || month < r->period.start ||
                    month > r->data_end)
                    continue;
                if (isfinite(r->won[i]))
                    so_far += r->won[i];
                else
                    known = 0;
            }
            if (known)
                snprintf(it->takeaway, sizeof it->takeaway,
                         "Won revenue in %s to %s (the data ends %s): %s", r->period.label,
                         d_end, d_end, money(r, so_far, a, sizeof a));
        }
        return ALLOT_OK;
    }
    int complete = 1; /* the last six months all have their figures */
    for (size_t i = n >= 6 ? n - 6 : 0; i < n; i++)
        complete &= isfinite(r->won[i]);
    if (n >= 6 && complete) {
        double last3 = 0, prev3 = 0;
        for (size_t i = n - 3; i < n; i++)
            last3 += r->won[i];
        for (size_t i = n - 6; i < n - 3; i++)
            prev3 += r->won[i];
        if (prev3 > 0)
            snprintf(it->takeaway, sizeof it->takeaway,
                     "Won revenue in the last three months: %s, %s %s on the three before",
                     money(r, last3, a, sizeof a), last3 >= prev3 ? "up" : "down",
                     pct(fabs(last3 / prev3 - 1), b, sizeof b));
        else
            snprintf(it->takeaway, sizeof it->takeaway,
                     "Won revenue in the last three months: %s", money(r, last3, a, sizeof a));
    }
    return ALLOT_OK;
}

static int all_zero(const double *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        if (isfinite(v[i]) && v[i] != 0)
            return 0;
    return 1;
}

/* 1 when the chart will draw its empty message (the drawing functions'
 * own test, repeated so the tool can warn). */
static int chart_empty(const chart *c)
{
    switch (c->kind) {
    case CHART_BARS: return all_zero(c->u.bars.values, c->u.bars.n);
    case CHART_DOTS: return all_zero(c->u.dots.values, c->u.dots.n_rows * c->u.dots.n_series);
    case CHART_SCATTER: return c->u.scatter.n == 0;
    case CHART_FUNNEL: return c->u.funnel.n == 0 || !(c->u.funnel.counts[0] > 0);
    case CHART_BRIDGE:
        return (!isfinite(c->u.bridge.start) || c->u.bridge.start == 0) &&
               all_zero(c->u.bridge.steps, c->u.bridge.n_steps);
    case CHART_HEATMAP: return c->u.heatmap.n_rows == 0 || c->u.heatmap.n_cols == 0;
    case CHART_KM: return c->u.km.n_series == 0;
    case CHART_TREND:
        return all_zero(c->u.trend.values, c->u.trend.n_points * c->u.trend.n_series);
    }
    return 1;
}

allot_status chartset_build(const allot_report *r, chartset_id id, chartset_item *it,
                            allot_error *err)
{
    memset(it, 0, sizeof *it);
    allot_status s;
    switch (id) {
    case CHARTSET_CREDIT: s = build_credit(r, it, err); break;
    case CHARTSET_MODELS: s = build_models(r, it, err); break;
    case CHARTSET_ROI: s = build_roi(r, it, err); break;
    case CHARTSET_FUNNEL: s = build_funnel(r, it, err); break;
    case CHARTSET_BRIDGE: s = build_bridge(r, it, err); break;
    case CHARTSET_COHORTS: s = build_cohorts(r, it, err); break;
    case CHARTSET_SURVIVAL: s = build_survival(r, it, err); break;
    case CHARTSET_TREND: s = build_trend(r, it, err); break;
    default:
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0, "unknown chart id %d", (int)id);
    }
    if (s == ALLOT_OK && chart_empty(&it->chart))
        it->missing = 1;
    return s;
}
