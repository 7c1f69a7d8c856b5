/*
 * synth.h — a deterministic synthetic B2B company, written as canonical
 * CSVs (one file per table, README "Canonical CSV").
 *
 * The same options give the same bytes on the same machine: all randomness
 * comes from allot's own xoshiro256** generator seeded by splitmix64 from
 * options.seed (each account has its own stream, so accounts do not shift
 * when --touches changes). Generation streams: accounts are simulated one at
 * a time and written at once, so memory does not grow with --touches.
 *
 * What is planted (README "Sample company" lists the exact parameters, so the
 * models can be checked against them): per-channel lifts on the MQL, SQL and
 * win log-odds (Events and Referral strong, Display and Paid Social weak),
 * cheap Paid Social and Display spend, and lower churn hazard for customers
 * whose lead source is Events or Referral.
 */
#ifndef ALLOT_SYNTH_H
#define ALLOT_SYNTH_H

#include <stdint.h>

#include "error.h"

typedef void (*allot_synth_progress_fn)(void *ctx, int64_t touches_done, int64_t touches_total);

typedef struct allot_synth_options {
    uint64_t seed;         /* 1 */
    int64_t touches;       /* target number of touches (>= 1); the last account
                              is finished, so a few more may be written: 50000 */
    int64_t start_day;     /* first day (days since 1970-01-01): 2024-10-01 */
    int quarters;          /* calendar quarters simulated (1..40): 8; the data
                              end ("as of") is the day after the last quarter */
    allot_synth_progress_fn progress;  /* may be NULL; called every ~1M touches */
    void *progress_ctx;
} allot_synth_options;

/* Rows written per file, and a few facts of the company. */
typedef struct allot_synth_counts {
    int64_t campaigns, spend, people, touches, deals, deal_people, stage_history,
        subscriptions, fx_rates;
    int64_t accounts, deals_won, deals_lost, deals_open, anonymous_touches;
    int64_t bytes;         /* total bytes written */
} allot_synth_counts;

void allot_synth_options_init(allot_synth_options *opt);

/* The file names written into dir, in load order, NULL-terminated:
 * fx_rates.csv, campaigns.csv, spend.csv, people.csv, touches.csv,
 * deals.csv, deal_people.csv, stage_history.csv, subscriptions.csv. */
extern const char *const allot_synth_files[];

/* The same company as platforms export it, written into dir/exports/ after
 * the canonical files (NULL-terminated): "exports/google-ads.csv" (the
 * google_ads rows of spend.csv as a Google Ads report download: title lines,
 * display headers, platform campaign ids, a Total row) and
 * "exports/salesforce-opportunities.csv" (deals.csv as a Salesforce
 * Opportunity export). Loading google-ads.csv after spend.csv changes no row
 * (same keys and values: its campaigns join campaigns.csv by name). */
extern const char *const allot_synth_exports[];

/* Writes the company into dir (which must exist; files are replaced).
 * ALLOT_ERR_USAGE for bad options, ALLOT_ERR_IO when a file cannot be
 * written (the files written so far are left in place). */
allot_status allot_synth_write(const char *dir, const allot_synth_options *opt,
                               allot_synth_counts *counts, allot_error *err);

#endif
