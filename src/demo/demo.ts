/**
 * `ampaudit demo` (= `npm start`): the whole pipeline on the embedded simulator, with no
 * configuration and no network.
 *
 * The audit log at Amplitude reaches back only 90 days, so a quarterly review needs an evidence
 * store that collected during the quarter. The demo therefore replays the recent past the way
 * the daemon would have lived it: with an injected clock it collects from the simulator every
 * few days since the start of the quarter before last, writes that quarter's pack on the first
 * day of the next quarter, then — now — collects, checks, reviews the last completed quarter
 * (compared with the earlier pack) and mails the pack to a local SMTP sink.
 */
import { appendFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { manualClock, type Clock } from '../clock.js';
import { runCollect, policyOf, openAppStore } from '../app.js';
import type { CollectReport } from '../collect/collect.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { Finding } from '../domain/findings.js';
import { ConflictError } from '../errors.js';
import { checkPeriod, lastCompletedQuarter, previousQuarters } from '../period.js';
import { evaluateAt } from '../review/evaluate-at.js';
import { runReview, type ReviewResult } from '../review/review.js';
import { buildDemoOrg, DEMO_TIMEZONE } from '../simulator/demo-org.js';
import { writeDemoFiles } from '../simulator/demo-files.js';
import { startSimulator } from '../simulator/server.js';
import type { RunningSimulator } from '../simulator/types.js';
import type { EvidenceStore } from '../store/types.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MARKER = '.ampaudit-demo';

export interface DemoOptions {
  /** The demo's own folder (wiped and recreated): config, files, store, archive, outbox. */
  readonly dir: string;
  readonly clock: Clock;
  /** Days between replayed collects. */
  readonly collectEveryDays?: number;
  readonly log?: (line: string) => void;
  /** Port of a local SMTP server to deliver to; without it the mail stays in the outbox. */
  readonly smtpPort?: number;
  /** Delivers the final pack (mail); returns lines to print and the .eml path. */
  readonly deliver?: (args: { config: Config; review: ReviewResult; clock: Clock }) => Promise<{ lines: readonly string[]; eml?: string; failed: boolean }>;
}

export interface DemoResult {
  readonly dir: string;
  readonly configFile: string;
  readonly orgName: string;
  readonly members: number;
  readonly collects: number;
  readonly historyFrom: string;
  readonly checkFindings: readonly Finding[];
  readonly checkPeriod: string;
  readonly earlier: ReviewResult;
  readonly review: ReviewResult;
  readonly delivery?: { lines: readonly string[]; eml?: string; failed: boolean };
  readonly lastCollect: CollectReport;
}

export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const log = o.log ?? (() => {});
  const now = o.clock.now();
  prepareDir(o.dir);
  const current = lastCompletedQuarter(now, DEMO_TIMEZONE);
  const [earlier] = previousQuarters(current.label, 1, DEMO_TIMEZONE);
  if (!earlier) throw new Error('bug: no quarter before the last completed one');

  // The simulated organization is anchored at the real now; its clock is rewound for the replay.
  const org = buildDemoOrg(now);
  const simClock = manualClock(now);
  const sim: RunningSimulator = await startSimulator({ simOrg: org, clock: simClock });
  try {
    const files = writeDemoFiles(o.dir, now, { baseUrl: sim.url });
    const config = withMail(loadDemoConfig(files.config, sim), o.smtpPort);
    const policy = policyOf(config);
    const store = openAppStore(config);
    try {
      const at = (t: number): Clock => {
        simClock.set(new Date(t));
        return { now: () => new Date(t) };
      };
      const collectAt = async (t: number): Promise<CollectReport> => {
        writeDemoFiles(o.dir, now, { baseUrl: sim.url, asOf: new Date(t) });
        const clock = at(t);
        const report = await runCollect({ config, clock, store });
        if (report.outcome !== 'ok') throw new ConflictError(`demo collect at ${new Date(t).toISOString()} failed: ${report.sources.map((s) => s.error).filter(Boolean).join('; ')}`);
        return report;
      };

      // Replay: first collect late enough in the earlier quarter that Amplitude's 90 days still reach its start.
      const start = Date.parse(earlier.start) + 80 * DAY;
      const times = replayTimes(start, now.getTime(), (o.collectEveryDays ?? 7) * DAY, [Date.parse(earlier.end), Date.parse(current.end)]);
      log(`replaying ${times.length} daily-job collects from ${new Date(start).toISOString().slice(0, 10)} so the evidence store holds both quarters (Amplitude keeps 90 days)`);
      let earlierPack: ReviewResult | undefined;
      let collects = 0;
      for (const t of times) {
        await collectAt(t);
        collects++;
        if (!earlierPack && t >= Date.parse(earlier.end) + 2 * HOUR) {
          earlierPack = await runReview({ config, store, clock: at(Date.parse(earlier.end) + 7 * HOUR), policy, period: earlier.label });
          log(`wrote the ${earlier.label} pack as the daemon would have on the first day of ${current.label}`);
        }
      }
      // Now: collect, check the quarter in progress, review the last completed quarter, deliver.
      const lastCollect = await collectAt(now.getTime());
      collects++;
      simClock.set(now);
      const evaluation = evaluateAt({ config, store, policy, at: now.toISOString(), period: checkPeriod(now, config.timezone) });
      const review = await runReview({ config, store, clock: o.clock, policy, period: current.label });
      if (!earlierPack) throw new Error('bug: the replay did not reach the end of the earlier quarter');
      const delivery = o.deliver ? await o.deliver({ config, review, clock: o.clock }) : undefined;
      // Commands run later on this folder mail to its outbox (no SMTP server is running then).
      appendFileSync(files.config, DEMO_MAIL_YAML);
      return {
        dir: o.dir,
        configFile: files.config,
        orgName: config.org.name,
        members: sim.stats().users,
        collects,
        historyFrom: new Date(start).toISOString(),
        checkFindings: evaluation.findings,
        checkPeriod: evaluation.snapshot.period.label,
        earlier: earlierPack,
        review,
        ...(delivery ? { delivery } : {}),
        lastCollect,
      };
    } finally {
      store.close();
    }
  } finally {
    await sim.close();
  }
}

/** Collect times: every `step` from `from` until before `to`, plus just before and just after each quarter end. */
export function replayTimes(from: number, to: number, step: number, quarterEnds: readonly number[]): number[] {
  const set = new Set<number>();
  for (let t = from; t < to; t += step) set.add(t);
  for (const end of quarterEnds) {
    for (const t of [end - HOUR, end + 2 * HOUR]) if (t > from && t < to) set.add(t);
  }
  return [...set].sort((a, b) => a - b);
}

function prepareDir(dir: string): void {
  if (existsSync(dir)) {
    // Only ever remove a folder the demo made itself.
    if (!existsSync(join(dir, MARKER))) {
      throw new ConflictError(`${dir} exists and was not made by \`ampaudit demo\`; move it away or pass another --dir`);
    }
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, MARKER), 'This folder is recreated by `ampaudit demo` each time it runs.\n');
}

const DEMO_MAIL_YAML = `
# Added by \`ampaudit demo\`: messages go to the outbox next to the store (no mail.smtp).
mail:
  from: ampaudit@acme.example
  to: [security@acme.example]
  projectDigests: true
`;

/** The demo mails the security list of the fictitious org; with a sink, through it. */
function withMail(config: Config, smtpPort: number | undefined): Config {
  return {
    ...config,
    mail: {
      from: 'ampaudit@acme.example',
      to: ['security@acme.example'],
      attachmentLimitBytes: 10 * 1024 * 1024,
      projectDigests: true,
      ...(smtpPort ? { smtp: { host: '127.0.0.1', port: smtpPort, secure: false, requireTLS: false } } : {}),
    },
  };
}

function loadDemoConfig(file: string, sim: RunningSimulator): Config {
  // The simulator's own credentials, passed to this run only (never written to a file).
  const env = {
    AMPLITUDE_SCIM_TOKEN: sim.credentials.scimToken,
    AMPLITUDE_ORG_API_KEY: sim.credentials.orgApiKey,
    AMPLITUDE_ORG_SECRET_KEY: sim.credentials.orgSecretKey,
  };
  return loadConfig({ path: file, env });
}

export type { EvidenceStore };
