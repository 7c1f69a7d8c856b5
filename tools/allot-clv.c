/* allot-clv — customer lifetime value by acquisition group: the simple
 * subscription CLV, BG/NBD + Gamma-Gamma with discounting, and LTV/CAC per
 * channel. Definitions: lib/lifetime.h, lib/clv.h, README "Lifetime value". */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "config.h"
#include "csvout.h"
#include "lifetime.h"
#include "period.h"
#include "report_data.h"
#include "retention.h"
#include "roi.h"
#include "store.h"
#include "taxonomy.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: allot-clv [OPTION]...\n"
            "Customer lifetime value by acquisition group from the subscriptions table:\n"
            "simple CLV (ARPA x gross margin / churn), BG/NBD expected payments and\n"
            "P(alive), Gamma-Gamma payment value, discounted CLV over a horizon, and\n"
            "LTV/CAC per channel when a credit run gives the CAC.\n"
            "\n"
            "  --db FILE            database (default allot.db)\n"
            "  --config FILE        allot.ini ([retention] gross_margin, currency, taxonomy)\n"
            "  --by G               channel (default), campaign (by id), source, cohort\n"
            "                       or none\n"
            "  --horizon M          CLV horizon in months (default 36)\n"
            "  --discount D         annual discount rate (default 0.10; 0 = none)\n"
            "  --margin M           gross margin, overrides the config (default 0.8)\n"
            "  --grain G            cohort labels for --by cohort: month (default), quarter\n"
            "  --as-of DATE         data end YYYY-MM-DD (default: as allot-retention)\n"
            "  --run N              with --by channel: the allot-credit run of the CAC\n"
            "                       (default: the latest revenue run in the reporting\n"
            "                       currency, as allot-xlsx's CLV sheet)\n"
            "  --csv                CSV on stdout instead of the report\n"
            "  --table T            with --csv: groups (default), params, customers\n"
            "  --csv-dir DIR        also write every CSV table to DIR/clv-TABLE.csv\n"
            "  --help               this help\n"
            "\n"
            "CSV columns (README \"Lifetime value\"):\n"
            "  groups:    group,customers,active,churned,exposure_months,churn_rate,arpa,\n"
            "             gross_margin,simple_clv,p_alive,expected_payments,expected_value,\n"
            "             clv,clv_total,cac,ltv_cac,currency,horizon_months,annual_discount\n"
            "  params:    model,parameter,estimate,std_err,log_likelihood,customers,converged,\n"
            "             at_bound\n"
            "  customers: account_id,group,x,t_x,T,mean_value,p_alive,expected_payments,\n"
            "             expected_value,clv,currency\n"
            "Exit status: 0 done, 1 data problem, 2 usage, 3 environment.\n");
}

int main(int argc, char **argv)
{
    cli_init("allot-clv");
    gsl_set_error_handler_off();
    const char *db_path = "allot.db", *config_path = NULL, *by = "channel", *grain = "month";
    const char *as_of_text = NULL, *table = NULL;
    double discount = 0.10, margin = -1;
    long horizon = 36;
    long long run = 0;
    int csv = 0;
    const char *csv_dir = NULL;
    enum { O_DB = 256, O_CONFIG, O_BY, O_HORIZON, O_DISCOUNT, O_MARGIN, O_GRAIN, O_ASOF, O_RUN,
           O_CSV, O_TABLE, O_CSVDIR, O_HELP };
    static const struct option longopts[] = {
        {"db", required_argument, NULL, O_DB},
        {"config", required_argument, NULL, O_CONFIG},
        {"by", required_argument, NULL, O_BY},
        {"horizon", required_argument, NULL, O_HORIZON},
        {"discount", required_argument, NULL, O_DISCOUNT},
        {"margin", required_argument, NULL, O_MARGIN},
        {"grain", required_argument, NULL, O_GRAIN},
        {"as-of", required_argument, NULL, O_ASOF},
        {"run", required_argument, NULL, O_RUN},
        {"csv", no_argument, NULL, O_CSV},
        {"table", required_argument, NULL, O_TABLE},
        {"csv-dir", required_argument, NULL, O_CSVDIR},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0}};
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case O_DB: db_path = optarg; break;
        case O_CONFIG: config_path = optarg; break;
        case O_BY: by = optarg; break;
        case O_HORIZON:
            horizon = strtol(optarg, &end, 10);
            if (*end || horizon < 1 || horizon > 600)
                return cli_usage_error("--horizon must be 1..600 months, got '%s'", optarg);
            break;
        case O_DISCOUNT:
            discount = strtod(optarg, &end);
            if (*end || !(discount >= 0 && discount < 10))
                return cli_usage_error("--discount must be an annual rate >= 0 (0.10 = 10%%), "
                                       "got '%s'",
                                       optarg);
            break;
        case O_MARGIN:
            margin = strtod(optarg, &end);
            if (*end || !(margin > 0 && margin <= 1))
                return cli_usage_error("--margin must be in (0, 1], got '%s'", optarg);
            break;
        case O_GRAIN: grain = optarg; break;
        case O_ASOF: as_of_text = optarg; break;
        case O_RUN:
            run = strtoll(optarg, &end, 10);
            if (*end || !optarg[0] || run <= 0)
                return cli_usage_error("--run must be a run id (a positive integer), got '%s'",
                                       optarg);
            break;
        case O_CSV: csv = 1; break;
        case O_TABLE: table = optarg; break;
        case O_CSVDIR: csv_dir = optarg; break;
        case O_HELP: usage(stdout); return cli_finish(0);
        default: return cli_option_error(argv, "");
        }
    }
    if (optind < argc)
        return cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (table && !csv)
        return cli_usage_error("--table needs --csv");
    if (!table)
        table = "groups";
    if (strcmp(table, "groups") && strcmp(table, "params") && strcmp(table, "customers"))
        return cli_usage_error("--table '%s': use groups, params or customers", table);

    allot_error err;
    allot_error_clear(&err);
    allot_retention_by group_by;
    allot_cohort_grain cohort_grain;
    int64_t as_of = ALLOT_RETENTION_AS_OF_DATA;
    if (allot_retention_by_parse(by, &group_by, &err) != ALLOT_OK ||
        allot_cohort_grain_parse(grain, &cohort_grain, &err) != ALLOT_OK)
        return cli_usage_error("%s", err.message);
    if (as_of_text && allot_date_parse(as_of_text, &as_of) != ALLOT_OK)
        return cli_usage_error("--as-of '%s' is not a date YYYY-MM-DD", as_of_text);
    if (run && group_by != ALLOT_RETENTION_BY_CHANNEL)
        return cli_usage_error("--run gives the CAC, which is per channel: use it with --by "
                               "channel");

    allot_config *cfg = NULL;
    if (cli_config_load(config_path, &cfg, &err) != ALLOT_OK)
        return cli_report(&err);
    allot_retention_config settings;
    double cfg_margin = 0.8;
    if (allot_retention_config_load(cfg, &settings, &cfg_margin, &err) != ALLOT_OK) {
        allot_retention_config_release(&settings);
        allot_config_free(cfg);
        return cli_report(&err);
    }
    if (margin < 0)
        margin = cfg_margin;
    allot_retention_load_options lo = settings.load;
    lo.by = group_by;
    lo.grain = cohort_grain;
    lo.as_of = as_of;

    double t0 = cli_seconds();
    sqlite3 *db = NULL;
    allot_status st = allot_store_open_existing(db_path, &db, &err);
    if (st != ALLOT_OK) {
        allot_retention_config_release(&settings);
        allot_config_free(cfg);
        return cli_report(&err);
    }
    /* The CAC's credit run: the one given, or the workbook's (the latest
     * revenue run in the reporting currency, allot_report_credit_run). It
     * was lib/roi's default, the latest run of any currency: after
     * allot-credit --currency EUR a USD allot-clv took its CAC from the EUR
     * run while the USD workbook's CLV sheet took it from the USD run. */
    int64_t credit_run = run;
    char no_run[ALLOT_REPORT_WHY_SIZE] = "";
    if (lo.by == ALLOT_RETENTION_BY_CHANNEL)
        st = run ? allot_roi_check_run(db, run, &err)
                 : allot_report_credit_run(db, lo.currency, &credit_run, no_run, &err);
    if (st != ALLOT_OK) {
        allot_store_close(db);
        allot_retention_config_release(&settings);
        allot_config_free(cfg);
        return cli_report(&err);
    }
    char credit_run_text[24] = "";
    if (credit_run)
        snprintf(credit_run_text, sizeof credit_run_text, "%lld", (long long)credit_run);
    int64_t run_id = 0;
    allot_retention_data data = {0};
    allot_lifetime lt = {0};
    allot_lifetime_options opt = {.gross_margin = margin,
                                  .horizon_months = (int)horizon,
                                  .annual_discount = discount,
                                  .taxonomy = settings.taxonomy,
                                  .fiscal_start_month = lo.fiscal_start_month,
                                  .credit_run = credit_run,
                                  .no_cac = credit_run ? NULL : no_run};
    /* Numbers as given (the shortest text of the same double), not %g's
     * six digits. */
    char discount_text[ALLOT_CSVOUT_SHORTEST_SIZE], margin_text[ALLOT_CSVOUT_SHORTEST_SIZE];
    st = cli_run_open(db, "allot-clv", &run_id, &err,
                      "as_of=%s;by=%s;credit_run=%s;currency=%s;discount=%s;fiscal_start=%d;"
                      "grain=%s;horizon=%ld;margin=%s",
                      as_of_text ? as_of_text : "", allot_retention_by_name(lo.by),
                      credit_run_text, lo.currency,
                      allot_csvout_shortest(discount, discount_text, sizeof discount_text),
                      lo.fiscal_start_month, allot_cohort_grain_name(lo.grain), horizon,
                      allot_csvout_shortest(margin, margin_text, sizeof margin_text));
    if (st == ALLOT_OK) {
        st = allot_retention_load(db, &lo, &data, &err);
        if (st == ALLOT_OK)
            st = allot_lifetime_compute(db, &data, &opt, &lt, &err);
        st = allot_store_run_close(db, run_id, st, &err);
    }
    if (st == ALLOT_OK) {
        if (csv)
            st = allot_lifetime_write_csv(&data, &lt, table, stdout, &err);
        else
            st = allot_lifetime_write_text(&data, &lt, stdout, &err);
    }
    if (st == ALLOT_OK && csv_dir) {
        static const char *const tables[] = {"groups", "params", "customers"};
        for (size_t i = 0; st == ALLOT_OK && i < sizeof tables / sizeof tables[0]; i++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/clv-%s.csv", csv_dir, tables[i]);
            FILE *f = cli_create(path, &err);
            if (!f) {
                st = err.code;
                break;
            }
            st = cli_close(f, path, allot_lifetime_write_csv(&data, &lt, tables[i], f, &err), &err);
        }
    }
    int rc = 0;
    if (st != ALLOT_OK) {
        rc = cli_report(&err);
    } else {
        if (csv && lt.note[0])
            cli_warning("%s", lt.note);
        char date[11], cac[64];
        if (lt.has_cac)
            snprintf(cac, sizeof cac, "CAC from credit run %lld", (long long)credit_run);
        else
            snprintf(cac, sizeof cac, "no CAC");
        fprintf(stderr,
                "allot-clv: %zu customers in %zu %s%s, as of %s; BG/NBD %s, Gamma-Gamma %s, "
                "%s in %.2f s\n",
                data.n_accounts, data.n_groups,
                lo.by == ALLOT_RETENTION_BY_NONE ? "" : allot_retention_by_name(lo.by),
                lo.by == ALLOT_RETENTION_BY_NONE ? "group (--by none)" : " groups",
                allot_date_format(data.as_of, date), lt.has_bgnbd ? "fitted" : "not fitted",
                lt.has_gamma_gamma ? "fitted" : "not fitted", cac,
                cli_seconds() - t0);
    }
    allot_lifetime_release(&lt);
    allot_retention_data_release(&data);
    allot_store_close(db);
    allot_retention_config_release(&settings);
    allot_config_free(cfg);
    return cli_finish(rc);
}
