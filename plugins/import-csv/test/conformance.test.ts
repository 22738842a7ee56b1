import { runPluginConformance } from '@rapport/plugin-testkit'
import { importCsvPlugin } from '../src/index.js'
import { fixture } from './helpers.js'
import { crmContacts, euOrders, ordersExport } from './mappings.js'

runPluginConformance(importCsvPlugin, [
  {
    name: 'a CRM contacts export',
    fixtures: [],
    config: () => ({}),
    upload: { content: fixture('contacts-crm-export.csv'), options: crmContacts, minEnvelopes: 5 },
  },
  {
    name: 'an orders export',
    fixtures: [],
    config: () => ({}),
    upload: { content: fixture('orders-export.csv'), options: ordersExport, minEnvelopes: 4 },
  },
  {
    name: 'a European orders export with a default currency',
    fixtures: [],
    config: () => ({ defaultCurrency: 'EUR' }),
    upload: { content: fixture('orders-eu-semicolon.csv'), options: euOrders, minEnvelopes: 3 },
  },
])
