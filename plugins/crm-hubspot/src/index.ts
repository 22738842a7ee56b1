import { definePlugin } from '@rapport/plugin-sdk'
import { configSchema } from './config.js'
import { getAccount } from './hubspot-api.js'
import { companiesStream, contactsStream, dealsStream } from './streams.js'
import { webhook } from './webhook.js'

/**
 * HubSpot CRM through its v3 API (README.md): contacts become people, companies and deals records
 * on each associated contact with the owner's name, deletions are followed, and contact changes
 * also arrive as they happen through v3-signed webhooks.
 */
export const plugin = definePlugin({
  id: 'crm-hubspot',
  name: 'HubSpot',
  version: '1.0.0',
  sdk: '^1',
  categories: ['crm'],
  description: 'Contacts, companies, deals and owners from HubSpot CRM, kept current by sync and webhooks.',
  config: configSchema,
  // The search API allows 5 requests a second per account, the rest 100 to 190 per 10 s for a
  // private app. ctx.http has one limit per plugin, so it is the stricter one.
  http: { requestsPerSecond: 5 },

  async check(ctx, config) {
    const account = await getAccount(ctx, config)
    return {
      message: `Connected to HubSpot portal ${account.portalId} (${account.uiDomain}, ${account.companyCurrency})`,
    }
  },

  streams: {
    contacts: contactsStream,
    companies: companiesStream,
    deals: dealsStream,
  },

  webhook,
})

export default plugin
