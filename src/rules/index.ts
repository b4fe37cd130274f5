/**
 * The rule registry: an explicit list, sorted by id. A rule file that is not listed here does
 * not run; `registry.test.ts` fails when a file in this folder is missing from the list.
 */
import type { AnyRule } from './types.js';
import addonUndocumented from './addon-undocumented.js';
import collaboratorOrgAdmin from './collaborator-org-admin.js';
import collaboratorProductionAdmin from './collaborator-production-admin.js';
import contractorExpired from './contractor-expired.js';
import contractorExpiring from './contractor-expiring.js';
import dormantAccount from './dormant-account.js';
import dormantAccountNotice from './dormant-account-notice.js';
import excessiveExport from './excessive-export.js';
import failedLoginBurst from './failed-login-burst.js';
import keyOrphaned from './key-orphaned.js';
import keyRotationOverdue from './key-rotation-overdue.js';
import keyUnused from './key-unused.js';
import orgAdminCount from './org-admin-count.js';
import orgAdminMinimum from './org-admin-minimum.js';
import orgOwnerCount from './org-owner-count.js';
import pendingInvite from './pending-invite.js';
import privilegeChangeUnapproved from './privilege-change-unapproved.js';
import projectWithoutAdmin from './project-without-admin.js';
import securitySettingsChanged from './security-settings-changed.js';
import temporaryElevationOverdue from './temporary-elevation-overdue.js';
import unregisteredAccount from './unregistered-account.js';

/** Every rule, sorted by id (the order of `rules list`, the docs and the pack). */
export const RULES: readonly AnyRule[] = [
  addonUndocumented,
  collaboratorOrgAdmin,
  collaboratorProductionAdmin,
  contractorExpired,
  contractorExpiring,
  dormantAccount,
  dormantAccountNotice,
  excessiveExport,
  failedLoginBurst,
  keyOrphaned,
  keyRotationOverdue,
  keyUnused,
  orgAdminCount,
  orgAdminMinimum,
  orgOwnerCount,
  pendingInvite,
  privilegeChangeUnapproved,
  projectWithoutAdmin,
  securitySettingsChanged,
  temporaryElevationOverdue,
  unregisteredAccount,
];

/** The rule with this id, or undefined. */
export function findRule(id: string): AnyRule | undefined {
  return RULES.find((r) => r.meta.id === id);
}

export const RULE_IDS: readonly string[] = RULES.map((r) => r.meta.id);
