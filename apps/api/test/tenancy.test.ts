import { expect, test } from 'vitest'
import { Client, memberWithRole, useTestServer } from './harness.js'

const context = useTestServer()

test('a member of workspace A reaches none of workspace B: every endpoint answers 404 or leaves B out', async () => {
  const adminOfA = await memberWithRole(context.owner, 'admin', 'admin-a@example.com')
  const tokenOfA = (await context.owner.post('/api/v1/tokens', { name: 'a-bot', scopes: ['admin'] })).body
    .token as string

  // Workspace B, with a member and a token of its own.
  const b = (await context.owner.post('/api/v1/workspaces', { name: 'Workspace B' })).body
  await context.owner.post(`/api/v1/workspaces/${b.id}/switch`)
  const memberOfB = (
    await context.owner.post('/api/v1/users', {
      email: 'b-only@example.com',
      name: 'B',
      role: 'agent',
      password: 'b password 123',
    })
  ).body
  const tokenOfB = (await context.owner.post('/api/v1/tokens', { name: 'b-bot', scopes: ['users:read'] }))
    .body

  for (const caller of [adminOfA.client, new Client(context.server.url, tokenOfA)]) {
    expect((await caller.get(`/api/v1/users/${memberOfB.id}`)).status).toBe(404)
    expect((await caller.patch(`/api/v1/users/${memberOfB.id}`, { role: 'viewer' })).status).toBe(404)
    expect((await caller.patch(`/api/v1/users/${memberOfB.id}`, { active: false })).status).toBe(404)
    expect((await caller.delete(`/api/v1/tokens/${tokenOfB.id}`)).status).toBe(404)
    const users = JSON.stringify((await caller.get('/api/v1/users?limit=200')).body)
    expect(users).not.toContain(memberOfB.id)
    expect(users).not.toContain('b-only@example.com')
    expect(JSON.stringify((await caller.get('/api/v1/tokens')).body)).not.toContain(tokenOfB.id)
    const audit = JSON.stringify((await caller.get('/api/v1/audit-log?limit=200')).body)
    expect(audit).not.toContain(b.id)
    expect(audit).not.toContain('b-only@example.com')
    expect(JSON.stringify((await caller.get('/api/v1/workspaces')).body)).not.toContain(b.id)
  }
  expect((await adminOfA.client.post(`/api/v1/workspaces/${b.id}/switch`)).status).toBe(404)
  // Adding B's member to A by e-mail makes them a member of A only, without touching their B account.
  const joined = await adminOfA.client.post('/api/v1/users', {
    email: 'b-only@example.com',
    name: 'Renamed?',
    role: 'viewer',
    password: 'another password',
  })
  expect(joined.status).toBe(201)
  expect(joined.body.name).toBe('B')
  await Client.login(context.server.url, 'b-only@example.com', 'b password 123')

  // B is untouched.
  const inB = await context.owner.get(`/api/v1/users/${memberOfB.id}`)
  expect(inB.body).toMatchObject({ role: 'agent', active: true })
  const bTokens = (await context.owner.get('/api/v1/tokens')).body.items
  expect(bTokens.find((t: { id: string }) => t.id === tokenOfB.id).revokedAt).toBeNull()
  // A token of B works in B only.
  const bBot = new Client(context.server.url, tokenOfB.token)
  const bUsers = (await bBot.get('/api/v1/users')).body.items.map((u: { email: string }) => u.email)
  expect(bUsers).not.toContain('admin-a@example.com')
})
