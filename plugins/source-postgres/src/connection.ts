import { ConfigurationError, type PluginContext } from '@rapport/plugin-sdk'
import pg from 'pg'
import type { PostgresSourceConfig } from './config.js'
import { rawTextTypes } from './values.js'

/**
 * One connection per run, and every statement in its own short READ ONLY transaction with a statement
 * timeout (SET LOCAL, so that it also holds behind PgBouncer in transaction mode). A long sync never
 * keeps a transaction, and so old row versions, open between batches.
 */

const connectTimeoutMs = 10_000
const sslModes = ['disable', 'require', 'no-verify', 'verify-full'] as const

/**
 * The connection string, read here rather than by node-postgres: every setting comes from it and
 * nothing from the server's environment. node-postgres would fill a missing host, user or password
 * from PGHOST, PGUSER, PGPASSWORD or ~/.pgpass, which hold Rapport's own database credentials; and
 * sslrootcert/sslkey parameters would make it read files on the Rapport server.
 */
export function clientSettings(connectionString: string): pg.ClientConfig {
  let url: URL
  try {
    url = new URL(connectionString)
  } catch {
    // Never echo the string: it holds the password.
    throw new ConfigurationError(
      'the connection string is not a URL: write it as postgres://user:password@host:5432/database (not host=... user=...; URL-encode special characters of the password)',
    )
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigurationError('the connection string must start with postgres:// or postgresql://')
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
  if (!host) throw new ConfigurationError('the connection string needs the host of the database server')
  const user = decodeURIComponent(url.username)
  if (!user)
    throw new ConfigurationError('the connection string needs a user name: postgres://user:password@host/...')
  const unknown = [...url.searchParams.keys()].filter((key) => key !== 'sslmode')
  if (unknown.length) {
    throw new ConfigurationError(
      `the connection string may only carry sslmode (${sslModes.join(', ')}); remove ${unknown.join(', ')}`,
    )
  }
  const password = decodeURIComponent(url.password)
  return {
    host,
    port: url.port ? Number(url.port) : 5432,
    user,
    database: decodeURIComponent(url.pathname.slice(1)) || user,
    // A function, so that an empty password stays empty instead of falling back to PGPASSWORD or ~/.pgpass.
    password: () => password,
    ssl: sslSettings(url.searchParams.get('sslmode')),
    application_name: 'rapport-source-postgres',
    connectionTimeoutMillis: connectTimeoutMs,
    keepAlive: true,
    types: { getTypeParser: typeParser as pg.CustomTypesConfig['getTypeParser'] },
  }
}

/** libpq's meanings: require encrypts without checking the certificate, verify-full checks it and the host. */
function sslSettings(mode: string | null): pg.ClientConfig['ssl'] {
  switch (mode ?? 'disable') {
    case 'disable':
      return false
    case 'require':
    case 'no-verify':
      return { rejectUnauthorized: false }
    case 'verify-full':
      return true
    default:
      throw new ConfigurationError(`sslmode=${mode} is not supported: use one of ${sslModes.join(', ')}`)
  }
}

/**
 * Times, dates, numeric and bigint stay PostgreSQL's own text: a JavaScript Date would drop the
 * microseconds the checkpoint needs and read a timestamp without time zone in the server's zone,
 * and a double would round numeric. The other types are parsed as node-postgres does.
 */
function typeParser(oid: number, format?: 'text' | 'binary') {
  if (rawTextTypes.has(oid)) return (value: string) => value
  return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text')
}

export interface Session {
  database: string
  user: string
  /** A statement in its own READ ONLY transaction, rows as objects by column name. */
  query<Row extends object>(text: string, values?: unknown[]): Promise<Row[]>
  /** The same, rows as arrays in the order of the select list (names may repeat or clash). */
  rows(text: string, values?: unknown[]): Promise<pg.QueryArrayResult<unknown[]>>
  close(): Promise<void>
}

/** Connects, and cancels a running statement when ctx.signal aborts (the host cancels the run). */
export async function openSession(ctx: PluginContext, config: PostgresSourceConfig): Promise<Session> {
  ctx.signal.throwIfAborted()
  const settings = clientSettings(config.connectionString)
  const client = new pg.Client(settings)
  // A connection that drops while idle emits 'error'; the next statement fails and says why.
  client.on('error', (error) => ctx.logger.warn('PostgreSQL connection lost', { reason: error.message }))
  try {
    await client.connect()
  } catch (error) {
    await client.end().catch(() => {})
    throw error
  }
  let backend: { database: string; user: string; pid: number }
  try {
    const { rows } = await client.query(
      'select current_database() as database, current_user as "user", pg_backend_pid() as pid',
    )
    backend = rows[0]
  } catch (error) {
    await client.end().catch(() => {})
    throw error
  }

  const begin = [
    'begin transaction read only',
    `set local statement_timeout = ${config.statementTimeoutSeconds * 1000}`,
    "set local timezone = 'UTC'",
    "set local datestyle = 'ISO, YMD'",
  ].join('; ')

  async function inTransaction<Result>(run: () => Promise<Result>): Promise<Result> {
    ctx.signal.throwIfAborted()
    const cancel = () => void cancelBackend(settings, backend.pid)
    ctx.signal.addEventListener('abort', cancel, { once: true })
    try {
      await client.query(begin)
      const result = await run()
      await client.query('commit')
      return result
    } catch (error) {
      await client.query('rollback').catch(() => {})
      throw ctx.signal.aborted ? ctx.signal.reason : error
    } finally {
      ctx.signal.removeEventListener('abort', cancel)
    }
  }

  return {
    database: backend.database,
    user: backend.user,
    query: (text, values) => inTransaction(async () => (await client.query(text, values)).rows),
    rows: (text, values) => inTransaction(() => client.query({ text, values, rowMode: 'array' })),
    close: () => client.end().catch(() => {}),
  }
}

/**
 * The protocol's way to stop a running statement: another connection asks the server to cancel
 * it (pg_cancel_backend, allowed on one's own sessions). Best effort: the run ends either way.
 */
async function cancelBackend(settings: pg.ClientConfig, pid: number): Promise<void> {
  const canceller = new pg.Client(settings)
  canceller.on('error', () => {})
  try {
    await canceller.connect()
    await canceller.query('select pg_cancel_backend($1)', [pid])
  } catch {
    // The statement may have ended meanwhile, or the server be gone: nothing left to cancel.
  } finally {
    await canceller.end().catch(() => {})
  }
}
