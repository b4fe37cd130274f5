/** What every command gets: streams, environment and clock, so commands are testable in-process. */
import type { Clock } from '../clock.js';

export interface CliContext {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly clock: Clock;
  /** Set by a command to choose the process exit code (0 when left alone). */
  exitCode: number;
}
