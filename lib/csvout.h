/*
 * csvout.h — writing CSV text fields the way every allot CSV output quotes
 * them (RFC 4180): a field holding a comma, a double quote, CR or LF is
 * enclosed in double quotes with each quote doubled; any other field is
 * written as it is. Names come from exports, so every text field that can
 * hold one goes through here.
 *
 * Writes to the caller's FILE* (the caller owns it and checks ferror);
 * never fails on its own, allocates nothing.
 *
 * Also the text of a number where allot records it for people to read
 * (runs.parameters): allot_csvout_shortest, and its reader
 * allot_csvout_parse_number; both into or from the caller's buffers.
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

/* The shortest decimal text that reads back (strtod) as exactly v: the
 * fewest significant digits that round-trip, "0.3" for 0.3 where %.17g
 * writes "0.29999999999999999", "0.30000000000000004" for 0.1 + 0.2 (a
 * different double, so it keeps its digits), "40", "0.0625",
 * "0.3333333333333333" (1/3), "-0". Plain notation when the decimal exponent
 * of the first digit is -4..15, else "1e-07", "1.5e+16" (as printf's %e: a
 * sign and at least two exponent digits): Python's repr(float) without its
 * ".0" on whole numbers. "nan", "inf", "-inf" for those. Always '.' as the
 * decimal point, whatever LC_NUMERIC says, so the text is the same on every
 * machine. Writes at most 25 bytes with the NUL; a size below
 * ALLOT_CSVOUT_SHORTEST_SIZE may truncate. Returns buf. */
#define ALLOT_CSVOUT_SHORTEST_SIZE 32
char *allot_csvout_shortest(double v, char *buf, size_t size);

/* Reads the n bytes at s as a plain decimal number ("-0.29999999999999999",
 * "1e-07", "40": digits, one optional '.', sign, exponent; no spaces, hex,
 * inf or nan) with '.' as the decimal point whatever LC_NUMERIC says.
 * Returns 1 and sets *out when all n bytes are that number and it is
 * finite, else 0. */
int allot_csvout_parse_number(const char *s, size_t n, double *out);

#endif
