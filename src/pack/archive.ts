/**
 * The pack archive: writing a pack so the archive never holds half of one, and listing packs.
 *
 * A pack is written into `<reports>/.tmp-<pid>-<random>/`: the renderer writes its files there,
 * each file is fsynced, the manifest (and signature) is written last, the folder is fsynced and
 * then renamed to `<reports>/<org folder>/<period>[-rN]` in one step; the org folder is fsynced
 * so the rename survives a crash. A killed run leaves only a `.tmp-*` folder, which listing
 * ignores and the next write removes (once the process that made it is gone).
 *
 * A pack is never overwritten: a rerun of a period gets the next revision (`-r2`, `-r3`, ...).
 * Every pack chains to the newest pack of its org (by period, then revision) through
 * `previous.manifestSha256`. Packs are added in period order: writing a period older than the
 * newest pack is refused, so the chain order is the period order. See layout.ts for names.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../clock.js';
import type { Organization } from '../domain/model.js';
import { ConflictError, InputError } from '../errors.js';
import { fsyncDir, sha256Hex } from '../fsutil.js';
import { processAlive } from '../pid.js';
import {
  MANIFEST_FILE,
  SIGNATURE_FILE,
  buildManifest,
  canonicalJson,
  hashFile,
  signatureFileBytes,
  type FileEntry,
  type Manifest,
  type ManifestCounts,
  type ManifestInputs,
  type PreviousLink,
} from './manifest.js';
import {
  TMP_PREFIX,
  findOrgFolder,
  isPeriodLabel,
  orgFoldersFor,
  listTmpDirs,
  orgFolderName,
  packDirName,
  readManifestFile,
  scanOrgFolder,
  type OrgRef,
  type PackLocation,
} from './layout.js';
import type { SigningKey } from './signing.js';
import { verifyAll, type VerifyOptions } from './verify.js';

export { readPack, orgFolderName, packDirName, parsePackDirName, type OrgRef, type PackContents } from './layout.js';

export interface PackInfo {
  /** The org folder name, e.g. `123456-acme`. */
  readonly org: string;
  readonly orgId?: string;
  readonly orgName?: string;
  readonly period: string;
  readonly revision: number;
  /** Folder name, e.g. `2026-Q3-r2`. */
  readonly dirName: string;
  /** Path of the pack folder. */
  readonly dir: string;
  readonly generatedAt?: string;
  readonly counts?: ManifestCounts;
  /** sha256 of manifest.json's bytes, when present. */
  readonly manifestSha256?: string;
  readonly signed?: boolean;
  /** Why the manifest could not be read, when it could not. */
  readonly error?: string;
  /** Set when listPacks was asked to verify. */
  readonly verified?: boolean;
}

function packInfo(loc: PackLocation): PackInfo {
  const m = readManifestFile(loc.dir);
  return {
    org: loc.orgFolder,
    orgId: m.manifest?.org.id,
    orgName: m.manifest?.org.name,
    period: loc.period,
    revision: loc.revision,
    dirName: loc.dirName,
    dir: loc.dir,
    generatedAt: m.manifest?.generatedAt,
    counts: m.manifest?.counts,
    manifestSha256: m.sha256,
    signed: m.manifest ? m.manifest.signing !== null : undefined,
    error: m.error,
  };
}

export interface ListOptions extends Partial<Pick<VerifyOptions, 'publicKey'>> {
  /** Verify every pack (hashes, chain, signature) and fill `verified`. */
  readonly verify?: boolean;
}

/** Packs in the archive (one org, or all), oldest first per org. Never lists a `.tmp-*` folder. */
export function listPacks(root: string, org?: OrgRef | string, options: ListOptions = {}): PackInfo[] {
  const packs = orgFoldersFor(root, org).flatMap((f) => scanOrgFolder(root, f).map(packInfo));
  if (!options.verify) return packs;
  const result = verifyAll(root, org, { publicKey: options.publicKey });
  const ok = new Map(result.packs.map((p) => [p.pack, p.ok]));
  return packs.map((p) => ({ ...p, verified: ok.get(`${p.org}/${p.dirName}`) ?? false }));
}

/** The newest pack of an org (by period, then revision), optionally only among periods before `beforePeriod`. */
export function latestPack(root: string, org: OrgRef | string, beforePeriod?: string): PackInfo | null {
  const packs = listPacks(root, org).filter((p) => beforePeriod === undefined || p.period < beforePeriod);
  return packs.length ? (packs[packs.length - 1] ?? null) : null;
}

export interface PackPlan {
  readonly org: Organization;
  /** Org folder name and path. */
  readonly orgFolder: string;
  readonly orgDir: string;
  readonly period: string;
  readonly revision: number;
  /** Final folder name and path (`<orgDir>/<dirName>`). */
  readonly dirName: string;
  readonly dir: string;
  /** The chain link this pack will hold: the newest existing pack of the org. */
  readonly previous: (PreviousLink & { readonly pack: PackInfo }) | null;
  /** The newest pack of an earlier period: what the review compares findings with (a rerun compares with the last quarter, not with its own r1). */
  readonly comparedWith: PackInfo | null;
}

/** Where the next pack of `org` for `period` goes and what it chains to. Throws InputError / ConflictError. */
export function planPack(root: string, org: Organization, period: string): PackPlan {
  if (!isPeriodLabel(period)) {
    throw new InputError(`"${period}" is not a quarter`, { field: 'period' }, 'write the period as YYYY-Qn, e.g. 2026-Q3');
  }
  const orgFolder = findOrgFolder(root, org.id) ?? orgFolderName(org);
  const orgDir = join(root, orgFolder);
  const existing = scanOrgFolder(root, orgFolder);
  const head = existing[existing.length - 1];
  if (head && head.period > period) {
    throw new ConflictError(
      `the archive already holds a pack for ${head.period} (${orgFolder}/${head.dirName}); a pack for the earlier period ${period} cannot be added to the chain`,
    );
  }
  const revision = 1 + existing.filter((p) => p.period === period).reduce((m, p) => Math.max(m, p.revision), 0);
  const dirName = packDirName(period, revision);
  let previous: PackPlan['previous'] = null;
  if (head) {
    const info = packInfo(head);
    if (!info.manifestSha256) {
      throw new ConflictError(
        `cannot chain the new pack: ${orgFolder}/${head.dirName}/${MANIFEST_FILE} is missing; run \`ampaudit packs verify\` and restore it from a backup`,
      );
    }
    previous = { dir: head.dirName, manifestSha256: info.manifestSha256, pack: info };
  }
  const earlier = existing.filter((p) => p.period < period);
  const last = earlier[earlier.length - 1];
  return {
    org,
    orgFolder,
    orgDir,
    period,
    revision,
    dirName,
    dir: join(orgDir, dirName),
    previous,
    comparedWith: last ? packInfo(last) : null,
  };
}

export type PackStage = 'rendered' | 'sealed' | 'renamed';

export interface WritePackOptions {
  /** The archive root (`reports:` in the config). */
  readonly root: string;
  readonly org: Organization;
  readonly periodLabel: string;
  /** Writes the pack's files (CSVs, PDF) into `tmpDir`: plain files only, no sub-folders, no hidden names. */
  readonly render: (tmpDir: string, plan: PackPlan) => Promise<void> | void;
  /** Taken after render, so it may use what render computed. */
  readonly manifestInputs: ManifestInputs | ((plan: PackPlan) => ManifestInputs | Promise<ManifestInputs>);
  readonly signingKey?: SigningKey;
  readonly clock: Clock;
  /** Progress hook (tests use it to kill the process at a known point). */
  readonly onStage?: (stage: PackStage, info: { readonly tmpDir: string; readonly plan: PackPlan }) => Promise<void> | void;
}

export interface WrittenPack {
  readonly plan: PackPlan;
  readonly dir: string;
  readonly dirName: string;
  readonly manifest: Manifest;
  readonly manifestSha256: string;
  readonly files: Readonly<Record<string, FileEntry>>;
  readonly signed: boolean;
}

function writeDurable(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'wx', 0o644);
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const TMP_NAME = /^\.tmp-(\d+)-[0-9a-f]+$/;

/**
 * Removes temporary folders left by killed writes: those whose process is gone. A folder of a
 * live process (another review running now) is left alone. Returns the names removed.
 */
export function cleanStaleTmpDirs(root: string): string[] {
  const removed: string[] = [];
  for (const name of listTmpDirs(root)) {
    const m = TMP_NAME.exec(name);
    if (!m || processAlive(Number(m[1]))) continue;
    rmSync(join(root, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** The files render left in the folder, fsynced and hashed. Anything but plain visible files is a bug in the renderer. */
function sealFiles(tmpDir: string): Record<string, FileEntry> {
  const files: Record<string, FileEntry> = {};
  for (const name of readdirSync(tmpDir).sort()) {
    const path = join(tmpDir, name);
    if (name === MANIFEST_FILE || name === SIGNATURE_FILE) throw new Error(`bug: render wrote ${name}; writePack writes it`);
    if (name.startsWith('.')) throw new Error(`bug: render left a hidden file ${name} in the pack`);
    if (!lstatSync(path).isFile()) throw new Error(`bug: render left ${name}, which is not a plain file`);
    fsyncFile(path);
    files[name] = hashFile(path);
  }
  return files;
}

/**
 * Writes one pack: plan, render into a temporary folder, hash, manifest (+ signature), rename into
 * place. Throws InputError (bad period), ConflictError (an earlier period, a concurrent write),
 * or whatever render throws; on any failure the temporary folder is removed.
 */
export async function writePack(o: WritePackOptions): Promise<WrittenPack> {
  mkdirSync(o.root, { recursive: true });
  cleanStaleTmpDirs(o.root);
  const plan = planPack(o.root, o.org, o.periodLabel);
  const tmpDir = join(o.root, `${TMP_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);
  mkdirSync(tmpDir);
  try {
    await o.render(tmpDir, plan);
    await o.onStage?.('rendered', { tmpDir, plan });

    const files = sealFiles(tmpDir);
    const inputs = typeof o.manifestInputs === 'function' ? await o.manifestInputs(plan) : o.manifestInputs;
    const manifest = buildManifest({
      org: o.org,
      period: plan.period,
      revision: plan.revision,
      dir: plan.dirName,
      generatedAt: inputs.generatedAt ?? o.clock.now().toISOString(),
      files,
      previous: plan.previous ? { dir: plan.previous.dir, manifestSha256: plan.previous.manifestSha256 } : null,
      inputs,
      signingKey: o.signingKey,
    });
    const manifestBytes = Buffer.from(canonicalJson(manifest), 'utf8');
    writeDurable(join(tmpDir, MANIFEST_FILE), manifestBytes);
    if (o.signingKey) writeDurable(join(tmpDir, SIGNATURE_FILE), signatureFileBytes(manifestBytes, o.signingKey));
    fsyncDir(tmpDir);
    await o.onStage?.('sealed', { tmpDir, plan });

    if (!existsSync(plan.orgDir)) {
      mkdirSync(plan.orgDir, { recursive: true });
      fsyncDir(o.root);
    }
    // rename() would silently replace an empty folder; a pack folder is never empty, but check anyway.
    if (existsSync(plan.dir)) throw new ConflictError(`${plan.orgFolder}/${plan.dirName} appeared while this pack was written (another review running?)`);
    try {
      renameSync(tmpDir, plan.dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') {
        throw new ConflictError(`${plan.orgFolder}/${plan.dirName} appeared while this pack was written (another review running?)`);
      }
      throw err;
    }
    fsyncDir(plan.orgDir);
    await o.onStage?.('renamed', { tmpDir: plan.dir, plan });
    return {
      plan,
      dir: plan.dir,
      dirName: plan.dirName,
      manifest,
      manifestSha256: sha256Hex(manifestBytes),
      files,
      signed: Boolean(o.signingKey),
    };
  } catch (err) {
    rmSync(tmpDir, { recursive: true, force: true });
    throw err;
  }
}
