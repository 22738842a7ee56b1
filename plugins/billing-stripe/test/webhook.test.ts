import { messageIdFrom, WebhookVerificationError } from '@rapport/plugin-sdk'
import { collectStream, webhookRequest } from '@rapport/plugin-testkit'
import { describe, expect, test } from 'vitest'
import { plugin } from '../src/index.js'
import {
  fixtureServers,
  good,
  otherWebhookSecret,
  readFixture,
  stripeSignature,
  webhookSecret,
} from './helpers.js'

const server = fixtureServers()
const config = (extra: Record<string, unknown> = {}) =>
  plugin.config.parse({ ...good('http://127.0.0.1:1'), ...extra })
const paymentFailed = readFixture('webhook-invoice-payment-failed.json')

/** A delivery as Stripe makes it: the raw body, signed with the endpoint's secret at `signedAt`. */
function delivery(
  body: unknown,
  { secret = webhookSecret, signedAt = new Date(), receivedAt = new Date() } = {},
) {
  const rawBody = Buffer.from(JSON.stringify(body))
  return webhookRequest(
    rawBody,
    { 'stripe-signature': stripeSignature(rawBody, secret, signedAt) },
    receivedAt,
  )
}
const verify = (request: ReturnType<typeof delivery>, extra?: Record<string, unknown>) =>
  Promise.resolve().then(() => plugin.webhook!.verify(request, config(extra)))
const parse = (body: unknown) => Promise.resolve().then(() => plugin.webhook!.parse(delivery(body), config()))

describe('verification (stripe.webhooks.constructEvent on the raw body)', () => {
  test("accepts Stripe's signature", async () => {
    await expect(verify(delivery(paymentFailed))).resolves.toBeUndefined()
  })

  test('rejects a body changed after signing, even by a space', async () => {
    const signed = delivery(paymentFailed)
    const reformatted = webhookRequest(
      Buffer.from(JSON.stringify(paymentFailed, null, 1)),
      signed.headers,
      signed.receivedAt,
    )
    await expect(verify(reformatted)).rejects.toThrow(
      new WebhookVerificationError(
        'Stripe-Signature rejected: No signatures found matching the expected signature for payload. Are you passing the raw request body you received from Stripe? ',
      ),
    )
  })

  test("rejects another endpoint's signature", async () => {
    await expect(verify(delivery(paymentFailed, { secret: otherWebhookSecret }))).rejects.toThrow(
      WebhookVerificationError,
    )
  })

  test('rejects a signature older than the tolerance, 300 s unless configured otherwise', async () => {
    const receivedAt = new Date('2026-02-27T10:10:00Z')
    const tenMinutesOld = delivery(paymentFailed, { signedAt: new Date('2026-02-27T10:00:00Z'), receivedAt })
    await expect(verify(tenMinutesOld)).rejects.toThrow(
      'Stripe-Signature rejected: Timestamp outside the tolerance zone',
    )
    await expect(verify(tenMinutesOld, { webhookToleranceSeconds: 900 })).resolves.toBeUndefined()
  })

  test('rejects an unsigned request, and any request when no secret is configured', async () => {
    const unsigned = webhookRequest(paymentFailed)
    await expect(verify(unsigned)).rejects.toThrow(
      new WebhookVerificationError('missing Stripe-Signature header'),
    )
    const noSecret = plugin.config.parse({ baseUrl: 'http://127.0.0.1:1', apiKey: 'sk_test_51Abc' })
    expect(() => plugin.webhook!.verify(delivery(paymentFailed), noSecret)).toThrow(WebhookVerificationError)
  })
})

describe('parsing', () => {
  test('an event gives the envelope the sync gives for it, deduplicated on the event id', async () => {
    const { baseUrl } = await server()
    const sync = await collectStream(plugin, 'invoices', good(baseUrl))
    const [fromWebhook] = await parse(paymentFailed)
    expect(fromWebhook!.messageId).toBe(messageIdFrom('stripe', 'event', 'evt_1InvGraceFailed2'))
    expect(sync.envelopes.find((envelope) => envelope.messageId === fromWebhook!.messageId)).toEqual(
      fromWebhook,
    )
    expect(fromWebhook).toMatchObject({ event: 'Payment failed', object: { externalId: 'in_1GraceFeb' } })
  })

  test('a redelivery, signed anew, is the same message', async () => {
    const later = delivery(paymentFailed, { signedAt: new Date(Date.now() + 60_000) })
    const [first] = await parse(paymentFailed)
    const [again] = await plugin.webhook!.parse(later, config())
    expect(again).toEqual(first)
  })

  test('a canceled subscription is a timeline signal', async () => {
    expect(await parse(readFixture('webhook-subscription-deleted.json'))).toEqual([
      expect.objectContaining({
        messageId: messageIdFrom('stripe', 'event', 'evt_1SubGraceDeleted'),
        occurredAt: '2026-03-01T10:00:00Z',
        identifiers: [{ type: 'stripe', value: 'cus_Grace0Hopper' }],
        action: 'upsert',
        object: expect.objectContaining({
          type: 'subscription',
          externalId: 'sub_1GraceTeam',
          status: 'canceled',
        }),
        event: 'Subscription canceled',
      }),
    ])
  })

  test('a refund that names no customer waits for the sync, which can look up its charge', async () => {
    expect(await parse(readFixture('webhook-refund-created.json'))).toEqual([])
  })

  test('event types the plugin does not read give nothing (and a 2xx)', async () => {
    for (const type of [
      'payout.paid',
      'charge.dispute.created',
      'invoice.upcoming',
      'customer.discount.created',
    ]) {
      expect(await parse({ ...paymentFailed, type })).toEqual([])
    }
  })

  test("a connected account's event (from a Connect endpoint) gives nothing", async () => {
    expect(await parse({ ...paymentFailed, account: 'acct_1ConnectedShop0' })).toEqual([])
  })

  test('a body that is not an event fails clearly', async () => {
    const broken = webhookRequest('{"id": "evt_1', { 'stripe-signature': 't=1,v1=x' })
    expect(() => plugin.webhook!.parse(broken, config())).toThrow('the Stripe webhook body is not JSON')
    await expect(parse({ id: 'evt_1', object: 'event' })).rejects.toThrow(
      /^Stripe sent a webhook event that does not have the documented shape: /,
    )
  })
})
