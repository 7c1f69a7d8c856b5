/* Kaplan-Meier survival curves as step functions with confidence bands,
 * each curve named at its end. */
#include "chart_internal.h"

#include <math.h>
#include <stdlib.h>

#define LABEL_MAX_W 140.0

static const int SHADE[] = {0, 2, 1, 3, 0, 2, 1, 3};
static const int DASHED[] = {0, 0, 1, 1, 2, 2, 2, 2}; /* 0 solid, 1 dashed, 2 dotted */

static void set_style(cairo_t *cr, size_t k)
{
    static const double dash[] = {5, 3}, dot[] = {1.5, 2.5};
    int d = DASHED[k % 8];
    cairo_set_dash(cr, d == 1 ? dash : d == 2 ? dot : NULL, d ? 2 : 0, 0);
    ch_set(cr, CH_SERIES[SHADE[k % 8]]);
}

static double series_end(const chart_km_series *s)
{
    double last = s->n ? s->t[s->n - 1] : 0;
    return isfinite(s->t_end) && s->t_end > last ? s->t_end : last;
}

/* The step path of v (s, lo or hi) forward, or backward when reverse. */
static void step_path(cairo_t *cr, const chart_km_series *s, const double *v, const ch_scale *sx,
                      const ch_scale *sy, int reverse, int start)
{
    size_t n = s->n;
    double end = series_end(s);
    if (!reverse) {
        for (size_t i = 0; i < n; i++) {
            double x = ch_map(sx, s->t[i]), y = ch_map(sy, v[i]);
            if (i == 0 && start)
                cairo_move_to(cr, x, y);
            else
                cairo_line_to(cr, x, y);
            double xn = ch_map(sx, i + 1 < n ? s->t[i + 1] : end);
            cairo_line_to(cr, xn, y);
        }
    } else {
        for (size_t i = n; i-- > 0;) {
            double y = ch_map(sy, v[i]);
            double xn = ch_map(sx, i + 1 < n ? s->t[i + 1] : end);
            cairo_line_to(cr, xn, y);
            cairo_line_to(cr, ch_map(sx, s->t[i]), y);
        }
    }
}

typedef struct end_label { double y; size_t k; } end_label;

static int by_y(const void *a, const void *b)
{
    const end_label *p = a, *q = b;
    return p->y < q->y ? -1 : p->y > q->y ? 1 : (p->k > q->k) - (p->k < q->k);
}

void chart_draw_km(cairo_t *cr, double width, double height, const chart_km *c)
{
    ch_ctx g;
    ch_begin(&g, cr, width, height);
    ch_rect plot = ch_frame(&g, &c->text);

    double tmax = 0;
    size_t live = 0;
    for (size_t k = 0; k < c->n_series; k++)
        if (c->series[k].n) {
            live++;
            tmax = fmax(tmax, series_end(&c->series[k]));
        }
    if (!live) {
        ch_empty(&g, plot, &c->text);
        ch_end(&g);
        return;
    }
    double label_w = 0, w, th = 10;
    for (size_t k = 0; k < c->n_series; k++) {
        ch_measure(&g, c->series[k].label, CH_LABEL_PT, 0, LABEL_MAX_W, &w, &th);
        label_w = fmax(label_w, w);
    }
    chart_ticks tx, ty;
    chart_nice_ticks(0, tmax, 8, &tx);
    chart_nice_ticks(0, 1, 5, &ty);
    double left_w = ch_tick_label_width(&g, &ty, CHART_UNIT_PERCENT) + 8;
    ch_rect area = {plot.x + left_w, plot.y + 6, plot.w - left_w - label_w - 12,
                    plot.h - 6 - 34};
    ch_scale sx = {tx.first, tx.last, area.x, area.x + area.w};
    ch_scale sy = {0, 1, area.y + area.h, area.y};
    ch_axis_left(&g, area, &sy, &ty, CHART_UNIT_PERCENT, "Still subscribed");
    ch_axis_bottom(&g, area, &sx, &tx, CHART_UNIT_NUMBER, c->x_title);

    /* Bands first, all of them, so no band covers a line. */
    for (size_t k = 0; k < c->n_series; k++) {
        const chart_km_series *s = &c->series[k];
        if (!s->n || !s->lo || !s->hi)
            continue;
        step_path(cr, s, s->hi, &sx, &sy, 0, 1);
        step_path(cr, s, s->lo, &sx, &sy, 1, 0);
        cairo_close_path(cr);
        ch_rgb col = CH_SERIES[SHADE[k % 8]];
        cairo_set_source_rgba(cr, col.r, col.g, col.b, 0.09);
        cairo_fill(cr);
    }
    end_label *labels = malloc(c->n_series * sizeof *labels);
    size_t n_labels = 0;
    for (size_t k = 0; k < c->n_series; k++) {
        const chart_km_series *s = &c->series[k];
        if (!s->n)
            continue;
        step_path(cr, s, s->s, &sx, &sy, 0, 1);
        set_style(cr, k);
        cairo_set_line_width(cr, k == 0 ? 2.25 : 1.75);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        if (labels)
            labels[n_labels++] = (end_label){ch_map(&sy, s->s[s->n - 1]), k};
    }
    /* End labels pushed apart vertically, then kept inside the plot. */
    if (labels && n_labels) {
        qsort(labels, n_labels, sizeof *labels, by_y);
        double gap = th + 1;
        for (size_t i = 1; i < n_labels; i++)
            if (labels[i].y < labels[i - 1].y + gap)
                labels[i].y = labels[i - 1].y + gap;
        double overflow = labels[n_labels - 1].y - (area.y + area.h);
        for (size_t i = n_labels; overflow > 0 && i-- > 0;) {
            labels[i].y -= overflow;
            if (i > 0 && labels[i - 1].y > labels[i].y - gap)
                overflow = labels[i - 1].y - (labels[i].y - gap);
            else
                overflow = 0;
        }
        for (size_t i = 0; i < n_labels; i++) {
            const chart_km_series *s = &c->series[labels[i].k];
            double xe = ch_map(&sx, series_end(s));
            double ye = ch_map(&sy, s->s[s->n - 1]);
            ch_set(cr, CH_GRID);
            cairo_set_line_width(cr, 0.75);
            cairo_move_to(cr, xe + 1, ye);
            cairo_line_to(cr, area.x + area.w + 4, labels[i].y);
            cairo_stroke(cr);
            ch_text(&g, area.x + area.w + 6, labels[i].y, s->label, CH_LABEL_PT,
                    labels[i].k == 0, CH_SERIES[SHADE[labels[i].k % 8]].r < 0.3 ? CH_INK
                                                                                : CH_MUTED,
                    CH_LEFT, CH_MIDDLE, LABEL_MAX_W, NULL, NULL);
        }
    }
    free(labels);
    ch_end(&g);
}
