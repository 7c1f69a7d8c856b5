/* Labelled scatter (campaign ROI vs spend) with a zero line on y. */
#include "chart_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define LABEL_MAX_W 150.0
#define POINT_R 4.0

void chart_draw_scatter(cairo_t *cr, double width, double height, const chart_scatter *c)
{
    ch_ctx g;
    ch_begin(&g, cr, width, height);
    ch_rect plot = ch_frame(&g, &c->text);

    size_t *idx = c->n ? malloc(c->n * sizeof *idx) : NULL;
    size_t n = 0;
    double xlo = 0, xhi = 0, ylo = 0, yhi = 0;
    if (idx) {
        ch_sort_desc(idx, c->n, c->x, c->labels);
        for (size_t i = 0; i < c->n; i++) {
            size_t k = idx[i];
            if (!isfinite(c->x[k]) || !isfinite(c->y[k]))
                continue;
            idx[n++] = k;
            xlo = fmin(xlo, c->x[k]);
            xhi = fmax(xhi, c->x[k]);
            ylo = fmin(ylo, c->y[k]);
            yhi = fmax(yhi, c->y[k]);
        }
    }
    if (n == 0) {
        ch_empty(&g, plot, &c->text);
        free(idx);
        ch_end(&g);
        return;
    }

    chart_ticks tx, ty;
    chart_nice_ticks(xlo, xhi, 6, &tx);
    chart_nice_ticks(ylo, yhi, 5, &ty);
    char xcap[128], ycap[128];
    ch_caption(c->x_unit, c->currency, c->x_title, xcap, sizeof xcap);
    ch_caption(c->y_unit, c->currency, c->y_title, ycap, sizeof ycap);
    double left_w = ch_tick_label_width(&g, &ty, c->y_unit) + 8;
    ch_rect area = {plot.x + left_w, plot.y + 6, plot.w - left_w - 14, plot.h - 6 - 34};
    ch_scale sx = {tx.first, tx.last, area.x, area.x + area.w};
    ch_scale sy = {ty.first, ty.last, area.y + area.h, area.y};
    ch_axis_left(&g, area, &sy, &ty, c->y_unit, ycap);
    ch_axis_bottom(&g, area, &sx, &tx, c->x_unit, xcap);

    /* The zero line names itself. */
    double y0 = round(ch_map(&sy, 0)) + 0.5;
    cairo_set_line_width(cr, 1.25);
    ch_set(cr, CH_INK);
    cairo_move_to(cr, area.x, y0);
    cairo_line_to(cr, area.x + area.w, y0);
    cairo_stroke(cr);
    double bw, bh;
    ch_text(&g, area.x + area.w, y0 - 2, "break-even (ROI 0 %)", CH_SMALL_PT, 0, CH_MUTED,
            CH_RIGHT, CH_BOTTOM, 0, &bw, &bh);

    ch_boxes placed = {0};
    ch_rect zero_label = {area.x + area.w - bw, y0 - 2 - bh, bw, bh};
    ch_boxes_add(&placed, zero_label);
    ch_rect zero_line = {area.x, y0 - 1.5, area.w, 3}; /* labels do not strike through it */
    ch_boxes_add(&placed, zero_line);
    for (size_t i = 0; i < n; i++) {
        size_t k = idx[i];
        double x = ch_map(&sx, c->x[k]), y = ch_map(&sy, c->y[k]);
        ch_rect box = {x - POINT_R - 1, y - POINT_R - 1, 2 * POINT_R + 2, 2 * POINT_R + 2};
        ch_boxes_add(&placed, box);
    }
    /* Points, smaller on top of larger spend so none hides. */
    for (size_t i = 0; i < n; i++) {
        size_t k = idx[i];
        int negative = c->y[k] < 0;
        ch_marker(cr, ch_map(&sx, c->x[k]), ch_map(&sy, c->y[k]), POINT_R, 0, !negative,
                  negative ? CH_NEGATIVE : CH_SERIES[1]);
    }
    size_t unlabelled = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = idx[i];
        double x = ch_map(&sx, c->x[k]), y = ch_map(&sy, c->y[k]), tw, th;
        ch_measure(&g, c->labels[k], CH_SMALL_PT, 0, LABEL_MAX_W, &tw, &th);
        /* Right, left, above, below, the four diagonals, then further
         * above or below with a leader line. */
        ch_rect cand[14] = {
            {x + POINT_R + 3, y - th / 2, tw, th},
            {x - POINT_R - 3 - tw, y - th / 2, tw, th},
            {x - tw / 2, y - POINT_R - 2 - th, tw, th},
            {x - tw / 2, y + POINT_R + 2, tw, th},
            {x + POINT_R, y - POINT_R - th, tw, th},
            {x + POINT_R, y + POINT_R, tw, th},
            {x - POINT_R - tw, y - POINT_R - th, tw, th},
            {x - POINT_R - tw, y + POINT_R, tw, th},
            {x - tw / 2, y + POINT_R + 2 + 1.5 * th, tw, th},
            {x - tw / 2, y - POINT_R - 2 - 2.5 * th, tw, th},
            {x - tw / 2, y + POINT_R + 2 + 3 * th, tw, th},
            {x - tw / 2, y - POINT_R - 2 - 4 * th, tw, th},
            {x + POINT_R, y + POINT_R + 2 + 1.5 * th, tw, th},
            {x - POINT_R - tw, y + POINT_R + 2 + 1.5 * th, tw, th},
        };
        int done = 0;
        for (int j = 0; j < 14 && !done; j++) {
            ch_rect b = cand[j];
            if (b.x < area.x || b.x + b.w > area.x + area.w + 12 || b.y < plot.y ||
                b.y + b.h > area.y + area.h)
                continue;
            if (ch_boxes_hits(&placed, b))
                continue;
            if (j >= 8) {
                /* the leader must not cross another label either */
                double top = fmin(y, b.y + b.h), bottom = fmax(y, b.y);
                ch_rect lead = {x - 0.5, top + POINT_R, 1, bottom - top - POINT_R};
                if (b.y > y)
                    lead.y = y + POINT_R + 1, lead.h = b.y - y - POINT_R - 1;
                else
                    lead.y = b.y + b.h, lead.h = y - POINT_R - 1 - (b.y + b.h);
                if (lead.h > 0 && ch_boxes_hits(&placed, lead))
                    continue;
                ch_set(cr, CH_GRID);
                cairo_set_line_width(cr, 0.75);
                cairo_move_to(cr, x, b.y > y ? y + POINT_R + 1 : y - POINT_R - 1);
                cairo_line_to(cr, fmin(fmax(x, b.x), b.x + b.w), b.y > y ? b.y : b.y + b.h);
                cairo_stroke(cr);
            }
            ch_boxes_add(&placed, b);
            ch_text(&g, b.x, b.y, c->labels[k], CH_SMALL_PT, 0,
                    c->y[k] < 0 ? CH_NEGATIVE : CH_INK, CH_LEFT, CH_TOP, LABEL_MAX_W, NULL, NULL);
            done = 1;
        }
        unlabelled += !done;
    }
    if (unlabelled) {
        char note[96];
        snprintf(note, sizeof note, "%zu point%s not labelled for space", unlabelled,
                 unlabelled == 1 ? "" : "s");
        ch_text(&g, plot.x + plot.w, plot.y + plot.h, note, CH_SMALL_PT, 0, CH_MUTED, CH_RIGHT,
                CH_BOTTOM, 0, NULL, NULL);
    }
    ch_boxes_release(&placed);
    free(idx);
    ch_end(&g);
}
