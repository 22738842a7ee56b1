import { AuthenticationError, ConfigurationError, TransientError } from '@rapport/plugin-sdk'
import { describe, expect, test } from 'vitest'
import { pluginErrorFrom } from '../src/errors.js'

/** What node-postgres throws for an error the server sent: its SQLSTATE in code, and a severity. */
const serverError = (code: string, message: string) =>
  Object.assign(new Error(message), { code, severity: 'FATAL' })
const context = { table: '"erp"."customers"', statementTimeoutSeconds: 60, sortColumns: '"updated_at", "id"' }

describe('what PostgreSQL says, in terms the host acts on', () => {
  // The local test server trusts every login, so a wrong password cannot be produced there.
  test.each([
    ['28P01', 'password authentication failed for user "rapport"', AuthenticationError],
    ['28000', 'role "rapport" does not exist', AuthenticationError],
    ['42501', 'permission denied for table customers', AuthenticationError],
    ['3D000', 'database "erpp" does not exist', ConfigurationError],
    ['42P01', 'relation "erp.customers" does not exist', ConfigurationError],
    ['42703', 'column "updated_at" does not exist', ConfigurationError],
    ['22007', 'invalid input syntax for type timestamp with time zone: "x"', ConfigurationError],
    ['57P01', 'terminating connection due to administrator command', TransientError],
    ['57P03', 'the database system is starting up', TransientError],
    ['53300', 'sorry, too many clients already', TransientError],
    ['40001', 'could not serialize access due to read/write dependencies', TransientError],
    ['08006', 'connection failure', TransientError],
  ])('%s (%s) is a %O', (code, message, kind) => {
    const error = pluginErrorFrom(serverError(code, message), context)
    expect(error).toBeInstanceOf(kind)
    expect((error as Error).message).toContain(`${message} (SQLSTATE ${code})`)
  })

  test('network failures are transient; a refused certificate is the configuration', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })
    expect(pluginErrorFrom(reset, context)).toBeInstanceOf(TransientError)
    expect(pluginErrorFrom(new Error('Connection terminated unexpectedly'), context)).toBeInstanceOf(
      TransientError,
    )
    const certificate = Object.assign(new Error('self-signed certificate'), {
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    })
    expect(pluginErrorFrom(certificate, context)).toBeInstanceOf(ConfigurationError)
  })

  test('anything else is left as it is: a bug to report, not a guess', () => {
    const bug = new TypeError('Cannot read properties of undefined')
    expect(pluginErrorFrom(bug, context)).toBe(bug)
  })
})
