/* Dot plot: categories down, one dot per series across, on one zero-based
 * value axis. Series are told apart by marker shape and lightness and are
 * named next to their dots on the top row (no legend). */
#include "chart_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define ROW_MIN 15.0
#define ROW_MAX 40.0

static ch_rgb series_colour(size_t s)
{
    static const int shade[] = {0, 2, 3, 1, 4, 2, 3, 1};
    return CH_SERIES[shade[s % 8]];
}

void chart_draw_dots(cairo_t *cr, double width, double height, const chart_dots *c)
{
    ch_ctx g;
    ch_begin(&g, cr, width, height);
    ch_rect plot = ch_frame(&g, &c->text);

    size_t n = c->n_rows, m = c->n_series;
    int any = 0;
    double lo = 0, hi = 0;
    for (size_t i = 0; i < n * m; i++)
        if (isfinite(c->values[i])) {
            any = 1;
            lo = fmin(lo, c->values[i]);
            hi = fmax(hi, c->values[i]);
        }
    for (size_t r = 0; c->range_min && c->range_max && r < n; r++)
        if (isfinite(c->range_min[r]) && isfinite(c->range_max[r])) {
            lo = fmin(lo, c->range_min[r]);
            hi = fmax(hi, c->range_max[r]);
        }
    double *key = any ? malloc(n * sizeof *key) : NULL;
    size_t *idx = any ? malloc(n * sizeof *idx) : NULL;
    if (!any || !key || !idx || m == 0) {
        if (any && m) { /* out of memory: nothing sensible to draw */
            free(key);
            free(idx);
            ch_end(&g);
            return;
        }
        ch_empty(&g, plot, &c->text);
        free(key);
        free(idx);
        ch_end(&g);
        return;
    }
    for (size_t r = 0; r < n; r++)
        key[r] = c->values[r * m];
    ch_sort_desc(idx, n, key, c->row_labels);

    /* Series names stand above the top row, staggered on up to three lines
     * so that close dots keep readable names. */
    double name_band = m > 1 ? 3 * 13.0 + 4 : 0;
    char caption[96];
    ch_caption(c->unit, c->currency, NULL, caption, sizeof caption);
    double axis_h = caption[0] ? 34 : 20;
    size_t rows = n;
    size_t fit = (size_t)((plot.h - axis_h - name_band) / ROW_MIN);
    if (rows > fit)
        rows = fit > 1 ? fit : 1; /* the smallest rows are left out; note says so */

    double label_w = 0, w;
    for (size_t r = 0; r < rows; r++) {
        ch_measure(&g, c->row_labels[idx[r]], CH_LABEL_PT, 0, 0, &w, NULL);
        label_w = fmax(label_w, w);
    }
    label_w = fmin(label_w, plot.w * 0.28);
    chart_ticks t;
    chart_nice_ticks(lo, hi, 5, &t);
    double x0 = plot.x + label_w + 14, x1 = plot.x + plot.w - 60;
    double top = plot.y + name_band;
    double pitch = fmin((plot.h - axis_h - name_band) / (double)rows, ROW_MAX);
    ch_rect area = {x0, top, x1 - x0, pitch * (double)rows};
    ch_scale s = {t.first, t.last, x0, x1};
    ch_axis_bottom(&g, area, &s, &t, c->unit, caption);

    for (size_t r = 0; r < rows; r++) {
        size_t row = idx[r];
        double yc = top + pitch * ((double)r + 0.5);
        ch_text(&g, plot.x + label_w, yc, c->row_labels[row], CH_LABEL_PT, 0, CH_INK, CH_RIGHT,
                CH_MIDDLE, label_w, NULL, NULL);
        /* A light line from the row's smallest to largest value: the spread
         * between models is the message. */
        double vmin = INFINITY, vmax = -INFINITY;
        for (size_t k = 0; k < m; k++) {
            double v = c->values[row * m + k];
            if (isfinite(v)) {
                vmin = fmin(vmin, v);
                vmax = fmax(vmax, v);
            }
        }
        if (c->range_min && c->range_max && isfinite(c->range_min[row]) &&
            isfinite(c->range_max[row])) {
            vmin = c->range_min[row];
            vmax = c->range_max[row];
        }
        if (vmin < vmax) {
            ch_set(cr, CH_SERIES[4]);
            cairo_set_line_width(cr, 2);
            cairo_move_to(cr, ch_map(&s, vmin), yc);
            cairo_line_to(cr, ch_map(&s, vmax), yc);
            cairo_stroke(cr);
        }
        /* Series 0 last so the default model sits on top. */
        for (size_t k = m; k-- > 0;) {
            double v = c->values[row * m + k];
            if (!isfinite(v))
                continue;
            ch_marker(cr, ch_map(&s, v), yc, k == 0 ? 4.5 : 3.8, (int)k, 1, series_colour(k));
        }
    }

    /* Direct series names over the top row's dots, staggered. */
    if (m > 1) {
        size_t row = idx[0];
        double yc0 = top + pitch * 0.5;
        ch_boxes placed = {0};
        size_t *order = malloc(m * sizeof *order);
        double *xs = malloc(m * sizeof *xs);
        if (order && xs) {
            for (size_t k = 0; k < m; k++)
                xs[k] = isfinite(c->values[row * m + k]) ? c->values[row * m + k] : NAN;
            ch_sort_desc(order, m, xs, c->series_labels);
            for (size_t j = 0; j < m; j++) {
                size_t k = order[j];
                if (isnan(xs[k]))
                    continue;
                double x = ch_map(&s, xs[k]), tw, th;
                ch_measure(&g, c->series_labels[k], CH_SMALL_PT, k == 0, 120, &tw, &th);
                /* Try three lines, each centred on the dot, then nudged
                 * sideways; a name that finds no room is left out. */
                static const double nudge[] = {0, -0.6, 0.6, -1.2, 1.2};
                ch_rect box = {0, 0, tw + 4, th};
                int found = 0;
                for (int level = 0; level < 3 && !found; level++)
                    for (int s2 = 0; s2 < 5 && !found; s2++) {
                        double left = x - tw / 2 + nudge[s2] * (tw + 4);
                        left = fmin(fmax(left, plot.x), plot.x + plot.w - tw);
                        box.x = left - 2;
                        box.y = plot.y + name_band - 6 - th * (level + 1) - level * 1.0;
                        found = !ch_boxes_hits(&placed, box);
                    }
                if (!found)
                    continue;
                double left = box.x + 2;
                ch_boxes_add(&placed, box);
                ch_set(cr, CH_GRID);
                cairo_set_line_width(cr, 0.75);
                cairo_move_to(cr, fmin(fmax(x, left), left + tw), box.y + th);
                cairo_line_to(cr, x, yc0 - 5);
                cairo_stroke(cr);
                ch_text(&g, left, box.y, c->series_labels[k], CH_SMALL_PT, k == 0,
                        k == 0 ? CH_INK : CH_MUTED, CH_LEFT, CH_TOP, 120, NULL, NULL);
            }
        }
        free(order);
        free(xs);
        ch_boxes_release(&placed);
    }
    if (rows < n) {
        char note[96];
        snprintf(note, sizeof note, "%zu smaller rows not shown", n - rows);
        ch_text(&g, plot.x + plot.w, area.y + area.h + 4, note, CH_SMALL_PT, 0, CH_MUTED,
                CH_RIGHT, CH_TOP, 0, NULL, NULL);
    }
    free(key);
    free(idx);
    ch_end(&g);
}
