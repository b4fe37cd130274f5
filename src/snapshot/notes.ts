/**
 * Data-quality notes: plain sentences about where sources disagree. A 50k-member org can
 * disagree a lot, so each kind of note keeps a few examples and then says how many more.
 */
export const EXAMPLES_PER_KIND = 10;

export class Notes {
  private readonly order: string[] = [];
  private readonly kinds = new Map<string, { sentences: string[]; more: number; summary: (n: number) => string }>();

  /** Adds a sentence of kind `kind`; past EXAMPLES_PER_KIND, only counted. */
  add(kind: string, sentence: string, summary: (more: number) => string = (n) => `…and ${n} more like this.`): void {
    let k = this.kinds.get(kind);
    if (!k) {
      k = { sentences: [], more: 0, summary };
      this.kinds.set(kind, k);
      this.order.push(kind);
    }
    if (k.sentences.length < EXAMPLES_PER_KIND) k.sentences.push(sentence);
    else k.more++;
  }

  list(): string[] {
    const out: string[] = [];
    for (const kind of this.order) {
      const k = this.kinds.get(kind);
      if (!k) continue;
      out.push(...k.sentences);
      if (k.more > 0) out.push(k.summary(k.more));
    }
    return out;
  }
}
