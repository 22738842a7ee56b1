import {
  AuthenticationError,
  ConfigurationError,
  type EnvelopeInput,
  RateLimitedError,
  TransientError,
} from '@rapport/plugin-sdk'
import { collectStream, contextFor, loadFixtures } from '@rapport/plugin-testkit'
import Stripe from 'stripe'
import { describe, expect, test } from 'vitest'
import { plugin } from '../src/index.js'
import { money } from '../src/money.js'
import { StripeRequestError, toPluginError } from '../src/stripe-client.js'
import type { Checkpoint } from '../src/sync.js'
import { fixture, fixtureServers, fixtures, good, readFixture, revokedKey } from './helpers.js'

const server = fixtureServers()
/** The broken answer of errors.json to a request with this cursor (starting_after or ending_before). */
const brokenAnswer = (cursor: string) =>
  loadFixtures(fixture('errors.json')).filter((answer) => Object.values(answer.query ?? {}).includes(cursor))
const march2 = 'Mon, 02 Mar 2026 12:00:00 GMT'
const customerEvents = {
  'types[0]': 'customer.created',
  'types[1]': 'customer.updated',
  'types[2]': 'customer.deleted',
}
const eventsAfter = (eventId: string, created: string): Checkpoint => ({
  phase: 'events',
  events: { eventId, created: Date.parse(created) / 1000 },
})
const listAfter = (startingAfter: string): Checkpoint => ({
  phase: 'list',
  events: { eventId: 'evt_1CustGraceUpdated', created: 1770724800 },
  startingAfter,
})

/** Reads the customers stream as the host does, keeping the batches yielded before a failure. */
async function readUntilFailure(baseUrl: string, checkpoint: Checkpoint) {
  const config = plugin.config.parse(good(baseUrl))
  const { ctx } = contextFor(plugin, config)
  const batches: unknown[] = []
  try {
    for await (const batch of plugin.streams!.customers!.read(ctx, { config, checkpoint }))
      batches.push(batch)
  } catch (error) {
    return { batches, error }
  }
  throw new Error('the stream did not fail')
}

describe('check()', () => {
  test('names the account and says when the key is a test key', async () => {
    const { baseUrl } = await server()
    const config = plugin.config.parse(good(baseUrl))
    expect(await plugin.check!(contextFor(plugin, config).ctx, config)).toEqual({
      message: 'Connected to Northwind Outfitters (test mode)',
    })
  })

  test('turns down a publishable key before calling Stripe', async () => {
    const fixtureServer = await server()
    const config = plugin.config.parse({
      ...good(fixtureServer.baseUrl),
      apiKey: 'pk_test_51NorthwindPublishable',
    })
    const check = plugin.check!(contextFor(plugin, config).ctx, config)
    await expect(check).rejects.toThrow(ConfigurationError)
    await expect(check).rejects.toThrow(/sk_live_, sk_test_, rk_live_ or rk_test_/)
    expect(fixtureServer.requests).toEqual([])
  })

  test("tells a refused key from a network failure, with Stripe's reason and what to do", async () => {
    const { baseUrl } = await server()
    const config = plugin.config.parse({ ...good(baseUrl), apiKey: revokedKey })
    const error = await plugin.check!(contextFor(plugin, config).ctx, config).catch((caught) => caught)
    expect(error).toBeInstanceOf(AuthenticationError)
    expect(error.message).toMatch(
      /^Stripe refused the API key\. Copy a current secret key from Developers > API keys/,
    )
    expect(error.message).toContain('Expired API Key provided')
    expect(error.message).not.toContain(revokedKey)
  })

  test('a Stripe that cannot be reached is a TransientError, retried first', async () => {
    const config = plugin.config.parse(good('http://127.0.0.1:1'))
    const context = contextFor(plugin, config)
    await expect(plugin.check!(context.ctx, config)).rejects.toThrow(TransientError)
    expect(context.waits).toHaveLength(3) // four attempts
  })
})

describe('failures while reading', () => {
  test('a 5xx that lasts is a TransientError, after the retries', async () => {
    const fixtureServer = await server(brokenAnswer('cus_Outage500'))
    const { batches, error } = await readUntilFailure(fixtureServer.baseUrl, listAfter('cus_Outage500'))
    expect(error).toBeInstanceOf(TransientError)
    expect((error as Error).message).toContain('500')
    expect(fixtureServer.requests).toHaveLength(4)
    expect(batches).toEqual([])
  })

  test('malformed JSON fails with a clear error, and nothing of the page is yielded', async () => {
    const { baseUrl } = await server(brokenAnswer('cus_Trunc4ted'))
    const { batches, error } = await readUntilFailure(baseUrl, listAfter('cus_Trunc4ted'))
    expect((error as Error).message).toBe(
      'Stripe answered GET /v1/customers with something that is not valid JSON; nothing of it was used',
    )
    expect(batches).toEqual([])
  })

  test('an object without the documented shape fails naming the field, before its page is yielded', async () => {
    const page = readFixture('customers.json')[1].body
    const broken = { ...page, data: [page.data[0], { ...page.data[1], created: 'yesterday' }] }
    const { baseUrl } = await server([
      { path: '/v1/customers', query: { starting_after: 'cus_Broken' }, body: broken },
    ])
    const { batches, error } = await readUntilFailure(baseUrl, listAfter('cus_Broken'))
    expect((error as Error).message).toMatch(
      /^Stripe sent a customer that does not have the documented shape: /,
    )
    expect(batches).toEqual([])
  })

  test('a cancelled run stops with the reason the host gave', async () => {
    const { baseUrl } = await server()
    const config = plugin.config.parse(good(baseUrl))
    const context = contextFor(plugin, config)
    context.abort(new Error('sync cancelled by the user'))
    await expect(collectStream(plugin, 'customers', good(baseUrl), undefined, { context })).rejects.toThrow(
      'sync cancelled by the user',
    )
  })
})

describe('checkpoints Stripe can no longer continue from', () => {
  test('one older than the 30 days of events Stripe keeps (by its clock) starts a full sync again', async () => {
    const fresh = await collectStream(plugin, 'customers', good((await server()).baseUrl))
    const fixtureServer = await server([...brokenAnswer('evt_1CustJanuary'), ...fixtures])
    const run = await collectStream(
      plugin,
      'customers',
      good(fixtureServer.baseUrl),
      eventsAfter('evt_1CustJanuary', '2026-01-15T08:00:00Z'),
    )
    expect(run.context.logs).toContainEqual({
      level: 'warn',
      message:
        'the customers checkpoint is older than the 30 days of events Stripe keeps: reading all customers again',
      fields: { after: 'evt_1CustJanuary' },
    })
    // Nothing of the answer from the stale position is used; the full sync gives what a first one
    // gives, with the same messageIds for what did not change since (the inbox drops those).
    expect(fixtureServer.requests.map((request) => request.path)).toEqual([
      '/v1/events',
      '/v1/events',
      '/v1/customers',
      '/v1/customers',
      '/v1/customers',
      '/v1/events',
    ])
    expect(run.envelopes.map((envelope) => envelope.messageId)).toEqual(
      fresh.envelopes.map((envelope) => envelope.messageId),
    )
  })

  test('one naming an event Stripe no longer has starts a full sync again', async () => {
    const fixtureServer = await server([...brokenAnswer('evt_1CustPurged'), ...fixtures])
    const run = await collectStream(
      plugin,
      'customers',
      good(fixtureServer.baseUrl),
      eventsAfter('evt_1CustPurged', '2026-02-25T08:00:00Z'),
    )
    expect(fixtureServer.requests[0]!.query.ending_before).toBe('evt_1CustPurged')
    expect(fixtureServer.requests[1]!.query).toEqual({ limit: '1', ...customerEvents })
    expect(run.envelopes).toHaveLength(6)
    expect(run.context.logs.filter((log) => log.level === 'warn')).toHaveLength(1)
  })

  test('a list cursor naming a customer deleted since lists again from the newest', async () => {
    const [, firstPage, , secondPage] = readFixture('customers.json')
    const withoutAlan = {
      ...secondPage.body,
      data: [...firstPage.body.data, ...secondPage.body.data].filter(
        (customer: { id: string }) => customer.id !== 'cus_Alan1Turing',
      ),
    }
    const fixtureServer = await server([
      ...brokenAnswer('cus_Alan1Turing'),
      { path: '/v1/customers', query: { starting_after: null }, body: withoutAlan },
      ...fixtures,
    ])
    const run = await collectStream(
      plugin,
      'customers',
      good(fixtureServer.baseUrl),
      listAfter('cus_Alan1Turing'),
    )
    expect(fixtureServer.requests.map((request) => [request.path, request.query.starting_after])).toEqual([
      ['/v1/customers', 'cus_Alan1Turing'],
      ['/v1/customers', undefined],
      ['/v1/events', undefined],
    ])
    expect(run.envelopes.map((envelope) => envelope.identifiers[0]!.value).slice(0, 3)).toEqual([
      'cus_Kenji2Sato',
      'cus_Grace0Hopper',
      'cus_Ada1Lovelace',
    ])
    expect(run.context.logs).toContainEqual({
      level: 'warn',
      message: 'cus_Alan1Turing is gone from Stripe: listing customers again from the newest',
    })
    expect(run.checkpoint).toEqual({
      phase: 'events',
      events: { eventId: 'evt_1CustAlanDeleted', created: 1771578000 },
    })
  })
})

test('a full sync of an account without events reads what came since by time, oldest first', async () => {
  const ada = readFixture('customers.json')[3].body.data[1]
  const event = (id: string, created: number) => ({
    id,
    object: 'event',
    api_version: '2026-10-28.endive',
    created,
    data: { object: ada, previous_attributes: { name: null } },
    livemode: false,
    pending_webhooks: 0,
    request: { id: null, idempotency_key: null },
    type: 'customer.updated',
  })
  const list = (data: unknown[], hasMore: boolean) => ({
    object: 'list',
    url: '/v1/events',
    has_more: hasMore,
    data,
  })
  const since = Date.parse(march2) / 1000
  const fixtureServer = await server([
    { path: '/v1/events', query: { limit: 1 }, headers: { date: march2 }, body: list([], false) },
    {
      path: '/v1/customers',
      body: { object: 'list', url: '/v1/customers', has_more: false, data: [ada] },
    },
    {
      path: '/v1/events',
      query: { 'created[gte]': since, starting_after: null },
      headers: { date: march2 },
      body: list([event('evt_3', since + 30), event('evt_2', since + 20)], true),
    },
    {
      path: '/v1/events',
      query: { 'created[gte]': since, starting_after: 'evt_2' },
      headers: { date: march2 },
      body: list([event('evt_1', since + 10)], false),
    },
  ])
  const run = await collectStream(plugin, 'customers', good(fixtureServer.baseUrl))
  expect(run.checkpoints[0]).toEqual({ phase: 'events', events: { eventId: null, created: since } })
  expect(run.envelopes.map((envelope: EnvelopeInput) => envelope.occurredAt)).toEqual([
    '2026-01-12T08:00:00Z',
    '2026-03-02T12:00:10Z',
    '2026-03-02T12:00:20Z',
    '2026-03-02T12:00:30Z',
  ])
  expect(run.checkpoint).toEqual({ phase: 'events', events: { eventId: 'evt_3', created: since + 30 } })
})

describe("stripe-node's errors in the host's terms", () => {
  const raw = (statusCode: number, extra: Record<string, unknown> = {}) => ({
    message: 'Stripe says no',
    type: 'invalid_request_error' as const,
    statusCode,
    ...extra,
  })
  test.each([
    ['StripeAuthenticationError', new Stripe.errors.StripeAuthenticationError(raw(401)), AuthenticationError],
    ['StripePermissionError', new Stripe.errors.StripePermissionError(raw(403)), AuthenticationError],
    ['StripeRateLimitError', new Stripe.errors.StripeRateLimitError(raw(429)), RateLimitedError],
    ['StripeConnectionError', new Stripe.errors.StripeConnectionError(raw(0)), TransientError],
    ['StripeInvalidRequestError', new Stripe.errors.StripeInvalidRequestError(raw(404)), StripeRequestError],
  ])('%s', (_, error, expected) => {
    expect(toPluginError(error, 'GET /v1/customers')).toBeInstanceOf(expected)
  })

  test("a rate limit carries Stripe's Retry-After", () => {
    const error = new Stripe.errors.StripeRateLimitError(
      raw(400, { code: 'rate_limit', headers: { 'retry-after': '3' } }),
    )
    expect((toPluginError(error, 'GET /v1/customers') as RateLimitedError).retryAfterMs).toBe(3000)
  })

  test("ctx.http's typed error comes through the connection error stripe-node wraps it in", () => {
    const cause = new TransientError('GET /v1/customers failed: 503')
    const error = new Stripe.errors.StripeConnectionError({
      message: 'An error occurred',
      detail: cause,
    } as never)
    expect(toPluginError(error, 'GET /v1/customers')).toBe(cause)
  })

  test('an invalid request keeps the parameter Stripe named', () => {
    const error = new Stripe.errors.StripeInvalidRequestError(
      raw(404, { code: 'resource_missing', param: 'ending_before' }),
    )
    expect(toPluginError(error, 'GET /v1/events')).toMatchObject({
      code: 'resource_missing',
      param: 'ending_before',
      message: 'Stripe refused GET /v1/events: Stripe says no',
    })
  })
})

test('amounts in major units, by the currency exponent Stripe uses', () => {
  expect(money(4900, 'gbp')).toEqual({ amount: 49, currency: 'GBP' })
  expect(money(4980, 'jpy')).toEqual({ amount: 4980, currency: 'JPY' })
  expect(money(5120, 'kwd')).toEqual({ amount: 5.12, currency: 'KWD' })
  expect(money(50000, 'isk')).toEqual({ amount: 500, currency: 'ISK' })
})
