/** High-risk events that go out at once as a short alert mail (SPEC §9, issue 5 item 3). */
import type { Instant } from '../domain/common.js';

export type AlertKind = 'org-admin' | 'security-settings' | 'large-export' | 'export-volume' | 'failed-login-burst';

export interface AlertDetail {
  readonly label: string;
  readonly value: string;
}

export interface Alert {
  /**
   * The ledger key: each key is alerted once, ever. `role:<fp>`, `security:<fp>`, `cohort:<fp>`
   * (event fingerprints), `export-count|export-rows|export-users:<email>:<quarter>`,
   * `burst:<account>:<first failure time>`.
   */
  readonly key: string;
  readonly kind: AlertKind;
  /** When it happened (the event, the export that crossed the limit, the burst's last failure). */
  readonly time: Instant;
  /** Who acted, when one person did (lower-cased email). */
  readonly actor?: string;
  /** One sentence, plain text (escaped when put into HTML). */
  readonly summary: string;
  readonly details: readonly AlertDetail[];
}

/** Thresholds taken from the resolved policy, so alerts agree with the rules. */
export interface AlertThresholds {
  readonly exports: {
    readonly enabled: boolean;
    readonly maxExports: number;
    readonly maxRows: number;
    readonly maxUsers: number;
    readonly largeCohortUsers: number;
  };
  readonly failedLogins: { readonly enabled: boolean; readonly threshold: number; readonly windowMinutes: number };
  readonly securitySettings: { readonly enabled: boolean };
}
