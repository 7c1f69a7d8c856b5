/* Fuzz target for the value parsers (lib/value.h) on raw text: numbers in
 * both decimal conventions, money, integers, reals, booleans, dates and
 * timestamps in every date order. Any bytes give a value or a clean error.
 * Corpus: tests/fuzz/corpus/value/. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "value.h"
#include "fuzz_replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *t = malloc(size + 1);
    if (!t)
        return 0;
    memcpy(t, data, size);
    t[size] = '\0';
    for (int k = 0; k < 3; k++) {
        allot_number n;
        int64_t v;
        double d;
        int b;
        char date[11], cur[4];
        const char *why = NULL;
        allot_value_parse_number(t, k & 1, &n, &why);
        allot_value_parse_money(t, k & 1, &v, cur, &why);
        allot_value_parse_int(t, k & 1, &v, &why);
        allot_value_parse_real(t, k & 1, &d, &why);
        allot_value_parse_bool(t, &b, &why);
        allot_value_parse_date(t, (allot_date_order)k, date, &why);
        allot_value_parse_timestamp(t, (allot_date_order)k, &v, &why);
    }
    allot_value_date_evidence(t);
    allot_value_month_word(t, size);
    allot_value_weekday_word(t, size);
    free(t);
    return 0;
}
