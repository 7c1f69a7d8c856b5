#!/usr/bin/env bash
# allot-clv on tests/cases/retention/small.sql: the monthly payments derived
# from the subscriptions, the simple CLV by hand, the BG/NBD/Gamma-Gamma
# columns present, determinism and exit codes.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$1; tests=$2; scratch=$3
rm -rf "$scratch"; mkdir -p "$scratch"; cd "$scratch"
: > a.db
"$bin/allot-clv" --db a.db --csv >/dev/null 2>&1 || true   # creates the schema
sqlite3 a.db < "$tests/cases/retention/small.sql"
run() { "$bin/allot-clv" --db a.db --as-of 2026-06-30 "$@"; }

# Payments on the first start day and every monthly anniversary with MRR > 0,
# through 2026-06-30; months = days / 30.4375; T runs to 2026-07-01.
#   a1 01-01..06-01: 6 payments of 100; t_x 151 d, T 181 d
#   a2 01-15, 02-15 (ends 03-15): x 1, t_x 31 d, T 167 d, mean 200
#   a3 02-01 55, 03-01 55, 04-01 55, 05-01 88, 06-01 88: x 4,
#      repeat mean (55+55+88+88)/4 = 71.50; t_x 120 d, T 150 d
#   a4 02-10, 03-10, 04-10 (ends 05-10): x 2, t_x 59 d, T 141 d
#   a5 03-01 300, 04-01 300, 05-01 250, 06-01 250: x 3, mean 800/3; t_x 92 d, T 122 d
#   a6 04-01, 05-01 (ends 06-01): x 1, t_x 30 d, T 91 d, mean 60
run --csv --table customers 2>/dev/null | cut -d, -f1-6 > customers.csv
cat > expected.csv <<'CSV'
account_id,group,x,t_x,T,mean_value
a1,Paid Search,5,4.960985626,5.94661191,100.00
a2,Paid Search,1,1.018480493,5.486652977,200.00
a3,Email,4,3.942505133,4.928131417,71.50
a4,Email,2,1.938398357,4.632443532,100.00
a5,Partner,3,3.022587269,4.008213552,266.67
a6,Paid Search,1,0.9856262834,2.98973306,60.00
CSV
diff -u expected.csv customers.csv || fail "payments differ"

# Simple CLV = ARPA x 0.8 / churn, churn = churned / months at risk:
#   Paid Search: 2 / (301 d / 30.4375) = 0.2022425249; ARPA 1120 / 10 = 112.00;
#                112 * 0.8 / 0.2022425249 = 443.03
#   Email: 1 / (239 d / 30.4375) = 0.1273535565; ARPA 641 / 8 = 80.125 -> 80.13;
#          80.125 * 0.8 / 0.1273535565 = 503.32
#   Partner: no churn -> empty (not estimable)
#   (all): 3 / (662 d / 30.4375) = 0.13793429; ARPA 2861 / 22 = 130.05; 754.25
run --csv > groups.csv 2> groups.err
head -1 groups.csv | grep -q '^group,customers,active,churned,exposure_months,churn_rate,arpa,gross_margin,simple_clv,p_alive,expected_payments,expected_value,clv,clv_total,cac,ltv_cac,currency,horizon_months,annual_discount,name$' \
  || fail "groups header"
# name (the campaign's, by campaign) is empty for every channel group.
awk -F, 'NR > 1 && (NF != 20 || $20 != "") { exit 1 }' groups.csv || fail "name by channel"
cut -d, -f1-9 groups.csv | tail -n +2 > simple.csv
cat > expected.csv <<'CSV'
Email,2,1,1,7.852156057,0.1273535565,80.13,0.8,503.32
Paid Search,3,1,2,9.889117043,0.2022425249,112.00,0.8,443.03
Partner,1,1,0,4.008213552,0,275.00,0.8,
(all),6,3,3,21.74948665,0.13793429,130.05,0.8,754.25
CSV
diff -u expected.csv simple.csv || fail "simple CLV differs"
# The probabilistic columns are filled for every group; no CAC without a credit run.
awk -F, 'NR > 1 && ($10 == "" || $11 == "" || $12 == "" || $13 == "") { exit 1 }' groups.csv \
  || fail "BG/NBD / Gamma-Gamma columns empty"
grep -q "no CAC" groups.err || fail "missing CAC note"
# Gross margin from the config, overridden by --margin.
printf '[retention]\ngross_margin = 0.5\n' > half.ini
run --csv --config half.ini 2>/dev/null | grep -q '^Paid Search,3,1,2,9.889117043,0.2022425249,112.00,0.5,276.90,' \
  || fail "config gross margin"
run --csv --config half.ini --margin 0.8 2>/dev/null | grep -q '^Paid Search,.*,0.8,443.03,' \
  || fail "--margin override"

run --csv --table params 2>/dev/null > params.csv
[[ $(grep -c '^bgnbd,' params.csv) == 4 && $(grep -c '^gamma_gamma,' params.csv) == 3 ]] \
  || fail "params: $(cat params.csv)"

run > r1.txt 2>/dev/null; run > r2.txt 2>/dev/null
cmp -s r1.txt r2.txt || fail "report not deterministic"
set +e
run --horizon 0 >/dev/null 2>&1; [[ $? == 2 ]] || fail "--horizon 0 must exit 2"
run --table groups >/dev/null 2>&1; [[ $? == 2 ]] || fail "--table without --csv must exit 2"
"$bin/allot-clv" --db missing.db >/dev/null 2>&1; [[ $? == 3 ]] || fail "missing db must exit 3"
set -e
echo ok
