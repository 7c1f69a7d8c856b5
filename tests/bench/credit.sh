#!/usr/bin/env bash
# tests/bench/credit.sh [TOUCHES] — benchmark allot-credit: every rule-based
# model (--model rules) over an allot-synth company (default 10 000 000 touches), the ledger
# rows of one model written (--ledger-model linear), rollups of all 13.
# Whole process, median of 3 runs, peak RSS from /usr/bin/time -v.
# Uses the optimised build (tools/setup) and a scratch folder in
# ${ALLOT_BENCH_DIR:-/tmp/allot-bench}; the loaded database is reused.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
touches=${1:-10000000}
work=${ALLOT_BENCH_DIR:-/tmp/allot-bench}/credit-$touches
bin=$(ALLOT_SANITIZE=0 "$here/tools/setup" 2>/dev/null)
mkdir -p "$work"
db=$work/bench.db
if [[ ! -s $db ]]; then
  echo "credit bench: generating and loading $touches touches into $db" >&2
  "$bin/allot-synth" --out "$work/csv" --touches "$touches" >/dev/null
  "$bin/allot-load" --db "$db" "$work/csv"/*.csv >/dev/null
fi
n=$(sqlite3 "$db" "SELECT count(*) FROM touches")
deals=$(sqlite3 "$db" "SELECT count(*) FROM deals")
secs=(); rss=(); cpu=()
for i in 1 2 3; do
  /usr/bin/time -v "$bin/allot-credit" --db "$db" --model rules --ledger-model linear \
    > /dev/null 2> "$work/time.$i"
  secs+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(k=1;k<=n;k++) s=s*60+a[k]; print s}' "$work/time.$i")")
  cpu+=("$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u+s}' "$work/time.$i")")
  rss+=("$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.$i")")
  grep '^allot-credit: run' "$work/time.$i" >&2
done
median=$(printf '%s\n' "${secs[@]}" | sort -g | sed -n 2p)
cpu_median=$(printf '%s\n' "${cpu[@]}" | sort -g | sed -n 2p)
peak=$(printf '%s\n' "${rss[@]}" | sort -g | tail -1)
awk -v n="$n" -v d="$deals" -v s="$median" -v c="$cpu_median" -v r="$peak" 'BEGIN {
  printf "credit: %d touches, %d deals, 13 models (ledger of linear): median %.2f s wall (%.2f M touches/s), %.2f s CPU (%.2f M touches/s), peak RSS %.0f MiB (%.0f bytes/touch)\n",
         n, d, s, n / s / 1e6, c, n / c / 1e6, r / 1024, r * 1024 / n }'
