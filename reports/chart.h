/*
 * chart.h — business charts on cairo + pango, drawn from plain in-memory
 * data (no database here: see chartset.h for the charts built from it).
 *
 * One drawing function per chart type targets any cairo context; the
 * writers put the same drawing on a PNG (2x scale), an SVG or a PDF page.
 * Rules the drawings follow: zero baselines for bars, direct labels instead
 * of legends, one value axis (never two), no 3-D and no pies, a palette of
 * one hue in several lightnesses (prints in grey), a title with a one-line
 * takeaway under it, long labels ellipsised, and a chart with no data says
 * so in words (chart_text.empty) instead of drawing an empty axis.
 *
 * Units are points (1/72 in). Text goes through pango at a resolution of
 * 72 on every surface, with hinting off, so the layout is identical in the
 * three formats. Fonts: Liberation Sans, then DejaVu Sans, then WenQuanYi
 * Zen Hei for CJK (all Debian packages installed by tools/setup).
 *
 * All strings are UTF-8 and borrowed: the chart structs never own memory.
 * Arrays hold `n` elements; NAN marks a missing value where noted.
 */
#ifndef ALLOT_REPORTS_CHART_H
#define ALLOT_REPORTS_CHART_H

#include <cairo.h>
#include <stddef.h>

#include "error.h"

/* Default size of a chart, in points; PNG output is twice that in pixels. */
#define CHART_WIDTH 720.0
#define CHART_HEIGHT 450.0

/* The fixed creation/modification date written into every PDF so that the
 * same chart gives the same bytes. */
#define CHART_PDF_DATE "2000-01-01T00:00:00Z"

typedef enum chart_unit {
    CHART_UNIT_NUMBER = 0, /* 1,234 */
    CHART_UNIT_MONEY,      /* major units of chart currency: 1,234 (axis says USD) */
    CHART_UNIT_PERCENT     /* a ratio drawn as percent: 0.123 -> 12.3 % */
} chart_unit;

typedef enum chart_format { CHART_PNG = 0, CHART_SVG, CHART_PDF } chart_format;

/* The words around every chart. Any field may be NULL. */
typedef struct chart_text {
    const char *title;    /* bold, first line */
    const char *takeaway; /* one sentence under the title */
    const char *note;     /* small print at the bottom: source, model, period */
    const char *empty;    /* shown instead of the plot when there is no data,
                             e.g. "No deals closed in 2026Q2" */
} chart_text;

/* Sorted horizontal bars from a zero baseline (credit by channel).
 * Drawn largest first (ties by label); when there are more rows than fit,
 * the smallest are summed into one "Other (k)" bar. show_share adds each
 * bar's share of the positive total after its value, in whole percents
 * that add up to 100 (largest remainder, ties to the bar drawn first). */
typedef struct chart_bars {
    chart_text text;
    chart_unit unit;
    const char *currency; /* for CHART_UNIT_MONEY */
    size_t n;
    const char *const *labels;
    const double *values;
    int show_share;
    const char *muted; /* label of a row drawn light, e.g. "(unattributed)"; may be NULL */
} chart_bars;

/* Dot plot: one row per category, one dot per series (channel x model).
 * values is row-major [row * n_series + series], NAN when missing. Rows are
 * drawn in the order of series 0, largest first; series 0 is drawn dark
 * (the default model), the others lighter with distinct marker shapes and
 * their names written next to their dots on the top row. A light line spans
 * each row from range_min to range_max (NULL: over the series drawn), so a
 * chart can show a few models and the spread over all of them. */
typedef struct chart_dots {
    chart_text text;
    chart_unit unit;
    const char *currency;
    size_t n_rows, n_series;
    const char *const *row_labels;
    const char *const *series_labels;
    const double *values;
    const double *range_min, *range_max; /* [row], may be NULL */
} chart_dots;

/* Labelled scatter: x spend (money), y ROI (ratio; may be negative) with a
 * zero-ROI line. Points with negative y are drawn hollow. Labels are placed
 * without overlap, largest x first; a label that cannot be placed is left
 * out and counted in the note line. */
typedef struct chart_scatter {
    chart_text text;
    const char *x_title; /* "Spend" */
    const char *y_title; /* "ROI" */
    chart_unit x_unit, y_unit;
    const char *currency;
    size_t n;
    const char *const *labels;
    const double *x, *y;
} chart_scatter;

/* Funnel: stages in order with their counts, and the conversion rate from
 * each stage to the next with an optional interval (lo/hi may be NULL or
 * hold NAN). rate[i] is the conversion from stage i to stage i+1 (n-1
 * entries); when rate is NULL it is counts[i+1]/counts[i]. */
typedef struct chart_funnel {
    chart_text text;
    size_t n;
    const char *const *stages;
    const double *counts;
    const double *rate, *rate_lo, *rate_hi;
} chart_funnel;

/* Waterfall bridge: start -> steps -> end (end = start + sum of steps).
 * Start and end are full bars from zero; steps float, increases dark,
 * decreases light with hatching. */
typedef struct chart_bridge {
    chart_text text;
    chart_unit unit;
    const char *currency;
    const char *start_label, *end_label;
    double start;
    size_t n_steps;
    const char *const *step_labels;
    const double *steps;
} chart_bridge;

/* Heatmap of a cohort matrix: rows are cohorts, columns are periods since
 * the start (column labels), values[row * n_cols + col] in [0, 1] (NAN when
 * not observed yet). Each cell shows its value as a percentage when there is
 * room; the shade runs from shade_min (lightest) to shade_max (darkest), so
 * a matrix of 80-100 % is not all one colour. */
typedef struct chart_heatmap {
    chart_text text;
    size_t n_rows, n_cols;
    const char *const *row_labels;
    const char *const *col_labels;
    const double *values;
    const char *col_title; /* "Months since first subscription" */
    double shade_min, shade_max; /* values drawn lightest / darkest; both 0: 0 and 1 */
} chart_heatmap;

/* One Kaplan-Meier curve: a step function S(t) = s[i] on [t[i], t[i+1]),
 * with a pointwise confidence band [lo[i], hi[i]] (NULL for none). t[0] is
 * normally 0 with s[0] = 1. t_end extends the last step (the longest
 * follow-up); NAN means t[n-1]. */
typedef struct chart_km_series {
    const char *label;
    size_t n;
    const double *t, *s, *lo, *hi;
    double t_end;
} chart_km_series;

typedef struct chart_km {
    chart_text text;
    const char *x_title; /* "Days since first subscription" */
    size_t n_series;
    const chart_km_series *series;
} chart_km;

/* Trend lines over categories (months), all series on one axis, each
 * labelled at its last point. values[series * n_points + point], NAN for a
 * gap. Series 0 is drawn darkest. */
typedef struct chart_trend {
    chart_text text;
    chart_unit unit;
    const char *currency;
    size_t n_points, n_series;
    const char *const *point_labels;
    const char *const *series_labels;
    const double *values;
} chart_trend;

/* The drawing functions: draw the whole chart (background, title, plot)
 * into the rectangle (0, 0, width, height) of cr's current user space.
 * They never fail; cairo records errors in cr's status. */
void chart_draw_bars(cairo_t *cr, double width, double height, const chart_bars *c);
void chart_draw_dots(cairo_t *cr, double width, double height, const chart_dots *c);
void chart_draw_scatter(cairo_t *cr, double width, double height, const chart_scatter *c);
void chart_draw_funnel(cairo_t *cr, double width, double height, const chart_funnel *c);
void chart_draw_bridge(cairo_t *cr, double width, double height, const chart_bridge *c);
void chart_draw_heatmap(cairo_t *cr, double width, double height, const chart_heatmap *c);
void chart_draw_km(cairo_t *cr, double width, double height, const chart_km *c);
void chart_draw_trend(cairo_t *cr, double width, double height, const chart_trend *c);

/* Any chart as one value, for code that handles charts generically. */
typedef enum chart_kind {
    CHART_BARS, CHART_DOTS, CHART_SCATTER, CHART_FUNNEL,
    CHART_BRIDGE, CHART_HEATMAP, CHART_KM, CHART_TREND
} chart_kind;

typedef struct chart {
    chart_kind kind;
    union {
        chart_bars bars;
        chart_dots dots;
        chart_scatter scatter;
        chart_funnel funnel;
        chart_bridge bridge;
        chart_heatmap heatmap;
        chart_km km;
        chart_trend trend;
    } u;
} chart;

/* Draws c with the function for its kind. */
void chart_draw(cairo_t *cr, double width, double height, const chart *c);

/* Writes c to path as PNG (2x pixels), SVG or a one-page PDF of
 * width x height points. Same chart, same bytes. ALLOT_ERR_IO when the file
 * cannot be written (message names it). */
allot_status chart_write(const chart *c, chart_format format, const char *path, double width,
                         double height, allot_error *err);

/* Releases pango's default font map. Call once before a program that drew
 * charts exits (after it, no chart may be drawn). Fontconfig's cache stays
 * until exit (tests/lsan.supp). */
void chart_shutdown(void);

/* "png", "svg", "pdf" <-> chart_format; parse returns -1 for anything else. */
int chart_format_parse(const char *name);
const char *chart_format_extension(chart_format format);

/* Axis ticks: at most ~target steps of 1, 2 or 5 x 10^k covering [lo, hi]
 * (lo may equal hi). first/last are multiples of step with first <= lo and
 * last >= hi; count = number of ticks; decimals = digits needed after the
 * point to write a tick exactly. */
typedef struct chart_ticks {
    double first, last, step;
    int count;
    int decimals;
} chart_ticks;

void chart_nice_ticks(double lo, double hi, int target, chart_ticks *out);

/* Writes value as a tick or value label: thousands separators, `decimals`
 * digits, percent with " %" for CHART_UNIT_PERCENT (decimals apply to the
 * percentage). The currency is not written (axes say it once). Returns buf. */
char *chart_format_value(double value, chart_unit unit, int decimals, char *buf, size_t size);

#endif
