import { collectStream } from '@rapport/plugin-testkit'
import { describe, expect, test } from 'vitest'
import { plugin } from '../src/index.js'
import { configFor, useFixtureServer } from './helpers.js'

const server = useFixtureServer()

describe('organizations', () => {
  test('the first sync reads the export to its end and sends nothing: the users carry their company', async () => {
    const fixtureServer = await server()
    const run = await collectStream(plugin, 'organizations', configFor(fixtureServer.baseUrl))
    expect(run.envelopes).toEqual([])
    expect(run.checkpoints).toEqual([
      { startTime: 1768208400, seenAtStartTime: ['7002'], caughtUp: false },
      { startTime: 1769947200, seenAtStartTime: ['7003'], caughtUp: true },
    ])
    expect(fixtureServer.requests.map((request) => request.query)).toEqual([
      { start_time: '0' },
      { start_time: '1768208400' },
    ])
  })

  test('later, a renamed organization renames the company of each member', async () => {
    const fixtureServer = await server()
    const first = await collectStream(plugin, 'organizations', configFor(fixtureServer.baseUrl))
    const next = await collectStream(
      plugin,
      'organizations',
      configFor(fixtureServer.baseUrl),
      first.checkpoint,
    )
    expect(next.envelopes).toEqual([
      {
        type: 'identify',
        messageId: expect.stringMatching(/^sha256:/),
        occurredAt: '2026-03-01T09:00:00Z',
        identifiers: [
          { type: 'zendesk', value: '9002' },
          { type: 'email', value: 'grace.hopper@example.com' },
        ],
        traits: { company: 'Harvard Computation Laboratory' },
      },
    ])
    expect(next.checkpoint).toEqual({ startTime: 1772355600, seenAtStartTime: ['7002'], caughtUp: true })
    // The deleted organization at the boundary was skipped, and no members were asked for it.
    expect(
      fixtureServer.requests.filter((r) => r.path.startsWith('/api/v2/organizations/')).map((r) => r.path),
    ).toEqual(['/api/v2/organizations/7002/users.json'])
  })

  test('a first sync cut short goes on reading without sending, until it has caught up', async () => {
    const { baseUrl } = await server()
    const first = await collectStream(plugin, 'organizations', configFor(baseUrl))
    const resumed = await collectStream(plugin, 'organizations', configFor(baseUrl), first.checkpoints[0])
    expect(resumed.envelopes).toEqual([])
    expect(resumed.checkpoint).toEqual(first.checkpoint)
  })
})
