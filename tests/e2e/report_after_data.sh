#!/usr/bin/env bash
# The PDF and the bridge chart of a period that ends after the data's end
# agree with the workbook (tests/e2e/xlsx_retention.sh) and with
# allot-retention, which refuses such a period: no ARR bridge, NRR or GRR,
# the sentence saying why in their place (README "The period of the
# retention sections"). tests/cases/retention/small.sql: the data end on
# 2026-06-01 (s6's end).
#
# By hand (ARR = 12 x MRR; a3's EUR at 1.1):
#   2026-04-01..2026-06-01 (t0 03-31, t1 06-01): a1 1200 -> 1200, a3 660 ->
#     1056, a4 1200 -> 0 (ends 05-10), a5 3600 -> 3000; a6 starts and ends
#     inside it. Start 6660, end 5256: NRR 5256/6660 = 78.9 %, GRR
#     4860/6660 = 73.0 %, ARR fell 1 - 5256/6660 = 21 %.
#   its prior period, as long and just before it, 2026-01-29..2026-03-31
#     (t0 01-28, t1 03-31): a1 1200 -> 1200, a2 2400 -> 0 (ends 03-15):
#     NRR 1200/3600 = 33.3 %; the change 78.919 - 33.333 = +45.6 points.
#   2026Q1 (t0 2025-12-31): no account paying, no NRR ("no figure").
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$1; tests=$2; scratch=$3
rm -rf "$scratch"; mkdir -p "$scratch"; cd "$scratch"
: > a.db
"$bin/allot-retention" --db a.db --csv >/dev/null 2>&1   # creates the schema (no accounts)
sqlite3 a.db < "$tests/cases/retention/small.sql"

q2="The data ends on 2026-06-01, before 2026Q2 does (2026-06-30): no ARR bridge, NRR or GRR until that day is in the data. For 2026-04-01 to 2026-06-01 only, run with --period 2026-04-01..2026-06-01"
q3="The data ends on 2026-06-01, before 2026Q3 begins (2026-07-01): no ARR bridge, NRR or GRR for it"

# (The headline tiles of a period not over in the data, "to 2026-06-01" and
# "no data": tests/e2e/report_partial.sh.)
# cover P: the cover's three columns of Marketing spend, Won revenue per
# unit of spend and Net revenue retention (pdftotext writes each row of
# the three in turn); page P TITLE: a page's text, lines joined by spaces
cover() { pdftotext "$1" - | awk 'BEGIN { RS = "\f" } NR == 1' |
  awk '/^Marketing spend$/ { on = 1 } /^In this pack$/ { on = 0 } on && NF' | paste -sd'|'; }
page() { pdftotext "$1" - | awk -v t="$2" 'BEGIN { RS = "\f" } index($0, t) == 1' | tr '\n' ' ' |
  tr -s ' '; }

for p in 2026Q2 2026Q3; do
  "$bin/allot-retention" --db a.db --period $p >/dev/null 2>ret.err && fail "allot-retention --period $p ran"
  grep -qF "after the data's end 2026-06-01" ret.err || fail "allot-retention $p: $(cat ret.err)"
done

"$bin/allot-pdf" --db a.db --period 2026Q2 --out q2.pdf 2>q2.err || fail "allot-pdf 2026Q2: $(cat q2.err)"
grep -qxF "allot-pdf: warning: bridge: $q2" q2.err || fail "allot-pdf 2026Q2 warning: $(cat q2.err)"
expect "2026Q2 cover" "$(cover q2.pdf)" \
  "Marketing spend|Won revenue per unit of spend|Net revenue retention|USD 0|n/a|n/a|to 2026-06-01 · 2026Q1: USD 0|no figure for 2026Q1|no figure for 2026Q1"
expect "2026Q2 bridge page" "$(page q2.pdf 'ARR bridge, 2026Q2')" "ARR bridge, 2026Q2 $q2 allot · 2026Q2 · page 6 of 10 "
pdftotext q2.pdf - | tr '\n' ' ' | grep -qF "bridge: $q2." || fail "2026Q2 methods page lacks the sentence"

# wholly after the data: 2026Q2's NRR is no figure either (it ended after
# the data too; before, the cover read 100.0 %, "+21.1 pts vs 2026Q2
# (78.9 %)", and 2026Q2's cover 78.9 %)
"$bin/allot-pdf" --db a.db --period 2026Q3 --out q3.pdf 2>q3.err || fail "allot-pdf 2026Q3: $(cat q3.err)"
expect "2026Q3 cover" "$(cover q3.pdf)" \
  "Marketing spend|Won revenue per unit of spend|Net revenue retention|no data|no data|no data|the data ends 2026-06-01|the data ends 2026-06-01|the data ends 2026-06-01"
expect "2026Q3 bridge page" "$(page q3.pdf 'ARR bridge, 2026Q3')" "ARR bridge, 2026Q3 $q3 allot · 2026Q3 · page 6 of 10 "

# the figures so far, under their own label
part=2026-04-01..2026-06-01
"$bin/allot-pdf" --db a.db --period $part --out part.pdf 2>part.err || fail "allot-pdf $part: $(cat part.err)"
grep -q "bridge" part.err && fail "allot-pdf $part warns of the bridge: $(cat part.err)"
expect "$part cover" "$(cover part.pdf)" \
  "Marketing spend|Won revenue per unit of spend|Net revenue retention|USD 0|n/a|78.9 %|also 0 in 2026-01-29..2026-03-31 (USD 0)|no figure for 2026-01-29..2026-03-31|+45.6 pts vs 2026-01-29..2026-03-31 (33.3 %)"
page part.pdf "ARR bridge, $part" | grep -qF "ARR bridge, $part ARR fell 21 % to USD 5,256; net revenue retention 78.9 %, gross 73.0 %" \
  || fail "$part bridge page: $(page part.pdf "ARR bridge, $part")"

# allot-chart: the bridge without data says so (and counts it), the range's is drawn
"$bin/allot-chart" --db a.db --period 2026Q2 --out c2 bridge 2>c2.err || fail "allot-chart 2026Q2: $(cat c2.err)"
grep -qxF "allot-chart: warning: bridge: $q2" c2.err || fail "allot-chart 2026Q2: $(cat c2.err)"
grep -qF "1 without data (bridge)" c2.err || fail "allot-chart 2026Q2 summary: $(cat c2.err)"
"$bin/allot-chart" --db a.db --period $part --out cp bridge 2>cp.err || fail "allot-chart $part: $(cat cp.err)"
grep -q "without data" cp.err && fail "allot-chart $part: $(cat cp.err)"
[[ -s c2/bridge.png && -s cp/bridge.png ]] || fail "no bridge.png"
exit $fail
