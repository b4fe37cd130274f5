/**
 * The README's rule table, generated from the registry so the catalogue is written once.
 * The table sits between `<!-- rules:start -->` and `<!-- rules:end -->`; `write-docs.ts`
 * rewrites it and `docs.test.ts` fails when it is stale.
 */
import { ruleTitle } from '../engine/evaluate.js';
import { controlIdsFor } from './controls.js';
import { defaultOptionsText } from './explain.js';
import type { AnyRule } from './types.js';

export const START_MARKER = '<!-- rules:start -->';
export const END_MARKER = '<!-- rules:end -->';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** The markdown table of all rules (without the markers). */
export function rulesMarkdown(rules: readonly AnyRule[]): string {
  const lines = [
    '| Rule | Severity | Desired state (a finding when it does not hold) | Default options | Controls |',
    '|---|---|---|---|---|',
  ];
  for (const r of rules) {
    const opts = defaultOptionsText(r);
    lines.push(
      `| \`${r.meta.id}\` | ${r.meta.severity} | ${cell(ruleTitle(r))} | ${opts === '—' ? '—' : `\`${cell(opts)}\``} | ${controlIdsFor(r.meta.id).join(', ') || '—'} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The text between the markers (trimmed), or undefined when the README has no markers. */
export function rulesSection(readme: string): string | undefined {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start < 0 || end < 0 || end < start) return undefined;
  return readme.slice(start + START_MARKER.length, end).trim();
}

/** The README with its rules section replaced, or undefined when it has no markers. */
export function withRulesSection(readme: string, rules: readonly AnyRule[]): string | undefined {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start < 0 || end < 0 || end < start) return undefined;
  return `${readme.slice(0, start + START_MARKER.length)}\n${rulesMarkdown(rules)}${readme.slice(end)}`;
}
