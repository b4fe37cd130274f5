import { describe, expect, it } from 'vitest';
import { fingerprintOf, keyRef, looksLikeSecret, showValue } from './secret-like.js';
import { didYouMean, editDistance } from './suggest.js';

describe('editDistance', () => {
  it.each([
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['baseUlr', 'baseUrl', 1],
    ['same', 'same', 0],
  ])('%s → %s = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});

describe('didYouMean', () => {
  const keys = ['region', 'baseUrl', 'scim', 'userManagement', 'auditLogs'];
  it.each([
    ['baseURL', 'baseUrl'],
    ['base_url', 'baseUrl'],
    ['audit-logs', 'auditLogs'],
    ['regoin', 'region'],
    ['usermanagment', 'userManagement'],
    ['color', undefined],
    ['x', undefined],
  ])('%s → %s', (input, out) => {
    expect(didYouMean(input, keys)).toBe(out);
  });
});

describe('looksLikeSecret', () => {
  it.each([
    ['0123456789abcdef0123456789abcdef', true],
    ['client-AbC123xyz987', true],
    ['server-Zx81kLq0pP', true],
    // Synthetic values in the shapes of cloud access-key ids and payment tokens (none real).
    ['QZ7RTEST4KX9VW2MNB5L', true],
    ['dGhpcyBpcyBhIHZlcnkgbG9uZyBzZWNyZXQgdG9rZW4xMjM=', true],
    ['x_demo_51HxYzAbCdEfGhIjKlMn', true],
    ['web-prod-project-key', false],
    ['experiment-management-key-2024-prod-primary', false],
    ['org-api-key-primary-2026-01', false],
    ['12345678901234567890', false],
    ['k-101', false],
  ])('%s → %s', (v, secret) => {
    expect(looksLikeSecret(v)).toBe(secret);
  });

  it('refs and shown values never carry a secret', () => {
    const s = '0123456789abcdef0123456789abcdef';
    expect(fingerprintOf(s)).toMatch(/^[0-9a-f]{12}$/);
    expect(keyRef(s)).toBe(`key-${fingerprintOf(s)}`);
    expect(keyRef('web-key')).toBe('web-key');
    expect(showValue(s)).toBe('a secret-looking value (not shown)');
    expect(showValue('x'.repeat(70))).toBe(JSON.stringify(`${'x'.repeat(59)}…`));
  });
});
