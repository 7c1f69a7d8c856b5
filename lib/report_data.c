/* The numbers behind the charts and the PDF, read from the database. */
#include "report_data.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "funnel.h"
#include "labels.h"
#include "fx.h"
#include "money.h"
#include "retention.h"
#include "roi.h"
#include "store.h"

static const char *const SECTION_NAMES[ALLOT_REPORT_SECTIONS] = {
    "credit", "campaigns", "funnel", "bridge", "cohorts", "survival", "trend"};

const char *allot_report_section_name(allot_report_section s)
{
    return (unsigned)s < ALLOT_REPORT_SECTIONS ? SECTION_NAMES[s] : "?";
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

void allot_report_release(allot_report *r)
{
    free_strings(r->channels, r->n_channels);
    free_strings(r->models, r->n_models);
    free(r->credit);
    free(r->channel_spend);
    free_strings(r->campaign_names, r->n_campaigns);
    free(r->campaign_spend);
    free(r->campaign_credit);
    free_strings(r->cohort_labels, r->n_cohorts);
    free(r->retention);
    free(r->blended);
    for (size_t i = 0; i < r->n_curves; i++) {
        free(r->curves[i].label);
        free(r->curves[i].t);
        free(r->curves[i].s);
        free(r->curves[i].lo);
        free(r->curves[i].hi);
        free(r->curves[i].at_risk);
        free(r->curves[i].events);
        free(r->curves[i].defined);
    }
    free(r->curves);
    free_strings(r->months, r->n_months);
    free(r->pipeline);
    free(r->won);
    allot_scoreboard_release(&r->funnel);
    memset(r, 0, sizeof *r);
}

static allot_status nomem(allot_error *err)
{
    return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory reading the report");
}

static char *dup_text(const char *s)
{
    size_t n = strlen(s ? s : "") + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s ? s : "", n);
    return d;
}

static int table_exists(sqlite3 *db, const char *name)
{
    sqlite3_stmt *st;
    int found = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

/* ---- a small string -> index table (channels, campaigns) -------------- */

typedef struct names {
    char **v;
    size_t n, cap;
} names;

/* Index of s, added when absent; -1 on OOM. Linear: tens of entries. */
static long names_index(names *t, const char *s)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->v[i], s) == 0)
            return (long)i;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        char **grown = realloc(t->v, cap * sizeof *grown);
        if (!grown)
            return -1;
        t->v = grown;
        t->cap = cap;
    }
    if (!(t->v[t->n] = dup_text(s)))
        return -1;
    return (long)t->n++;
}

/* Grows a double array to n entries, zero-filling the new ones. */
static int grow(double **a, size_t old_n, size_t n)
{
    if (n <= old_n)
        return 1;
    double *g = realloc(*a, n * sizeof *g);
    if (!g)
        return 0;
    for (size_t i = old_n; i < n; i++)
        g[i] = 0;
    *a = g;
    return 1;
}

/* ---- money: sums converted into the reporting currency ---------------- */

typedef struct money_ctx {
    const allot_fx *fx;
    int exponent;
    const allot_zone *zone; /* days of timestamps on the reporting zone's clocks */
} money_ctx;

/* ---- credit (rollup tables of the latest allot-credit run) ------------ */

/* Called for each quarter of a credit run (each_run_quarter); non-zero
 * stops the walk. */
typedef int (*run_quarter_visit)(const char *label, const allot_period *q, void *ctx);

/* Walks the rollup period labels of run in label order, each parsed with
 * the run's fiscal start month (the labels are the run's: FY2027Q1 means
 * what its fiscal year said when it ran, whatever the configuration says
 * now; labels that are not quarters are skipped), until visit returns
 * non-zero (*stopped then 1). *fiscal: the run's fiscal start (1 when it has
 * no rollups). */
static allot_status each_run_quarter(sqlite3 *db, int64_t run, run_quarter_visit visit,
                                     void *ctx, int *fiscal, int *stopped, allot_error *err)
{
    *fiscal = 1;
    *stopped = 0;
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(
        db,
        "SELECT DISTINCT period, (SELECT parameters FROM runs WHERE run_id = ?1)"
        " FROM rollup_period WHERE run_id = ?1 ORDER BY period",
        &st, err);
    if (s != ALLOT_OK)
        return s;
    sqlite3_bind_int64(st, 1, run);
    int rc = SQLITE_DONE;
    while (!*stopped && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *label = (const char *)sqlite3_column_text(st, 0);
        *fiscal = allot_store_run_fiscal_start((const char *)sqlite3_column_text(st, 1));
        allot_period q;
        if (label && allot_period_parse(label, *fiscal, &q, NULL) == ALLOT_OK)
            *stopped = visit(label, &q, ctx) != 0;
    }
    sqlite3_finalize(st);
    if (!*stopped && rc != SQLITE_DONE)
        return allot_store_fail(db, rc, "reading rollup_period", err);
    return ALLOT_OK;
}

typedef struct quarters_inside {
    const allot_period *period;
    allot_report_label_visit visit;
    void *ctx;
} quarters_inside;

static int visit_inside(const char *label, const allot_period *q, void *ctx)
{
    const quarters_inside *in = ctx;
    return q->start >= in->period->start && q->end <= in->period->end &&
           in->visit(label, in->ctx) != 0;
}

/* The rollup period labels of run inside the report period. */
allot_status allot_report_run_quarters(sqlite3 *db, int64_t run, const allot_period *p,
                                       allot_report_label_visit visit, void *ctx,
                                       allot_error *err)
{
    quarters_inside in = {p, visit, ctx};
    int fiscal, failed;
    allot_status s = each_run_quarter(db, run, visit_inside, &in, &fiscal, &failed, err);
    return s == ALLOT_OK && failed ? nomem(err) : s;
}

typedef struct quarter_across {
    const allot_period *period;
    char *label; /* 32 bytes */
} quarter_across;

static int visit_across(const char *label, const allot_period *q, void *ctx)
{
    const quarter_across *a = ctx;
    int inside = q->start >= a->period->start && q->end <= a->period->end;
    if (inside || q->start >= a->period->end || q->end <= a->period->start)
        return 0;
    snprintf(a->label, 32, "%s", label);
    return 1;
}

/* The first quarter of credit run `run` that lies partly in p and partly
 * outside it (label "" when none), and the run's fiscal start month: a
 * period whose months are not whole quarters of the run (a fiscal quarter
 * February to April over a calendar run) cannot be added up from its
 * rollups. */
static allot_status run_quarter_across(sqlite3 *db, int64_t run, const allot_period *p,
                                       char label_out[32], int *run_fiscal, allot_error *err)
{
    label_out[0] = '\0';
    quarter_across a = {p, label_out};
    int found;
    return each_run_quarter(db, run, visit_across, &a, run_fiscal, &found, err);
}

/* Adds a run quarter to a names list (allot_report_run_quarters). */
static int add_name(const char *label, void *list)
{
    return names_index(list, label) < 0;
}

allot_status allot_report_credit_run(sqlite3 *db, const char *currency, int64_t *run,
                                     char why[ALLOT_REPORT_WHY_SIZE], allot_error *err)
{
    *run = 0;
    why[0] = '\0';
    int64_t other = 0;
    char other_currency[8] = "";
    if (table_exists(db, "rollup_period") && table_exists(db, "runs")) {
        sqlite3_stmt *st;
        allot_status s = allot_store_prepare(
            db,
            "SELECT r.run_id, (SELECT p.currency FROM rollup_period p WHERE p.run_id = "
            "r.run_id LIMIT 1) AS cur FROM runs r WHERE r.tool = 'allot-credit' AND r.status = "
            "'ok' AND r.parameters NOT LIKE '%event=pipeline%' AND cur IS NOT NULL "
            "ORDER BY cur = ?1 DESC, r.run_id DESC LIMIT 1",
            &st, err);
        if (s != ALLOT_OK)
            return s;
        sqlite3_bind_text(st, 1, currency, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            const char *cur = (const char *)sqlite3_column_text(st, 1);
            if (cur && strcmp(cur, currency) == 0) {
                *run = sqlite3_column_int64(st, 0);
            } else {
                other = sqlite3_column_int64(st, 0);
                snprintf(other_currency, sizeof other_currency, "%s", cur ? cur : "");
            }
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return allot_store_fail(db, rc, "finding the credit run", err);
    }
    if (*run)
        return ALLOT_OK;
    if (other) /* never another currency's amounts under this currency's label */
        snprintf(why, ALLOT_REPORT_WHY_SIZE,
                 "No credit run in %s (credit run %lld is in %s): run allot-credit "
                 "--currency %s",
                 currency, (long long)other, other_currency, currency);
    else
        snprintf(why, ALLOT_REPORT_WHY_SIZE,
                 "No credit run in this database: run allot-credit first");
    return ALLOT_OK;
}

/* Spend rows dated within the period. */
static allot_status spend_rows(sqlite3 *db, const allot_period *p, int64_t *n, allot_error *err)
{
    char from[11], to[11];
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(
        db, "SELECT COUNT(*) FROM spend WHERE date >= ? AND date < ?", &st, err);
    if (s != ALLOT_OK)
        return s;
    sqlite3_bind_text(st, 1, allot_date_format(p->start, from), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, allot_date_format(p->end, to), -1, SQLITE_TRANSIENT);
    *n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return ALLOT_OK;
}

/* lib/roi's rows for the period; none without spend in it (the ROI chart
 * needs spend, and roi.c sorts an empty spend list through qsort(NULL)). */
static allot_status roi_rows(sqlite3 *db, const allot_report *r, allot_group_by by,
                             const allot_taxonomy *tx, int fiscal, allot_roi *out,
                             allot_error *err)
{
    int64_t n = 0;
    allot_status s = spend_rows(db, &r->period, &n, err);
    if (s != ALLOT_OK || n == 0)
        return s;
    allot_roi_options o;
    memset(&o, 0, sizeof o);
    o.run_id = r->credit_run;
    o.model = r->model;
    o.group_by = by;
    o.unit = ALLOT_COHORT_ALL;
    o.only = &r->period;
    o.fiscal_start_month = fiscal;
    o.currency = r->currency;
    o.taxonomy = tx;
    return allot_roi_compute(db, &o, out, err);
}

static allot_status load_credit(sqlite3 *db, allot_report *r, const char *want_model,
                                int model_given, int fiscal, const allot_taxonomy *tx,
                                allot_error *err)
{
    char *miss = r->missing[ALLOT_REPORT_CREDIT];
    char *miss_c = r->missing[ALLOT_REPORT_CAMPAIGNS];
    allot_status s = allot_report_credit_run(db, r->currency, &r->credit_run, miss, err);
    if (s != ALLOT_OK)
        return s;
    if (!r->credit_run) {
        snprintf(miss_c, 256, "%s", miss);
        return ALLOT_OK;
    }
    double unit = pow(10, allot_currency_exponent(r->currency) < 0
                              ? 2 : allot_currency_exponent(r->currency));

    /* Models of the run; the default first. */
    names models = {0};
    sqlite3_stmt *st;
    s = allot_store_prepare(
        db, "SELECT DISTINCT model FROM rollup_period WHERE run_id = ? ORDER BY model", &st, err);
    if (s != ALLOT_OK)
        return s;
    sqlite3_bind_int64(st, 1, r->credit_run);
    long def = -1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *m = (const char *)sqlite3_column_text(st, 0);
        long i = names_index(&models, m);
        if (i < 0) {
            sqlite3_finalize(st);
            free_strings(models.v, models.n);
            return nomem(err);
        }
        if (want_model && strcmp(m, want_model) == 0)
            def = i;
    }
    sqlite3_finalize(st);
    if (models.n == 0) {
        snprintf(miss, 256, "No credit run in this database: run allot-credit first");
        snprintf(miss_c, 256, "%s", miss);
        return ALLOT_OK;
    }
    if (def < 0 && model_given) {
        char list[200] = "";
        for (size_t i = 0; i < models.n; i++) {
            size_t len = strlen(list);
            snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", models.v[i]);
        }
        s = allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                            "model '%s' is not in credit run %lld (it has: %s); run allot-credit "
                            "with that model or pick one of these",
                            want_model, (long long)r->credit_run, list);
        free_strings(models.v, models.n);
        return s;
    }
    if (def < 0)
        def = 0; /* the configured default was not computed: the first model */
    if (def > 0) {
        char *t = models.v[def];
        memmove(models.v + 1, models.v, (size_t)def * sizeof *models.v);
        models.v[0] = t;
    }
    snprintf(r->model, sizeof r->model, "%s", models.v[0]);
    r->models = models.v;
    r->n_models = models.n;

    names periods = {0};
    s = allot_report_run_quarters(db, r->credit_run, &r->period, add_name, &periods, err);
    if (s != ALLOT_OK) {
        free_strings(periods.v, periods.n);
        return s;
    }
    if (periods.n == 0 && r->period.end - r->period.start < 89) {
        snprintf(miss, 256,
                 "Credit is rolled up by quarter: ask for a quarter or a year, not %s",
                 r->period.label);
        snprintf(miss_c, 256, "%s", miss);
        free_strings(periods.v, periods.n);
        return ALLOT_OK;
    }

    /* Credit is rolled up by the run's quarters: a period they do not
     * tile (fiscal quarters of other months than the run's) would add up
     * only the quarters inside it. Before, a fiscal quarter February to
     * April over a calendar run showed no credit at all (no run quarter
     * within it) beside the period's booked revenue, and a fiscal year
     * February to January only April to December. */
    char across[32];
    int run_fiscal;
    s = run_quarter_across(db, r->credit_run, &r->period, across, &run_fiscal, err);
    if (s != ALLOT_OK || across[0])
        free_strings(periods.v, periods.n);
    if (s != ALLOT_OK)
        return s;
    if (across[0]) {
        allot_period_kind k = r->period.kind;
        int whole = k == ALLOT_PERIOD_QUARTER || k == ALLOT_PERIOD_YEAR ||
                    k == ALLOT_PERIOD_FISCAL_QUARTER || k == ALLOT_PERIOD_FISCAL_YEAR;
        char todo[64];
        if (whole)
            snprintf(todo, sizeof todo, "run allot-credit --fiscal-start %d", fiscal);
        else
            snprintf(todo, sizeof todo, "use whole run quarters");
        snprintf(miss, 256,
                 "Credit run %lld has quarters of fiscal years from month %d: %s is partly "
                 "outside %s; %s",
                 (long long)r->credit_run, run_fiscal, across, r->period.label, todo);
        snprintf(miss_c, 256, "%s", miss);
        return ALLOT_OK;
    }

    /* Channel x model credit. */
    names channels = {0};
    double *credit = NULL;
    size_t cap_rows = 0;
    s = allot_store_prepare(db,
                            "SELECT channel, model, SUM(credited_minor) FROM rollup_channel "
                            "WHERE run_id = ? AND period = ? GROUP BY channel, model",
                            &st, err);
    if (s != ALLOT_OK)
        st = NULL;
    for (size_t pi = 0; s == ALLOT_OK && pi < periods.n; pi++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, r->credit_run);
        sqlite3_bind_text(st, 2, periods.v[pi], -1, SQLITE_STATIC);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            long c = names_index(&channels, (const char *)sqlite3_column_text(st, 0));
            const char *model = (const char *)sqlite3_column_text(st, 1);
            if (c < 0 || !grow(&credit, cap_rows * r->n_models, channels.cap * r->n_models)) {
                s = nomem(err);
                break;
            }
            cap_rows = channels.cap;
            for (size_t k = 0; k < r->n_models; k++)
                if (strcmp(r->models[k], model) == 0)
                    credit[(size_t)c * r->n_models + k] +=
                        (double)sqlite3_column_int64(st, 2); /* minor units */
        }
        if (s == ALLOT_OK && rc != SQLITE_DONE)
            s = allot_store_fail(db, rc, "reading rollup_channel", err);
    }
    sqlite3_finalize(st);
    st = NULL;

    /* Booked and unattributed revenue of the default model. */
    if (s == ALLOT_OK)
        s = allot_store_prepare(db,
                                "SELECT SUM(booked_minor), SUM(unattributed_minor) FROM "
                                "rollup_period WHERE run_id = ? AND model = ? AND period = ?",
                                &st, err);
    for (size_t pi = 0; s == ALLOT_OK && pi < periods.n; pi++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, r->credit_run);
        sqlite3_bind_text(st, 2, r->model, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, periods.v[pi], -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            r->booked += (double)sqlite3_column_int64(st, 0); /* minor units */
            r->unattributed += (double)sqlite3_column_int64(st, 1);
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    free_strings(periods.v, periods.n);
    /* Sums of minor units (whole numbers, exact in a double below 2^53)
     * become major units once: adding each quarter's 1234.57 as a double
     * gave a year's total of 3870809.489999999 beside 3870809.490000001. */
    for (size_t i = 0; credit && i < channels.n * r->n_models; i++)
        credit[i] /= unit;
    r->booked /= unit;
    r->unattributed /= unit;

    /* Spend by channel (lib/roi): a channel with spend and no credit gets a
     * row of zero credit, so the spend shares add up. */
    allot_roi roi;
    memset(&roi, 0, sizeof roi);
    if (s == ALLOT_OK)
        s = roi_rows(db, r, ALLOT_GROUP_CHANNEL, tx, fiscal, &roi, err);
    double *spend = NULL;
    size_t spend_n = 0;
    for (size_t i = 0; s == ALLOT_OK && i < roi.n_rows; i++) {
        const allot_roi_row *row = &roi.rows[i];
        if (strcmp(row->model, r->model) != 0)
            continue;
        long c = names_index(&channels, row->group);
        if (c < 0 || !grow(&credit, cap_rows * r->n_models, channels.cap * r->n_models) ||
            !grow(&spend, spend_n, channels.cap)) {
            s = nomem(err);
            break;
        }
        cap_rows = spend_n = channels.cap;
        spend[c] += (double)row->spend_minor / unit; /* footed (lib/roi.h) */
    }
    allot_roi_release(&roi);
    if (s == ALLOT_OK && !grow(&spend, spend_n, channels.n ? channels.n : 1))
        s = nomem(err);
    r->channels = channels.v;
    r->n_channels = channels.n;
    r->credit = credit;
    r->channel_spend = spend;
    if (s != ALLOT_OK)
        return s;

    /* Campaigns (lib/roi): spend and credited revenue; names from the
     * campaigns table. The groups "(none)" and "(unattributed)" are no
     * campaign (labels.h); other ids in parentheses are campaigns (GA's
     * "(direct)", "(not set)", "(organic)" load as campaign ids). */
    memset(&roi, 0, sizeof roi);
    s = roi_rows(db, r, ALLOT_GROUP_CAMPAIGN, tx, fiscal, &roi, err);
    size_t n = 0;
    if (s == ALLOT_OK && roi.n_rows) {
        r->campaign_names = calloc(roi.n_rows, sizeof *r->campaign_names);
        r->campaign_spend = calloc(roi.n_rows, sizeof *r->campaign_spend);
        r->campaign_credit = calloc(roi.n_rows, sizeof *r->campaign_credit);
        if (!r->campaign_names || !r->campaign_spend || !r->campaign_credit)
            s = nomem(err);
    }
    sqlite3_stmt *nm = NULL;
    if (s == ALLOT_OK)
        s = allot_store_prepare(db, "SELECT name FROM campaigns WHERE campaign_id = ?", &nm,
                                err);
    for (size_t i = 0; s == ALLOT_OK && i < roi.n_rows; i++) {
        const allot_roi_row *row = &roi.rows[i];
        if (strcmp(row->model, r->model) != 0 ||
            allot_label_reserved(row->group, strlen(row->group)))
            continue;
        sqlite3_reset(nm);
        sqlite3_bind_text(nm, 1, row->group, -1, SQLITE_STATIC);
        const char *name = row->group;
        if (sqlite3_step(nm) == SQLITE_ROW && sqlite3_column_text(nm, 0))
            name = (const char *)sqlite3_column_text(nm, 0);
        if (!(r->campaign_names[n] = dup_text(name))) {
            s = nomem(err);
            break;
        }
        r->campaign_spend[n] = (double)row->spend_minor / unit;
        r->campaign_credit[n] = (double)row->revenue_micros / 1e6;
        r->n_campaigns = ++n;
    }
    sqlite3_finalize(nm);
    allot_roi_release(&roi);
    if (s == ALLOT_OK && n == 0)
        snprintf(miss_c, 256, "No campaign spend or credit in %s", r->period.label);
    return s;
}

/* ---- deals and spend sums (trend, headline numbers) ------------------- */

/* Adds up the rows of st (amount micros, currency, date YYYY-MM-DD) in the
 * reporting currency at the rate of their date into *sum; the day of the
 * epoch in created_column on the reporting zone's clocks stands in for a
 * NULL date (-1: none), each
 * row rounded to the minor unit (a deal's booked amount). *rows,
 * when not NULL, counts every row, a NULL amount too (counted, never
 * summed). Finalizes st; `what` names the read in a database error. */
static allot_status sum_minor(sqlite3 *db, const money_ctx *m, sqlite3_stmt *st,
                              int created_column, const char *what, int64_t *sum, double *rows,
                              allot_error *err)
{
    allot_status s = ALLOT_OK;
    int rc;
    int64_t minor_total = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (rows)
            (*rows)++;
        if (sqlite3_column_type(st, 0) == SQLITE_NULL)
            continue;
        char created[11];
        const char *date = (const char *)sqlite3_column_text(st, 2);
        if (!date && created_column >= 0)
            date = allot_date_format(
                allot_zone_day_of(m->zone, sqlite3_column_int64(st, created_column)), created);
        int64_t minor;
        s = allot_fx_to_reporting_minor(m->fx, sqlite3_column_int64(st, 0),
                                        (const char *)sqlite3_column_text(st, 1), date, &minor,
                                        err);
        if (s != ALLOT_OK)
            break;
        minor_total += minor;
    }
    if (s == ALLOT_OK)
        *sum += minor_total;
    if (s == ALLOT_OK && rc != SQLITE_DONE)
        s = allot_store_fail(db, rc, what, err);
    sqlite3_finalize(st);
    return s;
}

/* sum_minor in major units: the whole minor units are divided once at the
 * end, so the sum is the double nearest its exact cents. */
static allot_status sum_amounts(sqlite3 *db, const money_ctx *m, sqlite3_stmt *st,
                                int created_column, const char *what, double *sum, double *rows,
                                allot_error *err)
{
    int64_t minor = 0;
    allot_status s = sum_minor(db, m, st, created_column, what, &minor, rows, err);
    if (s == ALLOT_OK)
        *sum += (double)minor / pow(10, m->exponent);
    return s;
}

/* Won revenue and count, and pipeline created, in [start, end) days. */
static allot_status deal_sums(sqlite3 *db, const money_ctx *m, int64_t start, int64_t end,
                              double *won, double *won_count, double *pipeline, allot_error *err)
{
    char from[11], to[11];
    allot_date_format(start, from);
    allot_date_format(end, to);
    sqlite3_stmt *st;
    *won = *won_count = *pipeline = 0;
    allot_status s = allot_store_prepare(
        db,
        "SELECT amount_micros, currency, close_date FROM deals WHERE is_won = 1 AND "
        "close_date >= ? AND close_date < ? ORDER BY deal_id",
        &st, err);
    if (s != ALLOT_OK)
        return s;
    sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
    s = sum_amounts(db, m, st, -1, "reading deals", won, won_count, err);
    if (s != ALLOT_OK)
        return s;
    int64_t minor;
    s = allot_report_pipeline_minor(db, m->fx, m->zone, start, end, &minor, NULL, err);
    if (s == ALLOT_OK)
        *pipeline = (double)minor / pow(10, m->exponent);
    return s;
}

allot_status allot_report_pipeline_minor(sqlite3 *db, const allot_fx *fx,
                                         const allot_zone *zone, int64_t start, int64_t end,
                                         int64_t *minor, int64_t *deals, allot_error *err)
{
    /* The value of each deal when it was created: its amount at the rate
     * of its creation day (reporting zone), open or closed, as allot-funnel and
     * allot-credit --event pipeline convert it. Closed deals converted at
     * their close date put the sample company's 2026Q3 at USD 4,043,934.35
     * on the workbook and the PDF, against 4,036,103.18 in the pipeline
     * credit run. */
    sqlite3_stmt *st;
    *minor = 0;
    if (deals)
        *deals = 0;
    allot_status s = allot_store_prepare(db,
                                         "SELECT amount_micros, currency, NULL, created_at "
                                         "FROM deals WHERE created_at >= ? AND created_at < ? "
                                         "AND amount_micros IS NOT NULL ORDER BY deal_id",
                                         &st, err);
    if (s != ALLOT_OK)
        return s;
    sqlite3_bind_int64(st, 1, allot_zone_day_start(zone, start));
    sqlite3_bind_int64(st, 2, allot_zone_day_start(zone, end));
    money_ctx m = {fx, allot_fx_reporting_exponent(fx), zone};
    double rows = 0;
    s = sum_minor(db, &m, st, 3, "reading deals", minor, &rows, err);
    if (s == ALLOT_OK && deals)
        *deals = (int64_t)rows;
    return s;
}

allot_status allot_report_spend_minor(sqlite3 *db, const allot_fx *fx, int64_t start,
                                      int64_t end, int64_t *minor, int64_t *rows,
                                      allot_error *err)
{
    char from[11], to[11];
    sqlite3_stmt *st;
    *minor = 0;
    if (rows)
        *rows = 0;
    allot_status s = allot_store_prepare(db,
                                         "SELECT cost_micros, currency, date, campaign_id FROM "
                                         "spend WHERE date >= ? AND date < ? ORDER BY "
                                         "campaign_id, date, source_system, ad_account",
                                         &st, err);
    if (s != ALLOT_OK)
        return s;
    sqlite3_bind_text(st, 1, allot_date_format(start, from), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, allot_date_format(end, to), -1, SQLITE_STATIC);
    /* Reporting micros of every row (each at its day's rate, half away
     * from zero to the micro), added; the sum is rounded once. Rounding
     * each row to the cent first drifted: the sample company's 2026Q3
     * rows add up to USD 233,884.960138 (233,884.96) but their cents to
     * 233,884.95. */
    int64_t micros = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (rows)
            (*rows)++;
        if (sqlite3_column_type(st, 0) == SQLITE_NULL)
            continue;
        const char *date = (const char *)sqlite3_column_text(st, 2);
        const char *campaign = (const char *)sqlite3_column_text(st, 3);
        char what[160];
        snprintf(what, sizeof what, "spend of campaign '%s' on %s", campaign ? campaign : "",
                 date ? date : "");
        int64_t converted;
        s = allot_fx_convert(fx, what, sqlite3_column_int64(st, 0),
                             (const char *)sqlite3_column_text(st, 1), date ? date : "",
                             &converted, err);
        if (s != ALLOT_OK)
            break;
        micros += converted;
    }
    if (s == ALLOT_OK && rc != SQLITE_DONE)
        s = allot_store_fail(db, rc, "reading spend", err);
    sqlite3_finalize(st);
    if (s == ALLOT_OK)
        *minor = allot_money_micros_to_minor(micros, allot_fx_reporting_exponent(fx));
    return s;
}

static allot_status spend_sum(sqlite3 *db, const money_ctx *m, int64_t start, int64_t end,
                              double *spend, allot_error *err)
{
    int64_t minor;
    allot_status s = allot_report_spend_minor(db, m->fx, start, end, &minor, NULL, err);
    *spend = s == ALLOT_OK ? (double)minor / pow(10, m->exponent) : 0;
    return s;
}

static allot_status load_trend(sqlite3 *db, allot_report *r, const money_ctx *m,
                               allot_error *err)
{
    int y, mo, d;
    allot_civil_from_days(r->period.end - 1, &y, &mo, &d);
    int64_t last = r->period.end - 1 - (d - 1); /* first day of the last month */
    size_t n = 12;
    r->months = calloc(n, sizeof *r->months);
    r->pipeline = calloc(n, sizeof *r->pipeline);
    r->won = calloc(n, sizeof *r->won);
    if (!r->months || !r->pipeline || !r->won)
        return nomem(err);
    r->n_months = n;
    double any = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t start = allot_add_months(last, -(int)(n - 1 - i));
        int64_t end = allot_add_months(start, 1);
        char label[11];
        allot_date_format(start, label);
        label[7] = '\0';
        if (!(r->months[i] = dup_text(label)))
            return nomem(err);
        if (r->has_data_end && start > r->data_end) {
            /* a month after the data's end: no figures, not zeros (README
             * "A period the data do not cover") */
            r->won[i] = r->pipeline[i] = NAN;
            continue;
        }
        double count;
        allot_error why;
        allot_status s = deal_sums(db, m, start, end, &r->won[i], &count, &r->pipeline[i], &why);
        if (s == ALLOT_ERR_DATA) {
            /* a month before the rates begin: left out of the chart, and
             * said so, rather than no trend at all */
            r->won[i] = r->pipeline[i] = NAN;
            if (!r->trend_gap[0])
                snprintf(r->trend_gap, sizeof r->trend_gap, "%s left out: %.200s", label,
                         why.message);
            continue;
        }
        if (s != ALLOT_OK) {
            if (err)
                *err = why;
            return s;
        }
        any += r->won[i] + r->pipeline[i];
    }
    if (any == 0)
        snprintf(r->missing[ALLOT_REPORT_TREND], 256, "No deals in the twelve months to %s",
                 r->period.label);
    return ALLOT_OK;
}

/* ---- funnel (lib/funnel) ---------------------------------------------- */

static allot_status load_funnel(sqlite3 *db, allot_report *r,
                                const allot_scoreboard_config *sc, allot_error *err)
{
    /* No people, no funnel (and funnel.c would qsort(NULL, 0) on them). */
    sqlite3_stmt *st;
    allot_status s0 = allot_store_prepare(db, "SELECT EXISTS (SELECT 1 FROM people)", &st, err);
    if (s0 != ALLOT_OK)
        return s0;
    int any = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (!any) {
        snprintf(r->missing[ALLOT_REPORT_FUNNEL], 256, "No leads created in %s",
                 r->period.label);
        return ALLOT_OK;
    }
    /* by first-touch channel, as the workbook's Funnel sheet shows it (it
     * reads r->funnel instead of computing it again); the cover and the
     * chart read the "(all)" row */
    allot_scoreboard_options o = sc->options;
    o.cohort = ALLOT_COHORT_ALL;
    o.only = &r->period;
    o.group_by = ALLOT_GROUP_CHANNEL;
    o.method = ALLOT_INTERVAL_WILSON;
    allot_status s = allot_scoreboard_compute(db, &o, &r->funnel, err);
    if (s != ALLOT_OK) {
        allot_scoreboard_release(&r->funnel);
        return s;
    }
    r->has_funnel = 1;
    const allot_funnel_cell *c = NULL;
    for (size_t i = 0; i < r->funnel.n_funnel && !c; i++)
        if (strcmp(r->funnel.funnel[i].group, ALLOT_LABEL_ALL) == 0)
            c = &r->funnel.funnel[i];
    if (!c) {
        snprintf(r->missing[ALLOT_REPORT_FUNNEL], 256, "No leads created in %s",
                 r->period.label);
        return ALLOT_OK;
    }
    for (int k = 0; k < 5; k++)
        r->stage_count[k] = c->count[k];
    for (int k = 0; k < 4; k++) {
        r->stage_rate[k] = c->conversion[k].estimate;
        r->stage_lo[k] = c->conversion[k].lower;
        r->stage_hi[k] = c->conversion[k].upper;
    }
    return ALLOT_OK;
}

/* ---- retention (lib/retention) ---------------------------------------- */

allot_status allot_report_load_retention(sqlite3 *db, allot_report *r, int fiscal,
                                         const allot_taxonomy *tx, const allot_zone *zone,
                                         const char *sales_activity_touch_type,
                                         double *nrr_prior, allot_error *err)
{
    allot_retention_load_options lo;
    memset(&lo, 0, sizeof lo);
    lo.by = ALLOT_RETENTION_BY_CHANNEL;
    lo.grain = ALLOT_COHORT_GRAIN_MONTH;
    lo.fiscal_start_month = fiscal;
    lo.as_of = ALLOT_RETENTION_AS_OF_DATA;
    lo.currency = r->currency;
    lo.taxonomy = tx;
    lo.sales_activity_touch_type = sales_activity_touch_type;
    lo.zone = zone;
    /* Observe up to the period's end (the report is "as of" it), or to
     * the data's end when that comes first. */
    int64_t data_end;
    int empty;
    allot_status s = allot_retention_data_end(db, zone, &data_end, &empty, err);
    if (s != ALLOT_OK)
        return s;
    if (!empty && data_end > r->period.end - 1)
        lo.as_of = r->period.end - 1;
    allot_retention_data data;
    s = allot_retention_load(db, &lo, &data, err);
    if (s != ALLOT_OK) {
        allot_retention_data_release(&data);
        return s;
    }
    r->retention_as_of = data.as_of;
    if (data.n_accounts == 0) {
        const char *why = "No subscriptions up to the end of the period";
        snprintf(r->missing[ALLOT_REPORT_BRIDGE], 256, "%s", why);
        snprintf(r->missing[ALLOT_REPORT_COHORTS], 256, "%s", why);
        snprintf(r->missing[ALLOT_REPORT_SURVIVAL], 256, "%s", why);
        allot_retention_data_release(&data);
        return ALLOT_OK;
    }
    allot_retention_options ro;
    memset(&ro, 0, sizeof ro);
    ro.grain = ALLOT_COHORT_GRAIN_MONTH;
    ro.fiscal_start_month = fiscal;
    /* The bridge compares ARR on the period's last day with the day
     * before it began (statistics.md: NRR over t0 -> t1). When the data
     * end before that last day, ARR(t1) is not known: a bridge "to" it
     * would show the data's end under the quarter's label (and a period
     * wholly after the data a flat book, NRR 100 %), figures that change
     * once the quarter is in. allot-retention refuses such a period; the
     * reports leave the bridge out and say so (README "The period of the
     * retention sections"). */
    int bridge_due = r->period.end - 1 <= data.as_of;
    if (bridge_due) {
        ro.bridge_start = r->period.start;
        ro.bridge_end = r->period.end;
        snprintf(ro.bridge_label, sizeof ro.bridge_label, "%s", r->period.label);
    }
    allot_retention_result res;
    s = allot_retention_analyse(&data, &ro, &res, err);
    if (s != ALLOT_OK) {
        allot_retention_result_release(&res);
        allot_retention_data_release(&data);
        return s;
    }
    r->interval_name = allot_conf_type_name(res.groups ? res.groups[0].km.conf_type
                                                       : ALLOT_CONF_LOG_LOG);

    /* Bridge of the period, and the prior period's NRR for the cover. */
    if (!bridge_due) {
        char d_end[11], p_first[11], p_last[11];
        allot_date_format(data.as_of, d_end);
        allot_date_format(r->period.start, p_first);
        allot_date_format(r->period.end - 1, p_last);
        if (data.as_of < r->period.start)
            snprintf(r->missing[ALLOT_REPORT_BRIDGE], 256,
                     "The data ends on %s, before %s begins (%s): no ARR bridge, NRR or GRR "
                     "for it",
                     d_end, r->period.label, p_first);
        else
            snprintf(r->missing[ALLOT_REPORT_BRIDGE], 256,
                     "The data ends on %s, before %s does (%s): no ARR bridge, NRR or GRR "
                     "until that day is in the data. For %s to %s only, run with --period "
                     "%s..%s",
                     d_end, r->period.label, p_last, p_first, d_end, p_first, d_end);
    } else if (res.has_bridge) {
        /* The currency effect since the previous period's report, which
         * was as of its last day (t0) or the data's end when earlier. */
        int64_t t0 = r->period.start - 1;
        int64_t prior_rates = data_end < t0 ? data_end : t0;
        allot_error fx_err;
        allot_error_clear(&fx_err);
        s = allot_retention_bridge_fx(db, &data, r->period.start, prior_rates, &res.bridge,
                                      &fx_err);
        if (s == ALLOT_ERR_DATA) {
            /* a rate missing on the previous period's last day: that
             * period's report cannot be made either; this one stands in
             * constant currency, its FX unknown */
            res.bridge.fx = 0;
            r->arr_fx = NAN;
            snprintf(r->fx_gap, sizeof r->fx_gap, "%.255s", fx_err.message);
            s = ALLOT_OK;
        } else if (s != ALLOT_OK && err) {
            *err = fx_err;
        }
        if (s != ALLOT_OK) {
            allot_retention_result_release(&res);
            allot_retention_data_release(&data);
            return s;
        }
        allot_date_format(data.as_of, r->rates_date);
        allot_date_format(prior_rates, r->prior_rates_date);
        const allot_revenue_bridge *b = &res.bridge;
        if (!r->fx_gap[0])
            r->arr_fx = (double)b->fx / 1e6;
        r->arr_start = (double)b->start_arr / 1e6;
        r->arr_new = (double)b->new_arr / 1e6;
        r->arr_expansion = (double)b->expansion / 1e6;
        r->arr_contraction = (double)b->contraction / 1e6;
        r->arr_churn = (double)b->churn / 1e6;
        r->arr_end = (double)b->end_arr / 1e6;
        r->nrr = b->nrr;
        r->grr = b->grr;
        if (b->start_arr == 0 && b->end_arr == 0)
            snprintf(r->missing[ALLOT_REPORT_BRIDGE], 256, "No recurring revenue in %s",
                     r->period.label);
    }
    /* the prior period's NRR likewise only when its last day is in the data */
    allot_cohort_account *acc =
        r->prior.end - 1 <= data.as_of ? allot_retention_cohort_accounts(&data) : NULL;
    if (acc) {
        allot_revenue_bridge prior;
        if (allot_revenue_bridge_compute(acc, data.n_accounts, r->prior.start, r->prior.end, 0,
                                         &prior, NULL) == ALLOT_OK)
            *nrr_prior = prior.nrr;
        free(acc);
    }

    /* Cohorts: the last twelve monthly cohorts with a complete first
     * month, and the ages observed in any of them (at most 13). */
    const allot_cohort_matrix *cm = &res.cohort;
    size_t *rows = cm->n_cohorts ? malloc(cm->n_cohorts * sizeof *rows) : NULL;
    size_t nc = 0, na = 0;
    for (size_t i = cm->n_cohorts; rows && i-- > 0 && nc < 12;)
        if (cm->n_periods && allot_cohort_cell_at(cm, i, 0)->eligible)
            rows[nc++] = i;
    for (size_t j = 0; j < nc / 2; j++) { /* oldest first */
        size_t t = rows[j];
        rows[j] = rows[nc - 1 - j];
        rows[nc - 1 - j] = t;
    }
    for (size_t j = 0; j < nc; j++)
        for (size_t k = 0; k < cm->n_periods && k < 13; k++)
            if (allot_cohort_cell_at(cm, rows[j], k)->eligible && k + 1 > na)
                na = k + 1;
    if (cm->n_cohorts && !rows) {
        s = nomem(err);
    } else if (nc && na) {
        r->cohort_labels = calloc(nc, sizeof *r->cohort_labels);
        r->retention = malloc(nc * na * sizeof *r->retention);
        r->blended = malloc(na * sizeof *r->blended);
        if (!r->cohort_labels || !r->retention || !r->blended) {
            s = nomem(err);
        } else {
            r->n_cohorts = nc;
            r->n_ages = na;
            for (size_t j = 0; j < nc && s == ALLOT_OK; j++) {
                const allot_cohort_cell *c0 = allot_cohort_cell_at(cm, rows[j], 0);
                char label[64];
                snprintf(label, sizeof label, "%s (n=%.0f)", cm->labels[rows[j]], c0->size);
                if (!(r->cohort_labels[j] = dup_text(label)))
                    s = nomem(err);
                for (size_t k = 0; k < na; k++) {
                    const allot_cohort_cell *c = allot_cohort_cell_at(cm, rows[j], k);
                    r->retention[j * na + k] =
                        c->eligible && c->size > 0 ? c->active / c->size : NAN;
                }
            }
            for (size_t k = 0; k < na; k++) {
                /* pooled over the shown cohorts that are observed at k */
                double act = 0, size = 0;
                for (size_t j = 0; j < nc; j++) {
                    const allot_cohort_cell *c = allot_cohort_cell_at(cm, rows[j], k);
                    if (c->eligible) {
                        act += c->active;
                        size += c->size;
                    }
                }
                r->blended[k] = size > 0 ? act / size : NAN;
            }
        }
    } else {
        snprintf(r->missing[ALLOT_REPORT_COHORTS], 256, "No complete month of subscriptions yet");
    }
    free(rows);

    /* Survival by channel, in days (the library's months x 30.4375). */
    size_t order[ALLOT_REPORT_MAX_CURVES], n_order = 0;
    for (size_t g = 0; g < res.n_groups; g++) {
        /* keep the channels with the most customers, ties by label */
        size_t pos = n_order;
        while (pos > 0 && res.groups[order[pos - 1]].km.n < res.groups[g].km.n)
            pos--;
        if (pos >= ALLOT_REPORT_MAX_CURVES)
            continue;
        if (n_order < ALLOT_REPORT_MAX_CURVES)
            n_order++;
        memmove(order + pos + 1, order + pos, (n_order - 1 - pos) * sizeof *order);
        order[pos] = g;
    }
    r->n_channels_retained = res.n_groups;
    if (s == ALLOT_OK && n_order) {
        r->curves = calloc(n_order, sizeof *r->curves);
        if (!r->curves)
            s = nomem(err);
        for (size_t j = 0; s == ALLOT_OK && j < n_order; j++) {
            size_t g = order[j];
            const allot_km *km = &res.groups[g].km;
            allot_report_curve *c = &r->curves[r->n_curves];
            size_t n = km->n_steps + 1;
            c->label = dup_text(res.groups[g].label);
            c->t = malloc(n * sizeof *c->t);
            c->s = malloc(n * sizeof *c->s);
            c->lo = malloc(n * sizeof *c->lo);
            c->hi = malloc(n * sizeof *c->hi);
            c->at_risk = malloc(n * sizeof *c->at_risk);
            c->events = malloc(n * sizeof *c->events);
            c->defined = malloc(n * sizeof *c->defined);
            r->n_curves++;
            if (!c->label || !c->t || !c->s || !c->lo || !c->hi || !c->at_risk || !c->events ||
                !c->defined) {
                s = nomem(err);
                break;
            }
            c->t[0] = 0;
            c->s[0] = c->lo[0] = c->hi[0] = 1;
            c->at_risk[0] = km->n;
            c->events[0] = 0;
            c->defined[0] = 1;
            c->n = 1;
            c->t_end = 0;
            for (size_t j = 0; j < km->n_steps; j++) {
                const allot_km_step *st = &km->steps[j];
                double t = st->time * ALLOT_DAYS_PER_MONTH;
                c->t_end = fmax(c->t_end, t);
                if (st->events <= 0)
                    continue; /* censoring only: the curve does not step */
                c->t[c->n] = t;
                c->s[c->n] = st->survival;
                c->defined[c->n] = isfinite(st->lower) && isfinite(st->upper);
                c->lo[c->n] = isfinite(st->lower) ? st->lower : st->survival;
                c->hi[c->n] = isfinite(st->upper) ? st->upper : st->survival;
                c->at_risk[c->n] = st->at_risk;
                c->events[c->n] = st->events;
                c->n++;
            }
            c->customers = km->n;
            c->churned = km->events;
        }
    }
    allot_retention_result_release(&res);
    allot_retention_data_release(&data);
    return s;
}

/* ---- the data's end ---------------------------------------------------- */

/* *day := the day in column col of st (text YYYY-MM-DD) when later; what
 * names its tables in the error for a malformed date. */
static allot_status take_later_date(sqlite3_stmt *st, int col, const char *what, int64_t *day,
                                    int *known, allot_error *err)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return ALLOT_OK;
    const char *text = (const char *)sqlite3_column_text(st, col);
    int64_t d;
    if (allot_date_parse(text, &d) != ALLOT_OK)
        return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                               "%s: date '%s' is not YYYY-MM-DD", what, text);
    if (!*known || d > *day) {
        *day = d;
        *known = 1;
    }
    return ALLOT_OK;
}

allot_status allot_report_data_end(sqlite3 *db, const allot_zone *zone, int64_t *day,
                                   int *known, allot_error *err)
{
    *day = 0;
    *known = 0;
    /* One read of each table (touches has no index by time: a pass):
     * days as text (the paying subscriptions' starts and ends, as
     * allot_retention_data_end reads them; close dates, spend dates),
     * instants (touches, stage entries, deal creation) on the zone's
     * clocks. */
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(
        db,
        "SELECT (SELECT max(d) FROM (SELECT max(start_date) AS d FROM subscriptions"
        "  WHERE mrr_micros > 0"
        "  UNION ALL SELECT max(end_date) FROM subscriptions WHERE mrr_micros > 0)),"
        " (SELECT max(d) FROM (SELECT max(close_date) AS d FROM deals"
        "  WHERE is_closed = 1 AND close_date IS NOT NULL"
        "  UNION ALL SELECT max(date) FROM spend)),"
        " (SELECT max(t) FROM (SELECT max(occurred_at) AS t FROM touches"
        "  UNION ALL SELECT max(entered_at) FROM stage_history"
        "  UNION ALL SELECT max(created_at) FROM deals))",
        &st, err);
    if (s != ALLOT_OK)
        return s;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        s = take_later_date(st, 0, "subscriptions", day, known, err);
        if (s == ALLOT_OK)
            s = take_later_date(st, 1, "deals or spend", day, known, err);
        if (s == ALLOT_OK && sqlite3_column_type(st, 2) != SQLITE_NULL) {
            int64_t d = allot_zone_day_of(zone, sqlite3_column_int64(st, 2));
            if (!*known || d > *day) {
                *day = d;
                *known = 1;
            }
        }
    } else {
        s = allot_store_fail(db, rc, "reading the data's end", err);
    }
    sqlite3_finalize(st);
    return s;
}

allot_report_coverage allot_report_coverage_of(const allot_period *p, const char *prior_label,
                                               int64_t data_end, int known, char *note,
                                               size_t note_size, char *label,
                                               size_t label_size)
{
    if (note && note_size)
        note[0] = '\0';
    if (label && label_size)
        label[0] = '\0';
    if (!known || p->end - 1 <= data_end)
        return ALLOT_REPORT_COVERED;
    char d_end[11], p_first[11], p_last[11];
    allot_date_format(data_end, d_end);
    allot_date_format(p->start, p_first);
    allot_date_format(p->end - 1, p_last);
    if (data_end < p->start) {
        if (note)
            snprintf(note, note_size,
                     "The data ends on %s, before %s begins (%s): no data for %s, so no "
                     "figures and no change against %s",
                     d_end, p->label, p_first, p->label, prior_label);
        if (label)
            snprintf(label, label_size, "no data (the data ends %s)", d_end);
        return ALLOT_REPORT_NO_DATA;
    }
    if (note)
        snprintf(note, note_size,
                 "The data ends on %s, before %s does (%s): the figures of %s are to %s, and "
                 "no change against %s is shown (part of a period against a whole one)",
                 d_end, p->label, p_last, p->label, d_end, prior_label);
    if (label)
        snprintf(label, label_size, "to %s (the data ends %s)", d_end, d_end);
    return ALLOT_REPORT_PARTIAL;
}

/* ---- the period and the whole report ---------------------------------- */

allot_status allot_report_default_period(int64_t end, int known, int fiscal, allot_period *p,
                                        allot_error *err)
{
    if (!known)
        return allot_error_set(err, ALLOT_ERR_DATA, NULL, 0, 0,
                               "the database has no deals, subscriptions, touches or spend to "
                               "report on; load exports with allot-load, or name a period "
                               "with --period");
    /* the quarter the data's end completes, else the one before it */
    allot_period_quarter_of(end, fiscal ? fiscal : 1, p);
    if (p->end - 1 != end) {
        allot_period q = *p;
        allot_period_prior(&q, fiscal ? fiscal : 1, p);
    }
    return ALLOT_OK;
}

static const char *cfg_string(const allot_config *cfg, const char *section, const char *key,
                              const char *fallback)
{
    const char *v = NULL;
    if (allot_config_get_string(cfg, section, key, &v, NULL) != ALLOT_OK || !v || !*v)
        return fallback;
    return v;
}

allot_status allot_report_load(sqlite3 *db, const allot_report_options *o, allot_report *r,
                               allot_error *err)
{
    memset(r, 0, sizeof *r);
    /* Currency, fiscal year, taxonomy and funnel settings as every tool
     * reads them from allot.ini. */
    allot_scoreboard_config sc;
    allot_status s = allot_scoreboard_config_load(o->config, &sc, err);
    if (s != ALLOT_OK) {
        allot_scoreboard_config_release(&sc);
        return s;
    }
    int fiscal = sc.options.fiscal_start_month ? sc.options.fiscal_start_month : 1;
    snprintf(r->currency, sizeof r->currency, "%s", sc.currency[0] ? sc.currency : "USD");
    const char *model = o->model ? o->model
                                 : cfg_string(o->config, "models", "default_model", NULL);
    if (o->period)
        s = allot_period_parse(o->period, fiscal, &r->period, err);
    if (s == ALLOT_OK)
        s = allot_report_data_end(db, sc.zone, &r->data_end, &r->has_data_end, err);
    if (s == ALLOT_OK && !o->period)
        s = allot_report_default_period(r->data_end, r->has_data_end, fiscal, &r->period, err);
    allot_fx *fx = NULL;
    if (s == ALLOT_OK) {
        allot_period_prior(&r->period, fiscal, &r->prior);
        s = allot_fx_load(db, r->currency, &fx, err);
    }
    if (s != ALLOT_OK) {
        allot_scoreboard_config_release(&sc);
        return s;
    }
    money_ctx m = {fx, allot_fx_reporting_exponent(fx), sc.zone};
    r->coverage = allot_report_coverage_of(&r->period, r->prior.label, r->data_end,
                                           r->has_data_end, r->coverage_note,
                                           sizeof r->coverage_note, r->coverage_label,
                                           sizeof r->coverage_label);

    unsigned want = o->sections ? o->sections : ~0u;
    if (want & ALLOT_REPORT_WANT_KPIS)
        want |= ALLOT_REPORT_WANT(ALLOT_REPORT_BRIDGE); /* NRR */
    if (want & ALLOT_REPORT_WANT(ALLOT_REPORT_CAMPAIGNS))
        want |= ALLOT_REPORT_WANT(ALLOT_REPORT_CREDIT); /* the run and the model */
    if (want & ALLOT_REPORT_WANT(ALLOT_REPORT_CREDIT))
        s = load_credit(db, r, model, o->model != NULL, fiscal, sc.taxonomy, err);
    if (s == ALLOT_OK && (want & ALLOT_REPORT_WANT(ALLOT_REPORT_TREND)))
        s = load_trend(db, r, &m, err);
    if (s == ALLOT_OK && (want & ALLOT_REPORT_WANT(ALLOT_REPORT_FUNNEL)))
        s = load_funnel(db, r, &sc, err);
    double nrr_prior = NAN;
    unsigned retention = ALLOT_REPORT_WANT(ALLOT_REPORT_BRIDGE) |
                         ALLOT_REPORT_WANT(ALLOT_REPORT_COHORTS) |
                         ALLOT_REPORT_WANT(ALLOT_REPORT_SURVIVAL);
    if (s == ALLOT_OK && (want & retention))
        s = allot_report_load_retention(db, r, fiscal, sc.taxonomy, sc.zone,
                                        sc.options.sales_activity_touch_type, &nrr_prior, err);
    for (int k = 0; k < ALLOT_REPORT_SECTIONS; k++)
        if (!(want & ALLOT_REPORT_WANT(k)) && !r->missing[k][0])
            snprintf(r->missing[k], sizeof r->missing[k], "not loaded");

    /* Headline numbers, this period and the prior one. */
    double won[2] = {NAN, NAN}, count[2] = {NAN, NAN}, pipe[2] = {NAN, NAN};
    double spend[2] = {NAN, NAN};
    const allot_period *ps[2] = {&r->period, &r->prior};
    for (int i = 0; s == ALLOT_OK && (want & ALLOT_REPORT_WANT_KPIS) && i < 2; i++) {
        s = deal_sums(db, &m, ps[i]->start, ps[i]->end, &won[i], &count[i], &pipe[i], err);
        if (s == ALLOT_OK)
            s = spend_sum(db, &m, ps[i]->start, ps[i]->end, &spend[i], err);
    }
    allot_fx_free(fx);
    allot_scoreboard_config_release(&sc);
    if (s != ALLOT_OK) {
        allot_report_release(r);
        return s;
    }
    int has_bridge = !r->missing[ALLOT_REPORT_BRIDGE][0];
    r->kpi[0] = (allot_report_kpi){"Won revenue",
                                   "amounts of deals closed won in the period, converted at "
                                   "their close date",
                                   ALLOT_KPI_MONEY, won[0], won[1]};
    r->kpi[1] = (allot_report_kpi){"Deals won", "deals closed won in the period",
                                   ALLOT_KPI_COUNT, count[0], count[1]};
    r->kpi[2] = (allot_report_kpi){"Pipeline created",
                                   "amounts of deals created in the period, converted at "
                                   "their creation day",
                                   ALLOT_KPI_MONEY, pipe[0], pipe[1]};
    r->kpi[3] = (allot_report_kpi){"Marketing spend",
                                   "ad-platform cost in the period, converted at the rate of "
                                   "its day",
                                   ALLOT_KPI_MONEY, spend[0], spend[1]};
    r->kpi[4] = (allot_report_kpi){"Won revenue per unit of spend",
                                   "won revenue / marketing spend", ALLOT_KPI_MULTIPLE,
                                   spend[0] > 0 ? won[0] / spend[0] : NAN,
                                   spend[1] > 0 ? won[1] / spend[1] : NAN};
    r->kpi[5] = (allot_report_kpi){"Net revenue retention",
                                   "ARR at the period's last day of the accounts present "
                                   "the day before it / their ARR that day",
                                   ALLOT_KPI_PERCENT, has_bridge ? r->nrr : NAN, nrr_prior};
    /* A period wholly after the data has no figures: not zeros (that read
     * as a collapse against the prior period, won revenue -100 %). */
    if (r->coverage == ALLOT_REPORT_NO_DATA)
        for (int k = 0; k < ALLOT_REPORT_KPIS; k++)
            r->kpi[k].value = NAN;
    return ALLOT_OK;
}
