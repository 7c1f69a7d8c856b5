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

# ---- numbers and dates as European spreadsheets write them (by hand, as
# Excel saves "CSV (Trennzeichen-getrennt)" / "CSV (séparateur: point-virgule)"):
#   deals-de-excel.csv   ';', '.' thousands, decimal comma, 01.11.2026,
#                        20.10.2026 10:05, WAHR/FALSCH, CRLF
#   deals-fr-excel.csv   ';', NBSP (U+00A0) and narrow NBSP (U+202F)
#                        thousands, 01/11/2026, VRAI/FAUX
#   deals-de-cp1252.csv  Windows-1252, '48.000,00 €' (0x80), '99,50 $'
#   deals-de-bom-sep.csv UTF-8 BOM, a 'sep=;' line, quoted numbers
# Every file holds the same three deals:
#   D1 48.000,00 EUR = 48000000000 micros; D2 1.250 EUR: '.' groups thousands
#   in a decimal-comma file, 1250 = 1250000000; D3 99,5 USD = 99500000.
#   created 20.10.2026 10:05 (no offset: UTC, with a warning) = 1792490700,
#   02.11.2026 09:00 = 1793610000, 05.11.2026 17:00 = 1793898000
#   (date -u -d 2026-11-05T17:00:00Z +%s).
#   close_date 01.11.2026 and 03.12.2026 are day first: 2026-11-01 and
#   2026-12-03. No close date has a day above 12: they were read month first
#   (2026-01-11, 2026-03-12) with a warning. Dots are day first everywhere;
#   in the French file created_at's 20/10/2026 shows day first, and
#   close_date follows it (with a warning).
want="D1|48000000000|EUR|1|1|1792490700|2026-11-01;D2|1250000000|EUR|1|1|1793610000|2026-12-03;D3|99500000|USD|0|0|1793898000|NULL"
for f in deals-de-excel deals-fr-excel deals-de-cp1252 deals-de-bom-sep; do
  db=$scratch/$f.db
  load "$f.csv" 2> err; expect "$f exit" "$?" 0
  expect "$f deals" "$(q "SELECT group_concat(deal_id||'|'||amount_micros||'|'||currency||'|'||is_closed||'|'||is_won||'|'||created_at||'|'||coalesce(close_date,'NULL'), ';') FROM (SELECT * FROM deals ORDER BY deal_id)")" "$want"
done
db=$scratch/fr-warn.db
load deals-fr-excel.csv 2> err
expect "fr close_date warning" "$(grep -c "^allot-load: warning: deals-fr-excel.csv:2:10: column 'close_date': no date has a day above 12; read as day/month/year, as column 'created_at' of this file shows (use --date-order MDY if not)" err)" 1
db=$scratch/de-warn.db
load deals-de-excel.csv 2> err
expect "de no date warning" "$(grep -c "close_date" err)" 0

# ---- LinkedIn writes M/D/YYYY (11/1/2026 is November 1). Saved again by a
# German LibreOffice the dates are 01.11.26 and were read month first
# (2026-01-11): dots are day first. Saved by a French one they are
# 01/11/26: ';' and decimal commas (1250,4) say a European program wrote
# it, so day first, with a warning. The spend is the original's
# (tests/e2e/dialects.sh): 1,250.40 = 1250400000 micros, 980.00, 12.00.
for l in de fr; do
  db=$scratch/li-$l.db
  load linkedin-ads-$l-libreoffice.csv 2> err; expect "li $l exit" "$?" 0
  expect "li $l spend" "$(q "SELECT group_concat(date||'|'||campaign_id||'|'||cost_micros||'|'||currency||'|'||impressions||'|'||clicks, ';') FROM (SELECT * FROM spend ORDER BY date, campaign_id)")" \
    "2026-11-01|187654321|1250400000|USD|52012|311;2026-11-02|187654321|980000000|USD|40110|250;2026-11-02|187654322|12000000|USD|9000|15"
done
expect "li fr warning" "$(grep -c "^allot-load: warning: linkedin-ads-fr-libreoffice.csv:8:1: column 'Start Date (in UTC)': no date has a day above 12, so day and month cannot be told apart; read as day/month/year, the order where numbers have decimal commas, as this file's do (use --date-order MDY if not)" err)" 1

# ---- A Salesforce report saved by a French Excel: Close Date 28/11/2026
# is day first, so Created Date's 01/10/2026 and 02/11/2026 are too:
# 2026-10-01 = 1790812800, 2026-11-02 = 1793577600 (they were read as
# January 10 and February 11, with a warning). 48.000,00 EUR, 1.250 USD.
db=$scratch/sfr.db
load sf-report-fr-excel.csv 2> err; expect "sfr exit" "$?" 0
expect "sfr deals" "$(q "SELECT group_concat(deal_id||'|'||amount_micros||'|'||currency||'|'||created_at||'|'||close_date, ';') FROM (SELECT * FROM deals ORDER BY deal_id)")" \
  "006q000000HddohAAB|48000000000|EUR|1790812800|2026-11-28;006q000000Hddr3AAB|1250000000|USD|1793577600|2026-12-01"
expect "sfr warning" "$(grep -c "^allot-load: warning: sf-report-fr-excel.csv:2:9: column 'Created Date': no date has a day above 12; read as day/month/year, as column 'Close Date' of this file shows (use --date-order MDY if not)" err)" 1

# ---- path file saved by a German LibreOffice: 3400.5 -> 3400,5, 3.5 -> 3,5.
# Path files default to decimal points; these numbers all show a decimal
# comma, so they are read so (with a warning), as the original: 12
# conversions worth 3400.5, 3.5 worth 700 (tests/e2e/dialects.sh). They were
# rejected ("thousands groups must have 3 digits").
db=$scratch/paths.db
load --max-rejects 1 paths-de-libreoffice.csv 2> err; expect "paths exit" "$?" 0
expect "paths rows" "$(q "SELECT group_concat(path||'|'||conversions||'|'||value||'|'||nulls, ';') FROM (SELECT * FROM paths ORDER BY path)")" \
  "Email|3.5|700.0|20.0;Paid Search > Email > Direct|12.0|3400.5|80.0"
expect "paths warning" "$(grep -c "^allot-load: warning: paths-de-libreoffice.csv:2:3: numbers use a decimal comma (2 values, none the other way; the first: '3400,5')" err)" 1

# ---- the ambiguous case the README documents: a ';' file whose rates are
# written with decimal points and 3 decimals (1.084, 1.270) shows no
# separator; ';' means decimal commas, so they are 1084 and 1270. That stays
# (it is the documented default), but it is no longer silent: a warning
# names the first such value, how it was read and the flag for the other
# reading. With --decimal-point they are 1.084 and 1.27.
db=$scratch/fx.db
load fx-rates-semicolon-points.csv 2> err; expect "fx exit" "$?" 0
expect "fx default" "$(q "SELECT group_concat(currency||'|'||rate, ';') FROM (SELECT * FROM fx_rates ORDER BY currency)")" "EUR|1084.0;GBP|1270.0;USD|1.0"
expect "fx warning" "$(grep -c "^allot-load: warning: fx-rates-semicolon-points.csv:2:4: '1.084' is read as 1084 with a decimal comma, the default for a ';'-separated file: no number in it shows which separator is the decimal one; give --decimal-point if it is 1.084 (or --decimal-comma to confirm)" err)" 1
db=$scratch/fx-point.db
load --decimal-point fx-rates-semicolon-points.csv 2> err; expect "fx point exit" "$?" 0
expect "fx point" "$(q "SELECT group_concat(currency||'|'||rate, ';') FROM (SELECT * FROM fx_rates ORDER BY currency)")" "EUR|1.084;GBP|1.27;USD|1.0"
expect "fx point no warning" "$(grep -c "warning:" err)" 0

# ---- Excel shows a long number in a General cell in scientific notation
# and saves it so: the Meta campaign ids 120210000000010 and ...020 both
# became 1,2021E+14, so two campaigns' spend was added up under one id
# '1,2021E+14' (7.25 + 12.50). Each row is now rejected at the id.
db=$scratch/sci.db
load meta-ads-de-excel-exponent.csv 2> err; expect "sci exit" "$?" 1
expect "sci nothing" "$(q 'SELECT count(*) FROM spend')" 0
expect "sci rejects" "$(cut -d, -f1-3 meta-ads-de-excel-exponent.csv.rejects.csv | tr '\n' ';')" "line,column,column_name;2,3,Kampagnen-ID;3,3,Kampagnen-ID;"
expect "sci reason" "$(grep -c 'an id a spreadsheet turned into a rounded number (its digits are lost, ids that differ become one): export again and open the file with the column as Text' meta-ads-de-excel-exponent.csv.rejects.csv)" 2

# ---- "opened" files: LibreOffice read the US export with German rules
# (--infilter='CSV:44,34,76,1,,1031,false,true') before saving it with ';'.
# A Salesforce member report keeps its M/D/YYYY text (10/3/2026) and its
# numbers show no decimal separator (1, 0): a ';' alone does not make its
# dates day first, so they stay month first, with the warning: 2026-10-03
# -> 1790985600 (responded), 2026-10-05 -> 1791158400 (created).
db=$scratch/member-opened.db
load sf-member-report-de-libreoffice-opened.csv 2> err; expect "opened member exit" "$?" 0
expect "opened member touches" "$(q "SELECT group_concat(occurred_at, ';') FROM (SELECT * FROM touches ORDER BY touch_id)")" "1790985600;1791158400"
expect "opened member warning" "$(grep -c "column 'Member First Associated': no date has a day above 12, so day and month cannot be told apart; read as month/day/year (use --date-order DMY if not)" err)" 1
# A Meta export opened so: its quoted impressions 12,034 and 11,870 became
# the decimals 12,034 and 11,87 while its amounts 45.67 stayed text. The
# file mixes both separators: the rows are rejected (nothing of 11,87 loads
# as 11870 or 11.87 impressions), each at its amount.
db=$scratch/meta-opened.db
load meta-ads-en-de-libreoffice-opened.csv 2> err; expect "opened meta exit" "$?" 1
expect "opened meta nothing" "$(q 'SELECT count(*) FROM spend')" 0
expect "opened meta rejects" "$(cut -d, -f1-2 meta-ads-en-de-libreoffice-opened.csv.rejects.csv | tr '\n' ';')" "line,column;2,5;3,5;4,5;"
# and a warning says why: 45.67 (line 2) shows a decimal point, 11,87 (line
# 4, column 6) a decimal comma.
expect "opened meta warning" "$(grep -c "^allot-load: warning: meta-ads-en-de-libreoffice-opened.csv:4:6: numbers show both a decimal point ('45.67', line 2) and a decimal comma ('11,87'): a spreadsheet may have read some of them with another country's rules; read with a decimal comma, the default for a ';'-separated file" err)" 1

# ---- GA4 events saved by a German LibreOffice: user_pseudo_id 123.456 was
# read as a number and written 123,456 (a real id, 1234567890.1700000000,
# would lose digits: 1234567890,17). The touches were loaded with ids
# '123,456.1793527200' that match none of the visitor's other visits; the
# two session_start rows are now rejected at user_pseudo_id (column 4).
db=$scratch/ga4.db
load ga4-events-de-libreoffice.csv 2> err; expect "ga4 exit" "$?" 1
expect "ga4 rejects" "$(cut -d, -f1-3 ga4-events-de-libreoffice.csv.rejects.csv | tr '\n' ';')" "line,column,column_name;3,4,user_pseudo_id;5,4,user_pseudo_id;"
expect "ga4 reason" "$(grep -c "a user_pseudo_id a spreadsheet turned into a number (it is two whole numbers joined by '.'): export again and open the file with the column as Text" ga4-events-de-libreoffice.csv.rejects.csv)" 2

# ---- the sample company's fx_rates, deals and spend (sample-data/) saved
# as a German, French and Dutch spreadsheet writes them
# (tests/e2e/lib/excelize.py: ';', BOM, decimal commas, '.' or U+202F
# thousands, 01.07.2024 / 01/07/2024 / 1-7-2024) load exactly the values
# of the originals. fx_rates' windows all start on the 1st (no day above
# 12): they were read month first, EUR's July 2024 rate from 2024-01-07.
for t in fx_rates deals spend; do
  db=$scratch/orig-$t.db
  load "$tests/../sample-data/$t.csv" 2> err || fail "sample $t does not load"
  for l in de fr nl; do
    python3 "$tests/e2e/lib/excelize.py" $l "$tests/../sample-data/$t.csv" "$t-$l.csv" || fail "excelize"
    db=$scratch/$l-$t.db
    load "$t-$l.csv" 2> err; expect "sample $t $l exit" "$?" 0
  done
done
for t in fx_rates deals spend; do
  cols=$(sqlite3 "$scratch/orig-$t.db" "SELECT group_concat(name, ',') FROM pragma_table_info('$t') WHERE name NOT IN ('load_id', 'source_row')")
  want=$(sqlite3 -batch "$scratch/orig-$t.db" "SELECT $cols FROM $t ORDER BY $cols")
  [[ -n "$want" ]] || fail "sample $t empty"
  for l in de fr nl; do
    expect "sample $t $l same values" "$(sqlite3 -batch "$scratch/$l-$t.db" "SELECT $cols FROM $t ORDER BY $cols")" "$want"
  done
done
expect "sample fx EUR July 2024" "$(sqlite3 "$scratch/fr-fx_rates.db" "SELECT start_date||'|'||end_date||'|'||rate FROM fx_rates WHERE currency = 'EUR' ORDER BY start_date LIMIT 1")" "2024-07-01|2024-08-01|1.0802"

exit $fail
