/** Test helpers for the evidence store: temp stores and audit events with content fingerprints. */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEvent, EventKind } from '../domain/events.js';
import { openStore } from './sqlite.js';
import type { EvidenceStore } from './types.js';

export interface TempStore {
  readonly dir: string;
  readonly path: string;
  readonly store: EvidenceStore;
  reopen(): EvidenceStore;
  cleanup(): void;
}

/** A store file in a fresh temp folder. Call `cleanup()` (closes every store it opened). */
export function tempStore(): TempStore {
  const dir = mkdtempSync(join(tmpdir(), 'ampaudit-store-'));
  const path = join(dir, 'evidence.db');
  const opened: EvidenceStore[] = [];
  const open = (): EvidenceStore => {
    const s = openStore(path);
    opened.push(s);
    return s;
  };
  const store = open();
  return {
    dir,
    path,
    store,
    reopen: open,
    cleanup() {
      for (const s of opened) s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const ACTIONS: Record<EventKind, [string, string, string]> = {
  login: ['auth', 'auth', 'login'],
  login_failed: ['auth', 'auth', 'login_failed'],
  logout: ['auth', 'auth', 'logout'],
  invite: ['org', 'members', 'invite_user'],
  invite_accepted: ['org', 'members', 'accept_invite'],
  registration: ['auth', 'registration', 'register'],
  member_removed: ['org', 'members', 'remove_user'],
  role_change: ['org', 'permissions', 'update_org_role'],
  permission_change: ['org', 'permissions', 'update_addon_permission'],
  group_change: ['org', 'groups', 'update_group_members'],
  export: ['project', 'export', 'export_data'],
  cohort_export: ['cohort', 'cohort', 'export_cohort'],
  user_export: ['project', 'users', 'export_users'],
  sso_change: ['org', 'sso', 'update_sso_config'],
  scim_change: ['org', 'scim', 'regenerate_scim_key'],
  security_change: ['org', 'security', 'update_security_settings'],
  project_change: ['project', 'settings', 'update_project'],
  password_reset: ['auth', 'password', 'password_reset'],
  api_key_change: ['project', 'api_keys', 'create_api_key'],
  other: ['content', 'chart', 'create_chart'],
};

type EventInput = Partial<Omit<AuditEvent, 'fp'>> & { time: string; kind: EventKind };

/** An event whose fp is the sha256 of its content: the same input twice gives the same fp. */
export function ev(input: EventInput): AuditEvent {
  const [domain, feature, action] = ACTIONS[input.kind];
  const body = { domain, feature, action, props: {}, ...input, time: new Date(input.time).toISOString() };
  const fp = createHash('sha256').update(JSON.stringify(body)).digest('hex');
  return { fp, ...body };
}
