import { z } from 'zod'
import type { Domain } from './odoo-rpc.js'

/**
 * The Odoo models this plugin reads, the fields it asks for and the rows it expects (Odoo 17's field
 * names; README.md). Rows are checked as they arrive, so that a field Odoo renamed or a value of
 * another type fails the page loudly instead of turning into wrong envelopes.
 */

/** Odoo answers `false` for an empty field, whatever its type. */
const orFalse = <Schema extends z.ZodType>(schema: Schema) => z.union([schema, z.literal(false)])
const text = orFalse(z.string())
/** A many2one: `[id, display name]`, or false. */
const many2one = orFalse(z.tuple([z.number().int().positive(), orFalse(z.string())]))
/** Datetimes are UTC without a zone, to the second; dates are plain days. */
export const odooDatetime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'must be an Odoo datetime (YYYY-MM-DD HH:MM:SS)')
const odooDate = orFalse(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be an Odoo date (YYYY-MM-DD)'))

/** What every row needs for the incremental read. */
const keyset = { id: z.number().int().positive(), write_date: odooDatetime }

export interface OdooModel<Row extends z.ZodObject> {
  model: string
  row: Row
  /** Fields some Odoo versions lack (asked for only when fields_get lists them). */
  optionalFields: readonly string[]
  /** The rows of interest; the incremental read adds its write_date terms to it. */
  domain: Domain
}

export const partners = {
  model: 'res.partner',
  row: z.object({
    ...keyset,
    name: text,
    email: text,
    phone: text,
    /** Gone from res.partner since Odoo 18.2 / 19.0. */
    mobile: text.optional(),
    is_company: z.boolean(),
    parent_id: many2one,
    /** The company's name for a contact of one (or the free-text company name), the own name for a company. */
    commercial_company_name: text,
    function: text,
    website: text,
    street: text,
    street2: text,
    city: text,
    zip: text,
    state_id: many2one,
    country_id: many2one,
    country_code: text.optional(),
    lang: text,
    active: z.boolean(),
    create_date: odooDatetime,
  }),
  optionalFields: ['mobile', 'country_code'],
  // Archived partners too: Odoo leaves them out of every search unless asked.
  domain: [['active', 'in', [true, false]]],
} satisfies OdooModel<z.ZodObject>

export const saleOrders = {
  model: 'sale.order',
  row: z.object({
    ...keyset,
    name: z.string(),
    partner_id: many2one,
    /** draft, sent, sale, cancel (and done up to Odoo 16). */
    state: z.string(),
    date_order: odooDatetime,
    amount_untaxed: z.number(),
    amount_tax: z.number(),
    amount_total: z.number(),
    currency_id: many2one,
    invoice_status: text,
    client_order_ref: text,
    user_id: many2one,
  }),
  optionalFields: [],
  domain: [],
} satisfies OdooModel<z.ZodObject>

export const customerInvoices = {
  model: 'account.move',
  row: z.object({
    ...keyset,
    /** `/` until an invoice is posted. */
    name: text,
    move_type: z.enum(['out_invoice', 'out_refund']),
    /** draft, posted, cancel. */
    state: z.string(),
    /** not_paid, in_payment, paid, partial, reversed, invoicing_legacy. */
    payment_state: text,
    partner_id: many2one,
    commercial_partner_id: many2one,
    invoice_date: odooDate,
    invoice_date_due: odooDate,
    amount_total: z.number(),
    amount_residual: z.number(),
    currency_id: many2one,
    invoice_origin: text,
    ref: text,
    reversed_entry_id: many2one,
  }),
  optionalFields: [],
  domain: [['move_type', 'in', ['out_invoice', 'out_refund']]],
} satisfies OdooModel<z.ZodObject>

export const deliveries = {
  model: 'stock.picking',
  row: z.object({
    ...keyset,
    name: z.string(),
    partner_id: many2one,
    /** draft, waiting, confirmed, assigned, done, cancel. */
    state: z.string(),
    scheduled_date: orFalse(odooDatetime),
    date_done: orFalse(odooDatetime),
    origin: text,
  }),
  optionalFields: [],
  domain: [['picking_type_code', '=', 'outgoing']],
} satisfies OdooModel<z.ZodObject>

export type OdooPartner = z.infer<typeof partners.row>
export type OdooSaleOrder = z.infer<typeof saleOrders.row>
export type OdooInvoice = z.infer<typeof customerInvoices.row>
export type OdooDelivery = z.infer<typeof deliveries.row>
export type Many2one = z.infer<typeof many2one>
