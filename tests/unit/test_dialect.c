/* Dialects: Salesforce id checksums, header normalisation, recognition. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dialect.h"

/* Expected suffixes from data-model.md (006q000000Hddoh -> AAB,
 * a0D30000001n7Pi -> EAI) and from an independent python reference:
 *   a='ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'
 *   i+''.join(a[sum(1<<j for j in range(5) if 'A'<=i[c*5+j]<='Z')] for c in range(3))
 * -> 00Q3000000AbCd1EAF, ABCDEABCDEABCDE555, 7013000000AbCdeAAF. */
static void salesforce_ids_get_their_checksum(void **state)
{
    (void)state;
    char out[19];
    assert_int_equal(allot_sfid18("006q000000Hddoh", out), 1);
    assert_string_equal(out, "006q000000HddohAAB");
    assert_int_equal(allot_sfid18("a0D30000001n7Pi", out), 1);
    assert_string_equal(out, "a0D30000001n7PiEAI");
    allot_sfid18("00Q3000000AbCd1", out);
    assert_string_equal(out, "00Q3000000AbCd1EAF");
    allot_sfid18("ABCDEABCDEABCDE", out);
    assert_string_equal(out, "ABCDEABCDEABCDE555");
    /* 18 characters already, or not an id: left as they are */
    assert_int_equal(allot_sfid18("006q000000HddohAAB", out), 0);
    assert_string_equal(out, "006q000000HddohAAB");
    assert_int_equal(allot_sfid18("006q000000Hdd-h", out), 0);
    assert_string_equal(out, "006q000000Hdd-h");
}

static void header_names_are_normalised(void **state)
{
    (void)state;
    char out[128];
    allot_dialect_norm("  Close Date \xE2\x86\x91 ", out, sizeof out);   /* sort arrow */
    assert_string_equal(out, "close date");
    allot_dialect_norm("Montant d\xC3\xA9pens\xC3\xA9  (EUR)", out, sizeof out);
    assert_string_equal(out, "montant depense (eur)");
    allot_dialect_norm("\xEF\xBB\xBFIdentifica\xC3\xA7\xC3\xA3o da campanha", out, sizeof out);
    assert_string_equal(out, "identificacao da campanha");
    allot_dialect_norm("Stage\xE2\x96\xBC", out, sizeof out);
    assert_string_equal(out, "stage");
}

static allot_csv_record make(const char **names, size_t n, allot_csv_field *f)
{
    for (size_t i = 0; i < n; i++) {
        f[i].text = names[i];
        f[i].len = strlen(names[i]);
        f[i].quoted = 0;
    }
    allot_csv_record r = {1, n, f, NULL, 0};
    return r;
}

static void shapes_are_recognised(void **state)
{
    (void)state;
    allot_csv_field f[16];
    allot_dialect_match m;
    const char *gads[] = {"Day", "Campaign", "Campaign ID", "Currency code", "Cost", "Impr."};
    allot_csv_record r = make(gads, 6, f);
    allot_dialect_classify(-1, &r, &m);
    assert_true(m.shape >= 0);
    assert_string_equal(m.dialect, "google-ads");
    assert_string_equal(m.shape_name, "UI download");
    const char *meta[] = {"Nombre de la campa\xC3\xB1" "a", "D\xC3\xAD" "a", "Importe gastado (EUR)"};
    r = make(meta, 3, f);
    allot_dialect_classify(-1, &r, &m);
    assert_string_equal(m.dialect, "meta-ads");
    const char *hist[] = {"Id", "OpportunityId", "CreatedDate", "StageName", "Amount", "CloseDate"};
    r = make(hist, 6, f);
    allot_dialect_classify(-1, &r, &m);
    assert_string_equal(m.shape_name, "OpportunityHistory");
    /* nothing recognised: the closest shape and what it misses */
    const char *near[] = {"Day", "Campaign", "Spend money"};
    r = make(near, 3, f);
    allot_dialect_classify(-1, &r, &m);
    assert_int_equal(m.shape, -1);
    assert_string_equal(m.dialect, "google-ads");
    assert_string_equal(m.missing, "'cost'");
    /* forcing a dialect only looks at its shapes: none of Salesforce's key
     * columns is in a Google Ads header, so there is no closest shape */
    r = make(gads, 6, f);
    allot_dialect_classify(allot_dialect_find("salesforce"), &r, &m);
    assert_int_equal(m.shape, -1);
    assert_null(m.dialect);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(salesforce_ids_get_their_checksum),
        cmocka_unit_test(header_names_are_normalised),
        cmocka_unit_test(shapes_are_recognised),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
