import { describe, expect, test } from 'vitest'
import { Client, ownerEmail, ownerPassword, useTestServer } from './harness.js'

const context = useTestServer()

describe('login', () => {
  test('the first start created the context.owner, who logs in with an httpOnly session cookie', async () => {
    const client = new Client(context.server.url)
    const answer = await client.post('/api/v1/auth/login', {
      email: ownerEmail.toUpperCase(),
      password: ownerPassword,
    })
    expect(answer.status).toBe(200)
    expect(answer.body.role).toBe('owner')
    expect(answer.body.workspace.slug).toBe('default')
    expect(answer.body.permissions).toContain('users:write')
    const cookie = answer.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/^rapport_session=[\w-]{40,};/)
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Lax')
    expect(JSON.stringify(answer.body)).not.toContain(ownerPassword)

    const me = await client.get('/api/v1/me')
    expect(me.status).toBe(200)
    expect(me.body.user.email).toBe(ownerEmail)
  })

  test('a wrong password or unknown e-mail gets the same 401', async () => {
    const client = new Client(context.server.url)
    const wrong = await client.post('/api/v1/auth/login', { email: ownerEmail, password: 'not the password' })
    const unknown = await client.post('/api/v1/auth/login', {
      email: 'nobody@example.com',
      password: 'whatever pw',
    })
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(wrong.body.detail).toBe(unknown.body.detail)
    expect(wrong.headers.get('content-type')).toContain('application/problem+json')
  })

  test('missing fields are a 400 naming each field', async () => {
    const answer = await new Client(context.server.url).post('/api/v1/auth/login', { email: 'not-an-email' })
    expect(answer.status).toBe(400)
    expect(answer.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['email', 'password'])
  })

  test('repeated failures from one address are throttled with Retry-After; others still log in', async () => {
    const email = 'throttled@example.com'
    await context.owner.post('/api/v1/users', {
      email,
      name: 'T',
      role: 'viewer',
      password: 'the right password',
    })
    const client = new Client(context.server.url)
    for (let i = 0; i < 5; i++) {
      expect((await client.post('/api/v1/auth/login', { email, password: 'wrong password' })).status).toBe(
        401,
      )
    }
    const blocked = await client.post('/api/v1/auth/login', { email, password: 'the right password' })
    expect(blocked.status).toBe(429)
    expect(blocked.headers.get('retry-after')).toBe('900')
    expect((await Client.login(context.server.url, ownerEmail, ownerPassword)).csrfToken).toBeTruthy()
  })
})

describe('session', () => {
  test('no credentials is a 401; a forged cookie too', async () => {
    expect((await new Client(context.server.url).get('/api/v1/me')).status).toBe(401)
    const forged = await fetch(`${context.server.url}/api/v1/me`, {
      headers: { cookie: 'rapport_session=forged' },
    })
    expect(forged.status).toBe(401)
  })

  test('cookie-authenticated writes need the CSRF token', async () => {
    const client = await Client.login(context.server.url, ownerEmail, ownerPassword)
    const csrf = client.csrfToken
    client.csrfToken = undefined
    const without = await client.post('/api/v1/tokens', { name: 'x', scopes: ['customers:read'] })
    expect(without.status).toBe(403)
    expect(without.body.detail).toContain('CSRF')
    client.csrfToken = 'wrong'
    expect((await client.post('/api/v1/tokens', { name: 'x', scopes: ['customers:read'] })).status).toBe(403)
    client.csrfToken = csrf
    expect((await client.post('/api/v1/tokens', { name: 'x', scopes: ['customers:read'] })).status).toBe(201)
  })

  test('logout ends the session', async () => {
    const client = await Client.login(context.server.url, ownerEmail, ownerPassword)
    expect((await client.get('/api/v1/customers')).status).toBe(200)
    // The client forgets its cookie on logout; a copy of it must stop working too.
    const cookie = (client as unknown as { cookie: string }).cookie
    expect((await client.post('/api/v1/auth/logout')).status).toBe(204)
    expect((await client.get('/api/v1/me')).status).toBe(401)
    const withOldCookie = await fetch(`${context.server.url}/api/v1/customers`, { headers: { cookie } })
    expect(withOldCookie.status).toBe(401)
  })

  test('changing the password needs the current one, ends other sessions and is audited', async () => {
    const email = 'changer@example.com'
    await context.owner.post('/api/v1/users', {
      email,
      name: 'C',
      role: 'agent',
      password: 'first password 1',
    })
    const first = await Client.login(context.server.url, email, 'first password 1')
    const second = await Client.login(context.server.url, email, 'first password 1')
    expect((await second.get('/api/v1/customers')).status).toBe(200)

    const wrong = await first.patch('/api/v1/me/password', {
      currentPassword: 'nope',
      newPassword: 'second password 2',
    })
    expect(wrong.status).toBe(403)
    const short = await first.patch('/api/v1/me/password', {
      currentPassword: 'first password 1',
      newPassword: 'short',
    })
    expect(short.status).toBe(400)
    expect(short.body.errors[0].path).toBe('newPassword')

    const ok = await first.patch('/api/v1/me/password', {
      currentPassword: 'first password 1',
      newPassword: 'second password 2',
    })
    expect(ok.status).toBe(204)
    expect((await first.get('/api/v1/me')).status).toBe(200)
    expect((await second.get('/api/v1/me')).status).toBe(401)
    expect((await second.get('/api/v1/customers')).status).toBe(401)
    await Client.login(context.server.url, email, 'second password 2')
    const audit = await context.owner.get('/api/v1/audit-log?action=user.password_changed')
    expect(audit.body.items[0].actor.label).toBe(email)
  })
})

describe('workspaces', () => {
  test('an owner creates a workspace, switches to it, and sees it empty of other members', async () => {
    const created = await context.owner.post('/api/v1/workspaces', { name: 'Acme Europe' })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ name: 'Acme Europe', slug: 'acme-europe', role: 'owner' })
    const again = await context.owner.post('/api/v1/workspaces', { name: 'Acme Europe' })
    expect(again.body.slug).toBe('acme-europe-2')
    expect((await context.owner.post('/api/v1/workspaces', { name: 'X', slug: 'acme-europe' })).status).toBe(
      409,
    )
    expect((await context.owner.post('/api/v1/workspaces', { name: 'X', slug: 'Not A Slug' })).status).toBe(
      400,
    )

    const switched = await context.owner.post(`/api/v1/workspaces/${created.body.id}/switch`)
    expect(switched.status).toBe(200)
    expect(switched.body.workspace.id).toBe(created.body.id)
    expect(switched.body.workspaces.length).toBeGreaterThanOrEqual(3)
    const users = await context.owner.get('/api/v1/users')
    expect(users.body.items.map((u: { email: string }) => u.email)).toEqual([ownerEmail])
    expect(
      (await context.owner.post('/api/v1/workspaces/00000000-0000-4000-8000-000000000000/switch')).status,
    ).toBe(404)
    expect((await context.owner.post('/api/v1/workspaces/not-a-uuid/switch')).status).toBe(404)
  })
})
