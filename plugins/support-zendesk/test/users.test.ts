import { collectStream } from '@rapport/plugin-testkit'
import { describe, expect, test } from 'vitest'
import { plugin } from '../src/index.js'
import { configFor, useFixtureServer } from './helpers.js'

const server = useFixtureServer()
const zendeskIds = (envelopes: { identifiers: { type: string; value: string }[] }[]) =>
  envelopes.map((envelope) => envelope.identifiers.find((id) => id.type === 'zendesk')?.value)

describe('users', () => {
  test('wait out the 429 and become identify envelopes with every identifier and their company', async () => {
    const fixtureServer = await server()
    const run = await collectStream(plugin, 'users', configFor(fixtureServer.baseUrl))
    expect(run.context.waits).toContain(7000) // Retry-After: 7
    expect(run.envelopes[0]).toEqual({
      type: 'identify',
      messageId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      occurredAt: '2026-01-20T10:00:00Z',
      identifiers: [
        { type: 'zendesk', value: '9001' },
        { type: 'email', value: 'ada.lovelace@example.com' },
        { type: 'phone', value: '+442071838750' },
      ],
      traits: {
        name: 'Ada Lovelace',
        email: 'ada.lovelace@example.com',
        phone: '+442071838750',
        company: 'Analytical Engines Ltd',
        zendeskRole: 'end-user',
        zendeskStatus: 'active',
        zendeskExternalId: 'u_1815',
      },
    })
    expect(fixtureServer.requests.map((request) => request.query)).toEqual([
      { start_time: '0', per_page: '1000', include: 'organizations' },
      { start_time: '0', per_page: '1000', include: 'organizations' },
      { cursor: 'MTc2OTM0MDYwMC4wfHw5MDAyfA==', per_page: '1000', include: 'organizations' },
    ])
    expect(fixtureServer.requests[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from('admin@northwind.example/token:zd_test_good_7hQ2').toString('base64')}`,
    )
  })

  test('Grace, repeated at the page boundary, is sent once; one batch and checkpoint per page', async () => {
    const { baseUrl } = await server()
    const run = await collectStream(plugin, 'users', configFor(baseUrl))
    expect(zendeskIds(run.envelopes)).toEqual(['9001', '9002', '9003', '9100'])
    expect(run.checkpoints).toEqual([
      { startTime: 1769340600, seenAtStartTime: ['9002'] },
      { startTime: 1770019200, seenAtStartTime: ['9003', '9100'] },
    ])
  })

  test('a local phone number is kept as a trait but not used to match; a suspended user says so', async () => {
    const { baseUrl } = await server()
    const grace = (await collectStream(plugin, 'users', configFor(baseUrl))).envelopes[1]
    expect(grace).toMatchObject({
      identifiers: [
        { type: 'zendesk', value: '9002' },
        { type: 'email', value: 'grace.hopper@example.com' },
      ],
      traits: { phone: '(202) 555-0147', company: 'Harvard Mark I Lab', zendeskStatus: 'suspended' },
    })
  })

  test('a deleted user keeps only the Zendesk id and is marked deleted', async () => {
    const { baseUrl } = await server()
    const alan = (await collectStream(plugin, 'users', configFor(baseUrl))).envelopes[2]
    expect(alan).toEqual({
      type: 'identify',
      messageId: expect.stringMatching(/^sha256:/),
      occurredAt: '2026-02-02T08:00:00Z',
      identifiers: [{ type: 'zendesk', value: '9003' }],
      traits: { zendeskStatus: 'deleted' },
    })
  })

  test('external_id becomes the userId only when the config says it is the product user id', async () => {
    const { baseUrl } = await server()
    const run = await collectStream(plugin, 'users', { ...configFor(baseUrl), externalIdIsUserId: true })
    expect(run.envelopes[0]!.identifiers).toContainEqual({ type: 'userId', value: 'u_1815' })
    expect((run.envelopes[0] as { traits: object }).traits).not.toHaveProperty('zendeskExternalId')
  })

  test('a sync resumed from the first page’s checkpoint reads on from there, nothing twice', async () => {
    const { baseUrl } = await server()
    const first = await collectStream(plugin, 'users', configFor(baseUrl))
    const resumed = await collectStream(plugin, 'users', configFor(baseUrl), first.checkpoints[0])
    expect(zendeskIds(resumed.envelopes)).toEqual(['9003', '9100'])
    expect(resumed.envelopes.map((envelope) => envelope.messageId)).toEqual(
      first.envelopes.slice(2).map((envelope) => envelope.messageId),
    )
  })

  test('the next sync skips the ids of the last second and reads what changed after', async () => {
    const { baseUrl } = await server()
    const first = await collectStream(plugin, 'users', configFor(baseUrl))
    const next = await collectStream(plugin, 'users', configFor(baseUrl), first.checkpoint)
    expect(zendeskIds(next.envelopes)).toEqual(['9001'])
    expect(next.envelopes[0]!.occurredAt).toBe('2026-03-03T12:00:00Z')
    expect(next.checkpoint).toEqual({ startTime: 1772539200, seenAtStartTime: ['9001'] })
  })
})
