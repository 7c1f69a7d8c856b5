#include "csvout.h"

#include <math.h>
#include <stdint.h>
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
