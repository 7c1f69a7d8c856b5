#!/usr/bin/env bash
# The markov model on the whole sample company, against an independent
# reference: tests/e2e/tieout_check.py markov (Python over sample-data/*.csv,
# never allot's results). It rebuilds the journeys the data-driven models
# learn from in the zone (dd_fit_journeys, shared with the shapley check:
# 236 won deals convert, 540 lost deals and 3,940 people on no won or lost
# deal do not), builds the chain (START, the channels or their k-tuples,
# CONV, NULL; consecutive repeats collapsed unless markov_keep_repeats),
# solves P(conversion) with every state of a channel sent to NULL, by
# Gaussian elimination in fractions at order 1 (exact) and in doubles at
# order 2 (the same elimination in fractions takes 6.5 s and agrees to the
# 12 digits printed by `markov-ref USD 2`, by hand 2026-11-23), and at
# orders 3 and 4 (880 and 3,957 states, where the elimination fills in and
# takes 35-90 s) by iterating x = r + Q x in doubles until x stops
# changing (about 150 iterations; at orders 1 and 2 the iteration prints
# the same `markov-ref` output byte for byte as the eliminations), and then
# applies README "In the ledger" (weight = removal effect normalised; a
# touch gets w(c) / the sum over the journey's distinct channels / c's
# touches in it) and largest-remainder rounding of each won deal's amount
# at its close date's rate. Checked: model_scores' method, removal effect
# and weight (to 1e-12), attributed conversions (1e-9 relative), journeys
# and low_support per channel; the --csv markov rows (credited amount to
# the cent, deals) per quarter and channel, 86 cells in UTC.
#
# Reference, `tieout_check.py sample-data [--zone Z] markov-ref USD [ORDER]`
# (channel, removal effect, weight, conversions, journeys), by hand
# 2026-11-23:
#   UTC order 1:  Organic Search 0.447684730211 0.147699903003 34.857177 2129
#                 Partner        0.138823165962 0.045800463503 10.808909  553
#   Tokyo order 1: Direct 0.347414987340 (UTC 0.344432940862), journeys
#                 1458 (UTC 1459); Events 0.191051035286 (0.194490431370),
#                 661 (663): the journeys of 34 deals differ (8 won, 26
#                 lost; a touch in the close date's last 9 hours UTC, or
#                 in the 9 hours before the window opens), 4,716 journeys
#                 against UTC's 4,715 (one deal's window is empty in UTC).
#   UTC order 2:  Organic Search 0.533526947980, Partner 0.147230633677.
# Tokyo's reference fails on UTC's run with the zone check of the run
# parameters taken out (TIEOUT_ANY_ZONE=1): 90 failures at order 1 (every
# channel's figures, 80 credit cells), 90 at order 2; UTC's on Tokyo's
# runs 90 and 90 (by hand; three of them run below); and the order-1 reference's figures are not order
# 2's (the run's order is read from its parameters, so that is shown with
# markov-ref: 10 channels, every removal effect differs).
#   UTC order 3:  Organic Search 0.574517878126, Partner 0.161765116879.
# Largest removal effect difference between allot and the reference (by
# hand): order 1 1.1e-16, order 2 1.4e-14, order 3 7.6e-14, order 4
# 2.5e-13 (UTC); order 4 with repeats kept in Tokyo 6.0e-14.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$1; tests=$2; scratch=$3
rm -rf "$scratch"; mkdir -p "$scratch"; cd "$scratch"
root=$(cd "$tests/.." && pwd)
data=$root/sample-data
py=/usr/bin/python3
ref() { local zone=$1; shift; "$py" "$tests/e2e/tieout_check.py" "$data" --zone "$zone" "$@"; }
check() { ref "$@" || fail "tie-out check $2 in $1"; }
refuse() {
  if TIEOUT_ANY_ZONE=1 ref "$@" >/dev/null 2>&1; then fail "the $1 reference passes on another's output: $*"; fi
}

"$bin/allot-load" --db base.db "$data"/*.csv 2>/dev/null || fail "load"
"$bin/allot-load" --db base.db "$data/exports/google-ads.csv" 2>/dev/null || fail "load google-ads"

# run NAME ZONE ORDER [ARGS...]: NAME/allot.db with a markov credit run in
# ZONE at ORDER (the sample's allot.ini otherwise; ARGS to allot-credit),
# its CSV in NAME/credit.csv; the models are $models (default markov).
run() {
  local name=$1 zone=$2 order=$3; shift 3
  sed -e "s|^timezone = UTC$|timezone = $zone|" -e "s|^markov_order = 1$|markov_order = $order|" \
    "$data/allot.ini" > "$name.ini"
  grep -q "^timezone = $zone$" "$name.ini" || fail "$name.ini: timezone"
  grep -q "^markov_order = $order$" "$name.ini" || fail "$name.ini: markov_order"
  mkdir -p "$name"; cp base.db "$name/allot.db"
  "$bin/allot-credit" --db "$name/allot.db" --config "$name.ini" --model "${models:-markov}" --csv "$@" \
    > "$name/credit.csv" \
    2>/dev/null || fail "$name: allot-credit"
}
T=Asia/Tokyo
run utc1 UTC 1
run tokyo1 $T 1
run utc2 UTC 2 --transitions utc2/transitions.csv
run tokyo2 $T 2
# Tokyo, order 2, repeats kept, a 30-day window (the reference reads the
# order, the repeat setting and lookback_days from the run's parameters),
# and its transition matrix: 1,058 transitions at order 2 in UTC, 1,063
# here (by hand).
run tokyo2k $T 2 --keep-repeats --lookback 30 --transitions tokyo2k/transitions.csv
check UTC markov utc1/allot.db utc1/credit.csv USD
check $T markov tokyo1/allot.db tokyo1/credit.csv USD
check UTC markov utc2/allot.db utc2/credit.csv USD utc2/transitions.csv
check $T markov tokyo2/allot.db tokyo2/credit.csv USD
check $T markov tokyo2k/allot.db tokyo2k/credit.csv USD tokyo2k/transitions.csv
# The pipeline view (allot-credit --event pipeline): every deal converts,
# its journey ending at created_at, and the people on no deal do not; each
# deal at its creation day's rate in the quarter of that day in the zone.
# The fit is the same in every zone (its windows end at instants, not at a
# day's end): Tokyo's reference fails on UTC's run only in the credit
# cells, 30 of them (by hand: the deals created on a UTC evening). The
# exact Shapley value of the same runs too (tieout_check.py shapley, the
# same journeys): UTC 76 credit cells, Tokyo 78.
models=markov,shapley run utc1p UTC 1 --event pipeline --transitions utc1p/transitions.csv
models=markov,shapley run tokyo1p $T 1 --event pipeline
check UTC markov utc1p/allot.db utc1p/credit.csv USD utc1p/transitions.csv
check $T markov tokyo1p/allot.db tokyo1p/credit.csv USD
check UTC shapley utc1p/allot.db utc1p/credit.csv USD
check $T shapley tokyo1p/allot.db tokyo1p/credit.csv USD
refuse $T markov utc1p/allot.db utc1p/credit.csv USD
# Orders 3 and 4: UTC order 3, Tokyo order 4 with repeats kept and its
# matrix (11,449 transitions).
run utc3 UTC 3
run tokyo4k $T 4 --keep-repeats --transitions tokyo4k/transitions.csv
check UTC markov utc3/allot.db utc3/credit.csv USD
check $T markov tokyo4k/allot.db tokyo4k/credit.csv USD tokyo4k/transitions.csv
# One transition count off by one fails the chain check.
awk -F, -v OFS=, 'NR == 2 { $3 = $3 + 1 } { print }' utc2/transitions.csv > utc2/off.csv
refuse UTC markov utc2/allot.db utc2/credit.csv USD utc2/off.csv
refuse $T markov utc1/allot.db utc1/credit.csv USD
refuse $T markov utc2/allot.db utc2/credit.csv USD
refuse UTC markov tokyo1/allot.db tokyo1/credit.csv USD

# The figures above, from the reference and from allot.
expect "UTC order-1 reference" "$(ref UTC markov-ref USD | grep -E '^re,(Organic Search|Partner),')" \
  "re,Organic Search,0.447684730211,0.147699903003,34.857177,2129
re,Partner,0.138823165962,0.045800463503,10.808909,553"
expect "Tokyo order-1 reference" "$(ref $T markov-ref USD | grep -E '^re,(Direct|Events),')" \
  "re,Direct,0.347414987340,0.114531267857,27.029379,1458
re,Events,0.191051035286,0.062983227823,14.864042,661"
expect "UTC order-2 reference" "$(ref UTC markov-ref USD 2 | grep -E '^re,(Organic Search|Partner),')" \
  "re,Organic Search,0.533526947980,0.148786874282,35.113702,2129
re,Partner,0.147230633677,0.041058817865,9.689881,553"
scores() {
  sqlite3 -batch -noheader "$1/allot.db" "SELECT printf('%s,%.12f,%d', channel, score, journeys) FROM model_scores
    WHERE model = 'markov' AND channel IN ($2) ORDER BY channel"
}
expect "UTC order-1 removal effects" "$(scores utc1 "'Organic Search','Partner'")" \
  "Organic Search,0.447684730211,2129
Partner,0.138823165962,553"
expect "Tokyo order-1 removal effects" "$(scores tokyo1 "'Direct','Events'")" \
  "Direct,0.347414987340,1458
Events,0.191051035286,661"
expect "UTC order-2 removal effects" "$(scores utc2 "'Organic Search','Partner'")" \
  "Organic Search,0.533526947980,2129
Partner,0.147230633677,553"
expect "UTC order-3 reference" "$(ref UTC markov-ref USD 3 | grep -E '^re,(Organic Search|Partner),')" \
  "re,Organic Search,0.574517878126,0.149075147983,35.181735,2129
re,Partner,0.161765116879,0.041974601062,9.906006,553"
expect "UTC order-3 removal effects" "$(scores utc3 "'Organic Search','Partner'")" \
  "Organic Search,0.574517878126,2129
Partner,0.161765116879,553"
o1=$(ref UTC markov-ref USD | grep '^re,' | cut -d, -f2,3 | sort)
o2=$(ref UTC markov-ref USD 2 | grep '^re,' | cut -d, -f2,3 | sort)
expect "order 1 and 2 removal effects differ on every channel" \
  "$(join -t, <(echo "$o1") <(echo "$o2") | awk -F, '$2 != $3' | wc -l)" 10
exit $fail
