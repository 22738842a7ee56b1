import type { EnvelopeInput } from '@rapport/plugin-sdk'
import { collectStream, contextFor } from '@rapport/plugin-testkit'
import { describe, expect, test } from 'vitest'
import { plugin } from '../src/index.js'
import type { Checkpoint } from '../src/rows-stream.js'
import { type ConfigInput, customersConfig, ordersConfig, visitsConfig } from './configs.js'
import { useScratchSchema } from './database.js'

const db = useScratchSchema()
const externalIds = (envelopes: EnvelopeInput[]) =>
  envelopes.map((envelope) => (envelope.type === 'record' ? envelope.object.externalId : envelope.type))

/** Reads only the first batch, then stops the way a crashed or cancelled run does. */
async function firstBatch(config: ConfigInput) {
  const parsed = plugin.config.parse(config)
  const batches = plugin.streams!.rows!.read(contextFor(plugin, parsed).ctx, {
    config: parsed,
    checkpoint: undefined,
  })
  for await (const batch of batches) return batch as { envelopes: EnvelopeInput[]; checkpoint: Checkpoint }
  throw new Error('no batch')
}

describe('batches and checkpoints', () => {
  test('one batch per batchSize rows, each with the position of its last row', async () => {
    const run = await collectStream(plugin, 'rows', { ...ordersConfig(db.name), batchSize: 2 })
    const columns = ['updated_at', 'order_no']
    expect(run.checkpoints).toEqual([
      { columns, value: '2026-02-28 23:59:59+00', key: '5002' },
      { columns, value: '2026-02-28 23:59:59+00', key: '5004' },
      { columns, value: '2026-03-02 10:00:00+00', key: '5006' },
    ])
    expect(externalIds(run.envelopes)).toEqual(['5001', '5002', '5003', '5004'])
  })

  test('a run that stops inside rows sharing one updated_at resumes after the last row read', async () => {
    const config = { ...ordersConfig(db.name), batchSize: 2 }
    const crashed = await firstBatch(config)
    // 5002, 5003 and 5004 share 2026-02-28 23:59:59; the run stopped after 5002.
    expect(crashed.checkpoint).toMatchObject({ value: '2026-02-28 23:59:59+00', key: '5002' })
    const resumed = await collectStream(plugin, 'rows', config, crashed.checkpoint)
    expect(externalIds(resumed.envelopes)).toEqual(['5003', '5004'])
    const full = await collectStream(plugin, 'rows', config)
    expect([...crashed.envelopes, ...resumed.envelopes].map((envelope) => envelope.messageId)).toEqual(
      full.envelopes.map((envelope) => envelope.messageId),
    )
  })

  test('the checkpoint keeps the microseconds of a timestamp, so the boundary row is not read again', async () => {
    const config = { ...customersConfig(db.name), batchSize: 3 }
    const first = await firstBatch(config)
    expect(first.checkpoint).toMatchObject({ value: '2026-02-20 16:45:00.123456+00', key: 'C-1003' })
    const rest = await collectStream(plugin, 'rows', config, first.checkpoint)
    expect(rest.envelopes.map((envelope) => envelope.identifiers[0]!.value)).toEqual(['C-1004'])
  })

  test('a fixed-width key resumes at the right row (the checkpoint is cast back to character(4))', async () => {
    await db.sql(
      `create table branches (code char(4) primary key, manager_email text, updated_at date not null)`,
    )
    await db.sql(`insert into branches values ('LDN1', 'ada.lovelace@example.com', '2026-03-01'),
      ('LDN2', 'grace.hopper@example.com', '2026-03-01'), ('MAN1', 'alan.turing@example.com', '2026-03-01')`)
    const config: ConfigInput = {
      ...customersConfig(db.name),
      table: db.table('branches'),
      keyColumn: 'code',
      batchSize: 1,
      mapping: { kind: 'identify', identifiers: { email: 'manager_email' } },
    }
    const first = await firstBatch(config)
    expect(first.checkpoint).toEqual({ columns: ['updated_at', 'code'], value: '2026-03-01', key: 'LDN1' })
    const rest = await collectStream(plugin, 'rows', config, first.checkpoint)
    expect(rest.envelopes.map((envelope) => envelope.identifiers[0]!.value)).toEqual([
      'grace.hopper@example.com',
      'alan.turing@example.com',
    ])
  })

  test('a sequence as incremental column', async () => {
    const columns = ['visit_id', 'visit_id']
    const rest = await collectStream(plugin, 'rows', visitsConfig(db.name), {
      columns,
      value: '90002',
      key: '90002',
    })
    expect(rest.envelopes.map((envelope) => envelope.type === 'track' && envelope.properties)).toEqual([
      { path: '/orders/5001' },
    ])
    expect(rest.checkpoint).toEqual({ columns, value: '90004', key: '90004' })
  })

  test('a checkpoint that does not fit the column fails clearly, before any batch', async () => {
    const config = plugin.config.parse(ordersConfig(db.name))
    const batches = plugin.streams!.rows!.read(contextFor(plugin, config).ctx, {
      config,
      checkpoint: { columns: ['updated_at', 'order_no'], value: 'not a time', key: '5001' },
    })
    const yielded: unknown[] = []
    const reading = (async () => {
      for await (const batch of batches) yielded.push(batch)
    })()
    await expect(reading).rejects.toMatchObject({
      name: 'ConfigurationError',
      message: expect.stringContaining(
        'invalid input syntax for type timestamp with time zone: "not a time"',
      ),
    })
    expect(yielded).toEqual([])
  })
})

describe('a changed config', () => {
  test('a position taken in other columns is refused rather than misread', async () => {
    const first = await collectStream(plugin, 'rows', ordersConfig(db.name))
    const failure = collectStream(
      plugin,
      'rows',
      { ...ordersConfig(db.name), incrementalColumn: 'placed_at' },
      first.checkpoint,
    )
    await expect(failure).rejects.toMatchObject({
      name: 'ConfigurationError',
      message:
        "the saved sync position is in (updated_at, order_no) but the settings now read by (placed_at, order_no): reset the source's sync position to read the table from the start",
    })
  })

  test('the same columns of another table or view go on from the position', async () => {
    await db.sql(`create view paid_orders as select * from orders where status = 'paid'`)
    const first = await firstBatch({ ...ordersConfig(db.name), batchSize: 1 })
    const moved = await collectStream(
      plugin,
      'rows',
      { ...ordersConfig(db.name), table: db.table('paid_orders') },
      first.checkpoint,
    )
    expect(externalIds(moved.envelopes)).toEqual(['5002'])
  })
})

describe('what the next sync reads', () => {
  test('nothing when nothing changed; the changed row when one did, as a new version', async () => {
    await db.sql(`create table invoices as select * from orders`)
    await db.sql(`alter table invoices add primary key (order_no)`)
    const config = { ...ordersConfig(db.name), table: db.table('invoices') }
    const first = await collectStream(plugin, 'rows', config)
    const quiet = await collectStream(plugin, 'rows', config, first.checkpoint)
    expect(quiet.envelopes).toEqual([])
    expect(quiet.checkpoint).toEqual(first.checkpoint)

    await db.sql(
      `update invoices set status = 'refunded', updated_at = '2026-03-05 12:00:00+00' where order_no = 5001`,
    )
    const next = await collectStream(plugin, 'rows', config, first.checkpoint)
    expect(next.envelopes).toEqual([
      expect.objectContaining({
        occurredAt: '2026-03-05T12:00:00Z',
        object: expect.objectContaining({ externalId: '5001', status: 'refunded' }),
      }),
    ])
    expect(first.envelopes.map((envelope) => envelope.messageId)).not.toContain(next.envelopes[0]!.messageId)
  })

  test('a row committed late with an older updated_at is behind the checkpoint; lagSeconds waits for it', async () => {
    await db.sql(
      `create table payments (id int primary key, customer_no text, updated_at timestamptz not null)`,
    )
    await db.sql(`insert into payments values (1, 'C-1001', now() - interval '2 hours'),
                                             (3, 'C-1004', now() - interval '1 minute')`)
    const config = {
      ...customersConfig(db.name),
      table: db.table('payments'),
      keyColumn: 'id',
      mapping: { kind: 'identify' as const, identifiers: { erp: 'customer_no' } },
    }
    const patientConfig = { ...config, lagSeconds: 3600 }
    const customers = (run: { envelopes: EnvelopeInput[] }) =>
      run.envelopes.map((envelope) => envelope.identifiers[0]!.value)

    const eager = await collectStream(plugin, 'rows', config)
    const patient = await collectStream(plugin, 'rows', patientConfig)
    expect(customers(eager)).toEqual(['C-1001', 'C-1004'])
    // Row 3 changed less than an hour ago: it waits for a later sync.
    expect(customers(patient)).toEqual(['C-1001'])

    // A transaction that began 10 minutes ago commits now: its updated_at (now()) is 10 minutes old,
    // older than row 3, which the eager sync has already read.
    await db.sql(`insert into payments values (2, 'C-1002', now() - interval '10 minutes')`)

    // Without lag the late row is behind the checkpoint: never read.
    expect(customers(await collectStream(plugin, 'rows', config, eager.checkpoint))).toEqual([])
    // With the lag it is not read yet either, but it is ahead of the checkpoint...
    expect(customers(await collectStream(plugin, 'rows', patientConfig, patient.checkpoint))).toEqual([])
    // ...so an hour later it is read, in order. (An hour later, now - 1 hour is about where now - 30 s
    // is today: the test moves the bound by shortening the lag rather than by waiting.)
    const later = await collectStream(plugin, 'rows', { ...config, lagSeconds: 30 }, patient.checkpoint)
    expect(customers(later)).toEqual(['C-1002', 'C-1004'])
  })
})
