#!/usr/bin/env bash
# Finance's promise on the sample company, end to end: attributed revenue
# ties out to booked revenue to the cent in every output (credit CSV, ledger,
# workbook, PDF, e-mail and its attachments, ROI and funnel CSV), in USD and
# in EUR, for a quarter and a year, and the same inputs give the same bytes
# (about 12 s under ASan on a quiet 2-core machine). The expected figures come from
# tests/e2e/tieout_check.py, which reads only sample-data/*.csv (Python csv +
# decimal; openpyxl for the workbook, pdftotext for the PDF), never allot's
# results. Its reference (`tieout_check.py sample-data booked USD|EUR`):
#   quarter  USD cents   EUR cents   won deals
#   2024Q4    22028940    19679239    7
#   2025Q1    65298668    58239280   21
#   2025Q2   106058351    95894616   31
#   2025Q3    78301753    72936193   27
#   2025Q4   115977061   110594247   38
#   2026Q1   102412384    98585196   41
#   2026Q2   129142318   122910549   42
#   2026Q3   155526247   143874964   49
# Marketing spend (`tieout_check.py sample-data spend USD`): each spend row
# converted at its day's rate to micros (half away from zero), the micros
# added and rounded ONCE to the cent, the rule of every output (the
# Summary sheet and the PDF cover added each row's cents: 233,884.95 and
# 217,639.12, a cent off the channel sheet and allot-roi):
#   quarter  USD micros           cents
#   2026Q2   217639.105550    21763911
#   2026Q3   233884.960138    23388496
# The workbook's ARR bridge (Retention sheet) and the PDF's bridge chart
# foot as shown: start and end rounded once, the moves by largest remainder
# (the workbook's cells held micros, 2026Q3's cents adding up to
# 6,279,807.04 beside End 6,279,807.03). Checked as an identity only: the
# reference does not compute ARR.
# The PDF's credit page foots too: its channels in whole units add up to
# the booked revenue of its note (2026Q3 1,555,262; they added up to
# 1,555,261, 2025Q1 to 652,985 beside 652,987).
# Every listed spend column foots to that total: allot-roi's channel and
# campaign rows of each model and quarter, the workbook's channel and
# campaign sheets; each group is within a cent of the reference's exact
# micros of the group (largest remainder). allot-roi rounded each group on
# its own: in EUR the rows of four quarters missed the total by a cent
# (2026Q2: 206,785.84 against 206,785.83), and the workbook's spend cells
# held micros (2026Q3 Paid Social 39202.300138).
# Pipeline created (`tieout_check.py sample-data pipeline USD`): the deals
# created in the quarter (UTC day of created_at), each at the rate of its
# creation day, open or closed, in cents; won cents of those deals at the
# close date. The workbook, the PDF and allot-funnel converted closed deals
# at their close date (2026Q3 USD 4,043,934.35, 2026Q2 3,746,094.07), the
# pipeline credit run at creation:
#   quarter  pipeline cents  won cents
#   2026Q2      373188552   100886376
#   2026Q3      403610318    87136255
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$1; tests=$2; scratch=$3
rm -rf "$scratch"; mkdir -p "$scratch"; cd "$scratch"
root=$(cd "$tests/.." && pwd)
data=$root/sample-data
py=/usr/bin/python3
check() { "$py" "$tests/e2e/tieout_check.py" "$data" "$@" || fail "tie-out check $1"; }

# The reference itself, against the figures above (a change to sample-data
# must show up here first).
"$py" "$tests/e2e/tieout_check.py" "$data" booked USD > ref-usd.txt
"$py" "$tests/e2e/tieout_check.py" "$data" booked EUR > ref-eur.txt
expect "USD 2026Q3" "$(grep 2026Q3 ref-usd.txt)" "2026Q3 155526247 49"
expect "EUR 2026Q3" "$(grep 2026Q3 ref-eur.txt)" "2026Q3 143874964 49"
expect "USD 2024Q4" "$(grep 2024Q4 ref-usd.txt)" "2024Q4 22028940 7"
"$py" "$tests/e2e/tieout_check.py" "$data" pipeline USD > ref-pipeline.txt
expect "pipeline 2026Q3" "$(grep 2026Q3 ref-pipeline.txt)" "2026Q3 403610318 87136255"
expect "pipeline 2026Q2" "$(grep 2026Q2 ref-pipeline.txt)" "2026Q2 373188552 100886376"
"$py" "$tests/e2e/tieout_check.py" "$data" spend USD > ref-spend.txt
expect "spend 2026Q3" "$(grep 2026Q3 ref-spend.txt)" "2026Q3 233884.960138 23388496"
expect "spend 2026Q2" "$(grep 2026Q2 ref-spend.txt)" "2026Q2 217639.105550 21763911"

# pipeline OUTDIR DB: the demo's stages that feed the finance outputs.
pipeline() {
  local out=$1 db=$2
  mkdir -p "$out"
  "$bin/allot-load" --db "$db" --config "$data/allot.ini" "$data"/*.csv 2>/dev/null
  "$bin/allot-load" --db "$db" --config "$data/allot.ini" "$data/exports/google-ads.csv" 2>/dev/null
  "$bin/allot-credit" --db "$db" --config "$data/allot.ini" --model all --csv > "$out/credit.csv" 2>/dev/null
  "$bin/allot-roi" --db "$db" --config "$data/allot.ini" --csv --bootstrap 0 > "$out/roi.csv" 2>/dev/null
  "$bin/allot-funnel" --db "$db" --config "$data/allot.ini" --table deals --csv \
    > "$out/funnel-deals.csv" 2>/dev/null
  "$bin/allot-chart" --db "$db" --config "$data/allot.ini" --period 2026Q3 --out "$out/charts" 2>/dev/null
  "$bin/allot-pdf" --db "$db" --config "$data/allot.ini" --period 2026Q3 --out "$out/allot-pack.pdf" 2>/dev/null
  "$bin/allot-xlsx" --db "$db" --config "$data/allot.ini" --period 2026Q3 --out "$out/allot-report.xlsx" 2>/dev/null
  "$bin/allot-pack" --db "$db" --config "$data/allot.ini" --out "$out" --period 2026Q3 2>/dev/null
}
pipeline one one.db || fail "pipeline"

check credit-csv one/credit.csv USD
check ledger one.db USD
# every touch's weight and credit under time_decay, last_non_direct and the
# anchored models
# (position_based, j_shaped, inverse_j, u_shaped, u_shaped_50, w_shaped,
# full_path, custom), recomputed from the journeys
check models one.db
check roi one/roi.csv USD
"$bin/allot-roi" --db one.db --config "$data/allot.ini" --by campaign --csv --bootstrap 0 \
  > roi-campaign.csv 2>/dev/null || fail "roi --by campaign"
check roi roi-campaign.csv USD campaign
# Pipeline created: allot-funnel, the workbook (Summary and Funnel sheet),
# the PDF cover and the e-mail agree with the reference, every deal at its
# creation day (closed deals converted at their close date gave USD
# 4,043,934.35 for 2026Q3; earlier still, open deals at their expected close
# date, 4,049,543.60).
check funnel one/funnel-deals.csv USD
# The people funnel: every stage of each lead cohort, its conversions
# (Wilson intervals) and MQL -> revenue, and speed-to-lead (2026Q3: 854
# leads, 353 MQLs, 174 SQLs, 136 opportunities, 15 won for USD 482,485.84;
# 310 of the MQLs followed up, median 11.6564 h).
"$bin/allot-funnel" --db one.db --config "$data/allot.ini" --table funnel --csv \
  > funnel-people.csv 2>/dev/null || fail "funnel --table funnel"
check funnel-stages funnel-people.csv USD
"$bin/allot-funnel" --db one.db --config "$data/allot.ini" --table speed --csv \
  > funnel-speed.csv 2>/dev/null || fail "funnel --table speed"
check speed funnel-speed.csv
# ... and as known at the end of 22 September 2026 (--as-of): P0000108
# became an MQL at 21:17 that day after a sales activity on 4 September;
# its next, at 00:00:30 on the 23rd, is not known yet: followed up (0 h),
# 284 of 2026Q3's MQLs (allot said 283).
"$bin/allot-funnel" --db one.db --config "$data/allot.ini" --table speed --as-of 2026-09-22 \
  --csv > funnel-speed-0922.csv 2>/dev/null || fail "funnel --table speed --as-of"
check speed funnel-speed-0922.csv quarter 2026-09-22
check workbook one/allot-report.xlsx USD 2026Q3
# A year adds up quarters: every money cell and total is the double nearest
# its exact cents (sums of doubles gave 3870809.489999999 for 2026's won
# revenue and channel totals, 3870809.490000001 under another model).
"$bin/allot-xlsx" --db one.db --config "$data/allot.ini" --period 2026 --out year-2026.xlsx \
  2>/dev/null || fail "xlsx --period 2026"
check workbook year-2026.xlsx USD 2026
# 2026Q2 on its own: its channel sheet's spend Total too (the 2026Q3
# workbook shows 2026Q2 only as the Summary's prior period).
"$bin/allot-xlsx" --db one.db --config "$data/allot.ini" --period 2026Q2 --out q2.xlsx \
  2>/dev/null || fail "xlsx --period 2026Q2"
check workbook q2.xlsx USD 2026Q2
check pdf one/allot-pack.pdf USD 2026Q3 one/credit.csv
# The credit page's whole units foot to the booked revenue: each channel
# rounded on its own, 2025Q1's added up to 652,985 beside 652,987 booked
# (2026Q3: 1,555,261 beside 1,555,262).
"$bin/allot-pdf" --db one.db --config "$data/allot.ini" --period 2025Q1 --out q1-2025.pdf \
  2>/dev/null || fail "pdf --period 2025Q1"
check pdf q1-2025.pdf USD 2025Q1 one/credit.csv
# ... and its ARR bridge's whole units foot (2025Q3: 1,849,420 + 784,028 +
# 48,899 - 95,055 = 2,587,292 beside an end of 2,587,293).
"$bin/allot-pdf" --db one.db --config "$data/allot.ini" --period 2025Q3 --out q3-2025.pdf \
  2>/dev/null || fail "pdf --period 2025Q3"
check pdf q3-2025.pdf USD 2025Q3 one/credit.csv
check eml one/allot-pack-2026Q3.eml one 2026Q3 one/credit.csv USD
# allot-retention's own ARR bridge foots as well, every quarter, and shows
# the workbook's 2026Q3 Retention row: it rounded each figure on its own
# (2025Q3 and 2026Q3 a cent over their end, 2025Q4 a cent under; 2026Q3's
# new ARR 1,345,622.21 beside the workbook's 1,345,622.20).
for p in 2025Q1 2025Q2 2025Q3 2025Q4 2026Q1 2026Q2 2026Q3; do
  "$bin/allot-retention" --db one.db --config "$data/allot.ini" --csv --table bridge \
    --period "$p" --bootstrap 0 2>/dev/null | tail -1 | cut -d, -f1,3-8
done > bridges.csv
expect "retention bridges" "$(wc -l < bridges.csv)" 7
expect "retention bridges foot" "$(awk -F, '{ for (i = 2; i <= 7; i++) { v = $i; sub(/\./, "", v); c[i] = v + 0 }
  if (c[2] + c[3] + c[4] - c[5] - c[6] != c[7]) print $1 }' bridges.csv)" ""
expect "retention bridge = workbook" "$(grep '^2026Q3,' bridges.csv | cut -d, -f2-)" \
  "$("$py" - one/allot-report.xlsx <<'PY'
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1], data_only=True)["Retention"]
rows = list(ws.iter_rows(values_only=True))
i = next(k for k, r in enumerate(rows) if r and r[0] == "Start ARR")
v = rows[i + 1][:6]
print(",".join(f"{abs(x):.2f}" for x in v))
PY
)"

# Reporting currency EUR (cross rate EUR per USD = 1 / rate(EUR) of the close
# date): a credit run in EUR ties out to the EUR reference.
cp one.db eur.db
"$bin/allot-credit" --db eur.db --config "$data/allot.ini" --model all --currency EUR --csv \
  > eur-credit.csv 2>eur-credit.err || fail "credit --currency EUR"
# its summary line: the booked total of every period (reference: the EUR
# column above adds up to 722714284 cents, from 256 won deals, none without
# an amount)
grep -Eq "256 deals \(7227142.84 EUR booked; [0-9]+ unattributed, 0 with no amount\)" eur-credit.err \
  || fail "credit summary: $(cat eur-credit.err)"
check credit-csv eur-credit.csv EUR
check ledger eur.db EUR
# The workbook and the PDF in EUR ([general] reporting_currency = EUR) read
# the latest revenue credit run in EUR, even when a USD run came after it
# (they showed that run's USD credit under EUR headings, a channel total of
# 1,555,262.47 against 1,438,749.64 EUR booked); the USD workbook reads the
# USD run.
sed 's/^reporting_currency = USD/reporting_currency = EUR/' "$data/allot.ini" > eur.ini
grep -q '^reporting_currency = EUR' eur.ini || fail "eur.ini"
cp eur.db mixed.db
"$bin/allot-credit" --db mixed.db --config "$data/allot.ini" --model all >/dev/null 2>&1 \
  || fail "credit USD after EUR"
mkdir -p mixed
"$bin/allot-xlsx" --db mixed.db --config eur.ini --period 2026Q3 --out mixed/allot-report.xlsx 2>/dev/null
"$bin/allot-pdf" --db mixed.db --config eur.ini --period 2026Q3 --out mixed/allot-pack.pdf 2>/dev/null
"$bin/allot-chart" --db mixed.db --config eur.ini --period 2026Q3 --out mixed/charts 2>/dev/null
"$bin/allot-xlsx" --db mixed.db --config "$data/allot.ini" --period 2026Q3 --out usd.xlsx 2>/dev/null
check workbook mixed/allot-report.xlsx EUR 2026Q3
check pdf mixed/allot-pack.pdf EUR 2026Q3 eur-credit.csv
check workbook usd.xlsx USD 2026Q3
# 2026Q2 in EUR: rounding each channel on its own put its rows a cent over.
"$bin/allot-xlsx" --db eur.db --config eur.ini --period 2026Q2 --out eur-q2.xlsx 2>/dev/null \
  || fail "xlsx EUR 2026Q2"
check workbook eur-q2.xlsx EUR 2026Q2
# The pack's text goes with them: its credit section is the EUR run's (it
# showed the later USD run's beside the EUR workbook and PDF).
"$bin/allot-pack" --db mixed.db --config eur.ini --out mixed --period 2026Q3 2>/dev/null
check eml mixed/allot-pack-2026Q3.eml mixed 2026Q3 eur-credit.csv EUR
# No credit run in EUR at all: the credit sheets say so, with no figures.
"$bin/allot-xlsx" --db one.db --config eur.ini --period 2026Q3 --out none-eur.xlsx 2>none-eur.err
grep -q "No credit run in EUR (credit run [0-9]* is in USD): run allot-credit --currency EUR" \
  none-eur.err || fail "no EUR credit run: $(cat none-eur.err)"
"$py" - none-eur.xlsx <<'EOF2' || fail "a USD credit run shown in an EUR workbook"
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1], data_only=True)["Attribution by channel"]
cells = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
sys.exit(0 if cells and all(isinstance(c, str) for c in cells) and "--currency EUR" in cells[0]
         else f"channel sheet: {cells[:5]}")
EOF2

# allot-roi --currency EUR over the USD credit run converts each deal's whole
# credited amount and splits it by the ledger weights, as allot-credit does:
# its revenue ties out in EUR (converting credit by credit missed by 1-3
# cents per model in 2026Q3) and equals, byte for byte, ROI over the EUR run.
"$bin/allot-roi" --db one.db --config "$data/allot.ini" --currency EUR --csv --bootstrap 50 \
  > roi-eur-from-usd.csv 2>/dev/null || fail "roi --currency EUR over the USD run"
check roi roi-eur-from-usd.csv EUR
"$bin/allot-roi" --db one.db --config "$data/allot.ini" --currency EUR --by campaign --csv \
  --bootstrap 0 > roi-eur-campaign.csv 2>/dev/null || fail "roi --currency EUR --by campaign"
check roi roi-eur-campaign.csv EUR campaign
"$bin/allot-roi" --db eur.db --config "$data/allot.ini" --currency EUR --csv --bootstrap 50 \
  > roi-eur.csv 2>/dev/null || fail "roi --currency EUR over the EUR run"
cmp -s roi-eur-from-usd.csv roi-eur.csv || fail "ROI in EUR differs between the USD and the EUR credit run"

# A later `allot-credit --event pipeline` run (its "booked" is the pipeline
# created, USD 4,036,103.18 in 2026Q3, the reference's and now every
# output's) is not revenue: the pack still reports the revenue run, the very
# same message as before.
cp one.db pipe.db; cp -r one pipe
"$bin/allot-credit" --db pipe.db --config "$data/allot.ini" --event pipeline --model linear \
  --csv >pipe-credit.csv 2>/dev/null || fail "credit --event pipeline"
check pipeline-csv pipe-credit.csv USD
# ... and per deal: its creation day's period and rate, its journey up to
# created_at.
check ledger pipe.db USD
"$bin/allot-pack" --db pipe.db --config "$data/allot.ini" --out pipe --period 2026Q3 2>/dev/null
check eml pipe/allot-pack-2026Q3.eml pipe 2026Q3 one/credit.csv
cmp -s one/allot-pack-2026Q3.eml pipe/allot-pack-2026Q3.eml \
  || fail "a pipeline credit run changed the pack's revenue figures"

# A year's pack adds up the credit run's quarters inside it: booked revenue
# of 2026 = the reference's 2026Q1..2026Q3 (the pack said "no credit run for
# 2026 yet" while its workbook had the year's credit).
mkdir -p year
"$bin/allot-pack" --db one.db --config "$data/allot.ini" --out year --period 2026 2>/dev/null \
  || fail "pack --period 2026"
"$py" - ref-usd.txt year/allot-pack-2026.eml <<'EOF2' || fail "the 2026 pack's credit section"
import email, email.policy, re, sys
from decimal import Decimal
cents = sum(int(l.split()[1]) for l in open(sys.argv[1]) if l.startswith("2026Q"))
booked = f"USD {Decimal(cents) / 100:,.2f} booked"
m = email.message_from_bytes(open(sys.argv[2], "rb").read(), policy=email.policy.default)
body = m.get_body(("plain",)).get_content()
sys.exit(0 if f"reconciliation: {booked} = " in body
         and re.search(r"\(linear model, run \d+, 2026Q1-2026Q3\)", body) else f"want {booked!r} in:\n{body}")
EOF2

# Same inputs, same bytes: the whole pipeline again into a new database, in
# a later second.
sleep 1.1
pipeline two two.db || fail "second pipeline"
for f in credit.csv roi.csv funnel-deals.csv allot-pack.pdf allot-report.xlsx allot-pack-2026Q3.eml; do
  cmp -s "one/$f" "two/$f" || fail "$f differs between two runs of the same inputs"
done
for f in one/charts/*.png; do
  cmp -s "$f" "two/charts/${f##*/}" || fail "${f##*/} differs between two runs"
done
[[ $(ls one/charts/*.png | wc -l) -ge 8 ]] || fail "charts missing"
exit $fail
