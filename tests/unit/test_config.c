/* Config: INI parsing, defaults, typed getters, errors with file:line,
 * warnings for unknown keys, and the sample file showing every key. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"

static allot_config *parse(const char *text)
{
    allot_config *cfg = NULL;
    allot_error err;
    allot_error_clear(&err);
    assert_int_equal(allot_config_parse(text, strlen(text), "t.ini", &cfg, &err), ALLOT_OK);
    return cfg;
}

static void defaults_without_a_file(void **state)
{
    (void)state;
    allot_general g;
    assert_int_equal(allot_config_general(NULL, &g, NULL), ALLOT_OK);
    assert_string_equal(g.reporting_currency, "USD");
    assert_int_equal(g.fiscal_year_start_month, 1);
    assert_int_equal(g.lookback_days, 90);
    assert_int_equal(g.max_touches_per_journey, 0);
    double w[5];
    assert_int_equal(allot_config_get_percents(NULL, "models", "full_path", w, 5, NULL), ALLOT_OK);
    assert_true(w[0] == 0.225 && w[3] == 0.225 && w[4] == 0.1);
    assert_int_equal(allot_config_get_percents(NULL, "models", "u_shaped", w, 2, NULL), ALLOT_OK);
    assert_true(w[0] == 0.4 && w[1] == 0.4);
    assert_int_equal(allot_config_get_percents(NULL, "models", "position_based", w, 3, NULL), ALLOT_OK);
    assert_true(w[0] == 0.4 && w[1] == 0.2 && w[2] == 0.4);
    assert_int_equal(allot_config_get_percents(NULL, "models", "w_shaped", w, 4, NULL), ALLOT_OK);
    assert_true(w[0] == 0.3 && w[3] == 0.1);
    assert_int_equal(allot_config_get_percents(NULL, "models", "j_shaped", w, 3, NULL), ALLOT_OK);
    assert_true(w[0] == 0.2 && w[1] == 0.6 && w[2] == 0.2);
    assert_int_equal(allot_config_get_percents(NULL, "models", "inverse_j", w, 3, NULL), ALLOT_OK);
    assert_true(w[0] == 0.6 && w[1] == 0.2 && w[2] == 0.2);
    double h;
    assert_int_equal(allot_config_get_double(NULL, "models", "time_decay_half_life_days", &h, NULL), ALLOT_OK);
    assert_true(h == 7.0);
    long dd;
    assert_int_equal(allot_config_get_int(NULL, "models", "dedupe_minutes", &dd, NULL), ALLOT_OK);
    assert_int_equal(dd, 0);
    char **items;
    size_t n;
    assert_int_equal(allot_config_get_list(NULL, "models", "last_non_direct_exclude", &items, &n, NULL), ALLOT_OK);
    assert_int_equal(n, 1);
    assert_string_equal(items[0], "Direct");
    allot_config_list_free(items, n);
    /* the marketing-sourced lists (lib/funnel.c uses these defaults when
     * the scoreboard options leave a list NULL), written out by hand */
    static const char *const marketing[] = {
        "web",     "website", "paid search", "organic search", "paid social", "organic social",
        "social",  "email",   "event",       "events",         "webinar",     "content",
        "advertisement", "display", "referral", "marketing"};
    assert_int_equal(allot_config_get_list(NULL, "funnel", "marketing_lead_sources", &items, &n, NULL), ALLOT_OK);
    assert_int_equal(n, 16);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(items[i], marketing[i]);
    allot_config_list_free(items, n);
    assert_int_equal(allot_config_get_list(NULL, "funnel", "non_marketing_channels", &items, &n, NULL), ALLOT_OK);
    assert_int_equal(n, 2);
    assert_string_equal(items[0], "Partner");
    assert_string_equal(items[1], "Direct");
    allot_config_list_free(items, n);
    allot_named_weight nw[8];
    assert_int_equal(allot_config_get_named(NULL, "models", "custom", nw, 8, &n, NULL), ALLOT_OK);
    assert_int_equal(n, 4);
    assert_string_equal(nw[3].name, "rest");
    assert_true(nw[3].weight == 0.1);
    const char *s;
    assert_int_equal(allot_config_get_string(NULL, "models", "default_model", &s, NULL), ALLOT_OK);
    assert_string_equal(s, "linear");
    assert_int_equal(allot_config_get_double(NULL, "funnel", "sla_hours", &h, NULL), ALLOT_OK);
    assert_true(h == 24.0);
    assert_int_equal(allot_config_get_double(NULL, "retention", "gross_margin", &h, NULL), ALLOT_OK);
    assert_true(h == 0.8);
    long port;
    assert_int_equal(allot_config_get_int(NULL, "pack", "smtp_port", &port, NULL), ALLOT_OK);
    assert_int_equal(port, 587);
    int tls;
    assert_int_equal(allot_config_get_bool(NULL, "pack", "smtp_starttls", &tls, NULL), ALLOT_OK);
    assert_int_equal(tls, 1);
    assert_int_equal(allot_config_get_string(NULL, "pack", "sendmail", &s, NULL), ALLOT_OK);
    assert_string_equal(s, "/usr/sbin/sendmail");
    assert_int_equal(allot_config_warning_count(NULL), 0);
}

static void values_comments_and_sections(void **state)
{
    (void)state;
    allot_config *cfg = parse(
        "\xEF\xBB\xBF# a comment\r\n"
        "; another\n"
        "[General]\n"
        "  reporting_currency =  EUR  \r\n"
        "fiscal_year_start_month=2\n"
        "\n"
        "[models]\n"
        "w_shaped = 25 / 25/25/25\n"
        "u_shaped = 50/50\n"
        "custom = FT:20, MQL:10, SQL:10, LC:20, OC:20, CW:20\n"
        "last_non_direct_exclude = Direct, , Unassigned\n"
        "[pack]\n"
        "subject = Q pack #1; {period}\n"
        "smtp_starttls = Off\n"
        "to = a@example.com, b@example.com\n"
        "[taxonomy]\n"
        "rule = source~google, medium~cpc -> Paid Search\n"
        "rule = type=webinar -> Events\n"
        "[okr]\n"
        "mql_per_quarter = 500\n"
        "mql_to_won_rate = 0.30\n");
    allot_general g;
    assert_int_equal(allot_config_general(cfg, &g, NULL), ALLOT_OK);
    assert_string_equal(g.reporting_currency, "EUR");
    assert_int_equal(g.fiscal_year_start_month, 2);
    assert_int_equal(g.lookback_days, 90);
    double w[4];
    assert_int_equal(allot_config_get_percents(cfg, "models", "w_shaped", w, 4, NULL), ALLOT_OK);
    assert_true(w[0] == 0.25 && w[3] == 0.25);
    assert_int_equal(allot_config_get_percents(cfg, "models", "u_shaped", w, 2, NULL), ALLOT_OK);
    assert_true(w[0] == 0.5 && w[1] == 0.5);
    allot_named_weight nw[8];
    size_t n;
    assert_int_equal(allot_config_get_named(cfg, "models", "custom", nw, 8, &n, NULL), ALLOT_OK);
    assert_int_equal(n, 6);
    assert_string_equal(nw[1].name, "MQL");
    assert_true(nw[1].weight == 0.1);
    char **items;
    assert_int_equal(allot_config_get_list(cfg, "models", "last_non_direct_exclude", &items, &n, NULL), ALLOT_OK);
    assert_int_equal(n, 2);
    assert_string_equal(items[1], "Unassigned");
    allot_config_list_free(items, n);
    const char *s;
    assert_int_equal(allot_config_get_string(cfg, "pack", "subject", &s, NULL), ALLOT_OK);
    assert_string_equal(s, "Q pack #1; {period}");
    int b;
    assert_int_equal(allot_config_get_bool(cfg, "pack", "smtp_starttls", &b, NULL), ALLOT_OK);
    assert_int_equal(b, 0);
    assert_int_equal(allot_config_count(cfg, "taxonomy", "rule"), 2);
    long line;
    assert_string_equal(allot_config_nth(cfg, "taxonomy", "rule", 1, &line), "type=webinar -> Events");
    assert_int_equal(line, 18);
    assert_null(allot_config_nth(cfg, "taxonomy", "rule", 2, &line));
    /* free-form [okr] */
    double v;
    assert_int_equal(allot_config_get_double(cfg, "okr", "mql_per_quarter", &v, NULL), ALLOT_OK);
    assert_true(v == 500);
    size_t okr = 0;
    const char *sec, *key, *val;
    for (size_t i = 0; allot_config_entry(cfg, i, &sec, &key, &val, &line); i++)
        okr += strcmp(sec, "okr") == 0;
    assert_int_equal(okr, 2);
    assert_string_equal(allot_config_raw(cfg, "okr", "mql_to_won_rate", &line), "0.30");
    assert_int_equal(line, 21);
    assert_null(allot_config_raw(cfg, "okr", "nothing", NULL));
    assert_int_equal(allot_config_warning_count(cfg), 0);
    allot_config_free(cfg);
}

static void unknown_keys_are_warnings(void **state)
{
    (void)state;
    allot_config *cfg = parse("[general]\nlookback = 30\nlookback_days = 30\nlookback_days = 60\n"
                              "[modles]\nx = 1\n[funnel]\nsalesforce.mql = Marketing Qualified\n"
                              "hubspot.stage = x\n");
    assert_int_equal(allot_config_warning_count(cfg), 4);
    assert_string_equal(allot_config_warning(cfg, 0), "t.ini:2: unknown key 'lookback' in [general] (ignored)");
    assert_string_equal(allot_config_warning(cfg, 1),
                        "t.ini:4: [general] lookback_days set again (line 3); this later value wins");
    assert_string_equal(allot_config_warning(cfg, 2), "t.ini:5: unknown section [modles] (ignored)");
    assert_string_equal(allot_config_warning(cfg, 3), "t.ini:9: unknown key 'hubspot.stage' in [funnel] (ignored)");
    long d;
    assert_int_equal(allot_config_get_int(cfg, "general", "lookback_days", &d, NULL), ALLOT_OK);
    assert_int_equal(d, 60);
    char **items;
    size_t n;
    assert_int_equal(allot_config_get_list(cfg, "funnel", "salesforce.mql", &items, &n, NULL), ALLOT_OK);
    assert_int_equal(n, 1);
    assert_string_equal(items[0], "Marketing Qualified");
    allot_config_list_free(items, n);
    allot_config_free(cfg);
}

static void bad_values_name_file_line_and_key(void **state)
{
    (void)state;
    allot_config *cfg = parse("[general]\nfiscal_year_start_month = 13\nlookback_days = 9x\n"
                              "reporting_currency = usd\n[models]\nw_shaped = 30/30\n"
                              "position_based = 40/30/40\nu_shaped = 60/50\ncustom = FT:50, FT:50\n"
                              "time_decay_half_life_days = nan\n[retention]\ngross_margin = 1.5\n"
                              "[pack]\nsmtp_starttls = maybe\n");
    allot_error err;
    long v;
    double d;
    const char *s;
    allot_error_clear(&err);
    assert_int_equal(allot_config_get_int(cfg, "general", "fiscal_year_start_month", &v, &err), ALLOT_ERR_CONFIG);
    assert_string_equal(err.file, "t.ini");
    assert_int_equal(err.line, 2);
    assert_string_equal(err.message, "[general] fiscal_year_start_month = '13': expected a whole number from 1 to 12");
    assert_int_equal(allot_config_get_int(cfg, "general", "lookback_days", &v, &err), ALLOT_ERR_CONFIG);
    assert_int_equal(err.line, 3);
    assert_int_equal(allot_config_get_currency(cfg, "general", "reporting_currency", &s, &err), ALLOT_ERR_CONFIG);
    assert_int_equal(err.line, 4);
    double w[4];
    assert_int_equal(allot_config_get_percents(cfg, "models", "w_shaped", w, 4, &err), ALLOT_ERR_CONFIG);
    assert_int_equal(err.line, 6);
    assert_string_equal(err.message, "[models] w_shaped = '30/30': expected 4 percentages separated by '/', "
                                     "each 0..100, summing to 100");
    assert_int_equal(allot_config_get_percents(cfg, "models", "position_based", w, 3, &err), ALLOT_ERR_CONFIG);
    assert_int_equal(err.line, 7);
    assert_int_equal(allot_config_get_percents(cfg, "models", "u_shaped", w, 2, &err), ALLOT_ERR_CONFIG);
    assert_int_equal(err.line, 8);
    allot_named_weight nw[4];
    size_t n;
    assert_int_equal(allot_config_get_named(cfg, "models", "custom", nw, 4, &n, &err), ALLOT_ERR_CONFIG);
    assert_int_equal(err.line, 9);
    assert_int_equal(allot_config_get_double(cfg, "models", "time_decay_half_life_days", &d, &err), ALLOT_ERR_CONFIG);
    assert_int_equal(err.line, 10);
    assert_int_equal(allot_config_get_double(cfg, "retention", "gross_margin", &d, &err), ALLOT_ERR_CONFIG);
    assert_int_equal(err.line, 12);
    int b;
    assert_int_equal(allot_config_get_bool(cfg, "pack", "smtp_starttls", &b, &err), ALLOT_ERR_CONFIG);
    assert_int_equal(err.line, 14);
    /* asking for an unregistered key is a programming error */
    assert_int_equal(allot_config_get_int(cfg, "general", "no_such_key", &v, &err), ALLOT_ERR_USAGE);
    assert_int_equal(allot_config_get_int(cfg, "general", "reporting_currency", &v, &err), ALLOT_ERR_USAGE);
    allot_config_free(cfg);
}

static void malformed_lines_are_errors(void **state)
{
    (void)state;
    const struct { const char *text; long line; const char *msg; } cases[] = {
        {"[general\n", 1, "section header has no closing ']'; write e.g. [general]"},
        {"lookback_days = 3\n", 1, "key outside any section; put it under e.g. [general]"},
        {"[general]\n\njust words\n", 3, "expected 'key = value', '[section]' or a comment"},
        {"[general]\n= 3\n", 2, "bad key name '': use letters, digits, '_', '-', '.'"},
        {"[a b]\n", 1, "bad section name 'a b': use letters, digits, '_', '-', '.'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        allot_config *cfg = (allot_config *)1;
        allot_error err;
        allot_error_clear(&err);
        assert_int_equal(allot_config_parse(cases[i].text, strlen(cases[i].text), "bad.ini", &cfg, &err),
                         ALLOT_ERR_CONFIG);
        assert_null(cfg);
        assert_string_equal(err.file, "bad.ini");
        assert_int_equal(err.line, cases[i].line);
        assert_string_equal(err.message, cases[i].msg);
    }
    allot_config *cfg;
    allot_error err;
    assert_int_equal(allot_config_load("/nonexistent/allot.ini", &cfg, &err), ALLOT_ERR_IO);
    assert_int_equal(allot_exit_code(ALLOT_ERR_CONFIG), 2);
}

/* sample-data/allot.ini shows every registered key (patterns as an example
 * key) and loads without warnings; its values are the defaults. */
static void sample_shows_every_key(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/sample-data/allot.ini", ALLOT_SOURCE_DIR);
    allot_config *cfg;
    allot_error err;
    allot_error_clear(&err);
    assert_int_equal(allot_config_load(path, &cfg, &err), ALLOT_OK);
    for (size_t i = 0; i < allot_config_warning_count(cfg); i++)
        print_error("%s\n", allot_config_warning(cfg, i));
    assert_int_equal(allot_config_warning_count(cfg), 0);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char text[65536];
    size_t len = fread(text, 1, sizeof text - 1, f);
    text[len] = '\0';
    fclose(f);
    for (size_t i = 0; i < allot_config_key_count(); i++) {
        const allot_config_key *k = allot_config_key_at(i);
        char needle[128];
        const char *star = strchr(k->key, '*');
        /* "key =" (set) or "# key =" (shown commented); for patterns the part after '*' */
        snprintf(needle, sizeof needle, "%s =", star ? star + 1 : k->key);
        if (!strstr(text, needle))
            print_error("sample-data/allot.ini lacks [%s] %s\n", k->section, k->key);
        assert_non_null(strstr(text, needle));
        if (!star && k->kind != ALLOT_CFG_MULTI && k->def[0]) {
            const char *raw = allot_config_raw(cfg, k->section, k->key, NULL);
            if (raw && strcmp(raw, k->def) != 0)
                print_error("[%s] %s = %s, default %s\n", k->section, k->key, raw, k->def);
            assert_true(!raw || strcmp(raw, k->def) == 0);
        }
    }
    allot_config_free(cfg);
}

/* README "Configuration" has a table row for every registered key (pattern
 * keys written SYSTEM.stage and NAME) that shows the registry's default, so
 * documentation cannot drift. */
static void readme_lists_every_key(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/README.md", ALLOT_SOURCE_DIR);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char text[1 << 20];
    size_t len = fread(text, 1, sizeof text - 1, f);
    text[len] = '\0';
    fclose(f);
    for (size_t i = 0; i < allot_config_key_count(); i++) {
        const allot_config_key *k = allot_config_key_at(i);
        char needle[128];
        if (strcmp(k->key, "*") == 0)
            snprintf(needle, sizeof needle, "| `NAME` |");
        else if (k->key[0] == '*')
            snprintf(needle, sizeof needle, "| `SYSTEM%s` |", k->key + 1);
        else
            snprintf(needle, sizeof needle, "| `%s` |", k->key);
        if (!strstr(text, needle))
            print_error("README.md has no row %s for [%s] %s\n", needle, k->section, k->key);
        assert_non_null(strstr(text, needle));
        /* and the row's default is the registry's, as written in a file */
        if (k->key[0] != '*' && k->def[0]) {
            char row[1024];
            snprintf(row, sizeof row, "| `%s` | `%s` |", k->key, k->def);
            if (!strstr(text, row))
                print_error("README.md row for [%s] %s does not start %s\n", k->section, k->key,
                            row);
            assert_non_null(strstr(text, row));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_without_a_file),
        cmocka_unit_test(values_comments_and_sections),
        cmocka_unit_test(unknown_keys_are_warnings),
        cmocka_unit_test(bad_values_name_file_line_and_key),
        cmocka_unit_test(malformed_lines_are_errors),
        cmocka_unit_test(sample_shows_every_key),
        cmocka_unit_test(readme_lists_every_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
