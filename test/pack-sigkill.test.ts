/**
 * Killing the process while a pack is written never leaves a partial pack in the archive, and
 * the next run completes. A real child process is killed with SIGKILL at several points.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listPacks } from '../src/pack/archive.js';
import { verifyAll } from '../src/pack/verify.js';
import { ORG_FOLDER, writeTestPack } from './fixtures/pack-archive-helpers.js';

const FIXTURE = resolve(import.meta.dirname, 'fixtures/pack-writer.ts');
const CWD = resolve(import.meta.dirname, '..');

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ampaudit-sigkill-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Starts the writer, waits until it reports `paused <point>`, kills it with SIGKILL. Returns its stdout. */
function runAndKill(period: string, point: string): Promise<{ out: string; pid: number }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, root, period, point], { cwd: CWD, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString('utf8');
      if (!killed && out.includes(`paused ${point}`)) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString('utf8');
    });
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL' && killed) done({ out, pid: child.pid! });
      else fail(new Error(`writer exited with ${code ?? signal} before reaching "${point}":\n${out}\n${err}`));
    });
  });
}

describe('a pack write killed with SIGKILL', () => {
  it.each(['render', 'rendered', 'sealed'])('at "%s" leaves no pack in the archive; the next run completes and verifies', async (point) => {
    await writeTestPack(root, '2026-Q2');
    const { out, pid } = await runAndKill('2026-Q3', point);
    expect(out).toContain(`paused ${point}`);

    // The killed write left only its temporary folder...
    const tmp = readdirSync(root).filter((n) => n.startsWith('.tmp-'));
    expect(tmp).toEqual([expect.stringMatching(new RegExp(`^\\.tmp-${pid}-[0-9a-f]+$`))]);
    if (point === 'sealed') expect(readdirSync(join(root, tmp[0]!))).toContain('manifest.json');
    // ...which listing ignores: the archive holds only complete packs, and they verify.
    expect(listPacks(root).map((p) => p.dirName)).toEqual(['2026-Q2']);
    expect(readdirSync(join(root, ORG_FOLDER))).toEqual(['2026-Q2']);
    const before = verifyAll(root);
    expect(before.ok).toBe(true);
    expect(before.warnings).toContain(`${tmp[0]} is an interrupted or running pack write (ignored; the next review removes it)`);

    // The next run completes, takes the period's first revision, chains to Q2, and cleans up.
    const next = await writeTestPack(root, '2026-Q3');
    expect(next.dirName).toBe('2026-Q3');
    expect(next.manifest.previous?.dir).toBe('2026-Q2');
    expect(readdirSync(root)).toEqual([ORG_FOLDER]);
    expect(verifyAll(root)).toMatchObject({ ok: true, failures: [] });
  });

  it('after the rename the pack is complete: it is listed, verifies, and a rerun becomes -r2', async () => {
    await writeTestPack(root, '2026-Q2');
    await runAndKill('2026-Q3', 'renamed');
    expect(listPacks(root).map((p) => p.dirName)).toEqual(['2026-Q2', '2026-Q3']);
    expect(readdirSync(root)).toEqual([ORG_FOLDER]);
    expect(verifyAll(root).ok).toBe(true);
    const next = await writeTestPack(root, '2026-Q3');
    expect(next.dirName).toBe('2026-Q3-r2');
    const after = verifyAll(root);
    expect(after.failures).toEqual([]);
    // The child's clock said 2027, this run's says 2026: worth a warning, not a failure.
    expect(after.warnings).toContain(
      `${ORG_FOLDER}/2026-Q3-r2 says it was generated at 2026-10-01T09:00:00.000Z, before its previous pack ${ORG_FOLDER}/2026-Q3 (2027-01-01T07:00:00.000Z): check the clock`,
    );
    expect(existsSync(join(root, ORG_FOLDER, '2026-Q3', 'manifest.json'))).toBe(true);
  });
});
