/** API key inventory: refs and fingerprints only (never a key id that could be a secret), ages, rotation state. */
import { severityRank } from '../../../domain/common.js';
import type { Finding } from '../../../domain/findings.js';
import type { ApiKey } from '../../../domain/model.js';
import type { Instant } from '../../../domain/common.js';
import { calendarDaysBetween } from '../../../period.js';
import { clean, localDate, num, plural } from '../format.js';
import { CAPS, moreNote } from '../model.js';
import { table, type Cell } from '../table.js';
import { COLOR, SIZE } from '../theme.js';
import type { SectionContext } from './context.js';

const KEY_RULES: Record<string, string> = {
  'key-rotation-overdue': 'rotation',
  'key-unused': 'unused',
  'key-orphaned': 'orphaned',
};

function rotationCell(findings: readonly Finding[]): Cell {
  const f = findings.find((x) => x.ruleId === 'key-rotation-overdue');
  if (!f) return { text: 'ok', color: COLOR.muted };
  const due = f.evidence.find((e) => /due/i.test(e.label));
  const when = due ? clean(due.value) : undefined;
  const soon = f.severity === 'info';
  const text = soon ? 'due soon' : 'overdue';
  return { text: f.status === 'excepted' ? `${text} (excepted)` : text, bold: !soon && f.status === 'open', sub: when ? `due ${when}` : undefined };
}

/**
 * Calendar days from the key's last rotation (or creation) to the local date of the evaluation
 * time, as key-rotation-overdue and api-keys.csv count them; undefined when the inventory gives neither date.
 */
export function keyAgeDays(k: Pick<ApiKey, 'rotatedOn' | 'createdOn'>, at: Instant, tz: string): number | undefined {
  return calendarDaysBetween(k.rotatedOn ?? k.createdOn, localDate(at, tz));
}

export function renderKeys(ctx: SectionContext): void {
  const { w, data } = ctx;
  const s = data.snapshot;
  w.section('API key inventory', { newPage: 'if-short' });
  if (!s.keys) {
    w.paragraph('No API key inventory was configured. Amplitude has no key-listing API, so key rotation, use and ownership could not be checked.');
    return;
  }
  const keys = s.keys;
  const byKey = new Map<string, Finding[]>();
  const refOf = new Map<string, string>();
  for (const k of keys) {
    refOf.set(k.ref, k.ref);
    refOf.set(k.id, k.ref);
  }
  for (const f of data.findings) {
    if (f.subject.kind !== 'key' || !(f.ruleId in KEY_RULES)) continue;
    const ref = refOf.get(f.subject.id) ?? refOf.get(f.subject.label);
    if (!ref) continue;
    const list = byKey.get(ref) ?? [];
    list.push(f);
    byKey.set(ref, list);
  }
  const age = (k: ApiKey): number | undefined => keyAgeDays(k, s.at, ctx.tz);
  const worst = (k: ApiKey): number => {
    const fs = (byKey.get(k.ref) ?? []).filter((f) => f.status === 'open');
    return fs.length === 0 ? 9 : Math.min(...fs.map((f) => severityRank(f.severity)));
  };
  const sorted = [...keys].sort((a, b) => worst(a) - worst(b) || (age(b) ?? -1) - (age(a) ?? -1) || a.ref.localeCompare(b.ref));
  const withIssues = keys.filter((k) => (byKey.get(k.ref) ?? []).some((f) => f.status === 'open')).length;
  w.paragraph(
    `${plural(keys.length, 'key')} in the inventory, ${num(withIssues)} with an open finding. Keys are shown by reference: an id that looks like a secret is replaced by key-<first 12 hex of its sha256>; key values are never read or stored. Age counts from the last rotation (or creation when never rotated) to the evaluation time.`,
    { size: SIZE.small + 0.5, color: COLOR.muted, gapAfter: 8 },
  );
  const shown = sorted.slice(0, CAPS.keys);
  table(
    w,
    [
      { header: 'Key', width: 21 },
      { header: 'Type, project', width: 14 },
      { header: 'Owner', width: 20 },
      { header: 'Age', width: 11 },
      { header: 'Last used', width: 11 },
      { header: 'Rotation', width: 12 },
      { header: 'Other', width: 11 },
    ],
    shown.map((k) => {
      const fs = byKey.get(k.ref) ?? [];
      const a = age(k);
      const others = fs.filter((f) => f.ruleId !== 'key-rotation-overdue').map((f) => KEY_RULES[f.ruleId] ?? f.ruleId);
      return [
        { text: k.ref, mono: true, sub: clean(k.label) },
        { text: k.type, sub: k.projectId ? `project ${clean(k.projectId)}` : 'organization' },
        clean(k.owner ?? 'no owner'),
        { text: a === undefined ? 'unknown' : `${num(a)} days`, sub: k.rotatedOn ? `rotated ${k.rotatedOn}` : k.createdOn ? `created ${k.createdOn}` : undefined },
        clean(k.lastUsedOn ?? 'unknown'),
        rotationCell(fs),
        others.length > 0 ? { text: others.join(', '), bold: true } : '—',
      ];
    }),
    { empty: 'The inventory lists no keys.' },
  );
  const more = moreNote(shown.length, keys.length, 'api-keys.csv');
  if (more) w.note(more);
}
