import { describe, expect, test } from 'vitest'
import { Client, memberWithRole, useTestServer } from './harness.js'

const context = useTestServer()

describe('API tokens', () => {
  test('the secret is shown once, stored hashed, and works as a bearer token within its scopes', async () => {
    const created = await context.owner.post('/api/v1/tokens', { name: 'reporting', scopes: ['users:read'] })
    expect(created.status).toBe(201)
    const secret: string = created.body.token
    expect(secret).toMatch(/^rap_[\w-]{40,}$/)
    expect(secret.startsWith(created.body.prefix)).toBe(true)

    const list = await context.owner.get('/api/v1/tokens')
    expect(JSON.stringify(list.body)).not.toContain(secret)
    const stored = await context.server.database.db.selectFrom('api_tokens').select('token_hash').execute()
    expect(stored.map((r) => r.token_hash)).not.toContain(secret)

    const bot = new Client(context.server.url, secret)
    const users = await bot.get('/api/v1/users')
    expect(users.status).toBe(200)
    expect((await bot.get('/api/v1/tokens')).status).toBe(403)
    expect(
      (
        await bot.post('/api/v1/users', {
          email: 'b@example.com',
          name: 'B',
          role: 'viewer',
          password: 'long enough pw',
        })
      ).status,
    ).toBe(403)
    // Session-only endpoints refuse tokens.
    expect((await bot.get('/api/v1/me')).status).toBe(403)
    const seen = (await context.owner.get('/api/v1/tokens')).body.items.find(
      (t: { id: string }) => t.id === created.body.id,
    )
    expect(seen.lastUsedAt).not.toBeNull()
  })

  test('a token with the admin scope manages users and its actions are audited under its name', async () => {
    const { body } = await context.owner.post('/api/v1/tokens', { name: 'provisioning', scopes: ['admin'] })
    const bot = new Client(context.server.url, body.token)
    const made = await bot.post('/api/v1/users', {
      email: 'bot-made@example.com',
      name: 'Bot Made',
      role: 'agent',
      password: 'long enough pw',
    })
    expect(made.status).toBe(201)
    expect(
      (
        await bot.post('/api/v1/users', {
          email: 'o@example.com',
          name: 'O',
          role: 'owner',
          password: 'long enough pw',
        })
      ).status,
    ).toBe(403)
    const entry = (await context.owner.get('/api/v1/audit-log?action=user.created')).body.items[0]
    expect(entry.actor).toMatchObject({ type: 'token', id: body.id, label: 'token provisioning' })
  })

  test('revoked or expired tokens stop working at once; bad headers are a 401', async () => {
    const { body } = await context.owner.post('/api/v1/tokens', {
      name: 'temp',
      scopes: ['users:read'],
      expiresInDays: 1,
    })
    const bot = new Client(context.server.url, body.token)
    expect((await bot.get('/api/v1/users')).status).toBe(200)
    expect((await context.owner.delete(`/api/v1/tokens/${body.id}`)).status).toBe(204)
    expect((await bot.get('/api/v1/users')).status).toBe(401)
    const revoked = (await context.owner.get('/api/v1/tokens')).body.items.find(
      (t: { id: string }) => t.id === body.id,
    )
    expect(revoked.revokedAt).not.toBeNull()
    expect((await context.owner.get('/api/v1/audit-log?action=token.revoked')).body.items[0].targetId).toBe(
      body.id,
    )

    const expiring = await context.owner.post('/api/v1/tokens', { name: 'expiring', scopes: ['users:read'] })
    await context.server.database.db
      .updateTable('api_tokens')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', expiring.body.id)
      .execute()
    expect((await new Client(context.server.url, expiring.body.token).get('/api/v1/users')).status).toBe(401)

    const basic = await fetch(`${context.server.url}/api/v1/users`, {
      headers: { authorization: 'Basic Zm9vOmJhcg==' },
    })
    expect(basic.status).toBe(401)
    expect((await new Client(context.server.url, 'rap_made_up').get('/api/v1/users')).status).toBe(401)
  })

  test('nobody grants scopes beyond their own role; bad scopes are a 400', async () => {
    const admin = await memberWithRole(context.owner, 'admin')
    const beyond = await admin.client.post('/api/v1/tokens', { name: 'x', scopes: ['workspaces:write'] })
    expect(beyond.status).toBe(403)
    const unknown = await context.owner.post('/api/v1/tokens', { name: 'x', scopes: ['everything'] })
    expect(unknown.status).toBe(400)
    expect(unknown.body.errors[0].path).toBe('scopes.0')
    expect((await context.owner.post('/api/v1/tokens', { name: '', scopes: [] })).body.errors).toHaveLength(2)
  })

  test('revoking an unknown token is a 404', async () => {
    expect((await context.owner.delete('/api/v1/tokens/00000000-0000-4000-8000-000000000000')).status).toBe(
      404,
    )
    expect((await context.owner.delete('/api/v1/tokens/nope')).status).toBe(404)
  })
})
