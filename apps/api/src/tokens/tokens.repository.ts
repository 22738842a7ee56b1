import type { TokenView } from '@rapport/api-client'
import type { TokenScope } from '@rapport/domain'
import { sql } from 'kysely'
import type { Db } from '../database/database.js'

function tokens(db: Db) {
  return db
    .selectFrom('api_tokens as t')
    .leftJoin('users as u', 'u.id', 't.created_by')
    .select([
      't.id as id',
      't.workspace_id as workspaceId',
      't.name as name',
      't.prefix as prefix',
      't.scopes as scopes',
      't.created_at as createdAt',
      't.expires_at as expiresAt',
      't.last_used_at as lastUsedAt',
      't.revoked_at as revokedAt',
      'u.id as creatorId',
      'u.email as creatorEmail',
    ])
}

type TokenRow = Awaited<ReturnType<ReturnType<typeof tokens>['executeTakeFirstOrThrow']>>

const iso = (d: Date | null) => (d ? d.toISOString() : null)

export function toTokenView(row: TokenRow): TokenView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes as TokenScope[],
    createdAt: row.createdAt.toISOString(),
    createdBy: row.creatorId && row.creatorEmail ? { id: row.creatorId, email: row.creatorEmail } : null,
    expiresAt: iso(row.expiresAt),
    lastUsedAt: iso(row.lastUsedAt),
    revokedAt: iso(row.revokedAt),
  }
}

export async function listTokens(db: Db, workspaceId: string): Promise<TokenView[]> {
  const rows = await tokens(db)
    .where('t.workspace_id', '=', workspaceId)
    .orderBy('t.created_at', 'desc')
    .execute()
  return rows.map(toTokenView)
}

export async function findToken(
  db: Db,
  workspaceId: string,
  tokenId: string,
): Promise<TokenView | undefined> {
  const row = await tokens(db)
    .where('t.workspace_id', '=', workspaceId)
    .where('t.id', '=', tokenId)
    .executeTakeFirst()
  return row && toTokenView(row)
}

export async function insertToken(
  db: Db,
  token: {
    workspaceId: string
    name: string
    tokenHash: string
    prefix: string
    scopes: TokenScope[]
    createdBy: string | null
    expiresAt: Date | null
  },
): Promise<string> {
  const row = await db
    .insertInto('api_tokens')
    .values({
      workspace_id: token.workspaceId,
      name: token.name,
      token_hash: token.tokenHash,
      prefix: token.prefix,
      scopes: token.scopes,
      created_by: token.createdBy,
      expires_at: token.expiresAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function revokeToken(db: Db, workspaceId: string, tokenId: string): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ revoked_at: new Date() })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', tokenId)
    .where('revoked_at', 'is', null)
    .execute()
}

/** A token that is neither revoked nor expired, by the hash of its secret. */
export async function findLiveTokenByHash(db: Db, tokenHash: string) {
  return db
    .selectFrom('api_tokens')
    .select(['id', 'workspace_id', 'name', 'scopes', 'created_by', 'last_used_at', 'expires_at'])
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
    .executeTakeFirst()
}

export async function touchToken(db: Db, tokenId: string): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: new Date() }).where('id', '=', tokenId).execute()
}

export type LiveToken = NonNullable<Awaited<ReturnType<typeof findLiveTokenByHash>>>
