/**
 * Which framework controls each rule gives evidence for (SPEC §5 "Controls"). Data beside the
 * rules: the rules themselves never mention frameworks. Control ids are unique across the three
 * frameworks, so a rule lists plain ids.
 */

export interface Control {
  /** `SOC 2`, `ISO/IEC 27001:2022`, `NIST SP 800-53`. */
  readonly framework: string;
  /** `CC6.2`, `A.5.18`, `AC-2(3)`. */
  readonly id: string;
  readonly title: string;
}

export const FRAMEWORKS = ['SOC 2', 'ISO/IEC 27001:2022', 'NIST SP 800-53'] as const;

/** The controls ampaudit evidences, in framework order. */
export const CONTROLS: readonly Control[] = [
  { framework: 'SOC 2', id: 'CC6.1', title: 'Logical access security over protected information assets' },
  { framework: 'SOC 2', id: 'CC6.2', title: 'User registration, authorization and removal' },
  { framework: 'SOC 2', id: 'CC6.3', title: 'Role-based access, least privilege and segregation of duties' },
  { framework: 'SOC 2', id: 'CC7.2', title: 'Monitoring of system components for anomalies' },
  { framework: 'ISO/IEC 27001:2022', id: 'A.5.15', title: 'Access control' },
  { framework: 'ISO/IEC 27001:2022', id: 'A.5.16', title: 'Identity management' },
  { framework: 'ISO/IEC 27001:2022', id: 'A.5.17', title: 'Authentication information' },
  { framework: 'ISO/IEC 27001:2022', id: 'A.5.18', title: 'Access rights' },
  { framework: 'ISO/IEC 27001:2022', id: 'A.8.2', title: 'Privileged access rights' },
  { framework: 'ISO/IEC 27001:2022', id: 'A.8.15', title: 'Logging' },
  { framework: 'ISO/IEC 27001:2022', id: 'A.8.16', title: 'Monitoring activities' },
  { framework: 'NIST SP 800-53', id: 'AC-2', title: 'Account management' },
  { framework: 'NIST SP 800-53', id: 'AC-2(3)', title: 'Disable accounts' },
  { framework: 'NIST SP 800-53', id: 'AC-6', title: 'Least privilege' },
  { framework: 'NIST SP 800-53', id: 'AC-6(7)', title: 'Review of user privileges' },
  { framework: 'NIST SP 800-53', id: 'IA-5', title: 'Authenticator management' },
  { framework: 'NIST SP 800-53', id: 'AU-6', title: 'Audit record review, analysis and reporting' },
];

/** Rule id → the controls it evidences (ids from `CONTROLS`). */
export const RULE_CONTROLS: Readonly<Record<string, readonly string[]>> = {
  'addon-undocumented': ['CC6.3', 'A.5.15', 'A.5.18', 'AC-6'],
  'collaborator-org-admin': ['CC6.3', 'A.8.2', 'AC-6', 'AC-6(7)'],
  'collaborator-production-admin': ['CC6.3', 'A.8.2', 'AC-6'],
  'contractor-expired': ['CC6.2', 'A.5.18', 'AC-2', 'AC-2(3)'],
  'contractor-expiring': ['CC6.2', 'A.5.18', 'AC-2'],
  'dormant-account': ['CC6.2', 'A.5.18', 'AC-2(3)'],
  'dormant-account-notice': ['CC6.2', 'A.5.18', 'AC-2(3)'],
  'excessive-export': ['CC7.2', 'A.8.16', 'AU-6'],
  'failed-login-burst': ['CC7.2', 'A.8.16', 'AU-6'],
  'key-orphaned': ['CC6.1', 'CC6.2', 'A.5.17', 'A.5.18', 'AC-2', 'IA-5'],
  'key-rotation-overdue': ['CC6.1', 'A.5.17', 'IA-5'],
  'key-unused': ['CC6.1', 'A.5.17', 'IA-5'],
  'org-admin-count': ['CC6.3', 'A.8.2', 'AC-6', 'AC-6(7)'],
  'org-admin-minimum': ['CC6.1', 'A.8.2', 'AC-2'],
  'org-owner-count': ['CC6.3', 'A.8.2', 'AC-6', 'AC-6(7)'],
  'pending-invite': ['CC6.2', 'A.5.16', 'AC-2'],
  'privilege-change-unapproved': ['CC6.2', 'CC6.3', 'A.5.18', 'A.8.2', 'AC-2', 'AC-6(7)'],
  'project-without-admin': ['CC6.1', 'A.5.15', 'AC-2'],
  'security-settings-changed': ['CC7.2', 'A.8.15', 'A.8.16', 'AU-6'],
  'temporary-elevation-overdue': ['CC6.3', 'A.8.2', 'AC-2', 'AC-6'],
  'unregistered-account': ['CC6.2', 'A.5.16', 'AC-2'],
};

const byId = new Map(CONTROLS.map((c) => [c.id, c]));

export function findControl(id: string): Control | undefined {
  return byId.get(id);
}

/** The controls a rule evidences, in `CONTROLS` order; empty for a rule without a mapping. */
export function controlsFor(ruleId: string): Control[] {
  const ids = new Set(RULE_CONTROLS[ruleId] ?? []);
  return CONTROLS.filter((c) => ids.has(c.id));
}

/** Control ids of a rule, in `CONTROLS` order (what `ReviewData.rules[].controls` holds). */
export function controlIdsFor(ruleId: string): string[] {
  return controlsFor(ruleId).map((c) => c.id);
}

/** The rule ids that evidence a control, sorted. */
export function rulesFor(controlId: string): string[] {
  return Object.keys(RULE_CONTROLS)
    .filter((r) => RULE_CONTROLS[r]!.includes(controlId))
    .sort();
}
