import { readFileSync } from 'node:fs'
import { ConfigurationError, signStandardWebhook } from '@rapport/plugin-sdk'
import {
  collectStream,
  contextFor,
  loadFixtures,
  runPluginConformance,
  useFixtureServers,
  webhookRequest,
} from '@rapport/plugin-testkit'
import { describe, expect, test } from 'vitest'
import { plugin } from '../src/index.js'

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url)
const fixtures = loadFixtures(fixture('me.json'), fixture('contacts.json'), fixture('tickets.json'))
const contactUpdated = JSON.parse(readFileSync(fixture('webhook-contact-updated.json'), 'utf8'))

// Test keys only: the fixtures expect exactly these.
const webhookSecret = `whsec_${Buffer.from('acme-template-signing-key-0001').toString('base64')}`
const otherSecret = `whsec_${Buffer.from('some-other-endpoint-key').toString('base64')}`
const good = (baseUrl: string) => ({ baseUrl, apiKey: 'acme_test_good', webhookSecret })

runPluginConformance(plugin, [
  {
    name: 'Acme CRM v1',
    fixtures,
    config: ({ baseUrl }) => good(baseUrl),
    badConfig: ({ baseUrl }) => ({ baseUrl, apiKey: 'acme_test_revoked', webhookSecret: otherSecret }),
    streams: { contacts: { minEnvelopes: 4 }, tickets: { minEnvelopes: 3 } },
    webhook: {
      body: contactUpdated,
      sign: ({ rawBody, timestamp, config }) =>
        signStandardWebhook({ id: 'msg_2Lx9fQ', timestamp, body: rawBody, secret: config.webhookSecret! }),
    },
  },
])

describe('Acme CRM specifics', () => {
  const server = useFixtureServers(fixtures)

  test('check() names the account', async () => {
    const { baseUrl } = await server()
    const config = plugin.config.parse(good(baseUrl))
    expect(await plugin.check!(contextFor(plugin, config).ctx, config)).toEqual({
      message: 'Connected to Northwind Outfitters',
    })
  })

  test('check() turns down a key of the wrong form before calling Acme', async () => {
    const fixtureServer = await server()
    const config = plugin.config.parse({ ...good(fixtureServer.baseUrl), apiKey: 'sk_live_123' })
    await expect(plugin.check!(contextFor(plugin, config).ctx, config)).rejects.toThrow(ConfigurationError)
    expect(fixtureServer.requests).toEqual([])
  })

  test('contacts wait out the 429 and become identify envelopes with every identifier', async () => {
    const fixtureServer = await server()
    const run = await collectStream(plugin, 'contacts', good(fixtureServer.baseUrl))
    expect(run.context.waits).toContain(2000) // Retry-After: 2
    expect(run.envelopes[0]).toEqual({
      type: 'identify',
      messageId: expect.stringMatching(/^sha256:/),
      occurredAt: '2026-02-01T09:00:00Z',
      identifiers: [
        { type: 'acme-crm', value: 'c_1001' },
        { type: 'email', value: 'ada.lovelace@example.com' },
        { type: 'phone', value: '+442071838750' },
      ],
      traits: {
        firstName: 'Ada',
        lastName: 'Lovelace',
        company: 'Analytical Engines Ltd',
        email: 'ada.lovelace@example.com',
        phone: '+442071838750',
      },
    })
    // A contact with a phone only is still someone.
    expect(run.envelopes[3]!.identifiers).toEqual([
      { type: 'acme-crm', value: 'c_1004' },
      { type: 'phone', value: '+14155550123' },
    ])
    expect(run.checkpoint).toEqual({
      updatedAfter: '2026-02-05T08:15:00Z',
      idsAtUpdatedAfter: ['c_1003', 'c_1004'],
    })
    expect(fixtureServer.requests.map((request) => request.query)).toEqual([
      { limit: '100' },
      { limit: '100' },
      { cursor: 'cur_Mn4x', limit: '100' },
    ])
  })

  test('the next sync skips what it read at the boundary and reads what changed after', async () => {
    const { baseUrl } = await server()
    const first = await collectStream(plugin, 'contacts', good(baseUrl))
    const next = await collectStream(plugin, 'contacts', good(baseUrl), first.checkpoint)
    expect(next.envelopes.map((envelope) => envelope.identifiers[0]!.value)).toEqual(['c_1005', 'c_1001'])
    expect(next.checkpoint).toEqual({ updatedAfter: '2026-02-07T16:45:00Z', idsAtUpdatedAfter: ['c_1001'] })
  })

  test('tickets become records; a deleted one a delete, a new one a timeline event', async () => {
    const { baseUrl } = await server()
    const run = await collectStream(plugin, 'tickets', good(baseUrl))
    expect(
      run.envelopes.map((envelope) => envelope.type === 'record' && [envelope.action, envelope.event]),
    ).toEqual([
      ['upsert', 'Ticket opened'],
      ['upsert', undefined],
      ['delete', undefined],
    ])
    expect(run.envelopes[1]).toMatchObject({
      identifiers: [{ type: 'acme-crm', value: 'c_1002' }],
      object: {
        type: 'ticket',
        externalId: 't_502',
        status: 'solved',
        title: 'Cannot log in after password reset',
      },
    })
  })

  test('a webhook and the sync give the same messageId for the same change', async () => {
    const config = plugin.config.parse(good('http://127.0.0.1:1'))
    const body = { ...contactUpdated, data: { ...contactUpdated.data, updated_at: '2026-02-03T14:30:00Z' } }
    const [fromWebhook] = await plugin.webhook!.parse(webhookRequest(body), config)
    const { baseUrl } = await server()
    const run = await collectStream(plugin, 'contacts', good(baseUrl))
    expect(fromWebhook!.messageId).toBe(run.envelopes[1]!.messageId)
  })

  test('other webhook events are accepted and give nothing', async () => {
    const config = plugin.config.parse(good('http://127.0.0.1:1'))
    const envelopes = await plugin.webhook!.parse(webhookRequest({ type: 'deal.won', data: {} }), config)
    expect(envelopes).toEqual([])
  })
})
