import { AuthenticationError, ConfigurationError, PluginError, TransientError } from '@rapport/plugin-sdk'
import type { PostgresSourceConfig } from './config.js'
import { quoteName, quoteTable } from './sql-names.js'

/**
 * PostgreSQL's answers in terms the host acts on. The server says what went wrong with a SQLSTATE
 * (https://www.postgresql.org/docs/current/errcodes-appendix.html), whose first two characters are
 * its class; node-postgres adds network failures (Node's error codes) and a few of its own messages.
 */

export interface ErrorContext {
  /** The table as the messages name it: "erp"."customers". */
  table: string
  statementTimeoutSeconds: number
  /** The columns an index should cover: "updated_at", "id". */
  sortColumns: string
}

export function errorContextOf(config: PostgresSourceConfig): ErrorContext {
  const columns = [...new Set([config.incrementalColumn, config.keyColumn])]
  return {
    table: quoteTable(config.table),
    statementTimeoutSeconds: config.statementTimeoutSeconds,
    sortColumns: columns.map(quoteName).join(', '),
  }
}

interface ServerError {
  code: string
  message: string
}

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
])

// node-postgres's own words when the connection fails or stalls.
const connectionLost =
  /^(Connection terminated|timeout expired|Query read timeout|Client has encountered a connection error)/

/** Classes that pass: the connection, resources, the operator, the system, a conflict with other work. */
const transientClasses = new Set(['08', '40', '53', '55', '57', '58', 'XX'])

export function pluginErrorFrom(error: unknown, context: ErrorContext): unknown {
  if (error instanceof PluginError || !(error instanceof Error)) return error
  const code = (error as { code?: unknown }).code
  if (isServerError(error)) return fromServer(error, context)
  if (typeof code === 'string' && networkCodes.has(code)) {
    return new TransientError(`cannot reach the PostgreSQL server (${error.message})`, { cause: error })
  }
  if (typeof code === 'string' && isCertificateProblem(code)) {
    return new ConfigurationError(
      `the server's TLS certificate was refused (${code}): sslmode=verify-full needs a certificate from a public authority for this host name; sslmode=require encrypts without checking it`,
      { cause: error },
    )
  }
  if (error.message === 'The server does not support SSL connections') {
    return new ConfigurationError(
      'the server does not accept TLS connections: remove sslmode from the connection string, or enable ssl on the server',
      { cause: error },
    )
  }
  if (connectionLost.test(error.message)) {
    return new TransientError(`the connection to PostgreSQL failed: ${error.message}`, { cause: error })
  }
  return error
}

/** node-postgres's DatabaseError: the server's SQLSTATE in `code` and its `severity`. */
function isServerError(error: Error): error is Error & ServerError {
  const { code, severity } = error as { code?: unknown; severity?: unknown }
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string'
}

function isCertificateProblem(code: string): boolean {
  return code.startsWith('ERR_TLS_') || /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code)
}

function fromServer(error: Error & ServerError, context: ErrorContext): Error {
  const { code, message } = error
  const said = `${message} (SQLSTATE ${code})`
  const options = { cause: error }
  const kind = code.slice(0, 2)
  if (kind === '28') {
    return new AuthenticationError(
      `PostgreSQL refused the login: ${said}. Check the user name and password of the connection string`,
      options,
    )
  }
  if (code === '42501') {
    return new AuthenticationError(
      `the role of the connection string may not read ${context.table}: ${said}. Grant it USAGE on the schema and SELECT on the table or view`,
      options,
    )
  }
  if (code === '3D000') {
    return new ConfigurationError(
      `${said}: check the database name at the end of the connection string`,
      options,
    )
  }
  if (code === '57014') {
    return new TransientError(
      `PostgreSQL cancelled reading ${context.table}: ${said}. If it ran longer than the statement timeout (${context.statementTimeoutSeconds} s): index (${context.sortColumns}), lower batchSize or raise statementTimeoutSeconds`,
      options,
    )
  }
  if (transientClasses.has(kind)) {
    return new TransientError(`PostgreSQL could not serve the sync for now: ${said}`, options)
  }
  if (kind === '22') {
    return new ConfigurationError(
      `PostgreSQL could not read ${context.table}: ${said}. If a column's type changed, the saved sync position may no longer fit it: reset the sync position`,
      options,
    )
  }
  if (kind === '42' || kind === '3F' || kind === '0A') {
    // A name or a type that does not fit: the table changed since the settings were checked.
    return new ConfigurationError(`PostgreSQL could not read ${context.table}: ${said}`, options)
  }
  return error
}
