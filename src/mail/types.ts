/** The shapes the mail module hands around: a composed message and the settings it is built from. */
import type { Config } from '../config/schema.js';

export type MailKind = 'review' | 'digest' | 'alert' | 'dormancy';
export const MAIL_KINDS: readonly MailKind[] = ['review', 'digest', 'alert', 'dormancy'];

/** The `mail:` section of the config (present: callers check `config.mail` first). */
export type MailSettings = NonNullable<Config['mail']>;

export interface MailAttachment {
  /** Name shown in the mail client. */
  readonly filename: string;
  /** The file on disk; read when the .eml is built. */
  readonly path: string;
  readonly contentType: string;
  readonly bytes: number;
}

/** A composed message: everything needed to build the RFC 5322 bytes, plus what it is about. */
export interface MailMessage {
  readonly kind: MailKind;
  /**
   * What the message is about, part of its outbox id: the pack id (`<org id>/<pack dir>`), the
   * pack id plus `#project:<id>` for a digest, or the alert batch key.
   */
  readonly ref: string;
  readonly from: string;
  readonly to: readonly string[];
  /** Single line: CR, LF and other control characters removed. */
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly attachments: readonly MailAttachment[];
  /** Extra headers (names are ours, values single-line). */
  readonly headers: Readonly<Record<string, string>>;
  /** `<id@domain>`, deterministic from kind, ref and recipients. */
  readonly messageId: string;
  /** ISO instant for the Date header (from the injected clock, or the data's generation time). */
  readonly date: string;
}
