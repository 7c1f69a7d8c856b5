#include "lifetime.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "labels.h"
#include "money.h"
#include "period.h"
#include "roi.h"

#define ALL_LABEL ALLOT_LABEL_ALL

void allot_lifetime_release(allot_lifetime *lt)
{
    if (!lt)
        return;
    free(lt->customers);
    free(lt->rows);
    memset(lt, 0, sizeof *lt);
}

/* Monthly payments of one account (see the header). */
static void payments_of(const allot_retention_account *a, int64_t as_of,
                        allot_lifetime_customer *c, double *sum_all, double *n_all)
{
    allot_cohort_account ca = {a->spans, a->n_spans};
    double n = 0, sum_repeat = 0, total = 0;
    int64_t last = a->first_day;
    for (int m = 0;; m++) {
        int64_t day = allot_add_months(a->first_day, m);
        if (day > as_of)
            break;
        int64_t mrr = allot_cohort_mrr_on(&ca, day);
        if (mrr <= 0)
            continue;
        double v = (double)mrr / 1e6;
        total += v;
        if (n > 0)
            sum_repeat += v;
        n += 1;
        last = day;
    }
    c->rfm.x = n > 0 ? n - 1 : 0;
    c->rfm.t_x = c->rfm.x > 0 ? (double)(last - a->first_day) / ALLOT_DAYS_PER_MONTH : 0;
    c->rfm.T = (double)(as_of + 1 - a->first_day) / ALLOT_DAYS_PER_MONTH;
    c->mean_value = c->rfm.x > 0 ? sum_repeat / c->rfm.x : 0;
    *sum_all = total;
    *n_all = n;
}

static void note(allot_lifetime *lt, const char *what, const char *why)
{
    size_t used = strlen(lt->note);
    snprintf(lt->note + used, sizeof lt->note - used, "%s%s: %s", used ? "; " : "", what, why);
}

/* CAC per channel under first_touch from o->credit_run (0: the latest). */
static void attach_cac(sqlite3 *db, const allot_retention_data *d,
                       const allot_lifetime_options *o, allot_lifetime *lt)
{
    if (d->by != ALLOT_RETENTION_BY_CHANNEL)
        return;
    if (o->no_cac) {
        note(lt, "no CAC", o->no_cac);
        return;
    }
    if (!db)
        return;
    allot_roi_options ro = {.run_id = o->credit_run,
                            .model = "first_touch",
                            .group_by = ALLOT_GROUP_CHANNEL,
                            .unit = ALLOT_COHORT_ALL,
                            .fiscal_start_month = o->fiscal_start_month,
                            .currency = d->currency,
                            .taxonomy = o->taxonomy,
                            .gross_margin = lt->gross_margin};
    allot_roi roi;
    allot_error e;
    allot_error_clear(&e);
    if (allot_roi_compute(db, &ro, &roi, &e) != ALLOT_OK) {
        note(lt, "no CAC", e.message);
        allot_roi_release(&roi);
        return;
    }
    lt->has_cac = 1;
    for (size_t g = 0; g < d->n_groups; g++)
        for (size_t i = 0; i < roi.n_rows; i++)
            if (!strcmp(roi.rows[i].group, d->groups[g]) && isfinite(roi.rows[i].cac_micros)) {
                lt->rows[g].cac = roi.rows[i].cac_micros / 1e6;
                lt->rows[g].ltv_cac = lt->rows[g].clv / lt->rows[g].cac;
            }
    allot_roi_release(&roi);
}

allot_status allot_lifetime_compute(sqlite3 *db, const allot_retention_data *d,
                                    const allot_lifetime_options *o, allot_lifetime *lt,
                                    allot_error *err)
{
    memset(lt, 0, sizeof *lt);
    lt->gross_margin = o->gross_margin > 0 ? o->gross_margin : 0.8;
    lt->horizon_months = o->horizon_months > 0 ? o->horizon_months : 36;
    lt->annual_discount = o->annual_discount >= 0 ? o->annual_discount : 0.10;
    lt->monthly_discount = pow(1 + lt->annual_discount, 1.0 / 12) - 1;
    size_t n = d->n_accounts, G = d->n_groups;
    lt->n_customers = n;
    lt->n_rows = G + 1;
    lt->customers = calloc(n ? n : 1, sizeof *lt->customers);
    lt->rows = calloc(G + 1, sizeof *lt->rows);
    allot_rfm *rfm = malloc((n ? n : 1) * sizeof *rfm);
    double *xs = malloc((n ? n : 1) * sizeof *xs), *ms = malloc((n ? n : 1) * sizeof *ms);
    double *pay_sum = calloc(G + 1, sizeof *pay_sum), *pay_n = calloc(G + 1, sizeof *pay_n);
    allot_status s = ALLOT_OK;
    if (!lt->customers || !lt->rows || !rfm || !xs || !ms || !pay_sum || !pay_n) {
        s = allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t g = 0; g <= G; g++) {
        allot_lifetime_row *r = &lt->rows[g];
        r->group = g < G ? d->groups[g] : ALL_LABEL;
        r->cac = r->ltv_cac = NAN;
    }
    for (size_t i = 0; i < n; i++) {
        const allot_retention_account *a = &d->accounts[i];
        allot_lifetime_customer *c = &lt->customers[i];
        c->account_id = a->account_id;
        c->group = a->group;
        double sum, cnt;
        payments_of(a, d->as_of, c, &sum, &cnt);
        rfm[i] = c->rfm;
        xs[i] = c->rfm.x;
        ms[i] = c->mean_value;
        allot_cohort_account ca = {a->spans, a->n_spans};
        size_t gs[2] = {a->group, G};
        for (int k = 0; k < 2; k++) {
            allot_lifetime_row *r = &lt->rows[gs[k]];
            r->customers += 1;
            r->active += allot_cohort_mrr_on(&ca, d->as_of) > 0;
            r->churned += a->churned;
            r->exposure_months += a->tenure_months;
            pay_sum[gs[k]] += sum;
            pay_n[gs[k]] += cnt;
        }
    }

    allot_error e;
    allot_error_clear(&e);
    if (allot_bgnbd_fit(rfm, n, &lt->bgnbd, &e) == ALLOT_OK)
        lt->has_bgnbd = 1;
    else
        note(lt, "no BG/NBD fit", e.message);
    allot_error_clear(&e);
    if (allot_gamma_gamma_fit(xs, ms, n, &lt->gamma_gamma, &e) == ALLOT_OK &&
        lt->gamma_gamma.q > 1)
        lt->has_gamma_gamma = 1;
    else
        note(lt, "no Gamma-Gamma fit",
             e.message[0] ? e.message : "q <= 1: the mean value is unbounded");

    for (size_t i = 0; i < n; i++) {
        allot_lifetime_customer *c = &lt->customers[i];
        c->p_alive = c->expected_payments = c->expected_value = c->clv = NAN;
        if (lt->has_gamma_gamma)
            c->expected_value = allot_gamma_gamma_expected(&lt->gamma_gamma, c->rfm.x,
                                                           c->mean_value);
        if (!lt->has_bgnbd)
            continue;
        c->p_alive = allot_bgnbd_p_alive(&lt->bgnbd, &c->rfm);
        allot_error ce;
        if (allot_bgnbd_expected(&lt->bgnbd, &c->rfm, lt->horizon_months, &c->expected_payments,
                                 &ce) != ALLOT_OK) {
            c->expected_payments = NAN;
            continue;
        }
        if (lt->has_gamma_gamma &&
            allot_clv_discounted(&lt->bgnbd, &c->rfm, c->expected_value, lt->gross_margin,
                                 lt->horizon_months, lt->monthly_discount, &c->clv,
                                 &ce) != ALLOT_OK)
            c->clv = NAN;
    }

    for (size_t i = 0; i < n; i++) {
        const allot_lifetime_customer *c = &lt->customers[i];
        size_t gs[2] = {c->group, G};
        for (int k = 0; k < 2; k++) {
            allot_lifetime_row *r = &lt->rows[gs[k]];
            r->p_alive += c->p_alive;
            r->expected_payments += c->expected_payments;
            r->expected_value += c->expected_value;
            r->clv_total += c->clv;
        }
    }
    for (size_t g = 0; g <= G; g++) {
        allot_lifetime_row *r = &lt->rows[g];
        r->churn_rate = r->exposure_months > 0 ? r->churned / r->exposure_months : NAN;
        r->arpa = pay_n[g] > 0 ? pay_sum[g] / pay_n[g] : NAN;
        r->simple_clv = allot_clv_simple(r->arpa, lt->gross_margin, r->churn_rate);
        double k = r->customers;
        r->p_alive /= k;
        r->expected_payments /= k;
        r->expected_value /= k;
        r->clv = r->clv_total / k;
    }
    attach_cac(db, d, o, lt);

done:
    free(rfm);
    free(xs);
    free(ms);
    free(pay_sum);
    free(pay_n);
    if (s != ALLOT_OK)
        allot_lifetime_release(lt);
    return s;
}

/* ---- writers ---- */

/* "(all)" repeats the only group when the accounts are not grouped. */
static size_t rows_shown(const allot_retention_data *d, const allot_lifetime *lt)
{
    return d->by == ALLOT_RETENTION_BY_NONE && lt->n_rows == 2 ? 1 : lt->n_rows;
}

/* An unknown figure (not finite) is an empty field, never 0. */
static void put_money(FILE *out, double units, int exponent)
{
    if (isfinite(units))
        allot_csvout_next_money(out, (int64_t)llround(units * 1e6), exponent);
    else
        fputc(',', out);
}

static void put_param(FILE *out, const char *model, const char *name, double v, double se,
                      double ll, size_t n, int converged, int at_bound)
{
    fprintf(out, "%s,%s", model, name);
    allot_csvout_next_number(out, v);
    allot_csvout_next_number(out, se);
    allot_csvout_next_number(out, ll);
    fprintf(out, ",%zu,%d,%d\n", n, converged, at_bound);
}

allot_status allot_lifetime_write_csv(const allot_retention_data *d, const allot_lifetime *lt,
                                      const char *table, FILE *out, allot_error *err)
{
    int e = d->exponent;
    if (!strcmp(table, "groups")) {
        fputs("group,customers,active,churned,exposure_months,churn_rate,arpa,gross_margin,"
              "simple_clv,p_alive,expected_payments,expected_value,clv,clv_total,cac,ltv_cac,"
              "currency,horizon_months,annual_discount,name\n",
              out);
        for (size_t g = 0; g < rows_shown(d, lt); g++) {
            const allot_lifetime_row *r = &lt->rows[g];
            allot_csvout_field(out, r->group);
            allot_csvout_next_number(out, r->customers);
            allot_csvout_next_number(out, r->active);
            allot_csvout_next_number(out, r->churned);
            allot_csvout_next_number(out, r->exposure_months);
            allot_csvout_next_number(out, r->churn_rate);
            put_money(out, r->arpa, e);
            allot_csvout_next_number(out, lt->gross_margin);
            put_money(out, r->simple_clv, e);
            allot_csvout_next_number(out, r->p_alive);
            allot_csvout_next_number(out, r->expected_payments);
            put_money(out, r->expected_value, e);
            put_money(out, r->clv, e);
            put_money(out, r->clv_total, e);
            put_money(out, r->cac, e);
            allot_csvout_next_number(out, r->ltv_cac);
            fprintf(out, ",%s,%d,%g,", d->currency, lt->horizon_months, lt->annual_discount);
            allot_csvout_field(out, allot_retention_group_name(d, g));
            fputc('\n', out);
        }
    } else if (!strcmp(table, "params")) {
        fputs("model,parameter,estimate,std_err,log_likelihood,customers,converged,at_bound\n", out);
        if (lt->has_bgnbd) {
            const allot_bgnbd *b = &lt->bgnbd;
            put_param(out, "bgnbd", "r", b->r, b->se_r, b->log_likelihood, b->n_customers,
                      b->converged, b->at_bound);
            put_param(out, "bgnbd", "alpha", b->alpha, b->se_alpha, b->log_likelihood,
                      b->n_customers, b->converged, b->at_bound);
            put_param(out, "bgnbd", "a", b->a, b->se_a, b->log_likelihood, b->n_customers,
                      b->converged, b->at_bound);
            put_param(out, "bgnbd", "b", b->b, b->se_b, b->log_likelihood, b->n_customers,
                      b->converged, b->at_bound);
        }
        if (lt->has_gamma_gamma) {
            const allot_gamma_gamma *g = &lt->gamma_gamma;
            put_param(out, "gamma_gamma", "p", g->p, g->se_p, g->log_likelihood, g->n_customers,
                      g->converged, g->at_bound);
            put_param(out, "gamma_gamma", "q", g->q, g->se_q, g->log_likelihood, g->n_customers,
                      g->converged, g->at_bound);
            put_param(out, "gamma_gamma", "v", g->v, g->se_v, g->log_likelihood, g->n_customers,
                      g->converged, g->at_bound);
        }
    } else if (!strcmp(table, "customers")) {
        fputs("account_id,group,x,t_x,T,mean_value,p_alive,expected_payments,expected_value,clv,"
              "currency,name\n",
              out);
        for (size_t i = 0; i < lt->n_customers; i++) {
            const allot_lifetime_customer *c = &lt->customers[i];
            allot_csvout_field(out, c->account_id);
            fputc(',', out);
            allot_csvout_field(out, d->groups[c->group]);
            allot_csvout_next_number(out, c->rfm.x);
            allot_csvout_next_number(out, c->rfm.t_x);
            allot_csvout_next_number(out, c->rfm.T);
            put_money(out, c->mean_value, e);
            allot_csvout_next_number(out, c->p_alive);
            allot_csvout_next_number(out, c->expected_payments);
            put_money(out, c->expected_value, e);
            put_money(out, c->clv, e);
            fprintf(out, ",%s,", d->currency);
            allot_csvout_field(out, allot_retention_group_name(d, c->group));
            fputc('\n', out);
        }
    } else {
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "unknown table '%s'; use groups, params or customers", table);
    }
    if (ferror(out))
        return allot_error_set(err, ALLOT_ERR_IO, NULL, 0, 0, "write error");
    return ALLOT_OK;
}

/* Whole units of the reporting currency for the readable table. */
static const char *money_text(double units, char *buf, size_t size)
{
    if (!isfinite(units))
        return "NA";
    snprintf(buf, size, "%.0f", units);
    return buf;
}

/* " r 0.243 (se 0.0125)", the SE "NA" when there is none. */
static void put_estimate(FILE *out, const char *name, double v, double se)
{
    if (isfinite(se))
        fprintf(out, " %s %.4g (se %.3g)", name, v, se);
    else
        fprintf(out, " %s %.4g (se NA)", name, v);
}

static const char *fit_note(int at_bound, int converged)
{
    if (at_bound)
        return " (a limiting model: a parameter ran beyond e^20 or below e^-20, no standard "
               "errors; see README)";
    return converged ? "" : " (not converged)";
}

allot_status allot_lifetime_write_text(const allot_retention_data *d, const allot_lifetime *lt,
                                       FILE *out, allot_error *err)
{
    char date[11];
    fprintf(out,
            "Customer lifetime value %s%s (%s, as of %s; gross margin %g, horizon %d months, "
            "discount %g%% a year)\n\n",
            d->by == ALLOT_RETENTION_BY_NONE ? "of all customers" : "by ",
            d->by == ALLOT_RETENTION_BY_NONE ? "" : allot_retention_by_name(d->by), d->currency, allot_date_format(d->as_of, date),
            lt->gross_margin, lt->horizon_months, 100 * lt->annual_discount);
    fprintf(out, "%-24s %9s %6s %7s %8s %8s %11s %7s %9s %8s %11s %9s %7s\n", "group",
            "customers", "active", "churned", "churn/mo", "ARPA/mo", "simple CLV", "P(alive)",
            "E[pay]", "E[value]", "CLV", "CAC", "LTV/CAC");
    for (size_t g = 0; g < rows_shown(d, lt); g++) {
        const allot_lifetime_row *r = &lt->rows[g];
        char b[6][48];
        fprintf(out, "%-24.24s %9.0f %6.0f %7.0f ", r->group, r->customers, r->active,
                r->churned);
        if (isfinite(r->churn_rate))
            fprintf(out, "%7.2f%% ", 100 * r->churn_rate);
        else
            fprintf(out, "%8s ", "NA");
        fprintf(out, "%8s %11s ", money_text(r->arpa, b[0], sizeof b[0]),
                money_text(r->simple_clv, b[1], sizeof b[1]));
        if (isfinite(r->p_alive))
            fprintf(out, "%7.3f %9.2f ", r->p_alive, r->expected_payments);
        else
            fprintf(out, "%7s %9s ", "NA", "NA");
        fprintf(out, "%8s %11s %9s ", money_text(r->expected_value, b[2], sizeof b[2]),
                money_text(r->clv, b[3], sizeof b[3]),
                money_text(r->cac, b[4], sizeof b[4]));
        if (isfinite(r->ltv_cac))
            fprintf(out, "%7.2f\n", r->ltv_cac);
        else
            fprintf(out, "%7s\n", "NA");
    }
    allot_retention_write_group_names(d, out);
    fputs("\nsimple CLV = ARPA x margin / monthly churn; CLV = discounted BG/NBD expected "
          "payments x Gamma-Gamma value x margin, mean per customer\n",
          out);
    if (lt->has_bgnbd) {
        const allot_bgnbd *b = &lt->bgnbd;
        fprintf(out, "BG/NBD (monthly payments, %zu customers):", b->n_customers);
        put_estimate(out, "r", b->r, b->se_r);
        put_estimate(out, "alpha", b->alpha, b->se_alpha);
        put_estimate(out, "a", b->a, b->se_a);
        put_estimate(out, "b", b->b, b->se_b);
        fprintf(out, ", log-likelihood %.2f%s\n", b->log_likelihood, fit_note(b->at_bound, b->converged));
    }
    if (lt->has_gamma_gamma) {
        const allot_gamma_gamma *g = &lt->gamma_gamma;
        fprintf(out, "Gamma-Gamma (%zu customers with repeat payments):", g->n_customers);
        put_estimate(out, "p", g->p, g->se_p);
        put_estimate(out, "q", g->q, g->se_q);
        put_estimate(out, "v", g->v, g->se_v);
        fprintf(out, ", log-likelihood %.2f%s\n", g->log_likelihood, fit_note(g->at_bound, g->converged));
    }
    if (lt->note[0])
        fprintf(out, "Note: %s\n", lt->note);
    if (ferror(out))
        return allot_error_set(err, ALLOT_ERR_IO, NULL, 0, 0, "write error");
    return ALLOT_OK;
}
