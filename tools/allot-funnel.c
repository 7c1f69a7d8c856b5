/* allot-funnel — the sales and marketing scoreboard: funnel conversion with
 * intervals, MQL -> revenue, speed-to-lead, win rate, deal size, sales cycle
 * and the marketing-sourced share. Definitions: lib/funnel.h, README. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "funnel.h"
#include "money.h"
#include "store.h"

enum table { T_ALL, T_FUNNEL, T_SPEED, T_DEALS };

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: allot-funnel [OPTION]...\n"
            "Sales and marketing scoreboard from the database: funnel conversion (lead, MQL,\n"
            "SQL, opportunity, won) with intervals, MQL -> revenue, speed-to-lead, win rate,\n"
            "deal size, sales cycle and the marketing-sourced share of pipeline and revenue.\n"
            "\n"
            "  --db FILE            database (default allot.db)\n"
            "  --period P           cohort period: quarter (default), month, year, all, or one\n"
            "                       period label to show only it (2026Q3, 2026-07, 2026)\n"
            "  --fiscal-start M     first month of the fiscal year, 1-12 (default 1)\n"
            "  --by G               group by channel, campaign, source or none (default none)\n"
            "  --table T            funnel, speed, deals or all (default: all as tables,\n"
            "                       funnel with --csv)\n"
            "  --csv                CSV on stdout instead of readable tables\n"
            "  --method M           interval: wilson (default) or clopper-pearson\n"
            "  --alpha A            1 - confidence level (default 0.05)\n"
            "  --sla-hours H        speed-to-lead service level (default 24)\n"
            "  --as-of DATE         data end YYYY-MM-DD (default: latest timestamp in the data)\n"
            "  --currency CUR       reporting currency (default USD)\n"
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
            "Exit status: 0 done, 1 data problem, 2 usage, 3 environment.\n");
}

/* A number for CSV: empty when NaN. */
static void put_num(FILE *out, double v, const char *fmt)
{
    if (isfinite(v))
        fprintf(out, fmt, v);
}

/* Micros as major units with the currency's decimals. */
static const char *money(double micros, const char *currency, char *buf, size_t size)
{
    if (!isfinite(micros)) {
        buf[0] = '\0';
        return buf;
    }
    int exp = allot_currency_exponent(currency);
    if (exp < 0)
        exp = 2;
    int64_t m = (int64_t)llround(micros);
    return allot_money_format_minor(allot_money_micros_to_minor(m, exp), exp, buf, size);
}

static double share(int64_t part, int64_t total)
{
    return total ? (double)part / (double)total : NAN;
}

/* CSV fields come from data: quote when needed. */
static void put_field(FILE *out, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
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
            put_field(out, c->period);
            fputc(',', out);
            put_field(out, c->group);
            fprintf(out, ",%s,%.17g,", allot_stage_name(from), c->count[from]);
            if (to < 0) {
                fprintf(out, ",,,,,,%s,%s,%g\n", sb->currency, method, sb->alpha);
                continue;
            }
            const allot_interval *ci = &c->conversion[k == ALLOT_STAGE_WON ? ALLOT_STAGE_WON : k];
            fprintf(out, "%s,", allot_stage_name(to));
            put_num(out, ci->estimate, "%.6f");
            fputc(',', out);
            put_num(out, ci->lower, "%.6f");
            fputc(',', out);
            put_num(out, ci->upper, "%.6f");
            fprintf(out, ",%.17g,", c->count[to]);
            if (to == ALLOT_STAGE_WON)
                fputs(money((double)c->mql_revenue_micros, sb->currency, buf, sizeof buf), out);
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
        put_field(out, c->period);
        fputc(',', out);
        put_field(out, c->group);
        fprintf(out, ",%.17g,%.17g,%g,%.17g,%.17g,", c->mqls, c->followed_up, sb->sla_hours,
                c->sla_eligible, c->sla_met);
        put_num(out, c->sla_share.estimate, "%.6f");
        fputc(',', out);
        put_num(out, c->sla_share.lower, "%.6f");
        fputc(',', out);
        put_num(out, c->sla_share.upper, "%.6f");
        fputc(',', out);
        put_num(out, c->hours_q1, "%.4f");
        fputc(',', out);
        put_num(out, c->hours_median, "%.4f");
        fputc(',', out);
        put_num(out, c->hours_q3, "%.4f");
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
        put_field(out, c->period);
        fputc(',', out);
        put_field(out, c->group);
        fprintf(out, ",%.17g,%.17g,%.17g,%.17g,", c->deals, c->open, c->closed, c->won);
        put_num(out, c->win_rate.estimate, "%.6f");
        fputc(',', out);
        put_num(out, c->win_rate.lower, "%.6f");
        fputc(',', out);
        put_num(out, c->win_rate.upper, "%.6f");
        fprintf(out, ",%s,%s,%s,%.17g,", money((double)c->won_amount_micros, cur, b1, sizeof b1),
                money(c->mean_won_micros, cur, b2, sizeof b2),
                money(c->median_won_micros, cur, b3, sizeof b3), c->amount_missing);
        put_num(out, c->cycle_q1, "%.4f");
        fputc(',', out);
        put_num(out, c->cycle_median, "%.4f");
        fputc(',', out);
        put_num(out, c->cycle_q3, "%.4f");
        fprintf(out, ",%s,%s,", money((double)c->pipeline_micros, cur, b1, sizeof b1),
                money((double)c->pipeline_marketing_micros, cur, b2, sizeof b2));
        put_num(out, share(c->pipeline_marketing_micros, c->pipeline_micros), "%.6f");
        fprintf(out, ",%s,%s,", money((double)c->revenue_micros, cur, b1, sizeof b1),
                money((double)c->revenue_marketing_micros, cur, b2, sizeof b2));
        put_num(out, share(c->revenue_marketing_micros, c->revenue_micros), "%.6f");
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
                money((double)c->mql_revenue_micros, sb->currency, r, sizeof r));
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
                money(c->mean_won_micros, sb->currency, b[1], sizeof b[1]),
                money(c->median_won_micros, sb->currency, b[2], sizeof b[2]),
                num_or_dash(c->cycle_median, "%.1f", b[3], sizeof b[3]),
                money((double)c->pipeline_micros, sb->currency, b[4], sizeof b[4]),
                num_or_dash(100 * ps, "%.0f%%", b[5], sizeof b[5]),
                money((double)c->revenue_micros, sb->currency, b[6], sizeof b[6]),
                num_or_dash(100 * rs, "%.0f%%", b[7], sizeof b[7]));
    }
}

int main(int argc, char **argv)
{
    cli_init("allot-funnel");
    gsl_set_error_handler_off();
    const char *db_path = "allot.db", *period = "quarter", *by = "none", *table = NULL;
    const char *method = "wilson", *as_of_text = NULL;
    int csv = 0;
    allot_scoreboard_options opt = {0};
    opt.alpha = 0.05;
    opt.sla_hours = 24;
    opt.fiscal_start_month = 1;
    opt.currency = "USD";
    enum { O_DB = 256, O_PERIOD, O_BY, O_TABLE, O_CSV, O_METHOD, O_ALPHA, O_SLA, O_ASOF,
           O_CUR, O_FISCAL, O_HELP };
    static const struct option longopts[] = {
        {"db", required_argument, NULL, O_DB},
        {"period", required_argument, NULL, O_PERIOD},
        {"by", required_argument, NULL, O_BY},
        {"table", required_argument, NULL, O_TABLE},
        {"csv", no_argument, NULL, O_CSV},
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
        case O_PERIOD: period = optarg; break;
        case O_BY: by = optarg; break;
        case O_TABLE: table = optarg; break;
        case O_CSV: csv = 1; break;
        case O_METHOD: method = optarg; break;
        case O_ALPHA:
            opt.alpha = strtod(optarg, &end);
            if (*end || !(opt.alpha > 0 && opt.alpha < 1))
                return cli_usage_error("--alpha must be between 0 and 1, got '%s'", optarg);
            break;
        case O_SLA:
            opt.sla_hours = strtod(optarg, &end);
            if (*end || !(opt.sla_hours > 0 && opt.sla_hours < 1e6))
                return cli_usage_error("--sla-hours must be a positive number, got '%s'",
                                       optarg);
            break;
        case O_ASOF: as_of_text = optarg; break;
        case O_CUR: opt.currency = optarg; break;
        case O_FISCAL: {
            long v = strtol(optarg, &end, 10);
            if (*end || v < 1 || v > 12)
                return cli_usage_error("--fiscal-start must be a month 1-12, got '%s'", optarg);
            opt.fiscal_start_month = (int)v;
            break;
        }
        case O_HELP: usage(stdout); return cli_finish(0);
        default: return cli_usage_error("unknown option");
        }
    }
    if (optind < argc)
        return cli_usage_error("unexpected argument '%s'", argv[optind]);

    allot_error err;
    allot_error_clear(&err);
    if (allot_interval_method_parse(method, &opt.method, &err) != ALLOT_OK ||
        allot_group_by_parse(by, &opt.group_by, &err) != ALLOT_OK)
        return cli_usage_error("%s", err.message);
    if (!allot_currency_valid(opt.currency))
        return cli_usage_error("--currency '%s' is not an ISO 4217 code", opt.currency);
    if (!strcmp(period, "quarter"))
        opt.period_unit = ALLOT_PERIOD_QUARTER;
    else if (!strcmp(period, "month"))
        opt.period_unit = ALLOT_PERIOD_MONTH;
    else if (!strcmp(period, "year"))
        opt.period_unit = ALLOT_PERIOD_YEAR;
    else if (!strcmp(period, "all"))
        opt.period_unit = ALLOT_PERIOD_ALL;
    else {
        int y, q, mo;
        char extra;
        if (sscanf(period, "%4dQ%1d%c", &y, &q, &extra) == 2 && q >= 1 && q <= 4)
            opt.period_unit = ALLOT_PERIOD_QUARTER;
        else if (sscanf(period, "%4d-%2d%c", &y, &mo, &extra) == 2 && mo >= 1 && mo <= 12)
            opt.period_unit = ALLOT_PERIOD_MONTH;
        else if (strlen(period) == 4 && sscanf(period, "%4d%c", &y, &extra) == 1)
            opt.period_unit = ALLOT_PERIOD_YEAR;
        else
            return cli_usage_error("--period '%s': use quarter, month, year, all or a label "
                                   "such as 2026Q3, 2026-07, 2026",
                                   period);
        opt.period_only = period;
    }
    if (as_of_text && allot_scoreboard_parse_as_of(as_of_text, &opt.as_of) != 0)
        return cli_usage_error("--as-of '%s' is not a date YYYY-MM-DD", as_of_text);
    enum table which = csv ? T_FUNNEL : T_ALL;
    if (table) {
        if (!strcmp(table, "funnel"))
            which = T_FUNNEL;
        else if (!strcmp(table, "speed"))
            which = T_SPEED;
        else if (!strcmp(table, "deals"))
            which = T_DEALS;
        else if (!strcmp(table, "all") && !csv)
            which = T_ALL;
        else
            return cli_usage_error("--table '%s': use funnel, speed, deals%s", table,
                                   csv ? " (one table per CSV)" : " or all");
    }

    double t0 = cli_seconds();
    sqlite3 *db = NULL;
    if (allot_store_open_existing(db_path, &db, &err) != ALLOT_OK)
        return cli_report(&err);
    char params[512], digest[65];
    snprintf(params, sizeof params,
             "alpha=%g;as_of=%s;by=%s;currency=%s;fiscal_start=%d;method=%s;period=%s;"
             "sla_hours=%g",
             opt.alpha, as_of_text ? as_of_text : "", allot_group_by_name(opt.group_by),
             opt.currency, opt.fiscal_start_month, allot_interval_method_name(opt.method),
             period, opt.sla_hours);
    int64_t run_id = 0;
    allot_scoreboard sb = {0};
    allot_status st = allot_store_input_digest(db, digest, &err);
    if (st == ALLOT_OK)
        st = allot_store_begin(db, &err);
    if (st == ALLOT_OK) {
        st = allot_store_run_begin(db, "allot-funnel", params, digest, &run_id, &err);
        if (st == ALLOT_OK)
            st = allot_scoreboard_compute(db, &opt, &sb, &err);
        if (st == ALLOT_OK)
            st = allot_store_run_end(db, run_id, "ok", &err);
        if (st == ALLOT_OK)
            st = allot_store_commit(db, &err);
        else
            allot_store_rollback(db);
    }
    if (st != ALLOT_OK) {
        allot_scoreboard_release(&sb);
        allot_store_close(db);
        return cli_report(&err);
    }
    if (csv) {
        if (which == T_FUNNEL)
            csv_funnel(stdout, &sb);
        else if (which == T_SPEED)
            csv_speed(stdout, &sb);
        else
            csv_deals(stdout, &sb);
    } else {
        char asof[16];
        allot_scoreboard_format_date(sb.as_of, asof);
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
    }
    fprintf(stderr,
            "allot-funnel: %zu people, %zu deals -> %zu funnel cells, %zu deal cells (%s, "
            "alpha %g) in %.2f s\n",
            sb.people, sb.deals_total, sb.n_funnel, sb.n_deals,
            allot_interval_method_name(sb.method), sb.alpha, cli_seconds() - t0);
    allot_scoreboard_release(&sb);
    allot_store_close(db);
    return cli_finish(0);
}
