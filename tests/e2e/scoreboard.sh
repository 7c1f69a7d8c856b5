#!/usr/bin/env bash
# allot-funnel and allot-roi on sample-data/, checked against independent
# computations: the funnel counts and the speed-to-lead durations recomputed
# in SQL (python3's own sqlite3), the Wilson intervals with R's prop.test,
# the speed-to-lead quartiles with R's survival package, the ROI revenue tie
# out to the credit ledger's booked revenue and the spend to the spend table
# converted with fx_rates; byte-identical reruns; the planted channel effects.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$1; tests=$2; scratch=$3
rm -rf "$scratch"; mkdir -p "$scratch"; cd "$scratch"
data=$tests/../sample-data

"$bin/allot-load" --db s.db --config "$data/allot.ini" "$data"/*.csv >/dev/null 2>&1 \
  || fail "allot-load on sample-data"
"$bin/allot-credit" --db s.db --config "$data/allot.ini" >/dev/null 2>&1 || fail "allot-credit"

f() { "$bin/allot-funnel" --db s.db --config "$data/allot.ini" --as-of 2026-09-30 "$@"; }
f --period all --csv > funnel.csv 2> funnel.err || fail "allot-funnel: $(cat funnel.err)"
f --period all --csv --table speed > speed.csv 2>/dev/null || fail "speed"
f --period all --csv --table deals --by channel > deals.csv 2>/dev/null || fail "deals"
f --period all --csv --by channel > funnel_channel.csv 2>/dev/null || fail "funnel by channel"
head -1 funnel.csv | grep -q '^period,group,stage,count,next_stage,conversion,lower,upper' \
  || fail "funnel header: $(head -1 funnel.csv)"

r() { "$bin/allot-roi" --db s.db --config "$data/allot.ini" "$@"; }
r --period all --csv --model linear --bootstrap 200 --seed 5 > roi.csv 2> roi.err \
  || fail "allot-roi: $(cat roi.err)"
r --period all --csv --model linear --bootstrap 200 --seed 5 > roi2.csv 2>/dev/null
r --period all --csv --model linear --bootstrap 200 --seed 6 > roi3.csv 2>/dev/null
cmp -s roi.csv roi2.csv || fail "allot-roi is not deterministic for a fixed seed"
cmp -s roi.csv roi3.csv && fail "another seed gave identical bounds"
head -1 roi.csv | grep -q '^model,period,group,spend,revenue,roi,roi_lower,roi_upper,roas,cac,currency' \
  || fail "roi header: $(head -1 roi.csv)"
f --period all --csv > funnel2.csv 2>/dev/null
cmp -s funnel.csv funnel2.csv || fail "allot-funnel is not deterministic"
mkdir -p dir
f --period all --by channel --csv-dir dir >/dev/null 2>&1 || fail "--csv-dir"
cmp -s dir/funnel.csv funnel_channel.csv || fail "--csv-dir funnel.csv differs from --csv"
cmp -s dir/deals.csv deals.csv || fail "--csv-dir deals.csv differs from --csv --table deals"

# as of 2026-09-30 23:59:59 UTC
as_of=$(date -u -d '2026-09-30 23:59:59' +%s)
python3 - "$as_of" <<'PY' || exit 1
import csv, sqlite3, subprocess, sys
as_of = int(sys.argv[1])
db = sqlite3.connect("s.db")
def fail(msg):
    print("FAIL:", msg, file=sys.stderr); sys.exit(1)
def q(sql, *a):
    return db.execute(sql, a).fetchall()

# --- funnel counts, recomputed from the definitions (lib/funnel.h) ---
# person stages: MQL or later (the sample's stages are in time order, so the
# MQL time is the earliest of them); deals count for people with an MQL.
mql = dict(q("""SELECT entity_id, min(entered_at) FROM stage_history
               WHERE entity_type='person' AND stage IN ('mql','sql','opportunity','won')
               GROUP BY entity_id"""))
sqlp = {p for (p,) in q("""SELECT DISTINCT entity_id FROM stage_history WHERE entity_type='person'
                          AND stage IN ('sql','opportunity','won')""")}
oppp = {p for (p,) in q("""SELECT DISTINCT entity_id FROM stage_history WHERE entity_type='person'
                          AND stage IN ('opportunity','won')""")}
deal_people = q("SELECT dp.person_id, d.is_won FROM deal_people dp JOIN deals d USING (deal_id)")
wonp = set()
for p, won in deal_people:
    if p in mql:
        sqlp.add(p); oppp.add(p)
        if won: wonp.add(p)
leads = q("SELECT count(*) FROM people")[0][0]
want = {"lead": leads, "mql": len(mql), "sql": len(sqlp), "opportunity": len(oppp), "won": len(wonp)}
rows = list(csv.DictReader(open("funnel.csv")))
got = {}
for r in rows:
    if r["group"] != "(all)": fail("ungrouped funnel has group %s" % r["group"])
    got.setdefault(r["stage"], int(r["count"]))
if got != want: fail("funnel counts %s, SQL says %s" % (got, want))

# --- Wilson intervals against R prop.test ---
def r_wilson(x, n):
    out = subprocess.run(["Rscript", "-e",
        "ci <- prop.test(%d, %d, correct=FALSE)$conf.int; cat(sprintf('%%.6f %%.6f', ci[1], ci[2]))" % (x, n)],
        capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1])
for r in rows:
    if r["next_stage"] in ("", None): continue
    if (r["stage"], r["next_stage"]) not in (("lead", "mql"), ("mql", "won")): continue
    lo, hi = r_wilson(int(r["next_count"]), int(r["count"]))
    if abs(float(r["lower"]) - lo) > 2e-6 or abs(float(r["upper"]) - hi) > 2e-6:
        fail("%s->%s interval %s-%s, R says %s-%s" % (r["stage"], r["next_stage"], r["lower"], r["upper"], lo, hi))

# --- speed-to-lead: durations in SQL, quartiles from R survival ---
acts = {}
for p, t in q("""SELECT entity_id, entered_at FROM stage_history WHERE entity_type='person'
                 AND stage IN ('contacted','sql','opportunity','won')
                 UNION ALL SELECT dp.person_id, d.created_at FROM deal_people dp JOIN deals d USING (deal_id)
                 UNION ALL SELECT person_id, occurred_at FROM touches WHERE touch_type='sales_activity'"""):
    acts.setdefault(p, []).append(t)
times, events, eligible, met = [], [], 0, 0
for p, m in mql.items():
    a = [t for t in acts.get(p, []) if t <= as_of]
    after = [t for t in a if t >= m]
    if after: d, e = min(after) - m, 1
    elif a: d, e = 0, 1
    else: d, e = as_of - m, 0
    times.append(d / 3600.0); events.append(e)
    if as_of - m >= 24 * 3600:
        eligible += 1
        met += e and d <= 24 * 3600
speed = list(csv.DictReader(open("speed.csv")))[0]
if int(speed["mqls"]) != len(mql) or int(speed["sla_eligible"]) != eligible or int(speed["sla_met"]) != met:
    fail("speed counts %s/%s/%s, SQL says %d/%d/%d" % (speed["mqls"], speed["sla_eligible"], speed["sla_met"], len(mql), eligible, met))
with open("durations.csv", "w") as fh:
    fh.write("time,event\n")
    for t, e in zip(times, events): fh.write("%.10f,%d\n" % (t, e))
out = subprocess.run(["Rscript", "-e",
    "suppressMessages(library(survival)); d <- read.csv('durations.csv');"
    "q <- quantile(survfit(Surv(time, event) ~ 1, data=d), probs=c(.25,.5,.75))$quantile;"
    "cat(sprintf('%.4f', q))"], capture_output=True, text=True, check=True).stdout.split()
for name, ref in zip(("q1_hours", "median_hours", "q3_hours"), out):
    if abs(float(speed[name]) - float(ref)) > 1e-3:
        fail("speed %s = %s, R survival says %s" % (name, speed[name], ref))

# --- planted effects: Events and Referral beat Display and Paid Social ---
conv = {(r["group"]): r for r in csv.DictReader(open("funnel_channel.csv"))
        if r["stage"] == "lead" and r["next_stage"] == "mql"}
for strong in ("Events", "Referral"):
    for weak in ("Display", "Paid Social"):
        if not float(conv[strong]["lower"]) > float(conv[weak]["upper"]):
            fail("lead->MQL: %s %s not clearly above %s %s" % (strong, conv[strong]["conversion"], weak, conv[weak]["conversion"]))
deals = {r["group"]: r for r in csv.DictReader(open("deals.csv"))}
if not float(deals["Events"]["win_rate"]) > 2 * float(deals["Paid Social"]["win_rate"]):
    fail("win rate Events %s vs Paid Social %s" % (deals["Events"]["win_rate"], deals["Paid Social"]["win_rate"]))

# --- ROI tie-out: revenue = booked revenue of the run; spend = spend table ---
roi = list(csv.DictReader(open("roi.csv")))
run = q("SELECT max(run_id) FROM runs WHERE tool='allot-credit'")[0][0]
booked = q("SELECT sum(booked_minor) FROM rollup_period WHERE run_id=? AND model='linear'", run)[0][0] / 100.0
revenue = sum(float(r["revenue"]) for r in roi)
if abs(revenue - booked) > 0.005: fail("ROI revenue %.2f, ledger booked %.2f" % (revenue, booked))
spend = 0
for cost, cur, date in q("SELECT cost_micros, currency, date FROM spend"):
    rate = 1.0 if cur == "USD" else q("""SELECT rate FROM fx_rates WHERE currency=? AND start_date<=?
                                         AND (end_date IS NULL OR end_date>?)""", cur, date, date)[0][0]
    spend += round(cost * rate)
total = sum(float(r["spend"]) for r in roi)
if abs(total - spend / 1e6) > 0.01 * len(roi): fail("ROI spend %.2f, spend table %.2f" % (total, spend / 1e6))
for r in roi:
    s, v = float(r["spend"]), float(r["revenue"])
    if s > 0 and abs(float(r["roi"]) - (v - s) / s) > 1e-5: fail("ROI of %s" % r["group"])
    if s == 0 and r["roi"] != "": fail("ROI without spend for %s" % r["group"])
    if s > 0 and not float(r["roi_lower"]) <= float(r["roi"]) <= float(r["roi_upper"]):
        fail("ROI %s outside its interval for %s" % (r["roi"], r["group"]))
PY

# usage errors
set +e
"$bin/allot-roi" --db s.db --by source >/dev/null 2>&1; [[ $? -eq 2 ]] || fail "--by source is not exit 2"
"$bin/allot-funnel" --db s.db --period nonsense >/dev/null 2>&1; [[ $? -eq 2 ]] || fail "bad --period is not exit 2"
"$bin/allot-funnel" --db missing.db >/dev/null 2>&1; [[ $? -eq 3 ]] || fail "missing db is not exit 3"
set -e
echo "scoreboard e2e ok"
