#!/usr/bin/env bash
# rollup_campaign holds no row that credits nothing: a touch the model gives
# weight 0 (every touch but the first under first_touch, a custom milestone
# of weight 0) makes no campaign row, as it makes no channel row (README
# "Rollups"). A campaign with spend and no credit still shows its spend in
# allot-roi, which reads spend and the ledger, not the rollups.
#
# tests/cases/credit/small.sql (derivations in its comments), plus campaign
# channels and two spend rows: c1 (Paid Search) 20.00 USD on 2026-03-02,
# c2 (Email) 40.00 USD on 2026-03-05.
#
# first_touch: d1 (100.00, t1 c1 Paid Search, t2 c2 Email, t3 Direct no
# campaign, t4 c3 Events) -> all to t1; d2 (NULL amount, p1's t1..t3) ->
# t1; d4 (33.00 USD, t5 c4 Paid Social) -> t5; d3 unattributed (no
# campaign row). Rows: 2026Q1 Paid Search c1 deals 1, null 1, 10000 cents,
# share 1; 2026Q2 Paid Social c4 deals 1, null 0, 3300, share 33/38.
# Before the fix, 2026Q1 also had Direct (none), Email c2 and Events c3
# with 0 deals, 0 NULL-amount deals and 0 cents.
#
# custom FT=50,CW=50 (LC, OC, middle 0): d1 t1 50 %, t4 (CW) 50 %, t2 and
# t3 0; d2 (NULL amount) FT t1, CW t3 (its last touch at or before the
# close): c1 and Direct (none) count it in null_amount_deals; d4 t5 FT+CW.
# Rows: Direct (none) 0 deals, null 1, 0 cents (it credits a NULL-amount
# deal, as rollup_channel's Direct row does); Events c3 1, 0, 5000, 0.5;
# Paid Search c1 1, 1, 5000, 0.5; Paid Social c4 1, 0, 3300. Before the
# fix also Email c2 0, 0, 0.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$1; tests=$2; scratch=$3
rm -rf "$scratch"; mkdir -p "$scratch"; cd "$scratch"
db=a.db
: > a.db
"$bin/allot-credit" --db a.db --model linear >/dev/null 2>&1   # creates the schema
sqlite3 a.db < "$tests/cases/credit/small.sql"
sqlite3 a.db "INSERT INTO campaigns(campaign_id, name, channel) VALUES
  ('c1', 'Brand', 'Paid Search'), ('c2', 'Newsletter', 'Email'), ('c3', 'Expo', 'Events'),
  ('c4', 'Social', 'Paid Social');
INSERT INTO spend(date, source_system, campaign_id, cost_micros, currency) VALUES
  ('2026-03-02', 'ads', 'c1', 20000000, 'USD'), ('2026-03-05', 'ads', 'c2', 40000000, 'USD');"
"$bin/allot-credit" --db a.db --model first_touch,custom --custom FT=50,CW=50 \
  >credit.out 2>credit.err || fail "allot-credit: $(cat credit.err)"
run=$(q "SELECT max(run_id) FROM runs WHERE tool = 'allot-credit'")

expect "first_touch rollup_campaign" \
  "$(q "SELECT period, channel, campaign_id, deals, null_amount_deals, credited_minor,
          printf('%.6f', share) FROM rollup_campaign WHERE run_id = $run AND model = 'first_touch'
        ORDER BY period, channel, campaign_id")" \
  "2026Q1|Paid Search|c1|1|1|10000|1.000000
2026Q2|Paid Social|c4|1|0|3300|0.868421"

expect "custom rollup_campaign" \
  "$(q "SELECT period, channel, campaign_id, deals, null_amount_deals, credited_minor,
          printf('%.6f', share) FROM rollup_campaign WHERE run_id = $run AND model = 'custom'
        ORDER BY period, channel, campaign_id")" \
  "2026Q1|Direct|(none)|0|1|0|0.000000
2026Q1|Events|c3|1|0|5000|0.500000
2026Q1|Paid Search|c1|1|1|5000|0.500000
2026Q2|Paid Social|c4|1|0|3300|0.868421"

# The ledger keeps every touch, weight 0 included (one row per run, model,
# deal and touch): only the rollup leaves the empty ones out.
expect "first_touch ledger rows of d1" \
  "$(q "SELECT group_concat(touch_id || ':' || weight || ':' || credit_minor, ' ') FROM
        (SELECT touch_id, weight, credit_minor FROM ledger WHERE run_id = $run
         AND model = 'first_touch' AND deal_id = 'd1' ORDER BY position)")" \
  "t1:1.0:10000 t2:0.0:0 t3:0.0:0 t4:0.0:0"

# Every rollup still reconciles with the ledger: per model, period, channel
# and campaign, the ledger's credit where it is not 0 or the deal has a
# positive weight there, and nothing else.
from_ledger=$(q "SELECT model, period, channel, coalesce(campaign_id, '(none)') AS c,
                 count(DISTINCT CASE WHEN weight > 0 THEN deal_id END) AS deals,
                 sum(reporting_minor) AS m
            FROM ledger WHERE run_id = $run AND touch_id IS NOT NULL
           GROUP BY 1, 2, 3, 4 HAVING deals > 0 OR m <> 0 ORDER BY 1, 2, 3, 4")
expect "rollup_campaign = ledger" \
  "$(q "SELECT model, period, channel, campaign_id, deals, credited_minor FROM rollup_campaign
        WHERE run_id = $run AND (deals > 0 OR credited_minor <> 0) ORDER BY 1, 2, 3, 4")" \
  "$from_ledger"
[[ $(wc -l <<<"$from_ledger") == 5 ]] || fail "ledger groups: $from_ledger"

# A campaign with spend and no credit keeps its spend in allot-roi: c2
# (Email) 40.00 spent, revenue 0, ROI -1, ROAS 0, no CAC; c1 20.00 spent,
# revenue 100.00, ROI 4, ROAS 5, 1 new customer (d1 is a1's first won deal,
# by deal_id before d2 on the same close date), CAC 20.00.
"$bin/allot-roi" --db a.db --model first_touch --by campaign --bootstrap 0 --csv \
  >roi.csv 2>roi.err || fail "allot-roi: $(cat roi.err)"
expect "allot-roi c1" "$(grep '^first_touch,2026Q1,c1,' roi.csv | cut -d, -f4-6,9,10,14,15)" \
  "20.00,100.00,4.000000,5.000000,20.00,1,1.000000"
expect "allot-roi c2" "$(grep '^first_touch,2026Q1,c2,' roi.csv | cut -d, -f4-6,9,10,14,15)" \
  "40.00,0.00,-1.000000,0.000000,,0,0.000000"
"$bin/allot-roi" --db a.db --model first_touch --by channel --bootstrap 0 --csv \
  >roi-channel.csv 2>roi.err || fail "allot-roi by channel: $(cat roi.err)"
expect "allot-roi Email" "$(grep '^first_touch,2026Q1,Email,' roi-channel.csv | cut -d, -f4-6,9,10,14)" \
  "40.00,0.00,-1.000000,0.000000,,0"
exit $fail
