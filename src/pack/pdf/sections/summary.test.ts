import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../domain/findings.js';
import { acrossRules } from './summary.js';

const f = (ruleId: string, n: number): Finding => ({ id: `${ruleId}-${n}`, ruleId }) as unknown as Finding;
const ids = (list: Finding[]): string[] => list.map((x) => x.id);

describe('acrossRules', () => {
  const sorted = [f('a', 1), f('a', 2), f('a', 3), f('a', 4), f('b', 1), f('a', 5), f('c', 1), f('c', 2)];

  it('takes each rule in turn, in the order of its first finding', () => {
    expect(ids(acrossRules(sorted, 5))).toEqual(['a-1', 'b-1', 'c-1', 'a-2', 'c-2']);
  });

  it('fills from the rules that still have findings', () => {
    expect(ids(acrossRules(sorted, 10))).toEqual(['a-1', 'b-1', 'c-1', 'a-2', 'c-2', 'a-3', 'a-4', 'a-5']);
  });

  it('handles none and a limit of zero', () => {
    expect(acrossRules([], 10)).toEqual([]);
    expect(acrossRules(sorted, 0)).toEqual([]);
  });
});
