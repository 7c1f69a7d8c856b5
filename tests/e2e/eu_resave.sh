#!/usr/bin/env bash
# allot-load on exports that went through a European spreadsheet before
# they reached allot (tests/cases/eusave/): the file a German, French,
# Spanish, Italian or Dutch user saves again from Excel or LibreOffice. Each
# must load exactly the values of the original export, or be refused with a
# message that says what to do. The *-libreoffice.csv fixtures were written
# by LibreOffice 7 from the fixtures in tests/cases/dialects/:
#   LANG=de_DE.UTF-8 soffice --headless --infilter='CSV:44,34,76,1,,1033,false,true' \
#     --convert-to 'csv:Text - txt - csv (StarCalc):59,34,76,1,,1031' FILE
# (1036 and fr_FR for French); the others are written by hand as Excel
# writes them. Expected values are derived by hand in the comments.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$(cd "$1" && pwd) tests=$(cd "$2" && pwd) scratch=$3
rm -rf "$scratch" && mkdir -p "$scratch"
cd "$scratch"
cp -r "$tests"/cases/eusave/* .

# ---- booleans: a spreadsheet writes TRUE/FALSE in its own language.
# Salesforce Opportunity.csv saved by a German LibreOffice: ';', 48000.00 ->
# 48000, true -> WAHR, false -> FALSCH. They were rejected as "not a
# boolean"; the deals are those of the original (tests/e2e/dialects.sh):
# 006q000000Hddoh -> 006q000000HddohAAB (data-model.md checksum), 48000 EUR =
# 48000000000 micros, closed and won; created 2026-10-20T10:05:00Z ->
# 1792490700 and 2026-11-02T09:00:00Z -> 1793610000 (date -u -d ... +%s).
db=$scratch/de.db
load Opportunity-de-libreoffice.csv 2> err; expect "de bool exit" "$?" 0
expect "de bool summary" "$(grep -c '^allot-load: Opportunity-de-libreoffice.csv: 2 read, 2 loaded, 0 updated, 0 unchanged, 0 rejected' err)" 1
expect "de bool deals" "$(q "SELECT group_concat(deal_id||'|'||coalesce(amount_micros,'NULL')||'|'||currency||'|'||is_closed||'|'||is_won||'|'||created_at||'|'||close_date, ';') FROM (SELECT * FROM deals ORDER BY deal_id)")" \
  "006q000000HddohAAB|48000000000|EUR|1|1|1792490700|2026-11-28;006q000000Hddp1AAB|NULL|USD|0|0|1793610000|2026-12-15"
# OpportunityContactRole.csv saved by a French LibreOffice: VRAI/FAUX. The
# contacts are not loaded, so the person is the contact id made 18 long:
# chunks 00330 00000 XyZ01 have upper-case bits 0, 0, 0b00101 -> A A F.
db=$scratch/fr.db
load OpportunityContactRole-fr-libreoffice.csv 2> err; expect "fr bool exit" "$?" 0
expect "fr bool roles" "$(q "SELECT group_concat(deal_id||'|'||person_id||'|'||role||'|'||is_primary, ';') FROM (SELECT * FROM deal_people ORDER BY person_id)")" \
  "006q000000HddohAAB|0033000000XyZ01AAF|Decision Maker|1;006q000000HddohAAB|0033000000XyZ02AAF|Evaluator|0"

# CampaignMember.csv saved by a German LibreOffice: HasResponded WAHR. The
# touch is at FirstRespondedDate when responded: 2026-10-03 -> 1790985600,
# 2026-10-22 -> 1792627200; Mem02 (FALSCH) at CreatedDate
# 2026-10-05T17:00:00Z -> 1791219600. An unread WAHR was taken as false and
# put the touches at CreatedDate, with no warning.
db=$scratch/member-de.db
load CampaignMember-de-libreoffice.csv 2> err; expect "de member exit" "$?" 0
expect "de member touches" "$(q "SELECT group_concat(touch_id||'|'||occurred_at, ';') FROM (SELECT * FROM touches ORDER BY touch_id)")" \
  "00v3000000Mem01AAB|1790985600;00v3000000Mem02AAB|1791219600;00v3000000Mem03AAB|1792627200"
# The same file saved by a Swedish LibreOffice (SANT/FALSKT, words allot does
# not know): each row is rejected at HasResponded (column 6), not loaded at
# a guessed time.
db=$scratch/member-sv.db
load CampaignMember-sv-libreoffice.csv 2> err; expect "sv member exit" "$?" 1
expect "sv member nothing" "$(q 'SELECT count(*) FROM touches')" 0
expect "sv member rejects" "$(cut -d, -f1-5 CampaignMember-sv-libreoffice.csv.rejects.csv | tr '\n' ';')" \
  'line,column,column_name,value,reason;2,6,HasResponded,SANT,"not a boolean (true/false;3,6,HasResponded,FALSKT,"not a boolean (true/false;4,6,HasResponded,SANT,"not a boolean (true/false;'

exit $fail
