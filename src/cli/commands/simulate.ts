import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { MAX_MEMBERS } from '../../simulator/generator.js';
import { runSimulateCommand } from '../../simulator/run.js';
import type { CliContext } from '../context.js';

export function registerSimulate(program: Command, ctx: CliContext): void {
  program
    .command('simulate')
    .description('run the built-in Amplitude simulator (SCIM, User Management, Audit Logs) on 127.0.0.1')
    .option('--port <port>', 'port to listen on', '4010')
    .option('--members <n>', 'serve a generated organization of N members instead of the demo org')
    .option('--seed <s>', 'seed of the generated organization (same seed, same org)', '1')
    .option('--files <dir>', 'write a matching ampaudit.config.yaml, members export, register, key inventory and exceptions here')
    .addHelpText(
      'after',
      `
Examples:
  $ ampaudit simulate --files ./sim            # the demo org with planted violations
  $ ampaudit simulate --members 10000 --files ./sim10k
  then, in another terminal, export the three variables it prints and run:
  $ ampaudit collect --config ./sim/ampaudit.config.yaml

Stops on Ctrl-C. The credentials it prints are the simulator's own, not real secrets.`,
    )
    .action(async (opts: { port: string; members?: string; seed: string; files?: string }) => {
      const port = intOption(opts.port, '--port', 0, 65535);
      const members = opts.members === undefined ? undefined : intOption(opts.members, '--members', 1, MAX_MEMBERS);
      const seed = intOption(opts.seed, '--seed', 0, 2 ** 31);
      const abort = new AbortController();
      const stop = () => abort.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await runSimulateCommand({
          port,
          ...(members !== undefined ? { members } : {}),
          seed,
          ...(opts.files ? { filesDir: opts.files } : {}),
          clock: ctx.clock,
          stdout: ctx.stdout,
          signal: abort.signal,
        });
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}

function intOption(v: string, flag: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new InputError(`\`${v}\` is not a whole number from ${min} to ${max}`, { field: flag });
  return n;
}
