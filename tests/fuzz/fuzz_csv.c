/* Fuzz target for the CSV reader and the value parsers: any bytes must give
 * either records or a clean error, never a crash, leak or undefined
 * behaviour. Built with libFuzzer when ALLOT_FUZZ is ON (clang):
 *
 *   tests/fuzz/run 60 csv
 *
 * and always as fuzz_csv_replay, which ctest runs over the corpus. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "value.h"
#include "fuzz_replay.h"

static int score_any(void *ctx, const allot_csv_record *rec)
{
    (void)ctx;
    return (int)rec->count;
}

static void ignore_warning(void *ctx, long line, long column, const char *message)
{
    (void)ctx;
    (void)line;
    (void)column;
    (void)message;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/allot-fuzz-csv-%ld", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    allot_csv_options opt;
    allot_csv_options_init(&opt);
    opt.max_field_bytes = 4096;
    opt.max_record_bytes = 1 << 16;
    opt.max_columns = 64;
    opt.warn = ignore_warning;
    opt.is_footer = allot_csv_is_total_row;
    /* The first byte picks the options, so the fuzzer explores them too. */
    if (size > 0) {
        opt.score_header = (data[0] & 1) ? score_any : NULL;
        opt.delimiter = (data[0] & 2) ? ';' : 0;
        opt.encoding = (allot_csv_encoding)((data[0] >> 2) % 5);
    }
    allot_csv_reader *r = NULL;
    allot_error err;
    if (allot_csv_open(path, &opt, &r, &err) == ALLOT_OK) {
        const allot_csv_record *rec;
        int pass = 0;
        for (;;) {
            if (allot_csv_next(r, &rec, &err) != ALLOT_OK)
                break;
            if (!rec) {
                if (pass++ || allot_csv_rewind(r, &err) != ALLOT_OK)
                    break;
                continue;
            }
            for (size_t i = 0; i < rec->count; i++) {
                const char *t = rec->fields[i].text;
                allot_number n;
                int64_t v;
                double d;
                int b;
                char date[11], cur[4];
                allot_value_parse_number(t, (int)(i & 1), &n, NULL);
                allot_value_parse_money(t, 0, &v, cur, NULL);
                allot_value_parse_int(t, 1, &v, NULL);
                allot_value_parse_real(t, 0, &d, NULL);
                allot_value_parse_bool(t, &b, NULL);
                allot_value_parse_date(t, (allot_date_order)(i % 3), date, NULL);
                allot_value_parse_timestamp(t, (allot_date_order)(i % 3), &v, NULL);
                allot_value_date_evidence(t);
            }
        }
    }
    allot_csv_free(r);
    unlink(path);
    return 0;
}
