/*
 * csvout.h — writing CSV text fields the way every allot CSV output quotes
 * them (RFC 4180): a field holding a comma, a double quote, CR or LF is
 * enclosed in double quotes with each quote doubled; any other field is
 * written as it is. Names come from exports, so every text field that can
 * hold one goes through here.
 *
 * Writes to the caller's FILE* (the caller owns it and checks ferror);
 * never fails on its own, allocates nothing.
 */
#ifndef ALLOT_CSVOUT_H
#define ALLOT_CSVOUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Writes s (not NULL) as one CSV field, without a delimiter. */
void allot_csvout_field(FILE *out, const char *s);

/* Writes v with the printf format fmt (one double conversion), or nothing
 * when v is not finite: an unknown figure is an empty field, never 0. */
void allot_csvout_number(FILE *out, double v, const char *fmt);

/* The next number of a row in the analyses' CSVs (allot-retention,
 * allot-clv): a comma, then v with %.10g, or the comma alone when v is not
 * finite. */
void allot_csvout_next_number(FILE *out, double v);

/* The next money field of a row in the analyses' CSVs: a comma, then
 * micros in major units with exponent decimals, rounded to the minor unit
 * (allot_money_format_minor). */
void allot_csvout_next_money(FILE *out, int64_t micros, int exponent);

/* Formats micros of currency as a plain decimal in major units with the
 * currency's ISO 4217 decimals (2 when the code is unknown), rounding to the
 * minor unit; "" when micros is not finite. Returns buf. */
const char *allot_csvout_money(double micros, const char *currency, char *buf, size_t size);

#endif
