#!/usr/bin/env bash
# allot-load's two-thread load (lib/load.c: a reader thread checks rows, the
# caller's thread writes them in batches of 4096 rows, one INSERT ... SELECT a
# batch through the allot_batch virtual table) on
# a 20,000-row touch file that crosses many batches: rejects at batch edges
# keep their lines and order, a key repeated across batches updates the
# first row, a 700,000-byte field (stored twice in a batch, as field and as
# value: more than its 1 MiB arena) arrives whole, and every stored value
# equals sqlite3's own .import of the same file (an independent reader),
# with unixepoch() for the timestamps.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$(cd "$1" && pwd) scratch=$3
rm -rf "$scratch" && mkdir -p "$scratch"
cd "$scratch" || exit 1
db=$scratch/allot.db
q() { sqlite3 -batch -noheader "$1" "$2"; }

# Data row i is on physical line i + 1. Planted:
#   i=3      occurred_at 'not-a-date'          -> reject, line 4, column 3
#   i=4097   touch_type empty (required)       -> reject, line 4098, column 4
#   i=4098   one field short                   -> reject, line 4099
#   i=10000  landing_page of 700,000 bytes     -> stored whole
#   i=12000  occurred_at '2026-13-01T00:00:00Z' -> reject, line 12001, column 3
#   i=15000  touch_id of row 5000 (an earlier batch), another landing page
#            -> updates that row
#   i=20000  occurred_at empty (required)      -> reject, line 20001, column 3
awk 'BEGIN {
  print "touch_id,person_id,occurred_at,touch_type,landing_page"
  for (i = 1; i <= 20000; i++) {
    s = 1767225600 + i * 61                      # 2026-01-01T00:00:00Z + i minutes and seconds
    ts = strftime("%Y-%m-%dT%H:%M:%SZ", s, 1)
    id = sprintf("T%06d", i); type = (i % 3 ? "visit" : "form"); page = "/p/" i
    if (i == 3) ts = "not-a-date"
    if (i == 4097) type = ""
    if (i == 12000) ts = "2026-13-01T00:00:00Z"
    if (i == 15000) { id = "T005000"; page = "/again" }
    if (i == 20000) ts = ""
    if (i == 10000) { page = "x"; while (length(page) < 699999) page = page page
                      page = "/" substr(page, 1, 699999) }
    if (i == 4098) { print id ",P" (i % 997) "," ts "," type; continue }
    print id ",P" (i % 997) "," ts "," type "," page
  }
}' > touches.csv
expect "fixture rows" "$(wc -l < touches.csv)" 20001

"$bin/allot-load" --db "$db" --max-rejects 10 touches.csv 2> err
expect "exit" "$?" 0
expect "counts" "$(q "$db" "SELECT rows_read||' '||rows_loaded||' '||rows_updated||' '||rows_rejected FROM loads")" \
  "20000 19994 1 5"
expect "rows" "$(q "$db" "SELECT count(*) FROM touches")" 19994
# the load's provenance: the file's size and SHA-256 as coreutils see them
expect "file bytes" "$(q "$db" "SELECT bytes FROM loads")" "$(stat -c %s touches.csv)"
expect "file sha256" "$(q "$db" "SELECT sha256 FROM loads")" "$(sha256sum < touches.csv | cut -c1-64)"
expect "reject lines" "$(q "$db" "SELECT group_concat(line||':'||ifnull(column_no,'-'), ' ') FROM (SELECT * FROM rejects ORDER BY rowid)")" \
  "4:3 4098:4 4099:- 12001:3 20001:3"
expect "rejects file lines" "$(tail -n +2 touches.csv.rejects.csv | cut -d, -f1 | tr '\n' ' ')" \
  "4 4098 4099 12001 20001 "
expect "short row reason" "$(q "$db" "SELECT reason FROM rejects WHERE line = 4099")" \
  "has 4 fields but the header has 5"
expect "required reason" "$(q "$db" "SELECT reason FROM rejects WHERE line = 4098")" \
  "required value is missing"
expect "long field" "$(q "$db" "SELECT length(landing_page), source_row FROM touches WHERE touch_id = 'T010000'")" \
  "700000|10001"
expect "repeated key" "$(q "$db" "SELECT landing_page, source_row FROM touches WHERE touch_id = 'T005000'")" \
  "/again|15001"

# Every stored row against sqlite3's .import of the same file: the last row
# of each touch_id that is not rejected (rejected lines: the data rows above).
sqlite3 ref.db ".import --csv touches.csv raw" 2> /dev/null
q ref.db "ALTER TABLE raw ADD COLUMN line INTEGER; UPDATE raw SET line = rowid + 1;
          DELETE FROM raw WHERE line IN (4, 4098, 4099, 12001, 20001) OR line = 5001;"
expect "reference rows" "$(q ref.db "SELECT count(*) FROM raw")" 19994
mismatches=$(q "$db" "ATTACH 'ref.db' AS ref;
  SELECT count(*) FROM ref.raw r LEFT JOIN touches t ON t.touch_id = r.touch_id
  WHERE t.touch_id IS NULL OR t.person_id IS NOT r.person_id OR t.occurred_at IS NOT unixepoch(r.occurred_at)
     OR t.touch_type IS NOT r.touch_type OR t.landing_page IS NOT r.landing_page OR t.source_row IS NOT r.line")
expect "rows equal to sqlite3 .import" "$mismatches" 0

# A reload changes nothing but the repeated key, which flips twice (its two
# rows differ): 19,993 rows unchanged, 2 updates.
"$bin/allot-load" --db "$db" --max-rejects 10 touches.csv 2> err
expect "reload exit" "$?" 0
expect "reload counts" "$(q "$db" "SELECT rows_loaded||' '||rows_updated||' '||rows_unchanged||' '||rows_rejected FROM loads WHERE load_id = 2")" \
  "0 2 19993 5"

# A new database is built in a private draft (PATH.draft-PID) and appears
# whole. Two loads creating the same new database at once: one publishes,
# the other finds the database there and loads its file again into it (a
# warning says so). Either way both files are in, and no draft is left.
awk 'BEGIN { print "person_id,email"; for (i = 1; i <= 2000; i++) print "P" i ",p" i "@example.com" }' > people.csv
"$bin/allot-load" --db new.db --max-rejects 10 touches.csv 2> race-a.err & pa=$!
"$bin/allot-load" --db new.db people.csv 2> race-b.err & pb=$!
wait $pa; ra=$?
wait $pb; rb=$?
expect "race exits" "$ra $rb" "0 0"
expect "race touches" "$(q new.db "SELECT count(*) FROM touches")" 19994
expect "race people" "$(q new.db "SELECT count(*) FROM people")" 2000
expect "race loads" "$(q new.db "SELECT count(*) FROM loads WHERE rows_loaded > 0")" 2
expect "race journal" "$(q new.db "PRAGMA journal_mode")" wal
expect "race integrity" "$(q new.db "PRAGMA integrity_check")" ok
expect "no draft left" "$(ls | grep -c 'draft-')" 0

# A first load killed midway: the database is either absent (killed before
# it was published) or whole, never half-built; the next load removes the
# dead process's draft and gives the full result.
awk 'BEGIN { print "touch_id,person_id,occurred_at,touch_type"
  for (i = 1; i <= 400000; i++) printf "T%07d,P%d,2026-03-%02dT10:00:00Z,visit\n", i, i % 5000, 1 + i % 28 }' > many.csv
"$bin/allot-load" --db killed.db many.csv 2> /dev/null & pk=$!
sleep 0.3
kill -KILL $pk 2> /dev/null
wait $pk 2> /dev/null
if [[ -e killed.db ]]; then
  expect "killed: whole" "$(q killed.db "SELECT count(*) FROM touches")" 400000
fi
"$bin/allot-load" --db killed.db many.csv 2> /dev/null
expect "after kill: exit" "$?" 0
expect "after kill: rows" "$(q killed.db "SELECT count(*) FROM touches")" 400000
expect "after kill: integrity" "$(q killed.db "PRAGMA integrity_check")" ok
expect "after kill: no draft left" "$(ls | grep -c 'killed.db.draft-')" 0

exit $fail
