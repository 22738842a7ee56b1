import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  canAssignRole,
  kebabCase,
  permissions,
  permissionsOfRole,
  permissionsOfScopes,
  roles,
  slugify,
  slugSchema,
  tokenScopes,
} from '../src/index.js'

describe('roles and permissions', () => {
  test('owners hold everything admins do; admins everything agents and analysts do; all hold what viewers do', () => {
    expect(permissionsOfRole('owner')).toEqual(expect.arrayContaining([...permissionsOfRole('admin')]))
    expect(permissionsOfRole('admin')).toEqual(expect.arrayContaining([...permissionsOfRole('agent')]))
    expect(permissionsOfRole('admin')).toEqual(expect.arrayContaining([...permissionsOfRole('analyst')]))
    expect(permissionsOfRole('agent')).toEqual(expect.arrayContaining([...permissionsOfRole('viewer')]))
    expect(permissionsOfRole('analyst')).toEqual(expect.arrayContaining([...permissionsOfRole('viewer')]))
    expect(permissionsOfRole('viewer')).toEqual(['customers:read'])
  })

  test('only owners may create workspaces', () => {
    for (const role of roles) {
      expect(permissionsOfRole(role).includes('workspaces:write')).toBe(role === 'owner')
    }
  })

  test('scopes grant exactly themselves; admin grants what the admin role has', () => {
    fc.assert(
      fc.property(fc.subarray([...tokenScopes]), (scopes) => {
        const granted = permissionsOfScopes(scopes)
        const expected = new Set(
          scopes.flatMap((s) => (s === 'admin' ? [...permissionsOfRole('admin')] : [s])),
        )
        expect(new Set(granted)).toEqual(expected)
        expect(granted.every((p) => permissions.includes(p))).toBe(true)
      }),
    )
  })

  test('admins never hand out or touch the owner role; lower roles assign nothing', () => {
    for (const target of roles) {
      expect(canAssignRole('owner', target)).toBe(true)
      expect(canAssignRole('admin', target)).toBe(target !== 'owner')
      for (const actor of ['analyst', 'agent', 'viewer'] as const)
        expect(canAssignRole(actor, target)).toBe(false)
    }
  })
})

describe('slugs', () => {
  test('slugify makes a valid slug of any name', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (name) => {
        const slug = slugify(name)
        expect(slug).toMatch(kebabCase)
        expect(slugSchema.safeParse(slug).success).toBe(true)
      }),
    )
    expect(slugify('Acme Europe GmbH')).toBe('acme-europe-gmbh')
    expect(slugify('Café Ünïcode')).toBe('cafe-unicode')
  })
})
