/* The chart layer: palette, text through pango, frame, ticks, axes, markers,
 * label boxes, and the PNG/SVG/PDF writers. */
#include "chart_internal.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"

/* Slate blue at lightness ~20, 35, 50, 65, 78, 88 (CIE L*), so that six
 * series stay distinguishable when printed in grey. */
const ch_rgb CH_SERIES[CH_N_SERIES] = {
    {0.106, 0.184, 0.294}, /* #1B2F4B */
    {0.192, 0.341, 0.533}, /* #315788 */
    {0.310, 0.490, 0.710}, /* #4F7DB5 */
    {0.510, 0.655, 0.820}, /* #82A7D1 */
    {0.690, 0.780, 0.890}, /* #B0C7E3 */
    {0.835, 0.875, 0.930}, /* #D5DFED */
};
const ch_rgb CH_INK = {0.13, 0.13, 0.13};
const ch_rgb CH_MUTED = {0.40, 0.40, 0.40};
const ch_rgb CH_GRID = {0.89, 0.89, 0.89};
const ch_rgb CH_AXIS = {0.45, 0.45, 0.45};
const ch_rgb CH_BG = {1.0, 1.0, 1.0};
/* A brick red of lightness ~40: reads as "bad" in colour and as a mid grey
 * (always paired with a hollow marker or hatching, never alone). */
const ch_rgb CH_NEGATIVE = {0.690, 0.227, 0.180};

#define CH_FONT "Liberation Sans, DejaVu Sans, WenQuanYi Zen Hei"
#define CH_MARGIN 20.0

void ch_set(cairo_t *cr, ch_rgb c) { cairo_set_source_rgb(cr, c.r, c.g, c.b); }

ch_rgb ch_mix(ch_rgb a, ch_rgb b, double t)
{
    ch_rgb c = {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t};
    return c;
}

void ch_begin(ch_ctx *g, cairo_t *cr, double width, double height)
{
    g->cr = cr;
    g->w = width;
    g->h = height;
    cairo_save(cr);
    cairo_rectangle(cr, 0, 0, width, height);
    ch_set(cr, CH_BG);
    cairo_fill(cr);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);

    g->pango = pango_font_map_create_context(pango_cairo_font_map_get_default());
    pango_cairo_update_context(cr, g->pango);
    pango_cairo_context_set_resolution(g->pango, 72.0);
    /* No hinting and no rounding: text measures the same on every surface
     * and at every scale, so PNG, SVG and PDF have the same layout. */
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options(g->pango, fo);
    cairo_font_options_destroy(fo);
    pango_context_set_round_glyph_positions(g->pango, FALSE);
}

void ch_end(ch_ctx *g)
{
    g_object_unref(g->pango);
    g->pango = NULL;
    cairo_restore(g->cr);
}

static PangoLayout *layout_for(ch_ctx *g, const char *text, double size, int bold, double max_w)
{
    PangoLayout *layout = pango_layout_new(g->pango);
    PangoFontDescription *fd = pango_font_description_from_string(CH_FONT);
    pango_font_description_set_size(fd, (gint)lround(size * PANGO_SCALE));
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(layout, fd);
    pango_font_description_free(fd);
    pango_layout_set_single_paragraph_mode(layout, TRUE);
    if (max_w > 0) {
        pango_layout_set_width(layout, (int)(max_w * PANGO_SCALE));
        pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END);
    }
    pango_layout_set_text(layout, ch_str(text), -1);
    return layout;
}

static void layout_size(PangoLayout *layout, double *x0, double *w, double *h)
{
    PangoRectangle ink, logical;
    pango_layout_get_extents(layout, &ink, &logical);
    if (x0)
        *x0 = (double)logical.x / PANGO_SCALE;
    if (w)
        *w = (double)logical.width / PANGO_SCALE;
    if (h)
        *h = (double)logical.height / PANGO_SCALE;
}

void ch_measure(ch_ctx *g, const char *text, double size, int bold, double max_w, double *w,
                double *h)
{
    PangoLayout *layout = layout_for(g, text, size, bold, max_w);
    layout_size(layout, NULL, w, h);
    g_object_unref(layout);
}

void ch_text(ch_ctx *g, double x, double y, const char *text, double size, int bold, ch_rgb color,
             ch_halign ha, ch_valign va, double max_w, double *out_w, double *out_h)
{
    PangoLayout *layout = layout_for(g, text, size, bold, max_w);
    double x0, w, h;
    layout_size(layout, &x0, &w, &h);
    double left = ha == CH_LEFT ? x : ha == CH_CENTER ? x - w / 2 : x - w;
    double top = va == CH_TOP ? y : va == CH_MIDDLE ? y - h / 2 : y - h;
    ch_set(g->cr, color);
    cairo_move_to(g->cr, left - x0, top);
    pango_cairo_show_layout(g->cr, layout);
    cairo_new_path(g->cr);
    g_object_unref(layout);
    if (out_w)
        *out_w = w;
    if (out_h)
        *out_h = h;
}

/* text wrapped at width (word boundaries, else characters) */
static PangoLayout *paragraph_for(ch_ctx *g, const char *text, double size, int bold,
                                  double width)
{
    PangoLayout *layout = layout_for(g, text, size, bold, 0);
    pango_layout_set_single_paragraph_mode(layout, FALSE);
    pango_layout_set_width(layout, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    return layout;
}

double ch_paragraph_height(ch_ctx *g, const char *text, double size, int bold, double width)
{
    PangoLayout *layout = paragraph_for(g, text, size, bold, width);
    double h;
    layout_size(layout, NULL, NULL, &h);
    g_object_unref(layout);
    return h;
}

double ch_paragraph(ch_ctx *g, double x, double y, const char *text, double size, int bold,
                    ch_rgb color, double width)
{
    PangoLayout *layout = paragraph_for(g, text, size, bold, width);
    double h;
    layout_size(layout, NULL, NULL, &h);
    ch_set(g->cr, color);
    cairo_move_to(g->cr, x, y);
    pango_cairo_show_layout(g->cr, layout);
    cairo_new_path(g->cr);
    g_object_unref(layout);
    return h;
}

ch_rect ch_frame(ch_ctx *g, const chart_text *t)
{
    double y = CH_MARGIN - 4, h = 0;
    double width = g->w - 2 * CH_MARGIN;
    if (t->title && *t->title) {
        ch_text(g, CH_MARGIN, y, t->title, CH_TITLE_PT, 1, CH_INK, CH_LEFT, CH_TOP, width, NULL,
                &h);
        y += h + 2;
    }
    if (t->takeaway && *t->takeaway) {
        ch_text(g, CH_MARGIN, y, t->takeaway, CH_TAKEAWAY_PT, 0, CH_MUTED, CH_LEFT, CH_TOP, width,
                NULL, &h);
        y += h;
    }
    double bottom = g->h - CH_MARGIN + 6;
    if (t->note && *t->note) {
        /* wrapped, not cut: the note carries what the figures rest on */
        h = ch_paragraph_height(g, t->note, CH_SMALL_PT, 0, width);
        ch_paragraph(g, CH_MARGIN, bottom - h, t->note, CH_SMALL_PT, 0, CH_MUTED, width);
        bottom -= h + 6;
    }
    ch_rect r = {CH_MARGIN, y + 16, width, bottom - (y + 16)};
    if (r.h < 10)
        r.h = 10;
    return r;
}

void ch_empty(ch_ctx *g, ch_rect plot, const chart_text *t)
{
    cairo_t *cr = g->cr;
    const char *msg = t->empty && *t->empty ? t->empty : "No data for this chart.";
    cairo_rectangle(cr, plot.x + 0.5, plot.y + 0.5, plot.w - 1, plot.h - 1);
    ch_set(cr, CH_GRID);
    cairo_set_line_width(cr, 1);
    double dash[] = {4, 3};
    cairo_set_dash(cr, dash, 2, 0);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    /* wrapped and centred, not cut: the sentence says why and what to
     * run instead ("... For 2026-04-01 to 2026-06-01 only, run with
     * --period 2026-04-01..2026-06-01" lost its end to an ellipsis) */
    double width = plot.w - 40 > 10 ? plot.w - 40 : 10, h;
    PangoLayout *layout = paragraph_for(g, msg, 13, 0, width);
    pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER);
    layout_size(layout, NULL, NULL, &h);
    ch_set(cr, CH_MUTED);
    cairo_move_to(cr, plot.x + (plot.w - width) / 2, plot.y + (plot.h - h) / 2);
    pango_cairo_show_layout(cr, layout);
    cairo_new_path(cr);
    g_object_unref(layout);
}

double ch_map(const ch_scale *s, double v)
{
    if (s->d1 == s->d0)
        return (s->r0 + s->r1) / 2;
    return s->r0 + (v - s->d0) / (s->d1 - s->d0) * (s->r1 - s->r0);
}

void chart_nice_ticks(double lo, double hi, int target, chart_ticks *out)
{
    if (!isfinite(lo) || !isfinite(hi)) {
        lo = 0;
        hi = 1;
    }
    if (lo > hi) {
        double t = lo;
        lo = hi;
        hi = t;
    }
    if (hi == lo) {
        if (lo == 0)
            hi = 1;
        else if (lo > 0)
            lo = 0;
        else
            hi = 0;
    }
    if (target < 2)
        target = 2;
    double raw = (hi - lo) / target;
    double mag = pow(10.0, floor(log10(raw)));
    double f = raw / mag;
    double step = (f <= 1.0 + 1e-9 ? 1 : f <= 2.0 + 1e-9 ? 2 : f <= 5.0 + 1e-9 ? 5 : 10) * mag;
    out->step = step;
    out->first = floor(lo / step + 1e-9) * step;
    out->last = ceil(hi / step - 1e-9) * step;
    out->count = (int)lround((out->last - out->first) / step) + 1;
    out->decimals = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
}

char *chart_format_value(double value, chart_unit unit, int decimals, char *buf, size_t size)
{
    if (decimals < 0)
        decimals = 0;
    if (unit == CHART_UNIT_PERCENT)
        return fmt_percent(value, decimals, buf, size);
    return fmt_number(value, decimals, buf, size);
}

char *ch_value_label(double value, chart_unit unit, double max_abs, char *buf, size_t size)
{
    int decimals;
    if (unit == CHART_UNIT_PERCENT)
        decimals = 1;
    else if (max_abs >= 100 || (unit == CHART_UNIT_NUMBER && value == floor(value)))
        decimals = 0;
    else
        decimals = unit == CHART_UNIT_MONEY ? 2 : 1;
    return chart_format_value(value, unit, decimals, buf, size);
}

static int tick_decimals(const chart_ticks *t, chart_unit unit)
{
    int d = t->decimals - (unit == CHART_UNIT_PERCENT ? 2 : 0);
    return d < 0 ? 0 : d;
}

static double tick_value(const chart_ticks *t, int i)
{
    double v = t->first + i * t->step;
    return round(v / t->step) * t->step;
}

double ch_tick_label_width(ch_ctx *g, const chart_ticks *t, chart_unit unit)
{
    double best = 0, w;
    char buf[64];
    for (int i = 0; i < t->count; i++) {
        chart_format_value(tick_value(t, i), unit, tick_decimals(t, unit), buf, sizeof buf);
        ch_measure(g, buf, CH_LABEL_PT, 0, 0, &w, NULL);
        if (w > best)
            best = w;
    }
    return best;
}

void ch_axis_bottom(ch_ctx *g, ch_rect plot, const ch_scale *s, const chart_ticks *t,
                    chart_unit unit, const char *caption)
{
    cairo_t *cr = g->cr;
    char buf[64];
    double label_h = 0;
    cairo_set_line_width(cr, 0.75);
    for (int i = 0; i < t->count; i++) {
        double v = tick_value(t, i);
        double x = round(ch_map(s, v)) + 0.5;
        ch_set(cr, v == 0 ? CH_AXIS : CH_GRID);
        cairo_move_to(cr, x, plot.y);
        cairo_line_to(cr, x, plot.y + plot.h);
        cairo_stroke(cr);
        chart_format_value(v, unit, tick_decimals(t, unit), buf, sizeof buf);
        ch_text(g, x, plot.y + plot.h + 4, buf, CH_LABEL_PT, 0, CH_MUTED, CH_CENTER, CH_TOP, 0,
                NULL, &label_h);
    }
    if (caption && *caption)
        ch_text(g, plot.x + plot.w / 2, plot.y + plot.h + 6 + label_h, caption, CH_LABEL_PT, 0,
                CH_MUTED, CH_CENTER, CH_TOP, plot.w, NULL, NULL);
}

void ch_axis_left(ch_ctx *g, ch_rect plot, const ch_scale *s, const chart_ticks *t,
                  chart_unit unit, const char *caption)
{
    cairo_t *cr = g->cr;
    char buf[64];
    cairo_set_line_width(cr, 0.75);
    for (int i = 0; i < t->count; i++) {
        double v = tick_value(t, i);
        double y = round(ch_map(s, v)) + 0.5;
        ch_set(cr, v == 0 ? CH_AXIS : CH_GRID);
        cairo_move_to(cr, plot.x, y);
        cairo_line_to(cr, plot.x + plot.w, y);
        cairo_stroke(cr);
        chart_format_value(v, unit, tick_decimals(t, unit), buf, sizeof buf);
        ch_text(g, plot.x - 6, y, buf, CH_LABEL_PT, 0, CH_MUTED, CH_RIGHT, CH_MIDDLE, 0, NULL,
                NULL);
    }
    if (caption && *caption)
        ch_text(g, plot.x - 6 - ch_tick_label_width(g, t, unit), plot.y - 8, caption,
                CH_LABEL_PT, 0, CH_MUTED, CH_LEFT, CH_BOTTOM, plot.w, NULL, NULL);
}

const char *ch_caption(chart_unit unit, const char *currency, const char *title, char *buf,
                       size_t size)
{
    const char *cur = unit == CHART_UNIT_MONEY && currency && *currency ? currency : NULL;
    if (title && *title && cur)
        snprintf(buf, size, "%s (%s)", title, cur);
    else if (title && *title)
        snprintf(buf, size, "%s", title);
    else if (cur)
        snprintf(buf, size, "%s", cur);
    else
        buf[0] = '\0';
    return buf;
}

void ch_marker(cairo_t *cr, double x, double y, double r, int shape, int filled, ch_rgb c)
{
    switch (shape % 6) {
    case 0:
        cairo_new_sub_path(cr);
        cairo_arc(cr, x, y, r, 0, 2 * G_PI);
        break;
    case 1:
        cairo_rectangle(cr, x - r * 0.88, y - r * 0.88, r * 1.76, r * 1.76);
        break;
    case 2:
        cairo_move_to(cr, x, y - r * 1.2);
        cairo_line_to(cr, x + r * 1.2, y);
        cairo_line_to(cr, x, y + r * 1.2);
        cairo_line_to(cr, x - r * 1.2, y);
        cairo_close_path(cr);
        break;
    case 3:
        cairo_move_to(cr, x, y - r * 1.2);
        cairo_line_to(cr, x + r * 1.1, y + r * 0.8);
        cairo_line_to(cr, x - r * 1.1, y + r * 0.8);
        cairo_close_path(cr);
        break;
    case 4:
        cairo_move_to(cr, x, y + r * 1.2);
        cairo_line_to(cr, x + r * 1.1, y - r * 0.8);
        cairo_line_to(cr, x - r * 1.1, y - r * 0.8);
        cairo_close_path(cr);
        break;
    default:
        cairo_move_to(cr, x - r, y - r);
        cairo_line_to(cr, x + r, y + r);
        cairo_move_to(cr, x + r, y - r);
        cairo_line_to(cr, x - r, y + r);
        cairo_set_line_width(cr, 1.5);
        ch_set(cr, c);
        cairo_stroke(cr);
        return;
    }
    if (filled) {
        ch_set(cr, c);
        cairo_fill_preserve(cr);
        ch_set(cr, CH_BG);
        cairo_set_line_width(cr, 0.75);
        cairo_stroke(cr);
    } else {
        ch_set(cr, CH_BG);
        cairo_fill_preserve(cr);
        ch_set(cr, c);
        cairo_set_line_width(cr, 1.5);
        cairo_stroke(cr);
    }
}

void ch_hatch(cairo_t *cr, ch_rect r, ch_rgb c)
{
    cairo_save(cr);
    cairo_rectangle(cr, r.x, r.y, r.w, r.h);
    cairo_clip(cr);
    ch_set(cr, c);
    cairo_set_line_width(cr, 1);
    for (double d = -r.h; d < r.w; d += 5) {
        cairo_move_to(cr, r.x + d, r.y + r.h);
        cairo_line_to(cr, r.x + d + r.h, r.y);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

int ch_boxes_hits(const ch_boxes *b, ch_rect r)
{
    for (size_t i = 0; i < b->n; i++) {
        const ch_rect *o = &b->r[i];
        if (r.x < o->x + o->w && o->x < r.x + r.w && r.y < o->y + o->h && o->y < r.y + r.h)
            return 1;
    }
    return 0;
}

void ch_boxes_add(ch_boxes *b, ch_rect r)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 32;
        ch_rect *grown = realloc(b->r, cap * sizeof *grown);
        if (!grown)
            return; /* a label may then overlap; drawing goes on */
        b->r = grown;
        b->cap = cap;
    }
    b->r[b->n++] = r;
}

void ch_boxes_release(ch_boxes *b)
{
    free(b->r);
    b->r = NULL;
    b->n = b->cap = 0;
}

/* Insertion sort: charts have tens of rows, and it is stable. */
void ch_sort_desc(size_t *idx, size_t n, const double *keys, const char *const *labels)
{
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    for (size_t i = 1; i < n; i++) {
        size_t v = idx[i], j = i;
        while (j > 0) {
            size_t u = idx[j - 1];
            double ku = isnan(keys[u]) ? -INFINITY : keys[u];
            double kv = isnan(keys[v]) ? -INFINITY : keys[v];
            int before = kv > ku || (kv == ku && labels &&
                                     strcmp(ch_str(labels[v]), ch_str(labels[u])) < 0);
            if (!before)
                break;
            idx[j] = u;
            j--;
        }
        idx[j] = v;
    }
}

void chart_draw(cairo_t *cr, double width, double height, const chart *c)
{
    switch (c->kind) {
    case CHART_BARS: chart_draw_bars(cr, width, height, &c->u.bars); break;
    case CHART_DOTS: chart_draw_dots(cr, width, height, &c->u.dots); break;
    case CHART_SCATTER: chart_draw_scatter(cr, width, height, &c->u.scatter); break;
    case CHART_FUNNEL: chart_draw_funnel(cr, width, height, &c->u.funnel); break;
    case CHART_BRIDGE: chart_draw_bridge(cr, width, height, &c->u.bridge); break;
    case CHART_HEATMAP: chart_draw_heatmap(cr, width, height, &c->u.heatmap); break;
    case CHART_KM: chart_draw_km(cr, width, height, &c->u.km); break;
    case CHART_TREND: chart_draw_trend(cr, width, height, &c->u.trend); break;
    }
}

/* Only the font map: cairo_debug_reset_static_data() aborted now and then
 * at exit (a cairo assertion: scaled fonts still alive, seen once in a
 * parallel test run), and FcFini() is unsafe while pango's fontconfig
 * thread may run. What fontconfig keeps until exit is a known, bounded
 * cache: tests/lsan.supp tells LeakSanitizer so. */
void chart_shutdown(void)
{
    pango_cairo_font_map_set_default(NULL);
}

int chart_format_parse(const char *name)
{
    if (!name)
        return -1;
    if (strcmp(name, "png") == 0)
        return CHART_PNG;
    if (strcmp(name, "svg") == 0)
        return CHART_SVG;
    if (strcmp(name, "pdf") == 0)
        return CHART_PDF;
    return -1;
}

const char *chart_format_extension(chart_format format)
{
    return format == CHART_SVG ? "svg" : format == CHART_PDF ? "pdf" : "png";
}

static allot_status surface_fail(cairo_status_t st, const char *path, allot_error *err)
{
    return allot_error_set(err, ALLOT_ERR_IO, path, 0, 0,
                           "cannot write the chart: %s; check that the folder exists and is "
                           "writable",
                           cairo_status_to_string(st));
}

/* SVG goes through memory: cairo numbers its surfaces from a process-wide
 * counter ("surface788"), so the ids are renumbered in order of appearance
 * to make the file depend on the chart only. */
typedef struct svg_buffer {
    unsigned char *data;
    size_t n, cap;
    int failed;
} svg_buffer;

static cairo_status_t svg_append(void *closure, const unsigned char *data, unsigned int length)
{
    svg_buffer *b = closure;
    if (b->n + length > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->n + length)
            cap *= 2;
        unsigned char *grown = realloc(b->data, cap);
        if (!grown) {
            b->failed = 1;
            return CAIRO_STATUS_NO_MEMORY;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->n, data, length);
    b->n += length;
    return CAIRO_STATUS_SUCCESS;
}

#define SVG_MAX_IDS 64

static int svg_save(const svg_buffer *b, const char *path)
{
    static const char key[] = "surface";
    const size_t klen = sizeof key - 1;
    unsigned long seen[SVG_MAX_IDS];
    size_t n_seen = 0;
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    size_t i = 0, from = 0;
    while (i + klen < b->n) {
        if (memcmp(b->data + i, key, klen) != 0 || (i > 0 && b->data[i - 1] != '"' &&
                                                    b->data[i - 1] != '#')) {
            i++;
            continue;
        }
        size_t j = i + klen;
        unsigned long id = 0;
        while (j < b->n && b->data[j] >= '0' && b->data[j] <= '9')
            id = id * 10 + (unsigned long)(b->data[j++] - '0');
        if (j == i + klen) {
            i = j;
            continue;
        }
        size_t k = 0;
        while (k < n_seen && seen[k] != id)
            k++;
        if (k == n_seen && n_seen < SVG_MAX_IDS)
            seen[n_seen++] = id;
        if (k == n_seen) { /* table full: keep cairo's id (unique, not stable) */
            i = j;
            continue;
        }
        fwrite(b->data + from, 1, i + klen - from, f);
        fprintf(f, "%zu", k + 1);
        from = i = j;
    }
    fwrite(b->data + from, 1, b->n - from, f);
    int ok = !ferror(f);
    return fclose(f) == 0 && ok;
}

/* libpng reports errors through these: never print (the library does not),
 * leave through the jump buffer set in png_save. */
static void png_fail(png_structp png, png_const_charp message)
{
    (void)message;
    png_longjmp(png, 1);
}

static void png_ignore_warning(png_structp png, png_const_charp message)
{
    (void)png;
    (void)message;
}

/* An RGB24 image surface as an 8-bit RGB PNG, every row unfiltered, zlib at
 * its default level. cairo_surface_write_to_png lets libpng choose among all
 * five row filters on every row: on charts (flat colours, anti-aliased
 * edges) that took twice the time for larger files (the demo's 8 charts:
 * 617 003 bytes with cairo's writer, 550 225 unfiltered). Same pixels; the
 * bytes depend on the image only. */
static cairo_status_t png_save(cairo_surface_t *surface, const char *path)
{
    cairo_surface_flush(surface);
    const int width = cairo_image_surface_get_width(surface);
    const int height = cairo_image_surface_get_height(surface);
    const int stride = cairo_image_surface_get_stride(surface);
    const unsigned char *pixels = cairo_image_surface_get_data(surface);
    if (!pixels)
        return CAIRO_STATUS_NO_MEMORY;
    FILE *f = fopen(path, "wb");
    if (!f)
        return CAIRO_STATUS_WRITE_ERROR;
    unsigned char *row = malloc((size_t)width * 3);
    png_structp png =
        png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, png_fail, png_ignore_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!row || !png || !info) {
        png_destroy_write_struct(&png, &info);
        free(row);
        fclose(f);
        return CAIRO_STATUS_NO_MEMORY;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(row);
        fclose(f);
        return CAIRO_STATUS_WRITE_ERROR;
    }
    png_init_io(png, f);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    png_write_info(png, info);
    for (int y = 0; y < height; y++) {
        /* RGB24: one native-endian 32-bit word per pixel, 0x00RRGGBB. */
        const uint32_t *word = (const uint32_t *)(const void *)(pixels + (size_t)y * (size_t)stride);
        for (int x = 0; x < width; x++) {
            row[3 * x] = (unsigned char)(word[x] >> 16);
            row[3 * x + 1] = (unsigned char)(word[x] >> 8);
            row[3 * x + 2] = (unsigned char)word[x];
        }
        png_write_row(png, row);
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    free(row);
    return fclose(f) == 0 ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

allot_status chart_write(const chart *c, chart_format format, const char *path, double width,
                         double height, allot_error *err)
{
    cairo_surface_t *surface;
    svg_buffer svg = {0};
    if (format == CHART_PNG)
        surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ceil(width * 2),
                                             (int)ceil(height * 2));
    else if (format == CHART_SVG)
        surface = cairo_svg_surface_create_for_stream(svg_append, &svg, width, height);
    else
        surface = cairo_pdf_surface_create(path, width, height);
    cairo_status_t st = cairo_surface_status(surface);
    if (st != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        return surface_fail(st, path, err);
    }
    if (format == CHART_SVG)
        cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PT);
    if (format == CHART_PDF) {
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, CHART_PDF_DATE);
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, CHART_PDF_DATE);
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "allot");
    }
    cairo_t *cr = cairo_create(surface);
    if (format == CHART_PNG)
        cairo_scale(cr, 2, 2);
    chart_draw(cr, width, height, c);
    st = cairo_status(cr);
    cairo_destroy(cr);
    if (st == CAIRO_STATUS_SUCCESS && format == CHART_PNG)
        st = png_save(surface, path);
    cairo_surface_finish(surface);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (st == CAIRO_STATUS_SUCCESS && format == CHART_SVG && !svg_save(&svg, path))
        st = CAIRO_STATUS_WRITE_ERROR;
    free(svg.data);
    if (st != CAIRO_STATUS_SUCCESS)
        return surface_fail(st, path, err);
    return ALLOT_OK;
}
