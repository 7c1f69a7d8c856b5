#!/usr/bin/env bash
# allot-load on real-export dialects (tests/cases/dialects/): each fixture is
# recognised from its header (no --dialect), the summary names the dialect,
# and the exact canonical rows, rejects and dropped totals are read back with
# sqlite3. Epoch seconds are from `date -u -d <instant> +%s` (quoted next to
# each); Salesforce 18-character ids from the checksum rule of
# data-model.md (reference: tests/unit/test_dialect.c, python in the comment
# there).
set -uo pipefail
bin=$(cd "$1" && pwd) tests=$(cd "$2" && pwd) scratch=$3
rm -rf "$scratch" && mkdir -p "$scratch"
cases=$tests/cases/dialects
fail=0
expect() {
  if [[ "$2" != "$3" ]]; then
    echo "FAIL $1: expected [$3], got [$2]" >&2
    fail=1
  fi
}
cd "$scratch"
cp -r "$cases"/* .
db=$scratch/a.db
q() { sqlite3 -batch -noheader "$db" "$1"; }
load() { "$bin/allot-load" --db "$db" "$@"; }

# ---- google-ads: the UI download as Google writes it: UTF-16LE with a BOM,
# tab-separated, two title lines, 'Total: …' rows, '--' for no value.
{ printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE google-ads-ui.tsv; } > google-ads-ui.csv
# One row has '--' as its cost: a spend row needs a cost, so it is rejected
# and by default nothing is committed.
load google-ads-ui.csv 2> err; expect "gads exit" "$?" 1
expect "gads nothing" "$(q 'SELECT count(*) FROM spend')" 0
load --max-rejects 1 google-ads-ui.csv 2> err; expect "gads exit 2" "$?" 0
expect "gads summary" "$(grep -c '^google-ads-ui.csv: 5 read, 3 loaded, 1 updated, 0 unchanged, 1 rejected, 2 dropped as totals, 0 warnings (dialect google-ads: UI download -> spend; 2 campaigns created)' err)" 1
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
expect "gads api summary" "$(grep -c '^google-ads-api.csv: 4 read, .* 0 rejected, 0 dropped as totals, 0 warnings (dialect google-ads: API -> spend; 1 campaigns created)' err)" 1
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
  expect "sf detected ${s%%:*}" "$(grep -c "^${s%%:*}.csv: .*(dialect salesforce: ${s%%:*} -> ${s##*:})" sf.err)" 1
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
# Reloading every file: nothing new.
n_before=$(q "SELECT (SELECT count(*) FROM people)||(SELECT count(*) FROM touches)||(SELECT count(*) FROM deals)||(SELECT count(*) FROM deal_people)")
(cd salesforce && for f in Lead Contact CampaignMember OpportunityContactRole; do load --max-rejects 1 "$f.csv" 2>> ../sf2.err; done)
expect "sf reload unchanged" "$(grep -c ' 0 loaded, 0 updated, ' sf2.err)" 4
expect "sf reload counts" "$(q "SELECT (SELECT count(*) FROM people)||(SELECT count(*) FROM touches)||(SELECT count(*) FROM deals)||(SELECT count(*) FROM deal_people)")" "$n_before"

exit $fail
