/**
 * `ampaudit simulate`: the simulator as a standalone server, for trying ampaudit (or another
 * client) against a realistic Amplitude without an account. The CLI wires this in; it prints
 * only to the `stdout` it is given.
 */
import type { Clock } from '../clock.js';
import { InputError } from '../errors.js';
import { buildDemoOrg } from './demo-org.js';
import { writeSimFiles } from './demo-files.js';
import { generateOrg, MAX_MEMBERS } from './generator.js';
import { startSimulator } from './server.js';
import type { RunningSimulator } from './types.js';

export interface SimulateCommandOptions {
  port?: number;
  /** A generated org of this many members; the demo org when absent. */
  members?: number;
  seed?: number;
  /** Write ampaudit.config.yaml and the org's files (members export, register, keys, exceptions) here. */
  filesDir?: string;
  clock: Clock;
  stdout: { write(chunk: string): unknown };
  /** Aborting closes the server (the CLI connects SIGINT / SIGTERM to it). */
  signal?: AbortSignal;
  /** Called once the server listens (tests use it to reach the running server). */
  onStarted?: (sim: RunningSimulator) => void;
}

/** Starts the simulator, prints how to use it, and resolves when the server has closed. */
export async function runSimulateCommand(opts: SimulateCommandOptions): Promise<void> {
  const now = opts.clock.now();
  const generated = opts.members !== undefined;
  if (generated && !(Number.isInteger(opts.members) && (opts.members as number) >= 1 && (opts.members as number) <= MAX_MEMBERS)) {
    throw new InputError(`--members must be a whole number from 1 to ${MAX_MEMBERS}, got ${String(opts.members)}`, { field: '--members' }, 'the simulator generates organizations of up to 100,000 members');
  }
  const org = generated
    ? generateOrg({ members: opts.members as number, seed: opts.seed ?? 1, anchor: now })
    : buildDemoOrg(now);
  const sim = await startSimulator({ simOrg: org, clock: opts.clock, ...(opts.port !== undefined ? { port: opts.port } : {}) });
  const out = (line = ''): void => {
    opts.stdout.write(`${line}\n`);
  };
  let files: ReturnType<typeof writeSimFiles> | undefined;
  try {
    if (opts.filesDir !== undefined) {
      files = writeSimFiles(org, opts.filesDir, {
        baseUrl: sim.url,
        asOf: now,
        what: generated ? `a generated organization (${org.members.length} members, seed ${opts.seed ?? 1})` : 'the demo organization',
      });
    }
  } catch (err) {
    await sim.close();
    throw err;
  }

  const stats = sim.stats();
  out(`Amplitude simulator listening on ${sim.url}`);
  out(
    `Organization: ${org.name} (id ${sim.orgId}), ${stats.users} members, ${org.projects.length} projects, ` +
      `${stats.eventsInRetention} audit events in the last 90 days` +
      (generated ? ` (generated, seed ${opts.seed ?? 1})` : ' (demo org with planted violations)'),
  );
  out();
  out('Simulator credentials (not real secrets) — export them in the shell that runs ampaudit:');
  out(`  export AMPLITUDE_SCIM_TOKEN=${sim.credentials.scimToken}`);
  out(`  export AMPLITUDE_ORG_API_KEY=${sim.credentials.orgApiKey}`);
  out(`  export AMPLITUDE_ORG_SECRET_KEY=${sim.credentials.orgSecretKey}`);
  out();
  if (files) {
    out(`Wrote ${files.config}`);
    out(`  and members.csv, register.csv, api-keys.csv, exceptions.yaml beside it.`);
    out();
    out('Then run:');
    out(`  ampaudit collect --config ${files.config}`);
  } else {
    out(`Then run (with amplitude.baseUrl: ${sim.url} and org.id: ${sim.orgId} in your config; --files DIR writes one):`);
    out('  ampaudit collect --config ./ampaudit.config.yaml');
  }
  out();
  out('Press Ctrl+C to stop.');
  opts.onStarted?.(sim);

  if (opts.signal) {
    if (opts.signal.aborted) void sim.close();
    else opts.signal.addEventListener('abort', () => void sim.close(), { once: true });
  }
  await sim.closed;
}
