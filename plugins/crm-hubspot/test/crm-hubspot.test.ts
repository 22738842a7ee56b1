import { readFileSync } from 'node:fs'
import { Signature } from '@hubspot/api-client'
import {
  AuthenticationError,
  type EnvelopeInput,
  TransientError,
  WebhookVerificationError,
} from '@rapport/plugin-sdk'
import {
  collectStream,
  contextFor,
  loadFixtures,
  runPluginConformance,
  useFixtureServers,
  webhookRequest,
} from '@rapport/plugin-testkit'
import { describe, expect, test } from 'vitest'
import type { HubSpotConfig } from '../src/config.js'
import { dealDetails, dealEvent } from '../src/envelopes.js'
import { plugin } from '../src/index.js'

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url)
const fixtures = loadFixtures(
  fixture('account.json'),
  fixture('owners.json'),
  fixture('contacts.json'),
  fixture('companies.json'),
  fixture('deals.json'),
)
const webhookEvents = JSON.parse(readFileSync(fixture('webhook-events.json'), 'utf8'))

// Test credentials only: the fixtures expect exactly these tokens.
const webhookUrl = 'https://cx.example.com/hooks/0b6f5d1e-7c2a-4d8e-9f31-5a2b7c9d4e60'
const good = (baseUrl: string) => ({
  baseUrl,
  accessToken: 'pat-eu1-rapport-test-good-0001',
  clientSecret: 'hubspot-test-client-secret-0001',
  webhookUrl,
})
const revoked = (baseUrl: string) => ({
  baseUrl,
  accessToken: 'pat-eu1-rapport-test-revoked-0001',
  clientSecret: 'hubspot-test-other-secret-0002',
  webhookUrl,
})

/** HubSpot's own v3 signature, from its official Node client: the plugin must agree with it. */
function signLikeHubSpot(
  rawBody: Buffer,
  timestamp: Date,
  config: { clientSecret?: string; webhookUrl?: string },
) {
  const signature = Signature.getSignature('POST', 'v3', {
    signature: '',
    clientSecret: config.clientSecret!,
    url: config.webhookUrl!,
    requestBody: rawBody.toString('utf8'),
    timestamp: timestamp.getTime(),
  })
  return {
    'x-hubspot-signature-v3': signature,
    'x-hubspot-request-timestamp': String(timestamp.getTime()),
  }
}

runPluginConformance(plugin, [
  {
    name: 'HubSpot CRM v3, private app',
    fixtures,
    config: ({ baseUrl }) => good(baseUrl),
    badConfig: ({ baseUrl }) => revoked(baseUrl),
    streams: {
      contacts: { minEnvelopes: 4 },
      companies: { minEnvelopes: 4 },
      deals: { minEnvelopes: 4 },
    },
    webhook: {
      body: webhookEvents,
      sign: ({ rawBody, timestamp, config }) => signLikeHubSpot(rawBody, timestamp, config),
      minEnvelopes: 5,
    },
  },
])

const byMessage = (envelope: EnvelopeInput) => envelope.messageId
const summary = (envelope: EnvelopeInput) =>
  envelope.type === 'record'
    ? [envelope.action, envelope.object.externalId, envelope.event]
    : [envelope.type, envelope.identifiers[0]!.value, envelope.type === 'identify' && envelope.traits]

describe('HubSpot specifics', () => {
  const server = useFixtureServers(fixtures)
  const configFor = (input: Record<string, unknown>) => plugin.config.parse(input) as HubSpotConfig
  const searchBodies = (requests: { path: string; body: string }[], path: string) =>
    requests.filter((request) => request.path === path).map((request) => JSON.parse(request.body))

  describe('check()', () => {
    test('names the portal', async () => {
      const { baseUrl } = await server()
      const config = configFor(good(baseUrl))
      expect(await plugin.check!(contextFor(plugin, config).ctx, config)).toEqual({
        message: 'Connected to HubSpot portal 24680135 (app-eu1.hubspot.com, GBP)',
      })
    })

    test('a revoked token is an AuthenticationError that says what to do, without the token', async () => {
      const { baseUrl } = await server()
      const config = configFor(revoked(baseUrl))
      const error = await plugin.check!(contextFor(plugin, config).ctx, config).catch((caught) => caught)
      expect(error).toBeInstanceOf(AuthenticationError)
      expect(error.message).toMatch(/^HubSpot refused the access token: copy it again from .*Private Apps/)
      expect(error.message).toContain(
        '401 Unauthorized: {"status":"error","message":"Authentication credentials not found.',
      )
      expect(error.message).not.toContain(config.accessToken)
    })

    test('HubSpot down (502) or out of reach is a TransientError, not a bad key', async () => {
      const { baseUrl } = await server(loadFixtures(fixture('failures.json')))
      const outage = configFor({ ...good(baseUrl), accessToken: 'pat-eu1-rapport-test-outage-0001' })
      const context = contextFor(plugin, outage)
      await expect(plugin.check!(context.ctx, outage)).rejects.toBeInstanceOf(TransientError)
      expect(context.waits.filter((ms) => ms > 200)).toHaveLength(3) // retried with backoff first
      const unreachable = configFor(good('http://127.0.0.1:1'))
      await expect(plugin.check!(contextFor(plugin, unreachable).ctx, unreachable)).rejects.toBeInstanceOf(
        TransientError,
      )
    })
  })

  describe('contacts', () => {
    test('wait out the 429 and become identifies with every identifier', async () => {
      const fixtureServer = await server()
      const run = await collectStream(plugin, 'contacts', good(fixtureServer.baseUrl))
      expect(run.context.waits).toContain(2000) // Retry-After: 2
      expect(run.envelopes[0]).toEqual({
        type: 'identify',
        messageId: expect.stringMatching(/^sha256:/),
        occurredAt: '2026-01-15T09:30:00.000Z',
        identifiers: [
          { type: 'hubspot', value: '151' },
          { type: 'email', value: 'ada.lovelace@example.com' },
          { type: 'phone', value: '+442071838750' },
        ],
        traits: {
          firstName: 'Ada',
          lastName: 'Lovelace',
          email: 'ada.lovelace@example.com',
          phone: '+442071838750',
          company: 'Analytical Engines Ltd',
          jobTitle: 'Mathematician',
          lifecycleStage: 'customer',
          city: 'London',
          country: 'United Kingdom',
          owner: 'Jane Whitfield',
          hubspotArchived: false,
        },
      })
      // Herman, deleted before the first sync, is not news; a local number is no identifier.
      expect(run.envelopes.map((envelope) => envelope.identifiers[0]!.value)).toEqual([
        '151',
        '152',
        '153',
        '155',
      ])
      expect(run.envelopes[2]!.identifiers).toEqual([
        { type: 'hubspot', value: '153' },
        { type: 'email', value: 'mary.somerville@example.com' },
      ])
      expect(run.envelopes[2]).toMatchObject({ traits: { phone: '020 7946 0321', owner: 'Priya Raman' } })
      expect(run.checkpoint).toEqual({
        modified: { since: '2026-02-10T16:45:00.000Z', ids: ['155'] },
        archived: { since: '2026-01-25T17:00:00.000Z', ids: ['160'] },
      })
    })

    test('the search restarts from the last modified date read, and pages with after only within one instant', async () => {
      const fixtureServer = await server()
      await collectStream(plugin, 'contacts', good(fixtureServer.baseUrl))
      const bodies = searchBodies(fixtureServer.requests, '/crm/v3/objects/contacts/search')
      expect(bodies.map((body) => [body.filterGroups[0].filters[0], body.after])).toEqual([
        [{ propertyName: 'lastmodifieddate', operator: 'LTE', value: expect.any(String) }, undefined],
        [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: '1770040800000' }, undefined],
        [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: '1770040800000' }, '2'],
      ])
      expect(bodies[0]).toMatchObject({
        sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
        limit: 100,
        properties: expect.arrayContaining(['email', 'phone', 'company', 'hubspot_owner_id']),
      })
      // Changes of the last five minutes are left for the next sync: the index may not have them all yet.
      const until = Number(bodies[0].filterGroups[0].filters[0].value)
      expect(Date.now() - until).toBeGreaterThanOrEqual(5 * 60_000)
    })

    test('the next sync reads what changed after the checkpoint, and marks a deleted contact', async () => {
      const { baseUrl } = await server()
      const first = await collectStream(plugin, 'contacts', good(baseUrl))
      const next = await collectStream(plugin, 'contacts', good(baseUrl), first.checkpoint)
      expect(next.envelopes).toEqual([
        {
          type: 'identify',
          messageId: expect.stringMatching(/^sha256:/),
          occurredAt: '2026-03-05T11:00:00.000Z',
          identifiers: [
            { type: 'hubspot', value: '155' },
            { type: 'email', value: 'percy.ludgate@example.com' },
          ],
          traits: { hubspotArchived: true },
        },
        expect.objectContaining({
          occurredAt: '2026-03-01T10:15:00.000Z',
          identifiers: [
            { type: 'hubspot', value: '151' },
            { type: 'email', value: 'ada.lovelace@example.com' },
            { type: 'phone', value: '+442071838750' },
            { type: 'phone', value: '+447700900456' },
          ],
        }),
      ])
      expect(next.checkpoint).toEqual({
        modified: { since: '2026-03-01T10:15:00.000Z', ids: ['151'] },
        archived: { since: '2026-03-05T11:00:00.000Z', ids: ['155'] },
      })
    })

    test('a sync cut short resumes from its last checkpoint without reading anything twice', async () => {
      const complete = await collectStream(plugin, 'contacts', good((await server()).baseUrl))

      // The host stops after the second batch (the first page of the search) and commits its checkpoint.
      const { baseUrl } = await server()
      const config = configFor(good(baseUrl))
      const context = contextFor(plugin, config)
      const committed: { envelopes: EnvelopeInput[]; checkpoint: unknown }[] = []
      for await (const batch of plugin.streams!.contacts!.read(context.ctx, {
        config,
        checkpoint: undefined,
      })) {
        committed.push(JSON.parse(JSON.stringify(batch)))
        if (committed.length === 2) break
      }

      const resumed = await collectStream(
        plugin,
        'contacts',
        good((await server()).baseUrl),
        committed.at(-1)!.checkpoint,
      )
      const before = committed.flatMap((batch) => batch.envelopes)
      expect(before.map((envelope) => envelope.identifiers[0]!.value)).toEqual(['151', '152'])
      expect(resumed.envelopes.map((envelope) => envelope.identifiers[0]!.value)).toEqual(['153', '155'])
      expect([...before, ...resumed.envelopes].map(byMessage)).toEqual(complete.envelopes.map(byMessage))
      expect(resumed.checkpoint).toEqual(complete.checkpoint)
    })

    test('past 10,000 results at one instant the search moves on instead of asking HubSpot for more', async () => {
      const fixtureServer = await server(
        loadFixtures(fixture('owners.json'), fixture('search-cap.json'), fixture('contacts.json')),
      )
      const run = await collectStream(plugin, 'contacts', good(fixtureServer.baseUrl))
      expect(run.envelopes.map((envelope) => envelope.identifiers[0]!.value)).toEqual(['151', '152'])
      const bodies = searchBodies(fixtureServer.requests, '/crm/v3/objects/contacts/search')
      expect(bodies.map((body) => body.after)).toEqual([undefined, undefined, undefined])
      expect(bodies.map((body) => body.filterGroups[0].filters.length)).toEqual([1, 2, 2])
      expect(bodies[2].filterGroups[0].filters[0].value).toBe('1768469400001')
      expect(run.context.logs.some((log) => log.level === 'warn' && log.message.includes('10000'))).toBe(true)
    })

    test('an answer that is not JSON fails the run clearly, before any envelope of it', async () => {
      const { baseUrl } = await server(
        loadFixtures(fixture('failures.json'), fixture('owners.json'), fixture('contacts.json')),
      )
      const config = configFor(good(baseUrl))
      const yielded: EnvelopeInput[] = []
      const read = async () => {
        const batches = plugin.streams!.contacts!.read(contextFor(plugin, config).ctx, {
          config,
          checkpoint: undefined,
        })
        for await (const batch of batches) yielded.push(...batch.envelopes)
      }
      await expect(read()).rejects.toThrow(
        /HubSpot answered POST \/crm\/v3\/objects\/contacts\/search with something that is not JSON/,
      )
      expect(yielded).toEqual([])
    })

    test('HubSpot down during a sync is a TransientError', async () => {
      const { baseUrl } = await server(loadFixtures(fixture('failures.json')))
      const outage = good(baseUrl)
      outage.accessToken = 'pat-eu1-rapport-test-outage-0001'
      await expect(collectStream(plugin, 'contacts', outage)).rejects.toBeInstanceOf(TransientError)
    })
  })

  describe('companies', () => {
    test('become a company record on each associated contact', async () => {
      const fixtureServer = await server()
      const run = await collectStream(plugin, 'companies', good(fixtureServer.baseUrl))
      expect(run.envelopes[0]).toEqual({
        type: 'record',
        messageId: expect.stringMatching(/^sha256:/),
        occurredAt: '2026-01-20T11:00:00.000Z',
        identifiers: [{ type: 'hubspot', value: '151' }],
        action: 'upsert',
        object: {
          type: 'company',
          externalId: '5001:151',
          title: 'Analytical Engines Ltd',
          properties: {
            hubspotId: '5001',
            domain: 'analytical-engines.example',
            industry: 'MACHINERY',
            phone: '+44 20 7183 8700',
            city: 'London',
            country: 'United Kingdom',
            lifecycleStage: 'customer',
            owner: 'Jane Whitfield',
            ownerEmail: 'jane.whitfield@analytical-engines.example',
            createdAt: '2026-01-10T09:00:00.000Z',
          },
        },
      })
      expect(run.envelopes.map((envelope) => envelope.identifiers)).toEqual([
        [{ type: 'hubspot', value: '151' }],
        [{ type: 'hubspot', value: '152' }],
        [{ type: 'hubspot', value: '153' }],
        [{ type: 'hubspot', value: '155' }],
      ])
      expect(
        searchBodies(fixtureServer.requests, '/crm/v4/associations/companies/contacts/batch/read'),
      ).toEqual([{ inputs: [{ id: '5001' }, { id: '5002' }, { id: '5003' }] }])
    })

    test('the next sync deletes the records of a deleted company and of a contact no longer associated', async () => {
      const { baseUrl } = await server()
      const first = await collectStream(plugin, 'companies', good(baseUrl))
      // The same source's state: what the first sync linked.
      const next = await collectStream(plugin, 'companies', good(baseUrl), first.checkpoint, {
        context: first.context,
      })
      expect(next.envelopes.map(summary)).toEqual([
        ['delete', '5003:155', undefined],
        ['upsert', '5001:151', undefined],
        ['delete', '5001:152', 'Removed from company'],
      ])
      expect(next.envelopes[0]).toMatchObject({ occurredAt: '2026-03-06T09:30:00.000Z' })
      expect(next.envelopes[1]).toMatchObject({ object: { properties: { owner: 'Tom Ashby' } } })
      expect(first.context.state.entries()).toEqual({
        'links:companies:5001': { contacts: ['151'] },
        'links:companies:5002': { contacts: ['153'] },
      })
    })
  })

  describe('deals', () => {
    test('become a deal record on each associated contact, with stage, amount, currency and owner', async () => {
      const fixtureServer = await server()
      const run = await collectStream(plugin, 'deals', good(fixtureServer.baseUrl))
      expect(run.envelopes[0]).toEqual({
        type: 'record',
        messageId: expect.stringMatching(/^sha256:/),
        occurredAt: '2026-02-12T15:30:00.000Z',
        identifiers: [{ type: 'hubspot', value: '151' }],
        action: 'upsert',
        object: {
          type: 'deal',
          externalId: '2001:151',
          status: 'closedwon',
          title: 'Difference Engine No. 2',
          amount: 12500,
          currency: 'EUR',
          properties: {
            hubspotId: '2001',
            pipeline: 'default',
            stage: 'closedwon',
            closeDate: '2026-02-12T15:00:00.000Z',
            closed: true,
            won: true,
            owner: 'Jane Whitfield',
            ownerEmail: 'jane.whitfield@analytical-engines.example',
            createdAt: '2026-01-16T10:00:00.000Z',
          },
        },
        event: 'Deal won',
      })
      expect(run.envelopes.map(summary)).toEqual([
        ['upsert', '2001:151', 'Deal won'],
        ['upsert', '2001:152', 'Deal won'],
        ['upsert', '2002:151', undefined],
        ['upsert', '2002:152', undefined],
      ])
      // No deal_currency_code: the portal's company currency.
      expect(run.envelopes[2]).toMatchObject({
        object: { amount: 3000.5, currency: 'GBP', status: 'appointmentscheduled' },
      })
      // The Difference Engine's contacts came in two answers (paging.next.after).
      expect(searchBodies(fixtureServer.requests, '/crm/v4/associations/deals/contacts/batch/read')).toEqual([
        { inputs: [{ id: '2001' }, { id: '2002' }] },
        { inputs: [{ id: '2001', after: 'MTUx' }] },
        { inputs: [{ id: '2003' }] },
      ])
      expect(run.checkpoint).toEqual({
        modified: { since: '2026-02-20T12:00:00.000Z', ids: ['2003'] },
        archived: { since: '2026-01-30T10:00:00.000Z', ids: ['2009'] },
      })
    })

    test('the next sync deletes a deleted deal for each of its contacts, and announces a win only once', async () => {
      const { baseUrl } = await server()
      const first = await collectStream(plugin, 'deals', good(baseUrl))
      const next = await collectStream(plugin, 'deals', good(baseUrl), first.checkpoint, {
        context: first.context,
      })
      expect(next.envelopes.map(summary)).toEqual([
        ['delete', '2002:151', undefined],
        ['delete', '2002:152', undefined],
        ['upsert', '2001:151', undefined],
        ['upsert', '2001:152', undefined],
      ])
      expect(next.envelopes[0]).toEqual({
        type: 'record',
        messageId: expect.stringMatching(/^sha256:/),
        occurredAt: '2026-03-07T09:00:00.000Z',
        identifiers: [{ type: 'hubspot', value: '151' }],
        action: 'delete',
        object: { type: 'deal', externalId: '2002:151', properties: { hubspotId: '2002' } },
      })
      expect(next.envelopes[2]).toMatchObject({ object: { amount: 13250 } })
      expect(Object.keys(next.context.state.entries())).toEqual(['links:deals:2001', 'links:deals:2003'])
    })
    test('a deal closed in a custom pipeline is closedwon or closedlost, with its stage id kept', () => {
      const lost = {
        id: '2010',
        properties: {
          dealname: 'Jacquard loom retrofit',
          dealstage: '1029384756',
          pipeline: '556677',
          hs_is_closed: 'true',
          hs_is_closed_won: 'false',
          amount: null,
          hs_lastmodifieddate: '2026-03-08T12:00:00.000Z',
        },
        createdAt: '2026-02-25T09:00:00.000Z',
        updatedAt: '2026-03-08T12:00:00.000Z',
        archived: false,
      }
      const details = dealDetails(lost, { owners: new Map(), currency: 'GBP' })
      expect(details).toEqual({
        type: 'deal',
        status: 'closedlost',
        title: 'Jacquard loom retrofit',
        properties: {
          hubspotId: '2010',
          pipeline: '556677',
          stage: '1029384756',
          closed: true,
          won: false,
          createdAt: '2026-02-25T09:00:00.000Z',
        },
      })
      expect(dealEvent(details, '1029384700')).toBe('Deal lost')
      expect(dealEvent(details, 'closedlost')).toBeUndefined()
    })
  })

  describe('webhook', () => {
    const config = configFor(good('http://127.0.0.1:1'))
    const signed = (body: unknown, at = new Date(), secrets = config) => {
      const request = webhookRequest(body as Record<string, unknown>, {}, at)
      return webhookRequest(
        body as Record<string, unknown>,
        signLikeHubSpot(request.rawBody, at, secrets),
        at,
      )
    }

    test('contact events become identifies, a removed association a delete; deal changes wait for the sync', async () => {
      const request = signed(webhookEvents)
      plugin.webhook!.verify(request, config)
      const envelopes = await plugin.webhook!.parse(request, config)
      expect(envelopes.map(summary)).toEqual([
        ['identify', '153', { email: 'mary.somerville@somerville.example' }],
        ['identify', '156', { hubspotArchived: false }],
        ['identify', '152', { phone: '+442079460000' }],
        ['delete', '2001:152', 'Removed from deal'],
        ['identify', '155', { hubspotArchived: true }],
      ])
      expect(envelopes[0]).toEqual({
        type: 'identify',
        messageId: expect.stringMatching(/^sha256:/),
        occurredAt: '2026-03-04T08:30:00.000Z',
        identifiers: [
          { type: 'hubspot', value: '153' },
          { type: 'email', value: 'mary.somerville@somerville.example' },
        ],
        traits: { email: 'mary.somerville@somerville.example' },
      })
    })

    test('a deletion gives the same messageId as the sync that finds the contact archived', async () => {
      const [deletion] = await plugin.webhook!.parse(
        webhookRequest(
          webhookEvents.filter(
            (event: { subscriptionType: string }) => event.subscriptionType === 'contact.deletion',
          ),
        ),
        config,
      )
      const { baseUrl } = await server()
      const first = await collectStream(plugin, 'contacts', good(baseUrl))
      const next = await collectStream(plugin, 'contacts', good(baseUrl), first.checkpoint)
      expect(deletion!.messageId).toBe(next.envelopes[0]!.messageId)
    })

    test('rejects a signature older than five minutes, and one made for another URL', () => {
      const sixMinutesAgo = new Date(Date.now() - 301_000)
      const stale = webhookRequest(
        webhookEvents,
        signLikeHubSpot(webhookRequest(webhookEvents).rawBody, sixMinutesAgo, config),
      )
      expect(() => plugin.webhook!.verify(stale, config)).toThrow(/stale timestamp/)
      const elsewhere = signed(webhookEvents, new Date(), {
        ...config,
        webhookUrl: 'https://evil.example/hooks/1',
      })
      expect(() => plugin.webhook!.verify(elsewhere, config)).toThrow(WebhookVerificationError)
    })

    test('decodes the URL-encoded characters HubSpot decodes before signing', () => {
      const encoded = {
        ...config,
        webhookUrl: 'https://cx.example.com/hooks/hubspot%3Aeu1%2Cv3%3Fportal%40uk',
      }
      const decoded = { ...config, webhookUrl: 'https://cx.example.com/hooks/hubspot:eu1,v3?portal@uk' }
      const request = signed(webhookEvents, new Date(), decoded)
      expect(() => plugin.webhook!.verify(request, encoded)).not.toThrow()
    })

    test('without a client secret and webhook URL nothing is accepted', () => {
      const unset = configFor({
        baseUrl: 'http://127.0.0.1:1',
        accessToken: 'pat-eu1-rapport-test-good-0001',
      })
      expect(() => plugin.webhook!.verify(signed(webhookEvents), unset)).toThrow(/client secret/)
    })

    test('a body that is not a list of HubSpot events fails clearly', () => {
      expect(() => plugin.webhook!.parse(webhookRequest('[{"eventId": 1,'), config)).toThrow(/not JSON/)
      expect(() => plugin.webhook!.parse(webhookRequest({ objectId: 151 }), config)).toThrow(
        /not a list of events/,
      )
    })
  })
})
