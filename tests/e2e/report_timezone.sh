#!/usr/bin/env bash
# [general] timezone: reports count days and periods of timestamps on the
# company's clocks. The same six files (tests/cases/timezone) are reported
# with America/New_York and with UTC; every expected value is worked out by
# hand below (EDT is UTC-4 all through July to October 2026).
#
#   p1 created 2026-10-01T01:00Z = 30 Sep 21:00 EDT    lead of Q3 in NY, Q4 in UTC
#   p2 created 2026-08-10T12:00Z                       lead of Q3 in both
#   t1 (p1, Email)       2026-09-15T12:00Z = 08:00 EDT
#   t2 (p1, Paid Search) 2026-10-01T02:00Z = 30 Sep 22:00 EDT
#   d1 (p1) won USD 1,000.00, created 2026-09-01T12:00Z, close date 2026-09-30:
#      its journey ends at the close date's last second, 2026-10-01T03:59:59Z
#      in NY (t1 and t2: linear 500.00 + 500.00) but 2026-09-30T23:59:59Z in
#      UTC (t1 alone: Email 1,000.00)
#   d2 (p2) open USD 300.00 created 2026-10-01T03:30Z = 30 Sep 23:30 EDT:
#      pipeline of 2026Q3 in NY, 2026Q4 in UTC
#   d3 (p2) open USD 200.00 created 2026-07-01T02:00Z = 30 Jun 22:00 EDT:
#      pipeline of 2026Q2 in NY, 2026Q3 in UTC
# Pipeline created in 2026Q3: NY d1 + d2 = 1,300.00 (2026Q2: d3, 200.00);
# UTC d1 + d3 = 1,200.00 (2026Q2: none).
#   a1 (p1) and a3 (p3) subscribe from 2026-09-30; p3's only touch t4
#   (Referral) is at 2026-10-01T02:00Z = 30 Sep 22:00 EDT: a3 was acquired
#   through Referral in NY (a touch before the end of its first day), with
#   no channel in UTC; the data end (latest touch) is 30 Sep in NY, 1 Oct
#   in UTC.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$(cd "$1" && pwd) tests=$(cd "$2" && pwd) scratch=$3
rm -rf "$scratch" && mkdir -p "$scratch"
cd "$scratch"
cases=$tests/cases/timezone
files=("$cases"/{people,touches,deals,deal_people,fx_rates,subscriptions}.csv)

declare -A zone_name=([ny]=America/New_York [utc]=UTC)
declare -A credit pipeline params leads deals pack retention
for zone in ny utc; do
  db=$scratch/$zone.db
  config=$cases/$zone.ini
  load "${files[@]}" 2> /dev/null || fail "$zone: load"
  "$bin/allot-credit" --db "$db" --config "$config" --model linear > /dev/null 2>&1 \
    || fail "$zone: allot-credit"
  run=$(q "SELECT max(run_id) FROM runs WHERE tool = 'allot-credit'")
  credit[$zone]=$(q "SELECT group_concat(channel || '=' || credit_minor, ';') FROM
    (SELECT channel, credit_minor FROM ledger WHERE run_id = $run ORDER BY channel)")
  "$bin/allot-credit" --db "$db" --config "$config" --model linear --event pipeline \
    > /dev/null 2>&1 || fail "$zone: allot-credit --event pipeline"
  run=$(q "SELECT max(run_id) FROM runs WHERE tool = 'allot-credit'")
  pipeline[$zone]=$(q "SELECT group_concat(deal_id || '=' || period, ';') FROM
    (SELECT DISTINCT deal_id, period FROM ledger WHERE run_id = $run ORDER BY deal_id)")
  params[$zone]=$(q "SELECT ';' || parameters || ';' LIKE '%;timezone=${zone_name[$zone]};%'
    FROM runs WHERE run_id = $run")
  leads[$zone]=$("$bin/allot-funnel" --db "$db" --config "$config" --csv --table funnel \
    2> /dev/null | awk -F, '$2 == "(all)" && $3 == "lead" {print $1 "=" $4}' | paste -sd';')
  # period, deals created, pipeline (columns 1, 3 and 17)
  deals[$zone]=$("$bin/allot-funnel" --db "$db" --config "$config" --csv --table deals \
    2> /dev/null | awk -F, 'NR > 1 {print $1 "=" $3 "/" $17}' | paste -sd';')
  retention[$zone]=$("$bin/allot-retention" --db "$db" --config "$config" --csv \
    --table summary 2>&1 | awk -F, '/ as of / {sub(/.* as of /, ""); sub(/,.*/, ""); print; next}
    $1 != "group" && $1 !~ /^allot/ {print $1 "=" $2}' | paste -sd';')
  mkdir -p "$zone"
  "$bin/allot-xlsx" --db "$db" --config "$config" --period 2026Q3 \
    --out "$zone/allot-report.xlsx" 2> /dev/null || fail "$zone: allot-xlsx"
  "$bin/allot-pack" --db "$db" --config "$config" --period 2026Q3 --out "$zone" \
    2> /dev/null || fail "$zone: allot-pack"
  pack[$zone]=$(tr -d '\r' < "$zone/allot-pack-2026Q3.eml" | grep -A1 '^Pipeline created' | tail -1)
done

# Attribution: t2 is on d1's close date in New York, the day after in UTC.
expect "ny credit" "${credit[ny]}" "Email=50000;Paid Search=50000"
expect "utc credit" "${credit[utc]}" "Email=100000"
# Pipeline credit runs date each deal by its creation day there.
expect "ny pipeline periods" "${pipeline[ny]}" "d1=2026Q3;d2=2026Q3;d3=2026Q2"
expect "utc pipeline periods" "${pipeline[utc]}" "d1=2026Q3;d2=2026Q4;d3=2026Q3"
expect "ny run notes the zone" "${params[ny]}" 1
expect "utc run notes the zone" "${params[utc]}" 1
# Funnel cohorts: p1 became a lead on 30 September in New York.
expect "ny leads" "${leads[ny]}" "2026Q3=2"
expect "utc leads" "${leads[utc]}" "2026Q3=1;2026Q4=1"
# Deals created per quarter and their pipeline.
expect "ny deals" "${deals[ny]}" "2026Q2=1/200.00;2026Q3=2/1300.00"
expect "utc deals" "${deals[utc]}" "2026Q3=2/1200.00;2026Q4=1/300.00"
# Retention: the data's end, and a3's acquisition channel.
expect "ny retention" "${retention[ny]}" "2026-09-30;Email=1;Referral=1;(all)=2"
expect "utc retention" "${retention[utc]}" "2026-10-01;(none)=1;Email=1;(all)=2"
# The pack e-mail's pipeline line, with the prior quarter.
expect "ny pack" "${pack[ny]}" "  USD: USD 1,300.00 in 2 new deals (2026Q2: USD 200.00, +550.0 %)"
expect "utc pack" "${pack[utc]}" "  USD: USD 1,200.00 in 2 new deals (2026Q2: none)"
# The workbook: Summary's pipeline created (this and the prior quarter), the
# ledger's touch times on the company's clocks, its header naming the zone.
xlsx=$(/usr/bin/python3 - "$scratch" <<'PY'
import sys, openpyxl
for zone in ("ny", "utc"):
    wb = openpyxl.load_workbook(f"{sys.argv[1]}/{zone}/allot-report.xlsx")
    pipe = [r for r in wb["Summary"].iter_rows(values_only=True) if r and r[0] == "Pipeline created"]
    print(zone, "pipeline", pipe[0][1], pipe[0][2])
    rows = list(wb["Ledger"].iter_rows(min_row=3, values_only=True))
    print(zone, "header", rows[0][4])
    for r in rows[1:]:
        print(zone, r[3], r[4].isoformat(sep=" "))
PY
)
expect "workbook" "$xlsx" "ny pipeline 1300 200
ny header Touch time (America/New_York)
ny t1 2026-09-15 08:00:00
ny t2 2026-09-30 22:00:00
utc pipeline 1200 0
utc header Touch time (UTC)
utc t1 2026-09-15 12:00:00"

# allot-load reads a local time without an offset in the config's zone when
# --timezone is not given: 30 Sep 21:00 in New York is 2026-10-01T01:00Z
# (1790816400), without a warning; --timezone still wins (UTC: 1790802000).
# A date alone (p8, a Salesforce report's Created Date) begins at New
# York's midnight: 2026-10-01 -> 2026-10-01T04:00Z (1790827200), a lead of
# Q4 there; read as midnight UTC it was 30 September 20:00 in New York.
printf 'person_id,email,created_at\np9,zoe@example.com,2026-09-30 21:00\np8,al@example.com,2026-10-01\n' > local.csv
db=$scratch/local.db
load --config "$cases/ny.ini" local.csv 2> err; expect "local exit" "$?" 0
expect "local no warning" "$(grep -c '0 warnings (table people)' err)" 1
expect "local instant" "$(q "SELECT created_at FROM people WHERE person_id = 'p9'")" 1790816400
expect "local date alone" "$(q "SELECT created_at FROM people WHERE person_id = 'p8'")" 1790827200
expect "local noted" "$(q 'SELECT time_zone FROM loads')" "America/New_York"
db=$scratch/local-flag.db
load --config "$cases/ny.ini" --timezone UTC local.csv 2> err; expect "flag exit" "$?" 0
expect "flag instant" "$(q "SELECT created_at FROM people WHERE person_id = 'p9'")" 1790802000
expect "flag date alone" "$(q "SELECT created_at FROM people WHERE person_id = 'p8'")" 1790812800

# An unknown zone in the config is a configuration error naming its line.
printf '[general]\ntimezone = America/Nowhere\n' > bad.ini
"$bin/allot-funnel" --db "$scratch/ny.db" --config bad.ini > /dev/null 2> err
expect "bad zone exit" "$?" 2
expect "bad zone message" "$(grep -c "bad.ini:2: \[general\] timezone = 'America/Nowhere': expected a tz database name" err)" 1

exit $fail
