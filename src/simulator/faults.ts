/**
 * Injected faults. Each switch has a `count` that goes down by one each time it fires, and an
 * optional `pathPrefix` limiting it to matching request paths.
 */
import type { FaultSwitches } from './types.js';

export type CountedFault = Exclude<keyof FaultSwitches, 'latencyMs'>;

export class FaultState {
  private faults: FaultSwitches;

  constructor(initial: FaultSwitches = {}) {
    this.faults = clone(initial);
  }

  set(faults: FaultSwitches): void {
    this.faults = clone(faults);
  }

  get latencyMs(): number {
    return this.faults.latencyMs ?? 0;
  }

  /**
   * Fires the switch for this path if it is armed: returns its settings and counts it down,
   * or returns undefined.
   */
  take<K extends CountedFault>(kind: K, path: string): NonNullable<FaultSwitches[K]> | undefined {
    const f = this.faults[kind];
    if (!f || f.count <= 0) return undefined;
    if (f.pathPrefix !== undefined && !path.startsWith(f.pathPrefix)) return undefined;
    const fired = { ...f };
    f.count -= 1;
    return fired as NonNullable<FaultSwitches[K]>;
  }

  /** True when the switch would fire for this path (without counting it down). */
  armed(kind: CountedFault, path: string): boolean {
    const f = this.faults[kind];
    return !!f && f.count > 0 && (f.pathPrefix === undefined || path.startsWith(f.pathPrefix));
  }
}

function clone(f: FaultSwitches): FaultSwitches {
  const out: FaultSwitches = {};
  if (f.latencyMs !== undefined) out.latencyMs = f.latencyMs;
  if (f.burst429) out.burst429 = { ...f.burst429 };
  if (f.serverErrors) out.serverErrors = { ...f.serverErrors };
  if (f.resets) out.resets = { ...f.resets };
  if (f.truncated) out.truncated = { ...f.truncated };
  if (f.shortPage) out.shortPage = { ...f.shortPage };
  if (f.repeatCursor) out.repeatCursor = { ...f.repeatCursor };
  return out;
}
