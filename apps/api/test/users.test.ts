import { describe, expect, test } from 'vitest'
import { Client, memberWithRole, ownerEmail, useTestServer } from './harness.js'

const context = useTestServer()

describe('users', () => {
  test('an owner adds a user, who logs in with that role; the change is audited', async () => {
    const created = await context.owner.post('/api/v1/users', {
      email: ' Ana@Example.com ',
      name: 'Ana Analyst',
      role: 'analyst',
      password: 'analyst password',
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({
      email: 'ana@example.com',
      role: 'analyst',
      active: true,
      lastLoginAt: null,
    })
    expect(created.body).not.toHaveProperty('password')
    const ana = await Client.login(context.server.url, 'ana@example.com', 'analyst password')
    const me = await ana.get('/api/v1/me')
    expect(me.body.role).toBe('analyst')
    expect(me.body.permissions).toEqual(['customers:read', 'sources:read', 'users:read'])

    const audit = await context.owner.get('/api/v1/audit-log?action=user.created')
    expect(audit.body.items[0]).toMatchObject({
      actor: { type: 'user', label: ownerEmail },
      targetType: 'user',
      targetId: created.body.id,
      details: { email: 'ana@example.com', role: 'analyst' },
    })
    expect(audit.body.items[0].ip).toBe('127.0.0.1')
  })

  test('the same e-mail twice is a 409; a weak password a 400', async () => {
    await context.owner.post('/api/v1/users', {
      email: 'dup@example.com',
      name: 'D',
      role: 'viewer',
      password: 'dup password 1',
    })
    const dup = await context.owner.post('/api/v1/users', {
      email: 'dup@example.com',
      name: 'D',
      role: 'viewer',
      password: 'dup password 1',
    })
    expect(dup.status).toBe(409)
    const weak = await context.owner.post('/api/v1/users', {
      email: 'weak@example.com',
      name: 'W',
      role: 'viewer',
      password: 'short',
    })
    expect(weak.status).toBe(400)
    expect(weak.body.errors).toEqual([{ path: 'password', message: 'must be at least 12 characters' }])
    const badRole = await context.owner.post('/api/v1/users', {
      email: 'r@example.com',
      name: 'R',
      role: 'god',
      password: 'long enough pw',
    })
    expect(badRole.status).toBe(400)
    expect(badRole.body.errors[0].path).toBe('role')
  })

  test('roles: analysts, agents and viewers cannot manage users; admins cannot touch owners', async () => {
    for (const role of ['analyst', 'agent', 'viewer']) {
      const { client } = await memberWithRole(context.owner, role)
      const attempt = await client.post('/api/v1/users', {
        email: `x-${role}@example.com`,
        name: 'X',
        role: 'viewer',
        password: 'long enough pw',
      })
      expect(attempt.status).toBe(403)
      expect((await client.get('/api/v1/tokens')).status).toBe(403)
      expect((await client.get('/api/v1/audit-log')).status).toBe(403)
    }
    const admin = await memberWithRole(context.owner, 'admin')
    const makeOwner = await admin.client.post('/api/v1/users', {
      email: 'o2@example.com',
      name: 'O',
      role: 'owner',
      password: 'long enough pw',
    })
    expect(makeOwner.status).toBe(403)
    const ownerId = (await context.owner.get('/api/v1/me')).body.user.id
    expect((await admin.client.patch(`/api/v1/users/${ownerId}`, { active: false })).status).toBe(403)
    const viewer = await memberWithRole(admin.client, 'viewer')
    const promoted = await admin.client.patch(`/api/v1/users/${viewer.id}`, { role: 'agent' })
    expect(promoted.status).toBe(200)
    expect(promoted.body.role).toBe('agent')
    expect((await admin.client.patch(`/api/v1/users/${viewer.id}`, { role: 'owner' })).status).toBe(403)
  })

  test('nobody changes their own role or deactivates themselves', async () => {
    const me = (await context.owner.get('/api/v1/me')).body.user.id
    expect((await context.owner.patch(`/api/v1/users/${me}`, { role: 'viewer' })).status).toBe(403)
    expect((await context.owner.patch(`/api/v1/users/${me}`, { active: false })).status).toBe(403)
    const renamed = await context.owner.patch(`/api/v1/users/${me}`, { name: 'The Owner' })
    expect(renamed.status).toBe(200)
    expect(renamed.body.name).toBe('The Owner')
    expect((await context.owner.patch(`/api/v1/users/${me}`, {})).status).toBe(400)
  })

  test('a deactivated user is logged out at once and cannot log in; reactivated, they can', async () => {
    const agent = await memberWithRole(context.owner, 'agent')
    expect((await agent.client.get('/api/v1/customers')).status).toBe(200)
    const off = await context.owner.patch(`/api/v1/users/${agent.id}`, { active: false })
    expect(off.body.active).toBe(false)
    expect((await agent.client.get('/api/v1/me')).status).toBe(401)
    expect((await agent.client.get('/api/v1/customers')).status).toBe(401)
    const login = await new Client(context.server.url).post('/api/v1/auth/login', {
      email: agent.email,
      password: agent.password,
    })
    expect(login.status).toBe(403)
    await context.owner.patch(`/api/v1/users/${agent.id}`, { active: true })
    await Client.login(context.server.url, agent.email, agent.password)
    const actions = (await context.owner.get('/api/v1/audit-log')).body.items.map(
      (e: { action: string }) => e.action,
    )
    expect(actions).toContain('user.deactivated')
    expect(actions).toContain('user.reactivated')
  })

  test('a new role applies to a logged-in member at once, in both directions', async () => {
    const member = await memberWithRole(context.owner, 'analyst')
    // Read once, so that the server has this session at hand (it keeps sessions for a few seconds).
    expect((await member.client.get('/api/v1/sources')).status).toBe(200)
    await context.owner.patch(`/api/v1/users/${member.id}`, { role: 'viewer' })
    expect((await member.client.get('/api/v1/sources')).status).toBe(403)
    await context.owner.patch(`/api/v1/users/${member.id}`, { role: 'analyst' })
    expect((await member.client.get('/api/v1/sources')).status).toBe(200)
  })

  test('the list pages by cursor and misses nobody', async () => {
    for (let i = 0; i < 5; i++) {
      await context.owner.post('/api/v1/users', {
        email: `page-${i}@example.com`,
        name: `P${i}`,
        role: 'viewer',
        password: 'page password 1',
      })
    }
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
      const page = await context.owner.get(`/api/v1/users?limit=2${query}`)
      expect(page.body.items.length).toBeLessThanOrEqual(2)
      seen.push(...page.body.items.map((u: { email: string }) => u.email))
      cursor = page.body.nextCursor
    } while (cursor)
    const all = await context.owner.get('/api/v1/users?limit=200')
    expect(seen).toEqual(all.body.items.map((u: { email: string }) => u.email))
    expect(new Set(seen).size).toBe(seen.length)
    expect((await context.owner.get('/api/v1/users?limit=0')).status).toBe(400)
    expect((await context.owner.get('/api/v1/users?limit=abc')).status).toBe(400)
  })

  test('an unknown or malformed user id is a 404', async () => {
    expect((await context.owner.get('/api/v1/users/00000000-0000-4000-8000-000000000000')).status).toBe(404)
    expect((await context.owner.get('/api/v1/users/42')).status).toBe(404)
  })
})
