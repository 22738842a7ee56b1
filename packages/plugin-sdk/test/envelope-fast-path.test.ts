import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { fastParseEnvelope } from '../src/envelope-fast-path.js'
import { channels, envelopeSchema, lifecycleStages } from '../src/index.js'

// Envelopes near the schema's edges: valid and invalid values of every field, missing fields,
// unknown keys, wrong types. Each field is valid most of the time, so that both paths are taken.
const mostly = <T, U>(valid: fc.Arbitrary<T>, other: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: other, weight: 1 })
const text = fc.oneof(
  fc.string({ maxLength: 4 }),
  fc.constantFrom('', 'a'.repeat(100), 'a'.repeat(101), 'a'.repeat(200), 'a'.repeat(201), 'a'.repeat(500)),
  fc.constantFrom('a'.repeat(501), 'a'.repeat(512), 'a'.repeat(513)),
  fc.constantFrom(undefined, null, 0, 12.5),
)
const identifierType = fc.oneof(
  fc.constantFrom(
    'userId',
    'email',
    'phone',
    'anonymousId',
    'hubspot',
    'hub-spot',
    'Hub',
    '-x',
    'x-',
    'a--b',
    '',
  ),
  fc.string({ maxLength: 3 }),
  fc.constant(7),
)
const validIdentifier = fc.record({
  type: fc.constantFrom('email', 'userId', 'zendesk'),
  value: fc.string({ minLength: 1, maxLength: 8 }),
})
const identifier = fc.oneof(
  validIdentifier,
  fc.record({ type: identifierType, value: text }, { requiredKeys: [] }),
  fc.record({ type: identifierType, value: text, extra: fc.jsonValue({ maxDepth: 1 }) }),
  fc.constantFrom(null, 'email:a@b.c', [] as unknown[]),
)
const identifiers = mostly(
  fc.array(validIdentifier, { minLength: 1, maxLength: 3 }),
  fc.oneof(
    fc.array(identifier, { maxLength: 3 }),
    fc.array(validIdentifier, { minLength: 49, maxLength: 52 }),
    fc.constantFrom(undefined, 'email', null),
  ),
)
const time = mostly(
  fc
    .date({ noInvalidDate: true, min: new Date('1900-01-01'), max: new Date('2200-01-01') })
    .map((d) => d.toISOString()),
  fc.constantFrom(
    '2026-01-01T00:00:00Z',
    '2026-01-01T00:00:00+02:00',
    '2026-01-01T00:00:00.123456Z',
    '2024-02-29T12:00:00Z',
    '2026-02-29T12:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01',
    '2026-01-01T00:00:00',
    'yesterday',
    undefined,
    1_767_225_600_000,
  ),
)
const json = mostly(
  fc.oneof(
    fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
    fc.constant(undefined),
  ),
  fc.oneof(
    fc.constantFrom(null, 'text', 3, [1, 2], new Date(0)),
    fc.constant(Object.create(null) as object),
    fc.constant({ constructor: 'x' }),
    fc.constant(JSON.parse('{"__proto__": {"polluted": true}}') as object),
  ),
)
const choice = (values: readonly string[]) =>
  mostly(fc.constantFrom(...values, undefined), fc.constantFrom(null, 'Web', 'fax', ''))
const short = mostly(fc.string({ minLength: 1, maxLength: 8 }), text)
const recordObject = fc.record(
  {
    type: mostly(
      fc.constantFrom('order', 'company', 'deal-stage'),
      fc.oneof(fc.constantFrom('Order', 'a_b', ''), fc.string({ maxLength: 3 })),
    ),
    externalId: short,
    status: mostly(fc.constantFrom('paid', undefined), text),
    title: mostly(fc.constantFrom('Order 1', undefined), text),
    amount: mostly(
      fc.oneof(fc.integer(), fc.constant(undefined)),
      fc.oneof(fc.double(), fc.constantFrom('12', null)),
    ),
    currency: mostly(
      fc.constantFrom('EUR', undefined),
      fc.oneof(fc.constantFrom('eur', 'EURO', null), fc.string({ maxLength: 3 })),
    ),
    properties: json,
    extra: fc.jsonValue({ maxDepth: 1 }),
  },
  { requiredKeys: ['type', 'externalId'] },
)
const envelope = fc.record(
  {
    type: fc.constantFrom('identify', 'track', 'record', 'feedback', 'other'),
    messageId: short,
    identifiers,
    occurredAt: time,
    traits: json,
    properties: json,
    event: short,
    channel: choice(channels),
    stage: choice(lifecycleStages),
    action: mostly(fc.constantFrom('upsert', 'delete'), fc.constantFrom('remove', undefined)),
    object: mostly(recordObject, fc.constantFrom(null, 'order')),
    metric: fc.constantFrom('nps', 'csat', undefined),
    score: fc.constantFrom(0, 5, 11, 2.5, undefined),
    unknown: fc.jsonValue({ maxDepth: 1 }),
  },
  { requiredKeys: ['type', 'messageId', 'identifiers', 'occurredAt'] },
)

describe('the envelope fast path', () => {
  test('accepts only what envelopeSchema accepts, and returns exactly what it returns', () => {
    let accepted = 0
    fc.assert(
      fc.property(envelope, (input) => {
        const fast = fastParseEnvelope(input)
        if (fast === undefined) return
        accepted++
        const zod = envelopeSchema.safeParse(input)
        expect(zod.success).toBe(true)
        expect(fast).toStrictEqual(zod.data)
        // The same keys in the same order: the inbox stores the envelope as JSON.
        expect(JSON.stringify(fast)).toBe(JSON.stringify(zod.data))
      }),
      { numRuns: 20_000 },
    )
    // Not a path that declines everything: a good share of the generated envelopes take it.
    expect(accepted).toBeGreaterThan(2_000)
  })

  test('takes the envelopes plugins and the tracking API send every day', () => {
    const at = '2026-03-01T12:00:00.000Z'
    const ids = [{ type: 'email', value: 'ada@example.com' }]
    const everyday = [
      { type: 'identify', messageId: 'm1', occurredAt: at, identifiers: ids, traits: { plan: 'pro' } },
      {
        type: 'track',
        messageId: 'm2',
        occurredAt: at,
        identifiers: ids,
        event: 'Signed Up',
        channel: 'web',
      },
      {
        type: 'record',
        messageId: 'm3',
        occurredAt: at,
        identifiers: ids,
        action: 'upsert',
        object: { type: 'order', externalId: 'o-1', status: 'paid', amount: 42.5, currency: 'EUR' },
      },
    ]
    for (const input of everyday) {
      expect(fastParseEnvelope(input)).toStrictEqual(envelopeSchema.parse(input))
    }
  })
})
