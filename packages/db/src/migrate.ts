import { type Kysely, Migrator, sql } from 'kysely'
import { migrations } from './migrations/index.js'

export interface MigrationReport {
  applied: string[]
}

const provider = { getMigrations: async () => migrations }

/**
 * Kysely's migrator finds its own tables in any schema unless told which: name the current one, so
 * that databases sharing a server (a schema per test file) never see each other's migrations.
 */
async function migrator(db: Kysely<any>): Promise<Migrator> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db)
  return new Migrator({ db, provider, migrationTableSchema: rows[0]?.schema ?? 'public' })
}

/** Applies every pending migration; throws with the failing migration's name and cause. */
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationReport> {
  const { error, results = [] } = await (await migrator(db)).migrateToLatest()
  const failed = results.find((r) => r.status === 'Error')
  if (error) {
    const name = failed ? ` ${failed.migrationName}` : ''
    throw new Error(`migration${name} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    })
  }
  return { applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName) }
}

/** Names of migrations in the code that the database has not applied yet. */
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  const all = await (await migrator(db)).getMigrations()
  return all.filter((m) => !m.executedAt).map((m) => m.name)
}

export async function ping(db: Kysely<any>): Promise<void> {
  await sql`select 1`.execute(db)
}
