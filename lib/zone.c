/* zone.c — local civil times as instants, through GLib's GTimeZone (zone.h).
 *
 * GLib reads the system's tz database, including the rule that continues a
 * zone's transitions past the last one listed (the TZif footer), and a
 * GTimeZone is immutable: the loader's reader thread may use it freely. */
#include "zone.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "period.h"

struct allot_zone {
    GTimeZone *tz;
    char *name;
};

allot_status allot_zone_new(const char *name, allot_zone **out, allot_error *err)
{
    *out = NULL;
    GTimeZone *tz = name && name[0] ? g_time_zone_new_identifier(name) : NULL;
    if (!tz)
        return allot_error_set(err, ALLOT_ERR_USAGE, NULL, 0, 0,
                               "unknown time zone '%s': give a tz database name such as "
                               "Europe/Berlin or America/New_York (the files under "
                               "/usr/share/zoneinfo), UTC, or an offset such as +05:30",
                               name ? name : "");
    allot_zone *z = malloc(sizeof *z);
    char *copy = strdup(name);
    if (!z || !copy) {
        free(z);
        free(copy);
        g_time_zone_unref(tz);
        return allot_error_set(err, ALLOT_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    z->tz = tz;
    z->name = copy;
    *out = z;
    return ALLOT_OK;
}

void allot_zone_free(allot_zone *z)
{
    if (!z)
        return;
    g_time_zone_unref(z->tz);
    free(z->name);
    free(z);
}

const char *allot_zone_name(const allot_zone *z)
{
    return z->name;
}

/* The instant local denotes in interval i (-1: none). */
static int64_t instant_in(const allot_zone *z, int i, int64_t local)
{
    return local - g_time_zone_get_offset(z->tz, i);
}

allot_zone_result allot_zone_to_utc(const allot_zone *z, int64_t local, int64_t *utc)
{
    /* GLib finds the interval a local time falls in, preferring standard or
     * daylight time when it falls in two; both answers differ exactly when
     * the local time is repeated, and both are -1 when it was skipped. */
    int standard = g_time_zone_find_interval(z->tz, G_TIME_TYPE_STANDARD, local);
    int daylight = g_time_zone_find_interval(z->tz, G_TIME_TYPE_DAYLIGHT, local);
    if (standard < 0 && daylight < 0)
        return ALLOT_ZONE_SKIPPED;
    if (standard < 0 || daylight < 0 || standard == daylight) {
        *utc = instant_in(z, standard >= 0 ? standard : daylight, local);
        return ALLOT_ZONE_OK;
    }
    int64_t a = instant_in(z, standard, local), b = instant_in(z, daylight, local);
    *utc = a < b ? a : b;
    return ALLOT_ZONE_REPEATED;
}

int64_t allot_zone_local(const allot_zone *z, int64_t t)
{
    if (!z)
        return t;
    int i = g_time_zone_find_interval(z->tz, G_TIME_TYPE_UNIVERSAL, t);
    return t + g_time_zone_get_offset(z->tz, i);
}

int64_t allot_zone_day_of(const allot_zone *z, int64_t t)
{
    return allot_day_of_epoch(allot_zone_local(z, t));
}

int64_t allot_zone_day_start(const allot_zone *z, int64_t day)
{
    int64_t midnight = allot_epoch_of_day(day);
    if (!z)
        return midnight;
    /* Local midnight, the earlier instant when it happened twice: two
     * lookups, where a search costs twenty (a journey build asks once per
     * deal). */
    int64_t utc;
    if (allot_zone_to_utc(z, midnight, &utc) != ALLOT_ZONE_SKIPPED)
        return utc;
    /* Midnight skipped: the first instant whose local day is day. Offsets
     * lie within -26 h..+26 h, so it is in that window around the midnight
     * counted as UTC; a binary search finds it whatever the zone did. */
    int64_t lo = midnight - 26 * 3600, hi = midnight + 26 * 3600;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (allot_zone_day_of(z, mid) >= day)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

int64_t allot_zone_day_end(const allot_zone *z, int64_t day)
{
    return allot_zone_day_start(z, day + 1) - 1;
}
