/**
 * The demo org's planted violations, end to end: simulator on loopback → `ampaudit collect` →
 * `ampaudit check --format json`. Every planted violation is reported once, with the documented
 * severity and status, and nothing else is.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../src/clock.js';
import type { Finding } from '../src/domain/findings.js';
import { buildDemoOrg, DEMO_PLANTED } from '../src/simulator/demo-org.js';
import { writeDemoFiles } from '../src/simulator/demo-files.js';
import { startSimulator } from '../src/simulator/server.js';
import type { RunningSimulator } from '../src/simulator/types.js';
import { cli } from './helpers/cli.js';

// Mid-quarter, on a weekday, so both quarters hold their planted events.
const NOW = '2026-11-25T10:00:00.000Z';

describe('demo org: check reports exactly the planted violations', () => {
  let dir: string;
  let sim: RunningSimulator;
  let env: NodeJS.ProcessEnv;
  let findings: Finding[];
  let checkCode: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ampaudit-demo-check-'));
    const clock = fixedClock(NOW);
    sim = await startSimulator({ simOrg: buildDemoOrg(new Date(NOW)), clock });
    const files = writeDemoFiles(dir, NOW, { baseUrl: sim.url });
    env = {
      AMPLITUDE_SCIM_TOKEN: sim.credentials.scimToken,
      AMPLITUDE_ORG_API_KEY: sim.credentials.orgApiKey,
      AMPLITUDE_ORG_SECRET_KEY: sim.credentials.orgSecretKey,
    };
    const r = await cli(['check', '--config', files.config, '--format', 'json'], { env, clock });
    checkCode = r.code;
    expect(r.stderr).not.toContain('internal error');
    findings = (JSON.parse(r.stdout) as { findings: Finding[] }).findings;
  });

  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0 without --fail-on', () => {
    expect(checkCode).toBe(0);
  });

  it('reports every planted violation once, with its severity and status', () => {
    for (const p of DEMO_PLANTED) {
      // security-settings-changed names each change event; its subject id is a fingerprint the plan cannot know.
      const matches = findings.filter(
        (f) => f.ruleId === p.ruleId && (p.ruleId === 'security-settings-changed' || (f.subject.kind === p.subjectKind && f.subject.id === p.subjectId)),
      );
      expect(matches.length, `${p.ruleId} ${p.subjectId}: ${p.note}`).toBeGreaterThanOrEqual(1);
      if (p.ruleId !== 'security-settings-changed') expect(matches, `${p.ruleId} ${p.subjectId} reported more than once`).toHaveLength(1);
      for (const m of matches) {
        expect({ rule: m.ruleId, severity: m.severity, status: m.status }).toEqual({ rule: p.ruleId, severity: p.severity, status: p.status });
      }
    }
  });

  it('reports nothing else and nothing unknown', () => {
    const planted = (f: Finding) =>
      DEMO_PLANTED.some((p) => p.ruleId === f.ruleId && (p.ruleId === 'security-settings-changed' || (p.subjectKind === f.subject.kind && p.subjectId === f.subject.id)));
    expect(findings.filter((f) => !planted(f)).map((f) => `${f.ruleId} ${f.subject.id} ${f.status}: ${f.message}`)).toEqual([]);
  });

  it('covers all 21 rules', () => {
    expect(new Set(findings.map((f) => f.ruleId)).size).toBe(21);
  });

  it('exits 1 with --fail-on high', async () => {
    const r = await cli(['check', '--config', join(dir, 'ampaudit.config.yaml'), '--format', 'json', '--fail-on', 'high', '--no-collect'], { env, clock: fixedClock(NOW) });
    expect(r.code).toBe(1);
  });

  it('with --no-collect an hour later, evaluates as of the last collect: the same findings, no gap', async () => {
    const later = new Date(Date.parse(NOW) + 3_600_000).toISOString();
    const r = await cli(['check', '--config', join(dir, 'ampaudit.config.yaml'), '--format', 'json', '--no-collect'], { env, clock: fixedClock(later) });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { at: string; findings: Finding[] };
    expect(out.at).toBe(NOW);
    expect(out.findings.filter((f) => f.status === 'unknown')).toEqual([]);
    expect(out.findings.map((f) => f.id).sort()).toEqual(findings.map((f) => f.id).sort());
    const table = await cli(['check', '--config', join(dir, 'ampaudit.config.yaml'), '--no-collect'], { env, clock: fixedClock(later) });
    expect(table.stdout).toContain('evaluated as of the last collect (2026-11-25 11:00 Europe/Berlin), because of --no-collect');
  });

  it('--format csv is RFC 4180: one record per finding, each with every column, line breaks quoted', async () => {
    const r = await cli(['check', '--config', join(dir, 'ampaudit.config.yaml'), '--format', 'csv', '--no-collect'], { env, clock: fixedClock(NOW) });
    expect(r.code).toBe(0);
    const rows = parse(r.stdout, { bom: true, relax_column_count: true }) as string[][];
    const header = rows[0] ?? [];
    expect(rows.length - 1).toBe(findings.length);
    for (const row of rows) expect(row).toHaveLength(header.length);
    expect(r.stdout).toMatch(/"[^"]*\r?\n[^"]*"/);
  });
});
