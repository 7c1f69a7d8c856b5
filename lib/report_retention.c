/* The retention sections of the report (bridge, cohorts, survival), read
 * through lib/retention. A file of its own: cohort.h and funnel.h cannot
 * be included in one translation unit (both define ALLOT_COHORT_GRAIN_MONTH). */
#include "report_data.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "retention.h"
#include "store.h"

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

/* ---- retention (lib/retention) ---------------------------------------- */

allot_status allot_report_load_retention(sqlite3 *db, allot_report *r, int fiscal,
                                         const allot_taxonomy *tx,
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
    /* Observe up to the period's end (the report is "as of" it), or to
     * the data's end when that comes first (lib/retention's rule: the
     * latest subscription date, touch or stage entry). One cheap query
     * instead of loading the accounts twice. */
    sqlite3_stmt *st;
    allot_status s = allot_store_prepare(
        db,
        "SELECT max(d) FROM (SELECT max(start_date) AS d FROM subscriptions WHERE mrr_micros > 0"
        " UNION ALL SELECT max(end_date) FROM subscriptions WHERE mrr_micros > 0"
        " UNION ALL SELECT date(max(occurred_at), 'unixepoch') FROM touches"
        " UNION ALL SELECT date(max(entered_at), 'unixepoch') FROM stage_history)",
        &st, err);
    if (s != ALLOT_OK)
        return s;
    int64_t data_end = 0;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) &&
        allot_date_parse((const char *)sqlite3_column_text(st, 0), &data_end) == ALLOT_OK &&
        data_end > r->period.end - 1)
        lo.as_of = r->period.end - 1;
    sqlite3_finalize(st);
    allot_retention_data data;
    s = allot_retention_load(db, &lo, &data, err);
    if (s != ALLOT_OK) {
        allot_retention_data_release(&data);
        return s;
    }
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
    ro.bridge_start = r->period.start;
    ro.bridge_end = r->period.end;
    snprintf(ro.bridge_label, sizeof ro.bridge_label, "%s", r->period.label);
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
    if (res.has_bridge) {
        const allot_revenue_bridge *b = &res.bridge;
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
    allot_cohort_account *acc = allot_retention_cohort_accounts(&data);
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
            r->n_curves++;
            if (!c->label || !c->t || !c->s || !c->lo || !c->hi) {
                s = nomem(err);
                break;
            }
            c->t[0] = 0;
            c->s[0] = c->lo[0] = c->hi[0] = 1;
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
                c->lo[c->n] = isfinite(st->lower) ? st->lower : st->survival;
                c->hi[c->n] = isfinite(st->upper) ? st->upper : st->survival;
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


