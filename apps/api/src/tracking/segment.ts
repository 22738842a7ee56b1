import { createHash } from 'node:crypto'
import type { EnvelopeInput } from '@rapport/plugin-sdk'
import { z } from 'zod'

/**
 * The Segment Tracking API spec (identify, track, page, screen, group, alias) turned into envelopes.
 * What a Segment library sends is accepted as it is: unknown fields are kept in properties, not refused.
 */

export const maxCallBytes = 32 * 1024
export const maxBatchBytes = 500 * 1024

const json = z.record(z.string(), z.unknown())
const time = z.union([z.string(), z.number()]).optional()
const common = z.object({
  messageId: z.string().min(1).max(200).optional(),
  userId: z.union([z.string(), z.number()]).transform(String).optional().nullable(),
  anonymousId: z.union([z.string(), z.number()]).transform(String).optional().nullable(),
  timestamp: time,
  sentAt: time,
  originalTimestamp: time,
  context: z
    .object({
      traits: json.optional(),
      externalIds: z
        .array(
          z
            .object({ id: z.union([z.string(), z.number()]).transform(String), type: z.string() })
            .passthrough(),
        )
        .optional(),
      ip: z.string().optional(),
      userAgent: z.string().optional(),
      page: json.optional(),
      app: json.optional(),
      library: json.optional(),
      channel: z.string().optional(),
    })
    .passthrough()
    .optional(),
  integrations: json.optional(),
})

export const segmentMessageSchema = z.discriminatedUnion('type', [
  common.extend({ type: z.literal('identify'), traits: json.optional() }),
  common.extend({
    type: z.literal('track'),
    event: z.string().min(1, 'a track needs its event name'),
    properties: json.optional(),
  }),
  common.extend({
    type: z.literal('page'),
    name: z.string().optional().nullable(),
    category: z.string().optional().nullable(),
    properties: json.optional(),
  }),
  common.extend({
    type: z.literal('screen'),
    name: z.string().optional().nullable(),
    category: z.string().optional().nullable(),
    properties: json.optional(),
  }),
  common.extend({
    type: z.literal('group'),
    groupId: z.union([z.string(), z.number()]).transform(String),
    traits: json.optional(),
  }),
  common.extend({
    type: z.literal('alias'),
    previousId: z.union([z.string(), z.number()]).transform(String),
  }),
])
export type SegmentMessage = z.infer<typeof segmentMessageSchema>
export type SegmentCall = SegmentMessage['type']

export const segmentBatchSchema = z.object({
  batch: z.array(z.unknown()).min(1, 'the batch is empty'),
  context: json.optional(),
  sentAt: time,
  writeKey: z.string().optional(),
})

function toDate(value: string | number | undefined): Date | undefined {
  if (value === undefined) return undefined
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? undefined : date
}

/**
 * Segment's clock-skew correction: the device's clock may be wrong, but the gap between when the
 * event happened and when it was sent is right, so timestamp = receivedAt - (sentAt - timestamp).
 */
export function correctedTime(
  message: {
    timestamp?: string | number | undefined
    originalTimestamp?: string | number | undefined
    sentAt?: string | number | undefined
  },
  receivedAt: Date,
  batchSentAt?: string | number,
): Date {
  const timestamp = toDate(message.timestamp) ?? toDate(message.originalTimestamp)
  const sentAt = toDate(message.sentAt) ?? toDate(batchSentAt)
  if (timestamp && sentAt) return new Date(receivedAt.getTime() - (sentAt.getTime() - timestamp.getTime()))
  return timestamp ?? receivedAt
}

const externalIdTypes: Record<string, string> = {
  email: 'email',
  phone: 'phone',
  user_id: 'userId',
  userid: 'userId',
  anonymous_id: 'anonymousId',
}

type Context = NonNullable<SegmentMessage['context']>

function identifiersOf(message: SegmentMessage, context: Context, traits: Record<string, unknown>) {
  const ids: { type: string; value: string }[] = []
  if (message.userId) ids.push({ type: 'userId', value: message.userId })
  if (message.anonymousId) ids.push({ type: 'anonymousId', value: message.anonymousId })
  if (message.type === 'alias') ids.push({ type: 'anonymousId', value: message.previousId })
  for (const key of ['email', 'phone'] as const) {
    const value = traits[key]
    if (typeof value === 'string' && value.trim()) ids.push({ type: key, value })
  }
  for (const external of context.externalIds ?? []) {
    const type =
      externalIdTypes[external.type.toLowerCase()] ??
      external.type
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
    if (type) ids.push({ type, value: external.id })
  }
  return ids
}

function channelOf(message: SegmentMessage, context: Context): 'web' | 'app' | undefined {
  if (message.type === 'page' || context.page || context.channel === 'browser') return 'web'
  if (message.type === 'screen' || context.app || context.channel === 'mobile') return 'app'
  return undefined
}

/** A page's or screen's properties: its name and category, the page context, then its own. */
function pageProperties(
  message: Extract<SegmentMessage, { type: 'page' | 'screen' }>,
  context: Context,
): Record<string, unknown> {
  const properties: Record<string, unknown> = {}
  if (message.name) properties.name = message.name
  if (message.category) properties.category = message.category
  if (message.type === 'page' && context.page) Object.assign(properties, context.page)
  if (message.properties) Object.assign(properties, message.properties)
  return properties
}

/** One Segment call as an envelope. The messageId is Segment's, or a hash of the call when absent. */
export function segmentToEnvelope(
  message: SegmentMessage,
  receivedAt: Date,
  batch?: { sentAt?: string | number; context?: Record<string, unknown> },
): EnvelopeInput {
  // The batch's context under the call's own (spread only when there is a batch context to merge).
  const context: Context = batch?.context
    ? ({ ...batch.context, ...(message.context ?? {}) } as Context)
    : (message.context ?? {})
  const traits =
    message.type === 'identify' && message.traits
      ? context.traits
        ? { ...context.traits, ...message.traits }
        : message.traits
      : (context.traits ?? {})
  // Object literals, not spreads of a shared base: V8 copies a spread object property by property
  // (about 1 µs a call, measured), and this runs for every call the tracking API receives.
  const messageId =
    message.messageId ??
    `segment-${createHash('sha256').update(JSON.stringify(message)).digest('hex').slice(0, 40)}`
  const identifiers = identifiersOf(message, context, traits)
  const occurredAt = correctedTime(message, receivedAt, batch?.sentAt).toISOString()
  switch (message.type) {
    case 'identify':
    case 'alias':
      return {
        messageId,
        identifiers,
        occurredAt,
        type: 'identify',
        traits: message.type === 'identify' ? traits : {},
      }
    case 'track': {
      const channel = channelOf(message, context)
      const envelope: Extract<EnvelopeInput, { type: 'track' }> = {
        messageId,
        identifiers,
        occurredAt,
        type: 'track',
        event: message.event,
        properties: message.properties ?? {},
      }
      if (channel) envelope.channel = channel
      return envelope
    }
    case 'page':
    case 'screen':
      return {
        messageId,
        identifiers,
        occurredAt,
        type: 'track',
        event: message.type === 'page' ? 'Page Viewed' : 'Screen Viewed',
        channel: message.type === 'page' ? 'web' : 'app',
        properties: pageProperties(message, context),
      }
    case 'group':
      return {
        messageId,
        identifiers,
        occurredAt,
        type: 'record',
        action: 'upsert',
        event: 'Joined company',
        object: {
          type: 'company',
          externalId: message.groupId,
          ...(typeof message.traits?.name === 'string' ? { title: message.traits.name } : {}),
          properties: message.traits ?? {},
        },
      }
  }
}
