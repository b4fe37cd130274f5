import { describe, expect, it } from 'vitest';
import type { Finding } from '../domain/findings.js';
import type { ExceptionEntry } from '../domain/model.js';
import { findingId } from '../engine/evaluate.js';
import { SECRET_KEY_ID, sampleReviewData } from '../../test/fixtures/pack-review-data.js';
import { exceptionStatuses } from './exception-status.js';

const entry = (over: Partial<ExceptionEntry>): ExceptionEntry => ({
  rule: 'key-rotation-overdue',
  subject: 'key-1a2b3c4d5e6f',
  reason: 'r',
  approvedBy: 'ciso@acme.example',
  approvedOn: '2026-07-01',
  expires: '2026-12-31',
  line: 1,
  ...over,
});

const settingsChange: Finding = {
  id: findingId('security-settings-changed', { kind: 'org', id: 'org' }, 'open', 'event:e47dd8224277eaf0'),
  ruleId: 'security-settings-changed',
  severity: 'medium',
  status: 'open',
  subject: { kind: 'org', id: 'org', label: 'Acme' },
  message: 'SSO changed',
  evidence: [],
  remediation: [],
};

describe('exceptionStatuses', () => {
  const base = sampleReviewData();
  const statuses = (exceptions: ExceptionEntry[], findings: readonly Finding[] = base.findings) =>
    exceptionStatuses({ snapshot: { ...base.snapshot, exceptions }, findings })!.map((x) => ({ line: x.entry.line, standing: x.standing, findings: x.findings.map((f) => f.id), covered: x.covered }));

  it('uses the engine rule for standing and names the findings of the same rule and subject', () => {
    expect(
      statuses(
        [
          // Approved after the local evaluation date (2026-10-01): the open f-key-1 stays open.
          entry({ approvedOn: '2026-10-26', expires: '2027-04-24', line: 1 }),
          // By inventory id and by fingerprint, as the engine matches keys.
          entry({ subject: SECRET_KEY_ID, expires: '2026-09-30', line: 2 }),
          entry({ subject: '1A2B3C4D5E6F', line: 3 }),
          // The excepted finding, by email in another case.
          entry({ rule: 'dormant-account', subject: 'Bob@Acme.Example', approvedOn: '2026-07-01', expires: '2026-10-31', ticket: 'SEC-12', line: 4 }),
          // By the rule's instance (the change id), which only the finding id carries.
          entry({ rule: 'security-settings-changed', subject: 'event:E47DD8224277EAF0', line: 5 }),
          entry({ rule: 'dormant-account', subject: 'nobody@acme.example', line: 6 }),
        ],
        [...base.findings, settingsChange],
      ),
    ).toEqual([
      { line: 1, standing: 'not-yet-approved', findings: ['f-key-1'], covered: 0 },
      { line: 2, standing: 'expired', findings: ['f-key-1'], covered: 0 },
      { line: 3, standing: 'in-force', findings: ['f-key-1'], covered: 0 },
      { line: 4, standing: 'in-force', findings: ['f-dormant-bob'], covered: 1 },
      { line: 5, standing: 'in-force', findings: [settingsChange.id], covered: 0 },
      { line: 6, standing: 'in-force', findings: [], covered: 0 },
    ]);
  });

  it('says unknown for a malformed date instead of failing', () => {
    expect(statuses([entry({ expires: '2026-02-30' })])).toEqual([{ line: 1, standing: 'unknown', findings: ['f-key-1'], covered: 0 }]);
  });

  it('is undefined without an exceptions file', () => {
    expect(exceptionStatuses({ snapshot: { ...base.snapshot, exceptions: undefined }, findings: base.findings })).toBeUndefined();
  });
});
