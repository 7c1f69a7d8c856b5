/* Sorted horizontal bars from a zero baseline, labelled directly. */
#include "chart_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"

#define ROW_MIN 16.0
#define ROW_MAX 42.0

/* Each positive bar's share of the positive total in whole percents that
 * add up to the shares' sum rounded once (100 when every positive value
 * has its own bar): largest remainder, ties to the bar drawn first
 * (allot_money_foot on percents). Rounded on their own, three equal bars
 * read 33 % three times. -1 for a bar that is not positive. */
static void whole_percents(const double *vals, size_t rows, double positive, int64_t *pct)
{
    int64_t *micros = malloc(rows * sizeof *micros);
    for (size_t r = 0; r < rows; r++) {
        double v = vals[r] > 0 ? vals[r] / positive * 100 : 0;
        if (micros)
            micros[r] = llround(v * 1e6);
        pct[r] = llround(v); /* if the footing cannot be done */
    }
    if (micros)
        allot_money_foot(micros, rows, 0, pct, NULL);
    for (size_t r = 0; r < rows; r++)
        if (!(vals[r] > 0))
            pct[r] = -1;
    free(micros);
}

/* A bar's value label, with its share when shown (pct >= 0). */
static void value_text(double v, chart_unit unit, double max_abs, int64_t pct, char *buf,
                       size_t size)
{
    char num[64], share[64];
    ch_value_label(v, unit, max_abs, num, sizeof num);
    if (pct >= 0)
        snprintf(buf, size, "%s  (%s)", num,
                 chart_format_value((double)pct / 100, CHART_UNIT_PERCENT, 0, share,
                                    sizeof share));
    else
        snprintf(buf, size, "%s", num);
}

void chart_draw_bars(cairo_t *cr, double width, double height, const chart_bars *c)
{
    ch_ctx g;
    ch_begin(&g, cr, width, height);
    ch_rect plot = ch_frame(&g, &c->text);

    size_t *idx = c->n ? malloc(c->n * sizeof *idx) : NULL;
    size_t n_real = 0;
    int any = 0;
    if (idx) {
        ch_sort_desc(idx, c->n, c->values, c->labels);
        for (size_t i = 0; i < c->n; i++) {
            double v = c->values[idx[i]];
            if (isfinite(v)) {
                idx[n_real++] = idx[i];
                any |= v != 0;
            }
        }
    }
    if (!any) {
        ch_empty(&g, plot, &c->text);
        free(idx);
        ch_end(&g);
        return;
    }

    char caption[96];
    ch_caption(c->unit, c->currency, NULL, caption, sizeof caption);
    double axis_h = caption[0] ? 34 : 20;
    size_t max_rows = (size_t)((plot.h - axis_h) / ROW_MIN);
    if (max_rows < 2)
        max_rows = 2;
    size_t rows = n_real <= max_rows ? n_real : max_rows;
    int has_other = n_real > rows;

    /* Row values: the largest rows-1 (or all), then "Other (k)". */
    double *vals = malloc(rows * sizeof *vals);
    char other_label[64] = "";
    if (!vals) {
        free(idx);
        ch_end(&g);
        return;
    }
    for (size_t r = 0; r < rows; r++)
        vals[r] = c->values[idx[r]];
    if (has_other) {
        double sum = 0;
        for (size_t i = rows - 1; i < n_real; i++)
            sum += c->values[idx[i]];
        vals[rows - 1] = sum;
        snprintf(other_label, sizeof other_label, "Other (%zu)", n_real - rows + 1);
    }

    double lo = 0, hi = 0, positive = 0, max_abs = 0;
    for (size_t i = 0; i < n_real; i++) {
        double v = c->values[idx[i]];
        if (v > 0)
            positive += v;
    }
    for (size_t r = 0; r < rows; r++) {
        lo = fmin(lo, vals[r]);
        hi = fmax(hi, vals[r]);
        max_abs = fmax(max_abs, fabs(vals[r]));
    }

    /* Label column and value labels. */
    int64_t *pct = malloc(rows * sizeof *pct);
    if (!pct) {
        free(vals);
        free(idx);
        ch_end(&g);
        return;
    }
    if (c->show_share && positive > 0)
        whole_percents(vals, rows, positive, pct);
    else
        for (size_t r = 0; r < rows; r++)
            pct[r] = -1;
    char buf[128];
    double label_w = 0, value_w = 0, w;
    for (size_t r = 0; r < rows; r++) {
        const char *label = has_other && r == rows - 1 ? other_label : c->labels[idx[r]];
        ch_measure(&g, label, CH_LABEL_PT, 0, 0, &w, NULL);
        label_w = fmax(label_w, w);
        value_text(vals[r], c->unit, max_abs, pct[r], buf, sizeof buf);
        ch_measure(&g, buf, CH_LABEL_PT, 0, 0, &w, NULL);
        value_w = fmax(value_w, w);
    }
    label_w = fmin(label_w, plot.w * 0.32);

    chart_ticks t;
    chart_nice_ticks(lo, hi, 5, &t);
    double x0 = plot.x + label_w + 10 + (lo < 0 ? value_w + 6 : 0);
    double x1 = plot.x + plot.w - value_w - 8;
    if (x1 - x0 < 60)
        x1 = x0 + 60;
    /* Half a tick label of room on the right so the last tick fits. */
    x1 -= 10;
    double pitch = fmin((plot.h - axis_h) / (double)rows, ROW_MAX);
    ch_rect area = {x0, plot.y, x1 - x0, pitch * (double)rows};
    ch_scale s = {t.first, t.last, x0, x1};
    ch_axis_bottom(&g, area, &s, &t, c->unit, caption);

    double bar_h = pitch * 0.68;
    double zero = ch_map(&s, 0);
    for (size_t r = 0; r < rows; r++) {
        int other = has_other && r == rows - 1;
        double yc = plot.y + pitch * ((double)r + 0.5);
        double xe = ch_map(&s, vals[r]);
        double left = fmin(zero, xe), right = fmax(zero, xe);
        cairo_rectangle(cr, left, yc - bar_h / 2, right - left, bar_h);
        const char *label = other ? other_label : c->labels[idx[r]];
        int muted = other || (c->muted && strcmp(label, c->muted) == 0);
        ch_set(cr, vals[r] < 0 ? CH_NEGATIVE : muted ? CH_SERIES[4] : CH_SERIES[1]);
        cairo_fill(cr);

        ch_text(&g, plot.x + label_w, yc, label, CH_LABEL_PT, 0, muted ? CH_MUTED : CH_INK,
                CH_RIGHT, CH_MIDDLE, label_w, NULL, NULL);
        value_text(vals[r], c->unit, max_abs, pct[r], buf, sizeof buf);
        if (vals[r] < 0)
            ch_text(&g, xe - 5, yc, buf, CH_LABEL_PT, 0, CH_INK, CH_RIGHT, CH_MIDDLE, 0, NULL,
                    NULL);
        else
            ch_text(&g, xe + 5, yc, buf, CH_LABEL_PT, 0, CH_INK, CH_LEFT, CH_MIDDLE, 0, NULL,
                    NULL);
    }
    /* The baseline over the bars. */
    cairo_set_line_width(cr, 1);
    ch_set(cr, CH_AXIS);
    cairo_move_to(cr, round(zero) + 0.5, plot.y);
    cairo_line_to(cr, round(zero) + 0.5, plot.y + area.h);
    cairo_stroke(cr);

    free(pct);
    free(vals);
    free(idx);
    ch_end(&g);
}
