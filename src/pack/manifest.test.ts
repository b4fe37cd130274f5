import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../fsutil.js';
import { sampleReviewData } from '../../test/fixtures/pack-review-data.js';
import { buildManifest, canonicalJson, canonicalJsonPieces, countsOf, fileInput, manifestInputsFromReview, manifestSchema, sourceInputs, writeCanonicalJsonFile } from './manifest.js';
import { parseSigningKey, generateSigningKey } from './signing.js';

describe('canonicalJson', () => {
  it('gives the same bytes whatever the key order, with sorted keys, 2-space indent and a final newline', () => {
    const a = canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null }, u: undefined });
    const b = canonicalJson({ a: { c: null, d: [3, { y: 2, z: 1 }] }, b: 1 });
    expect(a).toBe(b);
    expect(a).toBe('{\n  "a": {\n    "c": null,\n    "d": [\n      3,\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n');
  });

  it('refuses values JSON cannot carry faithfully', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/non-finite number at \$\.n/);
    expect(() => canonicalJson([undefined])).toThrow(/undefined at \$\[0\]/);
  });
});

describe('canonicalJsonPieces / writeCanonicalJsonFile', () => {
  let seed = 11;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const gen = (depth: number): unknown => {
    const k = rand(depth > 4 ? 4 : 7);
    if (k === 0) return null;
    if (k === 1) return [0, -1.5, 1e21, 42][rand(4)];
    if (k === 2) return ['', 'a', 'line\nbreak', 'Zoë "q"', '😀'][rand(5)];
    if (k === 3) return rand(2) === 0;
    if (k <= 5) return Array.from({ length: rand(4) }, () => gen(depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = rand(5); i > 0; i--) o[['b', 'a', 'z', '10', 'é', 'k k'][rand(6)] as string] = rand(6) === 0 ? undefined : gen(depth + 1);
    return o;
  };

  it('joins to exactly canonicalJson, for any value', () => {
    for (let i = 0; i < 2000; i++) {
      const v = gen(0);
      expect([...canonicalJsonPieces(v)].join('')).toBe(canonicalJson(v));
    }
    for (const v of [{}, [], { a: [] }, { a: {} }, [[]], [{}], 'x', 3, null, { a: undefined }]) expect([...canonicalJsonPieces(v)].join('')).toBe(canonicalJson(v));
  });

  it('refuses what canonicalJson refuses, with the same message, and writes no file then', () => {
    for (const v of [{ a: [1, { n: Number.POSITIVE_INFINITY }] }, { a: [undefined] }, [{ f: () => 1 }]]) {
      let message = '';
      try {
        canonicalJson(v);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/^bug: .* at \$/);
      expect(() => [...canonicalJsonPieces(v)]).toThrow(message);
    }
    const dir = mkdtempSync(join(tmpdir(), 'ampaudit-cj-'));
    try {
      expect(() => writeCanonicalJsonFile(join(dir, 'x.json'), { n: Number.NaN })).toThrow(/non-finite number at \$\.n/);
      expect(readdirSync(dir)).toEqual([]);
      const value = { findings: Array.from({ length: 3000 }, (_, i) => ({ id: `f${i}`, evidence: [{ label: 'x', value: 'y'.repeat(i % 50) }] })), period: { label: 'Q' } };
      writeCanonicalJsonFile(join(dir, 'f.json'), value, '\n');
      expect(readFileSync(join(dir, 'f.json'), 'utf8')).toBe(`${canonicalJson(value)}\n`);
      expect(readdirSync(dir)).toEqual(['f.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('manifest', () => {
  it('counts findings by severity (all and open), status and change', () => {
    expect(countsOf(sampleReviewData())).toEqual({
      findings: 2,
      bySeverity: { high: 1, medium: 1, low: 0, info: 0 },
      openBySeverity: { high: 1, medium: 0, low: 0, info: 0 },
      byStatus: { open: 1, excepted: 1, unknown: 0 },
      changes: { new: 1, persisting: 1, resolved: 1 },
    });
  });

  it('builds a schema-valid manifest with relative input paths, coverage and the signing key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ampaudit-manifest-'));
    try {
      writeFileSync(join(dir, 'ampaudit.config.yaml'), 'org: { id: 1, name: A }\n');
      writeFileSync(join(dir, 'register.csv'), 'email\n');
      const data = sampleReviewData();
      const sources = [
        { source: 'register' as const, configured: true, ok: true, file: 'register.csv', sha256: sha256Hex('email\n') },
        // Changed since the collect: the recorded hash stays, the size is unknown.
        { source: 'api-keys' as const, configured: true, ok: true, file: join(dir, 'keys.csv'), sha256: 'b'.repeat(64) },
      ];
      const inputs = [fileInput('config', join(dir, 'ampaudit.config.yaml'), dir), ...sourceInputs(sources, dir)];
      const key = parseSigningKey(generateSigningKey().privateKeyPem);
      const m = buildManifest({
        org: { id: '123456', name: 'Acme Corp' },
        period: '2026-Q3',
        revision: 2,
        dir: '2026-Q3-r2',
        generatedAt: data.generatedAt,
        files: { 'findings.csv': { sha256: 'c'.repeat(64), bytes: 10 } },
        previous: { dir: '2026-Q3', manifestSha256: 'd'.repeat(64) },
        inputs: manifestInputsFromReview(data, inputs),
        signingKey: key,
      });
      expect(manifestSchema.parse(JSON.parse(canonicalJson(m)))).toEqual(m);
      expect(m.inputs).toEqual([
        { kind: 'api-keys', path: 'keys.csv', sha256: 'b'.repeat(64), bytes: null },
        { kind: 'config', path: 'ampaudit.config.yaml', sha256: sha256Hex('org: { id: 1, name: A }\n'), bytes: 24 },
        { kind: 'register', path: 'register.csv', sha256: sha256Hex('email\n'), bytes: 6 },
      ]);
      expect(m.coverage.period).toEqual({ from: '2026-06-30T22:00:00.000Z', to: '2026-09-30T22:00:00.000Z' });
      expect(m.coverage.events).toBe(4);
      expect(m.coverage.continuousSince).toBe('2026-05-01T00:00:00.000Z');
      expect(m.signing).toEqual({ algorithm: 'Ed25519', publicKeyFingerprint: key.fingerprint, publicKeyPem: key.publicKeyPem });
      expect(m.tool).toEqual({ name: 'ampaudit', version: '0.1.0' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses pack file names that are paths or hidden', () => {
    for (const name of ['../x', 'a/b', '.hidden']) {
      expect(() =>
        buildManifest({
          org: { id: '1', name: 'A' },
          period: '2026-Q3',
          revision: 1,
          dir: '2026-Q3',
          generatedAt: '2026-10-01T00:00:00.000Z',
          files: { [name]: { sha256: 'c'.repeat(64), bytes: 1 } },
          previous: null,
          inputs: manifestInputsFromReview(sampleReviewData(), []),
        }),
      ).toThrow();
    }
  });
});
