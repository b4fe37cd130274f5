/**
 * `manifest.json`: what a pack contains and what it was made from, in canonical JSON so its
 * sha256 is reproducible. Packs are chained: each manifest holds the sha256 of the previous
 * pack's manifest, so altering or swapping an archived pack breaks the chain after it. With a
 * signing key, `manifest.sig` holds an Ed25519 signature over the exact manifest bytes.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { SEVERITIES, type Severity } from '../domain/common.js';
import type { FindingStatus } from '../domain/findings.js';
import type { Organization } from '../domain/model.js';
import type { SourceStatus } from '../domain/snapshot.js';
import { sha256Hex, writeAll, writeAtomicallySync } from '../fsutil.js';
import { signBytes, type SigningKey } from './signing.js';
import type { ReviewData } from './types.js';

export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.sig';
export const MANIFEST_SCHEMA_VERSION = 1;

// ---------------------------------------------------------------------------------------------
// Canonical JSON

/**
 * Canonical JSON: object keys sorted by code point at every level, two-space indentation, LF line
 * ends, one final newline, `undefined` object members dropped. The same value always gives the
 * same bytes, so the manifest hash can be recomputed by anyone (`jq -S . manifest.json` shows the
 * same order).
 */
export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

/** Thrown by `sortKeysFast` on anything canonical JSON refuses; `sortKeys` then names the place. */
const REFUSED = new Error('refused');

/**
 * `value` with object keys sorted at every level. Done without tracking where it is (a path
 * string per value is most of the cost on a large value); only when something is refused is it
 * done again with the path, for the message.
 */
function sortKeys(value: unknown): unknown {
  try {
    return sortKeysFast(value);
  } catch (err) {
    if (err !== REFUSED) throw err;
    return sortKeysAt(value, '$');
  }
}

function sortKeysFast(v: unknown): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw REFUSED;
    return v;
  }
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (x === undefined) throw REFUSED;
      out[i] = sortKeysFast(x);
    }
    return out;
  }
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeysFast(x);
    }
    return out;
  }
  throw REFUSED;
}

function sortKeysAt(v: unknown, at: string): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`bug: non-finite number at ${at} in canonical JSON`);
    return v;
  }
  if (Array.isArray(v)) {
    return v.map((x, i) => {
      if (x === undefined) throw new TypeError(`bug: undefined at ${at}[${i}] in canonical JSON`);
      return sortKeysAt(x, `${at}[${i}]`);
    });
  }
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeysAt(x, `${at}.${k}`);
    }
    return out;
  }
  throw new TypeError(`bug: ${typeof v} at ${at} cannot be written as JSON`);
}

/**
 * The text of `canonicalJson(value)` in pieces: the top two levels are written piece by piece
 * (for findings.json: each finding on its own), so a large value is never one string, nor one
 * sorted copy. Joined, the pieces are exactly `canonicalJson(value)`.
 */
export function* canonicalJsonPieces(value: unknown): Generator<string> {
  // A refused value (non-finite number, undefined in an array, a function) fails before
  // anything is yielded, with the same message as canonicalJson.
  try {
    checkPlain(value);
  } catch (err) {
    if (err !== REFUSED) throw err;
    sortKeysAt(value, '$');
  }
  if (value === null || typeof value !== 'object') {
    yield canonicalJson(value);
    return;
  }
  yield* piecesOf(value, '', 2);
  yield '\n';
}

/** Throws REFUSED where sortKeys would refuse; copies nothing. */
function checkPlain(v: unknown): void {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw REFUSED;
    return;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (x === undefined) throw REFUSED;
      checkPlain(x);
    }
    return;
  }
  if (typeof v === 'object') {
    for (const k of Object.keys(v)) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) checkPlain(x);
    }
    return;
  }
  throw REFUSED;
}

/** `value` (an object or array, checked) at `indent`, its top `levels` levels piece by piece. */
function* piecesOf(v: object, indent: string, levels: number): Generator<string> {
  const inner = `${indent}  `;
  const child = function* (x: unknown): Generator<string> {
    if (levels > 1 && x !== null && typeof x === 'object') yield* piecesOf(x, inner, levels - 1);
    // JSON.stringify never writes a raw line break inside a string: lines can be re-indented.
    else yield JSON.stringify(sortKeys(x), null, 2).replace(/\n/g, `\n${inner}`);
  };
  if (Array.isArray(v)) {
    if (v.length === 0) {
      yield '[]';
      return;
    }
    yield '[\n';
    for (let i = 0; i < v.length; i++) {
      yield `${i === 0 ? '' : ',\n'}${inner}`;
      yield* child(v[i]);
    }
    yield `\n${indent}]`;
    return;
  }
  const keys = Object.keys(v)
    .sort()
    .filter((k) => (v as Record<string, unknown>)[k] !== undefined);
  if (keys.length === 0) {
    yield '{}';
    return;
  }
  yield '{\n';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    yield `${i === 0 ? '' : ',\n'}${inner}${JSON.stringify(k)}: `;
    yield* child((v as Record<string, unknown>)[k]);
  }
  yield `\n${indent}}`;
}

/**
 * Writes `canonicalJson(value)` (plus `suffix`) to `path` atomically (temporary file, fsync,
 * rename), piece by piece: a findings.json of tens of MB never sits in memory as one string.
 */
export function writeCanonicalJsonFile(path: string, value: unknown, suffix = ''): void {
  const pieces = canonicalJsonPieces(value);
  // The first piece comes after the whole value was checked: a refused value leaves no file.
  const first = pieces.next();
  writeAtomicallySync(path, (fd) => {
    let text = first.done ? '' : first.value;
    const flush = (): void => {
      writeAll(fd, Buffer.from(text, 'utf8'));
      text = '';
    };
    for (const piece of pieces) {
      text += piece;
      if (text.length >= 1 << 16) flush();
    }
    text += suffix;
    flush();
  });
}

// ---------------------------------------------------------------------------------------------
// Schema

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 in lower-case hex');
/** A pack file name: a plain name in the pack folder (no path, nothing hidden). */
export const packFileName = z.string().regex(/^[^/\\.][^/\\]*$/, 'expected a plain file name');
const spanSchema = z.object({ from: z.string(), to: z.string() });
const severityCounts = z.object({ high: z.number().int(), medium: z.number().int(), low: z.number().int(), info: z.number().int() });

export const fileEntrySchema = z.object({ sha256: hex64, bytes: z.number().int().min(0) });

export const inputEntrySchema = z.object({
  /** config | register | api-keys | exceptions | members-export | ... */
  kind: z.string().min(1),
  /** Relative to the config file's folder (forward slashes). */
  path: z.string().min(1),
  /** sha256 of the bytes the review used. */
  sha256: hex64,
  /** Size of those bytes; null when only the hash was recorded at collect time and the file has changed since. */
  bytes: z.number().int().min(0).nullable(),
});

export const coverageSchema = z.object({
  period: spanSchema,
  /** Spans the evidence store holds the complete audit log for. */
  auditLog: z.array(spanSchema),
  periodCovered: z.array(spanSchema),
  periodGaps: z.array(spanSchema),
  continuousSince: z.string().nullable(),
  /** Audit events in the period (rows of activity-log.csv); null when the audit log is not collected. */
  events: z.number().int().nullable(),
  sources: z.array(
    z.object({
      source: z.string(),
      configured: z.boolean(),
      ok: z.boolean(),
      pulledAt: z.string().nullable(),
      count: z.number().nullable(),
      error: z.string().nullable(),
    }),
  ),
  dataQuality: z.array(z.string()),
});

export const countsSchema = z.object({
  findings: z.number().int(),
  /** All current findings by severity. */
  bySeverity: severityCounts,
  /** Open findings by severity (the trend and the mail subject use these). */
  openBySeverity: severityCounts,
  byStatus: z.object({ open: z.number().int(), excepted: z.number().int(), unknown: z.number().int() }),
  changes: z.object({ new: z.number().int(), persisting: z.number().int(), resolved: z.number().int() }),
});

export const previousSchema = z.object({
  /** The previous pack's folder name, a sibling in the same org folder (e.g. `2026-Q2`). */
  dir: z.string().regex(/^[^/\\.][^/\\]*$/),
  manifestSha256: hex64,
});

export const signingInfoSchema = z.object({
  algorithm: z.literal('Ed25519'),
  publicKeyFingerprint: hex64,
  publicKeyPem: z.string().includes('BEGIN PUBLIC KEY'),
});

export const manifestSchema = z.looseObject({
  schemaVersion: z.literal(MANIFEST_SCHEMA_VERSION),
  tool: z.object({ name: z.string(), version: z.string() }),
  org: z.object({ id: z.string(), name: z.string() }),
  period: z.string(),
  revision: z.number().int().min(1),
  /** The pack's folder name: `period`, or `period-rN` for revision N ≥ 2. */
  dir: z.string(),
  generatedAt: z.string(),
  timezone: z.string(),
  /** Every file of the pack except manifest.json and manifest.sig, by name. */
  files: z.record(packFileName, fileEntrySchema),
  inputs: z.array(inputEntrySchema),
  coverage: coverageSchema,
  counts: countsSchema,
  previous: previousSchema.nullable(),
  signing: signingInfoSchema.nullable(),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type FileEntry = z.infer<typeof fileEntrySchema>;
export type InputEntry = z.infer<typeof inputEntrySchema>;
export type ManifestCoverage = z.infer<typeof coverageSchema>;
export type ManifestCounts = z.infer<typeof countsSchema>;
export type PreviousLink = z.infer<typeof previousSchema>;

/** `manifest.sig`: canonical JSON as well. `manifestSha256` lets verify tell which of the two files was altered. */
export const signatureFileSchema = z.strictObject({
  algorithm: z.literal('Ed25519'),
  manifestSha256: hex64,
  publicKeyFingerprint: hex64,
  /** base64 of the 64-byte Ed25519 signature over the exact bytes of manifest.json. */
  signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'expected base64 of 64 bytes'),
});
export type SignatureFile = z.infer<typeof signatureFileSchema>;

// ---------------------------------------------------------------------------------------------
// Building

/** What the review pipeline knows that goes into the manifest (everything but the pack's own files and place). */
export interface ManifestInputs {
  readonly toolVersion: string;
  readonly timezone: string;
  /** Defaults to the clock given to writePack. Pass the ReviewData's, so the PDF and the manifest agree. */
  readonly generatedAt?: string;
  readonly inputs: readonly InputEntry[];
  readonly coverage: ManifestCoverage;
  readonly counts: ManifestCounts;
}

export interface BuildManifestArgs {
  readonly org: Organization;
  readonly period: string;
  readonly revision: number;
  readonly dir: string;
  readonly generatedAt: string;
  readonly files: Readonly<Record<string, FileEntry>>;
  readonly previous: PreviousLink | null;
  readonly inputs: ManifestInputs;
  readonly signingKey?: SigningKey;
}

export function buildManifest(a: BuildManifestArgs): Manifest {
  const inputs = [...a.inputs.inputs].sort((x, y) => x.kind.localeCompare(y.kind) || x.path.localeCompare(y.path));
  const manifest: Manifest = {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    tool: { name: 'ampaudit', version: a.inputs.toolVersion },
    org: { id: a.org.id, name: a.org.name },
    period: a.period,
    revision: a.revision,
    dir: a.dir,
    generatedAt: a.generatedAt,
    timezone: a.inputs.timezone,
    files: { ...a.files },
    inputs,
    coverage: a.inputs.coverage,
    counts: a.inputs.counts,
    previous: a.previous,
    signing: a.signingKey
      ? { algorithm: 'Ed25519', publicKeyFingerprint: a.signingKey.fingerprint, publicKeyPem: a.signingKey.publicKeyPem }
      : null,
  };
  // Validate what we are about to sign: a bad value is a bug here, not a verification failure years later.
  return manifestSchema.parse(manifest);
}

/** The bytes of `manifest.sig` for the given manifest bytes. */
export function signatureFileBytes(manifestBytes: Uint8Array, key: SigningKey): Buffer {
  const sig: SignatureFile = {
    algorithm: 'Ed25519',
    manifestSha256: sha256Hex(manifestBytes),
    publicKeyFingerprint: key.fingerprint,
    signature: signBytes(key, manifestBytes).toString('base64'),
  };
  return Buffer.from(canonicalJson(sig), 'utf8');
}

// ---------------------------------------------------------------------------------------------
// From the review pipeline

function countBy<K extends string>(keys: readonly K[], items: Iterable<K>): Record<K, number> {
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const k of items) if (k in out) out[k] += 1;
  return out;
}

const STATUSES: readonly FindingStatus[] = ['open', 'excepted', 'unknown'];

export function countsOf(data: Pick<ReviewData, 'findings' | 'changes'>): ManifestCounts {
  const sev = (fs: typeof data.findings): Record<Severity, number> => countBy(SEVERITIES, fs.map((f) => f.severity)) as Record<Severity, number>;
  const byStatus = countBy(STATUSES, data.findings.map((f) => f.status));
  const changes = countBy(['new', 'persisting', 'resolved'] as const, data.changes.map((c) => c.kind));
  return {
    findings: data.findings.length,
    bySeverity: sev(data.findings),
    openBySeverity: sev(data.findings.filter((f) => f.status === 'open')),
    byStatus: { open: byStatus.open, excepted: byStatus.excepted, unknown: byStatus.unknown },
    changes,
  };
}

export function coverageOf(data: Pick<ReviewData, 'snapshot'>): ManifestCoverage {
  const s = data.snapshot;
  return {
    period: { from: s.period.start, to: s.period.end },
    auditLog: s.coverage.auditLog.map((x) => ({ from: x.from, to: x.to })),
    periodCovered: s.coverage.periodCovered.map((x) => ({ from: x.from, to: x.to })),
    periodGaps: s.coverage.periodGaps.map((x) => ({ from: x.from, to: x.to })),
    continuousSince: s.coverage.continuousSince ?? null,
    events: s.events ? s.events.total : null,
    sources: s.sources.map((x: SourceStatus) => ({
      source: x.source,
      configured: x.configured,
      ok: x.ok,
      pulledAt: x.pulledAt ?? null,
      count: x.count ?? null,
      error: x.error ?? null,
    })),
    dataQuality: [...s.dataQuality],
  };
}

/** ManifestInputs from the review's data plus the input files (see `fileInput`, `sourceInputs`). */
export function manifestInputsFromReview(data: ReviewData, inputs: readonly InputEntry[]): ManifestInputs {
  return {
    toolVersion: data.toolVersion,
    timezone: data.snapshot.timezone,
    generatedAt: data.generatedAt,
    inputs,
    coverage: coverageOf(data),
    counts: countsOf(data),
  };
}

/** sha256 and size of a file, read in chunks. */
export function hashFile(path: string): FileEntry {
  const h = createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, 'r');
  let bytes = 0;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      bytes += n;
    }
  } finally {
    closeSync(fd);
  }
  return { sha256: h.digest('hex'), bytes };
}

function relPath(file: string, baseDir: string): string {
  return relative(baseDir, file).split(sep).join('/') || '.';
}

/** An input file hashed now (e.g. the config file this run loaded). `baseDir`: the config file's folder. */
export function fileInput(kind: string, file: string, baseDir: string): InputEntry {
  const abs = resolve(baseDir, file);
  const { sha256, bytes } = hashFile(abs);
  return { kind, path: relPath(abs, baseDir), sha256, bytes };
}

/**
 * The file sources a snapshot used, with the hash recorded when they were collected (the bytes
 * the review actually used). The size is added when the file on disk still has that hash.
 */
export function sourceInputs(sources: readonly SourceStatus[], baseDir: string): InputEntry[] {
  const out: InputEntry[] = [];
  for (const s of sources) {
    if (!s.file || !s.sha256) continue;
    const file = resolve(baseDir, s.file);
    let bytes: number | null = null;
    try {
      const now = hashFile(file);
      if (now.sha256 === s.sha256) bytes = now.bytes;
    } catch {
      // moved or deleted since the collect: the recorded hash still names the bytes used
    }
    out.push({ kind: s.source, path: relPath(file, baseDir), sha256: s.sha256, bytes });
  }
  return out;
}
