/**
 * Verifying archived packs: every file against the manifest, the manifest against its signature
 * and against the next pack's chain link, and the chain itself. Each failure names the exact file
 * (relative to the archive root) and the cause.
 *
 * What the checks can and cannot prove:
 * - A file altered, missing or added in a pack: always found (the manifest lists every file).
 * - manifest.json altered: found by the signature (signed packs), by the next pack's
 *   `previous.manifestSha256` (any pack that is not the newest), or when it is no longer
 *   canonical JSON. The newest pack of an unsigned archive can be re-written consistently by
 *   someone with write access; a warning says so. Sign packs to close that gap.
 * - A pack re-signed with another key: found only against a trusted public key (`publicKey`) or
 *   by the chain; the key embedded in the manifest proves only that the pack is self-consistent.
 * - Packs swapped, removed from the middle or start of the chain, or inserted: found by the chain.
 *   Removing the newest pack leaves a valid shorter chain (nothing points to it).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { VerificationError } from '../errors.js';
import { sha256Hex } from '../fsutil.js';
import { MANIFEST_FILE, SIGNATURE_FILE, canonicalJson, hashFile, signatureFileSchema, type Manifest, type SignatureFile } from './manifest.js';
import {
  comparePackOrder,
  listTmpDirs,
  orgFoldersFor,
  packDirName,
  parsePackDirName,
  readManifestFile,
  scanOrgFolder,
  slugify,
  strayEntries,
  type ManifestRead,
  type OrgRef,
  type PackLocation,
} from './layout.js';
import { parsePublicKey, publicKeyFingerprint, verifyBytes } from './signing.js';

export type VerifyCause =
  /** The pack folder does not exist or is not a pack folder name. */
  | 'pack-missing'
  | 'manifest-missing'
  /** Not JSON, or not a manifest. */
  | 'manifest-invalid'
  /** Valid JSON, but not the canonical bytes ampaudit writes: edited by hand. */
  | 'manifest-not-canonical'
  /** manifest.json differs from what was signed, or from the hash the next pack recorded for it. */
  | 'manifest-altered'
  /** The manifest describes another pack than the folder it is in (packs moved or swapped). */
  | 'dir-mismatch'
  | 'org-mismatch'
  | 'file-missing'
  | 'size-mismatch'
  | 'hash-mismatch'
  | 'unlisted-file'
  /** The manifest names a signing key but manifest.sig is absent. */
  | 'signature-missing'
  /** manifest.sig is present but the manifest names no signing key. */
  | 'signature-without-key'
  /** manifest.sig is not a signature file, or its recorded hash/key was edited. */
  | 'signature-malformed'
  /** The signature does not verify though manifest.json is as signed: manifest.sig altered or made with another key. */
  | 'bad-signature'
  /** The manifest's public key does not match its fingerprint. */
  | 'key-fingerprint-mismatch'
  /** Signed, but not with the trusted key given to verify. */
  | 'untrusted-key'
  /** A trusted key was given and the pack is not signed. */
  | 'unsigned'
  /** The pack `previous` names is gone. */
  | 'previous-missing'
  /** The previous pack's manifest is not the one this pack chained to (altered or swapped). */
  | 'previous-mismatch'
  /** The previous pack is not older than this one. */
  | 'chain-order'
  /** The chain skips, forks or restarts. */
  | 'chain-broken';

export interface VerifyFailure {
  readonly cause: VerifyCause;
  /** The file that fails, relative to the archive root with `/`, e.g. `123-acme/2026-Q3/findings.csv`. */
  readonly file: string;
  readonly message: string;
}

export interface PackVerification {
  /** Path of the pack folder. */
  readonly dir: string;
  /** `<org folder>/<pack folder>`, relative to the archive root. */
  readonly pack: string;
  readonly period?: string;
  readonly revision?: number;
  readonly ok: boolean;
  readonly signed: boolean;
  readonly keyFingerprint?: string;
  readonly failures: readonly VerifyFailure[];
  /** Not failures, but an auditor should know (unsigned, key changed, ...). */
  readonly warnings: readonly string[];
}

export interface VerifyOptions {
  readonly archiveRoot: string;
  /** Trusted Ed25519 public key (PEM, base64 SPKI DER, a private key PEM, or a KeyObject). When given, every pack must be signed with it. */
  readonly publicKey?: string | KeyObject;
}

interface Sibling extends PackLocation, ManifestRead {}

interface OrgContext {
  readonly root: string;
  readonly orgFolder: string;
  /** Every pack of the org, oldest first, with its manifest read. */
  readonly packs: readonly Sibling[];
  readonly trusted?: { readonly key: KeyObject; readonly fingerprint: string };
}

function relPath(root: string, ...parts: string[]): string {
  return relative(root, join(...parts)).split(sep).join('/');
}

function loadOrg(root: string, orgFolder: string): Sibling[] {
  return scanOrgFolder(root, orgFolder).map((loc) => ({ ...loc, ...readManifestFile(loc.dir) }));
}

function trustedKey(publicKey: VerifyOptions['publicKey']): OrgContext['trusted'] {
  if (publicKey === undefined) return undefined;
  const key = parsePublicKey(publicKey, 'the trusted public key');
  return { key, fingerprint: publicKeyFingerprint(key) };
}

function short(fp: string): string {
  return fp.slice(0, 16);
}

class Report {
  readonly failures: VerifyFailure[] = [];
  readonly warnings: string[] = [];
  constructor(
    readonly root: string,
    readonly pack: string,
  ) {}
  fail(cause: VerifyCause, file: string, message: string): void {
    this.failures.push({ cause, file, message });
  }
  has(...causes: VerifyCause[]): boolean {
    return this.failures.some((f) => causes.includes(f.cause));
  }
}

/** Checks one pack within its org's packs. */
function checkPack(ctx: OrgContext, p: Sibling): PackVerification {
  const r = new Report(ctx.root, `${ctx.orgFolder}/${p.dirName}`);
  const file = (name: string): string => `${r.pack}/${name}`;
  const manifestFile = file(MANIFEST_FILE);
  let signed = false;
  let keyFingerprint: string | undefined;

  if (!p.bytes) {
    r.fail('manifest-missing', manifestFile, `${manifestFile} is missing: the pack cannot be checked`);
  } else if (!p.manifest) {
    r.fail('manifest-invalid', manifestFile, `${p.error ?? 'manifest unreadable'} (${manifestFile})`);
  }

  const m = p.manifest;
  if (p.bytes && m) {
    checkCanonical(r, p.bytes, manifestFile);
    checkIdentity(r, ctx, p, m, manifestFile);
    checkFiles(r, p, m, file);
    const sig = checkSignature(r, ctx, p, m, p.bytes, file);
    signed = sig.signed;
    keyFingerprint = sig.fingerprint;
    checkPrevious(r, ctx, p, m, manifestFile);
  }
  if (p.bytes && p.sha256) checkNext(r, ctx, p, p.sha256, manifestFile);

  return {
    dir: p.dir,
    pack: r.pack,
    period: p.period,
    revision: p.revision,
    ok: r.failures.length === 0,
    signed,
    keyFingerprint,
    failures: r.failures,
    warnings: r.warnings,
  };
}

function checkCanonical(r: Report, bytes: Buffer, manifestFile: string): void {
  const again = Buffer.from(canonicalJson(JSON.parse(bytes.toString('utf8'))), 'utf8');
  if (!again.equals(bytes)) {
    r.fail('manifest-not-canonical', manifestFile, `${manifestFile} is valid JSON but not in the form ampaudit writes: it was edited`);
  }
}

function checkIdentity(r: Report, ctx: OrgContext, p: Sibling, m: Manifest, manifestFile: string): void {
  const expected = packDirName(m.period, m.revision);
  if (m.dir !== p.dirName || expected !== p.dirName) {
    r.fail(
      'dir-mismatch',
      manifestFile,
      `${manifestFile} describes pack ${m.dir} (period ${m.period}, revision ${m.revision}) but is in folder ${p.dirName}: packs were moved or swapped`,
    );
  }
  const id = slugify(m.org.id) || 'org';
  if (ctx.orgFolder !== id && !ctx.orgFolder.startsWith(`${id}-`)) {
    r.fail('org-mismatch', manifestFile, `${manifestFile} belongs to org ${m.org.id} (${m.org.name}) but is in the folder of another org (${ctx.orgFolder})`);
  }
}

function checkFiles(r: Report, p: Sibling, m: Manifest, file: (n: string) => string): void {
  for (const [name, want] of Object.entries(m.files).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const path = join(p.dir, name);
    let st;
    try {
      st = lstatSync(path);
    } catch {
      r.fail('file-missing', file(name), `${file(name)} is listed in the manifest but missing`);
      continue;
    }
    if (!st.isFile()) {
      r.fail('file-missing', file(name), `${file(name)} is listed in the manifest but is not a plain file`);
      continue;
    }
    if (st.size !== want.bytes) {
      r.fail('size-mismatch', file(name), `${file(name)} has ${st.size} bytes, the manifest says ${want.bytes}: the file was altered`);
      continue;
    }
    const got = hashFile(path);
    if (got.sha256 !== want.sha256) {
      r.fail('hash-mismatch', file(name), `${file(name)} has sha256 ${got.sha256}, the manifest says ${want.sha256}: the file was altered`);
    }
  }
  const listed = new Set([...Object.keys(m.files), MANIFEST_FILE, SIGNATURE_FILE]);
  for (const name of readdirSync(p.dir).sort()) {
    if (listed.has(name)) continue;
    const what = lstatSync(join(p.dir, name)).isDirectory() ? 'folder' : 'file';
    r.fail('unlisted-file', file(name), `${file(name)} is a ${what} the manifest does not list: it was added after the pack was written`);
  }
}

function parseSignatureFile(bytes: Buffer): SignatureFile | undefined {
  try {
    const parsed = signatureFileSchema.safeParse(JSON.parse(bytes.toString('utf8')));
    if (!parsed.success) return undefined;
    // Strict form: the exact bytes ampaudit writes (no edits hidden in whitespace or base64 padding bits).
    if (!Buffer.from(canonicalJson(parsed.data), 'utf8').equals(bytes)) return undefined;
    if (Buffer.from(parsed.data.signature, 'base64').toString('base64') !== parsed.data.signature) return undefined;
    return parsed.data;
  } catch {
    return undefined;
  }
}

function checkSignature(
  r: Report,
  ctx: OrgContext,
  p: Sibling,
  m: Manifest,
  bytes: Buffer,
  file: (n: string) => string,
): { signed: boolean; fingerprint?: string } {
  const sigFile = file(SIGNATURE_FILE);
  const manifestFile = file(MANIFEST_FILE);
  const sigPath = join(p.dir, SIGNATURE_FILE);
  const sigBytes = existsSync(sigPath) ? readFileSync(sigPath) : undefined;
  const signing = m.signing;

  if (!signing) {
    if (sigBytes) {
      r.fail('signature-without-key', sigFile, `${sigFile} is present but ${manifestFile} names no signing key: the key was removed from the manifest, or the signature file added`);
    } else if (ctx.trusted) {
      r.fail('unsigned', manifestFile, `${r.pack} is not signed, but a trusted key (${short(ctx.trusted.fingerprint)}…) was given`);
    } else {
      r.warnings.push(`${r.pack} is not signed`);
    }
    return { signed: false };
  }
  if (!sigBytes) {
    r.fail('signature-missing', sigFile, `${manifestFile} is signed with key ${short(signing.publicKeyFingerprint)}… but ${sigFile} is missing`);
    return { signed: true, fingerprint: signing.publicKeyFingerprint };
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: signing.publicKeyPem, format: 'pem' });
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('not ed25519');
  } catch {
    r.fail('manifest-invalid', manifestFile, `${manifestFile} holds a public key that is not a readable Ed25519 key`);
    return { signed: true, fingerprint: signing.publicKeyFingerprint };
  }
  if (publicKeyFingerprint(key) !== signing.publicKeyFingerprint) {
    r.fail('key-fingerprint-mismatch', manifestFile, `${manifestFile}: the public key does not have the fingerprint written beside it`);
  }
  const sig = parseSignatureFile(sigBytes);
  if (!sig) {
    r.fail('signature-malformed', sigFile, `${sigFile} is not a valid ampaudit signature file: it was altered`);
  } else {
    const valid = verifyBytes(key, bytes, Buffer.from(sig.signature, 'base64'));
    const hashAsSigned = sig.manifestSha256 === sha256Hex(bytes);
    const sameKey = sig.publicKeyFingerprint === signing.publicKeyFingerprint;
    if (valid && !(hashAsSigned && sameKey)) {
      r.fail('signature-malformed', sigFile, `${sigFile}: the signature verifies but the hash or key recorded beside it was edited`);
    } else if (!valid && hashAsSigned) {
      r.fail('bad-signature', sigFile, `${sigFile}: the Ed25519 signature does not verify with key ${short(signing.publicKeyFingerprint)}…, although ${manifestFile} is as signed: the signature was altered or made with another key`);
    } else if (!valid) {
      r.fail('manifest-altered', manifestFile, `${manifestFile} does not match its Ed25519 signature in ${sigFile}: the manifest was altered after signing`);
    }
  }
  if (ctx.trusted && ctx.trusted.fingerprint !== signing.publicKeyFingerprint) {
    r.fail('untrusted-key', sigFile, `${sigFile} is signed with key ${short(signing.publicKeyFingerprint)}…, not with the trusted key ${short(ctx.trusted.fingerprint)}…`);
  }
  return { signed: true, fingerprint: signing.publicKeyFingerprint };
}

function checkPrevious(r: Report, ctx: OrgContext, p: Sibling, m: Manifest, manifestFile: string): void {
  const before = ctx.packs.filter((o) => comparePackOrder(o, p) < 0);
  const predecessor = before[before.length - 1];
  const prev = m.previous;
  if (!prev) {
    if (predecessor) {
      r.fail('chain-broken', manifestFile, `${manifestFile} starts a new chain, but the earlier pack ${ctx.orgFolder}/${predecessor.dirName} exists`);
    }
    return;
  }
  const prevManifest = `${ctx.orgFolder}/${prev.dir}/${MANIFEST_FILE}`;
  const target = ctx.packs.find((o) => o.dirName === prev.dir);
  if (!target || !target.bytes) {
    r.fail('previous-missing', target ? prevManifest : `${ctx.orgFolder}/${prev.dir}`, `the previous pack ${ctx.orgFolder}/${prev.dir} named in ${manifestFile} is ${target ? 'missing its manifest' : 'missing'}: the chain is broken`);
    return;
  }
  if (target.sha256 !== prev.manifestSha256) {
    r.fail('previous-mismatch', prevManifest, `${prevManifest} is not the manifest ${manifestFile} chained to (sha256 ${target.sha256 ?? '?'} instead of ${prev.manifestSha256}): it was altered or the packs were swapped`);
  }
  if (comparePackOrder(target, p) >= 0) {
    r.fail('chain-order', manifestFile, `${manifestFile} chains to ${ctx.orgFolder}/${prev.dir}, which is not an earlier pack`);
  } else if (target.manifest && target.manifest.generatedAt > m.generatedAt) {
    // Only a warning: a clock set back (NTP, a restored VM) is not tampering; the hashes decide.
    r.warnings.push(`${r.pack} says it was generated at ${m.generatedAt}, before its previous pack ${ctx.orgFolder}/${prev.dir} (${target.manifest.generatedAt}): check the clock`);
  }
  if (predecessor && predecessor.dirName !== prev.dir) {
    r.fail('chain-broken', manifestFile, `${manifestFile} chains to ${ctx.orgFolder}/${prev.dir}, but the pack before it is ${ctx.orgFolder}/${predecessor.dirName}: a pack was inserted or the chain skips one`);
  }
}

function checkNext(r: Report, ctx: OrgContext, p: Sibling, sha256: string, manifestFile: string): void {
  const next = ctx.packs.filter((o) => o.manifest?.previous?.dir === p.dirName && o.dirName !== p.dirName);
  for (const n of next) {
    if (n.manifest?.previous?.manifestSha256 !== sha256) {
      r.fail('manifest-altered', manifestFile, `${manifestFile} differs from the sha256 the next pack ${ctx.orgFolder}/${n.dirName} recorded for it: the manifest was altered or replaced`);
    }
  }
  if (next.length > 1) {
    r.fail('chain-broken', manifestFile, `${next.length} packs (${next.map((n) => n.dirName).join(', ')}) name ${r.pack} as their previous pack: the chain forks`);
  }
}

/**
 * Verifies one pack folder (`<root>/<org folder>/<period>`): its files, manifest, signature and
 * its links to the packs before and after it.
 */
export function verifyPack(dir: string, options: VerifyOptions): PackVerification {
  const root = resolve(options.archiveRoot);
  const abs = resolve(dir);
  const orgFolder = basename(dirname(abs));
  const dirName = basename(abs);
  const pack = relPath(root, abs);
  const parsed = parsePackDirName(dirName);
  if (!parsed || !existsSync(abs) || !lstatSync(abs).isDirectory() || resolve(dirname(abs), '..') !== root) {
    return {
      dir: abs,
      pack,
      ok: false,
      signed: false,
      failures: [{ cause: 'pack-missing', file: pack, message: `${pack} is not a pack folder of the archive ${root}` }],
      warnings: [],
    };
  }
  const ctx: OrgContext = { root, orgFolder, packs: loadOrg(root, orgFolder), trusted: trustedKey(options.publicKey) };
  const self = ctx.packs.find((s) => s.dirName === dirName);
  if (!self) throw new Error(`bug: ${pack} not found while scanning its org folder`);
  return checkPack(ctx, self);
}

export interface ArchiveVerification {
  readonly ok: boolean;
  /** Every pack checked, per org oldest first. */
  readonly packs: readonly PackVerification[];
  /** All failures of all packs. */
  readonly failures: readonly VerifyFailure[];
  readonly warnings: readonly string[];
}

/** Verifies every pack of one org (or all orgs), walking each chain from the oldest pack to the newest. */
export function verifyAll(root: string, org?: OrgRef | string, options: Omit<VerifyOptions, 'archiveRoot'> = {}): ArchiveVerification {
  const absRoot = resolve(root);
  const trusted = trustedKey(options.publicKey);
  const packs: PackVerification[] = [];
  const warnings: string[] = [];
  for (const orgFolder of orgFoldersFor(absRoot, org)) {
    const ctx: OrgContext = { root: absRoot, orgFolder, packs: loadOrg(absRoot, orgFolder), trusted };
    let lastKey: string | undefined;
    for (const p of ctx.packs) {
      const v = checkPack(ctx, p);
      packs.push(v);
      warnings.push(...v.warnings);
      if (v.keyFingerprint && lastKey && v.keyFingerprint !== lastKey) {
        warnings.push(`${v.pack} is signed with key ${short(v.keyFingerprint)}…, the pack before it with ${short(lastKey)}… (key rotated?)`);
      }
      if (v.keyFingerprint) lastKey = v.keyFingerprint;
    }
    const newest = packs[packs.length - 1];
    if (newest && ctx.packs.length && !newest.signed) {
      warnings.push(`the newest pack ${newest.pack} is not signed: its manifest.json can only be checked for form, not proven unaltered`);
    }
    for (const stray of strayEntries(absRoot, orgFolder)) warnings.push(`${orgFolder}/${stray} is not a pack folder (ignored)`);
  }
  for (const tmp of listTmpDirs(absRoot)) warnings.push(`${tmp} is an interrupted or running pack write (ignored; the next review removes it)`);
  const failures = packs.flatMap((p) => p.failures);
  return { ok: failures.length === 0, packs, failures, warnings };
}

/** Throws a VerificationError naming the first failing file, for callers that want an exception. */
export function assertVerified(result: PackVerification | ArchiveVerification): void {
  const first = result.failures[0];
  if (first) throw new VerificationError(`${first.message} [${first.cause}]`, first.file);
}
