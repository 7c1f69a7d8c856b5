/* Trend lines by month on one zero-based axis, each named at its end. */
#include "chart_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define LABEL_MAX_W 130.0

static const int SHADE[] = {0, 3, 2, 4, 1, 5};

typedef struct end_label { double y; size_t k; } end_label;

static int by_y(const void *a, const void *b)
{
    const end_label *p = a, *q = b;
    return p->y < q->y ? -1 : p->y > q->y ? 1 : (p->k > q->k) - (p->k < q->k);
}

void chart_draw_trend(cairo_t *cr, double width, double height, const chart_trend *c)
{
    ch_ctx g;
    ch_begin(&g, cr, width, height);
    ch_rect plot = ch_frame(&g, &c->text);

    size_t np = c->n_points, ns = c->n_series;
    int any = 0;
    double lo = 0, hi = 0;
    for (size_t i = 0; i < np * ns; i++)
        if (isfinite(c->values[i])) {
            any |= c->values[i] != 0;
            lo = fmin(lo, c->values[i]);
            hi = fmax(hi, c->values[i]);
        }
    if (!any || np == 0) {
        ch_empty(&g, plot, &c->text);
        ch_end(&g);
        return;
    }
    double label_w = 0, w, th = 10, xw = 0;
    char buf[160], num[64];
    for (size_t k = 0; k < ns; k++) {
        ch_measure(&g, c->series_labels[k], CH_LABEL_PT, k == 0, LABEL_MAX_W, &w, &th);
        label_w = fmax(label_w, w);
    }
    for (size_t p = 0; p < np; p++) {
        ch_measure(&g, c->point_labels[p], CH_SMALL_PT, 0, 0, &w, NULL);
        xw = fmax(xw, w);
    }
    chart_ticks t;
    chart_nice_ticks(lo, hi, 5, &t);
    char cap[96];
    ch_caption(c->unit, c->currency, NULL, cap, sizeof cap);
    double left_w = ch_tick_label_width(&g, &t, c->unit) + 8;
    ch_rect area = {plot.x + left_w, plot.y + 8, plot.w - left_w - label_w - 14,
                    plot.h - 8 - 20};
    ch_scale sy = {t.first, t.last, area.y + area.h, area.y};
    ch_axis_left(&g, area, &sy, &t, c->unit, cap);
    double step = np > 1 ? area.w / (double)(np - 1) : 0;
    double x0 = np > 1 ? area.x : area.x + area.w / 2;

    /* Month labels: every k-th so that they never touch. */
    size_t every = 1;
    while (step > 0 && step * (double)every < xw + 8)
        every++;
    for (size_t p = 0; p < np; p += every)
        ch_text(&g, x0 + step * (double)p, area.y + area.h + 5, c->point_labels[p], CH_SMALL_PT,
                0, CH_MUTED, CH_CENTER, CH_TOP, 0, NULL, NULL);

    end_label *labels = malloc(ns * sizeof *labels);
    size_t n_labels = 0;
    for (size_t k = ns; k-- > 0;) {
        const double *v = c->values + k * np;
        ch_rgb col = CH_SERIES[SHADE[k % 6]];
        int pen = 0;
        for (size_t p = 0; p < np; p++) {
            if (!isfinite(v[p])) {
                pen = 0;
                continue;
            }
            double x = x0 + step * (double)p, y = ch_map(&sy, v[p]);
            if (pen)
                cairo_line_to(cr, x, y);
            else
                cairo_move_to(cr, x, y);
            pen = 1;
        }
        ch_set(cr, col);
        cairo_set_line_width(cr, k == 0 ? 2.5 : 2);
        cairo_stroke(cr);
        size_t last = np;
        for (size_t p = 0; p < np; p++) {
            if (!isfinite(v[p]))
                continue;
            ch_marker(cr, x0 + step * (double)p, ch_map(&sy, v[p]), k == 0 ? 2.6 : 2.2, 0, 1,
                      col);
            last = p;
        }
        if (last < np && labels)
            labels[n_labels++] = (end_label){ch_map(&sy, v[last]), k};
    }
    if (labels && n_labels) {
        qsort(labels, n_labels, sizeof *labels, by_y);
        double gap = th * 2 + 2;
        for (size_t i = 1; i < n_labels; i++)
            if (labels[i].y < labels[i - 1].y + gap)
                labels[i].y = labels[i - 1].y + gap;
        double max_abs = fmax(fabs(lo), fabs(hi));
        for (size_t i = 0; i < n_labels; i++) {
            size_t k = labels[i].k;
            const double *v = c->values + k * np;
            size_t last = np;
            while (last > 0 && !isfinite(v[last - 1]))
                last--;
            double x = area.x + area.w + 8;
            ch_text(&g, x, labels[i].y, c->series_labels[k], CH_LABEL_PT, k == 0, CH_INK,
                    CH_LEFT, CH_BOTTOM, LABEL_MAX_W, NULL, NULL);
            ch_value_label(v[last - 1], c->unit, max_abs, num, sizeof num);
            snprintf(buf, sizeof buf, "%s in %s", num, c->point_labels[last - 1]);
            ch_text(&g, x, labels[i].y, buf, CH_SMALL_PT, 0, CH_MUTED, CH_LEFT, CH_TOP,
                    LABEL_MAX_W, NULL, NULL);
        }
    }
    free(labels);
    ch_end(&g);
}
