import { type EnvelopeInput, type Identifier, messageIdFrom } from '@rapport/plugin-sdk'
import type { AcmeContact, AcmeTicket } from './acme-api.js'

/** The identifier type of an Acme contact id: the person shows as `acme-crm:c_1001`. */
export const vendor = 'acme-crm'

/**
 * Acme sends no event ids, so the id of a contact's or ticket's version (id + updated_at) is hashed:
 * the sync and the webhook produce the same messageId for the same change, and the inbox keeps one.
 */
const versionId = (kind: string, item: { id: string; updated_at: string }) =>
  messageIdFrom(vendor, kind, item.id, item.updated_at)

export function contactEnvelope(contact: AcmeContact): EnvelopeInput {
  const identifiers: Identifier[] = [{ type: vendor, value: contact.id }]
  if (contact.email) identifiers.push({ type: 'email', value: contact.email })
  if (contact.phone) identifiers.push({ type: 'phone', value: contact.phone })
  const traits = {
    firstName: contact.first_name,
    lastName: contact.last_name,
    company: contact.company,
    email: contact.email,
    phone: contact.phone,
  }
  return {
    type: 'identify',
    messageId: versionId('contact', contact),
    occurredAt: contact.updated_at,
    identifiers,
    // Acme writes null for "not known"; leaving those out keeps a value another source knows.
    traits: Object.fromEntries(Object.entries(traits).filter(([, value]) => value !== null)),
  }
}

export function ticketEnvelope(ticket: AcmeTicket): EnvelopeInput {
  const opened = ticket.created_at === ticket.updated_at
  return {
    type: 'record',
    messageId: versionId('ticket', ticket),
    occurredAt: ticket.updated_at,
    identifiers: [{ type: vendor, value: ticket.contact_id }],
    action: ticket.deleted_at ? 'delete' : 'upsert',
    object: {
      type: 'ticket',
      externalId: ticket.id,
      status: ticket.status,
      title: ticket.subject,
      properties: { priority: ticket.priority, openedAt: ticket.created_at },
    },
    // A new ticket is a touchpoint worth showing on the timeline; later edits only update the record.
    ...(opened && !ticket.deleted_at ? { event: 'Ticket opened' } : {}),
  }
}
