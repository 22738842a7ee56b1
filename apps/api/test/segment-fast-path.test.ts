import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { segmentMessageSchema } from '../src/tracking/segment.js'
import { fastParseSegmentMessage, parseSegmentMessage } from '../src/tracking/segment-fast-path.js'

// Segment calls near the schema's edges: valid and invalid values of every field, missing fields,
// unknown keys, wrong types, ids as numbers, nulls where some fields allow them, objects without
// Object's prototype. Each field is valid
// most of the time, so that both paths are taken.
const mostly = <T, U>(valid: fc.Arbitrary<T>, other: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: valid, weight: 25 }, { arbitrary: other, weight: 1 })
const odd = fc.constantFrom(null, 0, 1.5, true, '', [] as unknown[], {}, 'x')
const id = mostly(
  fc.oneof(
    fc.string({ minLength: 1, maxLength: 6 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  ),
  fc.oneof(odd, fc.constantFrom(Number.POSITIVE_INFINITY, Number.NaN)),
)
const record = mostly(
  fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 1 }), {
    maxKeys: 3,
    noNullPrototype: true,
  }),
  fc.oneof(
    odd,
    fc.constant(new Date(0)),
    fc.constant(Object.create(null) as object),
    fc.constant({ constructor: 'x' }),
    fc.constant(JSON.parse('{"__proto__": {"polluted": true}}') as object),
  ),
)
const time = mostly(
  fc.oneof(
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    fc.integer(),
  ),
  odd,
)
const text = mostly(fc.string({ maxLength: 6 }), odd)
const externalId = fc.record(
  { id, type: text, extra: fc.jsonValue({ maxDepth: 1 }) },
  { requiredKeys: ['id', 'type'], noNullPrototype: true },
)
const context = mostly(
  fc.record(
    {
      traits: record,
      externalIds: mostly(fc.array(externalId, { maxLength: 2 }), odd),
      ip: text,
      userAgent: text,
      page: record,
      app: record,
      library: record,
      channel: text,
      locale: fc.jsonValue({ maxDepth: 1 }),
      zz: fc.jsonValue({ maxDepth: 1 }),
    },
    { requiredKeys: [], noNullPrototype: true },
  ),
  odd,
)
const call = fc
  .record(
    {
      type: mostly(fc.constantFrom('identify', 'track', 'page', 'screen', 'group', 'alias'), text),
      messageId: mostly(
        fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.constantFrom('a'.repeat(200))),
        fc.oneof(odd, fc.constantFrom('a'.repeat(201))),
      ),
      userId: mostly(id, fc.constant(null)),
      anonymousId: mostly(id, fc.constant(null)),
      timestamp: time,
      sentAt: time,
      originalTimestamp: time,
      context,
      integrations: record,
      traits: record,
      properties: record,
      event: mostly(fc.string({ minLength: 1, maxLength: 6 }), text),
      name: mostly(fc.oneof(fc.string({ maxLength: 6 }), fc.constant(null)), odd),
      category: mostly(fc.oneof(fc.string({ maxLength: 6 }), fc.constant(null)), odd),
      groupId: id,
      previousId: id,
      unknown: fc.jsonValue({ maxDepth: 1 }),
    },
    { requiredKeys: ['type'], noNullPrototype: true },
  )
  // Now and then a key given the value undefined, which JSON cannot say but a caller can.
  .chain((input) =>
    fc
      .constantFrom(undefined, 'userId', 'event', 'context', 'other')
      .map((key) =>
        key && Math.abs(JSON.stringify(input).length % 7) === 0 ? { ...input, [key]: undefined } : input,
      ),
  )

describe('the Segment call fast path', () => {
  test('accepts only what segmentMessageSchema accepts, and returns exactly what it returns', () => {
    let accepted = 0
    fc.assert(
      fc.property(call, (input) => {
        const fast = fastParseSegmentMessage(input)
        if (fast === undefined) return
        accepted++
        const zod = segmentMessageSchema.safeParse(input)
        expect(zod.success).toBe(true)
        expect(fast).toStrictEqual(zod.data)
        // The same keys in the same order: a call without a messageId is known by a hash of its JSON.
        expect(JSON.stringify(fast)).toBe(JSON.stringify(zod.data))
      }),
      { numRuns: 20_000 },
    )
    // Not a path that declines everything: a good share of the generated calls take it.
    expect(accepted).toBeGreaterThan(1_000)
  })

  test('takes the calls Segment libraries send every day, and leaves every error to zod', () => {
    const everyday = [
      {
        type: 'identify',
        messageId: 'ajs-1',
        anonymousId: 'anon-1',
        userId: 42,
        traits: { email: 'ada@example.com', plan: 'pro' },
        context: { ip: '10.0.0.1', library: { name: 'analytics.js', version: '4' }, locale: 'en' },
        timestamp: '2026-03-01T12:00:00.000Z',
        sentAt: '2026-03-01T12:00:01.000Z',
      },
      {
        type: 'track',
        userId: 'u-1',
        event: 'Order Completed',
        properties: { total: 42.5 },
        integrations: {},
      },
      { type: 'page', anonymousId: 'anon-1', name: null, properties: { url: 'https://example.com/' } },
      {
        type: 'group',
        userId: 'u-1',
        groupId: 7,
        traits: { name: 'Acme' },
        context: { externalIds: [{ id: 1, type: 'hubspot', collection: 'users' }] },
      },
      { type: 'alias', userId: 'u-1', previousId: 'anon-1' },
    ]
    for (const input of everyday) {
      expect(fastParseSegmentMessage(input)).toStrictEqual(segmentMessageSchema.parse(input))
    }
    const wrong = parseSegmentMessage({ type: 'track', userId: 'u-1', event: '' })
    expect(wrong.success ? [] : wrong.error.issues.map((issue) => issue.message)).toEqual([
      'a track needs its event name',
    ])
  })
})
