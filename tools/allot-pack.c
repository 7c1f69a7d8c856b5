/* allot-pack — the report pack as one e-mail: writes OUT/allot-pack-PERIOD.eml
 * (text body with the headline numbers, the PDF, the workbook and the
 * charts attached) and, with --send, delivers it by SMTP or sendmail. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "deliver.h"
#include "mime.h"
#include "pack.h"
#include "period.h"
#include "store.h"

static void usage(void)
{
    printf("Usage: allot-pack [OPTION]...\n"
           "Write the report pack e-mail OUT/allot-pack-PERIOD.eml and, with --send,\n"
           "deliver it (SMTP or sendmail, from the [pack] section of the config).\n"
           "\n"
           "Attached from OUT when present (each one is optional; a missing one is\n"
           "noted on stderr and in the message): allot-pack.pdf, allot-report.xlsx,\n"
           "charts/*.png (by name); then every --attach FILE in order.\n"
           "\n"
           "  --db FILE        database for the headline numbers (default allot.db;\n"
           "                   missing or unreadable: exit 3)\n"
           "  --no-db          no database: the message goes without the numbers\n"
           "  --period P       2026Q3, FY2027Q1, 2026-07, 2026, A..B (default: the last\n"
           "                   complete quarter of the data, as allot-xlsx and\n"
           "                   allot-pdf; with --no-db the last complete quarter\n"
           "                   before today on the clocks of [general] timezone)\n"
           "  --config FILE    allot.ini with the [pack] section\n"
           "  --out DIR        where the renderers wrote their files and the .eml\n"
           "                   goes (default out)\n"
           "  --attach FILE    attach another file (repeatable)\n"
           "  --to ADDR        send to ADDR instead of the configured to, cc and\n"
           "                   bcc (repeatable)\n"
           "  --send           deliver the message after writing it\n"
           "  --dry-run        print recipients, size and attachments; send nothing\n"
           "  --help           show this help and exit\n"
           "\n"
           "The message is the same bytes (and Message-ID) for the same period and\n"
           "inputs, so a --send after a failed one re-sends the same message.\n"
           "Exit status: 0 done, 2 usage or configuration (also a CR/LF or an invalid\n"
           "address headed for a mail header), 3 environment (missing or unreadable\n"
           "database or file, delivery failed: the .eml stays).\n");
}

typedef struct file_list {
    char **paths;
    size_t n, cap;
} file_list;

static int list_add(file_list *l, const char *path)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        char **p = realloc(l->paths, cap * sizeof *p);
        if (!p)
            return -1;
        l->paths = p;
        l->cap = cap;
    }
    if (!(l->paths[l->n] = strdup(path)))
        return -1;
    l->n++;
    return 0;
}

static void list_free(file_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->paths[i]);
    free(l->paths);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static allot_status read_file(const char *path, unsigned char **data, size_t *size,
                              allot_error *err)
{
    *data = NULL;
    *size = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return allot_error_set(err, ALLOT_ERR_IO, path, 0, 0, "cannot open: %s",
                               strerror(errno));
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fclose(f);
        return allot_error_set(err, ALLOT_ERR_IO, path, 0, 0, "not a regular file");
    }
    unsigned char *p = malloc(sb.st_size > 0 ? (size_t)sb.st_size : 1);
    if (!p) {
        fclose(f);
        return allot_error_set(err, ALLOT_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    size_t n = fread(p, 1, (size_t)sb.st_size, f);
    int bad = ferror(f) || n != (size_t)sb.st_size;
    fclose(f);
    if (bad) {
        free(p);
        return allot_error_set(err, ALLOT_ERR_IO, path, 0, 0, "cannot read the whole file");
    }
    *data = p;
    *size = n;
    return ALLOT_OK;
}

/* Writes data to path through a temporary file and a rename, so a reader
 * never sees half a message. */
static allot_status write_atomically(const char *path, const char *data, size_t size,
                                     allot_error *err)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    snprintf(tmp, n, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        allot_status st = allot_error_set(err, ALLOT_ERR_IO, tmp, 0, 0, "cannot create: %s",
                                          strerror(errno));
        free(tmp);
        return st;
    }
    int bad = fwrite(data, 1, size, f) != size;
    bad |= fflush(f) != 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        allot_status st = allot_error_set(err, ALLOT_ERR_IO, path, 0, 0, "cannot write: %s",
                                          strerror(errno));
        unlink(tmp);
        free(tmp);
        return st;
    }
    free(tmp);
    return ALLOT_OK;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static const char *describe(const char *name)
{
    if (strcmp(name, "allot-pack.pdf") == 0)
        return "the report: headline numbers, then one chart per page";
    if (strcmp(name, "allot-report.xlsx") == 0)
        return "the workbook: every figure, definition and the reconciliation";
    return NULL;
}

/* The attachments: the renderers' files in out (optional, noted when
 * missing), the PNG files in charts/ sorted by name, then the --attach files (required). */
static allot_status find_attachments(const char *out, const file_list *extra, file_list *found,
                                     file_list *notes, allot_error *err)
{
    const char *fixed[] = {"allot-pack.pdf", "allot-report.xlsx"};
    const char *producer[] = {"allot-pdf", "allot-xlsx"};
    char path[4096], note[4200];
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", out, fixed[i]);
        if (access(path, R_OK) == 0) {
            if (list_add(found, path))
                return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
        } else {
            snprintf(note, sizeof note, "%s: not found in %s (run %s first)", fixed[i], out,
                     producer[i]);
            if (list_add(notes, note))
                return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
    }
    snprintf(path, sizeof path, "%s/charts", out);
    DIR *d = opendir(path);
    if (!d) {
        snprintf(note, sizeof note, "charts/*.png: no charts folder in %s (run allot-chart first)",
                 out);
        if (list_add(notes, note))
            return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    } else {
        file_list charts = {0};
        struct dirent *e;
        int oom = 0;
        while ((e = readdir(d)) != NULL) {
            size_t l = strlen(e->d_name);
            if (l > 4 && strcmp(e->d_name + l - 4, ".png") == 0 && e->d_name[0] != '.')
                oom |= list_add(&charts, e->d_name);
        }
        closedir(d);
        if (charts.n)
            qsort(charts.paths, charts.n, sizeof *charts.paths, compare_names);
        for (size_t i = 0; i < charts.n && !oom; i++) {
            snprintf(path, sizeof path, "%s/charts/%s", out, charts.paths[i]);
            oom |= list_add(found, path);
        }
        if (charts.n == 0 && !oom) {
            snprintf(note, sizeof note, "charts/*.png: none in %s/charts", out);
            oom |= list_add(notes, note);
        }
        list_free(&charts);
        if (oom)
            return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < extra->n; i++) {
        if (access(extra->paths[i], R_OK) != 0)
            return allot_error_set(err, ALLOT_ERR_IO, extra->paths[i], 0, 0,
                                   "cannot read the file to attach: %s", strerror(errno));
        if (list_add(found, extra->paths[i]))
            return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < found->n; i++)
        for (size_t k = 0; k < i; k++)
            if (strcmp(base_name(found->paths[i]), base_name(found->paths[k])) == 0)
                return allot_error_set(err, ALLOT_ERR_USAGE, found->paths[i], 0, 0,
                                       "two attachments would be named '%s' (also %s); "
                                       "rename one",
                                       base_name(found->paths[i]), found->paths[k]);
    return ALLOT_OK;
}

/* The subject template with {period} replaced; NULL when out of memory. */
static char *expand_subject(const char *template, const char *period)
{
    size_t n = strlen(template) + 1, pl = strlen(period);
    for (const char *p = template; (p = strstr(p, "{period}")) != NULL; p += 8)
        n += pl;
    char *s = malloc(n), *o = s;
    if (!s)
        return NULL;
    for (const char *p = template; *p;) {
        if (strncmp(p, "{period}", 8) == 0) {
            memcpy(o, period, pl);
            o += pl;
            p += 8;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    return s;
}

typedef struct options {
    const char *db, *period, *config, *out;
    file_list attach, to;
    int send, dry_run, no_db, db_given;
} options;

/* Header values from the configuration or the command line are checked
 * here so that a bad one is a usage/configuration error (exit 2) naming
 * where it came from: "allot.ini:5: [pack] subject: contains a line break". */
static int refuse(const allot_config *cfg, const char *key, const allot_error *err)
{
    long line = 0;
    if (cfg && key && allot_config_raw(cfg, "pack", key, &line) && line > 0)
        cli_error("%s:%ld: %s", allot_config_name(cfg), line, err->message);
    else
        cli_error("%s", err->message);
    return CLI_EXIT_USAGE;
}

static int check_header_values(const allot_config *cfg, const char *from, char **to,
                               size_t n_to, int to_from_options, char **cc, size_t n_cc,
                               char **bcc, size_t n_bcc, const char *subject)
{
    allot_error err;
    allot_error_clear(&err);
    if (allot_mime_check_address(from, "[pack] from", NULL, 0, &err))
        return refuse(cfg, "from", &err);
    for (size_t i = 0; i < n_to; i++)
        if (allot_mime_check_address(to[i], to_from_options ? "--to" : "[pack] to", NULL, 0,
                                     &err))
            return refuse(cfg, to_from_options ? NULL : "to", &err);
    for (size_t i = 0; i < n_cc; i++)
        if (allot_mime_check_address(cc[i], "[pack] cc", NULL, 0, &err))
            return refuse(cfg, "cc", &err);
    for (size_t i = 0; i < n_bcc; i++)
        if (allot_mime_check_address(bcc[i], "[pack] bcc", NULL, 0, &err))
            return refuse(cfg, "bcc", &err);
    if (allot_mime_check_header_text(subject, "[pack] subject", &err))
        return refuse(cfg, "subject", &err);
    return 0;
}

int main(int argc, char **argv)
{
    cli_init(argv[0]);
    double started = cli_seconds();
    options o = {.db = "allot.db", .out = "out"};
    enum { OPT_ATTACH = 1000, OPT_TO, OPT_SEND, OPT_DRY, OPT_NODB, OPT_HELP };
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},     {"period", required_argument, NULL, 'p'},
        {"config", required_argument, NULL, 'c'}, {"out", required_argument, NULL, 'o'},
        {"attach", required_argument, NULL, OPT_ATTACH},
        {"to", required_argument, NULL, OPT_TO},  {"send", no_argument, NULL, OPT_SEND},
        {"dry-run", no_argument, NULL, OPT_DRY},  {"help", no_argument, NULL, OPT_HELP},
        {"no-db", no_argument, NULL, OPT_NODB},
        {NULL, 0, NULL, 0}};
    int c, status = CLI_EXIT_OK;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': o.db = optarg; o.db_given = 1; break;
        case OPT_NODB: o.no_db = 1; break;
        case 'p': o.period = optarg; break;
        case 'c': o.config = optarg; break;
        case 'o': o.out = optarg; break;
        case OPT_ATTACH:
        case OPT_TO:
            if (list_add(c == OPT_TO ? &o.to : &o.attach, optarg)) {
                cli_error("out of memory");
                return CLI_EXIT_ENV;
            }
            break;
        case OPT_SEND: o.send = 1; break;
        case OPT_DRY: o.dry_run = 1; break;
        case OPT_HELP:
            usage();
            return cli_finish(CLI_EXIT_OK);
        default:
            list_free(&o.attach);
            list_free(&o.to);
            return cli_option_error(argv, "");
        }
    }
    if (optind < argc || (o.send && o.dry_run) || (o.no_db && o.db_given)) {
        list_free(&o.attach);
        list_free(&o.to);
        return cli_usage_error(optind < argc    ? "unexpected argument '%s'"
                               : o.send && o.dry_run ? "--send and --dry-run exclude each other%s"
                                                     : "--db and --no-db exclude each other%s",
                               optind < argc ? argv[optind] : "");
    }

    allot_error err;
    allot_error_clear(&err);
    allot_config *cfg = NULL;
    allot_zone *zone = NULL;
    sqlite3 *db = NULL;
    char **cfg_to = NULL, **cfg_cc = NULL, **cfg_bcc = NULL, *subject = NULL, *message = NULL, *body = NULL;
    char *password = NULL, *eml_path = NULL;
    size_t n_cfg_to = 0, n_cfg_cc = 0, n_cfg_bcc = 0, message_len = 0;
    file_list found = {0}, notes = {0};
    unsigned char **datas = NULL;
    allot_mime_attachment *atts = NULL;
    allot_pack_item *items = NULL;
    allot_status st = ALLOT_OK;

    if ((st = cli_config_load(o.config, &cfg, &err)) != ALLOT_OK)
        goto fail;
    allot_general general;
    const char *from, *template, *smtp_host, *smtp_user, *password_env, *password_file,
        *sendmail, *default_model, *ca_file;
    long smtp_port, timeout;
    int starttls, smtps;
    if ((st = allot_config_general(cfg, &general, &err)) ||
        (st = allot_config_get_string(cfg, "models", "default_model", &default_model, &err)) ||
        (st = allot_config_get_string(cfg, "pack", "from", &from, &err)) ||
        (st = allot_config_get_list(cfg, "pack", "to", &cfg_to, &n_cfg_to, &err)) ||
        (st = allot_config_get_list(cfg, "pack", "cc", &cfg_cc, &n_cfg_cc, &err)) ||
        (st = allot_config_get_list(cfg, "pack", "bcc", &cfg_bcc, &n_cfg_bcc, &err)) ||
        (st = allot_config_get_string(cfg, "pack", "subject", &template, &err)) ||
        (st = allot_config_get_string(cfg, "pack", "smtp_host", &smtp_host, &err)) ||
        (st = allot_config_get_int(cfg, "pack", "smtp_port", &smtp_port, &err)) ||
        (st = allot_config_get_bool(cfg, "pack", "smtp_starttls", &starttls, &err)) ||
        (st = allot_config_get_bool(cfg, "pack", "smtps", &smtps, &err)) ||
        (st = allot_config_get_string(cfg, "pack", "smtp_ca_file", &ca_file, &err)) ||
        (st = allot_config_get_int(cfg, "pack", "smtp_timeout", &timeout, &err)) ||
        (st = allot_config_get_string(cfg, "pack", "smtp_user", &smtp_user, &err)) ||
        (st = allot_config_get_string(cfg, "pack", "smtp_password_env", &password_env, &err)) ||
        (st = allot_config_get_string(cfg, "pack", "smtp_password_file", &password_file, &err)) ||
        (st = allot_config_get_string(cfg, "pack", "sendmail", &sendmail, &err)) ||
        (st = allot_config_zone(cfg, &zone, &err)))
        goto fail;

    /* The period: given, or (below, once the database is open) the last
     * complete quarter of the data; the last complete quarter before today
     * without a database. */
    allot_period period, by_clock;
    {
        allot_period now;
        allot_period_quarter_of(allot_zone_day_of(zone, (int64_t)time(NULL)),
                                general.fiscal_year_start_month, &now);
        allot_period_prior(&now, general.fiscal_year_start_month, &by_clock);
    }
    if (o.period) {
        if ((st = allot_period_parse(o.period, general.fiscal_year_start_month, &period, &err)))
            goto fail;
    } else {
        period = by_clock;
    }

    /* The database: a missing or unreadable one is an environment problem
     * (exit 3), found before the [pack] sender and recipients are checked;
     * --no-db writes the message without the headline numbers. */
    if (!o.no_db) {
        if (access(o.db, F_OK) != 0) {
            st = allot_error_set(&err, ALLOT_ERR_IO, o.db, 0, 0,
                                 "no database here (%s); run allot-load and allot-credit "
                                 "first, or give --no-db to write the pack without the "
                                 "headline numbers", strerror(errno));
            goto fail;
        }
        if ((st = allot_store_open_existing(o.db, &db, &err)))
            goto fail;
        /* The same default as allot-xlsx, allot-pdf and allot-chart, whose
         * files the pack attaches: the last complete quarter of the data
         * (lib/report_data.h allot_report_default_period). When the data
         * end before the quarter the clock says just ended, say so: the
         * scheduled pack then reports the quarter before. */
        if (!o.period) {
            int64_t data_end;
            int known;
            if ((st = allot_report_data_end(db, zone, &data_end, &known, &err)))
                goto fail;
            allot_error why;
            if (allot_report_default_period(data_end, known, general.fiscal_year_start_month,
                                            &period, &why) != ALLOT_OK) {
                period = by_clock;
                cli_warning("%s: the last complete quarter before today, %s", why.message,
                            period.label);
            } else if (period.start != by_clock.start) {
                char d_end[11];
                allot_date_format(data_end, d_end);
                cli_warning("the data ends on %s: the last complete quarter of the data is %s, "
                            "not %s (the last complete quarter before today); give --period "
                            "%s for it once its data are loaded",
                            d_end, period.label, by_clock.label, by_clock.label);
            }
        }
    }

    /* Recipients: --to replaces to, cc and bcc of the configuration. */
    char **to = o.to.n ? o.to.paths : cfg_to;
    size_t n_to = o.to.n ? o.to.n : n_cfg_to;
    char **cc = o.to.n ? NULL : cfg_cc;
    size_t n_cc = o.to.n ? 0 : n_cfg_cc;
    char **bcc = o.to.n ? NULL : cfg_bcc;
    size_t n_bcc = o.to.n ? 0 : n_cfg_bcc;
    if (!from[0]) {
        status = cli_usage_error("no sender: set from in the [pack] section of the config");
        goto done;
    }
    if (n_to + n_cc == 0) {
        status = cli_usage_error("no recipients: set to in the [pack] section or give --to");
        goto done;
    }
    if (!(subject = expand_subject(template, period.label))) {
        st = allot_error_set(&err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto fail;
    }
    if ((status = check_header_values(cfg, from, to, n_to, o.to.n > 0, cc, n_cc, bcc, n_bcc,
                                      subject)))
        goto done;
    if (n_bcc && !smtp_host[0]) {
        status = cli_usage_error("[pack] bcc works only with SMTP (smtp_host): sendmail -t "
                                 "takes its recipients from the headers");
        goto done;
    }

    /* Headline numbers (none with --no-db). */
    /* ... compared with the period just before (same kind and length). */
    char start[11], end[11], prior_start[11], prior_end[11];
    allot_period before;
    allot_period_prior(&period, general.fiscal_year_start_month, &before);
    allot_date_format(period.start, start);
    allot_date_format(period.end, end);
    allot_date_format(before.start, prior_start);
    allot_date_format(before.end, prior_end);
    allot_pack_period current = {period.label, start, end};
    allot_pack_period prior = {before.label, prior_start, prior_end};
    allot_pack_headlines headlines;
    if (db) {
        if ((st = allot_pack_headlines_load(db, &current, &prior, default_model,
                                            general.reporting_currency, zone, &headlines,
                                            &err)))
            goto fail;
    } else {
        cli_warning("--no-db: the message goes without the headline numbers");
        allot_pack_headlines_load(NULL, &current, &prior, NULL, NULL, NULL, &headlines, &err);
    }

    /* Attachments. */
    if ((st = find_attachments(o.out, &o.attach, &found, &notes, &err)))
        goto fail;
    for (size_t i = 0; i < notes.n; i++)
        cli_warning("not attached: %s", notes.paths[i]);
    datas = calloc(found.n + 1, sizeof *datas);
    atts = calloc(found.n + 1, sizeof *atts);
    items = calloc(found.n + 1, sizeof *items);
    if (!datas || !atts || !items) {
        st = allot_error_set(&err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto fail;
    }
    size_t total = 0;
    for (size_t i = 0; i < found.n; i++) {
        size_t size;
        if ((st = read_file(found.paths[i], &datas[i], &size, &err)))
            goto fail;
        atts[i] = (allot_mime_attachment){base_name(found.paths[i]), NULL, datas[i], size};
        items[i] = (allot_pack_item){base_name(found.paths[i]), (int64_t)size,
                                     describe(base_name(found.paths[i]))};
        total += size;
    }
    if (total > 20u * 1000 * 1000)
        cli_warning("the attachments take %.1f MB; many mail servers refuse messages over "
                    "20-25 MB",
                    (double)total / 1e6);

    char title[160], last[11];
    allot_date_format(period.end - 1, last);
    snprintf(title, sizeof title, "allot report pack for %s (%s to %s)", period.label, start,
             last);
    body = allot_pack_body_text(title, &headlines, items, found.n,
                                (const char *const *)notes.paths, notes.n);
    if (!body) {
        st = allot_error_set(&err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto fail;
    }
    char label[64];
    snprintf(label, sizeof label, "allot-pack.%s", period.label);
    allot_mime_message m = {.from = from,
                            .to = (const char *const *)to,
                            .n_to = n_to,
                            .cc = (const char *const *)cc,
                            .n_cc = n_cc,
                            .subject = subject,
                            .date = allot_epoch_of_day(period.end),
                            .id_label = label,
                            .text = body,
                            .attachments = atts,
                            .n_attachments = found.n};
    if ((st = allot_mime_build(&m, &message, &message_len, &err))) {
        if (st == ALLOT_ERR_DATA) { /* every header value comes from config or options */
            cli_error("%s", err.message);
            status = CLI_EXIT_USAGE;
            goto done;
        }
        goto fail;
    }
    size_t pl = strlen(o.out) + strlen(period.label) + 32;
    if (!(eml_path = malloc(pl))) {
        st = allot_error_set(&err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto fail;
    }
    snprintf(eml_path, pl, "%s/allot-pack-%s.eml", o.out, period.label);
    if ((st = write_atomically(eml_path, message, message_len, &err)))
        goto fail;

    const char *mid = strstr(message, "\r\nMessage-ID:");
    char message_id[256] = "";
    if (mid) {
        mid += 13;
        while (*mid == ' ' || *mid == '\r' || *mid == '\n')
            mid++;
        size_t l = strcspn(mid, "\r\n");
        snprintf(message_id, sizeof message_id, "%.*s", (int)(l < 255 ? l : 255), mid);
    }
    int use_smtp = smtp_host[0] != '\0';
    allot_smtp smtp = {.host = smtp_host,
                       .port = smtp_port,
                       .tls = smtps || smtp_port == 465 ? ALLOT_SMTP_TLS_IMPLICIT
                              : starttls                  ? ALLOT_SMTP_TLS_STARTTLS
                                                          : ALLOT_SMTP_TLS_NONE,
                       .user = smtp_user,
                       .ca_file = ca_file,
                       .timeout_seconds = timeout};

    if (o.dry_run) {
        printf("message: %s (%zu bytes)\n", eml_path, message_len);
        printf("message-id: %s\n", message_id);
        printf("subject: %s\n", subject);
        printf("from: %s\n", from);
        for (size_t i = 0; i < n_to; i++)
            printf("to: %s\n", to[i]);
        for (size_t i = 0; i < n_cc; i++)
            printf("cc: %s\n", cc[i]);
        for (size_t i = 0; i < n_bcc; i++)
            printf("bcc: %s\n", bcc[i]);
        for (size_t i = 0; i < found.n; i++)
            printf("attachment: %s (%s, %lld bytes)\n", atts[i].filename,
                   allot_mime_type_for(atts[i].filename), (long long)items[i].size);
        for (size_t i = 0; i < notes.n; i++)
            printf("not attached: %s\n", notes.paths[i]);
        if (use_smtp)
            printf("delivery: smtp %s:%ld%s%s%s\n", smtp_host, smtp_port,
                   smtp.tls == ALLOT_SMTP_TLS_IMPLICIT   ? " (TLS)"
                   : smtp.tls == ALLOT_SMTP_TLS_STARTTLS ? " (STARTTLS)"
                                                         : " (no TLS)",
                   smtp_user[0] ? ", AUTH as " : "", smtp_user);
        else
            printf("delivery: %s -t -oi\n", sendmail);
        printf("not sent (--dry-run)\n");
        fprintf(stderr, "%s: wrote %s (%zu bytes, %zu attachment%s, %zu recipient%s); dry run, "
                        "nothing sent\n",
                cli_program(), eml_path, message_len, found.n, found.n == 1 ? "" : "s",
                n_to + n_cc + n_bcc, n_to + n_cc + n_bcc == 1 ? "" : "s");
        goto done;
    }
    if (!o.send) {
        fprintf(stderr, "%s: wrote %s (%zu bytes, %zu attachment%s, %zu recipient%s); not sent "
                        "(give --send to deliver)\n",
                cli_program(), eml_path, message_len, found.n, found.n == 1 ? "" : "s",
                n_to + n_cc + n_bcc, n_to + n_cc + n_bcc == 1 ? "" : "s");
        goto done;
    }

    /* Delivery. */
    char reply[512] = "";
    if (use_smtp) {
        if (smtp_user[0]) {
            if ((st = allot_deliver_password(password_env, password_file, &password, &err)))
                goto fail;
            smtp.password = password;
        }
        size_t n_rcpt = n_to + n_cc + n_bcc;
        const char **rcpt = calloc(n_rcpt, sizeof *rcpt);
        if (!rcpt) {
            st = allot_error_set(&err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
            goto fail;
        }
        for (size_t i = 0; i < n_to; i++)
            rcpt[i] = to[i];
        for (size_t i = 0; i < n_cc; i++)
            rcpt[n_to + i] = cc[i];
        for (size_t i = 0; i < n_bcc; i++)
            rcpt[n_to + n_cc + i] = bcc[i];
        st = allot_deliver_smtp(&smtp, from, rcpt, n_rcpt, eml_path, reply, sizeof reply, &err);
        free(rcpt);
    } else {
        st = allot_deliver_sendmail(sendmail, eml_path, timeout, reply, sizeof reply, &err);
    }
    if (st) {
        status = cli_report(&err);
        cli_error("%s stays on disk; run again with --send to re-send the same message (%s)",
                  eml_path, message_id);
        goto done;
    }
    printf("sent %s %s to %zu recipient%s via %s: %s\n", eml_path, message_id,
           n_to + n_cc + n_bcc,
           n_to + n_cc + n_bcc == 1 ? "" : "s", use_smtp ? smtp_host : sendmail,
           reply[0] ? reply : "(no reply text)");
    fprintf(stderr, "%s: sent %s (%zu bytes, %zu attachment%s) to %zu recipient%s in %.2f s\n",
            cli_program(), eml_path, message_len, found.n, found.n == 1 ? "" : "s", n_to + n_cc + n_bcc,
            n_to + n_cc + n_bcc == 1 ? "" : "s", cli_seconds() - started);
    goto done;

fail:
    status = cli_report(&err);
done:
    if (db) {
        /* Record the run when there is a database to record it in. */
        char params[512];
        allot_error rerr; /* best effort: the outcome is already decided */
        snprintf(params, sizeof params, "dry_run=%d;out=%s;period=%s;send=%d", o.dry_run, o.out,
                 o.period ? o.period : "", o.send);
        allot_store_run_record(db, "allot-pack", params, status == 0 ? "ok" : "failed", NULL,
                               &rerr);
    }
    allot_deliver_password_free(password);
    for (size_t i = 0; datas && i < found.n; i++)
        free(datas[i]);
    free(datas);
    free(atts);
    free(items);
    free(message);
    free(body);
    free(subject);
    free(eml_path);
    list_free(&found);
    list_free(&notes);
    list_free(&o.attach);
    list_free(&o.to);
    allot_config_list_free(cfg_to, n_cfg_to);
    allot_config_list_free(cfg_cc, n_cfg_cc);
    allot_config_list_free(cfg_bcc, n_cfg_bcc);
    allot_store_close(db);
    allot_config_free(cfg);
    allot_zone_free(zone);
    return cli_finish(status);
}
