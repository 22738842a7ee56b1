import { sql } from 'kysely'
import { anyOf, arrayOf } from '../database/bulk-insert.js'
import type { Db } from '../database/database.js'
import type { EnvelopeOutcome } from './apply-batch.js'

/** What a sync run's summary counts once its envelopes are processed (dead letters included). */
export type RunOutcome = EnvelopeOutcome | 'deadLettered'

/**
 * Adds what processing made of inbox rows to the runs that delivered them, in the caller's
 * transaction (so a replayed batch counts once). A row belongs to the run of its source that was
 * under way when the row was received; both times come from the database's clock.
 */
export async function countRunOutcomes(
  db: Db,
  items: { sourceId: string | null; receivedAt: Date; outcome: RunOutcome }[],
): Promise<void> {
  // Counted per (source, time received, outcome) here: a batch of thousands becomes a few rows.
  const groups = new Map<string, { sourceId: string; receivedAt: Date; outcome: RunOutcome; n: number }>()
  for (const { sourceId, receivedAt, outcome } of items) {
    if (!sourceId) continue
    const key = `${sourceId}|${receivedAt.getTime()}|${outcome}`
    const group = groups.get(key)
    if (group) group.n++
    else groups.set(key, { sourceId, receivedAt, outcome, n: 1 })
  }
  if (!groups.size) return
  const counted = [...groups.values()]
  const sources = [...new Set(counted.map((group) => group.sourceId))]
  const column = (
    pick: (group: (typeof counted)[number]) => unknown,
    type: 'uuid' | 'timestamptz' | 'text' | 'int',
  ) => arrayOf(counted.map(pick), type)
  await sql`with runs as (
      select id, source_id, started_at, finished_at from sync_runs where source_id = ${anyOf(sources, 'uuid')}
    ), counted as (
      select r.id, x.outcome, sum(x.n)::int as n
      from unnest(
          ${column((g) => g.sourceId, 'uuid')},
          ${column((g) => g.receivedAt, 'timestamptz')},
          ${column((g) => g.outcome, 'text')},
          ${column((g) => g.n, 'int')}
        ) as x(source_id, received_at, outcome, n)
      join runs r on r.source_id = x.source_id and r.started_at <= x.received_at
        and (r.finished_at is null or x.received_at <= r.finished_at)
      group by r.id, x.outcome
    ), added as (
      select id, jsonb_object_agg(outcome, n) as counts from counted group by id
    )
    update sync_runs r set details = jsonb_set(r.details, '{processed}', (
        select jsonb_object_agg(k, coalesce((r.details #>> array['processed', k])::int, 0) + coalesce((a.counts ->> k)::int, 0))
        from jsonb_object_keys(coalesce(r.details -> 'processed', '{}'::jsonb) || a.counts) as k
      ))
    from added a where r.id = a.id`.execute(db)
}
