"""Independent checks of allot's workbook with openpyxl (a strict reader that
allot does not use) against the database read with Python's sqlite3.

usage: xlsx_check.py WORKBOOK DB [RECALCULATED]
RECALCULATED is the workbook after LibreOffice loaded it, recalculated every
formula and saved it again: each formula's value there must equal the value
allot stored.
"""
import datetime
import sqlite3
import sys
from decimal import Decimal

import openpyxl

path, db_path = sys.argv[1], sys.argv[2]
recalculated = sys.argv[3] if len(sys.argv) > 3 else None
failures = []


def check(cond, message):
    if not cond:
        failures.append(message)


wb = openpyxl.load_workbook(path)             # formulas as text
values = openpyxl.load_workbook(path, data_only=True)  # the cached values
expected_sheets = ["Summary", "Attribution by channel", "Attribution by campaign",
                   "Model comparison", "Funnel", "Retention", "CLV", "Reconciliation",
                   "Ledger", "Definitions"]
check(wb.sheetnames == expected_sheets, f"sheet names: {wb.sheetnames}")


def row_values(ws, row):
    return [c.value for c in ws[row]]


# Header rows (row 3 of the tables).
headers = {
    "Attribution by campaign": ["Campaign ID", "Campaign", "Channel", "Spend",
                                "Credited revenue", "ROI", "ROI lower", "ROI upper", "ROAS",
                                "New customers", "CAC", "Deals credited"],
    "Funnel": ["Channel", "Stage", "Count", "Next stage", "Conversion", "Lower", "Upper"],
    "Reconciliation": ["Model", "Period", "Currency", "Booked (deals)", "Attributed",
                       "Unattributed", "Difference", "Deals", "Attributed deals",
                       "NULL-amount deals"],
    "Ledger": ["Period", "Deal", "Position", "Touch", "Touch time (UTC)", "Channel", "Campaign",
               "Rule", "Weight", "Credit", "Currency", "Credit (reporting)"],
    "Definitions": ["Term", "Definition"],
}
for sheet, names in headers.items():
    got = row_values(wb[sheet], 3)[:len(names)]
    check(got == names, f"{sheet} header: {got}")
check(row_values(wb["Attribution by channel"], 3)[0] == "Channel", "channel header")

# Numbers are numbers, with the intended formats.
ch = wb["Attribution by channel"]
money_cells = [c for c in ch["B"][3:] if isinstance(c.value, (int, float))]
check(len(money_cells) >= 5, "channel credits are numeric")
check(all('"USD"' in c.number_format for c in money_cells), "channel credits in USD format")
cmp_cells = [c for c in wb["Model comparison"]["B"][3:] if isinstance(c.value, float)]
check(cmp_cells and all(c.number_format == "0.0%" for c in cmp_cells), "shares are percent")
fun = wb["Funnel"]
check(isinstance(fun["C4"].value, (int, float)) and fun["E4"].number_format == "0.0%",
      "funnel counts numeric, conversions percent")
led = wb["Ledger"]
check(isinstance(led["E4"].value, datetime.datetime) and "yyyy" in led["E4"].number_format,
      "ledger touch time is a date")
check(isinstance(led["I4"].value, float), "ledger weight numeric")

# Reconciliation ties to the database to the cent for every model, and the
# difference column reads 0.
db = sqlite3.connect(db_path)
run = db.execute("SELECT max(run_id) FROM runs WHERE tool = 'allot-credit'").fetchone()[0]
exponent = {"USD": 2, "EUR": 2, "JPY": 0, "KWD": 3}


def quarter(date):
    y, m = int(date[:4]), int(date[5:7])
    return f"{y}Q{(m - 1) // 3 + 1}"


booked = {}
for close_date, currency, micros in db.execute(
        "SELECT close_date, currency, amount_micros FROM deals WHERE is_won = 1"):
    if micros is None:
        continue
    key = (quarter(close_date), currency)
    step = 10 ** (6 - exponent[currency])
    booked[key] = booked.get(key, 0) + int((Decimal(micros) / step).quantize(Decimal(1)))
ledger = {}
for model, period, currency, channel, credit in db.execute(
        "SELECT model, period, currency, channel, credit_minor FROM ledger WHERE run_id = ?",
        (run,)):
    k = (model, period, currency)
    attributed, unattributed = ledger.get(k, (0, 0))
    if channel == "(unattributed)":
        unattributed += credit
    else:
        attributed += credit
    ledger[k] = (attributed, unattributed)

rec_f, rec_v = wb["Reconciliation"], values["Reconciliation"]
seen = set()
for r in range(4, rec_f.max_row + 1):
    model, period, currency = (rec_f.cell(r, c).value for c in (1, 2, 3))
    if model is None or currency not in exponent:
        continue
    unit = 10 ** exponent[currency]
    cents = [round(rec_v.cell(r, c).value * unit) for c in (4, 5, 6, 7)]
    want_attr, want_unattr = ledger[(model, period, currency)]
    want_booked = booked.get((period, currency), 0)
    check(cents[0] == want_booked, f"booked {model} {period} {currency}: {cents[0]} != {want_booked}")
    check(cents[1] == want_attr, f"attributed {model} {period} {currency}")
    check(cents[2] == want_unattr, f"unattributed {model} {period} {currency}")
    check(cents[3] == 0 and want_booked == want_attr + want_unattr,
          f"difference {model} {period} {currency} is not 0")
    check(str(rec_f.cell(r, 7).value).startswith("=ROUND("), "difference is a formula")
    seen.add((model, period, currency))
check(seen == set(ledger), f"reconciliation rows {len(seen)} != ledger groups {len(ledger)}")
models = {m for (m, _, _) in seen}
check(len(models) >= 12, f"every model reconciled: {sorted(models)}")

# Hostile campaign names stay strings, never formulas.
camp = wb["Attribution by campaign"]
names = {camp.cell(r, 1).value: camp.cell(r, 2) for r in range(4, camp.max_row + 1)}
hostile = {"C0091": '=HYPERLINK("http://x","y")', "C0092": "+1-2", "C0093": "@SUM(A1)",
           "C0094": "-2+3"}
for cid, text in hostile.items():
    if cid in names:
        c = names[cid]
        check(c.data_type == "s" and c.value == text, f"{cid} name {c.value!r} ({c.data_type})")
check(any(cid in names for cid in hostile), "hostile campaigns appear in the campaign sheet")

# Formulas carry their computed values, and LibreOffice agrees.
formula_cells = []
for ws in wb.worksheets:
    for row in ws.iter_rows():
        for c in row:
            if c.data_type == "f":
                formula_cells.append((ws.title, c.coordinate))
check(len(formula_cells) > 20, "formulas present")
for sheet, coord in formula_cells:
    check(isinstance(values[sheet][coord].value, (int, float)),
          f"{sheet}!{coord} has no stored value")
if recalculated:
    lo = openpyxl.load_workbook(recalculated, data_only=True)
    for sheet, coord in formula_cells:
        mine, theirs = values[sheet][coord].value, lo[sheet][coord].value
        check(isinstance(theirs, (int, float)) and abs(mine - theirs) <= 1e-9 * max(1, abs(mine)),
              f"LibreOffice recalculated {sheet}!{coord} = {theirs}, allot stored {mine}")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print(f"ok: {len(seen)} reconciliation rows, {len(formula_cells)} formulas checked")
