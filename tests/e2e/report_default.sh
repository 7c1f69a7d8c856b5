#!/usr/bin/env bash
# The period the report tools take without --period (README "A period the
# data do not cover", "The default period"): the last complete quarter of
# the data, the same in allot-xlsx, allot-pdf, allot-chart, allot-pack
# (with a database) and allot-retention.
#
# tests/cases/retention/small.sql with a deal d7 won on 2026-05-20 (as in
# report_partial.sh): the data end on 2026-06-01, inside 2026Q2, so the
# last complete quarter is 2026Q1. Before (main at 3029037, run on
# 2026-11-23): allot-xlsx and allot-pdf took 2026Q2, the quarter of the
# latest won deal, not over in the data; allot-pack 2026Q3, the last
# quarter before today by the clock, wholly after the data;
# allot-retention 2026Q1. With a touch on 2026-06-30 the data end on
# 2026Q2's last day: every tool takes 2026Q2.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$1; tests=$2; scratch=$3
py=/usr/bin/python3
rm -rf "$scratch"; mkdir -p "$scratch"; cd "$scratch"
: > a.db
"$bin/allot-retention" --db a.db --csv >/dev/null 2>&1   # creates the schema (no accounts)
sqlite3 a.db < "$tests/cases/retention/small.sql"
sqlite3 a.db "INSERT INTO deals(deal_id, account_id, amount_micros, currency, is_won, is_closed,
  created_at, close_date) VALUES ('d7', 'a1', 1500000000, 'USD', 1, 1, 1776247200, '2026-05-20');"
printf '[pack]\nfrom = reports@example.com\nto = cfo@example.com\n' > pack.ini
faketime_lib=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
[[ -r $faketime_lib ]] || fail "no $faketime_lib: run tools/setup --tests (package libfaketime)"

# defaults DB TODAY: the period each tool took, "xlsx pdf chart pack
# retention", allot-pack run on TODAY (UTC) by libfaketime; pack.err keeps
# its stderr.
defaults() {
  local db=$1 today=$2 d
  d=$(mktemp -d out.XXXX)
  "$bin/allot-xlsx" --db "$db" --out "$d/r.xlsx" 2>/dev/null || fail "allot-xlsx on $db"
  "$bin/allot-pdf" --db "$db" --out "$d/r.pdf" 2>/dev/null || fail "allot-pdf on $db"
  "$bin/allot-chart" --db "$db" --out "$d/charts" 2>"$d/chart.err" || fail "allot-chart on $db"
  ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" TZ=UTC DONT_FAKE_MONOTONIC=1 \
    FAKETIME="@$today 12:00:00" LD_PRELOAD=$faketime_lib \
    "$bin/allot-pack" --db "$db" --config pack.ini --out "$d" 2>pack.err || fail "allot-pack on $db"
  echo "$("$py" -c 'import sys, openpyxl; print(openpyxl.load_workbook(sys.argv[1])["Summary"]["B3"].value)' "$d/r.xlsx")" \
    "$(pdftotext "$d/r.pdf" - | sed -n 3p)" \
    "$(sed -n 's/.* for \([^ ]*\) into .*/\1/p' "$d/chart.err")" \
    "$(cd "$d" && ls allot-pack-*.eml | sed 's/allot-pack-\(.*\)\.eml/\1/')" \
    "$("$bin/allot-retention" --db "$db" --csv --table bridge --bootstrap 0 2>/dev/null | tail -1 | cut -d, -f1)"
}

expect "defaults, data end 2026-06-01" "$(defaults a.db 2026-07-15)" "2026Q1 2026Q1 2026Q1 2026Q1 2026Q1"
# the clock says 2026Q2 has ended; the data do not: the pack says so
expect "allot-pack's warning on 2026-07-15" "$(grep warning: pack.err | grep -v 'not attached')" \
  "allot-pack: warning: the data ends on 2026-06-01: the last complete quarter of the data is 2026Q1, not 2026Q2 (the last complete quarter before today); give --period 2026Q2 for it once its data are loaded"
defaults a.db 2026-04-10 >/dev/null
expect "allot-pack's warnings on 2026-04-10 (the clock agrees)" "$(grep warning: pack.err | grep -v 'not attached' || true)" ""

cp a.db b.db
sqlite3 b.db "INSERT INTO touches(touch_id, person_id, occurred_at, touch_type, channel)
  VALUES ('t9', 'p1', $(date -u -d '2026-06-30 10:00' +%s), 'visit', 'Direct');"
expect "defaults, data end 2026-06-30" "$(defaults b.db 2026-07-15)" "2026Q2 2026Q2 2026Q2 2026Q2 2026Q2"

# --no-db: no data to go by, the clock (tests/e2e/tieout_fiscal.sh pins it)
mkdir -p nodb
ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" TZ=UTC DONT_FAKE_MONOTONIC=1 \
  FAKETIME="@2026-07-15 12:00:00" LD_PRELOAD=$faketime_lib \
  "$bin/allot-pack" --no-db --config pack.ini --out nodb 2>/dev/null || fail "allot-pack --no-db"
expect "allot-pack --no-db on 2026-07-15" "$(cd nodb && ls allot-pack-*.eml)" "allot-pack-2026Q2.eml"
exit $fail
