/**
 * Everything a person still holds in the organization: account, project roles, add-ons and API
 * keys. Used by the register rules (contractor-expired, contractor-expiring) that ask "does this
 * person still have any access or key?" and must answer *unknown* rather than "no" when a source
 * that could show access is missing.
 */
import type { Evidence, Subject } from '../../domain/findings.js';
import type { AddonGrant, ApiKey, Grant, Member, RegisterEntry } from '../../domain/model.js';
import type { Snapshot } from '../../domain/snapshot.js';
import { compact, ev, evFact, findMember, grantEvidence, grantsOf, isPresentMember, memberSubject, membersKnown, normEmail, plural, projectLabel, roleName } from '../lib.js';
import { keyLabel, sortedKeys } from './keys.js';

export interface HeldAccess {
  /** `yes`: something is held; `no`: every source that could show access shows none; `unknown` otherwise. */
  readonly holds: 'yes' | 'no' | 'unknown';
  /** `account active, 2 project roles, 1 API key` (what is held), or why it is unknown. */
  readonly summary: string;
  readonly evidence: readonly Evidence[];
  readonly member?: Member;
  readonly grants: readonly Grant[];
  readonly addons: readonly AddonGrant[];
  readonly keys: readonly ApiKey[];
}

/** True when the member record shows the account is gone: deactivated, or SCIM inactive without a status. */
export function accountDeactivated(m: Member): boolean {
  if (m.status) return m.status.value === 'deactivated';
  return m.scimActive?.value === false;
}

/** True when the person is listed by a source that lists the organization's members. */
export function inMemberList(m: Member): boolean {
  return m.status !== undefined || m.scimActive !== undefined || m.seenIn.includes('scim') || m.seenIn.includes('members-export');
}

function accountState(snapshot: Snapshot, m: Member | undefined): { state: 'present' | 'gone' | 'unknown'; text: string } {
  if (m && isPresentMember(m)) {
    const s = m.status?.value;
    return { state: 'present', text: s === 'invited' ? 'invitation pending' : s === 'active' ? 'account active' : 'account present' };
  }
  if (m && accountDeactivated(m)) return { state: 'gone', text: 'account deactivated' };
  if (membersKnown(snapshot) && (!m || !inMemberList(m))) return { state: 'gone', text: 'not a member of the organization' };
  return { state: 'unknown', text: 'their membership is unknown (neither SCIM nor the members export was read)' };
}

export function heldAccess(snapshot: Snapshot, email: string): HeldAccess {
  const who = normEmail(email);
  const member = findMember(snapshot, who);
  const account = accountState(snapshot, member);
  const grants = snapshot.grants ? grantsOf(snapshot, who) : [];
  const addons = (snapshot.addons ?? []).filter((a) => normEmail(a.email) === who);
  const keys = sortedKeys((snapshot.keys ?? []).filter((k) => k.owner !== undefined && normEmail(k.owner) === who));

  const held: string[] = [];
  if (account.state === 'present') held.push(account.text);
  if (grants.length > 0) held.push(plural(grants.length, 'project role'));
  if (addons.length > 0) held.push(plural(addons.length, 'add-on permission'));
  if (keys.length > 0) held.push(plural(keys.length, 'API key'));

  // A role or add-on without an account grants nothing, so unknown grants only matter while the
  // account may exist. A key keeps working whatever happens to its owner's account.
  const unknown: string[] = [];
  if (account.state === 'unknown') unknown.push(account.text);
  if (account.state !== 'gone' && !snapshot.grants) unknown.push('their project roles are unknown (no role source was read)');
  if (!snapshot.keys) unknown.push('no API key inventory was read to show their keys');

  const evidence: Evidence[] = compact([
    member ? evFact('Account status', member.status) : undefined,
    member && !member.status ? evFact('SCIM active', member.scimActive, (v) => (v ? 'yes' : 'no')) : undefined,
    account.state === 'gone' ? ev('Account', account.text) : undefined,
    member ? evFact('Organization role', member.orgRole, roleName) : undefined,
    ...grants.map((g) => grantEvidence(snapshot, g)),
    ...addons.map((a) => ev('Add-on permission', addonText(snapshot, a), a.source, a.pulledAt)),
    ...keys.map((k) => ev('Owns API key', keyLabel(snapshot, k), 'api-keys', k.pulledAt)),
  ]);

  const holds = held.length > 0 ? 'yes' : unknown.length > 0 ? 'unknown' : 'no';
  const summary = holds === 'yes' ? held.join(', ') : holds === 'unknown' ? unknown.join('; ') : 'no access and no keys';
  const out: { -readonly [K in keyof HeldAccess]: HeldAccess[K] } = { holds, summary, evidence, grants, addons, keys };
  if (member) out.member = member;
  return out;
}

/** The member subject for a register person: the member's name when known, else the register's. */
export function personSubject(snapshot: Snapshot, entry: RegisterEntry): Subject {
  const member = findMember(snapshot, entry.email);
  if (member?.name) return memberSubject(member);
  const email = normEmail(entry.email);
  return { kind: 'member', id: email, label: entry.name ? `${entry.name} <${email}>` : email };
}

/** One evidence line for a register row: `contractor at Agency Ltd, end date 2026-10-31, approved by x (line 7)`. */
export function registerEvidence(entry: RegisterEntry, label = 'Register entry'): Evidence {
  const parts: string[] = [entry.company ? `${entry.kind} at ${entry.company}` : entry.kind];
  if (entry.startDate) parts.push(`start date ${entry.startDate}`);
  if (entry.endDate) parts.push(`end date ${entry.endDate}`);
  if (entry.approver) parts.push(`approved by ${entry.approver}`);
  if (entry.ticket) parts.push(`ticket ${entry.ticket}`);
  return ev(label, `${parts.join(', ')} (line ${entry.line})`, 'register', entry.pulledAt);
}

/** The unknown reason when no register was read. */
export const NO_REGISTER = 'no access register was read (set sources.register to the register file)';

const ADDON_NAMES: Readonly<Record<string, string>> = { govern: 'Govern', experiment: 'Experiment', accounts: 'Accounts' };

export function addonName(kind: string): string {
  return ADDON_NAMES[kind] ?? kind;
}

/** `Govern (Data Manager) on Web Production (101)`. */
export function addonText(snapshot: Snapshot, a: AddonGrant): string {
  const detail = a.detail ? ` (${a.detail})` : '';
  const where = a.projectId ? ` on ${projectLabel(snapshot, a.projectId)}` : '';
  return `${addonName(a.addon)}${detail}${where}`;
}
