#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"

static const char *program = "allot";
static double last_progress;
static int progress_shown;

void cli_init(const char *program_name)
{
    const char *slash = strrchr(program_name, '/');
    program = slash ? slash + 1 : program_name;
    opterr = 0;
}

const char *cli_program(void)
{
    return program;
}

static void vmessage(const char *kind, const char *fmt, va_list ap)
{
    cli_progress_done();
    fprintf(stderr, "%s: %s: ", program, kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage("error", fmt, ap);
    va_end(ap);
}

void cli_warning(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage("warning", fmt, ap);
    va_end(ap);
}

int cli_report(const allot_error *err)
{
    char where[320] = "";
    if (err->file[0] && err->line > 0 && err->column > 0)
        snprintf(where, sizeof where, "%s:%ld:%ld: ", err->file, err->line, err->column);
    else if (err->file[0] && err->line > 0)
        snprintf(where, sizeof where, "%s:%ld: ", err->file, err->line);
    else if (err->file[0])
        snprintf(where, sizeof where, "%s: ", err->file);
    cli_error("%s%s", where, err->message[0] ? err->message : allot_strerror(err->code));
    return allot_exit_code(err->code);
}

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cli_progress_done();
    fprintf(stderr, "%s: ", program);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help' for more information.\n", program);
    return CLI_EXIT_USAGE;
}

int cli_option_error(char *const argv[], const char *shortopts)
{
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    if (strncmp(arg, "--", 2) == 0) {
        int len = (int)strcspn(arg, "=");
        if (optopt == 0)
            return cli_usage_error("unrecognized option '%.*s'", len, arg);
        if (arg[len] == '=')
            return cli_usage_error("option '%.*s' takes no value", len, arg);
        return cli_usage_error("option '%s' needs a value", arg);
    }
    if (optopt && strchr(shortopts, optopt))
        return cli_usage_error("option '-%c' needs a value", optopt);
    return cli_usage_error("invalid option '-%c'", optopt ? optopt : '?');
}

FILE *cli_create(const char *path, allot_error *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        allot_error_set(err, ALLOT_ERR_IO, path, 0, 0, "cannot write: %s", strerror(errno));
    return f;
}

allot_status cli_close(FILE *f, const char *path, allot_status st, allot_error *err)
{
    errno = 0;
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    if (bad && st == ALLOT_OK)
        st = allot_error_set(err, ALLOT_ERR_IO, path, 0, 0, "cannot write: %s",
                             errno ? strerror(errno) : "write error (disk full?)");
    return st;
}

int cli_mkdirs(const char *path)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof buf) {
        errno = n ? ENAMETOOLONG : ENOENT;
        return -1;
    }
    memcpy(buf, path, n + 1);
    /* Each parent in turn, then the folder itself (as mkdir -p). */
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        if (buf[i - 1] == '/')
            continue;
        char keep = buf[i];
        buf[i] = '\0';
        struct stat sb;
        int rc = mkdir(buf, 0777);
        if (rc != 0 && !(errno == EEXIST && stat(buf, &sb) == 0 && S_ISDIR(sb.st_mode))) {
            if (errno == EEXIST)
                errno = ENOTDIR;
            return -1;
        }
        buf[i] = keep;
    }
    return 0;
}

allot_status cli_config_load(const char *path, allot_config **cfg, allot_error *err)
{
    if (!path)
        return ALLOT_OK;
    allot_status st = allot_config_load(path, cfg, err);
    for (size_t i = 0; st == ALLOT_OK && i < allot_config_warning_count(*cfg); i++)
        cli_warning("%s", allot_config_warning(*cfg, i));
    return st;
}

int cli_alpha_option(const char *text, double *out)
{
    char *end;
    double v = strtod(text, &end);
    if (*end || !(v > 0 && v < 1))
        return cli_usage_error("--alpha must be between 0 and 1, got '%s'", text);
    *out = v;
    return CLI_EXIT_OK;
}

int cli_fiscal_start_option(const char *text, int *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (*end || v < 1 || v > 12)
        return cli_usage_error("--fiscal-start must be a month 1-12, got '%s'", text);
    *out = (int)v;
    return CLI_EXIT_OK;
}

int cli_period_option(const char *text, int fiscal_start_month, allot_cohort_unit *unit,
                      allot_period *period, const allot_period **only)
{
    allot_error err;
    allot_error_clear(&err);
    if (allot_cohort_period_parse(text, fiscal_start_month, unit, period, only, &err) != ALLOT_OK)
        return cli_usage_error("--period: %s", err.message);
    return CLI_EXIT_OK;
}

/* The parameters text of a run: fmt formatted into a malloc'd string the
 * caller frees; NULL when out of memory. */
static char *format_parameters(const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *text = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (text)
        vsnprintf(text, (size_t)n + 1, fmt, again);
    va_end(again);
    return text;
}

allot_status cli_run_open(sqlite3 *db, const char *tool, int64_t *run_id, allot_error *err,
                          const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *params = format_parameters(fmt, ap);
    va_end(ap);
    if (!params)
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    allot_status st = allot_store_run_open(db, tool, params, run_id, err);
    free(params);
    return st;
}

allot_status cli_render_open(const char *config_path, const char *db_path, long *lookback_days,
                             allot_config **cfg, sqlite3 **db, allot_error *err)
{
    *cfg = NULL;
    *db = NULL;
    allot_status st = cli_config_load(config_path, cfg, err);
    if (st == ALLOT_OK && lookback_days)
        st = allot_config_get_int(*cfg, "general", "lookback_days", lookback_days, err);
    if (st == ALLOT_OK)
        st = allot_store_open_existing(db_path, db, err);
    return st;
}

void cli_run_record(sqlite3 *db, const char *tool, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *params = format_parameters(fmt, ap);
    va_end(ap);
    allot_error ignored;
    if (params)
        allot_store_run_record(db, tool, params, "ok", NULL, &ignored);
    free(params);
}

double cli_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 1 when a progress line is due: stderr is a terminal and the last line is
 * 0.1 s old (or the work is complete). */
static int progress_due(int64_t done, int64_t total)
{
    if (!isatty(STDERR_FILENO))
        return 0;
    double now = cli_seconds();
    if (progress_shown && now - last_progress < 0.1 && done != total)
        return 0;
    last_progress = now;
    progress_shown = 1;
    return 1;
}

void cli_progress(const char *what, int64_t done, int64_t total)
{
    if (!progress_due(done, total))
        return;
    if (total > 0)
        fprintf(stderr, "\r%s: %s %lld/%lld (%d%%)\033[K", program, what, (long long)done,
                (long long)total, (int)(100.0 * (double)done / (double)total));
    else if (done > 0)
        fprintf(stderr, "\r%s: %s %lld\033[K", program, what, (long long)done);
    else /* a stage with nothing to count yet: its name only */
        fprintf(stderr, "\r%s: %s ...\033[K", program, what);
}

void cli_progress_bytes(const char *what, int64_t done, int64_t total)
{
    if (!progress_due(done, total))
        return;
    if (total > 0)
        fprintf(stderr, "\r%s: %s %.1f/%.1f MB (%d%%)\033[K", program, what, (double)done / 1e6,
                (double)total / 1e6, (int)(100.0 * (double)done / (double)total));
    else
        fprintf(stderr, "\r%s: %s %.1f MB\033[K", program, what, (double)done / 1e6);
}

void cli_progress_done(void)
{
    if (progress_shown) {
        fputs("\r\033[K", stderr);
        progress_shown = 0;
    }
}

int cli_finish(int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_error("cannot write to standard output");
        return CLI_EXIT_ENV;
    }
    return status;
}
