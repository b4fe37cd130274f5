/**
 * Reading event blocks in time order. Blocks written from sorted input do not overlap, but a
 * late event or an unsorted window can produce blocks whose time ranges do; the cursor merges
 * them, holding only the blocks that overlap the current time (usually one).
 */
import { compareFp, type BlockCols } from './codec.js';

export interface BlockRef {
  readonly id: number;
  readonly tMin: number;
  readonly tMax: number;
  readonly n: number;
}

/** First index in the sorted `ts` with ts[i] >= t. */
export function lowerBound(ts: Float64Array, t: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ts[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface Open<B> {
  readonly block: B;
  readonly cols: BlockCols;
  i: number;
  readonly end: number;
}

/**
 * Visits events with `lo <= ts < hi` in (time, fingerprint) order. `refs` must be the blocks
 * whose range meets [lo, hi), sorted by tMin. `load` reads one block; after `next()` returns
 * true, `block`/`cols`/`i` name the current event.
 */
export class MergeCursor<B extends { readonly cols: BlockCols }> {
  private readonly open: Open<B>[] = [];
  private nextRef = 0;
  block!: B;
  cols!: BlockCols;
  i = -1;
  /** After `nextRun()`: the current run is events [i, end) of `cols`, already in order. */
  end = -1;

  constructor(
    private readonly refs: readonly BlockRef[],
    private readonly load: (ref: BlockRef) => B,
    private readonly lo: number,
    private readonly hi: number,
  ) {}

  /**
   * Like `next()`, but when one block alone covers the time ahead, the whole remaining stretch
   * of it is one run [i, end): callers loop over typed arrays without a call per event.
   */
  nextRun(): boolean {
    if (!this.fill()) return false;
    const open = this.open;
    if (open.length === 1) {
      const o = open[0] as Open<B>;
      const ref = this.refs[this.nextRef];
      let end = o.end;
      if (ref !== undefined) end = Math.min(end, lowerBound(o.cols.ts, ref.tMin));
      if (end > o.i) {
        this.block = o.block;
        this.cols = o.cols;
        this.i = o.i;
        this.end = end;
        o.i = end;
        if (o.i >= o.end) open.length = 0;
        return true;
      }
    }
    if (!this.pick()) return false;
    this.end = this.i + 1;
    return true;
  }

  next(): boolean {
    return this.fill() && this.pick();
  }

  /** Opens every block that may hold the next event; false when nothing is left. */
  private fill(): boolean {
    const open = this.open;
    for (;;) {
      let minTs = Infinity;
      for (const o of open) {
        const t = o.cols.ts[o.i] as number;
        if (t < minTs) minTs = t;
      }
      const ref = this.refs[this.nextRef];
      if (ref === undefined || ref.tMin > minTs) break;
      this.nextRef++;
      if (ref.tMax < this.lo || ref.tMin >= this.hi) continue;
      const block = this.load(ref);
      const start = lowerBound(block.cols.ts, this.lo);
      const end = lowerBound(block.cols.ts, this.hi);
      if (start < end) open.push({ block, cols: block.cols, i: start, end });
    }
    return open.length > 0;
  }

  private pick(): boolean {
    const open = this.open;
    if (open.length === 0) return false;
    let best = 0;
    if (open.length > 1) {
      for (let k = 1; k < open.length; k++) {
        const a = open[k] as Open<B>;
        const b = open[best] as Open<B>;
        const d = (a.cols.ts[a.i] as number) - (b.cols.ts[b.i] as number);
        if (d < 0 || (d === 0 && compareFp(a.cols.fp, a.i, b.cols.fp, b.i) < 0)) best = k;
      }
    }
    const o = open[best] as Open<B>;
    this.block = o.block;
    this.cols = o.cols;
    this.i = o.i;
    o.i++;
    if (o.i >= o.end) open.splice(best, 1);
    return true;
  }
}
