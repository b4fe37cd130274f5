/**
 * Ed25519 signing of pack manifests (node:crypto). The private key comes only from the
 * environment (`AMPAUDIT_SIGNING_KEY`: PEM, or base64 of the PKCS#8 DER); the public key and its
 * fingerprint (sha256 of the SPKI DER, hex) go into the manifest so anyone can check a pack.
 *
 * Operators make a key pair once with `generateSigningKey()`, or with OpenSSL:
 * `openssl genpkey -algorithm ed25519 -out signing.pem` (private, for AMPAUDIT_SIGNING_KEY) and
 * `openssl pkey -in signing.pem -pubout -out signing.pub.pem` (public, for auditors).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { InputError } from '../errors.js';
import { sha256Hex } from '../fsutil.js';

export const SIGNING_KEY_ENV = 'AMPAUDIT_SIGNING_KEY';

export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly publicKeyPem: string;
  /** sha256 of the public key's SPKI DER, hex. */
  readonly fingerprint: string;
}

/** sha256 (hex) of a public key's SPKI DER encoding: the key's stable name. */
export function publicKeyFingerprint(key: KeyObject): string {
  return sha256Hex(key.export({ type: 'spki', format: 'der' }));
}

function pemOf(key: KeyObject): string {
  return String(key.export({ type: 'spki', format: 'pem' }));
}

/** Env files often carry a PEM on one line with literal `\n`. */
function unescapePem(text: string): string {
  return text.includes('\\n') ? text.replace(/\\n/g, '\n') : text;
}

function badKey(where: string, what: string): InputError {
  // The key's text and the crypto library's message stay out of the error: both may echo key material.
  return new InputError(`not ${what}`, { field: where }, 'give an Ed25519 private key as PEM (PKCS#8) or as base64 of its PKCS#8 DER; make one with `openssl genpkey -algorithm ed25519`');
}

/** Parses an Ed25519 private key (PEM or base64 PKCS#8 DER). Throws InputError naming `where`, never echoing the key. */
export function parseSigningKey(text: string, where: string = SIGNING_KEY_ENV): SigningKey {
  const trimmed = text.trim();
  if (!trimmed) throw badKey(where, 'a key (it is empty)');
  let privateKey: KeyObject;
  try {
    privateKey = trimmed.includes('-----BEGIN')
      ? createPrivateKey({ key: unescapePem(trimmed), format: 'pem' })
      : createPrivateKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'pkcs8' });
  } catch {
    throw badKey(where, 'a readable private key');
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw badKey(where, `an Ed25519 key (it is ${privateKey.asymmetricKeyType ?? 'another kind of key'})`);
  }
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicKeyPem: pemOf(publicKey), fingerprint: publicKeyFingerprint(publicKey) };
}

/** The signing key from the environment, or `undefined` when `AMPAUDIT_SIGNING_KEY` is unset or empty. */
export function signingKeyFromEnv(env: NodeJS.ProcessEnv): SigningKey | undefined {
  const v = env[SIGNING_KEY_ENV];
  if (v === undefined || v.trim() === '') return undefined;
  return parseSigningKey(v, SIGNING_KEY_ENV);
}

/**
 * A trusted public key for verification: PEM (public or private; a private key yields its public
 * half), base64 SPKI DER, or a KeyObject. Throws InputError when it is not an Ed25519 key.
 */
export function parsePublicKey(input: string | KeyObject, where = 'public key'): KeyObject {
  let key: KeyObject;
  if (typeof input !== 'string') {
    key = input.type === 'private' ? createPublicKey(input) : input;
  } else {
    const t = unescapePem(input.trim());
    try {
      if (t.includes('PRIVATE KEY')) key = createPublicKey(createPrivateKey({ key: t, format: 'pem' }));
      else if (t.includes('-----BEGIN')) key = createPublicKey({ key: t, format: 'pem' });
      else key = createPublicKey({ key: Buffer.from(t, 'base64'), format: 'der', type: 'spki' });
    } catch {
      throw badKey(where, 'a readable Ed25519 public key');
    }
  }
  if (key.asymmetricKeyType !== 'ed25519') throw badKey(where, 'an Ed25519 key');
  return key;
}

export interface GeneratedSigningKey {
  /** Put this into AMPAUDIT_SIGNING_KEY (keep it secret). */
  readonly privateKeyPem: string;
  /** The same private key as one base64 line (PKCS#8 DER), handy for env files. */
  readonly privateKeyBase64: string;
  /** Give this to auditors: `ampaudit packs verify` can be told to trust only it. */
  readonly publicKeyPem: string;
  readonly fingerprint: string;
}

/** A fresh Ed25519 key pair for operators. */
export function generateSigningKey(): GeneratedSigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: String(privateKey.export({ type: 'pkcs8', format: 'pem' })),
    privateKeyBase64: privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
    publicKeyPem: pemOf(publicKey),
    fingerprint: publicKeyFingerprint(publicKey),
  };
}

export function signBytes(key: SigningKey, bytes: Uint8Array): Buffer {
  return sign(null, bytes, key.privateKey);
}

export function verifyBytes(publicKey: KeyObject, bytes: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(null, bytes, publicKey, signature);
  } catch {
    return false;
  }
}
