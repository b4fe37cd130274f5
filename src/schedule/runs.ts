/** `ampaudit runs`: the recorded runs as a plain-text table, newest first. */
import { TZDate, tzOffset } from '@date-fns/tz';
import type { EvidenceStore, RunKind, RunRecord } from '../store/types.js';
import { isSkip } from './types.js';

export interface RunsTableOptions {
  /** Start times are shown in this zone (the config's `timezone`). */
  readonly timeZone: string;
  /** For the duration of a run still going (omitted: shown as `-`). */
  readonly now?: Date;
  /** Longest error/summary cell (default 100 characters). */
  readonly width?: number;
}

const HEADER = ['ID', 'KIND', 'STARTED', 'DURATION', 'OUTCOME', 'ERROR / SUMMARY'];

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** `2026-03-29 03:00:05 +02:00` in `tz`. */
export function formatLocalTime(iso: string, tz: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const d = new TZDate(t, tz);
  const off = tzOffset(tz, new Date(t));
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  return (
    `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ` +
    `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} ${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`
  );
}

/** `0.4 s`, `3 min 05 s`, `2 h 07 min`. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
  const totalS = Math.round(ms / 1000);
  if (totalS < 3600) return `${Math.floor(totalS / 60)} min ${pad2(totalS % 60)} s`;
  const totalMin = Math.floor(totalS / 60);
  return `${Math.floor(totalMin / 60)} h ${pad2(totalMin % 60)} min`;
}

function oneLine(s: string, width: number): string {
  // Error texts come from servers and files: no control characters into the terminal.
  const flat = s.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return [...flat].length > width ? `${[...flat].slice(0, width - 1).join('')}…` : flat;
}

function describe(r: RunRecord): string {
  const summary = r.summary as Record<string, unknown> | undefined;
  if (isSkip(r)) return `skipped: ${String(summary?.skipped)}`;
  if (r.error) return r.error;
  if (summary === undefined || summary === null) return '';
  if (typeof summary === 'object' && typeof summary.text === 'string') return summary.text;
  return JSON.stringify(summary);
}

export function formatRuns(runs: readonly RunRecord[], o: RunsTableOptions): string {
  if (runs.length === 0) return 'no runs recorded yet';
  const width = o.width ?? 100;
  const rows = runs.map((r) => {
    const end = r.finishedAt ? Date.parse(r.finishedAt) : o.now?.getTime();
    const duration = end === undefined ? '-' : formatDuration(end - Date.parse(r.startedAt));
    return [String(r.id), r.kind, formatLocalTime(r.startedAt, o.timeZone), duration, isSkip(r) ? 'skipped' : r.outcome, oneLine(describe(r), width)];
  });
  const all = [HEADER, ...rows];
  const widths = HEADER.map((_, i) => Math.max(...all.map((row) => [...(row[i] ?? '')].length)));
  return all.map((row) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n');
}

/** The latest `limit` runs (default 20), optionally of one kind, as the table. */
export function runsText(store: EvidenceStore, o: RunsTableOptions & { readonly limit?: number; readonly kind?: RunKind }): string {
  return formatRuns(store.listRuns({ limit: o.limit ?? 20, ...(o.kind ? { kind: o.kind } : {}) }), o);
}
