import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import pg from 'pg'
import { afterAll, beforeAll } from 'vitest'

/** The PostgreSQL the tests run on; other suites share it, so each file works in a schema of its own. */
export const databaseUrl =
  process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** The same server and database, logged in as another role. */
export function urlAs(role: string): string {
  const url = new URL(databaseUrl)
  url.username = role
  url.password = ''
  return url.toString()
}

/** Unique names, so that test files running at once on one server never meet. */
export const uniqueName = (prefix: string) => `${prefix}_${randomBytes(5).toString('hex')}`

export interface ScratchSchema {
  name: string
  /** Runs SQL with the scratch schema first on the search path. */
  sql(text: string, values?: unknown[]): Promise<pg.QueryResult>
  /** `<schema>.<table>` */
  table(name: string): string
}

/**
 * A schema created before the file's tests and dropped after them, loaded with fixtures/erp.sql.
 * Roles the file creates (cluster-wide) are dropped with it.
 */
export function useScratchSchema(options: { roles?: string[] } = {}): ScratchSchema {
  const name = uniqueName('rapport_pg')
  const admin = new pg.Client({ connectionString: databaseUrl })
  const seed = readFileSync(new URL('../fixtures/erp.sql', import.meta.url), 'utf8')
  beforeAll(async () => {
    await admin.connect()
    await admin.query(`create schema ${name}`)
    await admin.query(`set search_path to ${name}`)
    await admin.query(seed)
  })
  afterAll(async () => {
    // Under the lock the core holds while it migrates (packages/db migrate.ts): a schema dropped
    // while another test process's migrator lists the database's tables fails that migration.
    await admin.query('begin')
    await admin.query('select pg_advisory_xact_lock(3853314791062309107)')
    await admin.query(`drop schema if exists ${name} cascade`)
    await admin.query('commit')
    for (const role of options.roles ?? []) {
      await admin.query(`drop owned by ${role}`).catch(() => {})
      await admin.query(`drop role if exists ${role}`)
    }
    await admin.end()
  })
  return { name, sql: (text, values) => admin.query(text, values), table: (table) => `${name}.${table}` }
}
