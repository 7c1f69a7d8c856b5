/* The chart layer: ticks and labels by hand, every chart type in PNG, SVG
 * and PDF, checked by independent readers (cairo's PNG reader, python3's
 * XML parser, poppler's pdftotext and pdffonts), byte-stable output, and
 * the edge cases (one row, zero revenue, negative ROI, very long and
 * non-ASCII names, empty periods).
 *
 * Files go to scratch/test_chart under the working directory (ctest runs
 * in build/tests); look at them there. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "chart.h"

#define SCRATCH "scratch/test_chart"

/* ---- fixtures --------------------------------------------------------- */

static const char *const channels[] = {"Webinar", "Paid Search", "Organic Search", "Email",
                                       "Referral", "Événements à Zürich", "日本 パートナー"};
static const double credit[] = {298000, 412300, 180200, 95000, 41000, 20000, 12000};

static const char *const models[] = {"last touch", "first touch", "linear", "time decay",
                                     "markov"};
static const double shares[] = {
    /* rows: channels 0..4; columns: models */
    0.29, 0.18, 0.24, 0.27, 0.25, /* Webinar */
    0.40, 0.47, 0.38, 0.41, 0.39, /* Paid Search */
    0.17, 0.22, 0.20, 0.18, 0.19, /* Organic */
    0.09, 0.06, 0.11, 0.09, 0.10, /* Email */
    0.05, 0.07, 0.07, 0.05, 0.07, /* Referral */
};

static const char *const campaigns[] = {
    "Q2 webinar series", "Brand search", "Retargeting – display", "Partner summit Köln",
    "An extremely long campaign name that nobody will ever read in full on a chart",
    "東京 launch", "Newsletter", "LinkedIn ABM"};
static const double spend[] = {42000, 120000, 65000, 90000, 15000, 30000, 5000, 80000};
static const double roi[] = {3.1, 1.4, -0.35, -0.8, 0.6, 2.2, 6.5, 0.05};

static const char *const stages[] = {"Lead", "MQL", "SQL", "Opportunity", "Won"};
static const double stage_counts[] = {1200, 480, 190, 95, 31};
static const double rate_lo[] = {0.372, 0.352, 0.430, 0.243};
static const double rate_hi[] = {0.428, 0.441, 0.571, 0.421};
static const double rate[] = {0.4, 0.3958, 0.5, 0.3263};

static const char *const bridge_labels[] = {"New", "Expansion", "Contraction", "Churn"};
static const double bridge_steps[] = {180000, 60000, -25000, -90000};

static const char *const cohorts[] = {"2025-07 (n=31)", "2025-08 (n=28)", "2025-09 (n=40)",
                                      "2025-10 (n=35)", "2025-11 (n=22)", "2025-12 (n=30)"};
static const char *const months[] = {"M0", "M1", "M2", "M3", "M4", "M5"};
static double heat[6 * 6];

static const double km_t[] = {0, 30, 60, 90, 180, 270};
static const double km_s1[] = {1, 0.95, 0.91, 0.85, 0.78, 0.74};
static const double km_lo1[] = {1, 0.90, 0.85, 0.78, 0.70, 0.65};
static const double km_hi1[] = {1, 0.99, 0.96, 0.91, 0.85, 0.82};
static const double km_s2[] = {1, 0.90, 0.80, 0.71, 0.60, 0.52};
static const double km_lo2[] = {1, 0.84, 0.72, 0.62, 0.50, 0.41};
static const double km_hi2[] = {1, 0.95, 0.87, 0.79, 0.70, 0.63};
static const double km_s3[] = {1, 0.97, 0.95, 0.94, 0.90, 0.88};

static const char *const month_labels[] = {"2025-07", "2025-08", "2025-09", "2025-10",
                                           "2025-11", "2025-12", "2026-01", "2026-02",
                                           "2026-03", "2026-04", "2026-05", "2026-06"};
static const char *const trend_series[] = {"Won revenue", "Pipeline created"};
static const double trend_values[] = {
    80000,  95000,  70000,  120000, 110000, 150000, 90000,  130000, 160000, 140000, 175000, 190000,
    300000, 280000, 350000, 400000, 380000, 420000, 360000, 450000, 500000, 470000, 520000, 560000};

static chart_km_series km_series[3];

static void make_gallery(chart g[8])
{
    memset(g, 0, 8 * sizeof *g);
    for (int r = 0; r < 6; r++)
        for (int k = 0; k < 6; k++)
            heat[r * 6 + k] = k < 6 - r ? 1.0 - 0.06 * k - 0.01 * r : NAN;
    g[0].kind = CHART_BARS;
    g[0].u.bars = (chart_bars){{"Credited revenue by channel", "Paid Search leads the quarter",
                                "Model: last touch · 2026Q2", NULL},
                               CHART_UNIT_MONEY, "USD", 7, channels, credit, 1, NULL};
    g[1].kind = CHART_DOTS;
    g[1].u.dots = (chart_dots){{"Channel share by model", "The model moves Webinar by 11 points",
                                NULL, NULL},
                               CHART_UNIT_PERCENT, NULL, 5, 5, channels, models, shares,
                               NULL, NULL};
    g[2].kind = CHART_SCATTER;
    g[2].u.scatter = (chart_scatter){{"Campaign ROI vs spend", "2 of 8 campaigns lost money",
                                      NULL, NULL},
                                     "Spend", "ROI", CHART_UNIT_MONEY, CHART_UNIT_PERCENT, "EUR",
                                     8, campaigns, spend, roi};
    g[3].kind = CHART_FUNNEL;
    g[3].u.funnel = (chart_funnel){{"Funnel", "2.6 % of leads became customers", NULL, NULL},
                                   5, stages, stage_counts, rate, rate_lo, rate_hi};
    g[4].kind = CHART_BRIDGE;
    g[4].u.bridge = (chart_bridge){{"MRR bridge", "Net revenue retention 94.5 %", NULL, NULL},
                                   CHART_UNIT_MONEY, "USD", "2026Q1", "2026Q2", 1000000,
                                   4, bridge_labels, bridge_steps};
    g[5].kind = CHART_HEATMAP;
    g[5].u.heatmap = (chart_heatmap){{"Cohort retention", "Revenue retained by cohort", NULL,
                                      NULL},
                                     6, 6, cohorts, months, heat, "Months since first order",
                                     0, 0};
    km_series[0] = (chart_km_series){"Paid Search", 6, km_t, km_s1, km_lo1, km_hi1, 365};
    km_series[1] = (chart_km_series){"Webinar", 6, km_t, km_s2, km_lo2, km_hi2, 300};
    km_series[2] = (chart_km_series){"Événements", 6, km_t, km_s3, NULL, NULL, NAN};
    g[6].kind = CHART_KM;
    g[6].u.km = (chart_km){{"Customer survival by channel", "Webinar customers churn fastest",
                            NULL, NULL},
                           "Days since first subscription", 3, km_series};
    g[7].kind = CHART_TREND;
    g[7].u.trend = (chart_trend){{"Pipeline and revenue by month", "Revenue up 138 % in a year",
                                  NULL, NULL},
                                 CHART_UNIT_MONEY, "USD", 12, 2, month_labels, trend_series,
                                 trend_values};
}

static const char *const kind_names[] = {"bars",   "dots",    "scatter", "funnel",
                                         "bridge", "heatmap", "km",      "trend"};

/* ---- helpers ---------------------------------------------------------- */

static void scratch(void)
{
    mkdir("scratch", 0777);
    mkdir(SCRATCH, 0777);
}

static char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, f);
    fclose(f);
    buf[got] = '\0';
    *size = got;
    return buf;
}

/* Output of a shell command (an independent reader), NUL-terminated. */
static char *run(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += got;
        if (n + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    buf[n] = '\0';
    int status = pclose(p);
    assert_int_equal(status, 0);
    return buf;
}

static void write_chart(const chart *c, chart_format f, const char *path)
{
    allot_error err;
    allot_status st = chart_write(c, f, path, CHART_WIDTH, CHART_HEIGHT, &err);
    if (st != ALLOT_OK)
        fail_msg("%s: %s", path, err.message);
}

/* Pixels that are not the white background, read back by cairo. */
static long ink_pixels(const char *path, int *w, int *h)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    *w = cairo_image_surface_get_width(s);
    *h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *data = cairo_image_surface_get_data(s);
    long ink = 0;
    for (int y = 0; y < *h; y++)
        for (int x = 0; x < *w; x++) {
            uint32_t px;
            memcpy(&px, data + (size_t)y * (size_t)stride + (size_t)x * 4, 4);
            if ((px & 0xFFFFFF) != 0xFFFFFF)
                ink++;
        }
    cairo_surface_destroy(s);
    return ink;
}

static int same_bytes(const char *a, const char *b)
{
    size_t na = 0, nb = 0;
    char *x = slurp(a, &na), *y = slurp(b, &nb);
    int same = x && y && na == nb && memcmp(x, y, na) == 0;
    free(x);
    free(y);
    return same;
}

/* ---- tests ------------------------------------------------------------ */

static void ticks_step_by_1_2_5(void **state)
{
    (void)state;
    chart_ticks t;
    /* 412300/5 = 82460 -> 10^4 * 8.2 -> step 10^5; 0..500000, 6 ticks */
    chart_nice_ticks(0, 412300, 5, &t);
    assert_true(t.step == 100000 && t.first == 0 && t.last == 500000);
    assert_int_equal(t.count, 6);
    assert_int_equal(t.decimals, 0);
    /* 1/5 = 0.2 -> step 0.2, one decimal */
    chart_nice_ticks(0, 1, 5, &t);
    assert_true(fabs(t.step - 0.2) < 1e-12 && t.first == 0 && fabs(t.last - 1) < 1e-12);
    assert_int_equal(t.count, 6);
    assert_int_equal(t.decimals, 1);
    /* 2.77/5 = 0.554 -> 5.54 x 0.1 -> step 1: -1..3 */
    chart_nice_ticks(-0.37, 2.4, 5, &t);
    assert_true(t.step == 1 && t.first == -1 && t.last == 3);
    assert_int_equal(t.count, 5);
    /* 0.0123/4 = 0.003075 -> step 0.005, three decimals, 0..0.015 */
    chart_nice_ticks(0, 0.0123, 4, &t);
    assert_true(fabs(t.step - 0.005) < 1e-15 && fabs(t.last - 0.015) < 1e-12);
    assert_int_equal(t.count, 4);
    assert_int_equal(t.decimals, 3);
    /* 130/5 = 26 -> 2.6 x 10 -> step 50: 0..150 */
    chart_nice_ticks(0, 130, 5, &t);
    assert_true(t.step == 50 && t.last == 150);
    /* degenerate ranges still give an axis from zero */
    chart_nice_ticks(0, 0, 5, &t);
    assert_true(t.first == 0 && t.last == 1);
    chart_nice_ticks(3, 3, 5, &t);
    assert_true(t.first == 0 && t.last == 3 && t.step == 1);
    chart_nice_ticks(-40, -40, 5, &t);
    assert_true(t.first == -40 && t.last == 0 && t.step == 10);
}

static void values_format_with_separators(void **state)
{
    (void)state;
    char buf[64];
    assert_string_equal(chart_format_value(1234567.891, CHART_UNIT_MONEY, 2, buf, sizeof buf),
                        "1,234,567.89");
    assert_string_equal(chart_format_value(-25000, CHART_UNIT_NUMBER, 0, buf, sizeof buf),
                        "-25,000");
    assert_string_equal(chart_format_value(0.1234, CHART_UNIT_PERCENT, 1, buf, sizeof buf),
                        "12.3 %");
    assert_string_equal(chart_format_value(-0.35, CHART_UNIT_PERCENT, 0, buf, sizeof buf),
                        "-35 %");
    assert_int_equal(chart_format_parse("svg"), CHART_SVG);
    assert_int_equal(chart_format_parse("jpeg"), -1);
}

static void every_chart_renders_as_png(void **state)
{
    (void)state;
    scratch();
    chart g[8];
    make_gallery(g);
    char path[256];
    for (int i = 0; i < 8; i++) {
        snprintf(path, sizeof path, SCRATCH "/%s.png", kind_names[i]);
        write_chart(&g[i], CHART_PNG, path);
        int w, h;
        long ink = ink_pixels(path, &w, &h);
        /* 720 x 450 pt at 2x */
        assert_int_equal(w, 1440);
        assert_int_equal(h, 900);
        /* a drawn chart inks over 1.25 % of the canvas (the title alone
         * is ~0.5 %) */
        if (ink < 1440L * 900 / 80)
            fail_msg("%s: only %ld non-white pixels", path, ink);
    }
}

/* The PNG writer (libpng, unfiltered rows) keeps every pixel cairo drew:
 * each chart drawn straight onto an image surface at 2x equals the file
 * read back, pixel for pixel. */
static void png_holds_the_drawn_pixels(void **state)
{
    (void)state;
    scratch();
    chart g[8];
    make_gallery(g);
    char path[256];
    for (int i = 0; i < 8; i++) {
        snprintf(path, sizeof path, SCRATCH "/%s-pixels.png", kind_names[i]);
        write_chart(&g[i], CHART_PNG, path);
        cairo_surface_t *drawn = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1440, 900);
        cairo_t *cr = cairo_create(drawn);
        cairo_scale(cr, 2, 2);
        chart_draw(cr, CHART_WIDTH, CHART_HEIGHT, &g[i]);
        cairo_destroy(cr);
        cairo_surface_flush(drawn);
        cairo_surface_t *read = cairo_image_surface_create_from_png(path);
        assert_int_equal(cairo_surface_status(read), CAIRO_STATUS_SUCCESS);
        assert_int_equal(cairo_image_surface_get_width(read), 1440);
        assert_int_equal(cairo_image_surface_get_height(read), 900);
        /* an RGB PNG (no alpha channel) reads back as RGB24 */
        assert_int_equal(cairo_image_surface_get_format(read), CAIRO_FORMAT_RGB24);
        long differing = 0;
        for (int y = 0; y < 900; y++)
            for (int x = 0; x < 1440; x++) {
                uint32_t a, b;
                memcpy(&a,
                       cairo_image_surface_get_data(drawn) +
                           (size_t)y * (size_t)cairo_image_surface_get_stride(drawn) +
                           (size_t)x * 4,
                       4);
                memcpy(&b,
                       cairo_image_surface_get_data(read) +
                           (size_t)y * (size_t)cairo_image_surface_get_stride(read) +
                           (size_t)x * 4,
                       4);
                if ((a & 0xFFFFFF) != (b & 0xFFFFFF))
                    differing++;
            }
        cairo_surface_destroy(read);
        cairo_surface_destroy(drawn);
        if (differing)
            fail_msg("%s: %ld pixels differ from the drawing", path, differing);
    }
}

static void svg_is_xml_and_pdf_has_the_labels(void **state)
{
    (void)state;
    scratch();
    chart g[8];
    make_gallery(g);
    char path[256], cmd[512];
    for (int i = 0; i < 8; i++) {
        snprintf(path, sizeof path, SCRATCH "/%s.svg", kind_names[i]);
        write_chart(&g[i], CHART_SVG, path);
        snprintf(cmd, sizeof cmd,
                 "/usr/bin/python3 -c 'import sys, xml.etree.ElementTree as E; "
                 "r = E.parse(sys.argv[1]).getroot(); print(r.tag, r.get(\"width\"), "
                 "r.get(\"height\"))' %s",
                 path);
        char *out = run(cmd);
        assert_string_equal(out, "{http://www.w3.org/2000/svg}svg 720pt 450pt\n");
        free(out);
        snprintf(path, sizeof path, SCRATCH "/%s.pdf", kind_names[i]);
        write_chart(&g[i], CHART_PDF, path);
    }
    /* cairo's SVG draws text as glyph outlines, so the words are checked in
     * the PDF of the same drawing. */
    char *txt = run("pdftotext -layout " SCRATCH "/bars.pdf -");
    assert_non_null(strstr(txt, "Credited revenue by channel"));
    assert_non_null(strstr(txt, "Paid Search leads the quarter"));
    assert_non_null(strstr(txt, "412,300")); /* largest bar, thousands separator */
    assert_non_null(strstr(txt, "(39 %)"));  /* 412300 / 1058500 = 38.95 % */
    assert_non_null(strstr(txt, "Événements à Zürich"));
    assert_non_null(strstr(txt, "日本 パートナー"));
    assert_non_null(strstr(txt, "USD"));
    assert_non_null(strstr(txt, "500,000")); /* last tick */
    free(txt);
    txt = run("pdftotext -layout " SCRATCH "/scatter.pdf -");
    assert_non_null(strstr(txt, "break-even (ROI 0 %)"));
    assert_non_null(strstr(txt, "Spend (EUR)"));
    assert_non_null(strstr(txt, "-200 %")); /* -0.8..6.5 -> steps of 200 % from -200 % */
    /* The label is drawn ellipsised, but pango hands cairo the whole text
     * of the elided cluster, so the PDF's text layer keeps the full name. */
    assert_non_null(strstr(txt, "read in full on a chart"));
    assert_non_null(strstr(txt, "東京 launch"));
    free(txt);
    txt = run("pdftotext -layout " SCRATCH "/funnel.pdf -");
    assert_non_null(strstr(txt, "1,200"));
    assert_non_null(strstr(txt, "40.0 % converted"));
    assert_non_null(strstr(txt, "37.2 %"));
    free(txt);
    txt = run("pdftotext -layout " SCRATCH "/bridge.pdf -");
    assert_non_null(strstr(txt, "1,000,000"));
    assert_non_null(strstr(txt, "1,125,000")); /* 1e6 + 180k + 60k - 25k - 90k */
    assert_non_null(strstr(txt, "+180,000"));
    assert_non_null(strstr(txt, "\u221290,000"));
    free(txt);
    txt = run("pdftotext -layout " SCRATCH "/heatmap.pdf -");
    assert_non_null(strstr(txt, "2025-07 (n=31)"));
    assert_non_null(strstr(txt, "100 %")); /* row 0, M0: 1 - 0.06*0 - 0.01*0 */
    assert_non_null(strstr(txt, "70 %"));  /* row 0, M5: 1 - 0.06*5 */
    free(txt);
    /* Shares in whole percents add up to 100: three equal bars are 34, 33
     * and 33 % (the extra point to the bar drawn first, A: equal values
     * sort by label), not 33 % three times; 2 and 1 of 3: 67 and 33. */
    static const char *const abc[] = {"C", "B", "A"};
    static const double equal[] = {100, 100, 100}, two_one[] = {1, 200, 100};
    chart thirds = {.kind = CHART_BARS};
    thirds.u.bars = (chart_bars){{"Thirds", NULL, NULL, NULL}, CHART_UNIT_NUMBER, NULL, 3, abc,
                                 equal, 1, NULL};
    write_chart(&thirds, CHART_PDF, SCRATCH "/thirds.pdf");
    txt = run("pdftotext -layout " SCRATCH "/thirds.pdf - | grep -o '[ABC] .*(3[34] %)' "
              "| sed 's/  */ /g'");
    assert_string_equal(txt, "A 100 (34 %)\nB 100 (33 %)\nC 100 (33 %)\n");
    free(txt);
    thirds.u.bars.values = two_one;
    write_chart(&thirds, CHART_PDF, SCRATCH "/thirds.pdf");
    txt = run("pdftotext -layout " SCRATCH "/thirds.pdf - | grep -o '([0-9]* %)' | tr '\\n' ' '");
    assert_string_equal(txt, "(67 %) (33 %) (0 %) ");
    free(txt);
    /* The CJK labels are drawn with a CJK font, not as empty boxes. */
    char *fonts = run("pdffonts " SCRATCH "/bars.pdf");
    assert_non_null(strstr(fonts, "WenQuanYi"));
    free(fonts);
}

static void output_is_byte_stable(void **state)
{
    (void)state;
    scratch();
    chart g[8];
    make_gallery(g);
    char a[256], b[256];
    for (int f = 0; f < 3; f++)
        for (int i = 0; i < 8; i++) {
            const char *ext = chart_format_extension((chart_format)f);
            snprintf(a, sizeof a, SCRATCH "/stable-a-%s.%s", kind_names[i], ext);
            snprintf(b, sizeof b, SCRATCH "/stable-b-%s.%s", kind_names[i], ext);
            write_chart(&g[i], (chart_format)f, a);
            write_chart(&g[i], (chart_format)f, b);
            if (!same_bytes(a, b))
                fail_msg("%s and %s differ", a, b);
        }
    size_t n = 0;
    char *pdf = slurp(SCRATCH "/stable-a-bars.pdf", &n);
    /* cairo 1.16 writes the date without the "D:" prefix; poppler reads it */
    const char *want = "/CreationDate (20000101000000Z)";
    int found = 0;
    for (size_t i = 0; !found && i + strlen(want) <= n; i++)
        found = memcmp(pdf + i, want, strlen(want)) == 0;
    assert_true(found);
    free(pdf);
}

/* Each edge case in each format: no error, and an honest picture. */
static void edge_cases_render(void **state)
{
    (void)state;
    scratch();
    static const char *const one[] = {"Webinar"};
    static const double one_v[] = {52000};
    static const double zeros[] = {0, 0, 0};
    static const char *const three[] = {"A", "B", "C"};
    static const char *const long_names[] = {
        "Über-long channel name with accents é ü and more words than a chart can hold",
        "日本語のとても長いキャンペーン名はここで省略されるべきです 日本語のとても長い"};
    static const double long_v[] = {1, 2};
    static const double neg_x[] = {1000, 2000}, neg_y[] = {-0.5, -1.0};
    static const char *const neg_l[] = {"Lost A", "Lost B"};
    static const double zero_bridge[] = {0, 0, 0, 0};
    chart cases[] = {
        {CHART_BARS, .u.bars = {{"One channel", NULL, NULL, NULL}, CHART_UNIT_MONEY, "USD", 1,
                                one, one_v, 1}},
        {CHART_BARS, .u.bars = {{"Zero revenue", NULL, NULL, "No revenue credited in 2026Q2"},
                                CHART_UNIT_MONEY, "USD", 3, three, zeros, 1}},
        {CHART_BARS, .u.bars = {{"Long names", NULL, NULL, NULL}, CHART_UNIT_NUMBER, NULL, 2,
                                long_names, long_v, 0}},
        {CHART_BARS, .u.bars = {{"Empty", NULL, NULL, "No deals closed in 2026Q2"},
                                CHART_UNIT_MONEY, "USD", 0, NULL, NULL, 0}},
        {CHART_DOTS, .u.dots = {{"Empty dots", NULL, NULL, NULL}, CHART_UNIT_PERCENT, NULL, 0,
                                0, NULL, NULL, NULL}},
        {CHART_DOTS, .u.dots = {{"One by one", NULL, NULL, NULL}, CHART_UNIT_PERCENT, NULL, 1,
                                1, one, one, one_v}},
        {CHART_SCATTER, .u.scatter = {{"All negative ROI", NULL, NULL, NULL}, "Spend", "ROI",
                                      CHART_UNIT_MONEY, CHART_UNIT_PERCENT, "USD", 2, neg_l,
                                      neg_x, neg_y}},
        {CHART_SCATTER, .u.scatter = {{"No campaigns", NULL, NULL, "No spend in 2026Q2"},
                                      "Spend", "ROI", CHART_UNIT_MONEY, CHART_UNIT_PERCENT,
                                      "USD", 0, NULL, NULL, NULL}},
        {CHART_FUNNEL, .u.funnel = {{"Zero funnel", NULL, NULL, "No leads in 2026Q2"}, 3, three,
                                    zeros, NULL, NULL, NULL}},
        {CHART_FUNNEL, .u.funnel = {{"One stage", NULL, NULL, NULL}, 1, one, one_v, NULL, NULL,
                                    NULL}},
        {CHART_BRIDGE, .u.bridge = {{"Zero bridge", NULL, NULL, "No recurring revenue"},
                                    CHART_UNIT_MONEY, "USD", "Start", "End", 0, 4, three,
                                    zero_bridge}},
        {CHART_HEATMAP, .u.heatmap = {{"No cohorts", NULL, NULL, NULL}, 0, 0, NULL, NULL, NULL,
                                      NULL}},
        {CHART_KM, .u.km = {{"No customers", NULL, NULL, "No subscriptions started"}, NULL, 0,
                            NULL}},
        {CHART_TREND, .u.trend = {{"No months", NULL, NULL, NULL}, CHART_UNIT_MONEY, "USD", 0,
                                  0, NULL, NULL, NULL}},
    };
    char path[256];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (int f = 0; f < 3; f++) {
            snprintf(path, sizeof path, SCRATCH "/edge-%02zu.%s", i,
                     chart_format_extension((chart_format)f));
            write_chart(&cases[i], (chart_format)f, path);
        }
    char *txt = run("pdftotext " SCRATCH "/edge-03.pdf -");
    assert_non_null(strstr(txt, "No deals closed in 2026Q2"));
    free(txt);
    txt = run("pdftotext " SCRATCH "/edge-01.pdf -");
    assert_non_null(strstr(txt, "No revenue credited in 2026Q2"));
    free(txt);
    txt = run("pdftotext " SCRATCH "/edge-02.pdf -");
    assert_non_null(strstr(txt, "Über-long channel"));
    free(txt);
    txt = run("pdftotext " SCRATCH "/edge-06.pdf -");
    assert_non_null(strstr(txt, "-100 %")); /* ROI -0.5 and -1: ticks -100 % .. 0 */
    assert_non_null(strstr(txt, "Lost B"));
    free(txt);
}

/* A note longer than the chart is wide is wrapped onto more lines, not cut
 * with an ellipsis: the bridge chart's note ends with how its start chains
 * to the previous period (FX), which a cut note lost. pdftotext -layout
 * keeps the lines as drawn; an ellipsised line would still hold the whole
 * text on one line (pango hands cairo the elided cluster's text), so the
 * first and the last words on different lines show the wrap. */
static void long_note_wraps(void **state)
{
    (void)state;
    static const char *const labels[] = {"A", "B"};
    static const double values[] = {2, 1};
    chart c = {.kind = CHART_BARS};
    c.u.bars = (chart_bars){{"Wrapped note", NULL,
                             "NOTESTART ARR = 12 x MRR on the last day before the period and on "
                             "its last day, all at the rates of 2026-09-30 (constant currency). "
                             "Start = 2026Q2's end USD 5,185,782 at its rates (2026-06-30) + FX "
                             "USD 40,809. NRR and GRR over the accounts present NOTEEND",
                             NULL},
                            CHART_UNIT_NUMBER, NULL, 2, labels, values, 1, NULL};
    write_chart(&c, CHART_PDF, SCRATCH "/long-note.pdf");
    char *start = run("pdftotext -layout " SCRATCH "/long-note.pdf - | grep -n NOTESTART "
                      "| cut -d: -f1");
    char *end = run("pdftotext -layout " SCRATCH "/long-note.pdf - | grep -n NOTEEND "
                    "| cut -d: -f1");
    assert_true(atoi(start) > 0);
    assert_int_equal(atoi(end), atoi(start) + 1);
    free(start);
    free(end);
    /* a note that fits stays one line */
    c.u.bars.text.note = "NOTESTART short NOTEEND";
    write_chart(&c, CHART_PDF, SCRATCH "/short-note.pdf");
    char *line = run("pdftotext -layout " SCRATCH "/short-note.pdf - | grep -c 'NOTESTART short NOTEEND'");
    assert_string_equal(line, "1\n");
    free(line);
}

/* The sentence of a chart without data wraps as the note does: the
 * bridge of a period that ends after the data says why and ends with the
 * --period that gives the figures so far, which an ellipsis cut
 * ("... until that da…" in a 1440-pixel PNG). As for the note, the
 * first and last words on different lines show the wrap. */
static void long_empty_wraps(void **state)
{
    (void)state;
    chart c = {.kind = CHART_BRIDGE};
    c.u.bridge.text = (chart_text){"ARR bridge, 2026Q2", NULL, NULL,
                                   "EMPTYSTART The data ends on 2026-06-01, before 2026Q2 does "
                                   "(2026-06-30): no ARR bridge, NRR or GRR until that day is in "
                                   "the data. For 2026-04-01 to 2026-06-01 only, run with "
                                   "--period 2026-04-01..2026-06-01 EMPTYEND"};
    write_chart(&c, CHART_PDF, SCRATCH "/long-empty.pdf");
    char *start = run("pdftotext -layout " SCRATCH "/long-empty.pdf - | grep -n EMPTYSTART "
                      "| cut -d: -f1");
    char *end = run("pdftotext -layout " SCRATCH "/long-empty.pdf - | grep -n EMPTYEND "
                    "| cut -d: -f1");
    assert_true(atoi(start) > 0);
    assert_true(atoi(end) > atoi(start));
    free(start);
    free(end);
}

static void unwritable_path_is_an_io_error(void **state)
{
    (void)state;
    chart g[8];
    make_gallery(g);
    allot_error err;
    for (int f = 0; f < 3; f++) {
        allot_status st = chart_write(&g[0], (chart_format)f, "/nonexistent-dir/x.out",
                                      CHART_WIDTH, CHART_HEIGHT, &err);
        assert_int_equal(st, ALLOT_ERR_IO);
        assert_non_null(strstr(err.message, "cannot write"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ticks_step_by_1_2_5),
        cmocka_unit_test(values_format_with_separators),
        cmocka_unit_test(every_chart_renders_as_png),
        cmocka_unit_test(png_holds_the_drawn_pixels),
        cmocka_unit_test(svg_is_xml_and_pdf_has_the_labels),
        cmocka_unit_test(output_is_byte_stable),
        cmocka_unit_test(edge_cases_render),
        cmocka_unit_test(long_note_wraps),
        cmocka_unit_test(long_empty_wraps),
        cmocka_unit_test(unwritable_path_is_an_io_error),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    chart_shutdown();
    return failed;
}
