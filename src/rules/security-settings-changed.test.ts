import { describe, expect, it } from 'vitest';
import type { EventSummary } from '../domain/snapshot.js';
import { findingId } from '../engine/evaluate.js';
import rule from './security-settings-changed.js';
import { brief, daysAgo, runRule, snapshotOf, type SnapshotInput } from './testing.js';

const sso: EventSummary = {
  fp: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  time: '2026-10-05T14:03:00.000Z',
  kind: 'sso_change',
  domain: 'org',
  feature: 'sso',
  action: 'update_sso_config',
  actor: 'root@acme.example',
};
const scim: EventSummary = { ...sso, fp: 'ffeeddccbbaa99887766554433221100', time: '2026-11-01T08:00:00.000Z', kind: 'scim_change', feature: 'scim', action: 'regenerate_scim_key' };

interface Case {
  name: string;
  input: SnapshotInput;
  expect: [string, string][];
  message?: string;
}

const cases: Case[] = [
  {
    name: 'fires: one finding per change',
    input: { securityChanges: [scim, sso] },
    expect: [
      ['open', 'org'],
      ['open', 'org'],
    ],
    message: 'SSO configuration changed on 2026-10-05 14:03 by root@acme.example (org/sso/update_sso_config): confirm it was planned and approved.',
  },
  { name: 'does not fire: no changes', input: { securityChanges: [] }, expect: [] },
  {
    name: 'boundary: a change at the exact start of the period counts, one just before does not',
    input: { securityChanges: [{ ...sso, time: '2026-10-01T00:00:00.000Z' }, { ...scim, time: '2026-09-30T23:59:59.999Z' }] },
    expect: [['open', 'org']],
  },
  {
    name: 'unknown: audit log not collected',
    input: { unknown: ['events'], coverageSince: null },
    expect: [['unknown', 'org']],
    message: 'Security-settings changes are not fully listed: the audit log is not collected.',
  },
  {
    name: 'unknown: part of the period uncovered, changes seen are still listed',
    input: { securityChanges: [scim], coverageSince: daysAgo(30) },
    expect: [
      ['open', 'org'],
      ['unknown', 'org'],
    ],
  },
];

describe('security-settings-changed', () => {
  it.each(cases)('$name', (c) => {
    const findings = runRule(rule, snapshotOf(c.input));
    expect(brief(findings)).toEqual(c.expect);
    if (c.message) expect(findings[0]!.message).toBe(c.message);
    for (const f of findings) expect(f.severity).toBe('info');
  });

  it('each change is its own finding about the org: distinct stable ids, change id in the evidence', () => {
    const findings = runRule(rule, snapshotOf({ securityChanges: [scim, sso] }));
    expect(findings.map((f) => f.id)).toEqual([
      findingId('security-settings-changed', { kind: 'org', id: 'org' }, 'open', 'event:a1b2c3d4e5f60718'),
      findingId('security-settings-changed', { kind: 'org', id: 'org' }, 'open', 'event:ffeeddccbbaa9988'),
    ]);
    expect(findings[0]!.id).not.toBe(findings[1]!.id);
    expect(findings[0]!.evidence).toContainEqual({ label: 'Change id (for an exception)', value: 'event:a1b2c3d4e5f60718' });
  });

  it('the time in the message is local to the configured zone', () => {
    const [f] = runRule(rule, snapshotOf({ timezone: 'Europe/Berlin', securityChanges: [sso] }));
    expect(f!.message).toMatch(/^SSO configuration changed on 2026-10-05 16:03 by/);
    expect(f!.subject.label).toBe('SSO configuration changed on 2026-10-05 16:03');
  });

  it.each([
    { expires: '2027-02-01', status: 'excepted' },
    { expires: '2026-11-10', status: 'open' },
  ])('exception naming the event expiring $expires → $status', ({ expires, status }) => {
    const findings = runRule(rule, snapshotOf({ securityChanges: [sso, scim] }), {
      exceptions: [{ rule: 'security-settings-changed', subject: 'event:a1b2c3d4e5f60718', expires }],
    });
    expect(findings.map((f) => f.status)).toEqual([status, 'open']);
    expect(findings[0]!.message.includes(`expired on ${expires}`)).toBe(status === 'open');
  });
});
