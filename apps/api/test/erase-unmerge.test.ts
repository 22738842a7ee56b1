import { testDatabaseUrl } from '@rapport/db/testing'
import type { Envelope } from '@rapport/plugin-sdk'
import { type Kysely, sql } from 'kysely'
import pino from 'pino'
import { describe, expect, test } from 'vitest'
import { ownedTables } from '../src/customers/erase.repository.js'
import { applyBatch } from '../src/ingestion/apply-batch.js'
import { IngestionService } from '../src/ingestion/ingestion.service.js'
import { InboxProcessor } from '../src/ingestion/processor.js'
import { ingestionSettings } from '../src/ingestion/workspace-settings.repository.js'
import {
  holdWorkspace as holdInHarness,
  httpSource,
  runToEnd,
  signal,
  track,
  useTestServer,
} from './harness.js'

// No background processing: what is sent stays pending until a test drains the inbox itself.
const context = useTestServer({ RAPPORT_WORKER: 'false' })
const db = () => context.server.database.db as Kysely<any>
const drain = () => new InboxProcessor(context.server.database.db, pino({ level: 'silent' })).drain()
const at = (minute: number) => new Date(Date.UTC(2026, 5, 1, 10, minute)).toISOString()

async function send(writeKey: string, calls: object[], process = true) {
  const answer = await track(context.server.url, writeKey, 'batch', { batch: calls })
  expect(answer.status).toBe(200)
  if (process) await drain()
  return answer.body
}

/** Envelopes as a connector delivers them (records and feedback have no Segment call). */
async function ingest(sourceId: string, envelopes: object[]) {
  const workspaceId = await workspace()
  const result = await context.server.app.get(IngestionService).ingest(workspaceId, sourceId, envelopes)
  expect(result.invalid).toEqual([])
  await drain()
}

const workspace = async () => (await context.owner.get('/api/v1/me')).body.workspace.id as string
const lookup = async (type: string, value: string) =>
  (await context.owner.get(`/api/v1/customers/lookup?type=${type}&value=${encodeURIComponent(value)}`)).body

/**
 * Runs `hold` in a transaction of its own that keeps the workspace's lock (and whatever `hold`
 * locks) until `release` is called; resolves with its backend's pid once it holds them.
 */
const holdWorkspace = async (hold?: (trx: Kysely<any>) => Promise<void>) =>
  holdInHarness(db(), await workspace(), hold)

/** Two profiles merged (mergedPair), then the merge undone through the API. */
async function unmergedPair(sourceName: string, name: string) {
  const { id, writeKey } = await httpSource(context.owner, sourceName)
  const { device, user, survivor, merge } = await mergedPair(writeKey, name)
  const undone = await context.owner.post(`/api/v1/customers/${survivor}/merges/${merge.id}/undo`)
  expect(undone.status).toBe(200)
  return { id, writeKey, device, user, merge }
}

/** Resolves once `count` backends wait, directly or through another waiter, for the backend `pid`. */
async function waitersOf(pid: number, count: number, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    const { rows } = await sql<{ n: number }>`with recursive blocked(pid) as (
        select pid from pg_stat_activity where ${pid}::int = any(pg_blocking_pids(pid))
        union
        select a.pid from pg_stat_activity a join blocked b on b.pid = any(pg_blocking_pids(a.pid))
      ) select count(*)::int as n from blocked`.execute(db())
    if (rows[0]!.n >= count) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error(`fewer than ${count} backends waited for ${pid} within ${timeoutMs} ms`)
}

/** How many rows of each table still belong to a customer (or are it), for the tables with any. */
async function rowsLeftOf(customerId: string) {
  const left: Record<string, number> = {}
  for (const table of ['customers', 'traits', ...ownedTables]) {
    const column = table === 'customers' ? 'id' : 'customer_id'
    const rows = await db().selectFrom(table).select(column).where(column, '=', customerId).execute()
    if (rows.length) left[table] = rows.length
  }
  return left
}

/** Two profiles, then one call naming both: merged. Returns both ids and the merge. */
async function mergedPair(writeKey: string, name: string) {
  await send(writeKey, [
    {
      type: 'identify',
      anonymousId: `${name}-device`,
      traits: { city: 'Paris' },
      messageId: `${name}-a1`,
      timestamp: at(1),
    },
    {
      type: 'track',
      anonymousId: `${name}-device`,
      event: 'Browsed',
      messageId: `${name}-a2`,
      timestamp: at(2),
    },
    {
      type: 'identify',
      userId: `${name}-user`,
      traits: { email: `${name}@example.com`, city: 'Lyon' },
      messageId: `${name}-b1`,
      timestamp: at(3),
    },
    { type: 'track', userId: `${name}-user`, event: 'Paid', messageId: `${name}-b2`, timestamp: at(4) },
  ])
  const device = (await lookup('anonymousId', `${name}-device`)).id as string
  const user = (await lookup('userId', `${name}-user`)).id as string
  await send(writeKey, [
    {
      type: 'identify',
      anonymousId: `${name}-device`,
      traits: { email: `${name}@example.com` },
      messageId: `${name}-join`,
      timestamp: at(5),
    },
  ])
  const survivor = (await lookup('anonymousId', `${name}-device`)).id as string
  const [merge] = (await context.owner.get(`/api/v1/customers/${survivor}/merges`)).body.merges
  expect(merge).toMatchObject({ undoneAt: null })
  return { device, user, survivor, merge: merge as { id: string; survivorId: string; mergedId: string } }
}

describe('erase and unmerge take the workspace lock', () => {
  // PostgreSQL only: the embedded database has one connection, which the holder would keep.
  test.skipIf(!testDatabaseUrl())(
    'two unmerges of one merge at once: one undoes it, the other gets a 409',
    async () => {
      const { writeKey } = await httpSource(context.owner, 'Twice')
      const { survivor, merge } = await mergedPair(writeKey, 'twice')
      // Held here: the lock of the workspace, and the merge's row (an unmerge that does not check the
      // merge under the lock reads it first and waits only when it marks it undone).
      const holder = await holdWorkspace(async (trx) => {
        await sql`select 1 from merges where id = ${merge.id} for update`.execute(trx)
      })
      const undo = () => context.owner.post(`/api/v1/customers/${survivor}/merges/${merge.id}/undo`)
      const answers = Promise.all([undo(), undo()])
      await waitersOf(holder.pid, 2)
      holder.release()
      await holder.done
      const statuses = (await answers).map((a) => a.status).sort()
      expect(statuses).toEqual([200, 409])
      const refused = (await answers).find((a) => a.status === 409)!
      expect(refused.body.detail).toBe('this merge was already undone')
      expect((await context.owner.get('/api/v1/audit-log?action=customer.unmerged')).body.items).toHaveLength(
        1,
      )
    },
  )

  // PostgreSQL only: the embedded database has one connection, which the holder would keep.
  test.skipIf(!testDatabaseUrl())(
    'an erase waits for a batch applying; nothing the batch wrote is left pointing at the erased customer',
    async () => {
      const { writeKey } = await httpSource(context.owner, 'Race')
      await send(writeKey, [
        {
          type: 'identify',
          userId: 'racer',
          traits: { name: 'Racer' },
          messageId: 'race-1',
          timestamp: at(1),
        },
      ])
      const racer = (await lookup('userId', 'racer')).id as string
      const workspaceId = await workspace()
      // A batch in flight: it holds the workspace's lock, as the processor does, and writes an event.
      const holder = await holdWorkspace(async (trx) => {
        const envelope = {
          type: 'track',
          messageId: 'race-2',
          identifiers: [{ type: 'userId', value: 'racer' }],
          occurredAt: at(2),
          event: 'Raced',
          properties: {},
        } as Envelope
        await applyBatch(
          trx as any,
          workspaceId,
          [{ id: '0', sourceId: null, envelope }],
          await ingestionSettings(trx, workspaceId),
        )
      })
      const erased = context.owner.delete(`/api/v1/customers/${racer}`)
      await waitersOf(holder.pid, 1)
      holder.release()
      await holder.done
      expect((await erased).status).toBe(200)
      expect(await rowsLeftOf(racer)).toEqual({})
    },
  )
})

/** Uploads a CSV to a new import source and waits for its run to end. */
async function importCsv(csv: string, options: object) {
  const source = (await context.owner.post('/api/v1/sources', { pluginId: 'import-csv', name: 'Sheet' })).body
  const answer = await context.owner.uploadCsv(source.id, csv, options)
  expect(answer.status).toBe(202)
  return runToEnd(context.owner, answer.body.id)
}

/** The rows of a table whose text holds any of `needles` and none of `except` (without case). */
async function rowsMentioning(table: string, needles: string[], except: string[] = []) {
  const { rows } = await sql<{ row: string }>`select t::text as row from ${sql.table(table)} t
    where exists (select 1 from unnest(${needles}::text[]) n where strpos(lower(t::text), lower(n)) > 0)
      and not exists (select 1 from unnest(${except}::text[]) n where strpos(lower(t::text), lower(n)) > 0)`.execute(
    db(),
  )
  return rows.map((r) => r.row)
}

describe('erase', () => {
  // PostgreSQL only: the embedded database has one connection, which the holder would keep.
  test.skipIf(!testDatabaseUrl())(
    'a processor that took their pending envelopes and waits for the lock the erase holds: no deadlock, nothing left',
    async () => {
      const { writeKey } = await httpSource(context.owner, 'Taken')
      await send(writeKey, [
        {
          type: 'identify',
          userId: 'taken',
          traits: { name: 'Taken' },
          messageId: 'taken-1',
          timestamp: at(1),
        },
      ])
      const taken = (await lookup('userId', 'taken')).id as string
      await send(
        writeKey,
        [{ type: 'track', userId: 'taken', event: 'Later', messageId: 'taken-2', timestamp: at(2) }],
        false,
      )
      // The erase queues for the lock first, then a processor takes the pending envelope and queues
      // too; PostgreSQL looks for a deadlock once per wait, after a second: the processor's look finds
      // none while this test still holds the lock, so the erase is the one that meets the deadlock.
      const holder = await holdWorkspace()
      const erased = context.owner.delete(`/api/v1/customers/${taken}`)
      await waitersOf(holder.pid, 1)
      const processed = drain()
      await waitersOf(holder.pid, 2)
      await new Promise((resolve) => setTimeout(resolve, 1500))
      holder.release()
      await holder.done
      // It gave way to the processor, which applied the envelope it held; then it erased that too.
      expect((await erased).body).toMatchObject({ customers: 1, events: 2, inbox: 2 })
      await processed
      expect(await rowsLeftOf(taken)).toEqual({})
      expect(
        await db().selectFrom('inbox').select('id').where('message_id', 'like', 'taken-%').execute(),
      ).toEqual([])
    },
  )

  test('leaves nothing about the person in any table, and keeps the envelopes of someone sharing their e-mail', async () => {
    const site = await httpSource(context.owner, 'Gone site')
    const billing = await httpSource(context.owner, 'Gone billing')
    const workspaceId = await workspace()
    const ingestion = context.server.app.get(IngestionService)
    const invoice = (messageId: string, status: string, identifiers: object[]) => ({
      type: 'record',
      messageId,
      identifiers,
      occurredAt: at(20),
      action: 'upsert',
      object: { type: 'invoice', externalId: 'INV-GONE-1', status, amount: 50, currency: 'EUR' },
    })
    const email = [{ type: 'email', value: 'gone@example.com' }]

    await send(site.writeKey, [
      {
        type: 'identify',
        userId: 'gone-user',
        // An identifier that is also a word of other people's conflict reasons ("belongs to profile").
        anonymousId: 'profile',
        traits: { email: 'gone@example.com', phone: '+33 6 12 34 56 78', name: 'Gone Person' },
        messageId: 'gone-1',
        timestamp: at(10),
      },
      { type: 'track', userId: 'gone-user', event: 'Complained', messageId: 'gone-2', timestamp: at(11) },
    ])
    const gone = (await lookup('userId', 'gone-user')).id as string
    await ingest(billing.id, [invoice('gone-inv-1', 'open', email)])
    await ingest(billing.id, [
      // An update naming nobody: it finds the invoice by its id, and its inbox row has no identity key.
      invoice('gone-inv-2', 'paid', []),
      {
        type: 'feedback',
        messageId: 'gone-fb',
        identifiers: email,
        occurredAt: at(21),
        metric: 'nps',
        score: 2,
        text: 'Gone Person is unhappy',
      },
    ])

    // A device profile of its own, then a call naming it and them: merged in.
    const mergeDevice = async (device: string, messageIds: [string, string], minute: number) => {
      const call = { type: 'identify', anonymousId: device, timestamp: at(minute) }
      await send(site.writeKey, [{ ...call, traits: { plan: device }, messageId: messageIds[0] }])
      const id = (await lookup('anonymousId', device)).id as string
      await send(site.writeKey, [{ ...call, userId: 'gone-user', messageId: messageIds[1] }])
      return id
    }
    // One split off again (the unmerge's audit entry names the identifier), one merged for good.
    await mergeDevice('split-device', ['split-d1', 'gone-d2'], 30)
    const split = (await context.owner.get(`/api/v1/customers/${gone}/merges`)).body.merges[0]
    expect(split.identifier.value).toMatch(/split-device|gone-user/)
    expect((await context.owner.post(`/api/v1/customers/${gone}/merges/${split.id}/undo`)).status).toBe(200)
    const device2 = await mergeDevice('gone-device-2', ['gone-d3', 'gone-d4'], 32)
    const tree = [gone, device2]

    // Someone else with the same e-mail: a conflict (a profile has one userId), on both profiles.
    await send(site.writeKey, [
      {
        type: 'identify',
        userId: 'stay-user',
        traits: { email: 'gone@example.com', name: 'Stay Person' },
        messageId: 'stay-1',
        timestamp: at(40),
      },
    ])
    const stay = (await lookup('userId', 'stay-user')).id as string
    // Two other people sharing an e-mail: their conflict is none of the erased person's business.
    for (const who of ['keep-a', 'keep-b']) {
      await send(site.writeKey, [
        {
          type: 'identify',
          userId: who,
          traits: { email: 'keep@example.com' },
          messageId: who,
          timestamp: at(41),
        },
      ])
    }
    expect((await context.owner.get(`/api/v1/customers/${gone}`)).body.openConflicts).toBe(1)

    // Dead letters: a call refused at the door (no identity keys) and one the database refused.
    const refused = await track(context.server.url, site.writeKey, 'track', {
      userId: 'gone-user',
      messageId: 'gone-bad',
      properties: { contact: 'Gone@Example.com' },
    })
    expect(refused.status).toBe(400)
    await track(context.server.url, site.writeKey, 'track', {
      userId: 'someone-else',
      messageId: 'other-bad',
      properties: { contact: 'other@example.com' },
    })
    await send(site.writeKey, [
      {
        type: 'track',
        userId: 'gone-user',
        event: 'Time travel',
        messageId: 'gone-poison',
        timestamp: '0000-01-01T00:00:00Z',
      },
    ])
    // A CSV import whose unreadable rows are kept raw in its run.
    const run = await importCsv('Email,Backup\n,gone@example.com\n,other@example.com\n', {
      kind: 'contacts',
      columns: { Email: { to: 'identifier', type: 'email' }, Backup: { to: 'trait', key: 'backup' } },
    })
    expect(JSON.stringify(run.details.failures)).toContain('gone@example.com')

    // Pending when the erase comes: theirs, an update of their invoice, and the other person's.
    await send(
      site.writeKey,
      [
        {
          type: 'track',
          userId: 'gone-user',
          event: 'Came back',
          messageId: 'gone-pending',
          timestamp: at(50),
        },
        {
          type: 'identify',
          userId: 'stay-user',
          traits: { email: 'gone@example.com' },
          messageId: 'stay-pending',
          timestamp: at(51),
        },
      ],
      false,
    )
    await ingestion.ingest(workspaceId, billing.id, [invoice('gone-inv-3', 'refunded', [])])

    const erased = await context.owner.delete(`/api/v1/customers/${gone}`)
    expect(erased.status).toBe(200)
    expect(erased.body).toMatchObject({ customers: 2, records: 1, feedback: 1, deadLetters: 2 })

    const person = [
      'gone@example.com',
      'gone-user',
      '33612345678',
      '+33 6 12 34 56 78',
      'Gone Person',
      'INV-GONE-1',
      'gone-device-2',
    ]
    for (const table of [
      'customers',
      'identities',
      'traits',
      'trait_observations',
      'records',
      'events',
      'feedback',
      'merges',
      'merge_conflicts',
      'kept_apart',
      'dead_letters',
      'audit_log',
      'sync_runs',
    ]) {
      // What the other person said about themselves (their e-mail trait, the same value) stays
      // theirs; the audit log names the erased ids (who was erased, by whom), nothing about them.
      const needles = table === 'audit_log' ? person : [...person, ...tree]
      expect(await rowsMentioning(table, needles, [stay]), table).toEqual([])
    }
    // The inbox keeps only the other person's envelopes that name the shared e-mail.
    const inbox = await db()
      .selectFrom('inbox')
      .select('message_id')
      .where('message_id', 'like', '%gone%')
      .execute()
    expect(inbox).toEqual([])
    expect((await rowsMentioning('inbox', person)).map((row) => row.match(/stay-\w+/)?.[0]).sort()).toEqual([
      'stay-1',
      'stay-pending',
    ])
    const unmerged = (await context.owner.get('/api/v1/audit-log?action=customer.unmerged')).body.items.find(
      (entry: { details: { mergeId: string } }) => entry.details.mergeId === split.id,
    )
    expect(unmerged.details.identifier).toBe('(erased)')
    expect(JSON.stringify((await context.owner.get('/api/v1/dead-letters')).body.items)).toContain(
      'other@example.com',
    )
    const failures = (await context.owner.get(`/api/v1/sync-runs/${run.id}`)).body.details.failures
    expect(failures).toHaveLength(2)
    expect(JSON.stringify(failures)).toContain('other@example.com')

    const keep = (await lookup('userId', 'keep-a')).id as string
    expect((await context.owner.get(`/api/v1/customers/${keep}/merges`)).body.conflicts).toHaveLength(1)
    // The other person's pending envelope is still theirs to apply.
    await drain()
    const stayEvents = (await context.owner.get(`/api/v1/customers/${stay}/timeline`)).body.items
    expect(stayEvents.map((e: { messageId: string }) => e.messageId)).toContain('stay-pending')
    expect((await rowsMentioning('customers', [...tree])).length).toBe(0)
  })
})

describe('erase, while the processor keeps their envelopes', () => {
  // PostgreSQL only: the embedded database has one connection, which the holder would keep.
  test.skipIf(!testDatabaseUrl())('answers 503 with Retry-After and erases nothing', async () => {
    const { writeKey } = await httpSource(context.owner, 'Busy site')
    await send(writeKey, [{ type: 'identify', userId: 'busy', messageId: 'busy-1', timestamp: at(1) }])
    const busy = (await lookup('userId', 'busy')).id as string
    await send(
      writeKey,
      [{ type: 'track', userId: 'busy', event: 'Again', messageId: 'busy-2', timestamp: at(2) }],
      false,
    )
    // A processor's batch holding the pending envelope for as long as the erase keeps trying.
    const released = signal()
    const holding = signal()
    const holder = db()
      .transaction()
      .execute(async (trx) => {
        await sql`select 1 from inbox_pending where id in (select id from inbox where message_id = 'busy-2')
          for update`.execute(trx)
        holding.done()
        await released.happened
      })
    await holding.happened
    const erased = await context.owner.delete(`/api/v1/customers/${busy}`).finally(released.done)
    await holder
    expect(erased.status).toBe(503)
    expect(erased.headers.get('retry-after')).toBe('5')
    expect((await lookup('userId', 'busy')).id).toBe(busy)
  })
})

describe('erase and refused calls', () => {
  test('a refused call holding their id as a string goes; one holding the same digits as a number stays', async () => {
    const { writeKey } = await httpSource(context.owner, 'Numbers site')
    await send(writeKey, [{ type: 'identify', userId: '4242', messageId: 'num-1', timestamp: at(1) }])
    const person = (await lookup('userId', '4242')).id as string
    // Both refused (a track needs its event name), so kept with no identity keys.
    const refused = await track(context.server.url, writeKey, 'batch', {
      batch: [
        { type: 'track', userId: '4242', messageId: 'num-theirs' },
        { type: 'track', userId: 'someone-else', properties: { total: 4242 }, messageId: 'num-other' },
      ],
    })
    expect(refused.status).toBe(400)
    expect((await context.owner.delete(`/api/v1/customers/${person}`)).status).toBe(200)
    const left = (await context.owner.get('/api/v1/dead-letters')).body.items.map(
      (d: { messageId: string }) => d.messageId,
    )
    expect(left).toContain('num-other')
    expect(left).not.toContain('num-theirs')
  })
})

describe('erase with suppression', () => {
  test('an envelope kept because it also names someone else does not bring the identifier back', async () => {
    const { writeKey } = await httpSource(context.owner, 'Suppressed site')
    await send(writeKey, [
      {
        type: 'identify',
        userId: 'sup-gone',
        traits: { email: 'sup@example.com' },
        messageId: 'sup-1',
        timestamp: at(1),
      },
      {
        type: 'identify',
        userId: 'sup-stay',
        traits: { name: 'Stays' },
        messageId: 'sup-2',
        timestamp: at(2),
      },
    ])
    const gone = (await lookup('userId', 'sup-gone')).id as string
    // Accepted before the erase, not yet applied: it names the erased e-mail and someone else.
    await send(
      writeKey,
      [
        {
          type: 'identify',
          userId: 'sup-stay',
          traits: { email: 'sup@example.com' },
          messageId: 'sup-pending',
          timestamp: at(3),
        },
      ],
      false,
    )
    const erased = await context.owner.delete(`/api/v1/customers/${gone}?suppress=true`)
    expect(erased.status).toBe(200)
    await drain()
    expect(
      (await context.owner.get('/api/v1/customers/lookup?type=email&value=sup@example.com')).status,
    ).toBe(404)
    const stay = (await lookup('userId', 'sup-stay')).id as string
    const profile = (await context.owner.get(`/api/v1/customers/${stay}`)).body
    expect(profile.identities.map((i: { type: string }) => i.type)).toEqual(['userId'])
  })
})

describe('unmerge', () => {
  test('sticks: a later call naming both sides records a conflict instead of merging them again', async () => {
    const { writeKey, device, user } = await unmergedPair('Stick', 'stick')
    await send(writeKey, [
      {
        type: 'identify',
        anonymousId: 'stick-device',
        traits: { email: 'stick@example.com' },
        messageId: 'stick-again',
        timestamp: at(6),
      },
    ])
    expect((await lookup('anonymousId', 'stick-device')).id).toBe(device)
    expect((await lookup('userId', 'stick-user')).id).toBe(user)
    const history = (await context.owner.get(`/api/v1/customers/${device}/merges`)).body
    expect(history.merges.map((m: { undoneAt: string | null }) => m.undoneAt)).toEqual([expect.any(String)])
    expect(history.conflicts).toHaveLength(1)
    expect(history.conflicts[0]).toMatchObject({
      messageId: 'stick-again',
      customerIds: expect.arrayContaining([device, user]),
    })
    expect(history.conflicts[0].reason).toContain('an unmerge split it')
  })

  test('sticks also once one side was merged into a third profile', async () => {
    const { writeKey, device, user } = await unmergedPair('Stick third', 'third')
    await send(writeKey, [
      // A third profile, which the device then joins through an e-mail of its own.
      {
        type: 'identify',
        anonymousId: 'third-other',
        traits: { email: 'third-other@example.com' },
        messageId: 'third-c1',
        timestamp: at(6),
      },
      {
        type: 'identify',
        anonymousId: 'third-device',
        traits: { email: 'third-other@example.com' },
        messageId: 'third-c2',
        timestamp: at(7),
      },
    ])
    const third = (await lookup('anonymousId', 'third-other')).id as string
    expect((await lookup('anonymousId', 'third-device')).id).toBe(third)
    expect(third).not.toBe(user)
    // Naming the user and the device again: the device is part of the third profile now, which
    // stays apart from the user for it.
    await send(writeKey, [
      {
        type: 'identify',
        userId: 'third-user',
        anonymousId: 'third-device',
        messageId: 'third-again',
        timestamp: at(8),
      },
    ])
    expect((await lookup('anonymousId', 'third-device')).id).toBe(third)
    expect((await lookup('userId', 'third-user')).id).toBe(user)
    const history = (await context.owner.get(`/api/v1/customers/${user}/merges`)).body
    const again = history.conflicts.find((c: { messageId: string }) => c.messageId === 'third-again')
    expect(again.reason).toContain(`an unmerge split it from profile`)
    expect(device).not.toBe(third)
  })

  test('after later events: each side takes back what came through its own identifiers since the merge', async () => {
    const { writeKey, id: sourceId } = await httpSource(context.owner, 'Later')
    const { device, user, survivor, merge } = await mergedPair(writeKey, 'later')
    // While merged: calls through each side's identifiers, and a record through the user's e-mail.
    await send(writeKey, [
      {
        type: 'track',
        anonymousId: 'later-device',
        event: 'Device again',
        messageId: 'later-a3',
        timestamp: at(6),
      },
      {
        type: 'identify',
        anonymousId: 'later-device',
        traits: { plan: 'device plan', phone: '+1 555 0100' },
        messageId: 'later-a4',
        timestamp: at(7),
      },
      { type: 'track', userId: 'later-user', event: 'User again', messageId: 'later-b3', timestamp: at(8) },
      {
        type: 'identify',
        userId: 'later-user',
        traits: { plan: 'user plan' },
        messageId: 'later-b4',
        timestamp: at(9),
      },
    ])
    await ingest(sourceId, [
      {
        type: 'record',
        messageId: 'later-b5',
        identifiers: [{ type: 'email', value: 'later@example.com' }],
        occurredAt: at(10),
        action: 'upsert',
        object: { type: 'order', externalId: 'ORDER-LATER', status: 'paid', amount: 20, currency: 'EUR' },
      },
    ])
    const together = (await context.owner.get(`/api/v1/customers/${survivor}`)).body
    expect(together.traits.find((t: { key: string }) => t.key === 'plan')).toBeDefined()
    expect(together.records.counts).toEqual({ order: 1 })

    expect((await context.owner.post(`/api/v1/customers/${survivor}/merges/${merge.id}/undo`)).status).toBe(
      200,
    )
    const side = async (id: string) => {
      const profile = (await context.owner.get(`/api/v1/customers/${id}`)).body
      const timeline = (await context.owner.get(`/api/v1/customers/${id}/timeline`)).body.items
      return {
        resolvedFrom: profile.resolvedFrom,
        identities: profile.identities
          .map((i: { type: string; value: string }) => `${i.type}:${i.value}`)
          .sort(),
        traits: Object.fromEntries(
          profile.traits
            .filter((t: { key: string }) => ['city', 'plan'].includes(t.key))
            .map((t: { key: string; value: unknown }) => [t.key, t.value]),
        ),
        records: profile.records.counts,
        timeline: timeline.map((e: { messageId: string }) => e.messageId).sort(),
      }
    }
    expect(await side(device)).toEqual({
      resolvedFrom: null,
      identities: ['anonymousId:later-device', 'phone:+15550100'],
      traits: { city: 'Paris', plan: 'device plan' },
      records: {},
      timeline: ['later-a1', 'later-a2', 'later-a3', 'later-a4'],
    })
    expect(await side(user)).toEqual({
      resolvedFrom: null,
      identities: ['email:later@example.com', 'userId:later-user'],
      traits: { city: 'Lyon', plan: 'user plan' },
      records: { order: 1 },
      // The call that joined them was matched by the e-mail (the stronger identifier): the user's.
      timeline: ['later-b1', 'later-b2', 'later-b3', 'later-b4', 'later-b5', 'later-join'],
    })
  })
})
