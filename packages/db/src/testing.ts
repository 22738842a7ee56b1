import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { connect, type DatabaseHandle } from './connection.js'
import { kyselyMigrationLock, migrateToLatest } from './migrate.js'

/** The database tests run on: TEST_DATABASE_URL or DATABASE_URL (real PostgreSQL), else PGlite. */
export function testDatabaseUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined
}

/**
 * A fresh, migrated database for one test file: its own schema on PostgreSQL (dropped on close),
 * or its own in-memory PGlite.
 */
export async function createTestDatabase(): Promise<DatabaseHandle> {
  const url = testDatabaseUrl()
  if (!url) {
    const handle = await connect({ dataDir: 'memory://' })
    await migrateToLatest(handle.db)
    return handle
  }
  const schema = `test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`create schema ${schema}`)
  await admin.end()
  const handle = await connect({ url, schema, poolSize: 5 })
  await migrateToLatest(handle.db)
  return {
    ...handle,
    location: `${handle.location} (schema ${schema})`,
    async close() {
      await handle.close()
      const cleanup = new pg.Client({ connectionString: url })
      await cleanup.connect()
      await dropSchema(cleanup, schema)
      await cleanup.end()
    },
  }
}

/**
 * Drops a test schema without breaking a migration running elsewhere at that moment: Kysely's
 * migrator lists every table of the database, and a schema dropped in the middle of that listing
 * fails it with "schema … does not exist". The drop therefore waits for the migration lock that
 * `migrateToLatest` holds throughout.
 */
export async function dropSchema(client: pg.ClientBase, schema: string, ifExists = false): Promise<void> {
  await client.query('begin')
  try {
    await client.query(`select pg_advisory_xact_lock(${kyselyMigrationLock})`)
    await client.query(`drop schema ${ifExists ? 'if exists ' : ''}${schema} cascade`)
    await client.query('commit')
  } catch (error) {
    await client.query('rollback')
    throw error
  }
}
