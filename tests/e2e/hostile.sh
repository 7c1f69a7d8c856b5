#!/usr/bin/env bash
# Hostile and broken input (tests/cases/hostile/, plus a 100 MB field and a
# 1 M-column header generated here): each file gives the documented exit
# code and message (file:line[:column]), the tool's memory stays bounded
# (peak RSS measured; also under `ulimit -v` when the tools are not built
# with ASan, whose shadow memory needs terabytes of address space), and a
# rejected file changes nothing in the database. The README's Reliability
# table lists the same cases.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$(cd "$1" && pwd) tests=$(cd "$2" && pwd) scratch=$3
rm -rf "$scratch" && mkdir -p "$scratch"
cases=$tests/cases/hostile
cd "$scratch"
cp "$cases"/*.csv .
db=$scratch/allot.db
"$bin/allot-load" --db "$db" "$tests/cases/load/deals.csv" 2> /dev/null
vlimit=
# (the probe must not leave an ASan report in tools/run-tests' report folder)
if [[ -n "$(ulimit -v 1000000 2> /dev/null; ASAN_OPTIONS=detect_leaks=0 "$bin/allot-load" --help 2> /dev/null | head -c 5)" ]]; then
  vlimit=1000000   # 1 GB of address space (KiB)
fi
# run FILE [OPTIONS]: loads FILE; sets rc, err (stderr) and rss (peak KiB).
run() {
  local f=$1; shift
  (
    [[ -n "$vlimit" ]] && ulimit -v "$vlimit"
    exec /usr/bin/time -f '%M' -o rss.txt "$bin/allot-load" --db "$db" "$@" "$f"
  ) 2> err.txt
  rc=$?
  err=$(cat err.txt)
  rss=$(tail -1 rss.txt)
  if ((rss > 300000)); then
    echo "FAIL $f: peak RSS ${rss} KiB (bound 300000)" >&2; fail=1
  fi
}
# rejected FILE EXIT MESSAGE: exits EXIT, says MESSAGE, database unchanged.
rejected() {
  local f=$1 code=$2 msg=$3
  dump > before.txt
  run "$f"
  expect "$f exit" "$rc" "$code"
  expect "$f message" "$(grep -cF -- "$msg" <<< "$err")" 1
  dump > after.txt
  expect "$f leaves the database unchanged" "$(cmp -s before.txt after.txt && echo same)" same
}

rejected truncated-row.csv 1 "truncated-row.csv: 1 row(s) rejected (allowed: 0); nothing loaded from this file"
expect "truncated-row reject" "$(sed -n 2p truncated-row.csv.rejects.csv)" '3,,,,has 6 fields but the header has 14,"d-2,acc-2,Beta,200.00,USD,Qual"'
rejected truncated-quote.csv 1 "truncated-quote.csv:3:3: quoted field never closes; check the quotes on this line"
rejected truncated-header.csv 1 "truncated-header.csv:1: the header has no 'created_at' column, which table deals requires"
rejected nul-byte.csv 1 "nul-byte.csv: 1 row(s) rejected"
expect "nul reject" "$(tr '\0' @ < nul-byte.csv.rejects.csv | cut -d, -f1-5 | sed -n 2p)" "3,3,name,Be@ta,field contains a NUL byte"
rejected mismatched-quotes.csv 1 "mismatched-quotes.csv: 1 row(s) rejected"
expect "quote reject" "$(cut -d, -f1-5 mismatched-quotes.csv.rejects.csv | sed -n 2p)" "4,3,name,Acme,text after the closing quote of a quoted field"
rejected bad-dates.csv 1 "bad-dates.csv: 2 row(s) rejected"
expect "date rejects" "$(cut -d, -f1-5 bad-dates.csv.rejects.csv | sed -n '2,3p' | tr '\n' '|')" \
  "3,10,close_date,2026-02-30,no such calendar date|4,9,created_at,2026-02-11T24:00:60Z,no such time of day|"
rejected amounts.csv 1 "amounts.csv: 1 row(s) rejected"
expect "amount reject" "$(cut -d, -f1-5 amounts.csv.rejects.csv | sed -n 2p)" "3,4,amount,1e400,an amount of money cannot use an exponent"

# A 100 MB single field (generated, never committed): refused at the record
# limit without reading it into memory.
{ printf 'deal_id,account_id,name,amount,currency,stage,is_closed,is_won,created_at,close_date\nd-9,acc-9,"'
  head -c $((100 * 1024 * 1024)) /dev/zero | tr '\0' x
  printf '",1.00,USD,Won,true,true,2026-01-01,2026-01-02\n'; } > big-field.csv
rejected big-field.csv 1 "big-field.csv:2:3: record is longer than 8388608 bytes"
echo "hostile: 100 MB field: peak RSS $rss KiB${vlimit:+ (under ulimit -v $vlimit KiB)}"
# A header of 1 M columns (generated).
python3 -c "import sys; sys.stdout.write(','.join('c%d' % i for i in range(1000000)) + '\n1,2\n')" > wide.csv
rejected wide.csv 1 "wide.csv:1:1025: record has more than 1024 fields"
echo "hostile: 1 M columns: peak RSS $rss KiB${vlimit:+ (under ulimit -v $vlimit KiB)}"

# Loaded with a warning (exit 0): bytes that are not UTF-8 after the first
# block make the file Windows-1252 from there; an unpaired UTF-16 surrogate
# becomes U+FFFD. Each warning names the line and field of the bad bytes:
# line 202 is 'd-2,acc-2,Bad <80> ...' and line 3 of the UTF-16 file
# 'd-2,acc-2,X<D800>': both in field 3.
run invalid-utf8.csv
expect "utf8 exit" "$rc" 0
expect "utf8 warning" "$(grep -cF 'invalid-utf8.csv:202:3: the file is not valid UTF-8 (first bad byte in this field); read as Windows-1252' <<< "$err")" 1
expect "utf8 value" "$(sqlite3 "$db" "SELECT hex(name) FROM deals WHERE deal_id = 'd-2'")" "$(printf 'Bad \xe2\x82\xac \xc3\x80\xc2\xaf' | xxd -p -u 2>/dev/null || python3 -c 'print("Bad € À¯".encode().hex().upper())')"
run utf16-surrogate.csv
expect "utf16 exit" "$rc" 0
expect "utf16 warning" "$(grep -cF 'utf16-surrogate.csv:3:3: invalid UTF-16 code unit replaced by U+FFFD (the first one)' <<< "$err")" 1
expect "utf16 value" "$(sqlite3 "$db" "SELECT name FROM deals WHERE deal_id = 'd-2'")" "X�"

# -0 is zero (never a negative zero); 1e400 was rejected above, and with a
# budget the rest commits.
run amounts.csv --max-rejects 1
expect "amounts budget exit" "$rc" 0
expect "negative zero" "$(sqlite3 "$db" "SELECT amount_micros || typeof(amount_micros) FROM deals WHERE deal_id = 'd-3'")" "0integer"

# Data, never code: SQL quotes, formula-looking text and paths are stored
# exactly as written; no table is dropped, no file is created.
run data-not-code.csv
expect "data exit" "$rc" 0
expect "sql quotes" "$(sqlite3 "$db" "SELECT deal_id || '|' || account_id || '|' || name FROM deals WHERE name LIKE 'O''Brien%'")" \
  "d-'); DROP TABLE deals; --|acc-'1'|O'Brien \"\"Ltd\"\""
expect "formula text" "$(sqlite3 "$db" "SELECT name || '|' || lead_source FROM deals WHERE deal_id = 'd-2'")" \
  "=HYPERLINK(\"http://evil.example/\",\"x\")|+cmd|' /c calc'!A0"
expect "path text" "$(sqlite3 "$db" "SELECT name || '|' || lead_source || '|' || deal_type FROM deals WHERE deal_id = 'd-3'")" \
  "../../../../etc/passwd|/tmp/allot-evil.csv|@SUM(1+1)"
expect "no file from data" "$(ls /tmp/allot-evil.csv 2> /dev/null)" ""
# d-1, d-2, d-3 and the quoted id
expect "tables intact" "$(sqlite3 "$db" "SELECT count(*) FROM deals")" 4

exit $fail
