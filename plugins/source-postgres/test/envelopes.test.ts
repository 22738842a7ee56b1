import { collectStream } from '@rapport/plugin-testkit'
import { beforeAll, describe, expect, test } from 'vitest'
import { plugin } from '../src/index.js'
import { type ConfigInput, customersConfig, ordersConfig, visitsConfig } from './configs.js'
import { useScratchSchema } from './database.js'

const db = useScratchSchema()
const messageId = expect.stringMatching(/^sha256:[0-9a-f]{64}$/)

describe('a customers table mapped to identify', () => {
  test('every row is a person with their identifiers and traits', async () => {
    const run = await collectStream(plugin, 'rows', customersConfig(db.name))
    expect(run.envelopes).toHaveLength(4)
    expect(run.envelopes[0]).toEqual({
      type: 'identify',
      messageId,
      occurredAt: '2026-01-15T09:00:00Z',
      identifiers: [
        { type: 'erp', value: 'C-1001' },
        // Ada.Lovelace@Example.com in the ERP; +44 20 7183 8750 written with spaces.
        { type: 'email', value: 'ada.lovelace@example.com' },
        { type: 'phone', value: '+442071838750' },
      ],
      traits: {
        firstName: 'Ada',
        lastName: 'Lovelace',
        company: 'Analytical Engines Ltd',
        country: 'GB',
        creditLimit: 5000,
        vip: true,
        tags: ['engines', 'mathematics'],
        firstOrderOn: '2026-01-10',
        deleted: false,
      },
    })
  })

  test('empty values are left out, and a national phone number stays as written', async () => {
    const run = await collectStream(plugin, 'rows', customersConfig(db.name))
    expect(run.envelopes[3]).toEqual({
      type: 'identify',
      messageId,
      occurredAt: '2026-03-01T08:00:00Z',
      identifiers: [
        { type: 'erp', value: 'C-1004' },
        { type: 'phone', value: '020 7946 0018' },
      ],
      traits: {
        firstName: 'Charles',
        lastName: 'Babbage',
        company: 'Difference Engines',
        country: 'GB',
        creditLimit: 800,
        vip: false,
        tags: [],
        deleted: false,
      },
    })
  })

  test('a soft-deleted customer is still identified, with the trait deleted', async () => {
    const run = await collectStream(plugin, 'rows', customersConfig(db.name))
    const alan = run.envelopes[2]!
    expect(alan).toMatchObject({
      // The microseconds PostgreSQL stored are kept.
      occurredAt: '2026-02-20T16:45:00.123456Z',
      identifiers: [
        { type: 'erp', value: 'C-1003' },
        { type: 'email', value: 'alan.turing@example.com' },
        { type: 'phone', value: '+441613066000' },
      ],
    })
    expect(alan.type === 'identify' && alan.traits).toMatchObject({ deleted: true })
  })
})

describe('an orders table mapped to records', () => {
  test('an order is a record with its amount in major units and its customer', async () => {
    const run = await collectStream(plugin, 'rows', ordersConfig(db.name))
    expect(run.envelopes[0]).toEqual({
      type: 'record',
      messageId,
      occurredAt: '2026-02-02T10:00:00Z',
      identifiers: [
        { type: 'erp', value: 'C-1001' },
        { type: 'email', value: 'ada.lovelace@example.com' },
      ],
      action: 'upsert',
      object: {
        type: 'order',
        externalId: '5001',
        status: 'paid',
        title: 'PO-2026-0042',
        amount: 129.9,
        currency: 'GBP',
        properties: { placedAt: '2026-02-02T09:55:00Z', salesChannel: 'web' },
      },
    })
  })

  test('a row flagged deleted is a delete; a lower-case currency is upper-cased', async () => {
    const run = await collectStream(plugin, 'rows', ordersConfig(db.name))
    const byId = new Map(
      run.envelopes.map((envelope) => [envelope.type === 'record' && envelope.object.externalId, envelope]),
    )
    expect(byId.get('5004')).toMatchObject({
      action: 'delete',
      occurredAt: '2026-02-28T23:59:59Z',
      object: { type: 'order', externalId: '5004', status: 'open', amount: 300, currency: 'USD' },
    })
    expect(byId.get('5002')).toMatchObject({ action: 'upsert', object: { amount: 49.5, currency: 'EUR' } })
    // 5003 has no reference: no title rather than an empty one.
    const refund = byId.get('5003')
    expect(refund).toMatchObject({ object: { status: 'refunded', amount: 15 } })
    expect(refund?.type === 'record' && Object.keys(refund.object)).not.toContain('title')
  })

  test('rows that cannot map are skipped, logged with their key and counted; the checkpoint passes them', async () => {
    const run = await collectStream(plugin, 'rows', ordersConfig(db.name))
    expect(run.envelopes.map((envelope) => envelope.type === 'record' && envelope.object.externalId)).toEqual(
      ['5001', '5002', '5003', '5004'],
    )
    const warnings = run.context.logs.filter((log) => log.level === 'warn')
    expect(warnings.map((log) => log.fields)).toEqual([
      { table: `"${db.name}"."orders"`, key: '5005', reason: '"total" is "NaN", not an amount' },
      {
        table: `"${db.name}"."orders"`,
        key: '5006',
        reason: 'no identifier: "customer_no", "customer_email" are empty',
      },
    ])
    const summary = run.context.logs.find((log) => log.level === 'info')
    expect(summary?.fields).toMatchObject({ rows: 6, envelopes: 4, skipped: 2 })
    expect(run.checkpoint).toEqual({
      columns: ['updated_at', 'order_no'],
      value: '2026-03-02 10:00:00+00',
      key: '5006',
    })
  })

  test('an amount without a currency skips the row, unless the mapping gives a default currency', async () => {
    await db.sql(`update orders set currency = null where order_no = 5001`)
    try {
      const config = ordersConfig(db.name)
      const strict = await collectStream(plugin, 'rows', config)
      expect(strict.context.logs.find((log) => log.fields?.key === '5001')?.fields?.reason).toBe(
        'the amount 129.9 has no currency: "currency" is empty',
      )
      const withDefault = await collectStream(plugin, 'rows', {
        ...config,
        mapping: { ...config.mapping, currency: 'GBP' },
      })
      expect(withDefault.envelopes[0]).toMatchObject({ object: { externalId: '5001', currency: 'GBP' } })
    } finally {
      await db.sql(`update orders set currency = 'GBP' where order_no = 5001`)
    }
  })
})

describe('a view mapped to track', () => {
  test('each visit is an event at the time of the visit; the view leaves out deleted customers', async () => {
    const run = await collectStream(plugin, 'rows', visitsConfig(db.name))
    expect(run.envelopes).toHaveLength(3)
    expect(run.envelopes[1]).toEqual({
      type: 'track',
      messageId,
      occurredAt: '2026-02-03T15:20:00Z',
      identifiers: [
        { type: 'erp', value: 'C-1002' },
        { type: 'email', value: 'grace.hopper@example.com' },
      ],
      event: 'Page Viewed',
      channel: 'web',
      stage: 'use',
      properties: { path: '/docs/cobol' },
    })
    expect(run.checkpoint).toEqual({ columns: ['visit_id', 'visit_id'], value: '90004', key: '90004' })
  })

  test('the event name can come from a column, with the fixed name when it is empty', async () => {
    await db.sql(
      `create table calls (call_id int primary key, customer_no text, outcome text, called_at timestamptz)`,
    )
    await db.sql(`insert into calls values
      (1, 'C-1001', 'Callback Requested', '2026-03-03 09:00:00+00'),
      (2, 'C-1002', null, '2026-03-03 10:00:00+00')`)
    const config = {
      ...visitsConfig(db.name),
      table: db.table('calls'),
      incrementalColumn: 'called_at',
      keyColumn: 'call_id',
      mapping: {
        kind: 'track' as const,
        identifiers: { erp: 'customer_no' },
        eventColumn: 'outcome',
        channel: 'phone' as const,
      },
    }
    const named = await collectStream(plugin, 'rows', {
      ...config,
      mapping: { ...config.mapping, event: 'Call' },
    })
    expect(named.envelopes.map((envelope) => envelope.type === 'track' && envelope.event)).toEqual([
      'Callback Requested',
      'Call',
    ])
    const unnamed = await collectStream(plugin, 'rows', config)
    expect(unnamed.envelopes).toHaveLength(1)
    expect(unnamed.context.logs.find((log) => log.level === 'warn')?.fields).toMatchObject({
      key: '2',
      reason: 'no event: "outcome" is empty',
    })
  })
})

describe('messageIds', () => {
  test('the same rows give the same ids; a changed mapping gives new ones', async () => {
    const first = await collectStream(plugin, 'rows', customersConfig(db.name))
    const again = await collectStream(plugin, 'rows', customersConfig(db.name))
    expect(again.envelopes.map((envelope) => envelope.messageId)).toEqual(
      first.envelopes.map((envelope) => envelope.messageId),
    )
    const config = customersConfig(db.name)
    const remapped = await collectStream(plugin, 'rows', {
      ...config,
      mapping: { ...config.mapping, traits: { firstName: 'first_name' } },
    })
    const before = new Set(first.envelopes.map((envelope) => envelope.messageId))
    expect(remapped.envelopes.filter((envelope) => before.has(envelope.messageId))).toEqual([])
  })
})

describe('column types', () => {
  const linesConfig = (occurredAtColumn?: string): ConfigInput => ({
    connectionString: customersConfig(db.name).connectionString,
    table: `${db.name}."Order Lines"`,
    incrementalColumn: '"UpdatedAt"',
    keyColumn: '"LineId"',
    mapping: {
      kind: 'record',
      recordType: 'order-line',
      identifiers: { erp: '"Customer"' },
      externalIdColumn: '"LineId"',
      statusColumn: '"State"',
      amountColumn: '"Price"',
      currency: 'EUR',
      occurredAtColumn,
      properties: { serial: '"Serial"', shipOn: '"ShipOn"' },
    },
  })

  beforeAll(async () => {
    await db.sql(`create type line_state as enum ('open', 'shipped')`)
    await db.sql(`create domain price as numeric(14, 2)`)
    await db.sql(`create table "Order Lines" (
      "LineId" uuid primary key, "Customer" text, "State" line_state, "Price" price,
      "Serial" numeric(30, 0), "ShipOn" date, "UpdatedAt" timestamp not null)`)
    await db.sql(`insert into "Order Lines" values
      ('8d4f4c1e-2b7a-4f2e-9a55-0c6f3f1d2a01', 'C-1001', 'shipped', 19.99, 123456789012345678901234567890,
       '2026-03-10', '2026-03-09 12:00:00.5'),
      ('1b4f4c1e-2b7a-4f2e-9a55-0c6f3f1d2a03', 'C-1004', 'open', 7, 1, null, '2026-03-09 13:00:00'),
      ('0a4f4c1e-2b7a-4f2e-9a55-0c6f3f1d2a02', 'C-1002', 'open', 5, 42, null, 'infinity')`)
  })

  test('quoted names, timestamps without time zone, dates, domains, enums, uuids and long numerics', async () => {
    const run = await collectStream(plugin, 'rows', linesConfig())
    expect(run.envelopes[0]).toEqual({
      type: 'record',
      messageId,
      // A timestamp without time zone is read as UTC.
      occurredAt: '2026-03-09T12:00:00.5Z',
      identifiers: [{ type: 'erp', value: 'C-1001' }],
      action: 'upsert',
      object: {
        type: 'order-line',
        externalId: '8d4f4c1e-2b7a-4f2e-9a55-0c6f3f1d2a01',
        status: 'shipped',
        amount: 19.99,
        currency: 'EUR',
        // 30 digits do not fit a double: kept as text rather than rounded.
        properties: { serial: '123456789012345678901234567890', shipOn: '2026-03-10' },
      },
    })
    // A row updated at infinity would hold the checkpoint there for ever: it is not read.
    expect(run.envelopes).toHaveLength(2)
    expect(run.checkpoint).toEqual({
      columns: ['UpdatedAt', 'LineId'],
      value: '2026-03-09 13:00:00',
      key: '1b4f4c1e-2b7a-4f2e-9a55-0c6f3f1d2a03',
    })
  })

  test('a row without a time for occurredAt is skipped, and says why', async () => {
    const run = await collectStream(plugin, 'rows', linesConfig('"ShipOn"'))
    expect(run.envelopes.map((envelope) => envelope.occurredAt)).toEqual(['2026-03-10T00:00:00Z'])
    expect(run.context.logs.find((log) => log.level === 'warn')?.fields).toMatchObject({
      key: '1b4f4c1e-2b7a-4f2e-9a55-0c6f3f1d2a03',
      reason: '"ShipOn" is null, not a time for occurredAt',
    })
  })
})
