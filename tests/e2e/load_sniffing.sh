#!/usr/bin/env bash
# allot-load on messy but canonical files (tests/cases/load/messy/): UTF-16
# with title lines, sep= line with semicolons and decimal commas, day-first
# dates, ambiguous dates (warning, or --date-order), Windows-1252, spend
# segment rows summed, month names in English and in French. Exact values
# read back with sqlite3.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$(cd "$1" && pwd) tests=$(cd "$2" && pwd) scratch=$3
rm -rf "$scratch" && mkdir -p "$scratch"
cases=$tests/cases/load/messy
cd "$scratch"
cp "$cases"/*.csv .
db=$scratch/a.db

# UTF-16LE + BOM, tabs, two title lines: header found on line 3; "48.000,00" and
# "1.234,5" have both separators, so the last one is the decimal separator,
# and the file is read with decimal commas (a tab file's default is the
# point), which the one warning says.
load deals-utf16.csv 2> err; expect "utf16 exit" "$?" 0
expect "utf16 summary" "$(grep -c '^allot-load: deals-utf16.csv: 2 read, 2 loaded, .* 1 warnings (table deals)' err)" 1
expect "utf16 warning" "$(grep -c "^allot-load: warning: deals-utf16.csv:4:3: numbers use a decimal comma (2 values, none the other way; the first: '48.000,00') in this tab-separated file; read so (use --decimal-point if not)" err)" 1
# date -u -d 2026-02-11T09:00:00Z +%s -> 1770800400; date -u -d 2026-03-01 +%s -> 1772323200
expect "utf16 rows" "$(q "SELECT group_concat(deal_id||'|'||name||'|'||amount_micros||'|'||currency||'|'||created_at||'|'||coalesce(close_date,'NULL')||'|'||source_row, ';') FROM (SELECT * FROM deals ORDER BY deal_id)")" \
  $'d-1|Caf\u00e9 Gro\u00df|48000000000|EUR|1770800400|2026-05-29|4;d-2|Tab\there|1234500000|USD|1772323200|NULL|5'

# sep=; line: semicolons, so decimal commas ("1.234,56" -> 1234.56, "1.000"
# clicks -> 1000); "13/01/2026" proves day-first, so "02/01/2026" is 2 January.
load spend-semicolon.csv 2> err; expect "semicolon exit" "$?" 0
expect "semicolon warnings" "$(grep -c ' 0 warnings (table spend)' err)" 1
expect "semicolon rows" "$(q "SELECT group_concat(date||'|'||cost_micros||'|'||clicks||'|'||source_row, ';') FROM (SELECT * FROM spend ORDER BY date)")" \
  "2026-01-02|1234560000|1000|3;2026-01-13|500000|3|4"

# Only ambiguous slash dates: month-first with one warning (their times have
# no offset: --timezone UTC says they are UTC, so that warning is not given;
# tests/e2e/load_timezone.sh has it)...
load --timezone UTC people-ambiguous.csv 2> err; expect "ambiguous exit" "$?" 0
expect "ambiguous warning" "$(grep -c "^allot-load: warning: people-ambiguous.csv:2:2: column 'created_at': no date has a day above 12" err)" 1
expect "ambiguous summary" "$(grep -c ' 1 warnings (table people)' err)" 1
expect "ambiguous recorded" "$(q "SELECT line||'|'||column_no||'|'||substr(message,1,24) FROM load_warnings WHERE load_id = (SELECT max(load_id) FROM loads)")" "2|2|column 'created_at': no "
# date -u -d 2026-03-04T10:00:00Z +%s -> 1772618400; date -u -d 2026-05-06T11:30:00Z +%s -> 1778067000
expect "ambiguous as MDY" "$(q "SELECT group_concat(created_at, ' ') FROM (SELECT created_at FROM people ORDER BY person_id)")" "1772618400 1778067000"
# ...or day-first when told; a newer reading updates both rows.
load --timezone UTC --date-order DMY people-ambiguous.csv 2> err; expect "DMY exit" "$?" 0
expect "DMY summary" "$(grep -c '2 read, 0 loaded, 2 updated, 0 unchanged, 0 rejected, 0 dropped as totals, 0 warnings' err)" 1
# date -u -d 2026-04-03T10:00:00Z +%s -> 1775210400; date -u -d 2026-06-05T11:30:00Z +%s -> 1780659000
expect "DMY values" "$(q "SELECT group_concat(created_at, ' ') FROM (SELECT created_at FROM people ORDER BY person_id)")" "1775210400 1780659000"

# Windows-1252: 0xE9 -> é, 0x80 -> €; "€ 1.500" in a comma file is 1.5 EUR.
# line 2 is 'cmp-1,Caf<E9>...': the bad byte is in field 2.
load campaigns-cp1252.csv 2> err; expect "cp1252 exit" "$?" 0
expect "cp1252 warning" "$(grep -c 'campaigns-cp1252.csv:2:2: the file is not valid UTF-8 (first bad byte in this field); read as Windows-1252' err)" 1
expect "cp1252 row" "$(q "SELECT name||'|'||actual_cost_micros||'|'||currency FROM campaigns")" $'Caf\u00e9 \u20ac Launch|1500000|EUR'

# Spend segment rows of one key in one file add up: 10.50 + 2.25, 100 + 40, 5 + (blank).
load spend-segments.csv 2> err; expect "segments exit" "$?" 0
expect "segments summary" "$(grep -c '^allot-load: spend-segments.csv: 3 read, 2 loaded, 1 updated, 0 unchanged' err)" 1
expect "segments rows" "$(q "SELECT group_concat(date||'|'||cost_micros||'|'||coalesce(impressions,'NULL')||'|'||coalesce(clicks,'NULL'), ';') FROM (SELECT * FROM spend WHERE source_system='google_ads' ORDER BY date)")" \
  "2026-01-05|12750000|140|5;2026-01-06|1000000|NULL|NULL"
# Reloading gives the same sums (the first segment row replaces, the second adds).
load spend-segments.csv 2> err; expect "segments reload exit" "$?" 0
expect "segments reload rows" "$(q "SELECT group_concat(date||'|'||cost_micros||'|'||coalesce(impressions,'NULL')||'|'||coalesce(clicks,'NULL'), ';') FROM (SELECT * FROM spend WHERE source_system='google_ads' ORDER BY date)")" \
  "2026-01-05|12750000|140|5;2026-01-06|1000000|NULL|NULL"

# Forced UTF-8 with one Windows-1252 field: that field falls back, with one
# warning (not repeated by the date-order pre-pass); plus the ambiguous-date one.
odb=$scratch/o.db
"$bin/allot-load" --db "$odb" --encoding utf-8 people-one-bad-byte.csv 2> err; expect "one bad byte exit" "$?" 0
expect "one bad byte warnings" "$(grep -c 'people-one-bad-byte.csv:3:3: field is not valid UTF-8; read as Windows-1252' err) $(grep -c ' 2 warnings (table people)' err)" "1 1"
expect "one bad byte value" "$(sqlite3 "$odb" "SELECT original_source FROM people ORDER BY person_id")" $'Caf\u00e9\nRen\u00e9'

# Header names: case, blanks and sort arrows do not matter; currency codes
# are upper-cased.
hdb=$scratch/h.db
"$bin/allot-load" --db "$hdb" deals-header-case.csv 2> err; expect "header case exit" "$?" 0
expect "header case row" "$(sqlite3 "$hdb" "SELECT deal_id||'|'||created_at||'|'||amount_micros||'|'||currency FROM deals")" "d-1|1767225600|5000000|USD"
# A blank may stand for a column name's underscore: a spreadsheet's "Touch
# ID", "Occurred At", "UTM Source" (2026-01-07T13:58:12Z is 1767794292).
"$bin/allot-load" --db "$hdb" touches-spreadsheet-header.csv 2> err; expect "header blanks exit" "$?" 0
expect "header blanks row" "$(sqlite3 "$hdb" "SELECT touch_id||'|'||person_id||'|'||occurred_at||'|'||touch_type||'|'||utm_source FROM touches")" "t-1|p-1|1767794292|visit|google"

# Dates with the month's English name (a spreadsheet's d-mmm-yy, a
# report's "Feb 2, 2026"): 07-Jan-26 is 1767744000 (date -u -d 2026-01-07
# +%s), "Feb 2, 2026 4:05 PM" 1770048300 (date -u -d 2026-02-02T16:05:00Z
# +%s, with the no-offset warning); no day/month warning, nothing rejected.
mdb=$scratch/m.db
"$bin/allot-load" --db "$mdb" deals-month-names.csv 2> err; expect "month names exit" "$?" 0
expect "month names rows" "$(sqlite3 "$mdb" "SELECT group_concat(deal_id||'|'||created_at||'|'||close_date, ' ') FROM (SELECT * FROM deals ORDER BY deal_id)")" \
  "d-1|1767744000|2026-03-31 d-2|1770048300|2026-09-30"
expect "month names warnings" "$(grep -c ' 1 warnings (table deals)' err) $(grep -c 'has no UTC offset' err)" "1 1"

# The same saved again by a French Excel: ';', decimal commas, Windows-1252
# (the one warning), month names in French ("7 janv. 2026 14:30",
# "31 d<E9>c. 2026", "14 f<E9>vr. 2026", "15 ao<FB>t 2026"), times of
# Paris. date -u -d '2026-01-07T14:30:00+01:00' +%s -> 1767792600;
# date -u -d '2026-02-14T00:00:00+01:00' +%s -> 1771023600 (a date alone is
# the zone's midnight); 1234,5 EUR -> 1234500000 micros, 12,75 -> 12750000.
fdb=$scratch/fr.db
"$bin/allot-load" --db "$fdb" --timezone Europe/Paris deals-fr-month-names.csv 2> err; expect "french months exit" "$?" 0
expect "french months summary" "$(grep -c '^allot-load: deals-fr-month-names.csv: 2 read, 2 loaded, 0 updated, 0 unchanged, 0 rejected, 0 dropped as totals, 1 warnings (table deals)' err)" 1
expect "french months warning" "$(grep -c '^allot-load: warning: deals-fr-month-names.csv:2:5: the file is not valid UTF-8 (first bad byte in this field); read as Windows-1252' err)" 1
expect "french months rows" "$(sqlite3 "$fdb" "SELECT group_concat(deal_id||'|'||created_at||'|'||amount_micros||'|'||currency||'|'||close_date, ' ') FROM (SELECT * FROM deals ORDER BY deal_id)")" \
  "d-1|1767792600|1234500000|EUR|2026-12-31 d-2|1771023600|12750000|EUR|2026-08-15"

# Trailing delimiters (spreadsheet exports): unnamed trailing columns and
# empty trailing fields are ignored; a value in one, or a short row, is a
# wrong field count.
tdb=$scratch/t.db
"$bin/allot-load" --db "$tdb" deals-trailing.csv 2> err; expect "trailing exit" "$?" 1
expect "trailing rejects" "$(cut -d, -f1-2,5- deals-trailing.csv.rejects.csv | tr -d '\r')" \
  "line,column,reason,raw
4,,has 2 fields but the header has 4,\"d-3,2026-01-03\"
5,,has 5 fields but the header has 4,\"d-4,2026-01-04,5,USD,x\""
"$bin/allot-load" --db "$tdb" --max-rejects 2 deals-trailing.csv 2> err; expect "trailing budget exit" "$?" 0
expect "trailing rows" "$(sqlite3 "$tdb" "SELECT group_concat(deal_id||':'||coalesce(amount_micros,'NULL'), ' ') FROM (SELECT * FROM deals ORDER BY deal_id)")" \
  "d-1:1000000000 d-2:NULL"
# "1,000" alone cannot tell its separator: read as 1000 (decimal point, the
# default of a ',' file), with a warning saying so and how to read 1.000.
expect "trailing warnings" "$(grep -c ' 1 warnings (table deals)' err)" 1
expect "trailing warning" "$(grep -c "^allot-load: warning: deals-trailing.csv:2:3: '1,000' is read as 1000 with a decimal point, the default for a ','-separated file: no number in it shows which separator is the decimal one; give --decimal-comma if it is 1.000 (or --decimal-point to confirm)" err)" 1

# --config: read and checked (malformed: exit 2), nothing loaded then.
printf '[general]\nno equals sign\n' > bad.ini
load --config bad.ini deals-utf16.csv 2> err; expect "bad config exit" "$?" 2
expect "bad config message" "$(grep -c 'bad.ini:2: ' err)" 1

# Overrides: forcing the wrong delimiter finds no header; forcing the right one works.
load --delimiter , spend-semicolon.csv 2> err; expect "wrong delimiter exit" "$?" 1
load --delimiter ';' --header-line 2 --encoding utf-8 --decimal-comma --date-order DMY spend-semicolon.csv 2> err
expect "forced settings exit" "$?" 0
expect "forced settings summary" "$(grep -c '2 read, 0 loaded, 0 updated, 2 unchanged' err)" 1

# A ';' file whose numbers use decimal points: "12.50" can only be 12.5 (a
# thousands group has 3 digits), no value shows a decimal comma, so the file
# is read with decimal points, with a warning naming the first such value;
# "1.084" is then 1.084, not 1084 (as it would be with decimal commas).
db=$scratch/points.db
printf 'campaign_id;date;cost;currency;impressions;clicks\nC1;2026-07-01;1.084;EUR;100;5\nC1;2026-07-02;12.50;EUR;200;7\n' > points.csv
load points.csv 2> err; expect "points exit" "$?" 0
expect "points warning" "$(grep -c "^allot-load: warning: points.csv:3:3: numbers use a decimal point (1 value, none the other way; the first: '12.50') in this ';'-separated file; read so (use --decimal-comma if not)" err)" 1
expect "points rows" "$(q "SELECT group_concat(date||'|'||cost_micros, ';') FROM (SELECT * FROM spend ORDER BY date)")" \
  "2026-07-01|1084000;2026-07-02|12500000"
# Told otherwise, the flag wins: decimal commas, and "12.50" is rejected.
db=$scratch/points-forced.db
load --decimal-comma points.csv 2> err; expect "points forced exit" "$?" 1
expect "points forced reject" "$(cut -d, -f1-3 points.csv.rejects.csv | sed -n 2p)" "3,3,cost"
# Both ways in one file: the ';' default stands (decimal commas), no warning.
db=$scratch/mixed.db
printf 'campaign_id;date;cost;currency;impressions;clicks\nC1;2026-07-01;12,5;EUR;100;5\nC1;2026-07-02;12.50;EUR;200;7\n' > mixed.csv
load --max-rejects 1 mixed.csv 2> err; expect "mixed exit" "$?" 0
expect "mixed no warning" "$(grep -c 'numbers use a decimal' err)" 0
expect "mixed rows" "$(q "SELECT group_concat(date||'|'||cost_micros, ';') FROM spend")" "2026-07-01|12500000"

exit $fail
