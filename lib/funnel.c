/* funnel.c — the scoreboard: funnel, speed-to-lead, deal KPIs, marketing share. */
#include "funnel.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labels.h"
#include "money.h"
#include "firsttouch.h"
#include "fx.h"
#include "store.h"
#include "survival.h"

#define NO_TIME INT64_MIN

static const char *const stage_names[ALLOT_STAGE_COUNT] = {"lead", "mql", "sql", "opportunity",
                                                          "won"};

const char *allot_stage_name(allot_stage stage)
{
    return stage < ALLOT_STAGE_COUNT ? stage_names[stage] : "?";
}

allot_status allot_group_by_parse(const char *text, allot_group_by *group_by, allot_error *err)
{
    static const struct {
        const char *name;
        allot_group_by value;
    } names[] = {{"none", ALLOT_GROUP_NONE},
                 {"all", ALLOT_GROUP_NONE},
                 {"channel", ALLOT_GROUP_CHANNEL},
                 {"campaign", ALLOT_GROUP_CAMPAIGN},
                 {"source", ALLOT_GROUP_SOURCE}};
    for (size_t i = 0; text && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(text, names[i].name) == 0) {
            *group_by = names[i].value;
            return ALLOT_OK;
        }
    return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                           "unknown grouping '%s'; use channel, campaign, source or none",
                           text ? text : "");
}

const char *allot_group_by_name(allot_group_by group_by)
{
    switch (group_by) {
    case ALLOT_GROUP_CHANNEL: return "channel";
    case ALLOT_GROUP_CAMPAIGN: return "campaign";
    case ALLOT_GROUP_SOURCE: return "source";
    default: return "none";
    }
}

int allot_scoreboard_parse_as_of(const allot_zone *zone, const char *date, int64_t *t)
{
    int64_t day;
    if (!date || allot_date_parse(date, &day) != ALLOT_OK)
        return -1;
    *t = allot_zone_day_end(zone, day);
    return 0;
}

char *allot_scoreboard_format_date(const allot_zone *zone, int64_t t, char *buf)
{
    return allot_date_format(allot_zone_day_of(zone, t), buf);
}

allot_status allot_cohort_unit_parse(const char *text, allot_cohort_unit *unit,
                                     allot_error *err)
{
    static const char *const names[] = {"quarter", "month", "year", "all"};
    for (int i = 0; text && i < 4; i++)
        if (strcmp(text, names[i]) == 0) {
            *unit = (allot_cohort_unit)i;
            return ALLOT_OK;
        }
    return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                           "unknown cohort period '%s'; use quarter, month, year or all",
                           text ? text : "");
}

allot_status allot_cohort_period_parse(const char *text, int fiscal_start_month,
                                       allot_cohort_unit *unit, allot_period *period,
                                       const allot_period **only, allot_error *err)
{
    if (allot_cohort_unit_parse(text, unit, NULL) == ALLOT_OK)
        return ALLOT_OK;
    allot_error why;
    allot_error_clear(&why);
    if (allot_period_parse(text, fiscal_start_month, period, &why) != ALLOT_OK)
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "use quarter, month, year, all or a period; %s", why.message);
    *only = period;
    switch (period->kind) {
    case ALLOT_PERIOD_MONTH: *unit = ALLOT_COHORT_MONTH; break;
    case ALLOT_PERIOD_QUARTER:
    case ALLOT_PERIOD_FISCAL_QUARTER: *unit = ALLOT_COHORT_QUARTER; break;
    case ALLOT_PERIOD_YEAR:
    case ALLOT_PERIOD_FISCAL_YEAR: *unit = ALLOT_COHORT_YEAR; break;
    default: *unit = ALLOT_COHORT_ALL; break;
    }
    return ALLOT_OK;
}

char *allot_scoreboard_period_label(int64_t day, allot_cohort_unit unit, int fiscal_start_month,
                                    char *buf, size_t size)
{
    int start = fiscal_start_month >= 1 && fiscal_start_month <= 12 ? fiscal_start_month : 1;
    int y, m, d;
    allot_civil_from_days(day, &y, &m, &d);
    allot_period q;
    switch (unit) {
    case ALLOT_COHORT_ALL: snprintf(buf, size, "all"); break;
    case ALLOT_COHORT_MONTH: snprintf(buf, size, "%04d-%02d", y, m); break;
    case ALLOT_COHORT_YEAR:
        if (start == 1)
            snprintf(buf, size, "%04d", y);
        else
            snprintf(buf, size, "FY%04d", y + (m >= start ? 1 : 0));
        break;
    default:
        allot_period_quarter_of(day, start, &q);
        snprintf(buf, size, "%s", q.label);
        break;
    }
    return buf;
}

/* ---- small helpers ---- */

static char *dup_or(const unsigned char *s, const char *fallback)
{
    const char *src = s && *s ? (const char *)s : fallback;
    if (!src)
        return NULL;
    size_t n = strlen(src) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, src, n);
    return d;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Kaplan–Meier time quantiles, R's quantile.survfit rule: the first time
 * S(t) <= 1 - p; when S equals 1 - p (within sqrt(eps)) on a flat stretch,
 * the midpoint of that time and the next time S drops (the last observed
 * time when it never drops again). NAN when never reached. The fit is lib/survival's. */
struct obs {
    double time;
    int event;
};

#define QUANTILE_TOLERANCE 1.4901161193847656e-08

static double km_quantile(const allot_km *km, double p)
{
    double target = 1 - p;
    const allot_km_step *st = km->steps;
    for (size_t i = 0; i < km->n_steps; i++) {
        if (!(st[i].survival < target + QUANTILE_TOLERANCE))
            continue;
        if (fabs(st[i].survival - target) < QUANTILE_TOLERANCE) {
            /* flat at the target: midpoint to the next drop, or to the last
             * observed time when it never drops again (as R does) */
            for (size_t k = i + 1; k < km->n_steps; k++)
                if (st[k].survival < st[i].survival)
                    return (st[i].time + st[k].time) / 2;
            return (st[i].time + st[km->n_steps - 1].time) / 2;
        }
        return st[i].time;
    }
    return NAN;
}

/* The Kaplan-Meier quartiles of o (NaN where the curve does not reach
 * them, all NaN without observations). */
static allot_status km_quartiles(const struct obs *o, size_t n, double *q1, double *median,
                                 double *q3, allot_error *err)
{
    *q1 = *median = *q3 = NAN;
    if (n == 0)
        return ALLOT_OK;
    double *time = malloc(n * sizeof *time);
    int *event = malloc(n * sizeof *event);
    if (!time || !event) {
        free(time);
        free(event);
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        time[i] = o[i].time;
        event[i] = o[i].event;
    }
    allot_km km;
    allot_status s = allot_km_fit(time, event, NULL, n, NULL, &km, err);
    if (s == ALLOT_OK) {
        *q1 = km_quantile(&km, 0.25);
        *median = km_quantile(&km, 0.5);
        *q3 = km_quantile(&km, 0.75);
    }
    allot_km_release(&km);
    free(time);
    free(event);
    return s;
}

/* ---- fx (lib/fx: rates at report time) ---- */

/* Converts at the rate of at's day on the reporting zone's clocks. */
static allot_status fx_convert(const allot_fx *fx, const allot_zone *zone, const char *what,
                               int64_t micros, const char *currency, int64_t at, int64_t *out,
                               allot_error *err)
{
    char date[11];
    allot_scoreboard_format_date(zone, at, date);
    return allot_fx_convert(fx, what, micros, currency, date, out, err);
}

/* ---- the in-memory model ---- */

typedef struct person {
    char *id;
    char *system;
    char *original_source;
    int64_t created_at;
    int64_t t[ALLOT_STAGE_COUNT]; /* NO_TIME = not reached */
    allot_first_touch touch;      /* channel and campaign "(none)" when NULL */
    int64_t activity_after;       /* first sales activity at or after MQL */
    int activity_before;
    int64_t mql_revenue;          /* won deals assigned to this person */
    int64_t deal_opp, deal_won;   /* from deals tied to the person */
} person;

typedef struct deal {
    char *id;
    char *lead_source;
    char *campaign;
    int64_t amount;         /* reporting micros (whole minor units), close date */
    int64_t created_amount; /* the same at the creation day: pipeline */
    char *created_fx_error; /* why created_amount is unknown (no rate that day), else NULL:
                               an error only for a cell that needs it */
    int has_amount;
    int is_closed, is_won;
    int64_t created_at;
    int64_t closed_at; /* NO_TIME when open or unknown */
    int64_t won_stage_at;
    /* first marketing touch among its people at or before creation */
    allot_first_touch touch;
    const person *earliest_person; /* the tied person created first */
    const person *mql_person;      /* tied person with the earliest MQL */
} deal;

typedef struct alias_norm {
    const char *system;
    allot_stage stage;
    char name[96];
} alias_norm;

typedef struct model {
    const allot_scoreboard_options *opt;
    person *people;
    size_t n_people;
    deal *deals;
    size_t n_deals;
    alias_norm *aliases;
    size_t n_aliases;
    char activity_stage[96];
    const char *activity_touch_type;
    int64_t as_of;
    const allot_taxonomy *taxonomy;
    allot_taxonomy *own_taxonomy;
    /* the marketing-sourced lists: the options', or (NULL there) the
     * defaults of [funnel] marketing_lead_sources / non_marketing_channels
     * in the config registry, parsed into own_* */
    const char *const *marketing_sources;
    size_t n_marketing_sources;
    const char *const *non_marketing_channels;
    size_t n_non_marketing_channels;
    char **own_marketing_sources, **own_non_marketing_channels;
    size_t n_own_marketing_sources, n_own_non_marketing_channels;
    /* deal people missing from people, sorted, and their first touches */
    char **unknown_ids;
    size_t n_unknown;
    allot_first_touch *unknown_touches;
} model;

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_person_id(const void *a, const void *b)
{
    return strcmp(((const person *)a)->id, ((const person *)b)->id);
}

static int cmp_deal_id(const void *a, const void *b)
{
    return strcmp(((const deal *)a)->id, ((const deal *)b)->id);
}

static person *find_person(model *m, const char *id)
{
    if (!id)
        return NULL;
    person key = {.id = (char *)id};
    return bsearch(&key, m->people, m->n_people, sizeof *m->people, cmp_person_id);
}

static deal *find_deal(model *m, const char *id)
{
    if (!id)
        return NULL;
    deal key = {.id = (char *)id};
    return bsearch(&key, m->deals, m->n_deals, sizeof *m->deals, cmp_deal_id);
}

/* The funnel stage a raw stage name means for a source system, or -1. */
static int map_stage(const model *m, const char *system, const char *raw, int *is_activity)
{
    char norm[96];
    allot_touch_type_key(raw, norm, sizeof norm);
    *is_activity = m->activity_stage[0] && strcmp(norm, m->activity_stage) == 0;
    for (int s = 0; s < ALLOT_STAGE_COUNT; s++)
        if (strcmp(norm, stage_names[s]) == 0)
            return s;
    for (size_t i = 0; i < m->n_aliases; i++)
        if ((!m->aliases[i].system || !*m->aliases[i].system ||
             (system && strcmp(system, m->aliases[i].system) == 0)) &&
            strcmp(norm, m->aliases[i].name) == 0)
            return (int)m->aliases[i].stage;
    return -1;
}

static void set_min(int64_t *slot, int64_t t)
{
    if (*slot == NO_TIME || t < *slot)
        *slot = t;
}

/* ft := copies of the touch's fields (NULL channel or campaign: "(none)"). */
static int first_touch_set(allot_first_touch *ft, int64_t at, const char *id, const char *channel,
                           const char *campaign)
{
    allot_first_touch next = {at, dup_or((const unsigned char *)id, ""),
                              dup_or((const unsigned char *)channel, ALLOT_LABEL_NONE),
                              dup_or((const unsigned char *)campaign, ALLOT_LABEL_NONE)};
    if (!next.touch_id || !next.channel || !next.campaign_id) {
        allot_first_touches_release(&next, 1);
        return -1;
    }
    allot_first_touches_release(ft, 1);
    *ft = next;
    return 0;
}

static void model_free(model *m)
{
    for (size_t i = 0; i < m->n_people; i++) {
        free(m->people[i].id);
        free(m->people[i].system);
        free(m->people[i].original_source);
        allot_first_touches_release(&m->people[i].touch, 1);
    }
    free(m->people);
    for (size_t i = 0; i < m->n_deals; i++) {
        free(m->deals[i].id);
        free(m->deals[i].lead_source);
        free(m->deals[i].campaign);
        allot_first_touches_release(&m->deals[i].touch, 1);
        free(m->deals[i].created_fx_error);
    }
    free(m->deals);
    if (m->unknown_touches)
        allot_first_touches_release(m->unknown_touches, m->n_unknown);
    free(m->unknown_touches);
    for (size_t i = 0; i < m->n_unknown; i++)
        free(m->unknown_ids[i]);
    free(m->unknown_ids);
    free(m->aliases);
    allot_taxonomy_free(m->own_taxonomy);
    allot_config_list_free(m->own_marketing_sources, m->n_own_marketing_sources);
    allot_config_list_free(m->own_non_marketing_channels, m->n_own_non_marketing_channels);
}

#define GROW(arr, n, cap)                                                                    \
    do {                                                                                     \
        if ((n) == (cap)) {                                                                  \
            size_t nc_ = (cap) ? (cap) * 2 : 256;                                            \
            void *p_ = realloc((arr), nc_ * sizeof *(arr));                                  \
            if (!p_)                                                                         \
                goto nomem;                                                                  \
            (arr) = p_;                                                                      \
            (cap) = nc_;                                                                     \
        }                                                                                    \
    } while (0)

/* Ends a read: finalizes st; a last step other than SQLITE_DONE is the
 * database's error while `what` ("reading people"). */
static allot_status end_read(sqlite3 *db, sqlite3_stmt *st, int rc, const char *what,
                             allot_error *err)
{
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? ALLOT_OK : allot_store_fail(db, rc, what, err);
}

/* Ends a read that ran out of memory. */
static allot_status read_nomem(sqlite3_stmt *st, const char *message, allot_error *err)
{
    sqlite3_finalize(st);
    return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "%s", message);
}

static allot_status load_people(sqlite3 *db, model *m, allot_error *err)
{
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(
        db,
        "SELECT person_id, source_system, created_at, original_source FROM people "
        "ORDER BY person_id",
        &st, err);
    if (s != ALLOT_OK)
        return s;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        GROW(m->people, m->n_people, cap);
        person *p = &m->people[m->n_people];
        memset(p, 0, sizeof *p);
        m->n_people++;
        p->id = dup_or(sqlite3_column_text(st, 0), "");
        p->system = dup_or(sqlite3_column_text(st, 1), "");
        p->original_source = dup_or(sqlite3_column_text(st, 3), NULL);
        p->created_at = sqlite3_column_type(st, 2) == SQLITE_NULL ? NO_TIME
                                                                  : sqlite3_column_int64(st, 2);
        for (int k = 0; k < ALLOT_STAGE_COUNT; k++)
            p->t[k] = NO_TIME;
        p->touch.at = NO_TIME;
        p->activity_after = NO_TIME;
        p->deal_opp = p->deal_won = NO_TIME;
        if (!p->id || !p->system)
            goto nomem;
    }
    return end_read(db, st, rc, "reading people", err);
nomem:
    return read_nomem(st, "out of memory reading people", err);
}

static allot_status load_deals(sqlite3 *db, model *m, const allot_fx *fx, allot_error *err)
{
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(
        db,
        "SELECT deal_id, amount_micros, currency, is_closed, is_won, created_at, close_date, "
        "lead_source, campaign_id FROM deals ORDER BY deal_id",
        &st, err);
    if (s != ALLOT_OK)
        return s;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        GROW(m->deals, m->n_deals, cap);
        deal *d = &m->deals[m->n_deals];
        memset(d, 0, sizeof *d);
        m->n_deals++;
        d->id = dup_or(sqlite3_column_text(st, 0), "");
        if (!d->id)
            goto nomem;
        d->lead_source = dup_or(sqlite3_column_text(st, 7), NULL);
        d->campaign = dup_or(sqlite3_column_text(st, 8), NULL);
        d->is_closed = sqlite3_column_int(st, 3) != 0;
        d->is_won = sqlite3_column_int(st, 4) != 0;
        if (d->is_won)
            d->is_closed = 1;
        d->created_at = sqlite3_column_int64(st, 5);
        d->closed_at = NO_TIME;
        d->won_stage_at = NO_TIME;
        d->touch.at = NO_TIME;
        const char *close = (const char *)sqlite3_column_text(st, 6);
        int64_t close_day;
        if (d->is_closed && close && allot_date_parse(close, &close_day) == ALLOT_OK)
            d->closed_at = allot_zone_day_start(m->opt->zone, close_day);
        if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
            /* Pipeline is the value of a deal when it was created: its
             * amount at the rate of its creation day (reporting zone), open or
             * closed; won amounts and revenue at the close date. Each is
             * the deal's amount rounded to the reporting currency's minor
             * unit, as allot-credit books a deal (and the workbook's and
             * the PDF's sums, allot_report_pipeline_minor). A closed deal
             * converted at its close date made pipeline differ from
             * allot-credit --event pipeline's (sample, 2026Q3: USD
             * 4,043,934.35 against 4,036,103.18). */
            char what[160];
            snprintf(what, sizeof what, "deal '%s'", d->id);
            int64_t micros = sqlite3_column_int64(st, 1);
            const char *currency = (const char *)sqlite3_column_text(st, 2);
            s = fx_convert(fx, m->opt->zone, what, micros, currency, d->created_at,
                           &d->created_amount, err);
            if (s == ALLOT_ERR_DATA) {
                /* No rate on its creation day: only a period that counts
                 * its pipeline needs one (a 2026Q3 funnel needs no rate of
                 * 2025 for a deal created then and won now). */
                if (!(d->created_fx_error = dup_or((const unsigned char *)err->message, NULL)))
                    return read_nomem(st, "out of memory reading deals", err);
                d->created_amount = 0;
                s = ALLOT_OK;
            }
            /* the won amount, at the close date (only won deals use it) */
            if (s == ALLOT_OK && d->is_won)
                s = fx_convert(fx, m->opt->zone, what, micros, currency,
                               d->closed_at != NO_TIME ? d->closed_at : d->created_at,
                               &d->amount, err);
            if (s != ALLOT_OK) {
                sqlite3_finalize(st);
                return s;
            }
            int e = allot_fx_reporting_exponent(fx);
            d->created_amount =
                allot_money_minor_to_micros(allot_money_micros_to_minor(d->created_amount, e), e);
            d->amount = allot_money_minor_to_micros(allot_money_micros_to_minor(d->amount, e), e);
            d->has_amount = 1;
        }
    }
    return end_read(db, st, rc, "reading deals", err);
nomem:
    return read_nomem(st, "out of memory reading deals", err);
}

/* Stage history of deals: won entries date deals with no close_date. */
static allot_status load_deal_stages(sqlite3 *db, model *m, allot_error *err)
{
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(
        db,
        "SELECT h.entity_id, h.stage, h.entered_at, d.source_system FROM stage_history h "
        "JOIN deals d ON d.deal_id = h.entity_id WHERE h.entity_type = 'deal'",
        &st, err);
    if (s != ALLOT_OK)
        return s;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        deal *d = find_deal(m, (const char *)sqlite3_column_text(st, 0));
        int act;
        if (d && map_stage(m, (const char *)sqlite3_column_text(st, 3),
                           (const char *)sqlite3_column_text(st, 1), &act) == ALLOT_STAGE_WON)
            set_min(&d->won_stage_at, sqlite3_column_int64(st, 2));
    }
    if ((s = end_read(db, st, rc, "reading stage_history", err)) != ALLOT_OK)
        return s;
    for (size_t i = 0; i < m->n_deals; i++) {
        deal *d = &m->deals[i];
        if (d->is_closed && d->closed_at == NO_TIME)
            d->closed_at = d->won_stage_at != NO_TIME ? d->won_stage_at : d->created_at;
    }
    return ALLOT_OK;
}

/* Activity times are collected first: whether one counts depends on MQL. */
typedef struct activity {
    person *p;
    int64_t t;
} activity;

typedef struct activities {
    activity *a;
    size_t n, cap;
} activities;

static int add_activity(activities *acts, person *p, int64_t t)
{
    if (acts->n == acts->cap) {
        size_t nc = acts->cap ? acts->cap * 2 : 1024;
        activity *q = realloc(acts->a, nc * sizeof *q);
        if (!q)
            return -1;
        acts->a = q;
        acts->cap = nc;
    }
    acts->a[acts->n++] = (activity){p, t};
    return 0;
}

static allot_status load_person_stages(sqlite3 *db, model *m, activities *acts,
                                       allot_error *err)
{
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(
        db, "SELECT entity_id, stage, entered_at FROM stage_history WHERE entity_type = 'person'",
        &st, err);
    if (s != ALLOT_OK)
        return s;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        person *p = find_person(m, (const char *)sqlite3_column_text(st, 0));
        if (!p)
            continue;
        int act;
        int stage = map_stage(m, p->system, (const char *)sqlite3_column_text(st, 1), &act);
        int64_t t = sqlite3_column_int64(st, 2);
        if (stage >= 0)
            set_min(&p->t[stage], t);
        if ((act || stage >= ALLOT_STAGE_SQL) && add_activity(acts, p, t) != 0)
            return read_nomem(st, "out of memory", err);
    }
    return end_read(db, st, rc, "reading stage_history", err);
}

/* Sales-activity touches of people (firsts' indexes at or above n_people are
 * deal people missing from people: no activity of theirs is counted). */
typedef struct activity_sink {
    model *m;
    activities *acts;
    const size_t *person_at; /* merged index -> index in m->people, or SIZE_MAX */
} activity_sink;

static int on_activity(void *ctx, size_t i, int64_t at)
{
    const activity_sink *sink = ctx;
    size_t k = sink->person_at[i];
    return k == SIZE_MAX ? 0 : add_activity(sink->acts, &sink->m->people[k], at);
}

/* Deal people missing from people (a contact deleted from the CRM keeps its
 * touches), sorted: their first touches count for their deals. */
static allot_status load_unknown_deal_people(sqlite3 *db, model *m, allot_error *err)
{
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(
        db,
        "SELECT DISTINCT dp.person_id FROM deal_people dp"
        " WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.person_id = dp.person_id)"
        " ORDER BY dp.person_id",
        &st, err);
    if (s != ALLOT_OK)
        return s;
    int rc;
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (m->n_unknown == cap) {
            cap = cap ? 2 * cap : 16;
            char **grown = realloc(m->unknown_ids, cap * sizeof *grown);
            if (!grown)
                return read_nomem(st, "out of memory", err);
            m->unknown_ids = grown;
        }
        char *id = dup_or(sqlite3_column_text(st, 0), "");
        if (!id)
            return read_nomem(st, "out of memory", err);
        m->unknown_ids[m->n_unknown++] = id;
    }
    return end_read(db, st, rc, "reading deal_people", err);
}

/* The first marketing touch of each person and of each deal person missing
 * from people (lib/firsttouch), and the people's sales-activity touches. */
static allot_status load_touches(sqlite3 *db, model *m, activities *acts, allot_error *err)
{
    allot_status s = load_unknown_deal_people(db, m, err);
    if (s != ALLOT_OK)
        return s;
    /* both lists are sorted by id: merge them */
    size_t n = m->n_people + m->n_unknown;
    const char **ids = malloc((n ? n : 1) * sizeof *ids);
    size_t *person_at = malloc((n ? n : 1) * sizeof *person_at);
    size_t *unknown_at = malloc((m->n_unknown ? m->n_unknown : 1) * sizeof *unknown_at);
    allot_first_touch *firsts = malloc((n ? n : 1) * sizeof *firsts);
    if (!ids || !person_at || !unknown_at || !firsts) {
        free(ids);
        free(person_at);
        free(unknown_at);
        free(firsts);
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0, j = 0, k = 0; k < n; k++) {
        if (j == m->n_unknown ||
            (i < m->n_people && strcmp(m->people[i].id, m->unknown_ids[j]) < 0)) {
            ids[k] = m->people[i].id;
            person_at[k] = i++;
        } else {
            ids[k] = m->unknown_ids[j];
            person_at[k] = SIZE_MAX;
            unknown_at[j++] = k;
        }
    }
    activity_sink sink = {m, acts, person_at};
    s = allot_first_touches(db, m->taxonomy, m->activity_touch_type, ids, n, firsts,
                            on_activity, &sink, err);
    /* people keep theirs ("(none)" for no campaign); deal people missing
     * from people keep theirs for load_deal_people */
    for (size_t k = 0; s == ALLOT_OK && k < n; k++) {
        const allot_first_touch *ft = &firsts[k];
        if (person_at[k] != SIZE_MAX && ft->at != ALLOT_NO_FIRST_TOUCH &&
            first_touch_set(&m->people[person_at[k]].touch, ft->at, ft->touch_id, ft->channel,
                            ft->campaign_id) != 0)
            s = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    if (s == ALLOT_OK && m->n_unknown) {
        m->unknown_touches = malloc(m->n_unknown * sizeof *m->unknown_touches);
        if (!m->unknown_touches)
            s = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
        for (size_t j = 0; s == ALLOT_OK && j < m->n_unknown; j++) {
            /* moved: firsts[k] is not released twice */
            m->unknown_touches[j] = firsts[unknown_at[j]];
            firsts[unknown_at[j]] = (allot_first_touch){ALLOT_NO_FIRST_TOUCH, NULL, NULL, NULL};
        }
    }
    allot_first_touches_release(firsts, n);
    free(firsts);
    free(unknown_at);
    free(person_at);
    free(ids);
    return s;
}

/* The first touch of a deal person missing from people, or NULL. */
static const allot_first_touch *unknown_first_touch(const model *m, const char *id)
{
    if (!id || !m->unknown_touches)
        return NULL;
    const char *const *hit = bsearch(&id, m->unknown_ids, m->n_unknown, sizeof *m->unknown_ids,
                                     cmp_str_ptr);
    return hit ? &m->unknown_touches[hit - (const char *const *)m->unknown_ids] : NULL;
}

/* A person's first touch is the earliest of theirs: a deal's first touch
 * over its people is the earliest of those at or before its creation. */
static int offer_first_touch(deal *d, const allot_first_touch *ft)
{
    if (ft->at == ALLOT_NO_FIRST_TOUCH || ft->at > d->created_at ||
        !allot_first_touch_before(ft->at, ft->touch_id, &d->touch))
        return 0;
    return first_touch_set(&d->touch, ft->at, ft->touch_id, ft->channel, ft->campaign_id);
}

static allot_status load_deal_people(sqlite3 *db, model *m, activities *acts, allot_error *err)
{
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(
        db, "SELECT deal_id, person_id FROM deal_people ORDER BY deal_id, person_id", &st, err);
    if (s != ALLOT_OK)
        return s;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        deal *d = find_deal(m, (const char *)sqlite3_column_text(st, 0));
        const char *person_id = (const char *)sqlite3_column_text(st, 1);
        person *p = find_person(m, person_id);
        if (d && !p) {
            const allot_first_touch *ft = unknown_first_touch(m, person_id);
            if (ft && offer_first_touch(d, ft) != 0)
                return read_nomem(st, "out of memory", err);
        }
        if (!d || !p)
            continue;
        set_min(&p->deal_opp, d->created_at);
        if (add_activity(acts, p, d->created_at) != 0)
            return read_nomem(st, "out of memory", err);
        if (d->is_won)
            set_min(&p->deal_won, d->closed_at);
        const person *e = d->earliest_person;
        if (!e || (p->created_at != NO_TIME &&
                   (e->created_at == NO_TIME || p->created_at < e->created_at)))
            d->earliest_person = p;
        if (offer_first_touch(d, &p->touch) != 0)
            return read_nomem(st, "out of memory", err);
    }
    return end_read(db, st, rc, "reading deal_people", err);
}

/* The data's end: its latest timestamp, or the start of its latest close
 * date on the reporting zone's clocks (where closed deals are dated). */
static allot_status data_end(sqlite3 *db, const allot_zone *zone, int64_t *end,
                             allot_error *err)
{
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(
        db,
        "SELECT max(COALESCE((SELECT max(entered_at) FROM stage_history), 0),"
        " COALESCE((SELECT max(occurred_at) FROM touches), 0),"
        " COALESCE((SELECT max(created_at) FROM deals), 0),"
        " COALESCE((SELECT max(created_at) FROM people), 0)),"
        " (SELECT max(close_date) FROM deals WHERE is_closed OR is_won)",
        &st, err);
    if (s != ALLOT_OK)
        return s;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *end = sqlite3_column_int64(st, 0);
        const char *close = (const char *)sqlite3_column_text(st, 1);
        int64_t day;
        if (close && allot_date_parse(close, &day) == ALLOT_OK) {
            int64_t close_start = allot_zone_day_start(zone, day);
            if (close_start > *end)
                *end = close_start;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return allot_store_fail(db, rc, "finding the data's end", err);
    return ALLOT_OK;
}

static int cmp_activity(const void *a, const void *b)
{
    const activity *x = a, *y = b;
    if (x->p != y->p)
        return (x->p > y->p) - (x->p < y->p);
    return (x->t > y->t) - (x->t < y->t);
}

/* Monotone funnel, lead time, sales activity relative to MQL, and the
 * person each won deal's revenue belongs to. */
static void fill_back(person *p)
{
    for (int k = ALLOT_STAGE_WON - 1; k >= ALLOT_STAGE_LEAD; k--)
        if (p->t[k] == NO_TIME && p->t[k + 1] != NO_TIME)
            p->t[k] = p->t[k + 1];
}

static void derive(model *m, activities *acts)
{
    for (size_t i = 0; i < m->n_people; i++) {
        person *p = &m->people[i];
        fill_back(p);
        /* A deal counts in the person funnel only for people who reached MQL
         * on their own: contacts added to a deal (buying committee) stay
         * leads instead of passing MQL and SQL at the deal's creation. */
        if (p->t[ALLOT_STAGE_MQL] != NO_TIME) {
            if (p->deal_opp != NO_TIME && p->deal_opp <= m->as_of)
                set_min(&p->t[ALLOT_STAGE_OPPORTUNITY], p->deal_opp);
            if (p->deal_won != NO_TIME && p->deal_won <= m->as_of)
                set_min(&p->t[ALLOT_STAGE_WON], p->deal_won);
            fill_back(p);
        }
        if (p->created_at != NO_TIME && p->created_at <= m->as_of)
            set_min(&p->t[ALLOT_STAGE_LEAD], p->created_at);
    }
    if (acts->n > 0) /* qsort(NULL, 0, ...) is undefined */
        qsort(acts->a, acts->n, sizeof *acts->a, cmp_activity);
    for (size_t i = 0; i < acts->n; i++) {
        person *p = acts->a[i].p;
        int64_t mql = p->t[ALLOT_STAGE_MQL];
        if (mql == NO_TIME)
            continue;
        if (acts->a[i].t >= mql)
            set_min(&p->activity_after, acts->a[i].t);
        else
            p->activity_before = 1;
    }
}

/* ---- aggregation ---- */

typedef struct entry {
    const char *period;
    const char *group;
    size_t index; /* person or deal */
} entry;

static int cmp_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    int c = strcmp(x->period, y->period);
    if (c)
        return c;
    int xa = strcmp(x->group, ALLOT_LABEL_ALL) == 0, ya = strcmp(y->group, ALLOT_LABEL_ALL) == 0;
    if (xa != ya)
        return ya - xa;
    c = strcmp(x->group, y->group);
    if (c)
        return c;
    return (x->index > y->index) - (x->index < y->index);
}

static const char *person_group(const person *p, allot_group_by by)
{
    switch (by) {
    case ALLOT_GROUP_CHANNEL:
        return p->touch.channel ? p->touch.channel
                                : p->original_source ? p->original_source : ALLOT_LABEL_NONE;
    case ALLOT_GROUP_CAMPAIGN: return p->touch.campaign_id ? p->touch.campaign_id : ALLOT_LABEL_NONE;
    case ALLOT_GROUP_SOURCE: return p->original_source ? p->original_source : ALLOT_LABEL_NONE;
    default: return ALLOT_LABEL_ALL;
    }
}

static const char *deal_group(const deal *d, allot_group_by by)
{
    switch (by) {
    case ALLOT_GROUP_CHANNEL:
        return d->touch.channel ? d->touch.channel : d->lead_source ? d->lead_source : ALLOT_LABEL_NONE;
    case ALLOT_GROUP_CAMPAIGN:
        return d->campaign ? d->campaign : d->touch.campaign_id ? d->touch.campaign_id : ALLOT_LABEL_NONE;
    case ALLOT_GROUP_SOURCE:
        if (d->lead_source)
            return d->lead_source;
        return d->earliest_person && d->earliest_person->original_source
                   ? d->earliest_person->original_source
                   : ALLOT_LABEL_NONE;
    default: return ALLOT_LABEL_ALL;
    }
}

static int in_list(const char *value, const char *const *list, size_t n)
{
    char a[96], b[96];
    allot_touch_type_key(value, a, sizeof a);
    for (size_t i = 0; i < n; i++) {
        allot_touch_type_key(list[i], b, sizeof b);
        if (strcmp(a, b) == 0)
            return 1;
    }
    return 0;
}

static int is_marketing_deal(const model *m, const deal *d)
{
    if (d->touch.at != NO_TIME &&
        !in_list(d->touch.channel, m->non_marketing_channels, m->n_non_marketing_channels))
        return 1;
    return d->lead_source &&
           in_list(d->lead_source, m->marketing_sources, m->n_marketing_sources);
}

/* Builds period/group entries; labels are stored in one owned block. */
typedef struct entries {
    entry *e;
    size_t n;
    char (*labels)[40];
} entries;

static void entries_free(entries *es)
{
    free(es->e);
    free(es->labels);
}

static int build_entries(entries *es, size_t n_items, const int64_t *times,
                         const char *const *groups, const allot_scoreboard_options *opt)
{
    int grouped = opt->group_by != ALLOT_GROUP_NONE;
    es->e = malloc((n_items * (grouped ? 2 : 1) + 1) * sizeof *es->e);
    es->labels = malloc((n_items + 1) * sizeof *es->labels);
    es->n = 0;
    if (!es->e || !es->labels)
        return -1;
    for (size_t i = 0; i < n_items; i++) {
        if (times[i] == NO_TIME)
            continue;
        int64_t day = allot_zone_day_of(opt->zone, times[i]);
        if (opt->only && !allot_period_contains(opt->only, day))
            continue;
        if (opt->only && opt->cohort == ALLOT_COHORT_ALL)
            snprintf(es->labels[i], sizeof es->labels[i], "%s", opt->only->label);
        else
            allot_scoreboard_period_label(day, opt->cohort, opt->fiscal_start_month,
                                          es->labels[i], sizeof es->labels[i]);
        es->e[es->n++] = (entry){es->labels[i], ALLOT_LABEL_ALL, i};
        if (grouped)
            es->e[es->n++] = (entry){es->labels[i], groups[i], i};
    }
    qsort(es->e, es->n, sizeof *es->e, cmp_entry);
    return 0;
}

/* The end of the run of entries from i that share entry i's period and
 * group (entries are sorted by them): one scoreboard cell. */
static size_t cell_end(const entries *es, size_t i)
{
    size_t j = i;
    while (j < es->n && strcmp(es->e[j].period, es->e[i].period) == 0 &&
           strcmp(es->e[j].group, es->e[i].group) == 0)
        j++;
    return j;
}

/* A cell's own copies of its period and group labels; -1 when out of
 * memory (whatever was copied is set, for the cell's release). */
static int cell_labels(const entry *e, char **period, char **group)
{
    *period = dup_or((const unsigned char *)e->period, "");
    *group = dup_or((const unsigned char *)e->group, "");
    return *period && *group ? 0 : -1;
}

static allot_status funnel_cells(model *m, allot_scoreboard *sb, allot_error *err)
{
    const allot_scoreboard_options *opt = m->opt;
    allot_status s = ALLOT_OK;
    int64_t *times = malloc((m->n_people + 1) * sizeof *times);
    const char **groups = malloc((m->n_people + 1) * sizeof *groups);
    struct obs *obs = malloc((m->n_people + 1) * sizeof *obs);
    entries es = {0};
    if (!times || !groups || !obs)
        goto nomem;
    for (size_t i = 0; i < m->n_people; i++) {
        times[i] = m->people[i].t[ALLOT_STAGE_LEAD];
        groups[i] = person_group(&m->people[i], opt->group_by);
    }
    if (build_entries(&es, m->n_people, times, groups, opt) != 0)
        goto nomem;
    sb->funnel = calloc(es.n + 1, sizeof *sb->funnel);
    if (!sb->funnel)
        goto nomem;
    double sla_s = sb->sla_hours * 3600.0;
    for (size_t i = 0; i < es.n;) {
        size_t j = cell_end(&es, i);
        allot_funnel_cell *c = &sb->funnel[sb->n_funnel++];
        if (cell_labels(&es.e[i], &c->period, &c->group) != 0)
            goto nomem;
        size_t n_obs = 0;
        for (size_t k = i; k < j; k++) {
            const person *p = &m->people[es.e[k].index];
            for (int st = 0; st < ALLOT_STAGE_COUNT; st++)
                if (p->t[st] != NO_TIME)
                    c->count[st] += 1;
            c->mql_revenue_micros += p->mql_revenue;
            int64_t mql = p->t[ALLOT_STAGE_MQL];
            if (mql == NO_TIME)
                continue;
            c->mqls += 1;
            double wait;
            int followed;
            /* Activity after the chosen end is not yet known at as_of: then
             * only the activity before the MQL is (0 h), else none. */
            if (p->activity_after != NO_TIME && p->activity_after <= m->as_of) {
                wait = (double)(p->activity_after - mql);
                followed = 1;
            } else if (p->activity_before) {
                wait = 0;
                followed = 1;
            } else {
                wait = fmax(0.0, (double)(m->as_of - mql));
                followed = 0;
            }
            c->followed_up += followed;
            obs[n_obs++] = (struct obs){wait / 3600.0, followed};
            if ((double)(m->as_of - mql) >= sla_s) {
                c->sla_eligible += 1;
                if (followed && wait <= sla_s)
                    c->sla_met += 1;
            }
        }
        for (int st = 0; st < ALLOT_STAGE_COUNT; st++) {
            double num, den;
            if (st == ALLOT_STAGE_WON) { /* MQL -> won */
                num = c->count[ALLOT_STAGE_WON];
                den = c->count[ALLOT_STAGE_MQL];
            } else {
                num = c->count[st + 1];
                den = c->count[st];
            }
            s = allot_interval_proportion(sb->method, num, den, sb->alpha, &c->conversion[st],
                                          err);
            if (s != ALLOT_OK)
                goto done;
        }
        s = allot_interval_proportion(sb->method, c->sla_met, c->sla_eligible, sb->alpha,
                                      &c->sla_share, err);
        if (s != ALLOT_OK)
            goto done;
        s = km_quartiles(obs, n_obs, &c->hours_q1, &c->hours_median, &c->hours_q3, err);
        if (s != ALLOT_OK)
            goto done;
        i = j;
    }
    goto done;
nomem:
    s = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
done:
    entries_free(&es);
    free(obs);
    free(groups);
    free(times);
    return s;
}

static allot_status deal_cells(model *m, allot_scoreboard *sb, allot_error *err)
{
    const allot_scoreboard_options *opt = m->opt;
    allot_status s = ALLOT_OK;
    int64_t *times = malloc((m->n_deals + 1) * sizeof *times);
    const char **groups = malloc((m->n_deals + 1) * sizeof *groups);
    struct obs *obs = malloc((m->n_deals + 1) * sizeof *obs);
    double *amounts = malloc((m->n_deals + 1) * sizeof *amounts);
    entries es = {0};
    if (!times || !groups || !obs || !amounts)
        goto nomem;
    for (size_t i = 0; i < m->n_deals; i++) {
        times[i] = m->deals[i].created_at <= m->as_of ? m->deals[i].created_at : NO_TIME;
        groups[i] = deal_group(&m->deals[i], opt->group_by);
    }
    if (build_entries(&es, m->n_deals, times, groups, opt) != 0)
        goto nomem;
    sb->deals = calloc(es.n + 1, sizeof *sb->deals);
    if (!sb->deals)
        goto nomem;
    for (size_t i = 0; i < es.n;) {
        size_t j = cell_end(&es, i);
        allot_deal_cell *c = &sb->deals[sb->n_deals++];
        if (cell_labels(&es.e[i], &c->period, &c->group) != 0)
            goto nomem;
        size_t n_obs = 0, n_amounts = 0;
        for (size_t k = i; k < j; k++) {
            const deal *d = &m->deals[es.e[k].index];
            int closed = d->is_closed && d->closed_at != NO_TIME && d->closed_at <= m->as_of;
            int mkt = is_marketing_deal(m, d);
            c->deals += 1;
            c->deals_marketing += mkt;
            if (d->has_amount && d->created_fx_error) {
                s = allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0, "%s", d->created_fx_error);
                goto done;
            }
            if (d->has_amount) {
                c->pipeline_micros += d->created_amount;
                if (mkt)
                    c->pipeline_marketing_micros += d->created_amount;
            }
            if (!closed) {
                c->open += 1;
                obs[n_obs++] = (struct obs){fmax(0.0, (double)(m->as_of - d->created_at)) /
                                                86400.0,
                                            0};
                continue;
            }
            c->closed += 1;
            obs[n_obs++] =
                (struct obs){fmax(0.0, (double)(d->closed_at - d->created_at)) / 86400.0, 1};
            if (!d->is_won)
                continue;
            c->won += 1;
            if (!d->has_amount) {
                c->amount_missing += 1;
                continue;
            }
            c->won_with_amount += 1;
            c->won_amount_micros += d->amount;
            amounts[n_amounts++] = (double)d->amount;
            c->revenue_micros += d->amount;
            if (mkt)
                c->revenue_marketing_micros += d->amount;
        }
        s = allot_interval_proportion(sb->method, c->won, c->closed, sb->alpha, &c->win_rate,
                                      err);
        if (s != ALLOT_OK)
            goto done;
        if (n_amounts) {
            qsort(amounts, n_amounts, sizeof *amounts, cmp_double);
            c->mean_won_micros = (double)c->won_amount_micros / (double)n_amounts;
            c->median_won_micros = n_amounts % 2 ? amounts[n_amounts / 2]
                                                 : (amounts[n_amounts / 2 - 1] +
                                                    amounts[n_amounts / 2]) / 2;
        } else {
            c->mean_won_micros = c->median_won_micros = NAN;
        }
        s = km_quartiles(obs, n_obs, &c->cycle_q1, &c->cycle_median, &c->cycle_q3, err);
        if (s != ALLOT_OK)
            goto done;
        i = j;
    }
    goto done;
nomem:
    s = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
done:
    entries_free(&es);
    free(amounts);
    free(obs);
    free(groups);
    free(times);
    return s;
}

/* Each won deal's amount goes to its tied person with the earliest MQL. */
static allot_status assign_mql_revenue(sqlite3 *db, model *m, allot_error *err)
{
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(
        db, "SELECT deal_id, person_id FROM deal_people ORDER BY deal_id, person_id", &st, err);
    if (s != ALLOT_OK)
        return s;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        deal *d = find_deal(m, (const char *)sqlite3_column_text(st, 0));
        const person *p = find_person(m, (const char *)sqlite3_column_text(st, 1));
        if (!d || !p || p->t[ALLOT_STAGE_MQL] == NO_TIME)
            continue;
        if (!d->mql_person || p->t[ALLOT_STAGE_MQL] < d->mql_person->t[ALLOT_STAGE_MQL])
            d->mql_person = p;
    }
    if ((s = end_read(db, st, rc, "reading deal_people", err)) != ALLOT_OK)
        return s;
    for (size_t i = 0; i < m->n_deals; i++) {
        deal *d = &m->deals[i];
        if (d->is_won && d->has_amount && d->mql_person && d->closed_at != NO_TIME &&
            d->closed_at <= m->as_of)
            ((person *)d->mql_person)->mql_revenue += d->amount;
    }
    return ALLOT_OK;
}

static allot_status prepare_aliases(model *m, allot_error *err)
{
    const allot_scoreboard_options *opt = m->opt;
    if (opt->n_aliases) {
        m->aliases = calloc(opt->n_aliases, sizeof *m->aliases);
        if (!m->aliases)
            return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < opt->n_aliases; i++) {
        if (opt->aliases[i].stage >= ALLOT_STAGE_COUNT)
            return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0, "bad stage in alias %zu",
                                   i);
        m->aliases[m->n_aliases].system = opt->aliases[i].source_system;
        m->aliases[m->n_aliases].stage = opt->aliases[i].stage;
        allot_touch_type_key(opt->aliases[i].name, m->aliases[m->n_aliases].name,
                  sizeof m->aliases[m->n_aliases].name);
        m->n_aliases++;
    }
    allot_touch_type_key(opt->sales_activity_stage ? opt->sales_activity_stage : "contacted",
              m->activity_stage, sizeof m->activity_stage);
    m->activity_touch_type =
        opt->sales_activity_touch_type ? opt->sales_activity_touch_type : "sales_activity";
    return ALLOT_OK;
}

/* One marketing-sourced list: the options' (given), or, given NULL, the
 * default of its [funnel] key in the config registry (config.c, the one
 * place the built-in lists are written), parsed into *own. */
static allot_status list_or_default(const char *const *given, size_t n_given, const char *key,
                                    char ***own, size_t *n_own, const char *const **list,
                                    size_t *n, allot_error *err)
{
    if (!given) {
        allot_status s = allot_config_get_list(NULL, "funnel", key, own, n_own, err);
        if (s)
            return s;
        given = (const char *const *)*own;
        n_given = *n_own;
    }
    *list = given;
    *n = n_given;
    return ALLOT_OK;
}

static allot_status prepare_marketing_lists(model *m, allot_error *err)
{
    const allot_scoreboard_options *opt = m->opt;
    allot_status s = list_or_default(opt->marketing_sources, opt->n_marketing_sources,
                                     "marketing_lead_sources", &m->own_marketing_sources,
                                     &m->n_own_marketing_sources, &m->marketing_sources,
                                     &m->n_marketing_sources, err);
    if (s)
        return s;
    return list_or_default(opt->non_marketing_channels, opt->n_non_marketing_channels,
                           "non_marketing_channels", &m->own_non_marketing_channels,
                           &m->n_own_non_marketing_channels, &m->non_marketing_channels,
                           &m->n_non_marketing_channels, err);
}

allot_status allot_scoreboard_compute(sqlite3 *db, const allot_scoreboard_options *options,
                                      allot_scoreboard *sb, allot_error *err)
{
    static const allot_scoreboard_options defaults = {0};
    const allot_scoreboard_options *opt = options ? options : &defaults;
    memset(sb, 0, sizeof *sb);
    sb->alpha = opt->alpha > 0 ? opt->alpha : 0.05;
    if (!(sb->alpha < 1))
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "alpha must be between 0 and 1, got %g", opt->alpha);
    sb->method = opt->method;
    sb->sla_hours = opt->sla_hours > 0 ? opt->sla_hours : 24.0;
    const char *cur = opt->currency ? opt->currency : "USD";
    if (!allot_currency_valid(cur))
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "unknown reporting currency '%s'", cur);
    memcpy(sb->currency, cur, 4);

    model m = {.opt = opt};
    activities acts = {0};
    allot_fx *fx = NULL;
    allot_status s = prepare_aliases(&m, err);
    m.taxonomy = opt->taxonomy;
    if (s == ALLOT_OK && !m.taxonomy) {
        s = allot_taxonomy_new(NULL, &m.own_taxonomy, err);
        m.taxonomy = m.own_taxonomy;
    }
    if (s == ALLOT_OK)
        s = prepare_marketing_lists(&m, err);
    /* every read below sees one snapshot of the database: a load that
     * commits meanwhile is seen whole or not at all */
    int in_snapshot = 0;
    if (s == ALLOT_OK) {
        s = allot_store_snapshot_begin(db, err);
        in_snapshot = s == ALLOT_OK;
    }
    /* the groups are touches' channels and campaigns, deals' campaigns and
     * lead sources, people's original sources: none may be a group label */
    if (s == ALLOT_OK)
        s = allot_label_check_store(db, ALLOT_LABELS_TOUCHES | ALLOT_LABELS_CRM, err);
    if (s == ALLOT_OK)
        s = allot_fx_load(db, sb->currency, &fx, err);
    if (s == ALLOT_OK && opt->as_of)
        m.as_of = opt->as_of;
    else if (s == ALLOT_OK)
        s = data_end(db, opt->zone, &m.as_of, err);
    if (s == ALLOT_OK)
        s = load_people(db, &m, err);
    if (s == ALLOT_OK)
        s = load_deals(db, &m, fx, err);
    if (s == ALLOT_OK)
        s = load_deal_stages(db, &m, err);
    if (s == ALLOT_OK)
        s = load_person_stages(db, &m, &acts, err);
    if (s == ALLOT_OK)
        s = load_touches(db, &m, &acts, err);
    if (s == ALLOT_OK) /* after load_touches: offers its people's first touches to deals */
        s = load_deal_people(db, &m, &acts, err);
    if (s == ALLOT_OK) {
        /* the scoreboard is as of the end: later events have not happened */
        for (size_t i = 0; i < m.n_people; i++)
            for (int k = 0; k < ALLOT_STAGE_COUNT; k++)
                if (m.people[i].t[k] != NO_TIME && m.people[i].t[k] > m.as_of)
                    m.people[i].t[k] = NO_TIME;
        derive(&m, &acts);
        s = assign_mql_revenue(db, &m, err);
    }
    if (in_snapshot)
        s = allot_store_snapshot_end(db, s, err);
    sb->as_of = m.as_of;
    sb->people = m.n_people;
    sb->deals_total = m.n_deals;
    if (s == ALLOT_OK)
        s = funnel_cells(&m, sb, err);
    if (s == ALLOT_OK)
        s = deal_cells(&m, sb, err);
    allot_fx_free(fx);
    free(acts.a);
    model_free(&m);
    return s;
}

void allot_scoreboard_release(allot_scoreboard *sb)
{
    if (!sb)
        return;
    for (size_t i = 0; i < sb->n_funnel; i++) {
        free(sb->funnel[i].period);
        free(sb->funnel[i].group);
    }
    free(sb->funnel);
    for (size_t i = 0; i < sb->n_deals; i++) {
        free(sb->deals[i].period);
        free(sb->deals[i].group);
    }
    free(sb->deals);
    memset(sb, 0, sizeof *sb);
}

/* ---- configuration ---- */

allot_status allot_scoreboard_config_load(const allot_config *cfg, allot_scoreboard_config *sc,
                                          allot_error *err)
{
    memset(sc, 0, sizeof *sc);
    allot_general general;
    allot_status s = allot_config_general(cfg, &general, err);
    if (s != ALLOT_OK)
        return s;
    memcpy(sc->currency, general.reporting_currency, 4);
    allot_scoreboard_options *o = &sc->options;
    o->currency = sc->currency;
    o->fiscal_start_month = general.fiscal_year_start_month;
    if ((s = allot_config_zone(cfg, &sc->zone, err)))
        return s;
    o->zone = sc->zone;
    o->alpha = 0.05;
    const char *text;
    if ((s = allot_config_get_string(cfg, "funnel", "sales_activity_stage", &text, err)))
        return s;
    sc->activity_stage = dup_or((const unsigned char *)text, "");
    if ((s = allot_config_get_string(cfg, "funnel", "sales_activity_touch_type", &text, err)))
        return s;
    sc->activity_touch_type = dup_or((const unsigned char *)text, "");
    if (!sc->activity_stage || !sc->activity_touch_type)
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    o->sales_activity_stage = sc->activity_stage;
    o->sales_activity_touch_type = sc->activity_touch_type;
    if ((s = allot_config_get_double(cfg, "funnel", "sla_hours", &o->sla_hours, err)))
        return s;
    if ((s = allot_config_get_list(cfg, "funnel", "marketing_lead_sources", &sc->marketing_sources,
                                   &sc->n_marketing_sources, err)) ||
        (s = allot_config_get_list(cfg, "funnel", "non_marketing_channels",
                                   &sc->non_marketing_channels, &sc->n_non_marketing_channels,
                                   err)))
        return s;
    o->marketing_sources = (const char *const *)sc->marketing_sources;
    o->n_marketing_sources = sc->n_marketing_sources;
    o->non_marketing_channels = (const char *const *)sc->non_marketing_channels;
    o->n_non_marketing_channels = sc->n_non_marketing_channels;
    if ((s = allot_taxonomy_new(cfg, &sc->taxonomy, err)))
        return s;
    o->taxonomy = sc->taxonomy;

    const char *section, *key, *value;
    long line;
    size_t cap = 0, okr_cap = 0;
    for (size_t i = 0; allot_config_entry(cfg, i, &section, &key, &value, &line); i++) {
        if (strcmp(section, "okr") == 0) {
            double target;
            if ((s = allot_config_get_double(cfg, "okr", key, &target, err)))
                return s;
            if (sc->n_okrs == okr_cap) {
                okr_cap = okr_cap ? okr_cap * 2 : 8;
                allot_okr_target *t = realloc(sc->okrs, okr_cap * sizeof *t);
                if (!t)
                    return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
                sc->okrs = t;
            }
            /* a key given twice: the later value wins (config rule) */
            size_t k = 0;
            while (k < sc->n_okrs && strcmp(sc->okrs[k].name, key) != 0)
                k++;
            snprintf(sc->okrs[k].name, sizeof sc->okrs[k].name, "%s", key);
            sc->okrs[k].target = target;
            sc->okrs[k].line = line;
            if (k == sc->n_okrs)
                sc->n_okrs++;
            continue;
        }
        if (strcmp(section, "funnel") != 0)
            continue;
        const char *dot = strrchr(key, '.');
        if (!dot)
            continue;
        int stage = -1;
        for (int k = 0; k < ALLOT_STAGE_COUNT; k++)
            if (strcmp(dot + 1, stage_names[k]) == 0)
                stage = k;
        if (stage < 0)
            continue; /* SYSTEM.lost: deals carry is_closed/is_won */
        char **items;
        size_t n;
        if ((s = allot_config_get_list(cfg, "funnel", key, &items, &n, err)))
            return s;
        for (size_t j = 0; j < n; j++) {
            if (sc->n_aliases == cap) {
                cap = cap ? cap * 2 : 16;
                allot_stage_alias *a = realloc(sc->aliases, cap * sizeof *a);
                char **names = realloc(sc->alias_names, cap * 2 * sizeof *names);
                if (a)
                    sc->aliases = a;
                if (names)
                    sc->alias_names = names;
                if (!a || !names) {
                    allot_config_list_free(items, n);
                    return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
                }
            }
            size_t sys_len = (size_t)(dot - key);
            char *sys = malloc(sys_len + 1);
            if (!sys) {
                allot_config_list_free(items, n);
                return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
            }
            memcpy(sys, key, sys_len);
            sys[sys_len] = '\0';
            sc->alias_names[2 * sc->n_aliases] = sys;
            sc->alias_names[2 * sc->n_aliases + 1] = items[j];
            items[j] = NULL;
            sc->aliases[sc->n_aliases] =
                (allot_stage_alias){sys, (allot_stage)stage, sc->alias_names[2 * sc->n_aliases + 1]};
            sc->n_aliases++;
        }
        allot_config_list_free(items, n);
    }
    o->aliases = sc->aliases;
    o->n_aliases = sc->n_aliases;
    return ALLOT_OK;
}

void allot_scoreboard_config_release(allot_scoreboard_config *sc)
{
    if (!sc)
        return;
    for (size_t i = 0; i < 2 * sc->n_aliases; i++)
        free(sc->alias_names[i]);
    free(sc->alias_names);
    free(sc->aliases);
    free(sc->activity_stage);
    free(sc->activity_touch_type);
    allot_config_list_free(sc->marketing_sources, sc->n_marketing_sources);
    allot_config_list_free(sc->non_marketing_channels, sc->n_non_marketing_channels);
    allot_taxonomy_free(sc->taxonomy);
    allot_zone_free(sc->zone);
    free(sc->okrs);
    memset(sc, 0, sizeof *sc);
}

/* ---- OKRs ---- */

enum okr_kind { OKR_COUNT, OKR_MONEY, OKR_RATE, OKR_SHARE, OKR_LOWER };

typedef struct okr_metric {
    const char *name; /* "_per" names get the unit appended */
    enum okr_kind kind;
    int what;
} okr_metric;

enum {
    M_LEADS, M_MQLS, M_SQLS, M_OPPS, M_WON, M_PIPELINE, M_REVENUE, M_MQL_REVENUE,
    M_LEAD_MQL, M_MQL_SQL, M_SQL_OPP, M_OPP_WON, M_MQL_WON, M_WIN, M_SLA,
    M_MKT_PIPELINE, M_MKT_REVENUE, M_SPEED_MEDIAN, M_CYCLE_MEDIAN
};

static const okr_metric okr_metrics[] = {
    {"leads_per", OKR_COUNT, M_LEADS},
    {"mqls_per", OKR_COUNT, M_MQLS},
    {"mql_per", OKR_COUNT, M_MQLS},
    {"sqls_per", OKR_COUNT, M_SQLS},
    {"sql_per", OKR_COUNT, M_SQLS},
    {"opportunities_per", OKR_COUNT, M_OPPS},
    {"won_per", OKR_COUNT, M_WON},
    {"pipeline_per", OKR_MONEY, M_PIPELINE},
    {"revenue_per", OKR_MONEY, M_REVENUE},
    {"mql_revenue_per", OKR_MONEY, M_MQL_REVENUE},
    {"lead_to_mql_rate", OKR_RATE, M_LEAD_MQL},
    {"mql_to_sql_rate", OKR_RATE, M_MQL_SQL},
    {"sql_to_opportunity_rate", OKR_RATE, M_SQL_OPP},
    {"opportunity_to_won_rate", OKR_RATE, M_OPP_WON},
    {"mql_to_won_rate", OKR_RATE, M_MQL_WON},
    {"win_rate", OKR_RATE, M_WIN},
    {"sla_rate", OKR_RATE, M_SLA},
    {"marketing_pipeline_share", OKR_SHARE, M_MKT_PIPELINE},
    {"marketing_revenue_share", OKR_SHARE, M_MKT_REVENUE},
    {"speed_to_lead_median_hours", OKR_LOWER, M_SPEED_MEDIAN},
    {"cycle_median_days", OKR_LOWER, M_CYCLE_MEDIAN},
};

static const char *const unit_words[] = {"quarter", "month", "year", "all"};

static const okr_metric *okr_lookup(const char *name, allot_cohort_unit unit)
{
    for (size_t i = 0; i < sizeof okr_metrics / sizeof okr_metrics[0]; i++) {
        const okr_metric *m = &okr_metrics[i];
        if (m->kind == OKR_COUNT || m->kind == OKR_MONEY) {
            size_t n = strlen(m->name);
            if (unit != ALLOT_COHORT_ALL && strncmp(name, m->name, n) == 0 && name[n] == '_' &&
                strcmp(name + n + 1, unit_words[unit]) == 0)
                return m;
        } else if (strcmp(name, m->name) == 0) {
            return m;
        }
    }
    return NULL;
}

int allot_okr_applies(const char *name, allot_cohort_unit unit)
{
    return name && okr_lookup(name, unit) != NULL;
}

static const allot_funnel_cell *all_funnel_cell(const allot_scoreboard *sb, const char *period)
{
    for (size_t i = 0; i < sb->n_funnel; i++)
        if (!strcmp(sb->funnel[i].period, period) && !strcmp(sb->funnel[i].group, ALLOT_LABEL_ALL))
            return &sb->funnel[i];
    return NULL;
}

static const allot_deal_cell *all_deal_cell(const allot_scoreboard *sb, const char *period)
{
    for (size_t i = 0; i < sb->n_deals; i++)
        if (!strcmp(sb->deals[i].period, period) && !strcmp(sb->deals[i].group, ALLOT_LABEL_ALL))
            return &sb->deals[i];
    return NULL;
}

static void okr_actual(const okr_metric *m, const allot_funnel_cell *f, const allot_deal_cell *d,
                       allot_okr_row *r)
{
    static const allot_interval none = {NAN, NAN, NAN};
    static const allot_funnel_cell empty_f;
    static const allot_deal_cell empty_d = {.win_rate = {NAN, NAN, NAN},
                                            .cycle_median = NAN};
    const allot_interval *ci = NULL;
    if (!f)
        f = &empty_f;
    if (!d)
        d = &empty_d;
    double v = NAN;
    switch (m->what) {
    case M_LEADS: v = f->count[ALLOT_STAGE_LEAD]; break;
    case M_MQLS: v = f->count[ALLOT_STAGE_MQL]; break;
    case M_SQLS: v = f->count[ALLOT_STAGE_SQL]; break;
    case M_OPPS: v = f->count[ALLOT_STAGE_OPPORTUNITY]; break;
    case M_WON: v = f->count[ALLOT_STAGE_WON]; break;
    case M_PIPELINE: v = (double)d->pipeline_micros / 1e6; break;
    case M_REVENUE: v = (double)d->revenue_micros / 1e6; break;
    case M_MQL_REVENUE: v = (double)f->mql_revenue_micros / 1e6; break;
    case M_LEAD_MQL: ci = f == &empty_f ? &none : &f->conversion[ALLOT_STAGE_LEAD]; break;
    case M_MQL_SQL: ci = f == &empty_f ? &none : &f->conversion[ALLOT_STAGE_MQL]; break;
    case M_SQL_OPP: ci = f == &empty_f ? &none : &f->conversion[ALLOT_STAGE_SQL]; break;
    case M_OPP_WON: ci = f == &empty_f ? &none : &f->conversion[ALLOT_STAGE_OPPORTUNITY]; break;
    case M_MQL_WON: ci = f == &empty_f ? &none : &f->conversion[ALLOT_STAGE_WON]; break;
    case M_WIN: ci = &d->win_rate; break;
    case M_SLA: ci = f == &empty_f ? &none : &f->sla_share; break;
    case M_MKT_PIPELINE:
        v = d->pipeline_micros ? (double)d->pipeline_marketing_micros / (double)d->pipeline_micros
                               : NAN;
        break;
    case M_MKT_REVENUE:
        v = d->revenue_micros ? (double)d->revenue_marketing_micros / (double)d->revenue_micros
                              : NAN;
        break;
    case M_SPEED_MEDIAN: v = f == &empty_f ? NAN : f->hours_median; break;
    case M_CYCLE_MEDIAN: v = d->cycle_median; break;
    }
    r->lower = r->upper = NAN;
    if (ci) {
        v = ci->estimate;
        r->lower = ci->lower;
        r->upper = ci->upper;
    }
    r->actual = v;
}

allot_status allot_scoreboard_okrs(const allot_scoreboard *sb, allot_cohort_unit unit,
                                   const allot_okr_target *targets, size_t n_targets,
                                   allot_okr_row **rows, size_t *n_rows, allot_error *err)
{
    *rows = NULL;
    *n_rows = 0;
    /* periods in order, from both tables */
    size_t max = (sb->n_funnel + sb->n_deals) * (n_targets ? n_targets : 1) + 1;
    allot_okr_row *out = calloc(max, sizeof *out);
    const char **periods = calloc(sb->n_funnel + sb->n_deals + 1, sizeof *periods);
    if (!out || !periods) {
        free(out);
        free(periods);
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    size_t np = 0;
    for (size_t i = 0; i < sb->n_funnel + sb->n_deals; i++) {
        const char *p = i < sb->n_funnel ? sb->funnel[i].period : sb->deals[i - sb->n_funnel].period;
        size_t k = 0;
        while (k < np && strcmp(periods[k], p) != 0)
            k++;
        if (k == np)
            periods[np++] = p;
    }
    for (size_t a = 1; a < np; a++) /* insertion sort: few periods */
        for (size_t b = a; b > 0 && strcmp(periods[b - 1], periods[b]) > 0; b--) {
            const char *t = periods[b - 1];
            periods[b - 1] = periods[b];
            periods[b] = t;
        }
    size_t n = 0;
    for (size_t k = 0; k < np; k++)
        for (size_t t = 0; t < n_targets; t++) {
            const okr_metric *m = okr_lookup(targets[t].name, unit);
            if (!m)
                continue;
            allot_okr_row *r = &out[n++];
            r->period = periods[k];
            r->name = targets[t].name;
            r->target = targets[t].target;
            okr_actual(m, all_funnel_cell(sb, periods[k]), all_deal_cell(sb, periods[k]), r);
            r->lower_is_better = m->kind == OKR_LOWER;
            r->attainment = r->target != 0 ? r->actual / r->target : NAN;
            r->met = isfinite(r->actual) &&
                     (r->lower_is_better ? r->actual <= r->target : r->actual >= r->target);
        }
    free(periods);
    *rows = out;
    *n_rows = n;
    return ALLOT_OK;
}
