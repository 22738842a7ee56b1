import type { ListenerView, SourceView, SyncRunView } from '@rapport/api-client'
import type { Db } from '../database/database.js'
import { beforeCursor, decodeCursor, toPage } from '../http/pagination.js'

export type SourceRow = Awaited<ReturnType<typeof findSource>> & {}

const iso = (d: Date | null) => (d ? d.toISOString() : null)

export async function findSource(db: Db, workspaceId: string, sourceId: string) {
  return db
    .selectFrom('sources')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', sourceId)
    .executeTakeFirst()
}

export async function listSources(db: Db, workspaceId: string) {
  return db
    .selectFrom('sources')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at')
    .execute()
}

export async function findSourceByWriteKeyHash(db: Db, hash: string) {
  return db.selectFrom('sources').selectAll().where('write_key_hash', '=', hash).executeTakeFirst()
}

/** Any workspace's source by id: webhooks arrive without a session, the id names the workspace. */
export async function findSourceById(db: Db, sourceId: string) {
  return db.selectFrom('sources').selectAll().where('id', '=', sourceId).executeTakeFirst()
}

export async function lastRuns(db: Db, sourceIds: string[]): Promise<Map<string, SyncRunView>> {
  if (!sourceIds.length) return new Map()
  const rows = await db
    .selectFrom('sync_runs')
    .selectAll()
    .distinctOn('source_id')
    .where('source_id', 'in', sourceIds)
    .orderBy('source_id')
    .orderBy('started_at', 'desc')
    .execute()
  return new Map(rows.map((r) => [r.source_id, toSyncRunView(r)]))
}

type SyncRunRow = {
  id: string
  source_id: string
  trigger: 'manual' | 'schedule' | 'upload'
  status: 'running' | 'succeeded' | 'failed'
  started_at: Date
  finished_at: Date | null
  envelopes: number
  batches: number
  failed: number
  progress: number | null
  error: string | null
  error_kind: string | null
  details: unknown
}

export function toSyncRunView(row: SyncRunRow): SyncRunView {
  // The processor's counts live in details.processed; they are shown as a field of their own.
  const { processed, ...details } = (row.details ?? {}) as Record<string, unknown>
  return {
    id: row.id,
    sourceId: row.source_id,
    trigger: row.trigger,
    status: row.status,
    startedAt: row.started_at.toISOString(),
    finishedAt: iso(row.finished_at),
    envelopes: row.envelopes,
    batches: row.batches,
    failed: row.failed,
    progress: row.progress,
    error: row.error,
    errorKind: row.error_kind,
    processed: processedOf(processed),
    details,
  }
}

function processedOf(value: unknown): SyncRunView['processed'] {
  const counts = (typeof value === 'object' && value ? value : {}) as Record<string, unknown>
  const count = (key: string) => {
    const n = counts[key]
    return typeof n === 'number' ? n : 0
  }
  return {
    created: count('created'),
    updated: count('updated'),
    merged: count('merged'),
    skipped: count('skipped'),
    deadLettered: count('deadLettered'),
  }
}

export function toSourceView(
  row: NonNullable<SourceRow>,
  secretsSet: string[],
  hasWebhook: boolean,
  lastRun: SyncRunView | undefined,
  listener: ListenerView | null,
  trackingPort: number | undefined,
): SourceView {
  return {
    id: row.id,
    pluginId: row.plugin_id,
    name: row.name,
    config: (row.config ?? {}) as Record<string, unknown>,
    secretsSet,
    enabled: row.enabled,
    scheduleMinutes: row.schedule_minutes,
    nextSyncAt: iso(row.next_sync_at),
    webhookPath: hasWebhook ? `/hooks/${row.id}` : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    lastRun: lastRun ?? null,
    listener,
    trackingPort: row.write_key_hash && trackingPort !== undefined ? trackingPort : null,
  }
}

export async function listRuns(
  db: Db,
  workspaceId: string,
  sourceId: string,
  page: { cursor?: string | undefined; limit: number },
) {
  let q = db
    .selectFrom('sync_runs')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('source_id', '=', sourceId)
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
  const cursor = decodeCursor(page.cursor, 'uuid')
  if (cursor) q = q.where(beforeCursor(cursor, 'started_at', 'id'))
  const rows = await q.execute()
  return toPage(rows.map(toSyncRunView), page.limit, (last) => [last.startedAt, last.id])
}

export async function findRun(db: Db, workspaceId: string, runId: string) {
  return db
    .selectFrom('sync_runs')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', runId)
    .executeTakeFirst()
}
