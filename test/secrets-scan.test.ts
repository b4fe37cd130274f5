/**
 * No secret in any log line or stored row. A collect (with debug logs, retries and a failing
 * source), a review and a mail run with distinctive credentials; then every byte ampaudit wrote
 * — stdout, stderr, the SQLite files (compressed payloads and event blocks unpacked), the pack,
 * the outbox — is scanned for the credentials, their Basic-auth encoding, and the raw key ids
 * of the inventory that look like secrets.
 */
import { readdirSync, readFileSync, statSync, mkdtempSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../src/clock.js';
import { buildDemoOrg } from '../src/simulator/demo-org.js';
import { writeDemoFiles } from '../src/simulator/demo-files.js';
import { startSimulator } from '../src/simulator/server.js';
import type { RunningSimulator } from '../src/simulator/types.js';
import { openStore } from '../src/store/sqlite.js';
import { cli, type CliRun } from './helpers/cli.js';

const NOW = '2026-11-25T10:00:00.000Z';
const creds = {
  scimToken: 'scimTOKEN-9f8e7d6c5b4a39281706',
  orgApiKey: 'orgAPIKEY-1a2b3c4d5e6f7a8b9c0d',
  orgSecretKey: 'orgSECRET-0d9c8b7a6f5e4d3c2b1a',
};
// Keys the inventory lists by their raw value: only a fingerprint ref may ever be shown.
const RAW_KEY = 'e3b0c44298fc1c149afbf4c8996fb924';

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

describe('no secret is logged or stored', () => {
  let dir: string;
  let sim: RunningSimulator;
  const runs: CliRun[] = [];
  const needles = [
    creds.scimToken,
    creds.orgApiKey,
    creds.orgSecretKey,
    Buffer.from(`${creds.orgApiKey}:${creds.orgSecretKey}`).toString('base64'),
    RAW_KEY,
  ];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ampaudit-secrets-'));
    const clock = manualClock(NOW);
    sim = await startSimulator({ simOrg: buildDemoOrg(new Date(NOW)), clock, credentials: creds });
    const files = writeDemoFiles(dir, NOW, { baseUrl: sim.url });
    appendFileSync(files.apiKeys, `${RAW_KEY},Raw key pasted by mistake,secret,101,anna.schmidt@acme.example,2026-01-10,,,laptop\n`);
    appendFileSync(files.config, 'mail: { from: ampaudit@acme.example, to: [security@acme.example] }\n');
    const env = {
      AMPLITUDE_SCIM_TOKEN: creds.scimToken,
      AMPLITUDE_ORG_API_KEY: creds.orgApiKey,
      AMPLITUDE_ORG_SECRET_KEY: creds.orgSecretKey,
      AMPAUDIT_LOG_LEVEL: 'debug',
      AMPAUDIT_LOG_FORMAT: 'json',
    };
    const cfg = files.config;
    // Faults make the client log retries (with request details) at warn/debug level.
    sim.setFaults({ burst429: { count: 2, retryAfterSeconds: 0 }, serverErrors: { count: 2 } });
    runs.push(await cli(['collect', '--config', cfg], { env, clock }));
    // A wrong secret: the 401 error path.
    runs.push(await cli(['collect', '--config', cfg], { env: { ...env, AMPLITUDE_ORG_SECRET_KEY: `${creds.orgSecretKey}-wrong` }, clock }));
    runs.push(await cli(['check', '--config', cfg, '--no-collect', '--format', 'json'], { env, clock }));
    runs.push(await cli(['check', '--config', cfg, '--no-collect', '--format', 'csv'], { env, clock }));
    clock.set('2027-01-02T09:00:00.000Z');
    runs.push(await cli(['review', '--config', cfg, '--period', '2026-Q4'], { env, clock }));
    // The run table carries error texts (the 401 above): scanned too.
    runs.push(await cli(['runs', '--config', cfg], { env, clock }));
  });

  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the runs did real work (so the scan means something)', () => {
    expect(runs[0]!.code).toBe(0);
    expect(runs[1]!.code).toBe(3);
    expect(runs[1]!.stdout + runs[1]!.stderr).toMatch(/AMPLITUDE_ORG_API_KEY|401|authentication/i);
    expect(runs[4]!.stdout).toContain('review 2026-Q4');
    expect(runs[2]!.stdout).toContain('key-');
    // A review by command is recorded like the daemon's.
    expect(runs[5]!.stdout).toMatch(/review\s.*ok\s+2026-Q4: \d+ open findings/);
    expect(runs[5]!.stdout).toMatch(/collect\s.*partial\s+user-management/);
  });

  it('no credential or raw key in stdout or stderr (debug logs included)', () => {
    for (const r of runs) for (const n of needles) {
      expect(r.stdout.includes(n), `stdout has ${n.slice(0, 6)}…`).toBe(false);
      expect(r.stderr.includes(n), `stderr has ${n.slice(0, 6)}…`).toBe(false);
    }
  });

  it('no credential or raw key in any stored row, compressed or not', () => {
    const dbPath = join(dir, '.ampaudit', 'evidence.db');
    openStore(dbPath).close(); // checkpoint the WAL into the main file
    const db = new Database(dbPath, { readonly: true });
    const texts: string[] = [];
    for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]) {
      for (const row of db.prepare(`SELECT * FROM "${name}"`).raw().all() as unknown[][]) {
        for (const cell of row) {
          if (Buffer.isBuffer(cell)) {
            texts.push(cell.toString('latin1'));
            try {
              texts.push(gunzipSync(cell).toString('utf8'));
            } catch {
              // not compressed
            }
          } else texts.push(String(cell));
        }
      }
    }
    db.close();
    const all = texts.join('\n');
    expect(all.length).toBeGreaterThan(10_000);
    for (const n of needles) expect(all.includes(n), `store has ${n.slice(0, 6)}…`).toBe(false);
  });

  it('no credential or raw key in any file written (store files, pack, outbox, config)', () => {
    for (const f of allFiles(dir)) {
      if (f.endsWith('api-keys.csv') && !f.includes('reports')) continue; // the operator's own inventory, an input
      const bytes = readFileSync(f).toString('latin1');
      for (const n of needles) expect(bytes.includes(n), `${f} has ${n.slice(0, 6)}…`).toBe(false);
    }
  });
});
