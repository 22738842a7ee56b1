import { z } from 'zod'

/**
 * The common vocabulary every plugin speaks. A plugin turns what its system says into envelopes;
 * the core resolves identities, keeps provenance and builds the unified customer view from them.
 */

/** Where an interaction happened. */
export const channels = [
  'web',
  'app',
  'email',
  'phone',
  'chat',
  'sms',
  'social',
  'in-person',
  'letter',
  'other',
] as const
export type Channel = (typeof channels)[number]

/** The customer lifecycle stages of DOMAIN.md, in order. */
export const lifecycleStages = [
  'awareness',
  'discovery',
  'attraction',
  'interaction',
  'purchase',
  'use',
  'cultivation',
  'advocacy',
] as const
export type LifecycleStage = (typeof lifecycleStages)[number]

/**
 * Identifier types: the well-known ones, or a vendor id (kebab-case, e.g. `hubspot`) whose value is
 * the person's id in that system (shown as `hubspot:123`).
 */
export const wellKnownIdentifierTypes = ['userId', 'email', 'phone', 'anonymousId'] as const
const identifierType = z
  .string()
  .regex(
    /^(userId|email|phone|anonymousId|[a-z0-9]+(?:-[a-z0-9]+)*)$/,
    'must be userId, email, phone, anonymousId or a kebab-case vendor id',
  )

export const identifierSchema = z.object({
  type: identifierType,
  value: z.string().min(1, 'is required').max(512),
})
export type Identifier = z.infer<typeof identifierSchema>

const jsonObject = z.record(z.string(), z.unknown())
const isoTime = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 time' })

const base = {
  /** Unique per workspace: the vendor's id, or a deterministic hash of source + object + version. */
  messageId: z.string().min(1, 'is required').max(200),
  /** Every identifier this message knows about the person. */
  identifiers: z.array(identifierSchema).max(50),
  /** When it happened in the source system. */
  occurredAt: isoTime,
}

export const identifyEnvelopeSchema = z.object({
  ...base,
  type: z.literal('identify'),
  identifiers: base.identifiers.min(1, 'an identify needs at least one identifier'),
  traits: jsonObject.default({}),
})

export const trackEnvelopeSchema = z.object({
  ...base,
  type: z.literal('track'),
  identifiers: base.identifiers.min(1, 'a track needs at least one identifier'),
  event: z.string().min(1, 'is required').max(200),
  channel: z.enum(channels).optional(),
  stage: z.enum(lifecycleStages).optional(),
  properties: jsonObject.default({}),
})

/** Business objects that belong to a customer. Other kebab-case types are allowed. */
export const wellKnownRecordTypes = [
  'order',
  'invoice',
  'subscription',
  'payment',
  'refund',
  'deal',
  'ticket',
  'company',
  'delivery',
  'return',
] as const

export const recordObjectSchema = z.object({
  type: z
    .string()
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a kebab-case record type such as order or invoice'),
  externalId: z.string().min(1, 'is required').max(200),
  status: z.string().max(100).optional(),
  title: z.string().max(500).optional(),
  /** In major units (12.5 = twelve euros fifty), with the ISO 4217 currency. */
  amount: z.number().finite().optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR')
    .optional(),
  properties: jsonObject.default({}),
})

export const recordEnvelopeSchema = z.object({
  ...base,
  type: z.literal('record'),
  action: z.enum(['upsert', 'delete']),
  object: recordObjectSchema,
  /** Also a timeline entry, e.g. "Payment failed", when the change is worth seeing there. */
  event: z.string().max(200).optional(),
  channel: z.enum(channels).optional(),
  stage: z.enum(lifecycleStages).optional(),
})

export const feedbackMetrics = ['nps', 'csat', 'ces'] as const
export type FeedbackMetric = (typeof feedbackMetrics)[number]
/** The scale of each metric (DOMAIN.md). */
export const feedbackScales: Record<FeedbackMetric, { min: number; max: number }> = {
  nps: { min: 0, max: 10 },
  csat: { min: 1, max: 5 },
  ces: { min: 1, max: 7 },
}

export const feedbackEnvelopeSchema = z
  .object({
    ...base,
    type: z.literal('feedback'),
    identifiers: base.identifiers.min(1, 'feedback needs at least one identifier'),
    metric: z.enum(feedbackMetrics).optional(),
    score: z.number().optional(),
    text: z.string().max(20_000).optional(),
    question: z.string().max(1000).optional(),
    channel: z.enum(channels).optional(),
    properties: jsonObject.default({}),
  })
  .superRefine((value, issue) => {
    if (value.score === undefined && !value.text) {
      issue.addIssue({ code: 'custom', path: ['score'], message: 'feedback needs a score or a text' })
    }
    if (value.score !== undefined) {
      if (!value.metric) {
        issue.addIssue({
          code: 'custom',
          path: ['metric'],
          message: 'a score needs its metric: nps, csat or ces',
        })
        return
      }
      const { min, max } = feedbackScales[value.metric]
      if (!Number.isInteger(value.score) || value.score < min || value.score > max) {
        issue.addIssue({
          code: 'custom',
          path: ['score'],
          message: `a ${value.metric} score is a whole number from ${min} to ${max}`,
        })
      }
    }
  })

export const envelopeSchema = z.discriminatedUnion('type', [
  identifyEnvelopeSchema,
  trackEnvelopeSchema,
  recordEnvelopeSchema,
  feedbackEnvelopeSchema,
])

export type IdentifyEnvelope = z.infer<typeof identifyEnvelopeSchema>
export type TrackEnvelope = z.infer<typeof trackEnvelopeSchema>
export type RecordEnvelope = z.infer<typeof recordEnvelopeSchema>
export type FeedbackEnvelope = z.infer<typeof feedbackEnvelopeSchema>
export type Envelope = z.infer<typeof envelopeSchema>
/** What a plugin writes: defaults (empty traits, properties) may be left out. */
export type EnvelopeInput = z.input<typeof envelopeSchema>
