/**
 * The quarterly review: snapshot at the end of the quarter → rules → comparison with the
 * previous pack → CSVs + PDF (with the CSVs embedded) + findings.json → manifest, written
 * atomically into the archive.
 */
import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import { SEVERITIES, type Severity } from '../domain/common.js';
import type { Finding } from '../domain/findings.js';
import { compare, type PreviousFindings } from '../engine/compare.js';
import { controlOutcomes } from '../engine/controls.js';
import { ruleTitle } from '../engine/evaluate.js';
import type { ResolvedPolicy } from '../engine/policy.js';
import { InputError, VerificationError } from '../errors.js';
import { latestPack, listPacks, planPack, writePack, type PackInfo, type WrittenPack } from '../pack/archive.js';
import { CSV_FILES, writeAllCsvs, type CsvName } from '../pack/csv/index.js';
import type { CsvFileResult } from '../pack/csv/writer.js';
import { fileInput, manifestInputsFromReview, sourceInputs, writeCanonicalJsonFile, type InputEntry } from '../pack/manifest.js';
import { renderPdf } from '../pack/pdf/index.js';
import type { SigningKey } from '../pack/signing.js';
import type { ReviewData, TrendPoint } from '../pack/types.js';
import { lastCompletedQuarter, parsePeriodLabel } from '../period.js';
import { controlIdsFor } from '../rules/controls.js';
import { RULES } from '../rules/index.js';
import type { EvidenceStore } from '../store/types.js';
import { releaseMemory } from '../memory.js';
import { TOOL_VERSION } from '../version.js';
import { evaluateAt } from './evaluate-at.js';

export const PDF_FILE = 'review-pack.pdf';
export const FINDINGS_JSON = 'findings.json';
/** CSVs larger than this are kept beside the PDF but not embedded in it (a 5M-event activity log is >1 GB). */
export const DEFAULT_EMBED_LIMIT = 64 * 1024 * 1024;
const TREND_QUARTERS = 8;

export interface ReviewOptions {
  readonly config: Config;
  readonly store: EvidenceStore;
  readonly clock: Clock;
  readonly policy: ResolvedPolicy;
  /** `2026-Q3`; default: the last completed quarter. */
  readonly period?: string;
  readonly signingKey?: SigningKey;
  readonly embedLimitBytes?: number;
}

export interface ReviewResult {
  readonly pack: WrittenPack;
  readonly data: ReviewData;
  readonly pdfPath: string;
  readonly csvs: Readonly<Record<CsvName, CsvFileResult>>;
  /** CSVs too large to embed in the PDF. */
  readonly notEmbedded: readonly string[];
  readonly pages: number;
}

export async function runReview(o: ReviewOptions): Promise<ReviewResult> {
  const { config, store, clock, policy } = o;
  const now = clock.now();
  const tz = config.timezone;
  const fy = config.fiscalYearStartMonth;
  const period = o.period ? parsePeriodLabel(o.period, tz, fy) : lastCompletedQuarter(now, tz, fy);
  if (new Date(period.end).getTime() > now.getTime()) {
    throw new InputError(
      `${period.label} has not ended yet (it ends ${period.end})`,
      { field: '--period' },
      'a review covers a completed quarter; use `ampaudit check` for the quarter in progress',
    );
  }
  const org = { id: config.org.id, name: config.org.name };
  // Plan first (without writing) to know which pack to compare with; writePack plans again under its own checks.
  const plan = planPack(config.reports, org, period.label);
  const { snapshot, findings: evaluated } = evaluateAt({ config, store, policy, at: period.end, period });
  const previous = plan.comparedWith ? readPreviousFindings(plan.comparedWith) : undefined;
  const enabled = Object.fromEntries(RULES.map((r) => [r.meta.id, policy[r.meta.id]?.enabled ?? true]));
  const { findings, changes } = compare(evaluated, previous, period.label, { evaluatedRules: evaluatedRules(policy) });
  // Stage boundaries (see memory.ts): the parsed pulls and the rules' working sets are dead here.
  releaseMemory();
  const data: ReviewData = {
    toolVersion: TOOL_VERSION,
    generatedAt: now.toISOString(),
    periodLabel: period.label,
    revision: plan.revision,
    snapshot,
    findings,
    changes,
    ...(plan.comparedWith?.manifestSha256
      ? {
          previous: {
            period: plan.comparedWith.period,
            dir: plan.comparedWith.dirName,
            manifestSha256: plan.comparedWith.manifestSha256,
            generatedAt: plan.comparedWith.generatedAt ?? '',
          },
        }
      : {}),
    trend: trendOf(listPacks(config.reports, org.id), period.label, findings),
    controls: controlOutcomes(findings, enabled),
    rules: RULES.map((r) => ({
      id: r.meta.id,
      title: ruleTitle(r, policy[r.meta.id]?.options),
      severity: policy[r.meta.id]?.severity ?? r.meta.severity,
      description: r.meta.description,
      risk: r.meta.risk,
      remediation: r.meta.remediation,
      enabled: enabled[r.meta.id] ?? true,
      controls: controlIdsFor(r.meta.id),
    })),
    events: (span) => store.iterateEvents(span),
  };

  const limit = o.embedLimitBytes ?? DEFAULT_EMBED_LIMIT;
  let csvs: Record<CsvName, CsvFileResult> | undefined;
  let notEmbedded: readonly string[] = [];
  let pages = 0;
  const pack = await writePack({
    root: config.reports,
    org,
    periodLabel: period.label,
    clock,
    ...(o.signingKey ? { signingKey: o.signingKey } : {}),
    render: async (tmpDir) => {
      csvs = await writeAllCsvs(data, tmpDir);
      // Written piece by piece: for a large org it is tens of MB (same bytes as canonicalJson + \n).
      writeCanonicalJsonFile(join(tmpDir, FINDINGS_JSON), { period: snapshot.period, coverage: snapshot.coverage, findings, changes }, '\n');
      const attachments = [];
      const big: { name: string; bytes: number; sha256: string }[] = [];
      for (const name of Object.keys(CSV_FILES) as CsvName[]) {
        const file = csvs[name];
        const fileName = CSV_FILES[name];
        if (file.bytes > limit) {
          big.push({ name: fileName, bytes: file.bytes, sha256: file.sha256 });
          continue;
        }
        // Read when embedded, one at a time (not all held while the pages are laid out).
        attachments.push({ name: fileName, bytes: () => readFileSync(file.path), size: file.bytes, sha256: file.sha256, mime: 'text/csv', description: csvDescription(fileName) });
      }
      notEmbedded = big.map((b) => b.name);
      releaseMemory();
      const result = await renderPdf({ ...data, notEmbedded: big }, attachments, join(tmpDir, PDF_FILE));
      pages = result.pages;
    },
    manifestInputs: () => manifestInputsFromReview(data, inputsOf(config, snapshot.sources)),
  });
  if (!csvs) throw new Error('bug: the pack was written without its CSVs');
  const moved = Object.fromEntries(
    Object.entries(csvs).map(([k, v]) => [k, { ...v, path: join(pack.dir, CSV_FILES[k as CsvName]) }]),
  ) as Record<CsvName, CsvFileResult>;
  return { pack, data, pdfPath: join(pack.dir, PDF_FILE), csvs: moved, notEmbedded, pages };
}

function inputsOf(config: Config, sources: ReviewData['snapshot']['sources']): InputEntry[] {
  const out = sourceInputs(sources, config.baseDir);
  // The config as it was loaded for this run (not as the file is now).
  if (config.file && config.fileHash) out.push({ kind: 'config', path: relative(config.baseDir, config.file).split(sep).join('/') || '.', ...config.fileHash });
  else if (config.file) out.push(fileInput('config', config.file, config.baseDir));
  return out;
}

/** The rules the policy switches on (a rule switched off decides nothing, so resolves nothing). */
function evaluatedRules(policy: ResolvedPolicy): Set<string> {
  return new Set(RULES.filter((r) => policy[r.meta.id]?.enabled ?? true).map((r) => r.meta.id));
}

/**
 * `check`'s findings with their history: each one's first-seen quarter from the newest archived
 * pack before `periodLabel` (a finding not in it is first seen now). An archive that cannot be
 * read gives the findings without history and says why: check reports the current state, and
 * `packs verify` is where the damage gets named.
 */
export function withHistory(config: Config, policy: ResolvedPolicy, periodLabel: string, evaluated: readonly Finding[]): { findings: Finding[]; comparedWith?: string; problem?: string } {
  let previous: PreviousFindings | undefined;
  let comparedWith: string | undefined;
  let problem: string | undefined;
  try {
    const pack = latestPack(config.reports, { id: config.org.id, name: config.org.name }, periodLabel);
    if (pack) {
      previous = readPreviousFindings(pack);
      comparedWith = pack.dirName;
    }
  } catch (err) {
    problem = err instanceof Error ? err.message : String(err);
  }
  const { findings } = compare(evaluated, previous, periodLabel, { evaluatedRules: evaluatedRules(policy) });
  return { findings, ...(comparedWith ? { comparedWith } : {}), ...(problem ? { problem } : {}) };
}

const previousSchema = z.object({ findings: z.array(z.looseObject({ id: z.string(), ruleId: z.string(), status: z.string() })) });

/**
 * The previous pack's findings (findings.json). Every pack has one and the manifest hashes it, so
 * a missing or unreadable file means the archive was damaged: fail rather than report every
 * finding as new and none as resolved.
 */
function readPreviousFindings(pack: PackInfo): PreviousFindings {
  const file = join(pack.dir, FINDINGS_JSON);
  let parsed: z.output<typeof previousSchema>;
  try {
    parsed = previousSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : 'is not a findings file';
    throw new VerificationError(
      `cannot compare with the previous pack: ${pack.org}/${pack.dirName}/${FINDINGS_JSON} ${why}; run \`ampaudit packs verify\` and restore the pack from a backup`,
      `${pack.org}/${pack.dirName}/${FINDINGS_JSON}`,
    );
  }
  return { period: pack.period, findings: parsed.findings as unknown as Finding[] };
}

/** Open findings by severity for the last quarters (the newest revision of each) plus this one. */
function trendOf(packs: readonly PackInfo[], current: string, findings: readonly Finding[]): TrendPoint[] {
  const newest = new Map<string, PackInfo>();
  for (const p of packs) if (p.period < current && p.counts) newest.set(p.period, p);
  const past = [...newest.values()]
    .sort((a, b) => a.period.localeCompare(b.period))
    .slice(-(TREND_QUARTERS - 1))
    .map((p) => ({ period: p.period, counts: p.counts!.openBySeverity as Record<Severity, number> }));
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, findings.filter((f) => f.status === 'open' && f.severity === s).length])) as Record<Severity, number>;
  return [...past, { period: current, counts }];
}

function csvDescription(file: string): string {
  const d: Record<string, string> = {
    'findings.csv': 'Every finding of the period with evidence, remediation and exceptions',
    'members.csv': 'Every member with status, roles, sources and register data',
    'project-access.csv': 'Every effective project role, direct or through a group',
    'api-keys.csv': 'The API key inventory with ages (fingerprints only)',
    'exports.csv': 'Export activity per person in the period',
    'activity-log.csv': "The period's complete audit log (the quarterly log archive)",
    'exceptions.csv': 'Accepted exceptions with approver and expiry',
    'changes.csv': 'Findings new, persisting and resolved since the last review',
  };
  return d[file] ?? file;
}
