/** Runs the CLI in-process with captured output (same code path as the binary). */
import { Writable } from 'node:stream';
import type { Clock } from '../../src/clock.js';
import { run } from '../../src/cli/main.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function sink(): Writable & { text(): string } {
  const chunks: Buffer[] = [];
  const w = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      cb();
    },
  }) as Writable & { text(): string };
  w.text = () => Buffer.concat(chunks).toString('utf8');
  return w;
}

export async function cli(args: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; clock?: Clock } = {}): Promise<CliRun> {
  const stdout = sink();
  const stderr = sink();
  const code = await run(['node', 'ampaudit', ...args], {
    stdout,
    stderr,
    env: opts.env ?? {},
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
