/** Keeps credentials out of messages and logs. */
import type { HttpAuth } from './types.js';

export const REDACTED = '[redacted]';

/** The strings that must never appear in output for this auth: the secrets and their encodings. */
export function secretsOf(auth: HttpAuth): string[] {
  const out: string[] = [];
  if (auth.kind === 'bearer') out.push(auth.token);
  if (auth.kind === 'basic') {
    out.push(auth.username, auth.password, Buffer.from(`${auth.username}:${auth.password}`).toString('base64'));
  }
  // Very short strings would blank out ordinary text; a real key is never that short.
  return out.filter((s) => s.length >= 4);
}

export function makeRedactor(secrets: readonly string[]): (text: string) => string {
  const list = [...secrets].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const s of list) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  };
}

/** A URL without user-info (`https://user:pass@host` → `https://host`). */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//');
  }
}
