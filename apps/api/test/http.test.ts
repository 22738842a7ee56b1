import http from 'node:http'
import { describe, expect, test } from 'vitest'
import {
  Client,
  memberWithRole,
  ownerEmail,
  ownerPassword,
  startTestServer,
  useTestServer,
} from './harness.js'

const context = useTestServer()

describe('errors are problem+json', () => {
  test('malformed JSON, wrong content, unknown routes', async () => {
    const client = new Client(context.server.url)
    const malformed = await client.request('POST', '/api/v1/auth/login', '{"email":', {
      'content-type': 'application/json',
    })
    expect(malformed.status).toBe(400)
    expect(malformed.headers.get('content-type')).toContain('application/problem+json')
    expect(malformed.body).toMatchObject({ status: 400, title: 'Bad Request' })
    expect(malformed.body.detail).toMatch(/JSON/)

    const noBody = await client.request('POST', '/api/v1/auth/login')
    expect(noBody.status).toBe(400)
    const wrongType = await client.request('POST', '/api/v1/auth/login', 'email=a', {
      'content-type': 'text/plain',
    })
    expect(wrongType.status).toBeGreaterThanOrEqual(400)
    expect(wrongType.status).toBeLessThan(500)

    for (const [method, path] of [
      ['GET', '/api/v1/nowhere'],
      ['POST', '/api/v1/nowhere'],
      ['DELETE', '/nowhere'],
    ] as const) {
      const answer = await client.request(method, path)
      expect(answer.status, `${method} ${path}`).toBe(404)
      expect(answer.headers.get('content-type')).toContain('application/problem+json')
    }
  })

  test('a role without the right gets a 403 that says which permission', async () => {
    const { client } = await memberWithRole(context.owner, 'viewer')
    const answer = await client.get('/api/v1/audit-log')
    expect(answer.status).toBe(403)
    expect(answer.body.detail).toContain('audit:read')
  })
})

describe('health, docs and headers', () => {
  test('/healthz and /readyz', async () => {
    expect((await fetch(`${context.server.url}/healthz`)).status).toBe(200)
    const ready = await fetch(`${context.server.url}/readyz`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({ status: 'ready' })
  })

  test('the OpenAPI document describes every endpoint with its schemas, and the explorer is served', async () => {
    const doc: any = await (await fetch(`${context.server.url}/api/docs/openapi.json`)).json()
    for (const path of [
      '/api/v1/auth/login',
      '/api/v1/me',
      '/api/v1/users',
      '/api/v1/users/{id}',
      '/api/v1/tokens',
      '/api/v1/audit-log',
      '/api/v1/workspaces',
      '/api/v1/customers',
      '/api/v1/customers/lookup',
      '/api/v1/customers/{id}',
      '/api/v1/customers/{id}/timeline',
      '/api/v1/customers/{id}/records',
      '/api/v1/customers/{id}/traits/{key}',
      '/api/v1/customers/{id}/merges',
      '/api/v1/customers/{id}/merges/{mergeId}/undo',
      '/api/v1/settings/ingestion',
      '/api/v1/ingestion/health',
      '/api/v1/dead-letters',
      '/api/v1/dead-letters/{id}',
      '/api/v1/dead-letters/{id}/retry',
    ]) {
      expect(doc.paths, path).toHaveProperty([path])
    }
    const login = doc.paths['/api/v1/auth/login'].post
    expect(login.requestBody.content['application/json'].schema.required).toEqual(['email', 'password'])
    expect(login.responses['429']).toBeDefined()
    expect(login.tags).toEqual(['auth'])
    expect(doc.paths['/api/v1/workspaces/{id}/switch'].post.tags).toEqual(['workspaces'])
    expect(Object.keys(doc.paths['/api/v1/settings/ingestion'])).toEqual(
      expect.arrayContaining(['get', 'put']),
    )
    expect(doc.paths['/api/v1/customers'].get.tags).toEqual(['customers'])
    const explorer = await fetch(`${context.server.url}/api/docs`)
    expect(explorer.status).toBe(200)
    expect(await explorer.text()).toContain('swagger')
  })

  test('security headers are set', async () => {
    const answer = await fetch(`${context.server.url}/healthz`)
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff')
    expect(answer.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    // Plain http (the default): no HSTS, and assets are not rewritten to https.
    expect(answer.headers.get('strict-transport-security')).toBeNull()
    expect(answer.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests')
  })
})

test('no password, token or session secret ever reaches a log line', async () => {
  await context.owner.post('/api/v1/auth/login', { email: ownerEmail, password: 'a wrong password here' })
  const token = (await context.owner.post('/api/v1/tokens', { name: 'secret-check', scopes: ['users:read'] }))
    .body.token
  await new Client(context.server.url, token).get('/api/v1/users')
  await context.owner.post('/api/v1/users', {
    email: 'logcheck@example.com',
    name: 'L',
    role: 'viewer',
    password: 'logcheck password',
  })
  const sessionCookie = await (async () => {
    const answer = await fetch(`${context.server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: ownerEmail, password: ownerPassword }),
    })
    return (answer.headers.get('set-cookie') ?? '').split(';')[0]!.split('=')[1]!
  })()
  await fetch(`${context.server.url}/api/v1/me`, { headers: { cookie: `rapport_session=${sessionCookie}` } })

  const jsonLines = context.server.logs.filter((line) => line.startsWith('{'))
  expect(jsonLines.length).toBeGreaterThan(10)
  const all = jsonLines.join('\n')
  for (const secret of [
    ownerPassword,
    'a wrong password here',
    'logcheck password',
    token,
    sessionCookie,
    context.owner.csrfToken!,
  ]) {
    expect(all).not.toContain(secret)
  }
})

test('behind https: HSTS and Secure cookies; a request in flight when the server stops still gets its answer', async () => {
  const own = await startTestServer({ RAPPORT_PUBLIC_URL: 'https://cx.example.com' })
  expect((await fetch(`${own.url}/healthz`)).headers.get('strict-transport-security')).toContain('max-age')
  const login = await new Client(own.url).post('/api/v1/auth/login', {
    email: ownerEmail,
    password: ownerPassword,
  })
  expect(login.headers.get('set-cookie')).toContain('Secure')

  const { port } = new URL(own.url)
  const body = JSON.stringify({ email: ownerEmail, password: ownerPassword })
  const answer = new Promise<number>((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/v1/auth/login',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        response.resume()
        response.on('end', () => resolve(response.statusCode ?? 0))
      },
    )
    request.on('error', reject)
    // Half the body now; the rest after shutdown has begun.
    request.write(body.slice(0, 10))
    setTimeout(() => request.end(body.slice(10)), 300)
  })
  await new Promise((r) => setTimeout(r, 100))
  const closing = own.close()
  expect(await answer).toBe(200)
  await closing
})
