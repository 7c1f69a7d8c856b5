/* allot-chart — the chart set for one period as PNG, SVG or PDF files. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "chart.h"
#include "chartset.h"
#include "cli.h"
#include "config.h"
#include "report_data.h"
#include "store.h"

static const char *const DESCRIPTIONS[CHARTSET_COUNT] = {
    "credited revenue by channel, default model (sorted bars)",
    "channel share under each model (dot plot)",
    "campaign ROI vs spend (labelled scatter, zero-ROI line)",
    "lead -> MQL -> SQL -> opportunity -> won, with conversion rates",
    "ARR bridge: start -> new, expansion, contraction, churn -> end",
    "accounts still active by monthly cohort (heatmap)",
    "Kaplan-Meier survival by acquisition channel, 95 % bands",
    "pipeline created and revenue won by month (twelve months)",
};

static void usage(void)
{
    printf("Usage: allot-chart [OPTION]... [CHART]...\n"
           "Draw the charts of one reporting period into OUT/CHART.EXT (all of them\n"
           "when no CHART is named). A chart without data is still written and says\n"
           "why (\"No credit run in this database: run allot-credit first\"), with a\n"
           "warning on stderr.\n"
           "\n"
           "Charts:\n");
    for (int i = 0; i < CHARTSET_COUNT; i++)
        printf("  %-9s %s\n", chartset_name((chartset_id)i), DESCRIPTIONS[i]);
    printf("\n"
           "  --db FILE        database (default allot.db)\n"
           "  --config FILE    allot.ini (reporting currency, fiscal year, default model)\n"
           "  --period P       2026Q2, FY2027Q1, 2026, 2026-01-01..2026-06-30 (default:\n"
           "                   the last complete quarter of the data)\n"
           "  --model M        the model of the credit and ROI charts (default: [models]\n"
           "                   default_model when the credit run has it, else its first)\n"
           "  --format F       png (1440x900 pixels, 2x), svg or pdf (default png)\n"
           "  --out DIR        output folder, created when missing (default charts)\n"
           "  --help           show this help and exit\n"
           "\n"
           "The same database and options give the same bytes.\n"
           "Exit status: 0 done (also with charts that lack data), 1 unusable data\n"
           "(e.g. a missing fx rate), 2 usage, 3 environment (database or folder).\n");
}

int main(int argc, char **argv)
{
    cli_init(argv[0]);
    gsl_set_error_handler_off();
    const char *db_path = "allot.db", *config_path = NULL, *period = NULL, *model = NULL;
    const char *out = "charts";
    int format = CHART_PNG;
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},     {"config", required_argument, NULL, 'c'},
        {"period", required_argument, NULL, 'p'}, {"model", required_argument, NULL, 'm'},
        {"format", required_argument, NULL, 'f'}, {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': db_path = optarg; break;
        case 'c': config_path = optarg; break;
        case 'p': period = optarg; break;
        case 'm': model = optarg; break;
        case 'o': out = optarg; break;
        case 'f':
            format = chart_format_parse(optarg);
            if (format < 0)
                return cli_usage_error("unknown format '%s': use png, svg or pdf", optarg);
            break;
        case 'h': usage(); return cli_finish(0);
        default: return cli_option_error(argv, "");
        }
    }
    int wanted[CHARTSET_COUNT], n_wanted = 0;
    for (int i = optind; i < argc; i++) {
        int id = chartset_parse(argv[i]);
        if (id < 0)
            return cli_usage_error("unknown chart '%s': see --help for the names", argv[i]);
        int dup = 0;
        for (int k = 0; k < n_wanted; k++)
            dup |= wanted[k] == id;
        if (!dup)
            wanted[n_wanted++] = id;
    }
    if (n_wanted == 0)
        for (int i = 0; i < CHARTSET_COUNT; i++)
            wanted[n_wanted++] = i;

    double t0 = cli_seconds();
    allot_error err;
    allot_error_clear(&err);
    allot_config *cfg;
    sqlite3 *db;
    allot_report r;
    memset(&r, 0, sizeof r);
    allot_status st = cli_render_open(config_path, db_path, NULL, &cfg, &db, &err);
    if (st == ALLOT_OK) {
        unsigned sections = 0;
        for (int k = 0; k < n_wanted; k++)
            sections |= chartset_sections((chartset_id)wanted[k]);
        allot_report_options ro = {period, model, cfg, sections};
        st = allot_report_load(db, &ro, &r, &err);
    }
    if (st == ALLOT_OK && cli_mkdirs(out) != 0)
        st = allot_error_set(&err, ALLOT_ERR_IO, out, 0, 0, "cannot create the folder: %s",
                             strerror(errno));
    int written = 0, missing = 0;
    char missing_names[128] = "";
    for (int k = 0; st == ALLOT_OK && k < n_wanted; k++) {
        chartset_item item;
        st = chartset_build(&r, (chartset_id)wanted[k], &item, &err);
        if (st == ALLOT_OK) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s.%s", out, chartset_name((chartset_id)wanted[k]),
                     chart_format_extension((chart_format)format));
            st = chart_write(&item.chart, (chart_format)format, path, CHART_WIDTH, CHART_HEIGHT,
                             &err);
            if (st == ALLOT_OK) {
                written++;
                if (item.missing) {
                    missing++;
                    cli_warning("%s: %s", chartset_name((chartset_id)wanted[k]), item.empty);
                    size_t len = strlen(missing_names);
                    snprintf(missing_names + len, sizeof missing_names - len, "%s%s",
                             len ? ", " : "", chartset_name((chartset_id)wanted[k]));
                }
            }
        }
        chartset_item_release(&item);
    }
    if (st == ALLOT_OK) {
        /* The run is recorded after the files are written: a renderer
         * changes no figure, so a failed run leaves no row. */
        cli_run_record(db, "allot-chart", "format=%s;model=%s;out=%s;period=%s",
                       chart_format_extension((chart_format)format), r.model, out,
                       r.period.label);
    }
    int status = 0;
    if (st != ALLOT_OK) {
        status = cli_report(&err);
    } else {
        fprintf(stderr, "%s: wrote %d chart%s (%s) for %s into %s in %.2f s", cli_program(),
                written, written == 1 ? "" : "s", chart_format_extension((chart_format)format),
                r.period.label, out, cli_seconds() - t0);
        if (missing)
            fprintf(stderr, "; %d without data (%s)", missing, missing_names);
        fprintf(stderr, "\n");
    }
    allot_report_release(&r);
    allot_store_close(db);
    allot_config_free(cfg);
    chart_shutdown();
    return cli_finish(status);
}
