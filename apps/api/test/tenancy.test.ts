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

test('customers, sources, runs and dead letters of workspace B are out of reach from workspace A', async () => {
  const { httpSource, track, memberWithRole } = await import('./harness.js')
  const owner = context.owner
  const adminOfA = await memberWithRole(owner, 'admin', 'admin-a2@example.com')
  const me = (await owner.get('/api/v1/me')).body
  const b = (await owner.post('/api/v1/workspaces', { name: 'Workspace B2' })).body
  await owner.post(`/api/v1/workspaces/${b.id}/switch`)
  const source = await httpSource(owner, 'B site')
  await track(context.server.url, source.writeKey, 'batch', {
    batch: [
      {
        type: 'identify',
        userId: 'b-person',
        traits: { email: 'b-person@example.com', name: 'B Person' },
        messageId: 'b2-1',
      },
      { type: 'track', userId: 'b-person', messageId: 'b2-bad' },
    ],
  })
  await context.server.processor.settled()
  const customer = (await owner.get('/api/v1/customers/lookup?type=userId&value=b-person')).body
  const run = (await owner.post(`/api/v1/sources/${source.id}/check`)).body
  expect(run.ok).toBe(true)
  const dead = (await owner.get('/api/v1/dead-letters')).body.items[0]
  expect(dead).toBeDefined()
  await owner.post(`/api/v1/workspaces/${me.workspace.id}/switch`)

  const a = adminOfA.client
  for (const path of [
    `/api/v1/customers/${customer.id}`,
    `/api/v1/customers/${customer.id}/timeline`,
    `/api/v1/customers/${customer.id}/records`,
    `/api/v1/customers/${customer.id}/merges`,
    `/api/v1/customers/${customer.id}/traits/name`,
    '/api/v1/customers/lookup?type=userId&value=b-person',
    `/api/v1/sources/${source.id}`,
    `/api/v1/sources/${source.id}/runs`,
    `/api/v1/sources/${source.id}/write-key`,
  ]) {
    expect((await a.get(path)).status, path).toBe(404)
  }
  expect((await a.delete(`/api/v1/customers/${customer.id}`)).status).toBe(404)
  expect((await a.patch(`/api/v1/sources/${source.id}`, { enabled: false })).status).toBe(404)
  expect((await a.post(`/api/v1/sources/${source.id}/sync`)).status).toBe(404)
  expect((await a.post(`/api/v1/sources/${source.id}/check`)).status).toBe(404)
  expect((await a.delete(`/api/v1/sources/${source.id}`)).status).toBe(404)
  expect((await a.post(`/api/v1/dead-letters/${dead.id}/retry`)).status).toBe(404)
  expect((await a.delete(`/api/v1/dead-letters/${dead.id}`)).status).toBe(404)
  expect(JSON.stringify((await a.get('/api/v1/customers?q=b-person')).body.items)).toBe('[]')
  expect(JSON.stringify((await a.get('/api/v1/sources')).body)).not.toContain(source.id)
  expect(JSON.stringify((await a.get('/api/v1/dead-letters')).body)).not.toContain('b2-bad')
  expect((await a.get('/api/v1/ingestion/health')).body.deadLetters).toBe(0)
  // B's customer is intact.
  await owner.post(`/api/v1/workspaces/${b.id}/switch`)
  expect((await owner.get(`/api/v1/customers/${customer.id}`)).body.displayName).toBe('B Person')
})
