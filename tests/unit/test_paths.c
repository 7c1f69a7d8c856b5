/* Path files: ChannelAttribution format, header variants, errors with
 * line and column. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "paths.h"

static allot_paths *parse(const char *text, allot_error *err)
{
    allot_paths *p = NULL;
    allot_error_clear(err);
    allot_paths_parse(text, strlen(text), "t.csv", &p, err);
    return p;
}

static void reads_channel_attribution_format(void **state)
{
    (void)state;
    allot_error err;
    /* BOM, CRLF, a blank line, spaces around '>', channels renumbered in
     * byte order: "Direct" < "Email" < "Paid Search". */
    allot_paths *p = parse("\xEF\xBB\xBFpath;total_conversions;total_conversion_value;total_null\r\n"
                           "Paid Search > Email;2;150.5;8\r\n"
                           "\r\n"
                           "Direct;0;0;3\r\n"
                           "  Email>Email >Direct ;1.5;20;0\r\n",
                           &err);
    assert_non_null(p);
    assert_int_equal(p->n_channels, 3);
    assert_string_equal(p->channels[0], "Direct");
    assert_string_equal(p->channels[1], "Email");
    assert_string_equal(p->channels[2], "Paid Search");
    assert_int_equal(p->n_paths, 3);
    assert_int_equal(p->start[1], 2);
    assert_int_equal(p->steps[0], 2);
    assert_int_equal(p->steps[1], 1);
    assert_int_equal(p->steps[2], 0);
    assert_int_equal(p->start[3] - p->start[2], 3);
    assert_int_equal(p->steps[3], 1);
    assert_int_equal(p->steps[4], 1);
    assert_int_equal(p->steps[5], 0);
    assert_true(p->conversions[0] == 2 && p->value[0] == 150.5 && p->nulls[0] == 8);
    assert_true(p->conversions[2] == 1.5 && p->value[2] == 20 && p->nulls[2] == 0);
    assert_int_equal(p->line[0], 2);
    assert_int_equal(p->line[1], 4);
    double c, v, n;
    allot_paths_totals(p, &c, &v, &n);
    assert_true(c == 3.5 && v == 170.5 && n == 11);
    allot_paths_free(p);
}

static void accepts_header_variants(void **state)
{
    (void)state;
    allot_error err;
    /* comma separator, reordered and renamed columns, quoted fields, no value */
    allot_paths *p = parse("Nulls,Path,Conversions\n"
                           "4,\"a > b, c\",1\n"
                           "0,\"say \"\"hi\"\" > a\",2\n",
                           &err);
    assert_non_null(p);
    assert_int_equal(p->n_channels, 3);
    assert_string_equal(p->channels[0], "a");
    assert_string_equal(p->channels[1], "b, c");
    assert_string_equal(p->channels[2], "say \"hi\"");
    assert_true(p->nulls[0] == 4 && p->conversions[0] == 1 && p->value[0] == 0);
    assert_true(p->conversions[1] == 2);
    allot_paths_free(p);
    /* tab separated */
    p = parse("path\ttotal_conversions\ttotal_null\nx > y\t1\t2\n", &err);
    assert_non_null(p);
    assert_int_equal(p->n_paths, 1);
    assert_true(p->nulls[0] == 2);
    allot_paths_free(p);
}

static void reports_errors_with_position(void **state)
{
    (void)state;
    allot_error err;
    /* A NUL byte in a channel name (found by fuzz_paths: it read past a
     * shorter channel's name) is refused with its line. */
    static const char nul[] = "path;total_conversions\nA;1\nA\0\0B;1\n";
    allot_paths *np = NULL;
    assert_int_equal(allot_paths_parse(nul, sizeof nul - 1, "t.csv", &np, &err), ALLOT_ERR_PARSE);
    assert_null(np);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.message, "NUL byte (byte 2 of the line)"));
    assert_null(parse("path;total_conversions;total_null\na;1;x\n", &err));
    assert_int_equal(err.code, ALLOT_ERR_PARSE);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 3);
    assert_string_equal(err.file, "t.csv");

    assert_null(parse("path;total_conversions\na;1\nb;-1\n", &err));
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 2);

    assert_null(parse("path;total_conversions\na;1;2\n", &err));
    assert_int_equal(err.code, ALLOT_ERR_PARSE);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 3);

    assert_null(parse("path;total_conversions\na >  > b;1\n", &err));
    assert_int_equal(err.code, ALLOT_ERR_PARSE);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 1);
    assert_non_null(strstr(err.message, "empty channel name at character 4"));

    assert_null(parse("path;total_conversions\n;1\n", &err));
    assert_non_null(strstr(err.message, "empty path"));

    assert_null(parse("journey;conversions\na;1\n", &err));
    assert_int_equal(err.code, ALLOT_ERR_PARSE);
    assert_int_equal(err.line, 1);

    assert_null(parse("path;total_conversions\n\"a;1\n", &err));
    assert_int_equal(err.code, ALLOT_ERR_PARSE);

    assert_null(parse("", &err));
    assert_int_equal(err.code, ALLOT_ERR_DATA);

    assert_null(parse("path;total_conversions;total_null\na;0;0\n", &err));
    assert_int_equal(err.code, ALLOT_ERR_DATA);

    allot_paths *p = NULL;
    allot_error_clear(&err);
    assert_int_equal(allot_paths_read("/nonexistent/paths.csv", &p, &err), ALLOT_ERR_IO);
    assert_string_equal(err.file, "/nonexistent/paths.csv");
}

static void builds_paths_in_code(void **state)
{
    (void)state;
    allot_paths *p = allot_paths_new();
    assert_non_null(p);
    uint32_t a, b, again;
    assert_int_equal(allot_paths_channel(p, "b", 1, &b), ALLOT_OK);
    assert_int_equal(allot_paths_channel(p, "a", 1, &a), ALLOT_OK);
    assert_int_equal(allot_paths_channel(p, "bxx", 1, &again), ALLOT_OK);
    assert_int_equal(again, b);
    uint32_t seq[3] = {b, a, b};
    assert_int_equal(allot_paths_add(p, seq, 3, 1, 5, 2), ALLOT_OK);
    assert_int_equal(allot_paths_add(p, seq, 0, 1, 5, 2), ALLOT_ERR_USAGE);
    assert_int_equal(allot_paths_add(p, seq, 1, -1, 0, 0), ALLOT_ERR_USAGE);
    allot_error err;
    assert_int_equal(allot_paths_add_text(p, "a > c", 5, 0, 0, 1, &err), ALLOT_OK);
    assert_int_equal(p->n_channels, 3);
    /* many channels: the name table grows */
    char name[16];
    for (int i = 0; i < 1000; i++) {
        uint32_t id;
        snprintf(name, sizeof name, "ch%04d", i);
        assert_int_equal(allot_paths_channel(p, name, strlen(name), &id), ALLOT_OK);
        assert_int_equal(id, (uint32_t)(3 + i));
    }
    assert_int_equal(allot_paths_sort_channels(p), ALLOT_OK);
    assert_string_equal(p->channels[0], "a");
    assert_string_equal(p->channels[1], "b");
    assert_string_equal(p->channels[2], "c");
    assert_int_equal(p->steps[0], 1);
    assert_int_equal(p->steps[1], 0);
    assert_int_equal(p->steps[4], 2);
    uint32_t id;
    assert_int_equal(allot_paths_channel(p, "ch0500", 6, &id), ALLOT_OK);
    assert_string_equal(p->channels[id], "ch0500");
    allot_paths_free(p);
    allot_paths_free(NULL);
}

/* Random bytes and random mutations of a valid file never crash the reader
 * (ASan/UBSan in CI) and end in OK, PARSE or DATA, never anything else. */
static void survives_random_input(void **state)
{
    (void)state;
    uint64_t x = 12345;
    const char *valid = "path;total_conversions;total_conversion_value;total_null\n"
                        "\"a > b > c;d\";1;2.5;3\nb;0;0;4\n";
    size_t vlen = strlen(valid);
    char buf[256];
    for (int trial = 0; trial < 4000; trial++) {
        size_t len;
        if (trial % 2) {
            len = vlen;
            memcpy(buf, valid, len);
            for (int k = 0; k < 1 + trial % 5; k++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                buf[x % len] = "\";,>\n\r\" a9.-\t\xff"[(x >> 20) % 14];
            }
        } else {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            len = x % sizeof buf;
            for (size_t i = 0; i < len; i++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                buf[i] = (char)(x >> 32);
            }
        }
        allot_paths *p = NULL;
        allot_error err;
        allot_error_clear(&err);
        allot_status st = allot_paths_parse(buf, len, "r.csv", &p, &err);
        assert_true(st == ALLOT_OK || st == ALLOT_ERR_PARSE || st == ALLOT_ERR_DATA);
        assert_true((st == ALLOT_OK) == (p != NULL));
        allot_paths_free(p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_channel_attribution_format),
        cmocka_unit_test(accepts_header_variants),
        cmocka_unit_test(reports_errors_with_position),
        cmocka_unit_test(builds_paths_in_code),
        cmocka_unit_test(survives_random_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
