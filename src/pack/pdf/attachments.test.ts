import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../fsutil.js';
import { buildReviewData, fixtureAttachments } from '../testing/fixture.js';
import type { ReviewData } from '../types.js';
import { renderPdf, type Attachment } from './index.js';

let dir: string;
let data: ReviewData;
let eager: Attachment[];
let expected: Buffer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ampaudit-pdf-attach-'));
  data = buildReviewData();
  eager = fixtureAttachments(data);
  await renderPdf(data, eager, join(dir, 'eager.pdf'));
  expected = readFileSync(join(dir, 'eager.pdf'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('attachments read when embedded', () => {
  it('give the same PDF as attachments held in memory, reading each file once when size and sha256 are given', async () => {
    const reads = new Map<string, number>();
    const lazy: Attachment[] = eager.map((a) => {
      const bytes = a.bytes as Uint8Array;
      return {
        ...a,
        size: bytes.byteLength,
        sha256: sha256Hex(bytes),
        bytes: () => {
          reads.set(a.name, (reads.get(a.name) ?? 0) + 1);
          return bytes;
        },
      };
    });
    await renderPdf(data, lazy, join(dir, 'lazy.pdf'));
    expect(readFileSync(join(dir, 'lazy.pdf')).equals(expected)).toBe(true);
    expect(Object.fromEntries(reads)).toEqual(Object.fromEntries(eager.map((a) => [a.name, 1])));
  });

  it('work without size and sha256 too (the bytes are then read for them)', async () => {
    const lazy: Attachment[] = eager.map((a) => ({ ...a, bytes: () => a.bytes as Uint8Array }));
    await renderPdf(data, lazy, join(dir, 'lazy2.pdf'));
    expect(readFileSync(join(dir, 'lazy2.pdf')).equals(expected)).toBe(true);
  });
});
