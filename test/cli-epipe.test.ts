/**
 * `ampaudit … | head` closes stdout early: the launcher exits quietly instead of dying with an
 * unhandled EPIPE stack trace. Runs the real launcher (bin/ampaudit.js → dist, built by
 * `npm install`/`npm ci`).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/ampaudit.js', import.meta.url));

describe('launcher: stdout closed by the reader', () => {
  it('exits without an error when the pipe closes before the output is written', async () => {
    const child = spawn(process.execPath, [BIN, 'rules', 'list'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // The reading end is gone before the child writes anything.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
  });
});
