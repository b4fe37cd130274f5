/**
 * Mail templates: Handlebars files in `templates/` (shipped), any of which an operator folder
 * (`mail.templates`) replaces by file name.
 *
 *   <name>.html.hbs, <name>.txt.hbs      a message body (name: review, digest, alert)
 *   _<partial>.html.hbs, _<partial>.txt.hbs   a partial, used as {{> partial}} in that format
 *
 * HTML and text use two separate Handlebars environments: HTML templates escape every `{{value}}`
 * (data is never trusted; the shipped templates never use `{{{ }}}`), text templates do not
 * escape (plain text is not markup) and a partial of one format can never leak into the other.
 * Helpers return plain strings, so in HTML their output is escaped too.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { InputError } from '../errors.js';
import { num } from '../pack/pdf/format.js';
import { padEnd, padStart, rule, wrap } from './text.js';

export type TemplateFormat = 'html' | 'txt';
export type TemplateName = 'review' | 'digest' | 'alert' | 'dormancy';

const FILE = /^(_?)([A-Za-z0-9][A-Za-z0-9-]*)\.(html|txt)\.hbs$/;

/** The shipped templates folder: `templates/` at the package root (from src/ or dist/src/). */
export function builtinTemplatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'templates');
    if (existsSync(join(candidate, 'review.html.hbs'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('bug: the shipped mail templates (templates/review.html.hbs) were not found next to the package');
}

export interface TemplateSet {
  render(name: TemplateName, format: TemplateFormat, view: object): string;
  /** Where each template file came from (for `config validate` and debugging). */
  readonly sources: ReadonlyMap<string, string>;
}

function listTemplates(dir: string): string[] {
  return readdirSync(dir).filter((n) => FILE.test(n));
}

function registerHelpers(hb: typeof Handlebars): void {
  const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
  const int = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);
  hb.registerHelper('wrap', (text: unknown, width: unknown, indent: unknown, first: unknown) =>
    wrap(str(text), int(width, 72), int(indent, 0), int(first, int(indent, 0))),
  );
  hb.registerHelper('pad', (v: unknown, n: unknown) => padEnd(str(v), int(n, 10)));
  hb.registerHelper('padStart', (v: unknown, n: unknown) => padStart(str(v), int(n, 10)));
  hb.registerHelper('rule', (n: unknown, ch: unknown) => rule(int(n, 72), typeof ch === 'string' ? ch : '-'));
  hb.registerHelper('num', (n: unknown) => (typeof n === 'number' ? num(n) : str(n)));
  // The last argument of a helper is Handlebars' options object, not a value.
  hb.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map(str).join(''));
  hb.registerHelper('upper', (s: unknown) => str(s).toUpperCase());
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('gt', (a: unknown, b: unknown) => typeof a === 'number' && typeof b === 'number' && a > b);
  hb.registerHelper('plural', (n: unknown, one: unknown, many: unknown) => {
    const k = int(n, 0);
    const o = str(one);
    return `${num(k)} ${k === 1 ? o : typeof many === 'string' ? many : `${o}s`}`;
  });
}

function checkSyntax(hb: typeof Handlebars, source: string, file: string): void {
  try {
    hb.parse(source);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const line = /line (\d+)/.exec(msg)?.[1];
    throw new InputError(
      `mail template ${file} is not valid Handlebars: ${msg.split('\n')[0] ?? msg}`,
      { file, ...(line ? { line: Number(line) } : {}), field: 'mail.templates' },
      'fix the template, or remove it from the folder to use the shipped one',
    );
  }
}

/**
 * Loads the shipped templates and the operator's replacements. Throws InputError when the
 * operator folder is missing or a template in it does not parse.
 */
export function loadTemplates(options: { builtinDir?: string; overrideDir?: string } = {}): TemplateSet {
  const builtinDir = resolve(options.builtinDir ?? builtinTemplatesDir());
  const files = new Map<string, string>();
  for (const n of listTemplates(builtinDir)) files.set(n, join(builtinDir, n));
  if (options.overrideDir !== undefined) {
    const od = resolve(options.overrideDir);
    if (!existsSync(od) || !statSync(od).isDirectory()) {
      throw new InputError(`the mail templates folder ${od} does not exist`, { field: 'mail.templates' }, 'create it, or remove `mail.templates` to use the shipped templates');
    }
    for (const n of listTemplates(od)) files.set(n, join(od, n));
  }

  const envs: Record<TemplateFormat, typeof Handlebars> = { html: Handlebars.create(), txt: Handlebars.create() };
  registerHelpers(envs.html);
  registerHelpers(envs.txt);
  const compiled = new Map<string, Handlebars.TemplateDelegate>();
  for (const [name, path] of files) {
    const m = FILE.exec(name);
    if (!m) continue;
    const [, underscore, base, fmt] = m as unknown as [string, string, string, TemplateFormat];
    const hb = envs[fmt];
    const source = readFileSync(path, 'utf8');
    checkSyntax(hb, source, path);
    if (underscore) hb.registerPartial(base, source);
    else compiled.set(`${base}.${fmt}`, hb.compile(source, { noEscape: fmt === 'txt' }));
  }

  return {
    sources: files,
    render(name, format, view) {
      const t = compiled.get(`${name}.${format}`);
      if (!t) throw new Error(`bug: no mail template ${name}.${format}.hbs in ${builtinDir}`);
      try {
        return t(view);
      } catch (err) {
        const file = files.get(`${name}.${format}.hbs`) ?? name;
        const msg = err instanceof Error ? err.message : String(err);
        throw new InputError(`mail template ${file} failed: ${msg.split('\n')[0] ?? msg}`, { file, field: 'mail.templates' }, 'fix the template (a partial it uses may be missing)');
      }
    },
  };
}

/** The templates for a mail setting: the shipped ones (or `builtinDir`, for tests) with `mail.templates` replacing by file name. */
export function templatesForMail(mail: { readonly templates?: string | undefined }, builtinDir?: string): TemplateSet {
  return loadTemplates({ ...(builtinDir ? { builtinDir } : {}), ...(mail.templates ? { overrideDir: mail.templates } : {}) });
}
