/* allot-xlsx — the finance workbook for one reporting period. */
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "config.h"
#include "store.h"
#include "xlsx.h"

static void usage(void)
{
    printf("Usage: allot-xlsx [OPTION]...\n"
           "Write the finance workbook for one reporting period: Summary, Attribution by\n"
           "channel, Attribution by campaign, Model comparison, Funnel, Retention, CLV,\n"
           "Reconciliation, Ledger and Definitions (README \"The finance workbook\").\n"
           "\n"
           "  --db FILE         database (default allot.db)\n"
           "  --config FILE     allot.ini (reporting currency, fiscal year, default model)\n"
           "  --period P        2026Q2, FY2027Q1, 2026, 2026-01-01..2026-06-30 (default:\n"
           "                    the last complete quarter of the data)\n"
           "  --model M         the model of the campaign and ledger sheets (default:\n"
           "                    [models] default_model)\n"
           "  --bootstrap B     bootstrap replicates for the campaign ROI interval\n"
           "                    (default 200; 0 for none)\n"
           "  --seed S          bootstrap seed (default 1)\n"
           "  --out FILE        the workbook (default allot-report.xlsx)\n"
           "  --help            show this help and exit\n"
           "\n"
           "The same database and options give the same bytes.\n"
           "Exit status: 0 done (also when some sheets lack data: the Summary says which),\n"
           "1 unusable data, 2 usage, 3 environment (database or output file).\n");
}

int main(int argc, char **argv)
{
    cli_init(argv[0]);
    gsl_set_error_handler_off();
    /* Messages may follow the user's locale, numbers in the file never do. */
    setlocale(LC_ALL, "");
    setlocale(LC_NUMERIC, "C");
    const char *db_path = "allot.db", *config_path = NULL, *out = "allot-report.xlsx";
    allot_xlsx_options o = {NULL, NULL, NULL, 200, 1};
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},     {"config", required_argument, NULL, 'c'},
        {"period", required_argument, NULL, 'p'}, {"model", required_argument, NULL, 'm'},
        {"bootstrap", required_argument, NULL, 'b'}, {"seed", required_argument, NULL, 's'},
        {"out", required_argument, NULL, 'o'},    {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': db_path = optarg; break;
        case 'c': config_path = optarg; break;
        case 'p': o.period = optarg; break;
        case 'm': o.model = optarg; break;
        case 'o': out = optarg; break;
        case 'b':
            o.bootstrap = (unsigned)strtoul(optarg, &end, 10);
            if (*end || !*optarg || o.bootstrap > 100000)
                return cli_usage_error("--bootstrap '%s': give a whole number 0..100000", optarg);
            break;
        case 's':
            o.seed = strtoul(optarg, &end, 10);
            if (*end || !*optarg)
                return cli_usage_error("--seed '%s': give a whole number", optarg);
            break;
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
    allot_status st = cli_render_open(config_path, db_path, NULL, &cfg, &db, &err);
    o.config = cfg;
    allot_xlsx_summary sum;
    memset(&sum, 0, sizeof sum);
    if (st == ALLOT_OK)
        st = allot_xlsx_write(db, &o, out, &sum, &err);
    if (st == ALLOT_OK) {
        for (size_t i = 0; i < sum.missing_sections; i++)
            cli_warning("%s", sum.missing[i]);
        cli_run_record(db, "allot-xlsx", "bootstrap=%u;model=%s;out=%s;period=%s;seed=%lu",
                       o.bootstrap, sum.model, out, sum.period, o.seed);
    }
    int status = 0;
    if (st != ALLOT_OK)
        status = cli_report(&err);
    else
        fprintf(stderr, "%s: wrote %s (%zu sheets, %zu ledger rows, model %s) for %s in %.2f s%s\n",
                cli_program(), out, sum.sheets, sum.ledger_rows,
                sum.model[0] ? sum.model : "none", sum.period, cli_seconds() - t0,
                sum.missing_sections ? "; some sheets lack data (warnings above)" : "");
    allot_store_close(db);
    allot_config_free(cfg);
    return cli_finish(status);
}
