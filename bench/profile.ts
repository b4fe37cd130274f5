/**
 * Summarizes a V8 .cpuprofile (from `npm run bench -- --cpu-prof DIR` or `node --cpu-prof`):
 * self time by function and by source file, heaviest first.
 *
 *   node dist/bench/profile.js <file.cpuprofile> [top=25] [--inclusive fnA,fnB,...]
 *
 * `--inclusive` also prints, per named function, the time of the samples with it on the stack.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Time (ms) of the samples whose stack holds a function of each given name. */
export function inclusiveTimes(p: Profile, names: readonly string[]): Map<string, number> {
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const out = new Map<string, number>(names.map((n) => [n, 0]));
  const memo = new Map<number, Set<string>>();
  const namesOn = (id: number): Set<string> => {
    let set = memo.get(id);
    if (set) return set;
    const up = parent.get(id);
    set = new Set(up !== undefined ? namesOn(up) : []);
    const fn = byId.get(id)?.callFrame.functionName;
    if (fn && out.has(fn)) set.add(fn);
    memo.set(id, set);
    return set;
  };
  for (let i = 0; i < p.samples.length; i++) {
    for (const n of namesOn(p.samples[i] as number)) out.set(n, (out.get(n) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  }
  return out;
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly byFunction: readonly [string, number][];
  readonly byFile: readonly [string, number][];
}

function shortUrl(url: string): string {
  const i = url.indexOf('/dist/');
  if (i >= 0) return url.slice(i + 6);
  const n = url.lastIndexOf('/node_modules/');
  if (n >= 0) return url.slice(n + 14);
  return url.replace(/^file:\/\//, '') || '(native)';
}

export function summarizeProfile(p: Profile): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i] as number;
    self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  }
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  let total = 0;
  for (const [id, ms] of self) {
    const n = byId.get(id);
    if (!n) continue;
    total += ms;
    const url = shortUrl(n.callFrame.url);
    const name = `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
    fn.set(name, (fn.get(name) ?? 0) + ms);
    file.set(url, (file.get(url) ?? 0) + ms);
  }
  const sort = (m: Map<string, number>): [string, number][] => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return { totalMs: total, byFunction: sort(fn), byFile: sort(file) };
}

function main(): void {
  const args = process.argv.slice(2);
  const inc = args.indexOf('--inclusive');
  const names = inc >= 0 ? (args[inc + 1] ?? '').split(',').filter(Boolean) : [];
  if (inc >= 0) args.splice(inc, 2);
  const [path, topArg] = args;
  if (!path) throw new Error('usage: profile.js <file.cpuprofile> [top] [--inclusive fnA,fnB]');
  const top = Number(topArg ?? 25);
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const s = summarizeProfile(profile);
  if (names.length > 0) {
    console.log('inclusive:');
    for (const [k, v] of inclusiveTimes(profile, names)) console.log(`  ${((v / s.totalMs) * 100).toFixed(1).padStart(5)}%  ${v.toFixed(0).padStart(7)} ms  ${k}`);
    console.log('');
  }
  const pct = (ms: number): string => `${((ms / s.totalMs) * 100).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(7)} ms`;
  console.log(`total ${s.totalMs.toFixed(0)} ms sampled\n\nby file:`);
  for (const [k, v] of s.byFile.slice(0, top)) console.log(`  ${pct(v)}  ${k}`);
  console.log('\nby function:');
  for (const [k, v] of s.byFunction.slice(0, top)) console.log(`  ${pct(v)}  ${k}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
