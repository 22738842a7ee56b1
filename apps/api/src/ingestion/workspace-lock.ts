import { sql } from 'kysely'
import type { Db } from '../database/database.js'

/** The class of the two-key advisory locks held per workspace (the second key is its id's hash). */
const workspaceLockClass = 7214

/**
 * Holds the workspace's lock until the transaction ends. Whatever reads then rewrites who owns
 * which identifier takes it first: the processor applying a batch, an unmerge, an erase. Without
 * it, a batch committing during an erase left rows pointing at the deleted customer, and two
 * unmerges of one merge both went through.
 */
export async function lockWorkspace(trx: Db, workspaceId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(${workspaceLockClass}, hashtext(${workspaceId}))`.execute(trx)
}
