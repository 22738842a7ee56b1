import type { UserView } from '@rapport/api-client'
import type { Role } from '@rapport/domain'
import type { Db } from '../database/database.js'

const memberColumns = [
  'u.id as id',
  'u.email as email',
  'u.name as name',
  'm.role as role',
  'm.active as active',
  'm.created_at as createdAt',
  'u.last_login_at as lastLoginAt',
] as const

function members(db: Db, workspaceId: string) {
  return db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .where('m.workspace_id', '=', workspaceId)
    .select(memberColumns)
}

type MemberRow = {
  id: string
  email: string
  name: string
  role: Role
  active: boolean
  createdAt: Date
  lastLoginAt: Date | null
}

export function toUserView(row: MemberRow): UserView {
  return {
    ...row,
    createdAt: row.createdAt.toISOString(),
    lastLoginAt: row.lastLoginAt ? row.lastLoginAt.toISOString() : null,
  }
}

/** Members ordered by e-mail; the cursor is the last e-mail of the previous page. */
export async function listMembers(
  db: Db,
  workspaceId: string,
  page: { cursor?: string | undefined; limit: number },
): Promise<{ items: UserView[]; nextCursor: string | null }> {
  let q = members(db, workspaceId)
    .orderBy('u.email')
    .limit(page.limit + 1)
  if (page.cursor) q = q.where('u.email', '>', page.cursor)
  const rows = await q.execute()
  const items = rows.slice(0, page.limit).map(toUserView)
  return { items, nextCursor: rows.length > page.limit ? (items.at(-1)?.email ?? null) : null }
}

export async function findMember(
  db: Db,
  workspaceId: string,
  userId: string,
): Promise<MemberRow | undefined> {
  return members(db, workspaceId).where('u.id', '=', userId).executeTakeFirst()
}

export async function findUserByEmail(db: Db, email: string) {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst()
}

export async function findUserById(db: Db, userId: string) {
  return db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst()
}

export async function insertUser(
  db: Db,
  user: { email: string; name: string; passwordHash: string },
): Promise<string> {
  const row = await db
    .insertInto('users')
    .values({ email: user.email, name: user.name, password_hash: user.passwordHash })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function insertMembership(
  db: Db,
  workspaceId: string,
  userId: string,
  role: Role,
): Promise<void> {
  await db
    .insertInto('memberships')
    .values({ workspace_id: workspaceId, user_id: userId, role, updated_at: new Date() })
    .execute()
}

export async function updateMembership(
  db: Db,
  workspaceId: string,
  userId: string,
  change: { role?: Role | undefined; active?: boolean | undefined },
): Promise<void> {
  await db
    .updateTable('memberships')
    .set({
      ...(change.role ? { role: change.role } : {}),
      ...(change.active !== undefined ? { active: change.active } : {}),
      updated_at: new Date(),
    })
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .execute()
}

export async function updateUser(
  db: Db,
  userId: string,
  change: { name?: string | undefined; passwordHash?: string; lastLoginAt?: Date },
): Promise<void> {
  const values = {
    ...(change.name ? { name: change.name } : {}),
    ...(change.passwordHash ? { password_hash: change.passwordHash } : {}),
    ...(change.lastLoginAt ? { last_login_at: change.lastLoginAt } : {}),
  }
  if (Object.keys(values).length === 0) return
  await db.updateTable('users').set(values).where('id', '=', userId).execute()
}

export async function countActiveOwners(db: Db, workspaceId: string): Promise<number> {
  const row = await db
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', 'owner')
    .where('active', '=', true)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
