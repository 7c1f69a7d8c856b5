/* Taxonomy: the built-in GA4-like grouping (each rule of README "Channel
 * taxonomy" once), config rules first-match-wins, explicit channels, groups. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "taxonomy.h"

static const char *ch(const allot_taxonomy *tx, const char *src, const char *med,
                      const char *ref, const char *type, const char *click, const char *page)
{
    allot_touch_fields t = {0};
    t.utm_source = src;
    t.utm_medium = med;
    t.referrer = ref;
    t.touch_type = type;
    t.click_id = click;
    t.landing_page = page;
    return allot_taxonomy_channel(tx, &t);
}

static void default_grouping(void **state)
{
    (void)state;
    allot_taxonomy *tx;
    assert_int_equal(allot_taxonomy_new(NULL, &tx, NULL), ALLOT_OK);
    /* Direct */
    assert_string_equal(ch(tx, "(direct)", "(none)", NULL, "visit", NULL, NULL), "Direct");
    assert_string_equal(ch(tx, NULL, NULL, NULL, "visit", NULL, NULL), "Direct");
    assert_string_equal(ch(tx, NULL, NULL, NULL, NULL, NULL, NULL), "Direct");
    assert_string_equal(ch(tx, "", "", "", "form", "", ""), "Direct");
    /* Events: by type or medium, before everything else */
    assert_string_equal(ch(tx, "newsletter", "email", NULL, "webinar", NULL, NULL), "Events");
    assert_string_equal(ch(tx, "saastr", "Event", NULL, "visit", NULL, NULL), "Events");
    assert_string_equal(ch(tx, NULL, NULL, NULL, "trade_show", NULL, NULL), "Events");
    /* Partner */
    assert_string_equal(ch(tx, "g2", "affiliate", NULL, NULL, NULL, NULL), "Partner");
    assert_string_equal(ch(tx, "acme", "Partners", NULL, NULL, NULL, NULL), "Partner");
    /* Email */
    assert_string_equal(ch(tx, "hubspot", "email", NULL, NULL, NULL, NULL), "Email");
    assert_string_equal(ch(tx, "Newsletter", NULL, NULL, NULL, NULL, NULL), "Email");
    assert_string_equal(ch(tx, NULL, NULL, NULL, "email", NULL, NULL), "Email");
    /* Paid Search / Paid Social: paid medium + source family */
    assert_string_equal(ch(tx, "google", "cpc", NULL, NULL, NULL, NULL), "Paid Search");
    assert_string_equal(ch(tx, "www.Bing.com", "ppc", NULL, NULL, NULL, NULL), "Paid Search");
    assert_string_equal(ch(tx, "google", "cpm", NULL, NULL, NULL, NULL), "Paid Search"); /* *cp* as GA4 */
    assert_string_equal(ch(tx, "linkedin", "paid_social", NULL, NULL, NULL, NULL), "Paid Social");
    assert_string_equal(ch(tx, "facebook.com", "retargeting", NULL, NULL, NULL, NULL), "Paid Social");
    assert_string_equal(ch(tx, "lnkd.in", "cpc", NULL, NULL, NULL, NULL), "Paid Social");
    /* Display */
    assert_string_equal(ch(tx, "dv360", "display", NULL, NULL, NULL, NULL), "Display");
    assert_string_equal(ch(tx, "taboola", "CPM", NULL, NULL, NULL, NULL), "Display");
    assert_string_equal(ch(tx, "google", "banner", NULL, NULL, NULL, NULL), "Display");
    /* Paid Other: paid medium, unknown source */
    assert_string_equal(ch(tx, "capterra", "cpc", NULL, NULL, NULL, NULL), "Paid Other");
    /* click ids with no medium */
    assert_string_equal(ch(tx, NULL, NULL, NULL, "visit", "gclid:Cj0KCQ", NULL), "Paid Search");
    assert_string_equal(ch(tx, NULL, NULL, NULL, "visit", "Cj0KCQ", NULL), "Paid Search");
    assert_string_equal(ch(tx, NULL, NULL, NULL, "visit", "msclkid:abc", NULL), "Paid Search");
    assert_string_equal(ch(tx, NULL, NULL, NULL, "visit", "li_fat_id:abc", NULL), "Paid Social");
    assert_string_equal(ch(tx, NULL, NULL, NULL, "visit", "dclid:abc", NULL), "Display");
    assert_string_equal(ch(tx, NULL, NULL, NULL, "visit", NULL, "https://x.io/p?a=1&gclid=Z"), "Paid Search");
    assert_string_equal(ch(tx, NULL, NULL, NULL, "visit", NULL, "https://x.io/p?fbclid=Z"), "Direct");
    /* Organic Social / Search */
    assert_string_equal(ch(tx, "linkedin", "social", NULL, NULL, NULL, NULL), "Organic Social");
    assert_string_equal(ch(tx, "t.co", NULL, NULL, NULL, NULL, NULL), "Organic Social");
    assert_string_equal(ch(tx, "acme", "sm", NULL, NULL, NULL, NULL), "Organic Social");
    assert_string_equal(ch(tx, "google", "organic", NULL, NULL, NULL, NULL), "Organic Search");
    assert_string_equal(ch(tx, "duckduckgo", NULL, NULL, NULL, NULL, NULL), "Organic Search");
    assert_string_equal(ch(tx, "acme", "organic", NULL, NULL, NULL, NULL), "Organic Search");
    /* Referral */
    assert_string_equal(ch(tx, "techcrunch.com", "referral", NULL, NULL, NULL, NULL), "Referral");
    /* referrer only */
    assert_string_equal(ch(tx, NULL, NULL, "https://www.google.co.uk/search?q=a", "visit", NULL, NULL),
                        "Organic Search");
    assert_string_equal(ch(tx, NULL, NULL, "https://search.yahoo.com/", NULL, NULL, NULL), "Organic Search");
    assert_string_equal(ch(tx, NULL, NULL, "https://lm.facebook.com/l.php", NULL, NULL, NULL), "Organic Social");
    assert_string_equal(ch(tx, NULL, NULL, "https://t.co/abc", NULL, NULL, NULL), "Organic Social");
    assert_string_equal(ch(tx, NULL, NULL, "https://blog.example.org/post", NULL, NULL, NULL), "Referral");
    /* a TLD alone does not make a family: "news.co" is not a search engine "co" */
    assert_string_equal(ch(tx, NULL, NULL, "https://ask.news.io/", NULL, NULL, NULL), "Organic Search");
    assert_string_equal(ch(tx, NULL, NULL, "https://example.google/", NULL, NULL, NULL), "Referral");
    /* nothing usable but a type */
    assert_string_equal(ch(tx, NULL, NULL, NULL, "ad_click", NULL, NULL), "Paid Other");
    assert_string_equal(ch(tx, NULL, NULL, NULL, "offline", NULL, NULL), "Unassigned");
    assert_string_equal(ch(tx, "acme", "print", NULL, NULL, NULL, NULL), "Unassigned");
    allot_taxonomy_free(tx);
}

static void explicit_channels_and_config_rules(void **state)
{
    (void)state;
    const char *ini = "[taxonomy]\n"
                      "own_domains = acme.com\n"
                      "rule = source~google|bing, medium~cpc -> Search Ads\n"
                      "rule = campaign~*abm*, type=ad_click -> ABM\n"
                      "rule = medium= , source~newsletter* -> Newsletter\n"
                      "rule = referrer_host~*.partnerhub.io -> Partner\n"
                      "rule = source~google -> Never Reached For cpc\n"
                      "group = Search Ads, ABM -> Paid\n"
                      "group = Newsletter -> Owned\n";
    allot_config *cfg;
    assert_int_equal(allot_config_parse(ini, strlen(ini), "t.ini", &cfg, NULL), ALLOT_OK);
    allot_taxonomy *tx;
    assert_int_equal(allot_taxonomy_new(cfg, &tx, NULL), ALLOT_OK);
    allot_touch_fields t = {0};
    t.utm_source = "Google";
    t.utm_medium = "CPC";
    assert_string_equal(allot_taxonomy_channel(tx, &t), "Search Ads");
    t.channel = "Paid Search";                    /* the row's own channel wins */
    assert_string_equal(allot_taxonomy_channel(tx, &t), "Paid Search");
    t.channel = "";
    t.utm_medium = "organic";
    assert_string_equal(allot_taxonomy_channel(tx, &t), "Never Reached For cpc");
    memset(&t, 0, sizeof t);
    t.utm_campaign = "2026-q1-ABM-tier1";
    t.touch_type = "AD_CLICK";
    assert_string_equal(allot_taxonomy_channel(tx, &t), "ABM");
    t.touch_type = "visit";                       /* second condition fails */
    assert_string_equal(allot_taxonomy_channel(tx, &t), "Unassigned");
    t.campaign_channel = "Content Syndication";   /* campaign channel before defaults */
    assert_string_equal(allot_taxonomy_channel(tx, &t), "Content Syndication");
    memset(&t, 0, sizeof t);
    t.utm_source = "newsletter-weekly";
    assert_string_equal(allot_taxonomy_channel(tx, &t), "Newsletter");
    memset(&t, 0, sizeof t);
    t.referrer = "https://eu.partnerhub.io/x";
    assert_string_equal(allot_taxonomy_channel(tx, &t), "Partner");
    t.referrer = "https://app.acme.com/login";    /* own domain: not a referral */
    assert_string_equal(allot_taxonomy_channel(tx, &t), "Direct");
    t.referrer = "https://notacme.com/";
    assert_string_equal(allot_taxonomy_channel(tx, &t), "Referral");
    /* groups: configured first, then built-in, else the channel itself */
    assert_string_equal(allot_taxonomy_group(tx, "Search Ads"), "Paid");
    assert_string_equal(allot_taxonomy_group(tx, "newsletter"), "Owned");
    assert_string_equal(allot_taxonomy_group(tx, "Paid Social"), "Paid");
    assert_string_equal(allot_taxonomy_group(tx, "Direct"), "Organic");
    assert_string_equal(allot_taxonomy_group(tx, "Email"), "Owned");
    assert_string_equal(allot_taxonomy_group(tx, "Events"), "Events");
    assert_string_equal(allot_taxonomy_group(tx, "Content Syndication"), "Content Syndication");
    allot_taxonomy_free(tx);
    allot_config_free(cfg);
}

static void bad_rules_name_the_line(void **state)
{
    (void)state;
    const char *cases[] = {
        "[taxonomy]\nrule = source~google\n",
        "[taxonomy]\nrule = sauce~google -> X\n",
        "[taxonomy]\nrule = -> X\n",
        "[taxonomy]\nrule = source~google ->\n",
        "[taxonomy]\nrule = medium~ -> X\n",
        "[taxonomy]\ngroup = A, B\n",
        /* the reports' group labels (labels.h) are no channel names */
        "[taxonomy]\nrule = source~google -> (none)\n",
        "[taxonomy]\nrule = source~google ->  (unattributed) \n",
        "[taxonomy]\nrule = source~google -> (all)\n",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        allot_config *cfg;
        assert_int_equal(allot_config_parse(cases[i], strlen(cases[i]), "t.ini", &cfg, NULL), ALLOT_OK);
        allot_taxonomy *tx = (allot_taxonomy *)1;
        allot_error err;
        allot_error_clear(&err);
        assert_int_equal(allot_taxonomy_new(cfg, &tx, &err), ALLOT_ERR_CONFIG);
        assert_null(tx);
        assert_string_equal(err.file, "t.ini");
        assert_int_equal(err.line, 2);
        allot_config_free(cfg);
    }
}

static void globs(void **state)
{
    (void)state;
    assert_true(allot_taxonomy_glob("*cp*|ppc", "CPC"));
    assert_true(allot_taxonomy_glob("*cp*|ppc", "ppc"));
    assert_false(allot_taxonomy_glob("*cp*|ppc", "ppcx"));
    assert_true(allot_taxonomy_glob("g?ogle", "Google"));
    assert_false(allot_taxonomy_glob("g?ogle", "gogle"));
    assert_true(allot_taxonomy_glob("*", ""));
    assert_true(allot_taxonomy_glob("a**b", "ab"));
    assert_false(allot_taxonomy_glob("abc", NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(default_grouping),
        cmocka_unit_test(explicit_channels_and_config_rules),
        cmocka_unit_test(bad_rules_name_the_line),
        cmocka_unit_test(globs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
