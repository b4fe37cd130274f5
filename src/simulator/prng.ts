/**
 * A small seeded PRNG (sfc32) and helpers. Our own, so a seed gives byte-identical output on
 * every Node version (Math.random cannot be seeded).
 */

/** Mixes any number of integers into one 32-bit seed word (murmur3 finalizer per step). */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    // Split into two 32-bit halves so day numbers and large seeds both contribute.
    const lo = p >>> 0;
    const hi = Math.floor(p / 0x100000000) >>> 0;
    for (const w of [lo, hi]) {
      h = Math.imul(h ^ w, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
    }
  }
  return h >>> 0;
}

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Integer in [min, max]. */
  range(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks an index by weights. */
  weighted(weights: readonly number[]): number;
}

export function createRng(...seedParts: number[]): Rng {
  let a = mixSeed(...seedParts, 1);
  let b = mixSeed(...seedParts, 2);
  let c = mixSeed(...seedParts, 3);
  let d = 1;
  const raw = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // Warm up: sfc32 needs a few rounds before its output is well mixed.
  for (let i = 0; i < 12; i++) raw();
  const rng: Rng = {
    next: raw,
    int: (n) => Math.floor(raw() * n),
    range: (min, max) => min + Math.floor(raw() * (max - min + 1)),
    chance: (p) => raw() < p,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[Math.floor(raw() * items.length)] as (typeof items)[number];
    },
    weighted: (weights) => {
      let total = 0;
      for (const w of weights) total += w;
      let x = raw() * total;
      for (let i = 0; i < weights.length; i++) {
        x -= weights[i] ?? 0;
        if (x < 0) return i;
      }
      return weights.length - 1;
    },
  };
  return rng;
}
