import {
  channels,
  type Envelope,
  identifierSchema,
  lifecycleStages,
  recordObjectSchema,
  trackEnvelopeSchema,
} from './envelopes.js'
import { isPlainObject } from './plain-object.js'

/**
 * envelopeSchema's checks, written out for the envelopes that pass them. zod's parse copies every
 * object it validates: for the tracking API that was half of what its thread allocated. This accepts
 * only what envelopeSchema accepts and returns what envelopeSchema would (keys in the schema's order,
 * unknown keys dropped, defaults filled in; traits and properties are passed on as given instead of
 * copied). Whatever it is not sure of, it leaves to zod by answering undefined, and zod words every
 * error. test/envelope-fast-path.test.ts holds the two together on generated envelopes.
 */
export function fastParseEnvelope(input: unknown): Envelope | undefined {
  if (!isObject(input)) return undefined
  const messageId = input.messageId
  const occurredAt = input.occurredAt
  if (!isString(messageId, 1, 200) || typeof occurredAt !== 'string' || !isoTime.test(occurredAt)) {
    return undefined
  }
  const identifiers = parseIdentifiers(input.identifiers)
  if (!identifiers) return undefined
  switch (input.type) {
    case 'identify': {
      const traits = jsonObject(input.traits)
      if (!traits || identifiers.length === 0) return undefined
      return { messageId, identifiers, occurredAt, type: 'identify', traits }
    }
    case 'track': {
      const properties = jsonObject(input.properties)
      if (!properties || identifiers.length === 0 || !isString(input.event, 1, 200)) return undefined
      const envelope: Record<string, unknown> = {
        messageId,
        identifiers,
        occurredAt,
        type: 'track',
        event: input.event,
      }
      if (!optionalChoices(input, envelope)) return undefined
      envelope.properties = properties
      return envelope as Envelope
    }
    case 'record': {
      const object = parseRecordObject(input.object)
      if (!object || (input.action !== 'upsert' && input.action !== 'delete')) return undefined
      const envelope: Record<string, unknown> = {
        messageId,
        identifiers,
        occurredAt,
        type: 'record',
        action: input.action,
        object,
      }
      if ('event' in input) {
        if (input.event !== undefined && !isString(input.event, 0, 200)) return undefined
        envelope.event = input.event
      }
      if (!optionalChoices(input, envelope)) return undefined
      return envelope as Envelope
    }
    default:
      // Feedback (with its cross-field rules) and anything else: zod's.
      return undefined
  }
}

// The patterns are the schemas' own, so that both paths test exactly the same thing.
const isoTime = patternOf(trackEnvelopeSchema.shape.occurredAt)
const identifierType = patternOf(identifierSchema.shape.type)
const recordType = patternOf(recordObjectSchema.shape.type)
const currency = patternOf(recordObjectSchema.shape.currency.unwrap())
const channelSet = new Set<unknown>(channels)
const stageSet = new Set<unknown>(lifecycleStages)
const choices = [
  ['channel', channelSet],
  ['stage', stageSet],
] as const

function patternOf(schema: unknown): RegExp {
  const def = (
    schema as { _zod: { def: { pattern?: RegExp; checks?: { _zod: { def: { pattern?: RegExp } } }[] } } }
  )._zod.def
  const pattern = def.pattern ?? def.checks?.find((check) => check._zod.def.pattern)?._zod.def.pattern
  if (!pattern) throw new Error('the envelope schema changed: a pattern the fast path uses is gone')
  return pattern
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isString(value: unknown, min: number, max: number): value is string {
  return typeof value === 'string' && value.length >= min && value.length <= max
}

/** The identifiers as the schema returns them (type and value only), or undefined. */
function parseIdentifiers(value: unknown): { type: string; value: string }[] | undefined {
  if (!Array.isArray(value) || value.length > 50) return undefined
  const identifiers: { type: string; value: string }[] = []
  for (const item of value) {
    if (!isObject(item) || typeof item.type !== 'string' || !identifierType.test(item.type)) return undefined
    if (!isString(item.value, 1, 512)) return undefined
    identifiers.push({ type: item.type, value: item.value })
  }
  return identifiers
}

/**
 * A traits or properties object, or {} when absent; undefined when zod's record might judge it
 * otherwise (not a plain object, or keys it treats specially).
 */
function jsonObject(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) return {}
  return isPlainObject(value) ? value : undefined
}

/** Copies the optional channel and stage when present and valid; false when one is not valid. */
function optionalChoices(input: Record<string, unknown>, envelope: Record<string, unknown>): boolean {
  for (const [key, allowed] of choices) {
    if (!(key in input)) continue
    const value = input[key]
    if (value !== undefined && !allowed.has(value)) return false
    envelope[key] = value
  }
  return true
}

function parseRecordObject(value: unknown): Record<string, unknown> | undefined {
  if (!isObject(value)) return undefined
  const { type, externalId } = value
  if (typeof type !== 'string' || !recordType.test(type) || !isString(externalId, 1, 200)) return undefined
  const object: Record<string, unknown> = { type, externalId }
  for (const [key, max] of [
    ['status', 100],
    ['title', 500],
  ] as const) {
    if (!(key in value)) continue
    if (value[key] !== undefined && !isString(value[key], 0, max)) return undefined
    object[key] = value[key]
  }
  if ('amount' in value) {
    if (value.amount !== undefined && !(typeof value.amount === 'number' && Number.isFinite(value.amount)))
      return undefined
    object.amount = value.amount
  }
  if ('currency' in value) {
    if (
      value.currency !== undefined &&
      !(typeof value.currency === 'string' && currency.test(value.currency))
    )
      return undefined
    object.currency = value.currency
  }
  const properties = jsonObject(value.properties)
  if (!properties) return undefined
  object.properties = properties
  return object
}
