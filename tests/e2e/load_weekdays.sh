#!/usr/bin/env bash
# allot-load on dates written in full (tests/cases/load/weekdays/): after
# their weekday in the seven languages (Excel's and LibreOffice's long dates,
# RFC 2822 mail dates, JavaScript's Date string, glibc's %c), the French
# "1er", the Portuguese "1º", English ordinals, the words between date and
# time ("à", "um", "às", ", "); a weekday that is not the date's rejects
# the row, naming the date's weekday; ICU's date styles in nine locales.
# Exact values read back with sqlite3.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$(cd "$1" && pwd) tests=$(cd "$2" && pwd) scratch=$3
rm -rf "$scratch" && mkdir -p "$scratch"
cd "$scratch"
cp "$tests"/cases/load/weekdays/*.csv .
db=$scratch/a.db

# Times without an offset are local times of --timezone UTC. Epochs by GNU date:
# date -u -d 2026-01-07T14:30:00+01:00 +%s -> 1767792600
# date -u -d 2026-01-07T14:30:00Z +%s      -> 1767796200
# date -u -d 2026-01-01T09:00:00Z +%s      -> 1767258000
# date -u -d 2026-01-06T10:00:00Z +%s      -> 1767693600
# date -u -d 2026-01-08T09:00:00Z +%s      -> 1767862800 (d-13: jeu. 08/01/2026
# is day first as the file's other date with digits, Mi., 07.01.2026, shows)
# Weekdays: date -d 2026-01-07 +%A -> Wednesday; 2026-01-01 -> Thursday;
# 2026-01-06 -> Tuesday ("mar." in French); 2026-01-08 -> Thursday.
load --timezone UTC deals-weekdays.csv 2> err; expect "weekdays exit" "$?" 1
expect "weekdays summary" "$(grep -c '^allot-load: deals-weekdays.csv: 13 read, 11 loaded, 0 updated, 0 unchanged, 2 rejected, 0 dropped as totals, 1 warnings (table deals; nothing committed)' err)" 1
expect "weekdays order warning" "$(grep -c "^allot-load: warning: deals-weekdays.csv:14:2: column 'created_at': no date has a day above 12; read as day/month/year, as column 'close_date' of this file shows (use --date-order MDY if not)" err)" 1
expect "weekdays rejects" "$(tr -d '\r' < deals-weekdays.csv.rejects.csv)" \
  "line,column,column_name,value,reason,raw
12,5,close_date,\"Thursday, January 7, 2026\",the weekday written is not the date's: that date is a Wednesday,\"d-11,\"\"Wed, 07 Jan 2026 14:30:00 +0100\"\",100,EUR,\"\"Thursday, January 7, 2026\"\"\"
13,2,created_at,\"Thu, 07 Jan 2026 14:30:00 +0100\",the weekday written is not the date's: that date is a Wednesday,\"d-12,\"\"Thu, 07 Jan 2026 14:30:00 +0100\"\",100,EUR,2026-01-07\""

# With the two rejects allowed, the other rows load with the dates written.
load --timezone UTC --max-rejects 2 deals-weekdays.csv 2> err; expect "weekdays budget exit" "$?" 0
expect "weekdays rows" "$(q "SELECT group_concat(deal_id||'|'||created_at||'|'||close_date, ' ') FROM (SELECT * FROM deals ORDER BY deal_id)")" \
  "d-01|1767792600|2026-01-07 d-02|1767792600|2026-01-07 d-03|1767258000|2026-01-01 d-04|1767796200|2026-01-07 d-05|1767796200|2026-01-07 d-06|1767796200|2026-01-07 d-07|1767796200|2026-01-07 d-08|1767258000|2026-01-07 d-09|1767693600|2026-03-07 d-10|1767796200|2026-01-01 d-13|1767862800|2026-01-07"

# ICU's full, long and medium dates and times in nine locales, as JavaScript
# applications write them (tests/cases/load/intl/make.js, run with node,
# wrote the file and, from the same instants, expected.txt): every row loads
# the instant and the date node formatted.
cp "$tests"/cases/load/intl/deals-intl.csv "$tests"/cases/load/intl/expected.txt .
db=$scratch/intl.db
load --timezone UTC deals-intl.csv 2> err; expect "intl exit" "$?" 0
expect "intl summary" "$(grep -c '^allot-load: deals-intl.csv: 432 read, 432 loaded, 0 updated, 0 unchanged, 0 rejected, 0 dropped as totals, 0 warnings (table deals)' err)" 1
expect "intl rows" "$(q "SELECT deal_id||'|'||created_at||'|'||close_date FROM deals ORDER BY deal_id")" "$(cat expected.txt)"
exit $fail
