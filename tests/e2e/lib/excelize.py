#!/usr/bin/env python3
# tests/e2e/lib/excelize.py LOCALE IN OUT — writes the canonical CSV IN as a
# European spreadsheet saves it after opening it correctly (used by
# tests/e2e/eu_resave.sh): ';' between fields, a UTF-8 BOM and CRLF; ISO
# dates in the locale's short form (de 01.07.2024, fr 01/07/2024, nl
# 1-7-2024); decimals with a decimal comma and at least 2 decimals, as the
# "#,##0.00" format shows them; thousands grouped by '.' (de, nl) or U+202F
# (fr, as Windows 10+ French does); text, ids with leading zeros and
# timestamps (which Excel does not read as dates: 2026-01-07T14:03:00Z)
# unchanged. Not a test of allot: the originals are loaded too and the
# databases must agree.
import csv
import re
import sys

loc, src, dst = sys.argv[1:4]
thousands = {'de': '.', 'fr': '\u202f', 'nl': '.'}[loc]
datefmt = {'de': '{d:02d}.{m:02d}.{y}', 'fr': '{d:02d}/{m:02d}/{y}', 'nl': '{d}-{m}-{y}'}[loc]


def number(v):
    m = re.fullmatch(r'(-?)(\d+)(?:\.(\d+))?', v)
    if not m or (len(m.group(2)) > 1 and m.group(2)[0] == '0') or len(m.group(2)) > 11:
        return None
    sign, whole, frac = m.groups()
    grouped = ''
    while len(whole) > 3:
        grouped = thousands + whole[-3:] + grouped
        whole = whole[:-3]
    grouped = whole + grouped
    if frac is not None:
        frac = frac.ljust(2, '0')
    return sign + grouped + (',' + frac if frac is not None else '')


def cell(v):
    m = re.fullmatch(r'(\d{4})-(\d{2})-(\d{2})', v)
    if m:
        y, mo, d = map(int, m.groups())
        return datefmt.format(d=d, m=mo, y=y)
    n = number(v)
    return v if n is None else n


with open(src, newline='', encoding='utf-8') as f, \
        open(dst, 'w', newline='', encoding='utf-8-sig') as g:
    out = csv.writer(g, delimiter=';', lineterminator='\r\n')
    for k, row in enumerate(csv.reader(f)):
        out.writerow(row if k == 0 else [cell(v) for v in row])
