/* allot-roi — spend, attributed revenue, ROI, ROAS, CAC and CAC payback per
 * attribution model, period and channel or campaign, with seeded bootstrap
 * intervals. Definitions: lib/roi.h, README. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "config.h"
#include "csvout.h"
#include "funnel.h"
#include "money.h"
#include "roi.h"
#include "store.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: allot-roi [OPTION]...\n"
            "Spend vs attributed revenue per attribution model (from the allot-credit ledger):\n"
            "ROI = (revenue - spend) / spend, ROAS = revenue / spend, CAC = spend / new\n"
            "customers, CAC payback in months, with percentile bootstrap intervals that\n"
            "resample deals.\n"
            "\n"
            "  --db FILE            database (default allot.db)\n"
            "  --config FILE        allot.ini: reporting currency, fiscal year, taxonomy,\n"
            "                       [retention] gross_margin for payback\n"
            "  --period P           quarter (default), month, year, all, or one period to\n"
            "                       show only it (2026Q3, FY2027Q1, 2026-07, 2026, A..B)\n"
            "  --by G               channel (default) or campaign\n"
            "  --model M            one model of the credit run (default: every model)\n"
            "  --run N              the allot-credit run (default: latest revenue run)\n"
            "  --bootstrap B        bootstrap replicates for ROI/ROAS intervals (default 1000;\n"
            "                       0 = none)\n"
            "  --seed S             bootstrap seed (default 1)\n"
            "  --alpha A            1 - confidence level (default 0.05)\n"
            "  --currency CUR       reporting currency (default: config, USD)\n"
            "  --fiscal-start M     first month of the fiscal year (default: config, 1)\n"
            "  --csv                CSV on stdout instead of a readable table\n"
            "  --help               this help\n"
            "\n"
            "CSV columns: model,period,group,spend,revenue,roi,roi_lower,roi_upper,roas,cac,\n"
            "currency,roas_lower,roas_upper,deals,customers,new_mrr,payback_months,bootstrap,\n"
            "seed,alpha (money in major units of the reporting currency; empty = undefined).\n"
            "Spend per group is rounded to the cent by largest remainder, so the groups of a\n"
            "model and period add up exactly to the period's spend rounded once; ROI, ROAS\n"
            "and CAC use the exact spend.\n"
            "Exit status: 0 done, 1 data problem, 2 usage, 3 environment.\n");
}

/* A row's spend as shown: its footed minor units (lib/roi.h), so the rows
 * of a model and period add up to the period's marketing spend. */
static const char *spend_text(const allot_roi *r, const allot_roi_row *x, char *buf, size_t size)
{
    int exponent = allot_currency_exponent(r->currency);
    return allot_money_format_minor(x->spend_minor, exponent < 0 ? 2 : exponent, buf, size);
}

static void csv_roi(FILE *out, const allot_roi *r)
{
    char b1[64], b2[64];
    fputs("model,period,group,spend,revenue,roi,roi_lower,roi_upper,roas,cac,currency,"
          "roas_lower,roas_upper,deals,customers,new_mrr,payback_months,bootstrap,seed,alpha\n",
          out);
    for (size_t i = 0; i < r->n_rows; i++) {
        const allot_roi_row *x = &r->rows[i];
        allot_csvout_field(out, x->model);
        fputc(',', out);
        allot_csvout_field(out, x->period);
        fputc(',', out);
        allot_csvout_field(out, x->group);
        fprintf(out, ",%s,%s,", spend_text(r, x, b1, sizeof b1),
                allot_csvout_money((double)x->revenue_micros, r->currency, b2, sizeof b2));
        allot_csvout_number(out, x->roi, "%.6f");
        fputc(',', out);
        allot_csvout_number(out, x->roi_lower, "%.6f");
        fputc(',', out);
        allot_csvout_number(out, x->roi_upper, "%.6f");
        fputc(',', out);
        allot_csvout_number(out, x->roas, "%.6f");
        fprintf(out, ",%s,%s,", allot_csvout_money(x->cac_micros, r->currency, b1, sizeof b1), r->currency);
        allot_csvout_number(out, x->roas_lower, "%.6f");
        fputc(',', out);
        allot_csvout_number(out, x->roas_upper, "%.6f");
        fprintf(out, ",%.17g,%.6f,%s,", x->deals, x->customers,
                allot_csvout_money(x->new_mrr_micros, r->currency, b1, sizeof b1));
        allot_csvout_number(out, x->payback_months, "%.4f");
        fprintf(out, ",%u,%lu,%g\n", r->bootstrap, r->seed, r->alpha);
    }
}

static const char *ratio_ci(double v, double lo, double hi, char *buf, size_t size)
{
    if (!isfinite(v))
        snprintf(buf, size, "-");
    else if (isfinite(lo))
        snprintf(buf, size, "%.2f (%.2f..%.2f)", v, lo, hi);
    else
        snprintf(buf, size, "%.2f", v);
    return buf;
}

static void text_roi(FILE *out, const allot_roi *r)
{
    char b[7][64];
    if (r->bootstrap)
        fprintf(out,
                "ROI by model (credit run %lld); amounts in %s; intervals: percentile bootstrap "
                "over deals, B=%u, seed %lu, %g%%\n",
                (long long)r->run_id, r->currency, r->bootstrap, r->seed, 100 * (1 - r->alpha));
    else
        fprintf(out, "ROI by model (credit run %lld); amounts in %s; no intervals (B=0)\n",
                (long long)r->run_id, r->currency);
    fprintf(out, "%-16s %-8s %-22s %12s %12s  %-24s %-24s %8s %10s %8s\n", "model", "period",
            "group", "spend", "revenue", "roi", "roas", "cust", "cac", "payback");
    for (size_t i = 0; i < r->n_rows; i++) {
        const allot_roi_row *x = &r->rows[i];
        fprintf(out, "%-16.16s %-8s %-22.22s %12s %12s  %-24s %-24s %8.2f %10s %8s\n", x->model,
                x->period, x->group, spend_text(r, x, b[0], sizeof b[0]),
                allot_csvout_money((double)x->revenue_micros, r->currency, b[1], sizeof b[1]),
                ratio_ci(x->roi, x->roi_lower, x->roi_upper, b[2], sizeof b[2]),
                ratio_ci(x->roas, x->roas_lower, x->roas_upper, b[3], sizeof b[3]), x->customers,
                isfinite(x->cac_micros) ? allot_csvout_money(x->cac_micros, r->currency, b[4], sizeof b[4]) : "-",
                isfinite(x->payback_months)
                    ? (snprintf(b[5], sizeof b[5], "%.2f mo", x->payback_months), b[5])
                    : "-");
    }
}

int main(int argc, char **argv)
{
    cli_init("allot-roi");
    gsl_set_error_handler_off();
    const char *db_path = "allot.db", *period = "quarter", *by = "channel", *model = NULL;
    const char *config_path = NULL, *currency = NULL;
    int csv = 0, fiscal = 0;
    long long run = 0;
    unsigned long bootstrap = 1000, seed = 1;
    double alpha = 0.05;
    enum { O_DB = 256, O_CONFIG, O_PERIOD, O_BY, O_MODEL, O_RUN, O_BOOT, O_SEED, O_ALPHA, O_CUR,
           O_FISCAL, O_CSV, O_HELP };
    static const struct option longopts[] = {
        {"db", required_argument, NULL, O_DB},
        {"config", required_argument, NULL, O_CONFIG},
        {"period", required_argument, NULL, O_PERIOD},
        {"by", required_argument, NULL, O_BY},
        {"model", required_argument, NULL, O_MODEL},
        {"run", required_argument, NULL, O_RUN},
        {"bootstrap", required_argument, NULL, O_BOOT},
        {"seed", required_argument, NULL, O_SEED},
        {"alpha", required_argument, NULL, O_ALPHA},
        {"currency", required_argument, NULL, O_CUR},
        {"fiscal-start", required_argument, NULL, O_FISCAL},
        {"csv", no_argument, NULL, O_CSV},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0}};
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case O_DB: db_path = optarg; break;
        case O_CONFIG: config_path = optarg; break;
        case O_PERIOD: period = optarg; break;
        case O_BY: by = optarg; break;
        case O_MODEL: model = optarg; break;
        case O_RUN:
            run = strtoll(optarg, &end, 10);
            if (*end || run <= 0)
                return cli_usage_error("--run must be a run id (a positive integer), got '%s'",
                                       optarg);
            break;
        case O_BOOT:
            bootstrap = strtoul(optarg, &end, 10);
            if (*end || optarg[0] == '-' || bootstrap > 1000000)
                return cli_usage_error("--bootstrap must be 0..1000000, got '%s'", optarg);
            break;
        case O_SEED:
            seed = strtoul(optarg, &end, 10);
            if (*end || optarg[0] == '-')
                return cli_usage_error("--seed must be a non-negative integer, got '%s'", optarg);
            break;
        case O_ALPHA:
            if (cli_alpha_option(optarg, &alpha))
                return CLI_EXIT_USAGE;
            break;
        case O_CUR: currency = optarg; break;
        case O_FISCAL:
            if (cli_fiscal_start_option(optarg, &fiscal))
                return CLI_EXIT_USAGE;
            break;
        case O_CSV: csv = 1; break;
        case O_HELP: usage(stdout); return cli_finish(0);
        default: return cli_option_error(argv, "");
        }
    }
    if (optind < argc)
        return cli_usage_error("unexpected argument '%s'", argv[optind]);

    allot_error err;
    allot_error_clear(&err);
    allot_roi_options o = {0};
    if (allot_group_by_parse(by, &o.group_by, &err) != ALLOT_OK)
        return cli_usage_error("%s", err.message);
    if (o.group_by != ALLOT_GROUP_CHANNEL && o.group_by != ALLOT_GROUP_CAMPAIGN)
        return cli_usage_error("--by %s: ROI is by channel or campaign (spend has no lead "
                               "source)",
                               by);
    allot_config *cfg = NULL;
    if (cli_config_load(config_path, &cfg, &err) != ALLOT_OK)
        return cli_report(&err);
    allot_general general;
    allot_taxonomy *tx = NULL;
    int rc = CLI_EXIT_OK;
    sqlite3 *db = NULL;
    allot_roi roi = {0};
    allot_period only;
    if (allot_config_general(cfg, &general, &err) != ALLOT_OK ||
        allot_config_get_double(cfg, "retention", "gross_margin", &o.gross_margin, &err) !=
            ALLOT_OK ||
        allot_taxonomy_new(cfg, &tx, &err) != ALLOT_OK) {
        rc = cli_report(&err);
        goto out;
    }
    o.currency = currency ? currency : general.reporting_currency;
    o.fiscal_start_month = fiscal ? fiscal : general.fiscal_year_start_month;
    o.taxonomy = tx;
    o.model = model;
    o.run_id = run;
    o.bootstrap = (unsigned)bootstrap;
    o.seed = seed;
    o.alpha = alpha;
    if (!allot_currency_valid(o.currency)) {
        rc = cli_usage_error("--currency '%s' is not an ISO 4217 code", o.currency);
        goto out;
    }
    if ((rc = cli_period_option(period, o.fiscal_start_month, &o.unit, &only, &o.only)))
        goto out;

    double t0 = cli_seconds();
    if (allot_store_open_existing(db_path, &db, &err) != ALLOT_OK) {
        rc = cli_report(&err);
        goto out;
    }
    int64_t run_id = 0;
    /* Numbers as given (the shortest text of the same double), not %g's
     * six digits. */
    char alpha_text[ALLOT_CSVOUT_SHORTEST_SIZE];
    allot_status st = cli_run_open(
        db, "allot-roi", &run_id, &err,
        "alpha=%s;bootstrap=%lu;by=%s;config=%s;currency=%s;fiscal_start=%d;model=%s;"
        "period=%s;run=%lld;seed=%lu",
        allot_csvout_shortest(alpha, alpha_text, sizeof alpha_text), bootstrap, allot_group_by_name(o.group_by), config_path ? config_path : "",
        o.currency, o.fiscal_start_month, model ? model : "", period, run, seed);
    if (st == ALLOT_OK) {
        st = allot_roi_compute(db, &o, &roi, &err);
        st = allot_store_run_close(db, run_id, st, &err);
    }
    if (st != ALLOT_OK) {
        rc = cli_report(&err);
        goto out;
    }
    if (csv)
        csv_roi(stdout, &roi);
    else
        text_roi(stdout, &roi);
    fprintf(stderr,
            "allot-roi: credit run %lld, %zu ledger rows, %zu spend rows -> %zu rows (%s, "
            "bootstrap B=%u seed %lu) in %.2f s\n",
            (long long)roi.run_id, roi.ledger_rows, roi.spend_rows, roi.n_rows,
            allot_group_by_name(o.group_by), roi.bootstrap, roi.seed, cli_seconds() - t0);
    rc = cli_finish(0);
out:
    allot_roi_release(&roi);
    allot_store_close(db);
    allot_taxonomy_free(tx);
    allot_config_free(cfg);
    return rc;
}
