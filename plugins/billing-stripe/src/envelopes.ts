import { type EnvelopeInput, type Identifier, messageIdFrom } from '@rapport/plugin-sdk'
import { money } from './money.js'
import {
  idOf,
  type StripeAddress,
  type StripeCharge,
  type StripeCustomer,
  type StripeEvent,
  type StripeInvoice,
  type StripeRefund,
  type StripeSubscription,
} from './stripe-objects.js'

/** The identifier type of a Stripe customer id: the person shows as `stripe:cus_…`. */
export const vendor = 'stripe'

/**
 * Where a version of an object comes from: an event (the sync's Events API reading, or a webhook),
 * or a list page of a full sync, read after the stream's newest event at the time, `snapshot`.
 */
export type Change = { source: 'event'; event: StripeEvent } | { source: 'list'; snapshot: string }

/**
 * The messageId of an event is derived from the Stripe event id, so the same change read by the sync
 * and delivered (or redelivered) by the webhook is one message. A listed object has no event: its
 * id is paired with the snapshot, which changes whenever anything of the stream's kind changed, so
 * a later full sync re-sends what changed and the inbox drops what did not.
 */
function messageId(change: Change, object: string, id: string): string {
  return change.source === 'event'
    ? messageIdFrom(vendor, 'event', change.event.id)
    : messageIdFrom(vendor, object, id, 'listed', change.snapshot)
}

export const isoTime = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')
const isoOrUndefined = (seconds: number | null | undefined) =>
  seconds === null || seconds === undefined ? undefined : isoTime(seconds)

/** An event happened when Stripe created it; a listed object's state dates from its latest known change. */
function occurredAt(change: Change, listedChangeAt: number): string {
  return isoTime(change.source === 'event' ? change.event.created : listedChangeAt)
}
const latest = (...times: (number | null | undefined)[]) =>
  Math.max(...times.filter((time): time is number => typeof time === 'number'))

/** Leaves out what Stripe does not know (null), so that it does not erase what another source knows. */
function known<Value extends Record<string, unknown>>(value: Value): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== null && item !== undefined))
}

/** Stripe stores phone numbers as typed; only an international number is safe to match people on. */
function e164(phone: string | null | undefined): string | undefined {
  const compact = phone?.replace(/[\s().-]/g, '')
  return compact && /^\+[1-9]\d{6,14}$/.test(compact) ? compact : undefined
}

/** Whom a record belongs to: the Stripe customer, plus the e-mail and phone the object carries. */
export function personIdentifiers(person: {
  customer?: string | undefined
  email?: string | null | undefined
  phone?: string | null | undefined
}): Identifier[] {
  const identifiers: Identifier[] = []
  if (person.customer) identifiers.push({ type: vendor, value: person.customer })
  const email = person.email?.trim().toLowerCase()
  if (email) identifiers.push({ type: 'email', value: email })
  const phone = e164(person.phone)
  if (phone) identifiers.push({ type: 'phone', value: phone })
  return identifiers
}

function addressTraits(address: StripeAddress | null | undefined): Record<string, unknown> | undefined {
  if (!address) return undefined
  const traits = known({
    line1: address.line1,
    line2: address.line2,
    city: address.city,
    postalCode: address.postal_code,
    state: address.state,
    country: address.country,
  })
  return Object.keys(traits).length ? traits : undefined
}

export function customerEnvelope(customer: StripeCustomer, change: Change): EnvelopeInput {
  const deleted =
    customer.deleted === true || (change.source === 'event' && change.event.type === 'customer.deleted')
  if (!('created' in customer)) {
    // Only the id is left of a deleted customer: say so, and keep everything known from before.
    if (change.source !== 'event') throw new Error(`Stripe listed the deleted customer ${customer.id}`)
    return {
      type: 'identify',
      messageId: messageId(change, 'customer', customer.id),
      occurredAt: occurredAt(change, change.event.created),
      identifiers: personIdentifiers({ customer: customer.id }),
      traits: { stripeDeleted: true },
    }
  }
  return {
    type: 'identify',
    messageId: messageId(change, 'customer', customer.id),
    occurredAt: occurredAt(change, customer.created),
    identifiers: personIdentifiers({ customer: customer.id, email: customer.email, phone: customer.phone }),
    traits: known({
      name: customer.name,
      email: customer.email?.trim().toLowerCase(),
      phone: customer.phone,
      company: customer.business_name,
      address: addressTraits(customer.address),
      stripeDelinquent: customer.delinquent,
      stripeDeleted: deleted,
    }),
  }
}

/** Timeline names of the events that are signals (failed payments, cancellations, ...). */
const eventNames: Record<string, string> = {
  'customer.subscription.created': 'Subscription started',
  'customer.subscription.deleted': 'Subscription canceled',
  'customer.subscription.paused': 'Subscription paused',
  'customer.subscription.resumed': 'Subscription resumed',
  'customer.subscription.trial_will_end': 'Trial ending soon',
  'invoice.finalized': 'Invoice issued',
  'invoice.paid': 'Invoice paid',
  'invoice.payment_failed': 'Payment failed',
  'invoice.payment_action_required': 'Payment needs action',
  'invoice.overdue': 'Invoice overdue',
  'invoice.voided': 'Invoice voided',
  'invoice.marked_uncollectible': 'Invoice uncollectible',
  'charge.succeeded': 'Payment succeeded',
  'charge.failed': 'Payment failed',
  'charge.refunded': 'Payment refunded',
  'charge.expired': 'Payment expired',
  'refund.created': 'Refund issued',
  'refund.failed': 'Refund failed',
}

/**
 * An update is worth a timeline entry of its own when the cancellation was scheduled or withdrawn
 * (cancel_at_period_end, or cancel_at in newer API versions) or the status changed (past_due...).
 */
function subscriptionUpdateName(subscription: StripeSubscription, event: StripeEvent): string | undefined {
  const before = event.data.previous_attributes ?? {}
  if ('cancel_at_period_end' in before || 'cancel_at' in before) {
    return subscription.cancel_at_period_end || subscription.cancel_at
      ? 'Subscription cancellation scheduled'
      : 'Subscription cancellation withdrawn'
  }
  if ('status' in before) return `Subscription ${subscription.status.replaceAll('_', ' ')}`
  return undefined
}

function timelineEvent(change: Change, subscription?: StripeSubscription): { event?: string } {
  if (change.source !== 'event') return {}
  const { event } = change
  const name =
    event.type === 'customer.subscription.updated' && subscription
      ? subscriptionUpdateName(subscription, event)
      : eventNames[event.type]
  return name ? { event: name } : {}
}

type RecordInput = Extract<EnvelopeInput, { type: 'record' }>

/** A record needs a person to belong to; one Stripe knows nobody for (a guest without e-mail) is left out. */
function recordEnvelope(
  change: Change,
  listedChangeAt: number,
  identifiers: Identifier[],
  object: RecordInput['object'],
  extra: Partial<Pick<RecordInput, 'action' | 'event'>> = {},
): RecordInput | undefined {
  if (!identifiers.length) return undefined
  return {
    type: 'record',
    messageId: messageId(change, object.type, object.externalId),
    occurredAt: occurredAt(change, listedChangeAt),
    identifiers,
    action: 'upsert',
    object,
    ...extra,
  }
}

export function subscriptionEnvelope(
  subscription: StripeSubscription,
  change: Change,
): RecordInput | undefined {
  const items = subscription.items.data
  const prices = items.map((item) => (item.price.unit_amount ?? Number.NaN) * (item.quantity ?? 1))
  const perPeriod = prices.reduce((sum, price) => sum + price, 0)
  const [first] = items
  return recordEnvelope(
    change,
    latest(subscription.created, subscription.canceled_at, subscription.ended_at),
    personIdentifiers({ customer: idOf(subscription.customer) }),
    {
      type: 'subscription',
      externalId: subscription.id,
      status: subscription.status,
      ...known({
        title:
          subscription.description ??
          (items
            .map((item) => item.price.nickname)
            .filter(Boolean)
            .join(', ') ||
            undefined),
      }),
      // The price of one billing period; metered and tiered prices have no unit amount to add up.
      ...(items.length && !Number.isNaN(perPeriod)
        ? money(perPeriod, subscription.currency)
        : { currency: subscription.currency.toUpperCase() }),
      properties: known({
        interval: first?.price.recurring?.interval,
        intervalCount: first?.price.recurring?.interval_count,
        cancelAtPeriodEnd: subscription.cancel_at_period_end,
        cancelAt: isoOrUndefined(subscription.cancel_at),
        canceledAt: isoOrUndefined(subscription.canceled_at),
        endedAt: isoOrUndefined(subscription.ended_at),
        startedAt: isoOrUndefined(subscription.start_date),
        trialEnd: isoOrUndefined(subscription.trial_end),
        currentPeriodEnd: isoOrUndefined(first?.current_period_end),
        cancellationReason: subscription.cancellation_details?.reason,
        cancellationFeedback: subscription.cancellation_details?.feedback,
        items: items.map((item) =>
          known({ price: item.price.id, product: idOf(item.price.product), quantity: item.quantity }),
        ),
      }),
    },
    timelineEvent(change, subscription),
  )
}

export function invoiceEnvelope(invoice: StripeInvoice, change: Change): RecordInput | undefined {
  const major = (amount: number) => money(amount, invoice.currency).amount
  const transitions = invoice.status_transitions
  const deleted = change.source === 'event' && change.event.type === 'invoice.deleted'
  return recordEnvelope(
    change,
    latest(
      invoice.created,
      transitions?.finalized_at,
      transitions?.paid_at,
      transitions?.voided_at,
      transitions?.marked_uncollectible_at,
    ),
    personIdentifiers({ customer: idOf(invoice.customer), email: invoice.customer_email }),
    {
      type: 'invoice',
      externalId: invoice.id,
      ...known({ status: invoice.status, title: invoice.number ? `Invoice ${invoice.number}` : undefined }),
      // The invoice's total: what a paid invoice adds to lifetime value.
      ...money(invoice.total, invoice.currency),
      properties: known({
        number: invoice.number,
        amountDue: major(invoice.amount_due),
        amountPaid: major(invoice.amount_paid),
        amountRemaining: major(invoice.amount_remaining),
        dueDate: isoOrUndefined(invoice.due_date),
        paidAt: isoOrUndefined(transitions?.paid_at),
        subscription: idOf(invoice.parent?.subscription_details?.subscription ?? invoice.subscription),
        billingReason: invoice.billing_reason,
        attemptCount: invoice.attempt_count,
        hostedInvoiceUrl: invoice.hosted_invoice_url,
      }),
    },
    // A draft invoice can be deleted; any other invoice stays, voided or paid.
    { ...timelineEvent(change), ...(deleted ? { action: 'delete' as const } : {}) },
  )
}

export function chargeEnvelope(charge: StripeCharge, change: Change): RecordInput | undefined {
  return recordEnvelope(
    change,
    charge.created,
    chargePerson(charge),
    {
      type: 'payment',
      externalId: charge.id,
      status: charge.status,
      ...known({ title: charge.description }),
      ...money(charge.amount, charge.currency),
      properties: known({
        amountRefunded: charge.amount_refunded
          ? money(charge.amount_refunded, charge.currency).amount
          : undefined,
        refunded: charge.refunded,
        disputed: charge.disputed,
        failureCode: charge.failure_code,
        failureMessage: charge.failure_message,
        outcome: charge.outcome?.seller_message,
        paymentIntent: idOf(charge.payment_intent),
        receiptUrl: charge.receipt_url,
      }),
    },
    timelineEvent(change),
  )
}

/** Who paid: the customer, and the e-mail and phone of the billing details (or the receipt e-mail). */
function chargePerson(charge: StripeCharge): Identifier[] {
  return personIdentifiers({
    customer: idOf(charge.customer),
    email: charge.billing_details?.email ?? charge.receipt_email,
    phone: charge.billing_details?.phone,
  })
}

/**
 * A refund names its customer in recent API versions; otherwise the person is the refunded charge's,
 * which the list expands and the events sync looks up (see resources.ts).
 */
export function refundEnvelope(refund: StripeRefund, change: Change): RecordInput | undefined {
  const charge = typeof refund.charge === 'object' ? refund.charge : undefined
  const identifiers = personIdentifiers({
    customer: idOf(refund.customer) ?? idOf(charge?.customer),
    email: charge?.billing_details?.email ?? charge?.receipt_email,
    phone: charge?.billing_details?.phone,
  })
  return recordEnvelope(
    change,
    refund.created,
    identifiers,
    {
      type: 'refund',
      externalId: refund.id,
      ...known({ status: refund.status }),
      ...money(refund.amount, refund.currency),
      properties: known({
        charge: idOf(refund.charge),
        paymentIntent: idOf(refund.payment_intent),
        reason: refund.reason,
        failureReason: refund.failure_reason,
      }),
    },
    timelineEvent(change),
  )
}
