#!/usr/bin/env bash
# allot-synth: determinism, exact row counts on stdout, referential integrity,
# time order, spend totals, and the planted channel effects (checked with an
# independent reading of the CSVs in Python).
set -euo pipefail
build=$1 tests=$2 scratch=$3
rm -rf "$scratch" && mkdir -p "$scratch"
synth=$build/allot-synth

"$synth" --out "$scratch/a" --touches 20000 --seed 7 --start 2025-01-01 > "$scratch/a.counts" 2> "$scratch/a.err"
"$synth" --out "$scratch/b" --touches 20000 --seed 7 --start 2025-01-01 > "$scratch/b.counts" 2> /dev/null
"$synth" --out "$scratch/c" --touches 20000 --seed 8 --start 2025-01-01 > /dev/null 2>&1
for f in "$scratch"/a/*.csv "$scratch"/a/exports/*.csv; do
  cmp "$f" "$scratch/b/${f#"$scratch"/a/}"     # same seed -> same bytes
done
if cmp -s "$scratch/a/touches.csv" "$scratch/c/touches.csv"; then
  echo "different seeds gave the same touches" >&2; exit 1
fi
grep -q '^allot-synth: wrote 2[0-9]\{4\} touches of' "$scratch/a.err"

# usage errors exit 2, --help exits 0
set +e
"$synth" > /dev/null 2>&1; [[ $? == 2 ]] || { echo "no --out should exit 2" >&2; exit 1; }
"$synth" --out "$scratch/x" --touches 0 > /dev/null 2>&1; [[ $? == 2 ]] || { echo "--touches 0 should exit 2" >&2; exit 1; }
"$synth" --out "$scratch/x" --start 2025-02-30 > /dev/null 2>&1; [[ $? == 2 ]] || { echo "bad --start should exit 2" >&2; exit 1; }
"$synth" --out "$scratch/a.err/x" --touches 100 > /dev/null 2>&1; [[ $? == 3 ]] || { echo "--out below a file should exit 3" >&2; exit 1; }
set -e
"$synth" --help | grep -q -- '--touches'
# --out creates missing parent folders too (mkdir -p)
"$synth" --out "$scratch/p/q" --touches 100 > /dev/null 2>&1 || { echo "--out with missing parents failed" >&2; exit 1; }
[[ -s "$scratch/p/q/touches.csv" ]] || { echo "no touches.csv under p/q" >&2; exit 1; }

python3 - "$scratch/a" "$scratch/a.counts" <<'PY'
import csv, sys, collections, os
d, counts = sys.argv[1], sys.argv[2]
def rows(name):
    with open(os.path.join(d, name), newline='') as f:
        return list(csv.DictReader(f))
T = {n: rows(n) for n in os.listdir(d) if n.endswith('.csv')}   # exports/ aside
fail = []
def check(cond, msg):
    if not cond: fail.append(msg)

# stdout: FILE<TAB>ROWS, exactly the data rows of each file
for line in open(counts):
    name, n = line.split('\t')
    check(len(T[name]) == int(n), f'{name}: {len(T[name])} rows, stdout says {n.strip()}')
check(len(T['touches.csv']) >= 20000, 'fewer touches than asked')

start, asof = '2025-01-01', '2027-01-01'
people = {p['person_id']: p for p in T['people.csv']}
deals = {x['deal_id']: x for x in T['deals.csv']}
camps = {c['campaign_id']: c for c in T['campaigns.csv']}
check(len(camps) == 15 * 8, 'campaigns: 15 per quarter over 8 quarters')
check(len(people) == len(T['people.csv']), 'duplicate person ids')

journeys = collections.defaultdict(list)
for t in T['touches.csv']:
    check(start <= t['occurred_at'][:10] < asof, f"touch {t['touch_id']} outside the window")
    check(bool(t['person_id']) != bool(t['anonymous_id']), f"touch {t['touch_id']}: person xor anonymous")
    if t['person_id']:
        check(t['person_id'] in people, f"touch {t['touch_id']}: unknown person")
        journeys[t['person_id']].append(t)
    check(not t['campaign_id'] or t['campaign_id'] in camps, f"touch {t['touch_id']}: unknown campaign")
check(set(journeys) == set(people), 'every person has touches')
lengths = [len(j) for j in journeys.values()]
check(min(lengths) >= 1 and max(lengths) <= 30, 'journey lengths 1..30')
check(max(lengths) >= 20, 'some long journeys')
check(sum(1 for l in lengths if l == 1) > 0.1 * len(lengths), 'many one-touch journeys')
for j in journeys.values():
    ts = [t['occurred_at'] for t in j]
    check(ts == sorted(ts), 'touches of a person in time order')
    # repeated channels: some journey shows the same campaign twice in a row
repeats = sum(1 for j in journeys.values() for a, b in zip(j, j[1:]) if a['utm_medium'] == b['utm_medium'] and a['utm_medium'])
check(repeats > 1000, 'repeated channels in journeys')
direct = sum(1 for t in T['touches.csv'] if t['touch_type'] == 'visit' and not t['utm_source'] and not t['referrer'])
check(direct > 0.05 * len(T['touches.csv']), 'direct visits')

order = ['lead', 'mql', 'contacted', 'sql', 'opportunity']
stages = collections.defaultdict(dict)
for s in T['stage_history.csv']:
    check(s['entered_at'][:10] < asof, 'stage after the data end')
    if s['entity_type'] == 'person':
        check(s['entity_id'] in people, 'stage of an unknown person')
    else:
        check(s['entity_id'] in deals, 'stage of an unknown deal')
    stages[s['entity_id']][s['stage']] = s['entered_at']
for pid, st in stages.items():
    if pid not in people: continue
    check(st.get('lead') == people[pid]['created_at'], f'{pid}: lead stage = created_at')
    seq = [st[k] for k in order if k in st]
    check(seq == sorted(seq), f'{pid}: stages in order')
    known = [k in st for k in order if k != 'contacted']
    check(known == sorted(known, reverse=True), f'{pid}: no stage skipped')
funnel = collections.Counter(k for st in stages.values() for k in st)
check(funnel['lead'] > funnel['mql'] > funnel['sql'] > funnel['opportunity'] > 0, 'funnel narrows')

won = {k for k, x in deals.items() if x['is_won'] == '1'}
for x in deals.values():
    check(x['currency'] in ('USD', 'EUR'), 'deal currency')
    closed = x['is_closed'] == '1'
    check((x['stage'] in ('won', 'lost')) == closed, f"{x['deal_id']}: stage vs is_closed")
    check((x['stage'] == 'won') == (x['is_won'] == '1'), f"{x['deal_id']}: stage vs is_won")
    check((x['close_date'] < asof) == closed, f"{x['deal_id']}: close date vs closed")
    check(x['amount'] != '' or x['stage'] != 'won', 'won deals have an amount')
    check(x['created_at'][:10] <= x['close_date'], 'created before close')
check(sum(1 for x in deals.values() if x['amount'] == '') >= 1, 'some NULL amounts')
check(len({x['currency'] for x in deals.values()}) == 2, 'two currencies')
states = collections.Counter(x['stage'] for x in deals.values())
check(states['won'] > 0 and states['lost'] > 0 and sum(states.values()) > states['won'] + states['lost'], 'won, lost and open deals')
prim = collections.Counter()
for dp in T['deal_people.csv']:
    check(dp['deal_id'] in deals and dp['person_id'] in people, 'deal_people references')
    prim[dp['deal_id']] += dp['is_primary'] == '1'
check(all(prim[k] == 1 for k in deals), 'one primary contact per deal')

subs = collections.defaultdict(list)
acct_of_won = {deals[k]['account_id'] for k in won}
for s in T['subscriptions.csv']:
    check(s['account_id'] in acct_of_won, 'subscriptions belong to won accounts')
    subs[s['account_id']].append(s)
churned = expanded = contracted = 0
for a, spans in subs.items():
    for p, q in zip(spans, spans[1:]):
        check(p['end_date'] == q['start_date'], 'spans are contiguous')
        expanded += float(q['mrr']) > float(p['mrr'])
        contracted += float(q['mrr']) < float(p['mrr'])
    churned += spans[-1]['end_date'] != ''
check(churned > 0 and expanded > 0 and contracted > 0, 'churn, expansion and contraction')

spent = collections.Counter()
for s in T['spend.csv']:
    check(s['campaign_id'] in camps, 'spend of an unknown campaign')
    spent[s['campaign_id']] += round(float(s['cost']) * 100)
for k, c in camps.items():
    check(round(float(c['actual_cost']) * 100) == spent[k], f'{k}: actual_cost = sum of spend')

fx = [r for r in T['fx_rates.csv'] if r['currency'] == 'EUR']
for p, q in zip(fx, fx[1:]):
    check(p['end_date'] == q['start_date'], 'fx intervals contiguous')
check(fx[0]['start_date'] <= start and fx[-1]['end_date'] == '', 'fx covers the window')

# planted effects: MQL rate of people whose journey includes Events vs Display only
def has(j, medium): return any(t['utm_medium'] == medium or t['touch_type'] in ('webinar', 'event') and medium == 'webinar' for t in j)
def mql_rate(sel):
    ids = [p for p, j in journeys.items() if sel(j)]
    return sum('mql' in stages[p] for p in ids) / max(1, len(ids)), len(ids)
ev, nev = mql_rate(lambda j: has(j, 'webinar'))
di, ndi = mql_rate(lambda j: all(t['utm_medium'] == 'display' for t in j))
check(ev > di + 0.25 and nev > 300 and ndi > 100, f'events MQL rate {ev:.2f} (n={nev}) vs display-only {di:.2f} (n={ndi})')
print(f'events MQL rate {ev:.2f} (n={nev}), display-only {di:.2f} (n={ndi})')

if fail:
    print('\n'.join(sorted(set(fail))[:30]), file=sys.stderr)
    sys.exit(1)
PY
echo "synth: ok"
