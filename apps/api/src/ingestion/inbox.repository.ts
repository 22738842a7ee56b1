import { createHash } from 'node:crypto'
import { type IdentitySettings, identityKey, usableIdentifiers } from '@rapport/domain'
import type { Envelope } from '@rapport/plugin-sdk'
import { sql } from 'kysely'
import { bulkInsert } from '../database/bulk-insert.js'
import type { Db } from '../database/database.js'

/** Workers share the inbox by partition; one customer's events always land in the same one. */
export const inboxPartitions = 16

export interface AppendResult {
  accepted: number
  duplicates: number
  suppressed: number
}

export function hashIdentityKey(key: string): string {
  return createHash('sha256').update(key).digest('hex')
}

/**
 * FNV-1a over the workspace and the key: stable, well spread, and far cheaper per envelope than a
 * cryptographic hash (nothing here needs one). Rows keep the partition they were written with.
 */
export function partitionOf(workspaceId: string, key: string): number {
  let hash = 0x811c9dc5
  const text = `${workspaceId}|${key}`
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0) % inboxPartitions
}

/** A row to append; its workspace is given once for all the rows of a statement. */
export interface InboxRow {
  message_id: string
  source_id: string | null
  partition: number
  envelope: Envelope
  identity_keys: string[]
}

/** The rows to append: identity keys and partition computed, suppressed people dropped. */
export async function inboxRows(
  db: Db,
  workspaceId: string,
  sourceId: string | null,
  envelopes: Envelope[],
  identity: IdentitySettings,
  checkSuppressions = true,
): Promise<{ rows: InboxRow[]; suppressed: number }> {
  const keyed = envelopes.map((envelope) => ({
    envelope,
    keys: usableIdentifiers(envelope.identifiers, identity).map(identityKey),
  }))
  const suppressed = await suppressedHashes(
    checkSuppressions,
    db,
    workspaceId,
    keyed.flatMap((k) => k.keys),
  )
  const kept = suppressed.size
    ? keyed.filter((k) => !k.keys.some((key) => suppressed.has(hashIdentityKey(key))))
    : keyed
  const rows = kept.map(({ envelope, keys }) => ({
    message_id: envelope.messageId,
    source_id: sourceId,
    partition: partitionOf(workspaceId, keys[0] ?? envelope.messageId),
    envelope,
    identity_keys: keys,
  }))
  return { rows, suppressed: envelopes.length - kept.length }
}

/**
 * One statement for any number of one workspace's rows; answers which messageIds were new. The
 * workspace is one parameter rather than a column of every row (a few percent less PostgreSQL time
 * per append in the ingestion benchmark).
 */
export async function insertInboxRows(db: Db, workspaceId: string, rows: InboxRow[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set()
  const insert = bulkInsert(
    'inbox',
    {
      workspace_id: 'uuid',
      message_id: 'text',
      source_id: 'uuid',
      partition: 'smallint',
      envelope: 'json',
      identity_keys: 'text[]',
    },
    rows,
    { workspace_id: workspaceId },
  )
  // A new envelope is pending from the same statement that appends it.
  const { rows: inserted } = await sql<{ message_id: string }>`with appended as (${insert}
      on conflict (workspace_id, message_id) do nothing returning id, partition, message_id
    ), pending as (
      insert into inbox_pending (partition, id) select partition, id from appended
    )
    select message_id from appended`.execute(db)
  return new Set(inserted.map((r) => r.message_id))
}

/**
 * Appends validated envelopes in one statement, deduplicated on (workspace, messageId). Envelopes
 * naming an erased and suppressed person are dropped here. The caller answers (HTTP 200, checkpoint)
 * only after this commits.
 */
export async function appendToInbox(
  db: Db,
  workspaceId: string,
  sourceId: string | null,
  envelopes: Envelope[],
  identity: IdentitySettings,
  checkSuppressions = true,
): Promise<AppendResult> {
  const { rows, suppressed } = await inboxRows(
    db,
    workspaceId,
    sourceId,
    envelopes,
    identity,
    checkSuppressions,
  )
  const inserted = await insertInboxRows(db, workspaceId, rows)
  return { accepted: inserted.size, duplicates: rows.length - inserted.size, suppressed }
}

/** Which of these identity keys' hashes are suppressed (an erased person's, refused from then on). */
export async function suppressedHashes(
  check: boolean,
  db: Db,
  workspaceId: string,
  keys: string[],
): Promise<Set<string>> {
  if (!check || keys.length === 0) return new Set()
  const rows = await db
    .selectFrom('suppressions')
    .select('identity_hash')
    .where('workspace_id', '=', workspaceId)
    .where('identity_hash', 'in', [...new Set(keys)].map(hashIdentityKey))
    .execute()
  return new Set(rows.map((r) => r.identity_hash))
}

/**
 * Processed envelopes are kept for the dedupe window after they were received (a resend within it
 * is recognised by its messageId), then deleted, as are the throughput counts of that age. Pending
 * ones are never pruned.
 */
export async function pruneInbox(db: Db, retentionDays: number): Promise<number> {
  const before = new Date(Date.now() - retentionDays * 86_400_000)
  const result = await sql`delete from inbox i where i.received_at < ${before}
    and not exists (select 1 from inbox_pending p where p.partition = i.partition and p.id = i.id)`.execute(
    db,
  )
  await db.deleteFrom('processed_batches').where('processed_at', '<', before).execute()
  return Number(result.numAffectedRows ?? 0)
}
