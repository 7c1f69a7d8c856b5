#include "money.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ISO 4217 currencies whose exponent is not 2 ... */
static const struct { const char code[4]; int exponent; } unusual_exponents[] = {
    {"BHD", 3}, {"BIF", 0}, {"CLF", 4}, {"CLP", 0}, {"DJF", 0}, {"GNF", 0},
    {"IQD", 3}, {"ISK", 0}, {"JOD", 3}, {"JPY", 0}, {"KMF", 0}, {"KRW", 0},
    {"KWD", 3}, {"LYD", 3}, {"OMR", 3}, {"PYG", 0}, {"RWF", 0}, {"TND", 3},
    {"UGX", 0}, {"UYI", 0}, {"UYW", 4}, {"VND", 0}, {"VUV", 0}, {"XAF", 0},
    {"XOF", 0}, {"XPF", 0},
};

/* ... and the active codes with exponent 2 (ISO 4217 list one). */
static const char *const two_decimal_codes =
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL "
    "BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK "
    "DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF "
    "IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA "
    "MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB "
    "PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS "
    "SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS "
    "VED VES WST XCD YER ZAR ZMW ZWL";

int allot_currency_exponent(const char *code)
{
    if (!code || strlen(code) != 3)
        return -1;
    for (int i = 0; i < 3; i++)
        if (code[i] < 'A' || code[i] > 'Z')
            return -1;
    for (size_t i = 0; i < sizeof unusual_exponents / sizeof unusual_exponents[0]; i++)
        if (memcmp(code, unusual_exponents[i].code, 3) == 0)
            return unusual_exponents[i].exponent;
    for (const char *p = two_decimal_codes; *p; p += p[3] ? 4 : 3)
        if (memcmp(code, p, 3) == 0)
            return 2;
    return -1;
}

int allot_currency_valid(const char *code)
{
    return allot_currency_exponent(code) >= 0;
}

allot_status allot_money_parse_micros(const char *text, int64_t *micros)
{
    const char *p = text;
    int negative = 0;
    if (*p == '+' || *p == '-')
        negative = *p++ == '-';
    if (!isdigit((unsigned char)*p) && !(*p == '.' && isdigit((unsigned char)p[1])))
        return ALLOT_ERR_DATA;
    /* Accumulate as a negative number so INT64_MIN micros is reachable. */
    int64_t value = 0;
    for (; isdigit((unsigned char)*p); p++) {
        int digit = *p - '0';
        if (value < (INT64_MIN + digit) / 10)
            return ALLOT_ERR_DATA;
        value = value * 10 - digit;
    }
    int decimals = 0;
    if (*p == '.') {
        p++;
        for (; isdigit((unsigned char)*p); p++, decimals++) {
            int digit = *p - '0';
            if (decimals >= 6) {
                if (digit != 0)
                    return ALLOT_ERR_DATA;
                continue;
            }
            if (value < (INT64_MIN + digit) / 10)
                return ALLOT_ERR_DATA;
            value = value * 10 - digit;
        }
    }
    if (*p != '\0')
        return ALLOT_ERR_DATA;
    for (int d = decimals < 6 ? decimals : 6; d < 6; d++) {
        if (value < INT64_MIN / 10)
            return ALLOT_ERR_DATA;
        value *= 10;
    }
    if (!negative && value == INT64_MIN)
        return ALLOT_ERR_DATA;
    *micros = negative ? value : -value;
    return ALLOT_OK;
}

static int64_t pow10_i64(int exponent)
{
    int64_t p = 1;
    while (exponent-- > 0)
        p *= 10;
    return p;
}

int64_t allot_money_micros_to_minor(int64_t micros, int exponent)
{
    int64_t step = pow10_i64(6 - exponent);
    int64_t q = micros / step, r = micros % step;
    if (2 * (r < 0 ? -r : r) >= step)
        q += micros < 0 ? -1 : 1;
    return q;
}

int64_t allot_money_minor_to_micros(int64_t minor, int exponent)
{
    return minor * pow10_i64(6 - exponent);
}

static char *format_scaled(int64_t value, int scale_digits, int keep, char *buf, size_t size)
{
    uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
    uint64_t scale = (uint64_t)pow10_i64(scale_digits);
    uint64_t whole = magnitude / scale, frac = magnitude % scale;
    /* frac zero-padded to scale_digits digits (at most 18: pow10_i64 stays
     * in int64_t), without reading past digits for a larger one. */
    char digits[24];
    int len = scale_digits < 0 ? 0 : scale_digits;
    if (len > (int)sizeof digits - 1)
        len = (int)sizeof digits - 1;
    digits[len] = '\0';
    for (int i = len - 1; i >= 0; i--, frac /= 10)
        digits[i] = (char)('0' + frac % 10);
    while (len > keep && digits[len - 1] == '0')
        len--;
    snprintf(buf, size, "%s%llu%s%.*s", value < 0 ? "-" : "", (unsigned long long)whole,
             len > 0 ? "." : "", len, digits);
    return buf;
}

char *allot_money_format_minor(int64_t minor, int exponent, char *buf, size_t size)
{
    return format_scaled(minor, exponent, exponent, buf, size);
}

char *allot_money_format_micros(int64_t micros, int min_decimals, char *buf, size_t size)
{
    return format_scaled(micros, 6, min_decimals, buf, size);
}

typedef struct {
    size_t index;
    double remainder;
} remainder_slot;

static int by_remainder_desc(const void *a, const void *b)
{
    const remainder_slot *x = a, *y = b;
    if (x->remainder != y->remainder)
        return x->remainder > y->remainder ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static int by_index(const void *a, const void *b)
{
    const remainder_slot *x = a, *y = b;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Sorts the slots by remainder, largest first, where remainders closer
 * than tolerance count as equal and go by index. Weights are doubles: a
 * model's 0.4 and 0.025 are not exact, so remainders that are equal in
 * exact arithmetic (0.4 and 0.025 of 1,391,992 cents both leave 0.8) come
 * out a few units of 2^-52 apart, and the tie went to whichever rounding
 * made larger instead of to the earlier touch. Runs of neighbours closer
 * than tolerance are one tie (transitive by construction). */
static void order_remainders(remainder_slot *slots, size_t n, double tolerance)
{
    qsort(slots, n, sizeof *slots, by_remainder_desc);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && slots[j - 1].remainder - slots[j].remainder <= tolerance)
            j++;
        if (j - i > 1)
            qsort(slots + i, j - i, sizeof *slots, by_index);
        i = j;
    }
}

allot_status allot_money_allocate(int64_t total, const double *weights, size_t n,
                                  int64_t *shares)
{
    if (n == 0)
        return ALLOT_ERR_USAGE;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(weights[i]) || weights[i] < 0)
            return ALLOT_ERR_USAGE;
        sum += weights[i];
    }
    if (!(sum > 0))
        return ALLOT_ERR_USAGE;
    /* Allocate the magnitude, then restore the sign, so a refund splits
     * exactly like a sale. long double keeps quotas exact for any amount
     * a CRM can hold (|total| < 2^63 fits the 64-bit mantissa). */
    int negative = total < 0;
    uint64_t magnitude = negative ? (uint64_t)0 - (uint64_t)total : (uint64_t)total;
    remainder_slot stack_slots[64];
    remainder_slot *slots = n <= 64 ? stack_slots : malloc(n * sizeof *slots);
    if (!slots)
        return ALLOT_ERR_NOMEM;
    uint64_t assigned = 0;
    for (size_t i = 0; i < n; i++) {
        long double quota = (long double)magnitude * weights[i] / sum;
        uint64_t floor_units = (uint64_t)floorl(quota);
        if (floor_units > magnitude - assigned)
            floor_units = magnitude - assigned;
        shares[i] = (int64_t)floor_units;
        assigned += floor_units;
        slots[i].index = i;
        slots[i].remainder = (double)(quota - (long double)floor_units);
    }
    uint64_t leftover = magnitude - assigned;
    if (leftover > 0) {
        /* The quotas' rounding error: each weight and the sum of n of them
         * are within (n + 2) units of 2^-53 of exact, relative to the
         * amount; twice that, and at least 2^-40, counts as a tie. */
        double tolerance = fmax(ldexp(1, -40), (double)magnitude * (double)(n + 2) * ldexp(1, -52));
        order_remainders(slots, n, tolerance);
        for (size_t k = 0; leftover > 0; k = (k + 1) % n, leftover--)
            shares[slots[k].index] += 1;
    }
    if (negative)
        for (size_t i = 0; i < n; i++)
            shares[i] = -shares[i];
    if (slots != stack_slots)
        free(slots);
    return ALLOT_OK;
}

/* Rounds micros[0..n) to minor units by largest remainder so that they add
 * up to `want` (NULL: their sum rounded once, which *total gets). `want`
 * less than one minor unit from their sum leaves 0..n units to give (the
 * comment below); anything else is ALLOT_ERR_USAGE. */
static allot_status foot_to(const int64_t *micros, size_t n, int exponent, const int64_t *want,
                            int64_t *minor, int64_t *total)
{
    if (exponent < 0 || exponent > 6)
        return ALLOT_ERR_USAGE;
    int64_t step = pow10_i64(6 - exponent), sum = 0, floors = 0;
    remainder_slot stack_slots[64];
    remainder_slot *slots = n <= 64 ? stack_slots : malloc(n * sizeof *slots);
    if (!slots)
        return ALLOT_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        int64_t q = micros[i] / step, r = micros[i] % step;
        if (r < 0) { /* C truncates towards zero: floor it */
            q -= 1;
            r += step;
        }
        minor[i] = q;
        floors += q;
        sum += micros[i];
        slots[i].index = i;
        slots[i].remainder = (double)r; /* < 10^6: exact */
    }
    int64_t once = want ? *want : allot_money_micros_to_minor(sum, exponent);
    /* once - floors is in [0, n]: sum / step - floors is the sum of the
     * n remainders / step, each in [0, 1), and once is less than 1 from
     * sum / step (within 1/2 when rounded from it); so the units to give
     * are fewer than 1 + the number of amounts with a remainder, and only
     * those get one. */
    if (once - floors < 0 || (uint64_t)(once - floors) > n) {
        if (slots != stack_slots)
            free(slots);
        return ALLOT_ERR_USAGE;
    }
    uint64_t leftover = (uint64_t)(once - floors);
    if (leftover > 0) {
        qsort(slots, n, sizeof *slots, by_remainder_desc);
        for (size_t k = 0; k < n && leftover > 0; k++, leftover--)
            minor[slots[k].index] += 1;
    }
    if (slots != stack_slots)
        free(slots);
    if (total)
        *total = once;
    return ALLOT_OK;
}

allot_status allot_money_foot(const int64_t *micros, size_t n, int exponent, int64_t *minor,
                              int64_t *total)
{
    return foot_to(micros, n, exponent, NULL, minor, total);
}

allot_status allot_money_foot_bridge(int64_t start_micros, const int64_t *moves, size_t n,
                                     int exponent, int64_t *start_minor, int64_t *moves_minor,
                                     int64_t *end_minor)
{
    if (exponent < 0 || exponent > 6)
        return ALLOT_ERR_USAGE;
    int64_t end = start_micros;
    for (size_t i = 0; i < n; i++)
        end += moves[i];
    int64_t first = allot_money_micros_to_minor(start_micros, exponent);
    int64_t last = allot_money_micros_to_minor(end, exponent);
    /* last - first is less than one unit from Σ moves (each end within 1/2) */
    int64_t want = last - first;
    allot_status s = foot_to(moves, n, exponent, &want, moves_minor, NULL);
    if (s != ALLOT_OK)
        return s;
    *start_minor = first;
    if (end_minor)
        *end_minor = last;
    return ALLOT_OK;
}

int64_t allot_money_convert(int64_t micros, double rate)
{
    return (int64_t)llroundl((long double)micros * rate);
}
