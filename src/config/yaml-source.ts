/**
 * YAML parsing that remembers where every value came from, so errors about a value can name
 * its file, line and column. Used by the config loader and by the YAML file sources.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { InputError, type InputLocation } from '../errors.js';

export type KeyPath = readonly (string | number)[];

/**
 * Where a key path is in the file. `key` points at the key of the last segment (for unknown
 * keys), `value` at its value. A path that does not exist points at its deepest existing parent.
 */
export type Locate = (path: KeyPath, target?: 'key' | 'value') => InputLocation;

export interface ParsedYaml {
  readonly data: unknown;
  readonly locate: Locate;
}

/** `policy.dormant-account.days`, `projects[0].id` */
export function formatKeyPath(path: KeyPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  if (typeof key === 'string' || typeof key === 'number') return String(key);
  return undefined;
}

function makeLocate(doc: Document, lines: LineCounter, file: string): Locate {
  const at = (offset: number | undefined): { line?: number; column?: number } => {
    if (offset === undefined) return {};
    const pos = lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  return (path, target = 'value') => {
    let node: unknown = doc.contents;
    let offset: number | undefined = (doc.contents as Node | null)?.range?.[0];
    let parentKeyOffset: number | undefined;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      if (isAlias(node)) node = node.resolve(doc);
      let next: unknown;
      let keyOffset: number | undefined;
      let found = false;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(seg));
        if (pair) {
          found = true;
          next = pair.value;
          keyOffset = (pair.key as Node | null)?.range?.[0];
        }
      } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
        found = true;
        next = node.items[seg];
      }
      if (!found) {
        // A missing key: point at the key of its parent (`org:` when `org.name` is missing).
        offset = parentKeyOffset ?? offset;
        break;
      }
      const valueOffset = (next as Node | null | undefined)?.range?.[0];
      const last = i === path.length - 1;
      offset = last && target === 'key' ? (keyOffset ?? valueOffset ?? offset) : (valueOffset ?? keyOffset ?? offset);
      parentKeyOffset = keyOffset ?? valueOffset;
      node = next;
    }
    const pos = at(offset);
    return {
      file,
      ...(pos.line !== undefined ? { line: pos.line, column: pos.column } : { line: 1, column: 1 }),
      ...(path.length > 0 ? { field: formatKeyPath(path) } : {}),
    };
  };
}

const YAML_HINTS: Record<string, string> = {
  DUPLICATE_KEY: 'each key may appear only once in a mapping; remove or merge the repeated one',
  BAD_INDENT: 'check the indentation: nested keys need more spaces than their parent, and tabs are not allowed',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  BLOCK_AS_IMPLICIT_KEY: 'check the indentation of the lines around it, and quote values that contain ": "',
  MISSING_CHAR: 'a bracket or quote is not closed',
  MULTILINE_IMPLICIT_KEY: 'a key must fit on one line; check for a missing colon or an unclosed quote',
};

/**
 * Parses YAML text (BOM and CRLF tolerated). Syntax errors become one InputError naming
 * file:line:column, with the rest in `more`.
 */
export function parseYamlSource(text: string, file: string, opts: { readonly allStrings?: boolean } = {}): ParsedYaml {
  const lines = new LineCounter();
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // `allStrings` (the failsafe schema) keeps every scalar as written: `0123` stays `0123`, `yes` stays `yes`.
  const doc = parseDocument(src, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
    ...(opts.allStrings ? { schema: 'failsafe' as const } : {}),
  });
  if (doc.errors.length > 0) {
    const errs = doc.errors.map((e) => {
      const pos = lines.linePos(e.pos[0]);
      // The library's message names the construct, never the file's content.
      const msg = e.message.replace(/\s*at line \d+, column \d+.*$/s, '').trim();
      return new InputError(
        `YAML syntax error: ${msg.charAt(0).toLowerCase()}${msg.slice(1)}`,
        { file, line: pos.line, column: pos.col },
        /end with a [}\]]/.test(e.message)
          ? 'a `{` or `[` opened at or before this place is not closed, or the next line is not indented enough'
          : (YAML_HINTS[e.code] ?? 'fix the YAML syntax at this place'),
      );
    });
    throw new InputError(errs[0]!.problem, errs[0]!.where, errs[0]!.hint, errs.slice(1));
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new InputError(`YAML could not be read: ${(err as Error).message}`, { file, line: 1, column: 1 }, 'remove excessive aliases');
  }
  return { data, locate: makeLocate(doc, lines, file) };
}
