/**
 * The few error classes of ampaudit. The core throws them; only the CLI prints them and maps
 * them to exit codes (2 input, 3 source or delivery, 70 bug).
 */

export interface InputLocation {
  /** File the bad input is in (config, register, ...). */
  readonly file?: string;
  /** 1-based line, when known. */
  readonly line?: number;
  /** 1-based column, when known. */
  readonly column?: number;
  /** Key path or column name, e.g. `policy.dormant-account.days` or `end_date`. */
  readonly field?: string;
}

export abstract class AmpauditError extends Error {
  abstract readonly code: string;
  abstract readonly exitCode: number;
}

/** The user's input is wrong: config, a file source, a command-line argument. Exit 2. */
export class InputError extends AmpauditError {
  readonly code = 'E_INPUT';
  readonly exitCode = 2;
  constructor(
    /** What is wrong, in one sentence. */
    readonly problem: string,
    readonly where: InputLocation = {},
    /** How to fix it. */
    readonly hint?: string,
    /** Further problems found in the same input, so the user can fix them in one go. */
    readonly more: readonly InputError[] = [],
  ) {
    super(formatInputProblem(problem, where, hint));
    this.name = 'InputError';
  }
}

export function formatLocation(where: InputLocation): string {
  const parts: string[] = [];
  if (where.file) {
    let place = where.file;
    if (where.line !== undefined) place += `:${where.line}`;
    if (where.line !== undefined && where.column !== undefined) place += `:${where.column}`;
    parts.push(place);
  }
  if (where.field) parts.push(where.field);
  return parts.join(' ');
}

function formatInputProblem(problem: string, where: InputLocation, hint?: string): string {
  const place = formatLocation(where);
  return `${place ? `${place}: ` : ''}${problem}${hint ? ` (${hint})` : ''}`;
}

/** A source (Amplitude API or a file read) failed; the collect for that source is not recorded as complete. Exit 3. */
export class SourceError extends AmpauditError {
  readonly code: 'E_SOURCE' | 'E_SOURCE_RATE_LIMITED' | 'E_SOURCE_AUTH' | 'E_SOURCE_PROTOCOL' = 'E_SOURCE';
  readonly exitCode = 3;
  constructor(
    readonly source: string,
    message: string,
    readonly details: {
      readonly status?: number;
      readonly retryable?: boolean;
      readonly code?: 'E_SOURCE' | 'E_SOURCE_RATE_LIMITED' | 'E_SOURCE_AUTH' | 'E_SOURCE_PROTOCOL';
      readonly url?: string;
      readonly cause?: unknown;
    } = {},
  ) {
    super(`${source}: ${message}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'SourceError';
    if (details.code) this.code = details.code;
  }
  get retryable(): boolean {
    return this.details.retryable ?? false;
  }
}

/** Mail could not be delivered (it stays in the outbox). Exit 3. */
export class DeliveryError extends AmpauditError {
  readonly code = 'E_DELIVERY';
  readonly exitCode = 3;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeliveryError';
  }
}

/** Another run holds the lock, or an archive operation was refused. Exit 3. */
export class ConflictError extends AmpauditError {
  readonly code = 'E_CONFLICT';
  readonly exitCode = 3;
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** A verification failed: a pack was altered, a chain is broken. Exit 1 from `packs verify`. */
export class VerificationError extends AmpauditError {
  readonly code = 'E_VERIFY';
  readonly exitCode = 1;
  constructor(
    message: string,
    /** The file that failed, relative to the archive. */
    readonly file?: string,
  ) {
    super(message);
    this.name = 'VerificationError';
  }
}

export function exitCodeOf(err: unknown): number {
  return err instanceof AmpauditError ? err.exitCode : 70;
}
