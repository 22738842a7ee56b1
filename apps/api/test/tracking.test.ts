import { request } from 'node:http'
import { Analytics } from '@segment/analytics-node'
import { describe, expect, test } from 'vitest'
import { httpSource, startTestServer, track, useTestServer } from './harness.js'

const context = useTestServer()

describe('the Segment-compatible tracking API', () => {
  test('the official @segment/analytics-node client, pointed at Rapport, builds one customer', async () => {
    const { writeKey } = await httpSource(context.owner)
    const analytics = new Analytics({ writeKey, host: context.server.url, flushAt: 3, flushInterval: 100 })
    const errors: unknown[] = []
    analytics.on('error', (error) => errors.push(error))
    // Calls a millisecond apart can swap order once each batch's clock skew is corrected (as in
    // Segment); the plan change is given a time of its own so that which plan wins is certain.
    analytics.identify({
      anonymousId: 'anon-1',
      traits: { email: 'Ada@Example.com', name: 'Ada Lovelace', plan: 'pro' },
      timestamp: new Date(Date.now() - 5_000),
    })
    analytics.track({ anonymousId: 'anon-1', event: 'Checkout Started', properties: { total: 42 } })
    analytics.page({
      anonymousId: 'anon-1',
      name: 'Pricing',
      properties: { url: 'https://example.com/pricing' },
    })
    analytics.identify({ userId: 'user-42', anonymousId: 'anon-1', traits: { plan: 'enterprise' } })
    analytics.group({ userId: 'user-42', groupId: 'acme', traits: { name: 'Acme Inc', employees: 50 } })
    analytics.alias({ userId: 'user-42', previousId: 'anon-old' })
    await analytics.closeAndFlush()
    expect(errors).toEqual([])
    await context.server.processor.settled()

    const found = await context.owner.get('/api/v1/customers?q=ada')
    expect(found.body.items).toHaveLength(1)
    const customer = found.body.items[0]
    expect(customer).toMatchObject({ displayName: 'Ada Lovelace', email: 'ada@example.com' })

    const profile = (await context.owner.get(`/api/v1/customers/${customer.id}`)).body
    const identities = profile.identities
      .map((i: { type: string; value: string }) => `${i.type}:${i.value}`)
      .sort()
    expect(identities).toEqual([
      'anonymousId:anon-1',
      'anonymousId:anon-old',
      'email:ada@example.com',
      'userId:user-42',
    ])
    const plan = profile.traits.find((t: { key: string }) => t.key === 'plan')
    expect(plan.value).toBe('enterprise')
    expect(plan.sourceId).toBeTruthy()
    expect(profile.records.counts).toEqual({ company: 1 })

    const timeline = (await context.owner.get(`/api/v1/customers/${customer.id}/timeline`)).body.items
    const names = timeline.map((e: { name: string }) => e.name)
    expect(names).toEqual(
      expect.arrayContaining(['Checkout Started', 'Page Viewed', 'Joined company', 'Profile updated']),
    )
    const page = timeline.find((e: { name: string }) => e.name === 'Page Viewed')
    expect(page).toMatchObject({
      channel: 'web',
      properties: { name: 'Pricing', url: 'https://example.com/pricing' },
    })

    const history = (await context.owner.get(`/api/v1/customers/${customer.id}/traits/plan`)).body.items
    expect(history.map((h: { value: string }) => h.value)).toEqual(['enterprise', 'pro'])
  })

  test('a messageId sent twice is stored once', async () => {
    const { writeKey } = await httpSource(context.owner, 'Dedupe')
    const call = { userId: 'dup-user', event: 'Clicked', messageId: 'message-dup-1' }
    const first = await track(context.server.url, writeKey, 'track', call)
    const second = await track(context.server.url, writeKey, 'track', call)
    expect(first.body).toMatchObject({ success: true, accepted: 1, duplicates: 0 })
    expect(second.body).toMatchObject({ success: true, accepted: 0, duplicates: 1 })
    await context.server.processor.settled()
    const customer = (await context.owner.get('/api/v1/customers/lookup?type=userId&value=dup-user')).body
    const timeline = (await context.owner.get(`/api/v1/customers/${customer.id}/timeline`)).body.items
    expect(timeline.filter((e: { name: string }) => e.name === 'Clicked')).toHaveLength(1)
  })

  test('the same messageId sent by concurrent requests is accepted once (group commit)', async () => {
    const { writeKey } = await httpSource(context.owner, 'Concurrent')
    const call = { userId: 'concurrent-user', event: 'Clicked', messageId: 'message-concurrent-1' }
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => track(context.server.url, writeKey, 'track', call)),
    )
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200])
    expect(answers.reduce((n, a) => n + a.body.accepted, 0)).toBe(1)
    expect(answers.reduce((n, a) => n + a.body.duplicates, 0)).toBe(5)
  })

  test("the device's clock is corrected with sentAt, as Segment does", async () => {
    const { writeKey } = await httpSource(context.owner, 'Skewed')
    // The device clock is a year behind: the event happened 5 s before it was sent.
    await track(context.server.url, writeKey, 'track', {
      userId: 'skewed-user',
      event: 'Opened',
      timestamp: '2025-01-01T00:00:00.000Z',
      sentAt: '2025-01-01T00:00:05.000Z',
    })
    await context.server.processor.settled()
    const customer = (await context.owner.get('/api/v1/customers/lookup?type=userId&value=skewed-user')).body
    const [event] = (await context.owner.get(`/api/v1/customers/${customer.id}/timeline`)).body.items
    const age = Date.now() - Date.parse(event.occurredAt)
    expect(age).toBeGreaterThanOrEqual(4000)
    expect(age).toBeLessThan(120_000)
  })

  // Both ports answer the same calls by the same rules (answerTrackingCall): each runs this with
  // names and messageIds of its own, in the same workspace.
  test.each([
    ['the main port (/v1)', 'main', () => context.server.url],
    ['the tracking port', 'port', () => context.server.trackingUrl as string],
  ])(
    'bad input on %s: unknown write key, oversized calls, invalid calls; valid ones in a batch still land',
    async (_, tag, urlOf) => {
      const url = urlOf()
      const { id: sourceId, writeKey } = await httpSource(context.owner, `Strict ${tag}`)
      expect((await track(url, 'wk_unknown', 'track', { userId: 'u', event: 'E' })).status).toBe(401)
      const anonymous = await fetch(`${url}/v1/track`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      })
      expect(anonymous.status).toBe(401)
      expect((await track(url, writeKey, 'nothing', {})).status).toBe(404)

      const big = await track(url, writeKey, 'track', {
        userId: 'u',
        event: 'Big',
        properties: { blob: 'x'.repeat(33 * 1024) },
      })
      expect(big.status).toBe(400)
      expect(big.body.detail).toContain('32 KB')
      const hugeBatch = await track(url, writeKey, 'batch', {
        batch: Array.from({ length: 20 }, (_, i) => ({
          type: 'track',
          userId: 'u',
          event: 'E',
          messageId: `huge-${i}-${tag}`,
          properties: { blob: 'x'.repeat(30 * 1024) },
        })),
      })
      expect(hugeBatch.status).toBe(400)
      expect(hugeBatch.body.detail).toContain('500 KB')
      // In a batch, a call over 32 KB is refused on its own; the others are taken.
      const oneTooBig = await track(url, writeKey, 'batch', {
        batch: [
          { type: 'track', userId: 'u', event: 'Small', messageId: `one-small-${tag}` },
          {
            type: 'track',
            userId: 'u',
            event: 'Big',
            messageId: `one-big-${tag}`,
            properties: { blob: 'x'.repeat(33 * 1024) },
          },
          // 17,408 characters, 34,816 bytes: the limit is in bytes, as Segment's.
          {
            type: 'track',
            userId: 'u',
            event: 'Wide',
            messageId: `one-wide-${tag}`,
            properties: { blob: 'é'.repeat(17 * 1024) },
          },
        ],
      })
      expect(oneTooBig.status).toBe(200)
      expect(oneTooBig.body).toMatchObject({ accepted: 1 })
      for (const messageId of [`one-big-${tag}`, `one-wide-${tag}`]) {
        const tooBig = await context.server.database.db
          .selectFrom('dead_letters')
          .select('reason')
          .where('message_id', '=', messageId)
          .executeTakeFirstOrThrow()
        expect(tooBig.reason).toContain('larger than 32 KB')
      }

      const noEvent = await track(url, writeKey, 'track', { userId: 'u' })
      expect(noEvent.status).toBe(400)
      expect(noEvent.body.errors[0].path).toBe('event')
      const nobody = await track(url, writeKey, 'identify', { traits: { name: 'Nobody' } })
      expect(nobody.status).toBe(400)
      expect((await track(url, writeKey, 'track', '{"userId":')).status).toBe(400)

      const mixed = await track(url, writeKey, 'batch', {
        batch: [
          { type: 'track', userId: 'mixed-user', event: 'Good', messageId: `mixed-good-${tag}` },
          { type: 'track', userId: 'mixed-user', messageId: `mixed-bad-${tag}` },
          { type: 'launch', userId: 'mixed-user', messageId: `mixed-unknown-${tag}` },
        ],
      })
      expect(mixed.status).toBe(200)
      expect(mixed.body.accepted).toBe(1)
      expect(mixed.body.rejected.map((r: { index: number }) => r.index)).toEqual([1, 2])
      const dead = (await context.owner.get('/api/v1/dead-letters')).body.items
      const refused = dead.find((d: { messageId: string }) => d.messageId === `mixed-bad-${tag}`)
      expect(refused.reason).toContain('event')
      expect((await context.owner.post(`/api/v1/dead-letters/${refused.id}/retry`)).status).toBe(409)
      expect((await context.owner.delete(`/api/v1/dead-letters/${refused.id}`)).status).toBe(204)

      // One call refused by Segment's rules, one by the envelope's (an event name over 200
      // characters), one taken: each reason and each dead letter names its own call.
      const twoWays = await track(url, writeKey, 'batch', {
        batch: [
          { type: 'track', event: 'Nobody', messageId: `ways-nobody-${tag}` },
          { type: 'track', userId: 'ways-user', event: 'E'.repeat(201), messageId: `ways-long-${tag}` },
          { type: 'track', userId: 'ways-user', event: 'Fine', messageId: `ways-fine-${tag}` },
        ],
      })
      expect(twoWays.status).toBe(200)
      expect(twoWays.body.accepted).toBe(1)
      expect(
        twoWays.body.rejected.map((r: { index: number; messageId: string }) => [r.index, r.messageId]),
      ).toEqual([
        [0, `ways-nobody-${tag}`],
        [1, `ways-long-${tag}`],
      ])
      const stored = await context.server.database.db
        .selectFrom('dead_letters')
        .select(['message_id', 'envelope'])
        .where('message_id', 'in', [`ways-nobody-${tag}`, `ways-long-${tag}`])
        .orderBy('message_id')
        .execute()
      expect(stored.map((d) => [d.message_id, (d.envelope as { event: string }).event])).toEqual([
        [`ways-long-${tag}`, 'E'.repeat(201)],
        [`ways-nobody-${tag}`, 'Nobody'],
      ])

      // Disabled, its key is refused at once, though it was just looked up (and kept).
      await context.owner.patch(`/api/v1/sources/${sourceId}`, { enabled: false })
      expect((await track(url, writeKey, 'track', { userId: 'u', event: 'E' })).status).toBe(403)
    },
  )

  test('the official client pointed at the tracking port builds a customer there too', async () => {
    const { id, writeKey } = await httpSource(context.owner, 'Port client')
    // The source says where its port is (the admin UI shows it as the tracking host).
    const port = Number(new URL(context.server.trackingUrl as string).port)
    expect((await context.owner.get(`/api/v1/sources/${id}`)).body.trackingPort).toBe(port)
    const analytics = new Analytics({
      writeKey,
      host: context.server.trackingUrl as string,
      flushAt: 2,
      flushInterval: 100,
    })
    const errors: unknown[] = []
    analytics.on('error', (error) => errors.push(error))
    analytics.identify({ userId: 'port-user', traits: { email: 'port@example.com', name: 'Port User' } })
    analytics.track({ userId: 'port-user', event: 'Ordered', properties: { total: 7 } })
    await analytics.closeAndFlush()
    expect(errors).toEqual([])
    await context.server.processor.settled()
    const customer = (await context.owner.get('/api/v1/customers/lookup?type=userId&value=port-user')).body
    expect(customer).toMatchObject({ displayName: 'Port User' })
    const timeline = (await context.owner.get(`/api/v1/customers/${customer.id}/timeline`)).body.items
    expect(timeline.map((e: { name: string }) => e.name)).toContain('Ordered')
  })

  test('the tracking port answers the tracking API only, with problem+json for the rest', async () => {
    const base = context.server.trackingUrl as string
    const get = await fetch(`${base}/v1/track`)
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
    expect(get.headers.get('content-type')).toContain('application/problem+json')
    expect(await get.json()).toMatchObject({ status: 405, instance: '/v1/track' })
    for (const path of ['/', '/api/v1/customers', '/v1/track/more'])
      expect((await fetch(`${base}${path}`, { method: 'POST', body: '{}' })).status).toBe(404)
  })

  test('on the tracking port, a body declared larger than anyone should send is refused unread', async () => {
    const { writeKey } = await httpSource(context.owner, 'Port giant')
    const answer = await sendGiant(new URL(`${context.server.trackingUrl}/v1/batch`), writeKey)
    expect(answer.status).toBe(400)
    expect(answer.connection).toBe('close')
    expect(JSON.parse(answer.body).detail).toBe('the request is 20000000 bytes; the limit is 500 KB a batch')
  })

  test('on the main port, public routes read no more than the tracking port does', async () => {
    const { id, writeKey } = await httpSource(context.owner, 'Main giant')
    for (const path of ['/v1/batch', `/hooks/${id}`]) {
      const answer = await sendGiant(new URL(`${context.server.url}${path}`), writeKey)
      expect(answer.status).toBe(413)
      expect(answer.type).toContain('application/problem+json')
    }
  })

  test('a tracking port that is taken stops the start, naming it', async () => {
    const taken = Number(new URL(context.server.trackingUrl as string).port)
    await expect(startTestServer({ RAPPORT_TRACKING_PORT: String(taken) })).rejects.toThrow(
      new RegExp(
        `^the tracking port ${taken} could not be opened \\(listen EADDRINUSE.*\\): set RAPPORT_TRACKING_PORT to a free port, or to off$`,
      ),
    )
  })
})

/** Announces a 20 MB body and sends only its first bytes: the answer must come without the rest. */
function sendGiant(url: URL, writeKey: string) {
  return new Promise<{ status: number; connection?: string; type?: string; body: string }>(
    (resolve, reject) => {
      const sent = request(
        url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': '20000000',
            authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
          },
        },
        (response) => {
          let body = ''
          response.on('data', (chunk) => {
            body += chunk
          })
          response.on('end', () =>
            resolve({
              status: response.statusCode as number,
              connection: response.headers.connection,
              type: response.headers['content-type'],
              body,
            }),
          )
        },
      )
      sent.on('error', reject)
      sent.write('{"batch":[')
    },
  )
}
