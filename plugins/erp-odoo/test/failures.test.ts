import {
  AuthenticationError,
  ConfigurationError,
  type EnvelopeInput,
  TransientError,
} from '@rapport/plugin-sdk'
import { contextFor } from '@rapport/plugin-testkit'
import { describe, expect, test } from 'vitest'
import { plugin } from '../src/index.js'
import { fixtureServers, good } from './helpers.js'

const server = fixtureServers()

/** Reads a stream as the host does, keeping the batches it got before it failed. */
async function readUntilFailure(stream: string, input: ReturnType<typeof good>) {
  const config = plugin.config.parse(input)
  const context = contextFor(plugin, config)
  const batches: EnvelopeInput[][] = []
  try {
    for await (const batch of plugin.streams![stream]!.read(context.ctx, { config, checkpoint: undefined })) {
      batches.push(batch.envelopes)
    }
  } catch (error) {
    return { error, batches, context }
  }
  throw new Error(`stream ${stream} did not fail`)
}

describe('failures while reading', () => {
  test('an answer cut off mid-JSON fails clearly, before any batch of the page', async () => {
    const { baseUrl } = await server()
    const { error, batches } = await readUntilFailure(
      'orders',
      good(baseUrl, { database: 'rapport-truncated' }),
    )
    expect(batches).toEqual([])
    expect((error as Error).message).toMatch(
      /^Odoo's answer to search_read on sale\.order is not valid JSON \(cut off, or not Odoo at http:\/\/127\.0\.0\.1:\d+\): \{"jsonrpc"/,
    )
  })

  test('a row of an unexpected shape fails the page, naming the row and the field', async () => {
    const { baseUrl } = await server()
    const { error, batches } = await readUntilFailure('orders', good(baseUrl, { database: 'rapport-odd' }))
    expect(batches).toEqual([])
    expect((error as Error).message).toBe(
      'Odoo sent an unexpected answer to search_read on sale.order: 1.amount_total: Invalid input: expected number, received string',
    )
  })

  test('a user without access to a model gets an AuthenticationError saying which rights are missing', async () => {
    const { baseUrl } = await server()
    const { error } = await readUntilFailure('deliveries', good(baseUrl, { database: 'rapport-no-stock' }))
    expect(error).toBeInstanceOf(AuthenticationError)
    expect((error as Error).message).toContain('may not run search_read on stock.picking')
    expect((error as Error).message).toContain('Inventory/User')
  })

  test('a database without the Sales app is a ConfigurationError', async () => {
    const { baseUrl } = await server()
    const { error } = await readUntilFailure('orders', good(baseUrl, { database: 'rapport-no-sales' }))
    expect(error).toBeInstanceOf(ConfigurationError)
    expect((error as Error).message).toContain("Object sale.order doesn't exist")
  })

  test('a revoked key stops the sync with an AuthenticationError before reading anything', async () => {
    const fixtureServer = await server()
    const { error } = await readUntilFailure(
      'invoices',
      good(fixtureServer.baseUrl, { apiKey: 'odoo_test_key_revoked_1c9d' }),
    )
    expect(error).toBeInstanceOf(AuthenticationError)
    expect(fixtureServer.requests).toHaveLength(1)
  })

  test('an instance under maintenance (503 with Retry-After) is a TransientError once the retries are spent', async () => {
    const { baseUrl } = await server()
    const { error, context } = await readUntilFailure(
      'partners',
      good(baseUrl, { database: 'rapport-maintenance' }),
    )
    expect(error).toBeInstanceOf(TransientError)
    expect(context.waits.filter((wait) => wait === 30_000)).toHaveLength(3)
  })
})
