#!/usr/bin/env bash
# The workbook's Retention and CLV sheets on tests/cases/retention/small.sql
# (six accounts, derivations in its comments), against independent
# references: R's survival package for the Kaplan-Meier rows (commands and
# output below), figures derived by hand here, and xlsx_retention_check.py,
# which recomputes every cell of both sheets from the database with Python
# fractions from the definitions in README and shared/spec/statistics.md.
# allot's own CSV is only cross-checked at the end, never the reference.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$1; tests=$2; scratch=$3
rm -rf "$scratch"; mkdir -p "$scratch"; cd "$scratch"
py=/usr/bin/python3
check=$tests/e2e/xlsx_retention_check.py
: > a.db
"$bin/allot-retention" --db a.db --csv >/dev/null 2>&1   # creates the schema (no accounts)
sqlite3 a.db < "$tests/cases/retention/small.sql"

# 2026Q2. The data end is 2026-06-01 (s6's end; the latest touch is
# 2026-03-20), before the quarter's last day, so the sheets are as of
# 2026-06-01: tenures in days a1 152 censored (to 06-02), a2 59, a3 121
# censored, a4 89, a5 93 censored, a6 61 (ends 06-01 <= as of: churned).
# The quarter's ARR bridge compares ARR on 06-30 with 03-31, and 06-30 is
# not in the data: the sheet has no bridge, NRR or GRR, only why and the
# period that gives the figures so far (allot-retention --period 2026Q2
# refuses too). Before, it showed the bridge to 06-01 under 2026Q2's label
# (NRR 78.9 %, and the Summary's headline NRR with it).
"$bin/allot-xlsx" --db a.db --period 2026Q2 --out q2.xlsx 2>q2.err || fail "allot-xlsx 2026Q2: $(cat q2.err)"
$py "$check" q2.xlsx a.db 2026Q2 || fail "2026Q2 workbook against the reference"
note="The data ends on 2026-06-01, before 2026Q2 does (2026-06-30): no ARR bridge, NRR or GRR until that day is in the data. For 2026-04-01 to 2026-06-01 only, run with --period 2026-04-01..2026-06-01"
grep -qxF "allot-xlsx: warning: Retention: $note" q2.err || fail "allot-xlsx 2026Q2 stderr lacks the note: $(cat q2.err)"
if "$bin/allot-retention" --db a.db --period 2026Q2 >/dev/null 2>ret.err; then
  fail "allot-retention --period 2026Q2 ran past the data's end"
fi
grep -qF "after the data's end 2026-06-01" ret.err || fail "allot-retention 2026Q2: $(cat ret.err)"

# The same cells by hand and from R, so that a reference bug cannot hide one.
# The bridge's place: the title, then the note alone in A2; no bridge row
# anywhere; the Summary's NRR row blank (2026Q1's too: no ARR on
# 2025-12-31) and its status line of Retention the note.
# Cohorts as of 06-01 (May is the last complete month): 2026-01 {a1, a2}
# M0-M2 2/2, M3-M4 1/2 (a2 ended 03-15); 2026-02 {a3, a4} M0-M3 2/2 (a4
# pays until 05-10); 2026-03 {a5} M0-M2; 2026-04 {a6} M0-M1. Blended M3
# (Jan + Feb) 3/4, M4 (Jan) 1/2.
# Kaplan-Meier, R 4.2 with survival 3.5.3 (times in months of 30.4375 days):
#   library(survival); m <- 30.4375
#   s <- summary(survfit(Surv(c(152,59,121,89,93,61)/m, c(0,1,0,1,0,1)) ~
#          c("PS","PS","Email","Email","Partner","PS"), conf.type="log-log"))
#   data.frame(s$strata, s$time*m, s$n.risk, s$n.event, s$surv, s$lower, s$upper)
#     g=Email 89 2 1 0.5000000000 0.005983087639 0.910410084837
#     g=PS    59 3 1 0.6666666667 0.054073426787 0.945206387272
#     g=PS    61 2 1 0.3333333333 0.008961628331 0.774148650361
# Simple CLV as of 06-01 (payments on the start day and monthly
# anniversaries through 06-01; exposure = tenure days / 30.4375):
#   Email: a3 55 (50 EUR) on 02-01, 03-01, 04-01 and 88 (80 EUR, s3b) on
#     05-01, 06-01; a4 100 on 02-10, 03-10, 04-10 (it ends 05-10):
#     ARPA (341 + 300) / 8 = 80.125; churn 1 / (210 / 30.4375);
#     simple 80.125 * 0.8 * 210 / 30.4375 = 442.2505133...
#   Paid Search: a1 100 x 6 (01-01..06-01), a2 200 x 2 (01-15, 02-15), a6
#     60 x 2 (04-01, 05-01; it ends 06-01, which pays nothing):
#     (600 + 400 + 120) / 10 = 112; churn 2 / (272 /
#     30.4375); simple 112 * 0.8 * 136 / 30.4375 = 400.3482546...
#   Partner: a5 300, 300, 250, 250 -> ARPA 275, no churn: no simple CLV.
"$py" - q2.xlsx <<'PY' || fail "2026Q2 cells by hand and from R"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], data_only=True)
rows = [list(r) for r in wb["Retention"].iter_rows(values_only=True)]
bad = []
def near(a, b, tol=1e-9):
    return a is not None and abs(a - b) <= tol * max(1, abs(b))
note = ("The data ends on 2026-06-01, before 2026Q2 does (2026-06-30): no ARR bridge, NRR or "
        "GRR until that day is in the data. For 2026-04-01 to 2026-06-01 only, run with "
        "--period 2026-04-01..2026-06-01")
ws = wb["Retention"]
if (ws["A1"].value, ws["A2"].value, ws["B2"].value) != ("Revenue retention over 2026Q2 (ARR, USD)", note, None):
    bad.append(f"A1:B2 {ws['A1'].value!r} {ws['A2'].value!r} {ws['B2'].value!r}")
if any(r[0] in ("Start ARR", "2026Q1 End ARR") or "NRR" in r for r in rows):
    bad.append("a bridge row in 2026Q2's sheet")
summ = [list(r) for r in wb["Summary"].iter_rows(values_only=True)]
nrr = next(r for r in summ if r[0] == "Net revenue retention")
if nrr[1:5] != [None] * 4:
    bad.append(f"Summary NRR {nrr[1:5]}, want blank")
if [r[1] for r in summ if r[0] == "Retention"] != [note]:
    bad.append(f"Summary status of Retention {[r for r in summ if r[0] == 'Retention']}")
i = next(k for k, r in enumerate(rows) if r[0] == "Cohort")
want = [["2026-01 (n=2)", 1, 1, 1, 0.5, 0.5], ["2026-02 (n=2)", 1, 1, 1, 1, None],
        ["2026-03 (n=1)", 1, 1, 1, None, None], ["2026-04 (n=1)", 1, 1, None, None, None],
        ["Blended", 1, 1, 1, 0.75, 0.5]]
if [r[:6] for r in rows[i + 1:i + 6]] != want:
    bad.append(f"cohorts {[r[:6] for r in rows[i + 1:i + 6]]}")
i = next(k for k, r in enumerate(rows) if str(r[0]).startswith("Kaplan-Meier"))
want = [("Paid Search", 0, 1, 1, 1, 3, 0),
        ("Paid Search", 59, 2 / 3, 0.054073426787, 0.945206387272, 3, 1),
        ("Paid Search", 61, 1 / 3, 0.008961628331, 0.774148650361, 2, 1),
        ("Email", 0, 1, 1, 1, 2, 0), ("Email", 89, 0.5, 0.005983087639, 0.910410084837, 2, 1),
        ("Partner", 0, 1, 1, 1, 1, 0)]
got = [r[:7] for r in rows[i + 2:] if r[0]]
if len(got) != len(want) or any(g[0] != w[0] or not all(near(a, b, 1e-10) for a, b in zip(g[1:], w[1:]))
                                for g, w in zip(got, want)):
    bad.append(f"Kaplan-Meier {got}")
c = [list(r) for r in wb["CLV"].iter_rows(values_only=True)]
want = [["Email", 2, 1, 1, 30.4375 / 210, 80.125, 80.125 * 0.8 * 210 / 30.4375],
        ["Paid Search", 3, 1, 2, 2 * 30.4375 / 272, 112, 112 * 0.8 * 136 / 30.4375],
        ["Partner", 1, 1, 0, 0, 275, None]]
for w, g in zip(want, c[3:6]):
    if g[0] != w[0] or not all(near(a, b) if b is not None else a is None for a, b in zip(g[1:7], w[1:])):
        bad.append(f"CLV {g[:7]}, want {w}")
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY

# The figures so far, as the note says: --period 2026-04-01..2026-06-01,
# a range that ends on the data's last day, labelled as such. Bridge by
# hand (t0 03-31, t1 06-01, ARR = 12 MRR, a3's EUR at 1.1): a1 1200 ->
# 1200, a3 660 -> 1056 (+396), a4 1200 -> 0 (churn: it ends 05-10), a5
# 3600 -> 3000 (-600); a6 starts and ends (06-01, exclusive) inside it.
# NRR 5256/6660, GRR 4860/6660; its prior period is as long and just
# before it (2026-01-29..2026-03-31), whose NRR on the Summary the
# reference checks. allot-retention gives the same bridge for that period
# (cross-check at the end).
part=2026-04-01..2026-06-01
"$bin/allot-xlsx" --db a.db --period $part --out part.xlsx 2>part.err || fail "allot-xlsx $part: $(cat part.err)"
$py "$check" part.xlsx a.db $part || fail "$part workbook against the reference"
"$py" - part.xlsx <<'PY' || fail "$part bridge by hand"
import sys, openpyxl
rows = [list(r) for r in openpyxl.load_workbook(sys.argv[1], data_only=True)["Retention"].iter_rows(values_only=True)]
want = [["Revenue retention over 2026-04-01..2026-06-01 (ARR, USD)"] + [None] * 7,
        ["Start ARR", "New", "Expansion", "Contraction", "Churn", "End ARR", "NRR", "GRR"],
        [6660, 0, 396, -600, -1200, 5256, 5256 / 6660, 4860 / 6660]]
got = [r[:8] for r in rows[:3]]
ok = got[:2] == want[:2] and all(abs(a - b) <= 1e-12 for a, b in zip(got[2], want[2]))
sys.exit(0 if ok else f"{got}, want {want}")
PY

# A period wholly after the data (2026Q3: the data end on 2026-06-01):
# the note says so; no bridge, and no headline NRR for it nor for 2026Q2,
# which ends after the data too. Before, the sheet showed a flat 2026Q3 of
# 5,256 with NRR and GRR 100 % (every account of 06-01 carried forward),
# and the Summary NRR 100 % against 78.9 %, +21.1 points. The cohorts and
# the curves are those of 06-01, as their titles say.
"$bin/allot-xlsx" --db a.db --period 2026Q3 --out q3.xlsx 2>q3.err || fail "allot-xlsx 2026Q3: $(cat q3.err)"
$py "$check" q3.xlsx a.db 2026Q3 || fail "2026Q3 workbook against the reference"
"$py" - q3.xlsx q2.xlsx <<'PY' || fail "2026Q3, after the data"
import sys, openpyxl
wb, q2 = (openpyxl.load_workbook(f, data_only=True) for f in sys.argv[1:3])
ws = wb["Retention"]
note = "The data ends on 2026-06-01, before 2026Q3 begins (2026-07-01): no ARR bridge, NRR or GRR for it"
bad = []
if (ws["A1"].value, ws["A2"].value, ws["B2"].value) != ("Revenue retention over 2026Q3 (ARR, USD)", note, None):
    bad.append(f"A1:B2 {ws['A1'].value!r} {ws['A2'].value!r} {ws['B2'].value!r}")
nrr = next(list(r) for r in wb["Summary"].iter_rows(values_only=True) if r[0] == "Net revenue retention")
if nrr[1:5] != ["no data"] + [None] * 3:
    bad.append(f"Summary NRR {nrr[1:5]}, want 'no data' (e2e/report_partial), then blank")
rest = lambda w: [list(r) for r in w["Retention"].iter_rows(min_row=4, values_only=True)]
if rest(wb) != rest(q2):
    bad.append("the cohorts and curves differ from 2026Q2's (both as of 2026-06-01)")
if not any(str(r[0]).startswith("Logo retention by monthly acquisition cohort, as of 2026-06-01 (") for r in rest(wb)):
    bad.append("the cohort title does not say as of 2026-06-01")
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY

# 2026Q1: both sheets as of 2026-03-31, the quarter's last day. Tenures a1
# 90 censored (to 04-01), a2 59, a3 59 censored, a4 50 censored, a5 31
# censored; a6 starts 04-01, after it: 5 customers, 1 churned. The CLV
# sheet was as of the data's end (2026-06-01) whatever the period: the
# 2026Q1 workbook showed 6 customers and 3 churned (a6, and a4's churn of
# 05-10) beside its own Retention sheet's 5 and 1, and the same CLV sheet
# as 2026Q2's. By hand: Email {a3, a4}, no churn, payments a3 55 on 02-01
# and 03-01, a4 100 on 02-10 and 03-10: ARPA 77.50; Paid Search {a1, a2},
# a2 churned, a1 100 on 01-01, 02-01, 03-01, a2 200 on 01-15, 02-15:
# ARPA 140, churn 1 / (149 / 30.4375); Partner {a5} 300 on 03-01.
"$bin/allot-xlsx" --db a.db --period 2026Q1 --out q1.xlsx 2>q1.err || fail "allot-xlsx 2026Q1: $(cat q1.err)"
$py "$check" q1.xlsx a.db 2026Q1 || fail "2026Q1 workbook against the reference"
"$py" - q1.xlsx <<'PY' || fail "2026Q1 CLV by hand"
import sys, openpyxl
c = [list(r)[:7] for r in openpyxl.load_workbook(sys.argv[1], data_only=True)["CLV"].iter_rows(values_only=True)]
want = [["Email", 2, 2, 0, 0, 77.5, None],
        ["Paid Search", 2, 1, 1, 30.4375 / 149, 140, 140 * 0.8 * 149 / 30.4375],
        ["Partner", 1, 1, 0, 0, 300, None], ["(all)", 5, 4, 1, 30.4375 / 289, 131, 131 * 0.8 * 289 / 30.4375]]
bad = [f"{g}, want {w}" for g, w in zip(c[3:7], want)
       if g[0] != w[0] or any((a is None) != (b is None) or (b is not None and abs(a - b) > 1e-9 * max(1, b))
                              for a, b in zip(g[1:], w[1:]))]
if not c[0][0].endswith(", as of 2026-03-31)"):
    bad.append(f"title {c[0][0]!r} should say as of 2026-03-31")
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY

# Every Paid Search customer churned (a1's s1 ends 2026-05-01: 120 days):
# S = 0 at 120 days, where the log-log band is undefined. R, as above with
# a1's time 120 and event 1: PS 120 days, at risk 1, churned 1, surv 0,
# lower NA, upper NA. The sheet leaves both bounds blank (it showed 0.0 %
# and 0.0 %, a band of certainty, before the At risk and Churned columns
# came).
cp a.db zero.db
sqlite3 zero.db "UPDATE subscriptions SET end_date = '2026-05-01' WHERE subscription_id = 's1'"
"$bin/allot-xlsx" --db zero.db --period 2026Q2 --out zero.xlsx 2>zero.err || fail "allot-xlsx, all churned: $(cat zero.err)"
$py "$check" zero.xlsx zero.db 2026Q2 || fail "all-churned workbook against the reference"
"$py" - zero.xlsx <<'PY' || fail "S = 0 row"
import sys, openpyxl
rows = [list(r)[:7] for r in openpyxl.load_workbook(sys.argv[1], data_only=True)["Retention"].iter_rows(values_only=True)]
want = ["Paid Search", 120, 0, None, None, 1, 1]
sys.exit(0 if want in rows else f"no row {want}: {[r for r in rows if r[0] == 'Paid Search']}")
PY

# Reporting in EUR: the same company with a USD row of 1 in fx_rates (and
# EUR's rate from 2025, for d1's close date on the Summary), so USD converts
# at 1 / 1.1 EUR, each converted MRR held in whole micros: over 2026-04-01
# ..2026-06-01 Start ARR 6660 / 1.1 = 6054.55, the moves by largest
# remainder to End 4778.18; 2026Q2 has the note instead.
cp a.db eur.db
sqlite3 eur.db "UPDATE fx_rates SET start_date = '2025-01-01' WHERE currency = 'EUR';
  INSERT INTO fx_rates(currency, start_date, end_date, rate) VALUES ('USD', '2025-01-01', NULL, 1);"
printf '[general]\nreporting_currency = EUR\n' > eur.ini
for p in 2026Q2 $part; do
  "$bin/allot-xlsx" --db eur.db --config eur.ini --period $p --out eur.xlsx 2>eur.err \
    || fail "allot-xlsx $p in EUR: $(cat eur.err)"
  $py "$check" eur.xlsx eur.db $p || fail "$p EUR workbook against the reference"
done

# A generated company (tests/cases/retention/company.sql, from
# generate_company.py: 60 accounts in USD, EUR and GBP whose rates change on
# 2026-01-01, seven channels, lead sources, gaps and reactivations): every
# cell of both sheets against the reference, quarter by quarter (the top
# five channels, the last twelve cohorts and the FX of the chain change).
# Its data end on 2026-06-20: 2026Q2 has the note, and the bridge so far is
# that of 2026-04-01..2026-06-20.
: > company.db
"$bin/allot-retention" --db company.db --csv >/dev/null 2>&1
sqlite3 company.db < "$tests/cases/retention/company.sql"
for p in 2025Q2 2025Q3 2025Q4 2026Q1 2026Q2 2026-04-01..2026-06-20; do
  "$bin/allot-xlsx" --db company.db --period "$p" --out "company-$p.xlsx" 2>company.err \
    || fail "allot-xlsx company $p: $(cat company.err)"
  $py "$check" "company-$p.xlsx" company.db "$p" || fail "company $p workbook against the reference"
done

# Cross-check (not a reference): the sheets show what allot-retention and
# allot-clv print for the same period and as-of date: the bridge of
# 2026-04-01..2026-06-01, and as allot-retention refuses 2026Q2 (above),
# the 2026Q2 workbook has no bridge. (This compared allot-retention --as-of
# 2026-06-30 --period 2026Q2 with the 2026Q2 sheet's bridge to 06-01.)
"$bin/allot-retention" --db a.db --csv --table bridge --bootstrap 0 \
  --period $part 2>/dev/null | tail -1 | cut -d, -f3-8,10,11 > bridge.csv
"$py" - part.xlsx <<'PY' > sheet-bridge.csv
import sys, openpyxl
rows = [list(r) for r in openpyxl.load_workbook(sys.argv[1], data_only=True)["Retention"].iter_rows(values_only=True)]
i = next(k for k, r in enumerate(rows) if r[0] == "Start ARR")
v = rows[i + 1]
print(",".join(f"{abs(x):.2f}" for x in v[:6]) + "," + ",".join(f"{x:.10g}" for x in v[6:8]))
PY
cmp -s bridge.csv sheet-bridge.csv || fail "sheet bridge $(cat sheet-bridge.csv) vs allot-retention $(cat bridge.csv)"
"$bin/allot-clv" --db a.db --as-of 2026-06-01 --csv 2>/dev/null | tail -n +2 | cut -d, -f1-4,6,7,9 > clv.csv
"$py" - q2.xlsx <<'PY' > sheet-clv.csv
import sys, openpyxl
from decimal import Decimal, ROUND_HALF_UP
rows = [list(r) for r in openpyxl.load_workbook(sys.argv[1], data_only=True)["CLV"].iter_rows(values_only=True)]
for r in rows[3:]:
    if not r[0]:
        break
    f = lambda x: "" if x is None else f"{x:.10g}"
    # money as the CSV writes it: cents, half away from zero (80.125 -> 80.13)
    m = lambda x: "" if x is None else str(Decimal(repr(x)).quantize(Decimal("0.01"), ROUND_HALF_UP))
    print(",".join([r[0], f(r[1]), f(r[2]), f(r[3]), f(r[4]), m(r[5]), m(r[6])]))
PY
cmp -s clv.csv sheet-clv.csv || fail "sheet CLV vs allot-clv: $(diff clv.csv sheet-clv.csv)"
echo ok
