import type { AuditEntryView } from '@rapport/api-client'
import type { Origin, Principal } from '../auth/principal.js'
import { actorLabel } from '../auth/principal.js'
import type { Db } from '../database/database.js'

export interface AuditEvent {
  action: string
  targetType: string
  targetId: string | null
  details?: Record<string, unknown>
}

/** Records an administrative change, in the same transaction as the change itself. */
export async function recordAudit(
  db: Db,
  workspaceId: string,
  actor: Principal | { kind: 'system'; label: string },
  origin: Origin | null,
  event: AuditEvent,
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      workspace_id: workspaceId,
      actor_user_id: actor.kind === 'system' ? null : actor.userId,
      actor_token_id: actor.kind === 'token' ? actor.tokenId : null,
      actor_label: actor.kind === 'system' ? actor.label : actorLabel(actor),
      action: event.action,
      target_type: event.targetType,
      target_id: event.targetId,
      details: JSON.stringify(event.details ?? {}),
      ip: origin?.ip ?? null,
      user_agent: origin?.userAgent ?? null,
    })
    .execute()
}

export async function listAudit(
  db: Db,
  workspaceId: string,
  query: { cursor?: string | undefined; limit: number; action?: string | undefined },
): Promise<{ items: AuditEntryView[]; nextCursor: string | null }> {
  let q = db
    .selectFrom('audit_log')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
  if (query.cursor && /^\d+$/.test(query.cursor)) q = q.where('id', '<', query.cursor)
  if (query.action) q = q.where('action', '=', query.action)
  const rows = await q.execute()
  const page = rows.slice(0, query.limit)
  return {
    items: page.map((row) => ({
      id: String(row.id),
      actor: {
        type: row.actor_token_id ? 'token' : row.actor_user_id ? 'user' : 'system',
        id: row.actor_token_id ?? row.actor_user_id,
        label: row.actor_label,
      },
      action: row.action,
      targetType: row.target_type,
      targetId: row.target_id,
      details: (row.details ?? {}) as Record<string, unknown>,
      ip: row.ip,
      userAgent: row.user_agent,
      createdAt: row.created_at.toISOString(),
    })),
    nextCursor: rows.length > query.limit ? String(page.at(-1)?.id) : null,
  }
}
