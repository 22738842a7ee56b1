import { AuthenticationError, definePlugin } from '@rapport/plugin-sdk'
import { configSchema } from './config.js'
import { charges, customers, invoices, refunds, subscriptions } from './resources.js'
import { callStripe, createStripe, isTestKey } from './stripe-client.js'
import { accountSchema, parseStripe } from './stripe-objects.js'
import { syncStream } from './sync.js'
import { webhook } from './webhook.js'

/**
 * Stripe billing (README.md): customers become people; subscriptions, invoices, charges and refunds
 * their records. A first sync lists everything, later ones read the Events API, and a signed webhook
 * brings the same events as they happen.
 */
export const plugin = definePlugin({
  id: 'billing-stripe',
  name: 'Stripe',
  version: '1.0.0',
  sdk: '^1',
  categories: ['billing'],
  description:
    'Customers, subscriptions, invoices, charges and refunds from Stripe, with failed payments and cancellations on the timeline.',
  config: configSchema,
  // Stripe allows 100 reads a second in live mode and 25 in test mode. A sync is background work,
  // and Stripe asks to keep such work to a part of the limit so that live payments are not turned
  // away: 25 a second suits both modes.
  http: { requestsPerSecond: 25 },

  async check(ctx, config) {
    const stripe = createStripe(ctx, config)
    let answer: unknown
    try {
      answer = await callStripe(ctx, 'GET /v1/account', () => stripe.accounts.retrieveCurrent())
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error
      throw new AuthenticationError(
        `Stripe refused the API key. Copy a current secret key from Developers > API keys (a restricted key needs read access to the resources listed in the plugin's README). ${error.message}`,
        { cause: error },
      )
    }
    const account = parseStripe(accountSchema, answer, 'the account')
    const name =
      account.business_profile?.name ??
      account.settings?.dashboard?.display_name ??
      account.email ??
      account.id
    return { message: `Connected to ${name}${isTestKey(config.apiKey) ? ' (test mode)' : ''}` }
  },

  streams: {
    customers: syncStream(customers),
    subscriptions: syncStream(subscriptions),
    invoices: syncStream(invoices),
    charges: syncStream(charges),
    refunds: syncStream(refunds),
  },

  webhook,
})

export default plugin
