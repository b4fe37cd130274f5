/** Small printing helpers for commands (plain text; tables padded for a terminal). */
import type { CliContext } from './context.js';

export function println(ctx: CliContext, line = ''): void {
  ctx.stdout.write(`${line}\n`);
}

export function eprintln(ctx: CliContext, line = ''): void {
  ctx.stderr.write(`${line}\n`);
}

/** Pads columns to their widest cell. */
export function table(rows: readonly (readonly string[])[], indent = ''): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, [...c].length)));
  return rows
    .map((r) => indent + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd())
    .join('\n');
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function days(fromIso: string, toIso: string): string {
  return `${((new Date(toIso).getTime() - new Date(fromIso).getTime()) / 86_400_000).toFixed(1)} days`;
}
