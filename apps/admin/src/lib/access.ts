import type { Me } from '@rapport/api-client'
import type { Permission, Role, TokenScope } from '@rapport/domain'

export function hasPermission(me: Me, permission: Permission | undefined): boolean {
  return permission === undefined || me.permissions.includes(permission)
}

/** What each permission lets a person do, in the words of the people who hold it. */
export const permissionDescriptions: Record<Permission, string> = {
  'customers:read': 'View customer profiles, timelines and feedback',
  'customers:write': 'Change customer data and work on cases',
  'customers:erase': 'Erase a customer and everything about them',
  'ingest:write': 'Send data into Rapport through the ingestion API',
  'sources:read': 'See where data comes from and how syncs went',
  'sources:write': 'Add, configure and sync data sources',
  'users:read': 'See who is a member of this workspace',
  'users:write': 'Add members, change their roles and deactivate them',
  'tokens:write': 'Create and revoke API tokens',
  'audit:read': 'Read the audit log of who changed what',
  'workspaces:write': 'Manage this workspace and create new ones',
}

export const scopeDescriptions: Record<TokenScope, string> = {
  ...permissionDescriptions,
  admin: 'Everything an admin may do',
}

export const roleDescriptions: Record<Role, string> = {
  owner: 'Full control, including other owners and the workspace itself',
  admin: 'Manages members, API tokens and data, but not owners',
  analyst: 'Reads customer data and reports',
  agent: 'Works with customers: reads and updates their data',
  viewer: 'Reads customer data only',
}

export function describePermission(permission: string): string {
  return permissionDescriptions[permission as Permission] ?? permission
}
