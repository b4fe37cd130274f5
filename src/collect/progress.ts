/** How a collect reports what it is doing; the CLI renders it as a progress bar or plain lines. */
import type { SourceId } from '../domain/common.js';

export interface CollectProgress {
  /** A source started; `total` when known (e.g. audit-log windows). */
  start(source: SourceId, total?: number): void;
  /** Part of a source finished (an audit-log window, ...). */
  advance(source: SourceId, done: number, detail: string): void;
  finish(source: SourceId, outcome: 'ok' | 'failed' | 'skipped', detail: string): void;
}

export const silentProgress: CollectProgress = {
  start: () => {},
  advance: () => {},
  finish: () => {},
};
