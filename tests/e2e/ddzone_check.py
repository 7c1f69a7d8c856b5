"""An independent reference for the data-driven models (markov, shapley) in a
reporting time zone: tests/e2e/ddzone.sh checks allot-credit against it.

It never runs allot's code. It reads the fixture's SQL (its INSERT
statements, into an in-memory SQLite database with tables of its own) and
applies the published definitions with exact fractions:

- journeys (README "Journeys", spec attribution.md): a deal's people are its
  deal_people; the conversion instant T is the close date's last second on
  the zone's clocks (revenue: won deals with a close date) or created_at
  (pipeline: every deal); the window is T - lookback*86400 <= occurred_at
  <= T, touches in (occurred_at, touch_id) order. With a period, only
  converting deals whose event date (close date; created day in the zone)
  is in it convert. Non-converting journeys: lost deals (revenue view; the
  window before their close date's end) and people with touches who are on
  no deal at all (window ending at their last touch). Only touches with an
  explicit channel are supported (no taxonomy);
- markov (README "Markov removal effects", Anderl et al. 2016), order k
  (--order, default 1; states the tuples of the last k channels, the first
  ones of a journey shorter), repeats collapsed unless --keep-repeats:
  transition counts over converting and non-converting journeys, P(conv)
  from the absorbing chain solved exactly (Gaussian elimination over
  fractions), RE(c) = 1 - P(conv | c removed) / P(conv), where removing c
  sends every transition into a state containing c to NULL; attributed
  conversions RE / sum RE * conversions;
- shapley (README "Shapley values"; --shapley simplified: phi_c = sum of
  R(S)/|S| over the distinct-channel sets S holding c), exact: v(S) = conversions / journeys
  of the journeys whose channel set is within S (0 when none), phi by the
  Shapley formula over all coalitions; attributed conversions phi / sum
  phi * conversions;
- ledger (README "In the ledger", "The ledger"): channel weight = the score,
  negative counted as 0, normalised; a touch on c gets w(c) / sum of w over
  the journey's distinct channels / touches of c in the journey (equal
  shares, rule "<model>(equal)", when all weigh 0); the amount in cents is
  split by largest remainder, ties to the earlier touch; no touch ->
  one '(unattributed)' row; period = calendar quarter of the event date;
- rollups (README "Rollups", "CSV"): per period and channel (and campaign,
  '(none)' without one) the credited cents, the deals giving the group a
  positive weight, the share of the period's booked amount; per period the
  booked, credited and unattributed cents;
- bootstrap (README "Uncertainty: journey bootstrap"): each replicate draws
  as many journeys as there are from the multinomial over the cells
  (journey i converting, journey i not converting), the journeys in the
  set's order: converting deals in deal id order, lost deals in deal id
  order, then people without a deal in the order of their first touch row;
  the draw is libgsl's own gsl_ran_multinomial with gsl_rng_mt19937 seeded
  with the seed (through ctypes: the sampler is GSL's, not allot's), the
  model is refitted here on every replicate (exact fractions; a replicate
  with no conversion attributes 0), and the bounds are the 2.5 % and
  97.5 % percentiles with linear interpolation between order statistics,
  computed here.

usage: ddzone_check.py [--order K] [--keep-repeats] [--shapley simplified]
                      FIXTURE.sql ZONE EVENT PERIOD CMD [ARGS]
  EVENT revenue|pipeline; PERIOD a calendar quarter (2026Q1) or '-' (all);
  the options as allot-credit's (markov order, repeats, the simplified
  Shapley value: phi_c = sum of R(S)/|S| over the channel sets S holding c)
  print                 the reference: scores, ledger rows, rollups
  csv                   the channel rollup CSV allot-credit --csv prints
  check DB RUN          compare the run's model_scores, ledger,
                        rollup_channel, rollup_campaign, rollup_period with
                        the reference; exit 1 on any difference
  boot MODEL B SEED     print the reference bootstrap bounds per channel
  checkboot DB RUN MODEL B SEED   compare model_scores.lower/upper
or: ddzone_check.py [--order K] [--keep-repeats] [--shapley simplified]
                    paths FILE MODEL B SEED CSV
  compare the lower,upper columns of allot-credit --paths FILE --model MODEL
  --bootstrap B --seed S --csv (6 decimals) with the reference's replicates
"""
import ctypes
import ctypes.util
import sqlite3
import sys
from datetime import date, datetime, timedelta
from fractions import Fraction
from itertools import combinations
from math import factorial
from zoneinfo import ZoneInfo

LOOKBACK = 90


def load(fixture):
    db = sqlite3.connect(":memory:")
    db.executescript("""
        CREATE TABLE people(person_id, created_at, account_id);
        CREATE TABLE touches(touch_id, person_id, occurred_at, touch_type, channel, campaign_id);
        CREATE TABLE deals(deal_id, amount_micros, currency, is_won, is_closed, created_at,
                           close_date);
        CREATE TABLE deal_people(deal_id, person_id, is_primary);
    """)
    with open(fixture) as f:
        db.executescript(f.read())
    return db


def day_end(zone, d):
    """The last second of civil day d on the zone's clocks (epoch seconds)."""
    nxt = d + timedelta(days=1)
    return int(datetime(nxt.year, nxt.month, nxt.day, tzinfo=zone).timestamp()) - 1


def quarter(d):
    return "%dQ%d" % (d.year, (d.month - 1) // 3 + 1)


class Journeys:
    def __init__(self, db, zone, event, period):
        self.touches = {}    # person -> [(at, touch_id, channel, campaign)]
        self.all_channels = set()
        self.first_row = {}  # person -> rowid of their first touch row
        for rowid, tid, pid, at, ch, camp in db.execute(
                "SELECT rowid, touch_id, person_id, occurred_at, channel, campaign_id "
                "FROM touches ORDER BY rowid"):
            if pid is None:
                continue
            if not ch:
                sys.exit("ddzone_check: touch %s has no channel (not supported)" % tid)
            self.touches.setdefault(pid, []).append((at, tid, ch, camp))
            self.all_channels.add(ch)
            self.first_row.setdefault(pid, rowid)
        for v in self.touches.values():
            v.sort(key=lambda t: (t[0], t[1]))
        people_of = {}
        for d, p in db.execute("SELECT deal_id, person_id FROM deal_people"):
            people_of.setdefault(d, []).append(p)
        on_a_deal = {p for ps in people_of.values() for p in ps}

        def window(people, t_end):
            ts = [t for p in people for t in self.touches.get(p, [])
                  if t_end - LOOKBACK * 86400 <= t[0] <= t_end]
            return sorted(ts, key=lambda t: (t[0], t[1]))

        self.converting = []  # (deal, amount_micros, period, journey)
        lost = []
        for d, amount, is_won, is_closed, created, close in db.execute(
                "SELECT deal_id, amount_micros, is_won, is_closed, created_at, close_date "
                "FROM deals ORDER BY deal_id"):
            people = people_of.get(d, [])
            if event == "pipeline":
                ev_day = datetime.fromtimestamp(created, zone).date()
                t_end = created
            elif is_won and close:
                ev_day = date.fromisoformat(close)
                t_end = day_end(zone, ev_day)
            elif is_closed and close:
                lost.append((d, window(people, day_end(zone, date.fromisoformat(close)))))
                continue
            else:
                continue
            if period and quarter(ev_day) != period:
                continue
            self.converting.append((d, amount, quarter(ev_day), window(people, t_end)))
        nobody = []
        for p in sorted(self.touches, key=lambda p: self.first_row[p]):
            if p in on_a_deal:
                continue
            last = self.touches[p][-1][0]
            nobody.append((p, window([p], last)))
        # The fit's journeys, in the set's order (the bootstrap's cells).
        self.fit = [([t[2] for t in j], 1) for _, _, _, j in self.converting if j]
        self.fit += [([t[2] for t in j], 0) for _, j in lost if j]
        self.fit += [([t[2] for t in j], 0) for _, j in nobody if j]


def solve(a, b):
    """Solves a x = b exactly (a square, nonsingular; lists of Fractions)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        piv = next(r for r in range(c, n) if m[r][c] != 0)
        m[c], m[piv] = m[piv], m[c]
        for r in range(n):
            if r != c and m[r][c] != 0:
                f = m[r][c] / m[c][c]
                m[r] = [x - f * y for x, y in zip(m[r], m[c])]
    return [m[i][n] / m[i][i] for i in range(n)]


# Model options (command line: --order K, --keep-repeats, --shapley simplified).
OPT = {"order": 1, "keep": False, "shapley": "exact"}


def markov_p_conv(fit, removed=None):
    """P(conversion) of the chain of the weighted journeys fit
    [(channels, converted, count)]: states are the tuples of the last
    OPT["order"] channels (the first ones of a journey the shorter tuples of
    what happened so far), consecutive repeats collapsed unless
    OPT["keep"]; every state containing channel `removed` absorbs into
    NULL."""
    k = OPT["order"]
    trans = {}
    for chans, conv, count in fit:
        seq = chans if OPT["keep"] else [c for i, c in enumerate(chans)
                                         if i == 0 or chans[i - 1] != c]
        tuples = [tuple(seq[max(0, i - k + 1):i + 1]) for i in range(len(seq))]
        states = ["(start)"] + tuples + ["(conversion)" if conv else "(null)"]
        for a, b in zip(states, states[1:]):
            trans.setdefault(a, {}).setdefault(b, 0)
            trans[a][b] += count
    tr = [s for s in trans]  # transient states
    idx = {s: i for i, s in enumerate(tr)}
    n = len(tr)
    a = [[Fraction(0)] * n for _ in range(n)]
    b = [Fraction(0)] * n
    for s in tr:
        i = idx[s]
        a[i][i] += 1
        if removed is not None and s != "(start)" and removed in s:
            continue  # x = 0
        out = sum(trans[s].values())
        for t, cnt in trans[s].items():
            p = Fraction(cnt) / out
            if t == "(conversion)":
                b[i] += p
            elif t != "(null)":
                a[i][idx[t]] -= p
    return solve(a, b)[idx["(start)"]]


def markov(fit, channels):
    p = markov_p_conv(fit)
    re = {c: 1 - markov_p_conv(fit, c) / p for c in channels}
    return re


def shapley_simplified(fit, channels):
    """phi_c = sum over S containing c of R(S) / |S|, R(S) the conversions
    of the journeys whose distinct-channel set is exactly S."""
    phi = {c: Fraction(0) for c in channels}
    for cs, conv, count in fit:
        s = set(cs)
        for c in s:
            phi[c] += Fraction(conv * count, len(s))
    return phi


def shapley(fit, channels):
    if OPT["shapley"] == "simplified":
        return shapley_simplified(fit, channels)
    chans = sorted(channels)
    n = len(chans)
    conv, jour = {}, {}
    for cs, c, count in fit:
        s = frozenset(cs)
        conv[s] = conv.get(s, 0) + c * count
        jour[s] = jour.get(s, 0) + count

    def v(coal):
        cv = sum(k for s, k in conv.items() if s <= coal)
        jv = sum(k for s, k in jour.items() if s <= coal)
        return Fraction(cv, jv) if jv else Fraction(0)

    vals = {}
    for r in range(n + 1):
        for coal in combinations(chans, r):
            vals[frozenset(coal)] = v(frozenset(coal))
    phi = {}
    for i in chans:
        others = [c for c in chans if c != i]
        tot = Fraction(0)
        for r in range(n):
            wgt = Fraction(factorial(r) * factorial(n - r - 1), factorial(n))
            for coal in combinations(others, r):
                s = frozenset(coal)
                tot += wgt * (vals[s | {i}] - vals[s])
        phi[i] = tot
    return phi


def scores(model, fit, channels):
    f = [(cs, c, 1) for cs, c in fit]
    return markov(f, channels) if model == "markov" else shapley(f, channels)


def attributed(sc, total_conv):
    s = sum(sc.values())
    return {c: (v / s * total_conv if s else Fraction(0)) for c, v in sc.items()}


def split(cents, weights):
    """Largest remainder: floors, left-over units to the largest remainders,
    ties to the earlier position."""
    quota = [cents * w for w in weights]
    out = [q.numerator // q.denominator for q in quota]
    left = cents - sum(out)
    order = sorted(range(len(quota)), key=lambda k: (-(quota[k] - out[k]), k))
    for k in order[:left]:
        out[k] += 1
    return out


class Reference:
    def __init__(self, fixture, zone, event, period):
        self.js = Journeys(load(fixture), ZoneInfo(zone), event, period)
        self.channels = sorted(self.js.all_channels)
        self.total_conv = sum(c for _, c in self.js.fit)
        self.models = {}
        for model in ("markov", "shapley"):
            if self.total_conv == 0:  # nothing to learn: no scores, equal shares
                zero = {c: Fraction(0) for c in self.channels}
                self.models[model] = (None, zero, None, None, self.ledger(model, zero))
                continue
            sc = scores(model, self.js.fit, self.channels)
            pos = {c: max(v, Fraction(0)) for c, v in sc.items()}
            tot = sum(pos.values())
            w = {c: (v / tot if tot else Fraction(0)) for c, v in pos.items()}
            conv = attributed(sc, self.total_conv)
            jn = {c: sum(1 for cs, _ in self.js.fit if c in cs) for c in self.channels}
            self.models[model] = (sc, w, conv, jn, self.ledger(model, w))

    def ledger(self, model, w):
        rows = []
        for d, amount, per, j in self.js.converting:
            cents = Fraction(amount, 10000)
            assert cents.denominator == 1
            cents = int(cents)
            if not j:
                rows.append((d, 0, None, "(unattributed)", None, Fraction(1), cents,
                             "unattributed", per))
                continue
            chans = [t[2] for t in j]
            tot = sum(w[c] for c in set(chans))
            if tot > 0:
                wt = [w[c] / tot / chans.count(c) for c in chans]
                rule = model
            else:
                wt = [Fraction(1, len(j))] * len(j)
                rule = model + "(equal)"
            for k, (t, wk, cr) in enumerate(zip(j, wt, split(cents, wt))):
                rows.append((d, k + 1, t[1], t[2], t[3], wk, cr, rule, per))
        return rows

    def rollups(self, model):
        rows = self.models[model][4]
        booked, chan, camp, per = {}, {}, {}, {}
        for d, amount, p, j in self.js.converting:
            booked[p] = booked.get(p, 0) + amount // 10000
        for d, pos, tid, ch, cp, wk, cr, rule, p in rows:
            c = chan.setdefault((p, ch), [set(), 0])
            c[1] += cr
            c2 = [set(), 0]
            if tid is not None:
                c2 = camp.setdefault((p, ch, cp if cp else "(none)"), [set(), 0])
                c2[1] += cr
            if wk > 0:
                c[0].add(d)
                c2[0].add(d)
            pr = per.setdefault(p, [set(), set(), 0, 0])
            pr[0].add(d)
            if tid is None:
                pr[1].add(d)
                pr[3] += cr
            else:
                pr[2] += cr
        chan = {k: v for k, v in chan.items() if v[0] or v[1]}
        # a campaign row that credits nothing is not written either (README
        # "Rollups")
        camp = {k: v for k, v in camp.items() if v[0] or v[1]}
        return booked, chan, camp, per

    def lines(self):
        out = []
        for model in ("markov", "shapley"):
            sc, w, conv, jn, rows = self.models[model]
            for c in self.channels if sc else []:
                out.append("score %s %s %s weight %s conversions %s journeys %d" % (
                    model, c, sc[c], w[c], conv[c], jn[c]))
            for d, pos, tid, ch, cp, wk, cr, rule, p in rows:
                out.append("ledger %s %s %d %s %s %s %s %d %s %s" % (
                    model, d, pos, tid, ch, cp, wk, cr, rule, p))
            booked, chan, camp, per = self.rollups(model)
            for (p, ch), (ds, cr) in sorted(chan.items()):
                out.append("channel %s %s %s deals %d cents %d share %s" % (
                    model, p, ch, len(ds), cr, Fraction(cr, booked[p])))
            for (p, ch, cp), (ds, cr) in sorted(camp.items()):
                out.append("campaign %s %s %s %s deals %d cents %d" % (
                    model, p, ch, cp, len(ds), cr))
            for p, (ds, un, cr, ucr) in sorted(per.items()):
                out.append("period %s %s deals %d attributed %d unattributed %d booked %d "
                           "credited %d unattributed_cents %d" % (
                               model, p, len(ds), len(ds) - len(un), len(un), booked[p],
                               cr, ucr))
        return out

    def csv(self):
        rows = []
        for model in ("markov", "shapley"):
            booked, chan, camp, per = self.rollups(model)
            for (p, ch), (ds, cr) in chan.items():
                rows.append((model, -cr, ch.encode(), p, len(ds), cr,
                             float(Fraction(cr, booked[p]))))
        rows.sort(key=lambda r: r[:4])
        out = ["model,period,channel,deals,credited_amount,currency,share,null_amount_deals"]
        for model, _, ch, p, n, cr, share in rows:
            out.append("%s,%s,%s,%d,%d.%02d,USD,%.6f,0" % (
                model, p, ch.decode(), n, cr // 100, cr % 100, share))
        return out


def close(a, b, tol=1e-12):
    return abs(float(a) - float(b)) <= tol * max(1.0, abs(float(b)))


def check(ref, dbfile, run, models=("markov", "shapley")):
    db = sqlite3.connect(dbfile)
    bad = []
    for model in models:
        sc, w, conv, jn, rows = ref.models[model]
        got = {r[0]: r[1:] for r in db.execute(
            "SELECT channel, score, weight, conversions, journeys FROM model_scores "
            "WHERE run_id=? AND model=?", (run, model))}
        want = ref.channels if sc else []
        if sorted(got) != want:
            bad.append("%s channels %s, reference %s" % (model, sorted(got), want))
        for c in want:
            g = got.get(c)
            if g is None:
                continue
            for name, gv, rv in (("score", g[0], sc[c]), ("weight", g[1], w[c]),
                                 ("conversions", g[2], conv[c]), ("journeys", g[3], jn[c])):
                if not close(gv, rv):
                    bad.append("%s %s %s %r, reference %s (%.15g)" % (
                        model, c, name, gv, rv, float(rv)))
        got = list(db.execute(
            "SELECT deal_id, position, touch_id, channel, campaign_id, weight, credit_minor, "
            "rule, period, reporting_minor FROM ledger WHERE run_id=? AND model=? "
            "ORDER BY deal_id, position", (run, model)))
        if len(got) != len(rows):
            bad.append("%s ledger has %d rows, reference %d" % (model, len(got), len(rows)))
        for g, r in zip(got, rows):
            if (g[:5] != r[:5] or not close(g[5], r[5]) or g[6] != r[6] or g[7:9] != r[7:9]
                    or g[9] != r[6]):
                bad.append("%s ledger row %s, reference %s" % (
                    model, g, r[:5] + (float(r[5]),) + r[6:]))
        booked, chan, camp, per = ref.rollups(model)
        got = {(r[0], r[1]): r[2:] for r in db.execute(
            "SELECT period, channel, deals, credited_minor, share, null_amount_deals "
            "FROM rollup_channel WHERE run_id=? AND model=?", (run, model))}
        if sorted(got) != sorted(chan):
            bad.append("%s rollup_channel keys %s, reference %s" % (
                model, sorted(got), sorted(chan)))
        for k, (ds, cr) in chan.items():
            g = got.get(k)
            if g and (g[0] != len(ds) or g[1] != cr or g[3] != 0
                      or not close(g[2], Fraction(cr, booked[k[0]]))):
                bad.append("%s rollup_channel %s %s, reference deals %d cents %d" % (
                    model, k, g, len(ds), cr))
        got = {(r[0], r[1], r[2]): r[3:] for r in db.execute(
            "SELECT period, channel, campaign_id, deals, credited_minor, share "
            "FROM rollup_campaign WHERE run_id=? AND model=?", (run, model))}
        if sorted(got) != sorted(camp):
            bad.append("%s rollup_campaign keys %s, reference %s" % (
                model, sorted(got), sorted(camp)))
        for k, (ds, cr) in camp.items():
            g = got.get(k)
            if g and (g[0] != len(ds) or g[1] != cr
                      or not close(g[2], Fraction(cr, booked[k[0]]))):
                bad.append("%s rollup_campaign %s %s, reference deals %d cents %d" % (
                    model, k, g, len(ds), cr))
        got = {r[0]: r[1:] for r in db.execute(
            "SELECT period, deals, attributed_deals, unattributed_deals, booked_minor, "
            "credited_minor, unattributed_minor FROM rollup_period WHERE run_id=? AND model=?",
            (run, model))}
        want = {p: (len(ds), len(ds) - len(un), len(un), booked[p], cr, ucr)
                for p, (ds, un, cr, ucr) in per.items()}
        if got != want:
            bad.append("%s rollup_period %s, reference %s" % (model, got, want))
    for b in bad:
        print("ddzone_check: " + b)
    return 1 if bad else 0


# --- bootstrap -------------------------------------------------------------

def gsl():
    name = ctypes.util.find_library("gsl") or "libgsl.so.27"
    lib = ctypes.CDLL(name, mode=ctypes.RTLD_GLOBAL)
    lib.gsl_rng_alloc.restype = ctypes.c_void_p
    lib.gsl_rng_alloc.argtypes = [ctypes.c_void_p]
    lib.gsl_rng_set.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    lib.gsl_rng_free.argtypes = [ctypes.c_void_p]
    lib.gsl_ran_multinomial.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint,
                                        ctypes.POINTER(ctypes.c_double),
                                        ctypes.POINTER(ctypes.c_uint)]
    return lib


def percentile(sorted_vals, f):
    """Linear interpolation between order statistics: position (n-1) f."""
    n = len(sorted_vals)
    pos = (n - 1) * f
    i = int(pos)
    if i + 1 >= n:
        return sorted_vals[n - 1]
    frac = pos - i
    return (1 - frac) * sorted_vals[i] + frac * sorted_vals[i + 1]


def bootstrap(ref, model, b, seed):
    lib = gsl()
    mt = ctypes.c_void_p.in_dll(lib, "gsl_rng_mt19937")
    rng = lib.gsl_rng_alloc(mt)
    lib.gsl_rng_set(rng, seed)
    fit = ref.js.fit
    k = 2 * len(fit)
    total = float(len(fit))
    prob = (ctypes.c_double * k)()
    for i, (_, conv) in enumerate(fit):
        prob[2 * i] = (1.0 if conv else 0.0) / total
        prob[2 * i + 1] = (0.0 if conv else 1.0) / total
    count = (ctypes.c_uint * k)()
    reps = {c: [] for c in ref.channels}
    for _ in range(b):
        lib.gsl_ran_multinomial(rng, k, len(fit), prob, count)
        weighted = []
        for i, (cs, _) in enumerate(fit):
            if count[2 * i]:
                weighted.append((cs, 1, count[2 * i]))
            if count[2 * i + 1]:
                weighted.append((cs, 0, count[2 * i + 1]))
        tc = sum(count[2 * i] for i in range(len(fit)))
        if tc == 0:
            att = {c: Fraction(0) for c in ref.channels}
        else:
            present = {c for cs, _, _ in weighted for c in cs}
            if model == "markov":
                sc = markov(weighted, sorted(present))
            else:
                sc = shapley(weighted, ref.channels)
            sc = {c: sc.get(c, Fraction(0)) for c in ref.channels}
            att = attributed(sc, tc)
        for c in ref.channels:
            reps[c].append(float(att[c]))
    lib.gsl_rng_free(rng)
    out = {}
    for c in ref.channels:
        v = sorted(reps[c])
        out[c] = (percentile(v, 0.025), percentile(v, 0.975), min(v), max(v))
    return out


# --- allot-credit --paths --bootstrap ---------------------------------------

def paths_bootstrap(path_file, model, b, seed):
    """The bootstrap of a path file (README "Uncertainty"): the cells are the
    file's rows in order (row i converting, row i not converting), with
    probabilities count / total, total the sum over the rows of conversions
    + nulls (as doubles, in row order) and round(total) draws; each
    replicate is refitted here with fractions. Returns {channel: (lower,
    upper)}. Reads `;`-separated files with the header path;conversions;
    value;nulls."""
    rows = []
    with open(path_file) as f:
        next(f)
        for line in f:
            if not line.strip():
                continue
            path, conv, _value, nulls = line.rstrip("\n").split(";")
            rows.append(([c.strip() for c in path.split(">")], float(conv), float(nulls)))
    channels = sorted({c for cs, _, _ in rows for c in cs})
    total = 0.0
    for _, c, n in rows:
        total += c + n
    draws = int(total + 0.5)
    lib = gsl()
    rng = lib.gsl_rng_alloc(ctypes.c_void_p.in_dll(lib, "gsl_rng_mt19937"))
    lib.gsl_rng_set(rng, seed)
    k = 2 * len(rows)
    prob = (ctypes.c_double * k)()
    for i, (_, c, n) in enumerate(rows):
        prob[2 * i] = c / total
        prob[2 * i + 1] = n / total
    count = (ctypes.c_uint * k)()
    reps = {c: [] for c in channels}
    for _ in range(b):
        lib.gsl_ran_multinomial(rng, k, draws, prob, count)
        weighted = []
        for i, (cs, _, _) in enumerate(rows):
            if count[2 * i]:
                weighted.append((cs, 1, count[2 * i]))
            if count[2 * i + 1]:
                weighted.append((cs, 0, count[2 * i + 1]))
        tc = sum(count[2 * i] for i in range(len(rows)))
        if tc == 0:
            att = {c: Fraction(0) for c in channels}
        else:
            sc = markov(weighted, channels) if model == "markov" else shapley(weighted, channels)
            att = attributed(sc, tc)
        for c in channels:
            reps[c].append(float(att[c]))
    lib.gsl_rng_free(rng)
    return {c: (percentile(sorted(v), 0.025), percentile(sorted(v), 0.975))
            for c, v in reps.items()}


def main(argv):
    argv = list(argv)
    for flag in ("--order", "--shapley"):
        if flag in argv:
            i = argv.index(flag)
            OPT["order" if flag == "--order" else "shapley"] = (
                int(argv[i + 1]) if flag == "--order" else argv[i + 1])
            del argv[i:i + 2]
    if "--keep-repeats" in argv:
        OPT["keep"] = True
        argv.remove("--keep-repeats")
    if len(argv) == 7 and argv[1] == "paths":
        # paths FILE MODEL B SEED CSV: allot-credit --paths --bootstrap --csv
        bounds = paths_bootstrap(argv[2], argv[3], int(argv[4]), int(argv[5]))
        bad = 0
        with open(argv[6]) as f:
            head = next(f).rstrip("\n").split(",")
            seen = set()
            for line in f:
                cells = dict(zip(head, line.rstrip("\n").split(",")))
                c = cells["channel"]
                seen.add(c)
                lo, hi = bounds.get(c, (None, None))
                if lo is None or abs(float(cells["lower"]) - lo) > 1e-6 or \
                        abs(float(cells["upper"]) - hi) > 1e-6:
                    print("ddzone_check: %s bootstrap %s %s, reference %.9f %.9f" % (
                        c, cells["lower"], cells["upper"], lo or 0, hi or 0))
                    bad = 1
            if seen != set(bounds):
                print("ddzone_check: channels %s, reference %s" % (sorted(seen), sorted(bounds)))
                bad = 1
        return bad
    if len(argv) < 6:
        sys.exit(__doc__)
    fixture, zone, event, period, cmd = argv[1:6]
    ref = Reference(fixture, zone, event, None if period == "-" else period)
    if cmd == "print":
        print("\n".join(ref.lines()))
        return 0
    if cmd == "csv":
        print("\n".join(ref.csv()))
        return 0
    if cmd == "check":
        return check(ref, argv[6], int(argv[7]))
    if cmd in ("boot", "checkboot"):
        args = argv[6:]
        if cmd == "checkboot":
            dbfile, run, args = args[0], int(args[1]), args[2:]
        model, b, seed = args[0], int(args[1]), int(args[2])
        bounds = bootstrap(ref, model, b, seed)
        if cmd == "boot":
            for c, (lo, hi, mn, mx) in bounds.items():
                print("%s %s lower %.12f upper %.12f (replicates %.12f .. %.12f)" % (
                    model, c, lo, hi, mn, mx))
            return 0
        db = sqlite3.connect(dbfile)
        got = {r[0]: r[1:] for r in db.execute(
            "SELECT channel, lower, upper FROM model_scores WHERE run_id=? AND model=?",
            (run, model))}
        bad = 0
        for c, (lo, hi, _, _) in bounds.items():
            g = got.get(c)
            if g is None or g[0] is None or not close(g[0], lo, 1e-9) or not close(g[1], hi, 1e-9):
                print("ddzone_check: %s %s bootstrap %s, reference %.15g %.15g" % (
                    model, c, g, lo, hi))
                bad = 1
        return bad
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
