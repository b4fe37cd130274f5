import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { createSmtpTransport, describeSendError, redactSecrets, transportFromConfig } from './transport.js';

const USER = 'mailer@acme.example';
const PASS = 'hunter2-Very-Secret';

describe('redactSecrets', () => {
  it.each([
    ['plain password', `login failed for ${USER} with ${PASS}`, 'login failed for [redacted] with [redacted]'],
    ['base64 password', `AUTH LOGIN ${Buffer.from(PASS).toString('base64')}`, 'AUTH LOGIN [redacted]'],
    ['AUTH PLAIN token', `AUTH PLAIN ${Buffer.from(`\u0000${USER}\u0000${PASS}`).toString('base64')}`, 'AUTH PLAIN [redacted]'],
    ['line breaks', 'a\r\nb\nc', 'a b c'],
  ])('removes the %s', (_name, input, output) => {
    expect(redactSecrets(input, [USER, PASS])).toBe(output);
  });
});

describe('describeSendError', () => {
  it('gives code, reply code and message, and names only the SMTP verb', () => {
    const err = Object.assign(new Error(`Invalid login: 535 Authentication failed for ${USER}`), {
      code: 'EAUTH',
      responseCode: 535,
      command: `AUTH PLAIN ${Buffer.from(`\u0000${USER}\u0000${PASS}`).toString('base64')}`,
      permanent: true,
    });
    expect(describeSendError(err, [USER, PASS])).toEqual({ message: 'EAUTH 535: Invalid login: 535 Authentication failed for [redacted] (during AUTH)', permanent: true });
  });
});

describe('transport factory', () => {
  it('is undefined without mail.smtp', () => {
    expect(transportFromConfig({ secrets: {} })).toBeUndefined();
    expect(transportFromConfig({ secrets: {}, mail: { from: 'a@b.c', to: ['x@y.z'], attachmentLimitBytes: 1, projectDigests: false } })).toBeUndefined();
  });

  it('describes the server without credentials, and refuses half a credential pair', () => {
    const smtp = { host: 'smtp.acme.example', port: 587, secure: false, requireTLS: true };
    const t = createSmtpTransport(smtp, { smtpUser: USER, smtpPassword: PASS });
    expect(t.description).toBe('smtp://smtp.acme.example:587');
    t.close();
    expect(() => createSmtpTransport(smtp, { smtpUser: USER })).toThrow(InputError);
    expect(() => createSmtpTransport(smtp, { smtpPassword: PASS })).toThrow('SMTP_PASSWORD is set but SMTP_USER is not');
  });
});
