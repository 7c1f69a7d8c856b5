/* Funnel: one bar per stage from a zero baseline, in stage order, with the
 * conversion rate (and its interval) written between consecutive stages. */
#include "chart_internal.h"

#include <math.h>
#include <stdio.h>

#define BAR_MAX 30.0
#define GAP_MIN 16.0

void chart_draw_funnel(cairo_t *cr, double width, double height, const chart_funnel *c)
{
    ch_ctx g;
    ch_begin(&g, cr, width, height);
    ch_rect plot = ch_frame(&g, &c->text);

    double hi = 0;
    for (size_t i = 0; i < c->n; i++)
        if (isfinite(c->counts[i]))
            hi = fmax(hi, c->counts[i]);
    if (c->n == 0 || hi <= 0) {
        ch_empty(&g, plot, &c->text);
        ch_end(&g);
        return;
    }

    double label_w = 0, value_w = 0, w;
    char buf[160], a[64], b[64], r[64];
    for (size_t i = 0; i < c->n; i++) {
        ch_measure(&g, c->stages[i], CH_LABEL_PT + 0.5, 1, 0, &w, NULL);
        label_w = fmax(label_w, w);
        ch_value_label(c->counts[i], CHART_UNIT_NUMBER, hi, buf, sizeof buf);
        ch_measure(&g, buf, CH_LABEL_PT + 0.5, 0, 0, &w, NULL);
        value_w = fmax(value_w, w);
    }
    label_w = fmin(label_w, plot.w * 0.3);
    double x0 = plot.x + label_w + 12;
    double x1 = plot.x + plot.w - value_w - 10;
    /* Each stage: a bar, then a gap holding the conversion to the next. */
    double unit_h = plot.h / ((double)c->n + (double)(c->n - 1) * 0.7);
    double bar_h = fmin(unit_h, BAR_MAX);
    double gap = fmax(fmin(unit_h * 0.7, BAR_MAX * 0.9), GAP_MIN);
    if (bar_h * (double)c->n + gap * (double)(c->n - 1) > plot.h)
        bar_h = fmax(6, (plot.h - gap * (double)(c->n - 1)) / (double)c->n);
    ch_scale s = {0, hi, x0, x1};

    double y = plot.y;
    for (size_t i = 0; i < c->n; i++) {
        double v = isfinite(c->counts[i]) ? c->counts[i] : 0;
        double xe = ch_map(&s, v);
        cairo_rectangle(cr, x0, y, xe - x0, bar_h);
        ch_set(cr, CH_SERIES[i == c->n - 1 ? 0 : 2]);
        cairo_fill(cr);
        ch_text(&g, plot.x + label_w, y + bar_h / 2, c->stages[i], CH_LABEL_PT + 0.5, 1, CH_INK,
                CH_RIGHT, CH_MIDDLE, label_w, NULL, NULL);
        ch_value_label(c->counts[i], CHART_UNIT_NUMBER, hi, buf, sizeof buf);
        ch_text(&g, xe + 6, y + bar_h / 2, isfinite(c->counts[i]) ? buf : "n/a",
                CH_LABEL_PT + 0.5, 0, CH_INK, CH_LEFT, CH_MIDDLE, 0, NULL, NULL);
        y += bar_h;
        if (i + 1 < c->n) {
            double rate = c->rate ? c->rate[i]
                          : c->counts[i] > 0 ? c->counts[i + 1] / c->counts[i]
                                             : NAN;
            if (isfinite(rate)) {
                chart_format_value(rate, CHART_UNIT_PERCENT, 1, r, sizeof r);
                if (c->rate_lo && c->rate_hi && isfinite(c->rate_lo[i]) &&
                    isfinite(c->rate_hi[i]))
                    snprintf(buf, sizeof buf, "\u2193 %s converted  (95 %% interval %s \u2013 %s)",
                             r, chart_format_value(c->rate_lo[i], CHART_UNIT_PERCENT, 1, a,
                                                   sizeof a),
                             chart_format_value(c->rate_hi[i], CHART_UNIT_PERCENT, 1, b,
                                                sizeof b));
                else
                    snprintf(buf, sizeof buf, "\u2193 %s converted", r);
            } else {
                snprintf(buf, sizeof buf, "\u2193 conversion n/a (no %s)", c->stages[i]);
            }
            ch_text(&g, x0 + 4, y + gap / 2, buf, CH_SMALL_PT + 0.5, 0, CH_MUTED, CH_LEFT,
                    CH_MIDDLE, x1 - x0, NULL, NULL);
            y += gap;
        }
    }
    cairo_set_line_width(cr, 1);
    ch_set(cr, CH_AXIS);
    cairo_move_to(cr, x0 + 0.5, plot.y - 2);
    cairo_line_to(cr, x0 + 0.5, y + 2);
    cairo_stroke(cr);
    ch_end(&g);
}
