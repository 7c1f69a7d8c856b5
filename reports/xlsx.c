#include "xlsx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "funnel.h"
#include "labels.h"
#include "lifetime.h"
#include "money.h"
#include "period.h"
#include "report_data.h"
#include "retention.h"
#include "roi.h"
#include "store.h"
#include "taxonomy.h"

/* Fixed creation time (2000-01-01T00:00:00Z): libxlsxwriter also stamps the
 * zip entries with it, so equal databases give equal bytes. */
#define FIXED_CREATED ((time_t)946684800)

enum { SHEET_SUMMARY, SHEET_CHANNEL, SHEET_CAMPAIGN, SHEET_MODELS, SHEET_FUNNEL,
       SHEET_RETENTION, SHEET_CLV, SHEET_RECON, SHEET_LEDGER, SHEET_DEFS, SHEET_COUNT };

static const char *const sheet_names[SHEET_COUNT] = {
    "Summary", "Attribution by channel", "Attribution by campaign", "Model comparison",
    "Funnel", "Retention", "CLV", "Reconciliation", "Ledger", "Definitions"};

typedef struct book {
    lxw_workbook *wb;
    lxw_worksheet *ws[SHEET_COUNT];
    sqlite3 *db;
    const allot_xlsx_options *opt;
    allot_general general;
    allot_scoreboard_config sc;
    allot_report r;
    int exponent;                /* of the reporting currency */
    double unit;                 /* 10^exponent */
    char missing[SHEET_COUNT][256];
    struct { char code[4]; lxw_format *format; } currency_formats[16];
    size_t n_currency_formats;
    lxw_format *title, *bold, *head, *money, *money_total, *pct, *count, *num, *num2, *date,
        *datetime, *note, *multiple, *wrap;
    allot_xlsx_summary *sum;
    allot_error *err;
} book;

int allot_xlsx_sheet_name_valid(const char *name)
{
    if (!name || !*name || name[0] == '\'' || name[strlen(name) - 1] == '\'')
        return 0;
    size_t points = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (strchr("[]:*?/\\", *p))
            return 0;
        if ((*p & 0xC0) != 0x80)
            points++;
    }
    return points <= 31;
}

/* ---- small writers ------------------------------------------------------ */

static void text(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s, lxw_format *f)
{
    worksheet_write_string(ws, row, col, s ? s : "", f);
}

/* A number, or an empty cell for NAN (unknown is not zero). */
static void number(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, double v, lxw_format *f)
{
    if (isfinite(v))
        worksheet_write_number(ws, row, col, v, f);
    else
        worksheet_write_blank(ws, row, col, f);
}

static void header(book *b, lxw_worksheet *ws, lxw_row_t row, const char *const *names,
                   size_t n)
{
    for (size_t i = 0; i < n; i++)
        text(ws, row, (lxw_col_t)i, names[i], b->head);
}

/* "B12" for a zero-based cell. */
static char *cell(lxw_row_t row, lxw_col_t col, char *buf)
{
    lxw_rowcol_to_cell(buf, row, col);
    return buf;
}

static lxw_worksheet *sheet(book *b, int which)
{
    lxw_worksheet *ws = b->ws[which];
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_set_paper(ws, 9); /* A4 */
    return ws;
}

/* A sheet whose data is missing says so and how to produce it. */
static int say_missing(book *b, int which, lxw_row_t row, const char *why)
{
    if (!why || !*why)
        return 0;
    snprintf(b->missing[which], sizeof b->missing[which], "%.*s",
             (int)sizeof b->missing[which] - 1, why);
    text(b->ws[which], row, 0, why, b->note);
    return 1;
}

static lxw_format *money_format(book *b, const char *currency, int bold)
{
    int e = allot_currency_exponent(currency);
    char fmt[64];
    snprintf(fmt, sizeof fmt, "#,##0%s%.*s \"%s\";-#,##0%s%.*s \"%s\"", e > 0 ? "." : "",
             e > 0 ? e : 0, "000000", currency, e > 0 ? "." : "", e > 0 ? e : 0, "000000",
             currency);
    lxw_format *f = workbook_add_format(b->wb);
    format_set_num_format(f, fmt);
    if (bold)
        format_set_bold(f);
    return f;
}

/* The money format of a deal currency, made once per currency. */
static lxw_format *currency_format(book *b, const char *currency)
{
    for (size_t i = 0; i < b->n_currency_formats; i++)
        if (strcmp(b->currency_formats[i].code, currency) == 0)
            return b->currency_formats[i].format;
    lxw_format *f = money_format(b, currency, 0);
    if (b->n_currency_formats < sizeof b->currency_formats / sizeof b->currency_formats[0]) {
        snprintf(b->currency_formats[b->n_currency_formats].code, 4, "%s", currency);
        b->currency_formats[b->n_currency_formats++].format = f;
    }
    return f;
}

static void make_formats(book *b)
{
    lxw_workbook *wb = b->wb;
    b->title = workbook_add_format(wb);
    format_set_bold(b->title);
    format_set_font_size(b->title, 16);
    b->bold = workbook_add_format(wb);
    format_set_bold(b->bold);
    b->head = workbook_add_format(wb);
    format_set_bold(b->head);
    format_set_bg_color(b->head, 0xD9E1F2);
    format_set_bottom(b->head, LXW_BORDER_THIN);
    format_set_text_wrap(b->head);
    b->money = money_format(b, b->r.currency, 0);
    b->money_total = money_format(b, b->r.currency, 1);
    b->pct = workbook_add_format(wb);
    format_set_num_format(b->pct, "0.0%");
    b->count = workbook_add_format(wb);
    format_set_num_format(b->count, "#,##0");
    b->num = workbook_add_format(wb);
    format_set_num_format(b->num, "#,##0.0");
    b->num2 = workbook_add_format(wb);
    format_set_num_format(b->num2, "0.0000");
    b->multiple = workbook_add_format(wb);
    format_set_num_format(b->multiple, "0.00\"x\"");
    b->date = workbook_add_format(wb);
    format_set_num_format(b->date, "yyyy-mm-dd");
    b->datetime = workbook_add_format(wb);
    format_set_num_format(b->datetime, "yyyy-mm-dd hh:mm");
    b->note = workbook_add_format(wb);
    format_set_italic(b->note);
    format_set_font_color(b->note, 0x595959);
    b->wrap = workbook_add_format(wb);
    format_set_text_wrap(b->wrap);
    format_set_align(b->wrap, LXW_ALIGN_VERTICAL_TOP);
}

/* The date and time the reporting zone's clocks showed at t. */
static lxw_datetime datetime_of_epoch(const allot_zone *zone, int64_t t)
{
    int64_t local = allot_zone_local(zone, t);
    int64_t day = allot_zone_day_of(zone, t);
    char d[11];
    allot_date_format(day, d);
    int64_t secs = local - allot_epoch_of_day(day);
    lxw_datetime dt = {atoi(d), atoi(d + 5), atoi(d + 8), (int)(secs / 3600),
                       (int)(secs / 60 % 60), (double)(secs % 60)};
    return dt;
}

static allot_status db_fail(book *b, int rc, const char *what)
{
    return allot_store_fail(b->db, rc, what, b->err);
}

/* ---- Attribution by channel and Model comparison ------------------------ */

static void channel_sheets(book *b)
{
    const allot_report *r = &b->r;
    lxw_worksheet *ws = sheet(b, SHEET_CHANNEL), *cmp = sheet(b, SHEET_MODELS);
    char a[16], z[16], f[96];
    if (r->missing[ALLOT_REPORT_CREDIT][0]) {
        say_missing(b, SHEET_CHANNEL, 0, r->missing[ALLOT_REPORT_CREDIT]);
        say_missing(b, SHEET_MODELS, 0, r->missing[ALLOT_REPORT_CREDIT]);
        return;
    }
    size_t nm = r->n_models, nc = r->n_channels;
    char title[160];
    snprintf(title, sizeof title, "Credited won revenue by channel, %s, every model (%s)",
             r->period.label, r->currency);
    text(ws, 0, 0, title, b->bold);
    snprintf(title, sizeof title, "Channel share of credited revenue, %s, every model",
             r->period.label);
    text(cmp, 0, 0, title, b->bold);
    text(ws, 2, 0, "Channel", b->head);
    text(cmp, 2, 0, "Channel", b->head);
    for (size_t m = 0; m < nm; m++) {
        text(ws, 2, (lxw_col_t)(1 + m), r->models[m], b->head);
        text(cmp, 2, (lxw_col_t)(1 + m), r->models[m], b->head);
    }
    text(ws, 2, (lxw_col_t)(1 + nm), "Spend", b->head);
    double *total = calloc(nm + 1, sizeof *total);
    int64_t spend_minor = 0;
    for (size_t c = 0; c < nc; c++)
        for (size_t m = 0; m < nm; m++)
            total[m] += r->credit[c * nm + m];
    /* The cells are whole minor units, so is their sum: store the double
     * nearest to it, the same for every model (adding doubles may miss it
     * by an ulp, and a Total of x.489999999 beside x.490000001 fails an
     * equality test in the sheet). */
    for (size_t m = 0; m < nm; m++)
        total[m] = round(total[m] * b->unit) / b->unit;
    for (size_t c = 0; c < nc; c++) {
        lxw_row_t row = (lxw_row_t)(3 + c);
        text(ws, row, 0, r->channels[c], NULL);
        text(cmp, row, 0, r->channels[c], NULL);
        for (size_t m = 0; m < nm; m++) {
            double v = r->credit[c * nm + m];
            number(ws, row, (lxw_col_t)(1 + m), v, b->money);
            number(cmp, row, (lxw_col_t)(1 + m), total[m] != 0 ? v / total[m] : NAN, b->pct);
        }
        number(ws, row, (lxw_col_t)(1 + nm), r->channel_spend ? r->channel_spend[c] : 0,
               b->money);
        /* each cell holds whole minor units: add them exactly */
        spend_minor += r->channel_spend ? llround(r->channel_spend[c] * b->unit) : 0;
    }
    /* Spend cells are whole minor units, footed (lib/roi.h: largest
     * remainder), so they add up to their Total, the Summary's marketing
     * spend rounded once (allot_report_spend_minor); they held each
     * channel's micros (USD 2026Q3 Paid Social 39,202.300138 shown as
     * 39,202.30), whose displayed cents could miss the Total by a cent. */
    total[nm] = (double)spend_minor / b->unit;
    lxw_row_t last = (lxw_row_t)(2 + nc), trow = (lxw_row_t)(3 + nc);
    text(ws, trow, 0, "Total", b->bold);
    text(cmp, trow, 0, "Total", b->bold);
    for (size_t m = 0; m <= nm; m++) {
        lxw_col_t col = (lxw_col_t)(1 + m);
        if (m < nm)
            snprintf(f, sizeof f, "=SUM(%s:%s)", cell(3, col, a), cell(last, col, z));
        else
            snprintf(f, sizeof f, "=ROUND(SUM(%s:%s),%d)", cell(3, col, a), cell(last, col, z),
                     b->exponent);
        worksheet_write_formula_num(ws, trow, col, f, b->money_total, total[m]);
        if (m < nm)
            worksheet_write_formula_num(cmp, trow, col, f, b->pct, total[m] != 0 ? 1.0 : 0.0);
    }
    text(ws, trow + 2, 0,
         "Each model splits every won deal's amount over its journey's touches; the "
         "(unattributed) row holds deals with no touch in the lookback window, so each "
         "column totals the booked revenue of the period (see Reconciliation).",
         b->note);
    worksheet_set_column(ws, 0, 0, 26, NULL);
    worksheet_set_column(ws, 1, (lxw_col_t)(1 + nm), 15, NULL);
    worksheet_set_column(cmp, 0, 0, 26, NULL);
    worksheet_set_column(cmp, 1, (lxw_col_t)nm, 12, NULL);
    worksheet_freeze_panes(ws, 3, 1);
    worksheet_freeze_panes(cmp, 3, 1);
    worksheet_autofilter(ws, 2, 0, last, (lxw_col_t)(1 + nm));
    worksheet_autofilter(cmp, 2, 0, last, (lxw_col_t)nm);
    free(total);
    if (nc == 0)
        return;

    lxw_chart *chart = workbook_add_chart(b->wb, LXW_CHART_BAR);
    lxw_chart_series *s = chart_add_series(chart, NULL, NULL);
    chart_series_set_categories(s, sheet_names[SHEET_CHANNEL], 3, 0, last, 0);
    chart_series_set_values(s, sheet_names[SHEET_CHANNEL], 3, 1, last, 1);
    chart_series_set_name_range(s, sheet_names[SHEET_CHANNEL], 2, 1);
    snprintf(title, sizeof title, "Credit by channel (%s)", r->model);
    chart_title_set_name(chart, title);
    chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
    chart_axis_set_reverse(chart->y_axis);
    lxw_chart_options place = {.x_scale = 1.4, .y_scale = 1.3};
    worksheet_insert_chart_opt(ws, (lxw_row_t)(trow + 4), 0, chart, &place);

    lxw_chart *dots = workbook_add_chart(b->wb, LXW_CHART_BAR);
    for (size_t m = 0; m < nm; m++) {
        lxw_chart_series *sm = chart_add_series(dots, NULL, NULL);
        chart_series_set_categories(sm, sheet_names[SHEET_MODELS], 3, 0, last, 0);
        chart_series_set_values(sm, sheet_names[SHEET_MODELS], 3, (lxw_col_t)(1 + m), last,
                                (lxw_col_t)(1 + m));
        chart_series_set_name_range(sm, sheet_names[SHEET_MODELS], 2, (lxw_col_t)(1 + m));
    }
    chart_title_set_name(dots, "Channel share under each model");
    chart_axis_set_reverse(dots->y_axis);
    chart_axis_set_num_format(dots->x_axis, "0%");
    lxw_chart_options big = {.x_scale = 2.0, .y_scale = 2.2};
    worksheet_insert_chart_opt(cmp, (lxw_row_t)(trow + 2), 0, dots, &big);
}

/* ---- Attribution by campaign -------------------------------------------- */

static allot_status campaign_sheet(book *b)
{
    lxw_worksheet *ws = sheet(b, SHEET_CAMPAIGN);
    const allot_report *r = &b->r;
    if (say_missing(b, SHEET_CAMPAIGN, 0, r->missing[ALLOT_REPORT_CREDIT]))
        return ALLOT_OK;
    allot_roi roi;
    memset(&roi, 0, sizeof roi);
    allot_roi_options o;
    memset(&o, 0, sizeof o);
    o.run_id = r->credit_run;
    o.model = r->model;
    o.group_by = ALLOT_GROUP_CAMPAIGN;
    o.unit = ALLOT_COHORT_ALL;
    o.only = &r->period;
    o.fiscal_start_month = b->general.fiscal_year_start_month;
    o.currency = r->currency;
    o.taxonomy = b->sc.taxonomy;
    o.bootstrap = b->opt->bootstrap;
    o.seed = b->opt->seed;
    allot_status s = allot_roi_compute(b->db, &o, &roi, b->err);
    if (s == ALLOT_ERR_DATA) { /* no spend or no run: say so, keep the sheet */
        say_missing(b, SHEET_CAMPAIGN, 0, b->err->message);
        allot_error_clear(b->err);
        allot_roi_release(&roi);
        return ALLOT_OK;
    }
    if (s != ALLOT_OK) {
        allot_roi_release(&roi);
        return s;
    }
    char title[320];
    snprintf(title, sizeof title,
             "Campaigns, %s, model %s: credited revenue, spend, ROI, ROAS, CAC (%s)%s",
             r->period.label, r->model, r->currency,
             roi.bootstrap ? "; ROI interval: percentile bootstrap over deals" : "");
    text(ws, 0, 0, title, b->bold);
    static const char *const cols[] = {"Campaign ID", "Campaign", "Channel", "Spend",
                                       "Credited revenue", "ROI", "ROI lower", "ROI upper",
                                       "ROAS", "New customers", "CAC", "Deals credited"};
    header(b, ws, 2, cols, sizeof cols / sizeof cols[0]);
    sqlite3_stmt *nm;
    s = allot_store_prepare(b->db, "SELECT name, channel FROM campaigns WHERE campaign_id = ?",
                            &nm, b->err);
    lxw_row_t row = 3;
    for (size_t i = 0; s == ALLOT_OK && i < roi.n_rows; i++) {
        const allot_roi_row *x = &roi.rows[i];
        if (strcmp(x->model, r->model) != 0)
            continue;
        sqlite3_reset(nm);
        sqlite3_bind_text(nm, 1, x->group, -1, SQLITE_TRANSIENT);
        int found = sqlite3_step(nm) == SQLITE_ROW;
        text(ws, row, 0, x->group, NULL);
        text(ws, row, 1, found ? (const char *)sqlite3_column_text(nm, 0) : "", NULL);
        text(ws, row, 2, found ? (const char *)sqlite3_column_text(nm, 1) : "", NULL);
        number(ws, row, 3, (double)x->spend_minor / b->unit, b->money); /* footed */
        number(ws, row, 4, (double)x->revenue_micros / 1e6, b->money);
        number(ws, row, 5, x->roi, b->pct);
        number(ws, row, 6, x->roi_lower, b->pct);
        number(ws, row, 7, x->roi_upper, b->pct);
        number(ws, row, 8, x->roas, b->multiple);
        number(ws, row, 9, x->customers, b->num);
        number(ws, row, 10, x->cac_micros / 1e6, b->money);
        number(ws, row, 11, x->deals, b->num);
        row++;
    }
    sqlite3_finalize(nm);
    if (row == 3)
        text(ws, 3, 0, "No campaign has spend or credit in this period.", b->note);
    else
        worksheet_autofilter(ws, 2, 0, row - 1, 11);
    text(ws, row + 1, 0,
         "ROI = (credited revenue - spend) / spend; ROAS = credited revenue / spend; CAC = "
         "spend / new customers credited. Empty cells are undefined (no spend, no customers).",
         b->note);
    worksheet_set_column(ws, 0, 0, 14, NULL);
    worksheet_set_column(ws, 1, 1, 34, NULL);
    worksheet_set_column(ws, 2, 2, 16, NULL);
    worksheet_set_column(ws, 3, 11, 14, NULL);
    worksheet_freeze_panes(ws, 3, 2);
    allot_roi_release(&roi);
    return s;
}

/* ---- Funnel -------------------------------------------------------------- */

static allot_status funnel_sheet(book *b)
{
    lxw_worksheet *ws = sheet(b, SHEET_FUNNEL);
    const allot_report *r = &b->r;
    /* the report computed it (the cohort by first-touch channel) unless the
     * database has no people */
    allot_scoreboard own;
    memset(&own, 0, sizeof own);
    const allot_scoreboard *sb = &r->funnel;
    if (!r->has_funnel) {
        allot_scoreboard_options o = b->sc.options;
        o.cohort = ALLOT_COHORT_ALL;
        o.only = &r->period;
        o.group_by = ALLOT_GROUP_CHANNEL;
        allot_status s = allot_scoreboard_compute(b->db, &o, &own, b->err);
        if (s != ALLOT_OK) {
            allot_scoreboard_release(&own);
            return s;
        }
        sb = &own;
    }
    char title[200];
    snprintf(title, sizeof title,
             "Funnel of the %s lead cohort by first-touch channel; %s %.0f %% intervals",
             r->period.label, allot_interval_method_name(sb->method), 100 * (1 - sb->alpha));
    text(ws, 0, 0, title, b->bold);
    if (sb->n_funnel == 0) {
        snprintf(title, sizeof title, "No leads created in %s.", r->period.label);
        say_missing(b, SHEET_FUNNEL, 2, title);
        allot_scoreboard_release(&own);
        return ALLOT_OK;
    }
    static const char *const cols[] = {"Channel", "Stage", "Count", "Next stage",
                                       "Conversion", "Lower", "Upper"};
    header(b, ws, 2, cols, 7);
    lxw_row_t row = 3;
    for (size_t i = 0; i < sb->n_funnel; i++) {
        const allot_funnel_cell *c = &sb->funnel[i];
        for (int k = 0; k < ALLOT_STAGE_COUNT; k++, row++) {
            text(ws, row, 0, c->group, NULL);
            text(ws, row, 1, allot_stage_name((allot_stage)k), NULL);
            number(ws, row, 2, c->count[k], b->count);
            /* [k]: k -> k+1; the won row carries MQL -> won. */
            const char *next = k + 1 < ALLOT_STAGE_COUNT ? allot_stage_name((allot_stage)(k + 1))
                                                         : "won (from mql)";
            text(ws, row, 3, next, NULL);
            number(ws, row, 4, c->conversion[k].estimate, b->pct);
            number(ws, row, 5, c->conversion[k].lower, b->pct);
            number(ws, row, 6, c->conversion[k].upper, b->pct);
        }
    }
    worksheet_autofilter(ws, 2, 0, row - 1, 6);
    row += 1;
    text(ws, row++, 0, "Speed to lead (hours from MQL to first sales activity; Kaplan-Meier, "
                       "leads never followed up censored)", b->bold);
    char sla[64];
    snprintf(sla, sizeof sla, "Within %.0f h", sb->sla_hours);
    const char *const speed[] = {"Channel", "MQLs", "Followed up", "SLA eligible", sla,
                                 "Lower", "Upper", "Q1 hours", "Median hours", "Q3 hours"};
    header(b, ws, row++, speed, 10);
    for (size_t i = 0; i < sb->n_funnel; i++, row++) {
        const allot_funnel_cell *c = &sb->funnel[i];
        text(ws, row, 0, c->group, NULL);
        number(ws, row, 1, c->mqls, b->count);
        number(ws, row, 2, c->followed_up, b->count);
        number(ws, row, 3, c->sla_eligible, b->count);
        number(ws, row, 4, c->sla_share.estimate, b->pct);
        number(ws, row, 5, c->sla_share.lower, b->pct);
        number(ws, row, 6, c->sla_share.upper, b->pct);
        number(ws, row, 7, c->hours_q1, b->num);
        number(ws, row, 8, c->hours_median, b->num);
        number(ws, row, 9, c->hours_q3, b->num);
    }
    row += 1;
    text(ws, row++, 0, "Deals created in the period: win rate, deal size, sales cycle (days; "
                       "open deals censored)", b->bold);
    static const char *const deal_cols[] = {"Channel", "Deals", "Open", "Closed", "Won",
                                            "Win rate", "Lower", "Upper", "Mean won",
                                            "Median won", "Won, no amount",
                                            "Median cycle days", "Marketing-sourced pipeline",
                                            "Pipeline"};
    header(b, ws, row++, deal_cols, 14);
    for (size_t i = 0; i < sb->n_deals; i++, row++) {
        const allot_deal_cell *d = &sb->deals[i];
        text(ws, row, 0, d->group, NULL);
        number(ws, row, 1, d->deals, b->count);
        number(ws, row, 2, d->open, b->count);
        number(ws, row, 3, d->closed, b->count);
        number(ws, row, 4, d->won, b->count);
        number(ws, row, 5, d->win_rate.estimate, b->pct);
        number(ws, row, 6, d->win_rate.lower, b->pct);
        number(ws, row, 7, d->win_rate.upper, b->pct);
        number(ws, row, 8, d->mean_won_micros / 1e6, b->money);
        number(ws, row, 9, d->median_won_micros / 1e6, b->money);
        number(ws, row, 10, d->amount_missing, b->count);
        number(ws, row, 11, d->cycle_median, b->num);
        number(ws, row, 12, (double)d->pipeline_marketing_micros / 1e6, b->money);
        number(ws, row, 13, (double)d->pipeline_micros / 1e6, b->money);
    }
    worksheet_set_column(ws, 0, 0, 22, NULL);
    worksheet_set_column(ws, 1, 13, 13, NULL);
    worksheet_freeze_panes(ws, 3, 1);
    allot_scoreboard_release(&own);
    return ALLOT_OK;
}

/* ---- Retention and CLV -------------------------------------------------- */

static void retention_sheet(book *b)
{
    lxw_worksheet *ws = sheet(b, SHEET_RETENTION);
    const allot_report *r = &b->r;
    lxw_row_t row = 0;
    char title[200];
    snprintf(title, sizeof title, "Revenue retention over %s (ARR, %s)", r->period.label,
             r->currency);
    text(ws, row++, 0, title, b->bold);
    if (!say_missing(b, SHEET_RETENTION, row, r->missing[ALLOT_REPORT_BRIDGE])) {
        static const char *const cols[] = {"Start ARR", "New", "Expansion", "Contraction",
                                           "Churn", "End ARR", "NRR", "GRR"};
        header(b, ws, row++, cols, 8);
        double v[6] = {r->arr_start, r->arr_new, r->arr_expansion, -fabs(r->arr_contraction),
                       -fabs(r->arr_churn), r->arr_end};
        /* Whole minor units that foot: Start and End each rounded once,
         * the moves by largest remainder (allot_money_foot_bridge), so
         * Start + moves = End as shown. The cells held micros, whose cents
         * missed End by one in 2025Q3, 2026Q1 and 2026Q3 of the sample. */
        int64_t moves[4], moved[4], first, last;
        for (int i = 0; i < 4; i++)
            moves[i] = llround(v[1 + i] * 1e6);
        /* (a bridge whose moves do not lead to its End keeps its micros) */
        if (allot_money_foot_bridge(llround(v[0] * 1e6), moves, 4, b->exponent, &first, moved,
                                    &last) == ALLOT_OK &&
            last == allot_money_micros_to_minor(llround(v[5] * 1e6), b->exponent)) {
            v[0] = (double)first / b->unit;
            for (int i = 0; i < 4; i++)
                v[1 + i] = (double)moved[i] / b->unit;
            v[5] = (double)last / b->unit;
        }
        for (int i = 0; i < 6; i++)
            number(ws, row, (lxw_col_t)i, v[i], b->money);
        number(ws, row, 6, r->nrr, b->pct);
        number(ws, row, 7, r->grr, b->pct);
        row += 1;
        /* The chain to the previous period's report: its End ARR, at its
         * own rates, + FX = Start ARR here (each level rounded once, FX
         * their difference: allot_money_foot_bridge with one move), so
         * quarter after quarter the bridges chain to the cent. */
        int64_t start_micros = llround(r->arr_start * 1e6);
        int64_t fx = isfinite(r->arr_fx) ? llround(r->arr_fx * 1e6) : 0;
        int64_t opening, fx_minor, start_minor;
        if (!isfinite(r->arr_fx)) {
            char note[400];
            snprintf(note, sizeof note, "FX since %s not known: %s", r->prior.label, r->fx_gap);
            text(ws, row, 0, note, NULL);
        } else if (allot_money_foot_bridge(start_micros - fx, &fx, 1, b->exponent, &opening, &fx_minor,
                                    &start_minor) == ALLOT_OK) {
            char head[3][96], note[300];
            snprintf(head[0], sizeof head[0], "%s End ARR", r->prior.label);
            snprintf(head[1], sizeof head[1], "FX");
            snprintf(head[2], sizeof head[2], "Start ARR");
            const char *const cols2[] = {head[0], head[1], head[2]};
            header(b, ws, row++, cols2, 3);
            number(ws, row, 0, (double)opening / b->unit, b->money);
            number(ws, row, 1, (double)fx_minor / b->unit, b->money);
            number(ws, row, 2, (double)start_minor / b->unit, b->money);
            snprintf(note, sizeof note,
                     "%s End ARR at its rates (%s) + FX (the same accounts revalued at %s) = "
                     "Start ARR. Every figure above is at the rates of %s (constant "
                     "currency): FX is never churn or expansion, NRR and GRR exclude it.",
                     r->prior.label, r->prior_rates_date, r->rates_date, r->rates_date);
            text(ws, row, 3, note, NULL);
        }
        row += 2;
    } else {
        row += 2;
    }
    /* The cohorts and the curves below are as of retention_as_of, which
     * their titles name: for a period that ends after the data, its end. */
    char as_of[11] = "";
    if (r->retention_as_of > 0)
        allot_date_format(r->retention_as_of, as_of);
    snprintf(title, sizeof title,
             "Logo retention by monthly acquisition cohort%s%s (share of the cohort's "
             "accounts active k months after acquisition; blank = not yet observed)",
             as_of[0] ? ", as of " : "", as_of);
    text(ws, row++, 0, title, b->bold);
    if (!say_missing(b, SHEET_RETENTION, row, r->missing[ALLOT_REPORT_COHORTS]) &&
        r->n_cohorts > 0) {
        text(ws, row, 0, "Cohort", b->head);
        for (size_t k = 0; k < r->n_ages; k++) {
            char age[24];
            snprintf(age, sizeof age, "M%zu", k);
            text(ws, row, (lxw_col_t)(1 + k), age, b->head);
        }
        lxw_row_t first = ++row;
        for (size_t c = 0; c < r->n_cohorts; c++, row++) {
            text(ws, row, 0, r->cohort_labels[c], NULL);
            for (size_t k = 0; k < r->n_ages; k++)
                number(ws, row, (lxw_col_t)(1 + k), r->retention[c * r->n_ages + k], b->pct);
        }
        text(ws, row, 0, "Blended", b->bold);
        for (size_t k = 0; k < r->n_ages; k++)
            number(ws, row, (lxw_col_t)(1 + k), r->blended[k], b->pct);
        lxw_conditional_format scale = {.type = LXW_CONDITIONAL_3_COLOR_SCALE,
                                        .min_color = 0xF8696B, .mid_color = 0xFFEB84,
                                        .max_color = 0x63BE7B};
        worksheet_conditional_format_range(ws, first, 1, row, (lxw_col_t)r->n_ages, &scale);
        row += 2;
    } else {
        row += 2;
    }
    snprintf(title, sizeof title,
             "Kaplan-Meier customer survival by acquisition channel (%s interval, 95 %%%s%s)",
             r->interval_name ? r->interval_name : "log-log", as_of[0] ? ", as of " : "",
             as_of);
    text(ws, row++, 0, title, b->bold);
    if (!say_missing(b, SHEET_RETENTION, row, r->missing[ALLOT_REPORT_SURVIVAL])) {
        /* At risk just before the time and churned at it, as R's
         * summary(survfit) prints them; an undefined band (S = 0) blank
         * (R's NA), not 0 % to 0 %. */
        static const char *const cols[] = {"Channel", "Days", "Survival", "Lower", "Upper",
                                           "At risk", "Churned"};
        header(b, ws, row++, cols, 7);
        lxw_row_t first = row;
        for (size_t i = 0; i < r->n_curves; i++) {
            const allot_report_curve *c = &r->curves[i];
            for (size_t j = 0; j < c->n; j++, row++) {
                text(ws, row, 0, c->label, NULL);
                number(ws, row, 1, c->t[j], b->num);
                number(ws, row, 2, c->s[j], b->pct);
                number(ws, row, 3, c->defined[j] ? c->lo[j] : NAN, b->pct);
                number(ws, row, 4, c->defined[j] ? c->hi[j] : NAN, b->pct);
                number(ws, row, 5, c->at_risk[j], b->count);
                number(ws, row, 6, c->events[j], b->count);
            }
        }
        if (row > first)
            worksheet_autofilter(ws, first - 1, 0, row - 1, 6);
    }
    worksheet_set_column(ws, 0, 0, 22, NULL);
    worksheet_set_column(ws, 1, 40, 11, NULL);
}

/* The Fit column of the CLV sheet's parameters (lib/clv.h at_bound,
 * converged; README "Read this before trusting the BG/NBD columns"). */
static const char *fit_status(int at_bound, int converged, double se)
{
    if (at_bound)
        return "limiting model: a parameter ran beyond e^20 or below e^-20, no standard "
               "errors (README: Lifetime value)";
    if (!isfinite(se))
        return converged ? "converged; no standard errors: the likelihood is flat around "
                           "the estimate (its Hessian is not positive definite)"
                         : "not converged; no standard errors";
    return converged ? "converged" : "not converged";
}

static allot_status clv_sheet(book *b)
{
    lxw_worksheet *ws = sheet(b, SHEET_CLV);
    allot_retention_config rc;
    double margin = 0.8;
    allot_status s = allot_retention_config_load(b->opt->config, &rc, &margin, b->err);
    allot_retention_load_options lo = rc.load;
    lo.by = ALLOT_RETENTION_BY_CHANNEL;
    /* As of the Retention sheet's day (the period's last, or the data's
     * end when earlier). It was the data's end whatever the period: a
     * past quarter's workbook counted later customers and churn beside
     * its own Retention sheet's. */
    if (b->r.retention_as_of > 0)
        lo.as_of = b->r.retention_as_of;
    allot_retention_data data;
    memset(&data, 0, sizeof data);
    allot_lifetime lt;
    memset(&lt, 0, sizeof lt);
    /* The CAC from the workbook's own credit run (the Summary's: the
     * latest revenue run in the reporting currency), as every other sheet.
     * It was lib/roi's default, the latest run of any currency: after a
     * run in EUR with another lookback, a USD workbook's CLV sheet took
     * its CAC from that run beside credit sheets of the USD run. Without
     * one, no CAC, and the note says why (allot-clv does the same). */
    allot_lifetime_options opt = {
        .gross_margin = margin, .horizon_months = 36, .annual_discount = 0.10,
        .taxonomy = rc.taxonomy, .fiscal_start_month = lo.fiscal_start_month,
        .credit_run = b->r.credit_run,
        .no_cac = b->r.credit_run ? NULL : b->r.missing[ALLOT_REPORT_CREDIT]};
    if (s == ALLOT_OK)
        s = allot_retention_load(b->db, &lo, &data, b->err);
    if (s == ALLOT_OK && data.n_accounts == 0) {
        say_missing(b, SHEET_CLV, 0, "No subscriptions in this database: load "
                                     "subscriptions.csv to see lifetime value");
        allot_retention_data_release(&data);
        allot_retention_config_release(&rc);
        return ALLOT_OK;
    }
    if (s == ALLOT_OK)
        s = allot_lifetime_compute(b->db, &data, &opt, &lt, b->err);
    allot_retention_config_release(&rc);
    if (s != ALLOT_OK) {
        allot_lifetime_release(&lt);
        allot_retention_data_release(&data);
        return s;
    }
    char title[260], as_of[11];
    allot_date_format(data.as_of, as_of);
    snprintf(title, sizeof title,
             "Customer lifetime value by acquisition channel (%s; gross margin %.0f %%, "
             "%d-month horizon, %.0f %% annual discount, as of %s)", b->r.currency,
             100 * lt.gross_margin, lt.horizon_months, 100 * lt.annual_discount, as_of);
    text(ws, 0, 0, title, b->bold);
    static const char *const cols[] = {"Channel", "Customers", "Active", "Churned",
                                       "Monthly churn", "ARPA (monthly)", "Simple CLV",
                                       "P(alive)", "Expected payments", "Expected value",
                                       "BG/NBD CLV", "CAC", "LTV/CAC"};
    header(b, ws, 2, cols, 13);
    lxw_row_t row = 3;
    for (size_t i = 0; i < lt.n_rows; i++, row++) {
        const allot_lifetime_row *x = &lt.rows[i];
        text(ws, row, 0, x->group, NULL);
        number(ws, row, 1, x->customers, b->count);
        number(ws, row, 2, x->active, b->count);
        number(ws, row, 3, x->churned, b->count);
        number(ws, row, 4, x->churn_rate, b->pct);
        number(ws, row, 5, x->arpa, b->money);
        number(ws, row, 6, x->simple_clv, b->money);
        number(ws, row, 7, x->p_alive, b->pct);
        number(ws, row, 8, x->expected_payments, b->num);
        number(ws, row, 9, x->expected_value, b->money);
        number(ws, row, 10, x->clv, b->money);
        number(ws, row, 11, x->cac, b->money);
        number(ws, row, 12, x->ltv_cac, b->multiple);
    }
    row++;
    text(ws, row++, 0, "Fitted models (maximum likelihood on log-parameters, standard errors "
                       "from a numerical Hessian)", b->bold);
    /* With the fit's log-likelihood, its customers and whether it is a
     * limiting model (the CSV's at_bound): without it a sheet showed r =
     * 270,468,626.6 and empty standard errors with no word why. */
    static const char *const pcols[] = {"Model", "Parameter", "Estimate", "Std. error",
                                        "Log-likelihood", "Customers", "Fit"};
    header(b, ws, row++, pcols, 7);
    if (lt.has_bgnbd) {
        const char *names[4] = {"r", "alpha", "a", "b"};
        double est[4] = {lt.bgnbd.r, lt.bgnbd.alpha, lt.bgnbd.a, lt.bgnbd.b};
        double se[4] = {lt.bgnbd.se_r, lt.bgnbd.se_alpha, lt.bgnbd.se_a, lt.bgnbd.se_b};
        for (int k = 0; k < 4; k++, row++) {
            text(ws, row, 0, "BG/NBD", NULL);
            text(ws, row, 1, names[k], NULL);
            number(ws, row, 2, est[k], b->num2);
            number(ws, row, 3, se[k], b->num2);
            number(ws, row, 4, lt.bgnbd.log_likelihood, b->num2);
            number(ws, row, 5, (double)lt.bgnbd.n_customers, b->count);
            text(ws, row, 6, fit_status(lt.bgnbd.at_bound, lt.bgnbd.converged, se[0]), NULL);
        }
    }
    if (lt.has_gamma_gamma) {
        const char *names[3] = {"p", "q", "v"};
        double est[3] = {lt.gamma_gamma.p, lt.gamma_gamma.q, lt.gamma_gamma.v};
        double se[3] = {lt.gamma_gamma.se_p, lt.gamma_gamma.se_q, lt.gamma_gamma.se_v};
        for (int k = 0; k < 3; k++, row++) {
            text(ws, row, 0, "Gamma-Gamma", NULL);
            text(ws, row, 1, names[k], NULL);
            number(ws, row, 2, est[k], b->num2);
            number(ws, row, 3, se[k], b->num2);
            number(ws, row, 4, lt.gamma_gamma.log_likelihood, b->num2);
            number(ws, row, 5, (double)lt.gamma_gamma.n_customers, b->count);
            text(ws, row, 6,
                 fit_status(lt.gamma_gamma.at_bound, lt.gamma_gamma.converged, se[0]), NULL);
        }
    }
    if (lt.note[0])
        text(ws, row + 1, 0, lt.note, b->note);
    worksheet_set_column(ws, 0, 0, 22, NULL);
    worksheet_set_column(ws, 1, 12, 14, NULL);
    worksheet_freeze_panes(ws, 3, 1);
    allot_lifetime_release(&lt);
    allot_retention_data_release(&data);
    return ALLOT_OK;
}

/* ---- Reconciliation ------------------------------------------------------ */

typedef struct booked_cell {
    char period[32];
    char currency[4];
    int64_t booked_minor;
    int64_t deals, null_amount;
} booked_cell;

/* Won revenue per ledger period and deal currency straight from the deals
 * table (not from the ledger), so the sheet checks the ledger against the
 * CRM. Periods are the credit run's quarter labels: made with the fiscal
 * start month the run had (its fiscal_start= parameter), not the
 * configuration's (a workbook with fiscal_year_start_month 4 over a
 * calendar run labelled the deals FY2027Q1 and matched none of the
 * ledger's 2026Q2 rows: booked 0 and a Difference on every row). */
static allot_status booked_from_deals(book *b, booked_cell **out, size_t *n)
{
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(
        b->db, "SELECT parameters FROM runs WHERE run_id = ?", &st, b->err);
    if (s != ALLOT_OK)
        return s;
    sqlite3_bind_int64(st, 1, b->r.credit_run);
    int fiscal = 1, rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        fiscal = allot_store_run_fiscal_start((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(b, rc, "reading the credit run");
    s = allot_store_prepare(
        b->db, "SELECT close_date, currency, amount_micros FROM deals WHERE is_won = 1 "
               "AND close_date IS NOT NULL ORDER BY close_date, deal_id", &st, b->err);
    if (s != ALLOT_OK)
        return s;
    booked_cell *cells = NULL;
    size_t count = 0, cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t day;
        if (allot_date_parse((const char *)sqlite3_column_text(st, 0), &day) != ALLOT_OK)
            continue;
        allot_period q;
        allot_period_quarter_of(day, fiscal, &q);
        const char *cur = (const char *)sqlite3_column_text(st, 1);
        int null_amount = sqlite3_column_type(st, 2) == SQLITE_NULL;
        size_t i = 0;
        while (i < count && !(strcmp(cells[i].period, q.label) == 0 &&
                              strcmp(cells[i].currency, cur ? cur : "") == 0))
            i++;
        if (i == count) {
            if (count == cap) {
                cap = cap ? 2 * cap : 16;
                booked_cell *grown = realloc(cells, cap * sizeof *cells);
                if (!grown) {
                    free(cells);
                    sqlite3_finalize(st);
                    return allot_error_set(b->err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
                }
                cells = grown;
            }
            memset(&cells[count], 0, sizeof cells[count]);
            snprintf(cells[count].period, sizeof cells[count].period, "%s", q.label);
            snprintf(cells[count].currency, sizeof cells[count].currency, "%s", cur ? cur : "");
            count++;
        }
        if (null_amount) {
            cells[i].null_amount++;
        } else {
            int e = allot_currency_exponent(cur);
            cells[i].booked_minor +=
                allot_money_micros_to_minor(sqlite3_column_int64(st, 2), e < 0 ? 2 : e);
            cells[i].deals++;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        free(cells);
        return db_fail(b, rc, "reading deals");
    }
    *out = cells;
    *n = count;
    return ALLOT_OK;
}

static allot_status reconciliation_sheet(book *b)
{
    lxw_worksheet *ws = sheet(b, SHEET_RECON);
    const allot_report *r = &b->r;
    text(ws, 0, 0, "Reconciliation: booked won revenue (deals table) against the credit ledger, "
                   "per model, period and deal currency", b->bold);
    if (say_missing(b, SHEET_RECON, 2, r->missing[ALLOT_REPORT_CREDIT]))
        return ALLOT_OK;
    booked_cell *booked = NULL;
    size_t n_booked = 0;
    allot_status s = booked_from_deals(b, &booked, &n_booked);
    if (s != ALLOT_OK)
        return s;
    static const char *const cols[] = {"Model", "Period", "Currency", "Booked (deals)",
                                       "Attributed", "Unattributed", "Difference",
                                       "Deals", "Attributed deals", "NULL-amount deals"};
    header(b, ws, 2, cols, 10);
    sqlite3_stmt *st;
    s = allot_store_prepare(
        b->db,
        /* per deal first, in the ledger's key order (no sort of every
         * row), then per model, period and currency: each inner row is one
         * deal of a group, so COUNT(*) counts distinct deals */
        "SELECT model, period, currency, SUM(attributed), SUM(unattributed), COUNT(*),"
        " SUM(has_attributed) FROM ("
        "  SELECT model, period, currency,"
        "  SUM(CASE WHEN channel <> " ALLOT_SQL_LABEL_UNATTRIBUTED " THEN credit_minor ELSE 0 END)"
        "   AS attributed,"
        "  SUM(CASE WHEN channel = " ALLOT_SQL_LABEL_UNATTRIBUTED " THEN credit_minor ELSE 0 END)"
        "   AS unattributed,"
        "  MAX(channel <> " ALLOT_SQL_LABEL_UNATTRIBUTED ") AS has_attributed"
        "  FROM ledger WHERE run_id = ? GROUP BY model, deal_id, period, currency)"
        " GROUP BY model, period, currency ORDER BY model, period, currency", &st, b->err);
    if (s != ALLOT_OK) {
        free(booked);
        return s;
    }
    sqlite3_bind_int64(st, 1, r->credit_run);
    lxw_row_t row = 3;
    int rc;
    char f[96], c1[16], c2[16], c3[16];
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *model = (const char *)sqlite3_column_text(st, 0);
        const char *period = (const char *)sqlite3_column_text(st, 1);
        const char *cur = (const char *)sqlite3_column_text(st, 2);
        int e = allot_currency_exponent(cur);
        double unit = pow(10, e < 0 ? 2 : e);
        int64_t bk = 0, null_amount = 0;
        for (size_t i = 0; i < n_booked; i++)
            if (strcmp(booked[i].period, period) == 0 && strcmp(booked[i].currency, cur) == 0) {
                bk = booked[i].booked_minor;
                null_amount = booked[i].null_amount;
            }
        int64_t attributed = sqlite3_column_int64(st, 3), unattributed = sqlite3_column_int64(st, 4);
        lxw_format *mf = currency_format(b, cur);
        text(ws, row, 0, model, NULL);
        text(ws, row, 1, period, NULL);
        text(ws, row, 2, cur, NULL);
        number(ws, row, 3, (double)bk / unit, mf);
        number(ws, row, 4, (double)attributed / unit, mf);
        number(ws, row, 5, (double)unattributed / unit, mf);
        snprintf(f, sizeof f, "=ROUND(%s-%s-%s,%d)", cell(row, 3, c1), cell(row, 4, c2),
                 cell(row, 5, c3), e < 0 ? 2 : e);
        worksheet_write_formula_num(ws, row, 6, f, mf, (double)(bk - attributed - unattributed) / unit);
        number(ws, row, 7, (double)sqlite3_column_int64(st, 5), b->count);
        number(ws, row, 8, (double)sqlite3_column_int64(st, 6), b->count);
        number(ws, row, 9, (double)null_amount, b->count);
        row++;
    }
    sqlite3_finalize(st);
    free(booked);
    if (rc != SQLITE_DONE)
        return db_fail(b, rc, "reading the ledger");
    if (row > 3)
        worksheet_autofilter(ws, 2, 0, row - 1, 9);
    text(ws, row + 1, 0,
         "Difference = booked - attributed - unattributed, rounded to the currency's minor "
         "unit; it reads 0 on every row when the ledger ties out to the CRM. NULL-amount won "
         "deals are counted, never summed.", b->note);
    worksheet_set_column(ws, 0, 0, 20, NULL);
    worksheet_set_column(ws, 1, 2, 10, NULL);
    worksheet_set_column(ws, 3, 6, 17, NULL);
    worksheet_set_column(ws, 7, 9, 12, NULL);
    worksheet_freeze_panes(ws, 3, 0);
    return ALLOT_OK;
}

/* ---- Ledger -------------------------------------------------------------- */

static allot_status ledger_sheet(book *b)
{
    lxw_worksheet *ws = sheet(b, SHEET_LEDGER);
    const allot_report *r = &b->r;
    if (say_missing(b, SHEET_LEDGER, 0, r->missing[ALLOT_REPORT_CREDIT]))
        return ALLOT_OK;
    char title[200];
    snprintf(title, sizeof title, "Credit ledger of run %lld, model %s, all periods: one row "
             "per deal and touch", (long long)r->credit_run, r->model);
    text(ws, 0, 0, title, b->bold);
    char touch_time[96];
    snprintf(touch_time, sizeof touch_time, "Touch time (%s)", b->general.timezone);
    const char *const cols[] = {"Period", "Deal", "Position", "Touch", touch_time,
                                "Channel", "Campaign", "Rule", "Weight", "Credit",
                                "Currency", "Credit (reporting)"};
    header(b, ws, 2, cols, 12);
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(
        b->db,
        "SELECT l.period, l.deal_id, l.position, l.touch_id, t.occurred_at, l.channel,"
        " l.campaign_id, l.rule, l.weight, l.credit_minor, l.currency, l.reporting_minor"
        " FROM ledger l LEFT JOIN touches t ON t.touch_id = l.touch_id"
        " WHERE l.run_id = ? AND l.model = ? ORDER BY l.period, l.deal_id, l.position",
        &st, b->err);
    if (s != ALLOT_OK)
        return s;
    sqlite3_bind_int64(st, 1, r->credit_run);
    sqlite3_bind_text(st, 2, r->model, -1, SQLITE_STATIC);
    lxw_row_t row = 3;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *cur = (const char *)sqlite3_column_text(st, 10);
        lxw_format *mf = currency_format(b, cur);
        int e = allot_currency_exponent(cur);
        text(ws, row, 0, (const char *)sqlite3_column_text(st, 0), NULL);
        text(ws, row, 1, (const char *)sqlite3_column_text(st, 1), NULL);
        number(ws, row, 2, sqlite3_column_int(st, 2), NULL);
        text(ws, row, 3, (const char *)sqlite3_column_text(st, 3), NULL);
        if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
            lxw_datetime dt = datetime_of_epoch(b->sc.zone, sqlite3_column_int64(st, 4));
            worksheet_write_datetime(ws, row, 4, &dt, b->datetime);
        } else {
            worksheet_write_blank(ws, row, 4, NULL);
        }
        text(ws, row, 5, (const char *)sqlite3_column_text(st, 5), NULL);
        text(ws, row, 6, (const char *)sqlite3_column_text(st, 6), NULL);
        text(ws, row, 7, (const char *)sqlite3_column_text(st, 7), NULL);
        number(ws, row, 8, sqlite3_column_double(st, 8), b->num2);
        number(ws, row, 9, (double)sqlite3_column_int64(st, 9) / pow(10, e < 0 ? 2 : e), mf);
        text(ws, row, 10, cur, NULL);
        if (sqlite3_column_type(st, 11) != SQLITE_NULL)
            number(ws, row, 11, (double)sqlite3_column_int64(st, 11) / b->unit, b->money);
        row++;
        if (row == LXW_ROW_MAX - 2) {
            text(ws, row, 0, "The ledger continues beyond Excel's row limit: read it from the "
                             "database (table ledger).", b->note);
            break;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return db_fail(b, rc, "reading the ledger");
    b->sum->ledger_rows = row - 3;
    if (row > 3)
        worksheet_autofilter(ws, 2, 0, row - 1, 11);
    worksheet_set_column(ws, 0, 3, 13, NULL);
    worksheet_set_column(ws, 4, 4, 17, NULL);
    worksheet_set_column(ws, 5, 7, 16, NULL);
    worksheet_set_column(ws, 8, 11, 13, NULL);
    worksheet_freeze_panes(ws, 3, 0);
    return ALLOT_OK;
}

/* ---- Definitions -------------------------------------------------------- */

static void definitions_sheet(book *b)
{
    static const char *const defs[][2] = {
        {"Booked revenue", "Sum of the amounts of deals closed won in the period (close date), "
                           "per deal currency; NULL amounts are counted, never summed."},
        {"Credit ledger", "One row per model, deal and touch: the touch's weight and its "
                          "credit in the deal currency's minor unit. Largest-remainder "
                          "rounding makes each deal's credits sum exactly to its amount."},
        {ALLOT_LABEL_UNATTRIBUTED, "Won deals with no touch in the lookback window before the "
                           "conversion: kept as their own bucket, never dropped."},
        {"first_touch / last_touch", "All credit to the first / last touch of the journey."},
        {"last_non_direct", "All credit to the last touch whose channel is not Direct; "
                            "all-Direct journeys credit the last touch."},
        {"linear", "Equal credit to every touch (1/L each)."},
        {"time_decay", "Weight 2^(-(T - t)/H) for a touch t days before conversion T, "
                       "half-life H (default 7 days), normalised to 1."},
        {"position_based", "40 % first, 40 % last, 20 % shared by the middle touches "
                           "(L = 1: all; L = 2: 50/50)."},
        {"u_shaped", "Milestones: first touch (FT) 40 %, lead creation (LC) 40 %, the rest "
                     "20 %."},
        {"w_shaped", "FT, LC and opportunity creation (OC) 30 % each, the rest 10 %."},
        {"full_path", "FT, LC, OC and closed won (CW) 22.5 % each, the rest 10 %."},
        {"j_shaped / inverse_j", "20/60/20 and 60/20/20 over first / last / the rest."},
        {"markov", "Removal effect of each channel in an absorbing Markov chain over "
                   "converting and non-converting journeys, computed exactly; each deal is "
                   "split over its journey's channels in proportion to the effects."},
        {"shapley", "Shapley value of each channel over coalitions of channels, exact up to "
                    "20 channels; deals split in proportion, as for markov."},
        {"Spend", "Ad-platform cost converted to the reporting currency at the rate valid "
                  "on the spend day (fx_rates)."},
        {"ROI", "(credited revenue - spend) / spend, per model."},
        {"ROAS", "Credited revenue / spend."},
        {"CAC", "Spend / new customers credited to the channel or campaign."},
        {"Conversion", "People of the lead cohort who reached the next stage / people who "
                       "reached this stage, with a Wilson 95 % interval."},
        {"Speed to lead", "Hours from MQL to the first sales activity; leads not yet "
                          "followed up are censored (Kaplan-Meier)."},
        {"Win rate", "Won / closed deals created in the period, with a Wilson interval."},
        {"Sales cycle", "Days from deal creation to close; open deals censored."},
        {"NRR", "ARR at period end of the accounts present at its start / their ARR at the "
                "start."},
        {"GRR", "Like NRR but each account's end ARR capped at its start ARR."},
        {"Cohort retention", "Share of a monthly acquisition cohort's accounts active k "
                             "months after acquisition; blended over cohorts observed that "
                             "long."},
        {"Kaplan-Meier survival", "Share of customers still subscribed t days after their "
                                  "first subscription; active customers censored at the "
                                  "day after the as-of day (the period's last day, or the "
                                  "data's end when earlier); log-log 95 % interval, blank "
                                  "where undefined (survival 0); at risk just before t, "
                                  "churned at t."},
        {"Simple CLV", "ARPA x gross margin / monthly churn rate."},
        {"BG/NBD CLV", "Expected payments over the horizon (BG/NBD) x expected value per "
                       "payment (Gamma-Gamma) x gross margin, discounted."},
        {"LTV/CAC", "CLV / CAC of the acquisition channel."},
    };
    lxw_worksheet *ws = sheet(b, SHEET_DEFS);
    text(ws, 0, 0, "Definitions", b->title);
    static const char *const cols[] = {"Term", "Definition"};
    header(b, ws, 2, cols, 2);
    for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++) {
        text(ws, (lxw_row_t)(3 + i), 0, defs[i][0], b->bold);
        text(ws, (lxw_row_t)(3 + i), 1, defs[i][1], b->wrap);
    }
    worksheet_set_column(ws, 0, 0, 26, NULL);
    worksheet_set_column(ws, 1, 1, 110, NULL);
    worksheet_freeze_panes(ws, 3, 0);
}

/* ---- Summary (written last: it reports what the other sheets found) ------ */

/* A loaded file's name without its folder: the SHA-256 beside it names the
 * input, and the same files loaded from another folder give the same
 * workbook. */
static const char *base_name(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    return slash ? slash + 1 : path;
}

static allot_status summary_sheet(book *b)
{
    lxw_worksheet *ws = sheet(b, SHEET_SUMMARY);
    const allot_report *r = &b->r;
    char buf[256], start[11], last[11];
    snprintf(buf, sizeof buf, "allot report for %s", r->period.label);
    text(ws, 0, 0, buf, b->title);
    lxw_row_t row = 2;
    allot_date_format(r->period.start, start);
    allot_date_format(r->period.end - 1, last);
    snprintf(buf, sizeof buf, "%s to %s", start, last);
    const char *facts[][2] = {{"Period", r->period.label},
                              {"Dates", buf},
                              {"Prior period", r->prior.label},
                              {"Reporting currency", r->currency},
                              {"Attribution model", r->model[0] ? r->model : "(no credit run)"}};
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++, row++) {
        text(ws, row, 0, facts[i][0], b->bold);
        text(ws, row, 1, facts[i][1], NULL);
    }
    text(ws, row, 0, "Credit run", b->bold);
    if (r->credit_run) {
        number(ws, row, 1, (double)r->credit_run, NULL);
        sqlite3_stmt *st;
        allot_status s = allot_store_prepare(
            b->db, "SELECT parameters, input_hash FROM runs WHERE run_id = ?", &st, b->err);
        if (s != ALLOT_OK)
            return s;
        sqlite3_bind_int64(st, 1, r->credit_run);
        if (sqlite3_step(st) == SQLITE_ROW) {
            text(ws, ++row, 0, "Input hash", b->bold);
            text(ws, row, 1, (const char *)sqlite3_column_text(st, 1), NULL);
            /* Not the run's start time (it stays in the runs table): the
             * same inputs and parameters give the same workbook, whenever
             * the pipeline ran (attribution.md). */
            /* One parameter a row: "key=value;key=value" is unreadable.
             * Numbers in their shortest form ("FT=0.3"), also those a run
             * recorded by an older build holds as "FT=0.29999999999999999". */
            text(ws, ++row, 0, "Run parameters", b->bold);
            char shown[8192];
            const char *p = allot_store_run_params_shortest(
                (const char *)sqlite3_column_text(st, 0), shown, sizeof shown);
            while (p && *p) {
                size_t len = strcspn(p, ";");
                char item[512];
                snprintf(item, sizeof item, "%.*s", (int)(len < 511 ? len : 511), p);
                text(ws, row++, 1, item, NULL);
                p += len + (p[len] == ';');
            }
            row--;
        }
        sqlite3_finalize(st);
    } else {
        text(ws, row, 1, "none: run allot-credit", NULL);
    }
    row += 2;

    text(ws, row++, 0, "Headline numbers", b->bold);
    /* A period that is not over in the data (README "A period the data do
     * not cover"): its figures are labelled as to the data's end and not
     * compared with the whole prior period; one wholly after the data says
     * "no data" instead of zeros and -100 %. The sentence follows the
     * table. */
    char this_col[96];
    if (r->coverage != ALLOT_REPORT_COVERED)
        snprintf(this_col, sizeof this_col, "This period, %s", r->coverage_label);
    else
        snprintf(this_col, sizeof this_col, "This period");
    const char *cols[] = {"Metric", this_col, "Prior period", "Change", "Change %",
                          "How it is computed"};
    header(b, ws, row++, cols, 6);
    char f[96], c1[16], c2[16];
    for (int k = 0; k < ALLOT_REPORT_KPIS; k++, row++) {
        const allot_report_kpi *kpi = &r->kpi[k];
        if (!kpi->name)
            continue;
        lxw_format *fmt = kpi->kind == ALLOT_KPI_MONEY      ? b->money
                          : kpi->kind == ALLOT_KPI_COUNT    ? b->count
                          : kpi->kind == ALLOT_KPI_MULTIPLE ? b->multiple
                                                            : b->pct;
        text(ws, row, 0, kpi->name, NULL);
        if (r->coverage == ALLOT_REPORT_NO_DATA)
            text(ws, row, 1, "no data", b->note);
        else
            number(ws, row, 1, kpi->value, fmt);
        number(ws, row, 2, kpi->prior, fmt);
        if (r->coverage == ALLOT_REPORT_COVERED && isfinite(kpi->value) &&
            isfinite(kpi->prior)) {
            snprintf(f, sizeof f, "=%s-%s", cell(row, 1, c1), cell(row, 2, c2));
            /* money is whole minor units: cache the double nearest the
             * exact difference (304217.66, not 304217.6600000001) */
            double change = kpi->kind == ALLOT_KPI_MONEY
                                ? (round(kpi->value * b->unit) - round(kpi->prior * b->unit)) /
                                      b->unit
                                : kpi->value - kpi->prior;
            worksheet_write_formula_num(ws, row, 3, f, fmt, change);
            if (kpi->prior != 0 && kpi->kind != ALLOT_KPI_PERCENT) {
                snprintf(f, sizeof f, "=%s/%s-1", c1, c2);
                worksheet_write_formula_num(ws, row, 4, f, b->pct, kpi->value / kpi->prior - 1);
            }
        }
        text(ws, row, 5, kpi->formula, NULL);
    }
    if (r->coverage != ALLOT_REPORT_COVERED)
        text(ws, row++, 0, r->coverage_note, b->note);
    row++;

    text(ws, row++, 0, "Sheets", b->bold);
    static const char *const scols[] = {"Sheet", "Status"};
    header(b, ws, row++, scols, 2);
    for (int i = 1; i < SHEET_COUNT; i++, row++) {
        text(ws, row, 0, sheet_names[i], NULL);
        text(ws, row, 1, b->missing[i][0] ? b->missing[i] : "ok", b->missing[i][0] ? b->note : NULL);
    }
    row++;

    text(ws, row++, 0, "Inputs (loads)", b->bold);
    static const char *const lcols[] = {"File", "Table", "Rows loaded", "Rows updated",
                                        "Rows rejected", "SHA-256", "Dialect"};
    header(b, ws, row++, lcols, 7);
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(
        b->db, "SELECT file, table_name, rows_loaded, rows_updated, rows_rejected, sha256, "
               "dialect FROM loads ORDER BY load_id", &st, b->err);
    if (s != ALLOT_OK)
        return s;
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int c = 0; c < 7; c++) {
            const char *v = (const char *)sqlite3_column_text(st, c);
            if (c >= 2 && c <= 4)
                number(ws, row, (lxw_col_t)c, (double)sqlite3_column_int64(st, c), b->count);
            else
                text(ws, row, (lxw_col_t)c, c == 0 ? base_name(v) : v, NULL);
        }
        row++;
    }
    sqlite3_finalize(st);
    worksheet_set_column(ws, 0, 0, 30, NULL);
    worksheet_set_column(ws, 1, 4, 16, NULL);
    worksheet_set_column(ws, 5, 5, 66, NULL);
    worksheet_set_column(ws, 6, 6, 12, NULL);
    return ALLOT_OK;
}

/* ---- the workbook ------------------------------------------------------ */

allot_status allot_xlsx_write(sqlite3 *db, const allot_xlsx_options *options, const char *path,
                              allot_xlsx_summary *summary, allot_error *err)
{
    book b;
    memset(&b, 0, sizeof b);
    memset(summary, 0, sizeof *summary);
    b.db = db;
    b.opt = options;
    b.sum = summary;
    b.err = err;
    for (int i = 0; i < SHEET_COUNT; i++)
        if (!allot_xlsx_sheet_name_valid(sheet_names[i]))
            return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0, "invalid sheet name '%s'",
                                   sheet_names[i]);
    allot_status s = allot_config_general(options->config, &b.general, err);
    if (s == ALLOT_OK)
        s = allot_scoreboard_config_load(options->config, &b.sc, err);
    if (s == ALLOT_OK) {
        allot_report_options ro = {options->period, options->model, options->config, 0};
        s = allot_report_load(db, &ro, &b.r, err);
    }
    if (s != ALLOT_OK) {
        allot_scoreboard_config_release(&b.sc);
        allot_report_release(&b.r);
        return s;
    }
    b.exponent = allot_currency_exponent(b.r.currency);
    if (b.exponent < 0)
        b.exponent = 2;
    b.unit = pow(10, b.exponent);

    lxw_workbook_options wo = {.constant_memory = LXW_TRUE, .tmpdir = NULL,
                               .use_zip64 = LXW_FALSE};
    b.wb = workbook_new_opt(path, &wo);
    if (!b.wb) {
        allot_scoreboard_config_release(&b.sc);
        allot_report_release(&b.r);
        return allot_error_set(err, ALLOT_ERR_IO, path, 0, 0, "cannot create the workbook");
    }
    lxw_doc_properties props = {.title = "allot attribution and revenue report",
                                .author = "allot", .company = "",
                                .comments = "Generated by allot from its SQLite database",
                                .created = FIXED_CREATED};
    workbook_set_properties(b.wb, &props);
    make_formats(&b);
    for (int i = 0; i < SHEET_COUNT; i++)
        b.ws[i] = workbook_add_worksheet(b.wb, sheet_names[i]);

    channel_sheets(&b);
    s = campaign_sheet(&b);
    if (s == ALLOT_OK)
        s = funnel_sheet(&b);
    if (s == ALLOT_OK)
        retention_sheet(&b);
    if (s == ALLOT_OK)
        s = clv_sheet(&b);
    if (s == ALLOT_OK)
        s = reconciliation_sheet(&b);
    if (s == ALLOT_OK)
        s = ledger_sheet(&b);
    if (s == ALLOT_OK) {
        definitions_sheet(&b);
        s = summary_sheet(&b);
    }
    worksheet_activate(b.ws[SHEET_SUMMARY]);
    lxw_error xe = workbook_close(b.wb);
    if (s == ALLOT_OK && xe != LXW_NO_ERROR)
        s = allot_error_set(err, ALLOT_ERR_IO, path, 0, 0, "cannot write the workbook: %s",
                            lxw_strerror(xe));
    if (s == ALLOT_OK) {
        snprintf(summary->period, sizeof summary->period, "%s", b.r.period.label);
        snprintf(summary->model, sizeof summary->model, "%s", b.r.model);
        summary->credit_run = b.r.credit_run;
        summary->sheets = SHEET_COUNT;
        for (int i = 0; i < SHEET_COUNT && summary->missing_sections < 10; i++)
            if (b.missing[i][0])
                snprintf(summary->missing[summary->missing_sections++],
                         sizeof summary->missing[0], "%s: %.255s", sheet_names[i], b.missing[i]);
    }
    allot_scoreboard_config_release(&b.sc);
    allot_report_release(&b.r);
    return s;
}
