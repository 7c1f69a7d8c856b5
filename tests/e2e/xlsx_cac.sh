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

# allot-clv's groups CSV against a workbook's CLV sheet (allot-clv run as of
# the sheet's day, 2026-03-31 for 2026Q1): the same rows; clv, cac and
# ltv_cac as the CSV writes the sheet's doubles (money %.2f, ratios %.10g;
# lib/lifetime.h), empty where the sheet's cells are; and, when given, the
# CAC by hand (GROUP=CAC ..., "-" for empty).
clv_vs_book() { # clv_vs_book CSV XLSX [GROUP=CAC]...
  "$py" - "$@" <<'PY'
import csv, sys, openpyxl
rows = [list(r) for r in openpyxl.load_workbook(sys.argv[2], data_only=True)["CLV"].iter_rows(values_only=True)]
i = next(k for k, r in enumerate(rows) if r[0] == "Channel")
book = {r[0]: r for r in rows[i + 1:i + 5]}
got = {r["group"]: r for r in csv.DictReader(open(sys.argv[1]))}
bad = []
if sorted(got) != sorted(book):
    bad.append(f"groups {sorted(got)} vs the sheet's {sorted(book)}")
fmt = lambda v, f: "" if v is None else format(v, f)
for g, r in book.items():
    c = got.get(g, {})
    for name, col, f in (("clv", 10, ".2f"), ("cac", 11, ".2f"), ("ltv_cac", 12, ".10g")):
        if c.get(name) != fmt(r[col], f):
            bad.append(f"{g} {name}: allot-clv {c.get(name)!r}, the sheet {r[col]!r}")
for arg in sys.argv[3:]:
    g, want = arg.split("=")
    if got.get(g, {}).get("cac") != ("" if want == "-" else want):
        bad.append(f"{g} cac: allot-clv {got.get(g, {}).get('cac')!r}, by hand {want}")
if bad:
    print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
}
params_of_last_clv() { q "SELECT parameters FROM runs WHERE tool = 'allot-clv' ORDER BY run_id DESC LIMIT 1"; }

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

# allot-clv takes its CAC from the same run as the workbook: the latest
# revenue run in the reporting currency (USD here: $run, not run B), and
# records it. Before, it took lib/roi's default, the latest run of any
# currency (run B): every CAC and LTV/CAC empty (Email and Paid Search have
# no new customer under run B), against the sheet's 127.50 and 710.00.
run_b=$(q "SELECT max(run_id) FROM runs WHERE tool = 'allot-credit'")
"$bin/allot-clv" --db a.db --as-of 2026-03-31 --csv > clv-b.csv 2> clv-b.err \
  || fail "allot-clv after run B: $(cat clv-b.err)"
clv_vs_book clv-b.csv after-b.xlsx "Email=127.50" "Paid Search=710.00" Partner=- "(all)=-" \
  || fail "allot-clv after run B against the USD workbook and by hand"
grep -q "CAC from credit run $run in" clv-b.err || fail "allot-clv summary: $(cat clv-b.err)"
expect "allot-clv parameters after run B" "$(params_of_last_clv)" \
  "as_of=2026-03-31;by=channel;credit_run=$run;currency=USD;discount=0.1;fiscal_start=1;grain=month;horizon=36;margin=0.8"
# --run picks another run, as allot-roi's: run B gives no CAC (no new
# customer of Email or Paid Search under it), and is recorded.
"$bin/allot-clv" --db a.db --as-of 2026-03-31 --run "$run_b" --csv > clv-runb.csv 2>/dev/null \
  || fail "allot-clv --run $run_b"
"$py" - clv-runb.csv <<'PY' || fail "allot-clv --run $run_b: CAC should be empty"
import csv, sys
got = [(r["group"], r["cac"], r["ltv_cac"]) for r in csv.DictReader(open(sys.argv[1]))]
want = [(g, "", "") for g in ("Email", "Paid Search", "Partner", "(all)")]
sys.exit(0 if got == want else f"{got}")
PY
params_of_last_clv | grep -q ";credit_run=$run_b;" || fail "--run not recorded: $(params_of_last_clv)"
set +e
"$bin/allot-clv" --db a.db --run 999 >/dev/null 2>run999.err; rc=$?
set -e
expect "allot-clv --run 999 (no such credit run)" "$rc" 2
grep -q "no allot-credit run 999" run999.err || fail "--run 999: $(cat run999.err)"
set +e
"$bin/allot-clv" --db a.db --run "$run" --by campaign >/dev/null 2>&1; rc=$?
set -e
expect "allot-clv --run with --by campaign" "$rc" 2

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
# allot-clv in EUR reads run B too: no CAC, as the EUR workbook.
"$bin/allot-clv" --db a.db --config eur.ini --as-of 2026-03-31 --csv > clv-eur.csv 2> clv-eur.err \
  || fail "allot-clv EUR: $(cat clv-eur.err)"
clv_vs_book clv-eur.csv eur.xlsx "Email=-" "Paid Search=-" || fail "allot-clv EUR against the EUR workbook"
params_of_last_clv | grep -q ";credit_run=$run_b;currency=EUR;" || fail "allot-clv EUR: $(params_of_last_clv)"

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
# allot-clv: no CAC either, and the same sentence (a warning with --csv, a
# note under the report), its run recording no credit run. Before, it took
# the CAC from the EUR run: Email 127.50, Paid Search 710.00.
db=c.db
run_c=$(q "SELECT max(run_id) FROM runs WHERE tool = 'allot-credit'")
why="no CAC: No credit run in USD (credit run $run_c is in EUR): run allot-credit --currency USD"
"$bin/allot-clv" --db c.db --as-of 2026-03-31 --csv > clv-c.csv 2> clv-c.err \
  || fail "allot-clv, no USD run: $(cat clv-c.err)"
clv_vs_book clv-c.csv c.xlsx "Email=-" "Paid Search=-" || fail "allot-clv, no USD run, against the workbook"
grep -qxF "allot-clv: warning: $why" clv-c.err || fail "allot-clv, no USD run, warning: $(cat clv-c.err)"
grep -q ", no CAC in " clv-c.err || fail "allot-clv, no USD run, summary: $(cat clv-c.err)"
"$bin/allot-clv" --db c.db --as-of 2026-03-31 > clv-c.txt 2>/dev/null || fail "allot-clv report, no USD run"
grep -qF "$why" clv-c.txt || fail "allot-clv report, no USD run: no note"
"$py" - c.xlsx "$why" <<'PY' || fail "the workbook's note and allot-clv's differ"
import sys, openpyxl
rows = openpyxl.load_workbook(sys.argv[1], data_only=True)["CLV"].iter_rows(values_only=True)
sys.exit(0 if any(r[0] == sys.argv[2] for r in rows) else "no such note in the workbook")
PY
params_of_last_clv | grep -q ";credit_run=;currency=USD;" || fail "no USD run: $(params_of_last_clv)"
exit $fail
