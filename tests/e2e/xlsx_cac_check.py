#!/usr/bin/python3
"""An independent reference for the CAC and LTV/CAC columns of the
workbook's CLV sheet.

usage: xlsx_cac_check.py WORKBOOK DB

From the definitions in README ("The finance workbook": the CLV sheet;
"Lifetime value": CAC, LTV/CAC; "Scoreboard": spend, CAC) and
shared/spec/statistics.md (CAC = spend / new customers):

  run        the credit run the workbook reads: the latest allot-credit run
             with status ok for the revenue event whose rollups are in the
             reporting currency (the Summary's "Credit run" must name it);
             without one there is no CAC;
  spend      every spend row of the database, whatever its date (the CAC
             spans every period, not the workbook's), converted to the
             reporting currency at the fx_rates rate valid on the spend
             date (rate of its currency / rate of the reporting currency;
             a currency without rows is the table's base, 1), rounded half
             away from zero to the micro; its channel is its campaign's
             campaigns.channel, else '(unknown)' (this reference refuses a
             campaign that would need the taxonomy);
  customers  new customers credited to the channel under first_touch: a won
             deal is a new customer when it is its account's first won deal
             by close date (missing dates last), then deal_id (a deal
             without an account is its own customer); the run's first_touch
             ledger weights of that deal split it over channels;
  CAC        spend / customers, empty when either is 0;
  LTV/CAC    the row's BG/NBD CLV (column "BG/NBD CLV", which
             xlsx_retention_check.py recomputes) / CAC, empty without both.

The "(all)" row has neither (CAC is per channel). Also checks the columns'
number formats. None of allot's code is used; the ledger's first_touch
weights are read as the run stored them (tests/e2e/xlsx_cac.sh checks
them by hand). Prints one line per mismatch and exits 1 when there is any.
"""
import datetime as dt
import sqlite3
import sys
from fractions import Fraction as F

import openpyxl

errors = []


def fail(msg):
    errors.append(msg)


def day(s):
    return dt.date.fromisoformat(s)


def half_away(x):
    """A Fraction rounded half away from zero to an integer."""
    n = abs(x)
    i = int(n) + (1 if n - int(n) >= F(1, 2) else 0)
    return i if x >= 0 else -i


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    wb = openpyxl.load_workbook(sys.argv[1], data_only=True)
    con = sqlite3.connect(sys.argv[2])
    q = lambda sql, *a: con.execute(sql, a).fetchall()
    summary = [list(r) for r in wb["Summary"].iter_rows(values_only=True)]
    facts = {r[0]: r[1] for r in summary if r and r[0]}
    currency = facts.get("Reporting currency")

    # the run
    run = None
    for run_id, params in q("SELECT run_id, parameters FROM runs WHERE tool = 'allot-credit'"
                            " AND status = 'ok' ORDER BY run_id DESC"):
        if "event=pipeline" in params:
            continue
        cur = q("SELECT currency FROM rollup_period WHERE run_id = ? LIMIT 1", run_id)
        if cur and cur[0][0] == currency:
            run = run_id
            break
    # no run in the reporting currency: no CAC (the workbook reads no run)
    if run is not None and facts.get("Credit run") != run:
        fail(f"Summary credit run {facts.get('Credit run')!r}, reference {run}")

    # fx
    rates = q("SELECT currency, start_date, end_date, rate FROM fx_rates")

    def raw(c, on):
        rows = [r for r in rates if r[0] == c]
        if not rows:
            return F(1)
        for _, s, e, v in rows:
            if day(s) <= on and (e is None or on < day(e)):
                return F(v).limit_denominator(10**9)
        sys.exit(f"reference: no {c} rate on {on}")

    # spend per channel, micros of the reporting currency
    spend = {}
    for date, cost, cur, channel, src, med, known in q(
            "SELECT s.date, s.cost_micros, s.currency, c.channel, c.utm_source, c.utm_medium,"
            " c.campaign_id IS NOT NULL FROM spend s"
            " LEFT JOIN campaigns c ON c.campaign_id = s.campaign_id"):
        if channel:
            ch = channel
        elif known and (src or med):
            sys.exit("reference: a campaign without a channel but with utm fields (taxonomy)")
        else:
            ch = "(unknown)"
        on = day(date)
        spend[ch] = spend.get(ch, 0) + half_away(F(cost) * raw(cur, on) / raw(currency, on))

    # new customers: each account's first won deal
    won = q("SELECT deal_id, account_id, close_date FROM deals WHERE is_won")
    first = {}
    for deal_id, acc, close in won:
        key = ("deal", deal_id) if acc is None else ("account", acc)
        rank = (close is None, close or "", deal_id)
        if key not in first or rank < first[key][0]:
            first[key] = (rank, deal_id)
    new = {v[1] for v in first.values()}
    customers = {}
    ledger = q("SELECT deal_id, channel, weight FROM ledger WHERE run_id = ? AND"
               " model = 'first_touch'", run) if run is not None else []
    if run is not None and not ledger:
        sys.exit(f"reference: credit run {run} has no first_touch ledger rows")
    for deal_id, ch, w in ledger:
        if deal_id in new:
            customers[ch] = customers.get(ch, F(0)) + F(w)

    # the sheet
    ws = wb["CLV"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    head = next((i for i, r in enumerate(rows) if r and r[0] == "Channel"), None)
    if head is None:
        fail("CLV: no header row")
        return finish()
    if rows[head][10:13] != ["BG/NBD CLV", "CAC", "LTV/CAC"]:
        fail(f"CLV header {rows[head][10:13]}")
    money_fmt = f'#,##0.00 "{currency}";-#,##0.00 "{currency}"'
    seen = 0
    for i in range(head + 1, len(rows)):
        r = rows[i]
        if not r or r[0] is None:
            break
        seen += 1
        g = r[0]
        clv, cac, ratio = r[10], r[11], r[12]
        if g == "(all)":
            want = None
        else:
            s, c = spend.get(g, 0), customers.get(g, F(0))
            want = F(s, 10**6) / c if s > 0 and c > 0 else None
        if (cac is None) != (want is None) or (
                want is not None and abs(F(cac) - want) > want * F(1, 10**12)):
            fail(f"CLV {g} CAC: sheet {cac!r}, reference "
                 f"{float(want) if want is not None else None!r} (spend "
                 f"{spend.get(g, 0) / 1e6:.6f}, customers {float(customers.get(g, 0))})")
        want_ratio = F(clv) / want if want is not None and clv is not None else None
        if (ratio is None) != (want_ratio is None) or (
                want_ratio is not None and abs(F(ratio) - want_ratio) > abs(want_ratio) * F(1, 10**12)):
            fail(f"CLV {g} LTV/CAC: sheet {ratio!r}, reference "
                 f"{float(want_ratio) if want_ratio is not None else None!r}")
        if ws.cell(i + 1, 12).number_format != money_fmt:
            fail(f"CLV {g} CAC format {ws.cell(i + 1, 12).number_format!r}")
        if ws.cell(i + 1, 13).number_format != '0.00"x"':
            fail(f"CLV {g} LTV/CAC format {ws.cell(i + 1, 13).number_format!r}")
    if seen == 0:
        fail("CLV: no channel rows")
    return finish()


def finish():
    for e in errors:
        print("xlsx_cac_check: " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
