#!/usr/bin/env bash
# Property tests of allot-credit over the generated sample company
# (allot-synth, 20 000 touches, several currencies), for every model:
#   - the weights of each journey sum to 1 within 1e-12;
#   - Σ credits of a deal = its amount in minor units, exactly;
#   - Σ over channels per period = booked won revenue per period, exactly,
#     where booked revenue is recomputed here in SQL from deals and fx_rates;
#   - no credit to a touch after the close date or outside the 90-day window;
#   - two runs give identical CSV and ledger rows (run_id aside).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$1; tests=$2; scratch=$3
rm -rf "$scratch"; mkdir -p "$scratch"; cd "$scratch"
"$bin/allot-synth" --out syn --touches 20000 --seed 7 >/dev/null 2>&1
"$bin/allot-load" --db c.db syn/*.csv >/dev/null 2>&1
"$bin/allot-credit" --db c.db --model all --csv > one.csv 2>/dev/null
r1=$(sqlite3 c.db "SELECT max(run_id) FROM runs")
"$bin/allot-credit" --db c.db --model all --csv > two.csv 2>/dev/null
r2=$(sqlite3 c.db "SELECT max(run_id) FROM runs")
q() { sqlite3 -cmd ".timeout 10000" c.db "$1"; }

[[ $(q "SELECT count(DISTINCT model) FROM ledger WHERE run_id=$r1") == 15 ]] || fail "models"
[[ $(q "SELECT count(*) FROM ledger WHERE run_id=$r1") -gt 1000 ]] || fail "too few rows"
bad=$(q "SELECT count(*) FROM (SELECT abs(sum(weight) - 1) d FROM ledger WHERE run_id=$r1
         GROUP BY model, deal_id) WHERE d > 1e-12")
[[ $bad == 0 ]] || fail "$bad journeys whose weights do not sum to 1"

# Minor units: amount_micros / 10^(6 - exponent), half away from zero.
bad=$(q "WITH div AS (SELECT deal_id, amount_micros a, CASE currency WHEN 'JPY' THEN 1000000
           WHEN 'KRW' THEN 1000000 WHEN 'KWD' THEN 1000 WHEN 'BHD' THEN 1000 ELSE 10000 END d
           FROM deals WHERE is_won = 1 AND amount_micros IS NOT NULL)
         SELECT count(*) FROM (SELECT l.model, l.deal_id, sum(l.credit_minor) s,
           CAST(round(div.a * 1.0 / div.d) AS INTEGER) want FROM ledger l JOIN div USING (deal_id)
           WHERE l.run_id=$r1 GROUP BY l.model, l.deal_id) WHERE s <> want")
[[ $bad == 0 ]] || fail "$bad deals whose credits do not sum to the amount"
missing=$(q "SELECT count(*) FROM deals d WHERE is_won=1 AND amount_micros IS NOT NULL AND
             close_date IS NOT NULL AND (SELECT count(DISTINCT model) FROM ledger l
             WHERE l.run_id=$r1 AND l.deal_id=d.deal_id) <> 15")
[[ $missing == 0 ]] || fail "$missing won deals missing from some model's ledger"

# Booked revenue per quarter in USD, from the inputs: amount x rate valid on
# the close date, rounded to the micro, then to the cent (half away from 0).
booked() { q "SELECT substr(close_date,1,4) || 'Q' || ((CAST(substr(close_date,6,2) AS INTEGER)+2)/3) p,
   sum(CAST(round(CAST(round(amount_micros * (CASE WHEN currency='USD' THEN 1 ELSE
     (SELECT rate FROM fx_rates f WHERE f.currency=d.currency AND f.start_date <= d.close_date
      AND (f.end_date IS NULL OR d.close_date < f.end_date)) END)) AS INTEGER) / 10000.0) AS INTEGER))
   FROM deals d WHERE is_won=1 AND amount_micros IS NOT NULL AND close_date IS NOT NULL
   GROUP BY p ORDER BY p"; }
booked > booked.txt
[[ $(wc -l < booked.txt) -ge 4 ]] || fail "too few periods"
for m in $(q "SELECT DISTINCT model FROM rollup_channel WHERE run_id=$r1"); do
  q "SELECT period, sum(credited_minor) FROM rollup_channel WHERE run_id=$r1 AND model='$m'
     GROUP BY period ORDER BY period" > got.txt
  diff booked.txt got.txt >/dev/null || fail "$m: channels per period differ from booked revenue"
done
bad=$(q "SELECT count(*) FROM rollup_period WHERE run_id=$r1 AND booked_minor <> credited_minor + unattributed_minor")
[[ $bad == 0 ]] || fail "rollup_period does not reconcile"

# Nothing after the conversion, nothing before the window.
bad=$(q "SELECT count(*) FROM ledger l JOIN touches t USING (touch_id) JOIN deals d USING (deal_id)
         WHERE l.run_id=$r1 AND (t.occurred_at > unixepoch(d.close_date) + 86399
           OR t.occurred_at < unixepoch(d.close_date) + 86399 - 90*86400)")
[[ $bad == 0 ]] || fail "$bad credited touches outside the window"

cmp one.csv two.csv || fail "CSV differs between runs"
dump() { q "SELECT model, deal_id, touch_id, position, channel, campaign_id, weight, credit_minor,
            currency, rule, period, reporting_minor FROM ledger WHERE run_id=$1
            ORDER BY model, deal_id, position"; }
dump "$r1" > l1.txt; dump "$r2" > l2.txt
cmp l1.txt l2.txt || fail "ledger differs between runs"
head -1 one.csv | grep -q '^model,period,channel,deals,credited_amount,currency,share' || fail header
echo "credit properties ok"
