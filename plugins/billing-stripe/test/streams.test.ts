import { type EnvelopeInput, messageIdFrom } from '@rapport/plugin-sdk'
import { collectStream } from '@rapport/plugin-testkit'
import { describe, expect, test } from 'vitest'
import { plugin } from '../src/index.js'
import { fixtureServers, good, goodKey } from './helpers.js'

const server = fixtureServers()
const listed = (object: string, id: string, snapshot: string) =>
  messageIdFrom('stripe', object, id, 'listed', snapshot)
const fromEvent = (eventId: string) => messageIdFrom('stripe', 'event', eventId)
const recordsOf = (envelopes: EnvelopeInput[]) =>
  envelopes.map((envelope) => {
    if (envelope.type !== 'record') throw new Error(`not a record: ${envelope.type}`)
    return envelope
  })
const ids = (envelopes: EnvelopeInput[]) =>
  recordsOf(envelopes).map((envelope) => [envelope.object.externalId, envelope.action, envelope.event])

describe('customers', () => {
  test('a full sync lists every customer, waits out the 429, then reads the events since it began', async () => {
    const fixtureServer = await server()
    const run = await collectStream(plugin, 'customers', good(fixtureServer.baseUrl))

    expect(run.context.waits).toContain(2000) // Retry-After: 2 on the second page
    expect(fixtureServer.requests.map((request) => [request.path, request.query])).toEqual([
      [
        '/v1/events',
        {
          limit: '1',
          'types[0]': 'customer.created',
          'types[1]': 'customer.updated',
          'types[2]': 'customer.deleted',
        },
      ],
      ['/v1/customers', { limit: '100' }],
      ['/v1/customers', { limit: '100', starting_after: 'cus_Alan1Turing' }],
      ['/v1/customers', { limit: '100', starting_after: 'cus_Alan1Turing' }],
      [
        '/v1/events',
        {
          'types[0]': 'customer.created',
          'types[1]': 'customer.updated',
          'types[2]': 'customer.deleted',
          limit: '100',
          ending_before: 'evt_1CustGraceUpdated',
        },
      ],
    ])
    expect(fixtureServer.requests[0]!.headers.authorization).toBe(`Bearer ${goodKey}`)

    expect(run.envelopes.map((envelope) => envelope.identifiers[0]!.value)).toEqual([
      'cus_Kenji2Sato',
      'cus_Alan1Turing',
      'cus_Grace0Hopper',
      'cus_Ada1Lovelace',
      'cus_Ada1Lovelace', // customer.updated
      'cus_Alan1Turing', // customer.deleted
    ])
    expect(run.envelopes[3]).toEqual({
      type: 'identify',
      messageId: listed('customer', 'cus_Ada1Lovelace', 'evt_1CustGraceUpdated'),
      occurredAt: '2026-01-12T08:00:00Z',
      identifiers: [
        { type: 'stripe', value: 'cus_Ada1Lovelace' },
        { type: 'email', value: 'ada.lovelace@example.com' },
        { type: 'phone', value: '+442071838750' },
      ],
      traits: {
        name: 'Ada Lovelace',
        email: 'ada.lovelace@example.com',
        phone: '+44 20 7183 8750',
        company: 'Analytical Engines Ltd',
        address: {
          line1: "12 St James's Square",
          city: 'London',
          postalCode: 'SW1Y 4JH',
          country: 'GB',
        },
        stripeDelinquent: false,
        stripeDeleted: false,
      },
    })
    // A phone typed without its country code is kept as a trait but not matched on.
    expect(run.envelopes[2]!.identifiers).toEqual([
      { type: 'stripe', value: 'cus_Grace0Hopper' },
      { type: 'email', value: 'grace.hopper@example.com' },
    ])
    expect(run.envelopes[2]).toMatchObject({ traits: { phone: '(202) 555-0147', stripeDelinquent: true } })
    expect(run.checkpoints).toEqual([
      {
        phase: 'list',
        events: { eventId: 'evt_1CustGraceUpdated', created: 1770724800 },
        startingAfter: 'cus_Alan1Turing',
      },
      { phase: 'events', events: { eventId: 'evt_1CustGraceUpdated', created: 1770724800 } },
      { phase: 'events', events: { eventId: 'evt_1CustAlanDeleted', created: 1771578000 } },
    ])
  })

  test('a deleted customer is an identify that says so, its messageId derived from the event id', async () => {
    const { baseUrl } = await server()
    const run = await collectStream(plugin, 'customers', good(baseUrl))
    expect(run.envelopes[5]).toEqual({
      type: 'identify',
      messageId: fromEvent('evt_1CustAlanDeleted'),
      occurredAt: '2026-02-20T09:00:00Z',
      identifiers: [
        { type: 'stripe', value: 'cus_Alan1Turing' },
        { type: 'email', value: 'alan.turing@example.com' },
      ],
      traits: {
        name: 'Alan Turing',
        email: 'alan.turing@example.com',
        stripeDelinquent: false,
        stripeDeleted: true,
      },
    })
  })

  test('a run cut short after the first page resumes with the second, not from the start', async () => {
    const { baseUrl } = await server()
    const first = await collectStream(plugin, 'customers', good(baseUrl))
    const resumed = await collectStream(plugin, 'customers', good(baseUrl), first.checkpoints[0])
    const firstPage = new Set(first.envelopes.slice(0, 2).map((envelope) => envelope.messageId))
    expect(resumed.envelopes.some((envelope) => firstPage.has(envelope.messageId))).toBe(false)
    expect(resumed.envelopes.map((envelope) => envelope.messageId)).toEqual(
      first.envelopes.slice(2).map((envelope) => envelope.messageId),
    )
  })

  test('the next sync reads only the events after the last one read', async () => {
    const fixtureServer = await server()
    const first = await collectStream(plugin, 'customers', good(fixtureServer.baseUrl))
    const requestsBefore = fixtureServer.requests.length
    const next = await collectStream(plugin, 'customers', good(fixtureServer.baseUrl), first.checkpoint)
    expect(
      fixtureServer.requests.slice(requestsBefore).map((request) => request.query.ending_before),
    ).toEqual(['evt_1CustAlanDeleted'])
    expect(next.envelopes).toEqual([
      {
        type: 'identify',
        messageId: fromEvent('evt_1CustMaryCreated'),
        occurredAt: '2026-03-01T11:00:00Z',
        identifiers: [
          { type: 'stripe', value: 'cus_Mary3Somerville' },
          { type: 'email', value: 'mary.somerville@example.com' },
        ],
        traits: {
          name: 'Mary Somerville',
          email: 'mary.somerville@example.com',
          stripeDelinquent: false,
          stripeDeleted: false,
        },
      },
    ])
    expect(next.checkpoint).toEqual({
      phase: 'events',
      events: { eventId: 'evt_1CustMaryCreated', created: 1772362800 },
    })
  })
})

describe('subscriptions', () => {
  test('canceled ones are listed too, and cancellations are timeline signals', async () => {
    const fixtureServer = await server()
    const run = await collectStream(plugin, 'subscriptions', good(fixtureServer.baseUrl))
    expect(fixtureServer.requests[1]!.query).toEqual({ limit: '100', status: 'all' })
    expect(ids(run.envelopes)).toEqual([
      ['sub_1KenjiPro', 'upsert', undefined],
      ['sub_1GraceTeam', 'upsert', undefined],
      ['sub_1AdaStudio', 'upsert', undefined],
      ['sub_1AdaStudio', 'upsert', 'Subscription cancellation scheduled'],
      ['sub_1GraceTeam', 'upsert', 'Subscription canceled'],
    ])
    expect(run.envelopes[4]).toEqual({
      type: 'record',
      messageId: fromEvent('evt_1SubGraceDeleted'),
      occurredAt: '2026-03-01T10:00:00Z',
      identifiers: [{ type: 'stripe', value: 'cus_Grace0Hopper' }],
      action: 'upsert',
      object: {
        type: 'subscription',
        externalId: 'sub_1GraceTeam',
        status: 'canceled',
        title: 'Team monthly',
        amount: 58, // 2 seats at 29.00
        currency: 'USD',
        properties: {
          interval: 'month',
          intervalCount: 1,
          cancelAtPeriodEnd: false,
          canceledAt: '2026-03-01T10:00:00Z',
          endedAt: '2026-03-01T10:00:00Z',
          startedAt: '2026-01-20T10:35:00Z',
          currentPeriodEnd: '2026-03-20T10:35:00Z',
          cancellationReason: 'payment_failed',
          items: [{ price: 'price_1TeamMonthlyUsd', product: 'prod_Team0Plan', quantity: 2 }],
        },
      },
      event: 'Subscription canceled',
    })
    expect(recordsOf(run.envelopes)[3]!.object.properties).toMatchObject({
      cancelAtPeriodEnd: true,
      cancelAt: '2026-03-12T08:05:00Z',
      cancellationFeedback: 'switched_service',
    })
  })

  test('a zero-decimal currency is not divided by 100', async () => {
    const { baseUrl } = await server()
    const [kenji] = recordsOf((await collectStream(plugin, 'subscriptions', good(baseUrl))).envelopes)
    expect(kenji!.object).toMatchObject({ amount: 4980, currency: 'JPY', status: 'active' })
  })
})

describe('invoices', () => {
  test('two pages of invoices, then failed payments and a deleted draft from the events', async () => {
    const fixtureServer = await server()
    const run = await collectStream(plugin, 'invoices', good(fixtureServer.baseUrl))
    expect(fixtureServer.requests.map((request) => request.query.starting_after ?? null).slice(1, 3)).toEqual(
      [null, 'in_1AdaFeb'],
    )
    expect(ids(run.envelopes)).toEqual([
      ['in_1GraceFeb', 'upsert', undefined],
      ['in_1KenjiFeb', 'upsert', undefined],
      ['in_1AdaFeb', 'upsert', undefined],
      ['in_1GraceJan', 'upsert', undefined],
      ['in_1AdaJan', 'upsert', undefined],
      ['in_1AdaDraft', 'upsert', undefined],
      ['in_1AdaDraft', 'delete', undefined],
      ['in_1GraceFeb', 'upsert', 'Payment failed'],
    ])
    expect(run.envelopes[4]).toEqual({
      type: 'record',
      messageId: listed('invoice', 'in_1AdaJan', 'evt_1InvGraceFailed1'),
      occurredAt: '2026-01-12T08:05:10Z', // paid_at: its latest change
      identifiers: [
        { type: 'stripe', value: 'cus_Ada1Lovelace' },
        { type: 'email', value: 'ada.lovelace@example.com' },
      ],
      action: 'upsert',
      object: {
        type: 'invoice',
        externalId: 'in_1AdaJan',
        status: 'paid',
        title: 'Invoice NW-0001',
        amount: 49,
        currency: 'GBP',
        properties: {
          number: 'NW-0001',
          amountDue: 49,
          amountPaid: 49,
          amountRemaining: 0,
          paidAt: '2026-01-12T08:05:10Z',
          subscription: 'sub_1AdaStudio',
          billingReason: 'subscription_create',
          attemptCount: 1,
          hostedInvoiceUrl: 'https://invoice.stripe.com/i/acct_1NwOutfitters0A/test_1AdaJan',
        },
      },
    })
    expect(recordsOf(run.envelopes)[7]).toMatchObject({
      messageId: fromEvent('evt_1InvGraceFailed2'),
      occurredAt: '2026-02-27T10:00:05Z',
      object: { status: 'open', amount: 58, currency: 'USD', properties: { attemptCount: 2 } },
    })
  })

  test('paid invoices carry what lifetime value adds up, in major units per currency', async () => {
    const { baseUrl } = await server()
    const paid = recordsOf((await collectStream(plugin, 'invoices', good(baseUrl))).envelopes)
      .filter((envelope) => envelope.object.status === 'paid')
      .map((envelope) => [envelope.object.externalId, envelope.object.amount, envelope.object.currency])
    expect(paid).toEqual([
      ['in_1KenjiFeb', 4980, 'JPY'],
      ['in_1AdaFeb', 49, 'GBP'],
      ['in_1GraceJan', 58, 'USD'],
      ['in_1AdaJan', 49, 'GBP'],
    ])
  })

  test('the next sync reads the voided invoice', async () => {
    const { baseUrl } = await server()
    const first = await collectStream(plugin, 'invoices', good(baseUrl))
    const next = await collectStream(plugin, 'invoices', good(baseUrl), first.checkpoint)
    expect(recordsOf(next.envelopes).map((envelope) => [envelope.object.status, envelope.event])).toEqual([
      ['void', 'Invoice voided'],
    ])
  })
})

describe('charges', () => {
  test('payments of customers and of guests with an e-mail; one that names nobody is left out', async () => {
    const { baseUrl } = await server()
    const run = await collectStream(plugin, 'charges', good(baseUrl))
    expect(ids(run.envelopes).slice(0, 3)).toEqual([
      ['ch_1KenjiFeb', 'upsert', undefined],
      ['ch_1BabbageGuest', 'upsert', undefined],
      ['ch_1AdaJan', 'upsert', undefined],
    ])
    expect(run.envelopes[1]!.identifiers).toEqual([{ type: 'email', value: 'charles.babbage@example.com' }])
    expect(run.context.logs).toContainEqual({
      level: 'debug',
      message: 'left out charges that name no customer, e-mail or phone',
      fields: { count: 1 },
    })
  })

  test('the events come in two pages, oldest first, the cursor moving to the newest read', async () => {
    const fixtureServer = await server()
    const run = await collectStream(plugin, 'charges', good(fixtureServer.baseUrl))
    expect(
      fixtureServer.requests
        .filter((request) => request.query.ending_before)
        .map((r) => r.query.ending_before),
    ).toEqual(['evt_1ChKenjiSucceeded', 'evt_1ChKenjiRefunded'])
    expect(ids(run.envelopes).slice(3)).toEqual([
      ['ch_1GraceFebFailed', 'upsert', 'Payment failed'],
      ['ch_1KenjiFeb', 'upsert', 'Payment refunded'],
      ['ch_1GraceFebRetry', 'upsert', 'Payment failed'],
    ])
    expect(run.envelopes[3]).toEqual({
      type: 'record',
      messageId: fromEvent('evt_1ChGraceFailed'),
      occurredAt: '2026-02-20T10:00:04Z',
      identifiers: [
        { type: 'stripe', value: 'cus_Grace0Hopper' },
        { type: 'email', value: 'grace.hopper@example.com' },
      ],
      action: 'upsert',
      object: {
        type: 'payment',
        externalId: 'ch_1GraceFebFailed',
        status: 'failed',
        title: 'Subscription update',
        amount: 58,
        currency: 'USD',
        properties: {
          refunded: false,
          disputed: false,
          failureCode: 'card_declined',
          failureMessage: 'Your card was declined.',
          outcome: 'The bank did not return any further details with this decline.',
          paymentIntent: 'pi_1GraceFeb',
          receiptUrl: 'https://pay.stripe.com/receipts/payment/test_1GraceFebFailed',
        },
      },
      event: 'Payment failed',
    })
    expect(run.checkpoints.slice(1)).toEqual([
      { phase: 'events', events: { eventId: 'evt_1ChKenjiRefunded', created: 1771761601 } },
      { phase: 'events', events: { eventId: 'evt_1ChGraceRetryFailed', created: 1772186403 } },
    ])
  })
})

describe('refunds', () => {
  test("a refund belongs to its customer, or to the e-mail of the refunded guest's charge", async () => {
    const fixtureServer = await server()
    const run = await collectStream(plugin, 'refunds', good(fixtureServer.baseUrl))
    expect(fixtureServer.requests[1]!.query).toEqual({ limit: '100', 'expand[0]': 'data.charge' })
    expect(run.envelopes[0]).toEqual({
      type: 'record',
      messageId: listed('refund', 're_1KenjiPartial', 'evt_1ReKenjiCreated'),
      occurredAt: '2026-02-22T12:00:00Z',
      identifiers: [
        { type: 'stripe', value: 'cus_Kenji2Sato' },
        { type: 'email', value: 'kenji.sato@example.com' },
      ],
      action: 'upsert',
      object: {
        type: 'refund',
        externalId: 're_1KenjiPartial',
        status: 'succeeded',
        amount: 1000,
        currency: 'JPY',
        properties: {
          charge: 'ch_1KenjiFeb',
          paymentIntent: 'pi_1KenjiFeb',
          reason: 'requested_by_customer',
        },
      },
    })
    expect(run.envelopes[1]).toMatchObject({
      identifiers: [{ type: 'email', value: 'charles.babbage@example.com' }],
      object: { externalId: 're_1BabbageGuest', amount: 15, currency: 'GBP' },
    })
  })

  test('a refund event without its customer (older API version) is linked through its charge', async () => {
    const fixtureServer = await server()
    const run = await collectStream(plugin, 'refunds', good(fixtureServer.baseUrl))
    expect(fixtureServer.requests.at(-1)!.path).toBe('/v1/charges/ch_1AdaJan')
    expect(run.envelopes[2]).toMatchObject({
      messageId: fromEvent('evt_1ReAdaGoodwill'),
      identifiers: [
        { type: 'stripe', value: 'cus_Ada1Lovelace' },
        { type: 'email', value: 'ada.lovelace@example.com' },
        { type: 'phone', value: '+442071838750' },
      ],
      object: { type: 'refund', externalId: 're_1AdaGoodwill', amount: 10, currency: 'GBP' },
      event: 'Refund issued',
    })
  })
})
