/* allot-pdf — the leadership PDF: cover with headline numbers, one chart
 * per page with its takeaway, methods. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "chart.h"
#include "chartset.h"
#include "cli.h"
#include "config.h"
#include "pdfpack.h"
#include "report_data.h"
#include "store.h"

static void usage(void)
{
    printf("Usage: allot-pdf [OPTION]...\n"
           "Write the leadership PDF for one reporting period: a cover with six headline\n"
           "numbers and their change against the prior period, one chart per page with a\n"
           "takeaway computed from the data (credit, models, roi, funnel, bridge,\n"
           "cohorts, survival, trend; see allot-chart --help), and a methods page.\n"
           "\n"
           "  --db FILE        database (default allot.db)\n"
           "  --config FILE    allot.ini (reporting currency, fiscal year, default model,\n"
           "                   lookback window)\n"
           "  --period P       2026Q2, FY2027Q1, 2026, 2026-01-01..2026-06-30 (default:\n"
           "                   the last complete quarter of the data)\n"
           "  --model M        the model of the credit and ROI pages\n"
           "  --company NAME   name on the cover (default allot)\n"
           "  --out FILE       the PDF (default allot-pack.pdf)\n"
           "  --help           show this help and exit\n"
           "\n"
           "The same database and options give the same bytes.\n"
           "Exit status: 0 done (also with pages that lack data), 1 unusable data,\n"
           "2 usage, 3 environment (database or output file).\n");
}

int main(int argc, char **argv)
{
    cli_init(argv[0]);
    gsl_set_error_handler_off();
    const char *db_path = "allot.db", *config_path = NULL, *period = NULL, *model = NULL;
    const char *out = "allot-pack.pdf", *company = NULL;
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},      {"config", required_argument, NULL, 'c'},
        {"period", required_argument, NULL, 'p'},  {"model", required_argument, NULL, 'm'},
        {"company", required_argument, NULL, 'n'}, {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': db_path = optarg; break;
        case 'c': config_path = optarg; break;
        case 'p': period = optarg; break;
        case 'm': model = optarg; break;
        case 'n': company = optarg; break;
        case 'o': out = optarg; break;
        case 'h': usage(); return cli_finish(0);
        default: return cli_option_error(argv, "");
        }
    }
    if (optind < argc)
        return cli_usage_error("unexpected argument '%s'", argv[optind]);

    double t0 = cli_seconds();
    allot_error err;
    allot_error_clear(&err);
    allot_config *cfg;
    sqlite3 *db;
    allot_report r;
    memset(&r, 0, sizeof r);
    long lookback = 90;
    allot_status st = cli_render_open(config_path, db_path, &lookback, &cfg, &db, &err);
    if (st == ALLOT_OK) {
        allot_report_options ro = {period, model, cfg, 0};
        st = allot_report_load(db, &ro, &r, &err);
    }
    int pages = 0;
    if (st == ALLOT_OK) {
        pdfpack_options po = {NULL, 0, company, (int)lookback};
        st = pdfpack_write(&r, &po, out, &pages, &err);
    }
    int missing = 0;
    for (int s = 0; st == ALLOT_OK && s < ALLOT_REPORT_SECTIONS; s++)
        if (r.missing[s][0]) {
            missing++;
            cli_warning("%s: %s", allot_report_section_name((allot_report_section)s),
                        r.missing[s]);
        }
    if (st == ALLOT_OK) {
        cli_run_record(db, "allot-pdf", "company=%s;model=%s;out=%s;period=%s",
                       company ? company : "", r.model, out, r.period.label);
    }
    int status = 0;
    if (st != ALLOT_OK)
        status = cli_report(&err);
    else
        fprintf(stderr, "%s: wrote %s (%d pages) for %s in %.2f s%s\n", cli_program(), out,
                pages, r.period.label, cli_seconds() - t0,
                missing ? "; some sections lack data (warnings above)" : "");
    allot_report_release(&r);
    allot_store_close(db);
    allot_config_free(cfg);
    chart_shutdown();
    return cli_finish(status);
}
