#!/usr/bin/python3
"""An independent reference for the workbook's Retention and CLV sheets.

usage: xlsx_retention_check.py WORKBOOK DB PERIOD [--margin M]

Reads the subscriptions, fx rates, people, touches and deals of DB with
sqlite3 and recomputes, from the definitions in README ("Retention",
"Lifetime value") and shared/spec/statistics.md, with exact fractions where
the figure is a ratio of sums: the as-of day, every account's tenure and
acquisition channel, the ARR bridge of PERIOD (YYYYQn, or a range
FIRST..LAST in YYYY-MM-DD) with NRR and GRR, or, for a period that ends
after the data, the note that replaces them; the chain to the previous
period, the monthly cohort matrix and its blended
row, the Kaplan-Meier steps by channel with their log-log 95 % bands, and
the CLV sheet's customers, active, churned, monthly churn, ARPA and simple
CLV; its BG/NBD and Gamma-Gamma columns from the fitted parameters the
sheet shows (P(alive), expected payments over 36 months, expected value,
discounted CLV at 10 % a year, Fader, Hardie & Lee 2005, with its own
hypergeometric series), and that the Gamma-Gamma parameters are a
stationary point of the log-likelihood. It also checks the sheets' labels:
period, reporting currency (titles and number formats), as-of date,
channel names.

None of allot's code or output is used; the reporting currency is read
from the workbook's Summary. Prints one line per mismatch and exits 1 when
there is any.
"""
import datetime as dt
import math
import sqlite3
import sys
from fractions import Fraction as F

import openpyxl

DAYS_PER_MONTH = F(36525, 1200)  # 30.4375
Z95 = 1.959963984540054          # qnorm(0.975)
HORIZON, ANNUAL_DISCOUNT = 36, 0.10
errors = []


def fail(msg):
    errors.append(msg)


def day(s):
    return dt.date.fromisoformat(s)


def add_months(d, k):
    y, m = divmod(d.month - 1 + k, 12)
    y, m = d.year + y, m + 1
    last = (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(y, m, min(d.day, last))


def month_start(d, k=0):
    y, m = divmod(d.month - 1 + k, 12)
    return dt.date(d.year + y, m + 1, 1)


def cents(x):
    """Half away from zero, as a Fraction of whole cents / 100."""
    c = abs(x) * 100
    n = int(c) + (1 if c - int(c) >= F(1, 2) else 0)
    return F(n if x >= 0 else -n, 100)


def micros(x):
    """Money is held in whole micros (lib/money.h): a converted amount is
    rounded half away from zero to the micro."""
    return cents(x * 10**4) / 10**4


# ---- the data -------------------------------------------------------------

def load(db, currency):
    con = sqlite3.connect(db)
    q = lambda sql, *a: con.execute(sql, a).fetchall()
    subs = q("SELECT subscription_id, account_id, start_date, end_date, mrr_micros, currency"
             " FROM subscriptions WHERE mrr_micros > 0")
    rates = q("SELECT currency, start_date, end_date, rate FROM fx_rates")
    ends = [day(s) for s in
            [r[2] for r in subs] + [r[3] for r in subs if r[3]]]
    latest = q("SELECT max(t) FROM (SELECT max(occurred_at) AS t FROM touches"
               " UNION ALL SELECT max(entered_at) FROM stage_history)")[0][0]
    if latest is not None:
        ends.append(dt.datetime.fromtimestamp(latest, dt.timezone.utc).date())
    people = q("SELECT person_id, account_id FROM people")
    deal_people = q("SELECT dp.person_id, d.account_id FROM deal_people dp"
                    " JOIN deals d USING (deal_id)")
    touches = q("SELECT touch_id, person_id, occurred_at, touch_type, channel FROM touches")
    won = q("SELECT account_id, close_date, deal_id, lead_source FROM deals WHERE is_won = 1")
    return dict(subs=subs, rates=rates, data_end=max(ends), people=people,
                deal_people=deal_people, touches=touches, won=won, currency=currency)


def rate(d, cur, on):
    """Units of the reporting currency per unit of cur on day on (lib/fx.h:
    the table is in its base currency; a currency with rows converts at its
    rate / the reporting currency's)."""
    def raw(c):
        rows = [r for r in d["rates"] if r[0] == c]
        if not rows:
            return F(1)
        for _, s, e, v in rows:
            if day(s) <= on and (e is None or on < day(e)):
                return F(v).limit_denominator(10**9)
        raise SystemExit(f"reference: no {c} rate on {on}")
    return raw(cur) / raw(d["currency"])


class Account:
    pass


def accounts(d, as_of):
    by = {}
    for sid, acc, s, e, mrr, cur in d["subs"]:
        if day(s) > as_of:
            continue  # rows starting after the as-of day are ignored
        by.setdefault(acc, []).append(
            (day(s), day(e) if e else None, micros(F(mrr, 10**6) * rate(d, cur, as_of))))
    out = {}
    for acc, rows in sorted(by.items()):
        a = Account()
        a.id, a.rows = acc, rows
        a.first = min(r[0] for r in rows)
        # tenure: the first day without revenue after the first start
        end = a.first
        while True:
            cover = [r for r in rows if r[0] <= end and (r[1] is None or end < r[1])]
            if not cover:
                break
            if any(r[1] is None for r in cover):
                end = None
                break
            end = max(r[1] for r in cover)
        a.churned = end is not None and end <= as_of
        a.days = ((end if a.churned else as_of + dt.timedelta(days=1)) - a.first).days
        out[acc] = a
    return out


def mrr(a, on):
    return sum((v for s, e, v in a.rows if s <= on and (e is None or on < e)), F(0))


def channel(d, a):
    """First-touch channel of the account's people up to the end of its
    first start day (not sales activity); else its first won deal's
    lead_source; else (none)."""
    persons = {p for p, acc in d["people"] if acc == a.id}
    persons |= {p for p, acc in d["deal_people"] if acc == a.id}
    limit = dt.datetime.combine(a.first + dt.timedelta(days=1), dt.time(),
                                dt.timezone.utc).timestamp()
    ts = sorted((t[2], t[0], t[4]) for t in d["touches"]
                if t[1] in persons and t[3] != "sales_activity" and t[2] < limit)
    if ts:
        if not ts[0][2]:
            raise SystemExit(f"reference: touch {ts[0][1]} has no channel (outside its scope)")
        return ts[0][2]
    deals = sorted((c, i, src) for acc, c, i, src in d["won"] if acc == a.id)
    return deals[0][2] if deals and deals[0][2] else "(none)"


# ---- the workbook ---------------------------------------------------------

def rows_of(ws):
    return [list(r) for r in ws.iter_rows(values_only=True)]


def find(rows, first):
    for i, r in enumerate(rows):
        if r and r[0] == first:
            return i
    fail(f"no row starting with {first!r}")
    return None


def close(a, b, rel=1e-9, absolute=1e-12):
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= max(absolute, rel * abs(float(b)))


def expect(what, got, want, rel=1e-9, absolute=1e-12):
    if not close(got, want, rel, absolute):
        fail(f"{what}: sheet {got!r}, reference {float(want) if want is not None else None!r}")


def expect_money(what, got, want):
    """A money cell holds whole cents (the reference's exact figure given)."""
    if got is None or abs(F(got).limit_denominator(10**6) - want) > F(1, 10**6):
        fail(f"{what}: sheet {got!r}, reference {float(want):.2f}")


# ---- Kaplan-Meier, statistics.md ------------------------------------------

def km(times_events):
    """[(days, at risk, events, S, lower, upper)] at the event times, the
    log-log band at 95 % (exp(-exp(log(-log S) +- z s / log S)))."""
    out, s, var = [], F(1), 0.0
    for t in sorted({t for t, _ in times_events}):
        n = sum(1 for u, _ in times_events if u >= t)
        dd = sum(1 for u, e in times_events if u == t and e)
        if not dd:
            continue
        s *= 1 - F(dd, n)
        if n > dd:
            var += dd / (n * (n - dd))
        lo = hi = None
        if 0 < s < 1:
            ls = math.log(s)
            w = Z95 * math.sqrt(var) / ls
            lo = math.exp(-math.exp(math.log(-ls) - w))
            hi = math.exp(-math.exp(math.log(-ls) + w))
        out.append((t, n, dd, s, lo, hi))
    return out


# ---- BG/NBD and Gamma-Gamma, Fader, Hardie & Lee (2005) ---------------------

def hyp2f1(a, b, c, z):
    """Power series; z here is t / (alpha + T + t), well inside the unit disc."""
    term, total, k = 1.0, 1.0, 0
    while abs(term) > 1e-17 * abs(total):
        term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z
        total += term
        k += 1
        if k > 100000:
            raise SystemExit("reference: 2F1 series did not converge")
    return total


def bgnbd_alive_denominator(r, alpha, a, b, x, t_x, T):
    if x == 0:
        return 1.0
    # ln((alpha+T)/(alpha+t_x)) by log1p: alpha may be ~1e12 (a limiting fit)
    return 1.0 + a / (b + x - 1) * math.exp((r + x) * math.log1p((T - t_x) / (alpha + t_x)))


def bgnbd_expected(r, alpha, a, b, x, t_x, T, t):
    if t == 0:
        return 0.0
    ratio = math.exp(-(r + x) * math.log1p(t / (alpha + T)))
    num = (a + b + x - 1) / (a - 1) * (
        1 - ratio * hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t)))
    return num / bgnbd_alive_denominator(r, alpha, a, b, x, t_x, T)


def bgnbd_loglik(r, alpha, a, b, cust):
    """README's BG/NBD log-likelihood, summed over (x, t_x, T); lnG(r+x) - lnG(r)
    as a sum of logs and r ln alpha - (r+x) ln(alpha+T) as -r log1p(T/alpha)
    - x ln(alpha+T), so that a limiting fit (r, alpha ~ 1e12) keeps its digits."""
    lbeta = lambda u, w: math.lgamma(u) + math.lgamma(w) - math.lgamma(u + w)
    ll = 0.0
    for x, t_x, T in cust:
        head = sum(math.log(r + i) for i in range(x))
        terms = [lbeta(a, b + x) - lbeta(a, b) - r * math.log1p(T / alpha) - x * math.log(alpha + T)]
        if x > 0:
            terms.append(lbeta(a + 1, b + x - 1) - lbeta(a, b) - r * math.log1p(t_x / alpha)
                         - x * math.log(alpha + t_x))
        top = max(terms)
        ll += head + top + math.log(sum(math.exp(t - top) for t in terms))
    return ll


def lgamma_ratio(s, q):
    """ln G(s + q) - ln G(s). For s >= 100 Stirling's series, its leading
    terms rearranged as (s - 1/2) log1p(q/s) + q ln(s + q) - q so that
    nothing ~s ln s is subtracted (a limiting Gamma-Gamma fit has p x ~ 1e9)."""
    if s < 100:
        return math.lgamma(s + q) - math.lgamma(s)
    tail = lambda z: (1 / 12 - (1 / 360 - (1 / 1260 - 1 / (1680 * z * z)) / (z * z)) / (z * z)) / z
    return (s - 0.5) * math.log1p(q / s) + q * math.log(s + q) - q + tail(s + q) - tail(s)


def gg_loglik(p, q, v, cust):
    """README's Gamma-Gamma log-likelihood over (x, m), rearranged without
    cancellation: lnG(px+q) - lnG(px) - lnG(q) from the larger of px, q;
    q ln v + (px-1) ln m + px ln x - (px+q) ln(v+xm) as
    -q log1p(xm/v) - px log1p(v/(xm)) - ln m."""
    ll = 0.0
    for x, m in cust:
        s = p * x
        gam = lgamma_ratio(s, q) - math.lgamma(q) if s >= q else lgamma_ratio(q, s) - math.lgamma(s)
        ll += gam - q * math.log1p(x * m / v) - s * math.log1p(v / (x * m)) - math.log(m)
    return ll


# ---- the checks -------------------------------------------------------------

def main():
    book, db, period = sys.argv[1:4]
    margin = 0.8
    if len(sys.argv) > 5 and sys.argv[4] == "--margin":
        margin = float(sys.argv[5])
    wb = openpyxl.load_workbook(book, data_only=True)
    summary = rows_of(wb["Summary"])
    currency = summary[find(summary, "Reporting currency")][1]
    d = load(db, currency)
    if ".." in period:
        # a range FIRST..LAST (README "Periods"): the prior period is as
        # long and ends the day before FIRST, labelled the same way
        a, b = period.split("..")
        p_start, p_end = day(a), day(b) + dt.timedelta(days=1)
        prior_start = p_start - (p_end - p_start)
        prior_label = f"{prior_start}..{p_start - dt.timedelta(days=1)}"
    else:
        y, q = int(period[:4]), int(period[5])
        p_start = dt.date(y, 3 * q - 2, 1)
        p_end = month_start(p_start, 3)
        prior_start, prior_label = month_start(p_start, -3), period_before(period)
    t0, t1 = p_start - dt.timedelta(days=1), p_end - dt.timedelta(days=1)
    as_of = min(t1, d["data_end"])
    acc = accounts(d, as_of)
    chan = {a: channel(d, acc[a]) for a in acc}
    money_fmt = f'#,##0.00 "{currency}";-#,##0.00 "{currency}"'

    # Retention: the bridge (README "Revenue bridge, NRR, GRR, logo churn")
    ret = wb["Retention"]
    rows = rows_of(ret)
    want_title = f"Revenue retention over {period} (ARR, {currency})"
    if rows[0][0] != want_title:
        fail(f"Retention title {rows[0][0]!r}, want {want_title!r}")
    # A period whose last day is after the data's end has no bridge: the
    # ARR of its last day is not known (README "The finance workbook",
    # Retention). The sheet says so under its title, the Summary's NRR of
    # the period is blank (the prior period's too when it also ends after
    # the data) and its status line of the Retention sheet is the note.
    if t1 > d["data_end"]:
        if d["data_end"] < p_start:
            note = (f"The data ends on {d['data_end']}, before {period} begins ({p_start}): "
                    f"no ARR bridge, NRR or GRR for it")
        else:
            note = (f"The data ends on {d['data_end']}, before {period} does ({t1}): no ARR "
                    f"bridge, NRR or GRR until that day is in the data. For {p_start} to "
                    f"{d['data_end']} only, run with --period {p_start}..{d['data_end']}")
        if rows[1][0] != note or any(v is not None for v in rows[1][1:]):
            fail(f"Retention A2 {rows[1]!r}, want only {note!r}")
        for r in rows:
            if r and r[0] in ("Start ARR", f"{prior_label} End ARR"):
                fail(f"a bridge row of a period after the data's end: {r}")
        k = find(summary, "Net revenue retention")
        if k is not None:
            # blank, or "no data" for a period wholly after the data
            # (README "A period the data do not cover"; these fixtures'
            # deals and spend end before their subscriptions do)
            want = "no data" if d["data_end"] < p_start else None
            if summary[k][1] != want or summary[k][3] is not None:
                fail(f"Summary NRR of {period} {summary[k][1:4]}, want {want!r} and no change")
            if t0 > d["data_end"]:
                if summary[k][2] is not None:
                    fail(f"Summary prior NRR {summary[k][2]}, want blank: {t0} is after the data")
            else:
                # the prior quarter's, as for a period inside the data (below)
                pt0 = prior_start - dt.timedelta(days=1)
                b0 = {a: 12 * mrr(x, pt0) for a, x in acc.items()}
                b1 = {a: 12 * mrr(x, t0) for a, x in acc.items()}
                base = sum((v for v in b0.values() if v > 0), F(0))
                expect("Summary prior NRR", summary[k][2],
                       sum((b1[a] for a in acc if b0[a] > 0), F(0)) / base if base else None)
        k = find(summary, "Retention")
        if k is not None and summary[k][1] != note:
            fail(f"Summary status of Retention {summary[k][1]!r}, want {note!r}")
    i = find(rows, "Start ARR") if t1 <= d["data_end"] else None
    if i is not None:
        if rows[i][:8] != ["Start ARR", "New", "Expansion", "Contraction", "Churn", "End ARR",
                           "NRR", "GRR"]:
            fail(f"bridge header {rows[i][:8]}")
        arr0 = {a: 12 * mrr(x, t0) for a, x in acc.items()}
        arr1 = {a: 12 * mrr(x, t1) for a, x in acc.items()}
        present = [a for a in acc if arr0[a] > 0]
        start = sum((arr0[a] for a in present), F(0))
        new = sum((arr1[a] for a in acc if arr0[a] == 0), F(0))
        exp_ = sum((max(arr1[a] - arr0[a], 0) for a in present if arr1[a] > 0), F(0))
        con = sum((max(arr0[a] - arr1[a], 0) for a in present if arr1[a] > 0), F(0))
        churn = sum((arr0[a] for a in present if arr1[a] == 0), F(0))
        end = sum(arr1.values(), F(0))
        assert start + new + exp_ - con - churn == end
        got = rows[i + 1]
        expect_money("Start ARR", got[0], cents(start))
        expect_money("End ARR", got[5], cents(end))
        for k, (name, v, sign) in enumerate([("New", new, 1), ("Expansion", exp_, 1),
                                             ("Contraction", con, -1), ("Churn", churn, -1)]):
            # the moves by largest remainder: each within a cent of its exact value
            if got[1 + k] is None or abs(F(got[1 + k]).limit_denominator(10**6) - sign * v) >= F(1, 100):
                fail(f"{name}: sheet {got[1 + k]!r}, reference {float(sign * v):.6f}")
        total = sum(F(x).limit_denominator(10**6) for x in got[:5])
        if total != F(got[5]).limit_denominator(10**6):
            fail(f"the bridge's cents do not foot: {got[:6]}")
        if start:
            expect("NRR", got[6], sum((arr1[a] for a in present), F(0)) / start)
            expect("GRR", got[7], sum((min(arr0[a], arr1[a]) for a in present), F(0)) / start)
        elif got[6] is not None or got[7] is not None:
            fail(f"NRR/GRR without a start book: {got[6:8]}")
        # the Summary's headline NRR: this period's, and the prior quarter's
        # over the same accounts at the same (as-of) rates
        k = find(summary, "Net revenue retention")
        if k is not None:
            expect("Summary NRR", summary[k][1],
                   sum((arr1[a] for a in present), F(0)) / start if start else None)
            pt0 = prior_start - dt.timedelta(days=1)
            b0 = {a: 12 * mrr(x, pt0) for a, x in acc.items()}
            b1 = {a: 12 * mrr(x, t0) for a, x in acc.items()}
            base = sum((v for v in b0.values() if v > 0), F(0))
            expect("Summary prior NRR", summary[k][2],
                   sum((b1[a] for a in acc if b0[a] > 0), F(0)) / base if base else None)
        for c in ret[i + 2][:6]:
            if c.number_format != money_fmt:
                fail(f"Retention {c.coordinate} format {c.number_format!r}, want {money_fmt!r}")
        # the chain: the previous quarter's End ARR at its own rates + FX = Start
        j = find(rows, f"{prior_label} End ARR")
        if j is not None:
            prior_rates = min(t0, d["data_end"])
            prev = 12 * sum((micros(F(m, 10**6) * rate(d, cur, prior_rates))
                             for _, _, s, e, m, cur in d["subs"]
                             if day(s) <= t0 and (e is None or t0 < day(e))), F(0))
            expect_money("previous End ARR", rows[j + 1][0], cents(prev))
            expect_money("FX", rows[j + 1][1], cents(start) - cents(prev))
            expect_money("chain Start ARR", rows[j + 1][2], cents(start))
            note = rows[j + 1][3] or ""
            want = (f"{prior_label} End ARR at its rates ({prior_rates}) + FX (the "
                    f"same accounts revalued at {as_of}) = Start ARR.")
            if not note.startswith(want):
                fail(f"chain note {note!r}, want it to start {want!r}")

    # Retention: the cohort matrix (README "Cohort matrices"), as of the
    # day its title names
    title = ("Logo retention by monthly acquisition cohort, as of "
             f"{as_of} (share of the cohort's accounts active k months after acquisition; "
             "blank = not yet observed)")
    find(rows, title)
    i = find(rows, "Cohort")
    if i is not None:
        cohorts = {}
        for a, x in acc.items():
            cohorts.setdefault(month_start(x.first), []).append(x)

        def eligible(c, k):
            return month_start(c, k + 1) - dt.timedelta(days=1) <= as_of

        def active(x, c, k):
            lo, hi = month_start(c, k), month_start(c, k + 1)
            return any(s < hi and (e is None or e > lo) for s, e, _ in x.rows)

        shown = [c for c in sorted(cohorts) if eligible(c, 0)][-12:]
        ages = max((k + 1 for c in shown for k in range(13) if eligible(c, k)), default=0)
        want_head = ["Cohort"] + [f"M{k}" for k in range(ages)]
        if rows[i][:ages + 1] != want_head or any(v is not None for v in rows[i][ages + 1:]):
            fail(f"cohort header {rows[i]}, want {want_head}")
        for n, c in enumerate(shown):
            r = rows[i + 1 + n]
            label = f"{c:%Y-%m} (n={len(cohorts[c])})"
            if r[0] != label:
                fail(f"cohort row {n}: {r[0]!r}, want {label!r}")
            for k in range(ages):
                want = (F(sum(active(x, c, k) for x in cohorts[c]), len(cohorts[c]))
                        if eligible(c, k) else None)
                expect(f"cohort {label} M{k}", r[1 + k], want)
        r = rows[i + 1 + len(shown)]
        if r[0] != "Blended":
            fail(f"blended row label {r[0]!r}")
        for k in range(ages):
            el = [c for c in shown if eligible(c, k)]
            want = F(sum(active(x, c, k) for c in el for x in cohorts[c]),
                     sum(len(cohorts[c]) for c in el)) if el else None
            expect(f"blended M{k}", r[1 + k], want)

    # Retention: Kaplan-Meier by channel, the five largest channels, largest
    # first (ties by name), a t = 0 row then one row per event time
    title = ("Kaplan-Meier customer survival by acquisition channel (log-log interval, 95 %, "
             f"as of {as_of})")
    i = find(rows, title)
    if i is not None:
        groups = {}
        for a, x in acc.items():
            groups.setdefault(chan[a], []).append((x.days, x.churned))
        order = sorted(groups, key=lambda g: (-len(groups[g]), g.encode()))[:5]
        want = []
        for g in order:
            want.append((g, 0, len(groups[g]), 0, F(1), 1, 1))
            want += [(g,) + step for step in km(groups[g])]
        got = [r for r in rows[i + 2:] if r and r[0] is not None]
        head = rows[i + 1]
        if head[:7] != ["Channel", "Days", "Survival", "Lower", "Upper", "At risk", "Churned"]:
            fail(f"KM header {head}")
        if len(got) != len(want):
            fail(f"KM rows: sheet {len(got)}, reference {len(want)}")
        for r, w in zip(got, want):
            where = f"KM {w[0]} at {w[1]} days"
            if r[0] != w[0]:
                fail(f"{where}: channel {r[0]!r}")
            expect(f"{where} days", r[1], w[1])
            expect(f"{where} survival", r[2], w[4])
            expect(f"{where} lower", r[3], w[5], rel=1e-9)
            expect(f"{where} upper", r[4], w[6], rel=1e-9)
            expect(f"{where} at risk", r[5], w[2])
            expect(f"{where} churned", r[6], w[3])

    # CLV (README "Lifetime value"): as of the same day as Retention
    ws = wb["CLV"]
    crows = rows_of(ws)
    want_title = (f"Customer lifetime value by acquisition channel ({currency}; gross margin "
                  f"{100 * margin:.0f} %, 36-month horizon, 10 % annual discount, as of {as_of})")
    if crows[0][0] != want_title:
        fail(f"CLV title {crows[0][0]!r}, want {want_title!r}")
    i = find(crows, "Channel")
    params, fits = {}, {}
    i_par = find(crows, "Model")
    if i_par is not None and crows[i_par][:7] != ["Model", "Parameter", "Estimate", "Std. error",
                                                   "Log-likelihood", "Customers", "Fit"]:
        fail(f"CLV parameters header {crows[i_par][:7]}")
    for r in crows:
        if r and r[0] in ("BG/NBD", "Gamma-Gamma"):
            params[r[1]] = (r[2], r[3])
            fits.setdefault(r[0], set()).add((r[4], r[5], r[6]))
    groups = sorted(set(chan.values()), key=str.encode) + ["(all)"]
    monthly = (1 + ANNUAL_DISCOUNT) ** (1 / 12) - 1
    gg_data = []
    per_customer = {}
    for a, x in acc.items():
        pays = []
        k = 0
        while (pd := add_months(x.first, k)) <= as_of:
            if mrr(x, pd) > 0:
                pays.append((pd, mrr(x, pd)))
            k += 1
        n_x = len(pays) - 1
        t_x = (pays[-1][0] - pays[0][0]).days / float(DAYS_PER_MONTH)
        T = ((as_of + dt.timedelta(days=1)) - pays[0][0]).days / float(DAYS_PER_MONTH)
        m = sum((v for _, v in pays[1:]), F(0)) / n_x if n_x else F(0)
        if n_x:
            gg_data.append((n_x, float(m)))
        per_customer[a] = (pays, n_x, t_x, T, m)
    have_fit = all(k in params for k in ("r", "alpha", "a", "b", "p", "q", "v"))
    if not have_fit:
        fail(f"fitted parameters missing from the CLV sheet: {sorted(params)}")
    for n, g in enumerate(groups):
        members = [a for a in acc if g == "(all)" or chan[a] == g]
        r = crows[i + 1 + n]
        if r[0] != g:
            fail(f"CLV row {n}: {r[0]!r}, want {g!r}")
            continue
        expect(f"CLV {g} customers", r[1], len(members))
        expect(f"CLV {g} active", r[2], sum(mrr(acc[a], as_of) > 0 for a in members))
        churned = sum(acc[a].churned for a in members)
        expect(f"CLV {g} churned", r[3], churned)
        exposure = sum(acc[a].days for a in members) / DAYS_PER_MONTH
        churn = churned / exposure
        expect(f"CLV {g} monthly churn", r[4], churn)
        pays = [v for a in members for _, v in per_customer[a][0]]
        arpa = sum(pays, F(0)) / len(pays)
        expect(f"CLV {g} ARPA", r[5], arpa)
        expect(f"CLV {g} simple CLV", r[6], arpa * F(margin).limit_denominator(1000) / churn
               if churned else None)
        if not have_fit:
            continue
        rr, al, aa, bb = (params[k][0] for k in ("r", "alpha", "a", "b"))
        p, qq, v = (params[k][0] for k in ("p", "q", "v"))
        alive = expected = value = clv = 0.0
        for a in members:
            _, x, t_x, T, m = per_customer[a]
            alive += 1 / bgnbd_alive_denominator(rr, al, aa, bb, x, t_x, T)
            expected += bgnbd_expected(rr, al, aa, bb, x, t_x, T, HORIZON)
            val = (p * (v + x * float(m)) / (p * x + qq - 1)) if x else p * v / (qq - 1)
            value += val
            prev = 0.0
            for k in range(1, HORIZON + 1):
                e = bgnbd_expected(rr, al, aa, bb, x, t_x, T, k)
                clv += (e - prev) * val * margin / (1 + monthly) ** k
                prev = e
        nm = len(members)
        expect(f"CLV {g} P(alive)", r[7], alive / nm, rel=1e-7)
        expect(f"CLV {g} expected payments", r[8], expected / nm, rel=1e-7)
        expect(f"CLV {g} expected value", r[9], value / nm, rel=1e-9)
        expect(f"CLV {g} BG/NBD CLV", r[10], clv / nm, rel=1e-7)
        for col in (5, 6, 9, 10, 11):
            if ws.cell(i + 2 + n, col + 1).number_format != money_fmt:
                fail(f"CLV {g} column {col + 1} format {ws.cell(i + 2 + n, col + 1).number_format!r}")
    if have_fit:
        # each model's log-likelihood, customers and Fit, the same on its rows
        for model, names, ll, n in (
                ("BG/NBD", ("r", "alpha", "a", "b"),
                 lambda th: bgnbd_loglik(*th, [(c[1], c[2], c[3]) for c in per_customer.values()]),
                 len(per_customer)),
                ("Gamma-Gamma", ("p", "q", "v"), lambda th: gg_loglik(*th, gg_data), len(gg_data))):
            if len(fits.get(model, ())) != 1:
                fail(f"{model} rows disagree on their fit: {fits.get(model)}")
                continue
            got_ll, got_n, fit = next(iter(fits[model]))
            fit = fit or ""
            est = [params[k][0] for k in names]
            # 1e-7: both sides take lbeta from lgamma, whose difference at
            # a, b ~ 5e6 (2026Q1's BG/NBD) keeps about 8 digits
            expect(f"{model} log-likelihood", got_ll, ll(est), rel=1e-7)
            expect(f"{model} customers", got_n, n)
            # a limiting model has a log-parameter beyond 20 and no standard
            # errors; any other fit without them says why
            at_bound = any(abs(math.log(e)) > 20 for e in est)
            no_se = [params[k][1] is None for k in names]
            if at_bound != fit.startswith("limiting model") or (at_bound and not all(no_se)) \
                    or (any(no_se) != ("no standard errors" in fit)):
                fail(f"{model}: Fit {fit!r} and standard errors {[params[k][1] for k in names]}"
                     f" for estimates {est}")
    if have_fit and params["p"][1] is not None:
        # the Gamma-Gamma estimates maximise the likelihood: its gradient in
        # the log-parameters vanishes (central differences, step 1e-5), to
        # within the simplex's tolerance: 2026Q1 of small.sql stops on the
        # ridge towards q, v -> infinity at 0.0022 per unit of ln q
        base = [math.log(params[k][0]) for k in ("p", "q", "v")]
        ll = lambda th: gg_loglik(*(math.exp(t) for t in th), gg_data)
        for k, name in enumerate("pqv"):
            up, dn = list(base), list(base)
            up[k] += 1e-5
            dn[k] -= 1e-5
            grad = (ll(up) - ll(dn)) / 2e-5
            if abs(grad) > 1e-2:
                fail(f"Gamma-Gamma d LL / d ln {name} = {grad:.3g} at the sheet's estimate")
    for e in errors:
        print(e)
    return 1 if errors else 0


def period_before(period):
    y, q = int(period[:4]), int(period[5])
    return f"{y - 1}Q4" if q == 1 else f"{y}Q{q - 1}"


if __name__ == "__main__":
    sys.exit(main())
