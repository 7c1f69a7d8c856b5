/* allot-funnel — the sales and marketing scoreboard: funnel conversion with
 * intervals, MQL -> revenue, speed-to-lead, win rate, deal size, sales cycle
 * and the marketing-sourced share. Definitions: lib/funnel.h, README. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "csvout.h"
#include "funnel.h"
#include "money.h"
#include "store.h"

enum table { T_ALL, T_FUNNEL, T_SPEED, T_DEALS, T_OKR };

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: allot-funnel [OPTION]...\n"
            "Sales and marketing scoreboard from the database: funnel conversion (lead, MQL,\n"
            "SQL, opportunity, won) with intervals, MQL -> revenue, speed-to-lead, win rate,\n"
            "deal size, sales cycle and the marketing-sourced share of pipeline and revenue.\n"
            "\n"
            "  --db FILE            database (default allot.db)\n"
            "  --config FILE        allot.ini: reporting currency, fiscal year, stage names,\n"
            "                       sales activity, SLA, marketing-sourced lists,\n"
            "                       taxonomy, [okr] targets\n"
            "  --period P           cohort period: quarter (default), month, year, all, or one\n"
            "                       period to show only it (2026Q3, FY2027Q1, 2026-07, 2026,\n"
            "                       2026-01-01..2026-03-31)\n"
            "  --fiscal-start M     first month of the fiscal year, 1-12 (default: config, 1)\n"
            "  --by G               group by channel, campaign, source or none (default none)\n"
            "  --table T            funnel, speed, deals, okr or all (default: all as tables,\n"
            "                       funnel with --csv)\n"
            "  --csv                CSV on stdout instead of readable tables\n"
            "  --csv-dir DIR        also write funnel.csv, speed.csv, deals.csv and okr.csv\n"
            "                       into DIR (an existing folder) from the same computation\n"
            "  --method M           interval: wilson (default) or clopper-pearson\n"
            "  --alpha A            1 - confidence level (default 0.05)\n"
            "  --sla-hours H        speed-to-lead service level (default: config, 24)\n"
            "  --as-of DATE         data end YYYY-MM-DD (default: latest timestamp in the data)\n"
            "  --currency CUR       reporting currency (default: config, USD)\n"
            "  --help               this help\n"
            "\n"
            "CSV columns (README \"Scoreboard\"):\n"
            "  funnel: period,group,stage,count,next_stage,conversion,lower,upper,next_count,\n"
            "          revenue,currency,method,alpha\n"
            "  speed:  period,group,mqls,followed_up,sla_hours,sla_eligible,sla_met,sla_share,\n"
            "          lower,upper,q1_hours,median_hours,q3_hours,method,alpha\n"
            "  deals:  period,group,deals,open,closed,won,win_rate,lower,upper,won_amount,\n"
            "          mean_amount,median_amount,amount_missing,cycle_q1_days,\n"
            "          cycle_median_days,cycle_q3_days,pipeline,pipeline_marketing,\n"
            "          pipeline_marketing_share,revenue,revenue_marketing,\n"
            "          revenue_marketing_share,deals_marketing,currency,method,alpha\n"
            "  okr:    period,okr,target,actual,lower,upper,attainment,met\n"
            "Exit status: 0 done, 1 data problem, 2 usage, 3 environment.\n");
}

static double share(int64_t part, int64_t total)
{
    return total ? (double)part / (double)total : NAN;
}

static void csv_funnel(FILE *out, const allot_scoreboard *sb)
{
    const char *method = allot_interval_method_name(sb->method);
    char buf[64];
    fputs("period,group,stage,count,next_stage,conversion,lower,upper,next_count,revenue,"
          "currency,method,alpha\n",
          out);
    for (size_t i = 0; i < sb->n_funnel; i++) {
        const allot_funnel_cell *c = &sb->funnel[i];
        for (int k = 0; k <= ALLOT_STAGE_COUNT; k++) {
            /* rows lead..opportunity -> next, then MQL -> won, then won alone */
            int from, to;
            if (k < ALLOT_STAGE_WON) {
                from = k;
                to = k + 1;
            } else if (k == ALLOT_STAGE_WON) {
                from = ALLOT_STAGE_MQL;
                to = ALLOT_STAGE_WON;
            } else {
                from = ALLOT_STAGE_WON;
                to = -1;
            }
            allot_csvout_field(out, c->period);
            fputc(',', out);
            allot_csvout_field(out, c->group);
            fprintf(out, ",%s,%.17g,", allot_stage_name(from), c->count[from]);
            if (to < 0) {
                fprintf(out, ",,,,,,%s,%s,%g\n", sb->currency, method, sb->alpha);
                continue;
            }
            const allot_interval *ci = &c->conversion[k == ALLOT_STAGE_WON ? ALLOT_STAGE_WON : k];
            fprintf(out, "%s,", allot_stage_name(to));
            allot_csvout_number(out, ci->estimate, "%.6f");
            fputc(',', out);
            allot_csvout_number(out, ci->lower, "%.6f");
            fputc(',', out);
            allot_csvout_number(out, ci->upper, "%.6f");
            fprintf(out, ",%.17g,", c->count[to]);
            if (to == ALLOT_STAGE_WON)
                fputs(allot_csvout_money((double)c->mql_revenue_micros, sb->currency, buf, sizeof buf), out);
            fprintf(out, ",%s,%s,%g\n", sb->currency, method, sb->alpha);
        }
    }
}

static void csv_speed(FILE *out, const allot_scoreboard *sb)
{
    const char *method = allot_interval_method_name(sb->method);
    fputs("period,group,mqls,followed_up,sla_hours,sla_eligible,sla_met,sla_share,lower,upper,"
          "q1_hours,median_hours,q3_hours,method,alpha\n",
          out);
    for (size_t i = 0; i < sb->n_funnel; i++) {
        const allot_funnel_cell *c = &sb->funnel[i];
        allot_csvout_field(out, c->period);
        fputc(',', out);
        allot_csvout_field(out, c->group);
        fprintf(out, ",%.17g,%.17g,%g,%.17g,%.17g,", c->mqls, c->followed_up, sb->sla_hours,
                c->sla_eligible, c->sla_met);
        allot_csvout_number(out, c->sla_share.estimate, "%.6f");
        fputc(',', out);
        allot_csvout_number(out, c->sla_share.lower, "%.6f");
        fputc(',', out);
        allot_csvout_number(out, c->sla_share.upper, "%.6f");
        fputc(',', out);
        allot_csvout_number(out, c->hours_q1, "%.4f");
        fputc(',', out);
        allot_csvout_number(out, c->hours_median, "%.4f");
        fputc(',', out);
        allot_csvout_number(out, c->hours_q3, "%.4f");
        fprintf(out, ",%s,%g\n", method, sb->alpha);
    }
}

static void csv_deals(FILE *out, const allot_scoreboard *sb)
{
    const char *method = allot_interval_method_name(sb->method);
    const char *cur = sb->currency;
    char b1[64], b2[64], b3[64];
    fputs("period,group,deals,open,closed,won,win_rate,lower,upper,won_amount,mean_amount,"
          "median_amount,amount_missing,cycle_q1_days,cycle_median_days,cycle_q3_days,pipeline,"
          "pipeline_marketing,pipeline_marketing_share,revenue,revenue_marketing,"
          "revenue_marketing_share,deals_marketing,currency,method,alpha\n",
          out);
    for (size_t i = 0; i < sb->n_deals; i++) {
        const allot_deal_cell *c = &sb->deals[i];
        allot_csvout_field(out, c->period);
        fputc(',', out);
        allot_csvout_field(out, c->group);
        fprintf(out, ",%.17g,%.17g,%.17g,%.17g,", c->deals, c->open, c->closed, c->won);
        allot_csvout_number(out, c->win_rate.estimate, "%.6f");
        fputc(',', out);
        allot_csvout_number(out, c->win_rate.lower, "%.6f");
        fputc(',', out);
        allot_csvout_number(out, c->win_rate.upper, "%.6f");
        fprintf(out, ",%s,%s,%s,%.17g,", allot_csvout_money((double)c->won_amount_micros, cur, b1, sizeof b1),
                allot_csvout_money(c->mean_won_micros, cur, b2, sizeof b2),
                allot_csvout_money(c->median_won_micros, cur, b3, sizeof b3), c->amount_missing);
        allot_csvout_number(out, c->cycle_q1, "%.4f");
        fputc(',', out);
        allot_csvout_number(out, c->cycle_median, "%.4f");
        fputc(',', out);
        allot_csvout_number(out, c->cycle_q3, "%.4f");
        fprintf(out, ",%s,%s,", allot_csvout_money((double)c->pipeline_micros, cur, b1, sizeof b1),
                allot_csvout_money((double)c->pipeline_marketing_micros, cur, b2, sizeof b2));
        allot_csvout_number(out, share(c->pipeline_marketing_micros, c->pipeline_micros), "%.6f");
        fprintf(out, ",%s,%s,", allot_csvout_money((double)c->revenue_micros, cur, b1, sizeof b1),
                allot_csvout_money((double)c->revenue_marketing_micros, cur, b2, sizeof b2));
        allot_csvout_number(out, share(c->revenue_marketing_micros, c->revenue_micros), "%.6f");
        fprintf(out, ",%.17g,%s,%s,%g\n", c->deals_marketing, cur, method, sb->alpha);
    }
}

/* "35.0% (30.1-40.2)" or "-" */
static const char *pct_ci(const allot_interval *ci, char *buf, size_t size)
{
    if (!isfinite(ci->estimate))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.1f%% (%.1f-%.1f)", 100 * ci->estimate, 100 * ci->lower,
                 100 * ci->upper);
    return buf;
}

static const char *num_or_dash(double v, const char *fmt, char *buf, size_t size)
{
    if (isfinite(v))
        snprintf(buf, size, fmt, v);
    else
        snprintf(buf, size, "-");
    return buf;
}

static void text_funnel(FILE *out, const allot_scoreboard *sb)
{
    char b[5][40], r[64];
    fprintf(out,
            "Funnel: people per stage by lead cohort; conversion with %s %g%% intervals; "
            "revenue = won deals of the cohort's MQLs (%s)\n",
            allot_interval_method_name(sb->method), 100 * (1 - sb->alpha), sb->currency);
    fprintf(out, "%-8s %-22s %6s %6s %6s %6s %6s  %-20s %-20s %-20s %-20s %-20s %14s\n", "period",
            "group", "lead", "mql", "sql", "opp", "won", "lead>mql", "mql>sql", "sql>opp",
            "opp>won", "mql>won", "mql_revenue");
    for (size_t i = 0; i < sb->n_funnel; i++) {
        const allot_funnel_cell *c = &sb->funnel[i];
        fprintf(out, "%-8s %-22.22s %6.0f %6.0f %6.0f %6.0f %6.0f  %-20s %-20s %-20s %-20s %-20s %14s\n",
                c->period, c->group, c->count[0], c->count[1], c->count[2], c->count[3],
                c->count[4], pct_ci(&c->conversion[0], b[0], sizeof b[0]),
                pct_ci(&c->conversion[1], b[1], sizeof b[1]),
                pct_ci(&c->conversion[2], b[2], sizeof b[2]),
                pct_ci(&c->conversion[3], b[3], sizeof b[3]),
                pct_ci(&c->conversion[4], b[4], sizeof b[4]),
                allot_csvout_money((double)c->mql_revenue_micros, sb->currency, r, sizeof r));
    }
}

static void text_speed(FILE *out, const allot_scoreboard *sb)
{
    char b[4][40];
    fprintf(out,
            "Speed-to-lead: hours from MQL to first sales activity (Kaplan-Meier, never "
            "followed up = censored); within SLA %g h with %s %g%% interval\n",
            sb->sla_hours, allot_interval_method_name(sb->method), 100 * (1 - sb->alpha));
    fprintf(out, "%-8s %-22s %6s %8s %9s  %-20s %9s %9s %9s\n", "period", "group", "mqls",
            "followed", "eligible", "within_sla", "q1_h", "median_h", "q3_h");
    for (size_t i = 0; i < sb->n_funnel; i++) {
        const allot_funnel_cell *c = &sb->funnel[i];
        if (c->mqls == 0)
            continue;
        fprintf(out, "%-8s %-22.22s %6.0f %8.0f %9.0f  %-20s %9s %9s %9s\n", c->period, c->group,
                c->mqls, c->followed_up, c->sla_eligible,
                pct_ci(&c->sla_share, b[0], sizeof b[0]),
                num_or_dash(c->hours_q1, "%.1f", b[1], sizeof b[1]),
                num_or_dash(c->hours_median, "%.1f", b[2], sizeof b[2]),
                num_or_dash(c->hours_q3, "%.1f", b[3], sizeof b[3]));
    }
}

static void text_deals(FILE *out, const allot_scoreboard *sb)
{
    char b[8][48];
    fprintf(out,
            "Deals by creation cohort: win rate = won/closed (%s %g%%); amounts in %s; cycle "
            "days created->closed (Kaplan-Meier, open deals censored); mkt = marketing-sourced "
            "share\n",
            allot_interval_method_name(sb->method), 100 * (1 - sb->alpha), sb->currency);
    fprintf(out, "%-8s %-22s %5s %5s %5s %5s  %-20s %12s %12s %7s %14s %6s %14s %6s\n", "period",
            "group", "deals", "open", "won", "lost", "win_rate", "mean_won", "median_won",
            "cycle_d", "pipeline", "mkt", "revenue", "mkt");
    for (size_t i = 0; i < sb->n_deals; i++) {
        const allot_deal_cell *c = &sb->deals[i];
        double ps = share(c->pipeline_marketing_micros, c->pipeline_micros);
        double rs = share(c->revenue_marketing_micros, c->revenue_micros);
        fprintf(out, "%-8s %-22.22s %5.0f %5.0f %5.0f %5.0f  %-20s %12s %12s %7s %14s %6s %14s %6s\n",
                c->period, c->group, c->deals, c->open, c->won, c->closed - c->won,
                pct_ci(&c->win_rate, b[0], sizeof b[0]),
                allot_csvout_money(c->mean_won_micros, sb->currency, b[1], sizeof b[1]),
                allot_csvout_money(c->median_won_micros, sb->currency, b[2], sizeof b[2]),
                num_or_dash(c->cycle_median, "%.1f", b[3], sizeof b[3]),
                allot_csvout_money((double)c->pipeline_micros, sb->currency, b[4], sizeof b[4]),
                num_or_dash(100 * ps, "%.0f%%", b[5], sizeof b[5]),
                allot_csvout_money((double)c->revenue_micros, sb->currency, b[6], sizeof b[6]),
                num_or_dash(100 * rs, "%.0f%%", b[7], sizeof b[7]));
    }
}

static void csv_okr(FILE *out, const allot_okr_row *rows, size_t n)
{
    fputs("period,okr,target,actual,lower,upper,attainment,met\n", out);
    for (size_t i = 0; i < n; i++) {
        const allot_okr_row *r = &rows[i];
        /* 15 significant digits give back the decimal written in [okr]
         * (0.30 is 0.3, not 0.29999999999999999). */
        fprintf(out, "%s,%s,%.15g,", r->period, r->name, r->target);
        allot_csvout_number(out, r->actual, "%.6f");
        fputc(',', out);
        allot_csvout_number(out, r->lower, "%.6f");
        fputc(',', out);
        allot_csvout_number(out, r->upper, "%.6f");
        fputc(',', out);
        allot_csvout_number(out, r->attainment, "%.6f");
        fprintf(out, ",%s\n", r->met ? "yes" : "no");
    }
}

static void text_okr(FILE *out, const allot_okr_row *rows, size_t n)
{
    char b[3][48];
    fprintf(out, "OKRs (config [okr]): actual vs target for the (all) group; met = actual >= "
                 "target (<= for medians)\n");
    fprintf(out, "%-8s %-28s %14s %14s  %-22s %10s %4s\n", "period", "okr", "target", "actual",
            "interval", "attain", "met");
    for (size_t i = 0; i < n; i++) {
        const allot_okr_row *r = &rows[i];
        if (isfinite(r->lower))
            snprintf(b[0], sizeof b[0], "(%.4g-%.4g)", r->lower, r->upper);
        else
            snprintf(b[0], sizeof b[0], "-");
        fprintf(out, "%-8s %-28s %14.6g %14s  %-22s %10s %4s\n", r->period, r->name, r->target,
                num_or_dash(r->actual, "%.6g", b[1], sizeof b[1]), b[0],
                num_or_dash(100 * r->attainment, "%.1f%%", b[2], sizeof b[2]),
                r->met ? "yes" : "no");
    }
}

int main(int argc, char **argv)
{
    cli_init("allot-funnel");
    gsl_set_error_handler_off();
    const char *db_path = "allot.db", *period = "quarter", *by = "none", *table = NULL;
    const char *method = "wilson", *as_of_text = NULL, *config_path = NULL, *currency = NULL;
    const char *csv_dir = NULL;
    int csv = 0, fiscal = 0;
    double alpha = 0, sla = 0;
    enum { O_DB = 256, O_PERIOD, O_BY, O_TABLE, O_CSV, O_METHOD, O_ALPHA, O_SLA, O_ASOF,
           O_CUR, O_FISCAL, O_CONFIG, O_CSV_DIR, O_HELP };
    static const struct option longopts[] = {
        {"db", required_argument, NULL, O_DB},
        {"config", required_argument, NULL, O_CONFIG},
        {"period", required_argument, NULL, O_PERIOD},
        {"by", required_argument, NULL, O_BY},
        {"table", required_argument, NULL, O_TABLE},
        {"csv", no_argument, NULL, O_CSV},
        {"csv-dir", required_argument, NULL, O_CSV_DIR},
        {"method", required_argument, NULL, O_METHOD},
        {"alpha", required_argument, NULL, O_ALPHA},
        {"sla-hours", required_argument, NULL, O_SLA},
        {"as-of", required_argument, NULL, O_ASOF},
        {"currency", required_argument, NULL, O_CUR},
        {"fiscal-start", required_argument, NULL, O_FISCAL},
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
        case O_TABLE: table = optarg; break;
        case O_CSV: csv = 1; break;
        case O_CSV_DIR: csv_dir = optarg; break;
        case O_METHOD: method = optarg; break;
        case O_ALPHA:
            if (cli_alpha_option(optarg, &alpha))
                return CLI_EXIT_USAGE;
            break;
        case O_SLA:
            sla = strtod(optarg, &end);
            if (*end || !(sla > 0 && sla < 1e6))
                return cli_usage_error("--sla-hours must be a positive number, got '%s'",
                                       optarg);
            break;
        case O_ASOF: as_of_text = optarg; break;
        case O_CUR: currency = optarg; break;
        case O_FISCAL:
            if (cli_fiscal_start_option(optarg, &fiscal))
                return CLI_EXIT_USAGE;
            break;
        case O_HELP: usage(stdout); return cli_finish(0);
        default: return cli_option_error(argv, "");
        }
    }
    if (optind < argc)
        return cli_usage_error("unexpected argument '%s'", argv[optind]);

    allot_error err;
    allot_error_clear(&err);
    enum table which = csv ? T_FUNNEL : T_ALL;
    if (table) {
        if (!strcmp(table, "funnel"))
            which = T_FUNNEL;
        else if (!strcmp(table, "speed"))
            which = T_SPEED;
        else if (!strcmp(table, "deals"))
            which = T_DEALS;
        else if (!strcmp(table, "okr"))
            which = T_OKR;
        else if (!strcmp(table, "all") && !csv)
            which = T_ALL;
        else
            return cli_usage_error("--table '%s': use funnel, speed, deals, okr%s", table,
                                   csv ? " (one table per CSV)" : " or all");
    }
    if (as_of_text) {
        int64_t t;
        if (allot_scoreboard_parse_as_of(NULL, as_of_text, &t) != 0)
            return cli_usage_error("--as-of '%s' is not a date YYYY-MM-DD", as_of_text);
    }

    allot_config *cfg = NULL;
    if (cli_config_load(config_path, &cfg, &err) != ALLOT_OK)
        return cli_report(&err);
    allot_scoreboard_config sc;
    if (allot_scoreboard_config_load(cfg, &sc, &err) != ALLOT_OK) {
        allot_scoreboard_config_release(&sc);
        allot_config_free(cfg);
        return cli_report(&err);
    }
    allot_scoreboard_options opt = sc.options;
    int rc = CLI_EXIT_OK;
    allot_period only;
    if (alpha > 0)
        opt.alpha = alpha;
    if (sla > 0)
        opt.sla_hours = sla;
    if (fiscal)
        opt.fiscal_start_month = fiscal;
    if (currency)
        opt.currency = currency;
    if (as_of_text)
        allot_scoreboard_parse_as_of(opt.zone, as_of_text, &opt.as_of);
    if (allot_interval_method_parse(method, &opt.method, &err) != ALLOT_OK ||
        allot_group_by_parse(by, &opt.group_by, &err) != ALLOT_OK) {
        rc = cli_usage_error("%s", err.message);
        goto out_config;
    }
    if (!allot_currency_valid(opt.currency)) {
        rc = cli_usage_error("--currency '%s' is not an ISO 4217 code", opt.currency);
        goto out_config;
    }
    if ((rc = cli_period_option(period, opt.fiscal_start_month, &opt.cohort, &only, &opt.only)))
        goto out_config;

    double t0 = cli_seconds();
    sqlite3 *db = NULL;
    if (allot_store_open_existing(db_path, &db, &err) != ALLOT_OK) {
        rc = cli_report(&err);
        goto out_config;
    }
    int64_t run_id = 0;
    allot_scoreboard sb = {0};
    allot_okr_row *okrs = NULL;
    size_t n_okrs = 0;
    /* Numbers as given (the shortest text of the same double), not %g's
     * six digits. */
    char alpha_text[ALLOT_CSVOUT_SHORTEST_SIZE], sla_text[ALLOT_CSVOUT_SHORTEST_SIZE];
    allot_status st = cli_run_open(
        db, "allot-funnel", &run_id, &err,
        "alpha=%s;as_of=%s;by=%s;config=%s;currency=%s;fiscal_start=%d;method=%s;period=%s;"
        "sla_hours=%s;table=%s",
        allot_csvout_shortest(opt.alpha, alpha_text, sizeof alpha_text),
        as_of_text ? as_of_text : "", allot_group_by_name(opt.group_by),
        config_path ? config_path : "", opt.currency, opt.fiscal_start_month,
        allot_interval_method_name(opt.method), period,
        allot_csvout_shortest(opt.sla_hours, sla_text, sizeof sla_text), table ? table : "");
    if (st == ALLOT_OK) {
        st = allot_scoreboard_compute(db, &opt, &sb, &err);
        if (st == ALLOT_OK)
            st = allot_scoreboard_okrs(&sb, opt.cohort, sc.okrs, sc.n_okrs, &okrs, &n_okrs,
                                       &err);
        st = allot_store_run_close(db, run_id, st, &err);
    }
    if (st != ALLOT_OK) {
        rc = cli_report(&err);
        goto out;
    }
    if (which == T_OKR || which == T_ALL)
        for (size_t i = 0; i < sc.n_okrs; i++)
            if (!allot_okr_applies(sc.okrs[i].name, opt.cohort))
                cli_warning("%s:%ld: [okr] %s is not a scoreboard target for %s cohorts; "
                            "skipped",
                            allot_config_name(cfg), sc.okrs[i].line, sc.okrs[i].name, period);
    if (csv_dir) {
        static const char *const names[] = {"funnel.csv", "speed.csv", "deals.csv", "okr.csv"};
        for (int i = 0; i < 4 && rc == CLI_EXIT_OK; i++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", csv_dir, names[i]);
            FILE *out = cli_create(path, &err);
            if (!out) {
                rc = cli_report(&err);
                break;
            }
            if (i == 0)
                csv_funnel(out, &sb);
            else if (i == 1)
                csv_speed(out, &sb);
            else if (i == 2)
                csv_deals(out, &sb);
            else
                csv_okr(out, okrs, n_okrs);
            if (cli_close(out, path, ALLOT_OK, &err) != ALLOT_OK)
                rc = cli_report(&err);
        }
        if (rc != CLI_EXIT_OK)
            goto out;
    }
    if (csv) {
        if (which == T_FUNNEL)
            csv_funnel(stdout, &sb);
        else if (which == T_SPEED)
            csv_speed(stdout, &sb);
        else if (which == T_DEALS)
            csv_deals(stdout, &sb);
        else
            csv_okr(stdout, okrs, n_okrs);
    } else {
        char asof[16];
        allot_scoreboard_format_date(opt.zone, sb.as_of, asof);
        printf("allot scoreboard as of %s, cohorts by %s, grouped by %s\n\n", asof, period,
               allot_group_by_name(opt.group_by));
        if (which == T_ALL || which == T_FUNNEL) {
            text_funnel(stdout, &sb);
            putchar('\n');
        }
        if (which == T_ALL || which == T_SPEED) {
            text_speed(stdout, &sb);
            putchar('\n');
        }
        if (which == T_ALL || which == T_DEALS)
            text_deals(stdout, &sb);
        if ((which == T_ALL && n_okrs) || which == T_OKR) {
            if (which == T_ALL)
                putchar('\n');
            text_okr(stdout, okrs, n_okrs);
        }
    }
    fprintf(stderr,
            "allot-funnel: %zu people, %zu deals -> %zu funnel cells, %zu deal cells, %zu OKR "
            "rows (%s, alpha %g) in %.2f s\n",
            sb.people, sb.deals_total, sb.n_funnel, sb.n_deals, n_okrs,
            allot_interval_method_name(sb.method), sb.alpha, cli_seconds() - t0);
    rc = cli_finish(0);
out:
    free(okrs);
    allot_scoreboard_release(&sb);
    allot_store_close(db);
out_config:
    allot_scoreboard_config_release(&sc);
    allot_config_free(cfg);
    return rc;
}
