import type { EnvelopeInput } from '@rapport/plugin-sdk'
import { collectStream } from '@rapport/plugin-testkit'
import { describe, expect, test } from 'vitest'
import { orderEnvelopes } from '../src/envelopes.js'
import { plugin } from '../src/index.js'
import { fixtureServers, good } from './helpers.js'

const server = fixtureServers()

/** What a record envelope says at a glance: which object, its status, and its timeline event. */
const summary = (envelopes: EnvelopeInput[]) =>
  envelopes.map((envelope) =>
    envelope.type === 'record'
      ? [envelope.object.type, envelope.object.title, envelope.object.status, envelope.event]
      : envelope.type,
  )

describe('sale orders', () => {
  test('become order records of their partner; a confirmed one is a timeline event', async () => {
    const { baseUrl } = await server()
    const run = await collectStream(plugin, 'orders', good(baseUrl))
    expect(run.envelopes[0]).toEqual({
      type: 'record',
      messageId: expect.stringMatching(/^sha256:/),
      occurredAt: '2026-01-20T10:15:00Z',
      identifiers: [{ type: 'odoo', value: '8' }],
      action: 'upsert',
      object: {
        type: 'order',
        externalId: '41',
        status: 'sale',
        title: 'S00041',
        amount: 1250,
        currency: 'GBP',
        properties: {
          orderedAt: '2026-01-20T10:15:00Z',
          amountUntaxed: 1041.67,
          amountTax: 208.33,
          invoiceStatus: 'to invoice',
          customerReference: 'PO-2026-007',
          salesperson: 'Mitchell Admin',
        },
      },
      event: 'Order confirmed',
    })
    expect(summary(run.envelopes)).toEqual([
      ['order', 'S00041', 'sale', 'Order confirmed'],
      ['order', 'S00042', 'draft', undefined],
      ['order', 'S00043', 'cancel', 'Order canceled'],
    ])
    expect(run.checkpoint).toEqual({ writeDate: '2026-02-02 11:00:00', id: 43 })
  })

  test('the next sync sees the quotation confirmed', async () => {
    const { baseUrl } = await server()
    const first = await collectStream(plugin, 'orders', good(baseUrl))
    const next = await collectStream(plugin, 'orders', good(baseUrl), first.checkpoint)
    expect(summary(next.envelopes)).toEqual([['order', 'S00042', 'sale', 'Order confirmed']])
    expect(next.envelopes[0]).toMatchObject({
      occurredAt: '2026-02-10T09:00:00Z',
      identifiers: [{ type: 'odoo', value: '9' }],
      object: { externalId: '42', amount: 480, currency: 'USD' },
    })
  })
})

describe('invoices and credit notes', () => {
  test('an invoice is an invoice record, a credit note a refund; paid and cancelled ones are events', async () => {
    const { baseUrl } = await server()
    const run = await collectStream(plugin, 'invoices', good(baseUrl))
    expect(summary(run.envelopes)).toEqual([
      ['invoice', 'INV/2026/00001', 'paid', 'Invoice paid'],
      ['invoice', 'INV/2026/00002', 'not_paid', undefined],
      ['refund', 'RINV/2026/00001', 'paid', 'Refund paid'],
      ['invoice', 'INV/2026/00003', 'canceled', 'Invoice canceled'],
    ])
    expect(run.envelopes[0]).toEqual({
      type: 'record',
      messageId: expect.stringMatching(/^sha256:/),
      occurredAt: '2026-01-28T12:00:00Z',
      identifiers: [{ type: 'odoo', value: '8' }],
      action: 'upsert',
      object: {
        type: 'invoice',
        externalId: '101',
        status: 'paid',
        title: 'INV/2026/00001',
        amount: 1250,
        currency: 'GBP',
        properties: {
          invoiceDate: '2026-01-21',
          dueDate: '2026-02-20',
          amountDue: 0,
          state: 'posted',
          paymentState: 'paid',
          origin: 'S00041',
          reference: 'PO-2026-007',
          billedTo: 'Analytical Engines Ltd',
        },
      },
      event: 'Invoice paid',
    })
    expect(run.envelopes[2]).toEqual({
      type: 'record',
      messageId: expect.stringMatching(/^sha256:/),
      occurredAt: '2026-02-15T15:30:00Z',
      identifiers: [{ type: 'odoo', value: '8' }],
      action: 'upsert',
      object: {
        type: 'refund',
        externalId: '103',
        status: 'paid',
        title: 'RINV/2026/00001',
        amount: 250,
        currency: 'GBP',
        properties: {
          invoiceDate: '2026-02-15',
          dueDate: '2026-02-15',
          amountDue: 0,
          state: 'posted',
          paymentState: 'paid',
          reference: 'Reversal of: INV/2026/00001, damaged unit',
          billedTo: 'Analytical Engines Ltd',
          reversedInvoiceId: '101',
          reversedInvoice: 'INV/2026/00001',
        },
      },
      event: 'Refund paid',
    })
  })

  test('the next sync sees the open invoice paid', async () => {
    const { baseUrl } = await server()
    const first = await collectStream(plugin, 'invoices', good(baseUrl))
    const next = await collectStream(plugin, 'invoices', good(baseUrl), first.checkpoint)
    expect(summary(next.envelopes)).toEqual([['invoice', 'INV/2026/00002', 'paid', 'Invoice paid']])
    expect(next.envelopes[0]).toMatchObject({
      occurredAt: '2026-03-02T10:00:00Z',
      object: { externalId: '102', properties: { amountDue: 0 } },
    })
  })
})

describe('deliveries', () => {
  test('outgoing transfers become delivery records; done is shipped; one without a partner gives nothing', async () => {
    const { baseUrl } = await server()
    const run = await collectStream(plugin, 'deliveries', good(baseUrl))
    expect(run.envelopes[0]).toEqual({
      type: 'record',
      messageId: expect.stringMatching(/^sha256:/),
      occurredAt: '2026-01-22T14:10:00Z',
      identifiers: [{ type: 'odoo', value: '8' }],
      action: 'upsert',
      object: {
        type: 'delivery',
        externalId: '201',
        status: 'done',
        title: 'WH/OUT/00001',
        properties: {
          scheduledAt: '2026-01-21T09:00:00Z',
          doneAt: '2026-01-22T14:10:00Z',
          origin: 'S00041',
        },
      },
      event: 'Delivery shipped',
    })
    expect(summary(run.envelopes)).toEqual([
      ['delivery', 'WH/OUT/00001', 'done', 'Delivery shipped'],
      ['delivery', 'WH/OUT/00002', 'cancel', 'Delivery canceled'],
    ])
    // WH/OUT/00003 has no partner: no envelope, but the checkpoint moves past it.
    expect(run.checkpoint).toEqual({ writeDate: '2026-02-05 08:00:00', id: 203 })
  })
})

describe('messageIds', () => {
  test("are the row's version in its database: the sync's, and another for another Odoo database", async () => {
    const { baseUrl } = await server()
    const run = await collectStream(plugin, 'orders', good(baseUrl))
    const config = plugin.config.parse(good(baseUrl))
    const order = {
      id: 41,
      write_date: '2026-01-20 10:15:00',
      name: 'S00041',
      partner_id: [8, 'Ada Lovelace'] as [number, string],
      state: 'sale',
      date_order: '2026-01-20 10:15:00',
      amount_untaxed: 1041.67,
      amount_tax: 208.33,
      amount_total: 1250,
      currency_id: [147, 'GBP'] as [number, string],
      invoice_status: 'to invoice',
      client_order_ref: false as const,
      user_id: false as const,
    }
    const [here] = orderEnvelopes(order, config)
    const [elsewhere] = orderEnvelopes(order, { ...config, database: 'other-company' })
    expect(here!.messageId).toBe(run.envelopes[0]!.messageId)
    expect(elsewhere!.messageId).not.toBe(here!.messageId)
    const [later] = orderEnvelopes({ ...order, write_date: '2026-01-20 10:15:01' }, config)
    expect(later!.messageId).not.toBe(here!.messageId)
  })
})
