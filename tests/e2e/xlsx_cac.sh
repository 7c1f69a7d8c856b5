#!/usr/bin/env bash
# The CLV sheet's CAC and LTV/CAC columns (README "The finance workbook"
# and "Lifetime value"; shared/spec/statistics.md: CAC = spend / new
# customers) on tests/cases/retention/small.sql + cac.sql (derivations in
# cac.sql's comments), against xlsx_cac_check.py, an independent reference
# from the database's spend, fx_rates, deals and the credit run's
# first_touch ledger weights, and against figures by hand. The sheet's
# other columns are checked by xlsx_retention_check.py, whose BG/NBD CLV
# the LTV/CAC divides.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$1; tests=$2; scratch=$3
rm -rf "$scratch"; mkdir -p "$scratch"; cd "$scratch"
py=/usr/bin/python3
db=a.db
: > a.db
"$bin/allot-retention" --db a.db --csv >/dev/null 2>&1   # creates the schema (no accounts)
sqlite3 a.db < "$tests/cases/retention/small.sql"
sqlite3 a.db < "$tests/cases/retention/cac.sql"
"$bin/allot-credit" --db a.db >credit.out 2>credit.err || fail "allot-credit: $(cat credit.err)"
run=$(q "SELECT max(run_id) FROM runs WHERE tool = 'allot-credit'")

# first_touch's ledger by hand (cac.sql): the first touch of each journey
# within 90 days gets weight 1; d6's first is p6's sales activity (Direct).
expect "first_touch ledger" \
  "$(q "SELECT deal_id || ' ' || channel || ' ' || weight FROM ledger WHERE run_id = $run
        AND model = 'first_touch' ORDER BY deal_id, position")" \
  "d1 Paid Search 1.0
d2 Paid Search 1.0
d3 Email 1.0
d4 Email 1.0
d4 Paid Social 0.0
d4b Paid Social 1.0
d5 (unattributed) 1.0
d6 Direct 1.0
d6 Paid Search 0.0"

# By hand (cac.sql): CAC Paid Search (300 + 500 + 400 + 200 EUR x 1.1) / 2
# = 1420 / 2 = 710.00 (spend of 2025Q4 and 2026Q2 included in a 2026Q1
# workbook: every period); Email (150 EUR x 1.1 + 90) / 2 = 255 / 2 =
# 127.50; Partner 500.00 spent, no new customer credited: empty; (all):
# empty. LTV/CAC = the row's BG/NBD CLV / CAC: in the 2026Q1 workbook
# Email 32.19886195465872 / 127.5 = 0.25254009376..., Paid Search
# 25.87007289037925 / 710 = 0.03643672238... (CLVs as the sheet shows them,
# recomputed by xlsx_retention_check.py).
hand() { # hand WORKBOOK
  "$py" - "$1" <<'PY'
import sys, openpyxl
rows = [list(r) for r in openpyxl.load_workbook(sys.argv[1], data_only=True)["CLV"].iter_rows(values_only=True)]
i = next(k for k, r in enumerate(rows) if r[0] == "Channel")
got = {r[0]: (r[10], r[11], r[12]) for r in rows[i + 1:i + 5]}
want = {"Email": 127.5, "Paid Search": 710.0, "Partner": None, "(all)": None}
bad = []
if sorted(got) != sorted(want):
    bad.append(f"rows {sorted(got)}")
for g, cac in want.items():
    clv, c, ratio = got.get(g, (None, None, None))
    if cac is None:
        ok = c is None and ratio is None
    else:
        ok = c == cac and clv is not None and abs(ratio - clv / cac) <= 1e-12 * abs(clv / cac)
    if not ok:
        bad.append(f"{g}: CLV {clv!r} CAC {c!r} LTV/CAC {ratio!r}, want CAC {cac!r}")
if bad:
    print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
}

for p in 2026Q1 2026Q2; do
  "$bin/allot-xlsx" --db a.db --period $p --bootstrap 0 --out $p.xlsx 2>$p.err \
    || fail "allot-xlsx $p: $(cat $p.err)"
  $py "$tests/e2e/xlsx_cac_check.py" $p.xlsx a.db || fail "$p CAC against the reference"
  $py "$tests/e2e/xlsx_retention_check.py" $p.xlsx a.db $p || fail "$p CLV against the reference"
  hand $p.xlsx || fail "$p CAC by hand"
done

# A later run reporting in EUR with a 5-day lookback (run B): only d4's
# journey keeps a touch (t4b, Paid Social, 4 days before its close), so
# Paid Search and Email have no new customers under it. The USD workbook
# reads the latest run in USD (its Summary's credit run, $run) on every
# sheet, the CLV sheet's CAC included: still 710.00 and 127.50. Before, the
# CAC came from the latest run of any currency (lib/roi's default), run B,
# and both cells were empty beside the other sheets of run $run.
"$bin/allot-credit" --db a.db --model first_touch --currency EUR --lookback 5 \
  >credit-b.out 2>credit-b.err || fail "allot-credit run B: $(cat credit-b.err)"
"$bin/allot-xlsx" --db a.db --period 2026Q1 --bootstrap 0 --out after-b.xlsx 2>after-b.err \
  || fail "allot-xlsx after run B: $(cat after-b.err)"
$py "$tests/e2e/xlsx_cac_check.py" after-b.xlsx a.db || fail "USD workbook after run B against the reference"
hand after-b.xlsx || fail "USD workbook after run B by hand"

# The EUR workbook reads run B: Paid Search and Email have spend but no new
# customers there (Paid Social's d4 is no CLV row), so no CAC at all.
printf '[general]\nreporting_currency = EUR\n' > eur.ini
"$bin/allot-xlsx" --db a.db --config eur.ini --period 2026Q1 --bootstrap 0 --out eur.xlsx \
  2>eur.err || fail "allot-xlsx EUR: $(cat eur.err)"
$py "$tests/e2e/xlsx_cac_check.py" eur.xlsx a.db || fail "EUR workbook against the reference"
"$py" - eur.xlsx <<'PY' || fail "EUR workbook: CAC should be empty"
import sys, openpyxl
rows = [list(r) for r in openpyxl.load_workbook(sys.argv[1], data_only=True)["CLV"].iter_rows(values_only=True)]
i = next(k for k, r in enumerate(rows) if r[0] == "Channel")
got = [(r[0], r[11], r[12]) for r in rows[i + 1:i + 5]]
want = [(g, None, None) for g in ("Email", "Paid Search", "Partner", "(all)")]
sys.exit(0 if got == want else f"{got}")
PY

# Only a run in EUR (the same data, a fresh database): the USD workbook has
# no credit run (its Summary and credit sheets say so), and its CLV sheet
# no CAC, with the reason under the table. Before, it took the CAC from the
# EUR run all the same.
: > c.db
"$bin/allot-retention" --db c.db --csv >/dev/null 2>&1
sqlite3 c.db < "$tests/cases/retention/small.sql"
sqlite3 c.db < "$tests/cases/retention/cac.sql"
"$bin/allot-credit" --db c.db --currency EUR >credit-c.out 2>credit-c.err \
  || fail "allot-credit EUR only: $(cat credit-c.err)"
"$bin/allot-xlsx" --db c.db --period 2026Q1 --bootstrap 0 --out c.xlsx 2>c.err \
  || fail "allot-xlsx, no USD run: $(cat c.err)"
$py "$tests/e2e/xlsx_cac_check.py" c.xlsx c.db || fail "no USD run against the reference"
"$py" - c.xlsx <<'PY' || fail "no USD run: no CAC and the reason"
import sys, openpyxl
rows = [list(r) for r in openpyxl.load_workbook(sys.argv[1], data_only=True)["CLV"].iter_rows(values_only=True)]
i = next(k for k, r in enumerate(rows) if r[0] == "Channel")
got = [(r[0], r[11], r[12]) for r in rows[i + 1:i + 5]]
want = [(g, None, None) for g in ("Email", "Paid Search", "Partner", "(all)")]
notes = [r[0] for r in rows if r[0] and "no CAC: No credit run in USD" in str(r[0])]
sys.exit(0 if got == want and notes else f"{got}, notes {notes}")
PY
exit $fail
