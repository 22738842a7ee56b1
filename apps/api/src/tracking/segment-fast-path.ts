import { isPlainObject } from '@rapport/plugin-sdk'
import { type SegmentMessage, segmentMessageSchema } from './segment.js'

/**
 * segmentMessageSchema's checks, written out for the calls that pass them, as envelope-fast-path.ts
 * does for envelopes: zod copies every object it validates, and checking a call was about 2 µs of
 * the intake thread's 17 µs an event. This accepts only what the schema accepts and returns what it
 * would: keys in the schema's order, unknown top-level keys dropped, the context's unknown keys kept
 * after its own, ids given as numbers made text. Traits, properties and the like are passed on as
 * given instead of copied. The order matters: a call without a messageId is identified by a hash of
 * its JSON. Whatever it is not sure of, it leaves to zod, which also words every error;
 * test/segment-fast-path.test.ts holds the two together on generated calls.
 */
export function parseSegmentMessage(
  input: unknown,
): { success: true; data: SegmentMessage } | ReturnType<typeof segmentMessageSchema.safeParse> {
  const data = fastParseSegmentMessage(input)
  return data ? { success: true, data } : segmentMessageSchema.safeParse(input)
}

export function fastParseSegmentMessage(input: unknown): SegmentMessage | undefined {
  if (!isPlainObject(input) || !allDefined(input)) return undefined
  const out: Record<string, unknown> = {}
  if (Object.hasOwn(input, 'messageId')) {
    const { messageId } = input
    if (typeof messageId !== 'string' || messageId.length < 1 || messageId.length > 200) return undefined
    out.messageId = messageId
  }
  for (const key of ['userId', 'anonymousId'] as const) {
    if (!Object.hasOwn(input, key)) continue
    const id = input[key] === null ? null : idText(input[key])
    if (id === undefined) return undefined
    out[key] = id
  }
  for (const key of ['timestamp', 'sentAt', 'originalTimestamp'] as const) {
    if (!Object.hasOwn(input, key)) continue
    const time = input[key]
    if (typeof time !== 'string' && !isFiniteNumber(time)) return undefined
    out[key] = time
  }
  if (Object.hasOwn(input, 'context')) {
    const context = parseContext(input.context)
    if (!context) return undefined
    out.context = context
  }
  if (!copyRecord(input, 'integrations', out)) return undefined
  out.type = input.type
  switch (input.type) {
    case 'identify':
      return copyRecord(input, 'traits', out) ? (out as SegmentMessage) : undefined
    case 'track':
      if (typeof input.event !== 'string' || input.event.length === 0) return undefined
      out.event = input.event
      return copyRecord(input, 'properties', out) ? (out as SegmentMessage) : undefined
    case 'page':
    case 'screen':
      for (const key of ['name', 'category'] as const) {
        if (!Object.hasOwn(input, key)) continue
        const value = input[key]
        if (value !== null && typeof value !== 'string') return undefined
        out[key] = value
      }
      return copyRecord(input, 'properties', out) ? (out as SegmentMessage) : undefined
    case 'group': {
      const groupId = idText(input.groupId)
      if (groupId === undefined) return undefined
      out.groupId = groupId
      return copyRecord(input, 'traits', out) ? (out as SegmentMessage) : undefined
    }
    case 'alias': {
      const previousId = idText(input.previousId)
      if (previousId === undefined) return undefined
      out.previousId = previousId
      return out as SegmentMessage
    }
    default:
      return undefined
  }
}

/** The context's own fields, each optional, in the schema's order; the rest follow as given. */
const contextStrings = new Set(['ip', 'userAgent', 'channel'])
const contextRecords = new Set(['traits', 'page', 'app', 'library'])
const contextKeys = ['traits', 'externalIds', 'ip', 'userAgent', 'page', 'app', 'library', 'channel']

function parseContext(value: unknown): Record<string, unknown> | undefined {
  if (!isPlainObject(value) || !allDefined(value)) return undefined
  const out: Record<string, unknown> = {}
  for (const key of contextKeys) {
    if (!Object.hasOwn(value, key)) continue
    const field = value[key]
    if (
      contextStrings.has(key) ? typeof field !== 'string' : contextRecords.has(key) && !isPlainObject(field)
    ) {
      return undefined
    }
    if (key === 'externalIds') {
      const externalIds = parseExternalIds(field)
      if (!externalIds) return undefined
      out.externalIds = externalIds
    } else out[key] = field
  }
  return copyRest(value, contextKeys, out)
}

function parseExternalIds(value: unknown): Record<string, unknown>[] | undefined {
  if (!Array.isArray(value)) return undefined
  const out: Record<string, unknown>[] = []
  for (const item of value) {
    if (!isPlainObject(item) || !allDefined(item) || typeof item.type !== 'string') return undefined
    const id = idText(item.id)
    if (id === undefined) return undefined
    out.push(copyRest(item, ['id', 'type'], { id, type: item.type }))
  }
  return out
}

/** Copies the keys not named, after the named ones, as zod's passthrough does. */
function copyRest(
  from: Record<string, unknown>,
  named: readonly string[],
  out: Record<string, unknown>,
): Record<string, unknown> {
  for (const key of Object.keys(from)) if (!named.includes(key)) out[key] = from[key]
  return out
}

/** Copies an optional record field (traits, properties, integrations); false when it is not one. */
function copyRecord(from: Record<string, unknown>, key: string, out: Record<string, unknown>): boolean {
  if (!Object.hasOwn(from, key)) return true
  if (!isPlainObject(from[key])) return false
  out[key] = from[key]
  return true
}

/** An id given as text or a number, as text; undefined otherwise. */
function idText(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  return isFiniteNumber(value) ? String(value) : undefined
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

/** No key given the value undefined (which JSON cannot say): whatever zod makes of one is zod's. */
function allDefined(object: Record<string, unknown>): boolean {
  for (const key in object) if (object[key] === undefined) return false
  return true
}
