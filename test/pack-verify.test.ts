/**
 * Tampering with an archived pack, one test per case: each makes verification fail and name the
 * cause and the exact file.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VerificationError } from '../src/errors.js';
import { canonicalJson, signatureFileBytes } from '../src/pack/manifest.js';
import { generateSigningKey, parseSigningKey, type SigningKey } from '../src/pack/signing.js';
import { assertVerified, verifyAll, verifyPack, type VerifyCause, type VerifyFailure } from '../src/pack/verify.js';
import { ORG_FOLDER, writeTestPack } from './fixtures/pack-archive-helpers.js';

const PERIODS = ['2026-Q1', '2026-Q2', '2026-Q3'];
let base: string;
let signedTemplate: string;
let unsignedTemplate: string;
let root: string;
let key: SigningKey;
let otherKey: SigningKey;

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'ampaudit-verify-'));
  key = parseSigningKey(generateSigningKey().privateKeyPem);
  otherKey = parseSigningKey(generateSigningKey().privateKeyPem);
  signedTemplate = join(base, 'signed');
  unsignedTemplate = join(base, 'unsigned');
  for (const p of PERIODS) await writeTestPack(signedTemplate, p, { signingKey: key });
  for (const p of PERIODS) await writeTestPack(unsignedTemplate, p);
});
afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

let n = 0;
function fresh(template: string): string {
  root = join(base, `run-${(n += 1)}`);
  cpSync(template, root, { recursive: true });
  return root;
}
beforeEach(() => {
  fresh(signedTemplate);
});

const packDir = (period: string): string => join(root, ORG_FOLDER, period);
const rel = (period: string, file: string): string => `${ORG_FOLDER}/${period}/${file}`;
const causes = (fs: readonly VerifyFailure[]): string[] => fs.map((f) => `${f.cause} ${f.file}`).sort();

function filesOf(period: string): string[] {
  return readdirSync(packDir(period)).sort();
}

describe('an untouched archive', () => {
  it('verifies: every pack, the chain and the signatures', () => {
    const r = verifyAll(root, undefined, { publicKey: key.publicKeyPem });
    expect(r.failures).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.packs.map((p) => [p.pack, p.ok, p.signed])).toEqual(PERIODS.map((p) => [`${ORG_FOLDER}/${p}`, true, true]));
    expect(r.warnings).toEqual([]);
  });

  it('verifies unsigned, with a warning that the newest manifest cannot be proven', () => {
    fresh(unsignedTemplate);
    const r = verifyAll(root);
    expect(r.ok).toBe(true);
    expect(r.warnings).toContain(`the newest pack ${ORG_FOLDER}/2026-Q3 is not signed: its manifest.json can only be checked for form, not proven unaltered`);
  });
});

describe('changing any byte of any pack file', () => {
  function expectedCauses(file: string): VerifyCause[] {
    if (file === 'manifest.json') return ['manifest-altered', 'manifest-invalid', 'manifest-not-canonical'];
    if (file === 'manifest.sig') return ['bad-signature', 'signature-malformed'];
    return ['hash-mismatch'];
  }

  for (const period of ['2026-Q2', '2026-Q3']) {
    it(`is found for every file of ${period}, at the first, a middle and the last byte, naming the file`, () => {
      const files = filesOf(period);
      expect(files).toEqual([
        'activity-log.csv',
        'api-keys.csv',
        'changes.csv',
        'exceptions.csv',
        'exports.csv',
        'findings.csv',
        'manifest.json',
        'manifest.sig',
        'members.csv',
        'project-access.csv',
        'review-pack.pdf',
      ]);
      let checked = 0;
      for (const file of files) {
        const path = join(packDir(period), file);
        const original = readFileSync(path);
        for (const at of [0, Math.floor(original.length / 2), original.length - 1]) {
          const changed = Buffer.from(original);
          changed[at] = changed[at]! ^ 0x01;
          writeFileSync(path, changed);
          const r = verifyAll(root);
          const own = r.failures.filter((f) => f.file === rel(period, file));
          expect(r.ok, `${file} byte ${at}`).toBe(false);
          expect(own.length, `${file} byte ${at}: ${JSON.stringify(r.failures)}`).toBeGreaterThan(0);
          expect(expectedCauses(file), `${file} byte ${at}: ${JSON.stringify(own)}`).toContain(own[0]!.cause);
          writeFileSync(path, original);
          checked += 1;
        }
      }
      expect(checked).toBe(33);
      expect(verifyAll(root).ok).toBe(true);
    });
  }

  it('names a changed size', () => {
    writeFileSync(join(packDir('2026-Q2'), 'members.csv'), Buffer.concat([readFileSync(join(packDir('2026-Q2'), 'members.csv')), Buffer.from('x')]));
    const r = verifyPack(packDir('2026-Q2'), { archiveRoot: root });
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]).toMatchObject({ cause: 'size-mismatch', file: rel('2026-Q2', 'members.csv') });
    expect(r.failures[0]!.message).toMatch(/members\.csv has \d+ bytes, the manifest says \d+/);
  });

  it('finds an altered manifest in an unsigned archive through the next pack\'s chain link', () => {
    fresh(unsignedTemplate);
    const path = join(packDir('2026-Q2'), 'manifest.json');
    const m = JSON.parse(readFileSync(path, 'utf8')) as { counts: { findings: number } };
    m.counts.findings = 0; // a consistent, canonical edit
    writeFileSync(path, canonicalJson(m));
    const r = verifyAll(root);
    expect(causes(r.failures)).toEqual([`manifest-altered ${rel('2026-Q2', 'manifest.json')}`, `previous-mismatch ${rel('2026-Q2', 'manifest.json')}`]);
  });
});

describe('deleting a file', () => {
  it.each([
    ['findings.csv', 'file-missing', 'findings.csv'],
    ['review-pack.pdf', 'file-missing', 'review-pack.pdf'],
    ['activity-log.csv', 'file-missing', 'activity-log.csv'],
    ['manifest.sig', 'signature-missing', 'manifest.sig'],
    ['manifest.json', 'manifest-missing', 'manifest.json'],
  ])('%s → %s', (file, cause, named) => {
    rmSync(join(packDir('2026-Q2'), file));
    const r = verifyAll(root);
    expect(r.ok).toBe(false);
    expect(r.failures).toContainEqual(expect.objectContaining({ cause, file: rel('2026-Q2', named) }));
    if (file !== 'manifest.json') expect(r.failures).toHaveLength(1);
  });
});

describe('adding a file', () => {
  it('names the unlisted file or folder', () => {
    writeFileSync(join(packDir('2026-Q3'), 'notes.txt'), 'added later');
    mkdirSync(join(packDir('2026-Q3'), 'extra'));
    const r = verifyAll(root);
    expect(causes(r.failures)).toEqual([`unlisted-file ${rel('2026-Q3', 'extra')}`, `unlisted-file ${rel('2026-Q3', 'notes.txt')}`]);
  });
});

describe('swapping two packs in the chain', () => {
  function swap(a: string, b: string): void {
    const tmp = join(root, ORG_FOLDER, 'swap');
    renameSync(packDir(a), tmp);
    renameSync(packDir(b), packDir(a));
    renameSync(tmp, packDir(b));
  }

  it.each([
    ['2026-Q2', '2026-Q3'],
    ['2026-Q1', '2026-Q2'],
  ])('exchanging the contents of %s and %s fails and names both manifests', (a, b) => {
    swap(a, b);
    const r = verifyAll(root);
    expect(r.ok).toBe(false);
    for (const p of [a, b]) {
      expect(r.failures, p).toContainEqual(expect.objectContaining({ cause: 'dir-mismatch', file: rel(p, 'manifest.json') }));
    }
    expect(r.failures.some((f) => f.cause === 'previous-mismatch')).toBe(true);
    expect(r.failures.find((f) => f.cause === 'dir-mismatch')!.message).toMatch(/describes pack 2026-Q\d .* but is in folder 2026-Q\d: packs were moved or swapped/);
  });
});

describe('removing a pack from the chain', () => {
  it('removing the previous pack breaks the next one\'s link', () => {
    rmSync(packDir('2026-Q2'), { recursive: true });
    const r = verifyAll(root);
    expect(causes(r.failures)).toEqual([`previous-missing ${ORG_FOLDER}/2026-Q2`]);
    expect(r.failures[0]!.message).toBe(`the previous pack ${ORG_FOLDER}/2026-Q2 named in ${rel('2026-Q3', 'manifest.json')} is missing: the chain is broken`);
  });

  it('removing the first pack is found too', () => {
    rmSync(packDir('2026-Q1'), { recursive: true });
    expect(causes(verifyAll(root).failures)).toEqual([`previous-missing ${ORG_FOLDER}/2026-Q1`]);
  });
});

describe('signatures', () => {
  it('a signature made with another key fails as a bad signature on manifest.sig', () => {
    const bytes = readFileSync(join(packDir('2026-Q2'), 'manifest.json'));
    const forged = JSON.parse(signatureFileBytes(bytes, otherKey).toString('utf8')) as Record<string, string>;
    forged.publicKeyFingerprint = key.fingerprint; // claim the right key
    writeFileSync(join(packDir('2026-Q2'), 'manifest.sig'), canonicalJson(forged));
    expect(causes(verifyAll(root).failures)).toEqual([`bad-signature ${rel('2026-Q2', 'manifest.sig')}`]);
  });

  it('verifying against another trusted key fails every pack as untrusted', () => {
    const r = verifyAll(root, undefined, { publicKey: otherKey.publicKeyPem });
    expect(causes(r.failures)).toEqual(PERIODS.map((p) => `untrusted-key ${rel(p, 'manifest.sig')}`));
  });

  it('a pack re-signed with another key after editing is caught by the trusted key and by the chain', () => {
    const path = join(packDir('2026-Q3'), 'manifest.json');
    const m = JSON.parse(readFileSync(path, 'utf8')) as { counts: { findings: number }; signing: { publicKeyFingerprint: string; publicKeyPem: string } };
    m.counts.findings = 0;
    m.signing.publicKeyFingerprint = otherKey.fingerprint;
    m.signing.publicKeyPem = otherKey.publicKeyPem;
    const bytes = Buffer.from(canonicalJson(m));
    writeFileSync(path, bytes);
    writeFileSync(join(packDir('2026-Q3'), 'manifest.sig'), signatureFileBytes(bytes, otherKey));
    // Self-consistent: only the trusted key tells (it is the newest pack, nothing chains to it).
    expect(verifyAll(root).ok).toBe(true);
    expect(verifyAll(root).warnings).toContain(`${ORG_FOLDER}/2026-Q3 is signed with key ${otherKey.fingerprint.slice(0, 16)}…, the pack before it with ${key.fingerprint.slice(0, 16)}… (key rotated?)`);
    expect(causes(verifyAll(root, undefined, { publicKey: key.publicKeyPem }).failures)).toEqual([`untrusted-key ${rel('2026-Q3', 'manifest.sig')}`]);
  });

  it('a signature without a key in the manifest, and an unsigned pack when a key is required', () => {
    fresh(unsignedTemplate);
    writeFileSync(join(packDir('2026-Q2'), 'manifest.sig'), signatureFileBytes(readFileSync(join(packDir('2026-Q2'), 'manifest.json')), key));
    expect(causes(verifyAll(root).failures)).toEqual([`signature-without-key ${rel('2026-Q2', 'manifest.sig')}`]);
    rmSync(join(packDir('2026-Q2'), 'manifest.sig'));
    expect(causes(verifyAll(root, undefined, { publicKey: key.publicKeyPem }).failures)).toEqual(PERIODS.map((p) => `unsigned ${rel(p, 'manifest.json')}`));
  });
});

describe('verifyPack / assertVerified', () => {
  it('checks one pack with its chain neighbours and throws a VerificationError naming the file', () => {
    writeFileSync(join(packDir('2026-Q2'), 'exports.csv'), 'x');
    const r = verifyPack(packDir('2026-Q2'), { archiveRoot: root });
    expect(r).toMatchObject({ ok: false, pack: `${ORG_FOLDER}/2026-Q2`, period: '2026-Q2', revision: 1, signed: true });
    expect(() => assertVerified(r)).toThrow(VerificationError);
    try {
      assertVerified(r);
    } catch (e) {
      expect((e as VerificationError).file).toBe(rel('2026-Q2', 'exports.csv'));
    }
    expect(verifyPack(packDir('2026-Q3'), { archiveRoot: root }).ok).toBe(true);
    expect(verifyPack(join(root, ORG_FOLDER, '2026-Q4'), { archiveRoot: root })).toMatchObject({ ok: false, failures: [{ cause: 'pack-missing' }] });
  });
});
