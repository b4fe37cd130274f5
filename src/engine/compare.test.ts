import { describe, expect, it } from 'vitest';
import type { Finding, FindingStatus } from '../domain/findings.js';
import { compare } from './compare.js';
import { findingId } from './evaluate.js';

function f(ruleId: string, subject: string, status: FindingStatus = 'open', firstSeen?: string): Finding {
  const s = { kind: 'member' as const, id: subject, label: subject };
  return {
    id: findingId(ruleId, s, status),
    ruleId,
    severity: 'medium',
    status,
    subject: s,
    message: `${ruleId} ${subject}`,
    evidence: [],
    remediation: [],
    ...(firstSeen ? { firstSeen } : {}),
  };
}

describe('compare', () => {
  it('without a previous pack everything present is new and first seen now', () => {
    const { findings, changes } = compare([f('r', 'a'), f('r', 'b', 'excepted')], undefined, '2026-Q4');
    expect(findings.map((x) => x.firstSeen)).toEqual(['2026-Q4', '2026-Q4']);
    expect(changes.map((c) => [c.kind, c.finding.subject.id])).toEqual([
      ['new', 'a'],
      ['new', 'b'],
    ]);
  });

  it('new, persisting (keeping the first period seen) and resolved', () => {
    const previous = {
      period: '2026-Q3',
      findings: [f('r', 'a', 'open', '2026-Q1'), f('r', 'b', 'open'), f('r', 'gone', 'open', '2026-Q2')],
    };
    const { findings, changes } = compare([f('r', 'a'), f('r', 'b'), f('r', 'c')], previous, '2026-Q4');
    expect(findings.map((x) => [x.subject.id, x.firstSeen])).toEqual([
      ['a', '2026-Q1'],
      ['b', '2026-Q3'],
      ['c', '2026-Q4'],
    ]);
    expect(changes.map((c) => [c.kind, c.finding.subject.id, c.firstSeen ?? null])).toEqual([
      ['new', 'c', null],
      ['persisting', 'a', '2026-Q1'],
      ['persisting', 'b', '2026-Q3'],
      ['resolved', 'gone', null],
    ]);
    expect(changes[3]!.finding.firstSeen).toBe('2026-Q2');
  });

  it('an open finding that became excepted persists; one that is excepted now is still present', () => {
    const previous = { period: '2026-Q3', findings: [f('r', 'a', 'open', '2026-Q2')] };
    const { changes } = compare([f('r', 'a', 'excepted')], previous, '2026-Q4');
    expect(changes.map((c) => [c.kind, c.firstSeen])).toEqual([['persisting', '2026-Q2']]);
  });

  it('unknown results are neither new nor resolved, and never continue a real finding', () => {
    const previous = { period: '2026-Q3', findings: [f('r', 'org', 'unknown', '2026-Q2')] };
    const now = [f('r', 'org', 'unknown'), f('r', 'a')];
    const { findings, changes } = compare(now, previous, '2026-Q4');
    expect(findings.map((x) => x.firstSeen)).toEqual(['2026-Q2', '2026-Q4']);
    expect(changes.map((c) => [c.kind, c.finding.subject.id])).toEqual([['new', 'a']]);
  });

  it('the same violation matches by id even if the message changed', () => {
    const prev = { ...f('r', 'a', 'open', '2026-Q1'), message: 'older wording' };
    const { changes } = compare([f('r', 'a')], { period: '2026-Q3', findings: [prev] }, '2026-Q4');
    expect(changes.map((c) => c.kind)).toEqual(['persisting']);
  });

  it('a finding whose rule cannot decide now (unknown) or did not run is not reported resolved', () => {
    const previous = { period: '2026-Q3', findings: [f('keys', 'k1', 'open', '2026-Q2'), f('off', 'b', 'open'), f('r', 'gone', 'open')] };
    const now = [f('keys', 'org', 'unknown'), f('r', 'a')];
    const { changes } = compare(now, previous, '2026-Q4', { evaluatedRules: new Set(['keys', 'r']) });
    expect(changes.map((c) => [c.kind, c.finding.ruleId, c.finding.subject.id])).toEqual([
      ['new', 'r', 'a'],
      ['resolved', 'r', 'gone'],
    ]);
  });
});
