/**
 * Vector charts for the executive summary. Readable in grey-scale: the severity shades differ
 * in lightness, segments are separated by white rules, and every bar carries its number.
 */
import { SEVERITIES, type Severity } from '../../domain/common.js';
import type { SeverityCounts, TrendPoint } from '../types.js';
import { capitalize, clean, num } from './format.js';
import { label } from './draw.js';
import { COLOR, FONT, SEVERITY_COLOR, SEVERITY_INK, SIZE } from './theme.js';

/** An axis for values up to `v`: a step of 1, 2 or 5 × 10^n and at most `ticks` intervals. */
export function niceAxis(v: number, ticks = 5): { max: number; step: number } {
  const raw = Math.max(v, 1) / ticks;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p);
  const stepInt = Math.max(1, step);
  return { max: Math.max(stepInt, Math.ceil(Math.max(v, 1) / stepInt) * stepInt), step: stepInt };
}

/** Horizontal bars, one per severity, open findings. */
export function severityBars(doc: PDFKit.PDFDocument, x: number, top: number, width: number, counts: SeverityCounts): number {
  const labelW = 52;
  const numW = 44;
  const barH = 14;
  const gap = 7;
  const max = Math.max(1, ...SEVERITIES.map((s) => counts[s]));
  const barMax = width - labelW - numW;
  SEVERITIES.forEach((s, i) => {
    const y = top + i * (barH + gap);
    label(doc, capitalize(s), x, y + 3, { width: labelW - 6 });
    doc.rect(x + labelW, y, barMax, barH).fill(COLOR.zebra);
    const w = counts[s] === 0 ? 0 : Math.max(2, (counts[s] / max) * barMax);
    if (w > 0) doc.rect(x + labelW, y, w, barH).fill(SEVERITY_COLOR[s]);
    label(doc, num(counts[s]), x + labelW + w + 4, y + 3, { width: numW, font: FONT.bold });
  });
  doc.moveTo(x + labelW, top - 2).lineTo(x + labelW, top + SEVERITIES.length * (barH + gap) - gap + 2).lineWidth(0.6).strokeColor(COLOR.muted).stroke();
  return SEVERITIES.length * (barH + gap);
}

/** Stacked columns of open findings per quarter, high at the bottom; totals on top; a legend. */
export function trendColumns(doc: PDFKit.PDFDocument, x: number, top: number, width: number, height: number, points: readonly TrendPoint[]): void {
  const axisW = 30;
  const legendH = 16;
  const labelH = 14;
  const plotTop = top + 12;
  const plotH = height - legendH - labelH - 12;
  const plotBottom = plotTop + plotH;
  const plotX = x + axisW;
  const plotW = width - axisW;
  const totals = points.map((p) => SEVERITIES.reduce((s, sev) => s + p.counts[sev], 0));
  const { max, step } = niceAxis(Math.max(0, ...totals));

  for (let k = 0; k * step <= max; k++) {
    const v = k * step;
    const y = plotBottom - (v / max) * plotH;
    doc.moveTo(plotX, y).lineTo(plotX + plotW, y).lineWidth(k === 0 ? 0.8 : 0.3).strokeColor(k === 0 ? COLOR.muted : COLOR.rule).stroke();
    label(doc, num(Math.round(v)), x, y - 3.5, { width: axisW - 4, align: 'right', size: SIZE.footer, color: COLOR.muted });
  }

  const n = Math.max(points.length, 1);
  const slot = plotW / n;
  const colW = Math.min(46, slot * 0.6);
  points.forEach((p, i) => {
    const cx = plotX + slot * i + (slot - colW) / 2;
    let y = plotBottom;
    for (const s of SEVERITIES) {
      const c = p.counts[s];
      if (c <= 0) continue;
      const h = (c / max) * plotH;
      doc.rect(cx, y - h, colW, h).fill(SEVERITY_COLOR[s]);
      doc.moveTo(cx, y - h).lineTo(cx + colW, y - h).lineWidth(0.6).strokeColor('#ffffff').stroke();
      if (h >= 9) {
        label(doc, num(c), cx, y - h / 2 - 3.2, { width: colW, align: 'center', size: 6.5, color: SEVERITY_INK[s] });
      }
      y -= h;
    }
    label(doc, num(totals[i] ?? 0), cx - 10, y - 11, { width: colW + 20, align: 'center', font: FONT.bold });
    label(doc, clean(p.period), plotX + slot * i, plotBottom + 4, { width: slot, align: 'center' });
  });

  legend(doc, plotX, top + height - legendH + 4, SEVERITIES);
}

function legend(doc: PDFKit.PDFDocument, x: number, y: number, sevs: readonly Severity[]): void {
  let cx = x;
  for (const s of sevs) {
    doc.rect(cx, y, 9, 9).fill(SEVERITY_COLOR[s]);
    doc.rect(cx, y, 9, 9).lineWidth(0.4).strokeColor(COLOR.muted).stroke();
    label(doc, capitalize(s), cx + 13, y + 1);
    cx += 13 + doc.font(FONT.sans).fontSize(SIZE.small).widthOfString(capitalize(s)) + 16;
  }
}
