import { testDatabaseUrl } from '@rapport/db/testing'
import { sql } from 'kysely'
import pino from 'pino'
import { expect, test } from 'vitest'
import { pruneInbox } from '../src/ingestion/inbox.repository.js'
import { InboxProcessor } from '../src/ingestion/processor.js'
import {
  holdWorkspace,
  httpSource,
  lockWaitOf,
  signal,
  track,
  useTestServer,
  workspaceOf,
} from './harness.js'

// No background processing: what is sent stays pending until a test drains the inbox itself.
const context = useTestServer({ RAPPORT_WORKER: 'false' })
const drain = (batchSize?: number) =>
  new InboxProcessor(context.server.database.db, pino({ level: 'silent' }), batchSize).drain()

const identify = (n: string) => ({
  type: 'identify',
  userId: `pending-${n}`,
  traits: { email: `pending-${n}@example.com` },
  messageId: `pending-${n}`,
})
/** The names of the events whose messageIds start with `prefix`, in the order they were written. */
const appliedInOrder = async (prefix: string) =>
  (
    await context.server.database.db
      .selectFrom('events')
      .select('name')
      .where('message_id', 'like', `${prefix}%`)
      .orderBy('id')
      .execute()
  ).map((event) => event.name)
const pendingCount = async () =>
  Number(
    (
      await context.server.database.db
        .selectFrom('inbox_pending')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

test('the ingestion health counts what is pending, how old it is, and what was processed', async () => {
  const { writeKey } = await httpSource(context.owner, 'Pending site')
  const calls = ['h1', 'h2', 'h3'].map(identify)
  expect((await track(context.server.url, writeKey, 'batch', { batch: calls })).status).toBe(200)
  const waiting = (await context.owner.get('/api/v1/ingestion/health')).body
  expect(waiting).toMatchObject({ backlog: 3, acceptedLastMinute: 3, processedLastMinute: 0 })
  expect(Date.now() - Date.parse(waiting.oldestPendingAt)).toBeGreaterThanOrEqual(0)

  expect(await drain()).toBe(3)
  expect(await pendingCount()).toBe(0)
  const done = (await context.owner.get('/api/v1/ingestion/health')).body
  expect(done).toMatchObject({ backlog: 0, oldestPendingAt: null, lagSeconds: 0, processedLastMinute: 3 })
  // A resend is a duplicate: not pending again, not processed again.
  expect((await track(context.server.url, writeKey, 'batch', { batch: calls })).status).toBe(200)
  expect(await pendingCount()).toBe(0)
})

test('erasing a person takes their pending envelopes with them', async () => {
  const { writeKey } = await httpSource(context.owner, 'Erase pending site')
  expect((await track(context.server.url, writeKey, 'identify', identify('e1'))).status).toBe(200)
  await drain()
  const customer = (await context.owner.get('/api/v1/customers/lookup?type=userId&value=pending-e1')).body
  // Sent after the profile was made, not processed yet when the person is erased.
  const later = { type: 'track', userId: 'pending-e1', event: 'Still here', messageId: 'pending-e1-later' }
  expect((await track(context.server.url, writeKey, 'track', later)).status).toBe(200)
  expect(await pendingCount()).toBe(1)

  const erased = await context.owner.delete(`/api/v1/customers/${customer.id}`)
  expect(erased.status).toBe(200)
  expect(erased.body).toMatchObject({ inbox: 2 })
  expect(await pendingCount()).toBe(0)
  expect(await drain()).toBe(0)
  expect((await context.owner.get(`/api/v1/customers/${customer.id}`)).status).toBe(404)
  expect((await context.owner.get('/api/v1/customers/lookup?type=userId&value=pending-e1')).status).toBe(404)
})

test('pruning deletes processed envelopes past the dedupe window, never pending ones', async () => {
  const db = context.server.database.db
  const { writeKey } = await httpSource(context.owner, 'Prune site')
  expect((await track(context.server.url, writeKey, 'identify', identify('p1'))).status).toBe(200)
  await drain()
  expect((await track(context.server.url, writeKey, 'identify', identify('p2'))).status).toBe(200)
  const all = await db.selectFrom('inbox').select('id').execute()
  // Everything received eight days ago; only what was processed goes.
  await sql`update inbox set received_at = now() - interval '8 days'`.execute(db)
  expect(await pruneInbox(db, 7)).toBe(all.length - 1)
  expect(await pruneInbox(db, 7)).toBe(0)
  const left = await db.selectFrom('inbox').select('message_id').execute()
  expect(left).toEqual([{ message_id: 'pending-p2' }])
  expect(await drain()).toBe(1)
  expect((await context.owner.get('/api/v1/customers/lookup?type=userId&value=pending-p2')).status).toBe(200)
})

test('a dead letter whose envelope left the inbox cannot be retried, and is kept', async () => {
  const db = context.server.database.db
  const { writeKey } = await httpSource(context.owner, 'Poison pending site')
  // Year 0000 passes the envelope schema but PostgreSQL has no year zero: a processing failure.
  const poison = {
    userId: 'pending-poison',
    event: 'Time travel',
    messageId: 'pending-poison',
    timestamp: '0000-01-01T00:00:00Z',
  }
  expect((await track(context.server.url, writeKey, 'track', poison)).status).toBe(200)
  await drain()
  expect(await pendingCount()).toBe(0)
  const letters = (await context.owner.get('/api/v1/dead-letters')).body.items
  const letter = letters.find((d: { messageId: string }) => d.messageId === 'pending-poison')
  expect(letter.attempts).toBe(3)

  await db.deleteFrom('inbox').where('message_id', '=', 'pending-poison').execute()
  const retried = await context.owner.post(`/api/v1/dead-letters/${letter.id}/retry`)
  expect(retried.status).toBe(409)
  expect(retried.body.detail).toMatch(/no longer in the inbox/)
  const kept = (await context.owner.get('/api/v1/dead-letters')).body.items
  expect(kept.map((d: { id: string }) => d.id)).toContain(letter.id)
  expect(await pendingCount()).toBe(0)
})

test("small batches over a backlog in many partitions apply each person's calls in the order they arrived", async () => {
  const db = context.server.database.db
  const { writeKey } = await httpSource(context.owner, 'Skewed site')
  // One busy person (one partition) with most of the backlog, and a call each from twenty others.
  const busy = Array.from({ length: 40 }, (_, i) => ({
    type: 'track',
    userId: 'skew-busy',
    event: `Step ${i}`,
    messageId: `skew-busy-${i}`,
  }))
  const others = Array.from({ length: 20 }, (_, i) => identify(`skew-${i}`))
  const calls = [...busy.slice(0, 20), ...others, ...busy.slice(20)]
  expect((await track(context.server.url, writeKey, 'batch', { batch: calls })).status).toBe(200)
  const partitions = await db.selectFrom('inbox_pending').select('partition').distinct().execute()
  expect(partitions.length).toBeGreaterThan(4)

  // Batches of 8: each partition offers up to twice its even share (a row or two here), and the
  // oldest 8 of those are taken; the busy person's calls come a few at a time, never out of order.
  expect(await drain(8)).toBe(calls.length)
  expect(await appliedInOrder('skew-busy-')).toEqual(busy.map((call) => call.event))
  expect(await pendingCount()).toBe(0)
})

test('a batch applies its envelopes in id order, also where the ids gain a digit', async () => {
  const db = context.server.database.db
  const { writeKey } = await httpSource(context.owner, 'Digits site')
  // Ids come back from the claim as text, in no order, and are sorted by the processor: 99,995 and
  // on sort before 100,000 and on, though "1" < "9".
  await sql`select setval(pg_get_serial_sequence('inbox', 'id'), 99994)`.execute(db)
  const steps = Array.from({ length: 12 }, (_, i) => ({
    type: 'track',
    userId: 'digits-person',
    event: `Digit step ${i}`,
    messageId: `digits-${i}`,
  }))
  expect((await track(context.server.url, writeKey, 'batch', { batch: steps })).status).toBe(200)
  const ids = await db.selectFrom('inbox').select('id').where('message_id', 'like', 'digits-%').execute()
  expect(ids.map((row) => String(row.id).length).sort()).toEqual([...Array(5).fill(5), ...Array(7).fill(6)])

  expect(await drain()).toBe(steps.length)
  expect(await appliedInOrder('digits-')).toEqual(steps.map((call) => call.event))
})

// A batch takes envelopes by deleting their pending rows. An envelope another transaction holds (a
// worker retrying one at a time) is waited for: taken there, it is skipped; given back, it is applied.
test.skipIf(!testDatabaseUrl())(
  'a batch waits for an envelope another transaction holds, and applies it when it is given back',
  async () => {
    const db = context.server.database.db
    const { writeKey } = await httpSource(context.owner, 'Held site')
    const calls = ['held-1', 'held-2', 'held-3'].map(identify)
    expect((await track(context.server.url, writeKey, 'batch', { batch: calls })).status).toBe(200)
    const held = await db
      .selectFrom('inbox')
      .select(['id', 'partition'])
      .where('message_id', '=', 'pending-held-2')
      .executeTakeFirstOrThrow()

    const givenBack = signal()
    const taken = signal()
    const holder = db
      .transaction()
      .execute(async (trx) => {
        await trx
          .deleteFrom('inbox_pending')
          .where('partition', '=', held.partition)
          .where('id', '=', held.id)
          .execute()
        taken.done()
        await givenBack.happened
        throw new Error('given back')
      })
      .catch(() => undefined)
    await taken.happened

    const draining = drain()
    // The claim waits for the held envelope (PostgreSQL says so); only then is it given back.
    const waited = lockWaitOf(db, 'with offered as')
    await waited.finally(givenBack.done)
    await holder
    const drained = await draining
    expect(drained).toBe(3)
    expect(await pendingCount()).toBe(0)
    expect(
      (await context.owner.get('/api/v1/customers/lookup?type=userId&value=pending-held-2')).status,
    ).toBe(200)
  },
)

// Retrying one at a time after a batch failed, an envelope still waits for its partition: another
// worker's batch there may hold the same person's earlier envelopes, which must apply first.
test.skipIf(!testDatabaseUrl())(
  'one by one after a failed batch, an envelope waits for the worker that holds its partition',
  async () => {
    const db = context.server.database.db
    const { writeKey } = await httpSource(context.owner, 'Partition held site')
    const poison = {
      type: 'track',
      userId: 'held-poison',
      event: 'Time travel',
      messageId: 'held-poison',
      timestamp: '0000-01-01T00:00:00Z',
    }
    const calls = [poison, ...['p-1', 'p-2', 'p-3', 'p-4', 'p-5', 'p-6'].map(identify)]
    expect((await track(context.server.url, writeKey, 'batch', { batch: calls })).status).toBe(200)
    const rows = await db
      .selectFrom('inbox')
      .select(['message_id', 'partition'])
      .where(
        'message_id',
        'in',
        calls.map((c) => c.messageId),
      )
      .execute()
    const poisoned = rows.find((r) => r.message_id === 'held-poison')!.partition
    const other = rows.find((r) => r.partition !== poisoned)!
    // Another worker's batch holds that partition (its lock, as the claim takes it).
    const released = signal()
    const holding = signal()
    const holder = db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext('rapport inbox ' || current_schema()), ${other.partition})`.execute(
        trx,
      )
      holding.done()
      await released.happened
    })
    await holding.happened
    const draining = drain()
    const waited = lockWaitOf(db, 'select pg_advisory_xact_lock(hashtext(')
    await waited.finally(released.done)
    await holder
    await draining
    expect(await pendingCount()).toBe(0)
    const id = other.message_id.replace('pending-', '')
    expect((await context.owner.get(`/api/v1/customers/lookup?type=userId&value=pending-${id}`)).status).toBe(
      200,
    )
  },
)

// A batch applies in one transaction: cut off partway (its connection killed while it waits to
// apply, as when the server dies), nothing of it stays, and the replay ends as an uncut run does.
test.skipIf(!testDatabaseUrl())(
  'a batch cut off partway replays to the same result as one that was not',
  async () => {
    const db = context.server.database.db
    const { id: sourceId, writeKey } = await httpSource(context.owner, 'Cut off site')
    const callsOf = (p: string) =>
      [1, 2, 3, 4, 5].flatMap((i) => [
        {
          type: 'identify',
          anonymousId: `${p}-anon-${i}`,
          traits: { email: `${p}-${i}@example.com` },
          messageId: `${p}-a-${i}`,
        },
        { type: 'track', anonymousId: `${p}-anon-${i}`, event: 'Viewed', messageId: `${p}-b-${i}` },
        {
          type: 'identify',
          userId: `${p}-user-${i}`,
          anonymousId: `${p}-anon-${i}`,
          traits: { plan: 'pro' },
          messageId: `${p}-c-${i}`,
        },
      ])
    /** What the run made of a prefix's calls, with the prefix taken out. */
    const outcome = async (p: string) => {
      const events = await db
        .selectFrom('events')
        .select(['message_id', 'customer_id', 'name'])
        .where('message_id', 'like', `${p}-%`)
        .execute()
      const identities = await db
        .selectFrom('identities')
        .select(['type', 'value', 'customer_id'])
        .where('value', 'like', `${p}-%`)
        .execute()
      const byCustomer = new Map<string, string[]>()
      for (const identity of identities)
        byCustomer.set(identity.customer_id, [
          ...(byCustomer.get(identity.customer_id) ?? []),
          `${identity.type}:${identity.value.replace(p, '')}`,
        ])
      return {
        events: events.map((e) => `${e.message_id.replace(p, '')} ${e.name}`).sort(),
        eventsOnCustomers: new Set(events.map((e) => e.customer_id)).size,
        profiles: [...byCustomer.values()].map((ids) => ids.sort().join(' ')).sort(),
      }
    }

    expect((await track(context.server.url, writeKey, 'batch', { batch: callsOf('calm') })).status).toBe(200)
    await drain()

    expect((await track(context.server.url, writeKey, 'batch', { batch: callsOf('cut') })).status).toBe(200)
    const workspaceId = await workspaceOf(db, sourceId)
    // The batch is claimed, then waits for its workspace; there its connection is killed.
    const holder = await holdWorkspace(db, workspaceId)
    const draining = drain()
    await lockWaitOf(db, 'select pg_advisory_xact_lock($1, hashtext(')
    const killed = await sql<{
      killed: boolean
    }>`select pg_terminate_backend(pid) as killed from pg_stat_activity
    where wait_event_type = 'Lock' and starts_with(query, 'select pg_advisory_xact_lock($1, hashtext(')`.execute(
      db,
    )
    expect(killed.rows.map((r) => r.killed)).toEqual([true])
    holder.release()
    await holder.done
    await draining
    await drain()

    expect(await pendingCount()).toBe(0)
    const letters = (await context.owner.get('/api/v1/dead-letters')).body.items
    expect(letters.filter((d: { messageId: string }) => d.messageId.startsWith('cut-'))).toEqual([])
    const calm = await outcome('calm')
    expect(calm.profiles).toHaveLength(5)
    expect(calm.events).toHaveLength(15)
    expect(await outcome('cut')).toEqual(calm)
  },
)

// A person's calls before they identified are keyed by their anonymousId, the later ones by their
// userId: two partitions. Batches are an id prefix of what they take, so the later calls never
// apply before the earlier ones, even when the earlier partition has more than it offers.
test('calls from before and after a person identified apply in the order they arrived', async () => {
  const { writeKey } = await httpSource(context.owner, 'Identified site')
  const before = Array.from({ length: 6 }, (_, i) => ({
    type: 'track',
    anonymousId: 'order-anon',
    event: `Before ${i}`,
    messageId: `order-person-before-${i}`,
  }))
  const identified = {
    type: 'identify',
    userId: 'order-user',
    anonymousId: 'order-anon',
    traits: { email: 'order@example.com' },
    messageId: 'order-person-identified',
  }
  const after = Array.from({ length: 3 }, (_, i) => ({
    type: 'track',
    userId: 'order-user',
    event: `After ${i}`,
    messageId: `order-person-after-${i}`,
  }))
  const others = Array.from({ length: 20 }, (_, i) => identify(`order-${i}`))
  const calls = [...before, identified, ...after, ...others]
  expect((await track(context.server.url, writeKey, 'batch', { batch: calls })).status).toBe(200)
  const partitions = await context.server.database.db
    .selectFrom('inbox')
    .select('partition')
    .where('message_id', 'in', ['order-person-before-0', 'order-person-identified'])
    .distinct()
    .execute()
  expect(partitions).toHaveLength(2)

  expect(await drain(4)).toBe(calls.length)
  expect(await appliedInOrder('order-person-')).toEqual([
    ...before.map((call) => call.event),
    'Profile updated',
    ...after.map((call) => call.event),
  ])
  expect(await pendingCount()).toBe(0)
})

// Workers share the inbox by partition: a worker holds the partitions it takes work from, and only
// those, so that another finds the rest free.
test.skipIf(!testDatabaseUrl())('a worker holds only the partitions it takes work from', async () => {
  const db = context.server.database.db
  const { id: sourceId, writeKey } = await httpSource(context.owner, 'Few partitions site')
  expect((await track(context.server.url, writeKey, 'batch', { batch: [identify('few-1')] })).status).toBe(
    200,
  )
  const workspaceId = await workspaceOf(db, sourceId)
  // The batch is claimed, then waits for its workspace: what it holds meanwhile is in pg_locks.
  const holder = await holdWorkspace(db, workspaceId)
  const draining = drain()
  try {
    await lockWaitOf(db, 'select pg_advisory_xact_lock($1, hashtext(')
    const { rows } = await sql<{ held: number }>`select count(*)::int as held from pg_locks l
      join pg_stat_activity a using (pid)
      where l.locktype = 'advisory' and l.granted and a.wait_event_type = 'Lock'
        and starts_with(a.query, 'select pg_advisory_xact_lock($1, hashtext(')`.execute(db)
    expect(rows[0]!.held).toBe(1)
  } finally {
    holder.release()
  }
  await holder.done
  await draining
  expect(await pendingCount()).toBe(0)
})
