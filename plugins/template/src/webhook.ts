import {
  type EnvelopeInput,
  verifyStandardWebhook,
  type WebhookDefinition,
  WebhookVerificationError,
} from '@rapport/plugin-sdk'
import { z } from 'zod'
import { contactSchema } from './acme-api.js'
import type { AcmeConfig } from './config.js'
import { contactEnvelope } from './envelopes.js'

const eventSchema = z.object({ type: z.string(), data: z.unknown() })

/**
 * Acme signs its webhooks the Standard Webhooks way. Only contact.updated becomes an envelope; other
 * event types are accepted and ignored, so that Acme does not retry them forever.
 */
export const webhook: WebhookDefinition<AcmeConfig> = {
  verify(request, config) {
    if (!config.webhookSecret) {
      throw new WebhookVerificationError('no webhook secret is configured for this Acme CRM source')
    }
    verifyStandardWebhook(request, config.webhookSecret)
  },

  parse(request): EnvelopeInput[] {
    const event = eventSchema.parse(JSON.parse(request.rawBody.toString('utf8')))
    if (event.type !== 'contact.updated') return []
    return [contactEnvelope(contactSchema.parse(event.data))]
  },
}
