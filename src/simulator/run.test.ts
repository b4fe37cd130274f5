import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { InputError } from '../errors.js';
import { runSimulateCommand } from './run.js';
import type { RunningSimulator } from './types.js';

const tmp = mkdtempSync(join(tmpdir(), 'ampaudit-simulate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(opts: { members?: number; seed?: number; filesDir?: string }): Promise<{ out: string; users: number; url: string }> {
  let out = '';
  const ac = new AbortController();
  let users = -1;
  let url = '';
  const done = runSimulateCommand({
    ...opts,
    port: 0,
    clock: fixedClock('2026-11-15T09:00:00Z'),
    stdout: { write: (s: string) => (out += s) },
    signal: ac.signal,
    onStarted: (sim: RunningSimulator) => {
      url = sim.url;
      void fetch(`${sim.url}/__sim/stats`)
        .then((r) => r.json() as Promise<{ users: number }>)
        .then((s) => {
          users = s.users;
          ac.abort();
        });
    },
  });
  await done;
  return { out, users, url };
}

describe('runSimulateCommand', () => {
  it('serves the demo org, writes its files, prints how to use it, and ends when aborted', async () => {
    const dir = join(tmp, 'demo');
    const { out, users, url } = await run({ filesDir: dir });
    expect(users).toBe(30);
    expect(out).toContain(`Amplitude simulator listening on ${url}`);
    expect(out).toContain('Organization: Acme Analytics (id 123456), 30 members');
    expect(out).toContain('  export AMPLITUDE_SCIM_TOKEN=sim-scim-token-demo\n');
    expect(out).toContain('  export AMPLITUDE_ORG_API_KEY=sim-org-api-key-demo\n');
    expect(out).toContain('  export AMPLITUDE_ORG_SECRET_KEY=sim-org-secret-key-demo\n');
    expect(out).toContain(`  ampaudit collect --config ${join(dir, 'ampaudit.config.yaml')}\n`);
    for (const f of ['ampaudit.config.yaml', 'members.csv', 'register.csv', 'api-keys.csv', 'exceptions.yaml']) expect(existsSync(join(dir, f)), f).toBe(true);
    expect(readFileSync(join(dir, 'ampaudit.config.yaml'), 'utf8')).toContain(`baseUrl: "${url}"`);
    // The server is closed.
    await expect(fetch(`${url}/__sim/stats`)).rejects.toThrow();
  });

  it('serves a generated org of the asked size', async () => {
    const { out, users } = await run({ members: 500, seed: 3 });
    expect(users).toBe(500);
    expect(out).toContain('500 members');
    expect(out).toContain('(generated, seed 3)');
    expect(out).toContain('ampaudit collect --config ./ampaudit.config.yaml');
  });
});

describe('runSimulateCommand input', () => {
  it.each([0, 100_001, 1.5])('refuses --members %s as bad input', async (members) => {
    const err = await runSimulateCommand({ members, clock: fixedClock('2026-11-15T09:00:00Z'), stdout: { write: () => true } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).where.field).toBe('--members');
  });
});
