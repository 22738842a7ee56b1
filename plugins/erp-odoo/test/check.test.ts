import { createServer } from 'node:net'
import { AuthenticationError, ConfigurationError, PluginError, TransientError } from '@rapport/plugin-sdk'
import { contextFor } from '@rapport/plugin-testkit'
import { describe, expect, test } from 'vitest'
import { plugin } from '../src/index.js'
import { fixtureServers, good, lockedKey, revokedKey, rpcCalls } from './helpers.js'

const server = fixtureServers()

/** An address on the loopback where nothing listens any more: connections are refused at once. */
async function closedAddress(): Promise<string> {
  const listener = createServer()
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve))
  const { port } = listener.address() as { port: number }
  await new Promise((resolve) => listener.close(resolve))
  return `http://127.0.0.1:${port}`
}

async function check(input: ReturnType<typeof good>) {
  const config = plugin.config.parse(input)
  const context = contextFor(plugin, config)
  try {
    return { result: await plugin.check!(context.ctx, config), error: undefined, context }
  } catch (error) {
    return { result: undefined, error, context }
  }
}

describe('check()', () => {
  test('reads the version without credentials, then logs in, and names what it reached', async () => {
    const fixtureServer = await server()
    const { result } = await check(good(fixtureServer.baseUrl))
    expect(result).toEqual({
      message: 'Connected to Odoo 17.0+e, database "rapport-demo", as rapport-sync@northwind.example',
    })
    expect(rpcCalls(fixtureServer).map(({ service, method }) => `${service}.${method}`)).toEqual([
      'common.version',
      'common.authenticate',
    ])
  })

  test('a revoked key (Odoo answers false) is an AuthenticationError naming the login and database', async () => {
    const { baseUrl } = await server()
    const { error } = await check(good(baseUrl, { apiKey: revokedKey }))
    expect(error).toBeInstanceOf(AuthenticationError)
    expect((error as Error).message).toBe(
      'Odoo refused the login "rapport-sync@northwind.example" on database "rapport-demo": check the login and the API key (or password)',
    )
  })

  test("Odoo's AccessDenied error (too many failed logins) is an AuthenticationError with Odoo's reason", async () => {
    const { baseUrl } = await server()
    const { error } = await check(good(baseUrl, { apiKey: lockedKey }))
    expect(error).toBeInstanceOf(AuthenticationError)
    expect((error as Error).message).toContain('Too many login failures, please wait a bit')
  })

  test('an unknown database is a ConfigurationError', async () => {
    const { baseUrl } = await server()
    const { error } = await check(good(baseUrl, { database: 'no-such-db' }))
    expect(error).toBeInstanceOf(ConfigurationError)
    expect((error as Error).message).toBe(
      `Odoo at ${baseUrl} has no database "no-such-db": check the database name`,
    )
  })

  test("the web client's address as base URL (404 on /jsonrpc) is a ConfigurationError", async () => {
    const { baseUrl } = await server()
    const { error } = await check(good(`${baseUrl}/odoo`))
    expect(error).toBeInstanceOf(ConfigurationError)
    expect((error as Error).message).toContain('/jsonrpc answered 404')
  })

  test('a base URL where something other than Odoo answers is a ConfigurationError', async () => {
    const { baseUrl } = await server()
    const { error } = await check(good(`${baseUrl}/shop`))
    expect(error).toBeInstanceOf(ConfigurationError)
    expect((error as Error).message).toMatch(/does not answer like an Odoo server: .*not valid JSON/)
  })

  test('a server that does not answer is a TransientError, after retries', async () => {
    const { error, context } = await check(good(await closedAddress()))
    expect(error).toBeInstanceOf(TransientError)
    expect((error as Error).message).toMatch(/ECONNREFUSED/)
    expect(context.waits.length).toBeGreaterThanOrEqual(3)
  })

  test('a 503 that lasts is a TransientError, each Retry-After waited out first', async () => {
    const fixtureServer = await server()
    const { error, context } = await check(good(fixtureServer.baseUrl, { database: 'rapport-maintenance' }))
    expect(error).toBeInstanceOf(TransientError)
    expect((error as PluginError).retryable).toBe(true)
    expect(context.waits.filter((wait) => wait === 30_000)).toHaveLength(3)
    expect(fixtureServer.requests).toHaveLength(5) // version, then 4 attempts to log in
  })

  test('no error message carries the API key', async () => {
    const { baseUrl } = await server()
    for (const input of [
      good(baseUrl, { apiKey: revokedKey }),
      good(baseUrl, { apiKey: lockedKey }),
      good(baseUrl, { database: 'no-such-db' }),
    ]) {
      const { error } = await check(input)
      expect((error as Error).message).not.toContain(input.apiKey)
    }
  })
})
