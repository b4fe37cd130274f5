export { pullAuditLogs, readPage, type AuditLogsPullOptions, type AuditLogsPullResult } from './pull.js';
export { normalizeEntry, canonicalJson, fingerprint, parseTime } from './normalize.js';
export { classify, CLASSIFY_RULES, type ClassifyRule } from './classify.js';
