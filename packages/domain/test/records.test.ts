import { describe, expect, test } from 'vitest'
import { isOpenRecord, normalizeStatus, openRecordCounts } from '../src/index.js'

describe('open items', () => {
  test('statuses are compared in one spelling', () => {
    expect(normalizeStatus(' Past_due ')).toBe('past-due')
    expect(normalizeStatus('Closed  Won')).toBe('closed-won')
  })

  test('a ticket is open until it is solved or closed', () => {
    for (const status of ['new', 'open', 'pending', 'hold', 'On hold'])
      expect(isOpenRecord('ticket', status)).toBe(true)
    for (const status of ['solved', 'Closed', 'deleted']) expect(isOpenRecord('ticket', status)).toBe(false)
  })

  test('an invoice is open while money is due; paid, void and draft invoices are not', () => {
    for (const status of ['open', 'past_due', 'Overdue', 'not_paid'])
      expect(isOpenRecord('invoice', status)).toBe(true)
    for (const status of ['paid', 'void', 'draft', 'uncollectible'])
      expect(isOpenRecord('invoice', status)).toBe(false)
  })

  test('a deal is open until won or lost; a subscription only when its payments fail', () => {
    expect(isOpenRecord('deal', 'contractsent')).toBe(true)
    for (const status of ['closedwon', 'Closed lost', 'won', 'lost'])
      expect(isOpenRecord('deal', status)).toBe(false)
    expect(isOpenRecord('subscription', 'past_due')).toBe(true)
    expect(isOpenRecord('subscription', 'active')).toBe(false)
  })

  test('records without a status, and types that are not items, are never open', () => {
    expect(isOpenRecord('ticket', null)).toBe(false)
    expect(isOpenRecord('ticket', '  ')).toBe(false)
    expect(isOpenRecord('order', 'pending')).toBe(false)
  })

  test('counts add up per type', () => {
    expect(
      openRecordCounts([
        { type: 'ticket', status: 'open', count: 2 },
        { type: 'ticket', status: 'pending', count: 1 },
        { type: 'ticket', status: 'solved', count: 5 },
        { type: 'invoice', status: 'paid', count: 3 },
        { type: 'order', status: 'pending', count: 4 },
      ]),
    ).toEqual({ ticket: 3 })
  })
})
