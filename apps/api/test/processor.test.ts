import { randomUUID } from 'node:crypto'
import { testDatabaseUrl } from '@rapport/db/testing'
import { defaultIdentitySettings } from '@rapport/domain'
import pino from 'pino'
import { expect, test } from 'vitest'
import { appendToInbox, inboxPartitions, partitionOf } from '../src/ingestion/inbox.repository.js'
import { InboxProcessor } from '../src/ingestion/processor.js'
import { httpSource, lockWaitOf, signal, track, useTestServer, workspaceOf } from './harness.js'

const context = useTestServer()

test('several workers draining one inbox at once still make one profile per person', async () => {
  const { writeKey } = await httpSource(context.owner, 'Race site')
  const people = 150
  // Each person arrives twice with different strongest identifiers, so the two envelopes usually
  // land in different partitions, which different workers may claim at the same time.
  const batch = Array.from({ length: people }, (_, i) => [
    {
      type: 'identify',
      anonymousId: `race-anon-${i}`,
      traits: { email: `race${i}@example.com` },
      messageId: `race-a-${i}`,
    },
    {
      type: 'identify',
      userId: `race-user-${i}`,
      traits: { email: `race${i}@example.com` },
      messageId: `race-u-${i}`,
    },
  ]).flat()
  for (let i = 0; i < batch.length; i += 100) {
    expect(
      (await track(context.server.url, writeKey, 'batch', { batch: batch.slice(i, i + 100) })).status,
    ).toBe(200)
  }
  // Warnings are kept: a batch that fails falls back to one envelope at a time, which gives the
  // same profiles, only slowly; it must not happen here.
  const warnings: string[] = []
  const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) })
  const workers = [1, 2, 3].map(() => new InboxProcessor(context.server.database.db, logger, 20))
  await Promise.all(workers.map((w) => w.drain()))
  await context.server.processor.settled()
  expect(warnings).toEqual([])

  const db = context.server.database.db
  const owners = await db
    .selectFrom('identities')
    .select(['type', 'value', 'customer_id'])
    .where('value', 'like', 'race%')
    .execute()
  expect(owners).toHaveLength(people * 3)
  const byPerson = new Map<string, Set<string>>()
  for (const row of owners) {
    const n = row.value.match(/(\d+)/)?.[1] as string
    byPerson.set(n, (byPerson.get(n) ?? new Set()).add(row.customer_id))
  }
  expect([...byPerson.values()].filter((ids) => ids.size !== 1)).toEqual([])
})

test('one key always lands in the same partition, and keys spread evenly over all of them', () => {
  const workspace = '2085e8bc-c0d0-4d1b-84c3-6cc867c713d2'
  const counts = new Array(inboxPartitions).fill(0)
  for (let i = 0; i < 16_000; i++) counts[partitionOf(workspace, `userId:user-${i}`)]++
  for (const count of counts) expect(Math.abs(count - 1000)).toBeLessThan(100)
  expect(partitionOf(workspace, 'email:ada@example.com')).toBe(
    partitionOf(workspace, 'email:ada@example.com'),
  )
  expect(partitionOf(workspace, 'email:ada@example.com')).toBeGreaterThanOrEqual(0)
})

test('calls whose source is gone by the time they apply land without a source, and nothing is dead-lettered', async () => {
  const db = context.server.database.db
  const { id: sourceId } = await httpSource(context.owner, 'Soon deleted')
  const workspaceId = await workspaceOf(db, sourceId)
  const call = (n: string) => ({
    type: 'track' as const,
    messageId: `gone-${n}`,
    identifiers: [{ type: 'userId', value: `gone-${n}` }],
    occurredAt: new Date().toISOString(),
    event: 'Sent before the source went',
    properties: {},
  })
  // One source deleted right after its calls were appended; one that never existed (a call that was
  // authenticated just before its source was deleted).
  await appendToInbox(db, workspaceId, sourceId, [call('a')], defaultIdentitySettings)
  expect((await context.owner.delete(`/api/v1/sources/${sourceId}`)).status).toBe(204)
  await appendToInbox(db, workspaceId, randomUUID(), [call('b')], defaultIdentitySettings)
  await context.server.processor.settled()

  const events = await db
    .selectFrom('events')
    .select(['message_id', 'source_id'])
    .where('message_id', 'in', ['gone-a', 'gone-b'])
    .orderBy('message_id')
    .execute()
  expect(events).toEqual([
    { message_id: 'gone-a', source_id: null },
    { message_id: 'gone-b', source_id: null },
  ])
  const dead = await db
    .selectFrom('dead_letters')
    .select('message_id')
    .where('message_id', 'like', 'gone-%')
    .execute()
  expect(dead).toEqual([])
})

// The tables a batch writes have no foreign key to sources (see the unchecked-references migration):
// a batch locks its sources once, and deleting a source waits for it, then clears what it wrote.
test.skipIf(!testDatabaseUrl())(
  'deleting a source while a batch that uses it applies waits for the batch, then clears what it wrote',
  async () => {
    const db = context.server.database.db
    const { id: sourceId, writeKey } = await httpSource(context.owner, 'Deleted mid-batch')
    const sent = { type: 'identify', userId: 'mid-batch', traits: { plan: 'pro' }, messageId: 'mid-batch-1' }
    expect((await track(context.server.url, writeKey, 'identify', sent)).status).toBe(200)
    await context.server.processor.settled()
    const { customer_id, workspace_id } = await db
      .selectFrom('identities')
      .select(['customer_id', 'workspace_id'])
      .where('value', '=', 'mid-batch')
      .executeTakeFirstOrThrow()

    // A batch that has locked the source (as the processor does) and written with it, not committed.
    const held = signal()
    const lockTaken = signal()
    const batch = db.transaction().execute(async (trx) => {
      await trx.selectFrom('sources').select('id').where('id', '=', sourceId).forKeyShare().execute()
      await trx
        .insertInto('events')
        .values({
          workspace_id,
          customer_id,
          profile_id: customer_id,
          source_id: sourceId,
          message_id: 'mid-batch-2',
          kind: 'track',
          name: 'Written by the batch',
          occurred_at: new Date(),
          properties: '{}',
        })
        .execute()
      lockTaken.done()
      await held.happened
    })
    await lockTaken.happened
    const deletion = context.owner.delete(`/api/v1/sources/${sourceId}`)
    // The deletion waits on the batch's lock (PostgreSQL says so), and only then is the batch let go.
    await lockWaitOf(db, 'delete from "sources"')
    held.done()
    await batch
    expect((await deletion).status).toBe(204)

    for (const table of ['identities', 'trait_observations', 'traits', 'events'] as const) {
      const left = await db.selectFrom(table).select('message_id').where('source_id', '=', sourceId).execute()
      expect({ table, left }).toEqual({ table, left: [] })
    }
    const events = await db
      .selectFrom('events')
      .select(['message_id', 'source_id'])
      .where('customer_id', '=', customer_id)
      .orderBy('message_id')
      .execute()
    expect(events).toEqual([
      { message_id: 'mid-batch-1', source_id: null },
      { message_id: 'mid-batch-2', source_id: null },
    ])
  },
)
