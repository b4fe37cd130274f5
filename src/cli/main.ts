/**
 * The command line. The only place that prints errors and chooses exit codes:
 * 0 ok, 1 findings at or above --fail-on (or a failed verification), 2 bad input or config,
 * 3 a source or delivery failed, 70 a bug.
 */
import { Command, CommanderError } from 'commander';
import { systemClock } from '../clock.js';
import { AmpauditError, InputError, exitCodeOf, formatLocation } from '../errors.js';
import { TOOL_VERSION } from '../version.js';
import type { CliContext } from './context.js';
import { registerCommands } from './commands/index.js';

export async function run(argv: readonly string[], overrides: Partial<CliContext> = {}): Promise<number> {
  const ctx: CliContext = {
    stdout: overrides.stdout ?? process.stdout,
    stderr: overrides.stderr ?? process.stderr,
    env: overrides.env ?? process.env,
    cwd: overrides.cwd ?? process.cwd(),
    clock: overrides.clock ?? systemClock,
    exitCode: 0,
  };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: 'node' });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return err.exitCode === 0 ? 0 : 2;
    }
    printError(ctx, err);
    return exitCodeOf(err);
  }
}

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('ampaudit')
    .description('Scheduled compliance auditor for Amplitude organizations: collect access evidence, check it against a policy, write verifiable quarterly review packs.')
    .version(TOOL_VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    })
    .addHelpText(
      'after',
      `
Examples:
  $ ampaudit demo                          full pipeline on the built-in simulator, no setup
  $ ampaudit collect --config ./ampaudit.config.yaml
  $ ampaudit check --format json --fail-on high
  $ ampaudit review --period 2026-Q3
  $ ampaudit packs verify --all

Configuration: --config <file>, else $AMPAUDIT_CONFIG, else ./ampaudit.config.yaml.
Secrets come only from the environment: AMPLITUDE_SCIM_TOKEN, AMPLITUDE_ORG_API_KEY,
AMPLITUDE_ORG_SECRET_KEY, SMTP_USER, SMTP_PASSWORD, AMPAUDIT_SIGNING_KEY.
Exit codes: 0 ok, 1 findings at or above --fail-on, 2 bad input, 3 source or delivery failed.`,
    );
  registerCommands(program, ctx);
  // Sub-commands inherit the error handling so a bad flag exits 2 with a message.
  for (const cmd of program.commands) cmd.exitOverride().showHelpAfterError('(run with --help for usage)');
  return program;
}

function printError(ctx: CliContext, err: unknown): void {
  const write = (s: string) => ctx.stderr.write(`${s}\n`);
  if (err instanceof InputError) {
    const all = [err, ...err.more];
    write(all.length > 1 ? `ampaudit: ${all.length} problems in the input:` : 'ampaudit: bad input:');
    for (const e of all) {
      const place = formatLocation(e.where);
      write(`  ${place ? `${place}: ` : ''}${e.problem}`);
      if (e.hint) write(`    fix: ${e.hint}`);
    }
    return;
  }
  if (err instanceof AmpauditError) {
    write(`ampaudit: ${err.message}`);
    return;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  write(`ampaudit: internal error: ${e.message}`);
  if (ctx.env.AMPAUDIT_DEBUG) write(e.stack ?? '');
  else write('  (set AMPAUDIT_DEBUG=1 for the stack trace, and please report it)');
}
