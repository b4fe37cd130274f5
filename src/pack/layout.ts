/**
 * The archive's layout, shared by the writer (archive.ts) and the verifier (verify.ts):
 *
 *   <reports>/<org folder>/<period>[-r<N>]/{review-pack.pdf, *.csv, manifest.json, manifest.sig}
 *   <reports>/.tmp-<pid>-<random>/        a pack being written (or left by a killed run)
 *
 * Org folder: `<org id>-<slug of org name>`, e.g. `123456-acme-corp`. The id keeps it unique, the
 * name makes it readable. An existing folder for the same id is reused even after the org is
 * renamed, so the chain continues. Period folder: `2026-Q3`, a rerun `2026-Q3-r2`, `-r3`, ...
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { VerificationError } from '../errors.js';
import { sha256Hex } from '../fsutil.js';
import { MANIFEST_FILE, SIGNATURE_FILE, manifestSchema, signatureFileSchema, type Manifest, type SignatureFile } from './manifest.js';

export const PERIOD_PATTERN = /^\d{4}-Q[1-4]$/;
const PACK_DIR = /^(\d{4}-Q[1-4])(?:-r([1-9]\d*))?$/;
export const TMP_PREFIX = '.tmp-';

export function isPeriodLabel(s: string): boolean {
  return PERIOD_PATTERN.test(s);
}

export function packDirName(period: string, revision: number): string {
  return revision <= 1 ? period : `${period}-r${revision}`;
}

/** `2026-Q3` → revision 1, `2026-Q3-r2` → 2; anything else (`.tmp-*`, `2026-Q3-r1`, notes) → null. */
export function parsePackDirName(name: string): { period: string; revision: number } | null {
  const m = PACK_DIR.exec(name);
  if (!m || !m[1]) return null;
  const revision = m[2] ? Number(m[2]) : 1;
  if (revision === 1 && m[2]) return null;
  return { period: m[1], revision };
}

/** Oldest first: by period, then revision. */
export function comparePackOrder(a: { period: string; revision: number }, b: { period: string; revision: number }): number {
  return a.period < b.period ? -1 : a.period > b.period ? 1 : a.revision - b.revision;
}

/** Lower-case ASCII words joined by `-` (accents dropped), at most `max` characters. */
export function slugify(s: string, max = 48): string {
  const slug = s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, max).replace(/-+$/, '');
}

export function orgFolderName(org: { id: string; name: string }): string {
  const id = slugify(org.id) || 'org';
  const name = slugify(org.name);
  return name ? `${id}-${name}` : id;
}

function orgFolderMatches(folder: string, orgId: string): boolean {
  const id = slugify(orgId) || 'org';
  return folder === id || folder.startsWith(`${id}-`);
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Org folders in the archive (hidden and temporary folders skipped), sorted. */
/** An org by id (the name only matters when its folder is first made). A plain string is an id. */
export interface OrgRef {
  readonly id: string;
  readonly name?: string;
}

/** The org folders to look at: all, or the one of `org` (none when it has no folder yet). */
export function orgFoldersFor(root: string, org?: OrgRef | string): string[] {
  if (org === undefined) return listOrgFolders(root);
  const f = findOrgFolder(root, typeof org === 'string' ? org : org.id);
  return f ? [f] : [];
}

export function listOrgFolders(root: string): string[] {
  return listDir(root)
    .filter((n) => !n.startsWith('.') && isDir(join(root, n)))
    .sort();
}

/** The existing folder of an org (by id), or undefined. With several (should not happen), the first by name. */
export function findOrgFolder(root: string, orgId: string): string | undefined {
  return listOrgFolders(root).find((f) => orgFolderMatches(f, orgId));
}

export interface PackLocation {
  readonly orgFolder: string;
  readonly dirName: string;
  /** Absolute (or as given with root) path of the pack folder. */
  readonly dir: string;
  readonly period: string;
  readonly revision: number;
}

/** Pack folders of one org folder, oldest first. Temporary and unrelated entries are skipped. */
export function scanOrgFolder(root: string, orgFolder: string): PackLocation[] {
  const base = join(root, orgFolder);
  const out: PackLocation[] = [];
  for (const name of listDir(base)) {
    const parsed = parsePackDirName(name);
    if (!parsed || !isDir(join(base, name))) continue;
    out.push({ orgFolder, dirName: name, dir: join(base, name), ...parsed });
  }
  return out.sort(comparePackOrder);
}

/** Names in an org folder that are not packs (reported as warnings by verify). */
export function strayEntries(root: string, orgFolder: string): string[] {
  const base = join(root, orgFolder);
  return listDir(base).filter((n) => !(parsePackDirName(n) && isDir(join(base, n))));
}

/** Temporary folders of writes in progress or interrupted. */
export function listTmpDirs(root: string): string[] {
  return listDir(root).filter((n) => n.startsWith(TMP_PREFIX));
}

export interface ManifestRead {
  readonly bytes?: Buffer;
  readonly sha256?: string;
  readonly manifest?: Manifest;
  /** Why `manifest` is missing: the file is absent, not JSON, or not a manifest. */
  readonly error?: string;
}

/** Reads and parses a pack's manifest.json without throwing. */
export function readManifestFile(dir: string): ManifestRead {
  const path = join(dir, MANIFEST_FILE);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' ? `${MANIFEST_FILE} is missing` : `${MANIFEST_FILE} cannot be read (${code ?? 'error'})` };
  }
  const sha256 = sha256Hex(bytes);
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    return { bytes, sha256, error: `${MANIFEST_FILE} is not valid JSON (${(err as Error).message})` };
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.length ? issue.path.join('.') : '(top level)';
    return { bytes, sha256, error: `${MANIFEST_FILE} is not a valid manifest: ${at}: ${issue?.message ?? 'invalid'}` };
  }
  return { bytes, sha256, manifest: parsed.data };
}

export interface PackContents {
  readonly dir: string;
  readonly dirName: string;
  readonly manifest: Manifest;
  readonly manifestBytes: Buffer;
  readonly manifestSha256: string;
  /** The parsed manifest.sig, or null when the pack is not signed. Not verified here: see verifyPack. */
  readonly signature: SignatureFile | null;
}

/** Reads a pack's manifest (and signature file). Throws VerificationError naming the file when unreadable. Does not verify. */
export function readPack(dir: string): PackContents {
  if (!existsSync(dir)) throw new VerificationError(`no pack at ${dir}`, dir);
  const m = readManifestFile(dir);
  if (!m.manifest || !m.bytes || !m.sha256) throw new VerificationError(m.error ?? 'manifest unreadable', join(dir, MANIFEST_FILE));
  let signature: SignatureFile | null = null;
  const sigPath = join(dir, SIGNATURE_FILE);
  if (existsSync(sigPath)) {
    try {
      signature = signatureFileSchema.parse(JSON.parse(readFileSync(sigPath, 'utf8')));
    } catch {
      throw new VerificationError(`${SIGNATURE_FILE} is not a valid signature file`, sigPath);
    }
  }
  return { dir, dirName: basename(dir), manifest: m.manifest, manifestBytes: m.bytes, manifestSha256: m.sha256, signature };
}
