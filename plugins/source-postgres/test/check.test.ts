import { createServer } from 'node:net'
import { AuthenticationError, ConfigurationError, TransientError } from '@rapport/plugin-sdk'
import { collectStream, contextFor } from '@rapport/plugin-testkit'
import { beforeAll, describe, expect, test } from 'vitest'
import { plugin } from '../src/index.js'
import { type ConfigInput, customersConfig, ordersConfig, visitsConfig } from './configs.js'
import { uniqueName, urlAs, useScratchSchema } from './database.js'

const reader = uniqueName('rapport_pg_reader')
const crowded = uniqueName('rapport_pg_crowded')
const db = useScratchSchema({ roles: [reader, crowded] })

beforeAll(async () => {
  // A role that may log in but was granted nothing, and one that may not open another connection.
  await db.sql(`create role ${reader} login`)
  await db.sql(`create role ${crowded} login connection limit 0`)
  // A view that takes a minute, longer than a test may: a test that waits for it fails. It shows
  // timeouts, cancellation and a server going away.
  await db.sql(`create function pause(seconds float8) returns boolean language plpgsql
                as $$ begin perform pg_sleep(seconds); return true; end $$`)
  await db.sql(`create view slow_visits as select * from customer_visits where (select pause(60))`)
})

function check(input: ConfigInput) {
  const config = plugin.config.parse(input)
  return plugin.check!(contextFor(plugin, config).ctx, config)
}

/** A port on this machine that nothing listens on. */
async function unusedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Waits until the plugin's statement on `marker` runs on the server, and gives its backend pid. */
async function runningStatement(marker: string): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { rows } = await db.sql(
      `select pid from pg_stat_activity
        where application_name = 'rapport-source-postgres' and state = 'active' and query like $1`,
      [`%${marker}%`],
    )
    if (rows[0]) return rows[0].pid
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`no statement on ${marker} started`)
}

describe('check()', () => {
  test('names the database, the role, the table and its rows', async () => {
    expect(await check(customersConfig(db.name))).toEqual({
      message: `Connected to database "test" as postgres: the table "${db.name}"."customers" has 4 rows.`,
    })
  })

  test('reads a view too', async () => {
    expect((await check(visitsConfig(db.name)))?.message).toContain(
      `the view "${db.name}"."customer_visits" has 3 rows`,
    )
  })

  test('counts up to a thousand rows, then gives the planner estimate; and advises an index', async () => {
    await db.sql(`create table events_log (id int, happened_at timestamptz)`)
    await db.sql(`insert into events_log select n, '2026-01-01'::timestamptz + n * interval '1 minute'
                    from generate_series(1, 1500) n`)
    await db.sql(`analyze events_log`)
    const message = (
      await check({
        ...visitsConfig(db.name),
        table: db.table('events_log'),
        incrementalColumn: 'happened_at',
        keyColumn: 'id',
        mapping: { kind: 'track', identifiers: { userId: 'id' }, event: 'Logged' },
      })
    )?.message
    expect(message).toContain("has more than 1,000 rows (about 1,500 by the planner's estimate)")
    expect(message).toContain(
      `no index starts with (happened_at, id), so each batch sorts the table: CREATE INDEX ON "${db.name}"."events_log" ("happened_at", "id")`,
    )
    expect(message).toContain('no unique index on "id"')
    expect(message).toContain('rows where "happened_at" or "id" is null are never read')
  })

  test('a role that does not exist is an AuthenticationError (28000), even with trust authentication', async () => {
    const failure = check({ ...customersConfig(db.name), connectionString: urlAs('rapport_no_such_role') })
    await expect(failure).rejects.toBeInstanceOf(AuthenticationError)
    await expect(failure).rejects.toThrow('role "rapport_no_such_role" does not exist (SQLSTATE 28000)')
  })

  test('a role without SELECT on the table is an AuthenticationError that says what to grant', async () => {
    const failure = check({ ...customersConfig(db.name), connectionString: urlAs(reader) })
    await expect(failure).rejects.toBeInstanceOf(AuthenticationError)
    await expect(failure).rejects.toThrow(
      /may not read .*SQLSTATE 42501.*Grant it USAGE on the schema and SELECT/,
    )
  })

  test('a missing table is a ConfigurationError that names it and what the schema has', async () => {
    const failure = check({ ...customersConfig(db.name), table: `${db.name}.customer` })
    await expect(failure).rejects.toBeInstanceOf(ConfigurationError)
    await expect(failure).rejects.toThrow(
      `there is no table or view "${db.name}"."customer" in database "test"; "${db.name}" has customer_visits, customers,`,
    )
  })

  test('missing columns and columns of the wrong type are one ConfigurationError naming each', async () => {
    const config = ordersConfig(db.name)
    const failure = check({
      ...config,
      incrementalColumn: 'status',
      mapping: {
        ...config.mapping,
        amountColumn: 'placed_at',
        statusColumn: 'state',
        titleColumn: 'Reference',
      },
    })
    await expect(failure).rejects.toBeInstanceOf(ConfigurationError)
    const message = await failure.catch((error: Error) => error.message)
    expect(message).toContain(`the settings do not fit the table "${db.name}"."orders"`)
    expect(message).toContain('mapping.statusColumn: there is no column "state"')
    // A plain name is folded to lower case, as in SQL: Reference is reference, which exists.
    expect(message).not.toContain('titleColumn')
    expect(message).toContain(
      'incrementalColumn: "status" is text; it must be a timestamp, a date or an integer',
    )
    expect(message).toContain(
      'mapping.amountColumn: "placed_at" is timestamp with time zone; it must be a numeric',
    )
    expect(message).toContain('the columns are "order_no", "customer_no"')
  })

  test('a sequence as incremental column needs a column for occurredAt', async () => {
    const config = visitsConfig(db.name)
    const { occurredAtColumn: _, ...mapping } = config.mapping
    await expect(check({ ...config, mapping })).rejects.toThrow(
      'incrementalColumn "visit_id" is not a time, so mapping.occurredAtColumn must say when each row changed',
    )
  })
})

describe('connection failures', () => {
  test('a refused connection is a TransientError', async () => {
    const url = new URL(customersConfig(db.name).connectionString)
    url.port = String(await unusedPort())
    const failure = check({ ...customersConfig(db.name), connectionString: url.toString() })
    await expect(failure).rejects.toBeInstanceOf(TransientError)
    await expect(failure).rejects.toThrow('cannot reach the PostgreSQL server (connect ECONNREFUSED')
  })

  test('a role at its connection limit (53300) is a TransientError', async () => {
    const failure = check({ ...customersConfig(db.name), connectionString: urlAs(crowded) })
    await expect(failure).rejects.toBeInstanceOf(TransientError)
    await expect(failure).rejects.toThrow('SQLSTATE 53300')
  })

  test('a connection string that is not one fails without repeating it (it holds the password)', async () => {
    const password = 'hunter2-not-logged'
    for (const [connectionString, said] of [
      [`postgres://ada:${password}@db.example:5432/erp?sslrootcert=/etc/passwd`, 'may only carry sslmode'],
      [`mysql://ada:${password}@db.example/erp`, 'must start with postgres://'],
      [`host=db.example user=ada password=${password} dbname=erp`, 'is not a URL'],
      [`postgres://ada:${password}@db.example/erp?sslmode=prefer`, 'sslmode=prefer is not supported'],
    ] as const) {
      const failure = check({ ...customersConfig(db.name), connectionString })
      await expect(failure).rejects.toBeInstanceOf(ConfigurationError)
      const message = await failure.catch((error: Error) => error.message)
      expect(message).toContain(said)
      expect(message).not.toContain(password)
    }
  })
})

describe('long statements', () => {
  const slowConfig = (): ConfigInput => ({ ...visitsConfig(db.name), table: db.table('slow_visits') })

  test('a batch that outlasts statementTimeoutSeconds is cancelled by PostgreSQL: TransientError with advice', async () => {
    const failure = collectStream(plugin, 'rows', { ...slowConfig(), statementTimeoutSeconds: 1 })
    await expect(failure).rejects.toBeInstanceOf(TransientError)
    await expect(failure).rejects.toThrow(
      `PostgreSQL cancelled reading "${db.name}"."slow_visits": canceling statement due to statement timeout (SQLSTATE 57014). If it ran longer than the statement timeout (1 s): index ("visit_id")`,
    )
  })

  test('a server that ends the session (57P01, a restart) is a TransientError', async () => {
    const reading = collectStream(plugin, 'rows', slowConfig())
    // Its failure can arrive before pg_terminate_backend answers: handled from the start, so that it
    // is never an unhandled rejection meanwhile (the assertions below still see it).
    reading.catch(() => {})
    const pid = await runningStatement('slow_visits')
    await db.sql('select pg_terminate_backend($1)', [pid])
    await expect(reading).rejects.toBeInstanceOf(TransientError)
    await expect(reading).rejects.toThrow(
      'PostgreSQL could not serve the sync for now: terminating connection due to administrator command (SQLSTATE 57P01)',
    )
  })

  test('cancelling the run cancels the statement on the server', async () => {
    const config = plugin.config.parse(slowConfig())
    const context = contextFor(plugin, config)
    const reading = collectStream(plugin, 'rows', slowConfig(), undefined, { context })
    const pid = await runningStatement('slow_visits')
    const reason = new Error('the sync was cancelled')
    context.abort(reason)
    await expect(reading).rejects.toBe(reason)
    // pg_cancel_backend stopped it: closing the connection alone would leave it sleeping on the server.
    const { rows } = await db.sql(`select state from pg_stat_activity where pid = $1`, [pid])
    expect(rows.map((row) => row.state)).not.toContain('active')
  })
})
