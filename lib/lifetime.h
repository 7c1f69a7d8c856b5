/*
 * lifetime.h — customer lifetime value by acquisition group, from the
 * accounts lib/retention reads: the simple subscription CLV and the
 * probabilistic BG/NBD + Gamma-Gamma CLV (lib/clv), with LTV/CAC per
 * channel when a credit run gives the CAC (lib/roi).
 *
 * Transactions from subscriptions. A subscription is billed monthly: an
 * account makes one payment on its first start day and on every monthly
 * anniversary of it (allot_add_months: the 31st falls on the month's last
 * day) on which it has MRR > 0, up to as_of; the payment's value is the
 * account's MRR that day (reporting currency). So
 *   x   = payments - 1 (repeat transactions),
 *   t_x = months from the first payment to the last,
 *   T   = months from the first payment to as_of + 1 day,
 *   m   = mean value of the repeat payments,
 * with months of 30.4375 days. A paused account that comes back resumes
 * paying. (BG/NBD assumes Poisson purchasing while alive, which monthly
 * billing is not; the fit still measures the dropout per payment and how
 * fast it is, but for contractual revenue the simple CLV and the
 * Kaplan–Meier curves are the primary figures. README says so.)
 *
 * Per group (and "(all)"):
 *   churn rate   churned accounts / months at risk (sum of tenures): the
 *                maximum-likelihood constant monthly hazard;
 *   ARPA         mean payment (revenue per account-month);
 *   simple CLV   ARPA x gross margin / churn rate (NAN without churn);
 *   P(alive), expected payments over the horizon (BG/NBD, conditional on
 *   each customer's history), expected payment value (Gamma-Gamma, the
 *   population mean for customers without repeat payments), and the
 *   discounted CLV: sum over months k = 1..H of expected payments in month
 *   k x value x margin / (1 + d)^k, d = (1 + annual discount)^(1/12) - 1;
 *   all averaged over the group's customers; clv_total sums them.
 *   CAC          from lib/roi under the first_touch model of credit_run
 *                (0: the latest credit run; spend of the channel over all periods / new
 *                customers credited to it), when grouping by channel and a
 *                run exists; LTV/CAC = mean discounted CLV / CAC.
 */
#ifndef ALLOT_LIFETIME_H
#define ALLOT_LIFETIME_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "clv.h"
#include "error.h"
#include "retention.h"

typedef struct allot_lifetime_options {
    double gross_margin;       /* 0 means 0.8 */
    int horizon_months;        /* 0 means 36 */
    double annual_discount;    /* < 0 means 0.10; 0 is no discounting */
    const allot_taxonomy *taxonomy; /* for CAC (lib/roi) */
    int fiscal_start_month;
    int64_t credit_run;        /* the allot-credit run of the CAC; 0 = the
                                * latest revenue run with ledger rows (lib/roi) */
    const char *no_cac;        /* NULL, or why there is no credit run to take
                                * the CAC from (allot_report_credit_run's
                                * sentence): then no CAC, and note says
                                * "no CAC: " and it (by channel) */
} allot_lifetime_options;

typedef struct allot_lifetime_customer {
    const char *account_id;    /* borrowed from the data */
    size_t group;
    allot_rfm rfm;
    double mean_value;         /* of repeat payments; 0 when x = 0 */
    double p_alive, expected_payments, expected_value, clv;
} allot_lifetime_customer;

typedef struct allot_lifetime_row {
    const char *group;         /* borrowed */
    double customers, active;  /* active: MRR > 0 on as_of */
    double churned, exposure_months, churn_rate;
    double arpa, simple_clv;
    double p_alive, expected_payments, expected_value, clv, clv_total;
    double cac, ltv_cac;       /* NAN when no CAC */
} allot_lifetime_row;

typedef struct allot_lifetime {
    allot_lifetime_customer *customers; /* n_customers, data order */
    size_t n_customers;
    allot_lifetime_row *rows;  /* n_groups, then "(all)" */
    size_t n_rows;
    allot_bgnbd bgnbd;
    allot_gamma_gamma gamma_gamma;
    int has_bgnbd, has_gamma_gamma;  /* 0 when the fit was impossible */
    char note[256];            /* why a fit or the CAC is missing ("" when not) */
    double gross_margin, annual_discount, monthly_discount;
    int horizon_months;
    int has_cac;
} allot_lifetime;

/* Computes everything. db is used only for the CAC (may be NULL: no CAC).
 * A model that cannot be fitted (too few customers, no repeat payments)
 * leaves its columns NAN and says why in note; that is not an error. On
 * success lt owns its arrays: allot_lifetime_release (safe after failure). */
allot_status allot_lifetime_compute(sqlite3 *db, const allot_retention_data *data,
                                    const allot_lifetime_options *options, allot_lifetime *lt,
                                    allot_error *err);

void allot_lifetime_release(allot_lifetime *lt);

/* CSV writers (numbers %.10g, money in major units of the currency, NA
 * empty):
 *  groups:    group,customers,active,churned,exposure_months,churn_rate,arpa,
 *             gross_margin,simple_clv,p_alive,expected_payments,
 *             expected_value,clv,clv_total,cac,ltv_cac,currency,
 *             horizon_months,annual_discount,name
 *  params:    model,parameter,estimate,std_err,log_likelihood,customers,
 *             converged,at_bound
 *  customers: account_id,group,x,t_x,T,mean_value,p_alive,
 *             expected_payments,expected_value,clv,currency,name
 *  name: by campaign (the groups are campaign ids) the group's campaign
 *  name (data->group_names: "" for "(none)", "(all)" and ids campaigns
 *  lacks); "" for every other grouping.
 * ALLOT_ERR_USAGE for an unknown table, ALLOT_ERR_IO on a write error. */
allot_status allot_lifetime_write_csv(const allot_retention_data *data,
                                      const allot_lifetime *lt, const char *table, FILE *out,
                                      allot_error *err);

/* The human report (by campaign, a "Campaign names" list of the groups' ids
 * and names under the table). */
allot_status allot_lifetime_write_text(const allot_retention_data *data,
                                       const allot_lifetime *lt, FILE *out, allot_error *err);

#endif
