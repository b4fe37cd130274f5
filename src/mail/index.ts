export { composeReviewMail, composeProjectDigests, projectAdmins, packId, buildMessage, type PackFiles, type ComposeOptions, type ProjectDigest } from './compose.js';
export { Outbox, outboxDirFor, listOutbox, deliverPending, backoffDelay, DEFAULT_MAX_ATTEMPTS } from './outbox.js';
export type { OutboxState, OutboxItem, OutboxListing, EnqueueResult, DeliverOptions, DeliverResult, BackoffOptions } from './outbox.js';
export { createSmtpTransport, transportFromConfig, SendFailure, redactSecrets, type MailTransport, type SendResult, type SmtpTimeouts } from './transport.js';
export { queueReviewMail, packFilesOf, type QueueReviewOptions, type QueueReviewResult } from './queue.js';
export { buildEml, type BuiltEml, type Envelope } from './eml.js';
export { loadTemplates, builtinTemplatesDir, type TemplateSet } from './templates.js';
export { mailId } from './id.js';
export type { MailMessage, MailAttachment, MailKind, MailSettings } from './types.js';
