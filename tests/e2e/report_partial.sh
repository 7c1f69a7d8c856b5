#!/usr/bin/env bash
# The headline numbers of a period that is not over in the data (README "A
# period the data do not cover"): the workbook's Summary and the PDF cover
# label the figures of a period that ends after the data's end as "to DATE
# (the data ends DATE)" and show no change against the whole prior period;
# a period wholly after the data says "no data" instead of zeros and
# -100 %. A period the data cover keeps its changes.
#
# tests/cases/retention/small.sql (its data end on 2026-06-01: s6's end;
# its deals and their creation days are earlier) with, added here, spend
# of USD 500 on 2026-03-15 and USD 200 on 2026-05-10 and a won deal d7 of
# USD 1,500 created 2026-04-15, closed 2026-05-20. By hand:
#   2025Q4: won d1 1,200 (2025-12-30, created 2025-12-20): 1 deal,
#           pipeline 1,200; no spend.
#   2026Q1: won d5 3,600 (2026-02-25, created 2026-02-20): 1 deal,
#           pipeline 3,600; spend 500; won per spend 3600/500 = 7.2.
#   2026Q2 to 2026-06-01: won d7 1,500, 1 deal, pipeline 1,500, spend 200,
#           7.5. Before, the Summary showed the change -2,100 (-58.3 %)
#           on won revenue and pipeline, -300 (-60 %) on spend, and the
#           cover "-58.3 % vs 2026Q1" as if the quarter were over.
#   2026Q3: after the data: no figures. Before, zeros and -100 % against
#           2026Q2 (USD 0 won, "-100.0 % vs 2026Q2").
#   2026Q1 against 2025Q4 (covered): +2,400, +200 %; deals 0, 0 %; pipeline
#           +2,400, +200 %; spend +500, no % (from 0).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$1; tests=$2; scratch=$3
py=/usr/bin/python3
rm -rf "$scratch"; mkdir -p "$scratch"; cd "$scratch"
: > a.db
"$bin/allot-retention" --db a.db --csv >/dev/null 2>&1   # creates the schema (no accounts)
sqlite3 a.db < "$tests/cases/retention/small.sql"
sqlite3 a.db "INSERT INTO spend(date, source_system, campaign_id, cost_micros, currency) VALUES
  ('2026-03-15', 'google_ads', 'c1', 500000000, 'USD'),
  ('2026-05-10', 'google_ads', 'c1', 200000000, 'USD');
INSERT INTO deals(deal_id, account_id, amount_micros, currency, is_won, is_closed, created_at,
  close_date) VALUES ('d7', 'a1', 1500000000, 'USD', 1, 1, 1776247200, '2026-05-20');"

q2="The data ends on 2026-06-01, before 2026Q2 does (2026-06-30): the figures of 2026Q2 are to 2026-06-01, and no change against 2026Q1 is shown (part of a period against a whole one)"
q3="The data ends on 2026-06-01, before 2026Q3 begins (2026-07-01): no data for 2026Q3, so no figures and no change against 2026Q2"

for p in 2026Q1 2026Q2 2026Q3; do
  "$bin/allot-xlsx" --db a.db --period $p --out $p.xlsx 2>$p.err || fail "allot-xlsx $p: $(cat $p.err)"
done
"$py" - "$q2" "$q3" <<'PY' || fail "workbook Summary"
import sys, openpyxl
q2, q3 = sys.argv[1:3]
def table(path):
    """The headline table: its header, the six rows (columns A..E) and the
    row after them."""
    rows = [list(r)[:5] for r in openpyxl.load_workbook(path, data_only=True)["Summary"].iter_rows(values_only=True)]
    i = next(k for k, r in enumerate(rows) if r[0] == "Metric")
    return rows[i], rows[i + 1:i + 7], rows[i + 7]
names = ["Won revenue", "Deals won", "Pipeline created", "Marketing spend",
         "Won revenue per unit of spend", "Net revenue retention"]
want = {
    "2026Q1.xlsx": (["Metric", "This period", "Prior period", "Change", "Change %"],
                    [[3600, 1200, 2400, 2], [1, 1, 0, 0], [3600, 1200, 2400, 2], [500, 0, 500, None],
                     [7.2, None, None, None], [None, None, None, None]],
                    [None] * 5),
    "2026Q2.xlsx": (["Metric", "This period, to 2026-06-01 (the data ends 2026-06-01)", "Prior period",
                     "Change", "Change %"],
                    [[1500, 3600, None, None], [1, 1, None, None], [1500, 3600, None, None],
                     [200, 500, None, None], [7.5, 7.2, None, None], [None, None, None, None]],
                    [q2] + [None] * 4),
    "2026Q3.xlsx": (["Metric", "This period, no data (the data ends 2026-06-01)", "Prior period",
                     "Change", "Change %"],
                    [["no data", 1500, None, None], ["no data", 1, None, None],
                     ["no data", 1500, None, None], ["no data", 200, None, None],
                     ["no data", 7.5, None, None], ["no data", None, None, None]],
                    [q3] + [None] * 4),
}
bad = []
for path, (head, body, after) in want.items():
    h, b, a = table(path)
    rows = [[n] + r for n, r in zip(names, body)]
    def same(x, y):
        return x == y or (isinstance(x, (int, float)) and isinstance(y, (int, float))
                          and abs(x - y) <= 1e-12 * max(1, abs(y)))
    if h != head:
        bad.append(f"{path} header {h}, want {head}")
    for g, w in zip(b, rows):
        if len(g) != len(w) or not all(same(x, y) for x, y in zip(g, w)):
            bad.append(f"{path} {g}, want {w}")
    if a != after:
        bad.append(f"{path} row after the table {a}, want {after}")
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY

# The PDF cover: the subtitle, then each tile's name, value and line
# (pdftotext writes the three tiles of a row in turn).
cover() { pdftotext "$1" - | awk 'BEGIN { RS = "\f" } NR == 1' |
  awk 'NR > 3 && /^In this pack$/ { exit } NR > 3 && NF' | paste -sd'|'; }
for p in 2026Q1 2026Q2 2026Q3; do
  "$bin/allot-pdf" --db a.db --period $p --out $p.pdf 2>$p.err || fail "allot-pdf $p: $(cat $p.err)"
done
expect "2026Q1 cover" "$(cover 2026Q1.pdf)" "$(printf '%s|' \
  "2026-01-01 to 2026-03-31 · compared with 2025Q4 · amounts in USD · default model n/a" \
  "Won revenue" "Deals won" "Pipeline created" "USD 3,600" 1 "USD 3,600" \
  "+200.0 % vs 2025Q4 (USD 1,200)" "0.0 % vs 2025Q4 (1)" "+200.0 % vs 2025Q4 (USD 1,200)" \
  "Marketing spend" "Won revenue per unit of spend" "Net revenue retention" "USD 500" "7.20×" n/a \
  "from 0 in 2025Q4 (USD 0)" "no figure for 2025Q4" "no figure for 2025Q4" | sed 's/|$//')"
# the subtitle wraps: its lines joined by a space
sub() { pdftotext "$1" - | awk 'BEGIN { RS = "\f" } NR == 1' | awk 'NR > 3 && /^Won revenue$/ { exit } NR > 3' |
  paste -sd' ' | sed 's/ *$//'; }
expect "2026Q2 subtitle" "$(sub 2026Q2.pdf)" \
  "2026-04-01 to 2026-06-30 · $q2 · amounts in USD · default model n/a"
expect "2026Q2 tiles" "$(cover 2026Q2.pdf | sed 's/^[^|]*|[^|]*|//')" "$(printf '%s|' \
  "Won revenue" "Deals won" "Pipeline created" "USD 1,500" 1 "USD 1,500" \
  "to 2026-06-01 · 2026Q1: USD 3,600" "to 2026-06-01 · 2026Q1: 1" "to 2026-06-01 · 2026Q1: USD 3,600" \
  "Marketing spend" "Won revenue per unit of spend" "Net revenue retention" "USD 200" "7.50×" n/a \
  "to 2026-06-01 · 2026Q1: USD 500" "to 2026-06-01 · 2026Q1: 7.20×" "no figure for 2026Q1" | sed 's/|$//')"
expect "2026Q3 subtitle" "$(sub 2026Q3.pdf)" \
  "2026-07-01 to 2026-09-30 · $q3 · amounts in USD · default model n/a"
e="the data ends 2026-06-01"
expect "2026Q3 tiles" "$(cover 2026Q3.pdf | sed 's/^[^|]*|[^|]*|//')" "$(printf '%s|' \
  "Won revenue" "Deals won" "Pipeline created" "no data" "no data" "no data" "$e" "$e" "$e" \
  "Marketing spend" "Won revenue per unit of spend" "Net revenue retention" "no data" "no data" \
  "no data" "$e" "$e" "$e" | sed 's/|$//')"
# The trend page's takeaway: the period so far, not the last three months
# against the three before (before: "USD 1,500, down 58 % on the three
# before" for 2026Q2, "USD 0, down 100 %" for 2026Q3); months after the
# data's end are not drawn.
trend() { pdftotext "$1" - | awk 'BEGIN { RS = "\f" } /^Pipeline created and revenue won by month/' | sed -n 2p; }
expect "2026Q1 trend" "$(trend 2026Q1.pdf)" "Won revenue in the last three months: USD 3,600, up 200 % on the three before"
expect "2026Q2 trend" "$(trend 2026Q2.pdf)" "Won revenue in 2026Q2 to 2026-06-01 (the data ends 2026-06-01): USD 1,500"
expect "2026Q3 trend" "$(trend 2026Q3.pdf)" "The data ends on 2026-06-01, before 2026Q3 begins (2026-07-01): no month of it is in the data"
pdftotext 2026Q2.pdf - | tr '\n' ' ' | tr -s ' ' | grep -qF "Months after the data's end (2026-06-01) are not" \
  || fail "2026Q2 trend note"
pdftotext 2026Q2.pdf - | tr '\n' ' ' | tr -s ' ' | grep -qF "Headline numbers, 2026Q2. $q2." \
  || fail "2026Q2 methods page lacks the sentence"
pdftotext 2026Q3.pdf - | tr '\n' ' ' | tr -s ' ' | grep -qF "Headline numbers, 2026Q3. $q3." \
  || fail "2026Q3 methods page lacks the sentence"
# allot-pack's e-mail text (written, not sent): the same sentence under the
# title, the prior quarter's figures without a change for 2026Q2, "no data"
# in every section for 2026Q3; 2026Q1 keeps its changes. Before, 2026Q2
# read "USD 1,500.00 from 1 deal (2026Q1: USD 3,600.00, -58.3 %)" (spend
# -60.0 %) and 2026Q3 "USD: none (2026Q2: USD 1,500.00)" in won revenue,
# pipeline and spend, as if nothing had been won in a quarter not yet in
# the data.
printf '[pack]\nfrom = reports@example.com\nto = cfo@example.com\n' > pack.ini
for p in 2026Q1 2026Q2 2026Q3; do
  mkdir -p out-$p
  "$bin/allot-pack" --db a.db --config pack.ini --out out-$p --period $p 2>$p.err \
    || fail "allot-pack $p: $(cat $p.err)"
done
"$py" - "$q2" "$q3" <<'PY' || fail "pack e-mail text"
import email, email.policy, sys
q2, q3 = sys.argv[1:3]
def body(p):
    m = email.message_from_bytes(open(f"out-{p}/allot-pack-{p}.eml", "rb").read(), policy=email.policy.default)
    return m.get_body(("plain",)).get_content().replace("\r\n", "\n").split("\nAttached\n")[0]
na = "  (not available: no data for 2026Q3: the data ends on 2026-06-01)"
want = {
    "2026Q1": """allot report pack for 2026Q1 (2026-01-01 to 2026-03-31)

Revenue won (closed-won deals by close date)
  USD: USD 3,600.00 from 1 deal (2025Q4: USD 1,200.00, +200.0 %)

Pipeline created
  USD: USD 3,600.00 in 1 new deal (2025Q4: USD 1,200.00, +200.0 %)

Credited revenue by channel
  (not available: no credit run for 2026Q1 yet (run allot-credit))

Marketing spend
  USD: USD 500.00 across 1 campaign (2025Q4: none)
""",
    "2026Q2": f"""allot report pack for 2026Q2 (2026-04-01 to 2026-06-30)
{q2}.

Revenue won (closed-won deals by close date)
  USD: USD 1,500.00 from 1 deal (2026Q1: USD 3,600.00)

Pipeline created
  USD: USD 1,500.00 in 1 new deal (2026Q1: USD 3,600.00)

Credited revenue by channel
  (not available: no credit run for 2026Q2 yet (run allot-credit))

Marketing spend
  USD: USD 200.00 across 1 campaign (2026Q1: USD 500.00)
""",
    "2026Q3": f"""allot report pack for 2026Q3 (2026-07-01 to 2026-09-30)
{q3}.

Revenue won (closed-won deals by close date)
{na}

Pipeline created
{na}

Credited revenue by channel
{na}

Marketing spend
{na}
""",
}
bad = [f"{p}:\n{body(p)}\nwant\n{w}" for p, w in want.items() if body(p) != w]
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
exit $fail
