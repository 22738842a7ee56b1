import { z } from 'zod'

/** Roles a member holds in a workspace, from most to least powerful. */
export const roles = ['owner', 'admin', 'analyst', 'agent', 'viewer'] as const
export type Role = (typeof roles)[number]
export const roleSchema = z.enum(roles)

/**
 * Permissions are the single vocabulary of access: a role grants a set of them, and an API token's
 * scopes are a subset of them (bounded by the role of whoever created the token).
 */
export const permissions = [
  'customers:read',
  'customers:write',
  'customers:erase',
  'ingest:write',
  'sources:read',
  'sources:write',
  'users:read',
  'users:write',
  'tokens:write',
  'audit:read',
  'workspaces:write',
] as const
export type Permission = (typeof permissions)[number]

/** Token scopes: every permission, plus `admin` as a shorthand for all of an admin's permissions. */
export const tokenScopes = [...permissions, 'admin'] as const
export type TokenScope = (typeof tokenScopes)[number]
export const tokenScopeSchema = z.enum(tokenScopes)

const adminPermissions: readonly Permission[] = [
  'customers:read',
  'customers:write',
  'customers:erase',
  'ingest:write',
  'sources:read',
  'sources:write',
  'users:read',
  'users:write',
  'tokens:write',
  'audit:read',
]

const rolePermissions: Record<Role, readonly Permission[]> = {
  owner: [...adminPermissions, 'workspaces:write'],
  admin: adminPermissions,
  analyst: ['customers:read', 'sources:read', 'users:read'],
  agent: ['customers:read', 'customers:write', 'users:read'],
  viewer: ['customers:read'],
}

export function permissionsOfRole(role: Role): readonly Permission[] {
  return rolePermissions[role]
}

export function permissionsOfScopes(scopes: readonly TokenScope[]): Permission[] {
  const granted = new Set<Permission>()
  for (const scope of scopes) {
    if (scope === 'admin') for (const p of adminPermissions) granted.add(p)
    else granted.add(scope)
  }
  return permissions.filter((p) => granted.has(p))
}

/** Which roles a member of `actor` role may hand out or take away. Only owners touch owners. */
export function canAssignRole(actor: Role, target: Role): boolean {
  if (actor === 'owner') return true
  if (actor === 'admin') return target !== 'owner'
  return false
}

export const minimumPasswordLength = 12
export const passwordSchema = z
  .string()
  .min(minimumPasswordLength, `must be at least ${minimumPasswordLength} characters`)
  .max(256, 'must be at most 256 characters')

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'must be an e-mail address' }))
