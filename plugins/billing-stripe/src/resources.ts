import type { EnvelopeInput, PluginContext } from '@rapport/plugin-sdk'
import type Stripe from 'stripe'
import type { z } from 'zod'
import {
  type Change,
  chargeEnvelope,
  customerEnvelope,
  invoiceEnvelope,
  refundEnvelope,
  subscriptionEnvelope,
} from './envelopes.js'
import { callStripe } from './stripe-client.js'
import {
  chargeSchema,
  customerSchema,
  invoiceSchema,
  parseStripe,
  refundSchema,
  type StripeRefund,
  subscriptionSchema,
} from './stripe-objects.js'

/** What a stream reads with: the run's context and a Stripe client on ctx.http. */
export interface Reading {
  ctx: PluginContext
  stripe: Stripe
}

export interface ListParams {
  limit: number
  starting_after: string | undefined
}

/** One kind of Stripe object: how to list it, which events change it, and its envelope. */
export interface Resource<Item extends { id: string } = { id: string }> {
  stream: string
  description: string
  /** Stripe's `object` name. */
  object: string
  /** The list endpoint, for messages. */
  path: string
  /** The event types that carry this object (types[] takes at most 20). */
  eventTypes: readonly string[]
  schema: z.ZodType<Item>
  /** One page of the list, newest first. */
  list(stripe: Stripe, params: ListParams): Promise<unknown>
  /** The envelope of one version of the object; undefined for one that belongs to nobody. */
  envelope(item: Item, change: Change): EnvelopeInput | undefined
  /** Fetches what an event's object may lack. The webhook cannot call Stripe and does without. */
  complete?(reading: Reading, item: Item): Promise<Item>
}

export const customers: Resource<z.infer<typeof customerSchema>> = {
  stream: 'customers',
  description: 'Customers as people: e-mail, phone, name, company and address; deleted ones marked',
  object: 'customer',
  path: '/v1/customers',
  eventTypes: ['customer.created', 'customer.updated', 'customer.deleted'],
  schema: customerSchema,
  list: (stripe, params) => stripe.customers.list(params),
  envelope: customerEnvelope,
}

export const subscriptions: Resource<z.infer<typeof subscriptionSchema>> = {
  stream: 'subscriptions',
  description: 'Subscriptions with their status, price and cancellation; cancellations on the timeline',
  object: 'subscription',
  path: '/v1/subscriptions',
  eventTypes: [
    'customer.subscription.created',
    'customer.subscription.updated',
    'customer.subscription.deleted',
    'customer.subscription.paused',
    'customer.subscription.resumed',
    'customer.subscription.pending_update_applied',
    'customer.subscription.pending_update_expired',
    'customer.subscription.trial_will_end',
  ],
  schema: subscriptionSchema,
  // Without status=all the list leaves out canceled subscriptions.
  list: (stripe, params) => stripe.subscriptions.list({ ...params, status: 'all' }),
  envelope: subscriptionEnvelope,
}

export const invoices: Resource<z.infer<typeof invoiceSchema>> = {
  stream: 'invoices',
  description: 'Invoices with their status and total (paid ones count towards lifetime value)',
  object: 'invoice',
  path: '/v1/invoices',
  // invoice.payment_succeeded is left out: invoice.paid says the same, and also covers invoices paid
  // out of band. invoice.upcoming carries a preview without an id.
  eventTypes: [
    'invoice.created',
    'invoice.updated',
    'invoice.finalized',
    'invoice.finalization_failed',
    'invoice.paid',
    'invoice.payment_failed',
    'invoice.payment_action_required',
    'invoice.overdue',
    'invoice.marked_uncollectible',
    'invoice.voided',
    'invoice.deleted',
  ],
  schema: invoiceSchema,
  list: (stripe, params) => stripe.invoices.list(params),
  envelope: invoiceEnvelope,
}

export const charges: Resource<z.infer<typeof chargeSchema>> = {
  stream: 'charges',
  description: 'Charges as payments, failed ones on the timeline',
  object: 'charge',
  path: '/v1/charges',
  eventTypes: [
    'charge.succeeded',
    'charge.failed',
    'charge.pending',
    'charge.captured',
    'charge.expired',
    'charge.refunded',
    'charge.updated',
  ],
  schema: chargeSchema,
  list: (stripe, params) => stripe.charges.list(params),
  envelope: chargeEnvelope,
}

export const refunds: Resource<StripeRefund> = {
  stream: 'refunds',
  description: 'Refunds (they lower lifetime value)',
  object: 'refund',
  path: '/v1/refunds',
  eventTypes: ['refund.created', 'refund.updated', 'refund.failed', 'charge.refund.updated'],
  schema: refundSchema,
  // The charge tells whose refund it is when the refund does not (a guest's, or an older API version).
  list: (stripe, params) => stripe.refunds.list({ ...params, expand: ['data.charge'] }),
  envelope: refundEnvelope,
  async complete({ ctx, stripe }, refund) {
    if (refund.customer || typeof refund.charge !== 'string') return refund
    const id = refund.charge
    const charge = await callStripe(ctx, `GET /v1/charges/${id}`, () => stripe.charges.retrieve(id))
    return { ...refund, charge: parseStripe(chargeSchema, charge, `the charge ${id}`) }
  },
}

export const resources: Resource<any>[] = [customers, subscriptions, invoices, charges, refunds]
