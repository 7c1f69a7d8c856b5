#!/usr/bin/env bash
# allot-load on real-export dialects (tests/cases/dialects/): each fixture is
# recognised from its header (no --dialect), the summary names the dialect,
# and the exact canonical rows, rejects and dropped totals are read back with
# sqlite3. Epoch seconds are from `date -u -d <instant> +%s` (quoted next to
# each); Salesforce 18-character ids from the checksum rule of
# data-model.md (reference: tests/unit/test_dialect.c, python in the comment
# there).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$(cd "$1" && pwd) tests=$(cd "$2" && pwd) scratch=$3
rm -rf "$scratch" && mkdir -p "$scratch"
cases=$tests/cases/dialects
cd "$scratch"
cp -r "$cases"/* .
db=$scratch/a.db

# ---- google-ads: the UI download as Google writes it: UTF-16LE with a BOM,
# tab-separated, two title lines, 'Total: …' rows, '--' for no value.
{ printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE google-ads-ui.tsv; } > google-ads-ui.csv
# One row has '--' as its cost: a spend row needs a cost, so it is rejected
# and by default nothing is committed.
load google-ads-ui.csv 2> err; expect "gads exit" "$?" 1
expect "gads nothing" "$(q 'SELECT count(*) FROM spend')" 0
load --max-rejects 1 google-ads-ui.csv 2> err; expect "gads exit 2" "$?" 0
expect "gads summary" "$(grep -c '^allot-load: google-ads-ui.csv: 5 read, 3 loaded, 1 updated, 0 unchanged, 1 rejected, 2 dropped as totals, 0 warnings (dialect google-ads: UI download -> spend; 2 campaigns created)' err)" 1
# 2026-11-01 Brand Search is two segment rows, summed: 12.50+2.25 cost,
# 1,000+100 impr., 40+4 clicks, 1.50+0.25 conversions, 300.00 + NULL value.
expect "gads rows" "$(q "SELECT group_concat(date||'|'||source_system||'|'||ad_account||'|'||campaign_id||'|'||campaign_name||'|'||cost_micros||'|'||currency||'|'||impressions||'|'||clicks||'|'||conversions||'|'||coalesce(conversion_value_micros,'NULL'), ';') FROM (SELECT * FROM spend ORDER BY campaign_id, date)")" \
  "2026-11-01|google_ads||1234567890|Brand Search|14750000|USD|1100|44|1.75|300000000;2026-11-02|google_ads||1234567890|Brand Search|10000000|USD|900|30|0.0|0;2026-11-02|google_ads||2345678901|Generic – Attribution|1204100000|USD|12034|310|7.33|1466000000"
expect "gads reject" "$(cat google-ads-ui.csv.rejects.csv)" \
  $'line,column,column_name,value,reason,raw\n8,5,Cost,--,required value is missing,2026-11-02\tGeneric – Attribution\t2345678901\tUSD\t--\t5\t0\t0.00\t--'
expect "gads campaigns" "$(q "SELECT group_concat(campaign_id||'|'||source_system||'|'||name||'|'||currency, ';') FROM (SELECT * FROM campaigns ORDER BY campaign_id)")" \
  "1234567890|google_ads|Brand Search|USD;2345678901|google_ads|Generic – Attribution|USD"
# Reloading changes no value and creates no campaign.
before=$(q "SELECT group_concat(date||campaign_id||cost_micros||impressions||clicks||conversions, ';') FROM spend")
load --max-rejects 1 google-ads-ui.csv 2> err; expect "gads reload exit" "$?" 0
expect "gads reload same" "$(q "SELECT group_concat(date||campaign_id||cost_micros||impressions||clicks||conversions, ';') FROM spend")" "$before"
expect "gads reload no campaigns" "$(grep -c 'campaigns created' err)" 0
expect "gads campaigns count" "$(q 'SELECT count(*) FROM campaigns')" 2

# google-ads API rows: cost_micros is micros already; three device rows of
# 2026-11-01 are summed (1250000+3333333+0 = 4583333 micros).
load google-ads-api.csv 2> err; expect "gads api exit" "$?" 0
expect "gads api summary" "$(grep -c '^allot-load: google-ads-api.csv: 4 read, .* 0 rejected, 0 dropped as totals, 0 warnings (dialect google-ads: API -> spend; 1 campaigns created)' err)" 1
expect "gads api rows" "$(q "SELECT group_concat(date||'|'||ad_account||'|'||campaign_id||'|'||cost_micros||'|'||currency||'|'||impressions||'|'||clicks||'|'||conversions||'|'||conversion_value_micros, ';') FROM (SELECT * FROM spend WHERE campaign_id = '555001' ORDER BY date)")" \
  "2026-11-01|1112223333|555001|4583333|EUR|323|18|1.75|135500000;2026-11-02|1112223333|555001|999999|EUR|80|5|0.0|0"

# ---- salesforce: Data Loader CSVs, 15- and 18-character ids.
db=$scratch/sf.db
cd salesforce
for f in DatedConversionRate Campaign Lead Contact CampaignMember Opportunity OpportunityHistory OpportunityContactRole; do
  load --max-rejects 1 "$f.csv" 2>> ../sf.err || echo "FAIL load $f" >&2
done
cd ..
for s in DatedConversionRate:fx_rates Campaign:campaigns Lead:people Contact:people CampaignMember:touches Opportunity:deals OpportunityHistory:stage_history OpportunityContactRole:deal_people; do
  expect "sf detected ${s%%:*}" "$(grep -c "^allot-load: ${s%%:*}.csv: .*(dialect salesforce: ${s%%:*} -> ${s##*:})" sf.err)" 1
done
# ConversionRate is units per corporate unit: rate = 1/0.8 = 1.25, 1/0.909090909 (python3: 1.10000000011)
expect "sf fx" "$(q "SELECT group_concat(currency||'|'||start_date||'|'||end_date||'|'||rate, ';') FROM fx_rates")" \
  "EUR|2026-01-01|2026-07-01|1.25;EUR|2026-07-01|9999-12-31|1.10000000011"
expect "sf campaigns" "$(q "SELECT group_concat(campaign_id||'|'||source_system||'|'||name||'|'||coalesce(parent_id,'')||'|'||type||'|'||start_date||'|'||coalesce(end_date,'')||'|'||coalesce(budgeted_cost_micros,'NULL')||'|'||coalesce(actual_cost_micros,'NULL')||'|'||currency, ';') FROM (SELECT * FROM campaigns ORDER BY campaign_id)")" \
  "7013000000AbCdeAAF|salesforce|Q4 Webinar: Pipeline Math||Webinar|2026-10-01|2026-10-31|5000000000|4250500000|USD;7013000000AbCdfIAF|salesforce|Brand Search|7013000000AbCdeAAF|Advertisement|2026-10-01||NULL|NULL|USD"
# Ana: lead 00Q3000000AbCd1 converted into contact 0033000000XyZ01 -> one
# person keyed by the lead id; the contact row (same id, same e-mail in
# another case) keeps the lead's created_at (2026-10-02T09:15:00Z ->
# 1790932500; converted 2026-10-20 -> 1792454400). Cy's e-mail is not one:
# rejected. Dee exists only as a contact (2026-10-21T11:30:00Z -> 1792582200).
expect "sf people" "$(q "SELECT group_concat(person_id||'|'||source_system||'|'||coalesce(lead_id,'')||'|'||coalesce(contact_id,'')||'|'||email||'|'||coalesce(account_id,'')||'|'||created_at||'|'||coalesce(converted_at,'')||'|'||coalesce(original_source,''), ';') FROM (SELECT * FROM people ORDER BY person_id)")" \
  "0033000000XyZ02AAF|salesforce||0033000000XyZ02AAF|dee@example.com|0013000000Acc01AAB|1792582200||;00Q3000000AbCd1EAF|salesforce|00Q3000000AbCd1EAF|0033000000XyZ01AAF|ana.ruiz@example.com|0013000000Acc01AAB|1790932500|1792454400|Webinar;00Q3000000AbCd2EAF|salesforce|00Q3000000AbCd2EAF||bo@example.org||1791218412||Paid Search"
expect "sf lead reject" "$(tail -n +2 salesforce/Lead.csv.rejects.csv | cut -d, -f1-5)" "4,4,Email,not-an-email,not an e-mail address"
# Members: responded -> first responded date (2026-10-03 -> 1790985600;
# 2026-10-22 -> 1792627200), else created (2026-10-05T17:00:00Z -> 1791219600).
expect "sf touches" "$(q "SELECT group_concat(touch_id||'|'||source_system||'|'||person_id||'|'||occurred_at||'|'||touch_type||'|'||campaign_id, ';') FROM (SELECT * FROM touches ORDER BY touch_id)")" \
  "00v3000000Mem01AAB|salesforce|00Q3000000AbCd1EAF|1790985600|campaign_member|7013000000AbCdeAAF;00v3000000Mem02AAB|salesforce|00Q3000000AbCd2EAF|1791219600|campaign_member|7013000000AbCdeAAF;00v3000000Mem03AAB|salesforce|0033000000XyZ02AAF|1792627200|campaign_member|7013000000AbCdfIAF"
# 006q000000Hddoh -> 006q000000HddohAAB (data-model.md); created
# 2026-10-20T10:05:00Z -> 1792490700, 2026-11-02T09:00:00Z -> 1793610000;
# a blank Amount stays NULL.
expect "sf deals" "$(q "SELECT group_concat(deal_id||'|'||source_system||'|'||account_id||'|'||name||'|'||coalesce(amount_micros,'NULL')||'|'||currency||'|'||stage||'|'||is_closed||'|'||is_won||'|'||created_at||'|'||close_date||'|'||coalesce(lead_source,'')||'|'||coalesce(campaign_id,'')||'|'||coalesce(deal_type,''), ';') FROM (SELECT * FROM deals ORDER BY deal_id)")" \
  "006q000000HddohAAB|salesforce|0013000000Acc01AAB|Acme - Platform|48000000000|EUR|Closed Won|1|1|1792490700|2026-11-28|Webinar|7013000000AbCdeAAF|New Business;006q000000Hddp1AAB|salesforce|0013000000Acc01AAB|Acme - Add-on|NULL|USD|Prospecting|0|0|1793610000|2026-12-15|||"
# 2026-11-28T15:00:00Z -> 1795878000
expect "sf history" "$(q "SELECT group_concat(entity_type||'|'||entity_id||'|'||stage||'|'||entered_at, ';') FROM (SELECT * FROM stage_history ORDER BY entered_at)")" \
  "deal|006q000000HddohAAB|Prospecting|1792490700;deal|006q000000HddohAAB|Closed Won|1795878000"
# Contact roles: contact XyZ01 is Ana's person (keyed by her lead id).
expect "sf roles" "$(q "SELECT group_concat(deal_id||'|'||person_id||'|'||role||'|'||is_primary, ';') FROM (SELECT * FROM deal_people ORDER BY person_id)")" \
  "006q000000HddohAAB|0033000000XyZ02AAF|Evaluator|0;006q000000HddohAAB|00Q3000000AbCd1EAF|Decision Maker|1"
# A single-currency org exports no CurrencyIsoCode: refused (exit 1, saying
# what to do), then loaded with --default-currency USD into its own database.
python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
i = rows[0].index("CurrencyIsoCode")
w = csv.writer(open("Opportunity-1ccy.csv", "w", newline=""), quoting=csv.QUOTE_ALL, lineterminator="\n")
for row in rows:
    w.writerow(row[:i] + row[i + 1:])' salesforce/Opportunity.csv
"$bin/allot-load" --db one-ccy.db Opportunity-1ccy.csv 2> 1ccy.err; expect "sf no currency exit" "$?" 1
expect "sf no currency message" "$(grep -c "^allot-load: error: Opportunity-1ccy.csv:1: the header has amounts but no 'currency' column; add one, or give --default-currency CODE" 1ccy.err)" 1
"$bin/allot-load" --db one-ccy.db --default-currency USD Opportunity-1ccy.csv 2> 1ccy.err; expect "sf default currency exit" "$?" 0
expect "sf default currency rows" "$(sqlite3 one-ccy.db "SELECT group_concat(deal_id||'|'||coalesce(amount_micros,'NULL')||'|'||currency, ';') FROM (SELECT * FROM deals ORDER BY deal_id)")" \
  "006q000000HddohAAB|48000000000|USD;006q000000Hddp1AAB|NULL|USD"
# Reloading every file: nothing new.
n_before=$(q "SELECT (SELECT count(*) FROM people)||(SELECT count(*) FROM touches)||(SELECT count(*) FROM deals)||(SELECT count(*) FROM deal_people)")
(cd salesforce && for f in Lead Contact CampaignMember OpportunityContactRole; do load --max-rejects 1 "$f.csv" 2>> ../sf2.err; done)
expect "sf reload unchanged" "$(grep -c ' 0 loaded, 0 updated, ' sf2.err)" 4
expect "sf reload counts" "$(q "SELECT (SELECT count(*) FROM people)||(SELECT count(*) FROM touches)||(SELECT count(*) FROM deals)||(SELECT count(*) FROM deal_people)")" "$n_before"

# ---- meta-ads: currency from the 'Amount spent (XXX)' header; English,
# Spanish (';' and decimal commas: 1.234,56 -> 1234.56, 12.034 -> 12034),
# German, French (Début/Fin des rapports), Portuguese. Blank link clicks and
# results stay NULL; 2.5 results stay fractional.
db=$scratch/ads.db
for f in meta-ads-en meta-ads-es meta-ads-de meta-ads-fr meta-ads-pt; do
  load "$f.csv" 2> err; expect "$f exit" "$?" 0
  expect "$f detected" "$(grep -c "^allot-load: $f.csv: .* 0 rejected, 0 dropped as totals, 0 warnings (dialect meta-ads: Ads Manager export -> spend" err)" 1
done
expect "meta rows" "$(q "SELECT group_concat(date||'|'||campaign_id||'|'||campaign_name||'|'||cost_micros||'|'||currency||'|'||impressions||'|'||coalesce(clicks,'NULL')||'|'||coalesce(conversions,'NULL'), ';') FROM (SELECT * FROM spend WHERE source_system = 'meta_ads' ORDER BY campaign_id, date)")" \
  "2026-11-01|120210000000001|Retargeting – Q4|45670000|USD|12034|210|3.0;2026-11-02|120210000000001|Retargeting – Q4|50100000|USD|11870|198|2.5;2026-11-01|120210000000002|Prospecting Lookalike|0|USD|500|NULL|NULL;2026-11-01|120210000000010|Retargeting ES|1234560000|EUR|12034|210|3.0;2026-11-02|120210000000010|Retargeting ES|99900000|EUR|1001|20|0.5;2026-11-01|120210000000020|Retargeting DE|12500000|EUR|800|9|1.0;2026-11-01|120210000000030|Retargeting FR|7250000|EUR|300|4|NULL;2026-11-01|120210000000040|Retargeting BR|150000000|BRL|2500|31|2.0"

# A Meta export without the Day breakdown: a row covering 2026-11-01 to
# 2026-11-30 is booked on its first day, with one warning for the file
# (the second such row adds none). Its own database.
db=$scratch/meta-month.db
printf 'Reporting starts,Reporting ends,Campaign name,Campaign ID,Amount spent (USD)\n2026-11-01,2026-11-30,Month A,120210000000050,300.00\n2026-11-01,2026-11-30,Month B,120210000000051,30.00\n' > meta-month.csv
load meta-month.csv 2> err; expect "meta month exit" "$?" 0
expect "meta month warning" "$(grep -c "^allot-load: warning: meta-month.csv:2:2: this row's spend covers 2026-11-01 to 2026-11-30, not one day: it is booked on 2026-11-01, as every such row of this file is on its first day; export with the Day breakdown to book spend on the days it was spent" err)" 1
expect "meta month summary" "$(grep -c "^allot-load: meta-month.csv: 2 read, 2 loaded, .* 1 warnings" err)" 1
expect "meta month rows" "$(q "SELECT group_concat(date||'|'||campaign_id||'|'||cost_micros, ';') FROM (SELECT * FROM spend WHERE campaign_id LIKE '12021000000005_' ORDER BY campaign_id)")" \
  "2026-11-01|120210000000050|300000000;2026-11-01|120210000000051|30000000"
db=$scratch/ads.db

# ---- linkedin-ads: six title lines, M/D/YYYY dates (11/1/2026 is read
# month first without a warning: the dialect's order), "1,250.40".
# 'Retargeting – Q4' has the name of a Meta campaign: names join only
# campaigns that are not another ad platform's, so it keeps its own id.
load linkedin-ads.csv 2> err; expect "linkedin exit" "$?" 0
expect "linkedin detected" "$(grep -c '^allot-load: linkedin-ads.csv: 3 read, 3 loaded, 0 updated, 0 unchanged, 0 rejected, 0 dropped as totals, 0 warnings (dialect linkedin-ads: Campaign Manager export -> spend; 2 campaigns created)' err)" 1
expect "linkedin rows" "$(q "SELECT group_concat(date||'|'||campaign_id||'|'||campaign_name||'|'||cost_micros||'|'||currency||'|'||impressions||'|'||clicks||'|'||conversions, ';') FROM (SELECT * FROM spend WHERE source_system = 'linkedin_ads' ORDER BY campaign_id, date)")" \
  "2026-11-01|187654321|ABM – Decision Makers|1250400000|USD|52012|311|4.0;2026-11-02|187654321|ABM – Decision Makers|980000000|USD|40110|250|2.0;2026-11-02|187654322|Retargeting – Q4|12000000|USD|9000|15|0.0"

# ---- microsoft-ads: the 'Report Name:' block, ids in [ ], the Total row and
# the '©2026 Microsoft Corporation' footer as mojibake (Â©) dropped (2). Two
# segment rows of Bing Brand on 11/1/2026 summed (33.10+1.90, 1,020+80).
# Bing Brand joins the CRM campaign of the same name (canonical campaigns.csv
# loaded first); Bing Generic is created; '--' revenue stays NULL.
printf 'campaign_id,source_system,name\ncmp-bing-brand,salesforce,Bing Brand\n' > crm-campaigns.csv
load crm-campaigns.csv 2> err; expect "crm campaigns exit" "$?" 0
load microsoft-ads.csv 2> err; expect "msads exit" "$?" 0
expect "msads detected" "$(grep -c '^allot-load: microsoft-ads.csv: 3 read, 2 loaded, 1 updated, 0 unchanged, 0 rejected, 2 dropped as totals, 0 warnings (dialect microsoft-ads: report -> spend; 1 campaigns created)' err)" 1
expect "msads rows" "$(q "SELECT group_concat(date||'|'||ad_account||'|'||campaign_id||'|'||campaign_name||'|'||cost_micros||'|'||currency||'|'||impressions||'|'||clicks||'|'||conversions||'|'||coalesce(conversion_value_micros,'NULL'), ';') FROM (SELECT * FROM spend WHERE source_system = 'microsoft_ads' ORDER BY date)")" \
  "2026-11-01|F1234ABC|cmp-bing-brand|Bing Brand|35000000|USD|1100|54|2.0|120000000;2026-11-02|F1234ABC|410002|Bing Generic|88000000|USD|2200|70|1.5|NULL"
# The same report saved in Windows-1252 with a real '©' (byte A9): read as
# cp1252 with one warning (line 16 is the footer '"<A9>...': field 1), the
# footer still dropped, the same rows.
sed 's/\xc3\x82\xc2\xa9/\xc2\xa9/' microsoft-ads.csv | iconv -f UTF-8 -t CP1252 > ms-1252.csv
db=$scratch/ms1252.db
load ms-1252.csv 2> err; expect "msads 1252 exit" "$?" 0
expect "msads 1252 summary" "$(grep -c '^allot-load: ms-1252.csv: 3 read, 2 loaded, 1 updated, 0 unchanged, 0 rejected, 2 dropped as totals, 1 warnings (dialect microsoft-ads: report -> spend; 2 campaigns created)' err)" 1
expect "msads 1252 warning" "$(grep -c '^allot-load: warning: ms-1252.csv:16:1: the file is not valid UTF-8 (first bad byte in this field)' err)" 1
expect "msads 1252 rows" "$(q "SELECT group_concat(date||'|'||campaign_id||'|'||cost_micros, ';') FROM (SELECT * FROM spend ORDER BY date)")" \
  "2026-11-01|410001|35000000;2026-11-02|410002|88000000"
db=$scratch/ads.db
# Two CRM campaigns with one name: ambiguous, reported, the platform id kept.
printf 'campaign_id,source_system,name\ncmp-a,salesforce,Dup Name\ncmp-b,salesforce,Dup Name\n' > dup-campaigns.csv
load dup-campaigns.csv 2> /dev/null
printf 'Day,Campaign,Campaign ID,Currency code,Cost\n2026-11-03,Dup Name,777,USD,1.00\n' > gads-dup.csv
load gads-dup.csv 2> err; expect "ambiguous exit" "$?" 0
expect "ambiguous warning" "$(grep -c "^allot-load: warning: gads-dup.csv:2:2: campaign name 'Dup Name' matches 2 campaigns; the spend keeps its own campaign id '777'" err)" 1
expect "ambiguous row" "$(q "SELECT campaign_id FROM spend WHERE date = '2026-11-03'")" "777"
expect "campaigns by source" "$(q "SELECT group_concat(source_system||':'||n, ' ') FROM (SELECT source_system, count(*) n FROM campaigns GROUP BY 1 ORDER BY 1)")" \
  "google_ads:1 linkedin_ads:2 meta_ads:6 microsoft_ads:1 salesforce:3"

# ---- paths: ';' but decimal points; channels trimmed and joined by ' > ';
# an empty channel is rejected.
db=$scratch/paths.db
load --max-rejects 1 paths.csv 2> err; expect "paths exit" "$?" 0
expect "paths detected" "$(grep -c '^allot-load: paths.csv: 3 read, 2 loaded, 0 updated, 0 unchanged, 1 rejected, 0 dropped as totals, 0 warnings (dialect paths: path file -> paths)' err)" 1
expect "paths rows" "$(q "SELECT group_concat(path||'|'||conversions||'|'||value||'|'||nulls, ';') FROM (SELECT * FROM paths ORDER BY path)")" \
  "Email|3.5|700.0|20.0;Paid Search > Email > Direct|12.0|3400.5|80.0"
expect "paths reject" "$(tail -n +2 paths.csv.rejects.csv)" "4,1,path,Display > ,not a path of channel names 'a > b > c',Display > ;1;10;0"

# ---- salesforce-report: display labels, sort arrow in 'Stage ↑', grouped
# Stage/Account ID/Lead Source filled down, 15-char ids, `""` lines, the
# Grand Totals / confidentiality / copyright footer (3 dropped), closed/won
# from the stage. Created 10/20/2026 -> 1792454400, 11/15/2026 ->
# 1794700800, 11/02/2026 -> 1793577600.
db=$scratch/report.db
load sf-opportunity-report.csv 2> err; expect "sfr exit" "$?" 0
expect "sfr detected" "$(grep -c '^allot-load: sf-opportunity-report.csv: 3 read, 3 loaded, 0 updated, 0 unchanged, 0 rejected, 3 dropped as totals, 0 warnings (dialect salesforce-report: Opportunity report -> deals)' err)" 1
expect "sfr rows" "$(q "SELECT group_concat(deal_id||'|'||account_id||'|'||name||'|'||coalesce(amount_micros,'NULL')||'|'||currency||'|'||stage||'|'||is_closed||'|'||is_won||'|'||created_at||'|'||close_date||'|'||lead_source||'|'||deal_type, ';') FROM (SELECT * FROM deals ORDER BY deal_id)")" \
  "006q000000HddohAAB|0013000000Acc01AAB|Acme - Platform|48000000000|EUR|Closed Won|1|1|1792454400|2026-11-28|Webinar|New Business;006q000000Hddq2AAB|0013000000Acc01AAB|Acme - Renewal|12000000000|EUR|Closed Won|1|1|1794700800|2026-12-31|Webinar|Existing Business;006q000000Hddr3AAB|0013000000Acc02AAB|Globex - Pilot|NULL|USD|Prospecting|0|0|1793577600|2026-12-01|Web|New Business"
# Campaign member report: Campaign ID filled down; touch ids from campaign
# and person; responded -> 10/3/2026 (1790985600), else the member's first
# association 10/5/2026 (1791158400). 10/3/2026 alone cannot tell day from
# month: one warning.
load sf-member-report.csv 2> err; expect "sfm exit" "$?" 0
expect "sfm detected" "$(grep -c '^allot-load: sf-member-report.csv: 2 read, 2 loaded, 0 updated, 0 unchanged, 0 rejected, 2 dropped as totals, 1 warnings (dialect salesforce-report: Campaign member report -> touches)' err)" 1
expect "sfm rows" "$(q "SELECT group_concat(touch_id||'|'||person_id||'|'||occurred_at||'|'||touch_type||'|'||campaign_id, ';') FROM (SELECT * FROM touches ORDER BY touch_id)")" \
  "sfcm-7013000000AbCdeAAF-00Q3000000AbCd1EAF|00Q3000000AbCd1EAF|1790985600|campaign_member|7013000000AbCdeAAF;sfcm-7013000000AbCdeAAF-00Q3000000AbCd2EAF|00Q3000000AbCd2EAF|1791158400|campaign_member|7013000000AbCdeAAF"

# ---- hubspot + identity across sources (into the Salesforce database):
# contact 501 has Bo's e-mail (other case) -> Bo's person, which keeps its
# Salesforce key, gains contact id 501 and the earlier created_at
# (2026-10-01T08:00:00Z -> 1790841600). 'Became a … Date' -> lead
# 1790841600, mql (2026-10-03T12:00:00Z) 1791028800, sql
# (2026-10-08T09:30:00Z) 1791451800; Eve (2026-10-12T15:45:00Z ->
# 1791819900) is new.
db=$scratch/sf.db
# HubSpot writes times without an offset: read as UTC, said once for the
# file, naming the source column (tests/e2e/load_timezone.sh reads them in
# a zone).
load hubspot-contacts.csv 2> err; expect "hs contacts exit" "$?" 0
expect "hs contacts detected" "$(grep -c '^allot-load: hubspot-contacts.csv: 2 read, 5 loaded, 1 updated, 0 unchanged, 0 rejected, 0 dropped as totals, 1 warnings (dialect hubspot: Contacts -> people,stage_history)' err)" 1
expect "hs contacts no offset" "$(grep -c "^allot-load: warning: hubspot-contacts.csv:2:5: '2026-10-01 08:00' (column 'Create Date') has no UTC offset: it and every such time in this file are read as UTC (give --timezone with the export's time zone, e.g. --timezone Europe/Berlin, or --timezone UTC to confirm)" err)" 1
expect "hs people" "$(q "SELECT group_concat(person_id||'|'||source_system||'|'||coalesce(lead_id,'')||'|'||coalesce(contact_id,'')||'|'||email||'|'||created_at||'|'||original_source, ';') FROM (SELECT * FROM people WHERE email IN ('bo@example.org','eve@example.net') ORDER BY person_id)")" \
  "00Q3000000AbCd2EAF|salesforce|00Q3000000AbCd2EAF|501|bo@example.org|1790841600|Paid Search;502|hubspot||502|eve@example.net|1791819900|Organic Search"
expect "hs person stages" "$(q "SELECT group_concat(entity_id||'|'||stage||'|'||entered_at, ';') FROM (SELECT * FROM stage_history WHERE entity_type = 'person' ORDER BY entity_id, entered_at)")" \
  "00Q3000000AbCd2EAF|lead|1790841600;00Q3000000AbCd2EAF|mql|1791028800;00Q3000000AbCd2EAF|sql|1791451800;502|lead|1791819900"
# Deals: "24,000.00"; a blank Amount stays NULL; closed/won from the stage;
# 'Associated Contact IDs' 501;502 -> Bo's person and Eve; 'Date entered'
# columns -> deal stages (2026-10-10T14:00:00Z -> 1791640800,
# 2026-11-20T16:30:00Z -> 1795192200, 2026-11-01T09:00:00Z -> 1793523600).
load --timezone UTC hubspot-deals.csv 2> err; expect "hs deals exit" "$?" 0
expect "hs deals detected" "$(grep -c '^allot-load: hubspot-deals.csv: 2 read, 7 loaded, 0 updated, 0 unchanged, 0 rejected, 0 dropped as totals, 0 warnings (dialect hubspot: Deals -> deals,deal_people,stage_history)' err)" 1
expect "hs deals" "$(q "SELECT group_concat(deal_id||'|'||source_system||'|'||name||'|'||coalesce(amount_micros,'NULL')||'|'||currency||'|'||stage||'|'||is_closed||'|'||is_won||'|'||created_at||'|'||coalesce(close_date,'NULL')||'|'||pipeline||'|'||lead_source, ';') FROM (SELECT * FROM deals WHERE source_system = 'hubspot' ORDER BY deal_id)")" \
  "9001|hubspot|Initech – Platform|24000000000|USD|Closed Won|1|1|1791640800|2026-11-20|Sales Pipeline|PAID_SEARCH;9002|hubspot|Globex – Pilot|NULL|USD|Appointment Scheduled|0|0|1793523600|NULL|Sales Pipeline|ORGANIC_SEARCH"
expect "hs deal people" "$(q "SELECT group_concat(deal_id||'|'||person_id, ';') FROM (SELECT * FROM deal_people WHERE deal_id = '9001' ORDER BY person_id)")" \
  "9001|00Q3000000AbCd2EAF;9001|502"
expect "hs deal stages" "$(q "SELECT group_concat(entity_id||'|'||stage||'|'||entered_at, ';') FROM (SELECT * FROM stage_history WHERE entity_type = 'deal' AND entity_id LIKE '900%' ORDER BY entity_id, entered_at)")" \
  "9001|Appointment Scheduled|1791640800;9001|Closed Won|1795192200;9002|Appointment Scheduled|1793523600"

# ---- web-sessions (same database): utm_* and click ids parsed from the
# landing URL (percent-decoded, '+' is a space); visitor v-1 gives an e-mail
# on its second session, so both sessions belong to Bo's person; s5's time is
# not one: rejected. Then web-events links v-2 to contact 0033000000XyZ02AAF
# (Dee): the earlier s2 is linked after that load ("1 earlier touches
# linked"). 2026-11-01T10:00:00Z and 11:00+01:00 -> 1793527200,
# 2026-11-02T09:00:00Z -> 1793610000, 12:00Z -> 1793620800,
# 2026-11-03T08:30:00Z -> 1793694600.
load --max-rejects 1 web-sessions.csv 2> err; expect "web exit" "$?" 0
expect "web detected" "$(grep -c '^allot-load: web-sessions.csv: 5 read, 4 loaded, 0 updated, 0 unchanged, 1 rejected, 0 dropped as totals, 0 warnings (dialect web-sessions: sessions -> touches)' err)" 1
expect "web reject" "$(tail -n +2 web-sessions.csv.rejects.csv | cut -d, -f1-5)" "6,5,session_start,not a time,not a date"
load web-events.csv 2> err; expect "events exit" "$?" 0
expect "events detected" "$(grep -c '^allot-load: web-events.csv: 1 read, 1 loaded, .*(dialect web-sessions: sessions -> touches; 1 earlier touches linked)' err)" 1
expect "web rows" "$(q "SELECT group_concat(touch_id||'|'||source_system||'|'||coalesce(person_id,'')||'|'||anonymous_id||'|'||occurred_at||'|'||touch_type||'|'||coalesce(utm_source,'')||'|'||coalesce(utm_medium,'')||'|'||coalesce(utm_campaign,'')||'|'||coalesce(utm_content,'')||'|'||coalesce(click_id,'')||'|'||coalesce(referrer,''), ';') FROM (SELECT * FROM touches WHERE source_system = 'web' ORDER BY touch_id)")" \
  "e1|web|0033000000XyZ02AAF|v-2|1793694600|visit|newsletter|email|nov-digest|||;s1|web|00Q3000000AbCd2EAF|v-1|1793527200|visit|google|cpc|brand search||Cj0KCQ|https://www.google.com/;s2|web|0033000000XyZ02AAF|v-2|1793527200|visit|linkedin|paid_social|abm q4|carousel||;s3|web|00Q3000000AbCd2EAF|v-1|1793610000|visit|||||abc123|;s4|web||v-3|1793620800|visit|facebook||||IwAR0xyz|"
# Reloading the sessions: the same rows, unchanged.
load --max-rejects 1 web-sessions.csv 2> err
expect "web reload" "$(grep -c '^allot-load: web-sessions.csv: 5 read, 0 loaded, 0 updated, 4 unchanged, 1 rejected' err)" 1

# A visitor seen with two people: the first person seen with it (in file
# order, whatever the ids' order) takes its anonymous sessions. v-b is seen
# first with u-2 (line 3), then with u-1 (line 4): w1 and w2 -> u-2; v-a
# (line 5, u-9) after two other ids sorts first but links the same way.
db=$scratch/links.db
printf 'session_id,anonymous_id,user_id,email,session_start,landing_page,referrer\nw1,v-b,,,2026-11-01T10:00:00Z,https://example.com/,\nw2,v-b,u-2,,2026-11-01T11:00:00Z,https://example.com/,\nw3,v-b,u-1,,2026-11-01T12:00:00Z,https://example.com/,\nw4,v-a,u-9,,2026-11-01T13:00:00Z,https://example.com/,\nw5,v-a,,,2026-11-01T14:00:00Z,https://example.com/,\n' > links.csv
load links.csv 2> err; expect "links exit" "$?" 0
expect "links rows" "$(q "SELECT group_concat(touch_id||'|'||coalesce(person_id,''), ';') FROM (SELECT * FROM touches ORDER BY touch_id)")" \
  "w1|u-2;w2|u-2;w3|u-1;w4|u-9;w5|u-9"

# ---- GA4 flattened events: event_timestamp in microseconds
# (1793527200123457 // 10^6 = 1793527200); first_visit and page_view are not
# sessions: 2 ignored; collected_traffic_source.* -> utm_*, gclid.
load ga4-events.csv 2> err; expect "ga4 exit" "$?" 0
expect "ga4 detected" "$(grep -c '^allot-load: ga4-events.csv: 4 read, 2 loaded, 0 updated, 0 unchanged, 0 rejected, 0 dropped as totals, 0 warnings (dialect web-sessions: GA4 events -> touches; 2 ignored)' err)" 1
expect "ga4 rows" "$(q "SELECT group_concat(touch_id||'|'||coalesce(person_id,'')||'|'||anonymous_id||'|'||occurred_at||'|'||coalesce(utm_source,'')||'|'||coalesce(utm_medium,'')||'|'||coalesce(utm_campaign,'')||'|'||coalesce(click_id,''), ';') FROM (SELECT * FROM touches WHERE source_system = 'ga4' ORDER BY touch_id)")" \
  "123.456.1793527200||123.456|1793527200|google|cpc|brand|Cj0KQ1;789.012.1793613600|u-42|789.012|1793613600|newsletter|email||"

# ---- decimal separators of dialect files: read from the numbers of the
# first 20,000 rows (as for canonical files), and the values a dialect
# computes (micros -> units, 1 / ConversionRate) follow the file's.
db=$scratch/decimal.db
# A ';' Salesforce export from a European org writes decimal commas:
# 1 / 0.8 = 1.25. (The rate was stored uninverted, 0.8, before.)
printf '"Id";"IsoCode";"ConversionRate";"StartDate";"NextStartDate"\n"04w3000000Fx001";"EUR";"0,8";"2026-01-01";"2026-07-01"\n' > rate-comma.csv
load rate-comma.csv 2> err; expect "rate comma exit" "$?" 0
expect "rate comma no warning" "$(grep -c "^allot-load: warning" err)" 0
expect "rate comma" "$(q "SELECT rate FROM fx_rates WHERE start_date = '2026-01-01'")" "1.25"
# The same ';' export with decimal points: inferred, one warning naming the
# first value; 1 / 0.5 = 2.
printf '"Id";"IsoCode";"ConversionRate";"StartDate";"NextStartDate"\n"04w3000000Fx002";"GBP";"0.5";"2026-01-01";"2026-07-01"\n' > rate-point.csv
load rate-point.csv 2> err; expect "rate point exit" "$?" 0
expect "rate point warning" "$(grep -c "^allot-load: warning: rate-point.csv:2:3: numbers use a decimal point (1 value, none the other way; the first: '0.5') in this ';'-separated file; read so (use --decimal-comma if not)" err)" 1
expect "rate point" "$(q "SELECT rate FROM fx_rates WHERE currency = 'GBP'")" "2.0"
# A ','-separated export whose quoted rates have decimal commas: inferred
# too (1 / 0.25 = 4), the rates read as the load will read them.
printf 'Id,IsoCode,ConversionRate,StartDate,NextStartDate\n04w3000000Fx004,JPY,"0,25",2026-01-01,2026-07-01\n' > rate-comma2.csv
load rate-comma2.csv 2> err; expect "rate comma2 exit" "$?" 0
expect "rate comma2 warning" "$(grep -c "^allot-load: warning: rate-comma2.csv:2:3: numbers use a decimal comma (1 value, none the other way; the first: '0,25') in this ','-separated file; read so (use --decimal-point if not)" err)" 1
expect "rate comma2" "$(q "SELECT rate FROM fx_rates WHERE currency = 'JPY'")" "4.0"
# A rate of 0 cannot be inverted: the row is rejected, not stored as 0.
printf 'Id,IsoCode,ConversionRate,StartDate,NextStartDate\n04w3000000Fx003,CHF,0,2026-01-01,2026-07-01\n' > rate-zero.csv
load rate-zero.csv 2> err; expect "rate zero exit" "$?" 1
expect "rate zero reject" "$(sed -n 2p rate-zero.csv.rejects.csv)" '2,3,ConversionRate,0,not a positive conversion rate,"04w3000000Fx003,CHF,0,2026-01-01,2026-07-01"'
# Google Ads API rows re-saved with ';' and decimal commas (conversions
# '0,5'): cost_micros stays micros, 1250000 + 3333333 = 4583333 on
# 2026-11-01; conversions 0.5 + 1.25 = 1.75; value 40 + 95.5 = 135.5.
sed 's/,/;/g; s/\([0-9]\)\.\([0-9]\)/\1,\2/g' google-ads-api.csv > gads-comma.csv
load gads-comma.csv 2> err; expect "gads comma exit" "$?" 0
expect "gads comma rows" "$(q "SELECT group_concat(date||'|'||cost_micros||'|'||conversions||'|'||conversion_value_micros, ';') FROM (SELECT * FROM spend ORDER BY date)")" \
  "2026-11-01|4583333|1.75|135500000;2026-11-02|999999|0.0|0"
# Micros that are not a whole number are rejected (not read as units).
sed '2s/,1250000,/,1250000.5,/' google-ads-api.csv > gads-frac.csv
load gads-frac.csv 2> err; expect "gads frac exit" "$?" 1
expect "gads frac reject" "$(sed -n 2p gads-frac.csv.rejects.csv | cut -d, -f1-5)" "2,7,metrics.cost_micros,1250000.5,not a whole number of micros"

# ---- forcing, listing, and files that match no dialect
db=$scratch/misc.db
load --dialect canonical meta-ads-en.csv 2> err; expect "forced canonical exit" "$?" 1
load --dialect salesforce meta-ads-en.csv 2> err; expect "forced wrong exit" "$?" 1
expect "forced wrong message" "$(grep -c "^allot-load: error: meta-ads-en.csv:1: the header does not match dialect salesforce: none of its shapes' key column names is in it" err)" 1
# A Salesforce-like file missing one key column: the closest shape and what it lacks.
printf 'Id,Name,StageName,Amount\n006q000000Hddoh,X,Prospecting,1\n' > sf-partial.csv
load --dialect salesforce sf-partial.csv 2> err; expect "partial exit" "$?" 1
expect "partial message" "$(grep -c "^allot-load: error: sf-partial.csv:1: the header does not match dialect salesforce; closest: salesforce (Opportunity), missing headers: 'closedate'" err)" 1
load --dialect meta-ads meta-ads-en.csv 2> err; expect "forced right exit" "$?" 0
load unknown-export.csv 2> err; expect "no match exit" "$?" 1
expect "no match message" "$(grep -c "^allot-load: error: unknown-export.csv:1: the header matches no canonical table and no dialect; closest dialect: meta-ads (Ads Manager export), missing headers: 'amount spent (XXX)'" err)" 1
expect "no match nothing" "$(q 'SELECT count(*) FROM loads WHERE file LIKE "%unknown-export.csv"')" 0
"$bin/allot-load" --dialect nosuch x.csv 2> err; expect "unknown dialect exit" "$?" 2
"$bin/allot-load" --list-dialects > list; expect "list exit" "$?" 0
expect "list names" "$(grep -v '^ ' list | tr '\n' ' ')" "canonical salesforce salesforce-report hubspot google-ads meta-ads linkedin-ads microsoft-ads web-sessions paths "
expect "list shapes" "$(grep -c '^  .* -> ' list)" 20

# ---- allot-synth's exports/: the Google Ads download holds spend.csv's
# google_ads rows (campaigns joined by name to campaigns.csv): loaded after
# spend.csv, every row is unchanged; into a database with only campaigns.csv
# it gives exactly spend.csv's google_ads rows. The Salesforce Opportunity
# export loads into the same deals as deals.csv (source_system aside).
"$bin/allot-synth" --out co --touches 2000 --seed 3 > /dev/null 2>&1 || echo "FAIL synth" >&2
db=$scratch/co.db
load co/*.csv 2> /dev/null
n=$(grep -c ',google_ads,' co/spend.csv)
load co/exports/google-ads.csv 2> err; expect "synth gads exit" "$?" 0
expect "synth gads unchanged" "$(grep -c "^allot-load: co/exports/google-ads.csv: $n read, 0 loaded, 0 updated, $n unchanged, 0 rejected, 1 dropped as totals, 0 warnings (dialect google-ads: UI download -> spend)" err)" 1
db=$scratch/co2.db
load co/campaigns.csv co/exports/google-ads.csv 2> err; expect "synth gads fresh exit" "$?" 0
expect "synth gads fresh rows" "$(q "SELECT group_concat(date||','||source_system||','||ad_account||','||campaign_id||','||campaign_name||','||printf('%.2f', cost_micros / 1e6)||','||currency||','||impressions||','||clicks||','||printf('%.2f', conversions)||',', char(10)) FROM (SELECT * FROM spend ORDER BY campaign_id, date)")" \
  "$(grep ',google_ads,' co/spend.csv | sort -t, -k4,4 -k1,1)"
db=$scratch/co3.db
load co/exports/salesforce-opportunities.csv 2> err; expect "synth sf exit" "$?" 0
expect "synth sf detected" "$(grep -c '(dialect salesforce: Opportunity -> deals)' err)" 1
expect "synth sf rows" "$(q "SELECT group_concat(deal_id||','||account_id||','||name||','||coalesce(printf('%.2f', amount_micros / 1e6),'')||','||currency||','||stage||','||is_closed||','||is_won||','||strftime('%Y-%m-%dT%H:%M:%SZ', created_at, 'unixepoch')||','||close_date||',,'||coalesce(lead_source,'')||','||coalesce(campaign_id,'')||','||deal_type, char(10)) FROM (SELECT * FROM deals ORDER BY deal_id)")" \
  "$(tail -n +2 co/deals.csv | sed 's/,New Business,\([^,]*\),\([^,]*\),New Business$/,,\1,\2,New Business/' | sort)"

exit $fail
