import { envelopeSchema } from '@rapport/plugin-sdk'
import { describe, expect, test } from 'vitest'
import { segmentMessageSchema, segmentToEnvelope } from '../src/tracking/segment.js'

const receivedAt = new Date('2026-03-01T12:00:00.000Z')
const convert = (call: Record<string, unknown>, batch?: Parameters<typeof segmentToEnvelope>[2]) => {
  const envelope = segmentToEnvelope(segmentMessageSchema.parse(call), receivedAt, batch)
  // Whatever the conversion makes must be a valid envelope as it stands.
  expect(envelopeSchema.parse(envelope)).toEqual(envelope)
  return envelope
}

describe('Segment calls as envelopes', () => {
  test('an identify keeps its traits over the context traits, and its e-mail is an identifier', () => {
    expect(
      convert({
        type: 'identify',
        messageId: 'm-1',
        userId: 42,
        anonymousId: 'anon-1',
        traits: { email: 'ada@example.com', plan: 'pro' },
        context: { traits: { plan: 'free', city: 'Paris' } },
        timestamp: '2026-03-01T11:00:00.000Z',
      }),
    ).toEqual({
      messageId: 'm-1',
      type: 'identify',
      identifiers: [
        { type: 'userId', value: '42' },
        { type: 'anonymousId', value: 'anon-1' },
        { type: 'email', value: 'ada@example.com' },
      ],
      occurredAt: '2026-03-01T11:00:00.000Z',
      traits: { plan: 'pro', city: 'Paris', email: 'ada@example.com' },
    })
  })

  test("a track takes its channel from the context, and the device's clock skew is corrected", () => {
    const envelope = convert(
      {
        type: 'track',
        messageId: 'm-2',
        anonymousId: 'anon-1',
        event: 'Opened App',
        context: { app: { version: '2.1' }, externalIds: [{ id: 7, type: 'HubSpot Contact' }] },
        // The device's clock is an hour fast: the call happened ten seconds before it was sent.
        timestamp: '2026-03-01T13:00:00.000Z',
        sentAt: '2026-03-01T13:00:10.000Z',
      },
      { context: { library: { name: 'analytics-node' } } },
    )
    expect(envelope).toEqual({
      messageId: 'm-2',
      type: 'track',
      event: 'Opened App',
      channel: 'app',
      properties: {},
      identifiers: [
        { type: 'anonymousId', value: 'anon-1' },
        { type: 'hubspot-contact', value: '7' },
      ],
      occurredAt: '2026-03-01T11:59:50.000Z',
    })
    expect(convert({ type: 'track', messageId: 'm-3', userId: 'u', event: 'Renewed' })).not.toHaveProperty(
      'channel',
    )
  })

  test('a page is a web view whose properties win over its name, category and page context', () => {
    expect(
      convert(
        {
          type: 'page',
          messageId: 'm-4',
          userId: 'u',
          name: 'Pricing',
          category: 'Docs',
          properties: { url: 'https://example.com/pricing?x=1', title: 'Plans' },
          context: { page: { url: 'https://example.com/pricing', referrer: 'https://search.example' } },
        },
        { sentAt: '2026-03-01T12:00:00.000Z' },
      ),
    ).toMatchObject({
      type: 'track',
      event: 'Page Viewed',
      channel: 'web',
      occurredAt: receivedAt.toISOString(),
      properties: {
        name: 'Pricing',
        category: 'Docs',
        url: 'https://example.com/pricing?x=1',
        referrer: 'https://search.example',
        title: 'Plans',
      },
    })
    expect(
      convert({
        type: 'screen',
        messageId: 'm-5',
        userId: 'u',
        name: 'Home',
        context: { page: { url: 'x' } },
      }),
    ).toMatchObject({ type: 'track', event: 'Screen Viewed', channel: 'app', properties: { name: 'Home' } })
  })

  test('a group is a company record, an alias ties the previous id to the user', () => {
    expect(
      convert({
        type: 'group',
        messageId: 'm-6',
        userId: 'u',
        groupId: 9,
        traits: { name: 'Acme', size: 50 },
      }),
    ).toMatchObject({
      type: 'record',
      action: 'upsert',
      event: 'Joined company',
      object: { type: 'company', externalId: '9', title: 'Acme', properties: { name: 'Acme', size: 50 } },
    })
    expect(
      (convert({ type: 'group', messageId: 'm-7', userId: 'u', groupId: 'g' }) as { object: object }).object,
    ).not.toHaveProperty('title')
    expect(convert({ type: 'alias', messageId: 'm-8', userId: 'u', previousId: 'anon-old' })).toMatchObject({
      type: 'identify',
      traits: {},
      identifiers: [
        { type: 'userId', value: 'u' },
        { type: 'anonymousId', value: 'anon-old' },
      ],
    })
  })

  test('a call without a messageId gets the same one each time it is sent', () => {
    const call = { type: 'track', userId: 'u', event: 'Clicked', timestamp: '2026-03-01T11:00:00.000Z' }
    const first = convert(call).messageId
    expect(first).toMatch(/^segment-[0-9a-f]{40}$/)
    expect(convert({ ...call }).messageId).toBe(first)
    expect(convert({ ...call, event: 'Scrolled' }).messageId).not.toBe(first)
  })
})
