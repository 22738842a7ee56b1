import { ConfigurationError, definePlugin, PluginError } from '@rapport/plugin-sdk'
import { configSchema } from './config.js'
import { deliveryEnvelopes, invoiceEnvelopes, orderEnvelopes, partnerEnvelope } from './envelopes.js'
import { incrementalStream } from './incremental.js'
import { customerInvoices, deliveries, partners, saleOrders } from './odoo-models.js'
import { odooClient } from './odoo-rpc.js'

/**
 * Odoo, through its external JSON-RPC API (README.md): partners become people (and companies), and
 * their sale orders, customer invoices, credit notes and outgoing deliveries their records.
 */
export const plugin = definePlugin({
  id: 'erp-odoo',
  name: 'Odoo',
  version: '1.0.0',
  sdk: '^1',
  categories: ['erp'],
  description: 'Partners, sale orders, invoices, credit notes and deliveries from Odoo (JSON-RPC).',
  config: configSchema,
  // Odoo documents no rate limit for its external API; a few calls a second keeps a shared instance
  // responsive. 429 and 503 answers are waited out (Retry-After) by ctx.http.
  http: { requestsPerSecond: 4 },

  async check(ctx, config) {
    const odoo = odooClient(ctx, config)
    // version needs no credentials: what fails here is the address, not the key.
    const { server_version } = await odoo.version().catch((error: unknown) => {
      if (error instanceof PluginError) throw error
      throw new ConfigurationError(
        `${config.baseUrl} does not answer like an Odoo server: ${error instanceof Error ? error.message : String(error)}`,
      )
    })
    await odoo.authenticate()
    return {
      message: `Connected to Odoo ${server_version}, database "${config.database}", as ${config.login}`,
    }
  },

  streams: {
    partners: incrementalStream(
      partners,
      (partner, config) => [partnerEnvelope(partner, config)],
      'Contacts and companies (res.partner), archived ones included',
    ),
    orders: incrementalStream(saleOrders, orderEnvelopes, 'Quotations and sale orders (sale.order)'),
    invoices: incrementalStream(
      customerInvoices,
      invoiceEnvelopes,
      'Customer invoices and credit notes (account.move)',
    ),
    deliveries: incrementalStream(deliveries, deliveryEnvelopes, 'Outgoing transfers (stock.picking)'),
  },
})

export default plugin
