import { describe, expect, test } from 'vitest'
import { httpSource, runToEnd, track, useTestServer } from './harness.js'

const context = useTestServer()

/** Uploads a records CSV to a new import-csv source, as the admin UI does. */
async function importRecords(name: string, csv: string) {
  const source = (await context.owner.post('/api/v1/sources', { pluginId: 'import-csv', name })).body
  const options = {
    kind: 'records',
    columns: {
      Email: { to: 'identifier', type: 'email' },
      Id: { to: 'record', field: 'externalId' },
      Type: { to: 'record', field: 'type' },
      Status: { to: 'record', field: 'status' },
      Amount: { to: 'record', field: 'amount' },
      Currency: { to: 'record', field: 'currency' },
    },
  }
  const response = await fetch(
    `${context.server.url}/api/v1/sources/${source.id}/uploads?options=${encodeURIComponent(JSON.stringify(options))}`,
    {
      method: 'POST',
      headers: {
        'content-type': 'text/csv',
        cookie: (context.owner as any).cookie,
        'x-csrf-token': context.owner.csrfToken ?? '',
      },
      body: csv,
    },
  )
  expect(response.status).toBe(202)
  const run = await runToEnd(context.owner, ((await response.json()) as { id: string }).id)
  expect(run.status).toBe('succeeded')
  await context.server.processor.settled()
  return source as { id: string; name: string }
}

describe('the customer view for the admin UI', () => {
  test('a profile names every source that sent something, and counts its open items per type', async () => {
    const site = await httpSource(context.owner, 'Web shop')
    const answer = await track(context.server.url, site.writeKey, 'batch', {
      batch: [
        { type: 'identify', userId: 'open-1', traits: { email: 'open@example.com', name: 'Opal Open' } },
        { type: 'track', userId: 'open-1', event: 'Viewed pricing' },
      ],
    })
    expect(answer.status).toBe(200)
    // A source that only sent events: the person is known by an identifier another source sent first.
    const app = await httpSource(context.owner, 'Mobile app')
    const events = await track(context.server.url, app.writeKey, 'batch', {
      batch: [
        { type: 'track', userId: 'open-1', event: 'Opened app' },
        { type: 'track', userId: 'open-1', event: 'Opened app' },
      ],
    })
    expect(events.status).toBe(200)
    await context.server.processor.settled()
    const billing = await importRecords(
      'Billing export',
      [
        'Email,Id,Type,Status,Amount,Currency',
        'open@example.com,T-1,ticket,open,,',
        'open@example.com,T-2,ticket,solved,,',
        'open@example.com,T-3,ticket,Pending,,',
        'open@example.com,I-1,invoice,paid,100,EUR',
        'open@example.com,I-2,invoice,past_due,40,EUR',
        'open@example.com,O-1,order,pending,100,EUR',
      ].join('\n'),
    )

    const profile = (await context.owner.get('/api/v1/customers/lookup?type=email&value=open@example.com'))
      .body
    expect(profile.records.counts).toEqual({ ticket: 3, invoice: 2, order: 1 })
    expect(profile.records.open).toEqual({ ticket: 2, invoice: 1 })
    expect(profile.lifetimeValue).toEqual({ EUR: 100 })
    expect(profile.sources).toEqual([
      { id: billing.id, name: 'Billing export', pluginId: 'import-csv' },
      { id: app.id, name: 'Mobile app', pluginId: 'http' },
      { id: site.id, name: 'Web shop', pluginId: 'http' },
    ])
  })

  test('the customer list filters by source and by when customers were last seen', async () => {
    const newsletter = await httpSource(context.owner, 'Newsletter')
    const answer = await track(context.server.url, newsletter.writeKey, 'batch', {
      batch: [
        {
          type: 'identify',
          userId: 'old-reader',
          traits: { name: 'Old Reader' },
          timestamp: '2020-01-01T10:00:00Z',
        },
        { type: 'identify', userId: 'new-reader', traits: { name: 'New Reader' } },
      ],
    })
    expect(answer.status).toBe(200)
    await context.server.processor.settled()

    const names = async (query: string) =>
      (await context.owner.get(`/api/v1/customers?${query}`)).body.items.map(
        (c: { displayName: string }) => c.displayName,
      )
    expect(await names(`sourceId=${newsletter.id}`)).toEqual(['New Reader', 'Old Reader'])
    expect(await names(`sourceId=${newsletter.id}&seenSince=2024-01-01T00:00:00Z`)).toEqual(['New Reader'])
    expect(await names('q=reader&seenSince=2019-01-01T00:00:00Z')).toEqual(['New Reader', 'Old Reader'])
    expect(await names('seenSince=2020-01-01T10:00:00Z')).toContain('Old Reader')
    expect(await names('seenSince=2020-01-01T10:00:01Z')).not.toContain('Old Reader')

    // A profile without a name or an e-mail is still called something: its strongest identifier.
    const [newest] = (await context.owner.get(`/api/v1/customers?sourceId=${newsletter.id}`)).body.items
    expect(newest).toMatchObject({ email: null, identifier: { type: 'userId', value: 'new-reader' } })

    const bad = await context.owner.get('/api/v1/customers?seenSince=yesterday')
    expect(bad.status).toBe(400)
    expect((await context.owner.get('/api/v1/customers?sourceId=not-a-uuid')).status).toBe(400)
  })

  test("a trait's value history lists every observation, newest first, with its source", async () => {
    const crm = await httpSource(context.owner, 'CRM')
    for (const [city, timestamp] of [
      ['Paris', '2024-01-01T10:00:00Z'],
      ['Lyon', '2024-02-01T10:00:00Z'],
    ]) {
      await track(context.server.url, crm.writeKey, 'identify', {
        userId: 'mover',
        traits: { city },
        timestamp,
      })
    }
    await context.server.processor.settled()
    const profile = (await context.owner.get('/api/v1/customers/lookup?type=userId&value=mover')).body
    const history = (await context.owner.get(`/api/v1/customers/${profile.id}/traits/city`)).body
    expect(history.items.map((i: { value: string }) => i.value)).toEqual(['Lyon', 'Paris'])
    expect(history.items[0]).toMatchObject({
      key: 'city',
      sourceId: crm.id,
      observedAt: '2024-02-01T10:00:00.000Z',
    })
  })
})
