import { type EnvelopeInput, type WebhookDefinition, WebhookVerificationError } from '@rapport/plugin-sdk'
import Stripe from 'stripe'
import type { StripeConfig } from './config.js'
import { resources } from './resources.js'
import { eventSchema, parseStripe } from './stripe-objects.js'

/**
 * Stripe signs each delivery with the endpoint's secret (`Stripe-Signature: t=…,v1=…`), verified by
 * the official client on the raw body. Envelopes are those the sync makes from the same event, with
 * the same messageId (from the event id), so a redelivery or the sync reading it again is one message.
 */
export const webhook: WebhookDefinition<StripeConfig> = {
  verify(request, config) {
    if (!config.webhookSecret) {
      throw new WebhookVerificationError(
        'no webhook signing secret (whsec_…) is configured for this Stripe source',
      )
    }
    const signature = request.headers['stripe-signature']
    if (!signature) throw new WebhookVerificationError('missing Stripe-Signature header')
    try {
      Stripe.webhooks.constructEvent(
        request.rawBody,
        signature,
        config.webhookSecret,
        config.webhookToleranceSeconds,
        undefined,
        request.receivedAt.getTime(),
      )
    } catch (error) {
      if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
        // stripe-node's message goes on with advice over several lines; the first says what is wrong.
        throw new WebhookVerificationError(`Stripe-Signature rejected: ${error.message.split('\n')[0]}`, {
          cause: error,
        })
      }
      throw new Error('Stripe signed a webhook body that is not JSON', { cause: error })
    }
  },

  /**
   * Event types this plugin does not read (disputes, payouts, ...) are accepted and give nothing, so
   * that Stripe stops retrying them. So do events of connected accounts, which the sync does not read
   * either, and a refund that names no customer: only the sync can look up its charge, and it gives
   * the same messageId, so it is not lost.
   */
  parse(request): EnvelopeInput[] {
    let body: unknown
    try {
      body = JSON.parse(request.rawBody.toString('utf8'))
    } catch (error) {
      throw new Error('the Stripe webhook body is not JSON', { cause: error })
    }
    const event = parseStripe(eventSchema, body, 'a webhook event')
    const resource = resources.find((candidate) => candidate.eventTypes.includes(event.type))
    if (!resource || event.account) return []
    const item = parseStripe(
      resource.schema,
      event.data.object,
      `the ${resource.object} of event ${event.id}`,
    )
    const envelope = resource.envelope(item, { source: 'event', event })
    return envelope ? [envelope] : []
  },
}
