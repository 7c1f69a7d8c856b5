/* The leadership PDF: cover, one chart per page, methods. */
#include "pdfpack.h"

#include <cairo-pdf.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "chart_internal.h"
#include "fmt.h"

#define M 36.0 /* page margin */

char *pdfpack_value(const allot_report_kpi *k, double v, const char *currency, char *buf,
                    size_t size)
{
    char num[64];
    if (!isfinite(v)) {
        snprintf(buf, size, "n/a");
        return buf;
    }
    switch (k->kind) {
    case ALLOT_KPI_MONEY:
        snprintf(buf, size, "%s %s", currency,
                 fmt_number(v, fabs(v) >= 100 || v == floor(v) ? 0 : 2, num, sizeof num));
        break;
    case ALLOT_KPI_COUNT:
        snprintf(buf, size, "%s", fmt_number(v, v == floor(v) ? 0 : 1, num, sizeof num));
        break;
    case ALLOT_KPI_MULTIPLE:
        snprintf(buf, size, "%s\u00d7", fmt_number(v, 2, num, sizeof num));
        break;
    case ALLOT_KPI_PERCENT:
        fmt_percent(v, 1, buf, size);
        break;
    }
    return buf;
}

char *pdfpack_change(const allot_report_kpi *k, const char *prior_label, char *buf,
                     size_t size)
{
    char num[64];
    if (!isfinite(k->value) || !isfinite(k->prior)) {
        snprintf(buf, size, "no figure for %s", prior_label);
    } else if (k->kind == ALLOT_KPI_PERCENT) {
        double pts = (k->value - k->prior) * 100;
        snprintf(buf, size, "%s%s pts vs %s", pts > 0 ? "+" : "", fmt_number(pts, 1, num, sizeof num),
                 prior_label);
    } else if (k->prior == 0) {
        snprintf(buf, size, "%s in %s", k->value == 0 ? "also 0" : "from 0", prior_label);
    } else {
        double rel = k->value / k->prior - 1;
        snprintf(buf, size, "%s%s vs %s", rel > 0 ? "+" : "", fmt_percent(rel, 1, num, sizeof num),
                 prior_label);
    }
    return buf;
}

static void footer(ch_ctx *g, const allot_report *r, int page, int pages)
{
    char buf[160];
    snprintf(buf, sizeof buf, "allot \u00b7 %s \u00b7 page %d of %d", r->period.label, page, pages);
    ch_text(g, g->w - M, g->h - 18, buf, CH_SMALL_PT, 0, CH_MUTED, CH_RIGHT, CH_BOTTOM, 0, NULL,
            NULL);
}

static void cover(cairo_t *cr, const allot_report *r, const pdfpack_options *o,
                  chartset_item *items, size_t n_items, int pages)
{
    ch_ctx g;
    ch_begin(&g, cr, PDFPACK_PAGE_W, PDFPACK_PAGE_H);
    char buf[600], a[11], b[11], v[96], ch[96];
    double h, y = M;
    snprintf(buf, sizeof buf, "%s \u00b7 revenue attribution pack", o->company ? o->company : "allot");
    ch_text(&g, M, y, buf, CH_TAKEAWAY_PT, 0, CH_MUTED, CH_LEFT, CH_TOP, 0, NULL, &h);
    y += h + 4;
    ch_text(&g, M, y, r->period.label, 34, 1, CH_INK, CH_LEFT, CH_TOP, 0, NULL, &h);
    y += h + 2;
    /* A period that is not over in the data: its figures are to the
     * data's end and not compared with the prior period, or there are none
     * (README "A period the data do not cover"); the sentence says so in
     * place of "compared with". */
    char d_end[11] = "";
    if (r->has_data_end)
        allot_date_format(r->data_end, d_end);
    if (r->coverage == ALLOT_REPORT_COVERED)
        snprintf(buf, sizeof buf,
                 "%s to %s \u00b7 compared with %s \u00b7 amounts in %s \u00b7 default model %s",
                 allot_date_format(r->period.start, a), allot_date_format(r->period.end - 1, b),
                 r->prior.label, r->currency, r->model[0] ? r->model : "n/a");
    else
        snprintf(buf, sizeof buf,
                 "%s to %s \u00b7 %s \u00b7 amounts in %s \u00b7 default model %s",
                 allot_date_format(r->period.start, a), allot_date_format(r->period.end - 1, b),
                 r->coverage_note, r->currency, r->model[0] ? r->model : "n/a");
    if (r->coverage == ALLOT_REPORT_COVERED)
        ch_text(&g, M, y, buf, CH_TAKEAWAY_PT, 0, CH_MUTED, CH_LEFT, CH_TOP, g.w - 2 * M, NULL,
                &h);
    else /* the sentence in full: it says why there is no change */
        h = ch_paragraph(&g, M, y, buf, CH_TAKEAWAY_PT, 0, CH_MUTED, g.w - 2 * M);
    y += h + 22;

    /* Headline numbers: 3 x 2 tiles. */
    double tile_w = (g.w - 2 * M - 2 * 16) / 3, tile_h = 92;
    for (int i = 0; i < ALLOT_REPORT_KPIS; i++) {
        const allot_report_kpi *k = &r->kpi[i];
        double x = M + (tile_w + 16) * (i % 3), ty = y + (tile_h + 14) * (i / 3);
        cairo_rectangle(cr, x, ty, tile_w, tile_h);
        ch_set(cr, (ch_rgb){0.965, 0.972, 0.982});
        cairo_fill(cr);
        cairo_rectangle(cr, x, ty, 3, tile_h);
        ch_set(cr, CH_SERIES[1]);
        cairo_fill(cr);
        ch_text(&g, x + 14, ty + 10, k->name ? k->name : "", CH_TAKEAWAY_PT, 0, CH_MUTED,
                CH_LEFT, CH_TOP, tile_w - 20, NULL, NULL);
        if (r->coverage == ALLOT_REPORT_NO_DATA)
            snprintf(v, sizeof v, "no data");
        else
            pdfpack_value(k, k->value, r->currency, v, sizeof v);
        ch_text(&g, x + 14, ty + 30, v, 24, 1, CH_INK, CH_LEFT, CH_TOP, tile_w - 20, NULL, NULL);
        pdfpack_change(k, r->prior.label, ch, sizeof ch);
        if (r->coverage == ALLOT_REPORT_NO_DATA) {
            snprintf(buf, sizeof buf, "the data ends %s", d_end);
        } else if (r->coverage == ALLOT_REPORT_PARTIAL && isfinite(k->value)) {
            /* the prior period's whole figure for context, no change */
            char p[96];
            snprintf(buf, sizeof buf, "to %s \u00b7 %s: %s", d_end, r->prior.label,
                     pdfpack_value(k, k->prior, r->currency, p, sizeof p));
        } else if (isfinite(k->prior)) {
            char p[96];
            snprintf(buf, sizeof buf, "%s (%s)", ch, pdfpack_value(k, k->prior, r->currency, p, sizeof p));
        } else {
            snprintf(buf, sizeof buf, "%s", ch);
        }
        ch_text(&g, x + 14, ty + 66, buf, CH_LABEL_PT, 0, CH_MUTED, CH_LEFT, CH_TOP, tile_w - 20,
                NULL, NULL);
    }
    y += 2 * (tile_h + 14) + 12;

    ch_text(&g, M, y, "In this pack", CH_TAKEAWAY_PT, 1, CH_INK, CH_LEFT, CH_TOP, 0, NULL, &h);
    y += h + 4;
    for (size_t i = 0; i < n_items && y < g.h - M - 14; i++) {
        const chartset_item *it = &items[i];
        const char *line = it->missing ? it->empty : it->takeaway;
        snprintf(buf, sizeof buf, "%zu  %s%s%s", i + 2, it->title, line[0] ? ": " : "", line);
        ch_text(&g, M, y, buf, CH_LABEL_PT, 0, it->missing ? CH_MUTED : CH_INK, CH_LEFT, CH_TOP,
                g.w - 2 * M, NULL, &h);
        y += h + 2;
    }
    footer(&g, r, 1, pages);
    ch_end(&g);
}

static void methods(cairo_t *cr, const allot_report *r, const pdfpack_options *o, int page,
                    int pages)
{
    ch_ctx g;
    ch_begin(&g, cr, PDFPACK_PAGE_W, PDFPACK_PAGE_H);
    double y = M, h, w = g.w - 2 * M;
    char buf[1400], models[600] = "";
    ch_text(&g, M, y, "Methods", CH_TITLE_PT + 3, 1, CH_INK, CH_LEFT, CH_TOP, 0, NULL, &h);
    y += h + 10;
    for (size_t m = 0; m < r->n_models; m++) {
        size_t len = strlen(models);
        snprintf(models + len, sizeof models - len, "%s%s", m ? ", " : "", r->models[m]);
    }
    const char *paras[8];
    char p0[1100], p1[500], p2[500], p3[800], p4[700], p5[1000], p6[900];
    snprintf(p0, sizeof p0,
             "Attribution. Each won deal's amount, converted into %s at the rate of its close "
             "date, is split over the marketing touches of its people in the %d days before it "
             "by each model; the credits of a deal sum exactly to its amount (largest-remainder "
             "rounding), so credited plus unattributed revenue equals booked revenue to the "
             "cent. Default model: %s. Models compared: %s. Credit run %lld.",
             r->currency, o->lookback_days, r->model[0] ? r->model : "n/a",
             models[0] ? models : "none", (long long)r->credit_run);
    snprintf(p1, sizeof p1,
             "Return on spend. Campaign ROI = (revenue credited to the campaign by %s - its "
             "spend) / spend; spend is the ad-platform cost of the period converted at the rate "
             "of its day. Campaigns without spend have no ROI and are left out of the scatter.",
             r->model[0] ? r->model : "the default model");
    snprintf(p2, sizeof p2,
             "Funnel. The people whose lead was created in %s, by the furthest stage they "
             "reached since (a later stage implies the earlier ones). Conversion between stages "
             "with 95\u00a0%% Wilson score intervals.",
             r->period.label);
    snprintf(p3, sizeof p3,
             "Recurring revenue. ARR = 12 x MRR on the last day before the period and on its "
             "last day. NRR = ARR at the end of the accounts present at the start / their ARR "
             "at the start; GRR "
             "caps each account at its starting ARR. All in constant currency, at the rates "
             "of the period's last day: a rate change is never churn or expansion. FX = the "
             "starting accounts' ARR at these rates minus at the previous period's end rates, "
             "so that period's end + FX = this start. Cohorts: share of the accounts acquired "
             "in a month with revenue in each later month; months not yet complete are empty.");
    snprintf(p4, sizeof p4,
             "Survival. Kaplan-Meier estimate of the share of customers still subscribed, by the "
             "channel of the account's first marketing touch; customers still active are "
             "censored at the data's end; bands are pointwise 95\u00a0%% intervals (%s "
             "transformation, Greenwood variance).",
             r->interval_name ? r->interval_name : "log-log");
    size_t len = 0;
    p5[0] = '\0';
    if (r->coverage == ALLOT_REPORT_COVERED)
        len += (size_t)snprintf(p5, sizeof p5, "Headline numbers, %s against %s.",
                                r->period.label, r->prior.label);
    else
        len += (size_t)snprintf(p5, sizeof p5, "Headline numbers, %s. %s.", r->period.label,
                                r->coverage_note);
    for (int i = 0; i < ALLOT_REPORT_KPIS && len < sizeof p5; i++)
        len += (size_t)snprintf(p5 + len, sizeof p5 - len, " %s: %s.", r->kpi[i].name,
                                r->kpi[i].formula ? r->kpi[i].formula : "");
    len = 0;
    p6[0] = '\0';
    for (int s = 0; s < ALLOT_REPORT_SECTIONS && len < sizeof p6; s++)
        if (r->missing[s][0])
            len += (size_t)snprintf(p6 + len, sizeof p6 - len, "%s%s: %s.",
                                    len ? " " : "Not shown for lack of data. ",
                                    allot_report_section_name((allot_report_section)s),
                                    r->missing[s]);
    size_t n = 0;
    paras[n++] = p0;
    paras[n++] = p1;
    paras[n++] = p2;
    paras[n++] = p3;
    paras[n++] = p4;
    paras[n++] = p5;
    if (p6[0])
        paras[n++] = p6;
    for (size_t i = 0; i < n; i++) {
        snprintf(buf, sizeof buf, "%s", paras[i]);
        y += ch_paragraph(&g, M, y, buf, CH_LABEL_PT + 0.5, 0, CH_INK, w) + 9;
    }
    footer(&g, r, page, pages);
    ch_end(&g);
}

allot_status pdfpack_write(const allot_report *r, const pdfpack_options *o, const char *path,
                           int *pages_out, allot_error *err)
{
    chartset_id all[CHARTSET_COUNT];
    for (int i = 0; i < CHARTSET_COUNT; i++)
        all[i] = (chartset_id)i;
    const chartset_id *ids = o->charts ? o->charts : all;
    size_t n = o->charts ? o->n_charts : CHARTSET_COUNT;
    if (n > CHARTSET_COUNT)
        n = CHARTSET_COUNT;
    chartset_item items[CHARTSET_COUNT];
    size_t built = 0;
    allot_status st = ALLOT_OK;
    for (; built < n; built++) {
        st = chartset_build(r, ids[built], &items[built], err);
        if (st != ALLOT_OK) {
            chartset_item_release(&items[built]);
            break;
        }
    }
    int pages = (int)n + 2;
    if (st == ALLOT_OK) {
        cairo_surface_t *surface = cairo_pdf_surface_create(path, PDFPACK_PAGE_W, PDFPACK_PAGE_H);
        cairo_status_t cs = cairo_surface_status(surface);
        if (cs == CAIRO_STATUS_SUCCESS) {
            char title[96];
            snprintf(title, sizeof title, "Revenue attribution %s", r->period.label);
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "allot");
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, CHART_PDF_DATE);
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, CHART_PDF_DATE);
            cairo_t *cr = cairo_create(surface);
            cover(cr, r, o, items, n, pages);
            cairo_show_page(cr);
            for (size_t i = 0; i < n; i++) {
                ch_ctx g;
                ch_begin(&g, cr, PDFPACK_PAGE_W, PDFPACK_PAGE_H);
                cairo_save(cr);
                cairo_translate(cr, 12, 10);
                chart_draw(cr, PDFPACK_PAGE_W - 24, PDFPACK_PAGE_H - 34, &items[i].chart);
                cairo_restore(cr);
                footer(&g, r, (int)i + 2, pages);
                ch_end(&g);
                cairo_show_page(cr);
            }
            methods(cr, r, o, pages, pages);
            cairo_show_page(cr);
            cs = cairo_status(cr);
            cairo_destroy(cr);
            cairo_surface_finish(surface);
            if (cs == CAIRO_STATUS_SUCCESS)
                cs = cairo_surface_status(surface);
        }
        cairo_surface_destroy(surface);
        if (cs != CAIRO_STATUS_SUCCESS)
            st = allot_error_set(err, ALLOT_ERR_IO, path, 0, 0,
                                 "cannot write the PDF: %s; check that the folder exists and "
                                 "is writable",
                                 cairo_status_to_string(cs));
    }
    for (size_t i = 0; i < built; i++)
        chartset_item_release(&items[i]);
    if (pages_out)
        *pages_out = st == ALLOT_OK ? pages : 0;
    return st;
}
