#!/usr/bin/env bash
# The workbook's ARR bridges chain quarter after quarter on the sample
# company: each quarter's Retention sheet, at its own last day's rates, opens
# at the previous quarter's End ARR (its own workbook's figure) to the cent,
# and previous End + FX = Start ARR. The reference is computed here from
# sample-data/subscriptions.csv and fx_rates.csv alone (Python decimal):
# for a quarter with first day S, t0 = S - 1 and t1 its last day, the rows
# with MRR > 0 paying on t0 (start <= t0 < end), ARR = 12 x MRR x rate:
#   opening = at the rates of t0, start = at the rates of t1 (the workbook's
#   as-of; every rate has 4 decimals and every MRR 2, so each row converts
#   exactly), both rounded once to the cent half away from zero; FX = start
#   - opening. The reference gives (cents):
#   quarter   opening        FX       start
#   2024Q4          0          0           0
#   2025Q1   17092230       4290    17096520
#   2025Q2   83780232    -369810    83410422
#   2025Q3  186237599   -1295555   184942044
#   2025Q4  258729265   -1638938   257090327
#   2026Q1  351601635     217097   351818732
#   2026Q2  440367877    1628646   441996523
#   2026Q3  518578234    4080851   522659085
# (2026Q1: USD 3,516,016.35 + 2,170.97 = 3,518,187.32, the two figures the
# README once gave as quarters that do not chain.)
# About 4 s under ASan: eight workbooks without a credit run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$1; tests=$2; scratch=$3
rm -rf "$scratch"; mkdir -p "$scratch"; cd "$scratch"
root=$(cd "$tests/.." && pwd)
data=$root/sample-data
py=/usr/bin/python3

"$bin/allot-load" --db s.db "$data"/*.csv 2>/dev/null
quarters="2024Q4 2025Q1 2025Q2 2025Q3 2025Q4 2026Q1 2026Q2 2026Q3"
for q in $quarters; do
  "$bin/allot-xlsx" --db s.db --config "$data/allot.ini" --period $q --out $q.xlsx 2>/dev/null \
    || fail "allot-xlsx --period $q"
done

"$py" - "$data" $quarters > ref.txt <<'PY'
import csv, sys, datetime as dt
from decimal import Decimal as D, ROUND_HALF_UP
data, quarters = sys.argv[1], sys.argv[2:]
rates = [r for r in csv.DictReader(open(f"{data}/fx_rates.csv"))]
def rate(cur, day):
    if cur == "USD":
        return D(1)
    hit = [r for r in rates if r["currency"] == cur and r["start_date"] <= day
           and (not r["end_date"] or day < r["end_date"])]
    assert len(hit) == 1, (cur, day)
    return D(hit[0]["rate"])
subs = [r for r in csv.DictReader(open(f"{data}/subscriptions.csv")) if D(r["mrr"]) > 0]
def cents(x):
    return int((x * 100).quantize(D(1), rounding=ROUND_HALF_UP))
for q in quarters:
    y, n = int(q[:4]), int(q[5])
    first = dt.date(y, 3 * n - 2, 1)
    nxt = dt.date(y + (n == 4), 1 if n == 4 else 3 * n + 1, 1)
    t0, t1 = str(first - dt.timedelta(days=1)), str(nxt - dt.timedelta(days=1))
    book = [r for r in subs if r["start_date"] <= t0 and (not r["end_date"] or t0 < r["end_date"])]
    opening = sum((12 * D(r["mrr"]) * rate(r["currency"], t0) for r in book), D(0))
    start = sum((12 * D(r["mrr"]) * rate(r["currency"], t1) for r in book), D(0))
    print(q, cents(opening), cents(start) - cents(opening), cents(start))
PY

"$py" - $quarters > got.txt <<'PY'
import sys, openpyxl
for q in sys.argv[1:]:
    rows = list(openpyxl.load_workbook(f"{q}.xlsx", data_only=True)["Retention"].iter_rows(values_only=True))
    i = next(k for k, r in enumerate(rows) if r and r[0] == "Start ARR")
    top, head, chain = rows[i + 1], rows[i + 2], rows[i + 3]
    c = lambda x: round(x * 100)
    assert head[1] == "FX", head
    assert c(chain[2]) == c(top[0]), (q, "chain Start != Start ARR", chain, top)
    assert c(chain[0]) + c(chain[1]) == c(chain[2]), (q, "End + FX != Start", chain)
    print(q, c(chain[0]), c(chain[1]), c(chain[2]), c(top[5]))
PY
# the workbook's previous End, FX and Start against the reference
expect "chain = reference" "$(cut -d' ' -f1-4 got.txt)" "$(cat ref.txt)"
# each quarter opens at the previous quarter's End ARR to the cent
expect "quarters chain" "$(awk 'NR > 1 && $2 != end { print $1 ": opens " $2 ", previous end " end } { end = $5 }' got.txt)" ""
expect "2026Q1's FX" "$(grep '^2026Q1 ' got.txt | cut -d' ' -f2-4)" "351601635 217097 351818732"
exit $fail
