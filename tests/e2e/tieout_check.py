"""Finance's promise, checked against a reference that never runs allot's code:
attributed revenue ties out to booked revenue to the cent in every output
allot writes from sample-data/ (credit CSV, ledger, workbook, PDF, e-mail).

The reference reads only the raw CSV files of sample-data/ with Python's csv
and decimal modules and the rules of the spec (shared/spec/attribution.md,
README "The ledger"): a won deal books its amount in the period (calendar
quarter) of its close date; in the reporting currency the whole amount is
converted at the fx_rates row valid on the close date (start inclusive, end
exclusive; the rate is to the corporate currency, so the cross rate into
reporting currency R is rate(deal) / rate(R)), rounded half away from zero to
the micro and then to the cent; credits of a deal sum to its amount in cents.

usage: tieout_check.py SAMPLE_DIR CHECK [ARGS...]
  booked CUR                    print the reference: quarter, cents, won deals
  spend CUR                     print the reference: quarter, spend in micros
                                of CUR (each row at its day's rate), its cents
                                (the micros rounded once)
  credit-csv CSV CUR            Σ credited_amount per model and period = booked
  ledger DB CUR                 the latest credit run, revenue or pipeline:
                                per model and deal Σ credit_minor = amount,
                                Σ reporting_minor = amount converted at the
                                event day's rate, each row in the event
                                day's quarter; the run notes the zone; every
                                deal's journey (linear rows) is the touches
                                of its people (deal_people) from lookback_days
                                before the event to it: the close date's last
                                second in the zone (revenue), created_at
                                (pipeline); deals without an amount listed
  workbook XLSX CUR PERIOD      Summary (won revenue, pipeline created,
                                deals won, marketing spend), Attribution by
                                channel and by campaign (their spend columns
                                foot as roi's), Ledger, Reconciliation sheets
  pdf PDF CUR PERIOD CREDIT_CSV a (fiscal) quarter's or year's PDF: cover
                                period, dates and headline numbers (spend
                                too); credit page = CSV (the run's quarters
                                inside PERIOD); the funnel page's lead
                                cohort; the trend page's won revenue
  eml EML OUTDIR PERIOD CREDIT_CSV [CUR]  text part figures (credit and the
                                spend total in CUR); attachments = files
  roi CSV CUR [channel|campaign] [quarter|month|year] [PERIOD]  allot-roi
                                (--by, --period; PERIOD: the table of that
                                one period, --period FY2027Q1):
                                Σ revenue per model and period = booked;
                                spend foots: Σ spend per model and period =
                                reference (rounded once), each group within
                                a cent of the reference's exact micros; every
                                rule-based row recomputed in the zone
  funnel CSV CUR [quarter|month]  allot-funnel deals table (--period quarter
                                or month): deals created, open, won, pipeline
                                created, won amount, its mean and median per
                                creation period; the cycle's quartiles
                                (Kaplan-Meier: days from created_at to the
                                close date's first second in the zone, open
                                deals censored at the data's end)
  funnel-dir DIR CUR [quarter|month|year]  allot-funnel --csv-dir DIR: the
                                funnel, funnel-stages and speed checks of its
                                deals, funnel and speed tables
  lastquarter INSTANT [FISCAL_START]  print the last quarter completed
                                before the day INSTANT
                                ('2026-09-30T15:00:00Z') has in the zone
                                (allot-pack without --period); a fiscal
                                quarter ('FY2026Q4') when FISCAL_START
                                (fiscal_year_start_month) is not 1
  dataend                       print the data's end: the day in the zone
                                of the latest touch or stage entry
  asof DAY CUR                  print, as known at DAY's last second in the
                                zone (allot-funnel --as-of DAY), per creation
                                quarter (fiscal with --fiscal): deals
                                created, open, won, pipeline cents of CUR
  funnel-leads CSV              allot-funnel funnel table: the (all) lead
                                cohort per quarter (a person's lead time is
                                the earliest of created_at and its stage
                                entries)
  pipeline CUR                  print the reference: creation quarter,
                                pipeline cents (each deal at its creation
                                day), won cents (at the close date)
  pipeline-csv CSV CUR          allot-credit --event pipeline --csv: Σ credit
                                per model and period = pipeline created
  shapley DB CREDIT_CSV CUR     the latest credit run's shapley model (revenue
                                or pipeline as the run's parameters say,
                                no --period): model_scores' phi, weight and
                                journeys per channel, and the CSV's shapley
                                credit and deals per (fiscal) quarter and
                                channel, against the exact Shapley value of
                                the conversion-rate game over the journeys
                                in the zone (won deals convert; lost deals
                                and people on no won or lost deal do not;
                                pipeline: every deal converts, people on
                                no deal do not)
  shapley-ref CUR [LOOKBACK]    print that reference: phi,CHANNEL,phi,weight,
                                journeys (phi descending), then
                                credit,PERIOD,CHANNEL,cents,deals
  markov DB CREDIT_CSV CUR [TRANSITIONS]  the latest credit run's markov
                                model (revenue or pipeline, no --period;
                                event, order, repeats and lookback from the
                                run's parameters): model_scores' method, removal
                                effect, weight, conversions, journeys and
                                low_support per channel, and the CSV's markov
                                credit and deals per (fiscal) quarter and
                                channel, against the removal effects of the
                                chain over the same journeys as shapley's
                                (order 1 solved in fractions, order 2 in
                                doubles, orders 3-4 by iteration in
                                doubles); TRANSITIONS: the run's
                                --transitions file, every from, to, count
                                and probability of the chain;
                                TIEOUT_ANY_ZONE=1 skips the check
                                that the run is in the zone (to show the
                                figures of another zone's run fail)
  markov-ref CUR [ORDER]        print that reference: re,CHANNEL,removal
                                effect,weight,conversions,journeys (removal
                                effect descending), then
                                credit,PERIOD,CHANNEL,cents,deals

--fiscal M (anywhere after SAMPLE_DIR; default 1): the outputs were made
with [general] fiscal_year_start_month = M: the quarters and years of the
credit-csv, ledger, pipeline-csv, funnel, roi checks and the period of the
workbook, pdf and eml checks are fiscal ('FY2027Q1': with M = 4, April to
June 2026), the reference's own from each date's month (fquarter, fyear,
period_dates), never read from the labels checked.

--only PERIOD (anywhere after SAMPLE_DIR): the CSVs of the funnel,
funnel-stages, speed and funnel-dir checks were written with allot-funnel
--period PERIOD (one period: 'FY2027Q1', 'FY2027'): their rows are that
period's cells of the reference, the cells of the unit the period is
written in (a quarter's or a year's, fiscal with --fiscal), and nothing
else.

--by GROUP (anywhere after SAMPLE_DIR; default none): the CSVs of the
funnel, funnel-stages, speed and funnel-dir checks were written with
allot-funnel --by GROUP (channel, campaign or source): every group's row of
every period is checked too, its people or deals grouped as lib/funnel.h
says (person_groups, deal_groups).

--zone NAME (anywhere after SAMPLE_DIR; default UTC, or the environment's
TIEOUT_ZONE) is the company's reporting time zone ([general] timezone), a tz
database name read with Python's zoneinfo: every timestamp is counted on the
day it has on that zone's clocks. That moves a deal's creation day, hence
its pipeline quarter and the rate it is converted at (pipeline, funnel,
pipeline-csv, the workbook's and the PDF's pipeline created, the e-mail's
pipeline lines). Civil dates never move: close_date (booked revenue, won
deals, the ledger), spend date and fx rates are the same in every zone.
The ledger's journeys end at the close date's last second in the zone, and
the workbook's Ledger sheet shows touch times on its clocks; the PDF's trend
page shows the period's last month's pipeline by creation month in the zone.
"""
import csv
import email
import functools
import email.policy
import hashlib
import os
import re
import sqlite3
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

D = Decimal
argv = sys.argv[1:]
ZONE_NAME = os.environ.get("TIEOUT_ZONE") or "UTC"
if "--zone" in argv:
    i = argv.index("--zone")
    ZONE_NAME = argv[i + 1]
    del argv[i:i + 2]
ZONE = ZoneInfo(ZONE_NAME)
FISCAL = 1  # --fiscal M: [general] fiscal_year_start_month of the outputs checked
if "--fiscal" in argv:
    i = argv.index("--fiscal")
    FISCAL = int(argv[i + 1])
    del argv[i:i + 2]
    assert 1 <= FISCAL <= 12, FISCAL
ONLY = None  # --only: the one period of the funnel CSVs (allot-funnel --period FY2027Q1)
if "--only" in argv:
    i = argv.index("--only")
    ONLY = argv[i + 1]
    del argv[i:i + 2]
BY = "none"  # --by: allot-funnel's grouping of the CSV the funnel checks read
if "--by" in argv:
    i = argv.index("--by")
    BY = argv[i + 1]
    del argv[i:i + 2]
    assert BY in ("none", "channel", "campaign", "source"), BY
sample, check = argv[0], argv[1]
args = argv[2:]
failures = []


def day_of(ts):
    """'YYYY-MM-DD' of an ISO 8601 instant ('2026-09-30T15:10:00Z') on the
    clocks of ZONE."""
    t = datetime.fromisoformat(ts.replace("Z", "+00:00"))
    assert t.tzinfo is not None, ts
    return t.astimezone(ZONE).date().isoformat()


def instant(ts):
    """Epoch seconds of an ISO 8601 instant."""
    return int(datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp())


def day_end(day):
    """Epoch seconds of the last second of a civil 'YYYY-MM-DD' day on the
    clocks of ZONE: the next day's local midnight less a second."""
    nxt = date.fromisoformat(day) + timedelta(days=1)
    return int(datetime.combine(nxt, time(0), ZONE).timestamp()) - 1


def expect(cond, message):
    if not cond:
        failures.append(message)


def funnel_rows(path):
    """The rows of an allot-funnel CSV: per period "(all)" and, grouped
    (--by), each group."""
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def group_keys(group, by=None):
    """The cells an item (person or deal) counts in: "(all)", and its group
    when grouped (by, default --by)."""
    return ("(all)",) if (by or BY) == "none" else ("(all)", group)


_ROWS = {}


def rows(name):
    """The rows of a sample CSV file, read once (callers never change them)."""
    if name not in _ROWS:
        with open(os.path.join(sample, name), newline="", encoding="utf-8") as f:
            _ROWS[name] = list(csv.DictReader(f))
    return _ROWS[name]


FX = rows("fx_rates.csv")
DEALS = rows("deals.csv")
SPEND = rows("spend.csv")
EXPONENT = {"USD": 2, "EUR": 2}


def base_rate(cur, day):
    hits = [r for r in FX if r["currency"] == cur and r["start_date"] <= day
            and (r["end_date"] == "" or day < r["end_date"])]
    assert len(hits) == 1, (cur, day, hits)
    return D(hits[0]["rate"])


def rate(cur, rep, day):
    return D(1) if cur == rep else base_rate(cur, day) / base_rate(rep, day)


def half_up(x, quantum):  # ROUND_HALF_UP in decimal is half away from zero
    return x.quantize(D(quantum), rounding=ROUND_HALF_UP)


def to_cents(amount, cur, rep, day):
    """The deal amount (major units, exact) in cents of rep."""
    micros = half_up(amount * rate(cur, rep, day), "0.000001")
    return int(half_up(micros, "0.01") * 100)


def quarter(day):
    return f"{day[:4]}Q{(int(day[5:7]) - 1) // 3 + 1}"


def prior(period):
    """The period before a (fiscal) quarter or year: '2026Q2' before
    '2026Q3', 'FY2026Q4' before 'FY2027Q1', 'FY2026' before 'FY2027'."""
    fy = period.startswith("FY")
    p = period[2:] if fy else period
    if "Q" not in p:  # a year
        return ("FY" if fy else "") + str(int(p) - 1)
    y, q = int(p[:4]), int(p[5])
    return ("FY" if fy else "") + (f"{y - 1}Q4" if q == 1 else f"{y}Q{q - 1}")


def of(per_quarter, period):
    """A quarter's figure, or a year's: the sum of its quarters."""
    if "Q" in period:
        return per_quarter.get(period, 0)
    return sum(v for q, v in per_quarter.items() if q.startswith(period + "Q"))


def exact(v, cents):
    """v is the double nearest to cents / 100, as a sum of cents must be."""
    return isinstance(v, (int, float)) and v == float(D(cents) / 100)


WON = [d for d in DEALS if d["is_won"] == "1"]


def booked(rep):
    """{quarter: cents of rep} over won deals with an amount."""
    return booked_by(rep, quarter)


def booked_by(rep, unit):
    out = {}
    for d in WON:
        if d["amount"]:
            q = unit(d["close_date"])
            out[q] = out.get(q, 0) + to_cents(D(d["amount"]), d["currency"], rep,
                                              d["close_date"])
    return out


def month(day):
    return day[:7]


def year(day):
    return day[:4]


def fquarter(day):
    """The quarter of a civil day with fiscal years starting on the first
    of month FISCAL (README "Periods"), worked out from its month: calendar
    ('2026Q3') when FISCAL is 1, else 'FY2027Q1', the fiscal year named by
    the calendar year it ends in (start 4: FY2027Q1 = April to June 2026;
    start 2: FY2027Q1 = February to April 2026)."""
    return fiscal_quarter(day, FISCAL)


def fiscal_quarter(day, start):
    """fquarter with fiscal years starting in month start."""
    if start == 1:
        return quarter(day)
    y, m = int(day[:4]), int(day[5:7])
    return f"FY{y + (m >= start)}Q{(m - start) % 12 // 3 + 1}"


def fyear(day):
    """The (fiscal) year of a civil day: '2026', or 'FY2027' when FISCAL is
    not 1 (start 7: FY2027 = July 2026 to June 2027)."""
    if FISCAL == 1:
        return year(day)
    y, m = int(day[:4]), int(day[5:7])
    return f"FY{y + (m >= FISCAL)}"


def period_unit(period):
    """The unit whose labels a period is written in: fquarter for '2026Q3'
    and 'FY2027Q1', fyear for '2026' and 'FY2027', month for '2026-07'."""
    if "Q" in period:
        return fquarter
    return month if "-" in period else fyear


def period_dates(period):
    """(first day, last day) of a quarter, fiscal quarter, year or fiscal
    year, from the months fquarter and fyear give (FISCAL)."""
    unit = period_unit(period)
    days = [date(y, m, 1) for y in range(2000, 2101) for m in range(1, 13)
            if unit(date(y, m, 1).isoformat()) == period]
    assert days, period
    last = days[-1]
    last = (date(last.year + (last.month == 12), last.month % 12 + 1, 1) - timedelta(days=1))
    return days[0].isoformat(), last.isoformat()


UNITS = {"quarter": fquarter, "month": month, "year": fyear}


def pipeline(rep, unit=quarter, deals=None):
    """{quarter (or unit) of creation (its day in ZONE): (pipeline cents, won cents)} over deals
    with an amount. Pipeline created is the value of the deals when they
    were created: every deal, open or closed, at the rate of its creation
    day (attribution.md: "amount of the deal as created"); the won amount of
    those deals stays at the close date, as booked revenue. deals: a subset
    of DEALS (one group's)."""
    out = {}
    for d in DEALS if deals is None else deals:
        if not d["amount"]:
            continue
        created = day_of(d["created_at"])
        c = to_cents(D(d["amount"]), d["currency"], rep, created)
        w = 0
        if d["is_won"] == "1":
            w = to_cents(D(d["amount"]), d["currency"], rep, d["close_date"] or created)
        p0, w0 = out.get(unit(created), (0, 0))
        out[unit(created)] = (p0 + c, w0 + w)
    return out


def created_count(unit=quarter, deals=None):
    """{period of creation in ZONE: (deals, open deals, won deals)}, every
    deal (or every deal of the subset deals)."""
    out = {}
    for d in DEALS if deals is None else deals:
        q = unit(day_of(d["created_at"]))
        n, o, w = out.get(q, (0, 0, 0))
        out[q] = (n + 1, o + (d["is_closed"] != "1"), w + (d["is_won"] == "1"))
    return out


def day_start(day):
    """Epoch seconds of a civil day's first second on the clocks of ZONE."""
    return int(datetime.combine(date.fromisoformat(day), time(0), ZONE).timestamp())


@functools.lru_cache(maxsize=None)
def funnel_end():
    """allot-funnel's data end (README "data end"), epoch seconds: the
    latest timestamp of stage_history, touches, people and deals' creation,
    or the first second in ZONE of the latest close date of a closed deal."""
    last = max([instant(t["occurred_at"]) for t in rows("touches.csv")]
               + [instant(r["entered_at"]) for r in rows("stage_history.csv")]
               + [instant(r["created_at"]) for r in rows("people.csv") if r["created_at"]]
               + [instant(d["created_at"]) for d in DEALS])
    close = max(d["close_date"] for d in DEALS if d["is_closed"] == "1" or d["is_won"] == "1")
    return max(last, day_start(close))


def cycles(unit=quarter, deals=None):
    """{period of creation in ZONE: [(seconds, closed)]}: a closed deal's
    cycle from created_at to its close date's first second in ZONE, an open
    deal censored at the data's end (of all the data, also for a subset
    deals)."""
    end = funnel_end()
    out = {}
    for d in DEALS if deals is None else deals:
        c = instant(d["created_at"])
        obs = (day_start(d["close_date"]) - c, True) if d["is_closed"] == "1" else (max(0, end - c), False)
        out.setdefault(unit(day_of(d["created_at"])), []).append(obs)
    return out


def km_quantile(obs, p, unit=86400):
    """R's quantile(survfit(Surv(time, closed) ~ 1), p), in days (or
    unit seconds): the first event time where the Kaplan-Meier curve drops
    to 1 - p or below; where it is flat at exactly 1 - p, the midpoint to
    the next event time, or with none to the last time observed (R 4
    survival: events at 7.18 and a censored 86.97 give a median of 47.08,
    times 1, 2 and censored 3, 4 give 3). The curve in exact fractions;
    None where it never gets there."""
    from bisect import bisect_left
    from collections import Counter
    from fractions import Fraction
    all_times = sorted(x for x, _ in obs)
    events = Counter(x for x, e in obs if e)
    surv, s = [], Fraction(1)
    for t in sorted(events):
        at_risk = len(all_times) - bisect_left(all_times, t)
        s *= 1 - Fraction(events[t], at_risk)
        surv.append((t, s))
    target = 1 - Fraction(p).limit_denominator(100)
    for k, (t, s) in enumerate(surv):
        if s == target:
            return D(t + (surv[k + 1][0] if k + 1 < len(surv) else all_times[-1])) / 2 / unit
        if s <= target:
            return D(t) / unit
    return None


def data_end():
    """The day in ZONE of the latest touch or stage entry."""
    last = max([instant(t["occurred_at"]) for t in rows("touches.csv")]
               + [instant(r["entered_at"]) for r in rows("stage_history.csv")])
    return datetime.fromtimestamp(last, ZONE).date().isoformat()


def report_end():
    """The reports' data end (README "A period the data do not cover"): the
    latest of retention_end, a closed deal's close date, a deal's creation
    day and a spend date, days in ZONE."""
    return max([retention_end()] + [d["close_date"] for d in DEALS if d["is_closed"] == "1"
                                     and d["close_date"]]
               + [day_of(d["created_at"]) for d in DEALS] + [s["date"] for s in SPEND])


def retention_end():
    """Retention's data end (README "as of"): the latest of the start and
    end dates of the subscriptions of MRR > 0 and the day of the latest
    touch or stage entry (data_end)."""
    subs = [d for r in rows("subscriptions.csv") if D(r["mrr"]) > 0
            for d in (r["start_date"], r["end_date"]) if d]
    return max(subs + [data_end()])


def lead_cohorts():
    """{quarter in ZONE: people} of the people's lead time, the earliest of
    people.created_at and their stage_history entries."""
    first = {}
    for r in rows("people.csv"):
        if r["created_at"]:
            first[r["person_id"]] = instant(r["created_at"])
    for r in rows("stage_history.csv"):
        if r["entity_type"] == "person":
            t = instant(r["entered_at"])
            if t < first.get(r["entity_id"], t + 1):
                first[r["entity_id"]] = t
    out = {}
    for t in first.values():
        q = quarter(datetime.fromtimestamp(t, ZONE).date().isoformat())
        out[q] = out.get(q, 0) + 1
    return out


def journeys(lookback_days, event="revenue"):
    """{deal: set of touch ids}: the touches of the deal's people
    (deal_people) at or after lookback_days before the event and at or
    before it (attribution.md: touches after the event never count). The
    revenue event of a won deal is its close date's last second in ZONE;
    the pipeline event of every deal its created_at."""
    people = {}
    for r in rows("deal_people.csv"):
        people.setdefault(r["deal_id"], set()).add(r["person_id"])
    by_person = {}
    for t in rows("touches.csv"):
        if t["person_id"]:
            by_person.setdefault(t["person_id"], []).append((instant(t["occurred_at"]), t["touch_id"]))
    out = {}
    for d in (WON if event == "revenue" else DEALS):
        hi = day_end(d["close_date"]) if event == "revenue" else instant(d["created_at"])
        lo = hi - lookback_days * 86400
        out[d["deal_id"]] = {tid for p in people.get(d["deal_id"], ()) for at, tid in by_person.get(p, [])
                             if lo <= at <= hi}
    return out


def spend(rep, unit=quarter):
    """{quarter (or unit): micros of rep} over spend rows: each row's cost
    converted at the rate of its date, half away from zero to the micro (as
    a deal is), the micros added; marketing spend is that sum rounded ONCE
    to the cent (spend_cents), never the sum of each row's cents."""
    out = {}
    for r in SPEND:
        micros = half_up(D(r["cost"]) * rate(r["currency"], rep, r["date"]), "0.000001")
        out[unit(r["date"])] = out.get(unit(r["date"]), 0) + micros
    return out


CAMPAIGNS = {r["campaign_id"]: r for r in rows("campaigns.csv")}


def spend_by(rep, by, unit=quarter):
    """{(quarter or unit, group): micros of rep}: spend() per channel (the
    channel campaigns.csv gives the row's campaign; every sample campaign
    has one) or per campaign (spend.csv's campaign_id)."""
    out = {}
    for r in SPEND:
        micros = half_up(D(r["cost"]) * rate(r["currency"], rep, r["date"]), "0.000001")
        g = CAMPAIGNS[r["campaign_id"]]["channel"] if by == "channel" else r["campaign_id"]
        k = (unit(r["date"]), g)
        out[k] = out.get(k, 0) + micros
    return out


def spend_groups_of(rep, by, period, unit=None):
    """{group: micros} of a (fiscal) quarter or year, periods of unit
    (period_unit(period) by default)."""
    return {g: v for (q, g), v in spend_by(rep, by, unit or period_unit(period)).items() if q == period}


def foots(where, cells, want_cents, exact_micros):
    """A listed spend column foots: its cells (Decimal major units, each a
    whole number of cents) add up to want_cents exactly, and each group is
    less than a cent from the reference's exact micros of that group
    (largest remainder: each group its micros rounded down or up)."""
    total = 0
    for g, v in sorted(cells.items()):
        expect(v == half_up(v, "0.01"), f"{where} {g}: spend {v} is no whole number of cents")
        ref = exact_micros.get(g, D(0))
        expect(abs(v - ref) < D("0.01"), f"{where} {g}: spend {v}, reference {ref} (exact)")
        total += int(v * 100)
    expect(total == want_cents, f"{where}: spend rows add up to {total} cents, want {want_cents}")
    missing = {g for g, m in exact_micros.items() if m != 0} - set(cells)
    expect(not missing, f"{where}: groups with spend missing: {sorted(missing)}")


def spend_cents(rep, unit=quarter):
    """{quarter (or unit): cents of rep}, each period's micros rounded once."""
    return {q: int(half_up(v, "0.01") * 100) for q, v in spend(rep, unit).items()}


def spend_of(rep, period):
    """Cents of a quarter or a year: a year's micros are rounded once too."""
    return int(half_up(D(of(spend(rep), period)), "0.01") * 100)


def won_count():
    out = {}
    for d in WON:
        q = quarter(d["close_date"])
        out[q] = out.get(q, 0) + 1
    return out


def by_currency(records, day_of, amount_of, key_of=None, unit=quarter):
    """{(quarter (or unit), currency): (sum of amounts, count or set of keys)}."""
    out = {}
    for r in records:
        if not amount_of(r):
            continue
        k = (unit(day_of(r)), r["currency"])
        total, seen = out.get(k, (D(0), set()))
        seen.add(key_of(r) if key_of else len(seen))
        out[k] = (total + D(amount_of(r)), seen)
    return out


def cents_text(cents):
    return f"{D(cents) / 100:,.2f}"


def whole_text(cents):  # the PDF cover rounds to whole units
    return f"{half_up(D(cents) / 100, '1'):,}"


def last_quarter(day, fiscal_start=1):
    """The last quarter completed before the civil 'YYYY-MM-DD' day, with
    fiscal years starting on the first of month fiscal_start (README
    "Periods"): calendar '2026Q2' when it is 1, else 'FY2027Q1', the fiscal
    year named by the calendar year it ends in (start 4: FY2027 =
    2026-04-01 .. 2027-03-31)."""
    y, m = int(day[:4]), int(day[5:7])
    if fiscal_start == 1:
        return prior(quarter(day))
    k = (m - fiscal_start) % 12  # months since the fiscal year began
    fy = (y if m >= fiscal_start else y - 1) + 1
    q = k // 3 + 1
    fy, q = (fy - 1, 4) if q == 1 else (fy, q - 1)
    return f"FY{fy}Q{q}"


def check_credit_csv(path, rep):
    """allot-credit --csv: per model and period (the close date's quarter,
    fiscal with --fiscal: fquarter) credited = booked."""
    want = booked_by(rep, fquarter)
    got = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            expect(r["currency"] == rep, f"credit CSV row in {r['currency']}, not {rep}")
            k = (r["model"], r["period"])
            got[k] = got.get(k, 0) + int(D(r["credited_amount"]) * 100)
    models = sorted({m for m, _ in got})
    expect(len(models) == 15, f"credit CSV models: {models}")
    for m in models:
        for p in sorted(want):
            expect(got.get((m, p)) == want[p],
                   f"credit CSV {m} {p}: credited {got.get((m, p))} cents, booked {want[p]} ({rep})")
    expect({p for _, p in got} == set(want), "credit CSV periods differ from booked periods")
    return f"{len(models)} models x {len(want)} periods tie out in {rep}"


def check_ledger(db_path, rep):
    """The latest credit run's ledger, revenue or pipeline (its parameters
    say which): per model and deal, the credits add up to the amount in the
    deal currency and to the amount converted at the event day's rate (the
    close date; the creation day in ZONE for pipeline), every row is in the
    event day's quarter, and the journey is the reference's."""
    db = sqlite3.connect(db_path)
    run = db.execute("SELECT max(run_id) FROM runs WHERE tool = 'allot-credit'").fetchone()[0]
    params = ";" + db.execute("SELECT parameters FROM runs WHERE run_id = ?", (run,)).fetchone()[0] + ";"
    event = re.search(r";event=(\w+);", params).group(1)
    expect(f";timezone={ZONE_NAME};" in params and event in ("revenue", "pipeline"),
           f"ledger run {run}: parameters do not note the event and timezone={ZONE_NAME}")
    deals = WON if event == "revenue" else DEALS
    day = {d["deal_id"]: d["close_date"] if event == "revenue" else day_of(d["created_at"])
           for d in deals}
    got = {}
    touched = {}
    credited = {}
    for model, deal, cur, minor, rcur, rminor, touch, period, weight in db.execute(
            "SELECT model, deal_id, currency, credit_minor, reporting_currency, "
            "reporting_minor, touch_id, period, weight FROM ledger WHERE run_id = ?", (run,)):
        if touch is not None and weight > 0:
            credited.setdefault((model, deal), set()).add(touch)
        expect(rcur == rep, f"ledger {model} {deal}: reporting currency {rcur}")
        expect(deal in day and period == fquarter(day[deal]),
               f"ledger {model} {deal}: period {period}, want {deal in day and fquarter(day[deal])} ({event}, "
               f"{ZONE_NAME})")
        s = got.setdefault((model, deal), [cur, 0, 0])
        s[1] += minor
        s[2] += rminor
        if touch is not None:
            touched.setdefault((model, deal), set()).add(touch)
    # Journeys end at the event (revenue: the close date's last second on the
    # zone's clocks): the linear model credits every touch of the journey,
    # the others none outside it.
    lookback = int(re.search(r";lookback_days=(\d+);", params).group(1))
    want_j = journeys(lookback, event)
    models = {m for m, _ in got}
    at = {t["touch_id"]: instant(t["occurred_at"]) for t in rows("touches.csv")}
    for d in deals:
        if not d["amount"]:
            continue
        j = want_j[d["deal_id"]]
        for m in models:
            t = touched.get((m, d["deal_id"]), set())
            expect(t == j if m == "linear" else t <= j,
                   f"ledger {m} {d['deal_id']}: journey touches {sorted(t ^ j)[:6]} differ from the "
                   f"reference's in {ZONE_NAME} ({event} on {day[d['deal_id']]})")
        # first and last touch: all the credit on the journey's earliest
        # (latest) touch; the latest is the one the zone's day end moves.
        for m, pick in (("first_touch", min), ("last_touch", max)):
            if m in models:
                want_t = {pick(j, key=lambda x: (at[x], x))} if j else set()
                expect(credited.get((m, d["deal_id"]), set()) == want_t,
                       f"ledger {m} {d['deal_id']}: credited {credited.get((m, d['deal_id']))}, want "
                       f"{want_t} ({ZONE_NAME})")
    # Deals without an amount: listed with their period and journey length.
    null = {deal: (period, n) for deal, period, n in db.execute(
        "SELECT deal_id, period, touches FROM ledger_null_amount WHERE run_id = ?", (run,))}
    want_null = {d["deal_id"]: (fquarter(day[d["deal_id"]]), len(want_j[d["deal_id"]]))
                 for d in deals if not d["amount"]}
    expect(null == want_null, f"ledger_null_amount {sorted(null.items())} != {sorted(want_null.items())}")
    n = 0
    for d in deals:
        if not d["amount"]:
            continue
        own = int(D(d["amount"]) * 100)
        conv = to_cents(D(d["amount"]), d["currency"], rep, day[d["deal_id"]])
        for m in models:
            n += 1
            g = got.get((m, d["deal_id"]))
            if g is None:
                failures.append(f"ledger {m}: deal {d['deal_id']} missing ({event})")
                continue
            expect(g[0] == d["currency"] and g[1] == own,
                   f"ledger {m} {d['deal_id']}: {g[1]} {g[0]} != {own} {d['currency']}")
            expect(g[2] == conv, f"ledger {m} {d['deal_id']}: {g[2]} {rep} cents != {conv} "
                   f"(at {day[d['deal_id']]})")
    expect(len(got) == n, f"ledger has {len(got)} model x deal groups, want {n}")
    expect("linear" in models, "ledger has no linear model to check journeys")
    return (f"{n} model x deal sums exact in deal currency and {rep} ({event}); {len(want_j)} "
            f"journeys ({sum(map(len, want_j.values()))} touches) end at the event in {ZONE_NAME}")


def check_workbook(path, rep, period):
    """A workbook of a quarter or a year, calendar or (with --fiscal) fiscal:
    every figure of the period and the prior one from the reference's own
    periods (fquarter, fyear: the months of the fiscal start), never from
    the workbook's labels."""
    import openpyxl
    wb = openpyxl.load_workbook(path, data_only=True)
    # The Ledger and Reconciliation sheets carry the credit run's quarter
    # labels: of the fiscal start it ran with (Summary's run parameters).
    run_fs = [int(c[len("fiscal_start="):]) for r in wb["Summary"].iter_rows(values_only=True)
              for c in r if isinstance(c, str) and c.startswith("fiscal_start=")]
    expect(len(run_fs) == 1, f"Summary's run parameters name no fiscal_start: {run_fs}")
    run_fs = run_fs[0] if run_fs else 1

    def run_quarter(day):
        return fiscal_quarter(day, run_fs)

    want = booked_by(rep, run_quarter)
    unit = period_unit(period)
    want_u = booked_by(rep, unit)
    count = {}
    for d in WON:
        count[unit(d["close_date"])] = count.get(unit(d["close_date"]), 0) + 1

    def cents(v):
        return int(half_up(D(repr(v)) * 100, "1"))

    # Summary: reporting currency and headline numbers of the period and prior.
    sm = wb["Summary"]
    labels = {r[0]: r for r in sm.iter_rows(values_only=True) if r and r[0]}
    expect(labels["Reporting currency"][1] == rep, f"Summary currency {labels['Reporting currency']}")
    # The period's labels and dates, the prior period's label.
    first, last = period_dates(period)
    got_l = [labels.get(k, (k, None))[1] for k in ("Period", "Dates", "Prior period")]
    want_l = [period, f"{first} to {last}", prior(period)]
    expect(got_l == want_l, f"Summary period, dates, prior {got_l}, reference {want_l} (fiscal start {FISCAL})")
    expect(sm["A1"].value == f"allot report for {period}", f"Summary title {sm['A1'].value!r}")
    won = labels["Won revenue"]
    booked_now, booked_before = want_u.get(period, 0), want_u.get(prior(period), 0)
    expect(exact(won[1], booked_now) and exact(won[2], booked_before),
           f"Summary won revenue {won[1:3]} != {booked_now}, {booked_before} cents")
    pipe = {q: v[0] for q, v in pipeline(rep, unit).items()}
    pc = labels["Pipeline created"]
    expect(exact(pc[1], pipe.get(period, 0)) and exact(pc[2], pipe.get(prior(period), 0)),
           f"Summary pipeline {pc[1:3]} != {pipe.get(period, 0)}, {pipe.get(prior(period), 0)} cents")
    sp = {p: spend_cents(rep, unit).get(p, 0) for p in (period, prior(period))}
    ms = labels["Marketing spend"]
    expect(exact(ms[1], sp[period]) and exact(ms[2], sp[prior(period)]),
           f"Summary marketing spend {ms[1:3]} != {sp[period]}, {sp[prior(period)]} cents")
    # The Funnel sheet, every row of its three tables, "(all)" and per
    # first-touch channel, for the period (a quarter or a year) on ZONE's
    # clocks: the lead cohort's stages with each conversion and Wilson
    # interval (stage_cells), speed-to-lead (speed_cells) and the deals
    # created (deal_cells: deals, open, closed, won, win rate and interval,
    # mean and median won, median cycle, pipeline; its "(all)" pipeline is
    # the Summary's).
    check_funnel_sheet(list(wb["Funnel"].iter_rows(values_only=True)), rep, period)
    # The Change column of the money lines holds the exact difference in
    # cents (the cached value read 304217.6600000001 for pipeline created).
    # A period that ends after the data's end (2026 of the sample, whose
    # data end on 2026-09-30) shows no change against the whole prior
    # period: its figures are to that day (README "A period the data do not
    # cover"); the header and the sentence under the table say so.
    end = report_end()
    partial = last > end
    for name, now_c, before_c in (("Won revenue", booked_now, booked_before),
                                  ("Pipeline created", pipe.get(period, 0), pipe.get(prior(period), 0)),
                                  ("Marketing spend", sp[period], sp[prior(period)])):
        if partial:
            expect(labels[name][3] is None and labels[name][4] is None,
                   f"Summary {name} change {labels[name][3:5]} of a period after the data's end {end}")
        else:
            expect(exact(labels[name][3], now_c - before_c),
                   f"Summary {name} change {labels[name][3]} != {now_c - before_c} cents")
    if partial:
        head = f"This period, to {end} (the data ends {end})"
        expect(labels["Metric"][1] == head, f"Summary header {labels['Metric'][1]!r}, want {head!r}")
        note = (f"The data ends on {end}, before {period} does ({last}): the figures of {period} "
                f"are to {end}, and no change against {prior(period)} is shown (part of a period "
                f"against a whole one)")
        expect(note in labels, f"Summary lacks {note!r}")
    dw = labels["Deals won"]
    expect((dw[1], dw[2]) == (count.get(period, 0), count.get(prior(period), 0)),
           f"Summary deals won {dw[1:3]}")

    roi_ref = {by: roi_reference(rep, by, unit) for by in ("channel", "campaign")}
    # Attribution by channel: every model's channels add up to the booked
    # revenue, and so does its Total row.
    ch = wb["Attribution by channel"]
    expect(ch["A1"].value == f"Credited won revenue by channel, {period}, every model ({rep})",
           f"channel sheet title {ch['A1'].value!r}")
    header = [c.value for c in ch[3]]
    body = []
    total = None
    for r in ch.iter_rows(min_row=4, values_only=True):
        if r[0] == "Total":
            total = r
            break
        body.append(r)
    expect(total is not None, "channel sheet has no Total row")
    models = [h for h in header[1:] if h and h != "Spend"]
    expect(len(models) == 15, f"channel sheet models {models}")
    for j, m in enumerate(header):
        if m not in models:
            continue
        s = sum(cents(r[j]) for r in body if r[j] is not None)
        expect(s == booked_now, f"channel sheet {m}: channels add to {s}, booked {booked_now}")
        expect(all(r[j] is None or exact(r[j], cents(r[j])) for r in body),
               f"channel sheet {m}: a cell is no whole number of cents")
        expect(total and exact(total[j], booked_now), f"channel sheet {m} Total {total and total[j]}")
        # ... and each rule-based model's channels are the reference's
        # credit in ZONE (roi_reference: the journeys end at the close
        # date's last second there), to the cent.
        if m in RULE_MODELS:
            ref = {g: v[0] for (mm, p, g), v in roi_ref["channel"].items() if mm == m and p == period}
            got = {r[0]: cents(r[j]) for r in body if r[j] is not None}
            bad = sorted(g for g in set(got) | set(ref) if got.get(g, 0) != ref.get(g, 0))
            expect(not bad, f"channel sheet {m} {period}: " + ", ".join(
                f"{g} {got.get(g)} != {ref.get(g)} cents" for g in bad[:4]) + f" ({ZONE_NAME})")
    # Its Spend column foots: whole cents per channel (largest remainder)
    # that add up to its Total, the Summary's marketing spend (rounded
    # once), to the cent and as the same double. The cells held each
    # channel's micros (2026Q3 Paid Social 39202.300138 shown as 39,202.30).
    js = header.index("Spend")
    foots(f"channel sheet {period}",
          {r[0]: D(repr(r[js])) for r in body if r[js] is not None},
          sp[period], spend_groups_of(rep, "channel", period, unit))
    expect(all(r[js] is None or exact(r[js], cents(r[js])) for r in body),
           "channel sheet: a spend cell is not the double nearest its cents")
    expect(total and exact(total[js], sp[period]),
           f"channel sheet spend Total {total and total[js]} != {sp[period]} cents")

    # Attribution by campaign (default model): every campaign row, "(none)"
    # (touches without a campaign) and "(unattributed)" (deals without a
    # touch) included, adds up to booked.
    camp = wb["Attribution by campaign"]
    expect(camp.cell(3, 5).value == "Credited revenue", "campaign sheet header")
    # The period in every sheet's title that names one.
    for name, head in (("Attribution by campaign", f"Campaigns, {period}, model "),
                       ("Model comparison", f"Channel share of credited revenue, {period}, every model"),
                       ("Funnel", f"Funnel of the {period} lead cohort by first-touch channel;"),
                       ("Retention", f"Revenue retention over {period} (")):
        expect(str(wb[name]["A1"].value).startswith(head), f"{name} title {wb[name]['A1'].value!r}, want {head!r}")
    credited = [r[4] for r in camp.iter_rows(min_row=4, values_only=True)
                if r[0] is not None and isinstance(r[4], (int, float))]
    s = sum(cents(v) for v in credited)
    expect(len(credited) > 10 and s == booked_now,
           f"campaign sheet: {len(credited)} campaigns add to {s}, booked {booked_now}")
    cells = {r[0]: D(repr(r[3])) for r in camp.iter_rows(min_row=4, values_only=True)
             if r[0] is not None and isinstance(r[3], (int, float))}
    foots(f"campaign sheet {period}", cells, sp[period], spend_groups_of(rep, "campaign", period, unit))
    # ... and every campaign's figures of its model (a rule-based one) are
    # allot-roi's as check_roi_groups recomputes them in ZONE: credited
    # revenue to the cent, deals credited, new customers, and with the
    # exact spend micros of the period ROI, ROAS and CAC.
    cm = re.search(r"model (\w+)", camp["A1"].value)
    if cm and cm.group(1) in RULE_MODELS:
        model = cm.group(1)
        exact_sp = spend_groups_of(rep, "campaign", period, unit)
        ref = {g: v for (m, p, g), v in roi_ref["campaign"].items() if m == model and p == period}
        n = 0
        for r in camp.iter_rows(min_row=4, values_only=True):
            if r[0] is None or not isinstance(r[4], (int, float)):
                continue
            n += 1
            rev, deals, cust, _, _ = ref.get(r[0], [0, 0, 0.0, 0.0, set()])
            spf = float(exact_sp.get(r[0], 0))
            want_r = [rev / 100, (rev / 100 - spf) / spf if spf else None, rev / 100 / spf if spf else None,
                    cust, spf / cust if spf and cust > 1e-12 else None, deals]
            got = [r[4], r[5], r[8], r[9], r[10], r[11]]
            expect(cents(r[4]) == rev and near_all(got, want_r, 1e-6),
                   f"campaign sheet {period} {r[0]} ({model}): revenue, ROI, ROAS, customers, CAC, deals "
                   f"{got}, reference {want_r} ({ZONE_NAME})")
        expect(n == len(set(ref) | {g for g, v in exact_sp.items() if v}),
               f"campaign sheet {period}: {n} campaigns, reference {len(set(ref) | set(exact_sp))}")

    # Ledger sheet (default model, every period): per deal, Credit adds to the
    # amount and Credit (reporting) to the converted amount; per period, the
    # reporting credits add to the booked revenue.
    led = wb["Ledger"]
    deal_sum, period_sum = {}, {}
    expect(led.cell(3, 5).value == f"Touch time ({ZONE_NAME})", f"Ledger sheet header {led.cell(3, 5).value!r}")
    at = {t["touch_id"]: t["occurred_at"] for t in rows("touches.csv")}
    for r in led.iter_rows(min_row=4, values_only=True):
        if not r[1] or not r[0]:
            continue
        if r[3] is not None:  # the touch's time on the zone's clocks, to the second
            local = datetime.fromisoformat(at[r[3]].replace("Z", "+00:00")).astimezone(ZONE)
            expect(r[4] == local.replace(tzinfo=None),
                   f"Ledger sheet {r[1]} {r[3]}: touch time {r[4]}, want {local} ({at[r[3]]})")
        a = deal_sum.setdefault(r[1], [0, 0])
        a[0] += cents(r[9])
        a[1] += cents(r[11])
        period_sum[r[0]] = period_sum.get(r[0], 0) + cents(r[11])
    for d in WON:
        if d["amount"]:
            got = deal_sum.get(d["deal_id"])
            want_d = [int(D(d["amount"]) * 100),
                      to_cents(D(d["amount"]), d["currency"], rep, d["close_date"])]
            expect(got == want_d, f"Ledger sheet {d['deal_id']}: {got} != {want_d}")
    expect(period_sum == want, f"Ledger sheet per period {period_sum} != booked {want}")

    # Retention: the ARR bridge foots as shown: whole cents, Start + New +
    # Expansion + Contraction + Churn (negative) = End exactly. The cells
    # held micros: 2026Q3's cents added up to 6279807.04 beside End
    # 6279807.03. (No independent reference: this is the identity only.)
    rt = list(wb["Retention"].iter_rows(min_row=2, max_row=3, values_only=True))
    if rt[0][0] == "Start ARR":
        v = rt[1][:6]
        expect(all(isinstance(x, (int, float)) and exact(x, cents(x)) for x in v),
               f"Retention bridge {v}: not whole cents")
        expect(sum(cents(x) for x in v[:5]) == cents(v[5]),
               f"Retention bridge {v}: Start + moves != End in cents")

    # Reconciliation: booked per period and deal currency, straight from deals.csv.
    rec = wb["Reconciliation"]
    native = by_currency(WON, lambda d: d["close_date"], lambda d: d["amount"], unit=run_quarter)
    n = 0
    for r in rec.iter_rows(min_row=4, values_only=True):
        if not r[0] or r[2] not in EXPONENT:
            continue
        n += 1
        total_c, seen = native.get((r[1], r[2]), (D(0), set()))
        expect(cents(r[3]) == int(total_c * 100) and r[7] == len(seen),
               f"Reconciliation {r[:3]}: booked {r[3]} from {r[7]} deals, want {total_c} from {len(seen)}")
        expect(cents(r[3]) == cents(r[4]) + cents(r[5]) and cents(r[6]) == 0,
               f"Reconciliation {r[:3]}: {r[3]} != {r[4]} + {r[5]} (difference {r[6]})")
    expect(n == 15 * len(native), f"Reconciliation has {n} rows, want {15 * len(native)}")
    return f"Summary, {len(models)} channel columns, {len(deal_sum)} ledger deals, {n} reconciliation rows"


def near_all(got, want, tol):
    """Each got cell is a number within tol of want (None: empty)."""
    return len(got) == len(want) and all(
        (w is None and g is None) or (w is not None and isinstance(g, (int, float))
                                      and abs(g - float(w)) <= tol) for g, w in zip(got, want))


def check_funnel_sheet(fu, rep, period):
    """The workbook's Funnel sheet (rows fu) for a (fiscal) quarter or year."""
    unit = period_unit(period)
    pipe = {q: v[0] for q, v in pipeline(rep, unit).items()}
    heads = {r[1] if r[1] == "Stage" else "MQLs" if r[1] == "MQLs" else "Deals": i
             for i, r in enumerate(fu) if r and r[0] == "Channel"}
    expect(set(heads) == {"Stage", "MQLs", "Deals"}, f"Funnel sheet tables {sorted(heads)}")
    if set(heads) != {"Stage", "MQLs", "Deals"}:
        return

    def table(name):
        out = []
        for r in fu[heads[name] + 1:]:
            if not r or r[0] is None:
                break
            out.append(r)
        return fu[heads[name]], out

    # Stages of the lead cohort.
    cells = {g: c for (p, g), c in stage_cells(rep, unit, "channel").items() if p == period}
    _, body = table("Stage")
    seen = set()
    for r in body:
        c = cells.get(r[0])
        k = STAGES.index(r[1])
        seen.add(r[0])
        expect(c is not None and r[2] == c[k],
               f"Funnel sheet {r[0]} {r[1]}: {r[2]}, reference {c and c[k]} ({ZONE_NAME})")
        if c is None:
            continue
        nk, den = (4, c[1]) if r[1] == "won" else (k + 1, c[k])
        if den:
            want3 = (c[nk] / den,) + wilson(c[nk], den)
            expect(near_all(r[4:7], want3, 1e-9),
                   f"Funnel sheet {r[0]} {r[1]} -> {r[3]}: {r[4:7]}, reference {want3}")
    expect(seen == set(cells), f"Funnel sheet channels {sorted(seen)} != {sorted(cells)}")
    expect(len(body) == 5 * len(cells), f"Funnel sheet has {len(body)} stage rows")
    # Speed-to-lead of the cohort.
    cells = {g: c for (p, g), c in speed_cells(unit, "channel").items() if p == period}
    hdr, body = table("MQLs")
    for r in body:
        c = cells.get(r[0])
        expect(c is not None, f"Funnel sheet speed: no channel {r[0]} in the reference ({ZONE_NAME})")
        if c is None:
            continue
        want = [c["mqls"], c["followed_up"], c["sla_eligible"]]
        if c["sla_eligible"]:
            want += [c["sla_met"] / c["sla_eligible"], *wilson(c["sla_met"], c["sla_eligible"])]
        else:
            want += [None] * 3
        want += [km_quantile(c["obs"], p, 3600) if c["obs"] else None for p in (0.25, 0.5, 0.75)]
        expect(near_all(r[1:10], want, 1e-9),
               f"Funnel sheet speed {r[0]}: {r[1:10]}, reference {want} ({ZONE_NAME})")
    expect({r[0] for r in body} == set(cells), f"Funnel sheet speed channels {[r[0] for r in body]}")
    # Deals created in the period.
    want_p, counts, cyc, won_cents, mkt = deal_cells(rep, unit, "channel")
    hdr, body = table("Deals")
    col = {h: j for j, h in enumerate(hdr)}
    expect(body and body[0][0] == "(all)" and exact(body[0][col["Pipeline"]], pipe.get(period, 0)),
           f"Funnel sheet pipeline {body[:1]} != {pipe.get(period, 0)} cents (the Summary's)")
    for r in body:
        k = (period, r[0])
        if k not in counts:
            failures.append(f"Funnel sheet deals: no cell {k} in the reference ({ZONE_NAME})")
            continue
        n, o, won = counts[k]
        w = sorted(won_cents.get(k, []))
        want = [n, o, n - o, won]
        want += [won / (n - o), *wilson(won, n - o)] if n - o else [None] * 3
        want += [D(sum(w)) / len(w) / 100, median_cents(w)] if w else [None] * 2
        want += [km_quantile(cyc[k], 0.5)]
        got = [r[col[h]] for h in ("Deals", "Open", "Closed", "Won", "Win rate", "Lower", "Upper",
                                   "Mean won", "Median won", "Median cycle days")]
        expect(near_all(got, want, 1e-6),
               f"Funnel sheet deals {r[0]}: {got}, reference {[str(x) for x in want]} ({ZONE_NAME})")
        expect(exact(r[col["Pipeline"]], want_p.get(k, (0, 0))[0])
               and exact(r[col["Marketing-sourced pipeline"]], mkt[k][1]) and r[col["Won, no amount"]] == mkt[k][3],
               f"Funnel sheet deals {r[0]}: pipeline {r[col['Pipeline']]}, marketing-sourced "
               f"{r[col['Marketing-sourced pipeline']]}, won without amount {r[col['Won, no amount']]}, "
               f"reference {want_p.get(k)} cents, {mkt[k][1]}, {mkt[k][3]} ({ZONE_NAME})")
    expect({r[0] for r in body} == {g for p, g in counts if p == period},
           f"Funnel sheet deal channels {[r[0] for r in body]} ({ZONE_NAME})")


def label_months(label):
    """The months ('YYYY-MM') of a credit run's quarter label: a calendar
    quarter ('2026Q2') whatever the fiscal start, a fiscal one
    ('FY2027Q1') with fiscal years starting in month FISCAL."""
    if label.startswith("FY"):
        return {f"{y}-{m:02d}" for y in range(int(label[2:6]) - 1, int(label[2:6]) + 1)
                for m in range(1, 13) if fquarter(f"{y}-{m:02d}-01") == label}
    y, q = int(label[:4]), int(label[5])
    return {f"{y}-{m:02d}" for m in range(3 * q - 2, 3 * q + 1)}


def period_months(period):
    """The months ('YYYY-MM') of a (fiscal) quarter or year (period_dates)."""
    first, last = period_dates(period)
    out, d = set(), date.fromisoformat(first)
    while d.isoformat() <= last:
        out.add(d.isoformat()[:7])
        d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return out


def credit_csv_channels(path, model, period):
    """{channel: cents} of a credit CSV's model over the run's quarters
    that lie inside period (a quarter's own, or a year's; calendar
    quarters of a calendar run inside a fiscal period too)."""
    months = period_months(period)
    out = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            if r["model"] == model and label_months(r["period"]) <= months:
                out[r["channel"]] = out.get(r["channel"], 0) + int(D(r["credited_amount"]) * 100)
    return out


def check_pdf(path, rep, period, credit_csv):
    """allot-pdf of a quarter, calendar or (with --fiscal) fiscal: every
    figure from the reference's own periods (period_unit: the months of
    the fiscal start), never from the PDF's labels."""
    text = subprocess.run(["pdftotext", path, "-"], check=True, capture_output=True,
                          text=True).stdout
    pages = text.split("\f")
    cover, credit = pages[0], pages[1]
    unit = period_unit(period)
    want = booked_by(rep, unit)
    count = {}
    for d in WON:
        count[unit(d["close_date"])] = count.get(unit(d["close_date"]), 0) + 1
    # The period, its first and last day (from the months) and the prior
    # period's label.
    first, last_day = period_dates(period)
    head = f"{period}\n{first} to {last_day} · compared with {prior(period)} · amounts in {rep}"
    # A period that ends after the data's end (Tokyo's FY2027 with start 4)
    # is not compared with the prior one: the subtitle gives why, wrapped,
    # and each tile the prior period's figure after "to END · PRIOR: "
    # (README "A period the data do not cover").
    end = report_end()
    partial = last_day > end
    if partial:
        head = (f"{period} {first} to {last_day} · The data ends on {end}, before {period} does "
                f"({last_day}): the figures of {period} are to {end}, and no change against "
                f"{prior(period)} is shown (part of a period against a whole one) · amounts in {rep}")
    expect(re.sub(r"\s+", " ", cover).startswith(f"allot · revenue attribution pack {head}")
           if partial else cover.startswith(f"allot · revenue attribution pack\n\n{head}"),
           f"cover lacks {head!r} (fiscal start {FISCAL}): {cover[:120]!r}")

    def was(figure):
        """The prior period's figure as the tile shows it."""
        return f"to {end} · {prior(period)}: {figure}" if partial else f"({figure})"
    expect(f"amounts in {rep}" in cover, "cover does not name the currency")
    won = f"{rep} {whole_text(want[period])}"
    expect(re.search(rf"^{re.escape(won)}$", cover, re.M) is not None, f"cover lacks {won!r}")
    before = (was(f"{rep} {whole_text(want[prior(period)])}") if partial
              else f"vs {prior(period)} ({rep} {whole_text(want[prior(period)])})")
    expect(before in cover, f"cover lacks {before!r}")
    pipe = pipeline(rep, unit)
    created = f"{rep} {whole_text(pipe[period][0])}"
    expect(re.search(rf"^{re.escape(created)}$", cover, re.M) is not None,
           f"cover lacks pipeline {created!r}")
    expect(was(f"{rep} {whole_text(pipe[prior(period)][0])}") in cover, "cover prior pipeline")
    sp = spend_cents(rep, unit)
    spent = f"{rep} {whole_text(sp[period])}"
    expect(re.search(rf"^{re.escape(spent)}$", cover, re.M) is not None,
           f"cover lacks marketing spend {spent!r}")
    expect(was(f"{rep} {whole_text(sp[prior(period)])}") in cover, "cover prior marketing spend")
    for p in (period, prior(period)):  # won revenue per unit of spend
        multiple = f"{D(want[p]) / D(sp[p]):.2f}×"
        expect(multiple in cover, f"cover lacks {p}'s won revenue per unit of spend {multiple}")
    expect(re.search(rf"^{count[period]}$", cover, re.M) is not None, "cover deals won")
    expect((was(count[prior(period)]) if partial else f"vs {prior(period)} ({count[prior(period)]})")
           in cover, "cover prior deals won")
    # The credit page draws the default model's channels of the credit CSV
    # (whose totals check_credit_csv ties to booked revenue) in whole units
    # that foot: they add up to the booked revenue of its note and cover,
    # each less than a unit from the channel's cents (largest remainder).
    # Each rounded on its own, 2026Q3's added up to 1,555,261.
    model = re.search(r"default model (\w+)", cover).group(1)
    channels = credit_csv_channels(credit_csv, model, period)
    lines = [l for l in credit.splitlines() if l.strip()]
    drawn = {}
    for name, value in zip(lines, lines[1:]):
        m = re.fullmatch(r"([\d,]+) \(\d+ %\)", value)
        if m and name in channels:
            drawn[name] = int(m.group(1).replace(",", ""))
    expect(set(drawn) == set(channels), f"credit page channels {sorted(drawn)} != {sorted(channels)}")
    for name, v in drawn.items():
        expect(abs(D(v) - D(channels[name]) / 100) < 1,
               f"credit page {name}: {v} is a unit or more from {channels[name]} cents")
    whole = int(half_up(D(want[period]) / 100, "1"))
    expect(sum(drawn.values()) == whole,
           f"credit page channels add up to {sum(drawn.values())}, booked {whole}")
    note = re.search(r"Booked revenue (\w+) ([\d,]+), of which \1 ([\d,]+) not attributed",
                     credit.replace("\n", " "))
    expect(note is not None and int(note.group(2).replace(",", "")) == whole
           and int(note.group(3).replace(",", "")) == drawn.get("(unattributed)", 0),
           f"credit page note {note and note.group(0)!r}: booked {whole}, unattributed "
           f"{drawn.get('(unattributed)')}")
    # The ARR bridge page foots as written: start + steps = end in whole
    # units (2025Q3 read 1,849,420 + 784,028 + 48,899 - 95,055 = 2,587,292
    # beside an end of 2,587,293). pdftotext mixes the bar labels with the
    # axis ticks: the four signed labels are the steps, the end is the
    # takeaway's ("to USD 2,587,293"), and end - steps must be a label.
    bridge = next((p for p in pages if p.startswith(f"ARR bridge, {period}")), None)
    expect(bridge is not None, "PDF has no ARR bridge page")
    # ... and a period that ends after the data has no bridge, only why
    # (README "The finance workbook", Retention: its last day's ARR is not
    # known); it showed the bridge to the data's end under the period's
    # label (Tokyo's FY2027 with start 4, April 2026 to March 2027).
    end = retention_end()
    if bridge and last_day > end:
        note = (f"The data ends on {end}, before {period} does ({last_day}): no ARR bridge, "
                f"NRR or GRR until that day is in the data. For {first} to {end} only, run "
                f"with --period {first}..{end}")
        expect(note in re.sub(r"\s+", " ", bridge), f"ARR bridge page lacks {note!r}: {bridge[:400]!r}")
        expect(not re.search(r"^[+\u2212][\d,]+$", bridge, re.M), f"ARR bridge page has steps: {bridge[:400]!r}")
        bridge = None
    if bridge:
        nums = re.findall(r"^([+\u2212]?)([\d,]+)$", bridge, re.M)
        steps = [int(n.replace(",", "")) * (-1 if sg == "\u2212" else 1) for sg, n in nums if sg]
        plain = {int(n.replace(",", "")) for sg, n in nums if not sg}
        to = re.search(r"ARR (?:grew|fell) [\d.]+ % to \w+ ([\d,]+);", bridge)
        expect(len(steps) == 4 and to is not None, f"ARR bridge page: {nums}")
        if len(steps) == 4 and to:
            end = int(to.group(1).replace(",", ""))
            expect(end in plain and end - sum(steps) in plain,
                   f"ARR bridge: end {end} - steps {steps} = {end - sum(steps)}, no such start "
                   f"label in {sorted(plain)}")
    # The trend page's takeaway: won revenue of the period's last three
    # months (a quarter's own; a year's last quarter, none beyond the data).
    by_month = booked_by(rep, month)
    three = sorted(period_months(period))[-3:]
    trend = f"Won revenue in the last three months: {rep} {whole_text(sum(by_month.get(m, 0) for m in three))}"
    if partial:
        # the period so far instead (README "A period the data do not
        # cover"): its last three months were after the data, USD 0
        trend = f"Won revenue in {period} to {end} (the data ends {end}): {rep} {whole_text(want[period])}"
    expect(re.search(rf"{re.escape(trend)}(, |\s)", re.sub(r"\s+", " ", text)) is not None,
           f"PDF lacks {trend!r}")
    # ... and its labels of the period's last month: pipeline created by
    # the creation month in ZONE, won revenue by the close date's month.
    # A period that ends after the data's end: its months after the data are
    # not drawn, so the lines end in the month of the data's end.
    last = (end if partial else last_day)[:7]
    page = next((p for p in pages if p.startswith("Pipeline created and revenue won by month")), "")
    ends = (("Pipeline created", pipeline(rep, month).get(last, (0, 0))[0]),
            ("Won revenue", by_month.get(last, 0)))
    got_ends = sorted(re.findall(rf"^([\d,]+) in {last}$", page, re.M))
    expect(got_ends == sorted(whole_text(c) for _, c in ends),
           f"trend page's labels of {last}: {got_ends}, reference {[whole_text(c) for _, c in ends]}")
    # ... each its line's: where pdftotext puts a line's name right before
    # an end label (it does not always: FY2026 with start 11 had 'Won
    # revenue' among the month ticks), that label is the line's figure.
    for (label, cents), (_, other) in zip(ends, ends[::-1]):
        wrong = f"{label}\n{whole_text(other)} in {last}\n"
        expect(other == cents or wrong not in page, f"trend page: {wrong!r}, want {whole_text(cents)} ({ZONE_NAME})")
    expect(any(f"{label}\n{whole_text(cents)} in {last}\n" in page for label, cents in ends),
           f"trend page: neither line's name is beside its end label of {last}")
    # The funnel page: the people of the period's lead cohort (their day in
    # ZONE) at each stage they reached (stage_cells), each step's conversion
    # and its 95 % Wilson interval (one decimal of a percent).
    fp = next((p for p in pages if p.startswith(f"Funnel of the leads created in {period}\n")), None)
    expect(fp is not None, f"PDF has no funnel page of {period}")
    if fp:
        c = stage_cells(rep, unit, "none").get((period, "(all)"), [0] * 6)
        names = ("Leads", "MQLs", "SQLs", "Opportunities", "Won")
        for k, name in enumerate(names):
            expect(re.search(rf"^{name}\n\n?{c[k]:,}$", fp, re.M) is not None,
                   f"funnel page: {name} not {c[k]:,} ({ZONE_NAME})")
        steps = re.findall(r"^↓ ([\d.]+) % converted \(95 % interval ([\d.]+) % – ([\d.]+) %\)$", fp, re.M)
        expect(len(steps) == 4, f"funnel page: {len(steps)} conversions, want 4")
        for k, got in enumerate(steps[:4]):
            ref = (c[k + 1] / c[k],) + wilson(c[k + 1], c[k]) if c[k] else None
            expect(ref is not None and all(abs(float(g) - 100 * r) <= 0.05 + 1e-9 for g, r in zip(got, ref)),
                   f"funnel page: {names[k]} -> {names[k + 1]} {got} %, reference "
                   f"{ref and [f'{100 * r:.3f}' for r in ref]} ({ZONE_NAME})")
    return f"cover {won}, {count[period]} deals; {len(drawn)} channels on the credit page"


def check_eml(path, outdir, period, credit_csv, credit_currency=None):
    raw = open(path, "rb").read()
    m = email.message_from_bytes(raw, policy=email.policy.default)
    expect(not m.defects, f"message defects {m.defects}")
    body = m.get_body(("plain",)).get_content()
    p0 = prior(period)
    unit = period_unit(period)  # the reference's own (fiscal) quarter of a date
    first, last_day = period_dates(period)
    title = f"allot report pack for {period} ({first} to {last_day})"
    expect(body.splitlines()[0] == title, f"e-mail does not start with {title!r} (fiscal start {FISCAL})")
    # A period that ends after the data's end (the year 2026 of the sample)
    # has no change against the whole prior period; the line under the
    # title says why (README "A period the data do not cover").
    end = report_end()
    partial = last_day > end
    if partial:
        note = (f"The data ends on {end}, before {period} does ({last_day}): the figures of "
                f"{period} are to {end}, and no change against {p0} is shown (part of a period "
                f"against a whole one).")
        expect(body.splitlines()[1] == note, f"e-mail's second line {body.splitlines()[1]!r}, want {note!r}")

    def change(now, before):
        return f"{(now - before) / before * 100:+.1f} %"

    def with_change(now, before):
        """', +12.3 %' after the prior period's figure, or nothing."""
        return "" if partial else f", {change(now, before)}"

    def compared(cur, by_cur, count_text):
        """The line of a currency: the period's amount and count, else
        'none', beside the prior period's (none, or with the change)."""
        now, seen = by_cur.get((period, cur), (None, set()))
        before = by_cur.get((p0, cur), (None, None))[0]
        n = len(seen)
        text = f"{cur} {now:,.2f} {count_text.format(n=n, s='s' if n != 1 else '')}" if now is not None \
            else "none"
        if before is None:
            return f"  {cur}: {text} ({p0}: none)"
        if now is not None and before > 0:
            return f"  {cur}: {text} ({p0}: {cur} {before:,.2f}{with_change(now, before)})"
        return f"  {cur}: {text} ({p0}: {cur} {before:,.2f})"

    # Revenue won per deal currency, with the prior period ('none' in a
    # period without: 2026Q4).
    won = by_currency(WON, lambda d: d["close_date"], lambda d: d["amount"], unit=unit)
    for cur in EXPONENT:
        if (period, cur) in won or (p0, cur) in won:
            line = compared(cur, won, "from {n} deal{s}")
            expect(line in body, f"e-mail lacks {line!r}")
    # Pipeline created: deals by their creation day in ZONE, per currency.
    pipe = by_currency(DEALS, lambda d: day_of(d["created_at"]), lambda d: d["amount"], unit=unit)
    for cur in EXPONENT:
        if (period, cur) in pipe or (p0, cur) in pipe:
            line = compared(cur, pipe, "in {n} new deal{s}")
            expect(line in body, f"e-mail lacks {line!r}")
    # ... and all of it in the reporting currency, each deal at its creation
    # day's rate: the workbook's and the PDF's pipeline created.
    rep = credit_currency or "USD"
    pp = pipeline(rep, unit)
    now_p = pp.get(period, (0, 0))[0]
    line = (f"  all in {rep}, each deal at its creation day's rate: {rep} "
            f"{cents_text(now_p)} ({p0}: {rep} {cents_text(pp[p0][0])}"
            f"{with_change(D(now_p), D(pp[p0][0]))})")
    expect(line in body, f"e-mail lacks {line!r}")
    # Marketing spend per currency and campaigns.
    spend = by_currency(SPEND, lambda s: s["date"], lambda s: s["cost"], lambda s: s["campaign_id"], unit=unit)
    for cur in EXPONENT:
        if (period, cur) in spend or (p0, cur) in spend:
            line = compared(cur, spend, "across {n} campaign{s}")
            expect(line in body, f"e-mail lacks {line!r}")
    # ... and all of it in the reporting currency (the credit's), each row at
    # its day's rate, the micros rounded once: the workbook's and the PDF's
    # marketing spend.
    rep = credit_currency or "USD"
    sp = spend_cents(rep, unit)
    line = (f"  all in {rep}, each row at its day's rate: {rep} {cents_text(sp.get(period, 0))} "
            f"({p0}: {rep} {cents_text(sp[p0])}{with_change(D(sp.get(period, 0)), D(sp[p0]))})")
    expect(line in body, f"e-mail lacks {line!r}")
    # Credited revenue: booked = credited + unattributed, booked independent.
    # A period without booked revenue has no credit quarter: the section
    # says it is not available.
    if period not in booked_by(credit_currency or "USD", unit):
        na = re.search(r"Credited revenue by channel\r?\n  \(not available: [^\r\n]*\)\r?\n", body)
        expect(na is not None, f"e-mail: {period} has no booked revenue, yet the credit section is "
               "not 'not available'")
        return attachments(m, outdir) + ", no credit (none booked)"
    mt = re.search(r"Credited revenue by channel \((\w+) model, run \d+(?:, ([\w-]+))?\)", body)
    expect(mt is not None, "e-mail has no credit section")
    # A year's section names the run's quarters it adds up: the reference's
    # (fiscal) quarters with booked revenue inside the year.
    if mt and "Q" not in period:
        qs = sorted(q for q in booked_by(credit_currency or "USD", fquarter) if label_months(q) <= period_months(period))
        expect(mt.group(2) == f"{qs[0]}-{qs[-1]}", f"e-mail credit section's quarters {mt.group(2)!r}, "
               f"reference {qs[0]}-{qs[-1]}")
    rec = re.search(r"reconciliation: (\w+) ([\d,.]+) booked = \1 ([\d,.]+) credited \+ \1 "
                    r"([\d,.]+) unattributed", body)
    expect(rec is not None, "e-mail has no reconciliation line")
    if mt and rec:
        rep = rec.group(1)
        expect(credit_currency in (None, rep), f"e-mail credit in {rep}, not {credit_currency}")
        b, c, u = (int(D(rec.group(i).replace(",", "")) * 100) for i in (2, 3, 4))
        expect(b == booked_by(rep, unit)[period], f"e-mail booked {b} != {booked_by(rep, unit)[period]} ({rep})")
        channels = credit_csv_channels(credit_csv, mt.group(1), period)
        expect(c + u == b and u == channels.get("(unattributed)", 0),
               f"e-mail credited {c} + unattributed {u} != booked {b}")
        section = re.split(r"\r?\n\r?\n", body[mt.start():])[0]  # the credit section alone
        for name, amount in re.findall(rf"^  ([^:\n]+): {rep} ([\d,.]+) \(", section, re.M):
            got = int(D(amount.replace(",", "")) * 100)
            expect(channels.get(name) == got, f"e-mail {name}: {got} != credit CSV {channels.get(name)}")
    return attachments(m, outdir)


def attachments(m, outdir):
    """Every attachment of message m is the file on disk in outdir, byte
    for byte, and every pack file there (PDF, workbook, charts/*.png) is
    attached; with none there, the message says '(nothing)'."""
    files = {f: f for f in ("allot-pack.pdf", "allot-report.xlsx") if os.path.exists(os.path.join(outdir, f))}
    if os.path.isdir(os.path.join(outdir, "charts")):
        for png in sorted(os.listdir(os.path.join(outdir, "charts"))):
            files[png] = os.path.join("charts", png)
    if not files:
        expect("\nAttached\n  (nothing)\n" in m.get_body(("plain",)).get_content().replace("\r\n", "\n"),
               "e-mail: no pack files, yet not 'Attached (nothing)'")
    seen = []
    for part in m.iter_attachments():
        name = part.get_filename()
        seen.append(name)
        disk = open(os.path.join(outdir, files.get(name, name)), "rb").read()
        expect(hashlib.sha256(part.get_content()).digest() == hashlib.sha256(disk).digest(),
               f"attachment {name} differs from the file on disk")
    expect(sorted(seen) == sorted(files), f"attachments {seen}")
    return f"revenue, pipeline, spend lines and {len(seen)} attachments"


def check_roi(path, rep, by="channel", unit="quarter", only=None):
    """allot-roi --csv (--by channel or campaign, --period quarter, month or
    year; with --fiscal the quarters and years are fiscal, the reference's
    own from the months, fquarter and fyear): revenue and spend foot, and
    every rule-based row is recomputed (check_roi_groups). Months of spend
    without a won deal have revenue 0. only: the CSV is of that one period
    (allot-roi --period FY2027Q1), labelled in unit."""
    unit = UNITS[unit]
    want = booked_by(rep, unit)
    if only:
        want = {only: want.get(only, 0)}
    got = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            expect(r["currency"] == rep, f"roi row in {r['currency']}")
            expect(not only or r["period"] == only, f"roi row of {r['period']}, not {only}")
            k = (r["model"], r["period"])
            got[k] = got.get(k, 0) + int(D(r["revenue"]) * 100)
    for (m, p), v in sorted(got.items()):
        expect(v == want.get(p, 0), f"roi {m} {p}: revenue {v} cents, booked {want.get(p)} ({rep})")
    expect(len({m for m, _ in got}) == 15, f"roi has {len(got)} model x period groups")
    # Spend foots: per model and quarter the groups' spend adds up exactly
    # to the reference (the quarter's micros rounded once), and each group
    # is within a cent of its exact micros. Rounding each group on its own
    # (before) put four EUR quarters a cent off (2026Q2: rows 206,785.84,
    # total 206,785.83); USD happened to add up.
    sp = spend_cents(rep, unit)
    if only:
        sp = {only: sp.get(only, 0)}
    groups = spend_by(rep, by, unit)
    spent = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            spent.setdefault((r["model"], r["period"]), {})[r["group"]] = D(r["spend"])
    for (m, p), cells in sorted(spent.items()):
        foots(f"roi {m} {p} ({rep}, by {by})", cells, sp.get(p, 0),
              {g: v for (q, g), v in groups.items() if q == p})
    expect({p for _, p in spent} >= set(sp), "roi lacks a quarter with spend")
    periods = {p for p, v in want.items() if v} | {p for p, v in sp.items() if v}
    expect({p for _, p in got} == periods,
           f"roi periods {sorted({p for _, p in got})}, reference {sorted(periods)} (fiscal start {FISCAL})")
    n = check_roi_groups(path, rep, by, unit, only=only)
    return (f"{len(got)} model x period revenue sums tie out in {rep}; spend by {by} foots "
            f"in {len(spent)}; {n} rows of {len(RULE_MODELS)} models recomputed in {ZONE_NAME}")


RULE_MODELS = ("first_touch", "last_touch", "linear", "time_decay", "last_non_direct", "position_based",
               "j_shaped", "inverse_j", "u_shaped", "u_shaped_50", "w_shaped", "full_path", "custom")


def lookback_days():
    """[general] lookback_days of SAMPLE_DIR/allot.ini (the credit run's)."""
    m = re.search(r"^lookback_days\s*=\s*(\d+)", open(os.path.join(sample, "allot.ini")).read(), re.M)
    return int(m.group(1))


def journey_context():
    """What a journey's weights need from sample-data: each touch's instant
    and row by touch id, each person's created_at instant, each deal's
    people."""
    at = {t["touch_id"]: instant(t["occurred_at"]) for t in rows("touches.csv")}
    by_id = {t["touch_id"]: t for t in rows("touches.csv")}
    created = {r["person_id"]: instant(r["created_at"]) for r in rows("people.csv") if r["created_at"]}
    people = {}
    for r in rows("deal_people.csv"):
        people.setdefault(r["deal_id"], []).append(r["person_id"])
    return at, by_id, created, people


def exact_weights(model, weights):
    """The weights as the exact fractions the rules make (time_decay's as
    the doubles they are)."""
    from fractions import Fraction
    return [Fraction(w) if model == "time_decay" else Fraction(w).limit_denominator(10**7)
            for w in weights]


def largest_remainder(total, weights):
    """README "The ledger" rounding: each touch the floor of total x weight,
    the units still missing one each to the largest remainders, ties to
    the earlier touch; in exact fractions. Also whether a tie decided it
    (the last unit given and the first not given have equal remainders)."""
    from fractions import Fraction
    quota = [total * Fraction(w) for w in weights]
    out = [q.numerator // q.denominator for q in quota]
    order = sorted(range(len(quota)), key=lambda i: (-(quota[i] - out[i]), i))
    k = total - sum(out)
    tie = 0 < k < len(order) and quota[order[k - 1]] - out[order[k - 1]] == quota[order[k]] - out[order[k]]
    for i in order[:k]:
        out[i] += 1
    return out, tie


@functools.lru_cache(maxsize=None)
def deal_splits(rep):
    """Per won deal with an amount, what roi_reference needs of it (once per
    process, for every grouping and unit): (deal, new customer, new MRR
    micros, {'channel' and 'campaign': group per touch}, {model: (weights,
    cents, tie)})."""
    want_j = journeys(lookback_days(), "revenue")
    at, by_id, created, people = journey_context()
    first_won = {}
    for d in sorted(WON, key=lambda d: (d["close_date"] == "", d["close_date"], d["deal_id"])):
        first_won.setdefault(d["account_id"] or d["deal_id"], d["deal_id"])
    first_sub = {}
    for r in sorted(rows("subscriptions.csv"), key=lambda r: (r["start_date"], r["subscription_id"])):
        first_sub.setdefault(r["account_id"], r)
    out = []
    for d in WON:
        if not d["amount"]:
            continue
        j = sorted((at[t], t) for t in want_j[d["deal_id"]])
        conv = to_cents(D(d["amount"]), d["currency"], rep, d["close_date"])
        new = first_won[d["account_id"] or d["deal_id"]] == d["deal_id"]
        mrr = D(0)
        s = first_sub.get(d["account_id"])
        if new and s:
            mrr = half_up(D(s["mrr"]) * rate(s["currency"], rep, s["start_date"]), "0.000001") * 10**6
        if j:
            leads = [created[p] for p in people.get(d["deal_id"], ()) if p in created]
            ws = model_weights(j, min(leads) if leads else None, instant(d["created_at"]),
                               day_end(d["close_date"]), [touch_channel(by_id[t]) for _, t in j])
            n = len(j)
            ws["linear"] = [1 / n] * n
            ws["first_touch"] = [1.0] + [0.0] * (n - 1)
            ws["last_touch"] = [0.0] * (n - 1) + [1.0]
            groups = {"channel": [touch_channel(by_id[t]) for _, t in j],
                      "campaign": [by_id[t]["campaign_id"] or "(none)" for _, t in j]}
        else:
            ws = {m: [1.0] for m in RULE_MODELS}
            groups = {"channel": ["(unattributed)"], "campaign": ["(unattributed)"]}  # lib/roi.h
        splits = {m: (ws[m],) + largest_remainder(conv, exact_weights(m, ws[m])) for m in RULE_MODELS}
        out.append((d, new, mrr, groups, splits))
    return out


def roi_reference(rep, by="channel", unit=quarter):
    """{(model, quarter, group): [revenue cents, deals, customers, new MRR
    micros]} of the 13 rule-based models (README "Scoreboard" definitions,
    lib/roi.h): each won deal with an amount, its journey in ZONE (the
    close date's last second there, lookback_days before it), the model's
    weights over it (model_weights; linear 1/n; first and last touch), its
    amount converted at the close date split by largest remainder; its
    group the touch's channel (touch_channel) or campaign_id ((none)
    without); a deal without a touch is (unattributed), by channel and by
    campaign. deals: deals giving the group a positive weight.
    customers: each deal that is its account's first won deal (close date,
    then deal id) split by the weights; new MRR: the account's first
    subscription's MRR (start date, then id) at its start date's rate.
    unit: the period of the close date (quarter, month or year)."""
    out = {}
    for d, new, mrr, groups, splits in deal_splits(rep):
        for m in RULE_MODELS:
            ws, cents, tie = splits[m]
            seen = set()
            for g, w, c in zip(groups[by], ws, cents):
                v = out.setdefault((m, unit(d["close_date"]), g), [0, 0, 0.0, 0.0, set()])
                v[0] += c
                if tie:
                    v[4].add(d["deal_id"])
                if w > 0 and g not in seen:
                    seen.add(g)
                    v[1] += 1
                if new:
                    v[2] += w
                    v[3] += float(mrr) * w
    return out


def check_roi_groups(path, rep, by, unit=quarter, gross_margin=0.8, only=None):
    """Every row of the 13 rule-based models against roi_reference: revenue
    to the cent, deals, customers (6 decimals), new MRR (cents), and spend
    (the reference's exact micros of the group, the footed cents within a
    cent) in ROI = (revenue - spend) / spend, ROAS, CAC = spend /
    customers and payback = spend / (new MRR x gross margin), each to its
    last printed decimal."""
    want = roi_reference(rep, by, unit)
    spend = spend_by(rep, by, unit)
    got = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            if r["model"] in RULE_MODELS:
                got[(r["model"], r["period"], r["group"])] = r
    keys = set(want) | {(m, q, g) for m in RULE_MODELS for (q, g), v in spend.items() if v}
    if only:
        keys = {k for k in keys if k[1] == only}
    expect(set(got) == keys, f"roi rows (by {by}) differ from the reference's in {ZONE_NAME}: "
           f"{sorted(set(got) ^ keys)[:6]}")

    def near(cell, ref, dp, what, k):
        if ref is None:
            expect(cell == "", f"roi {k}: {what} {cell!r}, want empty ({ZONE_NAME})")
        else:
            expect(cell != "" and abs(D(cell) - D(repr(ref))) <= D(10) ** -dp,
                   f"roi {k}: {what} {cell}, reference {ref:.{dp + 2}f} ({ZONE_NAME})")

    n = 0
    for k in sorted(keys & set(got)):
        r = got[k]
        rev, deals, cust, mrr, tied = want.get(k, [0, 0, 0.0, 0.0, set()])
        sp = spend.get(k[1:], D(0))
        n += 1
        # To the cent, also where an exact tie of remainders decided a
        # deal's split (the earlier touch gets the cent). Before allot
        # counted remainders equal up to the doubles' rounding as a tie,
        # such splits went either way (Tokyo by channel: 667 of the 1,118
        # rows hold such a deal, 29 differed by a cent or two).
        got_rev = int(D(r["revenue"]) * 100)
        expect(got_rev == rev, f"roi {k}: revenue {r['revenue']}, reference "
               f"{cents_text(rev)} ({len(tied)} deals split on a tie) ({ZONE_NAME})")
        expect(int(r["deals"]) == deals, f"roi {k}: deals {r['deals']}, reference {deals}")
        near(r["customers"], cust, 6, "customers", k)
        near(r["new_mrr"], mrr / 1e6, 2, "new MRR", k)
        spf = float(sp)
        near(r["roi"], (rev / 100 - spf) / spf if spf else None, 6, "ROI", k)
        near(r["roas"], rev / 100 / spf if spf else None, 6, "ROAS", k)
        near(r["cac"], spf / cust if spf and cust > 1e-12 else None, 2, "CAC", k)
        near(r["payback_months"], spf / (mrr / 1e6 * gross_margin) if spf and mrr > 0 else None, 4,
             "payback", k)
    return n


def deal_cells(rep, unit, by):
    """The deals table's reference per (creation period in ZONE, group):
    {cell: (pipeline cents, won cents)}, {cell: (deals, open, won)},
    {cell: cycles}, {cell: [won deals' cents at the close date]},
    {cell: [marketing-sourced deals, their pipeline cents, their won cents,
    won deals without an amount]} (marketing_deals); the groups "(all)"
    and, unless by is none, deal_groups(by)'s."""
    group = deal_groups(by)
    members = {}
    for d in DEALS:
        for g in group_keys(group[d["deal_id"]], by):
            members.setdefault(g, []).append(d)
    want, counts, cyc, won_cents, mkt = {}, {}, {}, {}, {}
    sourced = marketing_deals()
    for g, ds in members.items():
        for q, v in pipeline(rep, unit, ds).items():
            want[(q, g)] = v
        for q, v in created_count(unit, ds).items():
            counts[(q, g)] = v
        for q, v in cycles(unit, ds).items():
            cyc[(q, g)] = v
        for d in ds:
            if d["is_won"] == "1" and d["amount"]:
                won_cents.setdefault((unit(day_of(d["created_at"])), g), []).append(
                    to_cents(D(d["amount"]), d["currency"], rep, d["close_date"]))
            created = day_of(d["created_at"])
            v = mkt.setdefault((unit(created), g), [0, 0, 0, 0])
            v[3] += d["is_won"] == "1" and not d["amount"]
            if d["deal_id"] in sourced:
                v[0] += 1
                if d["amount"]:
                    v[1] += to_cents(D(d["amount"]), d["currency"], rep, created)
                    if d["is_won"] == "1":
                        v[2] += to_cents(D(d["amount"]), d["currency"], rep, d["close_date"])
    return want, counts, cyc, won_cents, mkt


def median_cents(w):
    """The median of sorted cents, in major units (exact)."""
    return D(w[len(w) // 2] if len(w) % 2 else (w[len(w) // 2 - 1] + w[len(w) // 2])) / (
        100 if len(w) % 2 else 200)


def funnel_unit(unit):
    """The period function of allot-funnel's cohorts: unit's (quarter,
    month or year; fiscal with --fiscal), or with --only the unit its one
    period is written in ('FY2027Q1': fquarter, 'FY2027': fyear)."""
    if ONLY is None:
        return UNITS[unit]
    assert re.fullmatch(r"(FY)?\d{4}(Q[1-4])?|\d{4}-\d{2}", ONLY), ONLY
    return period_unit(ONLY)


def only_cells(cells):
    """cells {(period, group): ...} of the one period --only names (all of
    them without --only)."""
    return cells if ONLY is None else {k: v for k, v in cells.items() if k[0] == ONLY}


def check_funnel(path, rep, unit="quarter"):
    """allot-funnel --table deals: per creation quarter (or month, year;
    with --only that one period), the (all) row and, grouped (--by), every
    group's row (deal_groups)."""
    want, counts, cyc, won_cents, mkt = deal_cells(rep, funnel_unit(unit), BY)
    counts = only_cells(counts)
    seen = set()
    for r in funnel_rows(path):
        k = (r["period"], r["group"])
        seen.add(k)
        if k not in counts:
            failures.append(f"funnel {k}: no such cell in the reference (by {BY}, {ZONE_NAME})")
            continue
        pipe_c, won_c = want.get(k, (0, 0))
        got = (int(D(r["pipeline"]) * 100), int(D(r["won_amount"]) * 100))
        expect(r["currency"] == rep and got == (pipe_c, won_c),
               f"funnel {k}: pipeline, won {got} != {(pipe_c, won_c)} ({rep})")
        got_n = (int(r["deals"]), int(r["open"]), int(r["won"]))
        expect(got_n == counts[k], f"funnel {k}: deals, open, won {got_n} != {counts[k]} ({ZONE_NAME})")
        # win rate = won / closed with its Wilson interval (6 decimals)
        n, o, won = counts[k]
        expect(int(r["closed"]) == n - o, f"funnel {k}: closed {r['closed']} != {n - o}")
        if n - o:
            for col, v in zip(("win_rate", "lower", "upper"), (won / (n - o),) + wilson(won, n - o)):
                expect(abs(float(r[col]) - v) <= 5.1e-7, f"funnel {k}: {col} {r[col]}, reference {v:.7f}")
        # marketing-sourced deals, pipeline and revenue (won amounts of the
        # deals created in the cell, at the close date) with their shares
        dm, pm, rm, miss = mkt[k]
        got_m = (int(r["deals_marketing"]), int(D(r["pipeline_marketing"]) * 100), int(D(r["revenue"]) * 100),
                 int(D(r["revenue_marketing"]) * 100), int(r["amount_missing"]))
        expect(got_m == (dm, pm, won_c, rm, miss),
               f"funnel {k}: marketing deals, pipeline, revenue, marketing revenue, amount missing "
               f"{got_m} != {(dm, pm, won_c, rm, miss)} ({ZONE_NAME})")
        for col, num, den in (("pipeline_marketing_share", pm, pipe_c), ("revenue_marketing_share", rm, won_c)):
            expect((den == 0 and r[col] == "") or (den and r[col] != "" and abs(float(r[col]) - num / den)
                                                   <= 5.1e-7),
                   f"funnel {k}: {col} {r[col]!r}, reference {num} / {den}")
        # mean and median won amount (cents at the close date; the CSV
        # has 2 decimals)
        w = sorted(won_cents.get(k, []))
        if w:
            mean = D(sum(w)) / len(w) / 100
            for col, ref in (("mean_amount", mean), ("median_amount", median_cents(w))):
                expect(abs(D(r[col]) - ref) <= D("0.005"),
                       f"funnel {k}: {col} {r[col]}, reference {ref}")
        # The cycle's quartiles (Kaplan-Meier, open deals censored at the
        # data's end): 4 decimals in the CSV, empty where the curve does
        # not get there.
        for col, p in (("cycle_q1_days", 0.25), ("cycle_median_days", 0.5),
                       ("cycle_q3_days", 0.75)):
            ref = km_quantile(cyc[k], p)
            expect((r[col] == "" and ref is None)
                   or (r[col] != "" and ref is not None and abs(D(r[col]) - ref) <= D("0.00005")),
                   f"funnel {k}: {col} {r[col]!r}, reference {ref} ({ZONE_NAME})")
    expect(seen == set(counts), f"funnel cells (by {BY}) differ from the reference's in {ZONE_NAME}: "
           f"{sorted(seen ^ set(counts))[:6]}")
    return (f"{len(seen)} period x group cells (by {BY}, {len({g for _, g in counts})} groups) of deals, pipeline "
            f"and won amount in {rep} ({ZONE_NAME})")


def check_funnel_leads(path):
    """allot-funnel --table funnel: the (all) lead count per cohort quarter."""
    want = lead_cohorts()
    got = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            if r["group"] == "(all)" and r["stage"] == "lead":
                got[r["period"]] = int(r["count"])
    expect(got == want, f"funnel leads {sorted(got.items())} != {sorted(want.items())} ({ZONE_NAME})")
    return f"{len(got)} lead cohorts ({sum(got.values())} people) in {ZONE_NAME}"


STAGES = ("lead", "mql", "sql", "opportunity", "won")


def norm_name(s):
    """A stage or type name as allot compares it: lower case, blanks, '_'
    and '-' dropped (README "Definitions")."""
    return "".join(c for c in s.lower() if c not in " _-")


@functools.lru_cache(maxsize=None)  # callers only read it
def person_funnel(rep, as_of=None):
    """The people funnel of README "Definitions", on the sample's canonical
    stage names (its allot.ini has no [funnel] aliases): {person: (cohort
    day in ZONE, [time of each stage or None], mql revenue cents)} as of
    the data's end, plus per person the times of its sales activities
    (entries into 'contacted' or into SQL or later, creation of a deal tied
    to it, touches of type sales_activity). A person reaches a stage by its
    earliest entry there; a skipped stage takes the next stage's time; with
    an MQL it also reaches opportunity when a deal tied to it is created and
    won at the first second (in ZONE) of such a deal's close date; every
    people row is a lead. The cohort is the day in ZONE of the earliest of
    created_at and its stage entries. as_of ('YYYY-MM-DD'): as known at
    that day's last second in ZONE (allot-funnel --as-of): later entries,
    deals and people not there yet."""
    end = day_end(as_of) if as_of else funnel_end()
    people = {r["person_id"]: r for r in rows("people.csv")}
    t = {pid: [None] * 5 for pid in people}
    first = {pid: instant(r["created_at"]) for pid, r in people.items() if r["created_at"]}
    acts = {pid: [] for pid in people}

    def low(slot, k, v):
        if v <= end and (slot[k] is None or v < slot[k]):
            slot[k] = v

    for r in rows("stage_history.csv"):
        if r["entity_type"] != "person" or r["entity_id"] not in people:
            continue
        pid, v, name = r["entity_id"], instant(r["entered_at"]), norm_name(r["stage"])
        first[pid] = min(first.get(pid, v), v)
        if name in STAGES:
            low(t[pid], STAGES.index(name), v)
        if name == "contacted" or name in STAGES[2:]:
            acts[pid].append(v)
    for r in rows("touches.csv"):
        if r["person_id"] in people and norm_name(r["touch_type"]) == "salesactivity":
            acts[r["person_id"]].append(instant(r["occurred_at"]))
    deals = {d["deal_id"]: d for d in DEALS}
    tied = {}
    for r in rows("deal_people.csv"):
        if r["person_id"] in people and r["deal_id"] in deals:
            tied.setdefault(r["person_id"], []).append(deals[r["deal_id"]])
            acts[r["person_id"]].append(instant(deals[r["deal_id"]]["created_at"]))

    def fill(s):
        for k in range(3, -1, -1):
            if s[k] is None and s[k + 1] is not None:
                s[k] = s[k + 1]

    for pid, s in t.items():
        fill(s)
        if s[1] is not None:
            for d in tied.get(pid, ()):
                low(s, 3, instant(d["created_at"]))
                if d["is_won"] == "1":
                    low(s, 4, day_start(d["close_date"]))
            fill(s)
        if people[pid]["created_at"]:
            low(s, 0, instant(people[pid]["created_at"]))
    # MQL -> revenue: each won deal (closed by the end) once, for its tied
    # person with the earliest MQL (the first by person id on a tie).
    rev = {}
    of_deal = {}
    for pid, ds in tied.items():
        for d in ds:
            of_deal.setdefault(d["deal_id"], []).append(pid)
    for d in WON:
        if not d["amount"] or day_start(d["close_date"]) > end:
            continue
        ps = [q for q in of_deal.get(d["deal_id"], ()) if t[q][1] is not None]
        if ps:
            who = min(ps, key=lambda q: (t[q][1], q))
            rev[who] = rev.get(who, 0) + to_cents(D(d["amount"]), d["currency"], rep, d["close_date"])
    return end, {pid: (datetime.fromtimestamp(first[pid], ZONE).date().isoformat(), t[pid],
                       rev.get(pid, 0), acts[pid]) for pid in people if pid in first
                 and first[pid] <= end}


def wilson(x, n, alpha=0.05):
    """Wilson score interval (R prop.test(correct = FALSE)), floats."""
    from statistics import NormalDist
    z = NormalDist().inv_cdf(1 - alpha / 2)
    p = x / n
    c = (p + z * z / (2 * n)) / (1 + z * z / n)
    h = z / (1 + z * z / n) * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5)
    return max(0.0, c - h), min(1.0, c + h)


def first_marketing_touch(touches):
    """The earliest (occurred_at, then touch id) of touches that is not a
    sales activity, or None."""
    best = None
    for t in touches:
        if t["touch_type"] != "sales_activity":
            k = (instant(t["occurred_at"]), t["touch_id"])
            if best is None or k < best[0]:
                best = (k, t)
    return best and best[1]


def touches_by_person():
    out = {}
    for t in rows("touches.csv"):
        if t["person_id"]:
            out.setdefault(t["person_id"], []).append(t)
    return out


def person_groups(by):
    """{person: group} of allot-funnel --by (README "Definitions",
    lib/funnel.h): channel = the channel (touch_channel) of the person's
    first marketing touch (type not sales_activity; occurred_at, then touch
    id), else its original_source, else '(none)'; campaign = that touch's
    campaign_id, else '(none)'; source = original_source, else '(none)'."""
    mine = touches_by_person()
    out = {}
    for r in rows("people.csv"):
        t = first_marketing_touch(mine.get(r["person_id"], ()))
        out[r["person_id"]] = {
            "none": "(all)",
            "channel": touch_channel(t) if t else r["original_source"] or "(none)",
            "campaign": (t["campaign_id"] or "(none)") if t else "(none)",
            "source": r["original_source"] or "(none)"}[by]
    return out


def deal_people():
    """{deal: [person ids]} of deal_people.csv."""
    tied = {}
    for r in rows("deal_people.csv"):
        tied.setdefault(r["deal_id"], []).append(r["person_id"])
    return tied


@functools.lru_cache(maxsize=None)
def deal_touch():
    """{deal: its first marketing touch at or before its created_at over
    the persons tied to it (first_marketing_touch), or None}."""
    mine = touches_by_person()
    tied = deal_people()
    out = {}
    for d in DEALS:
        c = instant(d["created_at"])
        out[d["deal_id"]] = first_marketing_touch([x for p in tied.get(d["deal_id"], ())
                                                   for x in mine.get(p, ())
                                                   if instant(x["occurred_at"]) <= c])
    return out


def funnel_list(key):
    """[funnel] key of SAMPLE_DIR/allot.ini, a comma-separated list, each
    name as norm_name makes it."""
    m = re.search(rf"^{key}\s*=(.*)$", open(os.path.join(sample, "allot.ini")).read(), re.M)
    return {norm_name(x) for x in m.group(1).split(",") if x.strip()}


def marketing_deals():
    """The deals README "Definitions" calls marketing-sourced: the channel
    of its first marketing touch at or before creation (deal_touch) is not
    in [funnel] non_marketing_channels, or its lead_source is in [funnel]
    marketing_lead_sources (names compared as norm_name)."""
    non = funnel_list("non_marketing_channels")
    src = funnel_list("marketing_lead_sources")
    touch = deal_touch()
    return {d["deal_id"] for d in DEALS
            if (touch[d["deal_id"]] and norm_name(touch_channel(touch[d["deal_id"]])) not in non)
            or (d["lead_source"] and norm_name(d["lead_source"]) in src)}


def deal_groups(by):
    """{deal: group} of allot-funnel --by: channel = the channel of the
    first marketing touch at or before the deal's created_at of any person
    tied to it (deal_people), else its lead_source, else '(none)'; campaign
    = deals.campaign_id, else that touch's campaign_id, else '(none)';
    source = lead_source, else the original_source of its earliest person
    (people.created_at; the first by person id on a tie), else '(none)'."""
    people = {r["person_id"]: r for r in rows("people.csv")}
    tied = deal_people()
    touch = deal_touch()
    out = {}
    for d in DEALS:
        t = touch[d["deal_id"]]
        known = sorted((instant(people[p]["created_at"]), p) for p in tied.get(d["deal_id"], ())
                       if p in people and people[p]["created_at"])
        earliest = people[known[0][1]]["original_source"] if known else ""
        out[d["deal_id"]] = {
            "none": "(all)",
            "channel": touch_channel(t) if t else d["lead_source"] or "(none)",
            "campaign": d["campaign_id"] or ((t["campaign_id"] or "(none)") if t else "(none)"),
            "source": d["lead_source"] or earliest or "(none)"}[by]
    return out


def funnel_by_channel(rep, period):
    """{'(all)' or channel: [people who reached each stage]} of the lead
    cohort of a quarter in ZONE."""
    _, fun = person_funnel(rep)
    ch = person_groups("channel")
    out = {}
    for pid, (day, st, _, _) in fun.items():
        if quarter(day) != period:
            continue
        for g in ("(all)", ch[pid]):
            c = out.setdefault(g, [0] * 5)
            for k in range(5):
                c[k] += st[k] is not None
    return out


def stage_cells(rep, unit, by, as_of=None):
    """{(lead cohort period in ZONE, group): [people who reached each
    stage, MQL revenue cents of rep]}; the groups "(all)" and, unless by is
    none, person_groups(by)'s."""
    _, fun = person_funnel(rep, as_of)
    group = person_groups(by)
    want = {}
    for pid, (day, s, rev, _) in fun.items():
        for g in group_keys(group[pid], by):
            c = want.setdefault((unit(day), g), [0] * 5 + [0])
            for k in range(5):
                c[k] += s[k] is not None
            c[5] += rev
    return want


def check_funnel_stages(path, rep, unit="quarter", as_of=None):
    """allot-funnel --table funnel, the (all) rows of every cohort and,
    grouped (--by), every group's (person_groups): people who reached each
    stage, the conversions lead -> MQL -> SQL -> opportunity -> won and MQL
    -> won with their Wilson intervals, and MQL -> revenue in rep cents."""
    want = only_cells(stage_cells(rep, funnel_unit(unit), BY, as_of))
    got, n = {}, 0
    for r in funnel_rows(path):
        n += 1
        cell = (r["period"], r["group"])
        c = want.get(cell, [0] * 6)
        k = STAGES.index(r["stage"])
        got.setdefault(cell, {})[r["stage"]] = int(r["count"])
        expect(int(r["count"]) == c[k], f"funnel {cell} {r['stage']}: {r['count']} people, "
               f"reference {c[k]} ({ZONE_NAME})")
        if r["stage"] == "won":
            continue
        nk = STAGES.index(r["next_stage"])
        den = c[k]
        expect(r["next_stage"] == STAGES[k + 1] or (k == 1 and r["next_stage"] == "won"),
               f"funnel {cell} {r['stage']} -> {r['next_stage']}")
        expect(int(r["next_count"]) == c[nk], f"funnel {cell} {r['stage']} -> "
               f"{r['next_stage']}: {r['next_count']}, reference {c[nk]} ({ZONE_NAME})")
        if den:
            lo, hi = wilson(c[nk], den)
            for col, v in (("conversion", c[nk] / den), ("lower", lo), ("upper", hi)):
                expect(abs(float(r[col]) - v) <= 5.1e-7,
                       f"funnel {cell} {r['stage']} -> {r['next_stage']}: {col} "
                       f"{r[col]}, reference {v:.7f}")
        if r["next_stage"] == "won":
            expect(r["revenue"] != "" and int(D(r["revenue"]) * 100) == c[5],
                   f"funnel {cell} {r['stage']} -> won: revenue {r['revenue']}, reference "
                   f"{c[5]} cents of {rep} ({ZONE_NAME})")
    expect(set(got) == set(want), f"funnel cells (by {BY}) differ from the reference's in "
           f"{ZONE_NAME}: {sorted(set(got) ^ set(want))[:6]}")
    expect(n == 6 * len(want), f"funnel has {n} rows, want {6 * len(want)}")
    alls = [c for (_, g), c in want.items() if g == "(all)"]
    return (f"{len(alls)} cohorts x 5 stages ({sum(c[0] for c in alls)} leads, "
            f"{sum(c[1] for c in alls)} MQLs, {sum(c[4] for c in alls)} won), {len(want)} cells "
            f"by {BY} in {ZONE_NAME}")


def speed_cells(unit, by, as_of=None, sla_hours=24):
    """{(lead cohort period in ZONE, group): {mqls, followed_up,
    sla_eligible, sla_met, obs: [(hours to follow-up in seconds,
    followed up)]}}; the groups "(all)" and, unless by is none,
    person_groups(by)'s."""
    end, fun = person_funnel("USD", as_of)
    group = person_groups(by)
    sla = sla_hours * 3600
    want = {}
    for pid, (day, s, _, acts) in fun.items():
        cells = [want.setdefault((unit(day), g), {"mqls": 0, "followed_up": 0, "sla_eligible": 0,
                                                  "sla_met": 0, "obs": []})
                 for g in group_keys(group[pid], by)]
        mql = s[1]
        if mql is None:
            continue
        after = [a for a in acts if mql <= a <= end]
        if after:
            wait, done = min(after) - mql, True
        elif any(a < mql for a in acts):
            wait, done = 0, True
        else:
            wait, done = max(0, end - mql), False
        for c in cells:
            c["mqls"] += 1
            c["followed_up"] += done
            c["obs"].append((wait, done))
            if end - mql >= sla:
                c["sla_eligible"] += 1
                c["sla_met"] += done and wait <= sla
    return want


def check_speed(path, unit="quarter", as_of=None, sla_hours=24):
    """allot-funnel --table speed, the (all) rows and, grouped (--by), every
    group's (person_groups): per lead cohort the MQLs, those followed up,
    SLA eligible and met, and the Kaplan-Meier quartiles of hours from MQL
    to the first sales activity at or after it (activity only before the
    MQL: 0 h; never followed up: censored at the data's end)."""
    want = only_cells(speed_cells(funnel_unit(unit), BY, as_of, sla_hours))
    seen = set()
    for r in funnel_rows(path):
        cell = (r["period"], r["group"])
        seen.add(cell)
        c = want.get(cell)
        expect(c is not None, f"speed: no cell {cell} in the reference (by {BY}, {ZONE_NAME})")
        if c is None:
            continue
        for col in ("mqls", "followed_up", "sla_eligible", "sla_met"):
            expect(int(r[col]) == c[col], f"speed {cell}: {col} {r[col]}, reference "
                   f"{c[col]} ({ZONE_NAME})")
        if c["sla_eligible"]:
            share = c["sla_met"] / c["sla_eligible"]
            lo, hi = wilson(c["sla_met"], c["sla_eligible"])
            for col, v in (("sla_share", share), ("lower", lo), ("upper", hi)):
                expect(abs(float(r[col]) - v) <= 5.1e-7,
                       f"speed {cell}: {col} {r[col]}, reference {v:.7f}")
        for col, p in (("q1_hours", 0.25), ("median_hours", 0.5), ("q3_hours", 0.75)):
            ref = km_quantile(c["obs"], p, 3600) if c["obs"] else None
            expect((r[col] == "" and ref is None)
                   or (r[col] != "" and ref is not None and abs(D(r[col]) - ref) <= D("0.00005")),
                   f"speed {cell}: {col} {r[col]!r}, reference {ref} ({ZONE_NAME})")
    expect(seen == set(want), f"speed cells (by {BY}) differ from the reference's in {ZONE_NAME}: "
           f"{sorted(seen ^ set(want))[:6]}")
    alls = [c for (_, g), c in want.items() if g == "(all)"]
    return (f"{len(alls)} cohorts, {sum(c['mqls'] for c in alls)} MQLs "
            f"({sum(c['followed_up'] for c in alls)} followed up), {len(want)} cells by {BY} in "
            f"{ZONE_NAME}")


def okr_targets():
    """{name: target} of [okr] in SAMPLE_DIR/allot.ini."""
    text = open(os.path.join(sample, "allot.ini")).read()
    m = re.search(r"^\[okr\]\n(.*?)(?=^\[)", text, re.M | re.S)
    return {k: float(v) for k, v in re.findall(r"^(\w+)\s*=\s*([\d.]+)\s*$", m.group(1), re.M)}


def check_okr(path, rep, unit="quarter"):
    """allot-funnel --table okr (from --csv-dir): per cohort period, each
    [okr] target of the sample (mql_per_quarter, only for quarter cohorts;
    mql_to_won_rate, sla_rate, win_rate with their Wilson intervals) with
    the reference's actual (the (all) cells of the funnel, speed and deals
    checks), attainment = actual / target and met = actual >= target; a
    rate of no one (no MQL, no SLA-eligible MQL, no closed deal) is a row
    with no actual, not met."""
    fu = funnel_unit(unit)
    stages = only_cells(stage_cells(rep, fu, "none"))
    speed = only_cells(speed_cells(fu, "none"))
    counts = only_cells(deal_cells(rep, fu, "none")[1])
    per = "year" if fu in (fyear, year) else "month" if fu is month else "quarter"
    want = {}
    for name, target in okr_targets().items():
        for (p, _), c in stages.items():
            if name == f"mql_per_{per}":
                want[(p, name)] = (target, c[1], None)
            elif name == "mql_to_won_rate":
                want[(p, name)] = (target, c[4] / c[1], wilson(c[4], c[1])) if c[1] else (target, None, None)
        for (p, _), c in speed.items():
            if name == "sla_rate":
                x, n = c["sla_met"], c["sla_eligible"]
                want[(p, name)] = (target, x / n, wilson(x, n)) if n else (target, None, None)
        for (p, _), (n, o, w) in counts.items():
            if name == "win_rate":
                want[(p, name)] = (target, w / (n - o), wilson(w, n - o)) if n - o else (target, None, None)
    seen = set()
    for r in funnel_rows(path):
        k = (r["period"], r["okr"])
        seen.add(k)
        if k not in want:
            failures.append(f"okr {k}: not in the reference ({ZONE_NAME})")
            continue
        target, actual, iv = want[k]
        if actual is None:
            expect(float(r["target"]) == target and (r["actual"], r["lower"], r["upper"], r["attainment"], r["met"])
                   == ("", "", "", "", "no"), f"okr {k}: {r}, reference: no actual ({ZONE_NAME})")
            continue
        got = [float(r["target"]), float(r["actual"])] + ([float(r["lower"]), float(r["upper"])] if iv else [])
        ref = [target, actual] + (list(iv) if iv else [])
        expect(all(abs(g - v) <= 5.1e-7 for g, v in zip(got, ref)) and (iv is not None or r["lower"] == ""),
               f"okr {k}: target, actual, lower, upper {got}, reference {ref} ({ZONE_NAME})")
        expect(abs(float(r["attainment"]) - actual / target) <= 5.1e-7
               and r["met"] == ("yes" if actual >= target else "no"),
               f"okr {k}: attainment {r['attainment']} met {r['met']}, reference {actual / target} ({ZONE_NAME})")
    expect(seen == set(want), f"okr rows differ from the reference's: {sorted(seen ^ set(want))[:6]}")
    return f"{len(seen)} OKR rows"


def check_funnel_dir(outdir, rep, unit="quarter"):
    """allot-funnel --csv-dir OUTDIR (--by as the CSV's): its deals, funnel
    and speed tables, as the funnel, funnel-stages and speed checks, and
    its OKR table (check_okr)."""
    return "; ".join((check_funnel(os.path.join(outdir, "deals.csv"), rep, unit),
                      check_funnel_stages(os.path.join(outdir, "funnel.csv"), rep, unit),
                      check_speed(os.path.join(outdir, "speed.csv"), unit),
                      check_okr(os.path.join(outdir, "okr.csv"), rep, unit)))


SEARCH_LABELS = {"google", "bing", "yahoo", "duckduckgo", "baidu", "yandex", "ecosia", "ask",
                 "naver", "seznam", "startpage", "qwant", "aol", "sogou", "daum", "so", "brave",
                 "kagi"}
SOCIAL_LABELS = {"facebook", "fb", "instagram", "linkedin", "twitter", "tiktok", "reddit",
                 "pinterest", "snapchat", "youtube", "quora", "xing", "threads", "mastodon",
                 "tumblr", "vk", "weibo", "wechat", "whatsapp", "discord", "bsky"}
SOCIAL_HOSTS = {"x", "x.com", "t.co", "lnkd.in", "fb.me", "youtu.be", "ig", "bsky.app"}


def family(url):
    """'search', 'social' or None: README "Channel taxonomy"'s source
    families of a referrer's host."""
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.lower()).split("/")[0].split(":")[0]
    host = re.sub(r"^(www|m|l|lm|mobile)\.", "", host)
    labels = host.split(".")[:-1] if "." in host else [host]
    if host == "search.brave.com" or SEARCH_LABELS & set(labels):
        return "search"
    if host in SOCIAL_HOSTS or SOCIAL_LABELS & set(labels):
        return "social"
    return None


def touch_channel(t):
    """A touch's channel (README "Channel taxonomy") for the kinds of touch
    sample-data has; anything else stops the reference: its own channel,
    else its campaign's (sample allot.ini has no rules), else the default
    grouping's rules 15 (a referrer with no utm source or medium: search,
    social or any other site) and 16 (no utm field at all, a visit or a
    form: Direct)."""
    if t["channel"]:
        return t["channel"]
    c = CAMPAIGNS.get(t["campaign_id"])
    if c and c["channel"]:
        return c["channel"]
    utm = [t[k] for k in ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term")]
    if not any(utm) and t["referrer"]:
        return {"search": "Organic Search", "social": "Organic Social"}.get(family(t["referrer"]),
                                                                            "Referral")
    if not any(utm) and t["touch_type"] in ("", "visit", "pageview", "page_view", "session", "form"):
        return "Direct"
    raise SystemExit(f"reference: no channel rule for touch {t['touch_id']} ({t})")


def acquisition():
    """{account: (channel, campaign)} of every customer (an account with a
    subscription of MRR > 0 starting by retention's as-of, the data's end):
    the channel and campaign (its campaign_id, else '(none)') of the first
    marketing touch (type not sales_activity; earliest occurred_at, then
    touch id) of any person tied to the account (people.account_id, or
    deal_people of its deals) whose day in ZONE is at most the account's
    first start day; else the lead source of its first won deal (close
    date, then deal id); else '(none)'."""
    end = data_end()
    first = {}
    for r in rows("subscriptions.csv"):
        if D(r["mrr"]) > 0 and r["start_date"] <= end:
            first[r["account_id"]] = min(first.get(r["account_id"], r["start_date"]), r["start_date"])
    people = {}
    for r in rows("people.csv"):
        if r["account_id"] in first:
            people.setdefault(r["person_id"], set()).add(r["account_id"])
    acc_of = {d["deal_id"]: d["account_id"] for d in DEALS}
    for r in rows("deal_people.csv"):
        if acc_of.get(r["deal_id"]) in first:
            people.setdefault(r["person_id"], set()).add(acc_of[r["deal_id"]])
    best = {}
    for t in rows("touches.csv"):
        if t["person_id"] not in people or t["touch_type"] == "sales_activity":
            continue
        key = (instant(t["occurred_at"]), t["touch_id"])
        for a in people[t["person_id"]]:
            if day_of(t["occurred_at"]) <= first[a] and (a not in best or key < best[a][0]):
                best[a] = (key, t)
    out = {}
    for a, (_, t) in best.items():
        out[a] = (touch_channel(t), t["campaign_id"] or "(none)")
    for d in sorted(WON, key=lambda d: (d["close_date"], d["deal_id"])):
        if d["account_id"] in first and d["account_id"] not in out and d["lead_source"]:
            out[d["account_id"]] = (d["lead_source"], "(none)")
    return {a: out.get(a, ("(none)", "(none)")) for a in first}


def check_acquisition(path, by="channel"):
    """allot-clv --csv --table customers (--by channel or campaign): each
    customer's group is its acquisition channel (campaign id) in ZONE, and
    its name column the campaign's name from campaigns.csv by campaign
    ('' for '(none)' and ids campaigns.csv lacks), '' by channel."""
    def name(g):
        return CAMPAIGNS[g]["name"] if by == "campaign" and g in CAMPAIGNS else ""
    want = {a: v[0 if by == "channel" else 1] for a, v in acquisition().items()}
    want = {a: (g, name(g)) for a, g in want.items()}
    got = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            got[r["account_id"]] = (r["group"], r["name"])
    expect(set(got) == set(want), f"customers {len(got)}, reference {len(want)}: "
           f"{sorted(set(got) ^ set(want))[:6]}")
    bad = sorted(a for a in got if a in want and got[a] != want[a])
    expect(not bad, f"acquisition {by} of {len(bad)} accounts differs from the reference in "
           f"{ZONE_NAME}: " + ", ".join(f"{a} {got[a]!r} != {want[a]!r}" for a in bad[:6]))
    groups = {}
    for v, _ in want.values():
        groups[v] = groups.get(v, 0) + 1
    return (f"{len(got)} customers' acquisition {by} in {ZONE_NAME} ({len(groups)} groups, "
            f"{groups.get('(none)', 0)} (none))")


# Rule-based models over anchors (README "Models and parameters", sample
# allot.ini's shares): {model: ([(anchor, share)], rest share)}; anchors
# "first"/"last" are the journey's ends, FT/LC/OC/CW its milestones.
ANCHORED = {
    "position_based": ([("first", 40), ("last", 40)], 20),
    "j_shaped": ([("first", 20), ("last", 60)], 20),
    "inverse_j": ([("first", 60), ("last", 20)], 20),
    "u_shaped": ([("FT", 40), ("LC", 40)], 20),
    "u_shaped_50": ([("FT", 50), ("LC", 50)], 0),
    "w_shaped": ([("FT", 30), ("LC", 30), ("OC", 30)], 10),
    "full_path": ([("FT", 22.5), ("LC", 22.5), ("OC", 22.5), ("CW", 22.5)], 10),
    "custom": ([("FT", 30), ("LC", 30), ("OC", 30)], 10),
}
HALF_LIFE_DAYS = 7


def model_weights(j, lead, created, event, channels):
    """{model: [weight per touch]} of a journey j (touches in order, as
    (instant, touch id)): time_decay 2^(-(T - t) / H) normalised; the
    anchored models: each anchor's share on its touch (shares add), the
    rest split equally over the touches that hold no anchor, or, with
    none, shared by the anchored touches in proportion to their shares. A
    milestone is the last touch at or before its instant (LC: the lead
    time, OC: the deal's creation, CW: the event), else the earliest touch
    after it. last_non_direct: all on the last touch whose channel (by
    touch_channel) is not Direct, else on the last touch."""
    n = len(j)

    def last_at(t):
        k = [i for i, (at, _) in enumerate(j) if t is not None and at <= t]
        return k[-1] if k else 0

    where = {"first": 0, "last": n - 1, "FT": 0, "LC": last_at(lead), "OC": last_at(created),
             "CW": last_at(event)}
    out = {"time_decay": [2 ** (-(j[-1][0] - at) / (HALF_LIFE_DAYS * 86400)) for at, _ in j]}
    tot = sum(out["time_decay"])
    out["time_decay"] = [w / tot for w in out["time_decay"]]
    keep = [i for i in range(n) if channels[i] != "Direct"]
    out["last_non_direct"] = [1.0 if i == (keep[-1] if keep else n - 1) else 0.0 for i in range(n)]
    for m, (anchors, rest) in ANCHORED.items():
        w = [0.0] * n
        for a, share in anchors:
            w[where[a]] += share
        free = [i for i in range(n) if w[i] == 0]
        if free:
            for i in free:
                w[i] += rest / len(free)
        else:
            held = sum(w)
            w = [x + rest * x / held for x in w]
        out[m] = [x / 100 for x in w]
    return out


def check_models(db_path):
    """The latest credit run's time_decay, last_non_direct and anchored
    models, per deal (revenue: every won deal, its event the close date's
    last second in ZONE; pipeline: every deal, its event created_at, where
    CW, closed or pending, is the journey's last touch): the weight of
    every touch of the reference's journey (in ZONE) within 1e-9 and its
    credit exactly the largest-remainder split of the deal's amount (ties
    to the earlier touch). The lead
    time of a deal is the earliest created_at of its people (README
    "Journeys": LC)."""
    db = sqlite3.connect(db_path)
    run = db.execute("SELECT max(run_id) FROM runs WHERE tool = 'allot-credit'").fetchone()[0]
    params = ";" + db.execute("SELECT parameters FROM runs WHERE run_id = ?", (run,)).fetchone()[0] + ";"
    event = re.search(r";event=(\w+);", params).group(1)
    expect(f";timezone={ZONE_NAME};" in params, f"models: run {run} is not in {ZONE_NAME}")
    lookback = int(re.search(r";lookback_days=(\d+);", params).group(1))
    want_j = journeys(lookback, event)
    at, by_id, created, people = journey_context()
    got = {}
    for model, deal, touch, weight, minor in db.execute(
            "SELECT model, deal_id, touch_id, weight, credit_minor FROM ledger WHERE run_id = ? "
            "AND touch_id IS NOT NULL ORDER BY position", (run,)):
        got.setdefault((model, deal), []).append((touch, weight, minor))
    n = moved = 0
    for d in (WON if event == "revenue" else DEALS):
        j = sorted((at[t], t) for t in want_j[d["deal_id"]])
        if not j or not d["amount"]:
            continue
        leads = [created[p] for p in people.get(d["deal_id"], ()) if p in created]
        ws = model_weights(j, min(leads) if leads else None, instant(d["created_at"]),
                           day_end(d["close_date"]) if event == "revenue" else instant(d["created_at"]),
                           [touch_channel(by_id[t]) for _, t in j])
        amount = D(d["amount"]) * 100
        for m, w in ws.items():
            n += 1
            g = got.get((m, d["deal_id"]), [])
            expect([t for t, _, _ in g] == [t for _, t in j],
                   f"{m} {d['deal_id']}: ledger touches differ from the reference's journey by "
                   f"{sorted({t for t, _, _ in g} ^ {t for _, t in j})[:6]} ({ZONE_NAME})")
            # The credits: the largest-remainder split of the amount by the
            # rule's exact weights (time_decay's as the doubles they are),
            # ties to the earlier touch, to the minor unit.
            cents, _ = largest_remainder(int(amount), exact_weights(m, w))
            for (touch, weight, minor), ref, want in zip(g, w, cents):
                expect(abs(weight - ref) <= 1e-9 and minor == want,
                       f"{m} {d['deal_id']} {touch}: weight {weight} credit {minor}, reference "
                       f"{ref:.12f}, {want} of {amount} ({ZONE_NAME})")
    return (f"{n} model x deal weights and credits of {len(ANCHORED) + 2} models ({event}) in "
            f"{ZONE_NAME}")


def check_pipeline_csv(path, rep):
    """allot-credit --event pipeline --csv: each model's credit per period
    (the quarter of creation in ZONE, fiscal with --fiscal) adds up to the
    pipeline created."""
    want = {q: v[0] for q, v in pipeline(rep, fquarter).items()}
    got = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            expect(r["currency"] == rep, f"pipeline CSV row in {r['currency']}, not {rep}")
            k = (r["model"], r["period"])
            got[k] = got.get(k, 0) + int(D(r["credited_amount"]) * 100)
    models = sorted({m for m, _ in got})
    for (m, p), v in sorted(got.items()):
        expect(v == want.get(p), f"pipeline CSV {m} {p}: credited {v} cents, created {want.get(p)}")
    expect(models and {p for _, p in got} == set(want), "pipeline CSV periods differ")
    return f"{len(models)} models x {len(want)} periods of pipeline created in {rep}"


def dd_fit_journeys(lookback, event="revenue"):
    """The journeys the data-driven models learn from (README "Journeys
    they learn from", lib/journey.h), in ZONE, as
    [(deal or None, converted, [touch ids in (occurred_at, touch id)
    order])]: every won deal with a close date converts (its journey the
    touches of its people from lookback days before the close date's last
    second in ZONE to it); every lost deal (closed, not won, with a close
    date) does not (the same window); nor does every person with touches
    who is on no won or lost deal (an open deal does not count), the window
    ending at their own last touch. Journeys without a touch are no path.
    event 'pipeline': every deal converts, its window ending at its
    created_at; the people on no deal at all do not."""
    people = {}
    for r in rows("deal_people.csv"):
        people.setdefault(r["deal_id"], set()).add(r["person_id"])
    by_person = {}
    for t in rows("touches.csv"):
        if t["person_id"]:
            by_person.setdefault(t["person_id"], []).append((instant(t["occurred_at"]), t["touch_id"]))
    for v in by_person.values():
        v.sort()

    def window(ps, hi):
        lo = hi - lookback * 86400
        return [tid for _, tid in sorted((at, tid) for p in ps for at, tid in by_person.get(p, [])
                                         if lo <= at <= hi)]
    out = []
    on_deal = set()
    for d in sorted(DEALS, key=lambda d: d["deal_id"]):
        if event == "pipeline":
            ps = people.get(d["deal_id"], set())
            on_deal |= ps
            out.append((d["deal_id"], True, window(ps, instant(d["created_at"]))))
            continue
        won = d["is_won"] == "1"
        if not (won or d["is_closed"] == "1") or not d["close_date"]:
            continue
        ps = people.get(d["deal_id"], set())
        on_deal |= ps
        out.append((d["deal_id"], won, window(ps, day_end(d["close_date"]))))
    for p in sorted(by_person):
        if p not in on_deal:
            out.append((None, False, window([p], by_person[p][-1][0])))
    return [j for j in out if j[2]]


def shapley_exact(fit):
    """{channel: phi} (Fractions): the exact Shapley value of the game
    v(S) = conversions / journeys of the journeys whose channel set is
    within S (0 when there is none; README "Shapley values"), by the
    Shapley formula over every coalition. fit: [(channel set, converted)]."""
    from fractions import Fraction
    from math import factorial
    chans = sorted({c for cs, _ in fit for c in cs})
    n = len(chans)
    bit = {c: 1 << i for i, c in enumerate(chans)}
    conv = [0] * (1 << n)
    jour = [0] * (1 << n)
    for cs, c in fit:
        m = sum(bit[x] for x in cs)
        conv[m] += c
        jour[m] += 1
    for i in range(n):  # sums over subsets
        for m in range(1 << n):
            if m & (1 << i):
                conv[m] += conv[m ^ (1 << i)]
                jour[m] += jour[m ^ (1 << i)]
    v = [Fraction(conv[m], jour[m]) if jour[m] else Fraction(0) for m in range(1 << n)]
    phi = {}
    for i, c in enumerate(chans):
        tot = Fraction(0)
        for m in range(1 << n):
            if not m & (1 << i):
                k = bin(m).count("1")
                tot += Fraction(factorial(k) * factorial(n - k - 1), factorial(n)) * (v[m | 1 << i] - v[m])
        phi[c] = tot
    return phi


def dd_cells(rep, fit, w, event="revenue"):
    """{(fiscal quarter, channel): [cents of rep, deals with a positive
    weight]} of a data-driven model in the revenue view (README "In the
    ledger"), its channel weights w (normalised, none negative) given: a
    touch on c of a won deal's journey in fit gets w(c) / the sum of w over
    the journey's distinct channels / c's touches in it (equal shares when
    every channel weighs 0); the deal's amount at the close date's rate
    split by largest remainder; no touch: '(unattributed)'. event
    'pipeline': every deal, at its creation day's rate in its (fiscal)
    quarter, in ZONE."""
    from fractions import Fraction
    by_id = {t["touch_id"]: t for t in rows("touches.csv")}
    paths = {d: (c, [touch_channel(by_id[t]) for t in j]) for d, c, j in fit if d}
    cells = {}
    for d in (DEALS if event == "pipeline" else WON):
        if not d["amount"] or not (d["created_at"] if event == "pipeline" else d["close_date"]):
            continue
        day = day_of(d["created_at"]) if event == "pipeline" else d["close_date"]
        conv = to_cents(D(d["amount"]), d["currency"], rep, day)
        q = fquarter(day)
        chans = paths.get(d["deal_id"], (1, []))[1]
        if not chans:
            c = cells.setdefault((q, "(unattributed)"), [0, 0])
            c[0] += conv
            c[1] += 1
            continue
        tot = sum(w[c] for c in set(chans))
        wt = ([w[c] / tot / chans.count(c) for c in chans] if tot
              else [Fraction(1, len(chans))] * len(chans))
        cents, _ = largest_remainder(conv, wt)
        for ch in sorted(set(chans)):
            c = cells.setdefault((q, ch), [0, 0])
            c[0] += sum(x for x, y in zip(cents, chans) if y == ch)
            c[1] += any(x > 0 for x, y in zip(wt, chans) if y == ch)
    return cells


def fit_channels(fit):
    """[(channels of the journey's touches in order, converted)] of
    dd_fit_journeys' journeys."""
    by_id = {t["touch_id"]: t for t in rows("touches.csv")}
    return [([touch_channel(by_id[t]) for t in j], int(c)) for _, c, j in fit]


def shapley_reference(rep, lookback, event="revenue"):
    """(phi, channel weights, journeys per channel, {(fiscal quarter,
    channel): [cents of rep, deals with a positive weight]}) of the shapley
    model in the revenue view: weight = max(phi, 0) normalised, the credit
    dd_cells'."""
    from fractions import Fraction
    fit = dd_fit_journeys(lookback, event)
    sets = [(frozenset(cs), c) for cs, c in fit_channels(fit)]
    phi = shapley_exact(sets)
    pos = {c: max(v, Fraction(0)) for c, v in phi.items()}
    w = {c: v / sum(pos.values()) for c, v in pos.items()}
    n_j = {c: sum(1 for cs, _ in sets if c in cs) for c in phi}
    return phi, w, n_j, dd_cells(rep, fit, w, event)


def markov_chain(paths, order=1, keep_repeats=False):
    """The Markov chain of README "Markov removal effects" over paths
    [(channels in order, converted)]: {state: {next: count}}, states
    '(start)', '(conversion)', '(null)' and tuples of the last `order`
    channels (the first order-1 states of a journey the shorter tuples so
    far); consecutive repeats collapsed unless keep_repeats."""
    chain = {}
    for chans, conv in paths:
        if not keep_repeats:
            chans = [c for i, c in enumerate(chans) if i == 0 or chans[i - 1] != c]
        states = ["(start)"] + [tuple(chans[max(0, i - order + 1):i + 1]) for i in range(len(chans))]
        states.append("(conversion)" if conv else "(null)")
        for a, b in zip(states, states[1:]):
            chain.setdefault(a, {})
            chain[a][b] = chain[a].get(b, 0) + 1
    return chain


def conversion_probability(chain, removed=None, how="fractions"):
    """P(conversion) from '(start)', solving out(s) x_s - sum_t count(s, t)
    x_t = count(s, conversion) over the transient states; with channel
    `removed`, every state containing it leads to null (x = 0). how:
    'fractions' (exact) or 'doubles': Gaussian elimination (the matrix is
    diagonally dominant: no pivoting) and back substitution (order 2,
    where fractions take seconds); 'iterate': x = r + Q x from x = r in
    doubles until x no longer changes (orders 3 and 4, where the
    elimination fills in: 880 and 3,957 states; Q is substochastic and
    every state reaches an absorbing one, so this converges: 150
    iterations on the sample)."""
    from fractions import Fraction
    live = [s for s in chain if s == "(start)" or removed not in s]
    idx = {s: i for i, s in enumerate(live)}
    if how == "iterate":
        q, r = [], []
        for s in live:
            tot = sum(chain[s].values())
            q.append([(idx[t], n / tot) for t, n in chain[s].items() if t in idx])
            r.append(chain[s].get("(conversion)", 0) / tot)
        x = r
        for _ in range(100000):
            nx = [r[i] + sum(p * x[j] for j, p in q[i]) for i in range(len(live))]
            if max(abs(a - b) for a, b in zip(nx, x)) <= 1e-18:
                return nx[idx["(start)"]]
            x = nx
        raise SystemExit("markov reference: the iteration did not converge")
    num = Fraction if how == "fractions" else float
    a, b = [], []
    for s in live:
        row = {idx[s]: num(sum(chain[s].values()))}
        for t, n in chain[s].items():
            if t in idx:
                row[idx[t]] = row.get(idx[t], 0) - n
        a.append(row)
        b.append(num(chain[s].get("(conversion)", 0)))
    n = len(live)
    for k in range(n):
        row, p = a[k], a[k][k]
        for i in range(k + 1, n):
            f = a[i].pop(k, 0)
            if f:
                f /= p
                for j, v in row.items():
                    if j > k:
                        a[i][j] = a[i].get(j, 0) - f * v
                b[i] -= f * b[k]
    x = [0] * n
    for k in reversed(range(n)):
        x[k] = (b[k] - sum(v * x[j] for j, v in a[k].items() if j > k)) / a[k][k]
    return x[idx["(start)"]]


def markov_reference(rep, lookback, order=1, keep_repeats=False, event="revenue"):
    """(removal effects, channel weights, attributed conversions, journeys
    per channel, credit cells) of the markov model in the revenue view:
    RE(c) = 1 - P(conv | c removed) / P(conv) in fractions, weight = RE
    normalised (never negative), conversions = weight x the converting
    journeys, the credit dd_cells'."""
    from fractions import Fraction
    fit = dd_fit_journeys(lookback, event)
    paths = fit_channels(fit)
    chain = markov_chain(paths, order, keep_repeats)
    how = "fractions" if order == 1 else "doubles" if order == 2 else "iterate"
    p = conversion_probability(chain, None, how)
    chans = sorted({c for cs, _ in paths for c in cs})
    re_ = {c: 1 - Fraction(conversion_probability(chain, c, how) / p) for c in chans}
    pos = {c: max(v, Fraction(0)) for c, v in re_.items()}
    w = {c: v / sum(pos.values()) for c, v in pos.items()}
    total = sum(c for _, c in paths)
    conv = {c: w[c] * total for c in chans}
    n_j = {c: sum(1 for cs, _ in paths if c in cs) for c in chans}
    return re_, w, conv, n_j, dd_cells(rep, fit, w, event)


def data_driven_run(db, model):
    """The latest allot-credit run of DB and its parameters (";k=v;...;"),
    checked to be a run of every period in ZONE (any zone with
    TIEOUT_ANY_ZONE=1, to show a reference fails on another zone's run)
    without the options the data-driven references do not model."""
    run = db.execute("SELECT max(run_id) FROM runs WHERE tool = 'allot-credit'").fetchone()[0]
    params = ";" + db.execute("SELECT parameters FROM runs WHERE run_id = ?", (run,)).fetchone()[0] + ";"
    expect((f";timezone={ZONE_NAME};" in params or os.environ.get("TIEOUT_ANY_ZONE") == "1")
           and ";period=;" in params, f"{model}: run {run} is not a run of every period in {ZONE_NAME}")
    expect(all(f";{k}=0;" in params for k in ("account_level", "max_touches", "dedupe_minutes")),
           f"{model}: run {run} has --account-level, --max-touches or --dedupe-minutes, which the "
           "reference does not model")
    return run, params


def compare_credit_cells(model, credit_csv, cells):
    """The credit CSV's MODEL rows (credited amount in cents, deals per
    (period, channel)) against the reference's cells that credit something;
    returns how many those are."""
    out = {}
    with open(credit_csv, newline="") as f:
        for r in csv.DictReader(f):
            if r["model"] == model:
                out[(r["period"], r["channel"])] = [int(D(r["credited_amount"]) * 100), int(r["deals"])]
    want = {k: v for k, v in cells.items() if v[0] or v[1]}
    for k in sorted(set(out) | set(want)):
        expect(out.get(k) == want.get(k), f"{model} credit {k}: {out.get(k)}, reference {want.get(k)} "
               f"(cents, deals; {ZONE_NAME})")
    return len(want)


def check_shapley(db_path, credit_csv, rep):
    """The latest credit run's shapley model (revenue or pipeline view,
    its event from the run's parameters; exact Shapley value, no period):
    model_scores' score (phi), weight and journeys per channel against
    shapley_reference in ZONE, and the credit CSV's shapley rows (credited
    amount to the cent, deals) of every (fiscal) quarter."""
    db = sqlite3.connect(db_path)
    run, params = data_driven_run(db, "shapley")
    event = re.search(r";event=(revenue|pipeline);", params).group(1)
    lookback = int(re.search(r";lookback_days=(\d+);", params).group(1))
    phi, w, n_j, cells = shapley_reference(rep, lookback, event)
    got = {c: (m, s, wt, j) for c, m, s, wt, j in db.execute(
        "SELECT channel, method, score, weight, journeys FROM model_scores WHERE run_id = ? AND "
        "model = 'shapley'", (run,))}
    expect(set(got) == set(phi), f"shapley channels {sorted(got)} != {sorted(phi)}")
    for c in sorted(phi):
        m, s, wt, j = got.get(c, (None, 0, 0, 0))
        expect(m == "shapley exact" and abs(s - phi[c]) <= 1e-12 and abs(wt - w[c]) <= 1e-12
               and j == n_j[c], f"shapley {c}: {m} phi {s!r} weight {wt!r} journeys {j}, reference "
               f"{float(phi[c])!r} {float(w[c])!r} {n_j[c]} ({ZONE_NAME})")
    n_cells = compare_credit_cells("shapley", credit_csv, cells)
    return (f"shapley phi, weights and journeys of {len(phi)} channels and {n_cells} credit cells "
            f"in {ZONE_NAME}")


def check_markov(db_path, credit_csv, rep, transitions=None):
    """The latest credit run's markov model (revenue or pipeline view, no
    period; its event, order and repeat setting from the run's
    parameters): model_scores'
    method, removal effect, weight, attributed conversions and journeys per
    channel against markov_reference in ZONE, and the credit CSV's markov
    rows (credited amount to the cent, deals) of every (fiscal) quarter;
    with TRANSITIONS (allot-credit --transitions FILE of that run), every
    row of the chain: from, to, count, probability (to 1e-15)."""
    db = sqlite3.connect(db_path)
    run, params = data_driven_run(db, "markov")
    event = re.search(r";event=(revenue|pipeline);", params).group(1)
    lookback = int(re.search(r";lookback_days=(\d+);", params).group(1))
    order = int(re.search(r";markov_order=(\d+);", params).group(1))
    keep = re.search(r";markov_keep_repeats=(\d+);", params).group(1) == "1"
    re_, w, conv, n_j, cells = markov_reference(rep, lookback, order, keep, event)
    method = f"markov order {order}" + (" repeats kept" if keep else "")
    got = {c: r for c, *r in db.execute(
        "SELECT channel, method, score, weight, conversions, journeys, low_support FROM model_scores "
        "WHERE run_id = ? AND model = 'markov'", (run,))}
    expect(set(got) == set(re_), f"markov channels {sorted(got)} != {sorted(re_)}")
    worst = 0.0
    for c in sorted(re_):
        m, s, wt, cv, j, low = got.get(c, (None, 0, 0, 0, 0, 0))
        worst = max(worst, abs(s - re_[c]))
        expect(m == method and abs(s - re_[c]) <= 1e-12 and abs(wt - w[c]) <= 1e-12
               and abs(cv - conv[c]) <= 1e-9 * max(1, float(conv[c])) and j == n_j[c]
               and low == (n_j[c] < 30),
               f"markov {c}: {m} RE {s!r} weight {wt!r} conversions {cv!r} journeys {j} low {low}, "
               f"reference {method} {float(re_[c])!r} {float(w[c])!r} {float(conv[c])!r} {n_j[c]} "
               f"({ZONE_NAME})")
    n_cells = compare_credit_cells("markov", credit_csv, cells)
    chain_note = ""
    if transitions:
        from fractions import Fraction
        chain = markov_chain(fit_channels(dd_fit_journeys(lookback, event)), order, keep)
        name = lambda st: st if isinstance(st, str) else " > ".join(st)
        ref_t = {}
        for a, nexts in chain.items():
            tot = sum(nexts.values())
            for b, n in nexts.items():
                ref_t[(name(a), name(b))] = (n, Fraction(n, tot))
        got_t = {}
        with open(transitions, newline="") as f:
            for r in csv.DictReader(f):
                got_t[(r["from"], r["to"])] = (D(r["count"]), float(r["probability"]))
        for k in sorted(set(got_t) | set(ref_t)):
            g, w_ = got_t.get(k), ref_t.get(k)
            expect(g and w_ and g[0] == w_[0] and abs(g[1] - w_[1]) <= 1e-15,
                   f"markov transition {k}: {g}, reference {w_ and (w_[0], float(w_[1]))} ({ZONE_NAME})")
        chain_note = f", {len(ref_t)} transitions"
    return (f"{method}, {event}: removal effects, weights, conversions and journeys of {len(re_)} channels "
            f"(largest removal effect difference {worst:.1e}) and {n_cells} credit cells{chain_note} in {ZONE_NAME}")


CHECKS = {"credit-csv": check_credit_csv, "pipeline-csv": check_pipeline_csv, "ledger": check_ledger, "workbook": check_workbook,
          "pdf": check_pdf, "eml": check_eml, "roi": check_roi,
          "funnel": check_funnel, "funnel-leads": check_funnel_leads,
          "funnel-stages": check_funnel_stages, "speed": check_speed, "funnel-dir": check_funnel_dir,
          "acquisition": check_acquisition, "models": check_models,
          "shapley": check_shapley, "markov": check_markov}
if check == "booked":  # print the reference: quarter, cents, won deals
    for p, v in sorted(booked(args[0]).items()):
        print(p, v, won_count()[p])
    sys.exit(0)
if check == "pipeline":  # print the reference: quarter, pipeline cents, won cents
    for p, (v, w) in sorted(pipeline(args[0]).items()):
        print(p, v, w)
    sys.exit(0)
if check == "asof":  # deals known at the end of DAY in ZONE, per creation quarter
    end, rep = day_end(args[0]), args[1]
    out = {}
    for d in DEALS:
        c = instant(d["created_at"])
        if c > end:
            continue
        closed = d["is_closed"] == "1" and day_start(d["close_date"]) <= end
        v = out.setdefault(fquarter(day_of(d["created_at"])), [0, 0, 0, 0])
        v[0] += 1
        v[1] += not closed
        v[2] += closed and d["is_won"] == "1"
        if d["amount"]:
            v[3] += to_cents(D(d["amount"]), d["currency"], rep, day_of(d["created_at"]))
    for q, v in sorted(out.items()):
        print(q, *v)
    sys.exit(0)
if check == "acquisition-ref":  # print the reference: account, channel, campaign
    for a, (ch, camp) in sorted(acquisition().items()):
        print(a, ch, camp, sep=",")
    sys.exit(0)
if check == "shapley-ref":  # print the reference: phi per channel, shapley credit cells
    lookback = int(args[1]) if len(args) > 1 else lookback_days()
    phi, w, n_j, cells = shapley_reference(args[0], lookback)
    for c in sorted(phi, key=lambda c: (-phi[c], c)):
        print(f"phi,{c},{float(phi[c]):.12f},{float(w[c]):.12f},{n_j[c]}")
    for (q, c), (cents, deals) in sorted(cells.items()):
        print(f"credit,{q},{c},{cents},{deals}")
    sys.exit(0)
if check == "markov-ref":  # print the reference: removal effects, markov credit cells
    order = int(args[1]) if len(args) > 1 else 1
    re_, w, conv, n_j, cells = markov_reference(args[0], lookback_days(), order)
    for c in sorted(re_, key=lambda c: (-re_[c], c)):
        print(f"re,{c},{float(re_[c]):.12f},{float(w[c]):.12f},{float(conv[c]):.6f},{n_j[c]}")
    for (q, c), (cents, deals) in sorted(cells.items()):
        print(f"credit,{q},{c},{cents},{deals}")
    sys.exit(0)
if check == "lastquarter":  # allot-pack's default period at an instant ("today")
    print(last_quarter(day_of(args[0]), int(args[1]) if len(args) > 1 else 1))
    sys.exit(0)
if check == "dataend":
    print(data_end())
    sys.exit(0)
if check == "spend":  # print the reference: quarter, micros, cents (rounded once)
    for p, v in sorted(spend(args[0]).items()):
        print(p, v, spend_cents(args[0])[p])
    sys.exit(0)
summary = CHECKS[check](*args)
if failures:
    print(f"{check}: {len(failures)} failures", file=sys.stderr)
    print("\n".join(failures[:int(os.environ.get("TIEOUT_SHOW", 40))]), file=sys.stderr)
    sys.exit(1)
print(f"{check}: ok: {summary}")
