#include "load.h"

#include <ctype.h>
#include <pthread.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "labels.h"
#include "money.h"
#include "period.h"
#include "store.h"
#include "dialect.h"
#include "zone.h"

/* ---- the canonical tables ------------------------------------------------ */

enum { REQ = ALLOT_COL_REQUIRED, KEY = ALLOT_COL_KEY, ADD = 4 /* summed within a load */ };

#define T ALLOT_COL_TEXT
#define DATE ALLOT_COL_DATE
#define TS ALLOT_COL_TIMESTAMP
#define MONEY ALLOT_COL_MONEY
#define CUR ALLOT_COL_CURRENCY

static const allot_column campaigns_cols[] = {
    {"campaign_id", "campaign_id", T, REQ | KEY, NULL, "cmp-2026q1-webinar"},
    {"source_system", "source_system", T, 0, "canonical", "salesforce"},
    {"name", "name", T, REQ, NULL, "Q1 Webinar: Pipeline Math"},
    {"parent_id", "parent_id", T, 0, NULL, "cmp-2026q1"},
    {"type", "type", T, 0, NULL, "Webinar"},
    {"channel", "channel", T, 0, NULL, "Events"},
    {"start_date", "start_date", DATE, 0, NULL, "2026-01-05"},
    {"end_date", "end_date", DATE, 0, NULL, "2026-03-31"},
    {"budgeted_cost", "budgeted_cost_micros", MONEY, 0, NULL, "12000.00"},
    {"actual_cost", "actual_cost_micros", MONEY, 0, NULL, "11250.50"},
    {"currency", "currency", CUR, 0, NULL, "USD"},
    {"utm_source", "utm_source", T, 0, NULL, "webinar"},
    {"utm_medium", "utm_medium", T, 0, NULL, "event"},
    {"utm_campaign", "utm_campaign", T, 0, NULL, "q1-pipeline-math"},
};

static const allot_column spend_cols[] = {
    {"date", "date", DATE, REQ | KEY, NULL, "2026-01-05"},
    {"source_system", "source_system", T, KEY, "canonical", "google_ads"},
    {"ad_account", "ad_account", T, KEY, "", "123-456-7890"},
    {"campaign_id", "campaign_id", T, REQ | KEY, NULL, "cmp-2026q1-search"},
    {"campaign_name", "campaign_name", T, 0, NULL, "Brand Search"},
    {"cost", "cost_micros", MONEY, REQ | ADD, NULL, "431.27"},
    {"currency", "currency", CUR, REQ, NULL, "USD"},
    {"impressions", "impressions", ALLOT_COL_INT, ADD, NULL, "10233"},
    {"clicks", "clicks", ALLOT_COL_INT, ADD, NULL, "388"},
    {"conversions", "conversions", ALLOT_COL_REAL, ADD, NULL, "4.5"},
    {"conversion_value", "conversion_value_micros", MONEY, ADD, NULL, "900.00"},
};

static const allot_column people_cols[] = {
    {"person_id", "person_id", T, REQ | KEY, NULL, "p-000123"},
    {"source_system", "source_system", T, 0, "canonical", "hubspot"},
    {"lead_id", "lead_id", T, 0, NULL, "00Q5e00000AbCdEFGH"},
    {"contact_id", "contact_id", T, 0, NULL, "0035e00000AbCdEFGH"},
    {"email", "email", ALLOT_COL_EMAIL, 0, NULL, "ana@example.com"},
    {"account_id", "account_id", T, 0, NULL, "acc-0042"},
    {"created_at", "created_at", TS, 0, NULL, "2026-01-07T14:03:00Z"},
    {"converted_at", "converted_at", TS, 0, NULL, "2026-02-11T09:00:00Z"},
    {"original_source", "original_source", T, 0, NULL, "Paid Search"},
};

static const allot_column touches_cols[] = {
    {"touch_id", "touch_id", T, REQ | KEY, NULL, "t-0000001"},
    {"source_system", "source_system", T, 0, "canonical", "web"},
    {"person_id", "person_id", T, 0, NULL, "p-000123"},
    {"anonymous_id", "anonymous_id", T, 0, NULL, "v-9f2c"},
    {"occurred_at", "occurred_at", TS, REQ, NULL, "2026-01-07T13:58:12Z"},
    {"touch_type", "touch_type", T, REQ, NULL, "visit"},
    {"channel", "channel", T, 0, NULL, "Paid Search"},
    {"campaign_id", "campaign_id", T, 0, NULL, "cmp-2026q1-search"},
    {"utm_source", "utm_source", T, 0, NULL, "google"},
    {"utm_medium", "utm_medium", T, 0, NULL, "cpc"},
    {"utm_campaign", "utm_campaign", T, 0, NULL, "brand"},
    {"utm_content", "utm_content", T, 0, NULL, "ad-3"},
    {"utm_term", "utm_term", T, 0, NULL, "attribution software"},
    {"click_id", "click_id", T, 0, NULL, "gclid-Cj0KCQ"},
    {"landing_page", "landing_page", T, 0, NULL, "https://example.com/pricing"},
    {"referrer", "referrer", T, 0, NULL, "https://www.google.com/"},
};

static const allot_column deals_cols[] = {
    {"deal_id", "deal_id", T, REQ | KEY, NULL, "d-000042"},
    {"source_system", "source_system", T, 0, "canonical", "salesforce"},
    {"account_id", "account_id", T, 0, NULL, "acc-0042"},
    {"name", "name", T, 0, NULL, "Acme - Platform"},
    {"amount", "amount_micros", MONEY, 0, NULL, "48000.00"},
    {"currency", "currency", CUR, 0, NULL, "EUR"},
    {"stage", "stage", T, 0, NULL, "Closed Won"},
    {"is_closed", "is_closed", ALLOT_COL_BOOL, 0, "0", "true"},
    {"is_won", "is_won", ALLOT_COL_BOOL, 0, "0", "true"},
    {"created_at", "created_at", TS, REQ, NULL, "2026-02-11T09:00:00Z"},
    {"close_date", "close_date", DATE, 0, NULL, "2026-05-29"},
    {"pipeline", "pipeline", T, 0, NULL, "New Business"},
    {"lead_source", "lead_source", T, 0, NULL, "Webinar"},
    {"campaign_id", "campaign_id", T, 0, NULL, "cmp-2026q1-webinar"},
    {"deal_type", "deal_type", T, 0, NULL, "New Business"},
};

static const allot_column deal_people_cols[] = {
    {"deal_id", "deal_id", T, REQ | KEY, NULL, "d-000042"},
    {"person_id", "person_id", T, REQ | KEY, NULL, "p-000123"},
    {"role", "role", T, 0, NULL, "Decision Maker"},
    {"is_primary", "is_primary", ALLOT_COL_BOOL, 0, "0", "true"},
};

static const allot_column stage_history_cols[] = {
    {"entity_type", "entity_type", ALLOT_COL_ENTITY, REQ | KEY, NULL, "person"},
    {"entity_id", "entity_id", T, REQ | KEY, NULL, "p-000123"},
    {"stage", "stage", T, REQ | KEY, NULL, "MQL"},
    {"entered_at", "entered_at", TS, REQ | KEY, NULL, "2026-01-09T10:00:00Z"},
};

static const allot_column subscriptions_cols[] = {
    {"subscription_id", "subscription_id", T, REQ | KEY, NULL, "s-000042-1"},
    {"source_system", "source_system", T, 0, "canonical", "stripe"},
    {"account_id", "account_id", T, REQ, NULL, "acc-0042"},
    {"product", "product", T, 0, NULL, "Platform"},
    {"start_date", "start_date", DATE, REQ, NULL, "2026-06-01"},
    {"end_date", "end_date", DATE, 0, NULL, "2027-06-01"},
    {"mrr", "mrr_micros", MONEY, REQ, NULL, "4000.00"},
    {"currency", "currency", CUR, REQ, NULL, "EUR"},
};

static const allot_column fx_rates_cols[] = {
    {"currency", "currency", CUR, REQ | KEY, NULL, "EUR"},
    {"start_date", "start_date", DATE, REQ | KEY, NULL, "2026-01-01"},
    {"end_date", "end_date", DATE, 0, NULL, "2026-02-01"},
    {"rate", "rate", ALLOT_COL_POSITIVE, REQ, NULL, "1.0842"},
};

static const allot_column paths_cols[] = {
    {"path", "path", T, REQ | KEY, NULL, "Paid Search > Email > Direct"},
    {"conversions", "conversions", ALLOT_COL_REAL, REQ, NULL, "12"},
    {"value", "value", ALLOT_COL_REAL, 0, "0", "5400.00"},
    {"nulls", "nulls", ALLOT_COL_REAL, 0, "0", "310"},
};

#undef T
#undef DATE
#undef TS
#undef MONEY
#undef CUR

#define TABLE(n) {#n, n##_cols, (int)(sizeof n##_cols / sizeof n##_cols[0])}
static const allot_table canonical_tables[] = {
    TABLE(fx_rates), TABLE(campaigns), TABLE(spend), TABLE(people), TABLE(touches),
    TABLE(deals), TABLE(deal_people), TABLE(stage_history), TABLE(subscriptions),
    TABLE(paths),
};
#define NTABLES ((int)(sizeof canonical_tables / sizeof canonical_tables[0]))

const allot_table *allot_load_tables(int *count)
{
    *count = NTABLES;
    return canonical_tables;
}

const allot_table *allot_load_table(const char *name)
{
    for (int i = 0; i < NTABLES; i++)
        if (name && strcmp(canonical_tables[i].name, name) == 0)
            return &canonical_tables[i];
    return NULL;
}

void allot_load_options_init(allot_load_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->decimal_comma = -1;
}

/* ---- header matching ----------------------------------------------------- */

/* A header field names column `name` (allot_csv_header_key: case, blanks,
 * accents and sort arrows do not matter; a blank may stand for the name's
 * underscore, so a spreadsheet's "Touch ID" is touch_id). */
static int header_is(const allot_csv_field *f, const char *name)
{
    char key[128];
    if (f->len >= sizeof key)
        return 0;
    const char *k = allot_csv_header_key(f->text, key, sizeof key);
    for (; *k && *name; k++, name++)
        if (*k != *name && !(*k == ' ' && *name == '_'))
            return 0;
    return *k == *name;
}

static int table_matches(const allot_table *t, const allot_csv_record *rec)
{
    int m = 0;
    for (size_t i = 0; i < rec->count; i++)
        for (int c = 0; c < t->ncolumns; c++)
            if (header_is(&rec->fields[i], t->columns[c].name)) {
                m++;
                break;
            }
    return m;
}

/* The table a header names best: most matching columns, then the smaller
 * table (a tighter fit). NULL when fewer than two columns match any. */
static const allot_table *best_table(const allot_csv_record *rec, int *matches)
{
    const allot_table *best = NULL;
    int best_m = 0;
    for (int i = 0; i < NTABLES; i++) {
        int m = table_matches(&canonical_tables[i], rec);
        if (m > best_m || (m == best_m && best && m > 0 &&
                           canonical_tables[i].ncolumns < best->ncolumns)) {
            best_m = m;
            best = &canonical_tables[i];
        }
    }
    *matches = best_m;
    return best_m >= 2 ? best : NULL;
}

/* What the header search looks for: canonical tables (one forced, or any)
 * and/or dialects (dialect >= 0: that one; -1: any; -2: none). */
typedef struct header_want {
    const allot_table *forced;
    int canonical;
    int dialect;
} header_want;

static int score_header(void *ctx, const allot_csv_record *rec)
{
    const header_want *w = ctx;
    int m = 0;
    if (w->canonical) {
        if (w->forced)
            m = table_matches(w->forced, rec);
        else
            best_table(rec, &m);
        if (m < 2)
            m = 0;
    }
    if (w->dialect != -2) {
        int d = allot_dialect_score(w->dialect, rec);
        if (d > m)
            m = d;
    }
    return m;
}

/* 1 when the header names every required column of t (without a fallback). */
static int table_complete(const allot_table *t, const allot_csv_record *h)
{
    for (int c = 0; c < t->ncolumns; c++) {
        const allot_column *col = &t->columns[c];
        if (!(col->flags & ALLOT_COL_REQUIRED) || col->fallback)
            continue;
        int found = 0;
        for (size_t i = 0; i < h->count && !found; i++)
            found = header_is(&h->fields[i], col->name);
        if (!found)
            return 0;
    }
    return 1;
}

/* ---- the state of one load ------------------------------------------------ */

typedef struct slot {
    enum { S_NULL, S_INT, S_REAL, S_TEXT } type;
    int64_t i;
    double d;
    const char *text;
    int len;
    char small[72];        /* dates, currencies, hex digests */
    char *own;             /* lower-cased e-mail addresses */
    size_t own_cap;
} slot;

/* The bulk path writes each batch with one INSERT ... SELECT from the
 * virtual table allot_batch (see "a batch as a table"), whose columns hold
 * at most BATCH_TABLE_COLUMNS parameters. */
enum { BATCH_TABLE_COLUMNS = 32 };
static const sqlite3_module batch_module;

/* A typed value as it is bound to a statement (a slot without its buffers). */
typedef struct value {
    int type;              /* S_NULL, S_INT, S_REAL or S_TEXT */
    int len;
    int64_t i;
    double d;
    const char *text;
} value;

static value value_of(const slot *sl)
{
    return (value){sl->type, sl->len, sl->i, sl->d, sl->text};
}

typedef struct bound {
    const allot_column *col;
    int field;             /* index in the record, -1 when absent from the file */
    allot_date_order order;   /* date columns: AUTO until known */
    int order_warned;
    int id;                /* a text column of ids (*_id, ad_account) */
    int reserved;          /* campaign_id, channel, original_source, lead_source:
                              reserved labels rejected (labels.h) */
} bound;

typedef struct warning {
    long line, column;
    char *message;
} warning;

#define MAX_STORED_WARNINGS 1000

typedef struct load_state {
    sqlite3 *db;
    const char *path;
    const allot_load_options *opt;
    allot_load_summary *sum;
    const allot_table *table;
    bound *cols;
    int ncols;
    int email_hash_slot;   /* index of email_sha256 in the statement, -1 none */
    int nparams;
    slot *slots;           /* the row being typed */
    value *values;         /* its values as bound (one thread) */
    int currency_col;      /* index in cols of the currency column, -1 none */
    int decimal_comma;
    char delimiter;
    int dialect_order;     /* a dialect's order for ambiguous slash dates, 0 none */
    int comma_shown;       /* decimal commas: the numbers showed them or --decimal-comma */
    size_t header_count;
    int person_col, anonymous_col;   /* touches: one of them is needed */
    int quiet;             /* the date pre-pass: reader warnings come again later */
    allot_zone *zone;      /* opt->timezone (NULL: UTC); dialect states use main's */
    int local_warned;      /* a timestamp without an offset was read as UTC */
    int repeated_warned;   /* ... fell in an hour the zone repeats */
    char why[320];         /* a reject reason made for one row */
    char **index_sql;      /* secondary indexes dropped for a bulk load */
    int nindex;
    warning *warnings;
    size_t nwarnings;
    sqlite3_stmt *insert, *insert_batch, *upsert, *reject;
    FILE *rejects;
    char rejects_tmp[4200];
    char *raw;
    size_t raw_cap;
    /* dialect loads: this state writes one canonical table of a file read
     * in a dialect; rejects and warnings go to main, about the source */
    struct load_state *main;
    const allot_csv_record *source;   /* the source record being converted */
    const long *src_col;              /* per canonical field: source column (1-based) */
    const allot_csv_record *src_header;
} load_state;

static void add_warning(load_state *s, long line, long column, const char *message)
{
    if (s->main) {
        /* a canonical record converted from a dialect's: name the source column */
        column = column > 0 && (size_t)column <= s->header_count && s->src_col
                     ? s->src_col[column - 1] : 0;
        s = s->main;
    }
    s->sum->warnings++;
    if (s->opt->warn)
        s->opt->warn(s->opt->warn_ctx, s->path, line, column, message);
    if (s->nwarnings >= MAX_STORED_WARNINGS)
        return;
    warning *nw = realloc(s->warnings, (s->nwarnings + 1) * sizeof *nw);
    if (!nw)
        return;
    s->warnings = nw;
    nw[s->nwarnings].line = line;
    nw[s->nwarnings].column = column;
    nw[s->nwarnings].message = strdup(message);
    if (nw[s->nwarnings].message)
        s->nwarnings++;
}

static void reader_warning(void *ctx, long line, long column, const char *message)
{
    load_state *s = ctx;
    if (!s->quiet)
        add_warning(s, line, column, message);
}

static void warnf(load_state *s, long line, long column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void warnf(load_state *s, long line, long column, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    add_warning(s, line, column, msg);
}

/* ---- rejects --------------------------------------------------------------- */

static void csv_put(FILE *f, const char *s, size_t n)
{
    int quote = 0;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        fwrite(s, 1, n, f);
        return;
    }
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            fputc('"', f);
        fputc(s[i], f);
    }
    fputc('"', f);
}

/* The record as it would be written back with the file's delimiter. */
static const char *raw_record(load_state *s, const allot_csv_record *rec, size_t *len)
{
    size_t need = 1;
    for (size_t i = 0; i < rec->count; i++)
        need += 2 * rec->fields[i].len + 3;
    if (need > s->raw_cap) {
        char *nr = realloc(s->raw, need);
        if (!nr) {
            *len = 0;
            return "";
        }
        s->raw = nr;
        s->raw_cap = need;
    }
    size_t o = 0;
    for (size_t i = 0; i < rec->count; i++) {
        const allot_csv_field *f = &rec->fields[i];
        if (i)
            s->raw[o++] = s->delimiter;
        int quote = f->quoted;
        for (size_t k = 0; k < f->len && !quote; k++)
            quote = f->text[k] == s->delimiter || f->text[k] == '"' || f->text[k] == '\n' ||
                    f->text[k] == '\r';
        if (quote)
            s->raw[o++] = '"';
        for (size_t k = 0; k < f->len; k++) {
            if (f->text[k] == '"')
                s->raw[o++] = '"';
            s->raw[o++] = f->text[k];
        }
        if (quote)
            s->raw[o++] = '"';
    }
    s->raw[o] = '\0';
    *len = o;
    return s->raw;
}

static void rejects_path(const char *path, const char *dir, char *out, size_t size)
{
    if (dir) {
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        snprintf(out, size, "%s/%s.rejects.csv", dir, base);
    } else {
        snprintf(out, size, "%s.rejects.csv", path);
    }
}

static allot_status reject(load_state *s, const allot_csv_record *rec, long column,
                           const char *reason, allot_error *err)
{
    s->sum->rejected++;
    const char *name = "";
    const char *value = "";
    size_t value_len = 0;
    if (s->main) {
        /* a canonical record converted from a dialect's: report the source */
        long sc = column > 0 && (size_t)column <= rec->count ? s->src_col[column - 1] : 0;
        load_state *m = s->main;
        rec = s->source;
        column = sc > 0 && (size_t)sc <= rec->count ? sc : 0;
        if (column > 0) {
            value = rec->fields[column - 1].text;
            value_len = rec->fields[column - 1].len;
            if (m->src_header && (size_t)column <= m->src_header->count)
                name = m->src_header->fields[column - 1].text;
        }
        s = m;
    } else if (column > 0 && (size_t)column <= rec->count) {
        value = rec->fields[column - 1].text;
        value_len = rec->fields[column - 1].len;
        for (int i = 0; i < s->ncols; i++)
            if (s->cols[i].field == column - 1)
                name = s->cols[i].col->name;
        if (!name[0] && s->src_header && (size_t)column <= s->src_header->count)
            name = s->src_header->fields[column - 1].text;
    }
    size_t raw_len;
    const char *raw = raw_record(s, rec, &raw_len);
    if (!s->rejects) {
        snprintf(s->rejects_tmp, sizeof s->rejects_tmp, "%s.tmp", s->sum->rejects_path);
        s->rejects = fopen(s->rejects_tmp, "w");
        if (!s->rejects)
            return allot_error_set(err, ALLOT_ERR_IO, s->rejects_tmp, 0, 0,
                                   "cannot write the rejects file: %s (choose a writable "
                                   "folder with --rejects-dir)", strerror(errno));
        fputs("line,column,column_name,value,reason,raw\n", s->rejects);
    }
    fprintf(s->rejects, "%ld,", rec->line);
    if (column > 0)
        fprintf(s->rejects, "%ld", column);
    fputc(',', s->rejects);
    csv_put(s->rejects, name, strlen(name));
    fputc(',', s->rejects);
    csv_put(s->rejects, value, value_len);
    fputc(',', s->rejects);
    csv_put(s->rejects, reason, strlen(reason));
    fputc(',', s->rejects);
    csv_put(s->rejects, raw, raw_len);
    fputc('\n', s->rejects);

    sqlite3_stmt *st = s->reject;
    sqlite3_bind_text(st, 2, s->path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, rec->line);
    if (column > 0)
        sqlite3_bind_int64(st, 4, column);
    else
        sqlite3_bind_null(st, 4);
    if (name[0])
        sqlite3_bind_text(st, 5, name, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 5);
    if (column > 0)
        sqlite3_bind_text(st, 6, value, (int)value_len, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 6);
    sqlite3_bind_text(st, 7, reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, raw, (int)raw_len, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return allot_store_fail(s->db, rc, "cannot record a rejected row", err);
    return ALLOT_OK;
}

/* ---- typing one row --------------------------------------------------------- */

static void trimmed(const char *text, size_t len, const char **out, int *out_len)
{
    const char *s = text, *e = text + len;
    while (s < e && isspace((unsigned char)*s))
        s++;
    while (e > s && isspace((unsigned char)e[-1]))
        e--;
    *out = s;
    *out_len = (int)(e - s);
}

static void set_text(slot *sl, const char *text, int len)
{
    sl->type = S_TEXT;
    sl->text = text;
    sl->len = len;
}

/* Bound column b's name as the file has it: the canonical name, or for a
 * record converted from a dialect's the source column's header. */
static const char *column_label(const load_state *s, const bound *b)
{
    const allot_csv_record *h = s->main ? s->main->src_header : NULL;
    long c = s->main && s->src_col && b->field >= 0 ? s->src_col[b->field] : 0;
    return c > 0 && h && (size_t)c <= h->count ? h->fields[c - 1].text : b->col->name;
}

static const char *order_name(allot_date_order o)
{
    return o == ALLOT_DATE_DMY ? "day/month/year" : "month/day/year";
}

/* The order of a date column whose values never tell (no part above 12),
 * when no other date column of the file tells either. A dialect's own
 * order (LinkedIn and Microsoft write M/D/YYYY) holds, silently, while the
 * file is as the platform wrote it (not ';'-separated, decimal points); a
 * file whose numbers show decimal commas (or read with --decimal-comma)
 * went through a European program (a spreadsheet saving it again writes
 * its own date format), where dates are day first; else month first: a ';'
 * alone is not enough (a US Salesforce report opened and saved by a German
 * LibreOffice keeps its 10/3/2026 text and gains ';'). *why gets the reason
 * to put in the warning, NULL when none is due. */
static allot_date_order ambiguous_order(const load_state *s, const char **why)
{
    *why = NULL;
    if (s->dialect_order && s->decimal_comma <= 0 && s->delimiter != ';')
        return (allot_date_order)s->dialect_order;
    if (s->comma_shown) {
        *why = ", the order where numbers have decimal commas, as this file's do";
        return ALLOT_DATE_DMY;
    }
    *why = "";
    return ALLOT_DATE_MDY;
}

/* The column's date order for this value, settled on the first slash date
 * when the pre-pass saw none. */
static allot_date_order column_order(load_state *s, bound *b, const char *text, long line,
                                     long column)
{
    if (b->order != ALLOT_DATE_AUTO)
        return b->order;
    int ev = allot_value_date_evidence(text);
    if (ev < 0)
        return ALLOT_DATE_AUTO;
    if (ev == ALLOT_DATE_AUTO) {
        const char *why;
        b->order = ambiguous_order(s, &why);
        if (why && !b->order_warned) {
            b->order_warned = 1;
            warnf(s, line, column, "column '%s': '%s' could be month/day or day/month; read "
                  "as %s%s (use --date-order %s if not)", column_label(s, b), text,
                  order_name(b->order), why, b->order == ALLOT_DATE_MDY ? "DMY" : "MDY");
        }
    } else {
        b->order = (allot_date_order)ev;
    }
    return b->order;
}

/* A date alone in a timestamp column (midnight counted as UTC): the first
 * instant of that day on the clocks of --timezone (else UTC), so that a
 * report on those clocks dates it as written. */
static int64_t date_start(const load_state *s, int64_t midnight)
{
    const load_state *m = s->main ? s->main : s;
    return allot_zone_day_start(m->zone, allot_day_of_epoch(midnight));
}

/* A timestamp without a UTC offset (*t: its civil time counted as UTC)
 * into the instant it denotes: a local time of --timezone, else UTC, said
 * once per file. Returns NULL, or why the row is rejected. */
static const char *local_time(load_state *s, const bound *b, int64_t *t, const char *text,
                              long line, long column)
{
    load_state *m = s->main ? s->main : s;
    if (!m->zone) {
        if (!m->local_warned) {
            m->local_warned = 1;
            warnf(s, line, column, "'%s' (column '%s') has no UTC offset: it and every such "
                  "time in this file are read as UTC (give --timezone with the export's time "
                  "zone, e.g. --timezone Europe/Berlin, or --timezone UTC to confirm)", text,
                  column_label(s, b));
        }
        return NULL;
    }
    allot_zone_result zr = allot_zone_to_utc(m->zone, *t, t);
    if (zr == ALLOT_ZONE_SKIPPED) {
        snprintf(s->why, sizeof s->why, "no such local time in %s (its clocks skipped it): "
                 "check --timezone", allot_zone_name(m->zone));
        return s->why;
    }
    if (zr == ALLOT_ZONE_REPEATED && !m->repeated_warned) {
        m->repeated_warned = 1;
        warnf(s, line, column, "'%s' (column '%s') happened twice in %s (its clocks went "
              "back): it and every such time in this file are read as the earlier instant",
              text, column_label(s, b), allot_zone_name(m->zone));
    }
    return NULL;
}

/* 1 when t (tl bytes) is a number in scientific notation as a spreadsheet
 * shows a long one in a General cell, and writes it so when it saves a CSV:
 * 1,2021E+14 or 1.2021E+14 for the Meta campaign id 120210000000020. */
static int spreadsheet_exponent(const char *t, int tl)
{
    int i = 0;
    if (tl < 4 || tl > 24 || !isdigit((unsigned char)t[i++]))
        return 0;
    if (t[i] == '.' || t[i] == ',') {
        i++;
        if (i >= tl || !isdigit((unsigned char)t[i]))
            return 0;
        while (i < tl && isdigit((unsigned char)t[i]))
            i++;
    }
    if (i + 2 >= tl || (t[i] != 'E' && t[i] != 'e') || t[i + 1] != '+')
        return 0;
    for (i += 2; i < tl; i++)
        if (!isdigit((unsigned char)t[i]))
            return 0;
    return 1;
}

/* Types field text of bound column b into sl. Returns NULL or the reason. */
static const char *type_value(load_state *s, bound *b, slot *sl, const char *text, size_t len,
                              long line, long column, char *evidence_currency)
{
    const char *why = "invalid value";
    sl->type = S_NULL;
    const allot_column *c = b->col;
    if (c->kind == ALLOT_COL_TEXT) {
        const char *t;
        int tl;
        trimmed(text, len, &t, &tl);
        if (b->id && tl >= 4 && tl <= 24 && memchr(t, '+', (size_t)tl) &&
            spreadsheet_exponent(t, tl))
            return "an id a spreadsheet turned into a rounded number (its digits are lost, "
                   "ids that differ become one): export again and open the file with the "
                   "column as Text";
        const char *holds;
        if (b->reserved && (holds = allot_label_reserved(t, (size_t)tl))) {
            snprintf(s->why, sizeof s->why,
                     "'%.*s' is the group allot reports for %s: %s %s so named would be "
                     "counted in it; rename the value in the export (leave it empty when "
                     "there is none)",
                     tl, t, holds, strchr("aeiou", c->name[0]) ? "an" : "a", c->name);
            return s->why;
        }
        if (tl > 0)
            set_text(sl, t, tl);
        return NULL;
    }
    allot_value_result r = ALLOT_VALUE_INVALID;
    switch (c->kind) {
    case ALLOT_COL_DATE:
        r = allot_value_parse_date(text, column_order(s, b, text, line, column), sl->small, &why);
        if (r == ALLOT_VALUE_OK)
            set_text(sl, sl->small, 10);
        break;
    case ALLOT_COL_TIMESTAMP: {
        int fixed;
        r = allot_value_parse_instant(text, column_order(s, b, text, line, column), &sl->i,
                                      &fixed, &why);
        if (r == ALLOT_VALUE_OK && fixed == ALLOT_INSTANT_LOCAL &&
            (why = local_time(s, b, &sl->i, text, line, column)))
            return why;
        if (r == ALLOT_VALUE_OK && fixed == ALLOT_INSTANT_DATE)
            sl->i = date_start(s, sl->i);
        if (r == ALLOT_VALUE_OK)
            sl->type = S_INT;
        break;
    }
    case ALLOT_COL_MONEY:
        r = allot_value_parse_money(text, s->decimal_comma, &sl->i, evidence_currency, &why);
        if (r == ALLOT_VALUE_OK)
            sl->type = S_INT;
        break;
    case ALLOT_COL_CURRENCY: {
        const char *t;
        int tl;
        trimmed(text, len, &t, &tl);
        if (tl == 0)
            return NULL;
        if (tl == 3) {
            for (int k = 0; k < 3; k++)
                sl->small[k] = (char)toupper((unsigned char)t[k]);
            sl->small[3] = '\0';
            if (allot_currency_valid(sl->small)) {
                set_text(sl, sl->small, 3);
                return NULL;
            }
        }
        return "not an ISO 4217 currency code";
    }
    case ALLOT_COL_INT:
        r = allot_value_parse_int(text, s->decimal_comma, &sl->i, &why);
        if (r == ALLOT_VALUE_OK)
            sl->type = S_INT;
        break;
    case ALLOT_COL_REAL:
    case ALLOT_COL_POSITIVE:
        r = allot_value_parse_real(text, s->decimal_comma, &sl->d, &why);
        if (r == ALLOT_VALUE_OK) {
            if (c->kind == ALLOT_COL_POSITIVE && !(sl->d > 0))
                return "must be greater than 0";
            sl->type = S_REAL;
        }
        break;
    case ALLOT_COL_BOOL: {
        int v;
        r = allot_value_parse_bool(text, &v, &why);
        if (r == ALLOT_VALUE_OK) {
            sl->type = S_INT;
            sl->i = v;
        }
        break;
    }
    case ALLOT_COL_EMAIL: {
        const char *t;
        int tl;
        trimmed(text, len, &t, &tl);
        if (tl == 0)
            return NULL;
        if (!memchr(t, '@', (size_t)tl) || memchr(t, ' ', (size_t)tl))
            return "not an e-mail address";
        if ((size_t)tl + 1 > sl->own_cap) {
            char *no = realloc(sl->own, (size_t)tl + 1);
            if (!no)
                return "out of memory";
            sl->own = no;
            sl->own_cap = (size_t)tl + 1;
        }
        for (int k = 0; k < tl; k++)
            sl->own[k] = (char)tolower((unsigned char)t[k]);
        sl->own[tl] = '\0';
        set_text(sl, sl->own, tl);
        return NULL;
    }
    case ALLOT_COL_ENTITY: {
        const char *t;
        int tl;
        trimmed(text, len, &t, &tl);
        if (tl == 0)
            return NULL;
        if (tl == 6 && strncasecmp(t, "person", 6) == 0) {
            set_text(sl, "person", 6);
            return NULL;
        }
        if (tl == 4 && strncasecmp(t, "deal", 4) == 0) {
            set_text(sl, "deal", 4);
            return NULL;
        }
        return "entity_type must be 'person' or 'deal'";
    }
    case ALLOT_COL_TEXT:
        break;
    }
    if (r == ALLOT_VALUE_INVALID)
        return why;
    return NULL;
}

static void fallback_value(const allot_column *c, slot *sl)
{
    if (!c->fallback)
        return;
    if (c->kind == ALLOT_COL_BOOL || c->kind == ALLOT_COL_INT) {
        sl->type = S_INT;
        sl->i = atoll(c->fallback);
    } else if (c->kind == ALLOT_COL_REAL) {
        sl->type = S_REAL;
        sl->d = atof(c->fallback);
    } else {
        set_text(sl, c->fallback, (int)strlen(c->fallback));
    }
}

static void bind_value(sqlite3_stmt *st, int i, const value *sl)
{
    switch (sl->type) {
    case S_NULL: sqlite3_bind_null(st, i); break;
    case S_INT: sqlite3_bind_int64(st, i, sl->i); break;
    case S_REAL: sqlite3_bind_double(st, i, sl->d); break;
    case S_TEXT: sqlite3_bind_text(st, i, sl->text, sl->len, SQLITE_STATIC); break;
    }
}

/* Parameter k (0-based) of a row's INSERT, in the order of sql_insert_into:
 * the file's columns, the e-mail digest when there is one, load_id, the
 * source line. */
static value row_param(const load_state *s, const value *values, const char *hex,
                       int64_t load_id, long line, int k)
{
    if (k < s->ncols)
        return values[k];
    k -= s->ncols;
    if (s->email_hash_slot >= 0 && k-- == 0)
        return hex[0] ? (value){S_TEXT, 64, 0, 0, hex} : (value){S_NULL, 0, 0, 0, NULL};
    return (value){S_INT, 0, k == 0 ? load_id : (int64_t)line, 0, NULL};
}

static void bind_row(load_state *s, sqlite3_stmt *st, const value *values, const char *hex,
                     int64_t load_id, long line)
{
    for (int k = 0; k < s->nparams; k++) {
        value v = row_param(s, values, hex, load_id, line, k);
        bind_value(st, k + 1, &v);
    }
}

/* Types and checks rec into s->slots, and the e-mail column's SHA-256 into
 * hex ("" without one). Returns NULL for a good row, else why it is
 * rejected (a constant or s->why) with the 1-based column it is about in
 * *column (0: the whole row). */
static const char *check_record(load_state *s, const allot_csv_record *rec, char hex[65],
                                long *column)
{
    hex[0] = '\0';
    *column = 0;
    if (rec->error) {
        *column = rec->error_column;
        return rec->error;
    }
    size_t expected = s->header_count;
    /* Trailing empty fields beyond the named columns (a trailing delimiter,
     * as spreadsheets write) carry nothing and are ignored. */
    size_t used = rec->count;
    while (used > expected && rec->fields[used - 1].len == 0)
        used--;
    if (used != expected) {
        snprintf(s->why, sizeof s->why, "has %zu fields but the header has %zu", rec->count,
                 expected);
        return s->why;
    }
    char row_currency[4] = "";
    for (int i = 0; i < s->ncols; i++) {
        bound *b = &s->cols[i];
        slot *sl = &s->slots[i];
        sl->type = S_NULL;
        if (b->field >= 0) {
            const allot_csv_field *f = &rec->fields[b->field];
            char evidence[4] = "";
            const char *why = type_value(s, b, sl, f->text, f->len, rec->line, b->field + 1,
                                         evidence);
            *column = b->field + 1;
            if (why)
                return why;
            if (evidence[0]) {
                if (row_currency[0] && strcmp(row_currency, evidence) != 0) {
                    snprintf(s->why, sizeof s->why,
                             "amount is in %s but another amount is in %s", evidence,
                             row_currency);
                    return s->why;
                }
                memcpy(row_currency, evidence, 4);
            }
        }
        if (sl->type == S_NULL)
            fallback_value(b->col, sl);
        *column = b->field + 1;
        /* (an empty currency may still come from the amounts: below) */
        if (sl->type == S_NULL && (b->col->flags & ALLOT_COL_REQUIRED) && i != s->currency_col)
            return "required value is missing";
    }
    *column = 0;
    /* Currencies: an amount needs one; a symbol or code in the amount must
     * agree with the currency column and fills it when empty. */
    int has_money = 0;
    for (int i = 0; i < s->ncols; i++)
        if (s->cols[i].col->kind == ALLOT_COL_MONEY && s->slots[i].type != S_NULL)
            has_money = 1;
    if (s->currency_col >= 0) {
        slot *cs = &s->slots[s->currency_col];
        bound *cb = &s->cols[s->currency_col];
        *column = cb->field + 1;
        if (cs->type == S_TEXT && row_currency[0] && strcmp(cs->text, row_currency) != 0) {
            snprintf(s->why, sizeof s->why, "the amount says %s but the currency is %s",
                     row_currency, cs->text);
            return s->why;
        }
        /* empty: the amounts' currency, else --default-currency */
        const char *fill = row_currency[0] ? row_currency : s->opt->default_currency;
        if (cs->type == S_NULL && fill) {
            memcpy(cs->small, fill, 4);
            set_text(cs, cs->small, 3);
        }
        if (cs->type == S_NULL && (cb->col->flags & ALLOT_COL_REQUIRED))
            return "required value is missing";
        if (cs->type == S_NULL && has_money)
            return "an amount needs a currency (or give --default-currency)";
        *column = 0;
    }
    if (s->person_col >= 0 || s->anonymous_col >= 0) {
        int p = s->person_col, a = s->anonymous_col;
        if ((p < 0 || s->slots[p].type == S_NULL) && (a < 0 || s->slots[a].type == S_NULL)) {
            *column = p >= 0 ? s->cols[p].field + 1 : 0;
            return "a touch needs a person_id or an anonymous_id";
        }
    }
    if (s->email_hash_slot >= 0) {
        const slot *es = &s->slots[s->email_hash_slot];
        if (es->type == S_TEXT) {
            allot_sha256 h;
            unsigned char d[32];
            allot_sha256_init(&h);
            allot_sha256_update(&h, es->text, (size_t)es->len);
            allot_sha256_final(&h, d);
            allot_sha256_hex(d, hex);
        }
    }
    return NULL;
}

/* Writes a checked row (its values in slots): a plain INSERT on the bulk
 * path, else the upsert, which counts it as loaded, updated or unchanged. */
static allot_status write_row(load_state *s, const allot_csv_record *rec, const value *values,
                              const char *hex, int64_t load_id, allot_error *err)
{
    int rc;
    if (s->insert) {
        /* Bulk load into a table that was empty: a plain INSERT is cheaper;
         * a key seen earlier in this file fails it, and the row goes through
         * the upsert below. */
        bind_row(s, s->insert, values, hex, load_id, rec->line);
        rc = sqlite3_step(s->insert);
        sqlite3_reset(s->insert);
        if (rc == SQLITE_DONE) {
            s->sum->loaded++;
            return ALLOT_OK;
        }
        if ((rc & 0xff) != SQLITE_CONSTRAINT)
            return allot_store_fail(s->db, rc, "cannot write a row", err);
    }
    bind_row(s, s->upsert, values, hex, load_id, rec->line);
    sqlite3_set_last_insert_rowid(s->db, 0);
    rc = sqlite3_step(s->upsert);
    sqlite3_reset(s->upsert);
    if (rc == SQLITE_DONE) {
        if (sqlite3_changes(s->db) == 0)
            s->sum->unchanged++;
        else if (sqlite3_last_insert_rowid(s->db) != 0)
            s->sum->loaded++;
        else
            s->sum->updated++;
        return ALLOT_OK;
    }
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return reject(s, rec, 0, sqlite3_errmsg(s->db), err);
    return allot_store_fail(s->db, rc, "cannot write a row", err);
}

static allot_status load_record(load_state *s, const allot_csv_record *rec, int64_t load_id,
                                allot_error *err)
{
    s->sum->read++;
    char hex[65];
    long column;
    const char *why = check_record(s, rec, hex, &column);
    if (why)
        return reject(s, rec, column, why, err);
    for (int i = 0; i < s->ncols; i++)
        s->values[i] = value_of(&s->slots[i]);
    return write_row(s, rec, s->values, hex, load_id, err);
}

/* ---- statements ---------------------------------------------------------------- */

typedef struct sqlbuf {
    char *s;
    size_t len, cap;
    int failed;
} sqlbuf;

static void sql_add(sqlbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sql_add(sqlbuf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->failed = 1;
            return;
        }
        if (b->s && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t ncap = (b->cap ? b->cap : 512) * 2 + (size_t)n;
        char *ns = realloc(b->s, ncap);
        if (!ns) {
            b->failed = 1;
            return;
        }
        b->s = ns;
        b->cap = ncap;
    }
}

/* INSERT ... ON CONFLICT(key) DO UPDATE SET <changed columns> WHERE <any
 * differs>: an identical row is not touched (sqlite3_changes 0). */
/* "INSERT INTO table(<the file's columns>, load_id, source_row) " */
static void sql_insert_into(sqlbuf *b, const load_state *s)
{
    sql_add(b, "INSERT INTO %s(", s->table->name);
    for (int i = 0; i < s->ncols; i++)
        sql_add(b, "%s, ", s->cols[i].col->db_name);
    if (s->email_hash_slot >= 0)
        sql_add(b, "email_sha256, ");
    sql_add(b, "load_id, source_row) ");
}

static allot_status prepare_upsert(load_state *s, int bulk, allot_error *err)
{
    const char *t = s->table->name;
    sqlbuf b = {0};
    sql_insert_into(&b, s);
    sql_add(&b, "VALUES (");
    for (int i = 0; i < s->nparams; i++)
        sql_add(&b, i ? ", ?" : "?");
    sql_add(&b, ")");
    if (bulk && !b.failed) {
        /* the bulk path's statements: one row, and a whole batch
         * (allot_batch, above) */
        allot_status st = allot_store_prepare(s->db, b.s, &s->insert, err);
        if (!st && s->nparams <= BATCH_TABLE_COLUMNS && !s->main) {
            sqlbuf many = {0};
            sql_insert_into(&many, s);
            sql_add(&many, "SELECT ");
            for (int i = 0; i < s->nparams; i++)
                sql_add(&many, i ? ", c%d" : "c%d", i);
            sql_add(&many, " FROM allot_batch WHERE feed = ?1");
            if (many.failed)
                st = allot_error_set(err, ALLOT_ERR_NOMEM, s->path, 0, 0, "out of memory");
            else if (sqlite3_create_module_v2(s->db, "allot_batch", &batch_module, NULL,
                                              NULL) != SQLITE_OK)
                st = allot_store_fail(s->db, SQLITE_ERROR, "cannot register allot_batch", err);
            else
                st = allot_store_prepare(s->db, many.s, &s->insert_batch, err);
            free(many.s);
        }
        if (st) {
            free(b.s);
            return st;
        }
    }
    sql_add(&b, " ON CONFLICT(");
    int first = 1;
    for (int c = 0; c < s->table->ncolumns; c++)
        if (s->table->columns[c].flags & ALLOT_COL_KEY) {
            sql_add(&b, first ? "%s" : ", %s", s->table->columns[c].db_name);
            first = 0;
        }
    int updatable = 0;
    for (int i = 0; i < s->ncols; i++)
        updatable += !(s->cols[i].col->flags & ALLOT_COL_KEY);
    if (!updatable) {
        sql_add(&b, ") DO NOTHING");
    } else {
        sql_add(&b, ") DO UPDATE SET ");
        for (int i = 0; i < s->ncols; i++) {
            const allot_column *c = s->cols[i].col;
            if (c->flags & ALLOT_COL_KEY)
                continue;
            if (c->flags & ADD)
                /* Segment rows (device, network) of one export add up. */
                sql_add(&b, "%s = CASE WHEN %s.load_id = excluded.load_id THEN "
                        "CASE WHEN %s.%s IS NULL AND excluded.%s IS NULL THEN NULL "
                        "ELSE coalesce(%s.%s, 0) + coalesce(excluded.%s, 0) END "
                        "ELSE excluded.%s END, ",
                        c->db_name, t, t, c->db_name, c->db_name, t, c->db_name, c->db_name,
                        c->db_name);
            else
                sql_add(&b, "%s = excluded.%s, ", c->db_name, c->db_name);
        }
        if (s->email_hash_slot >= 0)
            sql_add(&b, "email_sha256 = excluded.email_sha256, ");
        sql_add(&b, "load_id = excluded.load_id, source_row = excluded.source_row WHERE ");
        int any_add = 0;
        for (int i = 0; i < s->ncols; i++)
            any_add |= (s->cols[i].col->flags & ADD) != 0;
        if (any_add)
            sql_add(&b, "%s.load_id = excluded.load_id OR ", t);
        first = 1;
        for (int i = 0; i < s->ncols; i++) {
            const allot_column *c = s->cols[i].col;
            if (c->flags & ALLOT_COL_KEY)
                continue;
            sql_add(&b, first ? "%s.%s IS NOT excluded.%s" : " OR %s.%s IS NOT excluded.%s", t,
                    c->db_name, c->db_name);
            first = 0;
        }
    }
    if (b.failed) {
        free(b.s);
        return allot_error_set(err, ALLOT_ERR_NOMEM, s->path, 0, 0, "out of memory");
    }
    allot_status st = allot_store_prepare(s->db, b.s, &s->upsert, err);
    free(b.s);
    return st;
}

/* ---- header -> columns ------------------------------------------------------ */

static allot_status map_columns(load_state *s, const allot_csv_record *h, allot_error *err)
{
    const allot_table *t = s->table;
    s->cols = calloc((size_t)t->ncolumns, sizeof *s->cols);
    s->slots = calloc((size_t)t->ncolumns + 1, sizeof *s->slots);
    s->values = calloc((size_t)t->ncolumns + 1, sizeof *s->values);
    if (!s->cols || !s->slots || !s->values)
        return allot_error_set(err, ALLOT_ERR_NOMEM, s->path, 0, 0, "out of memory");
    /* Trailing unnamed columns (a trailing delimiter) do not count. */
    s->header_count = h->count;
    while (s->header_count > 1 && h->fields[s->header_count - 1].len == 0)
        s->header_count--;
    s->currency_col = -1;
    s->email_hash_slot = -1;
    int has_money = 0, money_field = 0;
    for (int c = 0; c < t->ncolumns; c++) {
        const allot_column *col = &t->columns[c];
        int field = -1;
        for (size_t i = 0; i < h->count; i++)
            if (header_is(&h->fields[i], col->name)) {
                if (field < 0)
                    field = (int)i;
                else
                    warnf(s, h->line, (long)i + 1, "column '%s' appears twice; the second "
                          "one (column %zu) is ignored", col->name, i + 1);
            }
        if (field < 0 && (col->flags & ALLOT_COL_REQUIRED) && !col->fallback)
            return allot_error_set(err, ALLOT_ERR_DATA, s->path, h->line, 0,
                                   "the header has no '%s' column, which table %s requires",
                                   col->name, t->name);
        if (field < 0 && !((col->flags & ALLOT_COL_KEY) && col->fallback))
            continue;
        bound *b = &s->cols[s->ncols];
        b->col = col;
        b->field = field;
        b->order = s->opt->date_order;
        size_t nl = strlen(col->name);
        b->id = col->kind == ALLOT_COL_TEXT &&
                ((nl > 3 && strcmp(col->name + nl - 3, "_id") == 0) ||
                 strcmp(col->name, "ad_account") == 0);
        /* group keys of the reports: a reserved label would join its group */
        b->reserved = col->kind == ALLOT_COL_TEXT && (strcmp(col->name, "campaign_id") == 0 ||
                                                      strcmp(col->name, "channel") == 0 ||
                                                      strcmp(col->name, "original_source") == 0 ||
                                                      strcmp(col->name, "lead_source") == 0);
        if (col->kind == ALLOT_COL_CURRENCY && !(col->flags & ALLOT_COL_KEY))
            s->currency_col = s->ncols;
        if (col->kind == ALLOT_COL_CURRENCY && (col->flags & ALLOT_COL_KEY))
            s->currency_col = -1;
        if (col->kind == ALLOT_COL_MONEY && field >= 0) {
            has_money = 1;
            money_field = field;
        }
        if (col->kind == ALLOT_COL_EMAIL)
            s->email_hash_slot = s->ncols;
        s->ncols++;
    }
    if (has_money && s->currency_col < 0 && s->opt->default_currency) {
        /* No currency column: every row takes --default-currency (or its
         * amount's symbol), through the table's currency column. */
        for (int c = 0; c < t->ncolumns && s->currency_col < 0; c++) {
            const allot_column *col = &t->columns[c];
            if (col->kind == ALLOT_COL_CURRENCY && !(col->flags & ALLOT_COL_KEY)) {
                s->cols[s->ncols] = (bound){.col = col, .field = -1, .order = ALLOT_DATE_AUTO};
                s->currency_col = s->ncols++;
            }
        }
    }
    if (has_money && s->currency_col < 0)
        /* (a dialect's output columns are not the file's: no column then) */
        return allot_error_set(err, ALLOT_ERR_DATA, s->path, h->line,
                               s->main ? 0 : money_field + 1,
                               "the header has amounts but no 'currency' column; add one, or "
                               "give --default-currency CODE if every amount is in CODE");
    for (size_t i = 0; i < h->count; i++) {
        int known = 0;
        for (int c = 0; c < s->ncols; c++)
            known |= s->cols[c].field == (int)i;
        for (int c = 0; c < t->ncolumns && !known; c++)
            known = header_is(&h->fields[i], t->columns[c].name);
        if (!known && h->fields[i].len > 0)
            warnf(s, h->line, (long)i + 1, "column '%s' is not part of table %s; ignored",
                  h->fields[i].text, t->name);
    }
    s->person_col = s->anonymous_col = -1;
    if (strcmp(t->name, "touches") == 0) {
        for (int i = 0; i < s->ncols; i++) {
            if (strcmp(s->cols[i].col->name, "person_id") == 0)
                s->person_col = i;
            if (strcmp(s->cols[i].col->name, "anonymous_id") == 0)
                s->anonymous_col = i;
        }
        if (s->person_col < 0 && s->anonymous_col < 0)
            return allot_error_set(err, ALLOT_ERR_DATA, s->path, h->line, 0,
                                   "the header has neither 'person_id' nor 'anonymous_id'; "
                                   "a touch needs one of them");
    }
    s->nparams = s->ncols + (s->email_hash_slot >= 0) + 2;
    return ALLOT_OK;
}

/* Reads the first rows to settle what the data itself shows, then goes
 * back to the first row: the day/month order of slash dates in each date
 * column, and, unless --decimal-comma or --decimal-point forced it, the
 * decimal separator of the numbers (by default ',' in a ';' file, else '.';
 * a file whose numbers all say otherwise is read as they say). */
#define SAMPLE_ROWS 20000

static int is_date_column(const bound *b)
{
    return b->field >= 0 && b->order == ALLOT_DATE_AUTO &&
           (b->col->kind == ALLOT_COL_DATE || b->col->kind == ALLOT_COL_TIMESTAMP);
}

static int is_number_column(const bound *b)
{
    int k = b->col->kind;
    return b->field >= 0 && (k == ALLOT_COL_MONEY || k == ALLOT_COL_INT || k == ALLOT_COL_REAL ||
                             k == ALLOT_COL_POSITIVE);
}

/* Where the sample first showed a decimal separator. */
typedef struct decimal_seen {
    long values;               /* how many values showed it */
    long line, column;         /* where the first one stands */
    char value[40];
} decimal_seen;

/* 1 when either separator reading fits text: one '.' or ',' with exactly
 * 3 digits after it and a digit other than 0 before it ("1.084", "1,000":
 * 1084 or 1.084), which allot_value_decimal_evidence counts as no
 * evidence. */
static int decimal_ambiguous(const char *text)
{
    int seps = 0, after = 0, lead = 0;
    for (const char *p = text; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            after++;
            lead |= !seps && *p != '0';
        } else if (*p == '.' || *p == ',') {
            seps++;
            after = 0;
        }
    }
    return seps == 1 && after == 3 && lead;
}

static void remember(decimal_seen *d, const char *text, long line, long column)
{
    if (d->values++)
        return;
    d->line = line;
    d->column = column;
    snprintf(d->value, sizeof d->value, "%s", text);
    for (char *c = d->value; *c; c++)   /* one line in the message */
        if ((unsigned char)*c < 0x20)
            *c = ' ';
}

/* Counts what text (a number of the file, at line and column) says about
 * the decimal separator: point, comma, or either (amb; not for whole
 * numbers, whole: 1,000 clicks cannot be 1.000). */
static void note_decimal(decimal_seen *point, decimal_seen *comma, decimal_seen *amb, int whole,
                         const char *text, long line, long column)
{
    int ev = allot_value_decimal_evidence(text);
    decimal_seen *d = ev == ALLOT_DECIMAL_POINT ? point : ev == ALLOT_DECIMAL_COMMA ? comma : NULL;
    if (d)
        remember(d, text, line, column);
    else if (!whole && !amb->values && decimal_ambiguous(text))
        remember(amb, text, line, column);
}

static void settle_decimal(load_state *s, const decimal_seen *point, const decimal_seen *comma,
                           const decimal_seen *amb)
{
    int comma_now = s->decimal_comma;
    if (point->values && !comma->values)
        s->decimal_comma = 0;
    else if (comma->values && !point->values)
        s->decimal_comma = 1;
    s->comma_shown = comma->values && !point->values;
    char delimiter[8];
    snprintf(delimiter, sizeof delimiter, s->delimiter == '\t' ? "tab" : "'%c'", s->delimiter);
    if (point->values && comma->values) {
        /* both: a spreadsheet opened the file with the other country's
         * rules and turned some numbers (12,034 impressions into 12,034
         * the decimal) while it left others as text (240.08) */
        warnf(s, comma->line, comma->column,
              "numbers show both a decimal point ('%s', line %ld) and a decimal comma ('%s'): "
              "a spreadsheet may have read some of them with another country's rules; read "
              "with a decimal %s, the default for a %s-separated file (check the values, or "
              "export again; --decimal-point or --decimal-comma forces one)",
              point->value, point->line, comma->value, s->decimal_comma ? "comma" : "point",
              delimiter);
        return;
    }
    if (!point->values && !comma->values && amb->values) {
        /* nothing tells: say how the first value that reads both ways was
         * read, and how to get the other reading (1.084 as a rate is not
         * 1084) */
        allot_number as_read, other;
        if (allot_value_parse_number(amb->value, s->decimal_comma, &as_read, NULL) ==
                ALLOT_VALUE_OK &&
            allot_value_parse_number(amb->value, !s->decimal_comma, &other, NULL) ==
                ALLOT_VALUE_OK)
            warnf(s, amb->line, amb->column,
                  "'%s' is read as %s with a decimal %s, the default for a %s-separated "
                  "file: no number in it shows which separator is the decimal one; give "
                  "--decimal-%s if it is %s (or --decimal-%s to confirm)",
                  amb->value, as_read.text, s->decimal_comma ? "comma" : "point", delimiter,
                  s->decimal_comma ? "point" : "comma", other.text,
                  s->decimal_comma ? "comma" : "point");
        return;
    }
    if (s->decimal_comma == comma_now)
        return;
    const decimal_seen *d = s->decimal_comma ? comma : point;
    warnf(s, d->line, d->column,
          "numbers use a decimal %s (%ld value%s, none the other way; the first: '%s') in "
          "this %s-separated file; read so (use --decimal-%s if not)",
          s->decimal_comma ? "comma" : "point", d->values, d->values == 1 ? "" : "s", d->value,
          delimiter,
          s->decimal_comma ? "point" : "comma");
}

/* Settles the order of each date column of s (at most 64) from what the
 * sample's values said: mdy, dmy, amb count the values of each column that
 * showed month first, day first, or neither (amb_line: where the first of
 * those stands). A column whose values never tell takes the order the
 * file's other date columns show when they all agree (one export writes
 * every date alike: a Salesforce report's Close Date 01.12.26 is day first
 * when its Created Date has 28.11.26), else ambiguous_order's; with a
 * warning either way. */
static void settle_dates(load_state *s, const long *mdy, const long *dmy, const long *amb,
                         const long *amb_line)
{
    int says_mdy = -1, says_dmy = -1;   /* a column that tells, in each order */
    for (int i = 0; i < s->ncols && i < 64; i++) {
        if (mdy[i] > dmy[i] && says_mdy < 0)
            says_mdy = i;
        if (dmy[i] > mdy[i] && says_dmy < 0)
            says_dmy = i;
    }
    for (int i = 0; i < s->ncols && i < 64; i++) {
        bound *b = &s->cols[i];
        if (mdy[i] && dmy[i]) {
            b->order = mdy[i] >= dmy[i] ? ALLOT_DATE_MDY : ALLOT_DATE_DMY;
            warnf(s, 0, b->field + 1, "column '%s' mixes month/day (%ld rows) and day/month "
                  "(%ld rows) dates; read as %s: rows that cannot be read so are rejected",
                  column_label(s, b), mdy[i], dmy[i], order_name(b->order));
        } else if (mdy[i]) {
            b->order = ALLOT_DATE_MDY;
        } else if (dmy[i]) {
            b->order = ALLOT_DATE_DMY;
        } else if (amb[i] && (says_mdy >= 0) != (says_dmy >= 0)) {
            const bound *o = &s->cols[says_mdy >= 0 ? says_mdy : says_dmy];
            b->order = says_mdy >= 0 ? ALLOT_DATE_MDY : ALLOT_DATE_DMY;
            b->order_warned = 1;
            warnf(s, amb_line[i], b->field + 1, "column '%s': no date has a day above 12; "
                  "read as %s, as column '%s' of this file shows (use --date-order %s if "
                  "not)", column_label(s, b), order_name(b->order), column_label(s, o),
                  b->order == ALLOT_DATE_MDY ? "DMY" : "MDY");
        } else if (amb[i]) {
            const char *why;
            b->order = ambiguous_order(s, &why);
            b->order_warned = 1;
            if (why)
                warnf(s, amb_line[i], b->field + 1, "column '%s': no date has a day above "
                      "12, so day and month cannot be told apart; read as %s%s (use "
                      "--date-order %s if not)", column_label(s, b), order_name(b->order), why,
                      b->order == ALLOT_DATE_MDY ? "DMY" : "MDY");
        }
    }
}

/* Counts what a date column's text (at line) says about its day/month
 * order: a day-first or month-first date, or the first ambiguous one. */
static void note_date(long *mdy, long *dmy, long *amb, long *amb_line, const char *text,
                      long line)
{
    int ev = allot_value_date_evidence(text);
    if (ev == ALLOT_DATE_MDY)
        (*mdy)++;
    else if (ev == ALLOT_DATE_DMY)
        (*dmy)++;
    else if (ev == ALLOT_DATE_AUTO && !(*amb)++)
        *amb_line = line;
}

static allot_status infer_from_sample(load_state *s, allot_csv_reader *r, allot_error *err)
{
    int dates = 0, numbers = 0;
    for (int i = 0; i < s->ncols; i++) {
        dates |= is_date_column(&s->cols[i]);
        numbers |= s->opt->decimal_comma < 0 && is_number_column(&s->cols[i]);
    }
    if (!dates && !numbers)
        return ALLOT_OK;
    long mdy[64] = {0}, dmy[64] = {0}, amb[64] = {0}, amb_line[64] = {0};
    decimal_seen point = {0}, comma = {0}, either = {0};
    const allot_csv_record *rec;
    allot_status st;
    s->quiet = 1;
    for (long n = 0; n < SAMPLE_ROWS; n++) {
        st = allot_csv_next(r, &rec, err);
        if (st || !rec)
            break;
        for (int i = 0; i < s->ncols && i < 64; i++) {
            bound *b = &s->cols[i];
            if (b->field < 0 || (size_t)b->field >= rec->count)
                continue;
            const char *text = rec->fields[b->field].text;
            if (numbers && is_number_column(b))
                note_decimal(&point, &comma, &either, b->col->kind == ALLOT_COL_INT, text,
                             rec->line, b->field + 1);
            if (is_date_column(b))
                note_date(&mdy[i], &dmy[i], &amb[i], &amb_line[i], text, rec->line);
        }
    }
    s->quiet = 0;
    if (st)
        return st;
    if (numbers)
        settle_decimal(s, &point, &comma, &either);
    settle_dates(s, mdy, dmy, amb, amb_line);
    return allot_csv_rewind(r, err);
}

/* A bulk load into an empty table is faster with the table's secondary
 * indexes built once at the end (SQLite sorts) than updated row by row:
 * they are dropped inside the load's transaction and recreated from their
 * own SQL by rebuild_indexes (a rollback brings them back too). */
static allot_status table_is_empty(load_state *s, int *empty, allot_error *err)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT 1 FROM %s LIMIT 1", s->table->name);
    sqlite3_stmt *st;
    allot_status rc = allot_store_prepare(s->db, sql, &st, err);
    if (rc)
        return rc;
    int step = sqlite3_step(st);
    sqlite3_finalize(st);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return allot_store_fail(s->db, step, "cannot read the table", err);
    *empty = step == SQLITE_DONE;
    return ALLOT_OK;
}

static allot_status drop_indexes(load_state *s, allot_error *err)
{
    char sql[192];
    sqlite3_stmt *st;
    allot_status rc;
    int step;
    rc = allot_store_prepare(s->db,
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL ORDER BY name", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, s->table->name, -1, SQLITE_STATIC);
    char names[16][128];
    while (s->nindex < 16 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        char **grown = realloc(s->index_sql, (size_t)(s->nindex + 1) * sizeof *grown);
        if (!grown) {
            sqlite3_finalize(st);
            return allot_error_set(err, ALLOT_ERR_NOMEM, s->path, 0, 0, "out of memory");
        }
        s->index_sql = grown;
        s->index_sql[s->nindex] = strdup((const char *)sqlite3_column_text(st, 1));
        snprintf(names[s->nindex], sizeof names[0], "%s", sqlite3_column_text(st, 0));
        if (!s->index_sql[s->nindex]) {
            sqlite3_finalize(st);
            return allot_error_set(err, ALLOT_ERR_NOMEM, s->path, 0, 0, "out of memory");
        }
        s->nindex++;
    }
    sqlite3_finalize(st);
    for (int i = 0; i < s->nindex; i++) {
        snprintf(sql, sizeof sql, "DROP INDEX \"%s\"", names[i]);
        rc = allot_store_exec(s->db, sql, err);
        if (rc)
            return rc;
    }
    return ALLOT_OK;
}

static allot_status rebuild_indexes(load_state *s, allot_error *err)
{
    for (int i = 0; i < s->nindex; i++) {
        allot_status rc = allot_store_exec(s->db, s->index_sql[i], err);
        if (rc)
            return rc;
    }
    return ALLOT_OK;
}

/* The file's SHA-256, computed on a second thread while the rows load. */
typedef struct hash_job {
    const char *path;
    char hex[65];
    int64_t bytes;
    allot_status status;
    allot_error err;
} hash_job;

static void *hash_main(void *arg)
{
    hash_job *j = arg;
    j->status = allot_sha256_file(j->path, j->hex, &j->bytes, &j->err);
    return NULL;
}

/* ---- one file ---------------------------------------------------------------- */

static void free_state(load_state *s)
{
    for (size_t i = 0; i < s->nwarnings; i++)
        free(s->warnings[i].message);
    free(s->warnings);
    if (s->slots)
        for (int i = 0; i <= s->table->ncolumns; i++)
            free(s->slots[i].own);
    free(s->slots);
    free(s->values);
    free(s->cols);
    free(s->raw);
    for (int i = 0; i < s->nindex; i++)
        free(s->index_sql[i]);
    free(s->index_sql);
    sqlite3_finalize(s->insert);
    sqlite3_finalize(s->insert_batch);
    sqlite3_finalize(s->upsert);
    sqlite3_finalize(s->reject);
    if (s->rejects)
        fclose(s->rejects);
    allot_zone_free(s->zone);
}

static allot_status write_warnings(load_state *s, int64_t load_id, allot_error *err)
{
    sqlite3_stmt *st;
    allot_status rc = allot_store_prepare(s->db,
        "INSERT INTO load_warnings(load_id, line, column_no, message) VALUES (?, ?, ?, ?)",
        &st, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < s->nwarnings; i++) {
        sqlite3_bind_int64(st, 1, load_id);
        if (s->warnings[i].line > 0)
            sqlite3_bind_int64(st, 2, s->warnings[i].line);
        else
            sqlite3_bind_null(st, 2);
        if (s->warnings[i].column > 0)
            sqlite3_bind_int64(st, 3, s->warnings[i].column);
        else
            sqlite3_bind_null(st, 3);
        sqlite3_bind_text(st, 4, s->warnings[i].message, -1, SQLITE_STATIC);
        int r = sqlite3_step(st);
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        if (r != SQLITE_DONE) {
            sqlite3_finalize(st);
            return allot_store_fail(s->db, r, "cannot record a warning", err);
        }
    }
    sqlite3_finalize(st);
    return ALLOT_OK;
}

/* A load's transaction runs with foreign keys off. The only foreign keys of
 * the tables a load writes are their load_id columns, set to the loads row
 * the load inserts itself in the same transaction; checking every row
 * against loads took about 0.3 s of the writer's 2.5 s for 2 M touches
 * (README "Speed and memory of allot-load"). PRAGMA foreign_keys does
 * nothing inside a transaction: it is set before BEGIN, and end_load sets
 * it back once the transaction has ended, whatever happened. */
static allot_status begin_load(sqlite3 *db, allot_error *err)
{
    allot_status st = allot_store_exec(db, "PRAGMA foreign_keys = OFF", err);
    if (!st)
        st = allot_store_begin(db, err);
    if (st)
        sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
    return st;
}

static void end_load(sqlite3 *db)
{
    sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
}

static allot_status record_load(load_state *s, int64_t *load_id, allot_error *err)
{
    sqlite3_stmt *st;
    allot_status rc = allot_store_prepare(s->db,
        "INSERT INTO loads(file, sha256, bytes, dialect, table_name, loaded_at, tool_version, "
        "time_zone) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, s->path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, "", -1, SQLITE_STATIC);   /* set by finish_load */
    sqlite3_bind_int64(st, 3, 0);
    sqlite3_bind_text(st, 4, s->sum->dialect, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, s->table->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)time(NULL));
    sqlite3_bind_text(st, 7, ALLOT_VERSION, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, s->zone ? allot_zone_name(s->zone) : "UTC", -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    sqlite3_finalize(st);
    if (r != SQLITE_DONE)
        return allot_store_fail(s->db, r, "cannot record the load", err);
    *load_id = sqlite3_last_insert_rowid(s->db);
    return ALLOT_OK;
}

static allot_status finish_load(load_state *s, int64_t load_id, const hash_job *hash,
                                allot_error *err)
{
    sqlite3_stmt *st;
    allot_status rc = allot_store_prepare(s->db,
        "UPDATE loads SET rows_read = ?, rows_loaded = ?, rows_updated = ?, rows_unchanged = ?,"
        " rows_rejected = ?, rows_dropped = ?, warnings = ?, bytes = ?, sha256 = ?"
        " WHERE load_id = ?", &st, err);
    if (rc)
        return rc;
    const allot_load_summary *m = s->sum;
    int64_t v[] = {m->read, m->loaded, m->updated, m->unchanged, m->rejected, m->dropped,
                   m->warnings, hash->bytes};
    for (int i = 0; i < 8; i++)
        sqlite3_bind_int64(st, i + 1, v[i]);
    sqlite3_bind_text(st, 9, hash->hex, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 10, load_id);
    int r = sqlite3_step(st);
    sqlite3_finalize(st);
    if (r != SQLITE_DONE)
        return allot_store_fail(s->db, r, "cannot record the load", err);
    return write_warnings(s, load_id, err);
}

/* ---- files in a dialect (dialect.h) ------------------------------------------ */

#define MAX_DIALECT_OUTS 3

typedef struct dialect_load {
    load_state *ts;
    const allot_csv_record *src;
    int64_t load_id;
    allot_error *err;
    allot_csv_field fields[40];
} dialect_load;

static allot_status emit_canonical(void *ctx, int out, const char *const *values,
                                   const long *src_col)
{
    dialect_load *d = ctx;
    load_state *s = &d->ts[out];
    allot_csv_record rec = {0};
    rec.line = d->src->line;
    rec.count = s->header_count;
    rec.fields = d->fields;
    for (size_t i = 0; i < rec.count; i++) {
        d->fields[i].text = values[i];
        d->fields[i].len = strlen(values[i]);
        d->fields[i].quoted = 0;
    }
    s->source = d->src;
    s->src_col = src_col;
    return load_record(s, &rec, d->load_id, d->err);
}

static void dialect_warning(void *ctx, long line, long column, const char *message)
{
    add_warning(ctx, line, column, message);
}

/* The decimal-separator sample of a dialect file: the source text of every
 * value emitted into a number column. */
typedef struct dialect_sample {
    const load_state *ts;
    const allot_csv_record *src;
    decimal_seen point, comma, either;
    int numbers;                       /* the decimal separator is to be settled */
    /* what each output's date columns showed (as infer_from_sample) */
    long mdy[MAX_DIALECT_OUTS][64], dmy[MAX_DIALECT_OUTS][64];
    long amb[MAX_DIALECT_OUTS][64], amb_line[MAX_DIALECT_OUTS][64];
    long src_col[MAX_DIALECT_OUTS][64];   /* source column of each output field */
} dialect_sample;

static allot_status sample_canonical(void *ctx, int out, const char *const *values,
                                     const long *src_col)
{
    dialect_sample *d = ctx;
    const load_state *t = &d->ts[out];
    for (int i = 0; i < t->ncols; i++) {
        const bound *b = &t->cols[i];
        long col = d->numbers && is_number_column(b) ? src_col[b->field] : 0;
        if (col > 0 && (size_t)col <= d->src->count)
            note_decimal(&d->point, &d->comma, &d->either, b->col->kind == ALLOT_COL_INT,
                         d->src->fields[col - 1].text,
                         d->src->line, col);
        if (out < MAX_DIALECT_OUTS && b->field >= 0 && b->field < 64)
            d->src_col[out][b->field] = src_col[b->field];
        if (i < 64 && out < MAX_DIALECT_OUTS && is_date_column(b) && values[b->field])
            note_date(&d->mdy[out][i], &d->dmy[out][i], &d->amb[out][i], &d->amb_line[out][i],
                      values[b->field], d->src->line);
    }
    return ALLOT_OK;
}

static void ignore_warning(void *ctx, long line, long column, const char *message)
{
    (void)ctx, (void)line, (void)column, (void)message;
}

/* Settles m->decimal_comma (when numbers) from the numbers of the file's
 * first SAMPLE_ROWS rows and the order of the outputs' date columns from
 * their dates (as infer_from_sample does for canonical files), converted by
 * a second, scratch converter so that the load's own sees each row once;
 * then rewinds r. */
static allot_status infer_dialect_sample(load_state *m, load_state *ts, int nouts, int shape,
                                         int numbers, allot_csv_reader *r, allot_error *err)
{
    dialect_sample *d = calloc(1, sizeof *d);
    if (!d)
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    allot_dialect_file *df = NULL;
    allot_status st = allot_dialect_file_new(m->db, shape, m->src_header, ignore_warning, NULL,
                                             &df, err);
    if (st) {
        free(d);
        return st;
    }
    allot_dialect_file_set_decimal_comma(df, numbers ? -1 : m->decimal_comma);
    d->ts = ts;
    d->numbers = numbers;
    const allot_csv_record *rec;
    for (long n = 0; n < SAMPLE_ROWS; n++) {
        st = allot_csv_next(r, &rec, err);
        if (st || !rec)
            break;
        if (rec->error || rec->count != m->header_count)
            continue;
        allot_dialect_row res;
        d->src = rec;
        st = allot_dialect_file_row(df, rec, sample_canonical, d, &res, err);
        if (st)
            break;
    }
    allot_dialect_file_free(df);
    if (!st) {
        if (numbers) {
            settle_decimal(m, &d->point, &d->comma, &d->either);
            for (int o = 0; o < nouts; o++) {
                ts[o].decimal_comma = m->decimal_comma;
                ts[o].comma_shown = m->comma_shown;
            }
        }
        for (int o = 0; o < nouts && o < MAX_DIALECT_OUTS; o++) {
            ts[o].src_col = d->src_col[o];   /* the warnings name source columns */
            settle_dates(&ts[o], d->mdy[o], d->dmy[o], d->amb[o], d->amb_line[o]);
            ts[o].src_col = NULL;
        }
        st = allot_csv_rewind(r, err);
    }
    free(d);
    return st;
}

/* Loads the rows of a file in a dialect: m is the file's state (path,
 * options, summary, warnings so far, rejects); *r is replaced by a reader
 * that drops the dialect's footers. Runs the whole transaction. */
static allot_status load_dialect(load_state *m, allot_csv_reader **r, int shape,
                                 allot_error *err)
{
    const allot_load_options *opt = m->opt;
    allot_load_summary *sum = m->sum;
    allot_csv_sniffed sn = *allot_csv_sniff_result(*r);
    allot_csv_free(*r);
    *r = NULL;
    allot_csv_options copt;
    allot_csv_options_init(&copt);
    copt.encoding = sn.encoding;
    copt.delimiter = sn.delimiter;
    copt.header_line = sn.header_line;
    copt.is_footer = allot_dialect_is_footer;
    allot_status st = allot_csv_open(m->path, &copt, r, err);
    if (st)
        return st;
    const allot_csv_record *h = allot_csv_header(*r);
    m->src_header = h;
    m->header_count = h->count;
    m->delimiter = sn.delimiter;
    m->decimal_comma = opt->decimal_comma >= 0 ? opt->decimal_comma : sn.delimiter == ';';
    m->comma_shown = opt->decimal_comma == 1;
    if (opt->decimal_comma < 0 && allot_dialect_decimal_comma(shape) >= 0)
        m->decimal_comma = allot_dialect_decimal_comma(shape);

    allot_dialect_file *df = NULL;
    load_state ts[MAX_DIALECT_OUTS];
    allot_load_summary tsum[MAX_DIALECT_OUTS];
    memset(ts, 0, sizeof ts);
    int nouts = 0;
    hash_job hash = {0};
    pthread_t hasher;
    int hashing = 0, began = 0;
    st = allot_dialect_file_new(m->db, shape, h, dialect_warning, m, &df, err);
    if (st)
        goto out;
    const allot_dialect_out *outs = allot_dialect_file_outputs(df, &nouts);
    if (nouts > MAX_DIALECT_OUTS)
        nouts = MAX_DIALECT_OUTS;
    sum->table[0] = '\0';
    for (int o = 0; o < nouts; o++) {
        load_state *t = &ts[o];
        memset(&tsum[o], 0, sizeof tsum[o]);
        t->db = m->db;
        t->path = m->path;
        t->opt = opt;
        t->sum = &tsum[o];
        t->main = m;
        t->table = allot_load_table(outs[o].table);
        t->delimiter = m->delimiter;
        t->decimal_comma = m->decimal_comma;
        t->comma_shown = m->comma_shown;
        allot_csv_field names[40];
        allot_csv_record hdr = {0};
        hdr.line = h->line;
        hdr.count = (size_t)outs[o].ncols;
        hdr.fields = names;
        for (int i = 0; i < outs[o].ncols; i++) {
            names[i].text = outs[o].names[i];
            names[i].len = strlen(outs[o].names[i]);
            names[i].quoted = 0;
        }
        st = map_columns(t, &hdr, err);
        if (st) {
            nouts = o + 1;
            /* name the dialect in the message */
            char msg[sizeof err->message + 128];
            snprintf(msg, sizeof msg, "%s (dialect %s, %s)", err->message, sum->dialect,
                     sum->shape);
            snprintf(err->message, sizeof err->message, "%.*s", (int)sizeof err->message - 1,
                     msg);
            goto out;
        }
        t->dialect_order = allot_dialect_date_order(shape);
        size_t l = strlen(sum->table);
        snprintf(sum->table + l, sizeof sum->table - l, "%s%s", o ? "," : "", outs[o].table);
    }
    /* the numbers can overrule the default, the dialect's too (a path file
     * saved again by a European spreadsheet has 3400,5) */
    int numbers = opt->decimal_comma < 0;
    int dates = 0;
    for (int o = 0; o < nouts; o++)
        for (int i = 0; i < ts[o].ncols; i++)
            dates |= is_date_column(&ts[o].cols[i]);
    if (numbers || dates) {
        st = infer_dialect_sample(m, ts, nouts, shape, numbers, *r, err);
        if (st)
            goto out;
    }
    allot_dialect_file_set_decimal_comma(df, m->decimal_comma);
    m->table = ts[0].table;
    hash.path = m->path;
    hashing = pthread_create(&hasher, NULL, hash_main, &hash) == 0;
    if (!hashing)
        hash_main(&hash);
    const allot_csv_record *rec;
    if (allot_dialect_file_wants_prepass(df)) {
        for (;;) {
            st = allot_csv_next(*r, &rec, err);
            if (st || !rec)
                break;
            if (!rec->error && rec->count == h->count)
                st = allot_dialect_file_prepass(df, rec, err);
            if (st)
                break;
        }
        if (!st)
            st = allot_csv_rewind(*r, err);
        if (st)
            goto out;
    }
    struct stat sb;
    int64_t bytes = stat(m->path, &sb) == 0 ? (int64_t)sb.st_size : 0;
    rejects_path(m->path, opt->rejects_dir, sum->rejects_path, sizeof sum->rejects_path);
    st = begin_load(m->db, err);
    if (st)
        goto out;
    began = 1;
    int64_t load_id = 0;
    st = record_load(m, &load_id, err);
    for (int o = 0; !st && o < nouts; o++)
        st = prepare_upsert(&ts[o], 0, err);
    if (!st)
        st = allot_store_prepare(m->db,
            "INSERT INTO rejects(load_id, file, line, column_no, column_name, value, reason, raw)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &m->reject, err);
    if (!st)
        sqlite3_bind_int64(m->reject, 1, load_id);
    dialect_load d = {ts, NULL, load_id, err, {{0}}};
    int64_t read = 0;
    while (!st) {
        st = allot_csv_next(*r, &rec, err);
        if (st || !rec)
            break;
        int blank = 1;   /* `""` lines between a report's rows and its footer */
        for (size_t i = 0; i < rec->count && blank; i++)
            blank = rec->fields[i].len == 0;
        if (blank && !rec->error)
            continue;
        read++;
        if (rec->error) {
            st = reject(m, rec, rec->error_column, rec->error, err);
        } else if (rec->count != h->count) {
            char why[96];
            snprintf(why, sizeof why, "has %zu fields but the header has %zu", rec->count,
                     h->count);
            st = reject(m, rec, 0, why, err);
        } else {
            allot_dialect_row res;
            d.src = rec;
            st = allot_dialect_file_row(df, rec, emit_canonical, &d, &res, err);
            sum->ignored += res.ignored;
            if (!st && res.why[0])
                st = reject(m, rec, res.column, res.why, err);
        }
        if (opt->progress && (read & 0xFFFF) == 0)
            opt->progress(opt->progress_ctx, allot_csv_bytes_read(*r), bytes);
    }
    sum->dropped = allot_csv_dropped(*r);
    if (!st)
        st = allot_dialect_file_finish(df, load_id, &sum->campaigns_created, &sum->linked, err);
    sum->read = read;
    for (int o = 0; o < nouts; o++) {
        sum->loaded += tsum[o].loaded;
        sum->updated += tsum[o].updated;
        sum->unchanged += tsum[o].unchanged;
        sum->rejected += tsum[o].rejected;
    }
    if (hashing) {
        pthread_join(hasher, NULL);
        hashing = 0;
    }
    if (!st && hash.status) {
        *err = hash.err;
        st = hash.status;
    }
    if (!st)
        st = finish_load(m, load_id, &hash, err);
    if (!st && sum->rejected > opt->max_rejects)
        st = allot_error_set(err, ALLOT_ERR_REJECTED, m->path, 0, 0,
                             "%lld row(s) rejected (allowed: %lld); nothing loaded from this "
                             "file, see %s", (long long)sum->rejected,
                             (long long)opt->max_rejects, sum->rejects_path);
    if (!st) {
        st = allot_store_commit(m->db, err);
        if (!st) {
            sum->committed = 1;
            sum->load_id = load_id;
        }
    }
out:
    if (st && began)
        allot_store_rollback(m->db);
    if (began)
        end_load(m->db);
    if (hashing)
        pthread_join(hasher, NULL);
    if (st && err->file[0] == '\0')
        snprintf(err->file, sizeof err->file, "%s", m->path);
    for (int o = 0; o < nouts; o++) {
        ts[o].rejects = NULL;
        free_state(&ts[o]);
    }
    allot_dialect_file_free(df);
    return st;
}

/* ---- two threads: checking rows and writing them ----------------------------- */

/* A canonical file loads on two threads: a reader thread reads, types and
 * checks the rows (CSV reader, value parsers, e-mail digests) while the
 * caller's thread, which owns the connection, writes them to SQLite; on
 * two cores the database then no longer waits for parsing. Rows cross in
 * batches holding copies of their fields (for a rejects file) and their
 * typed values; at most ROW_QUEUE batches exist, so memory stays flat in
 * the file's size. Rows are written in file order, rejects included. */

enum { ROW_QUEUE = 4, BATCH_ROWS = 4096, BATCH_BYTES = 1 << 20 };

typedef struct queued_row {
    allot_csv_record rec;      /* its fields point into the batch's arena */
    const char *why;           /* NULL: a good row; else why it is rejected */
    long column;               /* the column `why` is about (0: the row) */
    value *values;             /* good rows: the typed values (ncols) */
    const char *hex;           /* the e-mail digest, "" without */
} queued_row;

typedef struct row_batch {
    queued_row *rows;
    size_t nrows;
    char *arena;
    size_t used, cap;
} row_batch;

typedef struct row_queue {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    row_batch batches[ROW_QUEUE];
    int head, count;           /* full batches: head .. head + count - 1 (mod ROW_QUEUE) */
    int finished;              /* the reader thread has published its last batch */
    int cancelled;             /* the writer stopped: the reader thread stops too */
    allot_status status;       /* the reader thread's outcome, with err */
    allot_error err;
    load_state *s;
    allot_csv_reader *reader;
    int64_t bytes;             /* the file's size, for progress */
} row_queue;

/* Room for n bytes (aligned to 8) in the batch's arena; NULL when it is full. */
static void *arena_take(row_batch *b, size_t n)
{
    size_t at = (b->used + 7) & ~(size_t)7;
    if (at + n > b->cap)
        return NULL;
    b->used = at + n;
    return b->arena + at;
}

static const char *arena_text(row_batch *b, const char *text, size_t len)
{
    char *t = arena_take(b, len + 1);
    if (t) {
        memcpy(t, text, len);
        t[len] = '\0';
    }
    return t;
}

/* Copies the current row (rec, its verdict, s->slots) into batch b. Returns
 * 0 when the arena has no room left. */
static int queue_row(row_batch *b, const load_state *s, const allot_csv_record *rec,
                     const char *why, long column, const char *hex)
{
    queued_row *q = &b->rows[b->nrows];
    allot_csv_field *fields = arena_take(b, rec->count * sizeof *fields);
    if (!fields)
        return 0;
    for (size_t i = 0; i < rec->count; i++) {
        fields[i] = rec->fields[i];
        if (!(fields[i].text = arena_text(b, rec->fields[i].text, rec->fields[i].len)))
            return 0;
    }
    q->rec = *rec;
    q->rec.fields = fields;
    q->rec.error = NULL;
    q->column = column;
    q->values = NULL;
    q->hex = "";
    q->why = NULL;
    if (why) {
        if (!(q->why = arena_text(b, why, strlen(why))))
            return 0;
        b->nrows++;
        return 1;
    }
    if (!(q->values = arena_take(b, (size_t)s->ncols * sizeof *q->values)))
        return 0;
    for (int i = 0; i < s->ncols; i++) {
        value *v = &q->values[i];
        *v = value_of(&s->slots[i]);
        if (v->type == S_TEXT && !(v->text = arena_text(b, v->text, (size_t)v->len)))
            return 0;
    }
    if (hex[0] && !(q->hex = arena_text(b, hex, 64)))
        return 0;
    b->nrows++;
    return 1;
}

/* The next empty batch for the reader thread; NULL when the writer cancelled. */
static row_batch *acquire_batch(row_queue *q)
{
    row_batch *b = NULL;
    pthread_mutex_lock(&q->lock);
    while (q->count == ROW_QUEUE && !q->cancelled)
        pthread_cond_wait(&q->changed, &q->lock);
    if (!q->cancelled)
        b = &q->batches[(q->head + q->count) % ROW_QUEUE];
    pthread_mutex_unlock(&q->lock);
    if (b) {
        b->nrows = 0;
        b->used = 0;
    }
    return b;
}

static void publish_batch(row_queue *q)
{
    pthread_mutex_lock(&q->lock);
    q->count++;
    pthread_cond_broadcast(&q->changed);
    pthread_mutex_unlock(&q->lock);
}

/* The reader thread: fills batches until the file ends, an error, or the
 * writer cancels. */
static void *read_rows(void *arg)
{
    row_queue *q = arg;
    load_state *s = q->s;
    const allot_load_options *opt = s->opt;
    row_batch *b = NULL;
    allot_status st = ALLOT_OK;
    for (;;) {
        const allot_csv_record *rec;
        st = allot_csv_next(q->reader, &rec, &q->err);
        if (st || !rec)
            break;
        s->sum->read++;
        char hex[65];
        long column;
        const char *why = check_record(s, rec, hex, &column);
        for (;;) {
            if (!b && !(b = acquire_batch(q)))
                goto out;
            size_t mark = b->used;
            if (queue_row(b, s, rec, why, column, hex))
                break;
            b->used = mark;
            if (b->nrows > 0) {   /* full: the row goes into the next batch */
                publish_batch(q);
                b = NULL;
                continue;
            }
            char *grown = realloc(b->arena, b->cap * 2);   /* one very long row */
            if (!grown) {
                st = allot_error_set(&q->err, ALLOT_ERR_NOMEM, s->path, rec->line, 0,
                                     "out of memory");
                goto out;
            }
            b->arena = grown;
            b->cap *= 2;
        }
        if (b->nrows == BATCH_ROWS) {
            publish_batch(q);
            b = NULL;
        }
        if (opt->progress && (s->sum->read & 0xFFFF) == 0)
            opt->progress(opt->progress_ctx, allot_csv_bytes_read(q->reader), q->bytes);
    }
out:
    pthread_mutex_lock(&q->lock);
    if (b && b->nrows > 0 && !q->cancelled)
        q->count++;
    q->status = st;
    q->finished = 1;
    pthread_cond_broadcast(&q->changed);
    pthread_mutex_unlock(&q->lock);
    return NULL;
}

/* ---- a batch as a table ------------------------------------------------------- */

/* The bulk path hands SQLite a whole batch at once: the eponymous virtual
 * table allot_batch(feed) yields the batch's good rows, and one
 * INSERT ... SELECT writes them (no statement per row, no binding). */

typedef struct batch_feed {
    const row_batch *batch;
    const load_state *s;
    int64_t load_id;
} batch_feed;

typedef struct batch_cursor {
    sqlite3_vtab_cursor base;
    const batch_feed *feed;
    size_t row;
} batch_cursor;

static int batch_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                         sqlite3_vtab **vtab, char **err)
{
    (void)aux, (void)argc, (void)argv, (void)err;
    char sql[600];
    size_t n = (size_t)snprintf(sql, sizeof sql, "CREATE TABLE x(");
    for (int c = 0; c < BATCH_TABLE_COLUMNS; c++)
        n += (size_t)snprintf(sql + n, sizeof sql - n, "c%d, ", c);
    snprintf(sql + n, sizeof sql - n, "feed HIDDEN)");
    int rc = sqlite3_declare_vtab(db, sql);
    if (rc != SQLITE_OK)
        return rc;
    *vtab = sqlite3_malloc(sizeof **vtab);
    if (!*vtab)
        return SQLITE_NOMEM;
    memset(*vtab, 0, sizeof **vtab);
    return SQLITE_OK;
}

static int batch_disconnect(sqlite3_vtab *vtab)
{
    sqlite3_free(vtab);
    return SQLITE_OK;
}

static int batch_best_index(sqlite3_vtab *vtab, sqlite3_index_info *info)
{
    (void)vtab;
    for (int i = 0; i < info->nConstraint; i++)
        if (info->aConstraint[i].iColumn == BATCH_TABLE_COLUMNS &&
            info->aConstraint[i].op == SQLITE_INDEX_CONSTRAINT_EQ &&
            info->aConstraint[i].usable) {
            info->aConstraintUsage[i].argvIndex = 1;
            info->aConstraintUsage[i].omit = 1;
            info->estimatedCost = 1;
            return SQLITE_OK;
        }
    return SQLITE_CONSTRAINT;   /* only ever read with its feed */
}

static int batch_open(sqlite3_vtab *vtab, sqlite3_vtab_cursor **cursor)
{
    (void)vtab;
    batch_cursor *c = sqlite3_malloc(sizeof *c);
    if (!c)
        return SQLITE_NOMEM;
    memset(c, 0, sizeof *c);
    *cursor = &c->base;
    return SQLITE_OK;
}

static int batch_close(sqlite3_vtab_cursor *cursor)
{
    sqlite3_free(cursor);
    return SQLITE_OK;
}

static void skip_rejects(batch_cursor *c)
{
    while (c->feed && c->row < c->feed->batch->nrows && c->feed->batch->rows[c->row].why)
        c->row++;
}

static int batch_filter(sqlite3_vtab_cursor *cursor, int idx, const char *idx_str, int argc,
                        sqlite3_value **argv)
{
    (void)idx, (void)idx_str;
    batch_cursor *c = (batch_cursor *)cursor;
    c->feed = argc == 1 ? sqlite3_value_pointer(argv[0], "allot_batch_feed") : NULL;
    c->row = 0;
    skip_rejects(c);
    return SQLITE_OK;
}

static int batch_next(sqlite3_vtab_cursor *cursor)
{
    batch_cursor *c = (batch_cursor *)cursor;
    c->row++;
    skip_rejects(c);
    return SQLITE_OK;
}

static int batch_eof(sqlite3_vtab_cursor *cursor)
{
    const batch_cursor *c = (const batch_cursor *)cursor;
    return !c->feed || c->row >= c->feed->batch->nrows;
}

/* Column k: parameter k of the row's INSERT (row_param). */
static int batch_column(sqlite3_vtab_cursor *cursor, sqlite3_context *ctx, int k)
{
    const batch_cursor *c = (const batch_cursor *)cursor;
    const load_state *s = c->feed->s;
    const queued_row *r = &c->feed->batch->rows[c->row];
    value v = {S_NULL, 0, 0, 0, NULL};
    if (k < s->nparams)
        v = row_param(s, r->values, r->hex, c->feed->load_id, r->rec.line, k);
    switch (v.type) {
    case S_NULL: sqlite3_result_null(ctx); break;
    case S_INT: sqlite3_result_int64(ctx, v.i); break;
    case S_REAL: sqlite3_result_double(ctx, v.d); break;
    case S_TEXT: sqlite3_result_text(ctx, v.text, v.len, SQLITE_STATIC); break;
    }
    return SQLITE_OK;
}

static int batch_rowid(sqlite3_vtab_cursor *cursor, sqlite3_int64 *rowid)
{
    *rowid = (sqlite3_int64)((const batch_cursor *)cursor)->row;
    return SQLITE_OK;
}

static const sqlite3_module batch_module = {
    .iVersion = 0,
    .xCreate = NULL,   /* eponymous only */
    .xConnect = batch_connect,
    .xBestIndex = batch_best_index,
    .xDisconnect = batch_disconnect,
    .xOpen = batch_open,
    .xClose = batch_close,
    .xFilter = batch_filter,
    .xNext = batch_next,
    .xEof = batch_eof,
    .xColumn = batch_column,
    .xRowid = batch_rowid,
};

/* Writes one batch: its rejects, then its good rows, on the bulk path with
 * one INSERT ... SELECT from the batch (if a key repeats, the statement
 * fails as a whole and changes nothing: then row by row, the upsert taking
 * the repeated keys); else row by row. */
static allot_status write_batch(load_state *s, const row_batch *b, int64_t load_id,
                                allot_error *err)
{
    allot_status st = ALLOT_OK;
    int64_t good = 0;
    for (size_t i = 0; i < b->nrows && !st; i++) {
        if (b->rows[i].why)
            st = reject(s, &b->rows[i].rec, b->rows[i].column, b->rows[i].why, err);
        else
            good++;
    }
    if (st || !good)
        return st;
    if (s->insert_batch) {
        batch_feed feed = {b, s, load_id};
        sqlite3_bind_pointer(s->insert_batch, 1, &feed, "allot_batch_feed", NULL);
        int rc = sqlite3_step(s->insert_batch);
        sqlite3_reset(s->insert_batch);
        sqlite3_bind_null(s->insert_batch, 1);
        if (rc == SQLITE_DONE) {
            s->sum->loaded += good;
            return ALLOT_OK;
        }
        if ((rc & 0xff) != SQLITE_CONSTRAINT)
            return allot_store_fail(s->db, rc, "cannot write rows", err);
    }
    for (size_t i = 0; i < b->nrows && !st; i++)
        if (!b->rows[i].why)
            st = write_row(s, &b->rows[i].rec, b->rows[i].values, b->rows[i].hex, load_id,
                           err);
    return st;
}

/* The writer: the caller's thread writes the batches in order. */
static allot_status write_rows(row_queue *q, int64_t load_id, allot_error *err)
{
    load_state *s = q->s;
    allot_status st = ALLOT_OK;
    for (;;) {
        pthread_mutex_lock(&q->lock);
        while (q->count == 0 && !q->finished)
            pthread_cond_wait(&q->changed, &q->lock);
        row_batch *b = q->count > 0 ? &q->batches[q->head] : NULL;
        pthread_mutex_unlock(&q->lock);
        if (!b)
            break;
        st = write_batch(s, b, load_id, err);
        pthread_mutex_lock(&q->lock);
        q->head = (q->head + 1) % ROW_QUEUE;
        q->count--;
        if (st)
            q->cancelled = 1;
        pthread_cond_broadcast(&q->changed);
        pthread_mutex_unlock(&q->lock);
        if (st)
            break;
    }
    return st;
}

static void free_queue(row_queue *q)
{
    for (int i = 0; i < ROW_QUEUE; i++) {
        free(q->batches[i].rows);
        free(q->batches[i].arena);
    }
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->changed);
}

/* Loads the rows of a canonical file on two threads (see above); falls back
 * to one thread when a second cannot be started. */
static allot_status load_rows(load_state *s, allot_csv_reader *r, int64_t load_id,
                              int64_t bytes, allot_error *err)
{
    row_queue q;
    memset(&q, 0, sizeof q);
    q.s = s;
    q.reader = r;
    q.bytes = bytes;
    int ready = pthread_mutex_init(&q.lock, NULL) == 0;
    if (ready && pthread_cond_init(&q.changed, NULL) != 0) {
        pthread_mutex_destroy(&q.lock);
        ready = 0;
    }
    if (!ready)
        return allot_error_set(err, ALLOT_ERR_NOMEM, s->path, 0, 0,
                               "cannot start the reader thread");
    for (int i = 0; i < ROW_QUEUE; i++) {
        row_batch *b = &q.batches[i];
        b->rows = malloc(BATCH_ROWS * sizeof *b->rows);
        b->arena = malloc(BATCH_BYTES);
        b->cap = BATCH_BYTES;
        if (!b->rows || !b->arena) {
            free_queue(&q);
            return allot_error_set(err, ALLOT_ERR_NOMEM, s->path, 0, 0, "out of memory");
        }
    }
    pthread_t reader;
    allot_status st;
    if (pthread_create(&reader, NULL, read_rows, &q) != 0) {
        free_queue(&q);
        const allot_csv_record *rec;
        while (!(st = allot_csv_next(r, &rec, err)) && rec &&
               !(st = load_record(s, rec, load_id, err)))
            if (s->opt->progress && (s->sum->read & 0xFFFF) == 0)
                s->opt->progress(s->opt->progress_ctx, allot_csv_bytes_read(r), bytes);
        return st;
    }
    st = write_rows(&q, load_id, err);
    pthread_join(reader, NULL);
    if (!st && q.status) {
        *err = q.err;
        st = q.status;
    }
    free_queue(&q);
    return st;
}

allot_status allot_load_file(sqlite3 *db, const char *path, const allot_load_options *opt,
                             allot_load_summary *sum, allot_error *err)
{
    allot_load_options defaults;
    if (!opt) {
        allot_load_options_init(&defaults);
        opt = &defaults;
    }
    memset(sum, 0, sizeof *sum);
    load_state s = {0};
    hash_job hash = {0};
    pthread_t hasher;
    int hashing = 0, bulk = 0;
    s.db = db;
    s.path = path;
    s.opt = opt;
    s.sum = sum;
    /* dialect: NULL recognises it from the header; "canonical" or a name forces it */
    int dmode = -1;
    if (opt->dialect && strcmp(opt->dialect, "canonical") == 0) {
        dmode = -2;
    } else if (opt->dialect) {
        dmode = allot_dialect_find(opt->dialect);
        if (dmode < 0)
            return allot_error_set(err, ALLOT_ERR_USAGE, path, 0, 0,
                                   "unknown dialect '%s' (known: canonical, %s)", opt->dialect,
                                   allot_dialect_names());
    }
    const allot_table *forced = NULL;
    if (opt->table) {
        forced = allot_load_table(opt->table);
        if (!forced)
            return allot_error_set(err, ALLOT_ERR_USAGE, path, 0, 0,
                                   "unknown table '%s' (known: campaigns, spend, people, "
                                   "touches, deals, deal_people, stage_history, "
                                   "subscriptions, fx_rates, paths)", opt->table);
        if (dmode == -1)
            dmode = -2;   /* --table names a canonical table */
    }
    if (opt->timezone) {
        allot_status zst = allot_zone_new(opt->timezone, &s.zone, err);
        if (zst) {
            snprintf(err->file, sizeof err->file, "%s", path);
            return zst;
        }
    }
    snprintf(sum->dialect, sizeof sum->dialect, "%s", "canonical");

    header_want want = {forced, dmode < 0, dmode};
    allot_csv_options copt;
    allot_csv_options_init(&copt);
    copt.encoding = opt->encoding;
    copt.delimiter = opt->delimiter;
    copt.header_line = opt->header_line;
    copt.score_header = score_header;
    copt.score_ctx = &want;
    copt.warn = reader_warning;
    copt.warn_ctx = &s;
    allot_csv_reader *r = NULL;
    allot_status st = allot_csv_open(path, &copt, &r, err);
    if (st == ALLOT_ERR_PARSE && dmode != -2 && !opt->header_line && !forced) {
        /* nothing looks like a known header: read the file's own header (the
         * first record of the modal width) to say which dialect is closest */
        allot_error first = *err;
        copt.score_header = NULL;
        copt.warn = NULL;
        allot_error_clear(err);
        st = allot_csv_open(path, &copt, &r, err);
        if (st)
            *err = first;
    }
    if (st)
        goto done;
    const allot_csv_record *h = allot_csv_header(r);
    s.delimiter = allot_csv_sniff_result(r)->delimiter;
    s.decimal_comma = opt->decimal_comma >= 0 ? opt->decimal_comma : s.delimiter == ';';
    s.comma_shown = opt->decimal_comma == 1;
    int matches;
    s.table = forced ? forced : best_table(h, &matches);
    if (dmode != -2) {
        allot_dialect_match dm;
        allot_dialect_classify(dmode, h, &dm);
        int canonical_ok = dmode == -1 && s.table && table_complete(s.table, h);
        if (dm.shape >= 0 && !canonical_ok) {
            snprintf(sum->dialect, sizeof sum->dialect, "%s", dm.dialect);
            snprintf(sum->shape, sizeof sum->shape, "%s", dm.shape_name);
            s.table = NULL;
            st = load_dialect(&s, &r, dm.shape, err);
            goto done;
        }
        if (dmode >= 0 || !s.table) {
            if (dmode >= 0 && !dm.dialect)
                st = allot_error_set(err, ALLOT_ERR_DATA, path, h->line, 0,
                                     "the header does not match dialect %s: none of its "
                                     "shapes' key column names is in it (see allot-load "
                                     "--list-dialects)", opt->dialect);
            else if (dmode >= 0)
                st = allot_error_set(err, ALLOT_ERR_DATA, path, h->line, 0,
                                     "the header does not match dialect %s; closest: %s (%s), "
                                     "missing headers: %s", opt->dialect,
                                     dm.dialect ? dm.dialect : opt->dialect,
                                     dm.shape_name ? dm.shape_name : "-", dm.missing);
            else if (!dm.dialect)
                st = allot_error_set(err, ALLOT_ERR_DATA, path, h->line, 0,
                                     "the header matches no canonical table and no dialect (no "
                                     "known column name in it); see the README or allot-load "
                                     "--list-dialects, or force one with --dialect or --table");
            else
                st = allot_error_set(err, ALLOT_ERR_DATA, path, h->line, 0,
                                     "the header matches no canonical table and no dialect; "
                                     "closest dialect: %s (%s), missing headers: %s; see the "
                                     "README or allot-load --list-dialects, or force one with "
                                     "--dialect or --table",
                                     dm.dialect ? dm.dialect : "-",
                                     dm.shape_name ? dm.shape_name : "-", dm.missing);
            goto done;
        }
    }
    if (!s.table) {
        st = allot_error_set(err, ALLOT_ERR_DATA, path, h->line, 0,
                             "the header matches no canonical table; see the README for the "
                             "headers, or name the table with --table");
        goto done;
    }
    snprintf(sum->table, sizeof sum->table, "%s", s.table->name);
    st = map_columns(&s, h, err);
    if (st)
        goto done;
    hash.path = path;
    hashing = pthread_create(&hasher, NULL, hash_main, &hash) == 0;
    if (!hashing)
        hash_main(&hash);
    st = infer_from_sample(&s, r, err);
    if (st)
        goto done;
    struct stat sb;
    int64_t bytes = stat(path, &sb) == 0 ? (int64_t)sb.st_size : 0;
    rejects_path(path, opt->rejects_dir, sum->rejects_path, sizeof sum->rejects_path);

    /* The database stays in WAL mode during every load. (Switching a first
     * load to a rollback journal saved the checkpoint's second write, but
     * another tool opening the database meanwhile then failed at once with
     * "database is locked": setting WAL back needs an exclusive lock and
     * does not wait for the busy timeout; tests/e2e/concurrent.sh.) Whether
     * the table is empty (the bulk path) is decided inside the transaction,
     * so a concurrent load into the same table cannot change it. */
    st = begin_load(db, err);
    if (st)
        goto done;
    st = table_is_empty(&s, &bulk, err);
    int64_t load_id = 0;
    if (!st)
        st = record_load(&s, &load_id, err);
    if (!st && bulk)
        st = drop_indexes(&s, err);
    if (!st)
        st = prepare_upsert(&s, bulk, err);
    if (!st)
        st = allot_store_prepare(db,
            "INSERT INTO rejects(load_id, file, line, column_no, column_name, value, reason, raw)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &s.reject, err);
    if (!st)
        sqlite3_bind_int64(s.reject, 1, load_id);
    if (!st)
        st = load_rows(&s, r, load_id, bytes, err);
    sum->dropped = allot_csv_dropped(r);
    if (!st)
        st = rebuild_indexes(&s, err);
    if (hashing) {
        pthread_join(hasher, NULL);
        hashing = 0;
    }
    if (!st && hash.status) {
        *err = hash.err;
        st = hash.status;
    }
    if (!st)
        st = finish_load(&s, load_id, &hash, err);
    if (!st && sum->rejected > opt->max_rejects)
        st = allot_error_set(err, ALLOT_ERR_REJECTED, path, 0, 0,
                             "%lld row(s) rejected (allowed: %lld); nothing loaded from this "
                             "file, see %s", (long long)sum->rejected,
                             (long long)opt->max_rejects, sum->rejects_path);
    if (!st) {
        st = allot_store_commit(db, err);
        if (!st) {
            sum->committed = 1;
            sum->load_id = load_id;
        }
    }
    if (st)
        allot_store_rollback(db);
    end_load(db);

done:
    if (hashing)
        pthread_join(hasher, NULL);
    /* The rejects file: kept when there are rejects (even when nothing
     * committed), removed when a reload has none. */
    if (s.rejects) {
        int bad = fclose(s.rejects) != 0;
        s.rejects = NULL;
        if (bad || (st && st != ALLOT_ERR_REJECTED) ||
            rename(s.rejects_tmp, sum->rejects_path) != 0) {
            unlink(s.rejects_tmp);
            if (!st)
                st = allot_error_set(err, ALLOT_ERR_IO, sum->rejects_path, 0, 0,
                                     "cannot write the rejects file");
        }
    } else if (sum->rejects_path[0]) {
        unlink(sum->rejects_path);
    }
    if (sum->rejected == 0 || (st && st != ALLOT_ERR_REJECTED))
        sum->rejects_path[0] = '\0';
    allot_csv_free(r);
    free_state(&s);
    return st;
}
