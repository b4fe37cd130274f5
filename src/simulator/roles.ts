/** Amplitude's four default project roles, with fixed uuids so every simulated org shares them. */
import type { SimRole } from './org.js';

export const DEFAULT_ROLES: readonly SimRole[] = [
  { uuid: '5b0c1a7e-1d2f-4c3a-9e01-000000000001', name: 'Viewer', custom: false, level: 'viewer', description: 'Can view content' },
  { uuid: '5b0c1a7e-1d2f-4c3a-9e01-000000000002', name: 'Member', custom: false, level: 'member', description: 'Can create and edit content' },
  { uuid: '5b0c1a7e-1d2f-4c3a-9e01-000000000003', name: 'Manager', custom: false, level: 'manager', description: 'Can manage project data and taxonomy' },
  { uuid: '5b0c1a7e-1d2f-4c3a-9e01-000000000004', name: 'Admin', custom: false, level: 'admin', description: 'Full control of the project' },
];

export function defaultRole(level: SimRole['level']): SimRole {
  const r = DEFAULT_ROLES.find((x) => x.level === level);
  if (!r) throw new Error(`no default role ${level}`);
  return r;
}
