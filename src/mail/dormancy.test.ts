import { describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import type { Finding } from '../domain/findings.js';
import { snapshotOf } from '../rules/testing.js';
import { composeDormancyNotice } from './dormancy.js';
import { mailId } from './id.js';

const finding: Finding = {
  id: 'f1',
  ruleId: 'dormant-account',
  severity: 'medium',
  status: 'open',
  subject: { kind: 'member', id: 'ann@acme.example', label: 'ann@acme.example' },
  message: 'ann@acme.example has not logged in for 70 days.',
  evidence: [],
  remediation: [],
};

const mail = { from: 'ampaudit@acme.example', to: ['security@acme.example'], attachmentLimitBytes: 10_000_000, projectDigests: false };

describe('composeDormancyNotice', () => {
  it('names the month in the configured time zone (08:00 on 1 November in Sydney is still 31 October in UTC)', () => {
    const now = '2026-10-31T21:00:00.000Z';
    const snapshot = snapshotOf({ at: now, timezone: 'Australia/Sydney' });
    const m = composeDormancyNotice({ snapshot, findings: [finding], mail, clock: fixedClock(now), dormantDays: 60 });
    expect(m?.ref).toBe(`${snapshot.org.id}/2026-11`);
    expect(m?.subject).toContain('dormancy notice 2026-11:');
    // A different outbox id from October's notice, so it is not dropped as already sent.
    expect(mailId('dormancy', m!.ref, mail.to)).not.toBe(mailId('dormancy', `${snapshot.org.id}/2026-10`, mail.to));
  });
});
