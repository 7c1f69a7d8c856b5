#!/usr/bin/env bash
# [funnel] marketing_lead_sources and non_marketing_channels change the
# marketing-sourced share of allot-funnel and of the workbook's Funnel sheet,
# on the hand-made company tests/cases/funnel/basic.sql (as of 2026-04-10).
#
# 2026Q1 deals (created in Q1):
#   d1 1000 USD won,  first marketing touch Paid Search (01-05), source Web
#   d2 3000 USD lost, no touch before creation (t2 is after),  source Outbound
#   d3  550 USD won,  first marketing touch Paid Social (01-28), no source
#   d4 2000 USD open, no people,                               source Webinar
#   d5 no amount won, no people,                               source Outbound
# Pipeline 6550, revenue (won) 1000 + 550 = 1550.
# Defaults (channels other than Partner, Direct; Webinar is a marketing
#   source): d1, d3, d4 -> pipeline 3550 (0.541985), revenue 1550 (1), 3 deals.
# m.ini: non-marketing Partner, Direct, paid-social; sources OUTBOUND:
#   d1, d2, d5 -> pipeline 4000 (4000/6550 = 0.610687), revenue 1000
#   (1000/1550 = 0.645161), 3 deals.
# e.ini: both lists empty (every channel is marketing, no source is):
#   d1, d3 -> pipeline 1550 (0.236641), revenue 1550 (1), 2 deals.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$1; tests=$2; scratch=$3
rm -rf "$scratch"; mkdir -p "$scratch"; cd "$scratch"
: > f.db
"$bin/allot-funnel" --db f.db --csv >/dev/null 2>&1   # creates the schema
sqlite3 f.db < "$tests/cases/funnel/basic.sql"
printf '[funnel]\nnon_marketing_channels = Partner, Direct, paid-social\nmarketing_lead_sources = OUTBOUND\n' > m.ini
printf '[funnel]\nnon_marketing_channels =\nmarketing_lead_sources =\n' > e.ini

share() { # CONFIG... -> period,group,pipeline..deals_marketing of the deals table
  "$bin/allot-funnel" --db f.db --as-of 2026-04-10 --csv --table deals "$@" 2>/dev/null \
    | tail -n +2 | cut -d, -f1,2,17-23
}
[[ "$(share)" == "2026Q1,(all),6550.00,3550.00,0.541985,1550.00,1550.00,1.000000,3" ]] \
  || fail "defaults: $(share)"
[[ "$(share --config m.ini)" == "2026Q1,(all),6550.00,4000.00,0.610687,1550.00,1000.00,0.645161,3" ]] \
  || fail "m.ini: $(share --config m.ini)"
[[ "$(share --config e.ini)" == "2026Q1,(all),6550.00,1550.00,0.236641,1550.00,1550.00,1.000000,2" ]] \
  || fail "e.ini: $(share --config e.ini)"
# The sample configuration spells out the defaults: same figures.
[[ "$(share --config "$tests/../sample-data/allot.ini")" == "$(share)" ]] || fail "sample allot.ini"

# The workbook's Funnel sheet (openpyxl reads it): the (all) row of the deals
# table, "Marketing-sourced pipeline" then "Pipeline".
"$bin/allot-xlsx" --db f.db --config m.ini --period 2026Q1 --out m.xlsx >/dev/null 2>&1 || fail "allot-xlsx"
/usr/bin/python3 - m.xlsx <<'EOF' || fail "workbook Funnel sheet"
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["Funnel"]
rows = [r for r in ws.iter_rows(values_only=True)]
h = next(i for i, r in enumerate(rows) if r[0] == "Channel" and "Marketing-sourced pipeline" in r)
col = rows[h].index("Marketing-sourced pipeline")
allrow = rows[h + 1]
assert allrow[0] == "(all)", allrow
assert allrow[col] == 4000 and allrow[col + 1] == 6550, allrow
EOF

# An [okr] target is written back as the decimal the file gives (0.30, not
# 0.29999999999999999: the CSV printed %.17g of the double until 2026-11-22),
# in the order of the file.
printf '[okr]\nmql_to_won_rate = 0.30\nleads_per_quarter = 12.5\n' > okr.ini
okr=$("$bin/allot-funnel" --db f.db --as-of 2026-04-10 --config okr.ini --period 2026Q1 \
        --csv --table okr 2>/dev/null | tail -n +2 | cut -d, -f1-3)
[[ "$okr" == $'2026Q1,mql_to_won_rate,0.3\n2026Q1,leads_per_quarter,12.5' ]] \
  || fail "okr targets: $okr"
echo ok
