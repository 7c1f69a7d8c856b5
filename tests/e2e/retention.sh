#!/usr/bin/env bash
# allot-retention on tests/cases/retention/small.sql (hand-made company; the
# derivations are in the fixture's comments and below), against R's
# survival package for the Kaplan-Meier and log-rank figures.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$1; tests=$2; scratch=$3
rm -rf "$scratch"; mkdir -p "$scratch"; cd "$scratch"
: > a.db
"$bin/allot-retention" --db a.db --csv >/dev/null 2>&1   # creates the schema (no accounts)
sqlite3 a.db < "$tests/cases/retention/small.sql"
run() { "$bin/allot-retention" --db a.db --as-of 2026-06-30 "$@"; }

# Tenure in days (/30.4375 = months): a1 181 censored, a2 59, a3 150 censored,
# a4 89, a5 122 censored, a6 61. R 4.x, survival 3.5.3:
#   d<-c(150,89,181,59,61,122); e<-c(0,1,0,1,1,0)
#   g<-c("Email","Email","PS","PS","PS","Partner"); t<-d/30.4375
#   survdiff(Surv(t,e)~g)  -> chisq 1.33669093448, p 0.512555917175,
#                             expected Email 1.2333333333 Partner 0.6166666667 PS 1.15
#   print(survfit(Surv(t,e)~g, conf.type="log-log"), rmean=12, digits=10)
#     Email   median 2.924024641 LCL 2.924024641 UCL NA rmean 7.462012320 se 3.208841861
#     Partner median NA                           rmean 12           se 0
#     PS      median 2.004106776 LCL 1.938398357 UCL NA rmean 5.314168378 se 2.729523270
#   print(survfit(Surv(t,e)~1, conf.type="log-log"), rmean=12, digits=10)
#     all     median 2.924024641 LCL 1.938398357 UCL NA rmean 7.144421629 se 1.986532363
run --csv --table summary > summary.csv 2> summary.err
cat > expected.csv <<'CSV'
group,customers,churned,median,median_lower,median_upper,rmst,rmst_se,horizon,conf_type,name
Email,2,1,2.924024641,2.924024641,,7.46201232,3.208841861,12,log-log,
Paid Search,3,2,2.004106776,1.938398357,,5.314168378,2.72952327,12,log-log,
Partner,1,0,,,,12,0,12,log-log,
(all),6,3,2.924024641,1.938398357,,7.144421629,1.986532363,12,log-log,
CSV
diff -u expected.csv summary.csv || fail "summary CSV differs"
grep -q "6 accounts (3 churned) in 3 channel groups, as of 2026-06-30, 4 cohorts x 6 periods" \
  summary.err || fail "summary line: $(cat summary.err)"

run --csv --table logrank > logrank.csv 2>/dev/null
cat > expected.csv <<'CSV'
group,customers,observed,expected,chisq,df,p_value,name
Email,2,1,1.233333333,1.336690934,2,0.512556,
Paid Search,3,2,1.15,1.336690934,2,0.512556,
Partner,1,0,0.6166666667,1.336690934,2,0.512556,
CSV
diff -u expected.csv logrank.csv || fail "log-rank CSV differs"

# Kaplan-Meier of everyone, R: summary(survfit(Surv(t,e)~1, conf.type="log-log"))
#   1.938398357 6 1 0.8333333333 0.1521451549 0.2731228499 0.9747124267
#   2.004106776 5 1 0.6666666667 0.1924500897 0.1946166368 0.9044341643
#   2.924024641 4 1 0.5000000000 0.2041241452 0.1109482604 0.8037092369
run --csv > km.csv 2>/dev/null
head -1 km.csv | grep -q '^group,time,at_risk,events,survival,std_err,lower,upper' && fail "censored column missing"
head -1 km.csv | grep -q '^group,time,at_risk,events,censored,survival,std_err,lower,upper,cumhaz,cumhaz_se,conf_type,conf_level,name$' \
  || fail "km header: $(head -1 km.csv)"
grep -q '^(all),1.938398357,6,1,0,0.8333333333,0.1521451549,0.2731228499,0.9747124267,' km.csv || fail "km t1"
grep -q '^(all),2.004106776,5,1,0,0.6666666667,0.1924500897,0.1946166368,0.9044341643,' km.csv || fail "km t2"
grep -q '^(all),2.924024641,4,1,0,0.5,0.2041241452,0.1109482604,0.8037092369,' km.csv || fail "km t3"
# log interval (R survfit's default): summary(survfit(Surv(t,e)~1))$lower
#   -> 0.5826547955 0.3786064609 0.2246303478
run --csv --conf-type log 2>/dev/null | grep -q '^(all),2.004106776,5,1,0,0.6666666667,0.1924500897,0.3786' \
  || fail "log interval"

# --alpha A (as allot-funnel and allot-roi) sets every interval at 1 - A;
# --conf-level L is the older spelling of --alpha 1-L. R:
#   summary(survfit(Surv(t,e)~1, conf.type="log-log", conf.int=0.9))
#   lower 0.3880478656 0.2704129020 0.1610148836, upper 0.9654940132 0.8818720629 0.7686800070
run --csv --alpha 0.1 > km90.csv 2>/dev/null
grep -q '^(all),1.938398357,6,1,0,0.8333333333,0.1521451549,0.3880478656,0.9654940132,.*,log-log,0.9,$' km90.csv || fail "--alpha 0.1 t1: $(grep '^(all)' km90.csv | head -1)"
grep -q '^(all),2.004106776,5,1,0,0.6666666667,0.1924500897,0.270412902,0.8818720629,.*,log-log,0.9,$' km90.csv || fail "--alpha 0.1 t2"
grep -q '^(all),2.924024641,4,1,0,0.5,0.2041241452,0.1610148836,0.768680007,.*,log-log,0.9,$' km90.csv || fail "--alpha 0.1 t3"
run --csv --conf-level 0.9 2>/dev/null | cmp -s - km90.csv || fail "--conf-level 0.9 must equal --alpha 0.1"
run --csv --alpha 0.1 --conf-level 0.9 2>/dev/null | cmp -s - km90.csv || fail "agreeing --alpha and --conf-level"
run --csv --alpha 0.05 2>/dev/null | cmp -s - km.csv || fail "--alpha 0.05 must be the default"
set +e
run --csv --alpha 0.1 --conf-level 0.95 >/dev/null 2> both.err; rc=$?
set -e
[[ $rc == 2 ]] || fail "disagreeing --alpha and --conf-level must exit 2, got $rc"
grep -q '^allot-retention: --alpha 0.1 and --conf-level 0.95 disagree' both.err || fail "message: $(cat both.err)"
set +e
run --csv --alpha 1 >/dev/null 2>&1; [[ $? == 2 ]] || fail "--alpha 1 must exit 2"
set -e

# Cohorts by month (as of 2026-06-30, June complete): blended "on" k=2 is 5/6
# (a6 has no revenue in June), k=3 pools Jan, Feb, Mar only (April's k=3 is
# July): 4/5; revenue k=3 (100 + 188 + 250) / (300 + 155 + 300) = 538/755.
run --csv --table cohort > cohort.csv 2>/dev/null
grep -q '^(blended),2,1,6,5,0.8333333333,' cohort.csv || fail "blended k=2"
grep -q '^(blended),3,1,5,4,0.8,0.3755346298,0.9637758914,4,0.8,.*,538.00,755.00,0.7125827815$' cohort.csv \
  || fail "blended k=3: $(grep '^(blended),3' cohort.csv)"
grep -q '^2026-04,3,0,,,,,,,,,,,,$' cohort.csv || fail "April k=3 must be empty"
grep -q '^2026-02,3,1,2,2,1,0.3423802275,1,2,1,0.3423802275,1,188.00,155.00,1.212903226$' cohort.csv \
  || fail "February k=3 (a3's expansion: 55 -> 88)"

# Bridge 2026Q2 (the last complete quarter): t0 = 03-31, t1 = 06-30, ARR = 12 MRR:
#   a1 1200 -> 1200; a3 660 -> 1056 (+396); a4 1200 -> 0 (churn);
#   a5 3600 -> 3000 (-600); a6 starts and ends inside the quarter (not in it)
#   start 6660, end 5256; NRR 5256/6660, GRR (1200+660+3000)/6660; churn 1/4
#   (Wilson, R prop.test(1,4,correct=FALSE): 0.04558726081 0.6993581574)
run --csv --table bridge --bootstrap 0 > bridge.csv 2>/dev/null
cat > expected.csv <<'CSV'
period,currency,start_arr,new,expansion,contraction,churn,end_arr,fx,nrr,grr,accounts_start,accounts_lost,accounts_new,logo_churn,logo_churn_lower,logo_churn_upper,nrr_lower,nrr_upper,grr_lower,grr_upper,bootstrap,seed
2026Q2,USD,6660.00,0.00,396.00,600.00,1200.00,5256.00,0.00,0.7891891892,0.7297297297,4,1,0,0.25,0.04558726081,0.6993581574,,,,,0,1
CSV
diff -u expected.csv bridge.csv || fail "bridge CSV differs"
# The bootstrap interval (over the 4 starting accounts) brackets the estimate
# and is the same for the same seed.
run --csv --table bridge --seed 7 > boot1.csv 2>/dev/null
run --csv --table bridge --seed 7 > boot2.csv 2>/dev/null
cmp -s boot1.csv boot2.csv || fail "bootstrap not reproducible"
awk -F, 'NR == 2 { if (!($18 <= $10 && $10 <= $19 && $20 <= $11 && $11 <= $21 && $22 == 1000 && $23 == 7)) exit 1 }' boot1.csv \
  || fail "bootstrap bounds: $(tail -1 boot1.csv)"
# Q1: t0 = 2025-12-31 (nobody), t1 = 03-31: a1 1200, a3 660, a4 1200, a5 3600 new.
run --csv --table bridge --period 2026Q1 2>/dev/null | grep -q '^2026Q1,USD,0.00,6660.00,0.00,0.00,0.00,6660.00,0.00,,,0,0,4,,,,,,,,1000,1$' \
  || fail "Q1 bridge"

# Groupings: a1's first won deal says Paid Search; a4 has no source at all.
run --csv --table summary --by source 2>/dev/null | cut -d, -f1-3 | tr '\n' ' ' > by_source.txt
[[ "$(cat by_source.txt)" == "group,customers,churned (none),1,1 Newsletter,1,0 Paid Search,1,0 Partner,1,0 Web,2,2 (all),6,3 " ]] \
  || fail "by source: $(cat by_source.txt)"

# Not grouped: one "(all)" row, not two.
[[ $(run --csv --table summary --by none 2>/dev/null | grep -c '^(all),6,3,') == 1 ]] || fail "--by none"

# Same inputs, same bytes; the run is recorded.
run > report1.txt 2>/dev/null; run > report2.txt 2>/dev/null
cmp -s report1.txt report2.txt || fail "report not deterministic"
grep -q "NRR  78.9 %   GRR  73.0 %" report1.txt || fail "report bridge line"
[[ $(sqlite3 a.db "SELECT count(*) FROM runs WHERE tool='allot-retention' AND status='ok'") -ge 8 ]] \
  || fail "runs not recorded"

# Exit codes: usage 2, future period 2, missing database 3.
set +e
run --by colour >/dev/null 2>&1; [[ $? == 2 ]] || fail "bad --by must exit 2"
run --period 2026Q3 >/dev/null 2>&1; [[ $? == 2 ]] || fail "unfinished --period must exit 2"
"$bin/allot-retention" --db missing.db >/dev/null 2>&1; [[ $? == 3 ]] || fail "missing db must exit 3"
run --table km >/dev/null 2>&1; [[ $? == 2 ]] || fail "--table without --csv must exit 2"
set -e
echo ok
