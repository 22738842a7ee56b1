import {
  assertFreshTimestamp,
  describeIssues,
  type EnvelopeInput,
  hmacBase64,
  messageIdFrom,
  safeEqual,
  type WebhookDefinition,
  WebhookVerificationError,
} from '@rapport/plugin-sdk'
import { z } from 'zod'
import type { HubSpotConfig } from './config.js'
import {
  archivedContactEnvelope,
  contactIdentifiers,
  contactTrait,
  contactTraitNames,
  type LinkedType,
  linkDeleted,
  vendor,
} from './envelopes.js'

/** HubSpot: "reject the request if the timestamp is older than 5 minutes". */
const toleranceSeconds = 300

/** The URL-encoded characters HubSpot decodes in the request URI before signing it (v3). */
const decodedInUri: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
}

/**
 * The X-HubSpot-Signature-v3 of a request: base64 HMAC-SHA256 under the app's client secret of
 * method + URI + raw body + X-HubSpot-Request-Timestamp.
 */
function hubspotSignature(input: {
  clientSecret: string
  method: string
  uri: string
  rawBody: Buffer
  timestamp: string
}): string {
  const uri = input.uri.replace(
    /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi,
    (code) => decodedInUri[code.toUpperCase()]!,
  )
  const signed = Buffer.concat([
    Buffer.from(`${input.method.toUpperCase()}${uri}`),
    input.rawBody,
    Buffer.from(input.timestamp),
  ])
  return hmacBase64(input.clientSecret, signed)
}

const id = z.number().int().transform(String)

/** One notification of the webhooks API; HubSpot sends them in a JSON array, up to 100 at a time. */
const eventSchema = z.object({
  eventId: z.number().int(),
  subscriptionId: z.number().int(),
  portalId: z.number().int(),
  occurredAt: z.number().int(),
  subscriptionType: z.string(),
  objectId: id.optional(),
  propertyName: z.string().optional(),
  propertyValue: z.string().optional(),
  associationType: z.string().optional(),
  fromObjectId: id.optional(),
  toObjectId: id.optional(),
  associationRemoved: z.boolean().optional(),
})
type HubSpotEvent = z.infer<typeof eventSchema>

/** The unlabeled associations between a contact and a deal or company, as [object, contact] ends. */
const pairs: Record<string, { type: LinkedType; objectEnd: 'from' | 'to' }> = {
  DEAL_TO_CONTACT: { type: 'deal', objectEnd: 'from' },
  CONTACT_TO_DEAL: { type: 'deal', objectEnd: 'to' },
  COMPANY_TO_CONTACT: { type: 'company', objectEnd: 'from' },
  CONTACT_TO_COMPANY: { type: 'company', objectEnd: 'to' },
}

/**
 * HubSpot's v3-signed webhooks (a private app's Webhooks tab). Contact events become identifies;
 * a contact removed from a deal or company deletes that record. A notification carries only an
 * object id and at most one property, and webhook.parse has no ctx to look the rest up, so deal
 * and company changes are accepted and left to the next sync, which reads them with their contacts.
 */
export const webhook: WebhookDefinition<HubSpotConfig> = {
  verify(request, config) {
    if (!config.clientSecret || !config.webhookUrl) {
      throw new WebhookVerificationError(
        "set the private app's client secret and this source's webhook URL to receive HubSpot webhooks",
      )
    }
    const signature = request.headers['x-hubspot-signature-v3']
    const timestamp = request.headers['x-hubspot-request-timestamp']
    if (!signature || !timestamp) {
      throw new WebhookVerificationError(
        'missing X-HubSpot-Signature-v3 or X-HubSpot-Request-Timestamp header',
      )
    }
    assertFreshTimestamp(timestamp, toleranceSeconds, request.receivedAt)
    const expected = hubspotSignature({
      clientSecret: config.clientSecret,
      method: request.method,
      uri: config.webhookUrl,
      rawBody: request.rawBody,
      timestamp,
    })
    if (!safeEqual(signature, expected)) {
      throw new WebhookVerificationError(
        'bad signature: X-HubSpot-Signature-v3 does not match the body, the webhook URL and the client secret',
      )
    }
  },

  parse(request): EnvelopeInput[] {
    let body: unknown
    try {
      body = JSON.parse(request.rawBody.toString('utf8'))
    } catch {
      throw new Error(
        `HubSpot sent a webhook that is not JSON: ${request.rawBody.toString('utf8').slice(0, 200)}`,
      )
    }
    const events = z.array(eventSchema).safeParse(body)
    if (!events.success) {
      throw new Error(`HubSpot sent a webhook that is not a list of events: ${describeIssues(events.error)}`)
    }
    return events.data.flatMap(eventEnvelopes)
  },
}

/**
 * HubSpot keeps eventId on redeliveries but does not promise it unique, so the rest of the event's
 * identity goes into the messageId with it.
 */
const messageIdFor = (event: HubSpotEvent) =>
  messageIdFrom(
    vendor,
    'webhook',
    event.portalId,
    event.subscriptionType,
    event.objectId,
    event.eventId,
    event.occurredAt,
  )

function eventEnvelopes(event: HubSpotEvent): EnvelopeInput[] {
  const at = new Date(event.occurredAt).toISOString()
  if (event.subscriptionType.endsWith('.associationChange')) return unlinked(event, at)
  if (!event.subscriptionType.startsWith('contact.')) return []
  const contact = event.objectId
  if (!contact)
    throw new Error(`HubSpot sent ${event.subscriptionType} event ${event.eventId} without objectId`)
  const identify = (
    identifiers: EnvelopeInput['identifiers'],
    traits: Record<string, unknown>,
  ): EnvelopeInput[] => [
    { type: 'identify', messageId: messageIdFor(event), occurredAt: at, identifiers, traits },
  ]
  switch (event.subscriptionType) {
    case 'contact.creation':
    case 'contact.restore':
      return identify([{ type: vendor, value: contact }], { hubspotArchived: false })
    case 'contact.deletion':
    case 'contact.privacyDeletion':
      return [archivedContactEnvelope(contact, at)]
    case 'contact.propertyChange': {
      const property = event.propertyName ?? ''
      const trait = contactTraitNames[property]
      const value = contactTrait(property, event.propertyValue)
      // A property Rapport does not map, or one emptied (unknown now, which erases nothing).
      if (!trait || value === undefined) return []
      return identify(contactIdentifiers(contact, { [property]: event.propertyValue ?? null }), {
        [trait]: value,
      })
    }
    default:
      return []
  }
}

/** A contact no longer associated with a deal or company; new associations come with the next sync. */
function unlinked(event: HubSpotEvent, at: string): EnvelopeInput[] {
  const pair = pairs[event.associationType ?? '']
  if (!pair || !event.associationRemoved || !event.fromObjectId || !event.toObjectId) return []
  const [object, contact] =
    pair.objectEnd === 'from'
      ? [event.fromObjectId, event.toObjectId]
      : [event.toObjectId, event.fromObjectId]
  return [linkDeleted(pair.type, object, contact, at, 'unlinked')]
}
