/**
 * Recognizing values that look like credentials, so they are never echoed into an error message,
 * a log line or a report. Errs on the side of hiding: a false positive only hides an id.
 */
import { sha256Hex } from '../fsutil.js';

function entropyBitsPerChar(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) {
    const p = c / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * True for Amplitude API/secret keys (32 hex), Experiment deployment keys (`client-…`,
 * `server-…`), long base64/base64url tokens, and other long random-looking strings.
 */
export function looksLikeSecret(value: string): boolean {
  const v = value.trim();
  if (v.length < 16) return false;
  if (/^[0-9a-f]{32}$/i.test(v)) return true;
  if (/^(client|server)-[A-Za-z0-9_-]{8,}$/.test(v)) return true;
  if (v.length < 20 || /\s/.test(v)) return false;
  const entropy = entropyBitsPerChar(v);
  // Long base64/base64url tokens: random ones carry far more entropy than hyphenated words.
  if (v.length >= 32 && /^[A-Za-z0-9+/_-]+={0,2}$/.test(v) && entropy >= 4.5) return true;
  const alnum = v.replace(/[^A-Za-z0-9]/g, '').length;
  if (alnum / v.length < 0.9) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((re) => re.test(v)).length;
  return /[0-9]/.test(v) && classes >= 2 && entropy >= 3.5;
}

/** First 12 hex characters of sha256(value): enough to tell keys apart, useless to an attacker. */
export function fingerprintOf(value: string): string {
  return sha256Hex(value).slice(0, 12);
}

/** What may be shown for a key id: the id itself unless it looks like a secret. */
export function keyRef(id: string): string {
  return looksLikeSecret(id) ? `key-${fingerprintOf(id)}` : id;
}

/** A value for an error message: quoted, shortened, and never a secret. */
export function showValue(value: string, max = 60): string {
  if (looksLikeSecret(value)) return 'a secret-looking value (not shown)';
  const v = value.length > max ? `${value.slice(0, max - 1)}…` : value;
  return JSON.stringify(v);
}
