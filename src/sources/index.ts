/** The Amplitude API connectors: each parses its raw responses into domain records. */
export { pullScim, type ScimPullOptions } from './scim/index.js';
export { pullUserManagement, type UserManagementPullOptions } from './user-management/index.js';
export { pullAuditLogs, type AuditLogsPullOptions, type AuditLogsPullResult } from './audit-logs/index.js';
export { createAmplitudeClients, resolveApiUrls, type AmplitudeClients, type ApiUrls, type ClientDeps, type ConnectorOptions } from './types.js';
