import type { DeadLetterView } from '@rapport/api-client'
import type { Db } from '../database/database.js'

type Refused = { message: unknown; messageId: string | null; errors: { path: string; message: string }[] }

/** What a validation refused (by index into `inputs`), as recordRefused takes it. */
export const refusedInputs = (
  inputs: unknown[],
  invalid: { index: number; messageId: string | null; errors: Refused['errors'] }[],
): Refused[] => invalid.map((i) => ({ message: inputs[i.index], messageId: i.messageId, errors: i.errors }))

/** Calls refused as invalid are kept as dead letters too, so that they are visible and not lost. */
export async function recordRefused(
  db: Db,
  workspaceId: string,
  sourceId: string | null,
  refused: Refused[],
): Promise<void> {
  if (!refused.length) return
  await db
    .insertInto('dead_letters')
    .values(
      refused.map((r) => ({
        workspace_id: workspaceId,
        inbox_id: null,
        message_id: r.messageId ?? '(none)',
        source_id: sourceId,
        envelope: JSON.stringify(r.message ?? null),
        identity_keys: [],
        reason: `refused: ${r.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ')}`,
        attempts: 0,
      })),
    )
    .execute()
}

export async function listDeadLetters(
  db: Db,
  workspaceId: string,
  page: { cursor?: string | undefined; limit: number },
) {
  let q = db
    .selectFrom('dead_letters')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
  if (page.cursor && /^\d+$/.test(page.cursor)) q = q.where('id', '<', page.cursor)
  const rows = await q.execute()
  const items = rows.slice(0, page.limit).map(toDeadLetterView)
  return { items, nextCursor: rows.length > page.limit ? (items.at(-1)?.id ?? null) : null }
}

export async function findDeadLetter(db: Db, workspaceId: string, id: string) {
  if (!/^\d+$/.test(id)) return undefined
  return db
    .selectFrom('dead_letters')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst()
}

export function toDeadLetterView(row: {
  id: string
  inbox_id: string | null
  message_id: string
  source_id: string | null
  envelope: unknown
  reason: string
  attempts: number
  failed_at: Date
}): DeadLetterView {
  return {
    id: String(row.id),
    messageId: row.message_id,
    sourceId: row.source_id,
    envelope: (row.envelope ?? {}) as Record<string, unknown>,
    reason: row.reason,
    attempts: row.attempts,
    failedAt: row.failed_at.toISOString(),
    retryable: row.inbox_id !== null,
  }
}
