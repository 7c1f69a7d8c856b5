/*
 * money.h — exact money: int64 micros of a currency, ISO 4217 minor units,
 * and largest-remainder allocation so that no cent appears or disappears.
 *
 * Amounts are never floats. A currency's minor unit is 10^-exponent of its
 * major unit (USD 2, JPY 0, KWD 3); micros are 10^-6 of the major unit.
 */
#ifndef ALLOT_MONEY_H
#define ALLOT_MONEY_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define ALLOT_MICROS_PER_UNIT INT64_C(1000000)

/* The ISO 4217 exponent of a 3-letter code (case-sensitive, upper case),
 * or -1 when the code is not a known currency. */
int allot_currency_exponent(const char *code);

/* 1 when code is three upper-case ASCII letters naming a known currency. */
int allot_currency_valid(const char *code);

/* Parses a plain decimal ("-1234.5", "0.000001", "+7") into micros.
 * Digits beyond the sixth decimal must be zero, otherwise ALLOT_ERR_DATA
 * (allot never rounds an input amount silently); overflow is ALLOT_ERR_DATA.
 * Thousands separators, symbols and decimal commas are the CSV value
 * parser's job, not this function's. */
allot_status allot_money_parse_micros(const char *text, int64_t *micros);

/* Micros -> minor units of a currency with that exponent, rounding half away
 * from zero (a micro amount may carry sub-cent precision, e.g. ad spend). */
int64_t allot_money_micros_to_minor(int64_t micros, int exponent);

/* Minor units -> micros (exact). */
int64_t allot_money_minor_to_micros(int64_t minor, int exponent);

/* Formats minor units as a plain decimal in major units with exactly
 * `exponent` decimals ("1234.56", "-0.05", "1200" for JPY). Returns buf. */
char *allot_money_format_minor(int64_t minor, int exponent, char *buf, size_t size);

/* Formats micros as a plain decimal with up to 6 decimals, trailing zeros
 * trimmed but at least `min_decimals` kept. Returns buf. */
char *allot_money_format_micros(int64_t micros, int min_decimals, char *buf, size_t size);

/* Splits total (any sign) into n shares proportional to weights (each >= 0,
 * sum > 0) by the largest-remainder method: each share gets the floor of its
 * exact quota, then the leftover units go one each to the largest remainders,
 * ties to the lower index. Remainders closer than the doubles' rounding
 * error (a few units of 2^-52 of the total) are a tie: weights equal to
 * exact fractions (0.4, 0.025) tie where the fractions tie. The shares
 * always sum exactly to total.
 * Returns ALLOT_ERR_USAGE when n == 0, a weight is negative or not finite,
 * or all weights are zero. */
allot_status allot_money_allocate(int64_t total, const double *weights, size_t n,
                                  int64_t *shares);

/* Rounds n amounts of micros (a column of groups: channels, campaigns) to
 * minor units of a currency with that exponent (0..6) so that the column
 * foots: the n results add up exactly to the sum of all n micros rounded
 * once, half away from zero (allot_money_micros_to_minor), which *total
 * (may be NULL) gets, and each result is its own micros rounded down or up
 * to the minor unit (less than one minor unit away). The rule is the
 * largest remainder: every amount starts at its micros rounded down
 * (towards minus infinity) to the minor unit; the k units the total still
 * lacks (0 <= k <= n) go one each to the k amounts with the largest
 * remainders (the micros cut off), ties to the lower index. Callers list
 * their groups in name order, so a tie goes to the name that sorts first.
 * Where rounding each amount half away from zero already adds up to the
 * total (and no amount is negative), the results are those roundings.
 * n == 0 gives *total 0. Returns ALLOT_ERR_USAGE for an exponent outside
 * 0..6, ALLOT_ERR_NOMEM when scratch memory fails (n > 64). */
allot_status allot_money_foot(const int64_t *micros, size_t n, int exponent, int64_t *minor,
                              int64_t *total);

/* A bridge that foots (an ARR bridge: start, new, expansion, -contraction,
 * -churn, end): the start and the end (start_micros + the n moves) are each
 * rounded once, half away from zero, to minor units of a currency with that
 * exponent, and the moves are rounded by largest remainder as in
 * allot_money_foot (each rounded down, the missing units to the largest
 * remainders, ties to the lower index) so that start + Σ moves = end
 * exactly in minor units; each move is within one minor unit of its
 * micros (less than one unless start and end have opposite signs and both
 * end in exactly half a unit). With one move (a currency effect between two
 * rounded-once levels) the move is end - start in minor units. end_minor
 * may be NULL. ALLOT_ERR_USAGE for an exponent outside
 * 0..6, ALLOT_ERR_NOMEM as allot_money_foot. */
allot_status allot_money_foot_bridge(int64_t start_micros, const int64_t *moves, size_t n,
                                     int exponent, int64_t *start_minor, int64_t *moves_minor,
                                     int64_t *end_minor);

/* Converts micros of one currency by rate (reporting units per unit),
 * rounding half away from zero to the micro. */
int64_t allot_money_convert(int64_t micros, double rate);

#endif
