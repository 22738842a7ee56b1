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

/** The advisory lock Kysely's PostgreSQL adapter takes while it migrates (postgres-adapter.js). */
export const kyselyMigrationLock = '3853314791062309107'

/**
 * Runs `work` on one connection that holds Kysely's migration lock throughout. Kysely takes that
 * lock only to apply migrations, but before that it lists every table of the database, which fails
 * ("schema … does not exist") if another session drops a schema meanwhile; test schemas are dropped
 * under the same lock (`dropSchema`), so the two never overlap.
 */
async function underMigrationLock<T>(db: Kysely<any>, work: (db: Kysely<any>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${sql.lit(kyselyMigrationLock)}::bigint)`.execute(connection)
    try {
      return await work(connection)
    } finally {
      await sql`select pg_advisory_unlock(${sql.lit(kyselyMigrationLock)}::bigint)`.execute(connection)
    }
  })
}

/** Applies every pending migration; throws with the failing migration's name and cause. */
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationReport> {
  const { error, results = [] } = await underMigrationLock(db, async (connection) =>
    (await migrator(connection)).migrateToLatest(),
  )
  const failed = results.find((r) => r.status === 'Error')
  if (error) {
    const name = failed ? ` ${failed.migrationName}` : ''
    throw new Error(`migration${name} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    })
  }
  return { applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName) }
}

/**
 * Names of migrations in the code that the database has not applied yet. Read from Kysely's own
 * table rather than through its migrator, so that a readiness check never waits for a migration.
 */
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  const { rows: table } = await sql<{
    exists: boolean
  }>`select to_regclass('kysely_migration') is not null as exists`.execute(db)
  const applied = table[0]?.exists
    ? new Set(
        (await sql<{ name: string }>`select name from kysely_migration`.execute(db)).rows.map((r) => r.name),
      )
    : new Set<string>()
  return Object.keys(migrations)
    .sort()
    .filter((name) => !applied.has(name))
}

export async function ping(db: Kysely<any>): Promise<void> {
  await sql`select 1`.execute(db)
}
