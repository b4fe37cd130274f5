import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { policyOf } from '../app.js';
import { fixedClock } from '../clock.js';
import { parseConfigText } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { VerificationError } from '../errors.js';
import { openStore } from '../store/sqlite.js';
import type { EvidenceStore } from '../store/types.js';
import { FINDINGS_JSON, runReview } from './review.js';

const CONFIG = `
org: { id: 42, name: Test Org }
timezone: UTC
amplitude: { scim: false, userManagement: false, auditLogs: false }
store: ./evidence.db
reports: ./reports
`;

describe('runReview against the previous pack', () => {
  let dir: string;
  let config: Config;
  let store: EvidenceStore;
  const clock = fixedClock('2026-11-25T10:00:00Z');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ampaudit-review-unit-'));
    const file = join(dir, 'ampaudit.config.yaml');
    writeFileSync(file, CONFIG);
    config = parseConfigText(CONFIG, { file, env: {} });
    store = openStore(config.store);
  });

  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('compares with the earlier quarter, and refuses to when its findings.json is damaged', async () => {
    const policy = policyOf(config);
    const q2 = await runReview({ config, store, clock, policy, period: '2026-Q2' });
    const q3 = await runReview({ config, store, clock, policy, period: '2026-Q3' });
    expect(q3.data.previous?.period).toBe('2026-Q2');
    // Nothing was decided either quarter (no source configured): nothing is reported resolved.
    expect(q3.data.changes.filter((c) => c.kind === 'resolved')).toEqual([]);

    writeFileSync(join(q3.pack.dir, FINDINGS_JSON), '{"findings": [');
    const later = fixedClock('2027-01-05T10:00:00Z');
    const damaged = await runReview({ config, store, clock: later, policy, period: '2026-Q4' }).catch((e: unknown) => e);
    expect(damaged).toBeInstanceOf(VerificationError);
    expect((damaged as VerificationError).file).toBe(`${q2.pack.plan.orgFolder}/2026-Q3/${FINDINGS_JSON}`);
    expect((damaged as VerificationError).message).toContain('is not a findings file');
  }, 60_000);
});
