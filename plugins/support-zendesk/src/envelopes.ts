import { type Channel, type EnvelopeInput, type Identifier, messageIdFrom } from '@rapport/plugin-sdk'
import type { ZendeskConfig } from './config.js'
import type {
  ZendeskOrganization,
  ZendeskSatisfactionRating,
  ZendeskTicket,
  ZendeskTicketEvent,
  ZendeskUser,
} from './zendesk-api.js'

/** The identifier type of a Zendesk user id: the person shows as `zendesk:9001`. */
export const vendor = 'zendesk'

const zendeskId = (id: number): Identifier => ({ type: vendor, value: String(id) })
const idText = (id: number | null | undefined) => (typeof id === 'number' ? String(id) : undefined)

/** A phone in E.164 once spaces, dashes, dots and brackets are gone (00 counts as +); else undefined. */
export function e164(phone: string): string | undefined {
  const digits = phone.replace(/[\s().-]/g, '').replace(/^00/, '+')
  return /^\+[1-9]\d{6,14}$/.test(digits) ? digits : undefined
}

/**
 * Who a Zendesk user is: the Zendesk id always; the e-mail (lower-cased) and the phone (only in
 * E.164: a local number cannot be matched safely); the external_id as userId only when the config
 * says it is the product's user id. A deleted user keeps the Zendesk id alone: their e-mail and phone
 * are not asserted again after the deletion.
 */
export function personIdentifiers(user: ZendeskUser, config: ZendeskConfig): Identifier[] {
  const identifiers = [zendeskId(user.id)]
  if (!user.active) return identifiers
  if (user.email) identifiers.push({ type: 'email', value: user.email.toLowerCase() })
  const phone = user.phone && e164(user.phone)
  if (phone) identifiers.push({ type: 'phone', value: phone })
  if (config.externalIdIsUserId && user.external_id)
    identifiers.push({ type: 'userId', value: user.external_id })
  return identifiers
}

/** The requester of a ticket or rating, with what the sideloaded user says about them when it came. */
export function requesterIdentifiers(
  requesterId: number,
  users: Map<number, ZendeskUser>,
  config: ZendeskConfig,
): Identifier[] {
  const user = users.get(requesterId)
  return user ? personIdentifiers(user, config) : [zendeskId(requesterId)]
}

const statusOf = (user: ZendeskUser) => (!user.active ? 'deleted' : user.suspended ? 'suspended' : 'active')

/** Leaves out what Zendesk does not know, so that it does not erase what another source knows. */
const known = (traits: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(traits).filter(([, value]) => value !== null && value !== undefined))

/** A user becomes a person: identifiers, name, contact details, company (their organization), role. */
export function userEnvelope(
  user: ZendeskUser,
  organization: ZendeskOrganization | undefined,
  config: ZendeskConfig,
): EnvelopeInput {
  const base = {
    type: 'identify' as const,
    messageId: messageIdFrom(vendor, 'user', user.id, user.updated_at),
    occurredAt: user.updated_at,
    identifiers: personIdentifiers(user, config),
  }
  if (!user.active) return { ...base, traits: { zendeskStatus: 'deleted' } }
  const phone = user.phone ? (e164(user.phone) ?? user.phone) : undefined
  return {
    ...base,
    traits: known({
      name: user.name,
      email: user.email?.toLowerCase(),
      phone,
      company: organization?.name,
      zendeskRole: user.role,
      zendeskStatus: statusOf(user),
      ...(config.externalIdIsUserId ? {} : { zendeskExternalId: user.external_id }),
    }),
  }
}

/**
 * An organization that changed, seen from one of its members: their company trait follows it. The
 * version is the organization's, so the same change gives the same messageId on every run.
 */
export function memberEnvelope(
  member: ZendeskUser,
  organization: ZendeskOrganization,
  config: ZendeskConfig,
): EnvelopeInput {
  return {
    type: 'identify',
    messageId: messageIdFrom(
      vendor,
      'organization-member',
      organization.id,
      organization.updated_at,
      member.id,
    ),
    occurredAt: organization.updated_at,
    identifiers: personIdentifiers(member, config),
    traits: { company: organization.name },
  }
}

/** Zendesk's via.channel in Rapport's words; channels that are not the customer's (api, rule) have none. */
const channels: Record<string, Channel> = {
  email: 'email',
  web: 'web',
  help_center: 'web',
  chat: 'chat',
  native_messaging: 'chat',
  voice: 'phone',
  sms: 'sms',
  twitter: 'social',
  facebook: 'social',
  instagram_dm: 'social',
  whatsapp: 'social',
  mobile_sdk: 'app',
  mobile: 'app',
}

/**
 * A ticket version becomes the requester's ticket record; a deleted one (status deleted) a delete.
 * The status changes themselves reach the timeline from the ticket events (statusChangeEnvelope), at
 * the time each happened, so a version is only "Ticket updated".
 */
export function ticketEnvelope(ticket: ZendeskTicket, requester: Identifier[]): EnvelopeInput {
  const deleted = ticket.status === 'deleted'
  const channel = ticket.via && channels[ticket.via.channel]
  return {
    type: 'record',
    messageId: messageIdFrom(vendor, 'ticket', ticket.id, ticket.updated_at),
    occurredAt: ticket.updated_at,
    identifiers: requester,
    action: deleted ? 'delete' : 'upsert',
    object: {
      type: 'ticket',
      externalId: String(ticket.id),
      status: ticket.status,
      ...(ticket.subject ? { title: ticket.subject } : {}),
      properties: known({
        priority: ticket.priority,
        type: ticket.type,
        via: ticket.via?.channel,
        tags: ticket.tags,
        createdAt: ticket.created_at,
      }),
    },
    event: deleted ? 'Ticket deleted' : 'Ticket updated',
    ...(channel ? { channel } : {}),
  }
}

/** A status set on a ticket: at its creation (Create) or later (Change). */
export interface StatusChange {
  event: ZendeskTicketEvent
  childId: number
  status: string
  previous: string | undefined
  created: boolean
}

/** The status changes in one ticket update; a deletion is left to the tickets stream. */
export function statusChanges(event: ZendeskTicketEvent): StatusChange[] {
  return event.child_events.flatMap((child) => {
    const created = child.event_type === 'Create'
    if (!created && child.event_type !== 'Change') return []
    if (typeof child.status !== 'string' || child.status === 'deleted') return []
    const previous = typeof child.previous_value === 'string' ? child.previous_value : undefined
    return [{ event, childId: child.id, status: child.status, previous, created }]
  })
}

function statusEventName(change: StatusChange): string {
  if (change.created) return 'Ticket opened'
  if (change.status === 'open' && (change.previous === 'solved' || change.previous === 'closed')) {
    return 'Ticket reopened'
  }
  return change.status === 'hold' ? 'Ticket on hold' : `Ticket ${change.status}`
}

/** A status change becomes a line on the requester's timeline, and the ticket record's status then. */
export function statusChangeEnvelope(change: StatusChange, requester: Identifier[]): EnvelopeInput {
  return {
    type: 'record',
    messageId: messageIdFrom(vendor, 'ticket-event', change.childId),
    occurredAt: change.event.created_at,
    identifiers: requester,
    action: 'upsert',
    object: { type: 'ticket', externalId: String(change.event.ticket_id), status: change.status },
    event: statusEventName(change),
  }
}

/** Zendesk's two answers on Rapport's CSAT scale (1-5): good is the top, bad the bottom. */
const csatScores: Record<string, number> = { good: 5, bad: 1 }

/** The question of Zendesk's CSAT survey, as its customers see it. */
const csatQuestion = 'How would you rate the support you received?'

/**
 * A received rating becomes CSAT feedback from the requester; offered and unoffered ratings are no
 * answer yet, and give nothing.
 */
export function ratingEnvelope(rating: ZendeskSatisfactionRating): EnvelopeInput | undefined {
  const score = csatScores[rating.score]
  if (score === undefined) return undefined
  return {
    type: 'feedback',
    messageId: messageIdFrom(vendor, 'satisfaction-rating', rating.id, rating.updated_at),
    occurredAt: rating.updated_at,
    identifiers: [zendeskId(rating.requester_id)],
    metric: 'csat',
    score,
    ...(rating.comment?.trim() ? { text: rating.comment.trim() } : {}),
    question: csatQuestion,
    properties: known({
      zendeskScore: rating.score,
      ticketId: idText(rating.ticket_id),
      reason: rating.reason,
      assigneeId: idText(rating.assignee_id),
    }),
  }
}
