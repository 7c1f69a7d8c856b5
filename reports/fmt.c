#include "fmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "money.h"

/* Inserts ',' every three digits into the integer part of a plain decimal. */
static char *group_thousands(const char *plain, char *buf, size_t size)
{
    const char *digits = plain[0] == '-' ? plain + 1 : plain;
    const char *dot = strchr(digits, '.');
    size_t int_len = dot ? (size_t)(dot - digits) : strlen(digits);
    size_t out = 0;
    if (size == 0)
        return buf;
#define PUT(c) do { if (out + 1 < size) buf[out++] = (c); } while (0)
    if (plain[0] == '-')
        PUT('-');
    for (size_t i = 0; i < int_len; i++) {
        if (i > 0 && (int_len - i) % 3 == 0)
            PUT(',');
        PUT(digits[i]);
    }
    for (const char *p = digits + int_len; *p; p++)
        PUT(*p);
#undef PUT
    buf[out] = '\0';
    return buf;
}

char *fmt_number(double value, int decimals, char *buf, size_t size)
{
    char plain[64];
    if (!isfinite(value)) {
        snprintf(buf, size, "%s", isnan(value) ? "n/a" : value > 0 ? "inf" : "-inf");
        return buf;
    }
    /* Half away from zero, the rounding of every figure of allot: printf
     * rounds an exact tie to even, so a booked USD 1,555,262.50 would read
     * 1,555,262 on the PDF cover beside 1,555,263 under the credit chart,
     * whose bars foot to it (allot_money_foot). A tie is exact only when
     * value x 10^decimals is, which long double shows for up to 3 decimals
     * (53 + 10 bits); one ulp away from zero then rounds it outwards. */
    if (decimals >= 0 && decimals <= 3) {
        long double scaled = (long double)value * powl(10.0L, decimals);
        if (fabsl(scaled - truncl(scaled)) == 0.5L)
            value = nextafter(value, value > 0 ? INFINITY : -INFINITY);
    }
    snprintf(plain, sizeof plain, "%.*f", decimals, value);
    if (strspn(plain, "-0.") == strlen(plain) && plain[0] == '-')
        memmove(plain, plain + 1, strlen(plain)); /* no "-0.00" */
    return group_thousands(plain, buf, size);
}

char *fmt_minor(int64_t minor, int exponent, char *buf, size_t size)
{
    char plain[48];
    allot_money_format_minor(minor, exponent, plain, sizeof plain);
    return group_thousands(plain, buf, size);
}

char *fmt_money_micros(int64_t micros, const char *currency, char *buf, size_t size)
{
    int exponent = allot_currency_exponent(currency);
    if (exponent < 0)
        exponent = 2;
    char grouped[64];
    fmt_minor(allot_money_micros_to_minor(micros, exponent), exponent, grouped, sizeof grouped);
    snprintf(buf, size, "%s %s", currency ? currency : "", grouped);
    return buf;
}

char *fmt_percent(double ratio, int decimals, char *buf, size_t size)
{
    char number[64];
    fmt_number(ratio * 100.0, decimals, number, sizeof number);
    snprintf(buf, size, "%s %%", number);
    return buf;
}
