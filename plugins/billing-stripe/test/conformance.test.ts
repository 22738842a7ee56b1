import { runPluginConformance } from '@rapport/plugin-testkit'
import { plugin } from '../src/index.js'
import { fixtures, good, otherWebhookSecret, readFixture, revokedKey, stripeSignature } from './helpers.js'

runPluginConformance(plugin, [
  {
    name: 'Stripe test-mode account',
    fixtures,
    config: ({ baseUrl }) => good(baseUrl),
    badConfig: ({ baseUrl }) => ({ baseUrl, apiKey: revokedKey, webhookSecret: otherWebhookSecret }),
    streams: {
      customers: { minEnvelopes: 6 },
      subscriptions: { minEnvelopes: 5 },
      invoices: { minEnvelopes: 8 },
      charges: { minEnvelopes: 6 },
      refunds: { minEnvelopes: 3 },
    },
    webhook: {
      body: readFixture('webhook-invoice-payment-failed.json'),
      sign: ({ rawBody, timestamp, config }) => ({
        'stripe-signature': stripeSignature(rawBody, config.webhookSecret!, timestamp),
      }),
    },
  },
])
