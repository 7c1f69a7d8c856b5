/* CSV reader: every sniffing step on hand-made fixtures (tests/cases/csv/,
 * written byte by byte; see the generator comments next to each test), with
 * exact field texts, line numbers and sniffed settings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "csv.h"
#include "value.h"

typedef struct warnings {
    int count;
    long line[8], column[8];
    char message[8][256];
} warnings;

static void collect(void *ctx, long line, long column, const char *message)
{
    warnings *w = ctx;
    if (w->count < 8) {
        w->line[w->count] = line;
        w->column[w->count] = column;
        snprintf(w->message[w->count], sizeof w->message[0], "%s", message);
    }
    w->count++;
}

static void fixture(const char *name, char *path, size_t size)
{
    snprintf(path, size, "%s/cases/csv/%s", ALLOT_TEST_DATA, name);
}

static allot_csv_reader *open_with(const char *name, allot_csv_options *opt)
{
    char path[1024];
    fixture(name, path, sizeof path);
    allot_csv_reader *r = NULL;
    allot_error err;
    allot_error_clear(&err);
    allot_status st = allot_csv_open(path, opt, &r, &err);
    if (st)
        fprintf(stderr, "open %s: %s\n", name, err.message);
    assert_int_equal(st, ALLOT_OK);
    return r;
}

static const allot_csv_record *next(allot_csv_reader *r)
{
    const allot_csv_record *rec;
    allot_error err;
    allot_error_clear(&err);
    allot_status st = allot_csv_next(r, &rec, &err);
    if (st)
        fprintf(stderr, "next: %s\n", err.message);
    assert_int_equal(st, ALLOT_OK);
    return rec;
}

/* Asserts a record's line and exact fields (NULL-terminated list). */
static void expect_record(const allot_csv_record *rec, long line, ...)
{
    assert_non_null(rec);
    assert_int_equal(rec->line, line);
    va_list ap;
    va_start(ap, line);
    size_t i = 0;
    const char *want;
    while ((want = va_arg(ap, const char *)) != NULL) {
        assert_true(i < rec->count);
        assert_string_equal(rec->fields[i].text, want);
        assert_int_equal(rec->fields[i].len, strlen(want));
        i++;
    }
    va_end(ap);
    assert_int_equal(rec->count, i);
}

static void expect_end(allot_csv_reader *r)
{
    assert_null(next(r));
}

/* bom.csv: EF BB BF "id,name\n1,Zo\xc3\xab\n2,\"Smith, J.\"\n" */
static void utf8_bom_is_stripped(void **state)
{
    (void)state;
    allot_csv_reader *r = open_with("bom.csv", NULL);
    const allot_csv_sniffed *s = allot_csv_sniff_result(r);
    assert_int_equal(s->encoding, ALLOT_CSV_ENC_UTF8);
    assert_int_equal(s->bom, 1);
    assert_int_equal(s->delimiter, ',');
    assert_int_equal(s->header_line, 1);
    expect_record(allot_csv_header(r), 1, "id", "name", NULL);
    expect_record(next(r), 2, "1", "Zo\xC3\xAB", NULL);
    const allot_csv_record *rec = next(r);
    expect_record(rec, 3, "2", "Smith, J.", NULL);
    assert_int_equal(rec->fields[1].quoted, 1);
    assert_int_equal(rec->fields[0].quoted, 0);
    expect_end(r);
    allot_csv_free(r);
}

/* utf16le.csv: FF FE + UTF-16LE of two title lines, a tab-separated header
 * "Day Campaign Cost" on line 3, two rows (one with a quoted tab, one with a
 * thin-space thousands separator U+202F and a decimal comma) and a
 * "Total: 2 days" row, CRLF line ends (Google Ads UI download shape). */
static void utf16le_with_bom_titles_and_total(void **state)
{
    (void)state;
    allot_csv_options opt;
    allot_csv_options_init(&opt);
    opt.is_footer = allot_csv_is_total_row;
    allot_csv_reader *r = open_with("utf16le.csv", &opt);
    const allot_csv_sniffed *s = allot_csv_sniff_result(r);
    assert_int_equal(s->encoding, ALLOT_CSV_ENC_UTF16LE);
    assert_int_equal(s->bom, 1);
    assert_int_equal(s->delimiter, '\t');
    assert_int_equal(s->header_line, 3);
    expect_record(allot_csv_header(r), 3, "Day", "Campaign", "Cost", NULL);
    const allot_csv_record *rec = next(r);
    expect_record(rec, 4, "2026-03-01", "Brand \xC3\xA9t\xC3\xA9", "1\xE2\x80\xAF" "234,50", NULL);
    /* The cost parses with the decimal comma: 1234.50. */
    allot_number n;
    assert_int_equal(allot_value_parse_number(rec->fields[2].text, 1, &n, NULL), ALLOT_VALUE_OK);
    assert_string_equal(n.text, "1234.50");
    expect_record(next(r), 5, "2026-03-02", "Tab\there", "7,00", NULL);
    expect_end(r);
    assert_int_equal(allot_csv_dropped(r), 1);
    allot_csv_free(r);
}

/* utf16be-nobom.csv: UTF-16BE of "id,city\n1,München\n2,東京\n", no BOM:
 * recognised by NUL bytes at even offsets. */
static void utf16be_without_bom_by_nul_pattern(void **state)
{
    (void)state;
    allot_csv_reader *r = open_with("utf16be-nobom.csv", NULL);
    const allot_csv_sniffed *s = allot_csv_sniff_result(r);
    assert_int_equal(s->encoding, ALLOT_CSV_ENC_UTF16BE);
    assert_int_equal(s->bom, 0);
    expect_record(allot_csv_header(r), 1, "id", "city", NULL);
    expect_record(next(r), 2, "1", "M\xC3\xBCnchen", NULL);
    expect_record(next(r), 3, "2", "\xE6\x9D\xB1\xE4\xBA\xAC", NULL);
    expect_end(r);
    allot_csv_free(r);
}

/* sep-line.csv: "sep=;\r\nid;amount;note\r\n1;1.234,56;\"a;b\"\r\n2;-0,5;x\r\n" */
static void sep_line_sets_delimiter_and_is_skipped(void **state)
{
    (void)state;
    allot_csv_reader *r = open_with("sep-line.csv", NULL);
    const allot_csv_sniffed *s = allot_csv_sniff_result(r);
    assert_int_equal(s->sep_line, 1);
    assert_int_equal(s->delimiter, ';');
    assert_int_equal(s->header_line, 2);
    expect_record(allot_csv_header(r), 2, "id", "amount", "note", NULL);
    const allot_csv_record *rec = next(r);
    expect_record(rec, 3, "1", "1.234,56", "a;b", NULL);
    allot_number n;
    assert_int_equal(allot_value_parse_number(rec->fields[1].text, 1, &n, NULL), ALLOT_VALUE_OK);
    assert_string_equal(n.text, "1234.56");
    rec = next(r);
    expect_record(rec, 4, "2", "-0,5", "x", NULL);
    assert_int_equal(allot_value_parse_number(rec->fields[1].text, 1, &n, NULL), ALLOT_VALUE_OK);
    assert_string_equal(n.text, "-0.5");
    expect_end(r);
    allot_csv_free(r);
}

/* comma.csv, semicolon.csv, tab.tsv, pipe.csv: "a?b?c", then a row whose
 * quoted middle field holds the other candidate delimiters, then "4?5?6"
 * (semicolon.csv has "5,5": a decimal comma, not a delimiter). */
static void each_delimiter_is_detected(void **state)
{
    (void)state;
    static const struct { const char *file; char delim; const char *mid; const char *five; } c[] = {
        {"comma.csv", ',', "x;y|z\tw", "5"},
        {"semicolon.csv", ';', "x,y|z", "5,5"},
        {"tab.tsv", '\t', "x,y;z", "5"},
        {"pipe.csv", '|', "x,y;z", "5"},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        allot_csv_reader *r = open_with(c[i].file, NULL);
        assert_int_equal(allot_csv_sniff_result(r)->delimiter, c[i].delim);
        expect_record(allot_csv_header(r), 1, "a", "b", "c", NULL);
        expect_record(next(r), 2, "1", c[i].mid, "3", NULL);
        expect_record(next(r), 3, "4", c[i].five, "6", NULL);
        expect_end(r);
        allot_csv_free(r);
    }
}

static void forced_delimiter_wins(void **state)
{
    (void)state;
    allot_csv_options opt;
    allot_csv_options_init(&opt);
    opt.delimiter = ';';
    allot_csv_reader *r = open_with("comma.csv", &opt);
    expect_record(allot_csv_header(r), 1, "a,b,c", NULL);
    expect_record(next(r), 2, "1,\"x", "y|z\tw\",3", NULL);
    allot_csv_free(r);
}

static int score_linkedin(void *ctx, const allot_csv_record *rec)
{
    (void)ctx;
    int s = 0;
    for (size_t i = 0; i < rec->count; i++)
        s += strcmp(rec->fields[i].text, "Campaign Name") == 0 ||
             strcmp(rec->fields[i].text, "Total Spent") == 0;
    return s;
}

/* title-lines.csv: three quoted title lines, a blank line, the header on
 * line 5, two rows, "Grand Totals (2 records)" and a "© 2026" footer. */
static void title_lines_above_header_and_footers(void **state)
{
    (void)state;
    allot_csv_options opt;
    allot_csv_options_init(&opt);
    opt.is_footer = allot_csv_is_total_row;
    opt.score_header = score_linkedin;
    allot_csv_reader *r = open_with("title-lines.csv", &opt);
    assert_int_equal(allot_csv_sniff_result(r)->header_line, 5);
    expect_record(allot_csv_header(r), 5, "Start Date (in UTC)", "Campaign Name", "Total Spent",
                  NULL);
    expect_record(next(r), 6, "3/1/2026", "Alpha", "10.00", NULL);
    expect_record(next(r), 7, "3/2/2026", "Beta", "1,200.00", NULL);
    expect_end(r);
    assert_int_equal(allot_csv_dropped(r), 2);
    allot_csv_free(r);

    /* Without a scorer the first record of the modal width is the header;
     * without a footer test the totals are data. */
    r = open_with("title-lines.csv", NULL);
    assert_int_equal(allot_csv_sniff_result(r)->header_line, 5);
    next(r);
    next(r);
    expect_record(next(r), 8, "Grand Totals (2 records)", "", "1,210.00", NULL);
    expect_record(next(r), 9, "\xC2\xA9 2026 Example Corp", NULL);
    expect_end(r);
    allot_csv_free(r);
}

static void header_line_can_be_forced(void **state)
{
    (void)state;
    allot_csv_options opt;
    allot_csv_options_init(&opt);
    opt.header_line = 2;
    allot_csv_reader *r = open_with("title-lines.csv", &opt);
    expect_record(allot_csv_header(r), 2, "Report Start: 3/1/2026", NULL);
    expect_record(next(r), 3, "Report End: 3/31/2026", NULL);
    allot_csv_free(r);

    char path[1024];
    fixture("title-lines.csv", path, sizeof path);
    opt.header_line = 4;   /* the blank line */
    allot_error err;
    assert_int_equal(allot_csv_open(path, &opt, &r, &err), ALLOT_ERR_PARSE);
    assert_null(r);
    assert_int_equal(err.line, 4);
    assert_string_equal(err.message, "no record starts on header line 4");
}

/* crlf.csv / lf.csv / cr.csv: the same records with the file's line break
 * inside quoted fields too:
 *   id,text,n | 1,"line one<NL>line two",10 | 2,"say ""hi""",20 | 3,"a,<NL><NL>b",30
 * Record 2 starts on line 4 (record 1 spans lines 2-3), record 3 on line 5
 * and spans 5-7. */
static void embedded_line_breaks_in_crlf_lf_and_cr_files(void **state)
{
    (void)state;
    static const struct { const char *file; const char *nl; } c[] = {
        {"crlf.csv", "\r\n"}, {"lf.csv", "\n"}, {"cr.csv", "\r"}};
    for (size_t i = 0; i < 3; i++) {
        char one[64], three[64];
        snprintf(one, sizeof one, "line one%sline two", c[i].nl);
        snprintf(three, sizeof three, "a,%s%sb", c[i].nl, c[i].nl);
        allot_csv_reader *r = open_with(c[i].file, NULL);
        expect_record(allot_csv_header(r), 1, "id", "text", "n", NULL);
        expect_record(next(r), 2, "1", one, "10", NULL);
        expect_record(next(r), 4, "2", "say \"hi\"", "20", NULL);
        expect_record(next(r), 5, "3", three, "30", NULL);
        expect_end(r);
        allot_csv_free(r);
    }
}

/* no-final-newline.csv: "a,b\n1,\"\"\n2,x" */
static void last_record_without_line_break(void **state)
{
    (void)state;
    allot_csv_reader *r = open_with("no-final-newline.csv", NULL);
    const allot_csv_record *rec = next(r);
    expect_record(rec, 2, "1", "", NULL);
    assert_int_equal(rec->fields[1].quoted, 1);
    expect_record(next(r), 3, "2", "x", NULL);
    expect_end(r);
    allot_csv_free(r);
}

/* cp1252.csv: "id,name,amount\n1,caf\xe9,\x80 5\n2,\x93quoted\x94,7\n" —
 * not UTF-8, read as Windows-1252 (0xE9 é, 0x80 €, 0x93/0x94 “ ”). */
static void cp1252_fallback_with_warning(void **state)
{
    (void)state;
    warnings w = {0};
    allot_csv_options opt;
    allot_csv_options_init(&opt);
    opt.warn = collect;
    opt.warn_ctx = &w;
    allot_csv_reader *r = open_with("cp1252.csv", &opt);
    assert_int_equal(allot_csv_sniff_result(r)->encoding, ALLOT_CSV_ENC_CP1252);
    assert_int_equal(w.count, 1);
    assert_int_equal(w.line[0], 2);
    assert_int_equal(w.column[0], 2); /* 0xE9 in "caf\xe9", the second field */
    assert_string_equal(w.message[0], "the file is not valid UTF-8 (first bad byte in this "
                                      "field); read as Windows-1252 (force with --encoding)");
    const allot_csv_record *rec = next(r);
    expect_record(rec, 2, "1", "caf\xC3\xA9", "\xE2\x82\xAC 5", NULL);
    int64_t micros;
    char cur[4];
    assert_int_equal(allot_value_parse_money(rec->fields[2].text, 0, &micros, cur, NULL),
                     ALLOT_VALUE_OK);
    assert_int_equal(micros, 5000000);
    assert_string_equal(cur, "EUR");
    expect_record(next(r), 3, "2", "\xE2\x80\x9Cquoted\xE2\x80\x9D", "7", NULL);
    expect_end(r);
    allot_csv_free(r);
}

/* utf8-one-bad.csv: valid UTF-8 "Zoë" on line 2, a lone 0xE9 on line 3. The
 * file stays UTF-8; only that field falls back, with a warning. */
static void one_bad_utf8_field_falls_back(void **state)
{
    (void)state;
    /* The first block decides the encoding; a small file is all first block,
     * so the whole file is read as Windows-1252 — forcing UTF-8 shows the
     * per-field fallback of a large file. */
    warnings w = {0};
    allot_csv_options opt;
    allot_csv_options_init(&opt);
    opt.encoding = ALLOT_CSV_ENC_UTF8;
    opt.warn = collect;
    opt.warn_ctx = &w;
    allot_csv_reader *r = open_with("utf8-one-bad.csv", &opt);
    expect_record(next(r), 2, "1", "Zo\xC3\xAB", NULL);
    assert_int_equal(w.count, 0);
    expect_record(next(r), 3, "2", "Ren\xC3\xA9", NULL);
    assert_int_equal(w.count, 1);
    assert_int_equal(w.line[0], 3);
    assert_int_equal(w.column[0], 2);
    allot_csv_free(r);
}

/* The decoding warnings name the line and the field (column) of the first
 * bad bytes, counted as the reader counts records: quoted fields may hold the
 * delimiter, "" and line breaks.
 * cp1252-quoted.csv (printf 'id;note;city\n1;"a;b\nc";ok\n2;"x""y;z";M\xfcnchen\n'):
 *   line 4 is `2;"x""y;z";M<FC>nchen`: the ';' inside the quotes is data, so
 *   0xFC is in field 3 of the record that starts on line 4.
 * sep-colon-cp1252.csv (printf 'sep=:\nid:name:city\n1:Paris:caf\xe9\n'): the
 *   delimiter ':' comes from the sep= line; 0xE9 is on line 3, field 3.
 * utf16le-surrogate-field.csv: FF FE, then UTF-16LE of
 *   'id\tname\tcity\n1\t"a\tb"\tBerlin\n2\t"p\tq"\tX', an unpaired D800, 'Y\n':
 *   line 3, field 3 (the tab inside "p\tq" is data). */
static void decoding_warnings_name_line_and_field(void **state)
{
    (void)state;
    warnings w = {0};
    allot_csv_options opt;
    allot_csv_options_init(&opt);
    opt.warn = collect;
    opt.warn_ctx = &w;
    allot_csv_reader *r = open_with("cp1252-quoted.csv", &opt);
    assert_int_equal(allot_csv_sniff_result(r)->encoding, ALLOT_CSV_ENC_CP1252);
    assert_int_equal(allot_csv_sniff_result(r)->delimiter, ';');
    assert_int_equal(w.count, 1);
    assert_int_equal(w.line[0], 4);
    assert_int_equal(w.column[0], 3);
    assert_non_null(strstr(w.message[0], "first bad byte in this field"));
    expect_record(next(r), 2, "1", "a;b\nc", "ok", NULL);
    expect_record(next(r), 4, "2", "x\"y;z", "M\xC3\xBCnchen", NULL);
    expect_end(r);
    allot_csv_free(r);

    memset(&w, 0, sizeof w);
    r = open_with("sep-colon-cp1252.csv", &opt);
    assert_int_equal(allot_csv_sniff_result(r)->delimiter, ':');
    assert_int_equal(w.count, 1);
    assert_int_equal(w.line[0], 3);
    assert_int_equal(w.column[0], 3);
    expect_record(next(r), 3, "1", "Paris", "caf\xC3\xA9", NULL);
    allot_csv_free(r);

    memset(&w, 0, sizeof w);
    r = open_with("utf16le-surrogate-field.csv", &opt);
    assert_int_equal(allot_csv_sniff_result(r)->encoding, ALLOT_CSV_ENC_UTF16LE);
    assert_int_equal(allot_csv_sniff_result(r)->delimiter, '\t');
    assert_int_equal(w.count, 1);
    assert_int_equal(w.line[0], 3);
    assert_int_equal(w.column[0], 3);
    assert_string_equal(w.message[0], "invalid UTF-16 code unit replaced by U+FFFD (the first one)");
    expect_record(next(r), 2, "1", "a\tb", "Berlin", NULL);
    expect_record(next(r), 3, "2", "p\tq", "X\xEF\xBF\xBDY", NULL);
    expect_end(r);
    allot_csv_free(r);
}

/* The same warning when the bad code unit comes after the first block the
 * reader decodes (the delimiter is known by then): a generated UTF-16LE file,
 * header 'id,name,city' on line 1, 130000 rows 'n,v,w' on lines 2..130001
 * (1.56 MB), then the record '9,"a,b\nc",X<D800>Y' on lines 130002-130003:
 * line 130003, field 3. */
static void late_utf16_warning_names_line_and_field(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "test_csv_late_%ld.csv", (long)getpid());
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    static const char head[] = "id,name,city\n", row[] = "n,v,w\n", tail1[] = "9,\"a,b\nc\",X",
                      tail2[] = "Y\n";
    fputc(0xFF, f);
    fputc(0xFE, f);
#define PUT16(text)                                   \
    for (const char *c = (text); *c; c++) {           \
        fputc(*c, f);                                 \
        fputc(0, f);                                  \
    }
    PUT16(head);
    for (int i = 0; i < 130000; i++) {
        PUT16(row);
    }
    PUT16(tail1);
    fputc(0x00, f);
    fputc(0xD8, f);
    PUT16(tail2);
#undef PUT16
    assert_int_equal(fclose(f), 0);

    warnings w = {0};
    allot_csv_options opt;
    allot_csv_options_init(&opt);
    opt.warn = collect;
    opt.warn_ctx = &w;
    allot_csv_reader *r = NULL;
    allot_error err;
    assert_int_equal(allot_csv_open(path, &opt, &r, &err), ALLOT_OK);
    assert_int_equal(w.count, 0);   /* not decoded yet */
    const allot_csv_record *rec, *last = NULL;
    long rows = 0;
    while ((rec = next(r)) != NULL) {
        rows++;
        last = rec;
        if (rec->line == 130002)
            break;
    }
    assert_int_equal(rows, 130001);
    expect_record(last, 130002, "9", "a,b\nc", "X\xEF\xBF\xBDY", NULL);
    assert_int_equal(w.count, 1);
    assert_int_equal(w.line[0], 130003);
    assert_int_equal(w.column[0], 3);
    expect_end(r);
    allot_csv_free(r);
    remove(path);
}

/* dates-dmy.csv: "01/02/2026" is ambiguous, "13/02/2026" says day first. */
static void ambiguous_and_decisive_slash_dates(void **state)
{
    (void)state;
    allot_csv_reader *r = open_with("dates-dmy.csv", NULL);
    const allot_csv_record *rec = next(r);
    assert_int_equal(allot_value_date_evidence(rec->fields[0].text), ALLOT_DATE_AUTO);
    char d1[11], d2[11];
    assert_int_equal(allot_value_parse_date(rec->fields[0].text, ALLOT_DATE_DMY, d1, NULL),
                     ALLOT_VALUE_OK);
    assert_string_equal(d1, "2026-02-01");
    assert_int_equal(allot_value_parse_date(rec->fields[0].text, ALLOT_DATE_MDY, d2, NULL),
                     ALLOT_VALUE_OK);
    assert_string_equal(d2, "2026-01-02");
    rec = next(r);
    assert_int_equal(allot_value_date_evidence(rec->fields[0].text), ALLOT_DATE_DMY);
    assert_int_equal(allot_value_parse_date(rec->fields[0].text, ALLOT_DATE_AUTO, d1, NULL),
                     ALLOT_VALUE_OK);
    assert_string_equal(d1, "2026-02-13");
    const char *why = NULL;
    assert_int_equal(allot_value_parse_date(rec->fields[0].text, ALLOT_DATE_MDY, d1, &why),
                     ALLOT_VALUE_INVALID);
    assert_string_equal(why, "month > 12 in an M/D/Y date");
    allot_csv_free(r);
}

/* bad-quote.csv: "a,b\n1,\"x\"y\n2,z\n": line 2 is flagged, reading goes on. */
static void text_after_closing_quote_flags_the_record(void **state)
{
    (void)state;
    allot_csv_reader *r = open_with("bad-quote.csv", NULL);
    const allot_csv_record *rec = next(r);
    assert_int_equal(rec->line, 2);
    assert_non_null(rec->error);
    assert_int_equal(rec->error_column, 2);
    rec = next(r);
    expect_record(rec, 3, "2", "z", NULL);
    assert_null(rec->error);
    expect_end(r);
    allot_csv_free(r);
}

static void limits_give_clear_errors(void **state)
{
    (void)state;
    char path[1024];
    allot_csv_reader *r = NULL;
    allot_error err;
    allot_csv_options opt;
    allot_csv_options_init(&opt);
    opt.max_columns = 10;
    fixture("many-columns.csv", path, sizeof path);
    assert_int_equal(allot_csv_open(path, &opt, &r, &err), ALLOT_ERR_LIMIT);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 11);
    assert_string_equal(err.message, "record has more than 10 fields");

    allot_csv_options_init(&opt);
    opt.max_field_bytes = 4;
    fixture("bom.csv", path, sizeof path);
    assert_int_equal(allot_csv_open(path, &opt, &r, &err), ALLOT_ERR_LIMIT);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 2);
    assert_string_equal(err.message, "field is longer than 4 bytes");

    fixture("does-not-exist.csv", path, sizeof path);
    assert_int_equal(allot_csv_open(path, NULL, &r, &err), ALLOT_ERR_IO);
    assert_non_null(strstr(err.message, "No such file"));
}

static void rewind_returns_to_first_data_record(void **state)
{
    (void)state;
    allot_csv_options opt;
    allot_csv_options_init(&opt);
    opt.is_footer = allot_csv_is_total_row;
    allot_csv_reader *r = open_with("utf16le.csv", &opt);
    next(r);
    next(r);
    expect_end(r);
    allot_error err;
    assert_int_equal(allot_csv_rewind(r, &err), ALLOT_OK);
    assert_int_equal(allot_csv_dropped(r), 0);
    expect_record(next(r), 4, "2026-03-01", "Brand \xC3\xA9t\xC3\xA9", "1\xE2\x80\xAF" "234,50",
                  NULL);
    allot_csv_free(r);
}

/* A record larger than the 1 MiB block, and many records crossing block
 * boundaries, written to a temporary file. */
static void records_across_blocks(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "/tmp/allot-test-csv-%ld.csv", (long)getpid());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("id,text\n", f);
    fputs("0,\"", f);
    for (int i = 0; i < 1500000; i++)
        fputc(i % 1000 == 999 ? '\n' : 'a' + i % 26, f);
    fputs("\"\n", f);
    for (int i = 1; i <= 200000; i++)
        fprintf(f, "%d,\"v%d\"\"q\"\r\n", i, i);
    fclose(f);
    allot_csv_options opt;
    allot_csv_options_init(&opt);
    opt.max_field_bytes = 2u << 20;
    allot_csv_reader *r = NULL;
    allot_error err;
    assert_int_equal(allot_csv_open(path, &opt, &r, &err), ALLOT_OK);
    const allot_csv_record *rec = next(r);
    assert_int_equal(rec->line, 2);
    assert_int_equal(rec->fields[1].len, 1500000);
    assert_int_equal(rec->fields[1].text[999], '\n');
    assert_int_equal(rec->fields[1].text[1000], 'a' + 1000 % 26);
    /* The big field holds 1500 line breaks, so record 0 spans lines 2..1502
     * and record i starts on line 1502 + i. */
    char want[32];
    for (int i = 1; i <= 200000; i++) {
        rec = next(r);
        assert_int_equal(rec->line, 1502 + i);
        snprintf(want, sizeof want, "v%d\"q", i);
        assert_string_equal(rec->fields[1].text, want);
    }
    expect_end(r);
    allot_csv_free(r);
    remove(path);
}

static int total_row(const char *const *texts, size_t n)
{
    allot_csv_field f[8];
    for (size_t i = 0; i < n; i++) {
        f[i].text = texts[i];
        f[i].len = strlen(texts[i]);
        f[i].quoted = 0;
    }
    allot_csv_record rec = {.line = 1, .count = n, .fields = f};
    return allot_csv_is_total_row(NULL, &rec);
}

static void footer_rows_dialects_share(void **state)
{
    (void)state;
    const char *google[] = {"Total: Account", "", "1,234.50"};
    const char *sf[] = {"Grand Totals (120 records)", "", ""};
    const char *ms[] = {"\xC2\xA9 2026 Microsoft Corporation. All rights reserved."};
    const char *indented[] = {"", "  Totals", "5"};
    const char *note[] = {"Generated by Salesforce on 3/1/2026"};
    const char *data[] = {"2026-03-01", "Total Brand Search", "5"};
    const char *data2[] = {"Generated leads", "12"};
    assert_int_equal(total_row(google, 3), 1);
    assert_int_equal(total_row(sf, 3), 1);
    assert_int_equal(total_row(ms, 1), 1);
    assert_int_equal(total_row(indented, 3), 1);
    assert_int_equal(total_row(note, 1), 1);
    assert_int_equal(total_row(data, 3), 0);    /* "Total" not in the first field */
    assert_int_equal(total_row(data2, 2), 0);   /* a note stands alone */
}

static void header_names_are_normalised(void **state)
{
    (void)state;
    char k[64];
    assert_string_equal(allot_csv_header_key("  Deal_ID ", k, sizeof k), "deal_id");
    assert_string_equal(allot_csv_header_key("Importe gastado (EUR) \xE2\x86\x93", k, sizeof k),
                        "importe gastado (eur)");
    assert_string_equal(allot_csv_header_key("Montant d\xC3\xA9pens\xC3\xA9", k, sizeof k),
                        "montant depense");
    assert_string_equal(allot_csv_header_key("Stra\xC3\x9F" "e\xC2\xA0\xC2\xA0Nr.", k, sizeof k),
                        "strasse nr.");
    assert_string_equal(allot_csv_header_key("\xE2\x96\xB2 Cost \t  (USD)", k, sizeof k),
                        "cost (usd)");
    assert_string_equal(allot_csv_header_key("\xC3\x86RO \xC3\x9C", k, sizeof k), "aero u");
    assert_string_equal(allot_csv_header_key("\xE6\x97\xA5\xE4\xBB\x98", k, sizeof k),
                        "\xE6\x97\xA5\xE4\xBB\x98");                  /* kept */
    assert_string_equal(allot_csv_header_key("abcdef", k, 4), "abc");   /* truncated */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_bom_is_stripped),
        cmocka_unit_test(utf16le_with_bom_titles_and_total),
        cmocka_unit_test(utf16be_without_bom_by_nul_pattern),
        cmocka_unit_test(sep_line_sets_delimiter_and_is_skipped),
        cmocka_unit_test(each_delimiter_is_detected),
        cmocka_unit_test(forced_delimiter_wins),
        cmocka_unit_test(title_lines_above_header_and_footers),
        cmocka_unit_test(header_line_can_be_forced),
        cmocka_unit_test(embedded_line_breaks_in_crlf_lf_and_cr_files),
        cmocka_unit_test(last_record_without_line_break),
        cmocka_unit_test(cp1252_fallback_with_warning),
        cmocka_unit_test(one_bad_utf8_field_falls_back),
        cmocka_unit_test(decoding_warnings_name_line_and_field),
        cmocka_unit_test(late_utf16_warning_names_line_and_field),
        cmocka_unit_test(ambiguous_and_decisive_slash_dates),
        cmocka_unit_test(text_after_closing_quote_flags_the_record),
        cmocka_unit_test(limits_give_clear_errors),
        cmocka_unit_test(rewind_returns_to_first_data_record),
        cmocka_unit_test(records_across_blocks),
        cmocka_unit_test(footer_rows_dialects_share),
        cmocka_unit_test(header_names_are_normalised),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
