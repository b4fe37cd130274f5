/**
 * Vocabulary shared by every layer. Types only (plus a few constant lists used for
 * validation), no behaviour.
 */

/** Where a fact came from. */
export type SourceId =
  | 'scim'
  | 'user-management'
  | 'audit-logs'
  | 'members-export'
  | 'register'
  | 'api-keys'
  | 'exceptions'
  | 'config';

export const SOURCE_IDS: readonly SourceId[] = [
  'scim',
  'user-management',
  'audit-logs',
  'members-export',
  'register',
  'api-keys',
  'exceptions',
  'config',
];

/** An ISO 8601 instant in UTC, e.g. `2026-09-30T22:00:00.000Z`. */
export type Instant = string;

/** A calendar date `YYYY-MM-DD`, read in the configured time zone (register, key inventory, exceptions). */
export type LocalDate = string;

/**
 * A value with its provenance. A field typed `Fact<T> | undefined` that is `undefined`
 * means no source gave it: the value is unknown. It is never a stand-in for "empty" or "fine".
 */
export interface Fact<T> {
  readonly value: T;
  readonly source: SourceId;
  readonly pulledAt: Instant;
}

export type Severity = 'high' | 'medium' | 'low' | 'info';

/** Most severe first. */
export const SEVERITIES: readonly Severity[] = ['high', 'medium', 'low', 'info'];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** True when `s` is as severe as `threshold` or more. */
export function atLeast(s: Severity, threshold: Severity): boolean {
  return severityRank(s) <= severityRank(threshold);
}

/**
 * An email as every source and rule compares it: trimmed and lower-cased (SPEC §3: members are
 * matched across sources by email, case-insensitively). The one definition; do not re-implement.
 */
export function normEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A half-open span of time [from, to). */
export interface Span {
  readonly from: Instant;
  readonly to: Instant;
}
