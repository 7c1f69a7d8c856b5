/* restate.c — comparing two allot-credit runs (restate.h). */
#include "restate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labels.h"
#include "money.h"
#include "period.h"
#include "store.h"

static const char *const kind_names[ALLOT_RESTATE_KIND_COUNT] = {"added", "removed", "moved",
                                                                 "amount", "resplit"};

const char *allot_restate_kind_name(allot_restate_kind kind)
{
    return (unsigned)kind < ALLOT_RESTATE_KIND_COUNT ? kind_names[kind] : "?";
}

static allot_status nomem(allot_error *err)
{
    return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0,
                           "out of memory comparing the credit runs");
}

static char *dup_text(const unsigned char *s)
{
    const char *t = s ? (const char *)s : "";
    size_t n = strlen(t) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, t, n);
    return d;
}

/* 1 when name is an item of a comma-separated list. */
static int list_has(const char *list, const char *name)
{
    size_t n = strlen(name);
    const char *p = list;
    while (p && *p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0)
            return 1;
        p = end ? end + 1 : NULL;
    }
    return 0;
}

typedef struct run_info {
    int64_t id;
    char params[8192];
    char event[16];
} run_info;

static void event_of(run_info *r)
{
    if (!allot_store_run_param(r->params, "event", r->event, sizeof r->event) || !r->event[0])
        snprintf(r->event, sizeof r->event, "revenue");
}

/* Reads run id; ALLOT_ERR_USAGE unless it is a successful allot-credit run. */
static allot_status load_run(sqlite3 *db, int64_t id, const char *which, run_info *r,
                             allot_error *err)
{
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(
        db, "SELECT tool, status, parameters FROM runs WHERE run_id = ?1", &st, err);
    if (s != ALLOT_OK)
        return s;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        sqlite3_finalize(st);
        return allot_store_fail(db, rc, "reading the runs", err);
    }
    if (rc == SQLITE_DONE ||
        strcmp((const char *)sqlite3_column_text(st, 0), "allot-credit") != 0) {
        sqlite3_finalize(st);
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "%s: run %lld is not an allot-credit run of this database; pick "
                               "one of: SELECT run_id, parameters FROM runs WHERE tool = "
                               "'allot-credit' AND status = 'ok'",
                               which, (long long)id);
    }
    if (strcmp((const char *)sqlite3_column_text(st, 1), "ok") != 0) {
        allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                        "%s: allot-credit run %lld did not finish (status '%s'); compare "
                        "successful runs only",
                        which, (long long)id, (const char *)sqlite3_column_text(st, 1));
        sqlite3_finalize(st);
        return ALLOT_ERR_USAGE;
    }
    r->id = id;
    snprintf(r->params, sizeof r->params, "%s", (const char *)sqlite3_column_text(st, 2));
    sqlite3_finalize(st);
    event_of(r);
    return ALLOT_OK;
}

/* The latest successful allot-credit run with event, below before (0: any);
 * r->id 0 when there is none. */
static allot_status find_run(sqlite3 *db, const char *event, int64_t before, run_info *r,
                             allot_error *err)
{
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(
        db,
        "SELECT run_id, parameters FROM runs WHERE tool = 'allot-credit' AND status = 'ok'"
        " AND (?1 = 0 OR run_id < ?1) ORDER BY run_id DESC",
        &st, err);
    if (s != ALLOT_OK)
        return s;
    sqlite3_bind_int64(st, 1, before);
    r->id = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        snprintf(r->params, sizeof r->params, "%s", (const char *)sqlite3_column_text(st, 1));
        event_of(r);
        if (strcmp(r->event, event) == 0) {
            r->id = sqlite3_column_int64(st, 0);
            break;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return allot_store_fail(db, rc, "reading the runs", err);
    return ALLOT_OK;
}

/* The reporting currency of a run: its rollups' currency for the model,
 * else its currency= parameter. */
static allot_status currency_of(sqlite3 *db, const run_info *r, const char *model, char out[4],
                                allot_error *err)
{
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(
        db, "SELECT currency FROM rollup_period WHERE run_id = ?1 AND model = ?2 LIMIT 1", &st,
        err);
    if (s != ALLOT_OK)
        return s;
    sqlite3_bind_int64(st, 1, r->id);
    sqlite3_bind_text(st, 2, model, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    char buf[16] = "";
    if (rc == SQLITE_ROW)
        snprintf(buf, sizeof buf, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return allot_store_fail(db, rc, "reading the rollups", err);
    if (!buf[0])
        allot_store_run_param(r->params, "currency", buf, sizeof buf);
    if (!buf[0])
        snprintf(buf, sizeof buf, "USD");
    snprintf(out, 4, "%.3s", buf);
    return ALLOT_OK;
}

/* The FROM run's period label in the TO run's labelling: ?5 is NULL when
 * both runs used the same fiscal start, else a JSON object mapping the FROM
 * run's labels to the TO run's ("FY2027Q2": "2026Q3"); see period_map. */
#define FROM_PERIOD(col)                                                                    \
    "(CASE WHEN ?5 IS NULL THEN " col " ELSE coalesce((SELECT value FROM json_each(?5)"     \
    " WHERE key = " col "), " col ") END)"

static const char *const sql_channels =
    "SELECT coalesce(f.period, t.period) AS p, coalesce(f.channel, t.channel) AS c,"
    " f.credited_minor, t.credited_minor"
    " FROM (SELECT " FROM_PERIOD("period") " AS period, channel, credited_minor"
    "       FROM rollup_channel WHERE run_id = ?1 AND model = ?3) f"
    " FULL OUTER JOIN (SELECT period, channel, credited_minor FROM rollup_channel"
    "       WHERE run_id = ?2 AND model = ?3) t"
    " ON f.period = t.period AND f.channel = t.channel"
    " WHERE ?4 IS NULL OR coalesce(f.period, t.period) = ?4"
    " ORDER BY p, c";

static const char *const sql_periods =
    "SELECT coalesce(f.period, t.period) AS p,"
    " f.booked_minor, t.booked_minor, f.credited_minor, t.credited_minor,"
    " f.unattributed_minor, t.unattributed_minor, f.deals, t.deals"
    " FROM (SELECT " FROM_PERIOD("period") " AS period, booked_minor, credited_minor,"
    "       unattributed_minor, deals FROM rollup_period WHERE run_id = ?1 AND model = ?3) f"
    " FULL OUTER JOIN (SELECT * FROM rollup_period WHERE run_id = ?2 AND model = ?3) t"
    " ON f.period = t.period"
    " WHERE ?4 IS NULL OR coalesce(f.period, t.period) = ?4"
    " ORDER BY p";

/* Credit per period and campaign of each run: rollup_campaign summed over
 * the campaign's channels (kind 0, or 1 for '(none)'), and the period's
 * unattributed amount (kind 2) when the run had unattributed deals. The kind
 * is part of the key, so a campaign whose id happens to read
 * '(unattributed)' stays its own row. */
static const char *const sql_campaigns =
    "WITH f AS (SELECT " FROM_PERIOD("period") " AS period,"
    "      CASE campaign_id WHEN " ALLOT_SQL_LABEL_NONE " THEN 1 ELSE 0 END AS k,"
    "      campaign_id AS c, sum(credited_minor) AS m FROM rollup_campaign"
    "      WHERE run_id = ?1 AND model = ?3 GROUP BY period, campaign_id"
    "    UNION ALL SELECT " FROM_PERIOD("period") ", 2, " ALLOT_SQL_LABEL_UNATTRIBUTED ","
    "      unattributed_minor"
    "      FROM rollup_period WHERE run_id = ?1 AND model = ?3"
    "      AND (unattributed_deals > 0 OR unattributed_minor <> 0)),"
    " t AS (SELECT period, CASE campaign_id WHEN " ALLOT_SQL_LABEL_NONE " THEN 1 ELSE 0 END AS k,"
    "      campaign_id AS c, sum(credited_minor) AS m FROM rollup_campaign"
    "      WHERE run_id = ?2 AND model = ?3 GROUP BY period, campaign_id"
    "    UNION ALL SELECT period, 2, " ALLOT_SQL_LABEL_UNATTRIBUTED ", unattributed_minor"
    "      FROM rollup_period"
    "      WHERE run_id = ?2 AND model = ?3"
    "      AND (unattributed_deals > 0 OR unattributed_minor <> 0)),"
    " j AS (SELECT coalesce(f.period, t.period) AS p, coalesce(f.k, t.k) AS k,"
    "      coalesce(f.c, t.c) AS c, f.m AS fm, t.m AS tm"
    "      FROM f FULL OUTER JOIN t ON f.period = t.period AND f.k = t.k AND f.c = t.c)"
    " SELECT j.p, j.k, j.c, j.fm, j.tm,"
    "  (SELECT name FROM campaigns WHERE campaign_id = j.c AND j.k = 0)"
    " FROM j WHERE ?4 IS NULL OR j.p = ?4"
    " ORDER BY j.p, j.k, j.c";

static void bind_five(sqlite3_stmt *st, const allot_restate *r, const char *map)
{
    if (map)
        sqlite3_bind_text(st, 5, map, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 5);
    sqlite3_bind_int64(st, 1, r->from_run);
    sqlite3_bind_int64(st, 2, r->to_run);
    sqlite3_bind_text(st, 3, r->model, -1, SQLITE_STATIC);
    if (r->period[0])
        sqlite3_bind_text(st, 4, r->period, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 4);
}

/* Room for item n of the array *array_ptr (a pointer to an array of items
 * of size bytes, *cap allocated), doubling it when full, and that item
 * zeroed. -1 when out of memory (the array is kept). */
static int reserve(void *array_ptr, size_t n, size_t *cap, size_t size)
{
    char *items;
    memcpy(&items, array_ptr, sizeof items);
    if (n == *cap) {
        size_t ncap = *cap ? 2 * *cap : 16;
        char *grown = realloc(items, ncap * size);
        if (!grown)
            return -1;
        items = grown;
        memcpy(array_ptr, &items, sizeof items);
        *cap = ncap;
    }
    memset(items + n * size, 0, size);
    return 0;
}

/* Fills one item from the statement's row: 0, or -1 when out of memory
 * (what it allocated stays in the item, for allot_restate_release). */
typedef int (*row_fill)(sqlite3_stmt *st, void *item);

/* Runs sql (bound by bind_five) and appends one item of size bytes per row
 * to the array *array_ptr of *n items, filled by fill; `table` names what
 * is read in an error. */
static allot_status read_rows(sqlite3 *db, const char *sql, const allot_restate *r,
                              const char *map, void *array_ptr, size_t *n, size_t size,
                              row_fill fill, const char *table, allot_error *err)
{
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(db, sql, &st, err);
    if (s != ALLOT_OK)
        return s;
    bind_five(st, r, map);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (reserve(array_ptr, *n, &cap, size) != 0) {
            sqlite3_finalize(st);
            return nomem(err);
        }
        char *items;
        memcpy(&items, array_ptr, sizeof items);
        if (fill(st, items + (*n)++ * size) != 0) {
            sqlite3_finalize(st);
            return nomem(err);
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        char what[64];
        snprintf(what, sizeof what, "reading %s", table);
        return allot_store_fail(db, rc, what, err);
    }
    return ALLOT_OK;
}

static int fill_channel(sqlite3_stmt *st, void *item)
{
    allot_restate_channel *c = item;
    c->period = dup_text(sqlite3_column_text(st, 0));
    c->channel = dup_text(sqlite3_column_text(st, 1));
    c->from_present = sqlite3_column_type(st, 2) != SQLITE_NULL;
    c->to_present = sqlite3_column_type(st, 3) != SQLITE_NULL;
    c->from_minor = sqlite3_column_int64(st, 2);
    c->to_minor = sqlite3_column_int64(st, 3);
    return c->period && c->channel ? 0 : -1;
}

static int fill_period(sqlite3_stmt *st, void *item)
{
    allot_restate_period *p = item;
    p->period = dup_text(sqlite3_column_text(st, 0));
    p->from_booked = sqlite3_column_int64(st, 1);
    p->to_booked = sqlite3_column_int64(st, 2);
    p->from_credited = sqlite3_column_int64(st, 3);
    p->to_credited = sqlite3_column_int64(st, 4);
    p->from_unattributed = sqlite3_column_int64(st, 5);
    p->to_unattributed = sqlite3_column_int64(st, 6);
    p->from_deals = sqlite3_column_int64(st, 7);
    p->to_deals = sqlite3_column_int64(st, 8);
    return p->period ? 0 : -1;
}

static int fill_campaign(sqlite3_stmt *st, void *item)
{
    allot_restate_campaign *c = item;
    int kind = sqlite3_column_int(st, 1);
    c->kind = kind == 2   ? ALLOT_RESTATE_CAMPAIGN_UNATTRIBUTED
              : kind == 1 ? ALLOT_RESTATE_CAMPAIGN_NONE
                          : ALLOT_RESTATE_CAMPAIGN_NAMED;
    c->period = dup_text(sqlite3_column_text(st, 0));
    c->campaign_id = dup_text(sqlite3_column_text(st, 2));
    c->from_minor = sqlite3_column_int64(st, 3);
    c->to_minor = sqlite3_column_int64(st, 4);
    const unsigned char *name = sqlite3_column_text(st, 5);
    if (c->kind == ALLOT_RESTATE_CAMPAIGN_NONE)
        name = (const unsigned char *)"(no campaign)";
    else if (c->kind == ALLOT_RESTATE_CAMPAIGN_UNATTRIBUTED)
        name = (const unsigned char *)ALLOT_LABEL_UNATTRIBUTED;
    c->name = dup_text(name);
    return c->period && c->campaign_id && c->name ? 0 : -1;
}

/* A growing string. */
typedef struct strbuf {
    char *s;
    size_t len, cap;
    int failed;
} strbuf;

static void sb_add(strbuf *b, const char *t)
{
    size_t n = strlen(t);
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t ncap = b->cap ? b->cap : 64;
        while (ncap < b->len + n + 1)
            ncap *= 2;
        char *s = realloc(b->s, ncap);
        if (!s) {
            b->failed = 1;
            return;
        }
        b->s = s;
        b->cap = ncap;
    }
    memcpy(b->s + b->len, t, n + 1);
    b->len += n;
}

/* One deal of one run: its period, booked amount and split. */
typedef struct deal_row {
    char *deal_id;
    char *period;
    int64_t minor;
    int null_amount;
    char *split;
} deal_row;

static void deal_rows_free(deal_row *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(d[i].deal_id);
        free(d[i].period);
        free(d[i].split);
    }
    free(d);
}

/* The model's deals of run_id, by deal_id (byte order). */
static allot_status read_deals(sqlite3 *db, int64_t run_id, const allot_restate *r,
                               const char *map, deal_row **out, size_t *n_out,
                               allot_error *err)
{
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(
        db,
        "SELECT deal_id, min(" FROM_PERIOD("period") "), channel, sum(reporting_minor)"
        " FROM ledger WHERE run_id = ?1 AND model = ?2 GROUP BY deal_id, channel"
        " UNION ALL SELECT deal_id, " FROM_PERIOD("period") ", NULL, NULL"
        " FROM ledger_null_amount WHERE run_id = ?1"
        " ORDER BY 1, 3",
        &st, err);
    if (s != ALLOT_OK)
        return s;
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_text(st, 2, r->model, -1, SQLITE_STATIC);
    if (map)
        sqlite3_bind_text(st, 5, map, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 5);
    deal_row *d = NULL;
    size_t n = 0, cap = 0;
    strbuf sb = {0};
    int rc;
    s = ALLOT_OK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        if (!n || strcmp(d[n - 1].deal_id, id) != 0) {
            if (n) {
                d[n - 1].split = sb.s;
                sb = (strbuf){0};
            }
            if (reserve(&d, n, &cap, sizeof *d) != 0) {
                s = nomem(err);
                break;
            }
            n++;
            d[n - 1].deal_id = dup_text((const unsigned char *)id);
            d[n - 1].period = dup_text(sqlite3_column_text(st, 1));
            if (!d[n - 1].deal_id || !d[n - 1].period) {
                s = nomem(err);
                break;
            }
        }
        if (sqlite3_column_type(st, 2) == SQLITE_NULL) { /* ledger_null_amount */
            d[n - 1].null_amount = 1;
            sb_add(&sb, "(no amount)");
            if (sb.failed) {
                s = nomem(err);
                break;
            }
            continue;
        }
        int64_t minor = sqlite3_column_int64(st, 3);
        d[n - 1].minor += minor;
        char amount[64];
        allot_money_format_minor(minor, r->exponent, amount, sizeof amount);
        if (sb.len)
            sb_add(&sb, "; ");
        sb_add(&sb, (const char *)sqlite3_column_text(st, 2));
        sb_add(&sb, "=");
        sb_add(&sb, amount);
        if (sb.failed) {
            s = nomem(err);
            break;
        }
    }
    sqlite3_finalize(st);
    if (n && !d[n - 1].split) {
        d[n - 1].split = sb.s;
        sb.s = NULL;
    }
    free(sb.s);
    if (s == ALLOT_OK && rc != SQLITE_DONE)
        s = allot_store_fail(db, rc, "reading the ledger", err);
    if (s == ALLOT_OK)
        for (size_t i = 0; i < n; i++)
            if (!d[i].split && !(d[i].split = dup_text(NULL)))
                s = nomem(err);
    if (s != ALLOT_OK) {
        deal_rows_free(d, n);
        return s;
    }
    *out = d;
    *n_out = n;
    return ALLOT_OK;
}

static int in_scope(const allot_restate *r, const deal_row *a, const deal_row *b)
{
    if (!r->period[0])
        return 1;
    return (a && strcmp(a->period, r->period) == 0) || (b && strcmp(b->period, r->period) == 0);
}

static allot_status add_deal(allot_restate *r, size_t *cap, allot_restate_kind kind,
                             const deal_row *a, const deal_row *b, allot_error *err)
{
    if (reserve(&r->deals, r->n_deals, cap, sizeof *r->deals) != 0)
        return nomem(err);
    allot_restate_deal *x = &r->deals[r->n_deals++];
    x->kind = kind;
    x->deal_id = dup_text((const unsigned char *)(a ? a->deal_id : b->deal_id));
    x->from_period = a ? dup_text((const unsigned char *)a->period) : NULL;
    x->to_period = b ? dup_text((const unsigned char *)b->period) : NULL;
    x->from_minor = a ? a->minor : 0;
    x->to_minor = b ? b->minor : 0;
    x->from_null = a ? a->null_amount : 0;
    x->to_null = b ? b->null_amount : 0;
    x->from_split = dup_text((const unsigned char *)(a ? a->split : NULL));
    x->to_split = dup_text((const unsigned char *)(b ? b->split : NULL));
    if (!x->deal_id || (a && !x->from_period) || (b && !x->to_period) || !x->from_split ||
        !x->to_split)
        return nomem(err);
    r->count[kind]++;
    return ALLOT_OK;
}

static allot_status compare_deals(sqlite3 *db, allot_restate *r, const char *map,
                                  allot_error *err)
{
    deal_row *fa = NULL, *ta = NULL;
    size_t nf = 0, nt = 0, cap = 0;
    allot_status s = read_deals(db, r->from_run, r, map, &fa, &nf, err);
    if (s == ALLOT_OK)
        s = read_deals(db, r->to_run, r, NULL, &ta, &nt, err);
    size_t i = 0, j = 0;
    while (s == ALLOT_OK && (i < nf || j < nt)) {
        int c = i == nf ? 1 : j == nt ? -1 : strcmp(fa[i].deal_id, ta[j].deal_id);
        const deal_row *a = c <= 0 ? &fa[i] : NULL, *b = c >= 0 ? &ta[j] : NULL;
        if (c < 0)
            i++;
        else if (c > 0)
            j++;
        else
            i++, j++;
        if (!in_scope(r, a, b))
            continue;
        if (!b)
            s = add_deal(r, &cap, ALLOT_RESTATE_REMOVED, a, b, err);
        else if (!a)
            s = add_deal(r, &cap, ALLOT_RESTATE_ADDED, a, b, err);
        else if (strcmp(a->period, b->period) != 0)
            s = add_deal(r, &cap, ALLOT_RESTATE_MOVED, a, b, err);
        else if (a->minor != b->minor || a->null_amount != b->null_amount)
            s = add_deal(r, &cap, ALLOT_RESTATE_AMOUNT, a, b, err);
        else if (strcmp(a->split, b->split) != 0)
            s = add_deal(r, &cap, ALLOT_RESTATE_RESPLIT, a, b, err);
    }
    deal_rows_free(fa, nf);
    deal_rows_free(ta, nt);
    return s;
}

allot_status allot_restate_check_fiscal(int64_t from_run, int from_fiscal, int64_t to_run,
                                        int to_fiscal, allot_error *err)
{
    if ((from_fiscal - to_fiscal) % 3 == 0)
        return ALLOT_OK;
    return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                           "run %lld's fiscal year starts in month %d and run %lld's in "
                           "month %d: their quarters are different months and cannot be "
                           "compared; run allot-credit again with --fiscal-start %d",
                           (long long)from_run, from_fiscal, (long long)to_run, to_fiscal,
                           from_fiscal);
}

int allot_restate_relabel(const char *label, int from_fiscal, int to_fiscal, char out[32])
{
    allot_period p, q;
    out[0] = '\0';
    if (!label || allot_period_parse(label, from_fiscal, &p, NULL) != ALLOT_OK)
        return 0;
    allot_period_quarter_of(p.start, from_fiscal, &q);
    if (q.start != p.start || q.end != p.end)
        return 0;
    allot_period_quarter_of(p.start, to_fiscal, &q);
    if (q.start != p.start || q.end != p.end)
        return 0;
    snprintf(out, 32, "%s", q.label);
    return 1;
}

/* The FROM run's quarter labels (fiscal start from_fiscal) as a JSON object
 * mapping each to the label of the same quarter with the TO run's fiscal
 * start ({"FY2027Q2":"2026Q3"}), into *out (malloc'd). Only called when the
 * quarters line up (the starts differ by a multiple of 3 months); a label
 * that does not parse as one of those quarters is left out (kept as it is). */
static allot_status period_map(sqlite3 *db, const allot_restate *r, int from_fiscal,
                               int to_fiscal, char **out, allot_error *err)
{
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(
        db,
        "SELECT DISTINCT period FROM rollup_period WHERE run_id = ?1 AND model = ?2"
        " UNION SELECT period FROM ledger_null_amount WHERE run_id = ?1 ORDER BY 1",
        &st, err);
    if (s != ALLOT_OK)
        return s;
    sqlite3_bind_int64(st, 1, r->from_run);
    sqlite3_bind_text(st, 2, r->model, -1, SQLITE_STATIC);
    strbuf sb = {0};
    sb_add(&sb, "{");
    int rc, first = 1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *label = (const char *)sqlite3_column_text(st, 0);
        char to_label[32];
        if (!label || strpbrk(label, "\"\\") ||
            !allot_restate_relabel(label, from_fiscal, to_fiscal, to_label))
            continue;
        sb_add(&sb, first ? "\"" : ",\"");
        sb_add(&sb, label);
        sb_add(&sb, "\":\"");
        sb_add(&sb, to_label);
        sb_add(&sb, "\"");
        first = 0;
    }
    sqlite3_finalize(st);
    sb_add(&sb, "}");
    if (rc != SQLITE_DONE) {
        free(sb.s);
        return allot_store_fail(db, rc, "reading rollup_period", err);
    }
    if (sb.failed) {
        free(sb.s);
        return nomem(err);
    }
    *out = sb.s;
    return ALLOT_OK;
}

/* Parameters whose values differ, FROM/TO, into r->differing (fiscal_start
 * left out when the FROM run's quarters were relabeled). */
static void differing_params(allot_restate *r, const run_info *a, const run_info *b,
                             int relabeled)
{
    static const char *const keys[] = {
        "account_level", "bootstrap", "bootstrap_seed", "custom", "dedupe_minutes",
        "fiscal_start", "half_life_days", "lookback_days", "markov_keep_repeats",
        "markov_order", "max_touches", "period", "position", "shapley", "timezone"};
    r->differing[0] = '\0';
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
        char va[256], vb[256];
        allot_store_run_param(a->params, keys[k], va, sizeof va);
        allot_store_run_param(b->params, keys[k], vb, sizeof vb);
        if (strcmp(va, vb) == 0 || (relabeled && strcmp(keys[k], "fiscal_start") == 0))
            continue;
        size_t used = strlen(r->differing);
        snprintf(r->differing + used, sizeof r->differing - used, "%s%s=%s/%s",
                 used ? "; " : "", keys[k], va, vb);
    }
}

allot_status allot_restate_compare(sqlite3 *db, const allot_restate_options *options,
                                   allot_restate *out, allot_error *err)
{
    memset(out, 0, sizeof *out);
    if (!options || !options->model || !options->model[0])
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0, "no model to compare");
    snprintf(out->model, sizeof out->model, "%s", options->model);

    run_info *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
    allot_status s = a && b ? ALLOT_OK : nomem(err);
    /* TO: given, or the latest revenue run. */
    if (s == ALLOT_OK && options->to_run) {
        s = load_run(db, options->to_run, "--to", b, err);
    } else if (s == ALLOT_OK) {
        s = find_run(db, "revenue", 0, b, err);
        if (s == ALLOT_OK && !b->id)
            s = allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                                "no successful allot-credit revenue run in this database: "
                                "run allot-credit, and again after reloading the changed "
                                "exports, then compare");
    }
    /* FROM: given, or the run of the same event before TO. */
    if (s == ALLOT_OK && options->from_run) {
        s = load_run(db, options->from_run, "--from", a, err);
    } else if (s == ALLOT_OK) {
        s = find_run(db, b->event, b->id, a, err);
        if (s == ALLOT_OK && !a->id)
            s = allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                                "run %lld is the first successful allot-credit %s run: there "
                                "is nothing before it to compare with (give --from RUN, or "
                                "run allot-credit again after reloading the changed exports)",
                                (long long)b->id, b->event);
    }
    if (s == ALLOT_OK && a->id == b->id)
        s = allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                            "--from and --to are both run %lld: compare two different runs",
                            (long long)a->id);
    if (s == ALLOT_OK && strcmp(a->event, b->event) != 0)
        s = allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                            "run %lld credits the %s event and run %lld the %s event: compare "
                            "two runs of the same event (allot-credit --event)",
                            (long long)a->id, a->event, (long long)b->id, b->event);
    char models[1024];
    for (int k = 0; s == ALLOT_OK && k < 2; k++) {
        const run_info *r = k ? b : a;
        allot_store_run_param(r->params, "models", models, sizeof models);
        if (!list_has(models, out->model))
            s = allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                                "run %lld did not compute the model '%s' (it computed: %s); "
                                "give --model with one of them",
                                (long long)r->id, out->model, models[0] ? models : "none");
    }
    char ca[4] = "", cb[4] = "";
    if (s == ALLOT_OK)
        s = currency_of(db, a, out->model, ca, err);
    if (s == ALLOT_OK)
        s = currency_of(db, b, out->model, cb, err);
    if (s == ALLOT_OK && strcmp(ca, cb) != 0)
        s = allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                            "run %lld reports in %s and run %lld in %s: amounts in different "
                            "currencies cannot be compared; run allot-credit again with "
                            "--currency %s",
                            (long long)a->id, ca, (long long)b->id, cb, ca);
    if (s == ALLOT_OK) {
        out->from_run = a->id;
        out->to_run = b->id;
        snprintf(out->event, sizeof out->event, "%s", b->event);
        memcpy(out->currency, cb, sizeof out->currency);
        out->exponent = allot_currency_exponent(cb);
        if (out->exponent < 0)
            out->exponent = 2;
    }
    /* Runs made with different fiscal starts label the same quarter
     * differently: relabel the FROM run's quarters as the TO run's when the
     * quarters are the same months; refuse when they are not. */
    int fa = allot_store_run_fiscal_start(a->params);
    int fb = allot_store_run_fiscal_start(b->params);
    char *map = NULL;
    if (s == ALLOT_OK)
        s = allot_restate_check_fiscal(a->id, fa, b->id, fb, err);
    if (s == ALLOT_OK && fa != fb) {
        s = period_map(db, out, fa, fb, &map, err);
        snprintf(out->relabeled, sizeof out->relabeled,
                 "run %lld's quarters (fiscal year from month %d) are labeled as run %lld's "
                 "(fiscal year from month %d)",
                 (long long)a->id, fa, (long long)b->id, fb);
    }
    if (s == ALLOT_OK)
        differing_params(out, a, b, fa != fb);
    if (s == ALLOT_OK && options->period) {
        int fiscal = fb;
        allot_period p, q;
        s = allot_period_parse(options->period, fiscal, &p, err);
        if (s == ALLOT_OK) {
            allot_period_quarter_of(p.start, fiscal, &q);
            if (q.start != p.start || q.end != p.end)
                s = allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                                    "--period %s: the ledger's periods are quarters; give one "
                                    "quarter (e.g. %s)",
                                    options->period, q.label);
            else
                snprintf(out->period, sizeof out->period, "%s", q.label);
        }
    }
    if (s == ALLOT_OK)
        s = read_rows(db, sql_periods, out, map, &out->periods, &out->n_periods,
                      sizeof *out->periods, fill_period, "rollup_period", err);
    if (s == ALLOT_OK)
        s = read_rows(db, sql_channels, out, map, &out->channels, &out->n_channels,
                      sizeof *out->channels, fill_channel, "rollup_channel", err);
    if (s == ALLOT_OK)
        s = read_rows(db, sql_campaigns, out, map, &out->campaigns, &out->n_campaigns,
                      sizeof *out->campaigns, fill_campaign, "rollup_campaign", err);
    if (s == ALLOT_OK) {
        char la[1024], lb[1024];
        allot_store_run_param(a->params, "ledger_models", la, sizeof la);
        allot_store_run_param(b->params, "ledger_models", lb, sizeof lb);
        int ha = list_has(la, out->model), hb = list_has(lb, out->model);
        if (ha && hb) {
            out->deals_compared = 1;
            s = compare_deals(db, out, map, err);
        } else {
            snprintf(out->deals_note, sizeof out->deals_note,
                     "deals not compared: run %lld wrote no ledger rows of %s (its ledger "
                     "models: %.200s); run allot-credit with --ledger-model including %s",
                     (long long)(ha ? b->id : a->id), out->model,
                     (ha ? lb : la)[0] ? (ha ? lb : la) : "none", out->model);
        }
    }
    free(map);
    free(a);
    free(b);
    return s;
}

void allot_restate_release(allot_restate *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_channels; i++) {
        free(r->channels[i].period);
        free(r->channels[i].channel);
    }
    free(r->channels);
    for (size_t i = 0; i < r->n_campaigns; i++) {
        free(r->campaigns[i].period);
        free(r->campaigns[i].campaign_id);
        free(r->campaigns[i].name);
    }
    free(r->campaigns);
    for (size_t i = 0; i < r->n_periods; i++)
        free(r->periods[i].period);
    free(r->periods);
    for (size_t i = 0; i < r->n_deals; i++) {
        free(r->deals[i].deal_id);
        free(r->deals[i].from_period);
        free(r->deals[i].to_period);
        free(r->deals[i].from_split);
        free(r->deals[i].to_split);
    }
    free(r->deals);
    memset(r, 0, sizeof *r);
}
