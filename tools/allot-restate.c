/* allot-restate — what changed between two allot-credit runs: credit per
 * period and channel, booked per period, and the deals added, removed,
 * moved, changed in amount or re-split. Definitions: lib/restate.h, README. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "csvout.h"
#include "fmt.h"
#include "money.h"
#include "restate.h"
#include "store.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: allot-restate [OPTION]...\n"
            "Compare two allot-credit runs of the same event and reporting currency (the\n"
            "run a quarter was reported from, and a run after reloading changed CRM\n"
            "exports): credit per period and channel, booked per period, and the deals\n"
            "added, removed, moved to another period, changed in amount or re-split.\n"
            "\n"
            "  --db FILE        database (default allot.db)\n"
            "  --config FILE    allot.ini: [models] default_model\n"
            "  --from RUN       the earlier run (default: the successful allot-credit run\n"
            "                   before --to with the same event)\n"
            "  --to RUN         the later run (default: the latest successful allot-credit\n"
            "                   revenue run)\n"
            "  --model M        the model to compare (default: [models] default_model, linear)\n"
            "  --period P       one quarter only (2026Q3, FY2027Q1)\n"
            "  --csv            CSV on stdout instead of the readable report\n"
            "  --table T        with --csv: channels (default), periods, campaigns or deals\n"
            "  --help           this help\n"
            "\n"
            "CSV columns (amounts in major units of the reporting currency, difference =\n"
            "to - from):\n"
            "  channels: period,channel,from_credited,to_credited,difference,currency\n"
            "  periods:  period,from_booked,to_booked,difference,from_credited,to_credited,\n"
            "            from_unattributed,to_unattributed,from_deals,to_deals,currency\n"
            "  campaigns: period,campaign_id,campaign,from_credited,to_credited,difference,\n"
            "            currency ((none): touches without a campaign; (unattributed):\n"
            "            deals with no touch; a period's rows add up to its booked amount)\n"
            "  deals:    deal_id,change,from_period,to_period,from_booked,to_booked,\n"
            "            difference,currency,from_split,to_split\n"
            "change: added, removed, moved, amount, resplit (changed deals only).\n"
            "Runs with fiscal starts 3, 6 or 9 months apart are compared quarter by\n"
            "quarter under the later run's labels.\n"
            "Exit status: 0 done, 1 the runs cannot be compared (events or currencies\n"
            "differ, no earlier run, model not computed, quarters of other months),\n"
            "2 usage, 3 environment.\n");
}

static const char *amount(const allot_restate *r, int64_t minor, char *buf, size_t size)
{
    return allot_money_format_minor(minor, r->exponent, buf, size);
}

/* Minor units as "+1,200.00" / "-300.00" / "0.00" (with sign: "+" when
 * above zero). */
static const char *grouped(const allot_restate *r, int64_t minor, int sign, char *buf,
                           size_t size)
{
    char digits[96];
    fmt_minor(minor, r->exponent, digits, sizeof digits);
    snprintf(buf, size, "%s%s", sign && minor > 0 ? "+" : "", digits);
    return buf;
}

static void csv_channels(FILE *out, const allot_restate *r)
{
    char a[64], b[64], d[64];
    fputs("period,channel,from_credited,to_credited,difference,currency\n", out);
    for (size_t i = 0; i < r->n_channels; i++) {
        const allot_restate_channel *c = &r->channels[i];
        allot_csvout_field(out, c->period);
        fputc(',', out);
        allot_csvout_field(out, c->channel);
        fprintf(out, ",%s,%s,%s,%s\n", amount(r, c->from_minor, a, sizeof a),
                amount(r, c->to_minor, b, sizeof b),
                amount(r, c->to_minor - c->from_minor, d, sizeof d), r->currency);
    }
}

static void csv_periods(FILE *out, const allot_restate *r)
{
    char x[7][64];
    fputs("period,from_booked,to_booked,difference,from_credited,to_credited,"
          "from_unattributed,to_unattributed,from_deals,to_deals,currency\n",
          out);
    for (size_t i = 0; i < r->n_periods; i++) {
        const allot_restate_period *p = &r->periods[i];
        allot_csvout_field(out, p->period);
        fprintf(out, ",%s,%s,%s,%s,%s,%s,%s,%" PRId64 ",%" PRId64 ",%s\n",
                amount(r, p->from_booked, x[0], 64), amount(r, p->to_booked, x[1], 64),
                amount(r, p->to_booked - p->from_booked, x[2], 64),
                amount(r, p->from_credited, x[3], 64), amount(r, p->to_credited, x[4], 64),
                amount(r, p->from_unattributed, x[5], 64),
                amount(r, p->to_unattributed, x[6], 64), p->from_deals, p->to_deals,
                r->currency);
    }
}

static void csv_campaigns(FILE *out, const allot_restate *r)
{
    char a[64], b[64], d[64];
    fputs("period,campaign_id,campaign,from_credited,to_credited,difference,currency\n", out);
    for (size_t i = 0; i < r->n_campaigns; i++) {
        const allot_restate_campaign *c = &r->campaigns[i];
        allot_csvout_field(out, c->period);
        fputc(',', out);
        allot_csvout_field(out, c->campaign_id);
        fputc(',', out);
        allot_csvout_field(out, c->name);
        fprintf(out, ",%s,%s,%s,%s\n", amount(r, c->from_minor, a, sizeof a),
                amount(r, c->to_minor, b, sizeof b),
                amount(r, c->to_minor - c->from_minor, d, sizeof d), r->currency);
    }
}

static int64_t abs64(int64_t v)
{
    return v < 0 ? -v : v;
}

/* Changed campaigns of one period for the report: the largest change
 * first (absolute), then campaigns before "(no campaign)" before
 * "(unattributed)", then campaign_id in byte order. */
static int by_change(const void *pa, const void *pb)
{
    const allot_restate_campaign *a = *(const allot_restate_campaign *const *)pa;
    const allot_restate_campaign *b = *(const allot_restate_campaign *const *)pb;
    int64_t da = abs64(a->to_minor - a->from_minor), db = abs64(b->to_minor - b->from_minor);
    if (da != db)
        return da > db ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    return strcmp(a->campaign_id, b->campaign_id);
}

/* Rows shown per period in the readable report; the rest are summed in a
 * note (the CSV has every row). */
#define CAMPAIGNS_SHOWN 15

static void text_campaigns(FILE *out, const allot_restate *r)
{
    char a[96], b[96], d[96];
    fprintf(out, "\nCredit per period and campaign (changed campaigns only; largest change "
                 "first)\n");
    const allot_restate_campaign **rows = malloc((r->n_campaigns + 1) * sizeof *rows);
    if (!rows) {
        fprintf(out, "(out of memory: see --csv --table campaigns)\n");
        return;
    }
    int header = 0;
    for (size_t i = 0; i < r->n_campaigns;) {
        size_t end = i, n = 0;
        while (end < r->n_campaigns &&
               strcmp(r->campaigns[end].period, r->campaigns[i].period) == 0) {
            if (r->campaigns[end].to_minor != r->campaigns[end].from_minor)
                rows[n++] = &r->campaigns[end];
            end++;
        }
        qsort(rows, n, sizeof *rows, by_change);
        if (n && !header) {
            fprintf(out, "%-10s %-14s %-28s %16s %16s %16s\n", "period", "campaign", "name",
                    "from", "to", "difference");
            header = 1;
        }
        for (size_t k = 0; k < n && k < CAMPAIGNS_SHOWN; k++) {
            const allot_restate_campaign *c = rows[k];
            fprintf(out, "%-10s %-14.14s %-28.28s %16s %16s %16s\n", c->period, c->campaign_id,
                    c->name, grouped(r, c->from_minor, 0, a, sizeof a),
                    grouped(r, c->to_minor, 0, b, sizeof b),
                    grouped(r, c->to_minor - c->from_minor, 1, d, sizeof d));
        }
        if (n > CAMPAIGNS_SHOWN) {
            int64_t rest = 0;
            for (size_t k = CAMPAIGNS_SHOWN; k < n; k++)
                rest += rows[k]->to_minor - rows[k]->from_minor;
            fprintf(out, "%-10s ... %zu more changed campaigns, %s together (allot-restate --csv "
                         "--table campaigns)\n",
                    r->campaigns[i].period, n - CAMPAIGNS_SHOWN, grouped(r, rest, 1, d, sizeof d));
        }
        i = end;
    }
    if (!header)
        fprintf(out, "none\n");
    free(rows);
}

static void csv_deals(FILE *out, const allot_restate *r)
{
    char a[64], b[64], d[64];
    fputs("deal_id,change,from_period,to_period,from_booked,to_booked,difference,currency,"
          "from_split,to_split\n",
          out);
    for (size_t i = 0; i < r->n_deals; i++) {
        const allot_restate_deal *x = &r->deals[i];
        allot_csvout_field(out, x->deal_id);
        fprintf(out, ",%s,", allot_restate_kind_name(x->kind));
        allot_csvout_field(out, x->from_period ? x->from_period : "");
        fputc(',', out);
        allot_csvout_field(out, x->to_period ? x->to_period : "");
        fprintf(out, ",%s,%s,%s,%s,",
                x->from_period && !x->from_null ? amount(r, x->from_minor, a, sizeof a) : "",
                x->to_period && !x->to_null ? amount(r, x->to_minor, b, sizeof b) : "",
                amount(r, x->to_minor - x->from_minor, d, sizeof d), r->currency);
        allot_csvout_field(out, x->from_split);
        fputc(',', out);
        allot_csvout_field(out, x->to_split);
        fputc('\n', out);
    }
}

/* The channel table of the periods where some channel's credit changed,
 * every channel of them (the whole split, before and after); the other
 * periods are counted. */
static void text_channels(FILE *out, const allot_restate *r)
{
    char a[96], b[96], d[96];
    fprintf(out, "\nCredit per period and channel (periods where it changed)\n");
    size_t unchanged = 0;
    int header = 0;
    for (size_t i = 0; i < r->n_channels;) {
        size_t end = i;
        int changed = 0;
        while (end < r->n_channels && strcmp(r->channels[end].period, r->channels[i].period) == 0) {
            changed |= r->channels[end].to_minor != r->channels[end].from_minor;
            end++;
        }
        if (!changed)
            unchanged++;
        for (size_t k = i; changed && k < end; k++) {
            const allot_restate_channel *c = &r->channels[k];
            if (!header++)
                fprintf(out, "%-10s %-24s %16s %16s %16s\n", "period", "channel", "from", "to",
                        "difference");
            fprintf(out, "%-10s %-24.24s %16s %16s %16s\n", c->period, c->channel,
                    grouped(r, c->from_minor, 0, a, sizeof a),
                    grouped(r, c->to_minor, 0, b, sizeof b),
                    grouped(r, c->to_minor - c->from_minor, 1, d, sizeof d));
        }
        i = end;
    }
    if (!header)
        fprintf(out, "none changed\n");
    if (unchanged)
        fprintf(out, "%s%zu period%s where no channel's credit changed (allot-restate --csv "
                "--table channels lists every row)\n", header ? "... and " : "", unchanged,
                unchanged == 1 ? "" : "s");
}

static void text_report(FILE *out, const allot_restate *r)
{
    char a[96], b[96], d[96];
    fprintf(out, "Restatement: run %lld -> run %lld (allot-credit %s, model %s, amounts in %s)\n",
            (long long)r->from_run, (long long)r->to_run, r->event, r->model, r->currency);
    if (r->differing[0])
        fprintf(out, "The runs were made with different parameters (from/to): %s\n",
                r->differing);
    if (r->relabeled[0])
        fprintf(out, "Periods: %s\n", r->relabeled);
    fprintf(out, "\nBooked per period (booked = credited + unattributed)\n");
    fprintf(out, "%-10s %16s %16s %16s %8s\n", "period", "from", "to", "difference", "deals");
    for (size_t i = 0; i < r->n_periods; i++) {
        const allot_restate_period *p = &r->periods[i];
        char deals[48];
        snprintf(deals, sizeof deals, "%" PRId64 "->%" PRId64, p->from_deals, p->to_deals);
        fprintf(out, "%-10s %16s %16s %16s %8s\n", p->period,
                grouped(r, p->from_booked, 0, a, sizeof a), grouped(r, p->to_booked, 0, b, sizeof b),
                grouped(r, p->to_booked - p->from_booked, 1, d, sizeof d), deals);
    }
    text_channels(out, r);
    text_campaigns(out, r);
    fprintf(out, "\nDeals changed\n");
    if (!r->deals_compared) {
        fprintf(out, "%s\n", r->deals_note);
        return;
    }
    if (!r->n_deals) {
        fprintf(out, "none\n");
        return;
    }
    fprintf(out, "%-16s %-8s %-9s %-9s %16s %16s %16s\n", "deal", "change", "from", "to",
            "from booked", "to booked", "difference");
    for (size_t i = 0; i < r->n_deals; i++) {
        const allot_restate_deal *x = &r->deals[i];
        fprintf(out, "%-16.16s %-8s %-9s %-9s %16s %16s %16s\n", x->deal_id,
                allot_restate_kind_name(x->kind), x->from_period ? x->from_period : "-",
                x->to_period ? x->to_period : "-",
                x->from_null ? "NULL" : x->from_period ? grouped(r, x->from_minor, 0, a, sizeof a) : "-",
                x->to_null ? "NULL" : x->to_period ? grouped(r, x->to_minor, 0, b, sizeof b) : "-",
                grouped(r, x->to_minor - x->from_minor, 1, d, sizeof d));
        if (x->kind == ALLOT_RESTATE_RESPLIT || x->kind == ALLOT_RESTATE_AMOUNT ||
            x->kind == ALLOT_RESTATE_MOVED) {
            fprintf(out, "    from: %s\n", x->from_split);
            fprintf(out, "    to:   %s\n", x->to_split);
        } else {
            fprintf(out, "    %s\n", x->from_period ? x->from_split : x->to_split);
        }
    }
}

/* "1 deal added" / "2 deals added" appended to buf after sep. */
static void add_count(char *buf, size_t size, size_t n, const char *what, int *first)
{
    size_t used = strlen(buf);
    snprintf(buf + used, size - used, "%s%zu %s%s", *first ? "" : ", ", n,
             *first ? (n == 1 ? "deal " : "deals ") : "", what);
    *first = 0;
}

static void summary(const allot_restate *r, double seconds)
{
    char line[2048], b[96];
    snprintf(line, sizeof line, "allot-restate: run %lld vs run %lld (%s, %s)",
             (long long)r->to_run, (long long)r->from_run, r->model, r->currency);
    int booked_changed = 0;
    for (size_t i = 0; i < r->n_periods; i++) {
        const allot_restate_period *p = &r->periods[i];
        if (p->to_booked == p->from_booked)
            continue;
        size_t used = strlen(line);
        snprintf(line + used, sizeof line - used, "%s %s booked %s", booked_changed ? "," : ":",
                 p->period, grouped(r, p->to_booked - p->from_booked, 1, b, sizeof b));
        booked_changed = 1;
    }
    int credit_changed = 0;
    for (size_t i = 0; i < r->n_channels; i++)
        credit_changed |= r->channels[i].from_minor != r->channels[i].to_minor;
    char deals[1024] = "";
    int first = 1;
    if (r->deals_compared) {
        static const char *const words[] = {"added", "removed", "moved", "amounts changed",
                                            "re-split"};
        for (int k = 0; k < ALLOT_RESTATE_KIND_COUNT; k++) {
            size_t n = r->count[k];
            if (!n)
                continue;
            char what[128];
            if (k == ALLOT_RESTATE_MOVED) {
                /* "moved to 2026Q4" when every moved deal went to one period */
                const char *to = NULL;
                int one = 1;
                for (size_t i = 0; i < r->n_deals; i++)
                    if (r->deals[i].kind == ALLOT_RESTATE_MOVED) {
                        if (to && strcmp(to, r->deals[i].to_period) != 0)
                            one = 0;
                        to = r->deals[i].to_period;
                    }
                snprintf(what, sizeof what, one ? "moved to %s" : "moved between periods",
                         to);
            } else if (k == ALLOT_RESTATE_AMOUNT && n == 1) {
                snprintf(what, sizeof what, "amount changed");
            } else {
                snprintf(what, sizeof what, "%s", words[k]);
            }
            add_count(deals, sizeof deals, n, what, &first);
        }
    }
    size_t used = strlen(line);
    if (!booked_changed && !credit_changed && (!r->deals_compared || !r->n_deals))
        snprintf(line + used, sizeof line - used, ": no change%s",
                 r->deals_compared ? "" : " in the rollups (deals not compared)");
    else if (r->deals_compared)
        snprintf(line + used, sizeof line - used, "%s%s", booked_changed ? ": " : ": booked unchanged: ",
                 r->n_deals ? deals : "no deal changed");
    else
        snprintf(line + used, sizeof line - used, "%sdeals not compared",
                 booked_changed ? ": " : ": booked unchanged, credit moved between channels; ");
    fprintf(stderr, "%s; in %.2f s\n", line, seconds);
}

int main(int argc, char **argv)
{
    cli_init("allot-restate");
    const char *db_path = "allot.db", *config_path = NULL, *model = NULL, *period = NULL;
    const char *table = NULL;
    long long from = 0, to = 0;
    int csv = 0;
    enum { O_DB = 256, O_CONFIG, O_FROM, O_TO, O_MODEL, O_PERIOD, O_CSV, O_TABLE, O_HELP };
    static const struct option longopts[] = {
        {"db", required_argument, NULL, O_DB},
        {"config", required_argument, NULL, O_CONFIG},
        {"from", required_argument, NULL, O_FROM},
        {"to", required_argument, NULL, O_TO},
        {"model", required_argument, NULL, O_MODEL},
        {"period", required_argument, NULL, O_PERIOD},
        {"csv", no_argument, NULL, O_CSV},
        {"table", required_argument, NULL, O_TABLE},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0}};
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case O_DB: db_path = optarg; break;
        case O_CONFIG: config_path = optarg; break;
        case O_FROM:
        case O_TO: {
            long long v = strtoll(optarg, &end, 10);
            if (*end || !optarg[0] || v <= 0)
                return cli_usage_error("--%s must be a run id (a positive integer), got '%s'",
                                       c == O_FROM ? "from" : "to", optarg);
            *(c == O_FROM ? &from : &to) = v;
            break;
        }
        case O_MODEL: model = optarg; break;
        case O_PERIOD: period = optarg; break;
        case O_CSV: csv = 1; break;
        case O_TABLE: table = optarg; break;
        case O_HELP: usage(stdout); return cli_finish(0);
        default: return cli_option_error(argv, "");
        }
    }
    if (optind < argc)
        return cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (table && !csv)
        return cli_usage_error("--table needs --csv");
    if (!table)
        table = "channels";
    if (strcmp(table, "channels") != 0 && strcmp(table, "periods") != 0 &&
        strcmp(table, "campaigns") != 0 && strcmp(table, "deals") != 0)
        return cli_usage_error("--table must be channels, periods, campaigns or deals, not '%s'",
                               table);

    allot_error err;
    allot_error_clear(&err);
    allot_config *cfg = NULL;
    if (cli_config_load(config_path, &cfg, &err) != ALLOT_OK)
        return cli_report(&err);
    int rc = CLI_EXIT_OK;
    sqlite3 *db = NULL;
    allot_restate r = {0};
    if (!model && allot_config_get_string(cfg, "models", "default_model", &model, &err) !=
                      ALLOT_OK) {
        rc = cli_report(&err);
        goto out;
    }
    if (!model || !model[0])
        model = "linear";

    double t0 = cli_seconds();
    if (allot_store_open_existing(db_path, &db, &err) != ALLOT_OK) {
        rc = cli_report(&err);
        goto out;
    }
    allot_restate_options o = {.from_run = from, .to_run = to, .model = model, .period = period};
    if (allot_restate_compare(db, &o, &r, &err) != ALLOT_OK) {
        rc = cli_report(&err);
        goto out;
    }
    if (r.differing[0])
        cli_warning("runs %lld and %lld were made with different allot-credit parameters "
                    "(from/to): %s; part of the difference is not the data",
                    (long long)r.from_run, (long long)r.to_run, r.differing);
    if (r.relabeled[0])
        cli_warning("%s: the same quarters are compared under run %lld's labels", r.relabeled,
                    (long long)r.to_run);
    if (csv && !r.deals_compared && strcmp(table, "deals") == 0)
        cli_warning("%s", r.deals_note);
    if (!csv)
        text_report(stdout, &r);
    else if (strcmp(table, "channels") == 0)
        csv_channels(stdout, &r);
    else if (strcmp(table, "periods") == 0)
        csv_periods(stdout, &r);
    else if (strcmp(table, "campaigns") == 0)
        csv_campaigns(stdout, &r);
    else
        csv_deals(stdout, &r);
    summary(&r, cli_seconds() - t0);
    cli_run_record(db, "allot-restate", "config=%s;csv=%d;from=%lld;model=%s;period=%s;table=%s;to=%lld",
                   config_path ? config_path : "", csv, (long long)r.from_run, r.model,
                   r.period, csv ? table : "", (long long)r.to_run);
    rc = cli_finish(0);
out:
    allot_restate_release(&r);
    allot_store_close(db);
    allot_config_free(cfg);
    return rc;
}
