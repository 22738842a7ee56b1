import { type Kysely, sql } from 'kysely'

/**
 * When a run last showed progress. At start a server fails the runs left "running" by a process that
 * died; runs whose process is alive (several processes share one database) have a recent heartbeat,
 * and are left alone.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('sync_runs')
    .addColumn('heartbeat_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sync_runs').dropColumn('heartbeat_at').execute()
}
