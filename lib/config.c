#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "money.h"

/* The registry: every key allot reads. Keep README "Configuration" and
 * sample-data/allot.ini in step (tests/unit/test_config.c checks the sample). */
static const allot_config_key registry[] = {
    {"general", "reporting_currency", "USD", ALLOT_CFG_CURRENCY, 0, 0, 0,
     "ISO 4217 code all reports convert into (through fx_rates)"},
    {"general", "fiscal_year_start_month", "1", ALLOT_CFG_INT, 1, 12, 0,
     "first month of the fiscal year (1 = calendar year); FY named by the year it ends in"},
    {"general", "lookback_days", "90", ALLOT_CFG_INT, 1, 3650, 0,
     "touches older than this many days before a conversion are outside the journey"},
    {"general", "max_touches_per_journey", "0", ALLOT_CFG_INT, 0, 1000000, 0,
     "keep only the latest N touches of a journey (0 = no cap)"},
    {"general", "timezone", "UTC", ALLOT_CFG_STRING, 0, 0, 0,
     "the company's time zone (tz database name or +HH:MM): reports count days, "
     "months and quarters of timestamps on its clocks; allot-load reads local times "
     "without an offset in it"},

    {"models", "default_model", "linear", ALLOT_CFG_STRING, 0, 0, 0,
     "model shown first in reports and used for ROI when none is named"},
    {"models", "time_decay_half_life_days", "7", ALLOT_CFG_DOUBLE, 0.001, 3650, 0,
     "half-life H of the time-decay model, in days"},
    {"models", "position_based", "40/20/40", ALLOT_CFG_PERCENTS, 0, 0, 3,
     "first / middle (shared) / last touch shares of the position-based model"},
    {"models", "u_shaped", "40/40", ALLOT_CFG_PERCENTS, 0, 0, -2,
     "FT / LC milestone shares of the U-shaped model; the rest (100 - sum) goes to other touches"},
    {"models", "w_shaped", "30/30/30/10", ALLOT_CFG_PERCENTS, 0, 0, 4,
     "FT / LC / OC / rest shares of the W-shaped model"},
    {"models", "full_path", "22.5/22.5/22.5/22.5/10", ALLOT_CFG_PERCENTS, 0, 0, 5,
     "FT / LC / OC / CW / rest shares of the full-path (Z) model"},
    {"models", "j_shaped", "20/60/20", ALLOT_CFG_PERCENTS, 0, 0, 3,
     "first / last / rest shares of the J-shaped model"},
    {"models", "inverse_j", "60/20/20", ALLOT_CFG_PERCENTS, 0, 0, 3,
     "first / last / rest shares of the inverse-J model"},
    {"models", "custom", "FT:30, LC:30, OC:30, rest:10", ALLOT_CFG_NAMED, 0, 0, 0,
     "milestone weights of the custom model: FT, LC, MQL, SQL, OC, CW and rest, summing to 100"},
    {"models", "last_non_direct_exclude", "Direct", ALLOT_CFG_LIST, 0, 0, 0,
     "channels the last-non-direct model skips"},
    {"models", "markov_order", "1", ALLOT_CFG_INT, 1, 4, 0,
     "Markov chain order (1..4) of the markov model"},
    {"models", "markov_keep_repeats", "no", ALLOT_CFG_BOOL, 0, 0, 0,
     "keep consecutive repeats of a channel in the markov model"},
    {"models", "shapley", "auto", ALLOT_CFG_STRING, 0, 0, 0,
     "shapley model: auto (exact up to 20 channels), exact or simplified"},
    {"models", "bootstrap", "0", ALLOT_CFG_INT, 0, 100000, 0,
     "bootstrap replicates for the data-driven models' intervals (0: none)"},
    {"models", "bootstrap_seed", "1", ALLOT_CFG_INT, 0, 2147483647, 0,
     "seed of that bootstrap"},
    {"models", "dedupe_minutes", "0", ALLOT_CFG_INT, 0, 525600, 0,
     "touches of one person on the same channel within this many minutes count once (0 = off)"},

    {"taxonomy", "rule", "", ALLOT_CFG_MULTI, 0, 0, 0,
     "repeatable: 'field~glob, field=value -> Channel', tried in order before the built-in rules"},
    {"taxonomy", "group", "", ALLOT_CFG_MULTI, 0, 0, 0,
     "repeatable: 'Channel, Channel -> Group' assigns channels to a channel group"},
    {"taxonomy", "own_domains", "", ALLOT_CFG_LIST, 0, 0, 0,
     "your own sites: a referrer on these hosts is not a referral"},

    {"funnel", "*.lead", "", ALLOT_CFG_LIST, 0, 0, 0,
     "SYSTEM.lead: stage names of that source system meaning 'lead' (canonical name always matches)"},
    {"funnel", "*.mql", "", ALLOT_CFG_LIST, 0, 0, 0, "SYSTEM.mql: stage names meaning MQL"},
    {"funnel", "*.sql", "", ALLOT_CFG_LIST, 0, 0, 0, "SYSTEM.sql: stage names meaning SQL"},
    {"funnel", "*.opportunity", "", ALLOT_CFG_LIST, 0, 0, 0,
     "SYSTEM.opportunity: stage names meaning opportunity"},
    {"funnel", "*.won", "", ALLOT_CFG_LIST, 0, 0, 0, "SYSTEM.won: deal stage names meaning closed-won"},
    {"funnel", "*.lost", "", ALLOT_CFG_LIST, 0, 0, 0, "SYSTEM.lost: deal stage names meaning closed-lost"},
    {"funnel", "sales_activity_stage", "contacted", ALLOT_CFG_STRING, 0, 0, 0,
     "person stage whose entry marks the first sales activity (speed-to-lead)"},
    {"funnel", "sales_activity_touch_type", "sales_activity", ALLOT_CFG_STRING, 0, 0, 0,
     "touch type that is a sales activity (speed-to-lead); such touches are not marketing touches"},
    {"funnel", "sla_hours", "24", ALLOT_CFG_DOUBLE, 0, 8760, 0,
     "speed-to-lead service level: first sales activity within this many hours of MQL"},
    /* The only place the default marketing-sourced lists are written:
     * lib/funnel.c reads these defaults when the options leave a list NULL. */
    {"funnel", "marketing_lead_sources",
     "web, website, paid search, organic search, paid social, organic social, social, email, "
     "event, events, webinar, content, advertisement, display, referral, marketing",
     ALLOT_CFG_LIST, 0, 0, 0,
     "deals.lead_source values that make a deal marketing-sourced (empty: none does)"},
    {"funnel", "non_marketing_channels", "Partner, Direct", ALLOT_CFG_LIST, 0, 0, 0,
     "channels whose first touch does not make a deal marketing-sourced (empty: every channel does)"},

    {"okr", "*", "", ALLOT_CFG_DOUBLE, -1e18, 1e18, 0,
     "free-form targets, NAME = number (e.g. mql_per_quarter = 500, mql_to_won_rate = 0.30)"},

    {"retention", "gross_margin", "0.8", ALLOT_CFG_DOUBLE, 0, 1, 0,
     "gross margin (fraction) for CLV and CAC payback"},

    {"pack", "from", "", ALLOT_CFG_STRING, 0, 0, 0, "sender address of the pack e-mail"},
    {"pack", "to", "", ALLOT_CFG_LIST, 0, 0, 0, "recipients (comma-separated)"},
    {"pack", "cc", "", ALLOT_CFG_LIST, 0, 0, 0, "copy recipients (comma-separated)"},
    {"pack", "bcc", "", ALLOT_CFG_LIST, 0, 0, 0,
     "blind copies (comma-separated): SMTP RCPT TO only, never in the message; not with sendmail"},
    {"pack", "subject", "allot pack {period}", ALLOT_CFG_STRING, 0, 0, 0,
     "subject template; {period} becomes the period label"},
    {"pack", "smtp_host", "", ALLOT_CFG_STRING, 0, 0, 0,
     "SMTP server; empty = deliver with sendmail"},
    {"pack", "smtp_port", "587", ALLOT_CFG_INT, 1, 65535, 0, "SMTP port"},
    {"pack", "smtp_starttls", "yes", ALLOT_CFG_BOOL, 0, 0, 0, "require STARTTLS"},
    {"pack", "smtps", "no", ALLOT_CFG_BOOL, 0, 0, 0,
     "TLS from the first byte (smtps) instead of STARTTLS; smtp_port 465 implies yes"},
    {"pack", "smtp_ca_file", "", ALLOT_CFG_STRING, 0, 0, 0,
     "PEM file of the CA that signed the server's certificate (empty = the system's CAs)"},
    {"pack", "smtp_timeout", "120", ALLOT_CFG_INT, 1, 3600, 0,
     "seconds the whole delivery (SMTP session or sendmail) may take"},
    {"pack", "smtp_user", "", ALLOT_CFG_STRING, 0, 0, 0, "SMTP user name (empty = no AUTH)"},
    {"pack", "smtp_password_env", "ALLOT_SMTP_PASSWORD", ALLOT_CFG_STRING, 0, 0, 0,
     "environment variable holding the SMTP password"},
    {"pack", "smtp_password_file", "", ALLOT_CFG_STRING, 0, 0, 0,
     "file (mode 0600) holding the SMTP password, used when the variable is unset"},
    {"pack", "sendmail", "/usr/sbin/sendmail", ALLOT_CFG_STRING, 0, 0, 0,
     "sendmail-compatible program used when smtp_host is empty"},
};

#define REGISTRY_SIZE (sizeof registry / sizeof registry[0])

typedef struct entry {
    char *section, *key, *value;
    long line;
} entry;

struct allot_config {
    char *name;
    entry *entries;
    size_t n_entries, cap_entries;
    char **warnings;
    size_t n_warnings, cap_warnings;
};

size_t allot_config_key_count(void)
{
    return REGISTRY_SIZE;
}

const allot_config_key *allot_config_key_at(size_t i)
{
    return i < REGISTRY_SIZE ? &registry[i] : NULL;
}

/* '*' matches any run of characters (pattern keys in the registry). */
static int pattern_match(const char *pat, const char *s)
{
    if (!*pat)
        return !*s;
    if (*pat == '*') {
        for (;; s++) {
            if (pattern_match(pat + 1, s))
                return 1;
            if (!*s)
                return 0;
        }
    }
    return *s && *pat == *s && pattern_match(pat + 1, s + 1);
}

static const allot_config_key *lookup(const char *section, const char *key)
{
    for (size_t i = 0; i < REGISTRY_SIZE; i++)
        if (strcmp(registry[i].section, section) == 0 && pattern_match(registry[i].key, key))
            return &registry[i];
    return NULL;
}

static int section_known(const char *section)
{
    for (size_t i = 0; i < REGISTRY_SIZE; i++)
        if (strcmp(registry[i].section, section) == 0)
            return 1;
    return 0;
}

static char *dup_range(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static int add_warning(allot_config *cfg, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int add_warning(allot_config *cfg, long line, const char *fmt, ...)
{
    char msg[512];
    int k = snprintf(msg, sizeof msg, "%s:%ld: ", cfg->name, line);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + k, sizeof msg - (size_t)k, fmt, ap);
    va_end(ap);
    if (cfg->n_warnings == cfg->cap_warnings) {
        size_t cap = cfg->cap_warnings ? cfg->cap_warnings * 2 : 8;
        char **w = realloc(cfg->warnings, cap * sizeof *w);
        if (!w)
            return -1;
        cfg->warnings = w;
        cfg->cap_warnings = cap;
    }
    char *copy = dup_range(msg, strlen(msg));
    if (!copy)
        return -1;
    cfg->warnings[cfg->n_warnings++] = copy;
    return 0;
}

static const char *trim(const char *s, const char *end, const char **out_end)
{
    while (s < end && isspace((unsigned char)*s))
        s++;
    while (end > s && isspace((unsigned char)end[-1]))
        end--;
    *out_end = end;
    return s;
}

static int valid_name(const char *s, const char *end)
{
    if (s == end)
        return 0;
    for (; s < end; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '-' || *s == '.'))
            return 0;
    return 1;
}

static const entry *last_entry(const allot_config *cfg, const char *section, const char *key)
{
    if (!cfg)
        return NULL;
    for (size_t i = cfg->n_entries; i-- > 0;)
        if (strcmp(cfg->entries[i].section, section) == 0 && strcmp(cfg->entries[i].key, key) == 0)
            return &cfg->entries[i];
    return NULL;
}

allot_status allot_config_parse(const char *text, size_t len, const char *name,
                                allot_config **out, allot_error *err)
{
    *out = NULL;
    allot_config *cfg = calloc(1, sizeof *cfg);
    if (!cfg || !(cfg->name = dup_range(name ? name : "", strlen(name ? name : "")))) {
        free(cfg);
        return allot_error_set(err, ALLOT_ERR_NOMEM, name, 0, 0, "out of memory reading configuration");
    }
    char *section = NULL;
    const char *p = text, *end = text + len;
    long line = 0;
    allot_status st = ALLOT_OK;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < end && st == ALLOT_OK) {
        line++;
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        const char *lend;
        const char *s = trim(p, eol, &lend);
        p = eol < end ? eol + 1 : end;
        if (memchr(s, '\0', (size_t)(lend - s))) {
            st = allot_error_set(err, ALLOT_ERR_CONFIG, cfg->name, line, 0,
                                 "NUL byte in configuration line; is this a text file?");
            break;
        }
        if (s == lend || *s == '#' || *s == ';')
            continue;
        if (*s == '[') {
            if (lend[-1] != ']') {
                st = allot_error_set(err, ALLOT_ERR_CONFIG, cfg->name, line, 0,
                                     "section header has no closing ']'; write e.g. [general]");
                break;
            }
            const char *ne;
            const char *ns = trim(s + 1, lend - 1, &ne);
            if (!valid_name(ns, ne)) {
                st = allot_error_set(err, ALLOT_ERR_CONFIG, cfg->name, line, 0,
                                     "bad section name '%.*s': use letters, digits, '_', '-', '.'",
                                     (int)(ne - ns), ns);
                break;
            }
            free(section);
            section = dup_range(ns, (size_t)(ne - ns));
            if (!section) {
                st = allot_error_set(err, ALLOT_ERR_NOMEM, cfg->name, line, 0, "out of memory");
                break;
            }
            for (char *c = section; *c; c++)
                *c = (char)tolower((unsigned char)*c);
            if (!section_known(section) && add_warning(cfg, line, "unknown section [%s] (ignored)", section))
                st = allot_error_set(err, ALLOT_ERR_NOMEM, cfg->name, line, 0, "out of memory");
            continue;
        }
        const char *eq = memchr(s, '=', (size_t)(lend - s));
        if (!eq) {
            st = allot_error_set(err, ALLOT_ERR_CONFIG, cfg->name, line, 0,
                                 "expected 'key = value', '[section]' or a comment");
            break;
        }
        if (!section) {
            st = allot_error_set(err, ALLOT_ERR_CONFIG, cfg->name, line, 0,
                                 "key outside any section; put it under e.g. [general]");
            break;
        }
        const char *ke, *ve;
        const char *ks = trim(s, eq, &ke);
        const char *vs = trim(eq + 1, lend, &ve);
        if (!valid_name(ks, ke)) {
            st = allot_error_set(err, ALLOT_ERR_CONFIG, cfg->name, line, 0,
                                 "bad key name '%.*s': use letters, digits, '_', '-', '.'",
                                 (int)(ke - ks), ks);
            break;
        }
        if (cfg->n_entries == cfg->cap_entries) {
            size_t cap = cfg->cap_entries ? cfg->cap_entries * 2 : 32;
            entry *e = realloc(cfg->entries, cap * sizeof *e);
            if (!e) {
                st = allot_error_set(err, ALLOT_ERR_NOMEM, cfg->name, line, 0, "out of memory");
                break;
            }
            cfg->entries = e;
            cfg->cap_entries = cap;
        }
        entry e = {dup_range(section, strlen(section)), dup_range(ks, (size_t)(ke - ks)),
                   dup_range(vs, (size_t)(ve - vs)), line};
        if (!e.section || !e.key || !e.value) {
            free(e.section);
            free(e.key);
            free(e.value);
            st = allot_error_set(err, ALLOT_ERR_NOMEM, cfg->name, line, 0, "out of memory");
            break;
        }
        for (char *c = e.key; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        const allot_config_key *k = lookup(e.section, e.key);
        int warn = 0;
        if (!k && section_known(e.section))
            warn = add_warning(cfg, line, "unknown key '%s' in [%s] (ignored)", e.key, e.section);
        else if (k && k->kind != ALLOT_CFG_MULTI) {
            const entry *prev = last_entry(cfg, e.section, e.key);
            if (prev)
                warn = add_warning(cfg, line, "[%s] %s set again (line %ld); this later value wins",
                                   e.section, e.key, prev->line);
        }
        cfg->entries[cfg->n_entries++] = e;
        if (warn)
            st = allot_error_set(err, ALLOT_ERR_NOMEM, cfg->name, line, 0, "out of memory");
    }
    free(section);
    if (st != ALLOT_OK) {
        allot_config_free(cfg);
        return st;
    }
    *out = cfg;
    return ALLOT_OK;
}

allot_status allot_config_load(const char *path, allot_config **cfg, allot_error *err)
{
    *cfg = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return allot_error_set(err, ALLOT_ERR_IO, path, 0, 0, "cannot open configuration: %s",
                               strerror(errno));
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (len < cap)
            break;
        if (cap >= (size_t)16 << 20) {
            fclose(f);
            free(buf);
            return allot_error_set(err, ALLOT_ERR_CONFIG, path, 0, 0,
                                   "configuration larger than 16 MiB; is this the right file?");
        }
        char *nb = realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    if (!buf) {
        fclose(f);
        return allot_error_set(err, ALLOT_ERR_NOMEM, path, 0, 0, "out of memory reading configuration");
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return allot_error_set(err, ALLOT_ERR_IO, path, 0, 0, "cannot read configuration");
    }
    allot_status st = allot_config_parse(buf, len, path, cfg, err);
    free(buf);
    return st;
}

void allot_config_free(allot_config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < cfg->n_entries; i++) {
        free(cfg->entries[i].section);
        free(cfg->entries[i].key);
        free(cfg->entries[i].value);
    }
    free(cfg->entries);
    for (size_t i = 0; i < cfg->n_warnings; i++)
        free(cfg->warnings[i]);
    free(cfg->warnings);
    free(cfg->name);
    free(cfg);
}

const char *allot_config_name(const allot_config *cfg)
{
    return cfg ? cfg->name : "";
}

size_t allot_config_warning_count(const allot_config *cfg)
{
    return cfg ? cfg->n_warnings : 0;
}

const char *allot_config_warning(const allot_config *cfg, size_t i)
{
    return cfg && i < cfg->n_warnings ? cfg->warnings[i] : NULL;
}

const char *allot_config_raw(const allot_config *cfg, const char *section, const char *key,
                             long *line)
{
    const entry *e = last_entry(cfg, section, key);
    if (line)
        *line = e ? e->line : 0;
    return e ? e->value : NULL;
}

int allot_config_entry(const allot_config *cfg, size_t i, const char **section,
                       const char **key, const char **value, long *line)
{
    if (!cfg || i >= cfg->n_entries)
        return 0;
    const entry *e = &cfg->entries[i];
    if (section)
        *section = e->section;
    if (key)
        *key = e->key;
    if (value)
        *value = e->value;
    if (line)
        *line = e->line;
    return 1;
}

size_t allot_config_count(const allot_config *cfg, const char *section, const char *key)
{
    size_t n = 0;
    for (size_t i = 0; cfg && i < cfg->n_entries; i++)
        n += strcmp(cfg->entries[i].section, section) == 0 && strcmp(cfg->entries[i].key, key) == 0;
    return n;
}

const char *allot_config_nth(const allot_config *cfg, const char *section, const char *key,
                             size_t nth, long *line)
{
    for (size_t i = 0; cfg && i < cfg->n_entries; i++) {
        const entry *e = &cfg->entries[i];
        if (strcmp(e->section, section) == 0 && strcmp(e->key, key) == 0 && nth-- == 0) {
            if (line)
                *line = e->line;
            return e->value;
        }
    }
    if (line)
        *line = 0;
    return NULL;
}

/* The value to parse for a registered key: the file's, else the default.
 * Fills *file and *line for messages (NULL/0 for a default). */
static allot_status resolve(const allot_config *cfg, const char *section, const char *key,
                            allot_config_kind kind, const allot_config_key **reg,
                            const char **value, const char **file, long *line, allot_error *err)
{
    *reg = lookup(section, key);
    if (!*reg || (*reg)->kind != kind)
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "internal: configuration key [%s] %s is not registered in config.c "
                               "with this type", section, key);
    const entry *e = last_entry(cfg, section, key);
    if (e) {
        *value = e->value;
        *file = cfg->name;
        *line = e->line;
    } else {
        *value = (*reg)->def;
        *file = NULL;
        *line = 0;
    }
    return ALLOT_OK;
}

static allot_status bad_value(const char *file, long line, const char *section, const char *key,
                              const char *value, const char *expect, allot_error *err)
{
    return allot_error_set(err, ALLOT_ERR_CONFIG, file, line, 0, "[%s] %s = '%s': expected %s%s",
                           section, key, value, expect, file ? "" : " (built-in default)");
}

allot_status allot_config_get_string(const allot_config *cfg, const char *section,
                                     const char *key, const char **out, allot_error *err)
{
    const allot_config_key *reg;
    const char *file = NULL;
    long line = 0;
    return resolve(cfg, section, key, ALLOT_CFG_STRING, &reg, out, &file, &line, err);
}

allot_status allot_config_get_int(const allot_config *cfg, const char *section,
                                  const char *key, long *out, allot_error *err)
{
    const allot_config_key *reg;
    const char *value = NULL, *file = NULL;
    long line = 0;
    allot_status st = resolve(cfg, section, key, ALLOT_CFG_INT, &reg, &value, &file, &line, err);
    if (st)
        return st;
    char expect[128];
    snprintf(expect, sizeof expect, "a whole number from %.0f to %.0f", reg->min, reg->max);
    char *endp;
    errno = 0;
    long v = strtol(value, &endp, 10);
    if (!*value || *endp || errno || v < reg->min || v > reg->max)
        return bad_value(file, line, section, key, value, expect, err);
    *out = v;
    return ALLOT_OK;
}

static int parse_double(const char *s, const char *end, double *out)
{
    char buf[64];
    size_t n = (size_t)(end - s);
    if (n == 0 || n >= sizeof buf)
        return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    /* plain decimals only: no hex floats, inf or nan */
    for (size_t i = 0; i < n; i++)
        if (!(isdigit((unsigned char)buf[i]) || buf[i] == '.' || buf[i] == '-' || buf[i] == '+' ||
              buf[i] == 'e' || buf[i] == 'E'))
            return 0;
    char *endp;
    errno = 0;
    double v = strtod(buf, &endp);
    if (*endp || errno || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

allot_status allot_config_get_double(const allot_config *cfg, const char *section,
                                     const char *key, double *out, allot_error *err)
{
    const allot_config_key *reg;
    const char *value = NULL, *file = NULL;
    long line = 0;
    allot_status st = resolve(cfg, section, key, ALLOT_CFG_DOUBLE, &reg, &value, &file, &line, err);
    if (st)
        return st;
    char expect[128];
    snprintf(expect, sizeof expect, "a number from %g to %g", reg->min, reg->max);
    double v;
    if (!parse_double(value, value + strlen(value), &v) || v < reg->min || v > reg->max)
        return bad_value(file, line, section, key, value, expect, err);
    *out = v;
    return ALLOT_OK;
}

allot_status allot_config_get_bool(const allot_config *cfg, const char *section,
                                   const char *key, int *out, allot_error *err)
{
    const allot_config_key *reg;
    const char *value = NULL, *file = NULL;
    long line = 0;
    allot_status st = resolve(cfg, section, key, ALLOT_CFG_BOOL, &reg, &value, &file, &line, err);
    if (st)
        return st;
    static const char *const yes[] = {"yes", "true", "on", "1"};
    static const char *const no[] = {"no", "false", "off", "0"};
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(value, yes[i]) == 0) {
            *out = 1;
            return ALLOT_OK;
        }
        if (strcasecmp(value, no[i]) == 0) {
            *out = 0;
            return ALLOT_OK;
        }
    }
    return bad_value(file, line, section, key, value, "yes or no", err);
}

allot_status allot_config_get_percents(const allot_config *cfg, const char *section,
                                       const char *key, double *out, size_t n,
                                       allot_error *err)
{
    const allot_config_key *reg;
    const char *value = NULL, *file = NULL;
    long line = 0;
    allot_status st = resolve(cfg, section, key, ALLOT_CFG_PERCENTS, &reg, &value, &file, &line, err);
    if (st)
        return st;
    int rest_implied = reg->count < 0;
    size_t want = (size_t)(rest_implied ? -reg->count : reg->count);
    if (n != want)
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "internal: [%s] %s has %zu values, caller asked for %zu", section,
                               key, want, n);
    char expect[160];
    snprintf(expect, sizeof expect, "%zu percentages separated by '/', each 0..100, %s", want,
             rest_implied ? "summing to at most 100 (the rest goes to the other touches)"
                          : "summing to 100");
    const char *p = value;
    double sum = 0;
    for (size_t i = 0; i < want; i++) {
        const char *q = strchr(p, '/');
        const char *stop = q ? q : p + strlen(p);
        if ((q == NULL) != (i + 1 == want))
            return bad_value(file, line, section, key, value, expect, err);
        const char *te;
        const char *ts = trim(p, stop, &te);
        double v;
        if (!parse_double(ts, te, &v) || v < 0 || v > 100)
            return bad_value(file, line, section, key, value, expect, err);
        out[i] = v / 100.0;
        sum += v;
        p = q ? q + 1 : stop;
    }
    if (rest_implied ? sum > 100 + 1e-9 : fabs(sum - 100) > 1e-9)
        return bad_value(file, line, section, key, value, expect, err);
    return ALLOT_OK;
}

allot_status allot_config_get_named(const allot_config *cfg, const char *section,
                                    const char *key, allot_named_weight *out, size_t max,
                                    size_t *n, allot_error *err)
{
    const allot_config_key *reg;
    const char *value = NULL, *file = NULL;
    long line = 0;
    allot_status st = resolve(cfg, section, key, ALLOT_CFG_NAMED, &reg, &value, &file, &line, err);
    if (st)
        return st;
    const char *expect = "NAME:percent pairs separated by ',' (e.g. FT:30, LC:30, OC:30, rest:10), "
                         "names unique, percents 0..100 summing to 100";
    *n = 0;
    double sum = 0;
    const char *p = value;
    while (*p) {
        const char *comma = strchr(p, ',');
        const char *stop = comma ? comma : p + strlen(p);
        const char *colon = memchr(p, ':', (size_t)(stop - p));
        if (!colon || *n == max)
            return bad_value(file, line, section, key, value, expect, err);
        const char *ne, *ve;
        const char *ns = trim(p, colon, &ne);
        const char *vs = trim(colon + 1, stop, &ve);
        size_t len = (size_t)(ne - ns);
        double v;
        if (len == 0 || len > 15 || !parse_double(vs, ve, &v) || v < 0 || v > 100)
            return bad_value(file, line, section, key, value, expect, err);
        for (const char *c = ns; c < ne; c++)
            if (!(isalnum((unsigned char)*c) || *c == '_'))
                return bad_value(file, line, section, key, value, expect, err);
        allot_named_weight *w = &out[*n];
        memcpy(w->name, ns, len);
        w->name[len] = '\0';
        for (size_t j = 0; j < *n; j++)
            if (strcasecmp(out[j].name, w->name) == 0)
                return bad_value(file, line, section, key, value, expect, err);
        w->weight = v / 100.0;
        sum += v;
        (*n)++;
        p = comma ? comma + 1 : stop;
    }
    if (*n == 0 || fabs(sum - 100) > 1e-9)
        return bad_value(file, line, section, key, value, expect, err);
    return ALLOT_OK;
}

void allot_config_list_free(char **items, size_t n)
{
    for (size_t i = 0; items && i < n; i++)
        free(items[i]);
    free(items);
}

allot_status allot_config_get_list(const allot_config *cfg, const char *section,
                                   const char *key, char ***items, size_t *n, allot_error *err)
{
    const allot_config_key *reg;
    const char *value = NULL, *file = NULL;
    long line = 0;
    *items = NULL;
    *n = 0;
    allot_status st = resolve(cfg, section, key, ALLOT_CFG_LIST, &reg, &value, &file, &line, err);
    if (st)
        return st;
    size_t cap = 1;
    for (const char *c = value; *c; c++)
        cap += *c == ',';
    char **list = calloc(cap, sizeof *list);
    if (!list)
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    size_t count = 0;
    const char *p = value;
    for (;;) {
        const char *comma = strchr(p, ',');
        const char *stop = comma ? comma : p + strlen(p);
        const char *te;
        const char *ts = trim(p, stop, &te);
        if (te > ts) {
            list[count] = dup_range(ts, (size_t)(te - ts));
            if (!list[count]) {
                allot_config_list_free(list, count);
                return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
            }
            count++;
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    *items = list;
    *n = count;
    return ALLOT_OK;
}

allot_status allot_config_get_currency(const allot_config *cfg, const char *section,
                                       const char *key, const char **out, allot_error *err)
{
    const allot_config_key *reg;
    const char *value = NULL, *file = NULL;
    long line = 0;
    allot_status st = resolve(cfg, section, key, ALLOT_CFG_CURRENCY, &reg, &value, &file, &line, err);
    if (st)
        return st;
    if (!allot_currency_valid(value))
        return bad_value(file, line, section, key, value,
                         "an ISO 4217 currency code in upper case (e.g. USD, EUR)", err);
    *out = value;
    return ALLOT_OK;
}

allot_status allot_config_general(const allot_config *cfg, allot_general *out, allot_error *err)
{
    const char *cur = NULL;
    long month, lookback, cap;
    allot_status st;
    if ((st = allot_config_get_currency(cfg, "general", "reporting_currency", &cur, err)) ||
        (st = allot_config_get_int(cfg, "general", "fiscal_year_start_month", &month, err)) ||
        (st = allot_config_get_int(cfg, "general", "lookback_days", &lookback, err)) ||
        (st = allot_config_get_int(cfg, "general", "max_touches_per_journey", &cap, err)))
        return st;
    const char *zone_name;
    allot_zone *zone;
    if ((st = allot_config_zone(cfg, &zone, err)) ||
        (st = allot_config_get_string(cfg, "general", "timezone", &zone_name, err)))
        return st;
    allot_zone_free(zone);
    snprintf(out->timezone, sizeof out->timezone, "%s", zone_name);
    memcpy(out->reporting_currency, cur, 4);
    out->fiscal_year_start_month = (int)month;
    out->lookback_days = (int)lookback;
    out->max_touches_per_journey = (int)cap;
    return ALLOT_OK;
}

allot_status allot_config_zone(const allot_config *cfg, allot_zone **out, allot_error *err)
{
    *out = NULL;
    const allot_config_key *reg;
    const char *name, *file = NULL;
    long line = 0;
    allot_status st = resolve(cfg, "general", "timezone", ALLOT_CFG_STRING, &reg, &name, &file,
                              &line, err);
    if (st != ALLOT_OK)
        return st;
    if (strcmp(name, "UTC") == 0)
        return ALLOT_OK;
    allot_error why;
    allot_error_clear(&why);
    if (strlen(name) >= sizeof ((allot_general *)0)->timezone ||
        allot_zone_new(name, out, &why) != ALLOT_OK)
        return bad_value(file, line, "general", "timezone", name,
                         "a tz database name such as Europe/Berlin or America/New_York (the "
                         "files under /usr/share/zoneinfo), UTC, or an offset such as +05:30",
                         err);
    return ALLOT_OK;
}
