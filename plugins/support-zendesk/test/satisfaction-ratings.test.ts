import { collectStream } from '@rapport/plugin-testkit'
import { describe, expect, test } from 'vitest'
import { plugin } from '../src/index.js'
import { configFor, useFixtureServer } from './helpers.js'

const server = useFixtureServer()

describe('satisfaction ratings', () => {
  test('good and bad answers become CSAT 5 and 1 with their comment; offered and unoffered give nothing', async () => {
    const fixtureServer = await server()
    const run = await collectStream(plugin, 'satisfactionRatings', configFor(fixtureServer.baseUrl))
    expect(run.envelopes).toEqual([
      {
        type: 'feedback',
        messageId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
        occurredAt: '2026-02-05T09:00:00Z',
        identifiers: [{ type: 'zendesk', value: '9002' }],
        metric: 'csat',
        score: 1,
        text: 'Three days to get an answer, and the first reply did not help.',
        question: 'How would you rate the support you received?',
        properties: {
          zendeskScore: 'bad',
          ticketId: '5002',
          reason: 'Issue took too long to resolve',
          assigneeId: '9100',
        },
      },
      expect.objectContaining({ occurredAt: '2026-02-12T10:00:00Z', score: 5 }),
    ])
    expect(fixtureServer.requests.map((request) => request.query)).toEqual([
      { start_time: '0', 'page[size]': '100' },
      { start_time: '0', 'page[size]': '100', 'page[after]': 'eyJvIjoiaWQiLCJ2IjoiYVhFWEFBQUFBQUFBIn0=' },
    ])
    // The unoffered rating still moves the position: it is not asked for again.
    expect(run.checkpoint).toEqual({ startTime: 1770890400, seenAtStartTime: ['6003', '6004'] })
  })

  test('the next sync gives only the newer answer, its comment trimmed', async () => {
    const { baseUrl } = await server()
    const first = await collectStream(plugin, 'satisfactionRatings', configFor(baseUrl))
    const next = await collectStream(plugin, 'satisfactionRatings', configFor(baseUrl), first.checkpoint)
    expect(next.envelopes).toMatchObject([
      {
        identifiers: [{ type: 'zendesk', value: '9001' }],
        score: 5,
        text: 'Quick and friendly, thank you!',
        occurredAt: '2026-03-02T10:00:00Z',
      },
    ])
  })
})
