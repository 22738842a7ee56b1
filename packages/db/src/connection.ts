import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { PGliteDialect } from './pglite-dialect.js'
import { PreparedStatements } from './prepared-statements.js'
import type { Database } from './schema.js'

export type DatabaseKind = 'postgres' | 'pglite'

export interface DatabaseHandle {
  db: Kysely<Database>
  kind: DatabaseKind
  /** Where the data lives, for logs: a URL without its password, or a folder. */
  location: string
  close(): Promise<void>
}

export interface ConnectionOptions {
  /** A postgres:// URL. Unset: embedded PostgreSQL (PGlite) in `dataDir`. */
  url?: string | undefined
  /** Folder of the embedded database; `memory://` keeps it in memory (tests). */
  dataDir?: string | undefined
  /** PostgreSQL schema to work in (tests give each file its own). */
  schema?: string | undefined
  poolSize?: number | undefined
  /** Shown in pg_stat_activity, so that an operator (or the benchmark) can tell the pools apart. */
  applicationName?: string | undefined
}

// int8 (bigserial ids, counts) as strings on both drivers: JavaScript numbers cannot hold them all.
const INT8_OID = 20
pg.types.setTypeParser(INT8_OID, (value: string) => value)

/** The one connection factory: DATABASE_URL -> node-postgres pool, otherwise embedded PGlite. */
export async function connect(options: ConnectionOptions): Promise<DatabaseHandle> {
  if (options.url) {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      application_name: options.applicationName ?? 'rapport',
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    })
    // A dropped connection must not take the process down: idle, the pool replaces it; in use
    // (PostgreSQL restarted, the backend terminated), its statement fails, the transaction is rolled
    // back, and the pool drops it when it is given back. Without a listener of its own, a client
    // in use that loses its connection emits an error nobody handles.
    pool.on('error', () => {})
    const statements = new PreparedStatements()
    pool.on('connect', (client) => {
      client.on('error', () => {})
      statements.attach(client)
    })
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
    return { db, kind: 'postgres', location: redactUrl(options.url), close: () => db.destroy() }
  }
  const dataDir = options.dataDir ?? '.data/pglite'
  const inMemory = dataDir.startsWith('memory://')
  const location = inMemory ? dataDir : resolve(dataDir)
  if (!inMemory) mkdirSync(location, { recursive: true })
  const pglite = await PGlite.create(inMemory ? undefined : location, {
    parsers: { [INT8_OID]: (value: string) => value },
  })
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) })
  return { db, kind: 'pglite', location, close: () => db.destroy() }
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return 'postgres (unparseable URL)'
  }
}
