#include "retention.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "firsttouch.h"
#include "fx.h"
#include "labels.h"
#include "money.h"
#include "period.h"
#include "store.h"

#define NONE_LABEL ALLOT_LABEL_NONE
#define ALL_LABEL ALLOT_LABEL_ALL

allot_status allot_retention_by_parse(const char *text, allot_retention_by *by,
                                      allot_error *err)
{
    static const struct { const char *name; allot_retention_by by; } names[] = {
        {"none", ALLOT_RETENTION_BY_NONE},       {"all", ALLOT_RETENTION_BY_NONE},
        {"channel", ALLOT_RETENTION_BY_CHANNEL}, {"campaign", ALLOT_RETENTION_BY_CAMPAIGN},
        {"source", ALLOT_RETENTION_BY_SOURCE},   {"cohort", ALLOT_RETENTION_BY_COHORT},
    };
    for (size_t i = 0; text && i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(text, names[i].name)) {
            *by = names[i].by;
            return ALLOT_OK;
        }
    return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                           "unknown grouping '%s'; use channel, campaign, source, cohort or none",
                           text ? text : "");
}

const char *allot_retention_by_name(allot_retention_by by)
{
    switch (by) {
    case ALLOT_RETENTION_BY_CHANNEL: return "channel";
    case ALLOT_RETENTION_BY_CAMPAIGN: return "campaign";
    case ALLOT_RETENTION_BY_SOURCE: return "source";
    case ALLOT_RETENTION_BY_COHORT: return "cohort";
    case ALLOT_RETENTION_BY_NONE: break;
    }
    return "none";
}

static char *dup_text(const unsigned char *text, const char *fallback)
{
    const char *s = text && text[0] ? (const char *)text : fallback;
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d)
        memcpy(d, s, n + 1);
    return d;
}

allot_status allot_retention_config_load(const allot_config *cfg, allot_retention_config *rc,
                                         double *gross_margin, allot_error *err)
{
    memset(rc, 0, sizeof *rc);
    rc->load.as_of = ALLOT_RETENTION_AS_OF_DATA;
    allot_general general;
    allot_status s = allot_config_general(cfg, &general, err);
    if (s != ALLOT_OK)
        return s;
    memcpy(rc->currency, general.reporting_currency, sizeof rc->currency);
    rc->load.currency = rc->currency;
    rc->load.fiscal_start_month = general.fiscal_year_start_month;
    if ((s = allot_config_zone(cfg, &rc->zone, err)) != ALLOT_OK)
        return s;
    rc->load.zone = rc->zone;
    if ((s = allot_config_get_string(cfg, "funnel", "sales_activity_touch_type",
                                     &rc->load.sales_activity_touch_type, err)) != ALLOT_OK)
        return s;
    if (gross_margin && (s = allot_config_get_double(cfg, "retention", "gross_margin",
                                                     gross_margin, err)) != ALLOT_OK)
        return s;
    if ((s = allot_taxonomy_new(cfg, &rc->taxonomy, err)) != ALLOT_OK)
        return s;
    rc->load.taxonomy = rc->taxonomy;
    return ALLOT_OK;
}

void allot_retention_config_release(allot_retention_config *rc)
{
    allot_taxonomy_free(rc->taxonomy);
    allot_zone_free(rc->zone);
    memset(rc, 0, sizeof *rc);
}

void allot_retention_data_release(allot_retention_data *data)
{
    if (!data)
        return;
    for (size_t i = 0; i < data->n_accounts; i++) {
        allot_retention_account *a = &data->accounts[i];
        free(a->account_id);
        free(a->channel);
        free(a->campaign_id);
        free(a->source);
        free(a->spans);
    }
    free(data->accounts);
    for (size_t g = 0; g < data->n_groups; g++) {
        free(data->groups[g]);
        if (data->group_names)
            free(data->group_names[g]);
    }
    free(data->groups);
    free(data->group_names);
    memset(data, 0, sizeof *data);
}

static allot_retention_account *find_account(allot_retention_data *d, const char *id)
{
    size_t lo = 0, hi = d->n_accounts;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(d->accounts[mid].account_id, id);
        if (c == 0)
            return &d->accounts[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

allot_status allot_retention_data_end(sqlite3 *db, const allot_zone *zone, int64_t *day,
                                      int *empty, allot_error *err)
{
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(
        db,
        "SELECT max(d), count(*), (SELECT max(t) FROM ("
        "  SELECT max(occurred_at) AS t FROM touches"
        "  UNION ALL SELECT max(entered_at) FROM stage_history))"
        " FROM (SELECT start_date AS d FROM subscriptions WHERE mrr_micros > 0"
        "  UNION ALL SELECT end_date FROM subscriptions WHERE mrr_micros > 0"
        "  AND end_date IS NOT NULL)",
        &st, err);
    if (s != ALLOT_OK)
        return s;
    int rc = sqlite3_step(st);
    *empty = 1;
    if (rc == SQLITE_ROW && sqlite3_column_int64(st, 1) > 0) {
        const char *text = (const char *)sqlite3_column_text(st, 0);
        *empty = 0;
        if (allot_date_parse(text, day) != ALLOT_OK) {
            s = allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                                "subscriptions: date '%s' is not YYYY-MM-DD", text);
        } else if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
            int64_t last_event = allot_zone_day_of(zone, sqlite3_column_int64(st, 2));
            if (last_event > *day)
                *day = last_event;
        }
    } else if (rc != SQLITE_ROW) {
        s = allot_store_fail(db, rc, "reading subscriptions", err);
    }
    sqlite3_finalize(st);
    return s;
}

static int compare_spans(const void *a, const void *b)
{
    const allot_cohort_span *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return (x->mrr_micros > y->mrr_micros) - (x->mrr_micros < y->mrr_micros);
}

/* A subscription row that pays something, its dates parsed. */
typedef struct subscription_row {
    const char *id, *account, *currency;   /* valid until the next step */
    int64_t start, end;                    /* end ALLOT_COHORT_OPEN when open */
    int64_t mrr_micros;
} subscription_row;

/* The subscriptions paying something, by account, start and id, into *st,
 * and the rates into the reporting currency into *fx (both the caller's to
 * finalize and free, NULL on failure). */
static allot_status open_subscriptions(sqlite3 *db, const char *currency, sqlite3_stmt **st,
                                       allot_fx **fx, allot_error *err)
{
    *fx = NULL;
    allot_status s = allot_store_prepare(
        db,
        "SELECT subscription_id, account_id, start_date, end_date, mrr_micros, currency "
        "FROM subscriptions WHERE mrr_micros > 0 ORDER BY account_id, start_date, subscription_id",
        st, err);
    if (s == ALLOT_OK && (s = allot_fx_load(db, currency, fx, err)) != ALLOT_OK) {
        sqlite3_finalize(*st);
        *st = NULL;
    }
    return s;
}

/* Steps st (open_subscriptions) to its next row, into *row. *more is 0 at
 * the end; ALLOT_ERR_DATA for dates that are not YYYY-MM-DD or an end not
 * after the start. */
static allot_status next_subscription(sqlite3 *db, sqlite3_stmt *st, subscription_row *row,
                                      int *more, allot_error *err)
{
    int rc = sqlite3_step(st);
    *more = rc == SQLITE_ROW;
    if (!*more)
        return rc == SQLITE_DONE ? ALLOT_OK : allot_store_fail(db, rc, "reading subscriptions", err);
    const char *id = (const char *)sqlite3_column_text(st, 0);
    const char *account = (const char *)sqlite3_column_text(st, 1);
    const char *start_text = (const char *)sqlite3_column_text(st, 2);
    const char *end_text = (const char *)sqlite3_column_text(st, 3);
    const char *currency = (const char *)sqlite3_column_text(st, 5);
    *row = (subscription_row){.id = id ? id : "",
                              .account = account ? account : "",
                              .currency = currency ? currency : "",
                              .end = ALLOT_COHORT_OPEN,
                              .mrr_micros = sqlite3_column_int64(st, 4)};
    if (!start_text || allot_date_parse(start_text, &row->start) != ALLOT_OK ||
        (end_text && allot_date_parse(end_text, &row->end) != ALLOT_OK))
        return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                               "subscription '%s': start_date/end_date is not YYYY-MM-DD",
                               row->id);
    if (row->end <= row->start)
        return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                               "subscription '%s': end_date %s is not after start_date %s",
                               row->id, end_text, start_text);
    return ALLOT_OK;
}

static allot_status read_subscriptions(sqlite3 *db, allot_retention_data *d, allot_error *err)
{
    sqlite3_stmt *st;
    allot_fx *fx;
    allot_status s = open_subscriptions(db, d->currency, &st, &fx, err);
    if (s != ALLOT_OK)
        return s;
    size_t cap_acc = 0, cap_span = 0;
    char date[11];
    allot_date_format(d->as_of, date);
    subscription_row row;
    int more;
    while ((s = next_subscription(db, st, &row, &more, err)) == ALLOT_OK && more) {
        if (row.start > d->as_of)
            continue;
        double rate;
        /* constant currency: every span at the as-of date's rate */
        s = allot_fx_rate(fx, row.currency, date, &rate, err);
        if (s != ALLOT_OK)
            break;
        allot_retention_account *a = d->n_accounts ? &d->accounts[d->n_accounts - 1] : NULL;
        if (!a || strcmp(a->account_id, row.account)) {
            if (d->n_accounts == cap_acc) {
                size_t cap = cap_acc ? 2 * cap_acc : 64;
                void *p = realloc(d->accounts, cap * sizeof *d->accounts);
                if (!p) {
                    s = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
                    break;
                }
                d->accounts = p;
                cap_acc = cap;
            }
            a = &d->accounts[d->n_accounts++];
            memset(a, 0, sizeof *a);
            a->account_id = dup_text((const unsigned char *)row.account, "");
            cap_span = 0;
            if (!a->account_id) {
                s = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
                break;
            }
        }
        if (a->n_spans == cap_span) {
            size_t cap = cap_span ? 2 * cap_span : 4;
            void *p = realloc(a->spans, cap * sizeof *a->spans);
            if (!p) {
                s = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            a->spans = p;
            cap_span = cap;
        }
        a->spans[a->n_spans++] =
            (allot_cohort_span){row.start, row.end, allot_money_convert(row.mrr_micros, rate)};
    }
    sqlite3_finalize(st);
    allot_fx_free(fx);
    return s;
}

allot_status allot_retention_bridge_fx(sqlite3 *db, const allot_retention_data *d,
                                      int64_t bridge_start, int64_t rates_day,
                                      allot_revenue_bridge *b, allot_error *err)
{
    sqlite3_stmt *st;
    allot_fx *fx;
    allot_status s = open_subscriptions(db, d->currency, &st, &fx, err);
    if (s != ALLOT_OK)
        return s;
    char now_date[11], then_date[11];
    allot_date_format(d->as_of, now_date);
    allot_date_format(rates_day, then_date);
    int64_t t0 = bridge_start - 1, now = 0, then = 0;
    subscription_row row;
    int more;
    while ((s = next_subscription(db, st, &row, &more, err)) == ALLOT_OK && more) {
        /* the rows allot_retention_load kept that pay on t0 */
        if (row.start > d->as_of || row.start > t0 || t0 >= row.end)
            continue;
        double rate_now, rate_then;
        s = allot_fx_rate(fx, row.currency, now_date, &rate_now, err);
        if (s == ALLOT_OK)
            s = allot_fx_rate(fx, row.currency, then_date, &rate_then, err);
        if (s != ALLOT_OK)
            break;
        now += allot_money_convert(row.mrr_micros, rate_now);
        then += allot_money_convert(row.mrr_micros, rate_then);
    }
    sqlite3_finalize(st);
    allot_fx_free(fx);
    if (s == ALLOT_OK && 12 * now != b->start_arr)
        s = allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                            "the bridge's start ARR is not the data's ARR on the day before "
                            "the period: compute the bridge over these data and period first");
    if (s == ALLOT_OK)
        b->fx = 12 * (now - then);
    return s;
}

/* First start, end of the first unbroken run of spans, tenure. */
static void compute_tenure(allot_retention_account *a, int64_t as_of)
{
    qsort(a->spans, a->n_spans, sizeof *a->spans, compare_spans);
    a->first_day = a->spans[0].start;
    int64_t end = a->spans[0].end;
    for (size_t i = 1; i < a->n_spans && a->spans[i].start <= end; i++)
        if (a->spans[i].end > end)
            end = a->spans[i].end;
    a->tenure_end = end;
    a->churned = end <= as_of;
    int64_t stop = a->churned ? end : as_of + 1;
    a->tenure_months = (double)(stop - a->first_day) / ALLOT_DAYS_PER_MONTH;
}

/* A customer pair: an account and one of its people (its own, or the
 * people of its deals). */
typedef struct account_person {
    allot_retention_account *account;
    char *person_id;
} account_person;

static int cmp_pair_person(const void *a, const void *b)
{
    return strcmp(((const account_person *)a)->person_id, ((const account_person *)b)->person_id);
}

static void free_pairs(account_person *pairs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(pairs[i].person_id);
    free(pairs);
}

/* The customers' people: only they are looked for in touches (most
 * accounts never subscribe). */
static allot_status read_customer_people(sqlite3 *db, allot_retention_data *d,
                                         account_person **pairs, size_t *n, allot_error *err)
{
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(
        db,
        "WITH cust AS (SELECT DISTINCT account_id FROM subscriptions WHERE mrr_micros > 0)"
        " SELECT p.account_id, p.person_id FROM people p JOIN cust ON cust.account_id = p.account_id"
        " UNION SELECT d.account_id, dp.person_id FROM deals d"
        "  JOIN cust ON cust.account_id = d.account_id"
        "  JOIN deal_people dp ON dp.deal_id = d.deal_id",
        &st, err);
    if (s != ALLOT_OK)
        return s;
    size_t cap = 0;
    int rc;
    *pairs = NULL;
    *n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        allot_retention_account *a = find_account(d, (const char *)sqlite3_column_text(st, 0));
        const unsigned char *person = sqlite3_column_text(st, 1);
        if (!a || !person)
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            account_person *grown = realloc(*pairs, cap * sizeof *grown);
            if (!grown)
                break;
            *pairs = grown;
        }
        char *id = dup_text(person, "");
        if (!id)
            break;
        (*pairs)[(*n)++] = (account_person){a, id};
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        s = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    else if (rc != SQLITE_DONE)
        s = allot_store_fail(db, rc, "reading the customers' people", err);
    if (s == ALLOT_OK && *n > 1)
        qsort(*pairs, *n, sizeof **pairs, cmp_pair_person);
    return s;
}

/* Each customer's acquisition channel and campaign: of its people's first
 * marketing touches (lib/firsttouch) the earliest, when it came no later
 * than the first subscription's day. */
static allot_status read_channels(sqlite3 *db, const allot_retention_load_options *o,
                                  allot_retention_data *d, allot_error *err)
{
    account_person *pairs;
    size_t n_pairs;
    allot_status s = read_customer_people(db, d, &pairs, &n_pairs, err);
    if (s != ALLOT_OK)
        return s;
    /* the distinct people, sorted (pairs are sorted by person) */
    const char **ids = malloc((n_pairs ? n_pairs : 1) * sizeof *ids);
    size_t *person_of = malloc((n_pairs ? n_pairs : 1) * sizeof *person_of);
    allot_first_touch *firsts = malloc((n_pairs ? n_pairs : 1) * sizeof *firsts);
    const allot_first_touch **best = calloc(d->n_accounts ? d->n_accounts : 1, sizeof *best);
    size_t n_ids = 0;
    if (!ids || !person_of || !firsts || !best)
        s = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; s == ALLOT_OK && i < n_pairs; i++) {
        if (n_ids == 0 || strcmp(ids[n_ids - 1], pairs[i].person_id) != 0)
            ids[n_ids++] = pairs[i].person_id;
        person_of[i] = n_ids - 1;
    }
    if (s == ALLOT_OK)
        s = allot_first_touches(db, o->taxonomy,
                                o->sales_activity_touch_type ? o->sales_activity_touch_type
                                                             : "sales_activity",
                                ids, n_ids, firsts, NULL, NULL, err);
    if (s == ALLOT_OK) {
        for (size_t i = 0; i < n_pairs; i++) {
            const allot_first_touch *ft = &firsts[person_of[i]];
            size_t k = (size_t)(pairs[i].account - d->accounts);
            if (ft->at != ALLOT_NO_FIRST_TOUCH &&
                (!best[k] || allot_first_touch_before(ft->at, ft->touch_id, best[k])))
                best[k] = ft;
        }
        for (size_t k = 0; s == ALLOT_OK && k < d->n_accounts; k++) {
            allot_retention_account *a = &d->accounts[k];
            if (!best[k] || allot_zone_day_of(o->zone, best[k]->at) > a->first_day)
                continue;
            a->channel = dup_text((const unsigned char *)best[k]->channel, NONE_LABEL);
            a->campaign_id = dup_text((const unsigned char *)best[k]->campaign_id, NONE_LABEL);
            if (!a->channel || !a->campaign_id)
                s = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        allot_first_touches_release(firsts, n_ids);
    }
    free(best);
    free(firsts);
    free(person_of);
    free(ids);
    free_pairs(pairs, n_pairs);
    return s;
}

static allot_status read_sources(sqlite3 *db, allot_retention_data *d, allot_error *err)
{
    static const char *const queries[2] = {
        "SELECT account_id, lead_source FROM deals WHERE is_won = 1 AND account_id IS NOT NULL"
        " AND lead_source IS NOT NULL AND lead_source <> ''"
        " ORDER BY account_id, close_date, deal_id",
        "SELECT p.account_id, p.original_source FROM people p"
        " JOIN (SELECT DISTINCT account_id FROM subscriptions WHERE mrr_micros > 0) cust"
        "  ON cust.account_id = p.account_id"
        " WHERE p.original_source IS NOT NULL AND p.original_source <> ''"
        " ORDER BY p.account_id, p.created_at, p.person_id",
    };
    for (int q = 0; q < 2; q++) {
        sqlite3_stmt *st;
        allot_status s = allot_store_prepare(db, queries[q], &st, err);
        if (s != ALLOT_OK)
            return s;
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            allot_retention_account *a =
                find_account(d, (const char *)sqlite3_column_text(st, 0));
            if (!a || a->source)
                continue;
            a->source = dup_text(sqlite3_column_text(st, 1), NONE_LABEL);
            /* The first won deal's lead source stands in for a missing channel. */
            if (a->source && q == 0 && !a->channel)
                a->channel = dup_text(sqlite3_column_text(st, 1), NONE_LABEL);
            if (!a->source || (q == 0 && !a->channel)) {
                s = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
                break;
            }
        }
        if (s == ALLOT_OK && rc != SQLITE_DONE)
            s = allot_store_fail(db, rc, "reading lead sources", err);
        sqlite3_finalize(st);
        if (s != ALLOT_OK)
            return s;
    }
    return ALLOT_OK;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *group_label(const allot_retention_account *a, allot_retention_by by)
{
    switch (by) {
    case ALLOT_RETENTION_BY_CHANNEL: return a->channel;
    case ALLOT_RETENTION_BY_CAMPAIGN: return a->campaign_id;
    case ALLOT_RETENTION_BY_SOURCE: return a->source;
    case ALLOT_RETENTION_BY_COHORT: return a->cohort;
    case ALLOT_RETENTION_BY_NONE: break;
    }
    return ALL_LABEL;
}

/* Grouped by campaign id: each group's campaigns.name ("" when the
 * campaign is not loaded, has no name, or for "(none)"), as the workbook's
 * campaign sheet shows it beside the id. */
static allot_status name_groups(sqlite3 *db, allot_retention_data *d, allot_error *err)
{
    if (d->by != ALLOT_RETENTION_BY_CAMPAIGN)
        return ALLOT_OK;
    d->group_names = calloc(d->n_groups ? d->n_groups : 1, sizeof *d->group_names);
    if (!d->group_names)
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(db, "SELECT name FROM campaigns WHERE campaign_id = ?1",
                                         &st, err);
    for (size_t g = 0; s == ALLOT_OK && g < d->n_groups; g++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, d->groups[g], -1, SQLITE_TRANSIENT);
        int rc = sqlite3_step(st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            s = allot_store_fail(db, rc, "reading campaign names", err);
        else if (!(d->group_names[g] = dup_text(rc == SQLITE_ROW && strcmp(d->groups[g], NONE_LABEL)
                                                    ? sqlite3_column_text(st, 0)
                                                    : NULL,
                                                "")))
            s = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    sqlite3_finalize(st);
    return s;
}

const char *allot_retention_group_name(const allot_retention_data *d, size_t g)
{
    return g < d->n_groups && d->group_names && d->group_names[g] ? d->group_names[g] : "";
}

void allot_retention_write_group_names(const allot_retention_data *d, FILE *out)
{
    int named = 0;
    for (size_t g = 0; g < d->n_groups; g++)
        named |= allot_retention_group_name(d, g)[0] != 0;
    if (!named)
        return;
    fputs("Campaign names:\n", out);
    for (size_t g = 0; g < d->n_groups; g++)
        if (allot_retention_group_name(d, g)[0])
            fprintf(out, "  %-24s %s\n", d->groups[g], allot_retention_group_name(d, g));
}

static allot_status build_groups(allot_retention_data *d, allot_error *err)
{
    char **labels = malloc((d->n_accounts ? d->n_accounts : 1) * sizeof *labels);
    if (!labels)
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < d->n_accounts; i++)
        labels[i] = (char *)group_label(&d->accounts[i], d->by);
    qsort(labels, d->n_accounts, sizeof *labels, compare_strings);
    size_t n = 0;
    for (size_t i = 0; i < d->n_accounts; i++)
        if (n == 0 || strcmp(labels[n - 1], labels[i]))
            labels[n++] = labels[i];
    d->groups = calloc(n ? n : 1, sizeof *d->groups);
    if (!d->groups) {
        free(labels);
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t g = 0; g < n; g++) {
        d->groups[g] = dup_text((const unsigned char *)labels[g], "");
        if (!d->groups[g]) {
            free(labels);
            return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        d->n_groups = g + 1;
    }
    free(labels);
    for (size_t i = 0; i < d->n_accounts; i++) {
        const char *l = group_label(&d->accounts[i], d->by);
        char **hit = bsearch(&l, d->groups, d->n_groups, sizeof *d->groups, compare_strings);
        d->accounts[i].group = (size_t)(hit - d->groups);
    }
    return ALLOT_OK;
}

/* allot_retention_load's reads, in one snapshot of the database. */
static allot_status load_accounts(sqlite3 *db, const allot_retention_load_options *o,
                                  allot_retention_data *d, allot_error *err)
{
    /* the groups are touches' channels and campaigns, deals' lead sources,
     * people's original sources: none may be a group label (labels.h) */
    allot_status s = allot_label_check_store(db, ALLOT_LABELS_TOUCHES | ALLOT_LABELS_CRM, err);
    if (s != ALLOT_OK)
        return s;
    int empty;
    s = allot_retention_data_end(db, o->zone, &d->as_of, &empty, err);
    if (s != ALLOT_OK)
        return s;
    if (o->as_of != ALLOT_RETENTION_AS_OF_DATA)
        d->as_of = o->as_of;
    else if (empty)
        d->as_of = 0;
    s = read_subscriptions(db, d, err);
    if (s == ALLOT_OK) {
        int fs = o->fiscal_start_month ? o->fiscal_start_month : 1;
        for (size_t i = 0; i < d->n_accounts; i++) {
            allot_retention_account *a = &d->accounts[i];
            compute_tenure(a, d->as_of);
            if (o->grain == ALLOT_COHORT_GRAIN_QUARTER) {
                allot_period p;
                allot_period_quarter_of(a->first_day, fs, &p);
                snprintf(a->cohort, sizeof a->cohort, "%s", p.label);
            } else {
                int y, m, dd;
                allot_civil_from_days(a->first_day, &y, &m, &dd);
                snprintf(a->cohort, sizeof a->cohort, "%04d-%02d", y, m);
            }
        }
        s = read_channels(db, o, d, err);
    }
    if (s == ALLOT_OK)
        s = read_sources(db, d, err);
    return s;
}

allot_status allot_retention_load(sqlite3 *db, const allot_retention_load_options *o,
                                  allot_retention_data *d, allot_error *err)
{
    memset(d, 0, sizeof *d);
    d->by = o->by;
    const char *cur = o->currency ? o->currency : "USD";
    d->exponent = allot_currency_exponent(cur);
    if (d->exponent < 0)
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "'%s' is not an ISO 4217 currency code", cur);
    snprintf(d->currency, sizeof d->currency, "%s", cur);
    /* one snapshot: a load that commits meanwhile is seen whole or not at all */
    allot_status s = allot_store_snapshot_begin(db, err);
    if (s != ALLOT_OK)
        return s;
    s = load_accounts(db, o, d, err);
    s = allot_store_snapshot_end(db, s, err);
    for (size_t i = 0; s == ALLOT_OK && i < d->n_accounts; i++) {
        allot_retention_account *a = &d->accounts[i];
        if (!a->channel)
            a->channel = dup_text(NULL, NONE_LABEL);
        if (!a->campaign_id)
            a->campaign_id = dup_text(NULL, NONE_LABEL);
        if (!a->source)
            a->source = dup_text(NULL, NONE_LABEL);
        if (!a->channel || !a->campaign_id || !a->source)
            s = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    if (s == ALLOT_OK)
        s = build_groups(d, err);
    if (s == ALLOT_OK)
        s = name_groups(db, d, err);
    if (s != ALLOT_OK)
        allot_retention_data_release(d);
    return s;
}

allot_cohort_account *allot_retention_cohort_accounts(const allot_retention_data *data)
{
    allot_cohort_account *c = malloc((data->n_accounts ? data->n_accounts : 1) * sizeof *c);
    if (!c)
        return NULL;
    for (size_t i = 0; i < data->n_accounts; i++)
        c[i] = (allot_cohort_account){data->accounts[i].spans, data->accounts[i].n_spans};
    return c;
}

/* ---- analyses ---- */

void allot_retention_result_release(allot_retention_result *r)
{
    if (!r)
        return;
    if (r->groups)
        for (size_t g = 0; g <= r->n_groups; g++)
            allot_km_release(&r->groups[g].km);
    free(r->groups);
    allot_logrank_release(&r->logrank);
    allot_cohort_release(&r->cohort);
    memset(r, 0, sizeof *r);
}

allot_status allot_retention_analyse(const allot_retention_data *d,
                                     const allot_retention_options *o,
                                     allot_retention_result *r, allot_error *err)
{
    memset(r, 0, sizeof *r);
    size_t n = d->n_accounts, G = d->n_groups;
    r->horizon_months = o->horizon_months > 0 ? o->horizon_months : 12;
    r->groups = calloc(G + 1, sizeof *r->groups);
    double *time = malloc((n ? n : 1) * sizeof *time);
    int *event = malloc((n ? n : 1) * sizeof *event);
    size_t *group = malloc((n ? n : 1) * sizeof *group);
    allot_cohort_account *ca = allot_retention_cohort_accounts(d);
    allot_status s = ALLOT_OK;
    if (!r->groups || !time || !event || !group || !ca) {
        s = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    r->n_groups = G;
    for (size_t i = 0; i < n; i++) {
        time[i] = d->accounts[i].tenure_months;
        event[i] = d->accounts[i].churned;
        group[i] = d->accounts[i].group;
    }
    allot_km *fits = malloc((G + 1) * sizeof *fits);
    if (!fits) {
        s = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    s = allot_km_fit_groups(time, event, NULL, group, n, G, &o->km, fits, err);
    if (s == ALLOT_OK)
        s = allot_km_fit(time, event, NULL, n, &o->km, &fits[G], err);
    else
        memset(&fits[G], 0, sizeof fits[G]);
    for (size_t g = 0; g <= G; g++) {
        r->groups[g].km = fits[g];
        r->groups[g].label = g < G ? d->groups[g] : ALL_LABEL;
        r->groups[g].name = allot_retention_group_name(d, g);
    }
    free(fits);
    for (size_t g = 0; s == ALLOT_OK && g <= G; g++)
        s = allot_km_rmst(&r->groups[g].km, r->horizon_months, &r->groups[g].rmst,
                          &r->groups[g].rmst_se, err);
    if (s == ALLOT_OK && G >= 2)
        s = allot_logrank_test(time, event, NULL, group, n, G, &r->logrank, err);
    if (s == ALLOT_OK) {
        allot_cohort_options co = {.grain = o->grain,
                                   .fiscal_start_month = o->fiscal_start_month,
                                   .as_of = d->as_of,
                                   .alpha = o->alpha};
        s = allot_cohort_build(ca, n, &co, &r->cohort, err);
    }
    if (s == ALLOT_OK && o->bridge_end > o->bridge_start) {
        r->has_bridge = 1;
        snprintf(r->bridge_label, sizeof r->bridge_label, "%s", o->bridge_label);
        s = allot_revenue_bridge_compute(ca, n, o->bridge_start, o->bridge_end, o->alpha,
                                         &r->bridge, err);
        if (s == ALLOT_OK)
            s = allot_revenue_bridge_bootstrap(ca, n, o->bridge_start, o->bridge_end,
                                               o->bootstrap, o->seed, o->alpha, &r->bridge, err);
    }
done:
    free(time);
    free(event);
    free(group);
    free(ca);
    if (s != ALLOT_OK)
        allot_retention_result_release(r);
    return s;
}

/* ---- writers ---- */

/* The last group row to write: "(all)" repeats the only group when the
 * accounts are not grouped, so it is left out then. */
static size_t last_row(const allot_retention_data *d, const allot_retention_result *r)
{
    return d->by == ALLOT_RETENTION_BY_NONE && r->n_groups == 1 ? 0 : r->n_groups;
}

static allot_status write_done(FILE *out, allot_error *err)
{
    if (ferror(out))
        return allot_error_set(err, ALLOT_ERR_IO, NULL, 0, 0, "write error");
    return ALLOT_OK;
}

allot_status allot_retention_write_csv(const allot_retention_data *d,
                                       const allot_retention_result *r, const char *table,
                                       FILE *out, allot_error *err)
{
    if (!strcmp(table, "km")) {
        fputs("group,time,at_risk,events,censored,survival,std_err,lower,upper,cumhaz,"
              "cumhaz_se,conf_type,conf_level,name\n",
              out);
        for (size_t g = 0; g <= last_row(d, r); g++) {
            const allot_km *km = &r->groups[g].km;
            for (size_t i = 0; i < km->n_steps; i++) {
                const allot_km_step *s = &km->steps[i];
                allot_csvout_field(out, r->groups[g].label);
                allot_csvout_next_number(out, s->time);
                allot_csvout_next_number(out, s->at_risk);
                allot_csvout_next_number(out, s->events);
                allot_csvout_next_number(out, s->censored);
                allot_csvout_next_number(out, s->survival);
                allot_csvout_next_number(out, s->std_err);
                allot_csvout_next_number(out, s->lower);
                allot_csvout_next_number(out, s->upper);
                allot_csvout_next_number(out, s->cumhaz);
                allot_csvout_next_number(out, s->cumhaz_se);
                fprintf(out, ",%s,%g,", allot_conf_type_name(km->conf_type), km->conf_level);
                allot_csvout_field(out, r->groups[g].name);
                fputc('\n', out);
            }
        }
    } else if (!strcmp(table, "summary")) {
        fputs("group,customers,churned,median,median_lower,median_upper,rmst,rmst_se,horizon,"
              "conf_type,name\n",
              out);
        for (size_t g = 0; g <= last_row(d, r); g++) {
            const allot_retention_group *gr = &r->groups[g];
            allot_csvout_field(out, gr->label);
            allot_csvout_next_number(out, gr->km.n);
            allot_csvout_next_number(out, gr->km.events);
            allot_csvout_next_number(out, gr->km.median);
            allot_csvout_next_number(out, gr->km.median_lower);
            allot_csvout_next_number(out, gr->km.median_upper);
            allot_csvout_next_number(out, gr->rmst);
            allot_csvout_next_number(out, gr->rmst_se);
            allot_csvout_next_number(out, r->horizon_months);
            fprintf(out, ",%s,", allot_conf_type_name(gr->km.conf_type));
            allot_csvout_field(out, gr->name);
            fputc('\n', out);
        }
    } else if (!strcmp(table, "logrank")) {
        fputs("group,customers,observed,expected,chisq,df,p_value,name\n", out);
        char p[32];
        allot_format_p_value(r->logrank.p_value, p, sizeof p);
        for (size_t g = 0; g < r->n_groups && r->logrank.observed; g++) {
            allot_csvout_field(out, r->groups[g].label);
            allot_csvout_next_number(out, r->groups[g].km.n);
            allot_csvout_next_number(out, r->logrank.observed[g]);
            allot_csvout_next_number(out, r->logrank.expected[g]);
            allot_csvout_next_number(out, r->logrank.chisq);
            fprintf(out, ",%d,%s,", r->logrank.df, p);
            allot_csvout_field(out, r->groups[g].name);
            fputc('\n', out);
        }
    } else if (!strcmp(table, "cohort")) {
        fputs("cohort,period,eligible,customers,active,on,on_lower,on_upper,active_on_or_after,"
              "on_or_after,on_or_after_lower,on_or_after_upper,revenue,revenue_base,"
              "revenue_retention\n",
              out);
        const allot_cohort_matrix *m = &r->cohort;
        for (size_t k = 0; k < m->n_periods; k++) {
            for (size_t c = 0; c <= m->n_cohorts; c++) {
                const allot_cohort_cell *cell =
                    c < m->n_cohorts ? allot_cohort_cell_at(m, c, k) : &m->blended[k];
                allot_csvout_field(out, c < m->n_cohorts ? m->labels[c] : "(blended)");
                fprintf(out, ",%zu,%d", k, cell->eligible);
                if (!cell->eligible) {
                    fputs(",,,,,,,,,,,,\n", out);
                    continue;
                }
                allot_csvout_next_number(out, cell->size);
                allot_csvout_next_number(out, cell->active);
                allot_csvout_next_number(out, cell->on.estimate);
                allot_csvout_next_number(out, cell->on.lower);
                allot_csvout_next_number(out, cell->on.upper);
                allot_csvout_next_number(out, cell->active_after);
                allot_csvout_next_number(out, cell->on_or_after.estimate);
                allot_csvout_next_number(out, cell->on_or_after.lower);
                allot_csvout_next_number(out, cell->on_or_after.upper);
                allot_csvout_next_money(out, (int64_t)llround(cell->revenue * 1e6), d->exponent);
                allot_csvout_next_money(out, (int64_t)llround(cell->revenue_base * 1e6), d->exponent);
                allot_csvout_next_number(out, cell->revenue_retention);
                fputc('\n', out);
            }
        }
    } else if (!strcmp(table, "bridge")) {
        fputs("period,currency,start_arr,new,expansion,contraction,churn,end_arr,fx,nrr,grr,"
              "accounts_start,accounts_lost,accounts_new,logo_churn,logo_churn_lower,"
              "logo_churn_upper,nrr_lower,nrr_upper,grr_lower,grr_upper,bootstrap,seed\n",
              out);
        if (r->has_bridge) {
            const allot_revenue_bridge *b = &r->bridge;
            allot_csvout_field(out, r->bridge_label);
            fprintf(out, ",%s", d->currency);
            int64_t minor[ALLOT_BRIDGE_FIGURES];
            allot_revenue_bridge_minor(b, d->exponent, minor);
            for (int i = ALLOT_BRIDGE_START; i <= ALLOT_BRIDGE_END; i++)
                allot_csvout_next_money(out, allot_money_minor_to_micros(minor[i], d->exponent),
                                        d->exponent);
            allot_csvout_next_money(
                out, allot_money_minor_to_micros(minor[ALLOT_BRIDGE_FX], d->exponent),
                d->exponent);
            allot_csvout_next_number(out, b->nrr);
            allot_csvout_next_number(out, b->grr);
            allot_csvout_next_number(out, b->present);
            allot_csvout_next_number(out, b->lost);
            allot_csvout_next_number(out, b->added);
            allot_csvout_next_number(out, b->logo_churn.estimate);
            allot_csvout_next_number(out, b->logo_churn.lower);
            allot_csvout_next_number(out, b->logo_churn.upper);
            allot_csvout_next_number(out, b->nrr_lower);
            allot_csvout_next_number(out, b->nrr_upper);
            allot_csvout_next_number(out, b->grr_lower);
            allot_csvout_next_number(out, b->grr_upper);
            fprintf(out, ",%u,%lu\n", b->bootstrap, b->seed);
        }
    } else {
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "unknown table '%s'; use km, summary, logrank, cohort or bridge",
                               table);
    }
    return write_done(out, err);
}

static void text_num(FILE *out, const char *fmt, double v, int width)
{
    if (isfinite(v))
        fprintf(out, fmt, width, v);
    else
        fprintf(out, "%*s", width, "NA");
}

allot_status allot_retention_write_text(const allot_retention_data *d,
                                        const allot_retention_result *r, FILE *out,
                                        allot_error *err)
{
    char date[11];
    allot_date_format(d->as_of, date);
    const allot_km *all = &r->groups[r->n_groups].km;
    fprintf(out, "Customer tenure %s%s (Kaplan-Meier, months; %g%% %s intervals; as of %s)\n\n",
            d->by == ALLOT_RETENTION_BY_NONE ? "of all customers" : "by ",
            d->by == ALLOT_RETENTION_BY_NONE ? "" : allot_retention_by_name(d->by), 100 * all->conf_level,
            allot_conf_type_name(all->conf_type), date);
    static const double at[] = {3, 6, 12, 24};
    fprintf(out, "%-24s %9s %8s %21s %17s", "group", "customers", "churned", "median (interval)",
            "RMST (se)");
    for (size_t j = 0; j < 4; j++)
        fprintf(out, "   S(%2gm) interval     ", at[j]);
    fputc('\n', out);
    for (size_t g = 0; g <= last_row(d, r); g++) {
        const allot_retention_group *gr = &r->groups[g];
        fprintf(out, "%-24.24s %9.0f %8.0f ", gr->label, gr->km.n, gr->km.events);
        text_num(out, "%*.1f", gr->km.median, 6);
        fputs(" (", out);
        text_num(out, "%*.1f", gr->km.median_lower, 5);
        fputs(", ", out);
        text_num(out, "%*.1f", gr->km.median_upper, 5);
        fputs(")", out);
        fprintf(out, " %7.2f (%5.2f)  ", gr->rmst, gr->rmst_se);
        for (size_t j = 0; j < 4; j++) {
            double S = NAN, lo = NAN, hi = NAN;
            for (size_t i = 0; i < gr->km.n_steps && gr->km.steps[i].time <= at[j]; i++) {
                S = gr->km.steps[i].survival;
                lo = gr->km.steps[i].lower;
                hi = gr->km.steps[i].upper;
            }
            if (isnan(S) && gr->km.n_steps && gr->km.steps[0].time > at[j])
                S = 1;
            if (gr->km.n_steps && at[j] > gr->km.steps[gr->km.n_steps - 1].time)
                S = lo = hi = NAN; /* beyond the follow-up */
            text_num(out, "%*.3f", S, 7);
            fputs(" [", out);
            text_num(out, "%*.3f", lo, 5);
            fputc(',', out);
            text_num(out, "%*.3f", hi, 5);
            fputs("]  ", out);
        }
        fputc('\n', out);
    }
    fprintf(out, "RMST: restricted mean tenure over the first %g months.\n", r->horizon_months);
    allot_retention_write_group_names(d, out);
    if (r->n_groups >= 2 && r->logrank.observed) {
        char p[32];
        allot_format_p_value(r->logrank.p_value, p, sizeof p);
        fprintf(out, "\nLog-rank test across %zu groups: chi2 = %.3f, df = %d, p = %s\n",
                r->n_groups, r->logrank.chisq, r->logrank.df, p);
        fprintf(out, "  %-24s %9s %9s\n", "group", "observed", "expected");
        for (size_t g = 0; g < r->n_groups; g++)
            fprintf(out, "  %-24.24s %9.0f %9.2f\n", r->groups[g].label, r->logrank.observed[g],
                    r->logrank.expected[g]);
    }

    const allot_cohort_matrix *m = &r->cohort;
    fprintf(out, "\nLogo retention by %s cohort (%% of the cohort with revenue in period k; "
                 "blank = period not complete)\n",
            allot_cohort_grain_name(m->grain));
    size_t K = m->n_periods < 13 ? m->n_periods : 13;
    fprintf(out, "%-10s %6s", "cohort", "size");
    for (size_t k = 0; k < K; k++)
        fprintf(out, " %5zu", k);
    fputc('\n', out);
    for (size_t c = 0; c <= m->n_cohorts; c++) {
        const allot_cohort_cell *row = c < m->n_cohorts ? allot_cohort_cell_at(m, c, 0) : m->blended;
        fprintf(out, "%-10s %6.0f", c < m->n_cohorts ? m->labels[c] : "(blended)",
                K ? row[0].size : 0.0);
        for (size_t k = 0; k < K; k++) {
            if (row[k].eligible)
                fprintf(out, " %5.1f", 100 * row[k].on.estimate);
            else
                fprintf(out, " %5s", "");
        }
        fputc('\n', out);
    }
    if (K) {
        fprintf(out, "%-17s", "on or after");
        for (size_t k = 0; k < K; k++)
            fprintf(out, " %5.1f", 100 * m->blended[k].on_or_after.estimate);
        fprintf(out, "\n%-17s", "revenue (NRR-k)");
        for (size_t k = 0; k < K; k++)
            text_num(out, " %*.1f", 100 * m->blended[k].revenue_retention, 5);
        fputc('\n', out);
    }

    if (r->has_bridge) {
        const allot_revenue_bridge *b = &r->bridge;
        char v[ALLOT_BRIDGE_FIGURES][64];
        int64_t minor[ALLOT_BRIDGE_FIGURES];
        allot_revenue_bridge_minor(b, d->exponent, minor);
        for (int i = 0; i < ALLOT_BRIDGE_FIGURES; i++)
            allot_money_format_minor(minor[i], d->exponent, v[i], sizeof v[i]);
        char as_of[11];
        allot_date_format(d->as_of, as_of);
        fprintf(out, "\nRevenue bridge %s (ARR, %s at the rates of %s)\n", r->bridge_label,
                d->currency, as_of);
        if (minor[ALLOT_BRIDGE_FX] != 0)
            fprintf(out, "  previous end  %16s\n  + FX          %16s\n",
                    v[ALLOT_BRIDGE_OPENING], v[ALLOT_BRIDGE_FX]);
        fprintf(out, "  start ARR     %16s  (%.0f accounts)\n", v[ALLOT_BRIDGE_START],
                b->present);
        if (minor[ALLOT_BRIDGE_FX] == 0)
            fprintf(out, "  + FX          %16s  (one as-of date: the same rates for every period)\n",
                    v[ALLOT_BRIDGE_FX]);
        fprintf(out, "  + new         %16s  (%.0f accounts, new or reactivated)\n",
                v[ALLOT_BRIDGE_NEW], b->added);
        fprintf(out, "  + expansion   %16s\n", v[ALLOT_BRIDGE_EXPANSION]);
        fprintf(out, "  - contraction %16s\n", v[ALLOT_BRIDGE_CONTRACTION]);
        fprintf(out, "  - churn       %16s  (%.0f accounts)\n", v[ALLOT_BRIDGE_CHURN], b->lost);
        fprintf(out, "  = end ARR     %16s\n", v[ALLOT_BRIDGE_END]);
        fputs("  NRR ", out);
        text_num(out, "%*.1f", 100 * b->nrr, 5);
        fputs(" %   GRR ", out);
        text_num(out, "%*.1f", 100 * b->grr, 5);
        fputs(" %   logo churn ", out);
        int boot = b->bootstrap && isfinite(b->nrr_lower);
        text_num(out, "%*.1f", 100 * b->logo_churn.estimate, 4);
        fputs(" % [", out);
        text_num(out, "%*.1f", 100 * b->logo_churn.lower, 4);
        fputs(", ", out);
        text_num(out, "%*.1f", 100 * b->logo_churn.upper, 4);
        fprintf(out, "] (Wilson %g%%)\n", 100 * (1 - m->alpha));
        if (boot)
            fprintf(out,
                    "  NRR [%.1f, %.1f] %%, GRR [%.1f, %.1f] %% (percentile bootstrap over the "
                    "%.0f starting accounts, B = %u, seed %lu)\n",
                    100 * b->nrr_lower, 100 * b->nrr_upper, 100 * b->grr_lower,
                    100 * b->grr_upper, b->present, b->bootstrap, b->seed);
    }
    return write_done(out, err);
}
