#!/usr/bin/env bash
# Concurrency: two allot-load runs (each a first load into an empty table,
# the path that switches to a rollback journal) and an allot-credit run start
# together on one database, in several staggered rounds. All three finish
# with exit 0 and no "database is locked"; every row is there (counts equal
# allot-synth's), the loads are recorded, and the ledger equals the ledger of
# a credit run alone on the database either before or after the touches
# arrived (a consistent snapshot, nothing half-seen).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$(cd "$1" && pwd) tests=$(cd "$2" && pwd) scratch=$3
rm -rf "$scratch" && mkdir -p "$scratch"
cd "$scratch"
"$bin/allot-synth" --out co --touches 8000 --seed 9 > counts 2> /dev/null
rows() { awk -F'\t' -v f="$1" '$1 == f { print $2 }' counts; }
"$bin/allot-load" --db base.db co/campaigns.csv co/people.csv co/deals.csv co/deal_people.csv \
  co/stage_history.csv co/subscriptions.csv co/fx_rates.csv 2> load.err || { cat load.err >&2; exit 1; }
sqlite3 base.db "PRAGMA wal_checkpoint(TRUNCATE)" > /dev/null
ledger() { sqlite3 "$1" "SELECT model, deal_id, position, channel, credit_minor FROM ledger ORDER BY 1, 2, 3" | sha256sum | cut -c1-16; }
# References: credit alone before and after the touches are loaded.
cp base.db before.db
"$bin/allot-credit" --db before.db --model rules > /dev/null 2>&1
cp base.db after.db
"$bin/allot-load" --db after.db co/touches.csv 2> /dev/null
"$bin/allot-credit" --db after.db --model rules > /dev/null 2>&1
ref_before=$(ledger before.db) ref_after=$(ledger after.db)
[[ "$ref_before" != "$ref_after" ]] || { echo "FAIL: the touches do not change the ledger" >&2; fail=1; }

for round in 1 2 3 4; do
  rm -f db.db db.db-wal db.db-shm db.db-journal
  cp base.db db.db
  # stagger: round 1 all at once, then the credit run or a loader first
  case $round in
    1) d1=0 d2=0 d3=0 ;; 2) d1=0.2 d2=0.4 d3=0 ;; 3) d1=0 d2=0.1 d3=0.3 ;; 4) d1=0.3 d2=0 d3=0.1 ;;
  esac
  (sleep $d1; exec "$bin/allot-load" --db db.db co/touches.csv) 2> a.err & pa=$!
  (sleep $d2; exec "$bin/allot-load" --db db.db co/spend.csv) 2> b.err & pb=$!
  (sleep $d3; exec "$bin/allot-credit" --db db.db --model rules) > /dev/null 2> c.err & pc=$!
  wait $pa; ra=$?; wait $pb; rb=$?; wait $pc; rc=$?
  expect "round $round exits" "$ra $rb $rc" "0 0 0"
  expect "round $round locked" "$(cat a.err b.err c.err | grep -ci 'locked')" 0
  expect "round $round touches" "$(sqlite3 db.db "SELECT count(*) FROM touches")" "$(rows touches.csv)"
  expect "round $round spend" "$(sqlite3 db.db "SELECT count(*) FROM spend")" "$(rows spend.csv)"
  expect "round $round loads" "$(sqlite3 db.db "SELECT count(*) FROM loads")" 9
  expect "round $round credit run" "$(sqlite3 db.db "SELECT count(*) FROM runs WHERE tool = 'allot-credit' AND status = 'ok'")" 1
  l=$(ledger db.db)
  if [[ "$l" != "$ref_before" && "$l" != "$ref_after" ]]; then
    echo "FAIL round $round: the ledger matches neither reference" >&2; fail=1
  fi
  expect "round $round integrity" "$(sqlite3 db.db "PRAGMA integrity_check")" ok
  expect "round $round journal" "$(sqlite3 db.db "PRAGMA journal_mode")" wal
  ((fail)) && cat a.err b.err c.err >&2
done
echo "concurrent: 4 rounds of two loads and a credit run"
exit $fail
