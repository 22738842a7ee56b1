import { collectStream } from '@rapport/plugin-testkit'
import { describe, expect, test } from 'vitest'
import { plugin } from '../src/index.js'
import { configFor, useFixtureServer } from './helpers.js'

const server = useFixtureServer()

describe('tickets', () => {
  test('become records of their requester, with the sideloaded e-mail and phone', async () => {
    const { baseUrl } = await server()
    const run = await collectStream(plugin, 'tickets', configFor(baseUrl))
    expect(run.envelopes[0]).toEqual({
      type: 'record',
      messageId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      occurredAt: '2026-02-02T10:00:00Z',
      identifiers: [
        { type: 'zendesk', value: '9001' },
        { type: 'email', value: 'ada.lovelace@example.com' },
        { type: 'phone', value: '+442071838750' },
      ],
      action: 'upsert',
      object: {
        type: 'ticket',
        externalId: '5001',
        status: 'open',
        title: 'Invoice shows the wrong address',
        properties: {
          priority: 'normal',
          type: 'question',
          via: 'email',
          tags: ['billing'],
          createdAt: '2026-02-02T10:00:00Z',
        },
      },
      event: 'Ticket updated',
      channel: 'email',
    })
  })

  test('a deleted ticket (status deleted) is a delete', async () => {
    const { baseUrl } = await server()
    const run = await collectStream(plugin, 'tickets', configFor(baseUrl))
    expect(run.envelopes.map((e) => e.type === 'record' && [e.object.externalId, e.action, e.event])).toEqual(
      [
        ['5001', 'upsert', 'Ticket updated'],
        ['5002', 'upsert', 'Ticket updated'],
        ['5003', 'delete', 'Ticket deleted'],
      ],
    )
    expect(run.envelopes[2]).toMatchObject({
      identifiers: [{ type: 'zendesk', value: '9003' }],
      object: { status: 'deleted', title: 'Duplicate of #5002' },
    })
  })

  test('the position is generated_timestamp, which system updates move, not updated_at', async () => {
    const { baseUrl } = await server()
    const run = await collectStream(plugin, 'tickets', configFor(baseUrl))
    // Ticket 5002 was updated at 16:20 and touched by the system at 16:25.
    expect(run.checkpoints[0]).toEqual({
      startTime: Date.parse('2026-02-04T16:25:00Z') / 1000,
      seenAtStartTime: ['5002'],
    })
    const next = await collectStream(plugin, 'tickets', configFor(baseUrl), run.checkpoint)
    expect(next.envelopes).toMatchObject([
      { occurredAt: '2026-03-02T09:00:00Z', object: { externalId: '5001', status: 'solved' } },
    ])
  })
})

describe('ticket status changes', () => {
  test('each status set becomes a timeline line of the requester at the time it was set', async () => {
    const { baseUrl } = await server()
    const run = await collectStream(plugin, 'ticketStatusChanges', configFor(baseUrl))
    expect(
      run.envelopes.map(
        (e) => e.type === 'record' && [e.occurredAt, e.object.externalId, e.object.status, e.event],
      ),
    ).toEqual([
      ['2026-02-02T10:00:00Z', '5001', 'open', 'Ticket opened'],
      ['2026-02-03T15:00:00Z', '5002', 'new', 'Ticket opened'],
      ['2026-02-03T15:30:00Z', '5002', 'open', 'Ticket open'],
      ['2026-02-04T16:20:00Z', '5002', 'solved', 'Ticket solved'],
    ])
    expect(run.envelopes[3]).toEqual({
      type: 'record',
      messageId: expect.stringMatching(/^sha256:/),
      occurredAt: '2026-02-04T16:20:00Z',
      identifiers: [
        { type: 'zendesk', value: '9002' },
        { type: 'email', value: 'grace.hopper@example.com' },
      ],
      action: 'upsert',
      object: { type: 'ticket', externalId: '5002', status: 'solved' },
      event: 'Ticket solved',
    })
  })

  test('requesters are looked up once per page; a ticket deleted since is skipped', async () => {
    const fixtureServer = await server()
    const run = await collectStream(plugin, 'ticketStatusChanges', configFor(fixtureServer.baseUrl))
    const lookups = fixtureServer.requests.filter((r) => r.path === '/api/v2/tickets/show_many.json')
    expect(lookups.map((r) => r.query.ids)).toEqual(['5001,5002', '5002,5003'])
    expect(run.envelopes.some((e) => e.type === 'record' && e.object.externalId === '5003')).toBe(false)
    // The event at the first page's end_time came again on the second page and was not sent twice.
    expect(new Set(run.envelopes.map((e) => e.messageId)).size).toBe(run.envelopes.length)
  })

  test('the next sync sends a solve and a reopen', async () => {
    const { baseUrl } = await server()
    const first = await collectStream(plugin, 'ticketStatusChanges', configFor(baseUrl))
    const next = await collectStream(plugin, 'ticketStatusChanges', configFor(baseUrl), first.checkpoint)
    expect(next.envelopes.map((e) => e.type === 'record' && [e.object.externalId, e.event])).toEqual([
      ['5001', 'Ticket solved'],
      ['5002', 'Ticket reopened'],
    ])
  })
})
