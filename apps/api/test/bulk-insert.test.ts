import { randomUUID } from 'node:crypto'
import { createTestDatabase } from '@rapport/db/testing'
import { sql } from 'kysely'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { anyOf, bulkInsert } from '../src/database/bulk-insert.js'

let database: Awaited<ReturnType<typeof createTestDatabase>>
beforeAll(async () => {
  database = await createTestDatabase()
  await sql`create table bulk_check (
    n int, id uuid, label text, amount numeric, at timestamptz, doc json, data jsonb, tags text[], workspace uuid
  )`.execute(database.db)
})
afterAll(() => database.close())

// Values that break naive encodings: quotes, backslashes, commas, braces, new lines, NULL as text.
const tricky = [
  'plain',
  'say "hi"',
  'back\\slash',
  'a,b',
  '{braces}',
  'line\nbreak',
  'NULL',
  '',
  'élan ✓',
  ' padded ',
]

test('every column of every row lands in its own row, with its type and its nulls', async () => {
  const workspace = randomUUID()
  const rows = Array.from({ length: 5000 }, (_, n) => ({
    n,
    id: n % 7 === 0 ? null : randomUUID(),
    label: n % 11 === 0 ? null : `${tricky[n % tricky.length]}#${n}`,
    amount: n % 13 === 0 ? null : n / 4,
    at: new Date(Date.UTC(2026, 0, 1) + n * 1000),
    doc: n % 5 === 0 ? undefined : { n, text: tricky[n % tricky.length], list: [n, null] },
    data: n % 3 === 0 ? null : tricky[n % tricky.length],
    tags: n % 17 === 0 ? null : n % 2 ? [] : [tricky[n % tricky.length], `${n}`, null],
    ignored: 'not a column',
  }))
  await bulkInsert(
    'bulk_check',
    {
      n: 'int',
      id: 'uuid',
      label: 'text',
      amount: 'numeric',
      at: 'timestamptz',
      doc: 'json',
      data: 'jsonb',
      tags: 'text[]',
      workspace: 'uuid',
    },
    rows,
    { workspace },
  ).execute(database.db)

  const stored = await sql<{
    n: number
    id: string | null
    label: string | null
    amount: string | null
    at: Date
    doc: unknown
    data: unknown
    tags: string[] | null
    workspace: string
  }>`select * from bulk_check order by n`.execute(database.db)
  expect(stored.rows).toHaveLength(rows.length)
  for (const [i, row] of stored.rows.entries()) {
    const sent = rows[i]!
    expect(row).toEqual({
      n: sent.n,
      id: sent.id,
      label: sent.label,
      amount: sent.amount === null ? null : String(sent.amount),
      at: sent.at,
      // A json column's undefined or null is JSON's null, as a value of the column.
      doc: sent.doc ?? null,
      data: sent.data,
      tags: sent.tags,
      workspace,
    })
  }
  const nulls = await sql<{ doc: number; data: number }>`select
      count(*) filter (where doc is null)::int as doc, count(*) filter (where data is null)::int as data
    from bulk_check`.execute(database.db)
  expect(nulls.rows[0]).toEqual({ doc: 0, data: 0 })

  // A list as one parameter, for = any(…).
  const some = rows.filter((r) => r.id).slice(0, 300)
  const found = await sql<{ n: number }>`select n from bulk_check where id = ${anyOf(
    some.map((r) => r.id),
    'uuid',
  )} order by n`.execute(database.db)
  expect(found.rows.map((r) => r.n)).toEqual(some.map((r) => r.n))
  const labelled = await sql<{ n: number }>`select n from bulk_check where label = ${anyOf(
    some.map((r) => r.label),
    'text',
  )} order by n`.execute(database.db)
  expect(labelled.rows.map((r) => r.n)).toEqual(some.filter((r) => r.label !== null).map((r) => r.n))
})

test('an id that would need quoting in an array literal is refused, never sent', () => {
  expect(() => anyOf(['1', '2}, {3'], 'bigint')).toThrow(/not a plain array element/)
  expect(() => anyOf(['null'], 'uuid')).toThrow(/not a plain array element/)
  // An INSERT's ids travel as one comma-separated text: a comma would split a value in two.
  expect(() => bulkInsert('bulk_check', { n: 'int' }, [{ n: '1,2' }])).toThrow(/not a plain array element/)
})
