/* allot-load — load exported CSV files into the allot database. */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "config.h"
#include "dialect.h"
#include "load.h"
#include "money.h"
#include "store.h"
#include "zone.h"

static void usage(FILE *out)
{
    fprintf(out,
        "Usage: allot-load [OPTION]... FILE...\n"
        "Load exported CSV files into the allot database, one transaction per file.\n"
        "The table is chosen from each file's header: allot's canonical headers, or\n"
        "an export recognised by its header vocabulary (see --list-dialects).\n"
        "\n"
        "  --db FILE            database (default allot.db; created when missing)\n"
        "  --table NAME         load every FILE into this canonical table\n"
        "  --dialect NAME       read every FILE in this dialect: canonical, salesforce,\n"
        "                       salesforce-report, hubspot, google-ads, meta-ads,\n"
        "                       linkedin-ads, microsoft-ads, web-sessions, paths\n"
        "                       (default: recognised from each file's header)\n"
        "  --list-dialects      print the dialects and what each maps to, and exit\n"
        "  --config FILE        allot configuration (INI)\n"
        "  --max-rejects N      rows allowed to be rejected before nothing is loaded\n"
        "                       (default 0)\n"
        "  --rejects-dir DIR    write FILE.rejects.csv into DIR instead of next to FILE\n"
        "  --encoding E         utf-8, utf-16le, utf-16be or cp1252 (default: sniffed)\n"
        "  --delimiter C        field separator: ',', ';', 'tab', '|' (default: sniffed)\n"
        "  --header-line N      the header is on physical line N (default: sniffed)\n"
        "  --date-order ORDER   MDY or DMY for slash dates (default: inferred per column)\n"
        "  --decimal-comma      numbers use ',' as decimal separator (default: when ';'\n"
        "                       separates fields, unless the first rows show otherwise)\n"
        "  --decimal-point      numbers use '.' as decimal separator (default: otherwise)\n"
        "  --default-currency CODE\n"
        "                       amounts with no currency (an empty or absent currency\n"
        "                       column, no symbol) are in CODE (default: rejected)\n"
        "  --timezone ZONE      timestamps without a UTC offset are local times of ZONE,\n"
        "                       a tz database name such as Europe/Berlin, or UTC\n"
        "                       (default: --config's [general] timezone, else read as\n"
        "                       UTC with a warning per column)\n"
        "  --help               show this help and exit\n"
        "\n"
        "Each file ends with a summary line on stderr: rows read, loaded, updated,\n"
        "unchanged, rejected, dropped as totals, warnings; with several files a last\n"
        "line gives the totals (files, committed, rows, time). Rejected rows are\n"
        "written to FILE.rejects.csv (line, column, column_name, value, reason, raw).\n"
        "\n"
        "Exit status: 0 all files loaded; 1 rows rejected beyond --max-rejects or a\n"
        "file unusable (that file loaded nothing); 2 usage; 3 environment (missing or\n"
        "unreadable file, database locked or failing).\n");
}

static void on_warning(void *ctx, const char *file, long line, long column, const char *msg)
{
    (void)ctx;
    if (line > 0 && column > 0)
        cli_warning("%s:%ld:%ld: %s", file, line, column, msg);
    else if (line > 0)
        cli_warning("%s:%ld: %s", file, line, msg);
    else if (column > 0)
        cli_warning("%s: column %ld: %s", file, column, msg);
    else
        cli_warning("%s: %s", file, msg);
}

static void on_progress(void *ctx, int64_t done, int64_t total)
{
    cli_progress_bytes((const char *)ctx, done, total);
}

static const char *basename_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Loads every file into db (one transaction each), recording the run and
 * printing a line per file and, for several, one with the totals. Returns
 * the exit code. */
static int load_files(sqlite3 *db, const allot_load_options *opt_in, char *const files_given[],
                      int nfiles)
{
    allot_load_options opt = *opt_in;
    allot_error err;
    allot_status st;
    /* The run's parameters, sorted by key. */
    char params[1024];
    snprintf(params, sizeof params,
             "date_order=%s;decimal_comma=%s;default_currency=%s;delimiter=%d;dialect=%s;"
             "encoding=%s;header_line=%ld;max_rejects=%lld;table=%s;timezone=%s",
             opt.date_order == ALLOT_DATE_MDY ? "MDY" : opt.date_order == ALLOT_DATE_DMY ? "DMY"
                                                                                      : "auto",
             opt.decimal_comma < 0 ? "auto" : opt.decimal_comma ? "yes" : "no",
             opt.default_currency ? opt.default_currency : "none", opt.delimiter,
             opt.dialect ? opt.dialect : "auto", allot_csv_encoding_name(opt.encoding),
             opt.header_line, (long long)opt.max_rejects, opt.table ? opt.table : "auto",
             opt.timezone ? opt.timezone : "none");
    char digest[65];
    int64_t run_id = 0;
    st = allot_store_input_digest(db, digest, &err);
    if (!st)
        st = allot_store_run_begin(db, "allot-load", params, digest, &run_id, &err);
    if (st)
        return cli_report(&err);

    int status = CLI_EXIT_OK;
    opt.warn = on_warning;
    /* The totals over every file, for the closing line when there are several:
     * loaded, updated and unchanged only from the files that were committed. */
    int64_t files = 0, committed = 0, t_read = 0, t_loaded = 0, t_updated = 0, t_unchanged = 0,
            t_rejected = 0;
    double t_all = cli_seconds();
    for (int i = 0; i < nfiles; i++) {
        const char *path = files_given[i];
        allot_load_summary sum;
        double t0 = cli_seconds();
        opt.progress = on_progress;
        opt.progress_ctx = (void *)basename_of(path);
        allot_error_clear(&err);
        st = allot_load_file(db, path, &opt, &sum, &err);
        cli_progress_done();
        int code = st ? cli_report(&err) : CLI_EXIT_OK;
        if (code > status)
            status = code;
        files++;
        if (st == ALLOT_OK || st == ALLOT_ERR_REJECTED) {
            t_read += sum.read;
            t_rejected += sum.rejected;
        }
        if (st == ALLOT_OK) {
            committed++;
            t_loaded += sum.loaded;
            t_updated += sum.updated;
            t_unchanged += sum.unchanged;
        }
        if ((st == ALLOT_OK || st == ALLOT_ERR_REJECTED) && strcmp(sum.dialect, "canonical")) {
            char extra[128] = "";
            if (sum.ignored)
                snprintf(extra, sizeof extra, "; %lld ignored", (long long)sum.ignored);
            if (sum.campaigns_created) {
                size_t l = strlen(extra);
                snprintf(extra + l, sizeof extra - l, "; %lld campaigns created",
                         (long long)sum.campaigns_created);
            }
            if (sum.linked) {
                size_t l = strlen(extra);
                snprintf(extra + l, sizeof extra - l, "; %lld earlier touches linked",
                         (long long)sum.linked);
            }
            fprintf(stderr,
                    "%s: %s: %lld read, %lld loaded, %lld updated, %lld unchanged, %lld rejected, "
                    "%lld dropped as totals, %lld warnings (dialect %s: %s -> %s%s%s) in %.2f s\n",
                    cli_program(), path, (long long)sum.read, (long long)sum.loaded, (long long)sum.updated,
                    (long long)sum.unchanged, (long long)sum.rejected, (long long)sum.dropped,
                    (long long)sum.warnings, sum.dialect, sum.shape, sum.table, extra,
                    st == ALLOT_OK ? "" : "; nothing committed", cli_seconds() - t0);
        } else if (st == ALLOT_OK || st == ALLOT_ERR_REJECTED) {
            fprintf(stderr,
                    "%s: %s: %lld read, %lld loaded, %lld updated, %lld unchanged, %lld rejected, "
                    "%lld dropped as totals, %lld warnings (table %s%s) in %.2f s\n",
                    cli_program(), path, (long long)sum.read, (long long)sum.loaded, (long long)sum.updated,
                    (long long)sum.unchanged, (long long)sum.rejected, (long long)sum.dropped,
                    (long long)sum.warnings, sum.table,
                    st == ALLOT_OK ? "" : "; nothing committed", cli_seconds() - t0);
        } else {
            fprintf(stderr, "%s: %s: not loaded\n", cli_program(), path);
        }
        if (code == CLI_EXIT_ENV && (err.code == ALLOT_ERR_LOCKED || err.code == ALLOT_ERR_DB ||
                                     err.code == ALLOT_ERR_NOMEM))
            break;   /* the database itself is failing: stop */
    }
    if (nfiles > 1) {
        char untried[64] = "";
        if (files < nfiles)
            snprintf(untried, sizeof untried, ", %lld not tried",
                     (long long)(nfiles - files));
        fprintf(stderr,
                "%s: %lld files (%lld committed%s): %lld read, %lld loaded, %lld updated, "
                "%lld unchanged, %lld rejected in %.2f s\n",
                cli_program(), (long long)files, (long long)committed, untried,
                (long long)t_read, (long long)t_loaded, (long long)t_updated,
                (long long)t_unchanged, (long long)t_rejected, cli_seconds() - t_all);
    }
    allot_error_clear(&err);
    if (allot_store_run_end(db, run_id, status == 0 ? "ok" : "failed", &err))
        cli_report(&err);
    return status;
}

int main(int argc, char **argv)
{
    cli_init(argv[0]);
    /* One connection, used by this thread only (the loader hashes files on a
     * second thread that never touches SQLite): no SQLite mutexes needed. */
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    enum { O_DB = 256, O_TABLE, O_DIALECT, O_CONFIG, O_MAX_REJECTS, O_REJECTS_DIR, O_ENCODING,
           O_DELIMITER, O_HEADER_LINE, O_DATE_ORDER, O_DECIMAL_COMMA, O_DECIMAL_POINT,
           O_DEFAULT_CURRENCY, O_TIMEZONE, O_HELP, O_LIST_DIALECTS };
    static const struct option options[] = {
        {"db", required_argument, NULL, O_DB},
        {"table", required_argument, NULL, O_TABLE},
        {"dialect", required_argument, NULL, O_DIALECT},
        {"config", required_argument, NULL, O_CONFIG},
        {"max-rejects", required_argument, NULL, O_MAX_REJECTS},
        {"rejects-dir", required_argument, NULL, O_REJECTS_DIR},
        {"encoding", required_argument, NULL, O_ENCODING},
        {"delimiter", required_argument, NULL, O_DELIMITER},
        {"header-line", required_argument, NULL, O_HEADER_LINE},
        {"date-order", required_argument, NULL, O_DATE_ORDER},
        {"decimal-comma", no_argument, NULL, O_DECIMAL_COMMA},
        {"decimal-point", no_argument, NULL, O_DECIMAL_POINT},
        {"default-currency", required_argument, NULL, O_DEFAULT_CURRENCY},
        {"timezone", required_argument, NULL, O_TIMEZONE},
        {"help", no_argument, NULL, O_HELP},
        {"list-dialects", no_argument, NULL, O_LIST_DIALECTS},
        {NULL, 0, NULL, 0},
    };
    const char *db_path = "allot.db";
    char default_currency[4] = "";
    allot_load_options opt;
    allot_load_options_init(&opt);
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (c) {
        case O_DB: db_path = optarg; break;
        case O_TABLE:
            if (!allot_load_table(optarg))
                return cli_usage_error("unknown table '%s' (known: campaigns, spend, people, "
                                       "touches, deals, deal_people, stage_history, "
                                       "subscriptions, fx_rates, paths)", optarg);
            opt.table = optarg;
            break;
        case O_DIALECT:
            if (strcmp(optarg, "canonical") != 0 && allot_dialect_find(optarg) < 0)
                return cli_usage_error("unknown dialect '%s' (known: canonical, %s)", optarg,
                                       allot_dialect_names());
            opt.dialect = optarg;
            break;
        case O_CONFIG: opt.config_path = optarg; break;
        case O_MAX_REJECTS:
            opt.max_rejects = strtoll(optarg, &end, 10);
            if (*optarg == '\0' || *end || opt.max_rejects < 0)
                return cli_usage_error("--max-rejects needs a whole number >= 0, not '%s'",
                                       optarg);
            break;
        case O_REJECTS_DIR: opt.rejects_dir = optarg; break;
        case O_ENCODING: {
            int e = allot_csv_encoding_parse(optarg);
            if (e < 0)
                return cli_usage_error("unknown encoding '%s' (utf-8, utf-16le, utf-16be, "
                                       "cp1252)", optarg);
            opt.encoding = (allot_csv_encoding)e;
            break;
        }
        case O_DELIMITER:
            if (strcasecmp(optarg, "tab") == 0 || strcmp(optarg, "\\t") == 0)
                opt.delimiter = '\t';
            else if (strlen(optarg) == 1 && strchr(",;\t|", optarg[0]))
                opt.delimiter = optarg[0];
            else
                return cli_usage_error("--delimiter must be ',', ';', 'tab' or '|', not '%s'",
                                       optarg);
            break;
        case O_HEADER_LINE:
            opt.header_line = strtol(optarg, &end, 10);
            if (*optarg == '\0' || *end || opt.header_line < 1)
                return cli_usage_error("--header-line needs a line number >= 1, not '%s'",
                                       optarg);
            break;
        case O_DATE_ORDER:
            if (strcasecmp(optarg, "MDY") == 0)
                opt.date_order = ALLOT_DATE_MDY;
            else if (strcasecmp(optarg, "DMY") == 0)
                opt.date_order = ALLOT_DATE_DMY;
            else
                return cli_usage_error("--date-order must be MDY or DMY, not '%s'", optarg);
            break;
        case O_DECIMAL_COMMA: opt.decimal_comma = 1; break;
        case O_DECIMAL_POINT: opt.decimal_comma = 0; break;
        case O_DEFAULT_CURRENCY:
            for (size_t k = 0; k < sizeof default_currency - 1 && optarg[k]; k++)
                default_currency[k] = (char)toupper((unsigned char)optarg[k]);
            if (strlen(optarg) != 3 || !allot_currency_valid(default_currency))
                return cli_usage_error("--default-currency needs an ISO 4217 code such as "
                                       "USD, not '%s'", optarg);
            opt.default_currency = default_currency;
            break;
        case O_TIMEZONE: {
            allot_zone *zone;
            allot_error zerr;
            allot_error_clear(&zerr);
            if (allot_zone_new(optarg, &zone, &zerr))
                return cli_usage_error("--timezone: %s", zerr.message);
            allot_zone_free(zone);
            opt.timezone = optarg;
            break;
        }
        case O_HELP:
            usage(stdout);
            return cli_finish(CLI_EXIT_OK);
        case O_LIST_DIALECTS:
            printf("canonical\n  allot's own headers, one CSV per table (README \"Canonical CSV "
                   "headers\")\n");
            for (int d = 0; d < allot_dialect_count(); d++) {
                printf("%s\n", allot_dialect_name(d));
                const char *m;
                for (int k = 0; (m = allot_dialect_shape_maps(d, k)) != NULL; k++)
                    printf("  %s\n", m);
            }
            return cli_finish(CLI_EXIT_OK);
        default:
            return cli_option_error(argv, "");
        }
    }
    if (optind >= argc)
        return cli_usage_error("no input file");

    allot_error err;
    allot_error_clear(&err);
    char config_zone[sizeof ((allot_general *)0)->timezone];
    if (opt.config_path) {
        /* Of the configuration only [general] timezone changes a load: the
         * zone of local times when --timezone is not given. Reading it here
         * also reports a malformed file (exit 2) and unknown keys. */
        allot_config *cfg = NULL;
        if (allot_config_load(opt.config_path, &cfg, &err) != ALLOT_OK)
            return cli_report(&err);
        for (size_t i = 0; i < allot_config_warning_count(cfg); i++)
            cli_warning("%s", allot_config_warning(cfg, i));
        allot_general general;
        if (allot_config_general(cfg, &general, &err) != ALLOT_OK) {
            allot_config_free(cfg);
            return cli_report(&err);
        }
        if (!opt.timezone && allot_config_raw(cfg, "general", "timezone", NULL)) {
            snprintf(config_zone, sizeof config_zone, "%s", general.timezone);
            opt.timezone = config_zone;
        }
        allot_config_free(cfg);
    }
    /* A new database is built in a private file and published at the end
     * (lib/store.h, allot_store_open_draft). */
    sqlite3 *db = NULL;
    allot_store_draft draft;
    if (allot_store_open_draft(db_path, &db, &draft, &err))
        return cli_report(&err);
    int status = load_files(db, &opt, argv + optind, argc - optind);
    allot_error_clear(&err);
    if (allot_store_draft_publish(db, &draft, &err)) {
        cli_report(&err);
        return cli_finish(CLI_EXIT_ENV);
    }
    if (draft.raced) {
        cli_warning("%s was created by another tool while this one loaded; loading the files "
                    "again, into it", db_path);
        if (allot_store_open(db_path, &db, &err))
            return cli_report(&err);
        status = load_files(db, &opt, argv + optind, argc - optind);
        allot_store_close(db);
    }
    return cli_finish(status);
}
