/* allot-retention — customer retention from subscriptions: Kaplan–Meier
 * tenure by acquisition channel/campaign/source/cohort with the log-rank
 * test, cohort retention matrices and the ARR bridge (NRR, GRR, logo
 * churn). Definitions: lib/retention.h, lib/cohort.h, lib/survival.h, README. */
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
#include "period.h"
#include "retention.h"
#include "store.h"
#include "taxonomy.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: allot-retention [OPTION]...\n"
            "Customer retention from the subscriptions table: Kaplan-Meier tenure by\n"
            "acquisition group with the log-rank test, cohort retention matrices, and the\n"
            "ARR bridge (NRR, GRR, logo churn) over a period.\n"
            "\n"
            "  --db FILE            database (default allot.db)\n"
            "  --config FILE        allot.ini (reporting currency, fiscal year, taxonomy)\n"
            "  --by G               channel (default), campaign (by id; the CSV's last\n"
            "                       column names it), source, cohort or none\n"
            "  --period P           bridge period: 2026Q2, FY2027Q1, 2026-05, 2026, or\n"
            "                       A..B (default: the last complete quarter)\n"
            "  --grain G            cohorts by month (default) or quarter\n"
            "  --conf-type T        Kaplan-Meier interval: log-log (default), log, plain\n"
            "  --alpha A            1 - confidence level of every interval (default 0.05)\n"
            "  --conf-level L       the same as --alpha 1-L (kept for existing scripts)\n"
            "  --horizon M          restricted-mean horizon in months (default 12)\n"
            "  --as-of DATE         data end YYYY-MM-DD (default: the data's latest date)\n"
            "  --bootstrap B        replicates for the NRR/GRR intervals (default 1000; 0 = none)\n"
            "  --seed S             bootstrap seed (default 1)\n"
            "  --csv                CSV on stdout instead of the report\n"
            "  --table T            with --csv: km (default), summary, logrank, cohort, bridge\n"
            "  --csv-dir DIR        also write every CSV table to DIR/retention-TABLE.csv\n"
            "  --help               this help\n"
            "\n"
            "CSV columns (README \"Retention\"):\n"
            "  km:      group,time,at_risk,events,censored,survival,std_err,lower,upper,\n"
            "           cumhaz,cumhaz_se,conf_type,conf_level   (time in months)\n"
            "  summary: group,customers,churned,median,median_lower,median_upper,rmst,\n"
            "           rmst_se,horizon,conf_type\n"
            "  logrank: group,customers,observed,expected,chisq,df,p_value\n"
            "  cohort:  cohort,period,eligible,customers,active,on,on_lower,on_upper,\n"
            "           active_on_or_after,on_or_after,on_or_after_lower,on_or_after_upper,\n"
            "           revenue,revenue_base,revenue_retention\n"
            "  bridge:  period,currency,start_arr,new,expansion,contraction,churn,end_arr,\n"
            "           fx,nrr,grr,accounts_start,accounts_lost,accounts_new,logo_churn,\n"
            "           logo_churn_lower,logo_churn_upper,nrr_lower,nrr_upper,grr_lower,\n"
            "           grr_upper,bootstrap,seed\n"
            "Exit status: 0 done, 1 data problem, 2 usage, 3 environment.\n");
}

int main(int argc, char **argv)
{
    cli_init("allot-retention");
    gsl_set_error_handler_off();
    const char *db_path = "allot.db", *config_path = NULL, *by = "channel", *period = NULL;
    const char *grain = "month", *conf_type = "log-log", *as_of_text = NULL, *table = NULL;
    double level = 0.95, horizon = 12;
    /* --alpha A and its older spelling --conf-level L (= 1 - A); both may be
     * given only when they agree. */
    double alpha_opt = -1, level_opt = -1;
    long boot = 1000;
    unsigned long seed = 1;
    int csv = 0;
    const char *csv_dir = NULL;
    enum { O_DB = 256, O_CONFIG, O_BY, O_PERIOD, O_GRAIN, O_CONF, O_LEVEL, O_ALPHA, O_HORIZON, O_ASOF,
           O_CSV, O_TABLE, O_CSVDIR, O_BOOT, O_SEED, O_HELP };
    static const struct option longopts[] = {
        {"db", required_argument, NULL, O_DB},
        {"config", required_argument, NULL, O_CONFIG},
        {"by", required_argument, NULL, O_BY},
        {"period", required_argument, NULL, O_PERIOD},
        {"grain", required_argument, NULL, O_GRAIN},
        {"conf-type", required_argument, NULL, O_CONF},
        {"alpha", required_argument, NULL, O_ALPHA},
        {"conf-level", required_argument, NULL, O_LEVEL},
        {"horizon", required_argument, NULL, O_HORIZON},
        {"as-of", required_argument, NULL, O_ASOF},
        {"csv", no_argument, NULL, O_CSV},
        {"table", required_argument, NULL, O_TABLE},
        {"csv-dir", required_argument, NULL, O_CSVDIR},
        {"bootstrap", required_argument, NULL, O_BOOT},
        {"seed", required_argument, NULL, O_SEED},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0}};
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case O_DB: db_path = optarg; break;
        case O_CONFIG: config_path = optarg; break;
        case O_BY: by = optarg; break;
        case O_PERIOD: period = optarg; break;
        case O_GRAIN: grain = optarg; break;
        case O_CONF: conf_type = optarg; break;
        case O_LEVEL:
            level_opt = strtod(optarg, &end);
            if (*end || !(level_opt > 0 && level_opt < 1))
                return cli_usage_error("--conf-level must be between 0 and 1, got '%s'", optarg);
            break;
        case O_ALPHA:
            if (cli_alpha_option(optarg, &alpha_opt))
                return CLI_EXIT_USAGE;
            break;
        case O_HORIZON:
            horizon = strtod(optarg, &end);
            if (*end || !(horizon > 0 && horizon < 1e4))
                return cli_usage_error("--horizon must be a number of months > 0, got '%s'",
                                       optarg);
            break;
        case O_ASOF: as_of_text = optarg; break;
        case O_CSV: csv = 1; break;
        case O_TABLE: table = optarg; break;
        case O_CSVDIR: csv_dir = optarg; break;
        case O_BOOT:
            boot = strtol(optarg, &end, 10);
            if (*end || boot < 0 || boot > 1000000)
                return cli_usage_error("--bootstrap must be 0..1000000, got '%s'", optarg);
            break;
        case O_SEED:
            seed = strtoul(optarg, &end, 10);
            if (*end || !*optarg)
                return cli_usage_error("--seed must be a whole number, got '%s'", optarg);
            break;
        case O_HELP: usage(stdout); return cli_finish(0);
        default: return cli_option_error(argv, "");
        }
    }
    if (optind < argc)
        return cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (alpha_opt > 0 && level_opt > 0 && fabs(1 - alpha_opt - level_opt) > 1e-9)
        return cli_usage_error("--alpha %g and --conf-level %g disagree (--conf-level L is "
                               "--alpha 1-L): give one of them",
                               alpha_opt, level_opt);
    if (alpha_opt > 0)
        level = 1 - alpha_opt;
    else if (level_opt > 0)
        level = level_opt;
    if (table && !csv)
        return cli_usage_error("--table needs --csv (the report shows every table)");
    if (!table)
        table = "km";
    if (strcmp(table, "km") && strcmp(table, "summary") && strcmp(table, "logrank") &&
        strcmp(table, "cohort") && strcmp(table, "bridge"))
        return cli_usage_error("--table '%s': use km, summary, logrank, cohort or bridge", table);

    allot_error err;
    allot_error_clear(&err);
    allot_retention_by group_by;
    allot_cohort_grain cohort_grain;
    int64_t as_of = ALLOT_RETENTION_AS_OF_DATA;
    allot_retention_options ro = {0};
    if (allot_retention_by_parse(by, &group_by, &err) != ALLOT_OK ||
        allot_cohort_grain_parse(grain, &cohort_grain, &err) != ALLOT_OK ||
        allot_conf_type_parse(conf_type, &ro.km.conf_type, &err) != ALLOT_OK)
        return cli_usage_error("%s", err.message);
    if (as_of_text && allot_date_parse(as_of_text, &as_of) != ALLOT_OK)
        return cli_usage_error("--as-of '%s' is not a date YYYY-MM-DD", as_of_text);

    allot_config *cfg = NULL;
    if (cli_config_load(config_path, &cfg, &err) != ALLOT_OK)
        return cli_report(&err);
    allot_retention_config settings;
    if (allot_retention_config_load(cfg, &settings, NULL, &err) != ALLOT_OK) {
        allot_retention_config_release(&settings);
        allot_config_free(cfg);
        return cli_report(&err);
    }
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
    int64_t run_id = 0;
    allot_retention_data data = {0};
    allot_retention_result result = {0};
    /* Numbers as given (the shortest text of the same double), not %g's
     * six digits. */
    char level_text[ALLOT_CSVOUT_SHORTEST_SIZE], horizon_text[ALLOT_CSVOUT_SHORTEST_SIZE];
    st = cli_run_open(db, "allot-retention", &run_id, &err,
                      "as_of=%s;bootstrap=%ld;by=%s;conf_level=%s;conf_type=%s;currency=%s;"
                      "fiscal_start=%d;grain=%s;horizon=%s;period=%s;seed=%lu",
                      as_of_text ? as_of_text : "", boot, allot_retention_by_name(lo.by),
                      allot_csvout_shortest(level, level_text, sizeof level_text),
                      allot_conf_type_name(ro.km.conf_type), lo.currency, lo.fiscal_start_month,
                      allot_cohort_grain_name(lo.grain),
                      allot_csvout_shortest(horizon, horizon_text, sizeof horizon_text),
                      period ? period : "", seed);
    if (st == ALLOT_OK) {
        st = allot_retention_load(db, &lo, &data, &err);
        if (st == ALLOT_OK) {
            ro.km.conf_level = level;
            ro.horizon_months = horizon;
            ro.grain = lo.grain;
            ro.fiscal_start_month = lo.fiscal_start_month;
            ro.alpha = 1 - level;
            ro.bootstrap = (unsigned)boot;
            ro.seed = seed;
            allot_period p;
            if (period) {
                st = allot_period_parse(period, lo.fiscal_start_month, &p, &err);
                if (st == ALLOT_OK && p.end - 1 > data.as_of) {
                    char d1[11], d2[11];
                    st = allot_error_set(&err, ALLOT_ERR_USAGE, NULL, 0, 0,
                                         "--period %s ends %s, after the data's end %s; "
                                         "choose a period that is over",
                                         p.label, allot_date_format(p.end - 1, d1),
                                         allot_date_format(data.as_of, d2));
                }
            } else {
                /* the last quarter that is complete by as_of */
                allot_period_quarter_of(data.as_of, lo.fiscal_start_month, &p);
                if (p.end != data.as_of + 1) {
                    allot_period q = p;
                    allot_period_prior(&q, lo.fiscal_start_month, &p);
                }
            }
            if (st == ALLOT_OK && data.n_accounts) {
                ro.bridge_start = p.start;
                ro.bridge_end = p.end;
                snprintf(ro.bridge_label, sizeof ro.bridge_label, "%s", p.label);
            }
        }
        if (st == ALLOT_OK)
            st = allot_retention_analyse(&data, &ro, &result, &err);
        st = allot_store_run_close(db, run_id, st, &err);
    }
    if (st == ALLOT_OK) {
        if (csv)
            st = allot_retention_write_csv(&data, &result, table, stdout, &err);
        else
            st = allot_retention_write_text(&data, &result, stdout, &err);
    }
    if (st == ALLOT_OK && csv_dir) {
        static const char *const tables[] = {"km", "summary", "logrank", "cohort", "bridge"};
        for (size_t i = 0; st == ALLOT_OK && i < sizeof tables / sizeof tables[0]; i++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/retention-%s.csv", csv_dir, tables[i]);
            FILE *f = cli_create(path, &err);
            if (!f) {
                st = err.code;
                break;
            }
            st = cli_close(f, path, allot_retention_write_csv(&data, &result, tables[i], f, &err), &err);
        }
    }
    int rc = 0;
    if (st != ALLOT_OK) {
        rc = cli_report(&err);
    } else {
        size_t churned = 0;
        for (size_t i = 0; i < data.n_accounts; i++)
            churned += (size_t)data.accounts[i].churned;
        char date[11];
        fprintf(stderr,
                "allot-retention: %zu accounts (%zu churned) in %zu %s%s, as of %s, "
                "%zu cohorts x %zu periods in %.2f s\n",
                data.n_accounts, churned, data.n_groups,
                lo.by == ALLOT_RETENTION_BY_NONE ? "" : allot_retention_by_name(lo.by),
                lo.by == ALLOT_RETENTION_BY_NONE ? "group (--by none)" : " groups",
                allot_date_format(data.as_of, date), result.cohort.n_cohorts,
                result.cohort.n_periods, cli_seconds() - t0);
    }
    allot_retention_result_release(&result);
    allot_retention_data_release(&data);
    allot_store_close(db);
    allot_retention_config_release(&settings);
    allot_config_free(cfg);
    return cli_finish(rc);
}
