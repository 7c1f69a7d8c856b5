#!/usr/bin/env bash
# markov and shapley in the ledger, on tests/cases/datadriven/company.sql.
#
# Journeys: converting Email > Paid Search (d1, 100.00), Paid Search (d2,
# 10.00); non-converting Email (lost d3), Direct (p4, no deal).
# Markov, order 1: START -> Email 2/4, Paid Search 1/4, Direct 1/4;
#   Email -> Paid Search 1/2, NULL 1/2; Paid Search -> CONV; Direct -> NULL.
#   x = (Email 1/2, Paid Search 1, Direct 0), P(conv) = (1 + 1) / 4 = 1/2.
#   Without Email 1/4 -> RE 1/2; without Paid Search 0 -> RE 1; Direct RE 0.
#   Weights Email 1/3, Paid Search 2/3. d1: 10000 cents * 1/3 = 3333.33 and
#   6666.67 -> floors 3333 + 6666, the left-over cent to the larger
#   remainder: Email 33.33, Paid Search 66.67; d2: Paid Search 10.00.
#   Attributed conversions: 2 * (1/2, 1) / (3/2) = 2/3, 4/3.
# Shapley exact, v(S) = conversion rate of journeys with channels within S:
#   v(E) = 0/1, v(P) = 1/1, v(D) = 0/1, v(EP) = 2/3, v(ED) = 0/2, v(PD) = 1/2,
#   v(EPD) = 2/4. phi_E = 1/6 (2/3 - 1) + 1/3 (1/2 - 1/2) = -1/18;
#   phi_P = 1/3 + 1/6 * 2/3 + 1/6 * 1/2 + 1/3 * 1/2 = 25/36;
#   phi_D = 1/6 (1/2 - 1) + 1/3 (1/2 - 2/3) = -5/36; sum 1/2 = v(EPD).
#   Only Paid Search weighs (negative values count 0): d1 all to t2.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$1; tests=$2; scratch=$3
rm -rf "$scratch"; mkdir -p "$scratch"; cd "$scratch"
: > a.db
"$bin/allot-credit" --db a.db --model linear >/dev/null 2>&1   # creates the schema
sqlite3 a.db < "$tests/cases/datadriven/company.sql"
"$bin/allot-credit" --db a.db --model markov,shapley --csv > out.csv 2> out.err || fail "run: $(cat out.err)"
run=$(sqlite3 a.db "SELECT max(run_id) FROM runs")
q() { sqlite3 a.db "$1"; }

[[ $(q "SELECT group_concat(channel || ':' || printf('%.12f', score) || ':' || printf('%.12f', weight)
        || ':' || printf('%.12f', conversions) || ':' || journeys, ' ')
        FROM model_scores WHERE run_id=$run AND model='markov'") == \
   "Direct:0.000000000000:0.000000000000:0.000000000000:1.0 Email:0.500000000000:0.333333333333:0.666666666667:2.0 Paid Search:1.000000000000:0.666666666667:1.333333333333:2.0" ]] \
  || fail "markov scores: $(q "SELECT * FROM model_scores WHERE run_id=$run")"
[[ $(q "SELECT method FROM model_scores WHERE run_id=$run AND model='markov' LIMIT 1") == "markov order 1" ]] \
  || fail "markov method"
[[ $(q "SELECT group_concat(channel || ':' || printf('%.12f', score) || ':' || printf('%.12f', weight), ' ')
        FROM model_scores WHERE run_id=$run AND model='shapley'") == \
   "Direct:-0.138888888889:0.000000000000 Email:-0.055555555556:0.000000000000 Paid Search:0.694444444444:1.000000000000" ]] \
  || fail "shapley scores: $(q "SELECT * FROM model_scores WHERE run_id=$run AND model='shapley'")"
[[ $(q "SELECT group_concat(model || ':' || deal_id || ':' || touch_id || ':' || credit_minor || ':' || rule, ' ')
        FROM (SELECT * FROM ledger WHERE run_id=$run ORDER BY model, deal_id, position)") == \
   "markov:d1:t1:3333:markov markov:d1:t2:6667:markov markov:d2:t3:1000:markov shapley:d1:t1:0:shapley shapley:d1:t2:10000:shapley shapley:d2:t3:1000:shapley" ]] \
  || fail "ledger: $(q "SELECT * FROM ledger WHERE run_id=$run")"
cat > expected.csv <<'CSV'
model,period,channel,deals,credited_amount,currency,share,null_amount_deals
markov,2026Q1,Paid Search,2,76.67,USD,0.697000,0
markov,2026Q1,Email,1,33.33,USD,0.303000,0
shapley,2026Q1,Paid Search,2,110.00,USD,1.000000,0
CSV
diff -u expected.csv out.csv || fail "channel rollup"
[[ $(q "SELECT count(*) FROM model_scores WHERE run_id=$run AND lower IS NOT NULL") == 0 ]] || fail "interval without bootstrap"

# Bootstrap: intervals stored, same seed same figures.
"$bin/allot-credit" --db a.db --model markov --bootstrap 200 --seed 5 >/dev/null 2>&1 || fail "bootstrap run"
r1=$(q "SELECT max(run_id) FROM runs")
"$bin/allot-credit" --db a.db --model markov --bootstrap 200 --seed 5 >/dev/null 2>&1
r2=$(q "SELECT max(run_id) FROM runs")
dump() { q "SELECT channel, lower, upper, low_support FROM model_scores WHERE run_id=$1 ORDER BY channel"; }
[[ $(q "SELECT count(*) FROM model_scores WHERE run_id=$r1 AND lower IS NOT NULL AND lower <= upper") == 3 ]] \
  || fail "bootstrap intervals: $(dump "$r1")"
[[ "$(dump "$r1")" == "$(dump "$r2")" ]] || fail "bootstrap not deterministic"
[[ $(q "SELECT sum(low_support) FROM model_scores WHERE run_id=$r1") == 3 ]] || fail "low support flags"
[[ $(q "SELECT parameters FROM runs WHERE run_id=$r1") == *"bootstrap=200;bootstrap_seed=5"* ]] || fail "parameters"

# The chain of the database's journeys.
"$bin/allot-credit" --db a.db --model markov --transitions t.csv >/dev/null 2>&1 || fail "transitions"
cat > t.want <<'CSV'
from,to,count,probability
(start),Direct,1,0.25
(start),Email,2,0.5
(start),Paid Search,1,0.25
Direct,(null),1,1
Email,(null),1,0.5
Email,Paid Search,1,0.5
Paid Search,(conversion),2,1
CSV
diff -u t.want t.csv || fail "transition matrix"
rc=0; "$bin/allot-credit" --db a.db --model linear --transitions t2.csv 2>/dev/null || rc=$?
[[ $rc == 2 ]] || fail "--transitions without markov: exit $rc"

# Order 2 and the exact/simplified choice are recorded.
"$bin/allot-credit" --db a.db --model markov,shapley --order 2 --shapley simplified >/dev/null 2>&1 || fail "order 2"
r3=$(q "SELECT max(run_id) FROM runs")
[[ $(q "SELECT group_concat(DISTINCT method) FROM model_scores WHERE run_id=$r3") == "markov order 2,shapley simplified" ]] \
  || fail "methods: $(q "SELECT DISTINCT method FROM model_scores WHERE run_id=$r3")"
# simplified: d1 gives Email, Paid Search 1/2 each; d2 Paid Search 1 -> 0.5, 1.5
[[ $(q "SELECT group_concat(channel || ':' || score, ' ') FROM model_scores WHERE run_id=$r3 AND model='shapley'") == \
   "Direct:0.0 Email:0.5 Paid Search:1.5" ]] || fail "simplified scores"
rc=0; "$bin/allot-credit" --db a.db --model markov --shapley ordered 2>/dev/null || rc=$?
[[ $rc == 2 ]] || fail "ordered in the ledger: exit $rc"
echo ok
