/** Half-open time spans [from, to): merging, clipping and gaps. Pure functions. */
import type { Span } from '../domain/common.js';

export interface MsSpan {
  from: number;
  to: number;
}

export function toMs(span: Span): MsSpan {
  const from = Date.parse(span.from);
  const to = Date.parse(span.to);
  if (Number.isNaN(from) || Number.isNaN(to)) throw new TypeError(`invalid span ${span.from} .. ${span.to}`);
  return { from, to };
}

export function toSpan(s: MsSpan): Span {
  return { from: new Date(s.from).toISOString(), to: new Date(s.to).toISOString() };
}

/** Sorts and merges overlapping and adjacent spans; empty spans vanish. */
export function mergeMs(spans: readonly MsSpan[]): MsSpan[] {
  const sorted = spans.filter((s) => s.to > s.from).sort((a, b) => a.from - b.from || a.to - b.to);
  const out: MsSpan[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.from <= last.to) {
      if (s.to > last.to) last.to = s.to;
    } else {
      out.push({ from: s.from, to: s.to });
    }
  }
  return out;
}

export function mergeSpans(spans: readonly Span[]): Span[] {
  return mergeMs(spans.map(toMs)).map(toSpan);
}

/** The parts of `within` covered by the (merged) spans. */
export function clipSpans(spans: readonly Span[], within: Span): Span[] {
  const w = toMs(within);
  const out: MsSpan[] = [];
  for (const s of mergeMs(spans.map(toMs))) {
    const from = Math.max(s.from, w.from);
    const to = Math.min(s.to, w.to);
    if (to > from) out.push({ from, to });
  }
  return out.map(toSpan);
}

/** The parts of `within` not covered by the spans. */
export function gapSpans(spans: readonly Span[], within: Span): Span[] {
  const w = toMs(within);
  const out: MsSpan[] = [];
  let cursor = w.from;
  for (const s of mergeMs(spans.map(toMs))) {
    if (s.to <= cursor) continue;
    if (s.from >= w.to) break;
    if (s.from > cursor) out.push({ from: cursor, to: Math.min(s.from, w.to) });
    cursor = Math.max(cursor, s.to);
    if (cursor >= w.to) break;
  }
  if (cursor < w.to) out.push({ from: cursor, to: w.to });
  return out.map(toSpan);
}

/** True when the spans cover some non-empty part of `within`. */
export function touches(spans: readonly Span[], within: Span): boolean {
  return clipSpans(spans, within).length > 0;
}
