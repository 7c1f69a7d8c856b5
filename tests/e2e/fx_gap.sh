#!/usr/bin/env bash
# A deal created before the first fx rate of its currency (a 2025 deal won in
# 2026, rates loaded from 2026 on) leaves out only the figures that need that
# rate: its pipeline in the period of its creation. Reports of 2026Q3 work;
# a report that counts that pipeline fails naming the deal and the rate.
#
# The files of tests/cases/timezone (read in UTC) with EUR rates from
# 2026-07-01 (1.1 USD per EUR) and one more deal: d4, EUR 500.00, created
# 2025-12-15, won 2026-08-15 (USD 550.00 at its close date's rate).
#   2026Q3 deals created (UTC): d1 2026-09-01 USD 1,000.00 and d3
#   2026-07-01T02:00Z USD 200.00 -> pipeline 1,200.00 (d2 is 2026-10-01).
#   d4's pipeline belongs to 2025Q4 and 2025-12, which have no EUR rate.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$(cd "$1" && pwd) tests=$(cd "$2" && pwd) scratch=$3
rm -rf "$scratch" && mkdir -p "$scratch"
cd "$scratch"
cases=$tests/cases/timezone
cp "$cases"/{people,touches,deals,deal_people,subscriptions}.csv .
echo "d4,a1,Created before the EUR rates,500.00,EUR,won,1,1,2025-12-15T12:00:00Z,2026-08-15" >> deals.csv
printf 'currency,start_date,end_date,rate\nUSD,2000-01-01,,1\nEUR,2026-07-01,,1.1\n' > fx_rates.csv
db=$scratch/gap.db
load ./*.csv 2> /dev/null || fail "load"
config=$cases/utc.ini

# allot-funnel for 2026Q3 needs no 2025 rate (it failed before).
"$bin/allot-funnel" --db "$db" --config "$config" --period 2026Q3 --table deals --csv \
  > q3.csv 2> err; expect "funnel 2026Q3 exit" "$?" 0
expect "funnel 2026Q3 pipeline" "$(awk -F, 'NR == 2 {print $1, $3, $17}' q3.csv)" "2026Q3 2 1200.00"
# Every quarter: 2025Q4's pipeline needs the missing rate.
"$bin/allot-funnel" --db "$db" --config "$config" --table deals --csv > all.csv 2> err
expect "funnel all exit" "$?" 1
expect "funnel all message" "$(grep -c "deal 'd4': no fx rate for EUR on 2025-12-15; load an fx_rates row" err)" 1

# The 2026Q3 workbook and PDF (they failed before): the trend chart's twelve
# months leave 2025-12 out and say why; the Summary's pipeline is 1,200.00.
"$bin/allot-xlsx" --db "$db" --config "$config" --period 2026Q3 --out q3.xlsx 2> err
expect "xlsx exit" "$?" 0
expect "xlsx pipeline" "$(/usr/bin/python3 - <<'PY'
import openpyxl
ws = openpyxl.load_workbook("q3.xlsx")["Summary"]
print([r[1:3] for r in ws.iter_rows(values_only=True) if r and r[0] == "Pipeline created"][0])
PY
)" "(1200, 0)"
"$bin/allot-pdf" --db "$db" --config "$config" --period 2026Q3 --out q3.pdf 2> err
expect "pdf exit" "$?" 0
expect "pdf trend note" "$(pdftotext -layout q3.pdf - | grep -c '2025-12 left out: no fx rate for EUR on 2025-12-15')" 1
exit $fail
