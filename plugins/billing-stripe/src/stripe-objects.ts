import { describeIssues } from '@rapport/plugin-sdk'
import { z } from 'zod'

/**
 * The parts of Stripe's objects this plugin reads (see the README for the documentation followed).
 * Only those fields are required, and fields that older API versions lack are optional: an event
 * carries its object as rendered in the API version of its time, not in the version the client asks
 * for. What does not match fails loudly here instead of turning into wrong envelopes.
 */

/** Stripe writes every time as Unix seconds. */
const unixTime = z.number().int().nonnegative()
/** Stripe writes null for "not known"; older API versions may leave a field out altogether. */
const maybe = <Schema extends z.ZodType>(schema: Schema) => schema.nullable().optional()
const maybeText = maybe(z.string())

/** An expandable field: the id, or the object itself when expanded. */
const reference = z.union([z.string(), z.looseObject({ id: z.string() })])
/** The id of an expandable field, expanded or not. */
export const idOf = (value: z.infer<typeof reference> | null | undefined) =>
  typeof value === 'string' ? value : value?.id

const addressSchema = z.object({
  line1: maybeText,
  line2: maybeText,
  city: maybeText,
  postal_code: maybeText,
  state: maybeText,
  country: maybeText,
})
export type StripeAddress = z.infer<typeof addressSchema>

export const listSchema = z.object({
  object: z.literal('list'),
  data: z.array(z.unknown()),
  has_more: z.boolean(),
  url: z.string(),
})

const customerFields = {
  id: z.string(),
  object: z.literal('customer'),
  created: unixTime,
  email: maybeText,
  name: maybeText,
  phone: maybeText,
  business_name: maybeText,
  address: maybe(addressSchema),
  delinquent: maybe(z.boolean()),
  deleted: z.boolean().optional(),
}
/** A customer; the one in a customer.deleted event is the customer as it was. */
const liveCustomerSchema = z.object(customerFields)
/** What Stripe returns in place of a customer that was deleted: the id and `deleted: true`. */
const deletedCustomerSchema = z.object({
  id: z.string(),
  object: z.literal('customer'),
  deleted: z.literal(true),
})
export const customerSchema = z.union([liveCustomerSchema, deletedCustomerSchema])
export type StripeCustomer = z.infer<typeof customerSchema>

const priceSchema = z.object({
  id: z.string(),
  currency: z.string(),
  unit_amount: maybe(z.number().int()),
  nickname: maybeText,
  product: maybe(reference),
  recurring: maybe(z.object({ interval: z.string(), interval_count: z.number().int() })),
})

export const subscriptionSchema = z.object({
  id: z.string(),
  object: z.literal('subscription'),
  customer: reference,
  status: z.string(),
  currency: z.string(),
  created: unixTime,
  start_date: maybe(unixTime),
  cancel_at_period_end: z.boolean(),
  cancel_at: maybe(unixTime),
  canceled_at: maybe(unixTime),
  ended_at: maybe(unixTime),
  trial_end: maybe(unixTime),
  description: maybeText,
  cancellation_details: maybe(z.object({ reason: maybeText, feedback: maybeText })),
  items: z.object({
    data: z.array(
      z.object({
        price: priceSchema,
        quantity: maybe(z.number().int()),
        current_period_end: maybe(unixTime),
      }),
    ),
  }),
})
export type StripeSubscription = z.infer<typeof subscriptionSchema>

export const invoiceSchema = z.object({
  id: z.string(),
  object: z.literal('invoice'),
  customer: maybe(reference),
  customer_email: maybeText,
  number: maybeText,
  status: maybeText,
  currency: z.string(),
  total: z.number().int(),
  amount_due: z.number().int(),
  amount_paid: z.number().int(),
  amount_remaining: z.number().int(),
  created: unixTime,
  due_date: maybe(unixTime),
  attempt_count: maybe(z.number().int()),
  billing_reason: maybeText,
  hosted_invoice_url: maybeText,
  status_transitions: maybe(
    z.object({
      finalized_at: maybe(unixTime),
      paid_at: maybe(unixTime),
      voided_at: maybe(unixTime),
      marked_uncollectible_at: maybe(unixTime),
    }),
  ),
  // Where the subscription is named: `parent` since API version 2025-03-31, `subscription` before.
  parent: maybe(z.object({ subscription_details: maybe(z.object({ subscription: maybe(reference) })) })),
  subscription: maybe(reference),
})
export type StripeInvoice = z.infer<typeof invoiceSchema>

const billingDetailsSchema = z.object({ email: maybeText, name: maybeText, phone: maybeText })

export const chargeSchema = z.object({
  id: z.string(),
  object: z.literal('charge'),
  customer: maybe(reference),
  billing_details: maybe(billingDetailsSchema),
  receipt_email: maybeText,
  status: z.string(),
  amount: z.number().int(),
  amount_captured: maybe(z.number().int()),
  amount_refunded: maybe(z.number().int()),
  currency: z.string(),
  created: unixTime,
  description: maybeText,
  paid: maybe(z.boolean()),
  refunded: maybe(z.boolean()),
  disputed: maybe(z.boolean()),
  failure_code: maybeText,
  failure_message: maybeText,
  outcome: maybe(z.object({ seller_message: maybeText, type: maybeText })),
  payment_intent: maybe(reference),
  receipt_url: maybeText,
})
export type StripeCharge = z.infer<typeof chargeSchema>

export const refundSchema = z.object({
  id: z.string(),
  object: z.literal('refund'),
  amount: z.number().int(),
  currency: z.string(),
  // An id, or the charge itself where the list expanded it (expand[]=data.charge).
  charge: maybe(z.union([z.string(), chargeSchema])),
  // Recent API versions name the customer; older ones only the charge.
  customer: maybe(reference),
  status: maybeText,
  reason: maybeText,
  failure_reason: maybeText,
  payment_intent: maybe(reference),
  created: unixTime,
})
export type StripeRefund = z.infer<typeof refundSchema>

export const eventSchema = z.object({
  id: z.string(),
  object: z.literal('event'),
  type: z.string(),
  created: unixTime,
  api_version: maybeText,
  /** Set on the events of a connected account, which a Connect endpoint delivers. */
  account: z.string().optional(),
  data: z.object({
    object: z.looseObject({ object: z.string() }),
    previous_attributes: z.record(z.string(), z.unknown()).optional(),
  }),
})
export type StripeEvent = z.infer<typeof eventSchema>

export const accountSchema = z.object({
  id: z.string(),
  object: z.literal('account'),
  email: maybeText,
  business_profile: maybe(z.object({ name: maybeText })),
  settings: maybe(z.object({ dashboard: maybe(z.object({ display_name: maybeText })) })),
})

/** Validates what Stripe sent, or fails naming what did not match. */
export function parseStripe<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  what: string,
): z.infer<Schema> {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  throw new Error(
    `Stripe sent ${what} that does not have the documented shape: ${describeIssues(parsed.error)}`,
  )
}
