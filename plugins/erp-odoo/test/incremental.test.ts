import { collectStream } from '@rapport/plugin-testkit'
import { describe, expect, test } from 'vitest'
import { nextSecond } from '../src/incremental.js'
import { plugin } from '../src/index.js'
import { fixtureServers, good, rpcCalls } from './helpers.js'

const server = fixtureServers()
const odooIds = (envelopes: { identifiers: { type: string; value: string }[] }[]) =>
  envelopes.map((envelope) => envelope.identifiers[0]!.value)

describe('incremental reads on write_date', () => {
  test('a full page keeps the seconds before its last, which is then read by id', async () => {
    const fixtureServer = await server()
    const run = await collectStream(plugin, 'partners', good(fixtureServer.baseUrl))
    const pages = rpcCalls(fixtureServer)
      .filter((call) => call.args[4] === 'search_read')
      .map((call) => [call.args[5], (call.args[6] as { order: string }).order])
    const active = ['active', 'in', [true, false]]
    expect(pages).toEqual([
      [[[active]], 'write_date asc, id asc'], // 429
      [[[active]], 'write_date asc, id asc'],
      [
        [
          [
            active,
            ['write_date', '>=', '2026-01-12 08:30:00'],
            ['write_date', '<', '2026-01-12 08:30:01'],
            ['id', '>', 0],
          ],
        ],
        'id asc',
      ],
      [
        [
          [
            active,
            ['write_date', '>=', '2026-01-12 08:30:00'],
            ['write_date', '<', '2026-01-12 08:30:01'],
            ['id', '>', 9],
          ],
        ],
        'id asc',
      ],
      [[[active, ['write_date', '>=', '2026-01-12 08:30:01']]], 'write_date asc, id asc'],
    ])
    // Ada was on the first page too, but is given once: with the rest of her second.
    expect(run.checkpoints).toEqual([
      { writeDate: '2026-01-12 08:30:00', id: 0 },
      { writeDate: '2026-01-12 08:30:00', id: 9 },
      { writeDate: '2026-02-03 14:00:00', id: 10 },
    ])
    expect(odooIds(run.envelopes)).toEqual(['7', '8', '9', '10'])
  })

  test('a run cut short resumes from its last committed checkpoint, and gives nothing twice', async () => {
    const { baseUrl } = await server()
    const whole = await collectStream(plugin, 'partners', good(baseUrl))
    // The host committed the first batch (the company) and the run stopped there.
    const resumed = await collectStream(plugin, 'partners', good(baseUrl), whole.checkpoints[0])
    expect(odooIds(resumed.envelopes)).toEqual(['8', '9', '10'])
    expect(resumed.envelopes.map((envelope) => envelope.messageId)).toEqual(
      whole.envelopes.slice(1).map((envelope) => envelope.messageId),
    )
    expect(resumed.checkpoint).toEqual(whole.checkpoint)
  })

  test('rows written in one transaction, more than a page of them, are paged by id', async () => {
    const { baseUrl } = await server()
    const run = await collectStream(plugin, 'invoices', good(baseUrl))
    expect(odooIds(run.envelopes)).toEqual(['8', '9', '8', '9'])
    expect(run.envelopes.map((envelope) => envelope.type === 'record' && envelope.object.externalId)).toEqual(
      ['101', '102', '103', '104'],
    )
    expect(run.checkpoints).toEqual([
      { writeDate: '2026-02-10 09:05:00', id: 0 },
      { writeDate: '2026-02-10 09:05:00', id: 102 },
      { writeDate: '2026-02-15 15:30:00', id: 104 },
    ])
  })

  test('the next second is counted across minutes, days and years', () => {
    expect(nextSecond('2026-01-12 08:30:00')).toBe('2026-01-12 08:30:01')
    expect(nextSecond('2026-01-12 08:59:59')).toBe('2026-01-12 09:00:00')
    expect(nextSecond('2026-02-28 23:59:59')).toBe('2026-03-01 00:00:00')
    expect(nextSecond('2025-12-31 23:59:59')).toBe('2026-01-01 00:00:00')
  })
})
