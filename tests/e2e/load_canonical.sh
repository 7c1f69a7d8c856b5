#!/usr/bin/env bash
# allot-load on the canonical fixtures of tests/cases/load/: row counts and
# exact stored values, read back with the sqlite3 shell. Expected epoch
# seconds come from GNU date, e.g. `date -u -d 2026-01-07T13:58:12Z +%s`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$(cd "$1" && pwd) tests=$(cd "$2" && pwd) scratch=$3
rm -rf "$scratch" && mkdir -p "$scratch"
cases=$tests/cases/load
db=$scratch/allot.db

cp "$cases"/{fx_rates,campaigns,spend,people,touches,deals,deal_people,stage_history,subscriptions}.csv "$scratch/"
cd "$scratch"
rc=0
"$bin/allot-load" --db "$db" fx_rates.csv campaigns.csv spend.csv people.csv touches.csv \
  deals.csv deal_people.csv stage_history.csv subscriptions.csv 2> load1.err || rc=$?
expect "first load exit" "$rc" 0
expect "summary deals" "$(grep -c '^allot-load: deals.csv: 3 read, 3 loaded, 0 updated, 0 unchanged, 0 rejected, 0 dropped as totals, 0 warnings (table deals)' load1.err)" 1
expect "summary touches" "$(grep -c '^allot-load: touches.csv: 3 read, 3 loaded, 0 updated, 0 unchanged, 0 rejected' load1.err)" 1

expect "row counts" "$(q "SELECT (SELECT count(*) FROM fx_rates)||' '||(SELECT count(*) FROM campaigns)||' '||(SELECT count(*) FROM spend)||' '||(SELECT count(*) FROM people)||' '||(SELECT count(*) FROM touches)||' '||(SELECT count(*) FROM deals)||' '||(SELECT count(*) FROM deal_people)||' '||(SELECT count(*) FROM stage_history)||' '||(SELECT count(*) FROM subscriptions)")" "2 2 2 2 3 3 2 3 2"
expect "loads rows" "$(q "SELECT count(*) FROM loads WHERE rows_read = rows_loaded AND dialect = 'canonical'")" 9
# Loads run with foreign keys off (lib/load.c begin_load): every row's
# load_id must still name the load of its own file, and foreign_key_check
# must find nothing. Same counts as "row counts" above.
expect "provenance" "$(q "SELECT (SELECT count(*) FROM fx_rates JOIN loads USING (load_id) WHERE file = 'fx_rates.csv')||' '||(SELECT count(*) FROM campaigns JOIN loads USING (load_id) WHERE file = 'campaigns.csv')||' '||(SELECT count(*) FROM spend JOIN loads USING (load_id) WHERE file = 'spend.csv')||' '||(SELECT count(*) FROM people JOIN loads USING (load_id) WHERE file = 'people.csv')||' '||(SELECT count(*) FROM touches JOIN loads USING (load_id) WHERE file = 'touches.csv')||' '||(SELECT count(*) FROM deals JOIN loads USING (load_id) WHERE file = 'deals.csv')||' '||(SELECT count(*) FROM deal_people JOIN loads USING (load_id) WHERE file = 'deal_people.csv')||' '||(SELECT count(*) FROM stage_history JOIN loads USING (load_id) WHERE file = 'stage_history.csv')||' '||(SELECT count(*) FROM subscriptions JOIN loads USING (load_id) WHERE file = 'subscriptions.csv')")" "2 2 2 2 3 3 2 3 2"
expect "foreign keys" "$(q "PRAGMA foreign_key_check")" ""

# Money: "48,000.00" EUR -> 48000 * 10^6 micros; blank amount stays NULL.
expect "deal amounts" "$(q "SELECT deal_id||'|'||coalesce(amount_micros,'NULL')||'|'||currency||'|'||is_closed||is_won FROM deals ORDER BY deal_id")" \
"d-1|48000000000|EUR|11
d-2|NULL|USD|00
d-3|1500500000|USD|10"
# created_at: 2026-02-11T09:00:00Z -> 1770800400; 2026-03-01T10:00:00+02:00 -> 1772352000;
# a date alone is midnight UTC: 2026-03-02 -> 1772409600.
expect "deal created_at" "$(q "SELECT group_concat(created_at, ' ') FROM (SELECT created_at FROM deals ORDER BY deal_id)")" "1770800400 1772352000 1772409600"
expect "deal close_date" "$(q "SELECT group_concat(coalesce(close_date,'NULL'), ' ') FROM (SELECT close_date FROM deals ORDER BY deal_id)")" "2026-05-29 NULL 2026-04-15"
expect "deal provenance" "$(q "SELECT group_concat(source_row, ' ') FROM (SELECT source_row FROM deals ORDER BY deal_id)")" "2 3 4"

# Spend: 1200.123456 USD keeps every micro; empty conversion_value is NULL.
expect "spend" "$(q "SELECT date||'|'||cost_micros||'|'||impressions||'|'||clicks||'|'||conversions||'|'||coalesce(conversion_value_micros,'NULL') FROM spend ORDER BY date")" \
"2026-01-05|431270000|10233|388|4.5|900000000
2026-01-06|1200123456|20000|700|7.0|NULL"

# People: e-mail trimmed and lower-cased; sha256 from `printf %s ana@example.com | sha256sum`.
expect "people email" "$(q "SELECT email||'|'||email_sha256 FROM people WHERE person_id='p-1'")" \
  "ana@example.com|8e43ca37701228e74983efdbd0cff5c16b3b1e5d4e29a7c05626d4d25a018e11"
# 2026-01-07T14:03:00Z -> 1767794580; 2026-02-11T09:00:00+01:00 -> 1770796800;
# "2026-01-08 08:00:00" (no offset = UTC) -> 1767859200
expect "people times" "$(q "SELECT person_id||'|'||created_at||'|'||coalesce(converted_at,'NULL') FROM people ORDER BY person_id")" \
"p-1|1767794580|1770796800
p-2|1767859200|NULL"

# Touches: 2026-01-07T13:58:12Z -> 1767794292; epoch seconds kept as is.
expect "touches" "$(q "SELECT touch_id||'|'||coalesce(person_id,'')||'|'||coalesce(anonymous_id,'')||'|'||occurred_at||'|'||touch_type FROM touches ORDER BY touch_id")" \
"t-1|p-1||1767794292|visit
t-2|p-1||1768903200|event
t-3||v-9f2c|1768000000|visit"
expect "campaign name with comma" "$(q "SELECT name||'|'||coalesce(budgeted_cost_micros,'NULL')||'|'||coalesce(end_date,'NULL') FROM campaigns WHERE campaign_id='cmp-2'")" "Brand Search, US|NULL|NULL"
expect "stage history" "$(q "SELECT group_concat(entity_type||':'||stage||':'||entered_at, ' ') FROM (SELECT * FROM stage_history ORDER BY entered_at)")" \
  "person:MQL:1767952800 person:SQL:1768471200 deal:Closed Won:1780070400"
expect "subscriptions" "$(q "SELECT group_concat(subscription_id||':'||mrr_micros||':'||coalesce(end_date,'open'), ' ') FROM (SELECT * FROM subscriptions ORDER BY start_date)")" \
  "s-1:4000000000:2027-06-01 s-2:4400000000:open"
expect "fx" "$(q "SELECT group_concat(currency||':'||start_date||':'||coalesce(end_date,'open')||':'||rate, ' ') FROM (SELECT * FROM fx_rates ORDER BY start_date)")" \
  "EUR:2026-01-01:2026-02-01:1.0842 EUR:2026-02-01:open:1.0791"
expect "deal_people" "$(q "SELECT group_concat(deal_id||':'||person_id||':'||coalesce(role,'')||':'||is_primary, ' ') FROM (SELECT * FROM deal_people ORDER BY deal_id)")" \
  "d-1:p-1:Decision Maker:1 d-2:p-2::0"
expect "runs" "$(q "SELECT tool||'|'||status FROM runs")" "allot-load|ok"

exit $fail
