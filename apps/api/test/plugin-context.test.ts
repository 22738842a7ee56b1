import { ConfigurationError, type Plugin } from '@rapport/plugin-sdk'
import { startFixtureServer } from '@rapport/plugin-testkit'
import pino from 'pino'
import { expect, test } from 'vitest'
import type { Db } from '../src/database/database.js'
import { pluginContextFor, sourceRateLimiter } from '../src/plugins/plugin-context.js'

const limited = (requestsPerSecond: number) => ({ http: { requestsPerSecond, burst: 1 } }) as Plugin
// Neither test reaches the state store's database.
const noDatabase = {} as Db
const contextOf = (sourceId: string, plugin: Plugin) =>
  pluginContextFor(
    noDatabase,
    { workspaceId: 'w', sourceId },
    plugin,
    [],
    new AbortController().signal,
    pino({ level: 'silent' }),
  )

test("a source's contexts (a check, a sync, a listener) share one rate limit; other sources have their own", () => {
  const plugin = limited(1)
  const check = sourceRateLimiter('source-a', plugin)!
  const sync = sourceRateLimiter('source-a', plugin)!
  expect(check.take()).toBe(0)
  expect(sync.take()).toBeGreaterThan(900)
  expect(sourceRateLimiter('source-b', plugin)!.take()).toBe(0)
  expect(sourceRateLimiter('source-c', { http: {} } as Plugin)).toBeUndefined()
})

test('the second context of a source waits for the token the first one took', async () => {
  const server = await startFixtureServer([{ path: '/ping', body: 'pong' }])
  try {
    const plugin = limited(2)
    await contextOf('source-d', plugin).http.request({ url: `${server.baseUrl}/ping` })
    const started = performance.now()
    await contextOf('source-d', plugin).http.request({ url: `${server.baseUrl}/ping` })
    expect(performance.now() - started).toBeGreaterThanOrEqual(400) // half a second at 2 a second
  } finally {
    await server.close()
  }
})

test("the host's plugin state refuses a value over 64 KB before it reaches the database", async () => {
  const ctx = contextOf('source-e', limited(1))
  await expect(ctx.state.set('links', 'x'.repeat(70_000))).rejects.toBeInstanceOf(ConfigurationError)
})
