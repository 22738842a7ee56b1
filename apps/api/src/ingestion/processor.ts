import type { Database } from '@rapport/db'
import type { Envelope } from '@rapport/plugin-sdk'
import { type Kysely, sql } from 'kysely'
import type { Logger } from 'pino'
import { anyOf } from '../database/bulk-insert.js'
import { applyBatch, type InboxItem } from './apply-batch.js'
import { inboxPartitions } from './inbox.repository.js'
import { countRunOutcomes } from './run-outcomes.repository.js'
import { lockWorkspace } from './workspace-lock.js'
import { ingestionSettings } from './workspace-settings.repository.js'

export const maxAttempts = 3
/**
 * A partition's lock is two keys: the schema's, then the partition. Advisory locks belong to the whole
 * database, and two installations (or two test files) in schemas of one database have inboxes of
 * their own: with one key, a worker of one skipped the partitions the other's held.
 */
const partitionLockClass = sql`hashtext('rapport inbox ' || current_schema())`
/** Above every inbox id (a bigserial): no partition caps the batch. */
const maxId = '9223372036854775807'

interface ClaimedRow {
  id: string
  partition: number
  workspace_id: string
  source_id: string | null
  envelope: unknown
  attempts: number
  received_at: Date
}

/** What the rest of the server needs of the processor, on this thread or on its own. */
export interface Processor {
  start(): void
  stop(): Promise<void>
  wake(): void
  settled(): Promise<void>
}

/**
 * Drains the inbox partition by partition. A partition is held by one worker at a time (advisory
 * lock) and read in id order, so one customer's events apply in the order they arrived. A batch that
 * fails is retried envelope by envelope; an envelope that keeps failing goes to the dead letters.
 */
export class InboxProcessor implements Processor {
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined
  private again = false
  private stopped = false
  private started = false

  constructor(
    private readonly db: Kysely<Database>,
    private readonly logger: Logger,
    private readonly batchSize = 2000,
  ) {}

  /** Polls as a safety net; `wake()` after each intake makes processing near real time. */
  start(pollMs = 1000): void {
    this.started = true
    this.timer = setInterval(() => this.wake(), pollMs)
    this.timer.unref()
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearInterval(this.timer)
    await this.running
  }

  /** Only a started processor works in the background; an API-only process leaves the inbox to workers. */
  wake(): void {
    if (this.stopped || !this.started) return
    if (this.running) {
      this.again = true
      return
    }
    this.running = this.drain()
      .then(() => undefined)
      .catch((error) => this.logger.error({ err: error }, 'inbox processing failed'))
      .finally(() => {
        this.running = undefined
        if (this.again) {
          this.again = false
          this.wake()
        }
      })
  }

  /**
   * Resolves once nothing is pending, whoever processes it (this call, the background loop or
   * another process): for tests, benchmarks and shutdown.
   */
  async settled(): Promise<void> {
    for (;;) {
      await this.running
      await this.drain()
      const pending = await sql<{
        any: boolean
      }>`select exists (select 1 from inbox_pending) as any`.execute(this.db)
      if (!pending.rows[0]?.any) return
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  /** Processes until nothing is pending that this worker can claim; returns how many it handled. */
  async drain(): Promise<number> {
    let handled = 0
    for (;;) {
      if (this.stopped) return handled
      const progress = await this.processBatch()
      handled += progress
      if (progress === 0) return handled
    }
  }

  /**
   * One transaction: lock every partition with pending work that no other worker holds, then take
   * the oldest envelopes of those partitions. Rows stay in id order within each partition, which is
   * all that per-customer order needs, and batches stay large however the load is spread. Taking
   * them deletes their pending rows: if the transaction does not commit, they are pending again.
   */
  private async processBatch(): Promise<number> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        const rows = await this.claim(trx)
        if (!rows.length) return 0
        // The batch's commit need not wait for the disk: if the server crashes before its WAL is
        // flushed, the commit is lost as a whole, its envelopes are still pending in the (durable)
        // inbox, and the next run applies them again with the same result.
        await sql`set local synchronous_commit = off`.execute(trx)
        await this.apply(trx, rows)
        return rows.length
      })
    } catch (error) {
      this.logger.warn({ err: error }, 'inbox batch failed; retrying envelope by envelope')
      return this.processOneByOne()
    }
  }

  private async claim(trx: Kysely<Database>): Promise<ClaimedRow[]> {
    // One statement takes every pending partition no other worker holds (its lock lasts as long as
    // this transaction). Each partition is probed through its pending rows' key, never scanned, so
    // the cost of a claim does not grow with the backlog. The partitions with work are found first
    // (materialized): in one WHERE, the planner tried the lock on all sixteen before the probe, and
    // a worker held every partition, with or without work, so that others found nothing to take.
    const locked = await sql<{ partition: number }>`with pending as materialized (
        select p from generate_series(0, ${inboxPartitions - 1}) p
        where exists (select 1 from inbox_pending where partition = p)
      )
      select p as partition from pending where pg_try_advisory_xact_lock(${partitionLockClass}, p)`.execute(
      trx,
    )
    if (!locked.rows.length) return []
    const partitions = locked.rows.map((row) => row.partition)
    // The oldest ids of those partitions, read from each partition's own prefix in key order (a sort
    // of narrow ids, not of envelopes); then taken by deleting their pending rows, and the rows
    // themselves read. Each partition offers up to twice its even share of the batch, so that a
    // claim reads about two batches' worth of ids however long the backlog (it used to read all of a
    // 50,000 backlog), at the cost of smaller batches while one partition holds most of it.
    // Deleting is what takes a row: where another transaction (one retrying envelope by envelope)
    // holds it, the claim waits for it, then skips it if it is gone. (Locking every offered row
    // first, `for update skip locked`, wrote a lock on each: 50,000 to take 5,000 from a backlog of
    // 50,000.)
    const offered = Math.min(this.batchSize, Math.ceil((2 * this.batchSize) / partitions.length))
    // The batch is a prefix, by id, of everything pending in the partitions it holds: each partition
    // is asked for one row more than it offers, and one that has it caps the batch below that row,
    // which could be older than other partitions' offered ones. A person's calls can sit in two
    // partitions (the anonymous ones, and those after they identified, keyed by their userId): a
    // batch never applies the later ones before the earlier.
    //
    // Each taken row is deleted through its key. Left to itself the planner deletes through a hash
    // join over every pending row (it prices 5,000 index probes above one scan of the backlog), which
    // grows with the backlog: with 60,000 pending, the claim took half as long again. Only for this
    // statement; the rows come back in no order, and are put in id order here.
    await allowHashAndMergeJoins(trx, false)
    const rows = await sql<ClaimedRow>`with offered as (
        select x.partition, x.id from unnest(${sql.val(partitions)}::smallint[]) as p(n)
        cross join lateral (
          select partition, id from inbox_pending where partition = p.n order by id limit ${offered + 1}
        ) x
      ), oldest as (
        select partition, id from offered
        where id < coalesce((select min(next) from (select max(id) as next from offered
          group by partition having count(*) > ${offered}) capped), ${maxId})
        order by id limit ${this.batchSize}
      ), taken as (
        delete from inbox_pending q using oldest o where q.partition = o.partition and q.id = o.id
        returning q.id
      )
      select ${claimedColumns} from inbox i join taken using (id)`.execute(trx)
    await allowHashAndMergeJoins(trx, true)
    return rows.rows.sort(byId)
  }

  private async apply(trx: Kysely<Database>, rows: ClaimedRow[]): Promise<void> {
    const live = await liveSources(trx, rows)
    const byWorkspace = new Map<string, InboxItem[]>()
    for (const row of rows) {
      const items = byWorkspace.get(row.workspace_id) ?? []
      // A source deleted while its calls were in flight: they apply without a source.
      const sourceId = row.source_id && live.has(row.source_id) ? row.source_id : null
      items.push({ id: String(row.id), sourceId, envelope: row.envelope as Envelope })
      byWorkspace.set(row.workspace_id, items)
    }
    // Identity resolution reads then writes who owns which identifier: two batches of one workspace
    // applied at once (two workers, other partitions) could both create the same person. One
    // workspace's batches therefore apply one at a time, locked in a fixed order (no deadlock).
    for (const workspaceId of [...byWorkspace.keys()].sort()) {
      await lockWorkspace(trx, workspaceId)
    }
    const received = new Map(rows.map((row) => [String(row.id), row.received_at]))
    const outcomes: Parameters<typeof countRunOutcomes>[1] = []
    for (const [workspaceId, items] of byWorkspace) {
      const applied = await applyBatch(
        trx as any,
        workspaceId,
        items,
        await ingestionSettings(trx, workspaceId),
      )
      const refused = new Map(applied.refused.map((r) => [r.index, r.reason]))
      for (const [index, item] of items.entries()) {
        outcomes.push({
          sourceId: item.sourceId,
          receivedAt: received.get(item.id)!,
          outcome: refused.has(index) ? 'deadLettered' : (applied.outcomes[index] ?? 'skipped'),
        })
      }
      await deadLetterRefused(
        trx,
        workspaceId,
        [...refused].map(([index, reason]) => ({ id: items[index]!.id, reason })),
      )
    }
    // Runs (a CSV import, a sync) learn what became of what they delivered: new, updated, merged.
    await countRunOutcomes(trx, outcomes)
    await countProcessed(
      trx,
      [...byWorkspace].map(([workspaceId, items]) => [workspaceId, items.length]),
    )
  }

  private async processOneByOne(): Promise<number> {
    const pending = await this.db
      .selectFrom('inbox_pending')
      .select(['partition', 'id'])
      .orderBy('id')
      .limit(this.batchSize)
      .execute()
    for (const { partition, id } of pending) {
      try {
        await this.db.transaction().execute(async (trx) => {
          // Its partition first, as a batch takes it, but waiting for it: a worker applying a batch
          // of that partition may hold earlier envelopes of the same person, which must go first.
          await sql`select pg_advisory_xact_lock(${partitionLockClass}, ${partition})`.execute(trx)
          // Taken by deleting its pending row, as in a batch; gone if another worker took it.
          const rows = await sql<ClaimedRow>`with taken as (
              delete from inbox_pending where partition = ${partition} and id = ${id} returning id
            )
            select ${claimedColumns} from inbox i join taken using (id)`.execute(trx)
          if (rows.rows.length) await this.apply(trx, rows.rows)
        })
      } catch (error) {
        await this.recordFailure(id, error)
      }
    }
    return pending.length
  }

  private async recordFailure(id: string, error: unknown): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error)
    await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('inbox')
        .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: reason }))
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst()
      if (!row || row.attempts < maxAttempts) return
      const sourceId =
        row.source_id && (await liveSources(trx, [row])).has(row.source_id) ? row.source_id : null
      await trx
        .insertInto('dead_letters')
        .values({
          workspace_id: row.workspace_id,
          inbox_id: row.id,
          message_id: row.message_id,
          source_id: sourceId,
          envelope: JSON.stringify(row.envelope),
          identity_keys: row.identity_keys,
          reason,
          attempts: row.attempts,
        })
        .execute()
      await trx
        .deleteFrom('inbox_pending')
        .where('partition', '=', row.partition)
        .where('id', '=', id)
        .execute()
      await countRunOutcomes(trx, [{ sourceId, receivedAt: row.received_at, outcome: 'deadLettered' }])
      await countProcessed(trx, [[row.workspace_id, 1]])
      this.logger.error(
        { inboxId: id, messageId: row.message_id, workspaceId: row.workspace_id, reason },
        'envelope dead-lettered',
      )
    })
  }
}

export const PROCESSOR = Symbol('InboxProcessor')

/** Lets the planner use hash and merge joins, or only nested loops, for the rest of this transaction. */
const allowHashAndMergeJoins = (trx: Kysely<Database>, allowed: boolean) => {
  const setting = allowed ? 'on' : 'off'
  return sql`select set_config('enable_hashjoin', ${setting}, true), set_config('enable_mergejoin', ${setting}, true)`.execute(
    trx,
  )
}

/** Inbox ids (bigint, as text) in ascending order: a longer one is larger. */
const byId = (a: ClaimedRow, b: ClaimedRow) =>
  a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/** What the processor reads of a claimed inbox row (`i`). */
const claimedColumns = sql`i.id, i.partition, i.workspace_id, i.source_id, i.envelope, i.attempts, i.received_at`

/** How many envelopes a batch processed, per workspace: the ingestion health's throughput. */
async function countProcessed(trx: Kysely<Database>, counts: [workspaceId: string, envelopes: number][]) {
  await trx
    .insertInto('processed_batches')
    .values(counts.map(([workspace_id, envelopes]) => ({ workspace_id, envelopes })))
    .execute()
}

/**
 * Which of the batch's sources still exist, locked until the batch commits: the tables it writes
 * have no foreign key to sources, so this one lock stands for the per-row checks, and a source being
 * deleted waits for the batch, then clears what it wrote.
 */
async function liveSources(
  trx: Kysely<Database>,
  rows: { source_id: string | null }[],
): Promise<Set<string>> {
  const ids = [...new Set(rows.flatMap((row) => (row.source_id ? [row.source_id] : [])))]
  if (!ids.length) return new Set()
  const found = await trx
    .selectFrom('sources')
    .select('id')
    .where('id', '=', anyOf(ids, 'uuid'))
    .forKeyShare()
    .execute()
  return new Set(found.map((row) => row.id))
}

/**
 * Envelopes that can never apply (a record naming no customer): kept as dead letters with the
 * reason, in the batch's transaction, and no longer pending, as the rest of the batch.
 */
async function deadLetterRefused(
  trx: Kysely<Database>,
  workspaceId: string,
  refused: { id: string; reason: string }[],
): Promise<void> {
  for (const { id, reason } of refused) {
    await sql`insert into dead_letters (workspace_id, inbox_id, message_id, source_id, envelope, identity_keys, reason, attempts)
      select workspace_id, id, message_id, (select s.id from sources s where s.id = inbox.source_id),
        envelope::jsonb, identity_keys, ${reason}, attempts
      from inbox where workspace_id = ${workspaceId} and id = ${id}`.execute(trx)
  }
}
