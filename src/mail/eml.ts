/**
 * RFC 5322 bytes of a message, built with nodemailer's MailComposer. The outbox stores exactly
 * these bytes and the transport sends them unchanged (raw), so the .eml on disk is what the
 * recipients get. The MIME boundary is derived from the message id, so the same message always
 * gives the same bytes.
 */
import MailComposer from 'nodemailer/lib/mail-composer';
import { sha256Hex } from '../fsutil.js';
import type { MailMessage } from './types.js';

export interface Envelope {
  readonly from: string;
  readonly to: readonly string[];
}

export interface BuiltEml {
  readonly bytes: Buffer;
  readonly envelope: Envelope;
}

export async function buildEml(message: MailMessage): Promise<BuiltEml> {
  const composer = new MailComposer({
    from: message.from,
    to: [...message.to],
    subject: message.subject,
    messageId: message.messageId,
    date: new Date(message.date),
    text: message.text,
    html: message.html,
    headers: { ...message.headers },
    attachments: message.attachments.map((a) => ({ filename: a.filename, path: a.path, contentType: a.contentType })),
    baseBoundary: sha256Hex(message.messageId).slice(0, 16),
    disableUrlAccess: true,
    newline: 'win',
  });
  const node = composer.compile();
  const env = node.getEnvelope();
  const bytes = await node.build();
  if (!env.from || env.to.length === 0) throw new Error(`bug: message ${message.messageId} has no envelope sender or recipient`);
  return { bytes, envelope: { from: env.from, to: env.to } };
}
