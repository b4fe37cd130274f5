export { runAlerts, alertWindow, FIRST_RUN_LOOKBACK_HOURS, type RunAlertsOptions, type RunAlertsResult } from './run.js';
export { detectAlerts, type DetectInput, type Detection } from './detect.js';
export { composeAlertMail, alertRef, type ComposeAlertOptions } from './compose.js';
export { alertThresholds } from './thresholds.js';
export { AlertLedger, CURSOR_KEY } from './ledger.js';
export type { Alert, AlertDetail, AlertKind, AlertThresholds } from './types.js';
