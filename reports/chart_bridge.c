/* Waterfall bridge: start -> increases and decreases -> end, from zero. */
#include "chart_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void signed_label(double v, chart_unit unit, double max_abs, char *buf, size_t size)
{
    char num[64];
    ch_value_label(fabs(v), unit, max_abs, num, sizeof num);
    /* U+2212 MINUS SIGN reads better than a hyphen next to digits. */
    snprintf(buf, size, "%s%s", v < 0 ? "\u2212" : "+", num);
}

void chart_draw_bridge(cairo_t *cr, double width, double height, const chart_bridge *c)
{
    ch_ctx g;
    ch_begin(&g, cr, width, height);
    ch_rect plot = ch_frame(&g, &c->text);

    int any = isfinite(c->start) && c->start != 0;
    double run = isfinite(c->start) ? c->start : 0, lo = fmin(0, run), hi = fmax(0, run);
    double max_abs = fabs(run);
    for (size_t i = 0; i < c->n_steps; i++) {
        double v = isfinite(c->steps[i]) ? c->steps[i] : 0;
        any |= v != 0;
        run += v;
        lo = fmin(lo, run);
        hi = fmax(hi, run);
        max_abs = fmax(max_abs, fmax(fabs(v), fabs(run)));
    }
    if (!any) {
        ch_empty(&g, plot, &c->text);
        ch_end(&g);
        return;
    }
    double end = run;

    chart_ticks t;
    chart_nice_ticks(lo, hi, 5, &t);
    char cap[96];
    ch_caption(c->unit, c->currency, NULL, cap, sizeof cap);
    double left_w = ch_tick_label_width(&g, &t, c->unit) + 8;
    ch_rect area = {plot.x + left_w, plot.y + 8, plot.w - left_w - 4, plot.h - 8 - 22};
    ch_scale sy = {t.first, t.last, area.y + area.h, area.y};
    ch_axis_left(&g, area, &sy, &t, c->unit, cap);

    size_t cols = c->n_steps + 2;
    double col_w = area.w / (double)cols, bar_w = col_w * 0.62;
    char buf[96];
    double prev_level = 0;
    run = isfinite(c->start) ? c->start : 0;
    for (size_t col = 0; col < cols; col++) {
        int total = col == 0 || col == cols - 1;
        double v = col == 0 ? run : col == cols - 1 ? end
                   : isfinite(c->steps[col - 1]) ? c->steps[col - 1] : 0;
        double from = total ? 0 : run, to = total ? v : run + v;
        double xl = area.x + col_w * (double)col + (col_w - bar_w) / 2;
        double ya = ch_map(&sy, from), yb = ch_map(&sy, to);
        ch_rect bar = {xl, fmin(ya, yb), bar_w, fmax(fabs(ya - yb), 0.75)};
        if (total) {
            ch_set(cr, CH_SERIES[0]);
            cairo_rectangle(cr, bar.x, bar.y, bar.w, bar.h);
            cairo_fill(cr);
        } else if (v >= 0) {
            ch_set(cr, CH_SERIES[2]);
            cairo_rectangle(cr, bar.x, bar.y, bar.w, bar.h);
            cairo_fill(cr);
        } else {
            ch_set(cr, CH_SERIES[5]);
            cairo_rectangle(cr, bar.x, bar.y, bar.w, bar.h);
            cairo_fill(cr);
            ch_hatch(cr, bar, CH_NEGATIVE);
            ch_set(cr, CH_NEGATIVE);
            cairo_set_line_width(cr, 1);
            cairo_rectangle(cr, bar.x + 0.5, bar.y + 0.5, bar.w - 1, bar.h - 1);
            cairo_stroke(cr);
        }
        /* Connector from the previous bar's level. */
        if (col > 0) {
            double yl = round(ch_map(&sy, prev_level)) + 0.5;
            double dash[] = {2, 2};
            cairo_set_dash(cr, dash, 2, 0);
            cairo_set_line_width(cr, 0.75);
            ch_set(cr, CH_AXIS);
            cairo_move_to(cr, xl - (col_w - bar_w), yl);
            cairo_line_to(cr, xl, yl);
            cairo_stroke(cr);
            cairo_set_dash(cr, NULL, 0, 0);
        }
        if (total)
            ch_value_label(v, c->unit, max_abs, buf, sizeof buf);
        else
            signed_label(v, c->unit, max_abs, buf, sizeof buf);
        int below = !total && v < 0;
        ch_text(&g, xl + bar_w / 2, below ? bar.y + bar.h + 3 : bar.y - 3, buf, CH_LABEL_PT,
                total, below ? CH_NEGATIVE : CH_INK, CH_CENTER, below ? CH_TOP : CH_BOTTOM,
                col_w, NULL, NULL);
        const char *label = col == 0 ? c->start_label
                            : col == cols - 1 ? c->end_label : c->step_labels[col - 1];
        ch_text(&g, area.x + col_w * ((double)col + 0.5), area.y + area.h + 5,
                label ? label : (col == 0 ? "Start" : col == cols - 1 ? "End" : ""),
                CH_LABEL_PT, total, CH_INK, CH_CENTER, CH_TOP, col_w - 4, NULL, NULL);
        if (!total)
            run += v;
        prev_level = total ? v : run;
    }
    ch_end(&g);
}
