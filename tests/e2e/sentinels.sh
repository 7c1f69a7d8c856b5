#!/usr/bin/env bash
# The reports' group labels "(none)" (no campaign, channel or source),
# "(unattributed)" (won deals with no touch in the window) and "(all)" are
# reserved (lib/labels.h): a campaign id or channel that reads like one
# would be counted in that group. allot-load rejects such values with file,
# line, column and what to do; a [taxonomy] rule may not name such a
# channel; allot-credit refuses a database that holds one (an older load).
#
# Before: tests/cases/sentinels/touches.csv loaded as is, a campaign '(none)'
# on touch t5 was added to the touches without a campaign and the campaign
# '(unattributed)' of t7 to the deals without a touch: allot-roi --by
# campaign gave (none) 600.00 (t4 300 + t5 300) and (unattributed) 350.00
# in 2 deals (d5 150 + t7 200); with t5 on the channel of another
# campaign-less touch of the same period allot-credit stopped with exit 3,
# "UNIQUE constraint failed: rollup_campaign...".
#
# Fixture: tests/cases/restate's campaigns, people, deals, deal_people and
# rates (USD, every deal won in 2026Q3; d5 150.00 has no contact), with
# tests/cases/sentinels/touches.csv (model linear: a deal's amount split
# equally over its people's touches):
#   t1 p1 Email c_news, t2 p1 Paid Search c_brand, t3 p2 Events c_summit,
#   t4 p3 Referral (no campaign), t5 p3 Email '(none)' (rejected),
#   t6 p3 Paid Social (no campaign), t7 p4 Paid Search '(unattributed)'
#   (rejected).
# Run 1, loaded with --max-rejects 2 (t5, t7 not loaded):
#   d1 1000.00 over t1, t2: c_news 500.00, c_brand 500.00
#   d2  300.00 t3: c_summit 300.00
#   d3  900.00 over t4, t6: (none) 450.00 + 450.00 = 900.00, 1 deal
#   d4  200.00 p4 has no touch left: (unattributed) 200.00
#   d5  150.00 no contact: (unattributed) 150.00 -> 350.00 in 2 deals
#   sum 500 + 500 + 300 + 900 + 350 = 2550.00 = booked
# Run 2, after loading touches_renamed.csv (t5 campaign 'none', t7
# 'unattributed', the user's renaming):
#   d3 900.00 over t4, t5, t6: 300.00 each: (none) t4 + t6 = 600.00, none
#      300.00
#   d4 200.00 t7: unattributed 200.00
#   (unattributed) d5 150.00, 1 deal
#   sum 500 + 500 + 300 + 600 + 300 + 200 + 150 = 2550.00
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$(cd "$1" && pwd) tests=$(cd "$2" && pwd) scratch=$3
rm -rf "$scratch" && mkdir -p "$scratch"
cd "$scratch"
cp "$tests"/cases/sentinels/*.csv .
db=$scratch/allot.db
for f in campaigns people deals deal_people fx_rates; do
  load "$tests/cases/restate/$f.csv" 2>> load.err || fail "loading $f.csv: $(cat load.err)"
done
credit() { "$bin/allot-credit" --db "$db" --model linear "$@" > /dev/null 2> credit.err; }
roi() { # model,period,group,spend,revenue,deals
  "$bin/allot-roi" --db "$db" --by campaign --bootstrap 0 --csv 2> /dev/null | cut -d, -f1-5,14
}
reason() { # reason LABEL HOLDS COLUMN: the reject reason
  echo "'$1' is the group allot reports for $2: a $3 so named would be counted in it; rename the value in the export (leave it empty when there is none)"
}
none_holds="no campaign, channel or source"
unattr_holds="won deals with no touch in the lookback window"
all_holds="the total over all groups"
# rejects CSV rows as "line|column|column_name|value|reason"
rejects() {
  /usr/bin/python3 -c 'import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    print("|".join((r["line"], r["column"], r["column_name"], r["value"], r["reason"])))' "$1"
}

# The campaign ids '(none)' and '(unattributed)': both rows rejected,
# nothing loaded (exit 1).
load touches.csv 2> err; expect "reserved exit" "$?" 1
expect "nothing loaded" "$(q "SELECT count(*) FROM touches")" 0
expect "touch rejects" "$(rejects touches.csv.rejects.csv)" \
"6|6|campaign_id|(none)|$(reason '(none)' "$none_holds" campaign_id)
8|6|campaign_id|(unattributed)|$(reason '(unattributed)' "$unattr_holds" campaign_id)"

# Within a rejection budget the other rows load; the groups hold only what
# they say (figures in the header).
load --max-rejects 2 touches.csv 2> err; expect "budget exit" "$?" 0
credit || fail "credit 1: $(cat credit.err)"
run_1=$(q "SELECT max(run_id) FROM runs WHERE tool = 'allot-credit'")
expect "roi run 1" "$(roi)" "model,period,group,spend,revenue,deals
linear,2026Q3,(none),0.00,900.00,1
linear,2026Q3,(unattributed),0.00,350.00,2
linear,2026Q3,c_brand,0.00,500.00,1
linear,2026Q3,c_news,0.00,500.00,1
linear,2026Q3,c_summit,0.00,300.00,1"

# Renamed in the export: the two campaigns are groups of their own.
load touches_renamed.csv 2> err || fail "renamed: $(cat err)"
credit || fail "credit 2: $(cat credit.err)"
run_2=$(q "SELECT max(run_id) FROM runs WHERE tool = 'allot-credit'")
expect "roi run 2" "$(roi)" "model,period,group,spend,revenue,deals
linear,2026Q3,(none),0.00,600.00,1
linear,2026Q3,(unattributed),0.00,150.00,1
linear,2026Q3,c_brand,0.00,500.00,1
linear,2026Q3,c_news,0.00,500.00,1
linear,2026Q3,c_summit,0.00,300.00,1
linear,2026Q3,none,0.00,300.00,1
linear,2026Q3,unattributed,0.00,200.00,1"
# allot-restate: campaigns by id, then (none), then (unattributed); 'none'
# and 'unattributed' are not in campaigns.csv (no name). Differences: none
# +300, unattributed +200, (none) -300, (unattributed) -200: 0 in all.
"$bin/allot-restate" --db "$db" --from "$run_1" --to "$run_2" --csv --table campaigns \
  > campaigns_out.csv 2> err
expect "restate exit" "$?" 0
expect "restate campaigns" "$(cat campaigns_out.csv)" \
"period,campaign_id,campaign,from_credited,to_credited,difference,currency
2026Q3,c_brand,Brand Search,500.00,500.00,0.00,USD
2026Q3,c_news,Newsletter,500.00,500.00,0.00,USD
2026Q3,c_summit,Summit 2026,300.00,300.00,0.00,USD
2026Q3,none,,0.00,300.00,300.00,USD
2026Q3,unattributed,,0.00,200.00,200.00,USD
2026Q3,(none),(no campaign),900.00,600.00,-300.00,USD
2026Q3,(unattributed),(unattributed),350.00,150.00,-200.00,USD"

# GA's placeholders are not reserved: a campaign id '(direct)' (GA's
# campaign of direct traffic) is a campaign like any other. ga.csv: touch
# t10 of p2 in campaign '(direct)', utm source '(direct)', medium '(none)'
# (the taxonomy's Direct); spend.csv: (direct) 50.00, c_brand 100.00.
# Run 3: d2 300.00 over t3, t10: c_summit 150.00, (direct) 150.00; ROI
# (direct) (150 - 50) / 50 = 200 %, c_brand (500 - 100) / 100 = 400 %.
# The ROI chart has both; before, every group starting with '(' was left
# out of it as if it were '(none)' ("All 1 campaigns with spend ...").
load ga.csv 2> err || fail "ga.csv: $(cat err)"
load spend.csv 2> err || fail "spend.csv: $(cat err)"
credit || fail "credit 3: $(cat credit.err)"
expect "roi run 3" "$(roi)" "model,period,group,spend,revenue,deals
linear,2026Q3,(direct),50.00,150.00,1
linear,2026Q3,(none),0.00,600.00,1
linear,2026Q3,(unattributed),0.00,150.00,1
linear,2026Q3,c_brand,100.00,500.00,1
linear,2026Q3,c_news,0.00,500.00,1
linear,2026Q3,c_summit,0.00,150.00,1
linear,2026Q3,none,0.00,300.00,1
linear,2026Q3,unattributed,0.00,200.00,1"
"$bin/allot-chart" --db "$db" --period 2026Q3 --format pdf --out charts roi > /dev/null 2>&1 ||
  fail "allot-chart"
pdftotext charts/roi.pdf chart.txt || fail "pdftotext"
expect "chart takeaway" "$(sed -n 2p chart.txt)" \
  "All 2 campaigns with spend paid back; Brand Search returned the most (ROI 400 % on USD 100)"
expect "chart labels" "$(grep -c -x -e '(direct)' -e 'Brand Search' chart.txt)" 2

# Channels and the campaigns table: the same rule.
load channels.csv 2> err; expect "channels exit" "$?" 1
expect "channel rejects" "$(rejects channels.csv.rejects.csv)" \
"2|5|channel|(unattributed)|$(reason '(unattributed)' "$unattr_holds" channel)
3|5|channel|(all)|$(reason '(all)' "$all_holds" channel)"
load campaigns.csv 2> err; expect "campaigns exit" "$?" 1
expect "campaign rejects" "$(rejects campaigns.csv.rejects.csv)" \
"2|1|campaign_id|(none)|$(reason '(none)' "$none_holds" campaign_id)
3|4|channel|(none)|$(reason '(none)' "$none_holds" channel)"

# A dialect's rows too (web sessions: the reject names the export's
# column). GA's placeholders in utm fields stay as they are: '(none)' and
# '(direct)' are text, '(not set)' is empty; s2's channel '(none)' is not.
db=$scratch/web.db
load --max-rejects 1 sessions.csv 2> err; expect "sessions exit" "$?" 0
expect "session rejects" "$(rejects sessions.csv.rejects.csv)" \
  "3|7|channel|(none)|$(reason '(none)' "$none_holds" channel)"
expect "sessions" "$(q "SELECT touch_id, utm_source, utm_medium, quote(utm_campaign), quote(channel)
  FROM touches ORDER BY touch_id")" \
"s1|google|cpc|'(none)'|'Paid Search'
s3|(direct)|(none)|'(direct)'|NULL"
db=$scratch/allot.db

# A taxonomy rule naming a reserved channel: a configuration error (exit 2)
# at its line.
printf '[general]\nlookback_days = 90\n\n[taxonomy]\nrule = source~google, medium~cpc -> (unattributed)\n' > tax.ini
credit --config tax.ini; expect "rule exit" "$?" 2
expect "rule message" "$(cat credit.err)" \
  "allot-credit: error: tax.ini:5: [taxonomy] rule 'source~google, medium~cpc -> (unattributed)': '(unattributed)' is the group allot reports for $unattr_holds, and its touches would be counted in it; name the channel otherwise"

# A database loaded by an older allot-load: allot-credit refuses it (exit 1).
q "UPDATE touches SET campaign_id = '(none)' WHERE touch_id = 't5'"
credit; expect "old campaign exit" "$?" 1
expect "old campaign" "$(cat credit.err)" \
  "allot-credit: error: a touch or campaign has the campaign id '(none)', the group allot reports for $none_holds, and would be counted in it (loaded by an older allot-load, which did not reject it): rename the value in the export and load it again"
q "UPDATE touches SET campaign_id = 'none', channel = '(unattributed)' WHERE touch_id = 't5'"
credit; expect "old channel exit" "$?" 1
expect "old channel" "$(cat credit.err)" \
  "allot-credit: error: a touch or campaign has the channel '(unattributed)', the group allot reports for $unattr_holds, and would be counted in it (loaded by an older allot-load, which did not reject it): rename the value in the export and load it again"
expect "runs" "$(q "SELECT count(*) FROM runs WHERE tool = 'allot-credit' AND status = 'ok'")" 3

exit $fail
