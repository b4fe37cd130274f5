/**
 * Structured logs (pino). Secrets never reach a log line: known secret values are scrubbed from
 * every line as a last line of defence, and fields that usually carry them are redacted by name.
 */
import pino, { type Logger } from 'pino';
import type { Secrets } from './config/schema.js';

export type { Logger };

const REDACT_PATHS = [
  'authorization',
  'headers.authorization',
  '*.authorization',
  '*.headers.authorization',
  'password',
  '*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'apiKey',
  '*.apiKey',
];

export interface LogOptions {
  readonly level?: string;
  /** Where lines go (default stderr). */
  readonly destination?: NodeJS.WritableStream;
  /** Human-readable `level: message key=value` lines instead of JSON (for an interactive CLI). */
  readonly pretty?: boolean;
  /** Secret values to scrub from every line, whatever field they hide in. */
  readonly secrets?: Secrets;
}

export function createLogger(options: LogOptions = {}): Logger {
  const dest = options.destination ?? process.stderr;
  const scrub = scrubber(options.secrets);
  const stream = {
    write(line: string): void {
      const clean = scrub(line);
      dest.write(options.pretty ? prettyLine(clean) : clean);
    },
  };
  return pino(
    {
      level: options.level ?? 'info',
      base: { app: 'ampaudit' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    stream,
  );
}

function scrubber(secrets: Secrets | undefined): (s: string) => string {
  const values = Object.values(secrets ?? {}).filter((v): v is string => typeof v === 'string' && v.length >= 4);
  if (values.length === 0) return (s) => s;
  const all = [...values, ...values.map((v) => Buffer.from(v).toString('base64'))];
  return (s) => {
    let out = s;
    for (const v of all) if (out.includes(v)) out = out.split(v).join('[redacted]');
    return out;
  };
}

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

function prettyLine(json: string): string {
  try {
    const o = JSON.parse(json) as Record<string, unknown>;
    const { level, msg, time, app, pid, hostname, ...rest } = o;
    void time;
    void app;
    void pid;
    void hostname;
    const fields = Object.entries(rest)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    return `ampaudit: ${LEVELS[Number(level)] ?? level}: ${String(msg ?? '')}${fields ? ` (${fields})` : ''}\n`;
  } catch {
    return json;
  }
}
