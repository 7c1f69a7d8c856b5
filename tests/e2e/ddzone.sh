#!/usr/bin/env bash
# markov and shapley per channel, campaign and quarter in a reporting time
# zone, against tests/e2e/ddzone_check.py (exact fractions from the README's
# definitions, never allot's code) on tests/cases/ddzone/company.sql, a
# hand-made company whose touches and deal creations sit around the
# 2026Q1/2026Q2 boundary: [general] timezone = UTC, Pacific/Auckland
# (+13:00: 1 April starts at 2026-03-31T11:00Z) and America/Los_Angeles
# (-07:00: 1 April starts at 2026-04-01T07:00Z).
#
# Revenue view (close dates are civil: d1 2026Q1, d2 d3 d4 2026Q2 in every
# zone; the zone moves touches in or out of the journeys, which end at the
# close date's last second on its clocks):
#   journeys     UTC                 Auckland            Los Angeles
#   d1 (won)     Email > Display     Email               Email > Display > Paid Search
#   d2 (won)     Paid Search>Events  Paid Search         Paid Search > Events
#   d3, d4 (won) Display > Email, Events > Paid Search in every zone
#   d5 (lost)    Email > Display     Email               Email > Display
#   p6, p7 (no deal, non-converting): Display > Events, Paid Search
# Auckland's chain by hand (order 1): START -> Email 2/7 (d1, d5), Paid
# Search 2/7 (d2, p7), Display 2/7 (d3, p6), Events 1/7 (d4); Email -> CONV
# 2/3, NULL 1/3; Paid Search -> CONV 2/3, NULL 1/3; Display -> Email 1/2,
# Events 1/2; Events -> Paid Search 1/2, NULL 1/2. x(Email) = x(Paid
# Search) = 2/3, x(Events) = 1/3, x(Display) = 1/2, P(conv) = (4/3 + 4/3 +
# 1 + 1/3) / 7 = 4/7. Without Email: x(Display) = 1/6, P = 2/7, RE 1/2;
# without Paid Search: P = 2/7, RE 1/2; without Display: P = 3/7, RE 1/4;
# without Events: P = 10/21, RE 1/6. So d1 (Email alone) gives Email all of
# its 100.01; d3 (Display > Email) 1/3 : 2/3 of 33.33 = 11.11 and 22.22;
# d4 (Events > Paid Search) 1/4 : 3/4 of 20.00 = 5.00 and 15.00. In UTC the
# chain differs: RE Email 7/16, Display 11/24, so d1 is split 21 : 22 =
# 48.84 (4884.37 cents floored, 4884) and 51.17 (5116.63, the left-over
# cent to the larger remainder).
#
# Pipeline view (every deal converts at created_at, so the journeys are the
# same in every zone and so are the scores; the zone moves deals between
# quarters): d3 created 2026-03-31T12:00Z is 2026Q1 in UTC and Los Angeles
# and 2026Q2 in Auckland (1 April 01:00); d4 created 2026-04-01T03:00Z is
# 2026Q2 in UTC and Auckland and 2026Q1 in Los Angeles (31 March 20:00).
# Chain by hand: converting d3 Display > Email, d4 Events > Paid Search,
# d5 Email (d1, d2, d6 have no touch before creation: unattributed);
# non-converting p6 Display > Events, p7 Paid Search. START -> Display 2/5,
# Events, Email, Paid Search 1/5 each; Display -> Email 1/2, Events 1/2;
# Email -> CONV; Events -> Paid Search 1/2, NULL 1/2; Paid Search -> CONV
# 1/2, NULL 1/2. x(Email) 1, x(Paid Search) 1/2, x(Events) 1/4, x(Display)
# 5/8, P(conv) = 3/5; RE Email 2/3, Display 5/12, Paid Search 1/3, Events
# 1/6 (P without each: 1/5, 7/20, 2/5, 1/2); weights /(19/12): Display
# 5/19, Email 8/19: d3's 33.33 -> 5/13 and 8/13 = 1281.92 and 2051.08
# cents -> 12.82 and 20.51. Exact Shapley (conversion-rate game): Display
# -2/45, Email 13/20, Events 7/180, Paid Search -2/45 (sum 3/5 = v(N)), so
# d3 all to Email, d4 all to Events.
#
# Each zone's run is checked against its own reference (model_scores,
# every ledger row, rollup_channel, rollup_campaign, rollup_period, the
# --csv bytes), and fails against the other zones' references: the
# revenue runs differ in every zone, the pipeline runs in their quarters.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$1; tests=$2; scratch=$3
rm -rf "$scratch"; mkdir -p "$scratch"; cd "$scratch"
fixture=$tests/cases/ddzone/company.sql
ref() { /usr/bin/python3 "$tests/e2e/ddzone_check.py" "$fixture" "$@"; }
db=a.db
: > "$db"
"$bin/allot-credit" --db "$db" --model linear >/dev/null 2>&1   # creates the schema
sqlite3 "$db" < "$fixture"
zones=(UTC Pacific/Auckland America/Los_Angeles)
credit() { # credit ZONE EVENT PERIOD [ARGS...] -> the run id on stdout, CSV in out.csv
  local zone=$1 event=$2 period=$3; shift 3
  local p=(); [[ $period == - ]] || p=(--period "$period")
  printf '[general]\ntimezone = %s\n' "$zone" > zone.ini
  "$bin/allot-credit" --db "$db" --config zone.ini --model markov,shapley --event "$event" \
    "${p[@]}" "$@" --csv > out.csv 2> out.err || fail "credit $zone $event $period: $(cat out.err)"
  q "SELECT max(run_id) FROM runs"
}
declare -A run
for z in "${zones[@]}"; do
  for ev in revenue pipeline; do
    r=$(credit "$z" "$ev" -)
    run[$z/$ev]=$r
    ref "$z" "$ev" - check "$db" "$r" || fail "$z $ev: allot differs from the reference (above)"
    ref "$z" "$ev" - csv > want.csv
    diff -u want.csv out.csv || fail "$z $ev: CSV"
    [[ $(q "SELECT parameters FROM runs WHERE run_id=$r") == *"timezone=$z"* ]] \
      || fail "$z $ev: the run does not note its zone"
  done
done

# The hand-derived figures above, read straight from the database.
led() { q "SELECT group_concat(channel || ':' || credit_minor, ' ') FROM (SELECT * FROM ledger
           WHERE run_id=$1 AND model='$2' AND deal_id='$3' ORDER BY position)"; }
expect "UTC d1 markov" "$(led "${run[UTC/revenue]}" markov d1)" "Email:4884 Display:5117"
expect "Auckland d1 markov" "$(led "${run[Pacific/Auckland/revenue]}" markov d1)" "Email:10001"
expect "Auckland d3 markov" "$(led "${run[Pacific/Auckland/revenue]}" markov d3)" "Display:1111 Email:2222"
expect "Auckland d4 markov" "$(led "${run[Pacific/Auckland/revenue]}" markov d4)" "Events:500 Paid Search:1500"
expect "Los Angeles d1 markov" "$(q "SELECT count(*) FROM ledger WHERE run_id=${run[America/Los_Angeles/revenue]}
  AND model='markov' AND deal_id='d1'")" 3
scores() { q "SELECT group_concat(channel || ':' || printf('%.12f', score), ' ') FROM model_scores
              WHERE run_id=$1 AND model='$2'"; }
expect "Auckland markov RE" "$(scores "${run[Pacific/Auckland/revenue]}" markov)" \
  "Display:0.250000000000 Email:0.500000000000 Events:0.166666666667 Paid Search:0.500000000000"
expect "pipeline markov RE" "$(scores "${run[UTC/pipeline]}" markov)" \
  "Display:0.416666666667 Email:0.666666666667 Events:0.166666666667 Paid Search:0.333333333333"
expect "pipeline shapley" "$(scores "${run[Pacific/Auckland/pipeline]}" shapley)" \
  "Display:-0.044444444444 Email:0.650000000000 Events:0.038888888889 Paid Search:-0.044444444444"
period_of() { q "SELECT DISTINCT period FROM ledger WHERE run_id=$1 AND deal_id='$2'"; }
expect "d3 quarter UTC" "$(period_of "${run[UTC/pipeline]}" d3)" 2026Q1
expect "d3 quarter Auckland" "$(period_of "${run[Pacific/Auckland/pipeline]}" d3)" 2026Q2
expect "d3 quarter Los Angeles" "$(period_of "${run[America/Los_Angeles/pipeline]}" d3)" 2026Q1
expect "d4 quarter UTC" "$(period_of "${run[UTC/pipeline]}" d4)" 2026Q2
expect "d4 quarter Auckland" "$(period_of "${run[Pacific/Auckland/pipeline]}" d4)" 2026Q2
expect "d4 quarter Los Angeles" "$(period_of "${run[America/Los_Angeles/pipeline]}" d4)" 2026Q1
# Auckland's revenue CSV, as the reference prints it (the figures above).
cat > akl.want <<'CSV'
model,period,channel,deals,credited_amount,currency,share,null_amount_deals
markov,2026Q1,Email,1,100.01,USD,1.000000,0
markov,2026Q2,Paid Search,2,65.00,USD,0.629053,0
markov,2026Q2,Email,1,22.22,USD,0.215039,0
markov,2026Q2,Display,1,11.11,USD,0.107520,0
markov,2026Q2,Events,1,5.00,USD,0.048389,0
shapley,2026Q1,Email,1,100.01,USD,1.000000,0
shapley,2026Q2,Paid Search,2,69.92,USD,0.676667,0
shapley,2026Q2,Email,1,33.19,USD,0.321204,0
shapley,2026Q2,Display,1,0.14,USD,0.001355,0
shapley,2026Q2,Events,1,0.08,USD,0.000774,0
CSV
ref Pacific/Auckland revenue - csv | diff -u akl.want - || fail "the reference's Auckland CSV"

# --period: the fit learns from the period's converting journeys and every
# non-converting one (lost deals, people on no deal); a won deal outside the
# period is left out, and its people are not "people without a deal". The
# zone decides the quarter: pipeline 2026Q1 holds d3 in UTC and Los Angeles,
# not in Auckland; d4 only in Los Angeles. By hand, UTC revenue 2026Q1:
# converting d1 Email > Display; non-converting d5 Email > Display, p6
# Display > Events, p7 Paid Search. START -> Email 2/4, Display 1/4, Paid
# Search 1/4; Email -> Display; Display -> CONV 1/3, NULL 1/3, Events 1/3;
# Events, Paid Search -> NULL. P(conv) = 1/4; without Email 1/12 (RE 2/3),
# without Display 0 (RE 1): d1's 10001 cents 3/5 : 2/5 = 6000.6, 4000.4 ->
# Display 60.01, Email 40.00. (Before 2026-11-23 the people of d2, d3 and
# d4, won in 2026Q2, were learnt as non-converting journeys: Display 66.67,
# Email 33.34, RE 1 and 1/2.)
declare -A prun
for z in "${zones[@]}"; do
  for ev in revenue pipeline; do
    for p in 2026Q1 2026Q2; do
      r=$(credit "$z" "$ev" "$p")
      prun[$z/$ev/$p]=$r
      ref "$z" "$ev" "$p" check "$db" "$r" || fail "$z $ev $p: allot differs from the reference (above)"
      ref "$z" "$ev" "$p" csv > want.csv
      diff -u want.csv out.csv || fail "$z $ev $p: CSV"
    done
  done
done
expect "UTC revenue 2026Q1 d1 markov" "$(led "${prun[UTC/revenue/2026Q1]}" markov d1)" "Email:4000 Display:6001"
expect "UTC revenue 2026Q1 RE" "$(scores "${prun[UTC/revenue/2026Q1]}" markov)" \
  "Display:1.000000000000 Email:0.666666666667 Events:0.000000000000 Paid Search:0.000000000000"
expect "journeys learnt, UTC revenue 2026Q1" "$(q "SELECT sum(journeys) FROM model_scores
  WHERE run_id=${prun[UTC/revenue/2026Q1]} AND model='markov'")" 7.0
expect "d3 in Auckland's pipeline 2026Q1" "$(q "SELECT count(*) FROM ledger
  WHERE run_id=${prun[Pacific/Auckland/pipeline/2026Q1]} AND deal_id='d3'")" 0
expect "d4 in Los Angeles's pipeline 2026Q1" "$(led "${prun[America/Los_Angeles/pipeline/2026Q1]}" markov d4)" \
  "Events:667 Paid Search:1333"

# Each check fails on another zone's output (UTC's revenue run against
# Auckland's and Los Angeles's references and so on; for the pipeline view
# only the quarters differ).
for z in "${zones[@]}"; do
  for o in "${zones[@]}"; do
    [[ $z == "$o" ]] && continue
    for ev in revenue pipeline; do
      if ref "$z" "$ev" - check "$db" "${run[$o/$ev]}" > cross.txt; then
        fail "the $z $ev reference accepts $o's run"
      fi
    done
  done
done

# The bootstrap (README "Uncertainty: journey bootstrap"). The reference
# draws each replicate with libgsl's own gsl_ran_multinomial and
# gsl_rng_mt19937 (through ctypes: the sampler is GSL's, the cells are the
# journeys in the set's order), refits both models on it with exact
# fractions and takes the 2.5 % and 97.5 % percentiles itself (linear
# interpolation between order statistics); the stored bounds must agree to
# 1e-9. In every zone, for the revenue view and for the pipeline view of
# 2026Q1 (d3 is in Auckland's 2026Q2, d4 in Los Angeles's 2026Q1, so each
# zone resamples other journeys). E.g. 200 replicates, seed 5, markov
# Email: UTC [0, 2.293607], Auckland [0, 3.450304], Los Angeles
# [0, 1.860844]; pipeline 2026Q1 shapley Email: UTC [0, 4], Auckland
# [0, 3], Los Angeles [0, 4.666667].
declare -A brun
for z in "${zones[@]}"; do
  for spec in "revenue -" "pipeline 2026Q1"; do
    set -- $spec
    r=$(credit "$z" "$1" "$2" --bootstrap 200 --seed 5)
    brun[$z/$1]=$r
    for m in markov shapley; do
      ref "$z" "$1" "$2" checkboot "$db" "$r" "$m" 200 5 \
        || fail "$z $1 $2 $m: bootstrap bounds differ from the reference (above)"
    done
    ref "$z" "$1" "$2" check "$db" "$r" || fail "$z $1 $2: the bootstrap run's figures"
    # fewer than 30 journeys on every channel: all flagged
    expect "$z $1 low support" "$(q "SELECT count(*) FROM model_scores WHERE run_id=$r
      AND low_support = 1")" 8
  done
done
bounds() { q "SELECT group_concat(model || ':' || channel || ':' || printf('%.17g', lower) || ':'
              || printf('%.17g', upper), ' ') FROM model_scores WHERE run_id=$1"; }
for z in "${zones[@]}"; do
  for o in "${zones[@]}"; do
    [[ $z == "$o" ]] && continue
    if ref "$z" revenue - checkboot "$db" "${brun[$o/revenue]}" markov 200 5 > cross.txt; then
      fail "the $z bootstrap reference accepts $o's bounds"
    fi
  done
done
# Same seed, same bytes (the bounds to the last bit, the ledger); another
# seed moves them.
r2=$(credit Pacific/Auckland revenue - --bootstrap 200 --seed 5)
[[ "$(bounds "$r2")" == "$(bounds "${brun[Pacific/Auckland/revenue]}")" ]] || fail "bootstrap: same seed, other bounds"
lrows() { q "SELECT group_concat(model || deal_id || position || ':' || credit_minor || printf(':%.17g', weight), ' ')
             FROM (SELECT * FROM ledger WHERE run_id=$1 ORDER BY model, deal_id, position)"; }
[[ "$(lrows "$r2")" == "$(lrows "${brun[Pacific/Auckland/revenue]}")" ]] || fail "bootstrap: same seed, other ledger"
r3=$(credit Pacific/Auckland revenue - --bootstrap 200 --seed 6)
[[ "$(bounds "$r3")" != "$(bounds "$r2")" ]] || fail "bootstrap: seed 6 gives seed 5's bounds"
ref Pacific/Auckland revenue - checkboot "$db" "$r3" shapley 200 6 || fail "seed 6"
# The bootstrap changes no point figure: the ledger is the one without it.
[[ "$(lrows "$r2")" == "$(lrows "${run[Pacific/Auckland/revenue]}")" ]] || fail "bootstrap: the ledger moved"

# A fixture where every replicate is the same data set
# (tests/cases/ddzone/collapse.sql: three identical converting journeys),
# so the interval must collapse to the point estimate. UTC: Email > Paid
# Search three times; markov RE 1 and 1, shapley v({Email, Paid Search}) =
# 1, v of either alone 0 (no journey within it), phi 1/2 each: 3/2
# conversions each, interval [3/2, 3/2]. Auckland (the Paid Search touch is
# on 1 April there): Email alone, 3 conversions [3, 3], Paid Search 0 [0, 0].
db=c.db
: > "$db"
"$bin/allot-credit" --db "$db" --model linear >/dev/null 2>&1
sqlite3 "$db" < "$tests/cases/ddzone/collapse.sql"
collapse() { q "SELECT group_concat(model || ':' || channel || ':' || printf('%.12f', conversions) || ':'
                || printf('%.12f', lower) || ':' || printf('%.12f', upper), ' ') FROM model_scores WHERE run_id=$1"; }
r=$(credit UTC revenue - --bootstrap 500 --seed 11)
expect "collapse UTC" "$(collapse "$r")" \
  "markov:Email:1.500000000000:1.500000000000:1.500000000000 markov:Paid Search:1.500000000000:1.500000000000:1.500000000000 shapley:Email:1.500000000000:1.500000000000:1.500000000000 shapley:Paid Search:1.500000000000:1.500000000000:1.500000000000"
r=$(credit Pacific/Auckland revenue - --bootstrap 500 --seed 11)
expect "collapse Auckland" "$(collapse "$r")" \
  "markov:Email:3.000000000000:3.000000000000:3.000000000000 markov:Paid Search:0.000000000000:0.000000000000:0.000000000000 shapley:Email:3.000000000000:3.000000000000:3.000000000000 shapley:Paid Search:0.000000000000:0.000000000000:0.000000000000"
r=$(credit America/Los_Angeles revenue - --bootstrap 500 --seed 11)
expect "collapse Los Angeles" "$(collapse "$r")" \
  "markov:Email:1.500000000000:1.500000000000:1.500000000000 markov:Paid Search:1.500000000000:1.500000000000:1.500000000000 shapley:Email:1.500000000000:1.500000000000:1.500000000000 shapley:Paid Search:1.500000000000:1.500000000000:1.500000000000"

# Markov orders 2-4, kept repeats and the simplified Shapley value in each
# zone (tests/cases/ddzone/repeats.sql: repeated channels and touches around
# the zones' midnights), against the reference with the same options (the
# chain of k-tuples, every state containing the removed channel absorbing;
# phi = sum of R(S)/|S|). In UTC r1 is Email > Email > Paid Search, in
# Auckland Email > Email, in Los Angeles Email > Email > Paid Search > Paid
# Search. By hand, the simplified Shapley value in UTC: r1 {Email, Paid
# Search} 1/2 each, r2 {Paid Search, Display, Email} 1/3 each, r4
# {Display, Email} 1/2 each: Email 4/3, Display 5/6, Paid Search 5/6.
# (On this fixture --keep-repeats gives the removal effects of collapsed
# repeats: order 1 is unmoved by a self-loop, and at orders 2-4 no two
# journeys tell the two apart; the ledger and rollups are checked all the
# same.)
db=r.db
fixture=$tests/cases/ddzone/repeats.sql
: > "$db"
"$bin/allot-credit" --db "$db" --model linear >/dev/null 2>&1
sqlite3 "$db" < "$fixture"
declare -A orun
for z in "${zones[@]}"; do
  for o in "--order 2 --shapley simplified" "--keep-repeats" "--order 3 --keep-repeats" "--order 4"; do
    r=$(credit "$z" revenue - $o)
    orun[$z/$o]=$r
    ref $o "$z" revenue - check "$db" "$r" || fail "$z $o: allot differs from the reference (above)"
    ref $o "$z" revenue - csv > want.csv
    diff -u want.csv out.csv || fail "$z $o: CSV"
  done
done
expect "simplified UTC" "$(scores "${orun[UTC/--order 2 --shapley simplified]}" shapley)" \
  "Display:0.833333333333 Email:1.333333333333 Paid Search:0.833333333333"
expect "methods" "$(q "SELECT group_concat(DISTINCT method) FROM model_scores
  WHERE run_id=${orun[Pacific/Auckland/--order 3 --keep-repeats]}")" "markov order 3 repeats kept,shapley exact"
for z in "${zones[@]}"; do
  for o in "${zones[@]}"; do
    [[ $z == "$o" ]] && continue
    if ref --order 2 --shapley simplified "$z" revenue - check "$db" \
         "${orun[$o/--order 2 --shapley simplified]}" > cross.txt; then
      fail "the $z order-2 reference accepts $o's run"
    fi
  done
done
r=$(credit Pacific/Auckland revenue - --order 2 --bootstrap 100 --seed 3)
ref --order 2 Pacific/Auckland revenue - checkboot "$db" "$r" markov 100 3 \
  || fail "order-2 bootstrap in Auckland"

# allot-credit --paths --bootstrap (a path file; no zone): the cells are the
# file's rows, fractional counts included (2.5 conversions and 3.5 nulls;
# 61 draws from a total of 61.0). The reference's replicates (GSL's
# sampler, its own refits and percentiles) against the CSV's lower and
# upper (6 decimals): markov order 1 and 2 and exact Shapley, 300
# replicates, seed 9. E.g. markov order 1 Email [4.485764, 11.275029],
# shapley Display -4.042423 [-8.097953, -1.276220].
for spec in "markov" "markov --order 2" "shapley"; do
  set -- $spec
  m=$1; shift
  "$bin/allot-credit" --paths "$tests/cases/ddzone/paths.csv" --model "$m" "$@" --bootstrap 300 \
    --seed 9 --csv > pb.csv 2> pb.err || fail "--paths bootstrap $spec: $(cat pb.err)"
  /usr/bin/python3 "$tests/e2e/ddzone_check.py" "$@" paths "$tests/cases/ddzone/paths.csv" "$m" 300 9 pb.csv \
    || fail "--paths bootstrap $spec: bounds differ from the reference (above)"
done
exit $fail
