/*
 * ledger.h — the credit ledger and its rollups (finance's view).
 *
 * For each model and each converting journey, the model's weights split the
 * deal amount twice with largest-remainder rounding (money.h, ties to the
 * earlier touch): in the minor unit of the deal's currency (credit_minor),
 * and — after converting the whole deal amount at the fx rate valid on the
 * deal's event date — in the minor unit of the reporting currency
 * (reporting_minor). Both sum exactly to the deal amount, so no cent appears
 * or disappears between booked and attributed revenue, per deal, model and
 * period. Deals with no touch in the window get one row (position 0,
 * touch_id NULL, channel '(unattributed)', rule 'unattributed', weight 1);
 * converting deals with a NULL amount go to ledger_null_amount and are
 * counted in the rollups, never summed.
 *
 * Rollups (rollup_channel, rollup_campaign, rollup_period; schema in
 * schema.sql.h) are accumulated from exactly the values the ledger rows
 * carry, for every model, including models whose ledger rows are not
 * written (write_rows 0), so a run can compute all models and store the
 * detailed ledger of one. A channel or campaign row is written only where
 * it credits something (a deal giving it a positive weight, or a credit
 * other than 0): touches of weight 0 make ledger rows, not rollup rows.
 *
 * Writing happens inside the caller's transaction; rows are inserted in
 * primary-key order (model, deal_id, position) with one prepared statement.
 */
#ifndef ALLOT_LEDGER_H
#define ALLOT_LEDGER_H

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "fx.h"
#include "journey.h"
#include "labels.h"
#include "model.h"
#include "taxonomy.h"

#define ALLOT_UNATTRIBUTED ALLOT_LABEL_UNATTRIBUTED
#define ALLOT_NO_CAMPAIGN_LABEL ALLOT_LABEL_NONE

typedef struct allot_ledger_options {
    const allot_fx *fx;        /* reporting currency and rates; required */
    int fiscal_start_month;    /* period labels (period.h): 1 = "2026Q3", else "FY2027Q1" */
    const allot_taxonomy *taxonomy; /* channel groups; NULL: built-in groups */
} allot_ledger_options;

typedef struct allot_ledger_summary {
    size_t deals;              /* converting deals */
    size_t unattributed_deals; /* with an amount, no touch in the window */
    size_t null_amount_deals;
    uint64_t journey_touches;  /* touches over all converting journeys */
    uint64_t ledger_rows;      /* rows written over all models */
    int64_t booked_minor;      /* reporting currency, deals with an amount */
} allot_ledger_summary;

/* Writes the ledger rows of the models with write_rows[i] != 0 and the
 * rollups of every model for run_id. models are initialised contexts over
 * set (allot_model_ctx_init). Errors: ALLOT_ERR_DATA for a missing fx rate
 * or an unknown currency, ALLOT_ERR_DB, ALLOT_ERR_NOMEM, ALLOT_ERR_LIMIT
 * (more than 65535 periods or channels). */
allot_status allot_ledger_write(sqlite3 *db, int64_t run_id, const allot_journey_set *set,
                                const allot_model_ctx *models, const int *write_rows,
                                size_t n_models, const allot_ledger_options *options,
                                allot_ledger_summary *summary, allot_error *err);

/* Writes the channel rollup of run_id as CSV to out:
 *   model,period,channel,deals,credited_amount,currency,share,null_amount_deals
 * amounts in major units of the reporting currency ("1234.56"), share as a
 * fraction with 6 decimals, sorted by model, credited amount descending,
 * channel, period. model NULL = every model. ALLOT_ERR_IO on a write error. */
allot_status allot_ledger_channel_csv(sqlite3 *db, int64_t run_id, const char *model,
                                      FILE *out, allot_error *err);

/* The same as an aligned text table for people (one model), by period, then
 * credited amount descending. */
allot_status allot_ledger_channel_table(sqlite3 *db, int64_t run_id, const char *model,
                                        FILE *out, allot_error *err);

#endif
