import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { type FixtureServer, loadFixtures, startFixtureServer } from '../src/index.js'

let server: FixtureServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function get(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server!.baseUrl}${path}`, { headers })
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() }
}

describe('startFixtureServer', () => {
  test('answers matching fixtures in order, then keeps answering with the last', async () => {
    server = await startFixtureServer([
      { path: '/v1/items', status: 429, headers: { 'Retry-After': '1' } },
      { path: '/v1/items', body: { page: 1 } },
    ])
    expect((await get('/v1/items')).status).toBe(429)
    expect(await get('/v1/items')).toEqual({ status: 200, type: 'application/json', text: '{"page":1}' })
    expect((await get('/v1/items')).text).toBe('{"page":1}')
    expect(server.requests.map((request) => request.fixture)).toEqual([0, 1, 1])
  })

  test('matches the method, the path, a subset of the query (null: absent) and request headers', async () => {
    server = await startFixtureServer([
      { path: '/v1/items', query: { cursor: null }, body: 'first page' },
      { path: '/v1/items', query: { cursor: 'c2', limit: 10 }, body: 'second page' },
      {
        method: 'post',
        path: '/v1/items',
        requestHeaders: { Authorization: 'Bearer k' },
        status: 201,
        body: 'made',
      },
    ])
    expect((await get('/v1/items?limit=10')).text).toBe('first page')
    expect((await get('/v1/items?cursor=c2&limit=10&extra=1')).text).toBe('second page')
    const made = await fetch(`${server.baseUrl}/v1/items`, {
      method: 'POST',
      headers: { authorization: 'Bearer k' },
    })
    expect(made.status).toBe(201)
    expect(server.unmatched).toEqual([])
  })

  test('tells JSON bodies apart by what they contain', async () => {
    const rpc = (args: unknown[]) => ({ jsonrpc: '2.0', method: 'call', params: { service: 'object', args } })
    server = await startFixtureServer([
      {
        method: 'POST',
        path: '/jsonrpc',
        requestBody: { params: { args: ['db', 2, 'res.partner'] } },
        body: 'partners',
      },
      {
        method: 'POST',
        path: '/jsonrpc',
        requestBody: { params: { args: ['db', 2, 'sale.order'] } },
        body: 'orders',
      },
    ])
    const post = async (body: string) =>
      (await fetch(`${server!.baseUrl}/jsonrpc`, { method: 'POST', body })).text()
    expect(await post(JSON.stringify(rpc(['db', 2, 'sale.order'])))).toBe('orders')
    expect(await post(JSON.stringify(rpc(['db', 2, 'res.partner'])))).toBe('partners')
    // Arrays must be equal, not merely start alike; a body that is not JSON matches nothing.
    expect(await post(JSON.stringify(rpc(['db', 2, 'res.partner', 'extra'])))).toMatch(/no fixture matches/)
    expect(await post('not json')).toMatch(/no fixture matches/)
  })

  test('answers 599 to a request no fixture matches, and records it', async () => {
    server = await startFixtureServer([{ path: '/v1/items', query: { cursor: 'c2' } }])
    expect(await get('/v1/items?cursor=c3')).toMatchObject({
      status: 599,
      text: 'no fixture matches GET /v1/items?cursor=c3',
    })
    await fetch(`${server.baseUrl}/v1/items?cursor=c2`, { method: 'DELETE' })
    expect(server.unmatched.map((request) => request.method)).toEqual(['GET', 'DELETE'])
    expect(() => server!.assertAllMatched()).toThrow(
      '2 request(s) without a fixture (answered 599):\n  GET /v1/items?cursor=c3\n  DELETE /v1/items?cursor=c2',
    )
  })

  test('puts its own URL where a body says {{baseUrl}}, and sends strings as text', async () => {
    server = await startFixtureServer([
      { path: '/a', body: { next: '{{baseUrl}}/b?page=2' } },
      { path: '/b', body: 'done' },
    ])
    expect(JSON.parse((await get('/a')).text)).toEqual({ next: `${server.baseUrl}/b?page=2` })
    expect(await get('/b')).toMatchObject({ type: 'text/plain', text: 'done' })
  })

  test('stops a plugin that pages forever', async () => {
    server = await startFixtureServer([{ path: '/a' }], { maxRequests: 2 })
    expect([(await get('/a')).status, (await get('/a')).status, (await get('/a')).status]).toEqual([
      200, 200, 599,
    ])
  })

  test('rejects a malformed fixture, saying where', async () => {
    await expect(startFixtureServer([{ path: 'v1/items' }])).rejects.toThrow(
      'fixture 0 is not a fixture: path: must start with /',
    )
  })
})

describe('loadFixtures', () => {
  test('reads files in the order given, each an array or one fixture', () => {
    const folder = mkdtempSync(join(tmpdir(), 'fixtures-'))
    writeFileSync(join(folder, 'a.json'), JSON.stringify([{ path: '/a' }, { path: '/b' }]))
    writeFileSync(join(folder, 'c.json'), JSON.stringify({ path: '/c', status: 204 }))
    writeFileSync(join(folder, 'bad.json'), JSON.stringify([{ path: '/ok' }, { status: 200 }]))
    expect(loadFixtures(join(folder, 'c.json'), join(folder, 'a.json')).map((f) => f.path)).toEqual([
      '/c',
      '/a',
      '/b',
    ])
    expect(() => loadFixtures(join(folder, 'bad.json'))).toThrow(/bad\.json \[1\] is not a fixture: path:/)
  })
})
