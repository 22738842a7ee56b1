import { ConfigurationError, definePlugin } from '@rapport/plugin-sdk'
import { accountSchema, acmeGet, contactSchema, ticketSchema } from './acme-api.js'
import { configSchema } from './config.js'
import { contactEnvelope, ticketEnvelope } from './envelopes.js'
import { incrementalStream } from './incremental.js'
import { webhook } from './webhook.js'

/**
 * Acme CRM, an imaginary CRM with a small REST API (README.md): contacts become people, tickets
 * their records, and contact changes arrive as they happen through a signed webhook. Copy this
 * plugin to start a new one.
 */
export const plugin = definePlugin({
  id: 'source-template',
  name: 'Acme CRM (template)',
  version: '1.0.0',
  sdk: '^1',
  categories: ['source'],
  description: 'Contacts and support tickets from Acme CRM, the example to copy for a new connector.',
  config: configSchema,
  // Acme allows 10 requests a second per key; staying under it beats being told to wait.
  http: { requestsPerSecond: 10 },

  async check(ctx, config) {
    if (!config.apiKey.startsWith('acme_')) {
      throw new ConfigurationError('an Acme CRM API key starts with acme_: copy it from Settings > API keys')
    }
    const { account } = await acmeGet(ctx, config, '/v1/me', accountSchema)
    return { message: `Connected to ${account.name}` }
  },

  streams: {
    contacts: incrementalStream(
      '/v1/contacts',
      contactSchema,
      contactEnvelope,
      'People, with e-mail and phone',
    ),
    tickets: incrementalStream(
      '/v1/tickets',
      ticketSchema,
      ticketEnvelope,
      'Support tickets of each contact',
    ),
  },

  webhook,
})

export default plugin
