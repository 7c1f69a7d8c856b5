#!/usr/bin/env bash
# allot-xlsx on the sample company with hostile campaign names: independent
# checks with openpyxl (sheet names, headers, numeric cells and formats,
# reconciliation to the cent against the database, hostile names stay text),
# LibreOffice recalculation equals the stored formula values, determinism.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$1; tests=$2; scratch=$3
rm -rf "$scratch"; mkdir -p "$scratch"; cd "$scratch"
root=$(cd "$tests/.." && pwd)
py=/usr/bin/python3

"$bin/allot-load" --db a.db "$root"/sample-data/*.csv 2>/dev/null
# A newer campaigns export renames four campaigns to formula-looking text.
{
  head -1 "$root/sample-data/campaigns.csv"
  grep -E '^C009[1-4],' "$root/sample-data/campaigns.csv" | $py -c '
import csv, sys
names = {"C0091": "=HYPERLINK(\"http://x\",\"y\")", "C0092": "+1-2", "C0093": "@SUM(A1)", "C0094": "-2+3"}
w = csv.writer(sys.stdout, lineterminator="\n")
for row in csv.reader(sys.stdin):
    row[1] = names[row[0]]
    w.writerow(row)'
} > campaigns-renamed.csv
"$bin/allot-load" --db a.db campaigns-renamed.csv 2>load.err || fail "renamed load: $(cat load.err)"
grep -q "4 updated" load.err || fail "expected 4 updated campaigns: $(cat load.err)"
"$bin/allot-credit" --db a.db --config "$root/sample-data/allot.ini" --model all >/dev/null 2>&1

"$bin/allot-xlsx" --db a.db --config "$root/sample-data/allot.ini" --period 2026Q2 \
  --out r1.xlsx 2>x1.err || fail "allot-xlsx: $(cat x1.err)"
grep -q "wrote r1.xlsx (10 sheets" x1.err || fail "summary line: $(cat x1.err)"
"$bin/allot-xlsx" --db a.db --config "$root/sample-data/allot.ini" --period 2026Q2 \
  --out r2.xlsx 2>/dev/null
[ "$(sha256sum < r1.xlsx)" = "$(sha256sum < r2.xlsx)" ] || fail "two runs differ"
# The whole pipeline again from the same inputs, into a new database, in a
# later second (its load and credit run carry other timestamps): the same
# workbook, byte for byte.
sleep 1.1
"$bin/allot-load" --db b.db "$root"/sample-data/*.csv 2>/dev/null
"$bin/allot-load" --db b.db campaigns-renamed.csv 2>/dev/null
"$bin/allot-credit" --db b.db --config "$root/sample-data/allot.ini" --model all >/dev/null 2>&1
[ "$(sqlite3 a.db 'SELECT started_at FROM runs')" != "$(sqlite3 b.db 'SELECT started_at FROM runs')" ] \
  || fail "the second pipeline should have run in a later second"
"$bin/allot-xlsx" --db b.db --config "$root/sample-data/allot.ini" --period 2026Q2 \
  --out r3.xlsx 2>/dev/null
cmp -s r1.xlsx r3.xlsx || fail "the same inputs in a new database gave another workbook"
# ... and loaded from a copy of the files in another folder: the Summary
# names each file without its folder (its SHA-256 beside it).
mkdir -p elsewhere/data && cp "$root"/sample-data/*.csv elsewhere/data/
"$bin/allot-load" --db c.db elsewhere/data/*.csv 2>/dev/null
"$bin/allot-load" --db c.db campaigns-renamed.csv 2>/dev/null
"$bin/allot-credit" --db c.db --config "$root/sample-data/allot.ini" --model all >/dev/null 2>&1
"$bin/allot-xlsx" --db c.db --config "$root/sample-data/allot.ini" --period 2026Q2 \
  --out r4.xlsx 2>/dev/null
cmp -s r1.xlsx r4.xlsx || fail "the same files loaded from another folder gave another workbook"

# LibreOffice: a private profile set to recalculate every formula on load.
profile=$scratch/lo-profile
mkdir -p "$profile/user"
cat > "$profile/user/registrymodifications.xcu" <<'XCU'
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
XCU
# A control proves the recalculation happens: openpyxl writes =6*7 with no
# cached value; after LibreOffice it must read 42.
$py -c 'import openpyxl; wb = openpyxl.Workbook(); wb.active["A1"] = "=6*7"; wb.save("control.xlsx")'
mkdir -p lo
timeout 120 soffice --headless -env:UserInstallation=file://$profile --convert-to xlsx \
  --outdir lo control.xlsx r1.xlsx >lo.log 2>&1 || fail "LibreOffice conversion: $(cat lo.log)"
[ -s lo/r1.xlsx ] || fail "LibreOffice wrote no workbook: $(cat lo.log)"
$py -c 'import openpyxl, sys; v = openpyxl.load_workbook("lo/control.xlsx", data_only=True).active["A1"].value; sys.exit(0 if v == 42 else f"control not recalculated: {v!r}")'

$py "$tests/e2e/xlsx_check.py" r1.xlsx a.db lo/r1.xlsx || fail "workbook checks"

# A fiscal year from April ([general] fiscal_year_start_month = 4) over the
# same calendar credit run (fiscal_start=1): FY2027Q1 is April to June 2026,
# and the Reconciliation sheet is per the run's quarter labels, booked from
# the deals table by those quarters, Difference 0 on every row (the sheet
# labelled the deals with the configuration's fiscal quarters and matched
# none of the ledger's: booked 0 and a Difference on all 240 rows, linear
# 2026Q2 USD booked 0, attributed 729,300.00, Difference -729,300.00).
sed 's|^fiscal_year_start_month = 1$|fiscal_year_start_month = 4|' "$root/sample-data/allot.ini" > fiscal4.ini
grep -q '^fiscal_year_start_month = 4$' fiscal4.ini || fail "fiscal4.ini"
"$bin/allot-xlsx" --db a.db --config fiscal4.ini --period FY2027Q1 --out fiscal4.xlsx 2>x4.err \
  || fail "allot-xlsx --period FY2027Q1: $(cat x4.err)"
$py "$tests/e2e/xlsx_check.py" fiscal4.xlsx a.db || fail "workbook checks, fiscal year from April"

# A fiscal year from February over that calendar run: FY2027Q1 is February
# to April 2026, and the run's 2026Q1 and 2026Q2 lie partly in it, so its
# rollups cannot give the quarter's credit: the credit sheets say so and
# what to run (before: no run quarter lies within it, and the channel sheet
# showed every model's Total as 0.00 beside the Summary's won revenue of
# USD 1,163,241.16, status 'ok'; FY2027, February 2026 to January 2027,
# showed 2026Q2-2026Q4's USD 2,846,685.65 of its 3,410,778.01). After
# allot-credit --fiscal-start 2 the Total is the won revenue.
sed 's|^fiscal_year_start_month = 1$|fiscal_year_start_month = 2|' "$root/sample-data/allot.ini" > fiscal2.ini
grep -q '^fiscal_year_start_month = 2$' fiscal2.ini || fail "fiscal2.ini"
run=$(sqlite3 a.db "SELECT max(run_id) FROM runs WHERE tool = 'allot-credit'")
want="Credit run $run has quarters of fiscal years from month 1: 2026Q1 is partly outside FY2027Q1; run allot-credit --fiscal-start 2"
for p in FY2027Q1 FY2027; do
  "$bin/allot-xlsx" --db a.db --config fiscal2.ini --period $p --out fiscal2-$p.xlsx 2>x2.err \
    || fail "allot-xlsx --period $p, fiscal start 2: $(cat x2.err)"
  grep -qF "warning: Attribution by channel: ${want/FY2027Q1/$p}" x2.err || fail "fiscal start 2, $p: $(cat x2.err)"
  expect "fiscal start 2, $p: channel sheet and Summary" "$($py - fiscal2-$p.xlsx <<'PY'
import openpyxl, sys
wb = openpyxl.load_workbook(sys.argv[1], data_only=True)
sm = {r[0]: r for r in wb["Summary"].iter_rows(values_only=True) if r and r[0]}
print(wb["Attribution by channel"]["A1"].value)
print(sm["Attribution by channel"][1])
PY
)" "${want/FY2027Q1/$p}
${want/FY2027Q1/$p}"
done
cp a.db fiscal2.db
"$bin/allot-credit" --db fiscal2.db --config fiscal2.ini --model linear >/dev/null 2>&1 \
  || fail "allot-credit --fiscal-start 2"
"$bin/allot-xlsx" --db fiscal2.db --config fiscal2.ini --period FY2027Q1 --out fiscal2-run.xlsx \
  2>/dev/null || fail "allot-xlsx over a fiscal-2 run"
expect "fiscal start 2 over its run: won revenue, channel Total" "$($py - fiscal2-run.xlsx <<'PY'
import openpyxl, sys
wb = openpyxl.load_workbook(sys.argv[1], data_only=True)
sm = {r[0]: r for r in wb["Summary"].iter_rows(values_only=True) if r and r[0]}
print(sm["Won revenue"][1], [r[1] for r in wb["Attribution by channel"].iter_rows(values_only=True) if r[0] == "Total"][0])
PY
)" "1163241.16 1163241.16"

# No credit run: the workbook still opens and says what is missing.
"$bin/allot-load" --db empty.db "$root"/sample-data/deals.csv "$root"/sample-data/fx_rates.csv 2>/dev/null
"$bin/allot-xlsx" --db empty.db --out empty.xlsx 2>empty.err || fail "no-credit workbook"
$py -c '
import openpyxl, sys
ws = openpyxl.load_workbook("empty.xlsx")["Summary"]
texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value]
sys.exit(0 if any("allot-credit" in t for t in texts) else "summary does not say to run allot-credit")'
# Usage and environment errors.
set +e
"$bin/allot-xlsx" --bogus >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown option: exit 2"
"$bin/allot-xlsx" --db missing.db >/dev/null 2>&1; [ $? -eq 3 ] || fail "missing db: exit 3"
"$bin/allot-xlsx" --db a.db --period 2026Q9 >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad period: exit 2"
set -e
echo "xlsx: ok"
