import { readFileSync } from 'node:fs'
import { dropSchema } from '@rapport/db/testing'
import { type FixtureServer, loadFixtures, startFixtureServer } from '@rapport/plugin-testkit'
import { createTransport } from 'nodemailer'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { useTestServer } from './harness.js'

/**
 * Every connector in one workspace, over the vendors' recorded answers: Ada Lovelace is a HubSpot
 * contact, a Stripe customer, an Odoo partner, a Zendesk user and a row of the in-house ERP, and she
 * writes to support. Rapport must make one customer of her, with every system's records and one
 * ordered timeline.
 */

const plugins = new URL('../../../plugins/', import.meta.url)
const vendorFixtures = (plugin: string, ...files: string[]) =>
  loadFixtures(...files.map((file) => new URL(`${plugin}/fixtures/${file}`, plugins)))

// The in-house ERP is a database of its own on the machine's PostgreSQL, whatever Rapport runs on.
const erpUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const erpSchema = `erp_${Math.random().toString(36).slice(2, 10)}`

const context = useTestServer({ RAPPORT_SYNC_STALL_SECONDS: '120' })
const servers: Record<string, FixtureServer> = {}

beforeAll(async () => {
  servers.hubspot = await startFixtureServer(
    vendorFixtures(
      'crm-hubspot',
      'account.json',
      'owners.json',
      'contacts.json',
      'companies.json',
      'deals.json',
    ),
  )
  servers.stripe = await startFixtureServer(
    vendorFixtures(
      'billing-stripe',
      'account.json',
      'customers.json',
      'subscriptions.json',
      'invoices.json',
      'charges.json',
      'refunds.json',
    ),
  )
  servers.odoo = await startFixtureServer(
    vendorFixtures(
      'erp-odoo',
      'common.json',
      'partners.json',
      'orders.json',
      'invoices.json',
      'deliveries.json',
    ),
  )
  servers.zendesk = await startFixtureServer(
    vendorFixtures(
      'support-zendesk',
      'me.json',
      'users.json',
      'organizations.json',
      'tickets.json',
      'ticket-events.json',
      'satisfaction-ratings.json',
    ),
  )
  const erp = new pg.Client({ connectionString: erpUrl })
  await erp.connect()
  await erp.query(`create schema ${erpSchema}; set search_path to ${erpSchema}`)
  await erp.query(readFileSync(new URL('source-postgres/fixtures/erp.sql', plugins), 'utf8'))
  await erp.end()
})

afterAll(async () => {
  await Promise.all(Object.values(servers).map((server) => server.close()))
  const erp = new pg.Client({ connectionString: erpUrl })
  await erp.connect()
  await dropSchema(erp, erpSchema, true)
  await erp.end()
})

async function addSource(pluginId: string, name: string, config: Record<string, unknown>) {
  const created = await context.owner.post('/api/v1/sources', { pluginId, name, config })
  expect(created.status, JSON.stringify(created.body)).toBe(201)
  const check = await context.owner.post(`/api/v1/sources/${created.body.id}/check`, {})
  expect(check.body, `${name}: test connection ${JSON.stringify(check.body)}`).toMatchObject({ ok: true })
  return created.body as { id: string; listener: { address: string } | null }
}

async function syncToEnd(sourceId: string) {
  const started = await context.owner.post(`/api/v1/sources/${sourceId}/sync`, {})
  expect(started.status, JSON.stringify(started.body)).toBe(202)
  for (;;) {
    const run = (await context.owner.get(`/api/v1/sync-runs/${started.body.id}`)).body
    if (run.status !== 'running') return run
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe('all connectors in one workspace', () => {
  const sources: Record<string, string> = {}

  test('each source connects and syncs from its vendor', async () => {
    const added = {
      hubspot: await addSource('crm-hubspot', 'HubSpot', {
        baseUrl: servers.hubspot!.baseUrl,
        accessToken: 'pat-eu1-rapport-test-good-0001',
        clientSecret: 'hubspot-test-client-secret-0001',
        webhookUrl: 'https://cx.example.com/hooks/0b6f5d1e-7c2a-4d8e-9f31-5a2b7c9d4e60',
      }),
      stripe: await addSource('billing-stripe', 'Stripe', {
        baseUrl: servers.stripe!.baseUrl,
        apiKey: 'sk_test_51NorthwindGoodKey4eC39HqLyjWDarjtT1zdp7dc',
        webhookSecret: 'whsec_NorthwindTestEndpointSigningSecret0001',
      }),
      odoo: await addSource('erp-odoo', 'Odoo', {
        baseUrl: servers.odoo!.baseUrl,
        database: 'rapport-demo',
        login: 'rapport-sync@northwind.example',
        apiKey: 'odoo_test_key_good_7f3a',
        pageSize: 2,
      }),
      zendesk: await addSource('support-zendesk', 'Zendesk', {
        baseUrl: servers.zendesk!.baseUrl,
        email: 'admin@northwind.example',
        apiToken: 'zd_test_good_7hQ2',
      }),
      erp: await addSource('source-postgres', 'In-house ERP', {
        connectionString: erpUrl,
        table: `${erpSchema}.customers`,
        incrementalColumn: 'updated_at',
        keyColumn: 'customer_no',
        mapping: {
          kind: 'identify',
          identifiers: { erp: 'customer_no', email: 'email', phone: 'phone' },
          traits: { firstName: 'first_name', lastName: 'last_name', company: 'company' },
          deletedColumn: 'deleted_at',
        },
      }),
      email: await addSource('channel-email', 'Support mail', {
        supportAddresses: ['support@northwind.example'],
        port: 0,
        listenHost: '127.0.0.1',
      }),
    }
    for (const [name, source] of Object.entries(added)) sources[name] = source.id

    for (const name of ['hubspot', 'stripe', 'odoo', 'zendesk', 'erp']) {
      const run = await syncToEnd(sources[name]!)
      expect(run, `${name} sync`).toMatchObject({ status: 'succeeded', error: null, failed: 0 })
      expect(run.envelopes, `${name} sync`).toBeGreaterThan(0)
    }
    for (const server of Object.values(servers)) server.assertAllMatched()

    // Ada writes to support: real mail, through the listener the source started.
    expect(added.email.listener).toMatchObject({ state: 'running' })
    const { hostname, port } = new URL(added.email.listener!.address)
    const mail = createTransport({ host: hostname, port: Number(port), secure: false, ignoreTLS: true })
    await mail.sendMail({
      from: 'Ada Lovelace <ada.lovelace@example.com>',
      to: 'support@northwind.example',
      subject: 'Invoice question',
      text: 'Hello, my last invoice shows the engine twice. Could you check? Ada',
      date: new Date('2026-03-20T10:00:00Z'),
      messageId: '<ada-invoice-question@example.com>',
    })
    mail.close()
    await context.server.processor.settled()
    // The vendors' recorded 429s are waited out for real, and Zendesk's exports go 10 a minute.
  }, 300_000)

  test('Ada is one customer, with the identities, records and timeline of every system', async () => {
    const found = await context.owner.get(
      '/api/v1/customers/lookup?type=email&value=ada.lovelace@example.com',
    )
    expect(found.status).toBe(200)
    const ada = (await context.owner.get(`/api/v1/customers/${found.body.id}`)).body

    const identityTypes = new Set(ada.identities.map((identity: { type: string }) => identity.type))
    for (const type of ['email', 'phone', 'hubspot', 'stripe', 'odoo', 'zendesk', 'erp']) {
      expect(identityTypes, `identity ${type}`).toContain(type)
    }
    // Every vendor id of hers leads to the same profile.
    for (const identity of ada.identities as { type: string; value: string }[]) {
      const lookup = await context.owner.get(
        `/api/v1/customers/lookup?type=${identity.type}&value=${encodeURIComponent(identity.value)}`,
      )
      expect(lookup.body.id, `${identity.type} ${identity.value}`).toBe(ada.id)
    }
    expect(ada.traits.find((trait: { key: string }) => trait.key === 'company')?.value).toBe(
      'Analytical Engines Ltd',
    )

    const records = (await context.owner.get(`/api/v1/customers/${ada.id}/records?limit=200`)).body.items as {
      type: string
      sourceId: string
    }[]
    const typesBySource = (source: string) =>
      new Set(records.filter((record) => record.sourceId === sources[source]).map((record) => record.type))
    expect([...typesBySource('hubspot')]).toContain('deal')
    expect([...typesBySource('stripe')]).toEqual(expect.arrayContaining(['invoice', 'subscription']))
    expect([...typesBySource('odoo')]).toEqual(expect.arrayContaining(['order', 'invoice', 'delivery']))
    expect([...typesBySource('zendesk')]).toContain('ticket')
    expect(Object.keys(ada.lifetimeValue).length).toBeGreaterThan(0)

    const timeline = (await context.owner.get(`/api/v1/customers/${ada.id}/timeline?limit=200`)).body
      .items as {
      name: string
      kind: string
      occurredAt: string
      sourceId: string
    }[]
    const times = timeline.map((entry) => Date.parse(entry.occurredAt))
    expect(times, 'newest first').toEqual([...times].sort((a, b) => b - a))
    const timelineSources = new Set(timeline.map((entry) => entry.sourceId))
    for (const source of ['hubspot', 'stripe', 'odoo', 'zendesk', 'email']) {
      expect(timelineSources, `timeline has ${source}`).toContain(sources[source])
    }
    expect(timeline[0]).toMatchObject({ name: 'Email received', sourceId: sources.email })
  })

  test("Zendesk's satisfaction ratings are feedback on the customer's timeline", async () => {
    const grace = await context.owner.get('/api/v1/customers/lookup?type=zendesk&value=9002')
    const feedback = (await context.owner.get(`/api/v1/customers/${grace.body.id}/timeline?kind=feedback`))
      .body.items as { sourceId: string }[]
    expect(feedback.length).toBeGreaterThan(0)
    expect(feedback.every((entry) => entry.sourceId === sources.zendesk)).toBe(true)
  })
})
