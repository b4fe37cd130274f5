/**
 * Text for `ampaudit rules list` and `ampaudit rules explain <id>`, and the option descriptions
 * the README table uses. Pure: returns strings, the CLI prints them.
 */
import { z } from 'zod';
import type { Severity } from '../domain/common.js';
import { ruleTitle } from '../engine/evaluate.js';
import { controlsFor } from './controls.js';
import type { AnyRule } from './types.js';

export interface OptionDoc {
  readonly name: string;
  /** `integer`, `number`, `boolean`, `string`, `one of a | b`, `map of number`, ... */
  readonly type: string;
  /** JSON text of the default, or undefined when the option has none. */
  readonly default?: string;
  readonly description?: string;
  /** e.g. `at least 1`. */
  readonly range?: string;
}

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
};

function typeOf(s: JsonSchema): string {
  if (s.enum) return `one of ${s.enum.map((v) => String(v)).join(' | ')}`;
  if (s.anyOf) return s.anyOf.map(typeOf).join(' or ');
  const t = Array.isArray(s.type) ? s.type.join(' or ') : (s.type ?? 'any');
  if (t === 'array' && s.items) return `list of ${typeOf(s.items)}`;
  if (t === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object') return `map of ${typeOf(s.additionalProperties)}`;
  return t;
}

function rangeOf(s: JsonSchema): string | undefined {
  const max = s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER ? s.maximum : undefined;
  if (s.minimum !== undefined && max !== undefined) return `${s.minimum} to ${max}`;
  if (s.minimum !== undefined) return `at least ${s.minimum}`;
  if (max !== undefined) return `at most ${max}`;
  return undefined;
}

/** The rule's options with type, default and description, from its zod schema. */
export function optionDocs(rule: AnyRule): OptionDoc[] {
  const schema = z.toJSONSchema(rule.meta.options, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const defaults = rule.meta.options.parse({}) as Record<string, unknown>;
  return Object.entries(schema.properties ?? {}).map(([name, s]) => {
    const doc: { -readonly [K in keyof OptionDoc]: OptionDoc[K] } = { name, type: typeOf(s) };
    const d = name in defaults ? defaults[name] : s.default;
    if (d !== undefined) doc.default = JSON.stringify(d);
    if (s.description) doc.description = s.description;
    const range = rangeOf(s);
    if (range) doc.range = range;
    return doc;
  });
}

/** `days: 60` style summary of the default options (`—` when the rule has none). */
export function defaultOptionsText(rule: AnyRule): string {
  const docs = optionDocs(rule);
  if (docs.length === 0) return '—';
  return docs.map((o) => `${o.name}: ${o.default ?? '(none)'}`).join(', ');
}

export interface RuleState {
  readonly enabled: boolean;
  readonly severity: Severity;
  /** The policy's options: the title's thresholds follow them. */
  readonly options?: unknown;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/**
 * The catalogue as a plain-text table: id, severity, title. With `state` (from the resolved
 * policy) the severity is the configured one and disabled rules are marked.
 */
export function rulesListText(rules: readonly AnyRule[], state?: Readonly<Record<string, RuleState>>): string {
  const rows = rules.map((r) => {
    const s = state?.[r.meta.id];
    const severity = s?.severity ?? r.meta.severity;
    const title = s && !s.enabled ? `${ruleTitle(r, s.options)} (disabled)` : ruleTitle(r, s?.options);
    return [r.meta.id, severity, title] as const;
  });
  const w0 = Math.max(2, ...rows.map((r) => r[0].length));
  const w1 = Math.max(8, ...rows.map((r) => r[1].length));
  const lines = [`${pad('ID', w0)}  ${pad('SEVERITY', w1)}  TITLE`];
  for (const [id, sev, title] of rows) lines.push(`${pad(id, w0)}  ${pad(sev, w1)}  ${title}`);
  lines.push('', `${rules.length} rules. Details: ampaudit rules explain <id>`);
  return `${lines.join('\n')}\n`;
}

/** Wraps a paragraph at `width` columns; the first line starts with `first`, the others with `indent`. */
export function wrap(text: string, width = 88, indent = '  ', first = indent): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  const prefix = (): string => (lines.length === 0 ? first : indent);
  for (const w of words) {
    if (line.length > 0 && prefix().length + line.length + 1 + w.length > width) {
      lines.push(prefix() + line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(prefix() + line);
  return lines.join('\n');
}

/** Everything `rules explain <id>` shows: title, severity, description, risk, options, remediation, controls. */
export function ruleExplainText(rule: AnyRule, state?: RuleState): string {
  const m = rule.meta;
  const out: string[] = [];
  out.push(`${m.id} — ${ruleTitle(rule, state?.options)}`);
  const sev = state && state.severity !== m.severity ? `${state.severity} (configured; default ${m.severity})` : m.severity;
  out.push(`Severity: ${sev}${state && !state.enabled ? '   Status: disabled in the policy' : ''}`);
  out.push('', 'What it checks:', wrap(m.description));
  out.push('', 'Why it matters:', wrap(m.risk));
  out.push('', `Options (policy.${m.id} in the config file):`);
  const opts = optionDocs(rule);
  if (opts.length === 0) out.push('  none (enabled and severity only)');
  for (const o of opts) {
    const details = [o.type, o.range, o.default !== undefined ? `default ${o.default}` : undefined].filter(Boolean).join(', ');
    out.push(`  ${o.name} (${details})`);
    if (o.description) out.push(wrap(o.description, 88, '      '));
  }
  out.push('', 'How to fix a finding:');
  m.remediation.forEach((step, i) => out.push(wrap(step, 88, '     ', `  ${i + 1}. `)));
  out.push('', 'Controls evidenced:');
  const controls = controlsFor(m.id);
  if (controls.length === 0) out.push('  none mapped');
  for (const c of controls) out.push(`  ${c.framework} ${c.id} — ${c.title}`);
  out.push('', `Needs: ${m.needs.join('; ')}`);
  return `${out.join('\n')}\n`;
}
