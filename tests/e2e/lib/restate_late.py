#!/usr/bin/env python3
"""The restatement sample-data/late/ makes, computed from the CSV files
alone (never from allot's results), for tests/e2e/demo_restate.sh.

    restate_late.py SAMPLE_DIR

reads SAMPLE_DIR/{deals,deal_people,touches}.csv (the run the quarter was
reported from) and SAMPLE_DIR/late/{deals,deal_people}.csv (the rows that
changed afterwards: a deal row replaces the deal with its id, a
deal_people row is added), and prints, for the revenue view under the
linear model with allot's defaults (lookback 90 days, UTC, no de-duplication,
no cap):

    deal,ID,CHANGE,FROM_PERIOD,TO_PERIOD,FROM,TO,DIFFERENCE
    period,PERIOD,DIFFERENCE                   (booked)
    campaign,PERIOD,CAMPAIGN_ID,DIFFERENCE     (credit; nonzero only)

amounts in dollars with two decimals. Only the deals named in the late files
can change under linear (a deal's credit depends on its own journey only).
Linear: each touch of the journey gets amount / L; the cents are split by
largest remainder, equal remainders to the earlier touch (so the first
amount mod L touches get one cent more). Journey: the touches of the deal's
people with close_date 23:59:59 UTC - 90 days <= occurred_at <= that
instant, ordered by (occurred_at, touch_id). Campaign '(none)' for touches
without one, '(unattributed)' for a won deal with no touch. Every deal
involved must be in USD (the reporting currency; rate 1): anything else
stops with exit 1.
"""
import csv
import datetime as dt
import sys
from collections import defaultdict

LOOKBACK = 90 * 86400


def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def epoch(ts):
    return int(dt.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%SZ")
               .replace(tzinfo=dt.timezone.utc).timestamp())


def quarter(date):
    y, m = int(date[:4]), int(date[5:7])
    return "%dQ%d" % (y, (m - 1) // 3 + 1)


def cents(amount):
    whole, _, frac = amount.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def money(c):
    sign = "-" if c < 0 else ""
    c = abs(c)
    return "%s%d.%02d" % (sign, c // 100, c % 100)


def state(deal, people, touches_of):
    """(period, amount in cents, {(touch_id, campaign): cents}) or None."""
    if not deal or deal["is_won"] != "1" or deal["is_closed"] != "1":
        return None
    if deal["currency"] != "USD":
        sys.exit("deal %s is in %s: only USD deals are handled" %
                 (deal["deal_id"], deal["currency"]))
    close = deal["close_date"]
    t_end = epoch(close + "T23:59:59Z")
    journey = sorted((epoch(t["occurred_at"]), t["touch_id"], t["campaign_id"] or "(none)")
                     for p in people for t in touches_of.get(p, [])
                     if t_end - LOOKBACK <= epoch(t["occurred_at"]) <= t_end)
    amount = cents(deal["amount"])
    if not journey:
        return quarter(close), amount, {("", "(unattributed)"): amount}
    n = len(journey)
    base, extra = divmod(amount, n)
    split = {}
    for i, (_, tid, camp) in enumerate(journey):
        split[(tid, camp)] = base + (1 if i < extra else 0)
    return quarter(close), amount, split


def main():
    d = sys.argv[1]
    deals = {r["deal_id"]: r for r in read(d + "/deals.csv")}
    late_deals = {r["deal_id"]: r for r in read(d + "/late/deals.csv")}
    dp = defaultdict(set)
    for r in read(d + "/deal_people.csv"):
        dp[r["deal_id"]].add(r["person_id"])
    late_dp = defaultdict(set, {k: set(v) for k, v in dp.items()})
    changed = set(late_deals)
    for r in read(d + "/late/deal_people.csv"):
        late_dp[r["deal_id"]].add(r["person_id"])
        changed.add(r["deal_id"])
    touches_of = defaultdict(list)
    for t in read(d + "/touches.csv"):
        if t["person_id"]:
            touches_of[t["person_id"]].append(t)

    booked = defaultdict(int)
    credit = defaultdict(int)
    for deal_id in sorted(changed):
        a = state(deals.get(deal_id), dp[deal_id], touches_of)
        b = state(late_deals.get(deal_id, deals.get(deal_id)), late_dp[deal_id], touches_of)
        if a is None and b is None:
            continue
        for s, sign in ((a, -1), (b, 1)):
            if s is None:
                continue
            booked[s[0]] += sign * s[1]
            for (_, camp), c in s[2].items():
                credit[(s[0], camp)] += sign * c
        if a is None:
            kind = "added"
        elif b is None:
            kind = "removed"
        elif a[0] != b[0]:
            kind = "moved"
        elif a[1] != b[1]:
            kind = "amount"
        elif a[2] != b[2]:
            kind = "resplit"
        else:
            continue
        print("deal,%s,%s,%s,%s,%s,%s,%s" % (
            deal_id, kind, a[0] if a else "", b[0] if b else "",
            money(a[1]) if a else "", money(b[1]) if b else "",
            money((b[1] if b else 0) - (a[1] if a else 0))))
    for p in sorted(booked):
        print("period,%s,%s" % (p, money(booked[p])))
    for (p, camp) in sorted(credit, key=lambda k: (k[0], k[1] == "(unattributed)",
                                                   k[1] == "(none)", k[1])):
        if credit[(p, camp)]:
            print("campaign,%s,%s,%s" % (p, camp, money(credit[(p, camp)])))


main()
