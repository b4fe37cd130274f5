import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { generateSigningKey, parsePublicKey, parseSigningKey, publicKeyFingerprint, signBytes, signingKeyFromEnv, verifyBytes } from './signing.js';

describe('signing keys', () => {
  const generated = generateSigningKey();

  it('generates a PEM key pair whose fingerprint is sha256 of the SPKI DER', () => {
    // PEM, PKCS#8, Ed25519: node reads it back as such.
    expect(createPrivateKey({ key: generated.privateKeyPem, format: 'pem' }).asymmetricKeyType).toBe('ed25519');
    expect(generated.privateKeyPem.split('\n')[0]).toMatch(/^-+BEGIN PRIVATE KEY-+$/);
    expect(generated.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const spki = createPublicKey(generated.publicKeyPem).export({ type: 'spki', format: 'der' });
    expect(generated.fingerprint).toBe(createHash('sha256').update(spki).digest('hex'));
  });

  it.each([
    ['PEM', generated.privateKeyPem],
    ['PEM on one line with literal \\n (env files)', generated.privateKeyPem.replace(/\n/g, '\\n')],
    ['base64 PKCS#8 DER', generated.privateKeyBase64],
  ])('reads the key as %s', (_what, text) => {
    const key = parseSigningKey(text);
    expect(key.fingerprint).toBe(generated.fingerprint);
    expect(key.publicKeyPem).toBe(generated.publicKeyPem);
    const sig = signBytes(key, Buffer.from('manifest bytes'));
    expect(sig.length).toBe(64);
    expect(verify(null, Buffer.from('manifest bytes'), createPublicKey(generated.publicKeyPem), sig)).toBe(true);
    expect(verifyBytes(key.publicKey, Buffer.from('manifest bytes!'), sig)).toBe(false);
  });

  it('takes the key from AMPAUDIT_SIGNING_KEY, and none when unset or blank', () => {
    expect(signingKeyFromEnv({ AMPAUDIT_SIGNING_KEY: generated.privateKeyBase64 })?.fingerprint).toBe(generated.fingerprint);
    expect(signingKeyFromEnv({})).toBeUndefined();
    expect(signingKeyFromEnv({ AMPAUDIT_SIGNING_KEY: '  ' })).toBeUndefined();
  });

  it.each([
    ['garbage', 'this-is-not-a-key-but-could-be-a-leaked-secret-value-0123456789'],
    // The generated key's PEM armour around a body that is not a key.
    ['a broken PEM', generated.privateKeyPem.replace(/\n[A-Za-z0-9+/=\n]+\n/, '\nAAAA\n')],
    ['an RSA key', String(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }))],
  ])('rejects %s with an InputError that names the variable and never echoes the key', (_what, text) => {
    let err: unknown;
    try {
      parseSigningKey(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const e = err as InputError;
    expect(e.where.field).toBe('AMPAUDIT_SIGNING_KEY');
    expect(e.message).toContain('AMPAUDIT_SIGNING_KEY');
    expect(e.message).not.toContain(text.slice(30, 60));
  });

  it('reads a trusted public key from PEM, base64 SPKI or the private key', () => {
    const spkiB64 = createPublicKey(generated.publicKeyPem).export({ type: 'spki', format: 'der' }).toString('base64');
    for (const input of [generated.publicKeyPem, spkiB64, generated.privateKeyPem]) {
      expect(publicKeyFingerprint(parsePublicKey(input))).toBe(generated.fingerprint);
    }
    expect(() => parsePublicKey('nope')).toThrow(InputError);
  });
});
