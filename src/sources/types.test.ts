import { describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { InputError } from '../errors.js';
import { createAmplitudeClients, resolveApiUrls } from './types.js';

describe('resolveApiUrls', () => {
  it.each([
    [{ region: 'us' }, { scim: 'https://core.amplitude.com/scim/1', userManagement: 'https://core.amplitude.com/user-management/1', auditLogs: 'https://amplitude.com/api/2/audit-logs' }],
    [{ region: 'eu' }, { scim: 'https://core.eu.amplitude.com/scim/1', userManagement: 'https://core.eu.amplitude.com/user-management/1', auditLogs: 'https://analytics.eu.amplitude.com/api/2/audit-logs' }],
    [{ region: 'us', baseUrl: 'http://127.0.0.1:4010/' }, { scim: 'http://127.0.0.1:4010/scim/1', userManagement: 'http://127.0.0.1:4010/user-management/1', auditLogs: 'http://127.0.0.1:4010/api/2/audit-logs' }],
    [
      { region: 'eu', baseUrl: 'http://proxy:8080', auditLogsUrl: 'https://amplitude.com', scimUrl: 'https://gw.example/amp/scim/' },
      { scim: 'https://gw.example/amp/scim', userManagement: 'http://proxy:8080/user-management/1', auditLogs: 'https://amplitude.com/api/2/audit-logs' },
    ],
  ] as const)('%j', (amplitude, expected) => {
    expect(resolveApiUrls(amplitude)).toEqual(expected);
  });
});

const amplitude = {
  region: 'us' as const,
  baseUrl: 'http://127.0.0.1:4010',
  scim: true,
  userManagement: true,
  auditLogs: true,
  timeoutMs: 1000,
  rateLimits: { scimPerMinute: 100, userManagementPerMinute: 300, auditLogsPerMinute: 60 },
  auditLogOverlapHours: 6,
  auditLogLookbackDays: 90,
  auditLogWindowDays: 3,
};
const deps = { clock: fixedClock('2026-10-01T00:00:00Z') };

describe('createAmplitudeClients', () => {
  it('builds one client per enabled API', () => {
    const clients = createAmplitudeClients({ amplitude: { ...amplitude, userManagement: false }, secrets: { scimToken: 't', orgApiKey: 'k', orgSecretKey: 's' } }, deps);
    expect(clients.scim?.source).toBe('scim');
    expect(clients.userManagement).toBeUndefined();
    expect(clients.auditLogs?.source).toBe('audit-logs');
  });

  it.each([
    [{ orgApiKey: 'k', orgSecretKey: 's' }, 'amplitude.scim: AMPLITUDE_SCIM_TOKEN is not set, but amplitude.scim is on (export AMPLITUDE_SCIM_TOKEN with the SCIM key, or set amplitude.scim: false)'],
    [{ scimToken: 't', orgSecretKey: 's' }, 'amplitude.userManagement: AMPLITUDE_ORG_API_KEY is not set, but amplitude.userManagement is on (export AMPLITUDE_ORG_API_KEY with the organization API key, or set amplitude.userManagement: false)'],
    [{ scimToken: 't', orgApiKey: 'k' }, 'amplitude.userManagement: AMPLITUDE_ORG_SECRET_KEY is not set, but amplitude.userManagement is on (export AMPLITUDE_ORG_SECRET_KEY with the organization secret key, or set amplitude.userManagement: false)'],
  ])('a missing secret is an input error naming the variable', (secrets, message) => {
    let err: unknown;
    try {
      createAmplitudeClients({ amplitude, secrets }, deps);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toBe(message);
    expect((err as InputError).exitCode).toBe(2);
  });

  it('needs no secret for an API that is switched off', () => {
    expect(() => createAmplitudeClients({ amplitude: { ...amplitude, userManagement: false, auditLogs: false }, secrets: { scimToken: 't' } }, deps)).not.toThrow();
  });
});
