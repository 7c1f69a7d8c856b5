/*
 * fx.h — currency conversion at report time from the dated fx_rates table.
 *
 * fx_rates holds, per currency, the rate in units of the corporate currency
 * per unit of that currency, valid from start_date (inclusive) to end_date
 * (exclusive; NULL = open). A rate is looked up for a civil date (a deal's
 * close date); the reporting currency itself always converts at 1. When the
 * reporting currency has no rows, the table is taken to be in it (the
 * corporate currency); when it has rows (reporting EUR over a USD-based
 * table), a currency converts at its rate / the reporting currency's rate
 * on that date. When the reporting currency has no rows but another
 * currency's rows are all 1 (the table's own base, USD in the sample), the
 * table may not be in the reporting currency (or that currency is pegged
 * 1:1): converting is an error asking for the reporting currency's rows.
 * A missing rate is an error naming the currency and date —
 * allot never guesses a rate.
 */
#ifndef ALLOT_FX_H
#define ALLOT_FX_H

#include <sqlite3.h>
#include <stdint.h>

#include "error.h"

typedef struct allot_fx allot_fx;

/* Loads every rate of db. reporting is an ISO 4217 code (ALLOT_ERR_USAGE
 * when unknown). On success *out is owned by the caller (allot_fx_free). */
allot_status allot_fx_load(sqlite3 *db, const char *reporting, allot_fx **out,
                           allot_error *err);

void allot_fx_free(allot_fx *fx);

/* The reporting currency code and its ISO 4217 exponent. */
const char *allot_fx_reporting(const allot_fx *fx);
int allot_fx_reporting_exponent(const allot_fx *fx);

/* The rate valid for currency on date ('YYYY-MM-DD'). ALLOT_ERR_DATA when
 * no row covers that date, with a message saying which row to load. */
allot_status allot_fx_rate(const allot_fx *fx, const char *currency, const char *date,
                           double *rate, allot_error *err);

/* micros of currency on date → micros of the reporting currency (unchanged
 * at rate 1, else allot_money_convert). what names the row for messages
 * ("deal D-12"): ALLOT_ERR_DATA "WHAT has an amount but no currency" when
 * currency is NULL or empty, and allot_fx_rate's error prefixed "WHAT: ". */
allot_status allot_fx_convert(const allot_fx *fx, const char *what, int64_t micros,
                              const char *currency, const char *date, int64_t *out,
                              allot_error *err);

/* micros of currency on date → minor units of the reporting currency:
 * converted to reporting micros (rounded half away from zero), then to
 * minor units (half away from zero). */
allot_status allot_fx_to_reporting_minor(const allot_fx *fx, int64_t micros,
                                         const char *currency, const char *date,
                                         int64_t *minor, allot_error *err);

#endif
