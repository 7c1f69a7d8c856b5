#!/usr/bin/env bash
# allot-chart and allot-pdf end to end on a small synthetic company:
# every chart in every format (PNG size and ink, SVG as XML, PDF text),
# byte-stable output, the PDF's page count and its headline numbers
# against sqlite3 queries written here independently, missing data drawn
# honestly, and usage errors.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh" || exit 1
bin=$1; tests=$2; scratch=$3
rm -rf "$scratch"; mkdir -p "$scratch"; cd "$scratch"
py=/usr/bin/python3
charts="credit models roi funnel bridge cohorts survival trend"

"$bin/allot-synth" --out data --seed 3 --touches 8000 --quarters 4 >/dev/null 2>&1
"$bin/allot-load" --db a.db data/*.csv >/dev/null 2>&1
"$bin/allot-credit" --db a.db >/dev/null 2>&1

# The period: the quarter of the latest won deal (what the tools pick
# without --period), its first day, the day after, and the prior quarter.
read -r P from to prior < <(sqlite3 a.db "SELECT y || 'Q' || q, printf('%04d-%02d-01', y, 3*q-2),
    CASE q WHEN 4 THEN printf('%04d-01-01', y+1) ELSE printf('%04d-%02d-01', y, 3*q+1) END,
    CASE q WHEN 1 THEN (y-1) || 'Q4' ELSE y || 'Q' || (q-1) END
  FROM (SELECT CAST(substr(d,1,4) AS INTEGER) y, (CAST(substr(d,6,2) AS INTEGER)+2)/3 q
        FROM (SELECT MAX(close_date) d FROM deals WHERE is_won = 1))" | tr '|' ' ')
[[ -n $P ]] || fail "no won deal in the synthetic company"

# --- every chart, every format -------------------------------------------
for f in png svg pdf; do
  "$bin/allot-chart" --db a.db --period $P --format $f --out out-$f 2>err-$f.txt \
    || fail "allot-chart --format $f: $(cat err-$f.txt)"
  for c in $charts; do [[ -s out-$f/$c.$f ]] || fail "missing out-$f/$c.$f"; done
done
grep -q "wrote 8 charts (png) for $P into out-png" err-png.txt || fail "summary: $(cat err-png.txt)"
! grep -q "warning" err-png.txt || fail "a chart lacks data on the synthetic company: $(cat err-png.txt)"

# PNG: 1440 x 900 (720 x 450 pt at 2x), 8-bit RGB, and not blank: decoded
# with python's zlib, at least 0.5 % of the pixels are not white (a title
# and a message alone ink about 1 %).
$py - out-png/*.png <<'EOF' || fail "PNG check"
import struct, sys, zlib
for path in sys.argv[1:]:
    data = open(path, 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n', path
    pos, idat, ihdr = 8, b'', None
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR': ihdr = struct.unpack('>IIBBBBB', body)
        if kind == b'IDAT': idat += body
        pos += 12 + n
    w, h, depth, ctype = ihdr[:4]
    assert (w, h, depth, ctype) == (1440, 900, 8, 2), (path, ihdr)
    if not path.endswith(('credit.png', 'survival.png')):
        continue  # decoding in python is slow; test_chart reads every type with cairo
    raw = zlib.decompress(idat)
    stride = 1 + 3 * w
    prev = bytearray(3 * w); ink = 0
    for y in range(h):           # undo PNG filters (types 0-4)
        ft = raw[y * stride]; line = bytearray(raw[y * stride + 1:(y + 1) * stride])
        for i in range(len(line)):
            a = line[i - 3] if i >= 3 else 0; b = prev[i]; c = prev[i - 3] if i >= 3 else 0
            if ft == 1: line[i] = (line[i] + a) & 255
            elif ft == 2: line[i] = (line[i] + b) & 255
            elif ft == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        ink += sum(1 for x in range(w) if line[3 * x:3 * x + 3] != b'\xff\xff\xff')
        prev = line
    assert ink > w * h // 200, (path, ink)
EOF

# SVG: well-formed XML with an <svg> root of 720 x 450 pt.
for c in $charts; do
  $py -c 'import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); assert r.tag == "{http://www.w3.org/2000/svg}svg" and r.get("width") == "720pt", r.attrib' out-svg/$c.svg \
    || fail "SVG $c"
done

# PDF: one page each, with the title in its text.
for c in $charts; do
  [[ $(pdfinfo out-pdf/$c.pdf | awk '/^Pages:/ {print $2}') == 1 ]] || fail "pages of $c.pdf"
done
pdftotext out-pdf/credit.pdf - | grep -q "Credited revenue by channel, $P" || fail "credit title"
pdftotext out-pdf/roi.pdf - | grep -q "break-even (ROI 0 %)" || fail "roi zero line"
pdftotext out-pdf/trend.pdf - | grep -q "${from:0:7}" || fail "trend months"

# --- byte-stable --------------------------------------------------------
for f in png svg pdf; do
  "$bin/allot-chart" --db a.db --period $P --format $f --out again-$f 2>/dev/null
  for c in $charts; do cmp -s out-$f/$c.$f again-$f/$c.$f || fail "$c.$f differs between runs"; done
done
# A chart drawn alone is the same file as in the full set (cairo numbers SVG
# surfaces per process; allot renumbers them).
for f in png svg pdf; do
  "$bin/allot-chart" --db a.db --period $P --format $f --out one-$f survival 2>/dev/null
  cmp -s one-$f/survival.$f out-$f/survival.$f || fail "survival.$f alone differs from the one in the set"
done

# --out creates the folder with its missing parents (mkdir -p), so the
# README's `--out out/charts` works where out/ does not exist yet.
"$bin/allot-chart" --db a.db --period $P --out deep/er/png credit 2>/dev/null \
  || fail "--out with missing parent folders"
cmp -s deep/er/png/credit.png out-png/credit.png || fail "credit.png under deep/er/png differs"

# --- the leadership PDF -------------------------------------------------
"$bin/allot-pdf" --db a.db --period $P --out pack.pdf 2>pdf-err.txt || fail "allot-pdf: $(cat pdf-err.txt)"
"$bin/allot-pdf" --db a.db --period $P --out pack2.pdf 2>/dev/null
cmp -s pack.pdf pack2.pdf || fail "allot-pdf output differs between runs"
pages=$(pdfinfo pack.pdf | awk '/^Pages:/ {print $2}')
[[ $pages == 10 ]] || fail "pack has $pages pages, want 10 (cover, 8 charts, methods)"
pdftotext -layout pack.pdf pack.txt

# Headline numbers, computed here with sqlite3: each amount converted to USD
# at the fx rate valid on its date, rounded to the micro and then to the
# cent half away from zero (SQLite's round), summed in cents.
rate_join="LEFT JOIN fx_rates f ON f.currency = x.currency AND f.start_date <= x.d AND (f.end_date IS NULL OR x.d < f.end_date)"
won_cents=$(sqlite3 a.db "SELECT CAST(SUM(round(round(x.amount_micros * COALESCE(f.rate, 1)) / 10000.0)) AS INTEGER)
  FROM (SELECT amount_micros, currency, close_date AS d FROM deals
        WHERE is_won = 1 AND close_date >= '$from' AND close_date < '$to'
          AND amount_micros IS NOT NULL) x $rate_join")
won_n=$(sqlite3 a.db "SELECT COUNT(*) FROM deals WHERE is_won = 1 AND close_date >= '$from' AND close_date < '$to'")
# Marketing spend is the exception: each row is converted to micros the
# same way, but the micros are added and the sum is rounded once to the cent
# (sub-cent spend is common: Google Ads reports micros). Summing each row's
# cents, as this test did, drifts: on sample-data 2026Q3 the rows add up to
# USD 233,884.960138 while their cents give 233,884.95.
spend_cents=$(sqlite3 a.db "SELECT CAST(round(SUM(round(x.cost_micros * COALESCE(f.rate, 1))) / 10000.0) AS INTEGER)
  FROM (SELECT cost_micros, currency, date AS d FROM spend WHERE date >= '$from' AND date < '$to') x $rate_join")
money() { $py -c 'import sys; from decimal import Decimal; print("USD {:,.0f}".format(Decimal(sys.argv[1]) / 100))' "$1"; }
won_text=$(money "$won_cents"); spend_text=$(money "$spend_cents")
grep -q "Won revenue" pack.txt || fail "no Won revenue tile"
grep -qF "$won_text" pack.txt || fail "won revenue $won_text not in the PDF"
grep -qF "$spend_text" pack.txt || fail "spend $spend_text not in the PDF"
grep -A3 "Deals won" pack.txt | grep -qw "$won_n" || fail "deals won $won_n not in the PDF"
grep -q "vs $prior" pack.txt || fail "no change against the prior quarter"
grep -q "Methods" pack.txt || fail "no methods page"
grep -q "page 10 of 10" pack.txt || fail "no page footer"

# --- honest empty charts --------------------------------------------------
"$bin/allot-chart" --db a.db --period 2030Q1 --format pdf --out empty credit trend 2>/dev/null
pdftotext empty/credit.pdf - | grep -q "No deals closed in 2030Q1" || fail "empty period message"
pdftotext empty/trend.pdf - | grep -q "No deals in the twelve months to 2030Q1" || fail "empty trend message"

# A database without a credit run: charts say what to run, with a warning.
"$bin/allot-load" --db bare.db data/deals.csv data/fx_rates.csv >/dev/null 2>&1
"$bin/allot-chart" --db bare.db --period $P --format pdf --out bare credit 2>bare-err.txt \
  || fail "allot-chart on a database without credit: $(cat bare-err.txt)"
grep -q "warning: credit: No credit run in this database: run allot-credit first" bare-err.txt \
  || fail "no warning: $(cat bare-err.txt)"
pdftotext bare/credit.pdf - | grep -q "run allot-credit first" || fail "bare chart text"

# --- usage and environment errors ----------------------------------------
set +e
"$bin/allot-chart" --db a.db nonsense 2>/dev/null; [[ $? == 2 ]] || fail "unknown chart: want exit 2"
"$bin/allot-chart" --db a.db --format gif 2>/dev/null; [[ $? == 2 ]] || fail "bad format: want exit 2"
"$bin/allot-chart" --db a.db --period 2025Q5 2>/dev/null; [[ $? == 2 ]] || fail "bad period: want exit 2"
"$bin/allot-chart" --db a.db --period $P --model no_such_model credit 2>model-err.txt; [[ $? == 2 ]] || fail "unknown model: want exit 2"
grep -q "model 'no_such_model' is not in credit run" model-err.txt || fail "unknown model message: $(cat model-err.txt)"
"$bin/allot-chart" --db missing.db 2>/dev/null; [[ $? == 3 ]] || fail "missing database: want exit 3"
: > plain-file
"$bin/allot-chart" --db a.db --period $P --out plain-file/charts credit 2>/dev/null; [[ $? == 3 ]] || fail "--out below a file: want exit 3"
"$bin/allot-pdf" --db a.db --period $P --out /nonexistent-dir/x.pdf 2>/dev/null; [[ $? == 3 ]] || fail "unwritable PDF: want exit 3"
set -e
"$bin/allot-chart" --help | grep -q "survival" || fail "--help lists the charts"
echo "charts e2e: ok"
