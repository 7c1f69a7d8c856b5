#!/usr/bin/env bash
# allot-credit --paths on path files: exact removal effects derived by hand (see
# tests/unit/test_markov.c three_channels_with_a_cycle), Shapley, bootstrap
# determinism, the transition matrix and exit codes.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$1 tests=$2 scratch=$3
rm -rf "$scratch" && mkdir -p "$scratch"
cases=$tests/cases/datadriven
tool=$bin/allot-credit

# Order 1: RE_A = 1, RE_B = 1/4, RE_C = 4/7; 2 conversions shared 56:14:32 (/51).
# Value: only A converts, so r_v = 75 r (value 150 over 2 conversions at A), x_v = 75 x,
# the value removal effects equal the removal effects: 150 * (28, 7, 16) / 51.
"$tool" --paths "$cases/cycle.csv" --model markov --csv >"$scratch/m1.csv" 2>"$scratch/m1.err"
cat >"$scratch/m1.want" <<'CSV'
channel,removal_effect,conversions,value
A,1,1.098039,82.352941
B,0.25,0.274510,20.588235
C,0.571428571429,0.627451,47.058824
CSV
diff -u "$scratch/m1.want" "$scratch/m1.csv" || fail "order 1 removal effects"
grep -q "markov order 1 over 3 paths, 3 channels" "$scratch/m1.err" || fail "summary line"
grep -q "warning: 3 channels on fewer than 30 journeys" "$scratch/m1.err" || fail "support flag"

# The same journeys loaded into the database's paths table (canonical headers).
mkdir -p "$scratch/load"
printf 'path,conversions,value,nulls\nA > B > A,1,100,0\nB,0,0,1\nC > A,1,50,1\n' >"$scratch/load/paths.csv"
"$bin/allot-load" --db "$scratch/p.db" "$scratch/load/paths.csv" >/dev/null 2>&1 || fail "allot-load paths.csv"
"$tool" --db "$scratch/p.db" --paths-table --model markov --csv >"$scratch/mt.csv" 2>/dev/null
diff -u "$scratch/m1.want" "$scratch/mt.csv" || fail "--paths-table"

# Order 2: RE 1, 1/2, 1/2. Value: r_v(B,A) = 100, r_v(C,A) = 50/2 = 25,
# x_v0 = 1/4 * 100 + 1/2 * 25 = 37.5; without A 0, without B 12.5, without C 25:
# value RE 1, 2/3, 1/3 -> 150 * (1/2, 1/3, 1/6) = 75, 50, 25.
"$tool" --paths "$cases/cycle.csv" --model markov --order 2 --csv --min-journeys 1 >"$scratch/m2.csv" 2>/dev/null
cat >"$scratch/m2.want" <<'CSV'
channel,removal_effect,conversions,value
A,1,1.000000,75.000000
B,0.5,0.500000,50.000000
C,0.5,0.500000,25.000000
CSV
diff -u "$scratch/m2.want" "$scratch/m2.csv" || fail "order 2 removal effects"

# Transition matrix of order 1.
"$tool" --paths "$cases/cycle.csv" --model markov --transitions "$scratch/t.csv" >/dev/null 2>&1
cat >"$scratch/t.want" <<'CSV'
from,to,count,probability
(start),A,1,0.25
(start),B,1,0.25
(start),C,2,0.5
A,(conversion),2,0.5
A,(null),1,0.25
A,B,1,0.25
B,(null),1,0.5
B,A,1,0.5
C,A,2,1
CSV
diff -u "$scratch/t.want" "$scratch/t.csv" || fail "transition matrix"

# Simplified Shapley: A > B > A: A, B 1/2 each; C > A: A, C 1/2 each.
"$tool" --paths "$cases/cycle.csv" --model shapley --shapley simplified --csv >"$scratch/s.csv" 2>/dev/null
printf 'channel,shapley,conversions\nA,1,1.000000\nB,0.5,0.500000\nC,0.5,0.500000\n' >"$scratch/s.want"
diff -u "$scratch/s.want" "$scratch/s.csv" || fail "simplified shapley"

# [models] markov_order applies to --paths as to the database run; --order
# overrides it.
printf '[models]\nmarkov_order = 2\n' >"$scratch/o2.ini"
"$tool" --paths "$cases/cycle.csv" --model markov --config "$scratch/o2.ini" --csv --min-journeys 1 \
  >"$scratch/m2c.csv" 2>/dev/null || fail "--config with --paths"
diff -u "$scratch/m2.want" "$scratch/m2c.csv" || fail "[models] markov_order with --paths"
"$tool" --paths "$cases/cycle.csv" --model markov --config "$scratch/o2.ini" --order 1 --csv \
  >"$scratch/m1c.csv" 2>/dev/null
diff -u "$scratch/m1.want" "$scratch/m1c.csv" || fail "--order over [models] markov_order"

# 21 channels, one beyond exact Shapley's limit: the default --shapley auto
# takes the simplified value (as the ledger does), an explicit exact is exit 1.
# Paths: c01 .. c21 alone, 1 conversion each, and c01 > c02 with 2:
# phi(c01) = phi(c02) = 1 + 2/2 = 2, every other channel 1 (Σ = 23).
{ echo 'path;total_conversions;total_null'
  for i in $(seq -w 1 21); do echo "c$i;1;1"; done
  echo 'c01 > c02;2;0'; } >"$scratch/wide.csv"
"$tool" --paths "$scratch/wide.csv" --model shapley --csv >"$scratch/w.csv" 2>"$scratch/w.err" \
  || fail "auto Shapley over 21 channels: $(cat "$scratch/w.err")"
{ echo 'channel,shapley,conversions'; echo 'c01,2,2.000000'; echo 'c02,2,2.000000'
  for i in $(seq -w 3 21); do echo "c$i,1,1.000000"; done; } >"$scratch/w.want"
diff -u "$scratch/w.want" "$scratch/w.csv" || fail "auto Shapley over 21 channels"
grep -q "shapley (simplified) over 22 paths, 21 channels" "$scratch/w.err" || fail "auto summary: $(cat "$scratch/w.err")"
"$tool" --paths "$scratch/wide.csv" --model shapley --shapley auto --csv 2>/dev/null | cmp -s - "$scratch/w.want" \
  || fail "--shapley auto over 21 channels"
set +e
"$tool" --paths "$scratch/wide.csv" --model shapley --shapley exact --csv >/dev/null 2>"$scratch/w2.err"; rc=$?
set -e
[[ $rc == 1 ]] || fail "--shapley exact over 21 channels: exit $rc"
grep -q "limited to 20 channels" "$scratch/w2.err" || fail "exact limit message: $(cat "$scratch/w2.err")"

# Bootstrap: same seed, same bytes; another seed, other bytes.
"$tool" --paths "$cases/cycle.csv" --model markov --bootstrap 50 --seed 7 --csv >"$scratch/b1.csv" 2>/dev/null
"$tool" --paths "$cases/cycle.csv" --model markov --bootstrap 50 --seed 7 --csv >"$scratch/b2.csv" 2>/dev/null
"$tool" --paths "$cases/cycle.csv" --model markov --bootstrap 50 --seed 8 --csv >"$scratch/b3.csv" 2>/dev/null
head -1 "$scratch/b1.csv" | grep -qx "channel,removal_effect,conversions,value,lower,upper" || fail "bootstrap header"
cmp -s "$scratch/b1.csv" "$scratch/b2.csv" || fail "bootstrap not deterministic"
cmp -s "$scratch/b1.csv" "$scratch/b3.csv" && fail "bootstrap ignores the seed"

# Exit codes: data problem 1 (with file:line:column), usage 2, missing file 3.
set +e
"$tool" --paths "$cases/bad.csv" --model markov 2>"$scratch/e1"; rc=$?
[[ $rc == 1 ]] || fail "bad file exit $rc"
grep -q "bad.csv:2:1: empty channel name" "$scratch/e1" || fail "bad file message: $(cat "$scratch/e1")"
"$tool" --paths "$cases/cycle.csv" --model markov --order 5 2>/dev/null; rc=$?
[[ $rc == 2 ]] || fail "bad order exit $rc"
"$tool" --paths "$scratch/missing.csv" --model markov 2>/dev/null; rc=$?
[[ $rc == 3 ]] || fail "missing file exit $rc"
"$tool" --help >/dev/null; rc=$?
[[ $rc == 0 ]] || fail "--help exit $rc"
printf 'path;total_conversions;total_null\nA;0;3\n' >"$scratch/noconv.csv"
"$tool" --paths "$scratch/noconv.csv" --model markov 2>"$scratch/e2"; rc=$?
[[ $rc == 1 ]] || fail "no conversion exit $rc"
grep -q "never" "$scratch/e2" || fail "no conversion message"
set -e
echo "ok"
