#!/usr/bin/env bash
# allot-restate: what changed between the allot-credit run a quarter was
# reported from and a run after reloading changed CRM exports.
#
# Fixture tests/cases/restate (USD only, rate 1; lookback 90 days; model
# linear = each touch of a journey gets amount / touches):
#   run A (deals.csv, deal_people.csv), every deal closed won in 2026Q3:
#     d1 1000.00  p1: t1 Email, t2 Paid Search      -> 500.00 + 500.00
#     d2  300.00  p2: t3 Events                     -> 300.00
#     d3  900.00  p3: t4 Referral, t5 Email, t6 Paid Social -> 300.00 each
#     d4  200.00  p4: t7 Paid Search                -> 200.00
#     d5  150.00  no contact                        -> (unattributed) 150.00
#     2026Q3 booked 2550.00 = credited 2400.00 + unattributed 150.00;
#     Email 500+300 = 800, Paid Search 500+200 = 700, Events 300,
#     Referral 300, Paid Social 300, (unattributed) 150.
#   run B (deals_restated.csv, deal_people_restated.csv upserted on top):
#     d1 amount corrected 1000.00 -> 1200.00: Email 600, Paid Search 600
#     d2 close date 2026-09-20 -> 2026-10-05: moved to 2026Q4 (t3 on
#        2026-08-05 is 61 days before, inside the window), Events 300
#     d3 gains contact p4 (role edited): t4, t5, t6, t7 -> 225.00 each
#        (Referral, Email, Paid Social, Paid Search); amount unchanged
#     d4 marked lost: gone from the revenue ledger
#     d6 added, 400.00, p5: t8 Paid Social, t9 Events -> 200.00 each
#     2026Q3 booked 1200 + 900 + 150 + 400 = 2650.00 (+100.00), credited
#     2500.00, 4 deals; 2026Q4 booked 300.00 (+300.00), 1 deal.
#     2026Q3 channels: Email 600+225 = 825 (+25), Paid Search 600+225 = 825
#     (+125), Events 200 (-100), Referral 225 (-75), Paid Social 225+200 =
#     425 (+125), (unattributed) 150 (0); differences add up to +100.00.
# Campaigns (touches.csv campaign_id; names from campaigns.csv): t1 c_news,
# t2 c_brand, t3 c_summit, t4 none, t5 c_launch, t6 c_social, t7 c_brand,
# t8 c_social, t9 c_summit. Credit per campaign = the touch credits above:
#   run A 2026Q3: c_brand t2 500 + t7 200 = 700; c_launch t5 300; c_news t1
#     500; c_social t6 300; c_summit t3 300; (no campaign) t4 300;
#     (unattributed) d5 150. Sum 2550.00 = booked.
#   run B 2026Q3: c_brand t2 600 + t7 225 = 825 (+125); c_launch t5 225
#     (-75); c_news t1 600 (+100); c_social t6 225 + t8 200 = 425 (+125);
#     c_summit t9 200 (-100; t3 went to 2026Q4 with d2); (no campaign) t4
#     225 (-75); (unattributed) 150 (0). Sum 2650.00 = booked; differences
#     125 - 75 + 100 + 125 - 100 - 75 + 0 = +100.00 = the booked difference.
#   run B 2026Q4: c_summit t3 300 (+300) = the booked difference.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$(cd "$1" && pwd) tests=$(cd "$2" && pwd) scratch=$3
rm -rf "$scratch" && mkdir -p "$scratch"
cd "$scratch"
cases=$tests/cases/restate
db=$scratch/allot.db
restate() { "$bin/allot-restate" --db "$db" "$@"; }
credit() { "$bin/allot-credit" --db "$db" "$@" > /dev/null 2>> credit.err; }

for f in campaigns people touches deals deal_people fx_rates; do
  load "$cases/$f.csv" 2>> load.err || fail "loading $f.csv: $(cat load.err)"
done
credit --model linear || fail "credit A: $(cat credit.err)"
run_a=$(q "SELECT max(run_id) FROM runs WHERE tool = 'allot-credit'")

# Only one run: nothing to compare with (exit 1).
restate > out 2> err; expect "one run exit" "$?" 1
expect "one run message" "$(cat err)" \
  "allot-restate: error: run $run_a is the first successful allot-credit revenue run: there is nothing before it to compare with (give --from RUN, or run allot-credit again after reloading the changed exports)"

# The pack e-mail of 2026Q3 (its credit section): with one run, no
# restatement line.
printf '[pack]\nfrom = allot@example.com\nto = cfo@example.com\n' > pack.ini
pack_line() { # the e-mail's restatement line, decoded
  rm -rf pack && mkdir pack
  "$bin/allot-pack" --db "$db" --config pack.ini --period 2026Q3 --out pack 2> /dev/null ||
    fail "allot-pack"
  /usr/bin/python3 -c 'import email, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
text = next(p for p in m.walk() if p.get_content_type() == "text/plain")
print("\n".join(l for l in text.get_payload(decode=True).decode().splitlines() if "restated" in l))' \
    pack/allot-pack-2026Q3.eml
}
expect "pack one run" "$(pack_line)" ""

load "$cases/deals_restated.csv" 2>> load.err || fail "reload deals"
load "$cases/deal_people_restated.csv" 2>> load.err || fail "reload deal_people"
credit --model linear || fail "credit B: $(cat credit.err)"
run_b=$(q "SELECT max(run_id) FROM runs WHERE tool = 'allot-credit'")

# ... after run B, the pack says what run A reported and what moved: booked
# 2,550.00 then, 2,650.00 now; credit changed in 5 channels (Email, Events,
# Paid Search, Paid Social, Referral; (unattributed) 150.00 in both) and 5
# campaigns (c_brand, c_launch, c_news, c_social, c_summit; touches without
# a campaign not counted).
expect "pack restated" "$(pack_line)" \
  "  restated since run $run_a: USD 2,550.00 booked then, USD 2,650.00 now (+USD 100.00); credit changed in 5 channels and 5 campaigns (allot-restate --from $run_a --to $run_b --model linear)"

# Defaults: --to = latest revenue run (B), --from = the one before (A).
restate --csv > channels.csv 2> err; expect "channels exit" "$?" 0
expect "channels" "$(cat channels.csv)" "period,channel,from_credited,to_credited,difference,currency
2026Q3,(unattributed),150.00,150.00,0.00,USD
2026Q3,Email,800.00,825.00,25.00,USD
2026Q3,Events,300.00,200.00,-100.00,USD
2026Q3,Paid Search,700.00,825.00,125.00,USD
2026Q3,Paid Social,300.00,425.00,125.00,USD
2026Q3,Referral,300.00,225.00,-75.00,USD
2026Q4,Events,0.00,300.00,300.00,USD"
summary="allot-restate: run $run_b vs run $run_a (linear, USD): 2026Q3 booked +100.00, 2026Q4 booked +300.00: 1 deal added, 1 removed, 1 moved to 2026Q4, 1 amount changed, 1 re-split; in "
expect "summary" "$(sed 's/in [0-9.]* s$/in /' err)" "$summary"

# Per campaign: every row (unchanged ones too), by period, then campaigns
# by id, "(none)" (touches without a campaign), "(unattributed)".
restate --csv --table campaigns > campaigns.csv 2> err; expect "campaigns exit" "$?" 0
expect "campaigns" "$(cat campaigns.csv)" "period,campaign_id,campaign,from_credited,to_credited,difference,currency
2026Q3,c_brand,Brand Search,700.00,825.00,125.00,USD
2026Q3,c_launch,Q3 Launch Email,300.00,225.00,-75.00,USD
2026Q3,c_news,Newsletter,500.00,600.00,100.00,USD
2026Q3,c_social,Social Retargeting,300.00,425.00,125.00,USD
2026Q3,c_summit,Summit 2026,300.00,200.00,-100.00,USD
2026Q3,(none),(no campaign),300.00,225.00,-75.00,USD
2026Q3,(unattributed),(unattributed),150.00,150.00,0.00,USD
2026Q4,c_summit,Summit 2026,0.00,300.00,300.00,USD"
# Footing, independently of the hand figures: per period and run the
# campaign rows add up to rollup_period's booked amount (summed in cents by
# python from the two CSVs).
foot=$(/usr/bin/python3 -c 'import csv, sys
cents = lambda s: round(float(s) * 100)
camp, booked = {}, {}
for r in csv.DictReader(open(sys.argv[1])):
    c = camp.setdefault(r["period"], [0, 0])
    c[0] += cents(r["from_credited"]); c[1] += cents(r["to_credited"])
for r in csv.DictReader(open(sys.argv[2])):
    booked[r["period"]] = [cents(r["from_booked"]), cents(r["to_booked"])]
print(" ".join("%s:%s" % (p, camp[p] == booked[p]) for p in sorted(booked)))' \
  campaigns.csv <(restate --csv --table periods 2> /dev/null))
expect "campaigns foot" "$foot" "2026Q3:True 2026Q4:True"

# The readable report: changed campaigns only, largest change first, ties by
# campaigns before "(no campaign)", then id (c_brand before c_social at 125,
# c_news before c_summit at 100, c_launch before (none) at 75).
expect "text campaigns" "$(restate 2> /dev/null | sed -n '/^Credit per period and campaign/,/^$/p' | tr -s ' ')" \
"Credit per period and campaign (changed campaigns only; largest change first)
period campaign name from to difference
2026Q3 c_brand Brand Search 700.00 825.00 +125.00
2026Q3 c_social Social Retargeting 300.00 425.00 +125.00
2026Q3 c_news Newsletter 500.00 600.00 +100.00
2026Q3 c_summit Summit 2026 300.00 200.00 -100.00
2026Q3 c_launch Q3 Launch Email 300.00 225.00 -75.00
2026Q3 (none) (no campaign) 300.00 225.00 -75.00
2026Q4 c_summit Summit 2026 0.00 300.00 +300.00"
restate --csv --table campaigns --period 2026Q4 > q4c.csv 2> /dev/null
expect "q4 campaigns" "$(cat q4c.csv)" "period,campaign_id,campaign,from_credited,to_credited,difference,currency
2026Q4,c_summit,Summit 2026,0.00,300.00,300.00,USD"

restate --csv --table periods > periods.csv 2> /dev/null
expect "periods" "$(cat periods.csv)" "period,from_booked,to_booked,difference,from_credited,to_credited,from_unattributed,to_unattributed,from_deals,to_deals,currency
2026Q3,2550.00,2650.00,100.00,2400.00,2500.00,150.00,150.00,5,4,USD
2026Q4,0.00,300.00,300.00,0.00,300.00,0.00,0.00,0,1,USD"

restate --csv --table deals > deals.csv 2> /dev/null
expect "deals" "$(cat deals.csv)" "deal_id,change,from_period,to_period,from_booked,to_booked,difference,currency,from_split,to_split
d1,amount,2026Q3,2026Q3,1000.00,1200.00,200.00,USD,Email=500.00; Paid Search=500.00,Email=600.00; Paid Search=600.00
d2,moved,2026Q3,2026Q4,300.00,300.00,0.00,USD,Events=300.00,Events=300.00
d3,resplit,2026Q3,2026Q3,900.00,900.00,0.00,USD,Email=300.00; Paid Social=300.00; Referral=300.00,Email=225.00; Paid Search=225.00; Paid Social=225.00; Referral=225.00
d4,removed,2026Q3,,200.00,,-200.00,USD,Paid Search=200.00,
d6,added,,2026Q3,,400.00,400.00,USD,,Events=200.00; Paid Social=200.00"

# Same inputs, same bytes; explicit --from/--to give the same report.
restate --csv --table deals > again.csv 2> /dev/null
cmp -s deals.csv again.csv || { echo "FAIL deterministic" >&2; fail=1; }
restate > text1 2> /dev/null; restate --from "$run_a" --to "$run_b" > text2 2> /dev/null
cmp -s text1 text2 || { echo "FAIL explicit runs" >&2; fail=1; }
expect "text booked" "$(grep '^2026Q3 ' text1 | head -1 | tr -s ' ')" "2026Q3 2,550.00 2,650.00 +100.00 5->4"

# --period: one quarter. 2026Q4 holds Events only and d2 (moved into it).
restate --csv --period 2026q4 > q4.csv 2> err; expect "q4 exit" "$?" 0
expect "q4 channels" "$(cat q4.csv)" "period,channel,from_credited,to_credited,difference,currency
2026Q4,Events,0.00,300.00,300.00,USD"
expect "q4 summary" "$(sed 's/in [0-9.]* s$/in /' err)" \
  "allot-restate: run $run_b vs run $run_a (linear, USD): 2026Q4 booked +300.00: 1 deal moved to 2026Q4; in "
restate --period 2026-07 > /dev/null 2> err; expect "month period exit" "$?" 2
expect "month period" "$(cat err)" \
  "allot-restate: error: --period 2026-07: the ledger's periods are quarters; give one quarter (e.g. 2026Q3)"

# The runs compared in the other direction: every difference negated.
restate --from "$run_b" --to "$run_a" --csv --table periods > back.csv 2> /dev/null
expect "backwards" "$(sed -n 2p back.csv)" "2026Q3,2650.00,2550.00,-100.00,2500.00,2400.00,150.00,150.00,4,5,USD"

# Nothing reloaded: a third run is the same as B -> "no change".
credit --model linear || fail "credit C"
run_c=$(q "SELECT max(run_id) FROM runs WHERE tool = 'allot-credit'")
restate --csv --table deals > same.csv 2> err; expect "same exit" "$?" 0
expect "same deals" "$(cat same.csv)" "deal_id,change,from_period,to_period,from_booked,to_booked,difference,currency,from_split,to_split"
expect "same campaigns" "$(restate 2> /dev/null | sed -n '/^Credit per period and campaign/,/^$/p' | sed -n 2p)" "none"
expect "same summary" "$(sed 's/in [0-9.]* s$/in /' err)" \
  "allot-restate: run $run_c vs run $run_b (linear, USD): no change; in "

# Another event: refused (exit 1) with both events named.
credit --model linear --event pipeline || fail "credit pipeline"
run_p=$(q "SELECT max(run_id) FROM runs WHERE tool = 'allot-credit'")
restate --from "$run_c" --to "$run_p" > /dev/null 2> err; expect "event exit" "$?" 1
expect "event message" "$(cat err)" \
  "allot-restate: error: run $run_c credits the revenue event and run $run_p the pipeline event: compare two runs of the same event (allot-credit --event)"
# The default --to stays the latest revenue run, not the pipeline run.
restate > /dev/null 2> err; expect "default skips pipeline" "$(grep -c "run $run_c vs run $run_b" err)" 1

# Another reporting currency: refused (exit 1).
credit --model linear --currency EUR || fail "credit EUR: $(cat credit.err)"
run_e=$(q "SELECT max(run_id) FROM runs WHERE tool = 'allot-credit'")
restate --from "$run_c" --to "$run_e" > /dev/null 2> err; expect "currency exit" "$?" 1
expect "currency message" "$(cat err)" \
  "allot-restate: error: run $run_c reports in USD and run $run_e in EUR: amounts in different currencies cannot be compared; run allot-credit again with --currency USD"

# A model the runs did not compute (exit 1); a run that is no credit run
# (exit 2); bad options (exit 2).
restate --from "$run_a" --to "$run_b" --model w_shaped > /dev/null 2> err; expect "model exit" "$?" 1
expect "model message" "$(cat err)" \
  "allot-restate: error: run $run_a did not compute the model 'w_shaped' (it computed: linear); give --model with one of them"
restate --from 1 --to "$run_b" > /dev/null 2> err; expect "not credit exit" "$?" 2
expect "not credit message" "$(grep -c "^allot-restate: error: --from: run 1 is not an allot-credit run of this database" err)" 1
restate --from 0 > /dev/null 2> err; expect "from 0" "$?" 2
restate --table deals > /dev/null 2> err; expect "table without csv" "$?" 2
restate --db "$scratch/none.db" > /dev/null 2> err; expect "no database" "$?" 3

# Rollups for every model, ledger rows of one: the deal comparison says so.
credit --model linear,first_touch --ledger-model first_touch || fail "credit ledger-model"
run_l=$(q "SELECT max(run_id) FROM runs WHERE tool = 'allot-credit'")
restate --from "$run_c" --to "$run_l" > text 2> err; expect "ledger-model exit" "$?" 0
expect "ledger-model note" "$(grep -c "^deals not compared: run $run_l wrote no ledger rows of linear (its ledger models: first_touch); run allot-credit with --ledger-model including linear" text)" 1
expect "ledger-model summary" "$(sed 's/in [0-9.]* s$/in /' err)" \
  "allot-restate: run $run_l vs run $run_c (linear, USD): no change in the rollups (deals not compared); in "

# Another fiscal start whose quarters are the same months (April: 2026Q3 =
# FY2027Q2, 2026Q4 = FY2027Q3): run C's quarters are relabeled as the new
# run's, and the same data gives no change (B's figures: FY2027Q2 booked
# 2650.00 = credited 2500.00 + unattributed 150.00, 4 deals; FY2027Q3
# 300.00, 1 deal).
credit --model linear --fiscal-start 4 || fail "credit fiscal 4"
run_f=$(q "SELECT max(run_id) FROM runs WHERE tool = 'allot-credit'")
restate --from "$run_c" --to "$run_f" --csv --table periods > fiscal.csv 2> err
expect "fiscal exit" "$?" 0
expect "fiscal periods" "$(cat fiscal.csv)" "period,from_booked,to_booked,difference,from_credited,to_credited,from_unattributed,to_unattributed,from_deals,to_deals,currency
FY2027Q2,2650.00,2650.00,0.00,2500.00,2500.00,150.00,150.00,4,4,USD
FY2027Q3,300.00,300.00,0.00,300.00,300.00,0.00,0.00,1,1,USD"
expect "fiscal stderr" "$(sed 's/in [0-9.]* s$/in /' err)" \
"allot-restate: warning: run $run_c's quarters (fiscal year from month 1) are labeled as run $run_f's (fiscal year from month 4): the same quarters are compared under run $run_f's labels
allot-restate: run $run_f vs run $run_c (linear, USD): no change; in "
expect "fiscal text" "$(restate --from "$run_c" --to "$run_f" 2> /dev/null | grep '^Periods: ')" \
  "Periods: run $run_c's quarters (fiscal year from month 1) are labeled as run $run_f's (fiscal year from month 4)"
# February: quarters Feb-Apr, May-Jul, ... are other months: refused.
credit --model linear --fiscal-start 2 || fail "credit fiscal 2"
run_g=$(q "SELECT max(run_id) FROM runs WHERE tool = 'allot-credit'")
restate --from "$run_c" --to "$run_g" > /dev/null 2> err; expect "fiscal 2 exit" "$?" 1
expect "fiscal 2 message" "$(cat err)" \
  "allot-restate: error: run $run_c's fiscal year starts in month 1 and run $run_g's in month 2: their quarters are different months and cannot be compared; run allot-credit again with --fiscal-start 1"

# The report lists at most 15 changed campaigns per period, then one line
# for the rest. A hand-made database: two credit runs (ids 2 and 3) of
# 2026Q3 where campaigns k01..k17 went from 0 to 100.00 x their number
# (k17 +1,700.00 ... k01 +100.00), booked 0 -> 15,300.00 (1 + ... + 17 =
# 153 hundreds). Shown: k17 .. k03 (15 rows, largest first); the note sums
# k02 and k01: +300.00.
db=$scratch/cap.db
load "$cases/fx_rates.csv" 2> /dev/null || fail "cap db"
params="currency=USD;event=revenue;fiscal_start=1;ledger_models=;models=linear;period="
q "INSERT INTO runs(run_id, tool, version, parameters, input_hash, started_at, status) VALUES
   (2, 'allot-credit', 't', '$params', 'h', 0, 'ok'), (3, 'allot-credit', 't', '$params', 'h', 0, 'ok');
   INSERT INTO rollup_period VALUES (2, 'linear', '2026Q3', 0, 0, 0, 0, 0, 0, 0, 'USD'),
   (3, 'linear', '2026Q3', 17, 17, 0, 0, 1530000, 1530000, 0, 'USD');
   WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 17)
   INSERT INTO rollup_campaign(run_id, model, period, channel, campaign_id, deals,
     null_amount_deals, credited_minor, currency, share)
   SELECT 3, 'linear', '2026Q3', 'Email', printf('k%02d', n), 1, 0, n * 10000, 'USD', 0 FROM k;" ||
  fail "cap fixture"
restate > text 2> err; expect "cap exit" "$?" 0
expect "cap" "$(sed -n '/^Credit per period and campaign/,/^$/p' text | sed -n '3p;17p;18p' | tr -s ' ')" \
"2026Q3 k17 0.00 1,700.00 +1,700.00
2026Q3 k03 0.00 300.00 +300.00
2026Q3 ... 2 more changed campaigns, +300.00 together (allot-restate --csv --table campaigns)"
expect "cap rows" "$(sed -n '/^Credit per period and campaign/,/^$/p' text | grep -c '^2026Q3 ')" 16
restate --csv --table campaigns > cap.csv 2> /dev/null
expect "cap csv rows" "$(tail -n +2 cap.csv | wc -l)" 17

exit $fail
