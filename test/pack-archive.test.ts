import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../src/clock.js';
import { ConflictError, InputError } from '../src/errors.js';
import { sha256Hex } from '../src/fsutil.js';
import { cleanStaleTmpDirs, latestPack, listPacks, planPack, readPack, writePack } from '../src/pack/archive.js';
import { manifestInputsFromReview } from '../src/pack/manifest.js';
import { generateSigningKey, parseSigningKey } from '../src/pack/signing.js';
import { verifyAll, verifyPack } from '../src/pack/verify.js';
import { ORG, ORG_FOLDER, generatedAtFor, stubPdf, writeTestPack } from './fixtures/pack-archive-helpers.js';
import { sampleReviewData } from './fixtures/pack-review-data.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ampaudit-archive-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const PACK_FILES = [
  'activity-log.csv',
  'api-keys.csv',
  'changes.csv',
  'exceptions.csv',
  'exports.csv',
  'findings.csv',
  'members.csv',
  'project-access.csv',
  'review-pack.pdf',
];

describe('writePack', () => {
  it('writes the pack into <org id>-<slug>/<period> with a manifest hashing every file', async () => {
    const w = await writeTestPack(root, '2026-Q3');
    const dir = join(root, ORG_FOLDER, '2026-Q3');
    expect(w.dir).toBe(dir);
    expect(readdirSync(root)).toEqual([ORG_FOLDER]); // no temporary folder left
    expect(readdirSync(dir).sort()).toEqual([...PACK_FILES, 'manifest.json'].sort());

    const manifestBytes = readFileSync(join(dir, 'manifest.json'));
    expect(w.manifestSha256).toBe(sha256Hex(manifestBytes));
    const m = readPack(dir).manifest;
    expect(Object.keys(m.files)).toEqual(PACK_FILES);
    for (const f of PACK_FILES) {
      const bytes = readFileSync(join(dir, f));
      expect(m.files[f], f).toEqual({ sha256: sha256Hex(bytes), bytes: bytes.length });
    }
    expect(m).toMatchObject({
      schemaVersion: 1,
      tool: { name: 'ampaudit', version: '0.1.0' },
      org: { id: '123456', name: 'Acme Corp' },
      period: '2026-Q3',
      revision: 1,
      dir: '2026-Q3',
      generatedAt: generatedAtFor('2026-Q3'),
      timezone: 'Europe/Berlin',
      inputs: [{ kind: 'config', path: 'ampaudit.config.yaml', sha256: 'e'.repeat(64), bytes: 321 }],
      previous: null,
      signing: null,
    });
    expect(m.counts.openBySeverity).toEqual({ high: 1, medium: 0, low: 0, info: 0 });
    expect(verifyPack(dir, { archiveRoot: root })).toMatchObject({ ok: true, signed: false, failures: [], warnings: ['123456-acme-corp/2026-Q3 is not signed'] });
  });

  it('never overwrites: a rerun becomes -r2, -r3, each chained to the newest pack', async () => {
    const r1 = await writeTestPack(root, '2026-Q3');
    const r2 = await writeTestPack(root, '2026-Q3');
    const r3 = await writeTestPack(root, '2026-Q3');
    expect([r1.dirName, r2.dirName, r3.dirName]).toEqual(['2026-Q3', '2026-Q3-r2', '2026-Q3-r3']);
    expect(r2.manifest.revision).toBe(2);
    expect(r2.manifest.previous).toEqual({ dir: '2026-Q3', manifestSha256: r1.manifestSha256 });
    expect(r3.manifest.previous).toEqual({ dir: '2026-Q3-r2', manifestSha256: r2.manifestSha256 });
    // r1 is untouched.
    expect(sha256Hex(readFileSync(join(r1.dir, 'manifest.json')))).toBe(r1.manifestSha256);

    const q4 = await writeTestPack(root, '2026-Q4');
    expect(q4.manifest.previous).toEqual({ dir: '2026-Q3-r3', manifestSha256: r3.manifestSha256 });
    expect(verifyAll(root)).toMatchObject({ ok: true, failures: [] });
  });

  it('plans the chain link and the comparison pack (a rerun compares with the last quarter, not with its own r1)', async () => {
    await writeTestPack(root, '2026-Q2');
    const q3 = await writeTestPack(root, '2026-Q3');
    const plan = planPack(root, ORG, '2026-Q3');
    expect(plan).toMatchObject({ orgFolder: ORG_FOLDER, revision: 2, dirName: '2026-Q3-r2', dir: join(root, ORG_FOLDER, '2026-Q3-r2') });
    expect(plan.previous).toMatchObject({ dir: '2026-Q3', manifestSha256: q3.manifestSha256 });
    expect(plan.comparedWith).toMatchObject({ dirName: '2026-Q2', period: '2026-Q2' });
    expect(planPack(root, ORG, '2026-Q4').comparedWith).toMatchObject({ dirName: '2026-Q3' });
  });

  it('refuses a period older than the newest pack (the chain follows period order), writing nothing', async () => {
    await writeTestPack(root, '2026-Q3');
    await expect(writeTestPack(root, '2026-Q2')).rejects.toThrow(ConflictError);
    await expect(writeTestPack(root, '2026-Q2')).rejects.toThrow(/already holds a pack for 2026-Q3.*earlier period 2026-Q2/);
    expect(readdirSync(join(root, ORG_FOLDER))).toEqual(['2026-Q3']);
    expect(readdirSync(root)).toEqual([ORG_FOLDER]);
  });

  it('rejects a period that is not YYYY-Qn with an InputError', async () => {
    await expect(writeTestPack(root, '2026-13')).rejects.toThrow(InputError);
    await expect(writeTestPack(root, '2026-Q3-r2')).rejects.toThrow(/is not a quarter/);
  });

  it.each([
    ['throws', () => Promise.reject(new Error('renderer exploded'))],
    ['leaves a sub-folder', (tmp: string) => mkdirSync(join(tmp, 'attachments'))],
    ['leaves a hidden temp file', (tmp: string) => writeFileSync(join(tmp, '.findings.csv.abc.tmp'), 'x')],
    ['writes manifest.json itself', (tmp: string) => writeFileSync(join(tmp, 'manifest.json'), '{}')],
  ])('removes the temporary folder and writes no pack when render %s', async (_what, render) => {
    await expect(
      writePack({
        root,
        org: ORG,
        periodLabel: '2026-Q3',
        clock: fixedClock('2026-10-01T00:00:00.000Z'),
        render: async (tmp) => {
          writeFileSync(join(tmp, 'review-pack.pdf'), stubPdf('2026-Q3'));
          await render(tmp);
        },
        manifestInputs: manifestInputsFromReview(sampleReviewData(), []),
      }),
    ).rejects.toThrow();
    expect(readdirSync(root)).toEqual([]);
    expect(listPacks(root)).toEqual([]);
  });

  it('signs the manifest when given a key', async () => {
    const key = parseSigningKey(generateSigningKey().privateKeyPem);
    const w = await writeTestPack(root, '2026-Q3', { signingKey: key });
    expect(w.signed).toBe(true);
    const p = readPack(w.dir);
    expect(p.manifest.signing).toEqual({ algorithm: 'Ed25519', publicKeyFingerprint: key.fingerprint, publicKeyPem: key.publicKeyPem });
    expect(p.signature).toMatchObject({ algorithm: 'Ed25519', manifestSha256: w.manifestSha256, publicKeyFingerprint: key.fingerprint });
    expect(verifyPack(w.dir, { archiveRoot: root, publicKey: key.publicKeyPem })).toMatchObject({ ok: true, signed: true, keyFingerprint: key.fingerprint, warnings: [] });
  });

  it('keeps using the org folder after the org is renamed, so the chain continues', async () => {
    await writeTestPack(root, '2026-Q3');
    const w = await writeTestPack(root, '2026-Q4', { org: { id: '123456', name: 'Acme Holding' } });
    expect(w.dir).toBe(join(root, ORG_FOLDER, '2026-Q4'));
    expect(w.manifest.org.name).toBe('Acme Holding');
    expect(verifyAll(root).ok).toBe(true);
  });

  it('removes temporary folders of dead processes only', async () => {
    const dead = '.tmp-4194305-abcdef'; // above Linux's pid_max: no such process
    const live = `.tmp-${process.pid}-abcdef`;
    mkdirSync(join(root, dead));
    writeFileSync(join(root, dead, 'findings.csv'), 'half');
    mkdirSync(join(root, live));
    await writeTestPack(root, '2026-Q3');
    expect(existsSync(join(root, dead))).toBe(false);
    expect(existsSync(join(root, live))).toBe(true);
    expect(cleanStaleTmpDirs(root)).toEqual([]);
  });
});

describe('listPacks / latestPack', () => {
  it('lists packs oldest first per org, with counts, ignoring temporary and unrelated folders', async () => {
    await writeTestPack(root, '2026-Q2');
    await writeTestPack(root, '2026-Q3');
    await writeTestPack(root, '2026-Q3');
    await writeTestPack(root, '2026-Q1', { org: { id: '42', name: 'Globex' } });
    mkdirSync(join(root, '.tmp-4194305-ffff', 'x'), { recursive: true });
    mkdirSync(join(root, ORG_FOLDER, 'notes'));

    const all = listPacks(root);
    expect(all.map((p) => `${p.org}/${p.dirName}`)).toEqual(['123456-acme-corp/2026-Q2', '123456-acme-corp/2026-Q3', '123456-acme-corp/2026-Q3-r2', '42-globex/2026-Q1']);
    const q3r2 = all[2]!;
    expect(q3r2).toMatchObject({
      org: ORG_FOLDER,
      orgId: '123456',
      orgName: 'Acme Corp',
      period: '2026-Q3',
      revision: 2,
      generatedAt: generatedAtFor('2026-Q3', 2),
      signed: false,
      counts: { findings: 2, byStatus: { open: 1, excepted: 1, unknown: 0 } },
    });
    expect(q3r2.verified).toBeUndefined();

    expect(listPacks(root, '42').map((p) => p.dirName)).toEqual(['2026-Q1']);
    expect(listPacks(root, { id: '999' })).toEqual([]);
    expect(latestPack(root, ORG)?.dirName).toBe('2026-Q3-r2');
    expect(latestPack(root, ORG, '2026-Q3')?.dirName).toBe('2026-Q2');
    expect(latestPack(root, ORG, '2026-Q2')).toBeNull();

    // Tamper with one pack: listing with verification says which.
    writeFileSync(join(root, ORG_FOLDER, '2026-Q3', 'findings.csv'), 'tampered');
    expect(listPacks(root, ORG, { verify: true }).map((p) => [p.dirName, p.verified])).toEqual([
      ['2026-Q2', true],
      ['2026-Q3', false],
      ['2026-Q3-r2', true],
    ]);
  });
});
