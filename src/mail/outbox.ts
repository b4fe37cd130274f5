/**
 * The outbox: every message is written to a folder before it is sent, and sent from there.
 *
 *   <outbox>/<id>.eml    the RFC 5322 bytes, exactly what is (or would be) sent
 *   <outbox>/<id>.json   its state: kind, pack/alert ref, recipients, attempts, next attempt,
 *                        sent at, last error (no secrets), SMTP reply
 *   <outbox>/<id>.lock   held while one process sends the message
 *
 * The id is a hash of (kind, ref, recipients): enqueueing a message whose id is already there is
 * a no-op, so a pack is mailed once however often the job runs. The .eml is written first and
 * the .json commits it (created exclusively, so two processes enqueueing at once make one
 * entry); both atomically. State survives restarts: the next attempt time is in the .json.
 *
 * Exactly once, as far as SMTP allows: a message is marked sent as soon as the server accepts it.
 * A crash between the server's acceptance and that write sends it again on the next run (the
 * Message-ID stays the same, so mail clients show one message).
 */
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import { sha256Hex, writeFileAtomic } from '../fsutil.js';
import { plural } from '../pack/pdf/format.js';
import { processAlive } from '../pid.js';
import { buildEml } from './eml.js';
import { isMailId, mailId, normalizeRecipients } from './id.js';
import { SendFailure, describeSendError, type MailTransport } from './transport.js';
import { MAIL_KINDS, type MailMessage } from './types.js';

export const outboxStateSchema = z.object({
  version: z.literal(1),
  id: z.string(),
  kind: z.enum(MAIL_KINDS as unknown as ['review', 'digest', 'alert', 'dormancy']),
  /** Pack id (`<org id>/<pack folder>`, `#project:<id>` for digests) or alert batch key. */
  ref: z.string(),
  subject: z.string(),
  messageId: z.string(),
  from: z.string(),
  recipients: z.array(z.string()),
  envelope: z.object({ from: z.string(), to: z.array(z.string()) }),
  created: z.string(),
  status: z.enum(['pending', 'sent', 'failed']),
  attempts: z.number().int().min(0),
  nextAttemptAt: z.string().optional(),
  lastAttemptAt: z.string().optional(),
  sentAt: z.string().optional(),
  lastError: z.string().optional(),
  smtpMessageId: z.string().optional(),
  smtpResponse: z.string().optional(),
  eml: z.object({ file: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().min(0) }),
  attachments: z.array(z.object({ filename: z.string(), bytes: z.number().int().min(0) })),
});

export type OutboxState = z.output<typeof outboxStateSchema>;

export interface OutboxItem {
  readonly id: string;
  readonly emlPath: string;
  readonly statePath: string;
  readonly state: OutboxState;
}

export interface OutboxListing {
  /** Oldest first. */
  readonly items: readonly OutboxItem[];
  /** State files that could not be read (listed, never deleted). */
  readonly problems: readonly { readonly file: string; readonly error: string }[];
}

export interface EnqueueResult {
  readonly id: string;
  /** False when the message was already in the outbox (nothing was written). */
  readonly created: boolean;
  readonly emlPath: string;
  readonly statePath: string;
  readonly state: OutboxState;
  /** One line for the CLI: queued, or already there (and in which state). */
  readonly note: string;
}

/** The outbox folder: `mail.outbox`, else `outbox/` next to the evidence store. */
export function outboxDirFor(config: Pick<Config, 'mail' | 'store'>): string {
  return config.mail?.outbox ?? join(dirname(config.store), 'outbox');
}

function stateText(s: OutboxState): string {
  if (s.status === 'sent') return `sent ${s.sentAt ?? ''}`.trim();
  if (s.status === 'failed') return `failed after ${s.attempts} attempt(s)${s.lastError ? `: ${s.lastError}` : ''}`;
  return s.attempts === 0 ? 'pending, not tried yet' : `pending, ${s.attempts} attempt(s), next ${s.nextAttemptAt ?? 'now'}`;
}

export class Outbox {
  constructor(readonly dir: string) {}

  emlPath(id: string): string {
    return join(this.dir, `${id}.eml`);
  }

  statePath(id: string): string {
    return join(this.dir, `${id}.json`);
  }

  private lockPath(id: string): string {
    return join(this.dir, `${id}.lock`);
  }

  private ensureDir(): void {
    // Mail bodies name people and findings: keep the folder private to the service account.
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  /** The state of one message, or undefined when it is not in the outbox. Throws on a corrupt state file. */
  read(id: string): OutboxState | undefined {
    const path = this.statePath(id);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const parsed = outboxStateSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${path} is not an outbox state file: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data;
  }

  save(state: OutboxState): void {
    this.ensureDir();
    writeFileAtomic(this.statePath(state.id), `${JSON.stringify(state, null, 2)}\n`, 0o600);
  }

  /** Writes the message (.eml, then its state) unless a message with the same id is already there. */
  async enqueue(message: MailMessage, clock: Clock): Promise<EnqueueResult> {
    const id = mailId(message.kind, message.ref, message.to);
    const emlPath = this.emlPath(id);
    const statePath = this.statePath(id);
    const existing = this.read(id);
    if (existing) return { id, created: false, emlPath, statePath, state: existing, note: `already in the outbox (${stateText(existing)}): ${id}` };

    const { bytes, envelope } = await buildEml(message);
    this.ensureDir();
    writeFileAtomic(emlPath, bytes, 0o600);
    const state: OutboxState = {
      version: 1,
      id,
      kind: message.kind,
      ref: message.ref,
      subject: message.subject,
      messageId: message.messageId,
      from: message.from,
      recipients: normalizeRecipients(message.to),
      envelope: { from: envelope.from, to: [...envelope.to] },
      created: clock.now().toISOString(),
      status: 'pending',
      attempts: 0,
      eml: { file: `${id}.eml`, sha256: sha256Hex(bytes), bytes: bytes.length },
      attachments: message.attachments.map((a) => ({ filename: a.filename, bytes: a.bytes })),
    };
    // Commit exclusively: write a temporary state file atomically, then hard-link it into place,
    // which fails if another process committed the same id meanwhile.
    const tmp = join(this.dir, `.${id}.${randomBytes(6).toString('hex')}.json.tmp`);
    writeFileAtomic(tmp, `${JSON.stringify(state, null, 2)}\n`, 0o600);
    try {
      linkSync(tmp, statePath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const other = this.read(id);
      if (other) return { id, created: false, emlPath, statePath, state: other, note: `already in the outbox (${stateText(other)}): ${id}` };
      throw err;
    } finally {
      rmSync(tmp, { force: true });
    }
    return { id, created: true, emlPath, statePath, state, note: `queued ${id} for ${state.recipients.join(', ')}` };
  }

  /** Every message in the outbox, oldest first; unreadable state files are reported, not thrown. */
  list(): OutboxListing {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { items: [], problems: [] };
      throw err;
    }
    const items: OutboxItem[] = [];
    const problems: { file: string; error: string }[] = [];
    for (const name of names.sort()) {
      if (!name.endsWith('.json') || name.startsWith('.')) continue;
      const id = name.slice(0, -'.json'.length);
      if (!isMailId(id)) continue;
      try {
        const state = this.read(id);
        if (state) items.push({ id, emlPath: this.emlPath(id), statePath: this.statePath(id), state });
      } catch (err) {
        problems.push({ file: this.statePath(id), error: err instanceof Error ? err.message : String(err) });
      }
    }
    items.sort((a, b) => a.state.created.localeCompare(b.state.created) || a.id.localeCompare(b.id));
    return { items, problems };
  }

  /** Takes the send lock of a message; undefined when another live process holds it. */
  tryLock(id: string): (() => void) | undefined {
    this.ensureDir();
    const path = this.lockPath(id);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(path, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
        return () => rmSync(path, { force: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const holder = readLockPid(path);
        if (holderAlive(holder)) return undefined;
        // Left by a process that died while sending: clear it (unless another process is doing
        // so) and try once more; only the exclusive create below ever grants the lock.
        removeStaleLock(path, holder);
      }
    }
    return undefined;
  }
}

function holderAlive(holder: string): boolean {
  const pid = Number.parseInt(holder, 10);
  return Number.isInteger(pid) && pid > 0 && processAlive(pid);
}

/**
 * Removes a send lock whose holder (`stale`, as read) is dead. Two processes can find the same
 * stale lock; if both simply deleted it, the slower one could delete the lock the faster one had
 * just taken, and both would send. So the takeover itself is exclusive (a `.takeover` file
 * created with O_EXCL), and under it the lock is removed only if it still names the dead holder.
 * False when another process is taking it over or has already taken it.
 */
export function removeStaleLock(path: string, stale: string): boolean {
  const token = `${path}.takeover`;
  try {
    writeFileSync(token, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // A takeover token is held for microseconds; one whose process died is cleared for next time.
    if (!holderAlive(readLockPid(token))) rmSync(token, { force: true });
    return false;
  }
  try {
    if (readLockPid(path) !== stale) return false;
    rmSync(path, { force: true });
    return true;
  } finally {
    rmSync(token, { force: true });
  }
}

function readLockPid(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

export function listOutbox(dir: string): OutboxListing {
  return new Outbox(dir).list();
}

// ---------------------------------------------------------------------------------------------
// Delivery

export interface BackoffOptions {
  /** Delay after the first failure, ms (default 1 min); doubles per attempt. */
  readonly baseMs?: number;
  /** Longest delay, ms (default 6 h). */
  readonly maxMs?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 10;

/** Delay before attempt `attempts + 1`: exponential, capped, with ±25 % jitter so retries of many messages spread out. */
export function backoffDelay(attempts: number, random: () => number, o: BackoffOptions = {}): number {
  const base = o.baseMs ?? 60_000;
  const max = o.maxMs ?? 6 * 3_600_000;
  const raw = Math.min(max, base * 2 ** Math.max(0, attempts - 1));
  return Math.round(raw * (0.75 + 0.5 * Math.min(1, Math.max(0, random()))));
}

export interface DeliverOptions {
  readonly outbox: Outbox;
  /** Undefined without SMTP settings: nothing is sent and the result says where the messages wait. */
  readonly transport?: MailTransport;
  readonly clock: Clock;
  /** `deliver --retry`: send pending messages now regardless of their next-attempt time, and try failed ones once more. */
  readonly retryNow?: boolean;
  /** Attempts before a message is given up (state `failed`, still listed). Default 10. */
  readonly maxAttempts?: number;
  readonly backoff?: BackoffOptions;
  /** Jitter source (tests pass a constant). */
  readonly random?: () => number;
}

export interface DeliverResult {
  readonly outboxDir: string;
  /** Where mail went, without credentials; undefined without SMTP settings. */
  readonly transport?: string;
  readonly sent: readonly OutboxState[];
  /** Failed this time, tried again at `nextAttemptAt`. */
  readonly retrying: readonly OutboxState[];
  /** Given up this time (attempts used up, or refused for good by the server). */
  readonly failed: readonly OutboxState[];
  /** Pending and not due yet (or not sent because there is no transport). */
  readonly waiting: readonly OutboxState[];
  /** Held by another process sending right now. */
  readonly busy: readonly string[];
  readonly problems: OutboxListing['problems'];
  /** Messages not sent after this run (pending or failed). */
  readonly unsent: number;
  readonly noTransport: boolean;
  /** One or two lines for the CLI. */
  readonly note: string;
}

function isDue(s: OutboxState, nowMs: number, retryNow: boolean): boolean {
  if (s.status === 'sent') return false;
  if (s.status === 'failed') return retryNow;
  return retryNow || s.nextAttemptAt === undefined || Date.parse(s.nextAttemptAt) <= nowMs;
}

/** Sends the messages that are due, one at a time, and records each outcome in its state file. */
export async function deliverPending(o: DeliverOptions): Promise<DeliverResult> {
  const { outbox, transport, clock } = o;
  const retryNow = o.retryNow ?? false;
  const maxAttempts = o.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const random = o.random ?? Math.random;
  const listing = outbox.list();
  const sent: OutboxState[] = [];
  const retrying: OutboxState[] = [];
  const failed: OutboxState[] = [];
  const waiting: OutboxState[] = [];
  const busy: string[] = [];

  for (const item of listing.items) {
    const s0 = item.state;
    if (s0.status === 'sent') continue;
    if (!transport || !isDue(s0, clock.now().getTime(), retryNow)) {
      if (s0.status === 'pending') waiting.push(s0);
      continue;
    }
    const unlock = outbox.tryLock(item.id);
    if (!unlock) {
      busy.push(item.id);
      continue;
    }
    try {
      // Re-read under the lock: another process may have sent it since the listing.
      const s = outbox.read(item.id);
      if (!s || s.status === 'sent') continue;
      const result = await attempt(outbox, transport, s, clock, maxAttempts, random, o.backoff);
      if (result.status === 'sent') sent.push(result);
      else if (result.status === 'failed') failed.push(result);
      else retrying.push(result);
    } finally {
      unlock();
    }
  }

  const after = outbox.list().items.filter((i) => i.state.status !== 'sent').length;
  const noTransport = !transport;
  const lines: string[] = [];
  if (noTransport) {
    lines.push(`No SMTP settings (mail.smtp): ${plural(after, 'message')} wait in ${outbox.dir} as .eml files; configure mail.smtp and run \`ampaudit deliver\`.`);
  } else {
    const parts = [`${plural(sent.length, 'message')} sent via ${transport.description}`];
    if (retrying.length) parts.push(`${retrying.length} failed and will be retried (next at ${retrying.map((r) => r.nextAttemptAt).sort()[0]})`);
    if (failed.length) parts.push(`${failed.length} given up (see \`ampaudit outbox list\`; \`ampaudit deliver --retry\` tries again)`);
    if (waiting.length) parts.push(`${waiting.length} waiting for their next attempt`);
    if (busy.length) parts.push(`${busy.length} being sent by another process`);
    const givenUp = retryNow ? 0 : listing.items.filter((i) => i.state.status === 'failed').length;
    if (givenUp) parts.push(`${givenUp} given up earlier (\`ampaudit deliver --retry\` tries again)`);
    lines.push(`${parts.join('; ')}. Outbox: ${outbox.dir}`);
  }
  return {
    outboxDir: outbox.dir,
    ...(transport ? { transport: transport.description } : {}),
    sent,
    retrying,
    failed,
    waiting,
    busy,
    problems: listing.problems,
    unsent: after,
    noTransport,
    note: lines.join('\n'),
  };
}

async function attempt(
  outbox: Outbox,
  transport: MailTransport,
  s: OutboxState,
  clock: Clock,
  maxAttempts: number,
  random: () => number,
  backoff: BackoffOptions | undefined,
): Promise<OutboxState> {
  const startedAt = clock.now();
  const attempts = s.attempts + 1;
  const base = { ...s, attempts, lastAttemptAt: startedAt.toISOString() };
  const fail = (message: string, permanent: boolean): OutboxState => {
    const giveUp = permanent || attempts >= maxAttempts;
    const { nextAttemptAt: _drop, ...rest } = base;
    const next: OutboxState = giveUp
      ? { ...rest, status: 'failed', lastError: message }
      : { ...rest, status: 'pending', lastError: message, nextAttemptAt: new Date(startedAt.getTime() + backoffDelay(attempts, random, backoff)).toISOString() };
    outbox.save(next);
    return next;
  };

  let raw: Buffer;
  try {
    raw = readFileSync(outbox.emlPath(s.id));
  } catch (err) {
    return fail(`the message file ${s.eml.file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, existsSync(outbox.emlPath(s.id)) === false);
  }
  if (sha256Hex(raw) !== s.eml.sha256) {
    return fail(`${s.eml.file} was changed after it was queued (sha256 differs); not sent`, true);
  }
  try {
    const info = await transport.send(raw, s.envelope);
    const { nextAttemptAt: _drop, ...rest } = base;
    const next: OutboxState = {
      ...rest,
      status: 'sent',
      sentAt: clock.now().toISOString(),
      smtpMessageId: info.messageId ?? s.messageId,
      ...(info.response ? { smtpResponse: info.response } : {}),
    };
    outbox.save(next);
    return next;
  } catch (err) {
    if (err instanceof SendFailure) return fail(err.message, err.permanent);
    const d = describeSendError(err);
    return fail(d.message, d.permanent);
  }
}
