#!/usr/bin/env bash
# sample-data/ is exactly what its documented command generates (README
# "Sample company"): change allot-synth, then regenerate the sample with
#   build/allot-synth --out sample-data --touches 30000 --seed 1
set -euo pipefail
build=$1 tests=$2 scratch=$3
rm -rf "$scratch" && mkdir -p "$scratch"
sample=$(cd "$tests/../sample-data" && pwd)
"$build/allot-synth" --out "$scratch/co" --touches 30000 --seed 1 > /dev/null 2>&1
for f in "$scratch"/co/*.csv; do
  name=$(basename "$f")
  cmp "$f" "$sample/$name" || {
    echo "sample-data/$name differs from allot-synth's output; regenerate it (see this script)" >&2
    exit 1
  }
done
for f in "$scratch"/co/exports/*.csv; do
  name=exports/$(basename "$f")
  cmp "$f" "$sample/$name" || {
    echo "sample-data/$name differs from allot-synth's output; regenerate it (see this script)" >&2
    exit 1
  }
done
[[ $(ls "$sample"/exports/*.csv | wc -l) == $(ls "$scratch"/co/exports/*.csv | wc -l) ]] || {
  echo "sample-data/exports/ has CSV files allot-synth does not write" >&2; exit 1; }
[[ $(ls "$sample"/*.csv | wc -l) == $(ls "$scratch"/co/*.csv | wc -l) ]] || {
  echo "sample-data/ has CSV files allot-synth does not write" >&2; exit 1; }
echo "sample_data: ok"
