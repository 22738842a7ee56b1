import { runPluginConformance } from '@rapport/plugin-testkit'
import { plugin } from '../src/index.js'
import { fixtures, good, revokedKey } from './helpers.js'

runPluginConformance(plugin, [
  {
    name: 'Odoo 17 over JSON-RPC',
    fixtures,
    config: ({ baseUrl }) => good(baseUrl),
    badConfig: ({ baseUrl }) => good(baseUrl, { apiKey: revokedKey }),
    streams: {
      partners: { minEnvelopes: 4 },
      orders: { minEnvelopes: 3 },
      invoices: { minEnvelopes: 4 },
      deliveries: { minEnvelopes: 2 },
    },
  },
])
