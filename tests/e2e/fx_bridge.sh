#!/usr/bin/env bash
# The ARR bridge's currency effect (FX) on tests/cases/retention/fx_bridge.sql:
# one EUR account's rate moves from 1.10 (2026Q1) to 1.20 (2026Q2). Each
# quarter's workbook is at its own last day's rates; the Q2 workbook chains
# to Q1's End through an FX line, while allot-retention (one as-of date for
# every period) shows FX 0.
#
# By hand (ARR = 12 x MRR; a row converts at the rate, to the micro):
# 2026Q1 (t0 2025-12-31: nobody; t1 03-31; rates of 03-31: EUR 1.10)
#   e1 999.99 EUR x 1.1 = 1,099.989 USD MRR -> ARR 13,199.868
#   e2 300 EUR x 1.1 = 330 -> 3,960;  u1 500 USD -> 6,000
#   start 0, FX 0, new 23,159.868 -> 23,159.87, end 23,159.87
# 2026Q2 (t0 03-31, t1 06-30; rates of 06-30: EUR 1.20; previous rates of
# 03-31: EUR 1.10)
#   the start book at 06-30 rates: e1 999.99 x 1.2 x 12 = 14,399.856,
#     e2 300 x 1.2 x 12 = 4,320, u1 6,000: Start ARR 24,719.856 -> 24,719.86
#   the same book at 03-31 rates = Q1's end 23,159.868 -> 23,159.87
#   FX = 24,719.856 - 23,159.868 = 1,559.988 (12 x 1,299.99 EUR x 0.10);
#     shown 24,719.86 - 23,159.87 = 1,559.99
#   e1 -> 1,099.99 x 1.2 x 12 = 15,839.856: expansion 1,440.00
#   e2 ends 06-01: churn 4,320.00; u2 200 USD from 04-15: new 2,400.00
#   end 15,839.856 + 6,000 + 2,400 = 24,239.856 -> 24,239.86
#   23,159.87 + 1,559.99 + 2,400 + 1,440 - 0 - 4,320 = 24,239.86
#   NRR (constant currency) (15,839.856 + 6,000) / 24,719.856 = 0.883494467
#   GRR (14,399.856 + 6,000) / 24,719.856 = 0.8252417004
#   (python3 -c "print('%.10g' % (21839.856/24719.856), '%.10g' % (20399.856/24719.856))")
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$1; tests=$2; scratch=$3
rm -rf "$scratch"; mkdir -p "$scratch"; cd "$scratch"
py=/usr/bin/python3

: > a.db
"$bin/allot-retention" --db a.db --csv >/dev/null 2>&1   # creates the schema (no accounts)
sqlite3 a.db < "$tests/cases/retention/fx_bridge.sql"
for q in 2026Q1 2026Q2; do
  "$bin/allot-xlsx" --db a.db --period $q --out $q.xlsx 2>$q.err || fail "allot-xlsx $q: $(cat $q.err)"
done

# rows: the Start ARR row's six figures, NRR, GRR; the chain row (previous
# End, FX, Start) and its headers
read_bridge() {
  "$py" - "$1" <<'PY'
import sys, openpyxl
rows = list(openpyxl.load_workbook(sys.argv[1], data_only=True)["Retention"].iter_rows(values_only=True))
i = next(k for k, r in enumerate(rows) if r and r[0] == "Start ARR")
print(",".join(f"{x:.2f}" for x in rows[i + 1][:6]), f"{rows[i + 1][6]:.10g}" if rows[i + 1][6] is not None else "",
      f"{rows[i + 1][7]:.10g}" if rows[i + 1][7] is not None else "")
print(",".join(str(x) for x in rows[i + 2][:3]))
print(",".join(f"{x:.2f}" for x in rows[i + 3][:3]))
PY
}
read_bridge 2026Q1.xlsx > q1.txt
read_bridge 2026Q2.xlsx > q2.txt
expect "Q1 bridge" "$(sed -n 1p q1.txt)" "0.00,23159.87,0.00,0.00,0.00,23159.87  "
expect "Q1 chain head" "$(sed -n 2p q1.txt)" "2025Q4 End ARR,FX,Start ARR"
expect "Q1 chain (FX 0)" "$(sed -n 3p q1.txt)" "0.00,0.00,0.00"
expect "Q2 bridge" "$(sed -n 1p q2.txt)" \
  "24719.86,2400.00,1440.00,0.00,-4320.00,24239.86 0.883494467 0.8252417004"
expect "Q2 chain head" "$(sed -n 2p q2.txt)" "2026Q1 End ARR,FX,Start ARR"
expect "Q2 chain" "$(sed -n 3p q2.txt)" "23159.87,1559.99,24719.86"
# the chain: Q2 opens at Q1's End, to the cent
expect "Q2 opens at Q1's end" "$(sed -n 3p q2.txt | cut -d, -f1)" \
  "$(sed -n 1p q1.txt | cut -d, -f6 | cut -d' ' -f1)"

# The PDF's bridge chart says the same in its note.
"$bin/allot-pdf" --db a.db --period 2026Q2 --out q2.pdf 2>pdf.err || fail "allot-pdf: $(cat pdf.err)"
pdftotext q2.pdf - | tr '\n' ' ' | tr -s ' ' > q2.txt.pdf
grep -q "at the rates of 2026-06-30 (constant currency). Start = 2026Q1's end USD 23,160 at its rates (2026-03-31) + FX USD 1,560." q2.txt.pdf \
  || fail "PDF bridge note: $(grep -o 'ARR = 12.\{0,260\}' q2.txt.pdf)"

# allot-retention: one as-of date (2026-06-30) for every period, so FX is 0
# and Q1 is at 06-30 rates: 14,399.856 + 4,320 + 6,000 = 24,719.856.
run() { "$bin/allot-retention" --db a.db "$@" 2>/dev/null; }
expect "retention Q2" "$(run --csv --table bridge --bootstrap 0 --period 2026Q2 | tail -1 | cut -d, -f1-11)" \
  "2026Q2,USD,24719.86,2400.00,1440.00,0.00,4320.00,24239.86,0.00,0.883494467,0.8252417004"
expect "retention Q1" "$(run --csv --table bridge --bootstrap 0 --period 2026Q1 | tail -1 | cut -d, -f1-9)" \
  "2026Q1,USD,0.00,24719.86,0.00,0.00,0.00,24719.86,0.00"
run --period 2026Q2 --bootstrap 0 > report.txt
grep -q '^  + FX                      0.00  (one as-of date' report.txt || fail "text FX line: $(grep -A3 'Revenue bridge' report.txt)"
grep -q '^Revenue bridge 2026Q2 (ARR, USD at the rates of 2026-06-30)$' report.txt || fail "text bridge title"

# No EUR rate on 2026-03-31 (the first row ends on 03-01): the 2026Q1
# workbook cannot be made (exit 1), and 2026Q2's keeps its constant-currency
# bridge and says that its FX is not known, naming the rate.
cp a.db gap.db
sqlite3 gap.db "UPDATE fx_rates SET end_date = '2026-03-01' WHERE currency = 'EUR' AND start_date = '2026-01-01'"
set +e
"$bin/allot-xlsx" --db gap.db --period 2026Q1 --out gap1.xlsx 2>gap1.err; rc=$?
set -e
expect "Q1 without its rate" "$rc" 1
"$bin/allot-xlsx" --db gap.db --period 2026Q2 --out gap2.xlsx 2>gap2.err || fail "gap Q2: $(cat gap2.err)"
"$py" - gap2.xlsx > gap2.txt <<'PY'
import sys, openpyxl
rows = list(openpyxl.load_workbook(sys.argv[1], data_only=True)["Retention"].iter_rows(values_only=True))
i = next(k for k, r in enumerate(rows) if r and r[0] == "Start ARR")
print(",".join(f"{x:.2f}" for x in rows[i + 1][:6]))
print(rows[i + 2][0])
PY
expect "gap Q2 bridge" "$(sed -n 1p gap2.txt)" "24719.86,2400.00,1440.00,0.00,-4320.00,24239.86"
grep -q "^FX since 2026Q1 not known: .*EUR.*2026-03-31" gap2.txt || fail "gap note: $(sed -n 2p gap2.txt)"
"$bin/allot-pdf" --db gap.db --period 2026Q2 --out gap2.pdf 2>/dev/null || fail "gap PDF"
pdftotext gap2.pdf - | tr '\n' ' ' | tr -s ' ' > gap2.pdf.txt
grep -q "at the rates of 2026-06-30 (constant currency). NRR and GRR over" gap2.pdf.txt \
  || fail "gap PDF note: $(grep -o 'ARR = 12.\{0,200\}' gap2.pdf.txt)"
exit $fail
