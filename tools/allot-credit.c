/* allot-credit — journeys → attribution models → credit ledger + rollups. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "csvout.h"
#include "datadriven.h"
#include "ddmodel.h"
#include "paths.h"
#include "period.h"
#include "taxonomy.h"
#include "fx.h"
#include "journey.h"
#include "ledger.h"
#include "model.h"
#include "money.h"
#include "store.h"

#define MAX_MODELS 32

static void usage(FILE *out)
{
    fprintf(out,
        "Usage: allot-credit [OPTION]...\n"
        "Credit converting deals to the touches of their journeys under one or more\n"
        "attribution models; write the credit ledger and its rollups by channel,\n"
        "campaign and period (one run, one transaction).\n\n"
        "  --db FILE             database (default allot.db)\n"
        "  --model LIST          models, comma-separated; 'rules' = every rule-based\n"
        "                        model, 'all' = every model (default all)\n"
        "  --ledger-model LIST   models whose ledger rows are written (default: --model);\n"
        "                        rollups are written for every model either way\n"
        "  --event EVENT         revenue (closed-won, default) or pipeline (deal created)\n"
        "  --period P            only deals converting in period P (2026Q3, FY2027Q1,\n"
        "                        2026-07, 2026, or A..B with both days included)\n"
        "  --lookback DAYS       journey window before the conversion (default 90)\n"
        "  --account-level       add every person of the deal's account\n"
        "  --dedupe-minutes N    drop a person's repeated touch (same channel and\n"
        "                        campaign) within N minutes (default 0: keep)\n"
        "  --max-touches N       keep only the latest N touches of a journey\n"
        "  --half-life DAYS      time_decay half-life (default 7)\n"
        "  --position W          position_based first/middle/last (default 40/20/40)\n"
        "  --custom WEIGHTS      custom model, e.g. FT=20,LC=20,MQL=10,OC=30,middle=20\n"
        "                        or FT:30,LC:30,OC:30,rest:10 (as in the config)\n"
        "  --currency CODE       reporting currency (default USD)\n"
        "  --fiscal-start MONTH  first month of the fiscal year (default 1)\n"
        "  --config FILE         configuration (flags override it)\n"
        "  --csv                 print the channel rollup as CSV on stdout\n"
        "\nData-driven models (markov, shapley):\n"
        "  --order K             Markov chain order 1..4 (default 1)\n"
        "  --keep-repeats        keep consecutive repeats of a channel (a > a)\n"
        "  --shapley KIND        auto (default: exact up to 20 channels, else\n"
        "                        simplified), exact, simplified; with --paths also\n"
        "                        ordered (by position)\n"
        "  --bootstrap B         B journey-level bootstrap replicates: 95 %% interval of\n"
        "                        each channel's attributed conversions (default 0: none)\n"
        "  --seed S              bootstrap seed (default 1)\n"
        "  --paths FILE          no database: run --model markov or shapley\n"
        "                        over a path file (path;total_conversions;\n"
        "                        total_conversion_value;total_null), print CSV (README)\n"
        "  --paths-table         the same over the database's paths table (allot-load of\n"
        "                        a path file); nothing is written\n"
        "  --min-journeys N      with --paths: flag channels on fewer journeys (default 30)\n"
        "  --transitions FILE    write the markov model's transition matrix (CSV)\n"
        "  --help                this help\n\n"
        "Models:\n");
    for (size_t i = 0; i < allot_model_count(); i++)
        fprintf(out, "  %-16s %s\n", allot_model_at(i)->name, allot_model_at(i)->summary);
    fprintf(out, "\nWithout --csv, prints the channel table of the default model ([models]\n"
                 "default_model, linear) or else the first model given.\n"
                 "Flags override the configuration; see README \"Attribution\".\n"
                 "Exit status: 0 done, 1 data problem, 2 usage, 3 environment.\n");
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

/* Frees the configuration and reports err; the exit code. */
static int bail(allot_config *cfg, const allot_error *err)
{
    allot_config_free(cfg);
    return cli_report(err);
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void replicate_progress(void *ctx, size_t done, size_t total)
{
    (void)ctx;
    cli_progress("bootstrap replicate", (int64_t)done, (int64_t)total);
}

/* --paths: a data-driven model over a path file, no database; with
 * --paths-table, over the database's paths table (file = the database). */
static int paths_mode(const char *file, int from_table, const char *model,
                      allot_datadriven_options *o, int shapley_auto, const char *transitions,
                      int csv)
{
    double started = cli_seconds();
    if (strcmp(model, "markov") == 0)
        o->model = ALLOT_DD_MARKOV;
    else if (strcmp(model, "shapley") == 0)
        o->model = ALLOT_DD_SHAPLEY;
    else
        return cli_usage_error("--paths needs --model markov or --model shapley, not '%s'",
                               model);
    if (transitions && o->model != ALLOT_DD_MARKOV)
        return cli_usage_error("--transitions needs --model markov");
    if (o->model == ALLOT_DD_SHAPLEY && o->shapley == ALLOT_SHAPLEY_ORDERED && o->bootstrap)
        return cli_usage_error("--bootstrap is not available with --shapley ordered");
    o->progress = replicate_progress;
    allot_error err;
    allot_error_clear(&err);
    allot_paths *paths = NULL;
    allot_datadriven_result res;
    memset(&res, 0, sizeof res);
    allot_markov *chain = NULL;
    allot_status st;
    if (from_table) {
        sqlite3 *db = NULL;
        st = allot_store_open_existing(file, &db, &err);
        if (!st)
            st = allot_ddmodel_read_paths_table(db, &paths, &err);
        allot_store_close(db);
    } else {
        st = allot_paths_read(file, &paths, &err);
    }
    /* --shapley auto (the default): exact up to 20 channels, simplified beyond,
     * as in the ledger (lib/ddmodel.c). */
    if (!st && shapley_auto && paths->n_channels > ALLOT_SHAPLEY_MAX_CHANNELS)
        o->shapley = ALLOT_SHAPLEY_SIMPLIFIED;
    if (!st) {
        st = allot_datadriven_run_paths(paths, o, &res, &err);
        cli_progress_done();
        if (st && !err.file[0] && !from_table)
            snprintf(err.file, sizeof err.file, "%s", file);
    }
    if (!st && transitions) {
        st = allot_markov_new(paths, &o->markov, &chain, &err);
        if (!st)
            st = allot_markov_write_transitions(chain, transitions, &err);
    }
    if (!st)
        st = allot_datadriven_write(stdout, paths, &res, csv, &err);
    int status = st ? cli_report(&err) : 0;
    if (!st) {
        size_t flagged = 0;
        char list[512] = "";
        for (size_t ch = 0; ch < res.n_channels; ch++)
            if (res.low_support[ch] && flagged++ < 10)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s (%.0f)",
                         flagged > 1 ? ", " : "", paths->channels[ch], res.journeys[ch]);
        if (flagged)
            cli_warning("%zu channel%s on fewer than %.0f journeys, figures uncertain: %s%s",
                        flagged, flagged == 1 ? "" : "s",
                        o->min_journeys > 0 ? o->min_journeys : (double)ALLOT_DD_MIN_JOURNEYS,
                        list, flagged > 10 ? ", ..." : "");
        if (o->model == ALLOT_DD_MARKOV)
            fprintf(stderr,
                    "%s: markov order %d over %zu paths, %zu channels, %zu states: "
                    "P(conversion) %.6g, %.0f conversions%s, in %.2f s\n",
                    cli_program(), o->markov.order, paths->n_paths, res.n_channels, res.states,
                    res.p_conversion, res.total_conversions,
                    res.lower ? ", bootstrapped" : "", cli_seconds() - started);
        else
            fprintf(stderr, "%s: shapley (%s) over %zu paths, %zu channels: %.0f conversions%s, in %.2f s\n",
                    cli_program(),
                    o->shapley == ALLOT_SHAPLEY_EXACT        ? "exact"
                    : o->shapley == ALLOT_SHAPLEY_SIMPLIFIED ? "simplified"
                                                             : "ordered",
                    paths->n_paths, res.n_channels, res.total_conversions,
                    res.lower ? ", bootstrapped" : "", cli_seconds() - started);
    }
    allot_markov_free(chain);
    allot_datadriven_result_release(&res);
    allot_paths_free(paths);
    return cli_finish(status);
}

int main(int argc, char **argv)
{
    cli_init(argv[0]);
    double started = cli_seconds();
    /* One thread uses one connection: SQLite's per-call mutexes are waste
     * (about 8 % of a 10 M-touch run). Must precede any other SQLite call. */
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    const char *db_path = "allot.db", *model_list = "all", *ledger_list = NULL;
    const char *period = NULL, *config = NULL, *currency = NULL;
    const char *position = NULL, *custom = NULL;
    const char *paths_file = NULL, *transitions = NULL, *shapley = NULL;
    int order = 0, keep_repeats = 0, bootstrap = -1, min_journeys = 0, paths_table = 0;
    long seed = -1;
    int csv = 0, fiscal_start = -1;
    double half_life = -1;
    allot_journey_options jo;
    allot_journey_options_init(&jo);
    /* -1: not given on the command line; the configuration decides. */
    jo.lookback_days = jo.dedupe_minutes = jo.max_touches = -1;
    enum { O_DB = 256, O_MODEL, O_LEDGER, O_EVENT, O_PERIOD, O_LOOKBACK, O_ACCOUNT, O_DEDUPE,
           O_MAX, O_HALF, O_POSITION, O_CUSTOM, O_CURRENCY, O_FISCAL, O_CONFIG, O_CSV, O_HELP,
           O_ORDER, O_KEEP, O_SHAPLEY, O_BOOT, O_SEED, O_PATHS, O_MINJ, O_TRANS, O_PTABLE };
    static const struct option opts[] = {
        {"db", required_argument, 0, O_DB}, {"model", required_argument, 0, O_MODEL},
        {"ledger-model", required_argument, 0, O_LEDGER},
        {"event", required_argument, 0, O_EVENT}, {"period", required_argument, 0, O_PERIOD},
        {"lookback", required_argument, 0, O_LOOKBACK},
        {"account-level", no_argument, 0, O_ACCOUNT},
        {"dedupe-minutes", required_argument, 0, O_DEDUPE},
        {"max-touches", required_argument, 0, O_MAX},
        {"half-life", required_argument, 0, O_HALF},
        {"position", required_argument, 0, O_POSITION},
        {"custom", required_argument, 0, O_CUSTOM},
        {"currency", required_argument, 0, O_CURRENCY},
        {"fiscal-start", required_argument, 0, O_FISCAL},
        {"config", required_argument, 0, O_CONFIG}, {"csv", no_argument, 0, O_CSV},
        {"order", required_argument, 0, O_ORDER}, {"keep-repeats", no_argument, 0, O_KEEP},
        {"shapley", required_argument, 0, O_SHAPLEY},
        {"bootstrap", required_argument, 0, O_BOOT}, {"seed", required_argument, 0, O_SEED},
        {"paths", required_argument, 0, O_PATHS},
        {"paths-table", no_argument, 0, O_PTABLE},
        {"min-journeys", required_argument, 0, O_MINJ},
        {"transitions", required_argument, 0, O_TRANS},
        {"help", no_argument, 0, O_HELP}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case O_DB: db_path = optarg; break;
        case O_MODEL: model_list = optarg; break;
        case O_LEDGER: ledger_list = optarg; break;
        case O_EVENT:
            if (strcmp(optarg, "revenue") == 0)
                jo.event = ALLOT_EVENT_REVENUE;
            else if (strcmp(optarg, "pipeline") == 0)
                jo.event = ALLOT_EVENT_PIPELINE;
            else
                return cli_usage_error("--event must be revenue or pipeline, not '%s'", optarg);
            break;
        case O_PERIOD: period = optarg; break;
        case O_LOOKBACK:
            if (parse_int(optarg, 1, 36600, &jo.lookback_days))
                return cli_usage_error("--lookback must be 1..36600 days, not '%s'", optarg);
            break;
        case O_ACCOUNT: jo.account_level = 1; break;
        case O_DEDUPE:
            if (parse_int(optarg, 0, 1000000, &jo.dedupe_minutes))
                return cli_usage_error("--dedupe-minutes must be a number of minutes >= 0");
            break;
        case O_MAX:
            if (parse_int(optarg, 0, 1000000000, &jo.max_touches))
                return cli_usage_error("--max-touches must be a number >= 0 (0: no cap)");
            break;
        case O_HALF: {
            char *end;
            half_life = strtod(optarg, &end);
            if (end == optarg || *end || !(half_life > 0) || half_life > 1e6)
                return cli_usage_error("--half-life must be a positive number of days");
            break;
        }
        case O_POSITION: position = optarg; break;
        case O_CUSTOM: custom = optarg; break;
        case O_CURRENCY: currency = optarg; break;
        case O_FISCAL:
            if (parse_int(optarg, 1, 12, &fiscal_start))
                return cli_usage_error("--fiscal-start must be a month 1..12");
            break;
        case O_CONFIG: config = optarg; break;
        case O_CSV: csv = 1; break;
        case O_ORDER:
            if (parse_int(optarg, 1, 4, &order))
                return cli_usage_error("--order must be 1 to 4, not '%s'", optarg);
            break;
        case O_KEEP: keep_repeats = 1; break;
        case O_SHAPLEY:
            if (strcmp(optarg, "auto") && strcmp(optarg, "exact") &&
                strcmp(optarg, "simplified") && strcmp(optarg, "ordered"))
                return cli_usage_error("--shapley must be auto, exact, simplified or ordered, "
                                       "not '%s'", optarg);
            shapley = optarg;
            break;
        case O_BOOT:
            if (parse_int(optarg, 0, 100000, &bootstrap))
                return cli_usage_error("--bootstrap must be 0 to 100000 replicates, not '%s'",
                                       optarg);
            break;
        case O_SEED: {
            int s;
            if (parse_int(optarg, 0, 2147483647, &s))
                return cli_usage_error("--seed must be an integer >= 0, not '%s'", optarg);
            seed = s;
            break;
        }
        case O_PATHS: paths_file = optarg; break;
        case O_PTABLE: paths_table = 1; break;
        case O_MINJ:
            if (parse_int(optarg, 0, 2147483647, &min_journeys))
                return cli_usage_error("--min-journeys must be an integer >= 0");
            break;
        case O_TRANS: transitions = optarg; break;
        case O_HELP: usage(stdout); return cli_finish(0);
        default: return cli_option_error(argv, "");
        }
    }
    if (optind < argc)
        return cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (paths_file && paths_table)
        return cli_usage_error("give --paths FILE or --paths-table, not both");
    if (paths_file || paths_table) {
        /* [models] markov_order, markov_keep_repeats, shapley, bootstrap and
         * bootstrap_seed apply here as in the database run; flags override. */
        allot_error cerr;
        allot_error_clear(&cerr);
        allot_config *pcfg = NULL;
        allot_model_params mp;
        const char *unused = NULL;
        if (cli_config_load(config, &pcfg, &cerr) != ALLOT_OK)
            return cli_report(&cerr);
        if (allot_model_params_from_config(pcfg, &mp, &unused, &cerr) != ALLOT_OK)
            return bail(pcfg, &cerr);
        allot_config_free(pcfg);
        allot_datadriven_options o;
        memset(&o, 0, sizeof o);
        o.markov.order = order ? order : mp.markov_order > 0 ? mp.markov_order : 1;
        o.markov.keep_repeats = keep_repeats || mp.markov_keep_repeats;
        int shapley_auto = shapley ? !strcmp(shapley, "auto") : mp.shapley_kind < 0;
        o.shapley = shapley_auto || (shapley && !strcmp(shapley, "exact"))
                        ? ALLOT_SHAPLEY_EXACT
                    : !shapley                          ? (allot_shapley_kind)mp.shapley_kind
                    : !strcmp(shapley, "simplified")    ? ALLOT_SHAPLEY_SIMPLIFIED
                                                        : ALLOT_SHAPLEY_ORDERED;
        o.bootstrap = bootstrap >= 0                         ? (size_t)bootstrap
                      : o.shapley == ALLOT_SHAPLEY_ORDERED ? 0 /* no interval there */
                                                           : mp.bootstrap;
        o.seed = seed >= 0 ? (unsigned long)seed : mp.bootstrap_seed;
        o.min_journeys = min_journeys;
        return paths_mode(paths_table ? db_path : paths_file, paths_table, model_list, &o,
                          shapley_auto, transitions, csv);
    }
    if (shapley && !strcmp(shapley, "ordered"))
        return cli_usage_error("--shapley ordered needs --paths (the ledger splits by channel)");

    allot_error err;
    allot_error_clear(&err);
    allot_config *cfg = NULL;
    if (cli_config_load(config, &cfg, &err) != ALLOT_OK)
        return cli_report(&err);
    allot_model_params params;
    allot_general general;
    const char *default_model = NULL;
    long cfg_dedupe = 0;
    allot_status cst = allot_config_general(cfg, &general, &err);
    if (!cst)
        cst = allot_model_params_from_config(cfg, &params, &default_model, &err);
    if (!cst)
        cst = allot_config_get_int(cfg, "models", "dedupe_minutes", &cfg_dedupe, &err);
    if (cst)
        return bail(cfg, &err);
    char default_name[64];
    snprintf(default_name, sizeof default_name, "%s", default_model ? default_model : "linear");
    if (!currency)
        currency = general.reporting_currency;
    if (fiscal_start < 0)
        fiscal_start = general.fiscal_year_start_month;
    if (jo.lookback_days < 0)
        jo.lookback_days = general.lookback_days;
    if (jo.max_touches < 0)
        jo.max_touches = general.max_touches_per_journey;
    if (jo.dedupe_minutes < 0)
        jo.dedupe_minutes = (int)cfg_dedupe;
    if (half_life > 0)
        params.half_life_days = half_life;
    if (order)
        params.markov_order = order;
    if (keep_repeats)
        params.markov_keep_repeats = 1;
    if (shapley)
        params.shapley_kind = !strcmp(shapley, "exact")        ? ALLOT_SHAPLEY_EXACT
                              : !strcmp(shapley, "simplified") ? ALLOT_SHAPLEY_SIMPLIFIED
                                                               : -1;
    if (bootstrap >= 0)
        params.bootstrap = (size_t)bootstrap;
    if (seed >= 0)
        params.bootstrap_seed = (unsigned long)seed;
    half_life = params.half_life_days;
    if (position && allot_model_parse_positional(position, &params, ALLOT_SHAPE_POSITION, &err))
        return bail(cfg, &err);
    if (custom && allot_model_parse_shape(custom, &params, ALLOT_SHAPE_CUSTOM, &err))
        return bail(cfg, &err);
    const allot_model_def *defs[MAX_MODELS];
    size_t n_models = 0;
    if (allot_model_parse_list(model_list, defs, MAX_MODELS, &n_models, &err))
        return bail(cfg, &err);
    int write_rows[MAX_MODELS];
    for (size_t i = 0; i < n_models; i++)
        write_rows[i] = 1;
    if (ledger_list) {
        const allot_model_def *ldefs[MAX_MODELS];
        size_t nl = 0;
        if (allot_model_parse_list(ledger_list, ldefs, MAX_MODELS, &nl, &err))
            return bail(cfg, &err);
        for (size_t i = 0; i < n_models; i++) {
            write_rows[i] = 0;
            for (size_t k = 0; k < nl; k++)
                write_rows[i] |= ldefs[k] == defs[i];
        }
        for (size_t k = 0; k < nl; k++) {
            int found = 0;
            for (size_t i = 0; i < n_models; i++)
                found |= ldefs[k] == defs[i];
            if (!found) {
                allot_config_free(cfg);
                return cli_usage_error("--ledger-model %s is not among --model", ldefs[k]->name);
            }
        }
    }
    char from[11], to[11];
    if (period) {
        allot_period pr;
        if (allot_period_parse(period, fiscal_start, &pr, &err))
            return bail(cfg, &err);
        jo.event_from = allot_date_format(pr.start, from);
        jo.event_to = allot_date_format(pr.end, to);
    }
    for (size_t i = 0; i < n_models; i++)
        if (defs[i]->data_driven)
            jo.include_nonconverting = 1; /* Markov and Shapley learn from both */
    for (int k = 0; k < params.n_stages; k++)
        jo.stages[k] = params.stages[k];
    jo.n_stages = params.n_stages;

    /* The run's parameters, sorted by key. */
    char *kv[32];
    int nkv = 0;
    char buf[32][1024];
    char models_text[512] = "", ledger_text[512] = "";
    for (size_t i = 0; i < n_models; i++) {
        snprintf(models_text + strlen(models_text), sizeof models_text - strlen(models_text),
                 "%s%s", i ? "," : "", defs[i]->name);
        if (write_rows[i])
            snprintf(ledger_text + strlen(ledger_text), sizeof ledger_text - strlen(ledger_text),
                     "%s%s", ledger_text[0] ? "," : "", defs[i]->name);
    }
    char custom_text[200] = "";
    for (int a = 0; a < ALLOT_ANCHOR_COUNT; a++) {
        double v = params.shapes[ALLOT_SHAPE_CUSTOM].anchor[a];
        if (v > 0) {
            static const char *const names[] = {"first", "last", "FT", "LC", "OC", "CW"};
            char w[ALLOT_CSVOUT_SHORTEST_SIZE];
            snprintf(custom_text + strlen(custom_text), sizeof custom_text - strlen(custom_text),
                     "%s%s=%s", custom_text[0] ? "," : "",
                     a < ALLOT_ANCHOR_STAGE ? names[a] : params.stages[a - ALLOT_ANCHOR_STAGE],
                     allot_csvout_shortest(v, w, sizeof w));
        }
    }
    const allot_shape *ps = &params.shapes[ALLOT_SHAPE_POSITION];
    snprintf(buf[nkv++], 1024, "account_level=%d", jo.account_level);
    snprintf(buf[nkv++], 1024, "bootstrap=%zu", params.bootstrap);
    snprintf(buf[nkv++], 1024, "bootstrap_seed=%lu", params.bootstrap_seed);
    snprintf(buf[nkv++], 1024, "markov_keep_repeats=%d", params.markov_keep_repeats);
    snprintf(buf[nkv++], 1024, "markov_order=%d", params.markov_order);
    snprintf(buf[nkv++], 1024, "shapley=%s", params.shapley_kind == ALLOT_SHAPLEY_EXACT ? "exact"
                                             : params.shapley_kind == ALLOT_SHAPLEY_SIMPLIFIED
                                                 ? "simplified"
                                                 : "auto");
    snprintf(buf[nkv++], 1024, "currency=%s", currency);
    /* Numbers in their shortest form ("0.3", not %.17g's
     * "0.29999999999999999"): the text users read in the workbook and in
     * allot-restate, and the same double either way. */
    char n1[ALLOT_CSVOUT_SHORTEST_SIZE], n2[ALLOT_CSVOUT_SHORTEST_SIZE],
        n3[ALLOT_CSVOUT_SHORTEST_SIZE];
    snprintf(buf[nkv++], 1024, "custom=%s,middle=%s", custom_text,
             allot_csvout_shortest(params.shapes[ALLOT_SHAPE_CUSTOM].rest, n1, sizeof n1));
    snprintf(buf[nkv++], 1024, "dedupe_minutes=%d", jo.dedupe_minutes);
    snprintf(buf[nkv++], 1024, "event=%s", jo.event == ALLOT_EVENT_PIPELINE ? "pipeline" : "revenue");
    snprintf(buf[nkv++], 1024, "fiscal_start=%d", fiscal_start);
    snprintf(buf[nkv++], 1024, "half_life_days=%s",
             allot_csvout_shortest(half_life, n1, sizeof n1));
    snprintf(buf[nkv++], 1024, "ledger_models=%s", ledger_text);
    snprintf(buf[nkv++], 1024, "lookback_days=%d", jo.lookback_days);
    snprintf(buf[nkv++], 1024, "max_touches=%d", jo.max_touches);
    snprintf(buf[nkv++], 1024, "models=%s", models_text);
    snprintf(buf[nkv++], 1024, "period=%s", period ? period : "");
    snprintf(buf[nkv++], 1024, "timezone=%s", general.timezone);
    snprintf(buf[nkv++], 1024, "position=%s/%s/%s",
             allot_csvout_shortest(ps->anchor[ALLOT_ANCHOR_FIRST], n1, sizeof n1),
             allot_csvout_shortest(ps->rest, n2, sizeof n2),
             allot_csvout_shortest(ps->anchor[ALLOT_ANCHOR_LAST], n3, sizeof n3));
    for (int i = 0; i < nkv; i++)
        kv[i] = buf[i];
    qsort(kv, (size_t)nkv, sizeof *kv, by_string);
    char parameters[8192] = "";
    for (int i = 0; i < nkv; i++)
        snprintf(parameters + strlen(parameters), sizeof parameters - strlen(parameters), "%s%s",
                 i ? ";" : "", kv[i]);

    allot_taxonomy *taxonomy = NULL;
    allot_zone *zone = NULL;
    allot_status tst = allot_taxonomy_new(cfg, &taxonomy, &err);
    if (!tst)
        tst = allot_config_zone(cfg, &zone, &err);
    allot_config_free(cfg);
    if (tst) {
        allot_taxonomy_free(taxonomy);
        return cli_report(&err);
    }
    jo.taxonomy = taxonomy;
    jo.zone = zone;
    sqlite3 *db = NULL;
    allot_journey_set *set = NULL;
    allot_fx *fx = NULL;
    allot_model_ctx ctx[MAX_MODELS];
    size_t n_ctx = 0;
    int64_t run_id = 0;
    allot_ledger_summary sum;
    allot_status st = allot_store_open_existing(db_path, &db, &err);
    if (!st)
        st = allot_store_exec(db, "PRAGMA cache_size = -16384", &err);
    if (!st)
        st = allot_store_begin(db, &err);
    char digest[65];
    if (!st)
        st = allot_store_input_digest(db, digest, &err);
    if (!st) {
        cli_progress("building journeys", 0, 0);
        st = allot_journey_build(db, &jo, &set, &err);
    }
    if (!st)
        st = allot_fx_load(db, currency, &fx, &err);
    for (size_t i = 0; i < n_models && !st; i++) {
        st = allot_model_ctx_init(&ctx[i], defs[i], &params, set, &err);
        if (!st)
            n_ctx++;
    }
    if (!st)
        st = allot_store_run_begin(db, "allot-credit", parameters, digest, &run_id, &err);
    if (!st) {
        cli_progress("writing the ledger", 0, 0);
        allot_ledger_options lo = {fx, fiscal_start, taxonomy};
        st = allot_ledger_write(db, run_id, set, ctx, write_rows, n_ctx, &lo, &sum, &err);
    }
    for (size_t i = 0; i < n_ctx && !st; i++)
        st = allot_ddmodel_store(db, run_id, &ctx[i], &err);
    if (!st && transitions) {
        size_t i = 0;
        while (i < n_ctx && strcmp(defs[i]->name, "markov") != 0)
            i++;
        if (i == n_ctx)
            st = allot_error_set(&err, ALLOT_ERR_USAGE, NULL, 0, 0,
                                 "--transitions needs the markov model in --model");
        else
            st = allot_ddmodel_write_transitions(&ctx[i], transitions, &err);
    }
    if (!st)
        st = allot_store_run_end(db, run_id, "ok", &err);
    if (!st)
        st = allot_store_commit(db, &err);
    cli_progress_done();
    if (st) {
        allot_store_rollback(db);
    } else if (csv) {
        st = allot_ledger_channel_csv(db, run_id, NULL, stdout, &err);
    } else {
        const char *shown = defs[0]->name;
        for (size_t i = 0; i < n_models; i++)
            if (strcmp(defs[i]->name, default_name) == 0)
                shown = defs[i]->name;
        st = allot_ledger_channel_table(db, run_id, shown, stdout, &err);
    }
    int status = st ? cli_report(&err) : 0;
    if (!st) {
        char booked[48];
        allot_money_format_minor(sum.booked_minor, allot_fx_reporting_exponent(fx), booked,
                                 sizeof booked);
        fprintf(stderr,
                "%s: run %" PRId64 ": %zu deals (%s %s booked; %zu unattributed, %zu with no "
                "amount), %" PRIu64 " journey touches of %zu loaded, %zu models, %" PRIu64
                " ledger rows, in %.2f s\n",
                cli_program(), run_id, sum.deals, booked, allot_fx_reporting(fx),
                sum.unattributed_deals, sum.null_amount_deals, sum.journey_touches,
                set->n_touches, n_ctx, sum.ledger_rows, cli_seconds() - started);
        if (set->won_without_close_date)
            cli_warning("%zu won deals have no close date and were skipped",
                        set->won_without_close_date);
    }
    for (size_t i = 0; i < n_ctx; i++)
        allot_model_ctx_release(&ctx[i]);
    allot_fx_free(fx);
    allot_journey_set_free(set);
    allot_store_close(db);
    allot_taxonomy_free(taxonomy);
    allot_zone_free(zone);
    return cli_finish(status);
}
