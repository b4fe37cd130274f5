/**
 * Sending: a small transport interface (so the outbox can be tested with any sender) and its
 * SMTP implementation on nodemailer. Messages are sent raw with an explicit envelope: the bytes
 * on the wire are the .eml bytes in the outbox.
 */
import nodemailer from 'nodemailer';
import type { Config, Secrets } from '../config/schema.js';
import { InputError } from '../errors.js';
import type { Envelope } from './eml.js';

export interface SendResult {
  /** The server's final reply, e.g. `250 OK: queued as 1A2B3C`. */
  readonly response?: string;
  /** The Message-ID the transport reports for the message. */
  readonly messageId?: string;
}

/** A send that failed. `message` is safe to store and print: no credentials. */
export class SendFailure extends Error {
  constructor(
    message: string,
    /** The server refused this message for good (5xx): retrying the same bytes gets the same answer. */
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'SendFailure';
  }
}

export interface MailTransport {
  /** Where mail goes, without credentials, e.g. `smtp://smtp.acme.example:587`. */
  readonly description: string;
  send(raw: Buffer, envelope: Envelope): Promise<SendResult>;
  close(): void;
}

export type SmtpSettings = NonNullable<NonNullable<Config['mail']>['smtp']>;

export interface SmtpTimeouts {
  /** TCP connect, ms. */
  readonly connectionMs?: number;
  /** Server greeting after connect, ms. */
  readonly greetingMs?: number;
  /** Idle socket, ms. */
  readonly socketMs?: number;
}

/** Removes every form in which a credential could appear in an error text, and line breaks. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let s = text;
  const values = secrets.filter((v): v is string => typeof v === 'string' && v.length >= 3);
  const forms = new Set<string>();
  for (const v of values) {
    forms.add(v);
    forms.add(Buffer.from(v, 'utf8').toString('base64'));
  }
  const [user, pass] = secrets;
  if (user && pass) {
    forms.add(Buffer.from(`\u0000${user}\u0000${pass}`, 'utf8').toString('base64'));
    forms.add(Buffer.from(`${user}\u0000${user}\u0000${pass}`, 'utf8').toString('base64'));
    forms.add(Buffer.from(`${user}:${pass}`, 'utf8').toString('base64'));
  }
  for (const f of [...forms].sort((a, b) => b.length - a.length)) s = s.split(f).join('[redacted]');
  return s.replace(/[\r\n]+/g, ' ').trim();
}

interface NodemailerErrorLike {
  readonly message?: unknown;
  readonly code?: unknown;
  readonly responseCode?: unknown;
  readonly permanent?: unknown;
  readonly command?: unknown;
}

/** A storable error text for a failed send: code, reply code and message, credentials removed, at most 500 characters. */
export function describeSendError(err: unknown, secrets: readonly (string | undefined)[] = []): { message: string; permanent: boolean } {
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as NodemailerErrorLike;
  const parts: string[] = [];
  if (typeof e.code === 'string') parts.push(e.code);
  if (typeof e.responseCode === 'number') parts.push(String(e.responseCode));
  const head = parts.length ? `${parts.join(' ')}: ` : '';
  // The AUTH command text can carry the credentials; name only the verb.
  const cmd = typeof e.command === 'string' ? ` (during ${e.command.split(' ')[0]})` : '';
  const msg = redactSecrets(`${head}${typeof e.message === 'string' ? e.message : 'send failed'}${cmd}`, secrets);
  return { message: msg.length > 500 ? `${msg.slice(0, 499)}…` : msg, permanent: e.permanent === true };
}

/**
 * The SMTP transport for `mail.smtp` with `SMTP_USER` / `SMTP_PASSWORD` from the environment.
 * `requireTLS` refuses to send when the server offers no STARTTLS; `secure` is TLS from the
 * first byte (port 465).
 */
export function createSmtpTransport(smtp: SmtpSettings, secrets: Pick<Secrets, 'smtpUser' | 'smtpPassword'>, timeouts: SmtpTimeouts = {}): MailTransport {
  const user = secrets.smtpUser;
  const pass = secrets.smtpPassword;
  if ((user && !pass) || (!user && pass)) {
    throw new InputError(
      user ? 'SMTP_USER is set but SMTP_PASSWORD is not' : 'SMTP_PASSWORD is set but SMTP_USER is not',
      { field: 'mail.smtp' },
      'set both SMTP_USER and SMTP_PASSWORD in the environment, or neither for a relay without authentication',
    );
  }
  const transporter = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.requireTLS,
    ...(user && pass ? { auth: { user, pass } } : {}),
    connectionTimeout: timeouts.connectionMs ?? 30_000,
    greetingTimeout: timeouts.greetingMs ?? 30_000,
    socketTimeout: timeouts.socketMs ?? 60_000,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const description = `smtp${smtp.secure ? 's' : ''}://${smtp.host}:${smtp.port}`;
  return {
    description,
    async send(raw, envelope) {
      try {
        const info = await transporter.sendMail({ envelope: { from: envelope.from, to: [...envelope.to] }, raw });
        return {
          ...(typeof info.response === 'string' ? { response: redactSecrets(info.response, [user, pass]) } : {}),
          ...(typeof info.messageId === 'string' ? { messageId: info.messageId } : {}),
        };
      } catch (err) {
        const d = describeSendError(err, [user, pass]);
        throw new SendFailure(`${description}: ${d.message}`, d.permanent);
      }
    },
    close() {
      transporter.close();
    },
  };
}

/** The transport the config describes, or undefined without `mail.smtp` (messages then wait in the outbox). */
export function transportFromConfig(config: Pick<Config, 'mail' | 'secrets'>, timeouts?: SmtpTimeouts): MailTransport | undefined {
  const smtp = config.mail?.smtp;
  if (!smtp) return undefined;
  return createSmtpTransport(smtp, config.secrets, timeouts);
}
