#!/usr/bin/env bash
# The demo's restatement stage (tools/run-demo): sample-data/ loaded and
# credited, then, on a copy of the database, the late CRM changes of
# sample-data/late/ loaded and credited again; allot-restate compares the
# two runs. Its figures are checked against tests/e2e/lib/restate_late.py,
# which reads only the CSV files (linear: amount / L per touch of the
# journey, cents by largest remainder to the earlier touches).
#
# The late changes, worked out by hand from sample-data/*.csv (all USD):
#   D000334 (Ironleaf Logistics, close 2026-09-28) amount corrected
#     44000.00 -> 40700.00; journey: P0002001's 8 touches 2026-07-02 ..
#     2026-08-11 (inside 90 days): 5500.00 -> 5087.50 each (-412.50):
#     C0107 1 touch, C0114 3, C0106 2, C0113 1, C0117 1.
#   D000774 (Summit Energy) close date 2026-09-30 -> 2026-10-02: moved to
#     2026Q4, same 8 touches of P0004642 (2026-08-10 .. 2026-09-30), 2762.50
#     each: C0117 1, C0106 1, none 3, C0113 2, C0114 1.
#   D000923 (Falcon Foods, new, won 2026-09-25, 18500.00, P0000310): 7
#     touches 2026-08-07 .. 2026-09-22: 1850000 / 7 = 264285 rest 5, so the
#     first five get 2642.86, the last two 2642.85: T1715 C0110, T1716 none,
#     T1717 C0113, T1718 C0113, T1719 none (.86); T1720 C0111, T1721 C0109
#     (.85).
#   Booked: 2026Q3 -3300.00 - 22100.00 + 18500.00 = -6900.00; 2026Q4
#   +22100.00.
#   Campaigns 2026Q3: C0106 -825.00 - 2762.50 = -3587.50; C0107 -412.50;
#   C0109 +2642.85; C0110 +2642.86; C0111 +2642.85; C0113 -412.50 - 5525.00
#   + 5285.72 = -651.78; C0114 -1237.50 - 2762.50 = -4000.00; C0117 -412.50
#   - 2762.50 = -3175.00; (none) -8287.50 + 5285.72 = -3001.78; sum
#   -6900.00. 2026Q4: C0106 +2762.50, C0113 +5525.00, C0114 +2762.50, C0117
#   +2762.50, (none) +8287.50; sum +22100.00.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$(cd "$1" && pwd) tests=$(cd "$2" && pwd) scratch=$3
rm -rf "$scratch" && mkdir -p "$scratch"
cd "$scratch"
data=$tests/../sample-data
ini=$data/allot.ini
db=$scratch/allot.db

"$bin/allot-load" --db "$db" --config "$ini" "$data"/*.csv 2> load.err || fail "load: $(cat load.err)"
"$bin/allot-credit" --db "$db" --config "$ini" --model linear > /dev/null 2> credit.err ||
  fail "credit: $(cat credit.err)"
before=$(q "SELECT count(*), sum(reporting_minor) FROM ledger")

# The demo stage, on a copy.
mkdir restated
sqlite3 "$db" ".backup '$scratch/restated/allot.db'" || fail "copy"
"$bin/allot-load" --db restated/allot.db --config "$ini" "$data"/late/*.csv 2> load.err ||
  fail "late load: $(cat load.err)"
expect "late load" "$(tail -1 load.err | sed 's/ in [0-9.]* s$//')" \
  "allot-load: 2 files (2 committed): 4 read, 2 loaded, 2 updated, 0 unchanged, 0 rejected"
"$bin/allot-credit" --db restated/allot.db --config "$ini" --model linear > /dev/null 2> credit.err ||
  fail "late credit: $(cat credit.err)"
restate() { "$bin/allot-restate" --db restated/allot.db --config "$ini" "$@"; }
for t in periods channels campaigns deals; do
  restate --csv --table "$t" > "$t.csv" 2> "$t.err" || fail "restate $t: $(cat "$t.err")"
done
expect "original untouched" "$(q "SELECT count(*), sum(reporting_minor) FROM ledger")" "$before"
expect "summary" "$(sed 's/in [0-9.]* s$/in /' periods.err)" \
  "allot-restate: run 4 vs run 2 (linear, USD): 2026Q3 booked -6,900.00, 2026Q4 booked +22,100.00: 1 deal added, 1 moved to 2026Q4, 1 amount changed; in "

# The reference (`python3 tests/e2e/lib/restate_late.py sample-data`), its
# output kept here; it must still say this (a change to sample-data or to
# the late files shows up here first) ...
reference="deal,D000334,amount,2026Q3,2026Q3,44000.00,40700.00,-3300.00
deal,D000774,moved,2026Q3,2026Q4,22100.00,22100.00,0.00
deal,D000923,added,,2026Q3,,18500.00,18500.00
period,2026Q3,-6900.00
period,2026Q4,22100.00
campaign,2026Q3,C0106,-3587.50
campaign,2026Q3,C0107,-412.50
campaign,2026Q3,C0109,2642.85
campaign,2026Q3,C0110,2642.86
campaign,2026Q3,C0111,2642.85
campaign,2026Q3,C0113,-651.78
campaign,2026Q3,C0114,-4000.00
campaign,2026Q3,C0117,-3175.00
campaign,2026Q3,(none),-3001.78
campaign,2026Q4,C0106,2762.50
campaign,2026Q4,C0113,5525.00
campaign,2026Q4,C0114,2762.50
campaign,2026Q4,C0117,2762.50
campaign,2026Q4,(none),8287.50"
expect "reference" "$(/usr/bin/python3 "$tests/e2e/lib/restate_late.py" "$data")" "$reference"

# ... and allot's tables say the same: changed deals (columns 1-7), periods
# whose booked amount moved, campaigns whose credit moved (every other row
# of the tables has difference 0.00).
got=$( {
  tail -n +2 deals.csv | cut -d, -f1-7 | sed 's/^/deal,/'
  tail -n +2 periods.csv | awk -F, '$4 != "0.00" { print "period," $1 "," $4 }'
  tail -n +2 campaigns.csv | awk -F, '$6 != "0.00" { print "campaign," $1 "," $2 "," $6 }'
} )
expect "restatement" "$got" "$reference"

# Footing: per period, the channels' and the campaigns' differences each add
# up to the booked difference (cents, python).
foot=$(/usr/bin/python3 -c 'import csv, sys
c = lambda s: round(float(s) * 100)
def diffs(path, key="difference"):
    d = {}
    for r in csv.DictReader(open(path)):
        d[r["period"]] = d.get(r["period"], 0) + c(r[key])
    return d
b, ch, ca = diffs("periods.csv"), diffs("channels.csv"), diffs("campaigns.csv")
print(" ".join("%s:%d:%s:%s" % (p, b[p], ch.get(p, 0) == b[p], ca.get(p, 0) == b[p])
               for p in sorted(b) if b[p]))')
expect "footing" "$foot" "2026Q3:-690000:True:True 2026Q4:2210000:True:True"

# The readable report's campaigns: changed only, largest change first
# (ties by id: C0109 before C0111), names from sample-data/campaigns.csv;
# the from and to columns (the sample's whole-quarter credit) dropped here,
# their difference checked against the CSV above.
expect "text campaigns" "$(restate 2> /dev/null | sed -n '/^Credit per period and campaign/,/^$/p' |
  tail -n +3 | tr -s ' ' | awk 'NF { $(NF - 2) = ""; $(NF - 1) = ""; print }' | tr -s ' ')" \
"2026Q3 C0114 2026Q3 Nurture -4,000.00
2026Q3 C0106 2026Q3 Brand Search -3,587.50
2026Q3 C0117 2026Q3 Trade Show -3,175.00
2026Q3 (none) (no campaign) -3,001.78
2026Q3 C0110 2026Q3 Meta Retargeting EU +2,642.86
2026Q3 C0109 2026Q3 LinkedIn Lead Gen +2,642.85
2026Q3 C0111 2026Q3 Programmatic Display +2,642.85
2026Q3 C0113 2026Q3 Newsletter -651.78
2026Q3 C0107 2026Q3 Generic Search -412.50
2026Q4 (none) (no campaign) +8,287.50
2026Q4 C0113 2026Q3 Newsletter +5,525.00
2026Q4 C0106 2026Q3 Brand Search +2,762.50
2026Q4 C0114 2026Q3 Nurture +2,762.50
2026Q4 C0117 2026Q3 Trade Show +2,762.50"
# The readable report's channel table: only the periods where a channel's
# credit changed (the reference's 2026Q3 and 2026Q4), each with all its
# channels; the sample's 7 other credited periods (2024Q4..2026Q2, 9 in
# periods.csv) are counted in one line.
expect "text channel periods" "$(restate 2> /dev/null | sed -n '/^Credit per period and channel/,/^$/p' |
  awk 'NR > 2 && NF { print $1 }' | uniq | tr '\n' ' ')" \
  "2026Q3 2026Q4 ... "
expect "text unchanged periods" "$(restate 2> /dev/null | grep -c "^\.\.\. and 7 periods where no channel's credit changed (allot-restate --csv --table channels lists every row)$")" 1
expect "periods in the sample" "$(tail -n +2 periods.csv | wc -l)" 9

# Every row of the campaign CSV: difference = to - from (cents).
expect "to - from" "$(/usr/bin/python3 -c 'import csv
c = lambda s: round(float(s) * 100)
print(all(c(r["to_credited"]) - c(r["from_credited"]) == c(r["difference"])
          for r in csv.DictReader(open("campaigns.csv"))))')" "True"

exit $fail
