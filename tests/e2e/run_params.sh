#!/usr/bin/env bash
# A run's parameters show the numbers the user gave: the shortest decimal
# that reads back as the same double ("FT=0.3"), not printf's %.17g
# ("FT=0.29999999999999999", what builds before 2026-11-23 recorded and
# showed), in runs.parameters, the workbook's Summary and allot-restate.
# Runs recorded the old way still show and compare as the same numbers.
# allot-roi, allot-funnel, allot-retention and allot-clv record theirs in
# the same form (they wrote %g's six digits).
#
# Fixture tests/cases/restate (see restate.sh), no configuration: the
# defaults are custom FT 30 / LC 30 / OC 30 / rest 10 and position-based
# 40/20/40, recorded as fractions (30 / 100 = 0.3, the double nearest 0.3);
# --half-life 0.1 is the double nearest 0.1.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$(cd "$1" && pwd) tests=$(cd "$2" && pwd) scratch=$3
rm -rf "$scratch" && mkdir -p "$scratch"
cd "$scratch"
py=/usr/bin/python3
cases=$tests/cases/restate
db=$scratch/allot.db
credit() { "$bin/allot-credit" --db "$db" "$@" > /dev/null 2>> credit.err; }

for f in campaigns people touches deals deal_people fx_rates; do
  load "$cases/$f.csv" 2>> load.err || fail "loading $f.csv: $(cat load.err)"
done
credit --model linear,custom --half-life 0.1 || fail "credit: $(cat credit.err)"
run_a=$(q "SELECT max(run_id) FROM runs WHERE tool = 'allot-credit'")
new_text='account_level=0;bootstrap=0;bootstrap_seed=1;currency=USD;custom=FT=0.3,LC=0.3,OC=0.3,middle=0.1;dedupe_minutes=0;event=revenue;fiscal_start=1;half_life_days=0.1;ledger_models=linear,custom;lookback_days=90;markov_keep_repeats=0;markov_order=1;max_touches=0;models=linear,custom;period=;position=0.4/0.2/0.4;shapley=auto;timezone=UTC'
expect "recorded" "$(q "SELECT parameters FROM runs WHERE run_id = $run_a")" "$new_text"

# The same weights written as percentages on the command line are the same
# doubles: the same text.
credit --model linear,custom --half-life 0.1 --custom 'FT:30, LC:30, OC:30, rest:10' \
  --position 40/20/40 || fail "credit B: $(cat credit.err)"
run_b=$(q "SELECT max(run_id) FROM runs WHERE tool = 'allot-credit'")
expect "same text" "$(q "SELECT parameters FROM runs WHERE run_id = $run_b")" "$new_text"

# Weights that are not the same double keep the digits that tell them
# apart: 0.1 + 0.2 = 0.30000000000000004 (its sum with 0.2 + 0.2 + 0.1
# + 0.1 is 1 within allot's 1e-9, and dividing by that sum keeps it).
credit --model linear,custom --custom 'FT=0.30000000000000004,LC=0.2,OC=0.2,CW=0.2,middle=0.1' \
  || fail "credit C: $(cat credit.err)"
run_c=$(q "SELECT max(run_id) FROM runs WHERE tool = 'allot-credit'")
custom_c=$(q "SELECT parameters FROM runs WHERE run_id = $run_c" | tr ';' '\n' | grep '^custom=')
echo "$custom_c" > custom_c.txt

summary_params() { # the workbook's "Run parameters" rows, one a line
  "$bin/allot-xlsx" --db "$db" --period 2026Q3 --out "$1" 2>> xlsx.err ||
    fail "allot-xlsx: $(cat xlsx.err)"
  $py - "$1" <<'EOF'
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["Summary"]
rows = list(ws.iter_rows(values_only=True))
start = next(i for i, r in enumerate(rows) if r[0] == "Run parameters")
out = [rows[start][1]]
for r in rows[start + 1:]:
    if r[0] is not None or r[1] is None:
        break
    out.append(r[1])
print("\n".join(out))
EOF
}

# Run C is the latest: its Summary shows its own weights.
summary_params c.xlsx > c.txt
grep -qx 'custom=FT=0.30000000000000004,LC=0.2,OC=0.2,CW=0.2,middle=0.1' c.txt ||
  { echo "FAIL summary C: $(cat c.txt)" >&2; fail=1; }
q "DELETE FROM runs WHERE run_id = $run_c"

# Run B as a build before 2026-11-23 recorded it (the text it wrote for
# these parameters, numbers with %.17g): the Summary shows FT=0.3 all the
# same, one parameter a row.
q "UPDATE runs SET parameters = replace(replace(replace(parameters,
   'custom=FT=0.3,LC=0.3,OC=0.3,middle=0.1',
   'custom=FT=0.29999999999999999,LC=0.29999999999999999,OC=0.29999999999999999,middle=0.10000000000000001'),
   'position=0.4/0.2/0.4', 'position=0.40000000000000002/0.20000000000000001/0.40000000000000002'),
   'half_life_days=0.1', 'half_life_days=0.10000000000000001') WHERE run_id = $run_b"
expect "old text stored" "$(q "SELECT parameters FROM runs WHERE run_id = $run_b" | tr ';' '\n' | grep -E '^(custom|half_life_days|position)=')" \
  "custom=FT=0.29999999999999999,LC=0.29999999999999999,OC=0.29999999999999999,middle=0.10000000000000001
half_life_days=0.10000000000000001
position=0.40000000000000002/0.20000000000000001/0.40000000000000002"
summary_params b.xlsx > b.txt
expect "summary of the old run" "$(cat b.txt)" "$(echo "$new_text" | tr ';' '\n')"

# allot-restate between the old-text run and the new one: the same
# parameters, no warning; against run C's weights: listed, shortest form.
"$bin/allot-restate" --db "$db" --from "$run_b" --to "$run_a" > /dev/null 2> restate.err ||
  fail "restate: $(cat restate.err)"
expect "old vs new: no warning" "$(grep -c 'different allot-credit parameters' restate.err)" 0
credit --model linear,custom --half-life 0.1 \
  --custom 'FT=0.30000000000000004,LC=0.2,OC=0.2,CW=0.2,middle=0.1' || fail "credit D: $(cat credit.err)"
run_d=$(q "SELECT max(run_id) FROM runs WHERE tool = 'allot-credit'")
"$bin/allot-restate" --db "$db" --from "$run_b" --to "$run_d" > restate.out 2> restate.err ||
  fail "restate D: $(cat restate.err)"
expect "old vs other weights" "$(grep 'different allot-credit parameters' restate.err)" \
  "allot-restate: warning: runs $run_b and $run_d were made with different allot-credit parameters (from/to): custom=FT=0.3,LC=0.3,OC=0.3,middle=0.1/FT=0.30000000000000004,LC=0.2,OC=0.2,CW=0.2,middle=0.1; part of the difference is not the data"
expect "report line" "$(grep 'different parameters' restate.out)" \
  "The runs were made with different parameters (from/to): custom=FT=0.3,LC=0.3,OC=0.3,middle=0.1/FT=0.30000000000000004,LC=0.2,OC=0.2,CW=0.2,middle=0.1"

# The other computing tools record their numbers the same way; before,
# printf's %g cut them to six digits (a build of main at 2efdcac on these
# options: alpha=0.0123457, sla_hours=36.1235, horizon=12.3457,
# margin=0.765432, numbers the user never gave).
params_of() { q "SELECT parameters FROM runs WHERE tool = '$1' ORDER BY run_id DESC LIMIT 1" | tr ';' '\n' | grep -E "$2"; }
"$bin/allot-roi" --db "$db" --alpha 0.0123456789 > /dev/null 2>> roi.err || fail "roi: $(cat roi.err)"
expect "roi alpha" "$(params_of allot-roi '^alpha=')" "alpha=0.0123456789"
"$bin/allot-funnel" --db "$db" --sla-hours 36.123456789 > /dev/null 2>> funnel.err ||
  fail "funnel: $(cat funnel.err)"
expect "funnel" "$(params_of allot-funnel '^(alpha|sla_hours)=')" "alpha=0.05
sla_hours=36.123456789"
# No subscriptions in this fixture: nothing to compute, the run is recorded.
"$bin/allot-retention" --db "$db" --horizon 12.345678901 --conf-level 0.9 > /dev/null \
  2>> retention.err || fail "retention: $(cat retention.err)"
expect "retention" "$(params_of allot-retention '^(conf_level|horizon)=')" "conf_level=0.9
horizon=12.345678901"
"$bin/allot-clv" --db "$db" --margin 0.7654321 > /dev/null 2>> clv.err || fail "clv: $(cat clv.err)"
expect "clv" "$(params_of allot-clv '^(discount|margin)=')" "discount=0.1
margin=0.7654321"
exit $fail
