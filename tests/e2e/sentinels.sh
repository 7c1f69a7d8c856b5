#!/usr/bin/env bash
# The reports' group labels "(none)" (no campaign, channel or source),
# "(unattributed)" (won deals with no touch in the window) and "(all)" are
# reserved (lib/labels.h): a campaign id or channel that reads like one
# would be counted in that group. allot-load rejects such values with file,
# line, column and what to do; a [taxonomy] rule may not name such a
# channel; allot-credit refuses a database that holds one (an older load).
# People's original_source and deals' lead_source (the source groups) are
# rejected alike, and allot-funnel and allot-retention, which read touches,
# people and deals themselves, refuse an older database holding a reserved
# value in any of them (one shared check, allot_label_check_store).
# allot-retention and allot-clv --by campaign group by campaign id (figures
# below, at ret_*.csv), not by name.
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
  local a=a; [[ $3 == [aeiou]* ]] && a=an
  echo "'$1' is the group allot reports for $2: $a $3 so named would be counted in it; rename the value in the export (leave it empty when there is none)"
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

# Sources: people.original_source and deals.lead_source are groups of
# allot-funnel --by source and allot-retention --by source/channel (no
# source is '(none)', the total '(all)'): the same rule. GA's '(organic)' is
# a source like any other.
load people_sources.csv 2> err; expect "people sources exit" "$?" 1
expect "people source rejects" "$(rejects people_sources.csv.rejects.csv)" \
"2|5|original_source|(none)|$(reason '(none)' "$none_holds" original_source)
3|5|original_source|(all)|$(reason '(all)' "$all_holds" original_source)"
# A dialect's rows too: a HubSpot contacts export's "Original Source" (the
# reject names the export's column; the reason the table's).
db=$scratch/hubspot.db
load --max-rejects 1 hubspot_contacts.csv 2> err; expect "hubspot exit" "$?" 0
expect "hubspot rejects" "$(rejects hubspot_contacts.csv.rejects.csv)" \
  "2|5|Original Source|(none)|$(reason '(none)' "$none_holds" original_source)"
expect "hubspot people" "$(q "SELECT person_id || '=' || original_source FROM people")" \
  "102=Organic Search"
db=$scratch/allot.db
load deals_sources.csv 2> err; expect "deal sources exit" "$?" 1
expect "deal source rejects" "$(rejects deals_sources.csv.rejects.csv)" \
  "2|11|lead_source|(unattributed)|$(reason '(unattributed)' "$unattr_holds" lead_source)"
load --max-rejects 2 people_sources.csv 2> err || fail "people sources budget: $(cat err)"
expect "sources loaded" "$(q "SELECT person_id || '=' || quote(original_source) FROM people
  WHERE person_id >= 'p6' ORDER BY person_id")" "p8='(organic)'"
# allot-funnel --by source: p1..p5 have no source, '(none)' 5 leads; p8
# '(organic)' 1; '(all)' 6. Before (allot-funnel of 05:40 today, with
# p6 '(none)' and p7 '(all)' loaded as text and p8 without a source): (all)
# 9 leads of 8 people (p7 merged into the total row, counted twice) and
# (none) 7 (p6 among the people without a source).
expect "funnel by source" "$("$bin/allot-funnel" --db "$db" --by source --period all --csv \
  2> /dev/null | awk -F, '$3 == "lead"' | cut -d, -f1-4)" "all,(all),lead,6
all,(none),lead,5
all,(organic),lead,1"

# allot-retention --by campaign groups by campaign id, as allot-roi and
# allot-restate do, and names each group (the last column, 'name': the
# workbook's campaign sheet also shows the name beside the id).
# ret_*.csv: accounts b1..b6 (person q1..q6), one subscription each from
# 2026-01-01 at USD 100; as of 2026-07-01 (the latest date); first touches:
#   b1 w1 'Webinar', ends 2026-03-02:  60 days = 1.971252567 months, churned
#   b2 w2 'Webinar', ends 2026-02-01:  31 days = 1.018480493, churned
#   b3 w2 'Webinar', open: censored at 2026-07-02, 182 days = 5.979466119
#   b4 c_nonename named '(none)', ends 2026-04-01: 90 days = 2.956878850
#   b5 c_allname named '(all)', ends 2026-05-01: 120 days = 3.942505133
#   b6 no touch ('(none)'), ends 2026-07-01: 181 days = 5.946611910
#   (months of 30.4375 days). One churned account: RMST(12) = its tenure.
#   w2: S = 1/2 after 1.018480493, RMST = 1.018480493 + (12 - 1.018480493)/2
#   = 6.509240246. R (survival 3.x):
#     t <- c(60,31,182,90,120,181)/30.4375; e <- c(1,1,0,1,1,1)
#     g <- c("w1","w2","w2","c_nonename","c_allname","(none)")
#     print(survfit(Surv(t,e)~g, conf.type="log-log"), rmean=12, digits=10)
#       (none) 1 1 rmean 5.946611910, c_allname 1 1 3.942505133,
#       c_nonename 1 1 2.956878850, w1 1 1 1.971252567,
#       w2 2 1 6.509240246 se 3.882553456
#     print(survfit(Surv(t,e)~1, conf.type="log-log"), rmean=12, digits=10)
#       6 5 rmean 4.639288159 se 1.485427772
#     survdiff(Surv(t,e)~g): expected 1.450 0.950 0.617 0.367 1.617
# Before (grouped by name): '(all)' 1 customer (b5, a second '(all)' row
# above the total), '(none)' 2 customers (b4 + b6, RMST 4.45174538),
# 'Webinar' 3 customers, 2 churned (b1 + b2 + b3, RMST 4.996577687).
db=$scratch/ret.db
for f in ret_campaigns ret_people ret_touches ret_subscriptions; do
  load "$f.csv" 2> err || fail "$f.csv: $(cat err)"
done
load "$tests/cases/restate/fx_rates.csv" 2> err || fail "ret fx: $(cat err)"
retention() { "$bin/allot-retention" --db "$db" --by campaign "$@"; }
retention --csv --table summary > ret_summary.csv 2> err || fail "retention: $(cat err)"
expect "retention by campaign" "$(cut -d, -f1-3,7,8,11 ret_summary.csv)" \
"group,customers,churned,rmst,rmst_se,name
(none),1,1,5.94661191,0,
c_allname,1,1,3.942505133,0,(all)
c_nonename,1,1,2.95687885,0,(none)
w1,1,1,1.971252567,0,Webinar
w2,2,1,6.509240246,3.882553456,Webinar
(all),6,5,4.639288159,1.485427772,"
expect "retention groups" "$(grep -o 'in [0-9]* campaign groups' err)" "in 5 campaign groups"
expect "logrank by campaign" "$(retention --csv --table logrank 2> /dev/null |
  awk -F, '{ print $1 "," $2 "," $3 "," ($4 == "expected" ? $4 : sprintf("%.3f", $4)) "," $8 }')" \
"group,customers,observed,expected,name
(none),1,1,1.450,
c_allname,1,1,0.950,(all)
c_nonename,1,1,0.617,(none)
w1,1,1,0.367,Webinar
w2,2,1,1.617,Webinar"
retention > ret_report.txt 2> /dev/null || fail "retention text"
expect "retention text names" "$(sed -n '/^Campaign names:/,/^$/p' ret_report.txt)" \
"Campaign names:
  c_allname                (all)
  c_nonename               (none)
  w1                       Webinar
  w2                       Webinar"
expect "km names" "$(retention --csv 2> /dev/null | cut -d, -f1,14 | sort -u | tr '\n' ' ')" \
  "(all), (none), c_allname,(all) c_nonename,(none) group,name w1,Webinar w2,Webinar "

# allot-clv --by campaign groups the same customers by campaign id too, the
# name in the last column 'name' of its groups and customers tables and a
# "Campaign names" list under the readable table. Hand-computed from the
# tenures above: customers per group (none) 1 (b6), c_allname 1 (b5),
# c_nonename 1 (b4), w1 1 (b1), w2 2 (b2, b3), (all) 6; active on
# 2026-07-01 only b3 (open); churned all but b3; exposure = the tenures,
# w2 1.018480493 + 5.979466119 = 6.997946612 months, (all) 21.81519507;
# churn rate = churned / exposure: w2 1/6.997946612 = 0.142899061,
# (none) 1/5.94661191 = 0.1681629834, (all) 5/21.81519507 = 0.2291980422;
# ARPA 100.00 (every payment is USD 100).
# Before (by name): 4 groups, 'Webinar' 3 customers (b1 + b2 + b3), 1
# active, 2 churned, exposure 8.969199179, churn 0.222985348; '(none)' 2
# (b4 + b6), '(all)' 1 (b5) printed above the total '(all)' 6.
clv() { "$bin/allot-clv" --db "$db" --by campaign "$@"; }
clv --csv --table groups > clv_groups.csv 2> err || fail "clv: $(cat err)"
expect "clv by campaign" "$(cut -d, -f1-7,20 clv_groups.csv)" \
"group,customers,active,churned,exposure_months,churn_rate,arpa,name
(none),1,0,1,5.94661191,0.1681629834,100.00,
c_allname,1,0,1,3.942505133,0.2536458333,100.00,(all)
c_nonename,1,0,1,2.95687885,0.3381944444,100.00,(none)
w1,1,0,1,1.971252567,0.5072916667,100.00,Webinar
w2,2,1,1,6.997946612,0.142899061,100.00,Webinar
(all),6,1,5,21.81519507,0.2291980422,100.00,"
expect "clv groups" "$(grep -o 'in [0-9]* campaign groups' err)" "in 5 campaign groups"
expect "clv customers by campaign" "$(clv --csv --table customers 2> /dev/null | cut -d, -f1,2,12)" \
"account_id,group,name
b1,w1,Webinar
b2,w2,Webinar
b3,w2,Webinar
b4,c_nonename,(none)
b5,c_allname,(all)
b6,(none),"
clv > clv_report.txt 2> /dev/null || fail "clv text"
expect "clv text names" "$(sed -n '/^Campaign names:/,/^$/p' clv_report.txt)" \
"Campaign names:
  c_allname                (all)
  c_nonename               (none)
  w1                       Webinar
  w2                       Webinar"
db=$scratch/allot.db

# A database loaded by an older allot-load: allot-credit refuses it (exit 1).
q "UPDATE touches SET campaign_id = '(none)' WHERE touch_id = 't5'"
credit; expect "old campaign exit" "$?" 1
expect "old campaign" "$(cat credit.err)" \
  "allot-credit: error: a touch or campaign has the campaign id '(none)', the group allot reports for $none_holds, and would be counted in it (loaded by an older allot-load, which did not reject it): rename the value in the export and load it again"
q "UPDATE touches SET campaign_id = 'none', channel = '(unattributed)' WHERE touch_id = 't5'"
credit; expect "old channel exit" "$?" 1
expect "old channel" "$(cat credit.err)" \
  "allot-credit: error: a touch or campaign has the channel '(unattributed)', the group allot reports for $unattr_holds, and would be counted in it (loaded by an older allot-load, which did not reject it): rename the value in the export and load it again"
# allot-funnel and allot-retention read touches themselves: the same
# refusal (shared, lib/labels.h allot_label_check_store), exit 1.
old_channel="a touch or campaign has the channel '(unattributed)', the group allot reports for $unattr_holds, and would be counted in it (loaded by an older allot-load, which did not reject it): rename the value in the export and load it again"
funnel() { "$bin/allot-funnel" --db "$db" --by source --csv > /dev/null 2> funnel.err; }
retention() { "$bin/allot-retention" --db "$db" --by source --csv > /dev/null 2> retention.err; }
funnel; expect "funnel old channel exit" "$?" 1
expect "funnel old channel" "$(cat funnel.err)" "allot-funnel: error: $old_channel"
retention; expect "retention old channel exit" "$?" 1
expect "retention old channel" "$(cat retention.err)" "allot-retention: error: $old_channel"
# Sources: a person's original source, a deal's lead source or campaign,
# named with the row. allot-credit does not read them.
q "UPDATE touches SET channel = 'Email' WHERE touch_id = 't5'"
q "UPDATE people SET original_source = '(all)' WHERE person_id IN ('p3', 'p2')"
funnel; expect "funnel old source exit" "$?" 1
expect "funnel old source" "$(cat funnel.err)" \
  "allot-funnel: error: the person 'p2' has the original source '(all)', the group allot reports for $all_holds, and would be counted in it (loaded by an older allot-load, which did not reject it): rename the value in the export and load it again"
retention; expect "retention old source exit" "$?" 1
expect "retention old source" "$(cat retention.err)" \
  "allot-retention: error: the person 'p2' has the original source '(all)', the group allot reports for $all_holds, and would be counted in it (loaded by an older allot-load, which did not reject it): rename the value in the export and load it again"
q "UPDATE people SET original_source = NULL"
q "UPDATE deals SET lead_source = '(none)' WHERE deal_id = 'd4'"
funnel; expect "funnel old lead source exit" "$?" 1
expect "funnel old lead source" "$(cat funnel.err)" \
  "allot-funnel: error: the deal 'd4' has the lead source '(none)', the group allot reports for $none_holds, and would be counted in it (loaded by an older allot-load, which did not reject it): rename the value in the export and load it again"
retention; expect "retention old lead source exit" "$?" 1
q "UPDATE deals SET lead_source = NULL, campaign_id = '(unattributed)' WHERE deal_id = 'd4'"
funnel; expect "funnel old deal campaign exit" "$?" 1
expect "funnel old deal campaign" "$(cat funnel.err)" \
  "allot-funnel: error: the deal 'd4' has the campaign id '(unattributed)', the group allot reports for $unattr_holds, and would be counted in it (loaded by an older allot-load, which did not reject it): rename the value in the export and load it again"
credit || fail "credit with a deal's reserved campaign: $(cat credit.err)"
q "UPDATE deals SET campaign_id = NULL WHERE deal_id = 'd4'"
funnel || fail "funnel after the renaming: $(cat funnel.err)"
expect "runs" "$(q "SELECT count(*) FROM runs WHERE tool = 'allot-credit' AND status = 'ok'")" 4

exit $fail
