// Writes deals-intl.csv and expected.txt: the dates and times of ICU's
// long, full and medium styles in nine locales, as JavaScript applications
// (Intl.DateTimeFormat, Date.toLocaleString) put them into exports.
// Regenerate: node make.js (Node 20.20.2 with ICU 78.2 wrote the committed
// files).
// Each row's close_date is a date style, created_at a date and time of UTC;
// expected.txt has the same instants as ISO date and epoch seconds.
'use strict';
const fs = require('fs');
const locales = ['en-US', 'en-GB', 'fr-FR', 'de-DE', 'es-ES', 'it-IT', 'nl-NL', 'pt-BR', 'pt-PT'];
const pairs = [
  ['full', {dateStyle: 'full', timeStyle: 'medium'}],
  ['long', {dateStyle: 'long', timeStyle: 'short'}],
  ['medium', {dateStyle: 'medium', timeStyle: 'short'}],
  ['full', {dateStyle: 'full', timeStyle: 'long'}],
];
// one day in each month (every weekday appears), times from 00:05 to 23:59
const instants = [
  [2026, 0, 1, 0, 5], [2026, 1, 14, 9, 30], [2026, 2, 31, 12, 0], [2026, 3, 4, 12, 45],
  [2026, 4, 1, 13, 15], [2026, 5, 15, 18, 0], [2026, 6, 7, 7, 7], [2026, 7, 15, 23, 59],
  [2026, 8, 30, 10, 10], [2026, 9, 1, 8, 5], [2026, 10, 11, 11, 11], [2026, 11, 31, 16, 20],
];
const q = s => /[",]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
let csv = 'deal_id,created_at,close_date\n', expected = '';
let n = 0;
for (const l of locales)
  for (const [y, mo, d, h, mi] of instants)
    pairs.forEach(([dateStyle, both]) => {
      const t = new Date(Date.UTC(y, mo, d, h, mi));
      const id = 'i-' + String(++n).padStart(3, '0');
      const date = new Intl.DateTimeFormat(l, {dateStyle, timeZone: 'UTC'}).format(t);
      const stamp = new Intl.DateTimeFormat(l, {...both, timeZone: 'UTC'}).format(t);
      csv += [id, q(stamp), q(date)].join(',') + '\n';
      expected += `${id}|${t.getTime() / 1000}|${t.toISOString().slice(0, 10)}\n`;
    });
fs.writeFileSync('deals-intl.csv', csv);
fs.writeFileSync('expected.txt', expected);
