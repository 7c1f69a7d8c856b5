#!/usr/bin/env bash
# allot-load: idempotent reload, newer exports, rejected rows (exit 1, exact
# rejects file, database unchanged), rejection budget, hostile and missing
# files, usage errors.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$(cd "$1" && pwd) tests=$(cd "$2" && pwd) scratch=$3
rm -rf "$scratch" && mkdir -p "$scratch"
cases=$tests/cases/load
db=$scratch/allot.db

cd "$scratch"
mkdir -p first newer bad
cp "$cases/deals.csv" first/deals.csv
cp "$cases/newer/deals.csv" newer/deals.csv
cp "$cases/bad/deals.csv" bad/deals.csv

load first/deals.csv 2> err; expect "first load" "$?" 0
dump > before-reload.txt

# Idempotent reload: every row unchanged, data identical, one more load row.
load first/deals.csv 2> err; expect "reload exit" "$?" 0
expect "reload summary" "$(grep -c '^allot-load: first/deals.csv: 3 read, 0 loaded, 0 updated, 3 unchanged, 0 rejected' err)" 1
expect "reload data" "$(q "SELECT deal_id||'|'||amount_micros||'|'||load_id FROM deals WHERE deal_id='d-1'")" "d-1|48000000000|1"
expect "reload loads" "$(q "SELECT group_concat(rows_loaded||'/'||rows_unchanged, ' ') FROM loads")" "3/0 0/3"
expect "reload same sha" "$(q "SELECT count(DISTINCT sha256) FROM loads")" 1

# A newer export: d-1 unchanged, d-2 now won with an amount, d-3 absent (kept), d-4 new.
load newer/deals.csv 2> err; expect "newer exit" "$?" 0
expect "newer summary" "$(grep -c '^allot-load: newer/deals.csv: 3 read, 1 loaded, 1 updated, 1 unchanged, 0 rejected' err)" 1
expect "newer d-2" "$(q "SELECT amount_micros||'|'||currency||'|'||stage||'|'||is_won||'|'||close_date||'|'||load_id||'|'||source_row FROM deals WHERE deal_id='d-2'")" \
  "25000000000|USD|Closed Won|1|2026-06-30|3|3"
expect "newer d-4" "$(q "SELECT amount_micros||'|'||currency||'|'||load_id FROM deals WHERE deal_id='d-4'")" "900000000|GBP|3"
expect "newer keeps d-3" "$(q "SELECT count(*) FROM deals")" 4

# Bad rows beyond the budget: exit 1, nothing committed, exact rejects.
dump > before-bad.txt
load bad/deals.csv 2> err; expect "bad exit" "$?" 1
expect "bad summary" "$(grep -c '^allot-load: bad/deals.csv: 10 read, 2 loaded, 0 updated, 0 unchanged, 8 rejected, 0 dropped as totals, 0 warnings (table deals; nothing committed)' err)" 1
dump > after-bad.txt
expect "bad leaves database unchanged" "$(cmp -s before-bad.txt after-bad.txt && echo same)" same
expect "bad rejects file" "$(cat bad/deals.csv.rejects.csv)" "$(cat "$cases/bad/deals.expected-rejects.csv")"

# Within a budget of 8 the good rows commit and the rejects are recorded.
load --max-rejects 8 bad/deals.csv 2> err; expect "budget exit" "$?" 0
expect "budget rows" "$(q "SELECT group_concat(deal_id, ' ') FROM (SELECT deal_id FROM deals WHERE deal_id IN ('d-10','d-14') ORDER BY deal_id)")" "d-10 d-14"
# The quoted line break of this CRLF file is kept as written (CR LF).
expect "multi-line name kept" "$(q "SELECT name FROM deals WHERE deal_id='d-14'")" $'Multi\r\nline name'
expect "rejects table" "$(q "SELECT group_concat(line||':'||coalesce(column_no,'')||':'||reason, '|') FROM (SELECT * FROM rejects ORDER BY line)")" \
  "3:9:no such calendar date|4:4:not a number|5:5:not an ISO 4217 currency code|6:1:required value is missing|9::has 5 fields but the header has 10|10:9:no such time of day|11:7:not a boolean (true/false, yes/no, 1/0)|12:5:the amount says EUR but the currency is USD"
expect "rejects load id" "$(q "SELECT DISTINCT r.load_id = l.load_id FROM rejects r JOIN loads l ON l.file = 'bad/deals.csv'")" 1
# --rejects-dir puts the file elsewhere.
mkdir -p rj
load --max-rejects 8 --rejects-dir rj bad/deals.csv 2> err; expect "rejects-dir exit" "$?" 0
expect "rejects-dir file" "$(cmp -s rj/deals.csv.rejects.csv "$cases/bad/deals.expected-rejects.csv" && echo same)" same

# spend requires a currency; a symbol in the cost gives it, as in deals:
# '£5' with an empty currency loads as 5 GBP; a bare 5 has none (rejected at
# the currency column); '€5' with USD contradicts it.
printf 'campaign_id,date,cost,currency\nC1,2026-07-01,\xc2\xa35,\nC1,2026-07-02,5,\nC1,2026-07-03,\xe2\x82\xac5,USD\n' > spend-symbols.csv
load --max-rejects 2 spend-symbols.csv 2> err; expect "spend symbols exit" "$?" 0
expect "spend symbols rows" "$(q "SELECT group_concat(date||'|'||cost_micros||'|'||currency, ';') FROM spend")" "2026-07-01|5000000|GBP"
expect "spend symbols rejects" "$(q "SELECT group_concat(line||':'||column_no||':'||reason, '|') FROM (SELECT * FROM rejects WHERE file = 'spend-symbols.csv' ORDER BY line)")" \
  "3:4:required value is missing|4:4:the amount says EUR but the currency is USD"

# --default-currency: amounts without a currency of their own (empty column,
# no symbol) take it; a symbol still wins ('£50' is GBP); a code that is not
# ISO 4217 is a usage error (exit 2).
printf 'campaign_id,date,cost,currency\nC2,2026-07-04,7,\nC2,2026-07-05,\xc2\xa350,\n' > spend-default.csv
load --default-currency eur spend-default.csv 2> err; expect "default currency exit" "$?" 0
expect "default currency rows" "$(q "SELECT group_concat(date||'|'||cost_micros||'|'||currency, ';') FROM (SELECT * FROM spend WHERE campaign_id = 'C2' ORDER BY date)")" \
  "2026-07-04|7000000|EUR;2026-07-05|50000000|GBP"
expect "default currency recorded" "$(q "SELECT parameters LIKE '%default_currency=EUR;%' FROM runs WHERE tool = 'allot-load' ORDER BY run_id DESC LIMIT 1")" 1
load --default-currency EURO spend-default.csv 2> err; expect "bad default currency exit" "$?" 2

# Hostile input: 64 KiB of seeded random bytes -> a clean error, exit 1, nothing changed.
python3 -c 'import random,sys; r=random.Random(20261122); sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(65536)))' > random.csv
dump > before-random.txt
load random.csv 2> err; rc=$?
expect "random exit" "$rc" 1
expect "random message" "$(grep -c '^allot-load: error: random.csv' err)" 1
dump > after-random.txt
expect "random leaves database unchanged" "$(cmp -s before-random.txt after-random.txt && echo same)" same
# Same with NUL-free printable junk and a single endless quoted field.
{ printf 'deal_id,created_at\n"'; head -c 200000 /dev/zero | tr '\0' 'x'; } > open-quote.csv
load open-quote.csv 2> err; expect "open quote exit" "$?" 1
expect "open quote message" "$(grep -c 'open-quote.csv:2:1: quoted field never closes' err)" 1
: > empty.csv
load empty.csv 2> err; expect "empty exit" "$?" 1
printf 'foo,bar\n1,2\n' > unknown.csv
load unknown.csv 2> err; expect "unknown header exit" "$?" 1
# (no canonical or dialect column name in it: the message says so)
expect "unknown header message" "$(grep -c 'unknown.csv:1: the header matches no canonical table and no dialect (no known column name in it)' err)" 1
load --header-line 1 unknown.csv 2> err; expect "forced unknown header exit" "$?" 1
expect "forced unknown header message" "$(grep -c 'unknown.csv:1: the header matches no canonical table' err)" 1
printf 'deal_id,name\nd-1,x\n' > noreq.csv
load noreq.csv 2> err; expect "missing required column exit" "$?" 1
expect "missing required column message" "$(grep -c "no 'created_at' column, which table deals requires" err)" 1

# Repeated keys in one file, first load into empty tables: the later row
# wins (counted as updated), an identical repeat is unchanged.
mkdir -p dup && cp "$cases"/dup/*.csv dup/
dupdb=$scratch/dup.db
cp "$cases/fx_rates.csv" dup/
"$bin/allot-load" --db "$dupdb" dup/fx_rates.csv 2> /dev/null
indexes() { sqlite3 "$dupdb" "SELECT group_concat(name||':'||coalesce(sql,''), '|') FROM (SELECT * FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('deals','stage_history') ORDER BY name)"; }
before_indexes=$(indexes)
"$bin/allot-load" --db "$dupdb" dup/deals.csv dup/stage_history.csv 2> err; expect "dup exit" "$?" 0
expect "dup deals summary" "$(grep -c '^allot-load: dup/deals.csv: 4 read, 2 loaded, 1 updated, 1 unchanged, 0 rejected' err)" 1
expect "dup stage summary" "$(grep -c '^allot-load: dup/stage_history.csv: 2 read, 1 loaded, 0 updated, 1 unchanged, 0 rejected' err)" 1
expect "dup deals values" "$(sqlite3 "$dupdb" "SELECT group_concat(deal_id||':'||amount_micros||':'||source_row, ' ') FROM (SELECT * FROM deals ORDER BY deal_id)")" \
  "d-1:250000000:4 d-2:5000000:3"
expect "dup indexes rebuilt" "$(indexes)" "$before_indexes"
expect "dup journal mode back to WAL" "$(sqlite3 "$dupdb" "PRAGMA journal_mode")" "wal"

# A failed first load (rejects beyond the budget) into an empty table rolls
# back the dropped indexes too and leaves WAL mode.
fdb=$scratch/failed-first.db
"$bin/allot-load" --db "$fdb" dup/fx_rates.csv 2> /dev/null
dupdb_saved=$dupdb; dupdb=$fdb
before_failed=$(indexes)
"$bin/allot-load" --db "$fdb" --rejects-dir rj bad/deals.csv 2> err; expect "failed first exit" "$?" 1
expect "failed first indexes" "$(indexes)" "$before_failed"
expect "failed first empty" "$(sqlite3 "$fdb" "SELECT count(*) FROM deals")" 0
expect "failed first journal" "$(sqlite3 "$fdb" "PRAGMA journal_mode")" "wal"
dupdb=$dupdb_saved

# Two loads at once into one database wait for each other and lose nothing.
cdb=$scratch/concurrent.db
cp "$cases/touches.csv" "$cases/people.csv" .
"$bin/allot-load" --db "$cdb" touches.csv 2> err1 & p1=$!
"$bin/allot-load" --db "$cdb" people.csv 2> err2 & p2=$!
wait $p1; r1=$?; wait $p2; r2=$?
expect "concurrent exits" "$r1 $r2" "0 0"
expect "concurrent rows" "$(sqlite3 "$cdb" "SELECT (SELECT count(*) FROM touches)||' '||(SELECT count(*) FROM people)||' '||(SELECT count(*) FROM loads)")" "3 2 2"

# Environment and usage.
load does-not-exist.csv 2> err; expect "missing file exit" "$?" 3
expect "missing file message" "$(grep -c 'does-not-exist.csv: cannot open: No such file or directory' err)" 1
"$bin/allot-load" --help > help.txt; expect "help exit" "$?" 0
expect "help text" "$(head -1 help.txt)" "Usage: allot-load [OPTION]... FILE..."
"$bin/allot-load" --bogus 2> err; expect "bad option exit" "$?" 2
"$bin/allot-load" --db "$db" 2> err; expect "no file exit" "$?" 2
"$bin/allot-load" --db "$db" --max-rejects -1 x.csv 2> err; expect "bad budget exit" "$?" 2
"$bin/allot-load" --db "$db" --table nope x.csv 2> err; expect "bad table exit" "$?" 2

# Several files: one line per file (prefixed like every message), then the
# totals. first/deals.csv commits 3 new rows; bad/deals.csv reads 10 and
# rejects 8 beyond the budget (its 2 good rows are not committed, so not
# counted as loaded); the missing file loads nothing. 3 + 10 read, 3 loaded,
# 8 rejected; the exit status is the worst of the files (3).
"$bin/allot-load" --db "$scratch/multi.db" first/deals.csv bad/deals.csv missing.csv 2> multi.err
expect "multi exit" "$?" 3
expect "multi lines" "$(grep -c '^allot-load: first/deals.csv: 3 read, 3 loaded, 0 updated, 0 unchanged, 0 rejected, 0 dropped as totals, 0 warnings (table deals) in ' multi.err) $(grep -c '^allot-load: bad/deals.csv: 10 read, 2 loaded, 0 updated, 0 unchanged, 8 rejected, .*nothing committed' multi.err) $(grep -c '^allot-load: missing.csv: not loaded$' multi.err)" "1 1 1"
expect "multi total" "$(grep -c '^allot-load: 3 files (1 committed): 13 read, 3 loaded, 0 updated, 0 unchanged, 8 rejected in [0-9]*\.[0-9][0-9] s$' multi.err)" 1
expect "multi total is last" "$(tail -1 multi.err | cut -d: -f2)" " 3 files (1 committed)"
# One file: its line is the summary, no total line.
"$bin/allot-load" --db "$scratch/multi.db" first/deals.csv 2> one.err
expect "one file no total" "$(grep -c ' files (' one.err)" 0

exit $fail
