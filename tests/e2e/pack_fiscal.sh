#!/usr/bin/env bash
# allot-pack's "restated since run N" line when the credit runs were made
# with different fiscal-year starts (config [general]
# fiscal_year_start_month): it follows allot-restate's rule
# (allot_restate_check_fiscal, allot_restate_relabel): quarters that are the
# same months are compared under their own labels; quarters that are other
# months are not compared, and the line says so instead of a figure.
#
# Fixture tests/cases/restate (see e2e/restate.sh for every touch; model
# linear: each touch of a deal's people gets amount / touches; lookback 90
# days holds every touch). Close dates: original d1 09-15, d2 09-20, d3
# 09-25, d4 09-10, d5 09-12 (all 2026, all won); restated: d1 1200.00,
# d2 -> 10-05, d3 + person p4, d4 lost, d6 400.00 on 09-28.
#   run A  fiscal start 3, original:  FY2027Q3 = Sep-Nov 2026: booked
#          1000 + 300 + 900 + 200 + 150 = 2550.00
#   run B  fiscal start 4, original:  FY2027Q2 = Jul-Sep 2026: 2550.00
#          (channels Email 800, Paid Search 700, Events 300, Referral 300,
#          Paid Social 300, (unattributed) 150)
#   run C  fiscal start 1, restated:  2026Q3 = Jul-Sep: 1200 + 900 + 150
#          + 400 = 2650.00 (Email 825, Paid Search 825, Events 200,
#          Referral 225, Paid Social 425, (unattributed) 150); 2026Q4 300.00
#   run D  fiscal start 2, restated:  FY2027Q3 = Aug-Oct: 2650 + 300 (d2)
#          = 2950.00
# Pack of 2026Q3 (fiscal start 1) reads run C; the latest earlier run with
# those months is B (start 4: 3 months apart, FY2027Q2 = 2026Q3):
#   2,550.00 then, 2,650.00 now (+100.00); channels changed: Email +25,
#   Paid Search +125, Events -100, Referral -75, Paid Social +125 = 5
#   ((unattributed) 150 in both); campaigns changed (e2e/restate.sh's
#   table): c_brand 700 -> 825, c_launch 300 -> 225, c_news 500 -> 600,
#   c_social 300 -> 425, c_summit 300 -> 200 = 5 (touches without a
#   campaign not counted).
# Pack of FY2027Q3 (fiscal start 2) reads run D (Aug-Oct); the latest
# earlier run with a quarter sharing those months is C (start 1: Jul-Sep,
# Oct-Dec; 1 month apart): not compared. Before the fix, the label text
# FY2027Q3 matched run A's FY2027Q3 (Sep-Nov, the original data) and the
# pack printed "USD 2,550.00 booked then, USD 2,950.00 now (+USD 400.00)",
# a comparison of other months.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$(cd "$1" && pwd) tests=$(cd "$2" && pwd) scratch=$3
rm -rf "$scratch" && mkdir -p "$scratch"
cd "$scratch"
cases=$tests/cases/restate
db=$scratch/allot.db

# cfg MONTH: a configuration with that fiscal start (and the pack's sender).
cfg() {
  printf '[general]\nfiscal_year_start_month = %s\n[pack]\nfrom = allot@example.com\nto = cfo@example.com\n' \
    "$1" > "fiscal$1.ini"
  echo "fiscal$1.ini"
}
credit() { # credit MONTH: a linear revenue run with that fiscal start; echoes its id
  "$bin/allot-credit" --db "$db" --config "$(cfg "$1")" --model linear > /dev/null 2>> credit.err ||
    fail "credit fiscal $1: $(cat credit.err)"
  q "SELECT max(run_id) FROM runs WHERE tool = 'allot-credit'"
}
pack_line() { # pack_line MONTH PERIOD: the e-mail's restatement line, decoded
  rm -rf pack && mkdir pack
  "$bin/allot-pack" --db "$db" --config "$(cfg "$1")" --period "$2" --out pack 2> pack.err ||
    fail "allot-pack: $(cat pack.err)"
  /usr/bin/python3 -c 'import email, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
text = next(p for p in m.walk() if p.get_content_type() == "text/plain")
print("\n".join(l for l in text.get_payload(decode=True).decode().splitlines() if "restated" in l))' \
    "pack/allot-pack-$2.eml"
}

for f in campaigns people touches deals deal_people fx_rates; do
  load "$cases/$f.csv" 2>> load.err || fail "loading $f.csv: $(cat load.err)"
done
run_a=$(credit 3)
run_b=$(credit 4)
load "$cases/deals_restated.csv" 2>> load.err || fail "reload deals"
load "$cases/deal_people_restated.csv" 2>> load.err || fail "reload deal_people"
run_c=$(credit 1)
expect "labels" "$(q "SELECT run_id || ':' || group_concat(period || '=' || booked_minor, ',')
  FROM (SELECT * FROM rollup_period WHERE model = 'linear' ORDER BY run_id, period) GROUP BY run_id")" \
"$run_a:FY2027Q3=255000
$run_b:FY2027Q2=255000
$run_c:2026Q3=265000,2026Q4=30000"

# The reference: the same figures from the CSVs by an independent script
# (linear split, quarters as months, so labels play no part): booked then
# and now over Jul-Sep 2026, the channels and campaigns whose credit
# differs. Output: "255000 265000 5 5".
ref=$(/usr/bin/python3 - "$cases" <<'EOF'
import csv, sys, datetime as dt
from collections import defaultdict
d = sys.argv[1]
rows = lambda f: list(csv.DictReader(open(f"{d}/{f}")))
def credit(deal_files, dp_files, months):
    deals = {}
    for f in deal_files:
        for r in rows(f): deals[r["deal_id"]] = r
    people = defaultdict(set)
    for f in dp_files:
        for r in rows(f): people[r["deal_id"]].add(r["person_id"])
    touches = rows("touches.csv")
    booked, chan, camp = 0, defaultdict(int), defaultdict(int)
    for k, r in deals.items():
        close = dt.date.fromisoformat(r["close_date"])
        if r["is_won"] != "1" or (close.year, close.month) not in months: continue
        cents = round(float(r["amount"]) * 100)
        booked += cents
        ts = [t for t in touches if t["person_id"] in people[k]
              and 0 <= (close - dt.date.fromisoformat(t["occurred_at"][:10])).days <= 90]
        if not ts: chan["(unattributed)"] += cents; continue
        for i, t in enumerate(ts):  # linear: equal shares, the remainder to the first
            share = cents // len(ts) + (1 if i < cents % len(ts) else 0)
            chan[t["channel"]] += share
            if t["campaign_id"]: camp[t["campaign_id"]] += share
    return booked, chan, camp
q3 = {(2026, 7), (2026, 8), (2026, 9)}
b0, c0, k0 = credit(["deals.csv"], ["deal_people.csv"], q3)
b1, c1, k1 = credit(["deals.csv", "deals_restated.csv"],
                    ["deal_people.csv", "deal_people_restated.csv"], q3)
diff = lambda a, b: sum(a.get(x, 0) != b.get(x, 0) for x in set(a) | set(b))
print(b0, b1, diff(c0, c1), diff(k0, k1))
EOF
)
expect "reference" "$ref" "255000 265000 5 5"

# Relabeled: run B's FY2027Q2 is run C's 2026Q3.
expect "relabeled line" "$(pack_line 1 2026Q3)" \
  "  restated since run $run_b: USD 2,550.00 booked then, USD 2,650.00 now (+USD 100.00); credit changed in 5 channels and 5 campaigns (allot-restate --from $run_b --to $run_c --model linear)"
# allot-restate compares the same two runs so and agrees (2026Q3 +100.00).
"$bin/allot-restate" --db "$db" --from "$run_b" --to "$run_c" --model linear --csv \
  --table periods > periods.csv 2> /dev/null
expect "restate agrees" "$(sed -n 2p periods.csv)" \
  "2026Q3,2550.00,2650.00,100.00,2400.00,2500.00,150.00,150.00,5,4,USD"

# Not the same months: said, no figure.
run_d=$(credit 2)
expect "run D" "$(q "SELECT period || '=' || booked_minor FROM rollup_period WHERE run_id = $run_d")" \
  "FY2027Q3=295000"
expect "unmatched line" "$(pack_line 2 FY2027Q3)" \
  "  restated since run $run_c: not compared: run $run_c's fiscal year starts in month 1 and run $run_d's in month 2: their quarters are different months and cannot be compared; run allot-credit again with --fiscal-start 1"
# allot-restate refuses the same pair with the same words.
"$bin/allot-restate" --db "$db" --from "$run_c" --to "$run_d" --model linear > /dev/null 2> err
expect "restate refuses" "$(cat err)" \
  "allot-restate: error: run $run_c's fiscal year starts in month 1 and run $run_d's in month 2: their quarters are different months and cannot be compared; run allot-credit again with --fiscal-start 1"

# The same fiscal start, the same data: nothing restated, no line (run E
# repeats D).
credit 2 > /dev/null
expect "unchanged" "$(pack_line 2 FY2027Q3)" ""

exit $fail
