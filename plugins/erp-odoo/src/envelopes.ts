import { type EnvelopeInput, type Identifier, messageIdFrom } from '@rapport/plugin-sdk'
import type { OdooConfig } from './config.js'
import { e164, emailAddresses } from './contact-points.js'
import type { Many2one, OdooDelivery, OdooInvoice, OdooPartner, OdooSaleOrder } from './odoo-models.js'

/** The identifier type of an Odoo partner id: the person shows as `odoo:42`. */
export const vendor = 'odoo'

/**
 * Odoo has no event ids, so a row's version (model, id, write_date) is hashed. The database is part
 * of it: two Odoo sources of one workspace have their own id sequences, and the inbox must not take
 * one's change for the other's.
 */
const versionId = (config: OdooConfig, model: string, row: { id: number; write_date: string }) =>
  messageIdFrom(vendor, config.database, model, row.id, row.write_date)

/** Odoo datetimes are UTC without a zone. */
const iso = (datetime: string) => `${datetime.replace(' ', 'T')}Z`
const isoOrNone = (datetime: string | false) => (datetime ? iso(datetime) : undefined)
const textOf = (value: string | false | undefined) => value || undefined
const nameOf = (many2one: Many2one) => (many2one ? textOf(many2one[1]) : undefined)
const idOf = (many2one: Many2one) => (many2one ? String(many2one[0]) : undefined)

/** res.currency's display name is its ISO 4217 code. */
function currencyOf(many2one: Many2one): { currency?: string } {
  const code = nameOf(many2one)
  return code && /^[A-Z]{3}$/.test(code) ? { currency: code } : {}
}

/** Leaves out what Odoo does not know, so that it does not erase what another source knows. */
function known(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined))
}

/**
 * The partner a document is addressed to, as the identifier the host links it by. Only that one:
 * adding the company's id (commercial_partner_id) would merge every contact of a company into it.
 */
const partnerIdentifiers = (partner: [number, string | false]): Identifier[] => [
  { type: vendor, value: String(partner[0]) },
]

/**
 * A partner (a person, a company, or an address of one) → identify. An archived partner (Odoo's
 * `active = false`) is still the same customer with the same history, so it is not deleted but
 * carries `archived: true`; un-archiving sets it back to false.
 */
export function partnerEnvelope(partner: OdooPartner, config: OdooConfig): EnvelopeInput {
  const emails = emailAddresses(partner.email)
  const phones = [e164(partner.phone), e164(partner.mobile)].filter((phone) => phone !== undefined)
  const identifiers: Identifier[] = [
    { type: vendor, value: String(partner.id) },
    ...emails.map((value) => ({ type: 'email', value })),
    ...[...new Set(phones)].map((value) => ({ type: 'phone', value })),
  ]
  const street = [textOf(partner.street), textOf(partner.street2)].filter(Boolean).join(', ')
  const address = known({
    street: street || undefined,
    city: textOf(partner.city),
    postalCode: textOf(partner.zip),
    state: nameOf(partner.state_id),
    country: nameOf(partner.country_id),
    countryCode: textOf(partner.country_code),
  })
  return {
    type: 'identify',
    messageId: versionId(config, 'res.partner', partner),
    occurredAt: iso(partner.write_date),
    identifiers,
    traits: known({
      name: textOf(partner.name),
      email: emails[0],
      // A number that cannot be made E.164 is still worth showing as Odoo has it.
      phone: e164(partner.phone) ?? textOf(partner.phone),
      mobile: e164(partner.mobile) ?? textOf(partner.mobile),
      company: textOf(partner.commercial_company_name),
      title: textOf(partner.function),
      website: textOf(partner.website),
      address: Object.keys(address).length ? address : undefined,
      language: textOf(partner.lang),
      isCompany: partner.is_company,
      archived: !partner.active,
      createdAt: iso(partner.create_date),
    }),
  }
}

const orderEvents: Record<string, string> = { sale: 'Order confirmed', cancel: 'Order canceled' }

/**
 * A sale order (quotation or order) → record `order`, status = Odoo's state. Here and below, a
 * document without a partner belongs to no customer and gives nothing.
 */
export function orderEnvelopes(order: OdooSaleOrder, config: OdooConfig): EnvelopeInput[] {
  if (!order.partner_id) return []
  const event = orderEvents[order.state]
  return [
    {
      type: 'record',
      messageId: versionId(config, 'sale.order', order),
      occurredAt: iso(order.write_date),
      identifiers: partnerIdentifiers(order.partner_id),
      action: 'upsert',
      object: {
        type: 'order',
        externalId: String(order.id),
        status: order.state,
        title: order.name,
        amount: order.amount_total,
        ...currencyOf(order.currency_id),
        properties: known({
          orderedAt: iso(order.date_order),
          amountUntaxed: order.amount_untaxed,
          amountTax: order.amount_tax,
          invoiceStatus: textOf(order.invoice_status),
          customerReference: textOf(order.client_order_ref),
          salesperson: nameOf(order.user_id),
        }),
      },
      ...(event ? { event } : {}),
    },
  ]
}

/** canceled for a cancelled move, draft before it is posted, else how far it is paid. */
function invoiceStatus(move: OdooInvoice): string {
  if (move.state === 'cancel') return 'canceled'
  if (move.state === 'draft') return 'draft'
  return textOf(move.payment_state) ?? move.state
}

/**
 * A customer invoice → record `invoice`, a credit note → record `refund`, with the amount in the
 * document's currency. A draft has no number yet (Odoo shows `/`), so no title.
 */
export function invoiceEnvelopes(move: OdooInvoice, config: OdooConfig): EnvelopeInput[] {
  if (!move.partner_id) return []
  const kind = move.move_type === 'out_refund' ? 'Refund' : 'Invoice'
  const status = invoiceStatus(move)
  const event = status === 'paid' ? `${kind} paid` : status === 'canceled' ? `${kind} canceled` : undefined
  const number = move.name && move.name !== '/' ? move.name : undefined
  return [
    {
      type: 'record',
      messageId: versionId(config, 'account.move', move),
      occurredAt: iso(move.write_date),
      identifiers: partnerIdentifiers(move.partner_id),
      action: 'upsert',
      object: {
        type: kind === 'Refund' ? 'refund' : 'invoice',
        externalId: String(move.id),
        status,
        ...(number ? { title: number } : {}),
        amount: move.amount_total,
        ...currencyOf(move.currency_id),
        properties: known({
          invoiceDate: textOf(move.invoice_date),
          dueDate: textOf(move.invoice_date_due),
          amountDue: move.amount_residual,
          state: move.state,
          paymentState: textOf(move.payment_state),
          origin: textOf(move.invoice_origin),
          reference: textOf(move.ref),
          // The commercial entity (the company of a contact): who owes the money.
          billedTo: nameOf(move.commercial_partner_id),
          reversedInvoiceId: idOf(move.reversed_entry_id),
          reversedInvoice: nameOf(move.reversed_entry_id),
        }),
      },
      ...(event ? { event } : {}),
    },
  ]
}

const deliveryEvents: Record<string, string> = { done: 'Delivery shipped', cancel: 'Delivery canceled' }

/**
 * An outgoing transfer → record `delivery`. Odoo marks it done when the goods leave the warehouse,
 * hence "shipped".
 */
export function deliveryEnvelopes(picking: OdooDelivery, config: OdooConfig): EnvelopeInput[] {
  if (!picking.partner_id) return []
  const event = deliveryEvents[picking.state]
  return [
    {
      type: 'record',
      messageId: versionId(config, 'stock.picking', picking),
      occurredAt: iso(picking.write_date),
      identifiers: partnerIdentifiers(picking.partner_id),
      action: 'upsert',
      object: {
        type: 'delivery',
        externalId: String(picking.id),
        status: picking.state,
        title: picking.name,
        properties: known({
          scheduledAt: isoOrNone(picking.scheduled_date),
          doneAt: isoOrNone(picking.date_done),
          origin: textOf(picking.origin),
        }),
      },
      ...(event ? { event } : {}),
    },
  ]
}
