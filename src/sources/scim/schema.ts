/**
 * SCIM 2.0 responses (amplitude-apis.md) → domain records. Unknown fields are ignored; the
 * documented variants are accepted (group ids as numbers or strings, `active` as a string).
 */
import { z } from 'zod';
import { normEmail } from '../../domain/common.js';
import type { ScimGroupRecord, ScimUserRecord } from '../../domain/pulls.js';

const idish = z.union([z.string(), z.number()]).transform(String);
const count = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]);
const boolish = z.union([z.boolean(), z.enum(['true', 'false', 'True', 'False', 'TRUE', 'FALSE']).transform((v) => v.toLowerCase() === 'true')]);

const scimUserSchema = z.object({
  id: idish.nullish(),
  userName: z.string().nullish(),
  displayName: z.string().nullish(),
  name: z
    .object({ givenName: z.string().nullish(), familyName: z.string().nullish(), formatted: z.string().nullish() })
    .nullish(),
  active: boolish,
  emails: z.array(z.object({ value: z.string(), primary: boolish.nullish() })).nullish(),
  groups: z.array(z.object({ value: idish })).nullish(),
});

const scimGroupSchema = z.object({
  id: idish,
  displayName: z.string().nullish(),
  members: z.array(z.object({ value: idish })).nullish(),
});

function listResponse<T extends z.ZodType>(item: T) {
  return z.object({
    totalResults: count.nullish(),
    startIndex: count.nullish(),
    itemsPerPage: count.nullish(),
    Resources: z.array(item).nullish(),
  });
}

export const usersPageSchema = listResponse(scimUserSchema);
export const groupsPageSchema = listResponse(scimGroupSchema);

export type ScimUser = z.output<typeof scimUserSchema>;
export type ScimGroup = z.output<typeof scimGroupSchema>;

/** Amplitude's stand-ins for the names of users who never joined. */
const PLACEHOLDERS = new Set(['NO_GIVEN_NAME', 'NO_FAMILY_NAME']);

function realPart(s: string | null | undefined): string | undefined {
  const v = s?.trim();
  return v && !PLACEHOLDERS.has(v) ? v : undefined;
}

function nameOf(u: ScimUser): string | undefined {
  const parts = [realPart(u.name?.givenName), realPart(u.name?.familyName)].filter((p): p is string => p !== undefined);
  if (parts.length) return parts.join(' ');
  // `formatted` / displayName may just be the placeholders joined: check each word.
  for (const candidate of [u.name?.formatted, u.displayName]) {
    const words = candidate?.trim().split(/\s+/).filter((w) => w && !PLACEHOLDERS.has(w)) ?? [];
    if (words.length) return words.join(' ');
  }
  return undefined;
}

/** The email of a SCIM user (Amplitude uses it as id and userName), lower-cased; undefined if none. */
export function emailOf(u: ScimUser): string | undefined {
  const primary = u.emails?.find((e) => e.primary === true)?.value ?? u.emails?.[0]?.value;
  const raw = u.userName ?? primary ?? u.id;
  const email = raw ? normEmail(raw) : undefined;
  return email ? email : undefined;
}

export function toUserRecord(u: ScimUser, email: string): ScimUserRecord {
  const name = nameOf(u);
  return {
    email,
    ...(name !== undefined && { name }),
    active: u.active,
    ...(u.groups && { groupIds: u.groups.map((g) => g.value) }),
  };
}

export function toGroupRecord(g: ScimGroup): ScimGroupRecord {
  return {
    id: g.id,
    name: g.displayName?.trim() || g.id,
    members: [...new Set((g.members ?? []).map((m) => normEmail(m.value)))],
  };
}
