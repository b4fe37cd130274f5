/** User Management API responses (amplitude-apis.md) → domain records. Unknown fields are ignored. */
import { z } from 'zod';
import type { RoleAssignmentRecord, RoleRecord } from '../../domain/pulls.js';
import type { RoleLevel } from '../../domain/model.js';

const idish = z.union([z.string().min(1), z.number()]).transform(String);

/** `{ data: [...], pagination: { nextCursor } }`; `next_cursor` accepted too. */
export function listSchema<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    pagination: z
      .object({ nextCursor: z.string().nullish(), next_cursor: z.string().nullish() })
      .nullish(),
  });
}

export const roleSchema = z
  .object({
    uuid: idish.nullish(),
    id: idish.nullish(),
    name: z.string(),
    tags: z.object({ type: z.string().nullish() }).nullish(),
  })
  .refine((r) => r.uuid != null || r.id != null, { message: 'a role needs a uuid' });

export const assignmentSchema = z.object({
  id: idish,
  principalType: z
    .string()
    .transform((s) => s.toLowerCase())
    .pipe(z.enum(['user', 'group'])),
  principalId: idish,
  projectId: idish,
  roleId: idish,
});

const DEFAULT_LEVELS: Readonly<Record<string, RoleLevel>> = { viewer: 'viewer', member: 'member', manager: 'manager', admin: 'admin' };

export function toRoleRecord(r: z.output<typeof roleSchema>): RoleRecord {
  const id = (r.uuid ?? r.id) as string;
  const taggedCustom = r.tags?.type?.toLowerCase() === 'custom';
  const level = taggedCustom ? undefined : DEFAULT_LEVELS[r.name.trim().toLowerCase()];
  return level ? { id, name: r.name, custom: false, level } : { id, name: r.name, custom: true };
}

export function toAssignmentRecord(a: z.output<typeof assignmentSchema>): RoleAssignmentRecord {
  return {
    id: a.id,
    principalType: a.principalType,
    principalId: a.principalType === 'user' ? a.principalId.trim().toLowerCase() : a.principalId,
    projectId: a.projectId,
    roleId: a.roleId,
  };
}
