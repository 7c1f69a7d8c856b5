#!/usr/bin/env bash
# allot-synth output loads with zero rejects, and every table holds exactly
# the rows allot-synth reported; money and channels survive the trip.
set -euo pipefail
build=$1 tests=$2 scratch=$3
rm -rf "$scratch" && mkdir -p "$scratch"
"$build/allot-synth" --out "$scratch/co" --touches 5000 --seed 3 > "$scratch/counts" 2> /dev/null
db=$scratch/allot.db
"$build/allot-load" --db "$db" "$scratch"/co/*.csv 2> "$scratch/load.err" || {
  cat "$scratch/load.err" >&2; echo "allot-load failed" >&2; exit 1; }
if grep -Ev ' 0 rejected(,| in )' "$scratch/load.err" | grep -q 'rejected'; then
  cat "$scratch/load.err" >&2; echo "rows were rejected" >&2; exit 1
fi
# One line per file with the program's prefix, then the totals over the nine
# files: every row allot-synth wrote (the sum of its FILE<TAB>ROWS lines) read
# and loaded.
[[ $(grep -c '^allot-load: .*/co/[a-z_]*\.csv: [0-9]* read, [0-9]* loaded, 0 updated, 0 unchanged, 0 rejected, 0 dropped as totals, 0 warnings (table [a-z_]*) in [0-9.]* s$' "$scratch/load.err") == 9 ]] \
  || { cat "$scratch/load.err" >&2; echo "per-file summary lines" >&2; exit 1; }
total=$(awk -F'\t' '{ n += $2 } END { print n }' "$scratch/counts")
grep -q "^allot-load: 9 files (9 committed): $total read, $total loaded, 0 updated, 0 unchanged, 0 rejected in [0-9.]* s$" "$scratch/load.err" \
  || { cat "$scratch/load.err" >&2; echo "no total line for $total rows" >&2; exit 1; }
q() { sqlite3 "$db" "$1"; }
[[ $(q "SELECT count(*) FROM rejects") == 0 ]]
while IFS=$'\t' read -r file rows; do
  table=${file%.csv}
  got=$(q "SELECT count(*) FROM $table")
  if [[ "$got" != "$rows" ]]; then
    echo "$table: $got rows in the database, allot-synth wrote $rows" >&2; exit 1
  fi
done < "$scratch/counts"
[[ $(wc -l < "$scratch/counts") == 9 ]]
# campaigns.actual_cost is the sum of the campaign's spend rows, to the micro
bad=$(q "SELECT count(*) FROM campaigns c WHERE actual_cost_micros <>
         (SELECT coalesce(sum(cost_micros), 0) FROM spend s WHERE s.campaign_id = c.campaign_id)")
[[ "$bad" == 0 ]] || { echo "$bad campaigns whose actual cost differs from their spend" >&2; exit 1; }
# every won deal has an amount in USD or EUR; some open deal has none
[[ $(q "SELECT count(*) FROM deals WHERE is_won = 1 AND amount_micros IS NULL") == 0 ]]
[[ $(q "SELECT group_concat(currency) FROM (SELECT DISTINCT currency FROM deals ORDER BY 1)") == "EUR,USD" ]]
# timestamps are epoch seconds inside the window 2024-10-01 .. 2026-10-01
[[ $(q "SELECT count(*) FROM touches WHERE occurred_at < 1727740800 OR occurred_at >= 1790812800") == 0 ]]
echo "synth_load: ok"
