/** Runs one benchmark task in a child process and returns its result (see worker.ts). */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TaskName } from './tasks/index.js';

export interface ChildOptions {
  /** Extra node flags (e.g. `--cpu-prof`). */
  readonly nodeArgs?: readonly string[];
  readonly cwd?: string;
  /** Streams the child's stderr through (progress lines); default: kept and shown on failure. */
  readonly echo?: boolean;
}

export type WithRss<T> = T & { readonly maxRssBytes: number; readonly wallMs: number };

export async function runChild<T>(task: TaskName, args: unknown, opts: ChildOptions = {}): Promise<WithRss<T>> {
  const dir = mkdtempSync(join(tmpdir(), 'ampaudit-bench-child-'));
  const argsFile = join(dir, 'args.json');
  const resultFile = join(dir, 'result.json');
  writeFileSync(argsFile, JSON.stringify(args));
  const worker = fileURLToPath(new URL('./worker.js', import.meta.url));
  const t0 = performance.now();
  try {
    const stderr: Buffer[] = [];
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), worker, task, argsFile, resultFile], {
        cwd: opts.cwd ?? process.cwd(),
        stdio: ['ignore', 'inherit', 'pipe'],
      });
      child.stderr.on('data', (c: Buffer) => {
        if (opts.echo) process.stderr.write(c);
        else stderr.push(c);
      });
      child.on('error', reject);
      child.on('close', (c) => resolve(c));
    });
    if (code !== 0) throw new Error(`bench task ${task} failed (exit ${code}):\n${Buffer.concat(stderr).toString('utf8').slice(-4000)}`);
    const result = JSON.parse(readFileSync(resultFile, 'utf8')) as T & { maxRssBytes: number };
    return { ...result, wallMs: performance.now() - t0 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
