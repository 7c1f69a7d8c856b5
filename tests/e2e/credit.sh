#!/usr/bin/env bash
# allot-credit on tests/cases/credit/small.sql: exact channel CSV (hand
# computed in the fixture's comments), determinism, reconciliation of the
# rollups with the ledger, exit codes.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$1; tests=$2; scratch=$3
rm -rf "$scratch"; mkdir -p "$scratch"; cd "$scratch"
# The sqlite3 shell waits for locks too (two readers opening a WAL database
# at once may briefly see it busy).
sqlite3() { command sqlite3 -cmd ".timeout 10000" "$@"; }
: > a.db
"$bin/allot-credit" --db a.db --model linear >/dev/null 2>&1   # creates the schema
sqlite3 a.db < "$tests/cases/credit/small.sql"

# linear, revenue view, lookback 90:
#  2026Q1: d1 100.00 over t1..t4 -> 25.00 each; d2 (NULL amount) touches
#          Paid Search, Email, Direct (p1's t1..t3) -> null_amount_deals 1 there.
#  2026Q2: d3 5.00 unattributed; d4 30.00 EUR * 1.1 = 33.00 USD to Paid Social.
#  shares: 25/100 = 0.25; 33/38 = 0.868421; 5/38 = 0.131579.
"$bin/allot-credit" --db a.db --model linear --csv > linear.csv 2> linear.err
cat > expected.csv <<'CSV'
model,period,channel,deals,credited_amount,currency,share,null_amount_deals
linear,2026Q2,Paid Social,1,33.00,USD,0.868421,0
linear,2026Q1,Direct,1,25.00,USD,0.250000,1
linear,2026Q1,Email,1,25.00,USD,0.250000,1
linear,2026Q1,Events,1,25.00,USD,0.250000,0
linear,2026Q1,Paid Search,1,25.00,USD,0.250000,1
linear,2026Q2,(unattributed),1,5.00,USD,0.131579,0
CSV
diff -u expected.csv linear.csv || fail "linear CSV differs"
grep -q "run 2: 4 deals (138.00 USD booked; 1 unattributed, 1 with no amount)" linear.err \
  || fail "summary line: $(cat linear.err)"

# Reporting in EUR over a table in USD (USD 1, EUR 1.1): amounts convert at
# rate / EUR's rate. d1 100 USD -> 100/1.1 = 90.909090.. -> 90.91 EUR;
# d3 5 USD -> 4.545454.. -> 4.55 (half away from zero); d4 30.00 EUR stays
# 30.00. Booked 125.46; 2026Q2 shares 30/34.55 = 0.868307, 4.55/34.55 =
# 0.131693. (Before, EUR and USD amounts were added at face value.)
cp a.db eur.db
sqlite3 eur.db "INSERT INTO fx_rates(currency, start_date, end_date, rate) VALUES ('USD', '2000-01-01', NULL, 1)"
"$bin/allot-credit" --db eur.db --model linear --currency EUR --csv > eur.csv 2> eur.err \
  || fail "reporting EUR: $(cat eur.err)"
grep -q "4 deals (125.46 EUR booked; 1 unattributed, 1 with no amount)" eur.err || fail "EUR summary: $(cat eur.err)"
grep -qx "linear,2026Q2,Paid Social,1,30.00,EUR,0.868307,0" eur.csv || fail "EUR d4: $(cat eur.csv)"
grep -qx "linear,2026Q2,(unattributed),1,4.55,EUR,0.131693,0" eur.csv || fail "EUR d3: $(cat eur.csv)"
# GBP has no rows in that table and USD's row (1) shows the rates may be in
# USD: exit 1 asking for GBP rows, not USD amounts labelled GBP.
set +e
"$bin/allot-credit" --db eur.db --model linear --currency GBP > gbp.csv 2> gbp.err; rc=$?
set -e
[[ $rc == 1 ]] || fail "GBP over a USD table: exit $rc, $(cat gbp.err)"
grep -q "cannot convert USD into GBP: fx_rates has no GBP rows, and its USD rows (all 1)" gbp.err \
  || fail "GBP message: $(cat gbp.err)"

# W-shaped ledger rows of d1: FT t1, LC t2 (p1 created 03-10, t2 03-09),
# OC t3 (created 03-20), middle t4: 30/30/30/10 of 100.00.
"$bin/allot-credit" --db a.db --model w_shaped,full_path >/dev/null 2>&1
run=$(sqlite3 a.db "SELECT max(run_id) FROM runs")
got=$(sqlite3 a.db "SELECT touch_id||':'||weight||':'||credit_minor||':'||rule FROM ledger
                    WHERE run_id=$run AND model='w_shaped' AND deal_id='d1' ORDER BY position" | tr '\n' ' ')
[[ "$got" == "t1:0.3:3000:W:FT t2:0.3:3000:W:LC t3:0.3:3000:W:OC t4:0.1:1000:W:middle " ]] \
  || fail "w_shaped d1: $got"
got=$(sqlite3 a.db "SELECT touch_id||':'||credit_minor||':'||rule FROM ledger
                    WHERE run_id=$run AND model='full_path' AND deal_id='d1' ORDER BY position" | tr '\n' ' ')
[[ "$got" == "t1:2500:Z:FT t2:2500:Z:LC t3:2500:Z:OC t4:2500:Z:CW " ]] || fail "full_path d1: $got"
# d4 in EUR: p3 became a lead 03-01, deal created 04-01, its only touch t5 is
# 04-05: FT, LC (after), OC (after) and CW all sit on t5.
got=$(sqlite3 a.db "SELECT credit_minor||':'||currency||':'||reporting_minor||':'||rule FROM ledger
                    WHERE run_id=$run AND model='full_path' AND deal_id='d4'")
[[ "$got" == "3000:EUR:3300:Z:FT+LC(after)+OC(after)+CW" ]] || fail "full_path d4: $got"

# Every rollup is the ledger grouped; booked = credited + unattributed.
sqlite3 a.db "SELECT model, period, channel, sum(reporting_minor) FROM ledger
              WHERE run_id=$run GROUP BY 1,2,3 ORDER BY 1,2,3" > from_ledger.txt
sqlite3 a.db "SELECT model, period, channel, credited_minor FROM rollup_channel
              WHERE run_id=$run AND (credited_minor <> 0 OR deals > 0) ORDER BY 1,2,3" > rollup.txt
[[ -s rollup.txt ]] || fail "empty rollup"
diff from_ledger.txt rollup.txt || fail "rollup_channel is not the ledger grouped"
# Channel groups (taxonomy built-ins): Paid Search -> Paid, Email -> Owned.
got=$(sqlite3 a.db "SELECT DISTINCT channel || ':' || channel_group FROM rollup_channel
                    WHERE run_id=$run AND channel IN ('Paid Search','Email','(unattributed)')
                    ORDER BY 1" | tr '\n' ' ')
[[ "$got" == "(unattributed):(unattributed) Email:Owned Paid Search:Paid " ]] || fail "groups: $got"
bad=$(sqlite3 a.db "SELECT count(*) FROM rollup_period WHERE run_id=$run
                    AND booked_minor <> credited_minor + unattributed_minor")
[[ "$bad" == 0 ]] || fail "rollup_period does not reconcile"
[[ $(sqlite3 a.db "SELECT group_concat(deal_id) FROM ledger_null_amount WHERE run_id=$run") == d2 ]] \
  || fail "ledger_null_amount"
# No credit to a touch after the close date or outside the window.
[[ $(sqlite3 a.db "SELECT count(*) FROM ledger WHERE touch_id IN ('t0','t6')") == 0 ]] \
  || fail "t0/t6 credited"

# Determinism: same database and parameters -> same CSV and ledger rows.
"$bin/allot-credit" --db a.db --model all --csv > one.csv 2>/dev/null
r1=$(sqlite3 a.db "SELECT max(run_id) FROM runs")
"$bin/allot-credit" --db a.db --model all --csv > two.csv 2>/dev/null
r2=$(sqlite3 a.db "SELECT max(run_id) FROM runs")
cmp one.csv two.csv || fail "CSV differs between runs"
dump() { sqlite3 a.db "SELECT model, deal_id, touch_id, position, channel, campaign_id, weight,
         credit_minor, currency, rule, period, reporting_minor FROM ledger WHERE run_id=$1
         ORDER BY model, deal_id, position"; }
dump "$r1" > l1.txt; dump "$r2" > l2.txt
[[ -s l1.txt ]] || fail "empty ledger dump"
cmp l1.txt l2.txt || fail "ledger differs between runs"
[[ $(sqlite3 a.db "SELECT parameters FROM runs WHERE run_id=$r1") == \
   $(sqlite3 a.db "SELECT parameters FROM runs WHERE run_id=$r2") ]] || fail "parameters differ"

# Period filter.
"$bin/allot-credit" --db a.db --model first_touch --period 2026Q2 --csv > q2.csv 2>/dev/null
[[ $(tail -n +2 q2.csv | cut -d, -f2 | sort -u) == 2026Q2 ]] || fail "--period"
# Pipeline view: d1 converts at creation (03-20): t1..t3; d1 is won, so CW
# is the last touch at/before the close, t3, not pending.
"$bin/allot-credit" --db a.db --model full_path --event pipeline >/dev/null 2>&1
run=$(sqlite3 a.db "SELECT max(run_id) FROM runs")
got=$(sqlite3 a.db "SELECT rule FROM ledger WHERE run_id=$run AND deal_id='d1' ORDER BY position" | tr '\n' ' ')
[[ "$got" == "Z:FT Z:LC Z:OC+CW " ]] || fail "pipeline d1: $got"

# Exit codes.
# (into a file: grep -q leaving a pipe early would SIGPIPE a help longer than
# one stdio buffer and fail the pipeline under pipefail)
"$bin/allot-credit" --help > help.txt || fail "--help exit"
grep -q -- "--ledger-model" help.txt || fail "--help"
set +e
"$bin/allot-credit" --db a.db --model nosuch 2>/dev/null; [[ $? == 2 ]] || fail "unknown model exit"
"$bin/allot-credit" --db missing.db 2>/dev/null; [[ $? == 3 ]] || fail "missing db exit"
"$bin/allot-credit" --db a.db --currency GBP 2>err.txt; rc=$?
set -e
[[ $rc == 1 ]] || fail "missing fx rate exit $rc"
grep -q "no fx rate for USD on 2026-03-31" err.txt || fail "fx message: $(cat err.txt)"
echo "credit e2e ok"
