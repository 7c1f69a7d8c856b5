/*
 * chart_internal.h — the drawing primitives shared by the chart types
 * (reports/chart_*.c). Not a public header: use chart.h.
 */
#ifndef ALLOT_REPORTS_CHART_INTERNAL_H
#define ALLOT_REPORTS_CHART_INTERNAL_H

#include <pango/pangocairo.h>

#include "chart.h"

typedef struct ch_rgb { double r, g, b; } ch_rgb;
typedef struct ch_rect { double x, y, w, h; } ch_rect;

/* One hue (slate blue) in lightnesses that stay apart in grey, plus ink. */
extern const ch_rgb CH_INK, CH_MUTED, CH_GRID, CH_AXIS, CH_BG, CH_NEGATIVE;
#define CH_N_SERIES 6
extern const ch_rgb CH_SERIES[CH_N_SERIES];

/* Font sizes in points. */
#define CH_TITLE_PT 15.0
#define CH_TAKEAWAY_PT 11.0
#define CH_LABEL_PT 9.5
#define CH_SMALL_PT 8.0

typedef enum { CH_LEFT, CH_CENTER, CH_RIGHT } ch_halign;
typedef enum { CH_TOP, CH_MIDDLE, CH_BOTTOM } ch_valign;

typedef struct ch_ctx {
    cairo_t *cr;
    PangoContext *pango;
    double w, h;
} ch_ctx;

/* Saves cr, paints the background and sets up pango (resolution 72, no
 * hinting). ch_end restores cr and frees what ch_begin made. */
void ch_begin(ch_ctx *g, cairo_t *cr, double width, double height);
void ch_end(ch_ctx *g);

void ch_set(cairo_t *cr, ch_rgb c);
ch_rgb ch_mix(ch_rgb a, ch_rgb b, double t); /* t=0 -> a, t=1 -> b */

/* Measures text at size (bold or not), ellipsised to max_w when max_w > 0. */
void ch_measure(ch_ctx *g, const char *text, double size, int bold, double max_w, double *w,
                double *h);

/* Draws one line of text anchored at (x, y); returns its drawn size. */
void ch_text(ch_ctx *g, double x, double y, const char *text, double size, int bold, ch_rgb color,
             ch_halign ha, ch_valign va, double max_w, double *out_w, double *out_h);

/* Draws text wrapped at width (word boundaries), top-left at (x, y);
 * returns the height used. */
double ch_paragraph(ch_ctx *g, double x, double y, const char *text, double size, int bold,
                    ch_rgb color, double width);

/* The height ch_paragraph would use for text. */
double ch_paragraph_height(ch_ctx *g, const char *text, double size, int bold, double width);

/* Title, takeaway and note; returns the rectangle left for the plot. */
ch_rect ch_frame(ch_ctx *g, const chart_text *t);

/* The honest empty chart: the message (or a default) in the plot area. */
void ch_empty(ch_ctx *g, ch_rect plot, const chart_text *t);

/* A linear map from data [d0, d1] to device [r0, r1]. */
typedef struct ch_scale { double d0, d1, r0, r1; } ch_scale;
double ch_map(const ch_scale *s, double v);

/* Widest tick label of ticks in unit. */
double ch_tick_label_width(ch_ctx *g, const chart_ticks *t, chart_unit unit);

/* Value axis along the bottom of plot (vertical grid lines) or the left
 * (horizontal grid lines); labels outside plot; the caption (unit, title)
 * after the last label. The zero line, when in range, is drawn darker. */
void ch_axis_bottom(ch_ctx *g, ch_rect plot, const ch_scale *s, const chart_ticks *t,
                    chart_unit unit, const char *caption);
void ch_axis_left(ch_ctx *g, ch_rect plot, const ch_scale *s, const chart_ticks *t,
                  chart_unit unit, const char *caption);

/* "USD" for money, NULL otherwise, joined with an optional title. */
const char *ch_caption(chart_unit unit, const char *currency, const char *title, char *buf,
                       size_t size);

/* Markers: 0 circle, 1 square, 2 diamond, 3 triangle up, 4 triangle down,
 * 5 cross; filled or outlined. */
void ch_marker(cairo_t *cr, double x, double y, double r, int shape, int filled, ch_rgb c);

/* Hatching inside a rectangle (decreases in the bridge). */
void ch_hatch(cairo_t *cr, ch_rect r, ch_rgb c);

/* Occupied rectangles, for labels that must not overlap. */
typedef struct ch_boxes {
    ch_rect *r;
    size_t n, cap;
} ch_boxes;
int ch_boxes_hits(const ch_boxes *b, ch_rect r);
void ch_boxes_add(ch_boxes *b, ch_rect r);
void ch_boxes_release(ch_boxes *b);

/* Sorts idx[0..n) by keys descending, ties by label ascending (byte order). */
void ch_sort_desc(size_t *idx, size_t n, const double *keys, const char *const *labels);

/* A direct value label: money and numbers without decimals from 100 up
 * (numbers also when whole), percent with one decimal. */
char *ch_value_label(double value, chart_unit unit, double max_abs, char *buf, size_t size);

/* Non-NULL text for a possibly NULL label. */
static inline const char *ch_str(const char *s) { return s ? s : ""; }

#endif
