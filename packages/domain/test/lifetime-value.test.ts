import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  lifetimeValue,
  lifetimeValueContribution,
  lifetimeValueOfGroups,
  type ValueGroup,
  type ValueRecord,
} from '../src/index.js'
import { inTwoOrders } from './in-two-orders.js'

describe('lifetime value', () => {
  test('a paid invoice adds its amount; other invoices add nothing', () => {
    expect(
      lifetimeValueContribution({ type: 'invoice', status: 'paid', amount: 12.5, currency: 'EUR' }),
    ).toEqual({
      currency: 'EUR',
      amount: 12.5,
    })
    expect(
      lifetimeValueContribution({ type: 'invoice', status: 'Paid ', amount: 1, currency: 'eur' }),
    ).toEqual({
      currency: 'EUR',
      amount: 1,
    })
    for (const status of ['open', 'draft', 'void', 'uncollectible', null, undefined])
      expect(
        lifetimeValueContribution({ type: 'invoice', status, amount: 10, currency: 'EUR' }),
      ).toBeUndefined()
  })

  test('a refund takes its amount off unless it failed, was canceled or is still a draft', () => {
    expect(
      lifetimeValueContribution({ type: 'refund', status: 'succeeded', amount: 5, currency: 'EUR' }),
    ).toEqual({
      currency: 'EUR',
      amount: -5,
    })
    expect(lifetimeValueContribution({ type: 'refund', amount: -5, currency: 'EUR' })?.amount).toBe(-5)
    for (const status of ['failed', 'canceled', 'cancelled', 'FAILED', 'draft'])
      expect(
        lifetimeValueContribution({ type: 'refund', status, amount: 5, currency: 'EUR' }),
      ).toBeUndefined()
  })

  test('deleted records, other types and records without amount or currency add nothing', () => {
    const paid = { type: 'invoice', status: 'paid', amount: 10, currency: 'EUR' }
    expect(lifetimeValueContribution({ ...paid, deleted: true })).toBeUndefined()
    expect(lifetimeValueContribution({ ...paid, type: 'order' })).toBeUndefined()
    expect(lifetimeValueContribution({ ...paid, type: 'payment' })).toBeUndefined()
    expect(lifetimeValueContribution({ ...paid, amount: null })).toBeUndefined()
    expect(lifetimeValueContribution({ ...paid, amount: Number.NaN })).toBeUndefined()
    expect(lifetimeValueContribution({ ...paid, currency: null })).toBeUndefined()
  })

  test('totals are kept per currency and rounded to the cent', () => {
    const records: ValueRecord[] = [
      { type: 'invoice', status: 'paid', amount: 0.1, currency: 'EUR' },
      { type: 'invoice', status: 'paid', amount: 0.2, currency: 'EUR' },
      { type: 'invoice', status: 'paid', amount: 100, currency: 'USD' },
      { type: 'refund', status: 'succeeded', amount: 100, currency: 'USD' },
      { type: 'invoice', status: 'open', amount: 50, currency: 'GBP' },
    ]
    expect(lifetimeValue(records)).toEqual({ EUR: 0.3, USD: 0 })
    expect(Object.is(lifetimeValue(records).USD, 0)).toBe(true)
    expect(lifetimeValue([])).toEqual({})
  })

  test('the total does not depend on the order of the records', () => {
    const record = fc.record({
      type: fc.constantFrom('invoice', 'refund', 'order'),
      status: fc.constantFrom('paid', 'open', 'succeeded', 'failed', null),
      amount: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      currency: fc.constantFrom('EUR', 'USD'),
      deleted: fc.boolean(),
    })
    fc.assert(
      fc.property(inTwoOrders(fc.array(record, { maxLength: 30 })), ([list, shuffled]) => {
        const total = lifetimeValue(list)
        expect(lifetimeValue(shuffled)).toEqual(total)
        for (const value of Object.values(total)) expect(Math.round(value * 100) / 100).toBe(value)
      }),
    )
  })

  test('summed in groups (as the database sends them), the total is the same as record by record', () => {
    // Amounts in whole cents, as invoices carry them: rounding each to the cent is then exact. Zero
    // and no amount at all, often.
    const record = fc.record({
      type: fc.constantFrom('invoice', 'refund', 'order'),
      status: fc.constantFrom('paid', 'Paid', 'open', 'succeeded', 'failed', null),
      amount: fc.oneof(
        fc.constant(0),
        fc.constant(null),
        fc.integer({ min: -10_000_000, max: 10_000_000 }).map((cents) => cents / 100),
      ),
      currency: fc.constantFrom('EUR', 'eur', 'USD', null),
      deleted: fc.boolean(),
    })
    const grouped = (records: ValueRecord[]): ValueGroup[] => {
      const groups = new Map<string, ValueGroup>()
      for (const r of records) {
        const key = JSON.stringify([r.type, r.status, r.currency, r.deleted])
        const group = groups.get(key) ?? {
          ...r,
          amount: undefined,
          positiveCents: 0,
          negativeCents: 0,
          amounts: 0,
        }
        groups.set(key, group)
        if (typeof r.amount !== 'number') continue
        group.amounts += 1
        const cents = Math.round(Math.abs(r.amount) * 100)
        if (r.amount > 0) group.positiveCents += cents
        else group.negativeCents += cents
      }
      return [...groups.values()]
    }
    fc.assert(
      fc.property(fc.array(record, { maxLength: 40 }), (records) => {
        expect(lifetimeValueOfGroups(grouped(records))).toEqual(lifetimeValue(records))
      }),
    )
    expect(
      lifetimeValueOfGroups([
        {
          type: 'invoice',
          status: 'paid',
          currency: 'EUR',
          positiveCents: 10_050,
          negativeCents: 50,
          amounts: 3,
        },
        {
          type: 'refund',
          status: 'succeeded',
          currency: 'EUR',
          positiveCents: 1_000,
          negativeCents: 500,
          amounts: 2,
        },
        {
          type: 'refund',
          status: 'failed',
          currency: 'EUR',
          positiveCents: 9_999,
          negativeCents: 0,
          amounts: 1,
        },
      ]),
    ).toEqual({ EUR: 85 })
    // A paid invoice of 0 (found by this property: a customer's only invoice, fully discounted).
    const free = { type: 'invoice', status: 'paid', currency: 'EUR', deleted: false }
    expect(lifetimeValue([{ ...free, amount: 0 }])).toEqual({ EUR: 0 })
    expect(lifetimeValueOfGroups([{ ...free, positiveCents: 0, negativeCents: 0, amounts: 1 }])).toEqual({
      EUR: 0,
    })
    // Invoices without an amount name no currency, one by one or in a group.
    expect(lifetimeValueOfGroups([{ ...free, positiveCents: 0, negativeCents: 0, amounts: 0 }])).toEqual({})
  })
})
