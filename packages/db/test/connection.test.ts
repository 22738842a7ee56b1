import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { connect, type DatabaseHandle, migrateToLatest, pendingMigrations, redactUrl } from '../src/index.js'
import { PreparedStatements } from '../src/prepared-statements.js'
import { createTestDatabase, testDatabaseUrl } from '../src/testing.js'

let handle: DatabaseHandle
beforeAll(async () => {
  handle = await createTestDatabase()
})
afterAll(() => handle?.close())

describe(`the test database (${testDatabaseUrl() ? 'PostgreSQL' : 'PGlite'})`, () => {
  test('is migrated, and migrating again applies nothing', async () => {
    expect(handle.kind).toBe(testDatabaseUrl() ? 'postgres' : 'pglite')
    expect(await pendingMigrations(handle.db)).toEqual([])
    expect((await migrateToLatest(handle.db)).applied).toEqual([])
  })

  test('a failed transaction leaves nothing behind', async () => {
    await expect(
      handle.db.transaction().execute(async (trx) => {
        await trx.insertInto('workspaces').values({ name: 'Doomed', slug: 'doomed' }).execute()
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    const rows = await handle.db.selectFrom('workspaces').select('id').where('slug', '=', 'doomed').execute()
    expect(rows).toEqual([])
  })

  test('queries outside a transaction wait for it instead of slipping into it', async () => {
    let release!: () => void
    const held = new Promise<void>((r) => {
      release = r
    })
    const transaction = handle.db.transaction().execute(async (trx) => {
      await trx.insertInto('workspaces').values({ name: 'Held', slug: 'held' }).execute()
      await held
      throw new Error('rolled back')
    })
    await new Promise((r) => setTimeout(r, 50))
    const outside = handle.db.insertInto('workspaces').values({ name: 'Outside', slug: 'outside' }).execute()
    release()
    await expect(transaction).rejects.toThrow('rolled back')
    await outside
    const slugs = (await handle.db.selectFrom('workspaces').select('slug').execute()).map((r) => r.slug)
    expect(slugs).toContain('outside')
    expect(slugs).not.toContain('held')
  })

  test('int8 comes back as a string, timestamps as Dates, json as values, counts of changed rows', async () => {
    const ws = await handle.db
      .insertInto('workspaces')
      .values({ name: 'Types', slug: 'types' })
      .returning(['id', 'created_at'])
      .executeTakeFirstOrThrow()
    expect(ws.created_at).toBeInstanceOf(Date)
    await handle.db
      .insertInto('audit_log')
      .values({
        workspace_id: ws.id,
        actor_label: 't',
        action: 'a',
        target_type: 't',
        target_id: null,
        details: JSON.stringify({ n: 1 }),
      })
      .execute()
    const row = await handle.db
      .selectFrom('audit_log')
      .select(['id', 'details'])
      .where('workspace_id', '=', ws.id)
      .executeTakeFirstOrThrow()
    expect(typeof row.id).toBe('string')
    expect(row.details).toEqual({ n: 1 })
    const big = await sql<{ n: string }>`select 9007199254740993::int8 as n`.execute(handle.db)
    expect(big.rows[0]?.n).toBe('9007199254740993')
    const updated = await handle.db
      .updateTable('workspaces')
      .set({ name: 'Types 2' })
      .where('id', '=', ws.id)
      .executeTakeFirst()
    expect(updated.numUpdatedRows).toBe(1n)
  })
})

test('the embedded database keeps its data in a folder across restarts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rapport-pglite-'))
  try {
    const first = await connect({ dataDir: dir })
    await migrateToLatest(first.db)
    await first.db.insertInto('workspaces').values({ name: 'Kept', slug: 'kept' }).execute()
    await first.close()
    const second = await connect({ dataDir: dir })
    expect(await pendingMigrations(second.db)).toEqual([])
    const rows = await second.db.selectFrom('workspaces').select('slug').execute()
    expect(rows.map((r) => r.slug)).toEqual(['kept'])
    await second.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  // Two embedded databases started and migrated on disk: seconds alone, much longer on a machine
  // busy with the other packages' tests.
}, 120_000)

test('URLs are logged without their password', () => {
  expect(redactUrl('postgres://app:s3cret@db:5432/rapport')).toBe('postgres://app:***@db:5432/rapport')
})

describe.skipIf(!testDatabaseUrl())('statements run again and again (PostgreSQL)', () => {
  test('are prepared once per connection, give the same answers, and follow a changed table', async () => {
    // One connection, so that every run lands where the statement was prepared.
    const single = await connect({
      url: testDatabaseUrl(),
      poolSize: 1,
      schema: handle.location.match(/schema (\w+)/)?.[1],
    })
    try {
      const run = () =>
        sql<{
          n: number
          slug: string | null
        }>`select count(*)::int as n, max(slug) as slug from workspaces where slug like ${'prep-%'}`.execute(
          single.db,
        )
      const prepared = () =>
        sql<{
          n: number
        }>`select count(*)::int as n from pg_prepared_statements where statement like ${'%prep-%'} or statement like ${'%from workspaces where slug like%'}`.execute(
          single.db,
        )
      expect((await run()).rows[0]).toEqual({ n: 0, slug: null })
      expect((await prepared()).rows[0]?.n).toBe(0)
      await single.db.insertInto('workspaces').values({ name: 'Prepared', slug: 'prep-a' }).execute()
      expect((await run()).rows[0]).toEqual({ n: 1, slug: 'prep-a' })
      expect((await prepared()).rows[0]?.n).toBe(1)
      // A column added under a prepared statement: PostgreSQL plans it again, the answer stays right.
      await sql`alter table workspaces add column prep_note text`.execute(single.db)
      await single.db.insertInto('workspaces').values({ name: 'Prepared 2', slug: 'prep-b' }).execute()
      expect((await run()).rows[0]).toEqual({ n: 2, slug: 'prep-b' })
      await sql`alter table workspaces drop column prep_note`.execute(single.db)
    } finally {
      await single.close()
    }
  })
})

describe('prepared statement names', () => {
  test('stop past the cap, so that varying SQL cannot fill the server with plans', () => {
    const statements = new PreparedStatements(2)
    expect(statements.nameFor('select 1')).toBeUndefined()
    expect(statements.nameFor('select 1')).toMatch(/^r_[0-9a-f]{24}$/)
    expect(statements.nameFor('select 1')).toBe(statements.nameFor('select 1'))
    statements.nameFor('select 2')
    expect(statements.nameFor('select 2')).toBeDefined()
    statements.nameFor('select 3')
    expect(statements.nameFor('select 3')).toBeUndefined()
  })
})
