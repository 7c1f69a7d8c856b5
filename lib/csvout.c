#include "csvout.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"

void allot_csvout_field(FILE *out, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

void allot_csvout_number(FILE *out, double v, const char *fmt)
{
    if (isfinite(v))
        fprintf(out, fmt, v);
}

void allot_csvout_next_number(FILE *out, double v)
{
    fputc(',', out);
    allot_csvout_number(out, v, "%.10g");
}

void allot_csvout_next_money(FILE *out, int64_t micros, int exponent)
{
    char buf[64];
    fputc(',', out);
    fputs(allot_money_format_minor(allot_money_micros_to_minor(micros, exponent), exponent, buf,
                                   sizeof buf),
          out);
}

const char *allot_csvout_money(double micros, const char *currency, char *buf, size_t size)
{
    if (!isfinite(micros)) {
        buf[0] = '\0';
        return buf;
    }
    int exponent = allot_currency_exponent(currency);
    if (exponent < 0)
        exponent = 2;
    int64_t m = (int64_t)llround(micros);
    return allot_money_format_minor(allot_money_micros_to_minor(m, exponent), exponent, buf,
                                    size);
}

/* The double that "<digits>e<exponent>" reads as: no decimal point, so
 * strtod reads it the same in every locale. */
static double read_scaled(const char *digits, long exponent)
{
    char text[160];
    snprintf(text, sizeof text, "%se%ld", digits, exponent);
    return strtod(text, NULL);
}

char *allot_csvout_shortest(double v, char *buf, size_t size)
{
    if (!size)
        return buf;
    if (!isfinite(v)) {
        snprintf(buf, size, "%s", isnan(v) ? "nan" : v < 0 ? "-inf" : "inf");
        return buf;
    }
    double a = fabs(v);
    /* For n = 1, 2, ... significant digits: the n-digit decimal nearest to
     * a (printf's %e, correctly rounded), else the one a unit above or
     * below it in its last digit. Those are enough: just above or below a
     * power of two, the doubles' rounding interval is lopsided, so the
     * nearest decimal can fall outside it where its neighbour on the wide
     * side is inside (2^976 is 6.386688990511104e+293, 16 digits, though
     * its nearest 16-digit decimal 6.386688990511103e+293 is another
     * double). 17 digits always read back. */
    char digits[24] = "0";
    long exponent = 0; /* of the last digit */
    for (int n = 1; n <= 17; n++) {
        char text[48];
        snprintf(text, sizeof text, "%.*e", n - 1, a);
        char d[24];
        size_t k = 0;
        const char *c = text;
        for (; *c && *c != 'e'; c++)
            if (*c >= '0' && *c <= '9' && k < sizeof d - 1)
                d[k++] = *c;
        d[k] = '\0';
        long e = (*c == 'e' ? strtol(c + 1, NULL, 10) : 0) - (n - 1);
        unsigned long long m = strtoull(d, NULL, 10);
        unsigned long long cand[3] = {m, m + 1, m - 1};
        int found = -1;
        for (int j = 0; j < 3 && found < 0; j++) {
            if (j == 2 && m == 0)
                break;
            char t[24];
            snprintf(t, sizeof t, "%llu", cand[j]);
            if (read_scaled(t, e) == a)
                found = j;
        }
        if (found >= 0 || n == 17) {
            snprintf(digits, sizeof digits, "%llu", cand[found >= 0 ? found : 0]);
            exponent = e;
            break;
        }
    }
    /* Trailing zeros are places, not digits. */
    size_t len = strlen(digits);
    while (len > 1 && digits[len - 1] == '0') {
        digits[--len] = '\0';
        exponent++;
    }
    if (strcmp(digits, "0") == 0)
        exponent = 0;
    /* The decimal exponent of the first digit: plain notation for -4..15
     * as Python's repr, else d.ddde[+-]XX as printf's %e. */
    long first = exponent + (long)len - 1;
    char out[48];
    size_t o = 0;
    if (signbit(v))
        out[o++] = '-';
    if (first >= -4 && first < 16) {
        if (first < 0) {
            out[o++] = '0';
            out[o++] = '.';
            for (long z = first + 1; z < 0; z++)
                out[o++] = '0';
            memcpy(out + o, digits, len);
            o += len;
        } else {
            for (long i = 0; i <= first; i++)
                out[o++] = i < (long)len ? digits[i] : '0';
            if ((long)len > first + 1) {
                out[o++] = '.';
                memcpy(out + o, digits + first + 1, len - (size_t)first - 1);
                o += len - (size_t)first - 1;
            }
        }
        out[o] = '\0';
    } else {
        out[o++] = digits[0];
        if (len > 1) {
            out[o++] = '.';
            memcpy(out + o, digits + 1, len - 1);
            o += len - 1;
        }
        snprintf(out + o, sizeof out - o, "e%c%02ld", first < 0 ? '-' : '+',
                 first < 0 ? -first : first);
    }
    snprintf(buf, size, "%s", out);
    return buf;
}

int allot_csvout_parse_number(const char *s, size_t n, double *out)
{
    /* [sign] digits [. digits] [e [sign] digits], at least one mantissa
     * digit; read as "<sign><all mantissa digits>e<exponent>" so that the
     * locale's decimal point plays no part. */
    char text[160];
    size_t i = 0, t = 0, mantissa = 0;
    long scale = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        text[t++] = s[i++];
    for (; i < n && isdigit((unsigned char)s[i]); i++, mantissa++)
        if (t < 128)
            text[t++] = s[i];
        else
            scale++; /* digits beyond what a double holds: places */
    if (i < n && s[i] == '.')
        for (i++; i < n && isdigit((unsigned char)s[i]); i++, mantissa++)
            if (t < 128) {
                text[t++] = s[i];
                scale--;
            }
    if (!mantissa)
        return 0;
    long exponent = 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        int negative = i < n && s[i] == '-';
        if (i < n && (s[i] == '-' || s[i] == '+'))
            i++;
        size_t exp_digits = 0;
        for (; i < n && isdigit((unsigned char)s[i]); i++, exp_digits++)
            if (exponent < 100000)
                exponent = exponent * 10 + (s[i] - '0');
        if (!exp_digits)
            return 0;
        if (negative)
            exponent = -exponent;
    }
    if (i != n)
        return 0;
    text[t] = '\0';
    double v = read_scaled(text, exponent + scale);
    if (!isfinite(v))
        return 0;
    *out = v;
    return 1;
}
