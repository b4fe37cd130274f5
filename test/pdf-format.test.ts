/** The PDF's text helpers and view model: cleaning untrusted text, wrapping, axes, ids, coverage. */
import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/fsutil.js';
import { niceAxis } from '../src/pack/pdf/charts.js';
import { clean, duration, spanDays } from '../src/pack/pdf/format.js';
import { countFindings, packIdOf, ruleGroups, safeSubject, subjectParts } from '../src/pack/pdf/model.js';
import { coverageLine } from '../src/pack/pdf/sections/cover.js';
import { softBreak } from '../src/pack/pdf/table.js';
import { FONT } from '../src/pack/pdf/theme.js';
import { buildReviewData } from '../src/pack/testing/fixture.js';

describe('clean', () => {
  it.each([
    ['plain text', 'Grüße — café, naïve', 'Grüße — café, naïve'],
    ['C0 controls', 'a\u0007b\u0000c\u001bd', 'abcd'],
    ['C1 controls and DEL', 'a\u0085b\u009bc\u007fd', 'abcd'],
    ['bidi overrides and isolates', 'invoice\u202Efdp.exe\u202C and \u2066x\u2069', 'invoicefdp.exe and x'],
    ['line breaks become spaces', 'one\r\ntwo\nthree\tfour', 'one two three four'],
    ['lone surrogates', 'x\uD800y', 'x\uFFFDy'],
    ['characters the fonts cannot draw', 'kanji 漢字 emoji 🙂', 'kanji \uFFFD\uFFFD emoji \uFFFD'],
    ['formula-looking text stays text', '=HYPERLINK("http://x","y")', '=HYPERLINK("http://x","y")'],
  ])('%s', (_name, input, expected) => {
    expect(clean(input)).toBe(expected);
  });

  it('keeps line breaks when asked, and turns nothing into an empty string', () => {
    expect(clean('a\r\nb', true)).toBe('a\nb');
    expect(clean(undefined)).toBe('');
    expect(clean(null)).toBe('');
    expect(clean(42)).toBe('42');
  });
});

describe('softBreak', () => {
  const doc = new PDFDocument({ font: FONT.sans, autoFirstPage: false });
  doc.fontSize(7.5);
  it.each([
    ['an email breaks before the @', 'anna.schmidt@acme-analytics.example', 110, 'anna.schmidt\n@acme-analytics.example'],
    ['a short word is left alone', 'member', 30, 'member'],
    ['a word that fits is left alone', 'ada@acme.example', 200, 'ada@acme.example'],
    ['a hyphen is left to pdfkit (no forced break after it)', 'experiment-deployment', 48, 'experiment-deployment'],
    ['a long dotted name breaks after dots', 'alpha.bravo.charlie.delta.echo.foxtrot', 60, 'alpha.bravo.\ncharlie.delta.\necho.foxtrot'],
  ])('%s', (_name, text, width, expected) => {
    expect(softBreak(doc, text, width)).toBe(expected);
  });
});

describe('niceAxis', () => {
  it.each([
    [0, 1, 1],
    [3, 3, 1],
    [29, 30, 10],
    [47, 50, 10],
    [100, 100, 20],
    [1234, 1500, 500],
  ])('values up to %i: max %i, step %i', (v, max, step) => {
    expect(niceAxis(v)).toEqual({ max, step });
  });
});

describe('format', () => {
  it('spans read as the local days they cover; durations in days and hours', () => {
    expect(spanDays({ from: '2026-06-30T22:00:00.000Z', to: '2026-09-30T22:00:00.000Z' }, 'Europe/Berlin')).toBe('1 Jul 2026 – 30 Sep 2026');
    expect(spanDays({ from: '2026-07-01T00:00:00.000Z', to: '2026-10-01T00:00:00.000Z' }, 'UTC')).toBe('1 Jul 2026 – 30 Sep 2026');
    expect(duration(7 * 86_400_000 + 2 * 3_600_000)).toBe('7 d 2 h');
    expect(duration(5 * 3_600_000)).toBe('5 h');
    expect(duration(60_000)).toBe('under 1 h');
  });
});

describe('view model', () => {
  const data = buildReviewData();

  it('names the pack like the archive: org id / period, reruns with -rN', () => {
    expect(packIdOf(data)).toBe('123456/2026-Q3');
    expect(packIdOf({ ...data, revision: 3 })).toBe('123456/2026-Q3-r3');
  });

  it('never shows a secret-looking key id, but shows emails with digits', () => {
    const secret = 'f3a9c2d17be84e60a15c9d2e7b4f8a31';
    const fp = sha256Hex(secret).slice(0, 12);
    expect(subjectParts({ kind: 'key', id: secret, label: 'Warehouse export job' })).toEqual({ label: 'Warehouse export job', id: `key-${fp}` });
    expect(subjectParts({ kind: 'member', id: 'fatima.schmidt54908@acme.example', label: 'fatima.schmidt54908@acme.example' })).toEqual({
      label: 'fatima.schmidt54908@acme.example',
      id: '',
    });
    expect(safeSubject(secret, data.snapshot.keys)).toBe(`key-${fp}`);
    expect(safeSubject('6b1f0c7d2e9a4b3c8d5e6f7a8b9c0d1e', [])).toBe(`key-${sha256Hex('6b1f0c7d2e9a4b3c8d5e6f7a8b9c0d1e').slice(0, 12)}`);
    expect(safeSubject('fatima.schmidt54908@acme.example', [])).toBe('fatima.schmidt54908@acme.example');
    expect(safeSubject('105', [])).toBe('105');
  });

  it('counts open findings by severity, excepted, unknown and expired exceptions', () => {
    expect(countFindings(data.findings)).toEqual({ open: { high: 9, medium: 11, low: 6, info: 3 }, openTotal: 29, excepted: 2, unknown: 1, expiredExceptions: 2 });
  });

  it('orders rule groups most severe first, then by open findings', () => {
    const groups = ruleGroups(data);
    expect(groups.map((g) => g.rule.id).slice(0, 3)).toEqual(['dormant-account', 'key-rotation-overdue', 'excessive-export']);
    expect(groups.at(-1)?.rule.id).toBe('security-settings-changed');
    const dormant = groups[0];
    expect([dormant?.open.length, dormant?.excepted.length, dormant?.unknown.length, dormant?.severity]).toEqual([3, 1, 1, 'high']);
    expect(dormant?.open[0]?.severity).toBe('high');
  });

  it('states audit-log coverage plainly: whole, with gaps, or not collected', () => {
    expect(coverageLine(data, 'Europe/Berlin')).toBe('Audit log covers 92.3% of the period; not covered: 2026-08-03 02:00 – 2026-08-10 04:00 (7 d 2 h).');
    const s = data.snapshot;
    const whole = { ...data, snapshot: { ...s, coverage: { ...s.coverage, periodGaps: [], periodCovered: [{ from: s.period.start, to: s.period.end }] } } };
    expect(coverageLine(whole, 'Europe/Berlin')).toBe('Audit log covers the whole period (1 Jul 2026 – 30 Sep 2026).');
    const none = { ...data, snapshot: { ...s, events: undefined } };
    expect(coverageLine(none, 'Europe/Berlin')).toMatch(/^Audit log not collected/);
  });
});
