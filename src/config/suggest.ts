/**
 * "Did you mean …?" for unknown keys, columns, rule ids and enum values. Typos in a config or
 * register are the most common bad input, and naming the intended word saves a round trip.
 */

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  if (n === 0) return m;
  if (m === 0) return n;
  // Three rolling rows are enough for the transposition lookback.
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m]!;
}

/** Case and separators (`-`, `_`, space) do not count: `base_url` is `baseUrl`. */
function fold(s: string): string {
  return s.toLowerCase().replace(/[-_\s]/g, '');
}

/**
 * The candidate closest to `input`, when it is close enough to be a plausible typo
 * (at most a third of the word's letters differ), else undefined.
 */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  const f = fold(input);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(f, fold(c));
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(1, Math.floor(Math.max(f.length, fold(best).length) / 3));
  return bestDistance <= limit ? best : undefined;
}

/** `; did you mean \`x\`?` or the empty string. */
export function didYouMeanSuffix(input: string, candidates: Iterable<string>): string {
  const s = didYouMean(input, candidates);
  return s === undefined ? '' : `; did you mean \`${s}\`?`;
}

/** `a, b, c` */
export function listWords(words: readonly string[]): string {
  return words.join(', ');
}
