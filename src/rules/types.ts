/**
 * A rule is data (`meta`) plus one pure function (`check`). ESLint-style: one rule per file,
 * each with a table-driven test beside it, all listed in the sorted registry `index.ts`.
 *
 * A rule never does I/O and never reads the clock: it gets the snapshot (which carries the
 * evaluation time `snapshot.at`), its options (already validated, defaults filled) and nothing else.
 */
import type { z } from 'zod';
import type { Severity } from '../domain/common.js';
import type { Evidence, Subject } from '../domain/findings.js';
import type { Snapshot } from '../domain/snapshot.js';

export interface RuleMeta<O> {
  /** kebab-case id, e.g. `dormant-account`. */
  readonly id: string;
  /** The desired state; `{option}` placeholders are filled from the options (`ruleTitle`), e.g. "Active members have logged in within the last {days} days". */
  readonly title: string;
  /** Default severity (a result may raise or lower it, e.g. high for owners). */
  readonly severity: Severity;
  /** What the rule checks, for `rules explain` and the pack. */
  readonly description: string;
  /** Why it matters. */
  readonly risk: string;
  /** Concrete steps an Amplitude admin takes to fix a finding. */
  readonly remediation: readonly string[];
  /**
   * Message templates by id. Placeholders are `{name}` and are filled from a result's `data`;
   * a missing placeholder is a bug caught by the rule's test.
   */
  readonly messages: Readonly<Record<string, string>>;
  /** Options with their defaults; `{}` must parse. */
  readonly options: z.ZodType<O>;
  /** Which snapshot facts the rule needs; used to explain unknown results and in the docs. */
  readonly needs: readonly string[];
}

export interface RuleResult {
  readonly subject: Subject;
  /** Key of `meta.messages`. */
  readonly messageId: string;
  readonly data: Readonly<Record<string, string | number>>;
  readonly evidence: readonly Evidence[];
  /** Overrides `meta.severity` for this result (e.g. dormant owner → high). */
  readonly severity?: Severity;
  /**
   * `unknown`: the evidence does not reach far enough to decide. Rules emit at most one unknown
   * result each, for the org, listing what could not be decided; never a false "open".
   */
  readonly status?: 'open' | 'unknown';
  /** Project ids this result concerns (a grant's project, a key's project, the project itself), for project digests. */
  readonly projects?: readonly string[];
  /**
   * Tells apart several results about the same subject (e.g. one per audit event, subject `org`):
   * it becomes part of the stable finding id, and an exception may name it instead of the subject.
   */
  readonly instance?: string;
}

export interface Rule<O = Record<string, unknown>> {
  readonly meta: RuleMeta<O>;
  check(snapshot: Snapshot, options: O): readonly RuleResult[];
}

/** A rule with its options type erased, as stored in the registry. */
export type AnyRule = Rule<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- registry of heterogeneous rules

/** Helper for rule modules: keeps the options type while checking the shape. */
export function defineRule<O>(rule: Rule<O>): Rule<O> {
  return rule;
}
