import { afterEach, describe, expect, test } from 'vitest'
import {
  AuthenticationError,
  ConfigurationError,
  createPluginContext,
  maxStateValueBytes,
  memoryStateStore,
  type PluginLogger,
} from '../src/index.js'
import { inTurn, recordingSleep, startServer } from './local-server.js'

let close: (() => Promise<void>) | undefined
afterEach(async () => {
  await close?.()
})

function sink() {
  const lines: string[] = []
  const write = (message: string, fields?: Record<string, unknown>) => {
    lines.push(JSON.stringify({ message, fields }))
  }
  const logger: PluginLogger = { debug: write, info: write, warn: write, error: write }
  return { logger, lines }
}

describe('createPluginContext', () => {
  test('gives a context whose logger and http never let a secret out', async () => {
    const server = await startServer(inTurn({ status: 403, body: 'token tok_123 lacks a scope' }))
    close = server.close
    const { logger, lines } = sink()
    const { sleep } = recordingSleep()
    const ctx = createPluginContext({
      logger,
      state: memoryStateStore(),
      secrets: ['tok_123', undefined],
      signal: new AbortController().signal,
      http: { sleep, requestsPerSecond: 100 },
    })
    ctx.logger.warn('calling with tok_123', { config: { apiKey: 'tok_123' } })
    const error = await ctx.http
      .request({ url: `${server.url}/v1/me`, headers: { authorization: 'Bearer tok_123' } })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthenticationError)
    expect((error as Error).message).toContain('token [redacted] lacks a scope')
    expect(server.received[0]!.headers.authorization).toBe('Bearer tok_123')
    expect(lines).toHaveLength(2)
    expect(lines.join('\n')).not.toContain('tok_123')
  })

  test('uses the clock it is given', () => {
    const now = new Date('2026-05-01T00:00:00Z')
    const ctx = createPluginContext({
      logger: sink().logger,
      state: memoryStateStore(),
      secrets: [],
      signal: new AbortController().signal,
      clock: { now: () => now },
    })
    expect(ctx.clock.now()).toBe(now)
  })
})

describe('ctx.state', () => {
  test('refuses a value over 64 KB as JSON with a ConfigurationError, keeping what it held', async () => {
    const state = memoryStateStore({ cursor: 'c1' })
    const ctx = createPluginContext({
      logger: sink().logger,
      state,
      secrets: [],
      signal: new AbortController().signal,
    })
    const error = await ctx.state.set('cursor', 'x'.repeat(maxStateValueBytes)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigurationError)
    expect((error as Error).message).toBe(
      `state value "cursor" is ${maxStateValueBytes + 2} bytes as JSON; the limit is 65536: keep positions and small lookups in state, not the data read`,
    )
    expect(await ctx.state.get('cursor')).toBe('c1')
    await ctx.state.set('cursor', 'x'.repeat(maxStateValueBytes - 2))
    expect(await ctx.state.get('cursor')).toHaveLength(maxStateValueBytes - 2)
  })
})

describe('memoryStateStore', () => {
  test('keeps copies, as a database would', async () => {
    const state = memoryStateStore({ seeded: 1 })
    const value = { cursor: 'a' }
    await state.set('sync', value)
    value.cursor = 'changed after set'
    expect(await state.get('sync')).toEqual({ cursor: 'a' })
    expect(await state.get('seeded')).toBe(1)
    await state.delete('sync')
    expect(await state.get('sync')).toBeUndefined()
    expect(state.entries()).toEqual({ seeded: 1 })
  })
})
