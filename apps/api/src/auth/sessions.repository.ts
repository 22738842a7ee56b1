import type { Role } from '@rapport/domain'
import { sql } from 'kysely'
import type { Db } from '../database/database.js'

export interface SessionRow {
  sessionId: string
  userId: string
  email: string
  workspaceId: string
  role: Role
  csrfToken: string
  expiresAt: Date
  lastSeenAt: Date
}

/** A live session whose user is still an active member of the session's workspace. */
export async function findLiveSession(db: Db, sessionId: string): Promise<SessionRow | undefined> {
  return db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('memberships as m', (join) =>
      join.onRef('m.user_id', '=', 's.user_id').onRef('m.workspace_id', '=', 's.workspace_id'),
    )
    .where('s.id', '=', sessionId)
    .where('s.expires_at', '>', sql<Date>`now()`)
    .where('m.active', '=', true)
    .select([
      's.id as sessionId',
      's.user_id as userId',
      'u.email as email',
      's.workspace_id as workspaceId',
      'm.role as role',
      's.csrf_token as csrfToken',
      's.expires_at as expiresAt',
      's.last_seen_at as lastSeenAt',
    ])
    .executeTakeFirst()
}

export async function insertSession(
  db: Db,
  session: {
    id: string
    userId: string
    workspaceId: string
    csrfToken: string
    ip: string
    userAgent: string | null
    expiresAt: Date
  },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: session.id,
      user_id: session.userId,
      workspace_id: session.workspaceId,
      csrf_token: session.csrfToken,
      ip: session.ip,
      user_agent: session.userAgent,
      expires_at: session.expiresAt,
      last_seen_at: new Date(),
    })
    .execute()
}

export async function extendSession(db: Db, sessionId: string, expiresAt: Date): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ expires_at: expiresAt, last_seen_at: new Date() })
    .where('id', '=', sessionId)
    .execute()
}

export async function moveSession(db: Db, sessionId: string, workspaceId: string): Promise<void> {
  await db.updateTable('sessions').set({ workspace_id: workspaceId }).where('id', '=', sessionId).execute()
}

export async function deleteSession(db: Db, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute()
}

/** Ends a user's sessions in one workspace (deactivated) or everywhere (password changed), but one. */
export async function deleteUserSessions(
  db: Db,
  userId: string,
  scope: { workspaceId?: string; exceptSessionId?: string },
): Promise<void> {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId)
  if (scope.workspaceId) q = q.where('workspace_id', '=', scope.workspaceId)
  if (scope.exceptSessionId) q = q.where('id', '!=', scope.exceptSessionId)
  await q.execute()
}

export async function deleteExpiredSessions(db: Db): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', sql<Date>`now()`).execute()
}
