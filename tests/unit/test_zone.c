/* Zone: local civil times as instants, against Python's zoneinfo (the same
 * tz database, read by another implementation). Each expected value comes
 * from
 *   python3 -c "from zoneinfo import ZoneInfo; from datetime import datetime
 *   d = datetime.fromisoformat('2026-10-25 02:30').replace(
 *       tzinfo=ZoneInfo('Europe/Berlin'), fold=0); print(int(d.timestamp()))"
 * (fold=0: the earlier instant of a repeated time), and whether a local
 * time exists from a round trip through UTC (the script is in the comment
 * of each group). A local time is given as its civil time counted as UTC:
 *   datetime.fromisoformat(s).replace(tzinfo=timezone.utc).timestamp(). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "zone.h"

typedef struct zcase {
    const char *zone, *local_text;
    int64_t local;            /* the civil time counted as UTC */
    allot_zone_result result;
    int64_t utc;              /* zoneinfo, fold=0 (unused when skipped) */
} zcase;

static const zcase cases[] = {
    /* CEST (+2) in October, CET (+1) in winter and far past the last
     * transition listed in the tz file (2040, 2060: its rule) */
    {"Europe/Berlin", "2026-10-01 08:00", 1790841600, ALLOT_ZONE_OK, 1790834400},
    {"Europe/Berlin", "2026-03-29 01:59:59", 1774749599, ALLOT_ZONE_OK, 1774745999},
    {"Europe/Berlin", "2026-03-29 02:30", 1774751400, ALLOT_ZONE_SKIPPED, 0},
    {"Europe/Berlin", "2026-03-29 03:00", 1774753200, ALLOT_ZONE_OK, 1774746000},
    {"Europe/Berlin", "2026-10-25 02:30", 1792895400, ALLOT_ZONE_REPEATED, 1792888200},
    {"Europe/Berlin", "2026-10-25 03:00", 1792897200, ALLOT_ZONE_OK, 1792893600},
    {"Europe/Berlin", "2040-07-01 12:00", 2224756800, ALLOT_ZONE_OK, 2224749600},
    {"Europe/Berlin", "2060-01-01 00:00", 2840140800, ALLOT_ZONE_OK, 2840137200},
    /* EDT (-4) and EST (-5), both changes of 2026 */
    {"America/New_York", "2026-03-08 02:30", 1772937000, ALLOT_ZONE_SKIPPED, 0},
    {"America/New_York", "2026-11-01 01:30", 1793496600, ALLOT_ZONE_REPEATED, 1793511000},
    {"America/New_York", "2026-07-01 12:00", 1782907200, ALLOT_ZONE_OK, 1782921600},
    {"America/New_York", "2026-12-01 12:00", 1796126400, ALLOT_ZONE_OK, 1796144400},
    /* a half-hour daylight-saving shift; a half-hour offset */
    {"Australia/Lord_Howe", "2026-04-05 01:45", 1775353500, ALLOT_ZONE_REPEATED, 1775313900},
    {"Australia/Lord_Howe", "2026-01-15 12:00", 1768478400, ALLOT_ZONE_OK, 1768438800},
    {"Asia/Kolkata", "2026-06-01 00:00", 1780272000, ALLOT_ZONE_OK, 1780252200},
    /* midnight skipped (Brazil 2018); a whole day skipped (Samoa 2011) */
    {"America/Sao_Paulo", "2018-11-04 00:30", 1541291400, ALLOT_ZONE_SKIPPED, 0},
    {"Pacific/Apia", "2011-12-30 12:00", 1325246400, ALLOT_ZONE_SKIPPED, 0},
    /* an hour repeated with no daylight-saving time (Moscow, +4 to +3) */
    {"Europe/Moscow", "2014-10-26 01:30", 1414287000, ALLOT_ZONE_REPEATED, 1414272600},
    {"UTC", "2026-05-05 05:05", 1777957500, ALLOT_ZONE_OK, 1777957500},
    /* a fixed offset: 00:00 at +05:30 is 18:30 the day before */
    {"+05:30", "2026-06-01 00:00", 1780272000, ALLOT_ZONE_OK, 1780252200},
};

static void local_times_match_zoneinfo(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const zcase *c = &cases[i];
        allot_zone *z = NULL;
        allot_error err;
        allot_error_clear(&err);
        assert_int_equal(allot_zone_new(c->zone, &z, &err), ALLOT_OK);
        assert_string_equal(allot_zone_name(z), c->zone);
        int64_t utc = -1;
        allot_zone_result r = allot_zone_to_utc(z, c->local, &utc);
        if (r != c->result || (r != ALLOT_ZONE_SKIPPED && utc != c->utc))
            fail_msg("%s %s: result %d, instant %lld; expected %d, %lld", c->zone,
                     c->local_text, (int)r, (long long)utc, (int)c->result,
                     (long long)c->utc);
        allot_zone_free(z);
    }
}

/* Days on a zone's clocks, against zoneinfo: the first instant t of each
 * day is the earliest t (searched minute by minute around the day) with
 *   datetime.fromtimestamp(t, ZoneInfo(zone)).date() >= day
 * and a day ends one second before the next one starts. */
typedef struct dcase {
    const char *zone, *date;
    int64_t day, start, end;
} dcase;

static const dcase days[] = {
    {"Europe/Berlin", "2026-10-01", 20727, 1790805600, 1790891999},
    {"Europe/Berlin", "2026-03-29", 20541, 1774738800, 1774821599},      /* 23 h */
    {"America/New_York", "2026-11-01", 20758, 1793505600, 1793595599},   /* 25 h */
    {"America/Sao_Paulo", "2018-11-04", 17839, 1541300400, 1541383199},  /* starts 01:00 */
    {"Asia/Kolkata", "2026-06-01", 20605, 1780252200, 1780338599},
    {"Pacific/Apia", "2011-12-30", 15338, 1325239200, 1325239199},       /* never happened */
    {"Pacific/Apia", "2011-12-31", 15339, 1325239200, 1325325599},
    {"Australia/Lord_Howe", "2026-04-05", 20548, 1775307600, 1775395799}, /* 24.5 h */
    {"UTC", "2026-05-05", 20578, 1777939200, 1778025599},
};

static void days_match_zoneinfo(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
        allot_zone *z;
        allot_error err;
        assert_int_equal(allot_zone_new(days[i].zone, &z, &err), ALLOT_OK);
        int64_t start = allot_zone_day_start(z, days[i].day);
        int64_t end = allot_zone_day_end(z, days[i].day);
        if (start != days[i].start || end != days[i].end)
            fail_msg("%s %s: %lld..%lld, zoneinfo %lld..%lld", days[i].zone, days[i].date,
                     (long long)start, (long long)end, (long long)days[i].start,
                     (long long)days[i].end);
        if (days[i].end >= days[i].start) { /* a day that happened */
            assert_int_equal(allot_zone_day_of(z, start), days[i].day);
            assert_int_equal(allot_zone_day_of(z, end), days[i].day);
            assert_true(allot_zone_day_of(z, start - 1) < days[i].day); /* Apia: the 29th */
            assert_int_equal(allot_zone_day_of(z, end + 1), days[i].day + 1);
        }
        allot_zone_free(z);
    }
    /* before 1970: Kolkata's 1970-01-01 began at -19800 (days count down) */
    allot_zone *z;
    allot_error err;
    assert_int_equal(allot_zone_new("Asia/Kolkata", &z, &err), ALLOT_OK);
    assert_int_equal(allot_zone_day_of(z, -19800), 0);
    assert_int_equal(allot_zone_day_of(z, -19801), -1);
    allot_zone_free(z);
    /* the clocks at an instant: 03:30 CEST on the day they went forward */
    assert_int_equal(allot_zone_new("Europe/Berlin", &z, &err), ALLOT_OK);
    assert_int_equal(allot_zone_local(z, 1774747800), 1774755000); /* 2026-03-29T03:30 */
    allot_zone_free(z);
    /* no zone is UTC */
    assert_int_equal(allot_zone_day_of(NULL, 1790805599), 20726);
    assert_int_equal(allot_zone_day_of(NULL, -1), -1);
    assert_int_equal(allot_zone_day_start(NULL, 20727), 1790812800);
    assert_int_equal(allot_zone_day_end(NULL, 20727), 1790899199);
}

static void unknown_zones_are_usage_errors(void **state)
{
    (void)state;
    const char *bad[] = {"Mars/Olympus", "", "Europe/", "../../etc/passwd"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        allot_zone *z = (allot_zone *)&z;
        allot_error err;
        allot_error_clear(&err);
        assert_int_equal(allot_zone_new(bad[i], &z, &err), ALLOT_ERR_USAGE);
        assert_null(z);
        assert_non_null(strstr(err.message, "unknown time zone"));
        assert_non_null(strstr(err.message, "Europe/Berlin"));
    }
    allot_zone_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(local_times_match_zoneinfo),
        cmocka_unit_test(days_match_zoneinfo),
        cmocka_unit_test(unknown_zones_are_usage_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
