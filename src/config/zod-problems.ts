/**
 * Turns zod issues into plain sentences that say what is expected, e.g.
 * `expected a whole number of days ≥ 1, got "sixty"`. Zod's own messages are written for
 * developers; these are for the person editing the file.
 */
import type { z } from 'zod';
import { showValue } from './secret-like.js';
import { didYouMean, listWords } from './suggest.js';
import { formatKeyPath, type KeyPath } from './yaml-source.js';

export interface Problem {
  readonly path: KeyPath;
  readonly problem: string;
  readonly hint?: string;
  /** Point at the key (unknown keys) or at the value. */
  readonly target: 'key' | 'value';
}

// Zod 4 keeps a schema's structure in `_zod.def`; we only read it to describe what is expected.
interface Def {
  readonly type: string;
  readonly innerType?: SchemaLike;
  readonly in?: SchemaLike;
  readonly out?: SchemaLike;
  readonly shape?: Record<string, SchemaLike>;
  readonly catchall?: SchemaLike;
  readonly element?: SchemaLike;
  readonly valueType?: SchemaLike;
  readonly options?: readonly SchemaLike[];
  readonly entries?: Record<string, string | number>;
  readonly values?: readonly unknown[];
  readonly checks?: readonly { readonly _zod: { readonly def: CheckDef } }[];
  readonly format?: string;
  readonly getter?: () => SchemaLike;
}
interface CheckDef {
  readonly check: string;
  readonly value?: number;
  readonly inclusive?: boolean;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly format?: string;
  readonly pattern?: RegExp;
}
interface SchemaLike {
  readonly _zod: { readonly def: Def };
  readonly description?: string;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional', 'success']);

/** Strips optional/default/… wrappers and transforms, leaving the schema that checks the value. */
export function unwrapSchema(schema: unknown): SchemaLike | undefined {
  let s = schema as SchemaLike | undefined;
  for (let i = 0; i < 20 && s?._zod?.def; i++) {
    const def = s._zod.def;
    if (WRAPPERS.has(def.type) && def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in._zod.def.type === 'transform' ? def.out : def.in;
    else if (def.type === 'lazy' && def.getter) s = def.getter();
    else return s;
  }
  return s;
}

function descriptionOf(schema: unknown): string | undefined {
  let s = schema as SchemaLike | undefined;
  for (let i = 0; i < 20 && s?._zod?.def; i++) {
    if (s.description) return s.description;
    const def = s._zod.def;
    s = WRAPPERS.has(def.type) ? def.innerType : def.type === 'pipe' ? def.in : undefined;
  }
  return undefined;
}

/** The sub-schema at `path` (unwrapped), or undefined when the schema has no such place. */
export function schemaAt(root: unknown, path: KeyPath): SchemaLike | undefined {
  return unwrapSchema(wrappedSchemaAt(root, path));
}

/** The sub-schema at `path` as declared (with its optional/default wrappers and description). */
function wrappedSchemaAt(root: unknown, path: KeyPath): SchemaLike | undefined {
  if (path.length === 0) return root as SchemaLike | undefined;
  let s = unwrapSchema(root);
  let declared: SchemaLike | undefined;
  for (const seg of path) {
    if (!s) return undefined;
    const def = s._zod.def;
    let next: SchemaLike | undefined;
    if (def.type === 'object') next = def.shape?.[String(seg)] ?? def.catchall;
    else if (def.type === 'array') next = def.element;
    else if (def.type === 'record') next = def.valueType;
    else if (def.type === 'union') {
      for (const o of def.options ?? []) {
        next = wrappedSchemaAt(o, [seg]);
        if (next) break;
      }
    }
    declared = next;
    s = unwrapSchema(next);
  }
  return declared;
}

/** Keys an object schema allows (for "did you mean"). */
export function objectKeys(schema: unknown): string[] {
  const s = unwrapSchema(schema);
  if (!s) return [];
  const def = s._zod.def;
  if (def.type === 'object') return Object.keys(def.shape ?? {});
  if (def.type === 'union') return [...new Set((def.options ?? []).flatMap((o) => objectKeys(o)))];
  return [];
}

export function isObjectSchema(schema: unknown): boolean {
  return unwrapSchema(schema)?._zod.def.type === 'object';
}

/** Whether unknown keys pass through (loose/catchall objects) rather than being stripped or refused. */
export function allowsUnknownKeys(schema: unknown): boolean {
  const def = unwrapSchema(schema)?._zod.def;
  if (def?.type !== 'object') return true;
  const catchType = def.catchall?._zod.def.type;
  return catchType !== undefined && catchType !== 'never';
}

function unitOf(key: string | undefined): string {
  if (!key) return '';
  const m = /(days|hours|minutes|seconds|ms)$/i.exec(key);
  if (!m) return '';
  const unit = m[1]!.toLowerCase();
  return ` of ${unit === 'ms' ? 'milliseconds' : unit}`;
}

function bounds(checks: Def['checks'], integer: boolean): { min?: number; max?: number; minText?: string; maxText?: string } {
  let min: number | undefined;
  let max: number | undefined;
  let minText: string | undefined;
  let maxText: string | undefined;
  for (const c of checks ?? []) {
    const d = c._zod.def;
    if (d.check === 'greater_than' && d.value !== undefined) {
      min = d.inclusive || !integer ? d.value : d.value + 1;
      minText = d.inclusive || integer ? `≥ ${min}` : `> ${d.value}`;
    } else if (d.check === 'less_than' && d.value !== undefined) {
      max = d.inclusive || !integer ? d.value : d.value - 1;
      maxText = d.inclusive || integer ? `≤ ${max}` : `< ${d.value}`;
    }
  }
  return { min, max, minText, maxText };
}

function hasCheck(checks: Def['checks'], check: string, format?: string): CheckDef | undefined {
  for (const c of checks ?? []) {
    const d = c._zod.def;
    if (d.check === check && (format === undefined || d.format === format)) return d;
  }
  return undefined;
}

function describeNumber(def: Def, key: string | undefined): string {
  const integer = def.format === 'safeint' || def.format === 'int32' || hasCheck(def.checks, 'number_format') !== undefined;
  const b = bounds(def.checks, integer);
  const what = `${integer ? 'a whole number' : 'a number'}${unitOf(key)}`;
  if (b.min !== undefined && b.max !== undefined && b.minText?.startsWith('≥') && b.maxText?.startsWith('≤')) {
    return `${what} from ${b.min} to ${b.max}`;
  }
  return [what, b.minText, b.maxText].filter(Boolean).join(' ');
}

function describeString(def: Def): string {
  const fmt = def.format ?? hasCheck(def.checks, 'string_format')?.format;
  if (fmt === 'url') return 'a URL such as https://example.com';
  if (fmt === 'email') return 'an email address';
  if (fmt === 'regex') {
    const re = hasCheck(def.checks, 'string_format', 'regex')?.pattern;
    if (re && re.source === '^\\d+$') return 'a string of digits';
    if (re && re.source === '^\\d{4}-\\d{2}-\\d{2}$') return 'a date YYYY-MM-DD';
    return re ? `text matching /${re.source}/` : 'text in the right format';
  }
  const minLen = hasCheck(def.checks, 'min_length')?.minimum;
  return minLen !== undefined && minLen > 1 ? `text of at least ${minLen} characters` : 'text';
}

/** What a value at this place must be, in words. */
export function describeExpected(schema: unknown, key?: string): string {
  const s = unwrapSchema(schema);
  if (!s) return 'a valid value';
  const def = s._zod.def;
  switch (def.type) {
    case 'number':
    case 'int':
      return describeNumber(def, key);
    case 'string':
      return describeString(def);
    case 'boolean':
      return 'true or false';
    case 'enum': {
      const values = Object.values(def.entries ?? {}).map(String);
      return values.length === 1 ? `\`${values[0]}\`` : `one of ${listWords(values)}`;
    }
    case 'literal':
      return listWords((def.values ?? []).map((v) => `\`${String(v)}\``));
    case 'array': {
      const minItems = hasCheck(def.checks, 'min_length')?.minimum;
      const each = describeExpected(def.element);
      return `a list${minItems ? ` of at least ${minItems} item${minItems === 1 ? '' : 's'}` : ''} (each ${each})`;
    }
    case 'object': {
      const keys = Object.keys(def.shape ?? {});
      return keys.length > 0 && keys.length <= 6 ? `a mapping with keys ${listWords(keys)}` : 'a mapping';
    }
    case 'record':
      return 'a mapping';
    case 'union': {
      const parts = (def.options ?? []).map((o) => describeExpected(o, key));
      if (parts.some((p) => p.startsWith('a whole number')) && parts.includes('a string of digits')) return 'a numeric id';
      return [...new Set(parts)].join(' or ');
    }
    default:
      return 'a valid value';
  }
}

/** The value at `path` in the raw input (undefined when absent). */
export function valueAt(input: unknown, path: KeyPath): unknown {
  let v = input;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

/** How a received value is shown: `"sixty"`, `0`, `a list of 2 items`; never a secret. */
export function describeGot(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return value === '' ? 'an empty string' : showValue(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (value instanceof Date) return showValue(value.toISOString());
  return 'a mapping';
}

/** Our own schemas phrase custom messages as "expected …"; zod's defaults are not shown to users. */
function customExpectation(issue: z.core.$ZodIssue): string | undefined {
  if (issue.message.startsWith('expected ')) return issue.message.slice('expected '.length);
  if (issue.code === 'invalid_union') {
    for (const branch of issue.errors) {
      for (const sub of branch) if (sub.message.startsWith('expected ')) return sub.message.slice('expected '.length);
    }
  }
  return undefined;
}

function scopeName(path: KeyPath): string {
  return path.length === 0 ? 'at the top level' : `in \`${formatKeyPath(path)}\``;
}

/**
 * Problems for a list of zod issues. `context` is prefixed to paths (e.g. `['policy',
 * 'dormant-account']` when validating one rule's options). Unknown keys get "did you mean".
 */
export function problemsFromIssues(
  issues: readonly z.core.$ZodIssue[],
  schema: unknown,
  input: unknown,
  context: KeyPath = [],
): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const allowed = objectKeys(schemaAt(schema, path));
      for (const key of issue.keys) {
        const guess = didYouMean(key, allowed);
        out.push({
          path: [...context, ...path, key],
          problem: `unknown key \`${key}\` ${scopeName([...context, ...path])}${guess ? `; did you mean \`${guess}\`?` : ''}`,
          hint: allowed.length > 0 ? `allowed keys: ${listWords(allowed)}` : 'remove it',
          target: 'key',
        });
      }
      continue;
    }
    const at = schemaAt(schema, path);
    const key = path.length > 0 ? String(path[path.length - 1]) : undefined;
    const got = valueAt(input, path);
    const expected = customExpectation(issue) ?? describeExpected(at, key);
    const description = descriptionOf(wrappedSchemaAt(schema, path));
    const hint = description && !description.startsWith('expected ') ? description : undefined;
    if (got === undefined && issue.code === 'invalid_type') {
      out.push({
        path: [...context, ...path],
        problem: `required key \`${key ?? ''}\` is missing; expected ${expected}`,
        ...(hint ? { hint } : { hint: `add \`${key ?? ''}:\` ${scopeName([...context, ...path.slice(0, -1)])}` }),
        target: 'value',
      });
      continue;
    }
    out.push({ path: [...context, ...path], problem: `expected ${expected}, got ${describeGot(got)}`, ...(hint ? { hint } : {}), target: 'value' });
  }
  return out;
}

/**
 * Keys of `input` that an object schema does not declare, at any depth. A plain `z.object`
 * strips them silently, so a misspelt option would fall back to its default unnoticed.
 */
export function undeclaredKeys(schema: unknown, input: unknown, path: KeyPath = []): { path: KeyPath; allowed: string[] }[] {
  const s = unwrapSchema(schema);
  if (!s || input === null || typeof input !== 'object') return [];
  const def = s._zod.def;
  const out: { path: KeyPath; allowed: string[] }[] = [];
  if (def.type === 'object' && !Array.isArray(input)) {
    const shape = def.shape ?? {};
    const allowed = Object.keys(shape);
    for (const [k, v] of Object.entries(input)) {
      if (k in shape) out.push(...undeclaredKeys(shape[k], v, [...path, k]));
      else if (!allowsUnknownKeys(s)) out.push({ path: [...path, k], allowed });
    }
  } else if (def.type === 'array' && Array.isArray(input)) {
    input.forEach((v, i) => out.push(...undeclaredKeys(def.element, v, [...path, i])));
  } else if (def.type === 'record' && !Array.isArray(input)) {
    for (const [k, v] of Object.entries(input)) out.push(...undeclaredKeys(def.valueType, v, [...path, k]));
  }
  return out;
}
