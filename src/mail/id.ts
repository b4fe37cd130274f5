/**
 * Message identity. The outbox id is a hash of (kind, ref, recipients), so composing the same
 * pack's mail again for the same list gives the same id, and enqueueing it again is a no-op:
 * a pack is mailed once however often the job runs. A new revision of a pack (another ref) or
 * a changed recipient list is a new message.
 */
import { normEmail } from '../domain/common.js';
import { sha256Hex } from '../fsutil.js';
import { MAIL_KINDS, type MailKind } from './types.js';

/** Recipients as compared for identity: trimmed, lower-cased, de-duplicated, sorted. */
export function normalizeRecipients(to: readonly string[]): string[] {
  return [...new Set(to.map(normEmail).filter((a) => a.length > 0))].sort();
}

/** `review-<24 hex>`: safe as a file name, stable across runs. */
export function mailId(kind: MailKind, ref: string, to: readonly string[]): string {
  const h = sha256Hex(`${kind}\u0000${ref}\u0000${normalizeRecipients(to).join('\u0000')}`).slice(0, 24);
  return `${kind}-${h}`;
}

const ID_PATTERN = new RegExp(`^(${MAIL_KINDS.join('|')})-[0-9a-f]{24}$`);

export function isMailId(s: string): boolean {
  return ID_PATTERN.test(s);
}

/** The domain of an address like `ampaudit@acme.example` or `Ampaudit <a@acme.example>`; `ampaudit.invalid` when none. */
export function domainOf(address: string): string {
  const m = /@([A-Za-z0-9.-]+)>?\s*$/.exec(address.trim());
  return m?.[1]?.toLowerCase() ?? 'ampaudit.invalid';
}

export function messageIdFor(id: string, from: string): string {
  return `<${id}@${domainOf(from)}>`;
}
