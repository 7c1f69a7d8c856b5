#!/usr/bin/env bash
# Crash safety: allot-load and allot-credit killed with SIGKILL at seeded
# random moments. After each kill the database passes PRAGMA
# integrity_check and equals either its state before the run or the state
# after an uninterrupted run (a kill after COMMIT); re-running the same
# command then gives exactly the uninterrupted result. Three scenarios: a
# first load into an empty table (the bulk path with a rollback journal), a
# reload that updates rows (the WAL upsert path), and a credit run writing
# the ledger. Prints "N/N kills survived" per scenario.
set -uo pipefail
bin=$(cd "$1" && pwd) tests=$(cd "$2" && pwd) scratch=$3
rm -rf "$scratch" && mkdir -p "$scratch"
cd "$scratch"
RANDOM=20261122            # seeded: the same kill moments on every run
kills=${ALLOT_CRASH_KILLS:-6}
fail=0

# The database's content as one hash: every table in a fixed order with the
# run/load timestamps blanked (they record when, not what).
canon() {
  rm -f canon.db
  sqlite3 "$1" ".backup canon.db" || { echo "cannot back up $1" >&2; return 1; }
  sqlite3 canon.db "UPDATE loads SET loaded_at = 0; UPDATE runs SET started_at = 0,
                    finished_at = CASE WHEN finished_at IS NULL THEN NULL ELSE 0 END;"
  sqlite3 canon.db .dump | sha256sum | cut -c1-64
}
now_ms() { date +%s%3N; }

# scenario NAME BASE_DB COMMAND...: COMMAND runs against work.db.
scenario() {
  local name=$1 base=$2; shift 2
  local before ref t0 t1 ms survived=0 committed=0 i
  before=$(canon "$base")
  cp "$base" ref.db
  t0=$(now_ms)
  (export DB=ref.db; "$@") > /dev/null 2> ref.err || { cat ref.err >&2; echo "FAIL $name: uninterrupted run failed" >&2; fail=1; return; }
  t1=$(now_ms)
  ms=$((t1 - t0))
  ref=$(canon ref.db)
  [[ "$ref" != "$before" ]] || { echo "FAIL $name: the run changed nothing" >&2; fail=1; return; }
  for ((i = 1; i <= kills; i++)); do
    rm -f work.db work.db-wal work.db-shm work.db-journal
    cp "$base" work.db
    local delay=$(( (RANDOM * 32768 + RANDOM) % (ms + ms / 10 + 1) ))
    (export DB=work.db; exec "$@") > /dev/null 2>&1 &
    local pid=$!
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    kill -KILL "$pid" 2> /dev/null
    wait "$pid" 2> /dev/null
    local ic state again
    ic=$(sqlite3 work.db "PRAGMA integrity_check")
    state=$(canon work.db)
    if [[ "$state" == "$ref" ]]; then committed=$((committed + 1)); fi
    (export DB=work.db; "$@") > /dev/null 2> again.err
    local rc=$?
    again=$(canon work.db)
    if [[ "$ic" == ok && ( "$state" == "$before" || "$state" == "$ref" ) && $rc == 0 &&
          ( "$again" == "$ref" || "$state" == "$ref" ) ]]; then
      survived=$((survived + 1))
    else
      echo "FAIL $name kill $i after ${delay} ms: integrity [$ic], state $( [[ $state == "$before" ]] && echo before || ([[ $state == "$ref" ]] && echo after || echo OTHER)), rerun exit $rc" >&2
      cat again.err >&2
      fail=1
    fi
  done
  echo "crash_kill: $name: $survived/$kills kills survived (uninterrupted run ${ms} ms; $committed kill(s) came after the commit)"
}

"$bin/allot-synth" --out co --touches ${ALLOT_CRASH_TOUCHES:-12000} --seed 5 > /dev/null 2>&1
# base-empty.db: everything but touches. base-full.db: everything.
"$bin/allot-load" --db base-empty.db co/campaigns.csv co/spend.csv co/people.csv co/deals.csv \
  co/deal_people.csv co/stage_history.csv co/subscriptions.csv co/fx_rates.csv 2> load.err ||
  { cat load.err >&2; exit 1; }
sqlite3 base-empty.db "PRAGMA wal_checkpoint(TRUNCATE)" > /dev/null
cp base-empty.db base-full.db
"$bin/allot-load" --db base-full.db co/touches.csv 2> load.err || { cat load.err >&2; exit 1; }
sqlite3 base-full.db "PRAGMA wal_checkpoint(TRUNCATE)" > /dev/null
# A newer export of the touches: every row's landing page changed.
awk -F, 'BEGIN { OFS = "," } NR > 1 { $14 = $14 "?v=2" } { print }' co/touches.csv > touches-v2.csv

load_touches() { "$bin/allot-load" --db "$DB" co/touches.csv; }
reload_touches() { "$bin/allot-load" --db "$DB" touches-v2.csv; }
credit() { "$bin/allot-credit" --db "$DB" --model rules; }

scenario "first load" base-empty.db load_touches
scenario "reload" base-full.db reload_touches
scenario "credit" base-full.db credit
exit $fail
