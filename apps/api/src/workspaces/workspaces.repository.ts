import type { MemberWorkspace } from '@rapport/api-client'
import type { Db } from '../database/database.js'

/** The workspaces a user is an active member of, oldest first. */
export async function workspacesOfUser(db: Db, userId: string): Promise<MemberWorkspace[]> {
  return db
    .selectFrom('memberships as m')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .where('m.user_id', '=', userId)
    .where('m.active', '=', true)
    .orderBy('w.created_at')
    .orderBy('w.id')
    .select(['w.id as id', 'w.name as name', 'w.slug as slug', 'm.role as role'])
    .execute()
}

export async function findWorkspace(db: Db, workspaceId: string) {
  return db
    .selectFrom('workspaces')
    .select(['id', 'name', 'slug'])
    .where('id', '=', workspaceId)
    .executeTakeFirst()
}

export async function slugTaken(db: Db, slug: string): Promise<boolean> {
  return Boolean(await db.selectFrom('workspaces').select('id').where('slug', '=', slug).executeTakeFirst())
}

export async function insertWorkspace(db: Db, name: string, slug: string) {
  return db
    .insertInto('workspaces')
    .values({ name, slug })
    .returning(['id', 'name', 'slug'])
    .executeTakeFirstOrThrow()
}

export async function countWorkspaces(db: Db): Promise<number> {
  const row = await db
    .selectFrom('workspaces')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
