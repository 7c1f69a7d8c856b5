/*
 * fmt.h — numbers as people read them in charts, the PDF and the e-mail:
 * thousands separators, currency codes, percentages. Locale-independent
 * (always '.' decimal and ',' thousands) so output is the same everywhere.
 *
 * Each writes into the caller's buf of size bytes (truncating, always
 * NUL-terminated when size > 0) and returns buf; none allocates or fails.
 */
#ifndef ALLOT_REPORTS_FMT_H
#define ALLOT_REPORTS_FMT_H

#include <stddef.h>
#include <stdint.h>

/* 1234567.891 with decimals=2 -> "1,234,567.89"; negative -> "-1,234.00".
 * Rounds half away from zero (2.5 -> "3", -0.125 with 2 decimals -> "-0.13"),
 * not to even as printf does. */
char *fmt_number(double value, int decimals, char *buf, size_t size);

/* Minor units with exponent decimals: 123456, 2 -> "1,234.56"; -5, 2 ->
 * "-0.05"; 1500, 0 -> "1,500". */
char *fmt_minor(int64_t minor, int exponent, char *buf, size_t size);

/* Micros of a currency as "USD 1,234.56" with the currency's exponent. */
char *fmt_money_micros(int64_t micros, const char *currency, char *buf, size_t size);

/* 0.1234 with decimals=1 -> "12.3 %". */
char *fmt_percent(double ratio, int decimals, char *buf, size_t size);

#endif
