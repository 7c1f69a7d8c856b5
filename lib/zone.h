/*
 * zone.h — local civil times of a time zone, as instants (UTC).
 *
 * Exports often write timestamps without a UTC offset, in the time zone of
 * the exporting account (HubSpot's portal, a Salesforce user's locale).
 * allot-load --timezone names that zone; this module turns such a local
 * time into the instant it denotes, with the zone's rules (offsets and
 * daylight-saving time over the years) from the system's tz database
 * (Debian's tzdata, read through GLib's GTimeZone).
 *
 * Local times are given and returned as int64 seconds: a local civil time
 * is counted like an epoch (1970-01-01 00:00 local is 0), which is what
 * lib/value.h's allot_value_parse_instant gives for a time without an
 * offset.
 *
 * Two local times are special. When clocks go back (end of daylight-saving
 * time) an hour of local times happens twice: the earlier instant is taken
 * (as Python's zoneinfo with fold=0) and the result says so. When clocks go
 * forward, an hour of local times never happens: such a time is an error in
 * the data or the wrong zone, and the result says so (no instant).
 */
#ifndef ALLOT_ZONE_H
#define ALLOT_ZONE_H

#include <stdint.h>

#include "error.h"

typedef struct allot_zone allot_zone;

/* The zone called name: an IANA tz database name ("Europe/Berlin",
 * "America/New_York", "UTC") or a fixed offset ("+05:30"). ALLOT_ERR_USAGE
 * when the system knows no such zone. Free with allot_zone_free. */
allot_status allot_zone_new(const char *name, allot_zone **out, allot_error *err);

void allot_zone_free(allot_zone *z);

/* The name the zone was made from (owned by z). */
const char *allot_zone_name(const allot_zone *z);

typedef enum allot_zone_result {
    ALLOT_ZONE_OK,          /* one instant */
    ALLOT_ZONE_REPEATED,    /* the local time happened twice: the earlier */
    ALLOT_ZONE_SKIPPED      /* the local time never happened: no instant */
} allot_zone_result;

/* The instant (epoch seconds UTC) at which the zone's clocks showed local
 * (see above) into *utc. */
allot_zone_result allot_zone_to_utc(const allot_zone *z, int64_t local, int64_t *utc);

/* ---- days on the zone's clocks (the company's reporting zone) ----
 *
 * Reports count days, months, quarters and years of timestamps on the
 * clocks of one zone ([general] timezone, README "Configuration"). A day
 * is a count of days since 1970-01-01 (period.h). z NULL means UTC. */

/* The local civil time the zone's clocks showed at instant t (epoch
 * seconds UTC), counted like an epoch (see above). */
int64_t allot_zone_local(const allot_zone *z, int64_t t);

/* The day the zone's clocks showed at instant t (epoch seconds UTC). */
int64_t allot_zone_day_of(const allot_zone *z, int64_t t);

/* The first instant of day on the zone's clocks: its local midnight, or,
 * when the clocks skipped midnight (Sao Paulo 2018), the instant they
 * jumped past it; the earlier one when midnight happened twice. */
int64_t allot_zone_day_start(const allot_zone *z, int64_t day);

/* The last second of day on the zone's clocks (the next day's start - 1):
 * an event on a civil date (a close date) happened by then. */
int64_t allot_zone_day_end(const allot_zone *z, int64_t day);

#endif
