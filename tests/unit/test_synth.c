/* Synth: every generated touch classifies, under the built-in taxonomy, into
 * one of the ten default channels; a touch with a campaign gets its
 * campaign's channel; every default channel occurs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "synth.h"
#include "taxonomy.h"

/* Splits a line of an allot-synth CSV (no quoted fields in these files) in
 * place; returns the number of fields. */
static int split(char *line, char **f, int max)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    f[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == ',') {
            *p = '\0';
            f[n++] = p + 1;
        }
    return n;
}

static void touches_match_the_taxonomy(void **state)
{
    (void)state;
    char dir[256];
    snprintf(dir, sizeof dir, "/tmp/allot-test-synth-%ld", (long)getpid());
    mkdir(dir, 0777);
    allot_synth_options opt;
    allot_synth_options_init(&opt);
    opt.touches = 3000;
    opt.seed = 11;
    allot_synth_counts n;
    allot_error err;
    allot_error_clear(&err);
    assert_int_equal(allot_synth_write(dir, &opt, &n, &err), ALLOT_OK);
    assert_true(n.touches >= 3000 && n.touches < 3100);
    assert_int_equal(n.campaigns, 120);

    /* campaign id -> channel */
    static char camp_channel[121][32];
    char path[512], line[2048];
    char *f[32];
    snprintf(path, sizeof path, "%s/campaigns.csv", dir);
    FILE *in = fopen(path, "r");
    assert_non_null(in);
    assert_non_null(fgets(line, sizeof line, in));
    assert_int_equal(split(line, f, 32), 13);
    assert_string_equal(f[4], "channel");
    while (fgets(line, sizeof line, in)) {
        assert_int_equal(split(line, f, 32), 13);
        int id = atoi(f[0] + 1);
        assert_true(id >= 1 && id <= 120);
        snprintf(camp_channel[id], sizeof camp_channel[id], "%s", f[4]);
    }
    fclose(in);

    allot_taxonomy *tx;
    assert_int_equal(allot_taxonomy_new(NULL, &tx, NULL), ALLOT_OK);
    static const char *const channels[] = {"Paid Search", "Organic Search", "Paid Social",
                                           "Organic Social", "Email", "Display", "Referral",
                                           "Partner", "Events", "Direct"};
    int64_t seen[10] = {0}, rows = 0;
    snprintf(path, sizeof path, "%s/touches.csv", dir);
    in = fopen(path, "r");
    assert_non_null(in);
    assert_non_null(fgets(line, sizeof line, in));
    assert_int_equal(split(line, f, 32), 15);
    while (fgets(line, sizeof line, in)) {
        assert_int_equal(split(line, f, 32), 15);
        allot_touch_fields t = {0};
        t.touch_type = f[4];
        t.channel = f[5];
        t.utm_source = f[7];
        t.utm_medium = f[8];
        t.utm_campaign = f[9];
        t.utm_content = f[10];
        t.utm_term = f[11];
        t.click_id = f[12];
        t.landing_page = f[13];
        t.referrer = f[14];
        const char *ch = allot_taxonomy_channel(tx, &t);
        int k = -1;
        for (int i = 0; i < 10; i++)
            if (strcmp(ch, channels[i]) == 0)
                k = i;
        if (k < 0)
            print_error("touch %s classifies as %s\n", f[0], ch);
        assert_true(k >= 0);
        seen[k]++;
        if (f[6][0])
            assert_string_equal(ch, camp_channel[atoi(f[6] + 1)]);
        rows++;
    }
    fclose(in);
    allot_taxonomy_free(tx);
    assert_int_equal(rows, n.touches);
    for (int i = 0; i < 10; i++) {
        if (seen[i] == 0)
            print_error("no touch of channel %s\n", channels[i]);
        assert_true(seen[i] > 0);
    }
    for (int i = 0; allot_synth_files[i]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, allot_synth_files[i]);
        unlink(path);
    }
    rmdir(dir);
}

static void bad_options_are_usage_errors(void **state)
{
    (void)state;
    allot_synth_options opt;
    allot_synth_options_init(&opt);
    allot_synth_counts n;
    opt.touches = 0;
    assert_int_equal(allot_synth_write("/tmp", &opt, &n, NULL), ALLOT_ERR_USAGE);
    allot_synth_options_init(&opt);
    opt.quarters = 41;
    assert_int_equal(allot_synth_write("/tmp", &opt, &n, NULL), ALLOT_ERR_USAGE);
    allot_synth_options_init(&opt);
    allot_error err;
    assert_int_equal(allot_synth_write("/nonexistent/dir", &opt, &n, &err), ALLOT_ERR_IO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(touches_match_the_taxonomy),
        cmocka_unit_test(bad_options_are_usage_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
