/**
 * The alert ledger, kept in the evidence store's small key/value table (no schema change):
 *
 *   alerts.cursor                  the end of the window the last alert run looked at (ISO)
 *   alerts.sent:<alert key>        when that alert went out (or was recorded without mail)
 *   alerts.burst-end:<account>     the last failed login already counted into an alerted burst
 *
 * One row per alert: alerts are rare (high-risk events only), so the table stays small.
 */
import type { Instant } from '../domain/common.js';
import type { EvidenceStore } from '../store/types.js';

export const CURSOR_KEY = 'alerts.cursor';
const SENT = 'alerts.sent:';
const BURST_END = 'alerts.burst-end:';

export type LedgerStore = Pick<EvidenceStore, 'getMeta' | 'setMeta'>;

function validMs(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
}

export class AlertLedger {
  constructor(private readonly store: LedgerStore) {}

  /** The previous run's window end, or undefined on the first run (or an unreadable value). */
  cursor(): Instant | undefined {
    const ms = validMs(this.store.getMeta(CURSOR_KEY));
    return ms === undefined ? undefined : new Date(ms).toISOString();
  }

  has(key: string): boolean {
    return this.store.getMeta(SENT + key) !== undefined;
  }

  burstEnd(account: string): number | undefined {
    return validMs(this.store.getMeta(BURST_END + account));
  }

  /**
   * Records the alerted keys, then the burst ends, then the cursor: a crash part-way leaves the
   * old cursor, so the next run looks at the same window again and skips what is recorded.
   */
  commit(args: { readonly keys: Iterable<string>; readonly at: Instant; readonly burstEnds: ReadonlyMap<string, number>; readonly cursor: Instant }): void {
    for (const k of args.keys) this.store.setMeta(SENT + k, args.at);
    for (const [account, ms] of args.burstEnds) this.store.setMeta(BURST_END + account, new Date(ms).toISOString());
    this.store.setMeta(CURSOR_KEY, args.cursor);
  }
}
