#!/usr/bin/env bash
# allot-load --timezone: timestamps without a UTC offset are local times of
# the zone, and a date alone begins at the zone's midnight; times with an
# offset and epoch numbers are not touched.
# Expected instants are from Python's zoneinfo (an implementation of its
# own over the same tz database), fold=0 for a repeated time:
#   python3 -c "from zoneinfo import ZoneInfo; from datetime import datetime
#   print(int(datetime.fromisoformat('2026-11-01 01:30').replace(
#       tzinfo=ZoneInfo('America/New_York'), fold=0).timestamp()))"
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$(cd "$1" && pwd) tests=$(cd "$2" && pwd) scratch=$3
rm -rf "$scratch" && mkdir -p "$scratch"
cd "$scratch"

# America/New_York: 2026-07-01 12:00 EDT -> 1782921600; 2026-12-01 12:00
# EST -> 1796144400; 2026-11-01 01:30 happened twice (EDT, then EST): the
# earlier, EDT -> 1793511000. An explicit offset, an epoch number and a
# keep their instant: 2026-07-01T12:00:00+02:00 -> 1782900000,
# 1782921600 -> 1782921600; a date alone is its first instant in New York,
# 2026-07-01 -> 00:00 EDT = 1782878400 (zoneinfo: datetime(2026, 7, 1,
# tzinfo=ZoneInfo('America/New_York')).timestamp(); midnight UTC,
# 1782864000, was 30 June in New York)
# (--date-order MDY: 11/01 alone cannot tell day from month).
cat > people.csv <<'CSV'
person_id,email,created_at,converted_at
p-1,a@example.com,2026-07-01 12:00,2026-12-01 12:00:00
p-2,b@example.com,11/01/2026 01:30 AM,2026-07-01T12:00:00+02:00
p-3,c@example.com,1782921600,2026-07-01
CSV
db=$scratch/ny.db
load --date-order MDY --timezone America/New_York people.csv 2> err; expect "ny exit" "$?" 0
expect "ny summary" "$(grep -c '^allot-load: people.csv: 3 read, 3 loaded, 0 updated, 0 unchanged, 0 rejected, 0 dropped as totals, 1 warnings (table people)' err)" 1
expect "ny repeated" "$(grep -c "^allot-load: warning: people.csv:3:3: '11/01/2026 01:30 AM' (column 'created_at') happened twice in America/New_York (its clocks went back): it and every such time in this file are read as the earlier instant" err)" 1
expect "ny rows" "$(q "SELECT group_concat(person_id||'|'||created_at||'|'||coalesce(converted_at,'NULL'), ';') FROM (SELECT * FROM people ORDER BY person_id)")" \
  "p-1|1782921600|1796144400;p-2|1793511000|1782900000;p-3|1782921600|1782878400"
# The zone is noted: in the load and in the run's parameters.
expect "ny noted" "$(q 'SELECT time_zone FROM loads')" "America/New_York"
expect "ny run" "$(q "SELECT count(*) FROM runs WHERE tool = 'allot-load' AND parameters LIKE '%;timezone=America/New_York'")" 1

# Without --timezone: read as UTC (p-1 12:00 -> 1782907200), one warning
# for the whole file naming the first such time; the load notes UTC.
db=$scratch/utc.db
load --date-order MDY people.csv 2> err; expect "utc exit" "$?" 0
expect "utc summary" "$(grep -c '^allot-load: people.csv: 3 read, 3 loaded, .* 1 warnings (table people)' err)" 1
expect "utc warning" "$(grep -c "^allot-load: warning: people.csv:2:3: '2026-07-01 12:00' (column 'created_at') has no UTC offset: it and every such time in this file are read as UTC (give --timezone with the export's time zone, e.g. --timezone Europe/Berlin, or --timezone UTC to confirm)" err)" 1
expect "utc p-1" "$(q "SELECT created_at FROM people WHERE person_id = 'p-1'")" 1782907200
expect "utc date alone" "$(q "SELECT converted_at FROM people WHERE person_id = 'p-3'")" 1782864000
expect "utc noted" "$(q 'SELECT time_zone FROM loads')" "UTC"
load --date-order MDY --timezone UTC people.csv 2> err; expect "utc confirmed" "$(grep -c '^allot-load: people.csv: 3 read, 0 loaded, 0 updated, 3 unchanged, .* 0 warnings' err)" 1

# A local time the zone skipped (2026-03-08 02:30 in New York, clocks went
# from 02:00 to 03:00) is no instant: the row is rejected, nothing loads.
printf 'person_id,email,created_at\np-9,z@example.com,2026-03-08 02:30\n' > skipped.csv
db=$scratch/skip.db
load --timezone America/New_York skipped.csv 2> err; expect "skipped exit" "$?" 1
expect "skipped reject" "$(sed -n 2p skipped.csv.rejects.csv)" \
  "2,3,created_at,2026-03-08 02:30,no such local time in America/New_York (its clocks skipped it): check --timezone,\"p-9,z@example.com,2026-03-08 02:30\""
expect "skipped nothing" "$(q 'SELECT count(*) FROM people')" 0

# A dialect file: HubSpot's 'Create Date' 2026-10-01 08:00 in Berlin (CEST,
# +2) -> 1790834400; 'Became a Marketing Qualified Lead Date' 2026-10-03
# 12:00 -> 1791021600.
cp "$tests/cases/dialects/hubspot-contacts.csv" .
db=$scratch/hs.db
load --timezone Europe/Berlin hubspot-contacts.csv 2> err; expect "hs exit" "$?" 0
expect "hs summary" "$(grep -c '^allot-load: hubspot-contacts.csv: 2 read, .* 0 warnings (dialect hubspot' err)" 1
expect "hs created" "$(q "SELECT created_at FROM people WHERE contact_id = '501'")" 1790834400
expect "hs mql" "$(q "SELECT entered_at FROM stage_history WHERE entity_id = '501' AND stage = 'mql'")" 1791021600

# An unknown zone is a usage error before any file is read.
"$bin/allot-load" --db "$scratch/x.db" --timezone Mars/Olympus people.csv 2> err
expect "unknown exit" "$?" 2
expect "unknown message" "$(grep -c "^allot-load: --timezone: unknown time zone 'Mars/Olympus': give a tz database name such as Europe/Berlin" err)" 1
expect "unknown no db" "$(test -e "$scratch/x.db" && echo made || echo none)" none

exit $fail
