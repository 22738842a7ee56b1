import { describe, expect, it } from 'vitest'
import { parseCsvUpload } from '../src/index.js'
import { fixture, importCsv, testContext } from './helpers.js'
import {
  badRowsOrders,
  contactsWith,
  crmContacts,
  email,
  field,
  ordersExport,
  ordersWith,
  trait,
} from './mappings.js'

const userId = { to: 'identifier', type: 'userId' } as const
const orders = ordersWith({
  customer: userId,
  total: field('amount'),
  currency: field('currency'),
  placed: field('occurredAt'),
  note: { to: 'property', key: 'note' },
})

/** A large orders file: every 1000th row has a bad amount, notes with commas and quotes. */
function generatedOrders(rows: number): string {
  const lines = ['id,email,customer,total,currency,placed,note']
  for (let i = 1; i <= rows; i++) {
    const total = i % 1000 === 0 ? 'n/a' : `${(i % 997) + 0.25}`
    const day = String((i % 28) + 1).padStart(2, '0')
    lines.push(
      `ORD-${i},customer${i % 5000}@example.com,u-${i % 5000},${total},EUR,2024-02-${day}T10:00:00Z,"gift, wrapped ""${i}"""`,
    )
  }
  return `${lines.join('\r\n')}\r\n`
}

describe('a large file', () => {
  it('streams 20,000 rows as batches of batchSize with progress rising to 1', async () => {
    const csv = generatedOrders(20_000)
    const { batches, envelopes, failures } = await importCsv(csv, orders)

    expect(envelopes).toHaveLength(19_980)
    expect(failures).toHaveLength(20)
    expect(failures[0]).toMatchObject({
      row: 1001,
      reason: '"total" is not an amount: "n/a" (decimal point expected)',
    })

    const sizes = batches.map((batch) => batch.envelopes.length)
    expect(sizes.slice(0, -1).every((size) => size === 500)).toBe(true)
    expect(sizes.at(-1)).toBe(19_980 - 500 * 39)
    expect(batches).toHaveLength(40)

    const progress = batches.map((batch) => batch.progress)
    expect(progress.every((value, i) => value >= 0 && value <= 1 && value >= (progress[i - 1] ?? 0))).toBe(
      true,
    )
    expect(progress.at(-1)).toBe(1)
    expect(progress.filter((value) => value < 1)).toHaveLength(39)
    // Progress follows the bytes read: the 20th batch of 40 ends near the middle of the file.
    expect(progress[19]).toBeGreaterThan(0.45)
    expect(progress[19]).toBeLessThan(0.55)

    expect(new Set(envelopes.map((envelope) => envelope.messageId)).size).toBe(19_980)
  })

  it('yields batches as it reads, not all at the end', async () => {
    const content = Buffer.from(generatedOrders(5_000))
    const parts = parseCsvUpload(testContext().ctx, {
      config: {},
      options: { ...orders, batchSize: 100 },
      content,
    })
    const first = await parts[Symbol.asyncIterator]().next()
    expect(first.done).toBe(false)
    expect(first.value?.envelopes).toHaveLength(100)
    expect(first.value?.progress).toBeLessThan(0.1)
  })

  it('sends failures in batches of batchSize too, when a file is mostly bad', async () => {
    const lines = [
      'email,name',
      ...Array.from({ length: 25 }, (_, i) => `,nobody ${i}`),
      'ann@example.com,Ann',
    ]
    const { batches } = await importCsv(
      lines.join('\n'),
      contactsWith({ name: trait('name') }, { batchSize: 10 }),
    )
    expect(batches.map((batch) => [batch.envelopes.length, batch.failures.length])).toEqual([
      [0, 10],
      [0, 10],
      [1, 5],
    ])
    expect(batches.at(-1)?.progress).toBe(1)
  })

  it('stops when the run is cancelled', async () => {
    const context = testContext()
    const content = Buffer.from(generatedOrders(10_000))
    const read = async () => {
      for await (const _ of parseCsvUpload(context.ctx, { config: {}, options: orders, content })) {
        context.abort(new Error('cancelled by the user'))
      }
    }
    await expect(read()).rejects.toThrow('cancelled by the user')
  })
})

describe('messageIds', () => {
  it('are the same when the same file is imported again, even at another time', async () => {
    const first = await importCsv(fixture('orders-export.csv'), ordersExport)
    const again = await importCsv(fixture('orders-export.csv'), { ...ordersExport, batchSize: 1 })
    expect(again.envelopes.map((envelope) => envelope.messageId)).toEqual(
      first.envelopes.map((envelope) => envelope.messageId),
    )

    // Without a date column occurredAt is the import time, which the id leaves out.
    const undated = { ...crmContacts, occurredAtColumn: undefined }
    const now = await importCsv(fixture('contacts-crm-export.csv'), undated)
    const later = await importCsv(
      fixture('contacts-crm-export.csv'),
      undated,
      {},
      testContext(new Date('2030-01-01T00:00:00Z')),
    )
    expect(later.envelopes.map((envelope) => envelope.messageId)).toEqual(
      now.envelopes.map((envelope) => envelope.messageId),
    )
    expect(later.envelopes[0]?.occurredAt).toBe('2030-01-01T00:00:00.000Z')
  })

  it('do not depend on the order of the columns, in the file or in the mapping', async () => {
    const a = await importCsv('email,name,id\nann@example.com,Ann,1\n', {
      kind: 'contacts',
      columns: { email, name: trait('name'), id: userId },
    })
    const b = await importCsv('id;name;email\n1;Ann;ann@example.com\n', {
      kind: 'contacts',
      columns: { id: userId, name: trait('name'), email },
    })
    expect(b.envelopes[0]?.messageId).toBe(a.envelopes[0]?.messageId)
  })

  it('change when the row changes and when the mapping changes', async () => {
    const named = contactsWith({ name: trait('name') })
    const base = await importCsv('email,name\nann@example.com,Ann\n', named)
    const edited = await importCsv('email,name\nann@example.com,Anne\n', named)
    const remapped = await importCsv(
      'email,name\nann@example.com,Ann\n',
      contactsWith({ name: trait('firstName') }),
    )
    const ids = [base, edited, remapped].map((run) => run.envelopes[0]?.messageId)
    expect(new Set(ids).size).toBe(3)
  })

  it('are the same for two identical rows, so the core keeps one', async () => {
    const { envelopes } = await importCsv(
      'email,name\nann@example.com,Ann\nann@example.com,Ann\n',
      contactsWith({ name: trait('name') }),
    )
    expect(envelopes[0]?.messageId).toBe(envelopes[1]?.messageId)
  })
})

describe('the run log', () => {
  it('says how many rows, envelopes and failures, and nothing from the rows', async () => {
    const context = testContext()
    await importCsv(
      fixture('bad-rows.csv'),
      { ...badRowsOrders, columns: { order_id: field('externalId'), email } },
      {},
      context,
    )
    expect(context.logs).toEqual([
      {
        level: 'info',
        message: 'CSV upload read',
        fields: { rows: 10, envelopes: 5, failures: 5, delimiter: ',', kind: 'records' },
      },
    ])
  })
})
