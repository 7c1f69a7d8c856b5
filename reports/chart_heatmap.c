/* Cohort heatmap: one hue, darker = more retained; the value in each cell. */
#include "chart_internal.h"

#include <math.h>
#include <stdio.h>

#define CELL_MAX_H 26.0
#define CELL_MIN_H 9.0

static const ch_rgb LIGHTEST = {0.955, 0.965, 0.980};

void chart_draw_heatmap(cairo_t *cr, double width, double height, const chart_heatmap *c)
{
    ch_ctx g;
    ch_begin(&g, cr, width, height);
    ch_rect plot = ch_frame(&g, &c->text);

    int any = 0;
    for (size_t i = 0; i < c->n_rows * c->n_cols; i++)
        any |= isfinite(c->values[i]);
    if (!any) {
        ch_empty(&g, plot, &c->text);
        ch_end(&g);
        return;
    }
    double label_w = 0, w, head_h = 0, h;
    for (size_t r = 0; r < c->n_rows; r++) {
        ch_measure(&g, c->row_labels[r], CH_LABEL_PT, 0, 0, &w, NULL);
        label_w = fmax(label_w, w);
    }
    label_w = fmin(label_w, plot.w * 0.25);
    double top = plot.y;
    if (c->col_title && *c->col_title) {
        ch_text(&g, plot.x + label_w + 8, top, c->col_title, CH_LABEL_PT, 0, CH_MUTED, CH_LEFT,
                CH_TOP, plot.w - label_w, NULL, &h);
        top += h + 4;
    }
    ch_measure(&g, "M0", CH_SMALL_PT, 0, 0, NULL, &head_h);
    top += head_h + 3;
    double x0 = plot.x + label_w + 8;
    double cell_w = (plot.x + plot.w - x0) / (double)(c->n_cols ? c->n_cols : 1);
    size_t rows = c->n_rows;
    double cell_h = fmin((plot.y + plot.h - top) / (double)rows, CELL_MAX_H);
    if (cell_h < CELL_MIN_H) {
        cell_h = CELL_MIN_H;
        rows = (size_t)((plot.y + plot.h - top - 12) / CELL_MIN_H);
    }
    for (size_t k = 0; k < c->n_cols; k++)
        ch_text(&g, x0 + cell_w * ((double)k + 0.5), top - 3, c->col_labels[k], CH_SMALL_PT, 0,
                CH_MUTED, CH_CENTER, CH_BOTTOM, cell_w, NULL, NULL);

    double lo = c->shade_min, hi = c->shade_max;
    if (!(hi > lo)) {
        lo = 0;
        hi = 1;
    }
    char buf[32];
    int show_values = cell_w >= 24 && cell_h >= 11;
    for (size_t r = 0; r < rows; r++) {
        double y = top + cell_h * (double)r;
        ch_text(&g, plot.x + label_w, y + cell_h / 2, c->row_labels[r], CH_LABEL_PT, 0, CH_INK,
                CH_RIGHT, CH_MIDDLE, label_w, NULL, NULL);
        for (size_t k = 0; k < c->n_cols; k++) {
            double v = c->values[r * c->n_cols + k];
            if (!isfinite(v))
                continue;
            double t = fmin(fmax((v - lo) / (hi - lo), 0), 1);
            cairo_rectangle(cr, x0 + cell_w * (double)k, y, cell_w - 1, cell_h - 1);
            ch_set(cr, ch_mix(LIGHTEST, CH_SERIES[0], t));
            cairo_fill(cr);
            if (show_values) {
                chart_format_value(v, CHART_UNIT_PERCENT, 0, buf, sizeof buf);
                ch_text(&g, x0 + cell_w * ((double)k + 0.5) - 0.5, y + cell_h / 2 - 0.5, buf,
                        cell_w >= 34 ? CH_SMALL_PT : CH_SMALL_PT - 1.5, 0,
                        t > 0.45 ? CH_BG : CH_INK, CH_CENTER, CH_MIDDLE, cell_w - 2, NULL, NULL);
            }
        }
    }
    if (rows < c->n_rows) {
        char note[96];
        snprintf(note, sizeof note, "%zu later cohorts not shown", c->n_rows - rows);
        ch_text(&g, plot.x + plot.w, plot.y + plot.h, note, CH_SMALL_PT, 0, CH_MUTED, CH_RIGHT,
                CH_BOTTOM, 0, NULL, NULL);
    }
    ch_end(&g);
}
