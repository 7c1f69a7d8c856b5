#include "pack.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "fx.h"
#include "labels.h"
#include "money.h"
#include "period.h"
#include "report_data.h"
#include "restate.h"
#include "store.h"

/* Copies src into dst (size bytes), control characters as spaces. */
static void copy_clean(char *dst, size_t size, const char *src)
{
    const unsigned char *s = (const unsigned char *)(src ? src : "");
    size_t n = strlen((const char *)s), o = n < size - 1 ? n : size - 1;
    /* when cut, never leave half a UTF-8 character behind */
    while (o < n && o > 0 && (s[o] & 0xC0) == 0x80)
        o--;
    for (size_t i = 0; i < o; i++)
        dst[i] = (char)(s[i] < 0x20 || s[i] == 0x7F ? ' ' : s[i]);
    dst[o] = '\0';
}

allot_pack_section *allot_pack_add_section(allot_pack_headlines *h, const char *title)
{
    if (h->n_sections >= ALLOT_PACK_MAX_SECTIONS)
        return NULL;
    allot_pack_section *s = &h->sections[h->n_sections++];
    memset(s, 0, sizeof *s);
    copy_clean(s->title, sizeof s->title, title);
    return s;
}

void allot_pack_add_line(allot_pack_section *s, const char *label, const char *value)
{
    if (!s || s->n_lines >= ALLOT_PACK_MAX_LINES)
        return;
    allot_pack_line *l = &s->lines[s->n_lines++];
    copy_clean(l->label, sizeof l->label, label);
    copy_clean(l->value, sizeof l->value, value);
}

static void set_missing(allot_pack_section *s, const char *fmt, const char *arg)
{
    if (s && s->n_lines == 0)
        snprintf(s->missing, sizeof s->missing, fmt, arg);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

static allot_status prepare2(sqlite3 *db, const char *sql, const char *a, const char *b,
                             sqlite3_stmt **st, allot_error *err)
{
    allot_status s = allot_store_prepare(db, sql, st, err);
    if (s != ALLOT_OK)
        return s;
    sqlite3_bind_text(*st, 1, a, -1, SQLITE_STATIC);
    if (b)
        sqlite3_bind_text(*st, 2, b, -1, SQLITE_STATIC);
    return ALLOT_OK;
}

static allot_status step_done(sqlite3 *db, sqlite3_stmt *st, int rc, allot_error *err)
{
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return allot_store_fail(db, rc, "reading the headline numbers", err);
    return ALLOT_OK;
}

/* A query of the credit rollups with ?1 the run, ?2 the model and ?3 the
 * period label bound (borrowed: model and label outlive st). */
static allot_status prepare_rollup(sqlite3 *db, const char *sql, long long run, const char *model,
                                   const char *label, sqlite3_stmt **st, allot_error *err)
{
    allot_status r = allot_store_prepare(db, sql, st, err);
    if (r != ALLOT_OK)
        return r;
    sqlite3_bind_int64(*st, 1, run);
    sqlite3_bind_text(*st, 2, model, -1, SQLITE_STATIC);
    sqlite3_bind_text(*st, 3, label, -1, SQLITE_STATIC);
    return ALLOT_OK;
}

/* The change from prior to current as "+16.5 %" / "-95.0 %". */
static void change_text(int64_t current, int64_t prior, char *buf, size_t size)
{
    char pct[32];
    double ratio = (double)current / (double)prior - 1.0;
    fmt_percent(ratio, 1, pct, sizeof pct);
    snprintf(buf, size, "%s%s", ratio >= 0 ? "+" : "", pct);
}

/* One line per currency from rows (currency, current sum, current count,
 * prior sum): "USD 1,250.50 from 2 deals (2026Q2: USD 1,000.00, +25.1 %)".
 * count_fmt is printf'ed with the count, noun and its plural 's'. sql
 * reads the periods' first and end days 'YYYY-MM-DD' as ?1, ?2 (current)
 * and ?3, ?4 (prior), or, when instants is not NULL, their first seconds
 * instants[0..3] (period_instants) as ?1..?4. */
static allot_status compared_lines(sqlite3 *db, const char *sql, const allot_pack_period *cur,
                                   const allot_pack_period *prior, int changes,
                                   const int64_t *instants,
                                   const char *count_fmt, const char *noun,
                                   allot_pack_section *s, allot_error *err)
{
    sqlite3_stmt *st;
    allot_status r = allot_store_prepare(db, sql, &st, err);
    if (r != ALLOT_OK)
        return r;
    if (instants) {
        for (int i = 0; i < 4; i++)
            sqlite3_bind_int64(st, i + 1, instants[i]);
    } else {
        sqlite3_bind_text(st, 1, cur->start, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, cur->end, -1, SQLITE_STATIC);
        /* no prior period: an empty range */
        sqlite3_bind_text(st, 3, prior ? prior->start : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, prior ? prior->end : "", -1, SQLITE_STATIC);
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *currency = col_text(st, 0);
        char now[128], before[64], change[40], value[256];
        long long n = sqlite3_column_int64(st, 2);
        if (sqlite3_column_type(st, 1) == SQLITE_NULL) {
            snprintf(now, sizeof now, "none");
        } else {
            char money[64], count[48];
            fmt_money_micros(sqlite3_column_int64(st, 1), currency, money, sizeof money);
            snprintf(count, sizeof count, count_fmt, n, noun, n == 1 ? "" : "s");
            snprintf(now, sizeof now, "%s %s", money, count);
        }
        if (!prior) {
            snprintf(value, sizeof value, "%s", now);
        } else if (sqlite3_column_type(st, 3) == SQLITE_NULL) {
            snprintf(value, sizeof value, "%s (%s: none)", now, prior->label);
        } else {
            int64_t p = sqlite3_column_int64(st, 3);
            fmt_money_micros(p, currency, before, sizeof before);
            if (changes && p > 0 && sqlite3_column_type(st, 1) != SQLITE_NULL) {
                change_text(sqlite3_column_int64(st, 1), p, change, sizeof change);
                snprintf(value, sizeof value, "%s (%s: %s, %s)", now, prior->label, before,
                         change);
            } else {
                snprintf(value, sizeof value, "%s (%s: %s)", now, prior->label, before);
            }
        }
        allot_pack_add_line(s, currency, value);
    }
    return step_done(db, st, rc, err);
}

static allot_status load_won(sqlite3 *db, const allot_pack_period *cur,
                             const allot_pack_period *prior, int changes, allot_pack_section *s,
                             allot_error *err)
{
    allot_status r = compared_lines(
        db,
        "SELECT currency,"
        " SUM(CASE WHEN close_date >= ?1 AND close_date < ?2 THEN amount_micros END),"
        " COUNT(CASE WHEN close_date >= ?1 AND close_date < ?2 THEN 1 END),"
        " SUM(CASE WHEN close_date >= ?3 AND close_date < ?4 THEN amount_micros END)"
        " FROM deals WHERE is_won = 1 AND amount_micros IS NOT NULL"
        " AND ((close_date >= ?1 AND close_date < ?2) OR (close_date >= ?3 AND close_date < ?4))"
        " GROUP BY currency ORDER BY currency",
        cur, prior, changes, NULL, "from %lld %s%s", "deal", s, err);
    if (r != ALLOT_OK)
        return r;
    sqlite3_stmt *st;
    r = prepare2(db,
                 "SELECT COUNT(*) FROM deals WHERE is_won = 1 AND close_date >= ?1"
                 " AND close_date < ?2 AND amount_micros IS NULL",
                 cur->start, cur->end, &st, err);
    if (r != ALLOT_OK)
        return r;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        long long n = sqlite3_column_int64(st, 0);
        if (n > 0) {
            char value[64];
            snprintf(value, sizeof value, "%lld (counted, not summed)", n);
            allot_pack_add_line(s, "won deals without an amount", value);
        }
        rc = sqlite3_step(st);
    }
    if ((r = step_done(db, st, rc, err)) != ALLOT_OK)
        return r;
    set_missing(s, "no deals won in %s", cur->label);
    return ALLOT_OK;
}

/* The days [start, end) of a pack period (its 'YYYY-MM-DD' texts). */
static allot_status period_days(const allot_pack_period *p, int64_t *start, int64_t *end,
                                allot_error *err)
{
    if (allot_date_parse(p->start, start) != ALLOT_OK ||
        allot_date_parse(p->end, end) != ALLOT_OK)
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "period %s: '%s'..'%s' are no dates YYYY-MM-DD", p->label,
                               p->start, p->end);
    return ALLOT_OK;
}

/* The reporting currency, for the line that adds a section's currencies up:
 * fx is NULL when the rates could not be loaded (why says so) or when no
 * reporting currency was given (currency NULL). */
struct reporting {
    const char *currency;
    const allot_fx *fx;
    const allot_zone *zone; /* days of timestamps on its clocks; NULL = UTC */
    char why[160];
};
typedef struct reporting reporting;

/* A sum over [start, end) days in minor units of rep->fx's reporting
 * currency (lib/report_data: the rule every output uses). */
typedef allot_status (*reporting_sum)(sqlite3 *db, const reporting *rep, int64_t start,
                                      int64_t end, int64_t *minor, allot_error *err);

static allot_status pipeline_sum(sqlite3 *db, const reporting *rep, int64_t start, int64_t end,
                                 int64_t *minor, allot_error *err)
{
    return allot_report_pipeline_minor(db, rep->fx, rep->zone, start, end, minor, NULL, err);
}

static allot_status spend_sum(sqlite3 *db, const reporting *rep, int64_t start, int64_t end,
                              int64_t *minor, allot_error *err)
{
    return allot_report_spend_minor(db, rep->fx, start, end, minor, NULL, err);
}

/* The first seconds of cur's and prior's first and end days on the zone's
 * clocks (prior NULL: an empty range), for compared_lines. */
static allot_status period_instants(const allot_zone *zone, const allot_pack_period *cur,
                                    const allot_pack_period *prior, int64_t instants[4],
                                    allot_error *err)
{
    const allot_pack_period *ps[2] = {cur, prior};
    for (int i = 0; i < 2; i++) {
        int64_t start, end;
        if (!ps[i]) {
            instants[2 * i] = instants[2 * i + 1] = 0;
            continue;
        }
        allot_status r = period_days(ps[i], &start, &end, err);
        if (r != ALLOT_OK)
            return r;
        instants[2 * i] = allot_zone_day_start(zone, start);
        instants[2 * i + 1] = allot_zone_day_start(zone, end);
    }
    return ALLOT_OK;
}

static allot_status reporting_line(sqlite3 *db, const reporting *rep, reporting_sum sum,
                                   const char *how, const allot_pack_period *cur,
                                   const allot_pack_period *prior, int changes,
                                   allot_pack_section *s, allot_error *err);

static allot_status load_pipeline(sqlite3 *db, const allot_pack_period *cur,
                                  const allot_pack_period *prior, int changes,
                                  const reporting *rep, allot_pack_section *s, allot_error *err)
{
    /* created_at in the periods, whose days begin on the reporting zone's
     * clocks */
    int64_t instants[4];
    allot_status r = period_instants(rep->zone, cur, prior, instants, err);
    if (r != ALLOT_OK)
        return r;
#define IN(a, b) "created_at >= " a " AND created_at < " b
    r = compared_lines(
        db,
        "SELECT currency,"
        " SUM(CASE WHEN " IN("?1", "?2") " THEN amount_micros END),"
        " COUNT(CASE WHEN " IN("?1", "?2") " THEN 1 END),"
        " SUM(CASE WHEN " IN("?3", "?4") " THEN amount_micros END)"
        " FROM deals WHERE amount_micros IS NOT NULL"
        " AND ((" IN("?1", "?2") ") OR (" IN("?3", "?4") "))"
        " GROUP BY currency ORDER BY currency",
        cur, prior, changes, instants, "in %lld new %s%s", "deal", s, err);
#undef IN
    if (r != ALLOT_OK)
        return r;
    r = reporting_line(db, rep, pipeline_sum, "each deal at its creation day's rate", cur, prior,
                       changes, s, err);
    if (r != ALLOT_OK)
        return r;
    set_missing(s, "no deals created in %s", cur->label);
    return ALLOT_OK;
}

static void money_minor(int64_t minor, const char *currency, char *buf, size_t size)
{
    int exponent = allot_currency_exponent(currency);
    fmt_money_micros(allot_money_minor_to_micros(minor, exponent < 0 ? 2 : exponent), currency,
                     buf, size);
}

/* The quarters of a credit run inside a period (allot_report_run_quarters)
 * as ",L1,L2," for an instr() filter, with their count and the first and
 * last label. */
typedef struct run_labels {
    char text[512];
    int n;
    char first[32], last[32];
} run_labels;

static int add_label(const char *label, void *ctx)
{
    run_labels *l = ctx;
    size_t used = strlen(l->text), len = strlen(label);
    if (used + len + 2 > sizeof l->text)
        return 0; /* more quarters than a report lists: the first ones */
    memcpy(l->text + used, label, len);
    memcpy(l->text + used + len, ",", 2);
    if (!l->first[0])
        snprintf(l->first, sizeof l->first, "%s", label);
    snprintf(l->last, sizeof l->last, "%s", label);
    l->n++;
    return 0;
}

static allot_status find_run_labels(sqlite3 *db, long long run, const allot_pack_period *p,
                                    run_labels *labels, allot_error *err)
{
    *labels = (run_labels){.text = ","};
    allot_period period;
    allot_status r = period_days(p, &period.start, &period.end, err);
    if (r != ALLOT_OK)
        return r;
    return allot_report_run_quarters(db, run, &period, add_label, labels, err);
}

/* *count from a COUNT query bound as prepare_rollup binds, with ?4 the
 * earlier run and ?5 its labels of the same quarters: how many channels or
 * campaigns the two runs credit differently. */
static allot_status count_changed(sqlite3 *db, const char *sql, long long run, const char *model,
                                  const run_labels *labels, long long earlier,
                                  const run_labels *earlier_labels, long long *count,
                                  allot_error *err)
{
    sqlite3_stmt *st;
    allot_status r = prepare_rollup(db, sql, run, model, labels->text, &st, err);
    if (r != ALLOT_OK)
        return r;
    sqlite3_bind_int64(st, 4, earlier);
    sqlite3_bind_text(st, 5, earlier_labels->text, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    *count = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    return step_done(db, st, rc == SQLITE_ROW ? SQLITE_DONE : rc, err);
}

/* labels (quarters labeled with fiscal start from_fiscal) as labeled with
 * to_fiscal, into *out (allot_restate_relabel, the rule allot-restate
 * applies). 0 when one of them is not the same months under to_fiscal. */
static int relabel_all(const run_labels *labels, int from_fiscal, int to_fiscal, run_labels *out)
{
    *out = (run_labels){.text = ","};
    const char *at = labels->text + 1;
    const char *comma;
    while ((comma = strchr(at, ',')) != NULL) {
        char label[32], to[32];
        snprintf(label, sizeof label, "%.*s", (int)(comma - at), at);
        if (!allot_restate_relabel(label, from_fiscal, to_fiscal, to))
            return 0;
        add_label(to, out);
        at = comma + 1;
    }
    return out->n == labels->n;
}

/* *overlaps: 1 when run (fiscal start fiscal) credited model in currency
 * in a quarter sharing a day with [start, end). */
static allot_status run_overlaps(sqlite3 *db, long long run, const char *model,
                                 const char *currency, int fiscal, int64_t start, int64_t end,
                                 int *overlaps, allot_error *err)
{
    sqlite3_stmt *st;
    allot_status r = prepare_rollup(db,
                                    "SELECT DISTINCT period FROM rollup_period"
                                    " WHERE run_id = ?1 AND model = ?2 AND currency = ?3",
                                    run, model, currency, &st, err);
    if (r != ALLOT_OK)
        return r;
    *overlaps = 0;
    int rc;
    while (!*overlaps && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        allot_period q;
        *overlaps = allot_period_parse(col_text(st, 0), fiscal, &q, NULL) == ALLOT_OK &&
                    q.start < end && q.end > start;
    }
    return step_done(db, st, *overlaps ? SQLITE_DONE : rc, err);
}

/* The earlier run the restatement line compares with: the latest
 * successful revenue run before run in the same currency that computed the
 * model and reported the same quarters, found as allot-restate finds them
 * (a run made with another fiscal start labels them otherwise: its labels
 * into *earlier_labels). When the latest earlier run whose quarters share a
 * month with these cannot be compared (allot_restate_check_fiscal), *why
 * says why (code ALLOT_ERR_DATA) and *earlier is that run. *earlier 0: no
 * such run. */
static allot_status find_earlier(sqlite3 *db, long long run, const char *model,
                                 const run_labels *labels, const char *currency,
                                 long long *earlier, int64_t *earlier_booked,
                                 run_labels *earlier_labels, allot_error *why, allot_error *err)
{
    *earlier = 0;
    allot_error_clear(why);
    sqlite3_stmt *st;
    allot_status r = prepare_rollup(db, "SELECT parameters FROM runs WHERE run_id = ?1", run,
                                    model, labels->text, &st, err);
    if (r != ALLOT_OK)
        return r;
    int rc = sqlite3_step(st);
    int to_fiscal = allot_store_run_fiscal_start(rc == SQLITE_ROW ? col_text(st, 0) : "");
    if ((r = step_done(db, st, rc == SQLITE_ROW ? SQLITE_DONE : rc, err)) != ALLOT_OK)
        return r;
    allot_period first, last;
    if (allot_period_parse(labels->first, to_fiscal, &first, NULL) != ALLOT_OK ||
        allot_period_parse(labels->last, to_fiscal, &last, NULL) != ALLOT_OK)
        return ALLOT_OK; /* not quarters of this run: nothing to compare */

    r = prepare_rollup(db,
                       "SELECT u.run_id, u.parameters FROM runs u"
                       " WHERE u.tool = 'allot-credit' AND u.status = 'ok' AND u.run_id < ?1"
                       " AND u.parameters NOT LIKE '%event=pipeline%'"
                       " AND EXISTS (SELECT 1 FROM rollup_period p WHERE p.run_id = u.run_id"
                       "  AND p.model = ?2 AND p.currency = ?3)"
                       " ORDER BY u.run_id DESC",
                       run, model, currency, &st, err);
    if (r != ALLOT_OK)
        return r;
    while (r == ALLOT_OK && !*earlier && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        long long candidate = sqlite3_column_int64(st, 0);
        int fiscal = allot_store_run_fiscal_start(col_text(st, 1));
        if (allot_restate_check_fiscal(candidate, fiscal, run, to_fiscal, why) != ALLOT_OK) {
            int overlaps;
            r = run_overlaps(db, candidate, model, currency, fiscal, first.start, last.end,
                             &overlaps, err);
            if (r == ALLOT_OK && overlaps)
                *earlier = candidate;
            else
                allot_error_clear(why);
            continue;
        }
        if (!relabel_all(labels, to_fiscal, fiscal, earlier_labels))
            continue;
        sqlite3_stmt *sum;
        r = prepare_rollup(db,
                           "SELECT SUM(booked_minor), COUNT(DISTINCT period) FROM rollup_period"
                           " WHERE run_id = ?1 AND model = ?2 AND currency = ?4"
                           " AND instr(?3, ',' || period || ',') > 0",
                           candidate, model, earlier_labels->text, &sum, err);
        if (r != ALLOT_OK)
            break;
        sqlite3_bind_text(sum, 4, currency, -1, SQLITE_STATIC);
        int src = sqlite3_step(sum);
        if (src == SQLITE_ROW && sqlite3_column_int(sum, 1) == labels->n) {
            *earlier = candidate;
            *earlier_booked = sqlite3_column_int64(sum, 0);
        }
        r = step_done(db, sum, src == SQLITE_ROW ? SQLITE_DONE : src, err);
    }
    if (r != ALLOT_OK) {
        sqlite3_finalize(st);
        return r;
    }
    return step_done(db, st, *earlier ? SQLITE_DONE : rc, err);
}

/* When an earlier successful revenue run in the same currency reported
 * the same quarters under the same model and its figures differ from this
 * run's, a line says so: what that run booked, what this one books, in how
 * many channels (and campaigns, when any) the credit changed, and the
 * command that lists the deals
 * (allot-restate). Nothing when no earlier run covered them or nothing
 * changed. Leadership reads the pack once per quarter: a figure that moved
 * since it was last reported must not move silently. A run made with
 * another fiscal start is compared by the months of its quarters, as
 * allot-restate compares it; when its quarters are other months than
 * these, the line says that the runs cannot be compared (and why) instead
 * of a figure. */
static allot_status restated_line(sqlite3 *db, long long run, const char *model,
                                  const run_labels *labels, const char *currency,
                                  int64_t booked_minor, allot_pack_section *s, allot_error *err)
{
    long long earlier;
    int64_t earlier_booked = 0;
    run_labels earlier_labels;
    allot_error why;
    allot_status r = find_earlier(db, run, model, labels, currency, &earlier, &earlier_booked,
                                  &earlier_labels, &why, err);
    if (r != ALLOT_OK || !earlier)
        return r;
    char label[48], value[1024];
    snprintf(label, sizeof label, "restated since run %lld", earlier);
    if (why.code != ALLOT_OK) {
        snprintf(value, sizeof value, "not compared: %s", why.message);
        allot_pack_add_line(s, label, value);
        return ALLOT_OK;
    }
    long long moved, campaigns;
    if ((r = count_changed(db,
                           "SELECT COUNT(*) FROM (SELECT channel FROM rollup_channel"
                           " WHERE run_id IN (?1, ?4) AND model = ?2"
                           " AND instr(CASE run_id WHEN ?1 THEN ?3 ELSE ?5 END,"
                           "  ',' || period || ',') > 0 GROUP BY channel"
                           " HAVING SUM(CASE WHEN run_id = ?1 THEN credited_minor"
                           " ELSE -credited_minor END) <> 0)",
                           run, model, labels, earlier, &earlier_labels, &moved, err)) !=
        ALLOT_OK)
        return r;
    /* The same per campaign (touches without one, '(none)', not counted). */
    if ((r = count_changed(db,
                           "SELECT COUNT(*) FROM (SELECT campaign_id FROM rollup_campaign"
                           " WHERE run_id IN (?1, ?4) AND model = ?2"
                           " AND instr(CASE run_id WHEN ?1 THEN ?3 ELSE ?5 END,"
                           "  ',' || period || ',') > 0"
                           " AND campaign_id <> " ALLOT_SQL_LABEL_NONE " GROUP BY campaign_id"
                           " HAVING SUM(CASE WHEN run_id = ?1 THEN credited_minor"
                           " ELSE -credited_minor END) <> 0)",
                           run, model, labels, earlier, &earlier_labels, &campaigns, err)) !=
        ALLOT_OK)
        return r;
    if (moved == 0 && campaigns == 0 && earlier_booked == booked_minor)
        return ALLOT_OK;
    char then[64], now[64], diff[64], camps[48] = "";
    money_minor(earlier_booked, currency, then, sizeof then);
    money_minor(booked_minor, currency, now, sizeof now);
    int64_t change = booked_minor - earlier_booked;
    money_minor(change < 0 ? -change : change, currency, diff, sizeof diff);
    if (campaigns)
        snprintf(camps, sizeof camps, " and %lld campaign%s", campaigns,
                 campaigns == 1 ? "" : "s");
    snprintf(value, sizeof value,
             "%s booked then, %s now (%s%s); credit changed in %lld channel%s%s "
             "(allot-restate --from %lld --to %lld --model %s)",
             then, now, change < 0 ? "-" : "+", diff, moved,
             moved == 1 ? "" : "s", camps, earlier, run, model);
    allot_pack_add_line(s, label, value);
    return ALLOT_OK;
}

static allot_status load_attribution(sqlite3 *db, const allot_pack_period *period,
                                     const char *model_wanted, const char *currency,
                                     allot_pack_section *s, allot_error *err)
{
    /* The latest successful revenue credit run in the reporting currency
     * (the workbook and the PDF read the same one) with a rollup period (a
     * quarter) inside the pack's period: a run of `allot-credit --event
     * pipeline` credits the deals created (its "booked" is pipeline), which
     * is not revenue. A year or a fiscal year adds up its quarters. */
    sqlite3_stmt *st;
    allot_status r = allot_store_prepare(
        db,
        "SELECT u.run_id, u.parameters, (SELECT p.currency FROM rollup_period p"
        " WHERE p.run_id = u.run_id LIMIT 1) AS cur FROM runs u"
        " WHERE u.tool = 'allot-credit' AND u.status = 'ok'"
        " AND u.parameters NOT LIKE '%event=pipeline%' AND cur IS NOT NULL"
        " ORDER BY (?1 IS NULL OR cur = ?1) DESC, u.run_id DESC",
        &st, err);
    if (r != ALLOT_OK)
        return r;
    if (currency)
        sqlite3_bind_text(st, 1, currency, -1, SQLITE_STATIC);
    long long run = 0;
    char run_currency[8] = "";
    run_labels labels;
    int rc, any_run = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        any_run = 1;
        long long candidate = sqlite3_column_int64(st, 0);
        r = find_run_labels(db, candidate, period, &labels, err);
        if (r != ALLOT_OK) {
            sqlite3_finalize(st);
            return r;
        }
        if (labels.n > 0) {
            run = candidate;
            copy_clean(run_currency, sizeof run_currency, col_text(st, 2));
            break;
        }
    }
    if (!run) {
        if ((r = step_done(db, st, rc, err)) != ALLOT_OK)
            return r;
        if (any_run)
            set_missing(s, "credit is rolled up by quarter and no quarter of a credit run "
                           "lies within %s (the workbook's ledger has every deal)",
                        period->label);
        else
            set_missing(s, "no credit run for %s yet (run allot-credit)", period->label);
        return ALLOT_OK;
    }
    sqlite3_finalize(st);
    if (currency && strcmp(run_currency, currency) != 0) {
        /* never another currency's credit beside this currency's reports */
        snprintf(s->missing, sizeof s->missing,
                 "no credit run in %s for %s (credit run %lld is in %s): run allot-credit "
                 "--currency %s",
                 currency, period->label, run, run_currency, currency);
        return ALLOT_OK;
    }

    char model[64];
    r = allot_store_prepare(db,
                            "SELECT model FROM rollup_period WHERE run_id = ?1"
                            " AND instr(?3, ',' || period || ',') > 0 GROUP BY model"
                            " ORDER BY model = ?2 DESC, model LIMIT 1",
                            &st, err);
    if (r != ALLOT_OK)
        return r;
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_text(st, 2, model_wanted ? model_wanted : "linear", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, labels.text, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    copy_clean(model, sizeof model, rc == SQLITE_ROW ? col_text(st, 0) : "");
    if ((r = step_done(db, st, rc == SQLITE_ROW ? SQLITE_DONE : rc, err)) != ALLOT_OK)
        return r;
    char title[256];
    if (labels.n == 1)
        snprintf(title, sizeof title, "Credited revenue by channel (%s model, run %lld)", model,
                 run);
    else
        snprintf(title, sizeof title, "Credited revenue by channel (%s model, run %lld, %s-%s)",
                 model, run, labels.first, labels.last);
    copy_clean(s->title, sizeof s->title, title);

    /* booked = credited + unattributed, exactly (rollup_period), summed
     * over the quarters. */
    r = prepare_rollup(db,
                       "SELECT SUM(booked_minor), SUM(credited_minor), SUM(unattributed_minor),"
                       " currency, SUM(null_amount_deals) FROM rollup_period"
                       " WHERE run_id = ?1 AND model = ?2 AND instr(?3, ',' || period || ',') > 0"
                       " GROUP BY currency ORDER BY currency",
                       run, model, labels.text, &st, err);
    if (r != ALLOT_OK)
        return r;
    int64_t booked_minor = 0, credited_minor = 0, unattributed_minor = 0;
    long long nulls = 0;
    char sum_currency[8] = "";
    int n_currencies = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        booked_minor = sqlite3_column_int64(st, 0);
        credited_minor = sqlite3_column_int64(st, 1);
        unattributed_minor = sqlite3_column_int64(st, 2);
        copy_clean(sum_currency, sizeof sum_currency, col_text(st, 3));
        nulls = sqlite3_column_int64(st, 4);
        n_currencies++;
    }
    if ((r = step_done(db, st, rc, err)) != ALLOT_OK)
        return r;

    /* The top 5 channels; one quarter keeps its stored share, several
     * divide their credit by the booked amount of all of them. */
    r = prepare_rollup(db,
                       "SELECT channel, SUM(credited_minor), currency, SUM(share)"
                       " FROM rollup_channel"
                       " WHERE run_id = ?1 AND model = ?2 AND instr(?3, ',' || period || ',') > 0"
                       " AND channel <> " ALLOT_SQL_LABEL_UNATTRIBUTED
                       " GROUP BY channel, currency"
                       " ORDER BY SUM(credited_minor) DESC, channel LIMIT 5",
                       run, model, labels.text, &st, err);
    if (r != ALLOT_OK)
        return r;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char money[64], share[32], value[120];
        int64_t credit = sqlite3_column_int64(st, 1);
        money_minor(credit, col_text(st, 2), money, sizeof money);
        double ratio = labels.n == 1 ? sqlite3_column_double(st, 3)
                       : booked_minor ? (double)credit / (double)booked_minor
                                      : 0.0;
        fmt_percent(ratio, 1, share, sizeof share);
        snprintf(value, sizeof value, "%s (%s of booked)", money, share);
        allot_pack_add_line(s, col_text(st, 0), value);
    }
    if ((r = step_done(db, st, rc, err)) != ALLOT_OK)
        return r;

    if (n_currencies == 1) {
        char booked[64], credited[64], unattributed[64], value[256];
        money_minor(booked_minor, sum_currency, booked, sizeof booked);
        money_minor(credited_minor, sum_currency, credited, sizeof credited);
        money_minor(unattributed_minor, sum_currency, unattributed, sizeof unattributed);
        snprintf(value, sizeof value, "%s booked = %s credited + %s unattributed", booked,
                 credited, unattributed);
        allot_pack_add_line(s, "reconciliation", value);
        if (nulls > 0) {
            snprintf(value, sizeof value, "%lld (counted, not summed)", nulls);
            allot_pack_add_line(s, "converting deals without an amount", value);
        }
        r = restated_line(db, run, model, &labels, sum_currency, booked_minor, s, err);
        if (r != ALLOT_OK)
            return r;
    }
    set_missing(s, "the credit run for %s has no rows", period->label);
    return ALLOT_OK;
}

/* When a line of s is in another currency than the reporting one, adds the
 * line "all in CUR, <how>" with the section's amounts in the reporting
 * currency, from
 * sum: "USD 233,884.96 (2026Q2: USD 217,639.11, +7.5 %)", the figure the
 * workbook's Summary and the PDF cover show. A missing rate makes the line
 * say so ("not available: ..."); only a database failure is an error. */
static allot_status reporting_line(sqlite3 *db, const reporting *rep, reporting_sum sum,
                                   const char *how, const allot_pack_period *cur,
                                   const allot_pack_period *prior, int changes,
                                   allot_pack_section *s, allot_error *err)
{
    if (!rep->currency)
        return ALLOT_OK;
    int foreign = 0;
    for (size_t i = 0; i < s->n_lines; i++)
        foreign |= strcmp(s->lines[i].label, rep->currency) != 0;
    if (!foreign)
        return ALLOT_OK;
    char label[80];
    snprintf(label, sizeof label, "all in %s, %s", rep->currency, how);
    char value[160];
    if (!rep->fx) {
        snprintf(value, sizeof value, "not available: %.140s", rep->why);
        allot_pack_add_line(s, label, value);
        return ALLOT_OK;
    }
    const allot_pack_period *ps[2] = {cur, prior};
    int64_t minor[2] = {0, 0};
    for (int i = 0; i < 2 && ps[i]; i++) {
        int64_t start, end;
        allot_status r = period_days(ps[i], &start, &end, err);
        if (r != ALLOT_OK)
            return r;
        allot_error why;
        r = sum(db, rep, start, end, &minor[i], &why);
        if (r == ALLOT_ERR_DATA) {
            snprintf(value, sizeof value, "not available: %.140s", why.message);
            allot_pack_add_line(s, label, value);
            return ALLOT_OK;
        }
        if (r != ALLOT_OK) {
            if (err)
                *err = why;
            return r;
        }
    }
    char now[64], before[64], change[40];
    money_minor(minor[0], rep->currency, now, sizeof now);
    if (!prior) {
        snprintf(value, sizeof value, "%s", now);
    } else {
        money_minor(minor[1], rep->currency, before, sizeof before);
        if (changes && minor[1] > 0) {
            change_text(minor[0], minor[1], change, sizeof change);
            snprintf(value, sizeof value, "%.40s (%.20s: %.40s, %.20s)", now, prior->label, before,
                     change);
        } else {
            snprintf(value, sizeof value, "%.40s (%.20s: %.40s)", now, prior->label, before);
        }
    }
    allot_pack_add_line(s, label, value);
    return ALLOT_OK;
}

static allot_status load_spend(sqlite3 *db, const allot_pack_period *cur,
                               const allot_pack_period *prior, int changes,
                               const reporting *rep, allot_pack_section *s, allot_error *err)
{
    allot_status r = compared_lines(
        db,
        "SELECT currency,"
        " SUM(CASE WHEN date >= ?1 AND date < ?2 THEN cost_micros END),"
        " COUNT(DISTINCT CASE WHEN date >= ?1 AND date < ?2 THEN campaign_id END),"
        " SUM(CASE WHEN date >= ?3 AND date < ?4 THEN cost_micros END)"
        " FROM spend WHERE (date >= ?1 AND date < ?2) OR (date >= ?3 AND date < ?4)"
        " GROUP BY currency ORDER BY currency",
        cur, prior, changes, NULL, "across %lld %s%s", "campaign", s, err);
    if (r != ALLOT_OK)
        return r;
    r = reporting_line(db, rep, spend_sum, "each row at its day's rate", cur, prior, changes, s,
                       err);
    if (r != ALLOT_OK)
        return r;
    set_missing(s, "no spend loaded for %s", cur->label);
    return ALLOT_OK;
}

allot_status allot_pack_headlines_load(sqlite3 *db, const allot_pack_period *period,
                                       const allot_pack_period *prior, const char *model,
                                       const char *currency, const allot_zone *zone,
                                       allot_pack_headlines *h, allot_error *err)
{
    memset(h, 0, sizeof *h);
    allot_pack_section *won = allot_pack_add_section(h, "Revenue won (closed-won deals by close date)");
    allot_pack_section *pipe = allot_pack_add_section(h, "Pipeline created");
    allot_pack_section *credit = allot_pack_add_section(h, "Credited revenue by channel");
    allot_pack_section *spend = allot_pack_add_section(h, "Marketing spend");
    if (!db) {
        for (size_t i = 0; i < h->n_sections; i++)
            set_missing(&h->sections[i], "%s", "no database: the figures are in the attachments");
        return ALLOT_OK;
    }
    /* The reporting currency's rates, for the lines that add currencies up. */
    reporting rep = {currency, NULL, zone, ""};
    allot_fx *fx = NULL;
    if (currency) {
        allot_error why;
        allot_status r = allot_fx_load(db, currency, &fx, &why);
        if (r != ALLOT_OK && r != ALLOT_ERR_DATA && r != ALLOT_ERR_USAGE) {
            if (err)
                *err = why;
            return r;
        }
        if (r != ALLOT_OK)
            snprintf(rep.why, sizeof rep.why, "%.150s", why.message);
        rep.fx = fx;
    }
    /* A period that is not over in the data (README "A period the data do
     * not cover"): its figures are to the data's end, beside the prior
     * period's without a change; one wholly after the data has none. */
    allot_period days = {0};
    int64_t data_end;
    int known;
    allot_status r = period_days(period, &days.start, &days.end, err);
    if (r == ALLOT_OK)
        r = allot_report_data_end(db, zone, &data_end, &known, err);
    if (r != ALLOT_OK) {
        allot_fx_free(fx);
        return r;
    }
    snprintf(days.label, sizeof days.label, "%s", period->label);
    char label[64];
    h->coverage = allot_report_coverage_of(&days, prior ? prior->label : "the prior period",
                                           data_end, known, h->note, sizeof h->note, label,
                                           sizeof label);
    if (h->coverage == ALLOT_REPORT_NO_DATA) {
        char d_end[11], why[160];
        snprintf(why, sizeof why, "no data for %s: the data ends on %s", period->label,
                 allot_date_format(data_end, d_end));
        for (size_t i = 0; i < h->n_sections; i++)
            set_missing(&h->sections[i], "%s", why);
        allot_fx_free(fx);
        return ALLOT_OK;
    }
    int changes = h->coverage == ALLOT_REPORT_COVERED;
    if ((r = load_won(db, period, prior, changes, won, err)) != ALLOT_OK ||
        (r = load_pipeline(db, period, prior, changes, &rep, pipe, err)) != ALLOT_OK ||
        (r = load_attribution(db, period, model, currency, credit, err)) != ALLOT_OK ||
        (r = load_spend(db, period, prior, changes, &rep, spend, err)) != ALLOT_OK) {
        allot_fx_free(fx);
        return r;
    }
    allot_fx_free(fx);
    return ALLOT_OK;
}

/* ---- the body ---- */

typedef struct text {
    char *p;
    size_t len, cap;
    int oom;
} text;

static void add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(text *t, const char *fmt, ...)
{
    if (t->oom)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        t->oom = 1;
        return;
    }
    if (t->len + (size_t)n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 1024;
        while (cap < t->len + (size_t)n + 1)
            cap *= 2;
        char *p = realloc(t->p, cap);
        if (!p) {
            t->oom = 1;
            return;
        }
        t->p = p;
        t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

static void human_size(int64_t bytes, char *buf, size_t size)
{
    if (bytes < 1000)
        snprintf(buf, size, "%lld bytes", (long long)bytes);
    else if (bytes < 1000 * 1000)
        snprintf(buf, size, "%.1f kB", (double)bytes / 1e3);
    else
        snprintf(buf, size, "%.1f MB", (double)bytes / 1e6);
}

char *allot_pack_body_text(const char *title, const allot_pack_headlines *h,
                           const allot_pack_item *attached, size_t n_attached,
                           const char *const *notes, size_t n_notes)
{
    text t = {0};
    char clean[512];
    copy_clean(clean, sizeof clean, title);
    add(&t, "%s\n", clean);
    if (h && h->note[0]) {
        copy_clean(clean, sizeof clean, h->note);
        add(&t, "%s.\n", clean);
    }
    for (size_t i = 0; h && i < h->n_sections; i++) {
        const allot_pack_section *s = &h->sections[i];
        add(&t, "\n%s\n", s->title);
        for (size_t k = 0; k < s->n_lines; k++)
            add(&t, "  %s: %s\n", s->lines[k].label, s->lines[k].value);
        if (s->n_lines == 0)
            add(&t, "  (not available: %s)\n", s->missing[0] ? s->missing : "no data");
    }
    add(&t, "\nAttached\n");
    for (size_t i = 0; i < n_attached; i++) {
        char size[32];
        human_size(attached[i].size, size, sizeof size);
        copy_clean(clean, sizeof clean, attached[i].name);
        add(&t, "  %s (%s)", clean, size);
        if (attached[i].what) {
            copy_clean(clean, sizeof clean, attached[i].what);
            add(&t, ": %s", clean);
        }
        add(&t, "\n");
    }
    if (n_attached == 0)
        add(&t, "  (nothing)\n");
    if (n_notes) {
        add(&t, "\nNot attached\n");
        for (size_t i = 0; i < n_notes; i++) {
            copy_clean(clean, sizeof clean, notes[i]);
            add(&t, "  %s\n", clean);
        }
    }
    add(&t, "\nThe figures come from the allot database; the workbook has every figure,\n"
            "its definition and the reconciliation to booked revenue.\n");
    if (t.oom) {
        free(t.p);
        return NULL;
    }
    return t.p;
}
