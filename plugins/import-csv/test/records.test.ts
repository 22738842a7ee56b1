import { envelopeSchema } from '@rapport/plugin-sdk'
import { describe, expect, it } from 'vitest'
import { fixture, importCsv } from './helpers.js'
import { euOrders, field, ordersExport, ordersWith } from './mappings.js'

describe('an orders export (amounts, currencies, quoted titles)', () => {
  it('makes one record upsert per order, with the customer identifiers', async () => {
    const { envelopes, failures } = await importCsv(fixture('orders-export.csv'), ordersExport)
    expect(failures).toEqual([])
    for (const envelope of envelopes) expect(envelopeSchema.parse(envelope)).toEqual(envelope)
    expect(envelopes[0]).toEqual({
      type: 'record',
      action: 'upsert',
      messageId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      identifiers: [
        { type: 'email', value: 'anna.mueller@example.de' },
        { type: 'shopify', value: 'cus_001' },
      ],
      occurredAt: '2024-03-01T10:22:03.000Z',
      object: {
        type: 'order',
        externalId: '#1001',
        status: 'paid',
        title: 'Espresso machine, 1.2 l',
        amount: 129.9,
        currency: 'EUR',
        properties: { shippingMethod: 'Standard' },
      },
    })
  })

  it('reads amounts with thousands separators, signs and zero, and upper-cases currencies', async () => {
    const { envelopes } = await importCsv(fixture('orders-export.csv'), ordersExport)
    const objects = envelopes.map((envelope) => (envelope.type === 'record' ? envelope.object : undefined))
    expect(objects.map((object) => [object?.externalId, object?.amount, object?.currency])).toEqual([
      ['#1001', 129.9, 'EUR'],
      ['#1002', 1249, 'EUR'],
      ['#1003', -15.5, 'USD'],
      ['#1004', 0, 'GBP'],
    ])
    expect(objects[3]?.title).toBe('Gift card "Welcome"')
    expect(envelopes[2]?.identifiers).toEqual([{ type: 'shopify', value: 'cus_003' }])
    expect(envelopes[3]?.occurredAt).toBe('2024-03-04T15:45:00.000Z')
  })
})

describe('a European export (semicolons, decimal commas, DD.MM.YYYY, a type column)', () => {
  it('finds the semicolon, reads 1.234,56 and 05.03.2024, and turns the type into kebab-case', async () => {
    const { envelopes, failures } = await importCsv(fixture('orders-eu-semicolon.csv'), euOrders, {
      defaultCurrency: 'EUR',
    })
    expect(failures).toEqual([])
    expect(
      envelopes.map((envelope) =>
        envelope.type === 'record'
          ? [envelope.object.type, envelope.object.amount, envelope.object.currency, envelope.occurredAt]
          : [],
      ),
    ).toEqual([
      ['order', 1234.56, 'EUR', '2024-03-05T00:00:00.000Z'],
      ['invoice', 89.9, 'EUR', '2024-03-06T13:30:00.000Z'],
      // No currency in the file: the default currency from the settings.
      ['sales-order', 12, 'EUR', '2024-03-07T00:00:00.000Z'],
    ])
  })

  it('without a default currency, an amount whose currency cell is empty is a failure', async () => {
    const { envelopes, failures } = await importCsv(fixture('orders-eu-semicolon.csv'), euOrders)
    expect(envelopes).toHaveLength(2)
    expect(failures).toEqual([
      {
        row: 4,
        reason: 'the amount 12 has no currency: "Währung" is empty',
        raw: expect.objectContaining({ Bestellnummer: 'B-2024-003', Währung: '' }),
      },
    ])
  })

  it('uses the record type of the upload when the type cell is empty', async () => {
    const csv = 'id;email;kind\nD-1;a@example.com;deal\nD-2;b@example.com;\n'
    const { envelopes } = await importCsv(csv, ordersWith({ kind: field('type') }, { recordType: 'ticket' }))
    expect(envelopes.map((envelope) => envelope.type === 'record' && envelope.object.type)).toEqual([
      'deal',
      'ticket',
    ])
  })

  it('takes occurredAt from occurredAtColumn as well as from the record field', async () => {
    const csv = 'id,email,when\nI-1,a@example.com,2024-05-06T07:08:09Z\n'
    const { envelopes } = await importCsv(csv, ordersWith({}, { occurredAtColumn: 'when' }))
    expect(envelopes[0]?.occurredAt).toBe('2024-05-06T07:08:09.000Z')
  })
})
