import { type EnvelopeInput, type Identifier, messageIdFrom } from '@rapport/plugin-sdk'
import type { CrmObject } from './hubspot-api.js'
import type { Owner } from './owners.js'

/** The identifier type of a HubSpot contact id: the person shows as `hubspot:151`. */
export const vendor = 'hubspot'

/** The contact properties the plugin reads, and the trait each becomes. */
export const contactTraitNames: Record<string, string> = {
  firstname: 'firstName',
  lastname: 'lastName',
  email: 'email',
  phone: 'phone',
  mobilephone: 'mobilePhone',
  company: 'company',
  jobtitle: 'jobTitle',
  lifecyclestage: 'lifecycleStage',
  hs_lead_status: 'leadStatus',
  city: 'city',
  country: 'country',
}

function normalizeEmail(value: string | null | undefined): string | undefined {
  const email = value?.trim().toLowerCase()
  return email?.includes('@') ? email : undefined
}

/**
 * HubSpot keeps phone numbers as typed ("+44 20 7183 8750"). Only a number written with its
 * country code is an identifier; a local number could be anyone's in another country.
 */
function e164(value: string | null | undefined): string | undefined {
  const phone = value?.replace(/[\s().-]/g, '')
  return phone && /^\+[1-9]\d{6,14}$/.test(phone) ? phone : undefined
}

/** The identifiers a contact's properties give: the HubSpot id, the e-mail, phones in E.164. */
export function contactIdentifiers(id: string, properties: Record<string, string | null>): Identifier[] {
  const identifiers: Identifier[] = [{ type: vendor, value: id }]
  const email = normalizeEmail(properties.email)
  if (email) identifiers.push({ type: 'email', value: email })
  for (const phone of new Set([e164(properties.phone), e164(properties.mobilephone)])) {
    if (phone) identifiers.push({ type: 'phone', value: phone })
  }
  return identifiers
}

function ownerOf(object: CrmObject, owners: Map<string, Owner>): Owner | undefined {
  const id = object.properties.hubspot_owner_id
  return id ? owners.get(id) : undefined
}

/**
 * A contact property's value as a trait: empty means unknown, and is left out. E-mails and phones
 * take the form of their identifiers when they have one, so that sources agree on the value.
 */
export function contactTrait(property: string, value: string | null | undefined): unknown {
  const text = value?.trim()
  if (!text) return undefined
  if (property === 'email') return normalizeEmail(text) ?? text
  if (property === 'phone' || property === 'mobilephone') return e164(text) ?? text
  return text
}

/**
 * A contact becomes an identify. HubSpot has no event ids for a sync to reuse, so the messageId
 * hashes the contact's version (id + last modified): every run gives the same one.
 */
export function contactEnvelope(
  contact: CrmObject,
  modified: string,
  owners: Map<string, Owner>,
): EnvelopeInput {
  const traits: Record<string, unknown> = {}
  for (const [property, trait] of Object.entries(contactTraitNames)) {
    const value = contactTrait(property, contact.properties[property])
    if (value !== undefined) traits[trait] = value
  }
  const owner = ownerOf(contact, owners)
  if (owner?.name) traits.owner = owner.name
  traits.hubspotArchived = false
  return {
    type: 'identify',
    messageId: messageIdFrom(vendor, 'contact', contact.id, modified),
    occurredAt: modified,
    identifiers: contactIdentifiers(contact.id, contact.properties),
    traits,
  }
}

/**
 * A contact archived (deleted) in HubSpot: the profile stays, marked. The sync and the
 * contact.deletion webhook build the same messageId when HubSpot gives them the same time.
 */
export function archivedContactEnvelope(
  id: string,
  archivedAt: string,
  email?: string | null,
): EnvelopeInput {
  const at = new Date(archivedAt).toISOString()
  const normalized = normalizeEmail(email)
  return {
    type: 'identify',
    messageId: messageIdFrom(vendor, 'contact', id, 'archived', at),
    occurredAt: at,
    identifiers: [{ type: vendor, value: id }, ...(normalized ? [{ type: 'email', value: normalized }] : [])],
    traits: { hubspotArchived: true },
  }
}

export type LinkedType = 'deal' | 'company'

/** What a record says about a deal or company, the same for each contact it is linked to. */
export interface RecordDetails {
  type: LinkedType
  status?: string
  title?: string
  amount?: number
  currency?: string
  properties: Record<string, unknown>
}

/** Values learnt once per run that objects only refer to. */
export interface Lookups {
  owners: Map<string, Owner>
  /** The portal's company currency, for deals without deal_currency_code. */
  currency?: string
}

function compact(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).filter(([, value]) => value !== undefined && value !== null && value !== ''),
  )
}

const flag = (value: string | null | undefined) =>
  value === 'true' ? true : value === 'false' ? false : undefined

/**
 * A deal's status is its stage. Stages of custom pipelines are numeric ids that say nothing, so a
 * closed deal is `closedwon` or `closedlost` (HubSpot's own stage names) whatever its pipeline:
 * that is what tells a settled deal from one still in play. The stage id stays in the properties.
 */
function dealStatus(p: CrmObject['properties']): string | undefined {
  if (p.hs_is_closed === 'true') return p.hs_is_closed_won === 'true' ? 'closedwon' : 'closedlost'
  return p.dealstage ?? undefined
}

export function dealDetails(deal: CrmObject, lookups: Lookups): RecordDetails {
  const p = deal.properties
  const owner = ownerOf(deal, lookups.owners)
  const amount = p.amount ? Number(p.amount) : Number.NaN
  const currency = (p.deal_currency_code ?? lookups.currency)?.toUpperCase()
  const status = dealStatus(p)
  return {
    type: 'deal',
    ...(status ? { status } : {}),
    ...(p.dealname ? { title: p.dealname } : {}),
    ...(Number.isFinite(amount) ? { amount } : {}),
    ...(Number.isFinite(amount) && currency && /^[A-Z]{3}$/.test(currency) ? { currency } : {}),
    properties: compact({
      hubspotId: deal.id,
      pipeline: p.pipeline,
      stage: p.dealstage,
      closeDate: p.closedate,
      closed: flag(p.hs_is_closed),
      won: flag(p.hs_is_closed_won),
      owner: owner?.name,
      ownerEmail: owner?.email,
      createdAt: deal.createdAt,
    }),
  }
}

export function companyDetails(company: CrmObject, lookups: Lookups): RecordDetails {
  const p = company.properties
  const owner = ownerOf(company, lookups.owners)
  return {
    type: 'company',
    ...(p.name ? { title: p.name } : {}),
    properties: compact({
      hubspotId: company.id,
      domain: p.domain,
      industry: p.industry,
      phone: p.phone,
      city: p.city,
      country: p.country,
      lifecycleStage: p.lifecyclestage,
      owner: owner?.name,
      ownerEmail: owner?.email,
      createdAt: company.createdAt,
    }),
  }
}

/**
 * A deal that became won or lost is worth a line on the timeline; `previousStatus` is the status
 * last sent (undefined when the deal is new to Rapport), so that later edits do not repeat it.
 */
export function dealEvent(details: RecordDetails, previousStatus: string | undefined): string | undefined {
  if (details.status === previousStatus) return undefined
  if (details.status === 'closedwon') return 'Deal won'
  if (details.status === 'closedlost') return 'Deal lost'
  return undefined
}

/**
 * A record belongs to one person, and one envelope carrying several people's identifiers would
 * merge them into one profile. So a deal or company linked to three contacts is three records, one
 * per contact, with the externalId `<object id>:<contact id>`.
 */
const linkedExternalId = (objectId: string, contactId: string) => `${objectId}:${contactId}`

export function linkedRecord(
  details: RecordDetails,
  objectId: string,
  contactId: string,
  modified: string,
  event?: string,
): EnvelopeInput {
  return {
    type: 'record',
    messageId: messageIdFrom(vendor, details.type, objectId, contactId, modified),
    occurredAt: modified,
    identifiers: [{ type: vendor, value: contactId }],
    action: 'upsert',
    object: { ...details, externalId: linkedExternalId(objectId, contactId) },
    ...(event ? { event } : {}),
  }
}

/**
 * The record of a deal or company for one contact, deleted: the object was archived, or the contact
 * is no longer associated with it (then the timeline says so, since the object itself lives on).
 */
export function linkDeleted(
  type: LinkedType,
  objectId: string,
  contactId: string,
  at: string,
  why: 'archived' | 'unlinked',
): EnvelopeInput {
  const time = new Date(at).toISOString()
  return {
    type: 'record',
    messageId: messageIdFrom(vendor, type, objectId, contactId, why, time),
    occurredAt: time,
    identifiers: [{ type: vendor, value: contactId }],
    action: 'delete',
    object: { type, externalId: linkedExternalId(objectId, contactId), properties: { hubspotId: objectId } },
    ...(why === 'unlinked' ? { event: `Removed from ${type}` } : {}),
  }
}
