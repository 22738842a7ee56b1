import type { CustomerSummary, Profile, TimelineEntry } from '@rapport/api-client'
import { capitalize, formatNumber } from '../../lib/format'

/**
 * The words the customer pages use for what the API sends as codes: identifier types, channels,
 * kinds of timeline entries, record types and trait keys.
 */

const identifierLabels: Record<string, string> = {
  email: 'E-mail',
  phone: 'Phone',
  userId: 'User id',
  anonymousId: 'Anonymous id',
}

/** E-mail, Phone, User id, Anonymous id, or the vendor's id as the vendor is called (`hubspot`: Hubspot id). */
export function identifierLabel(type: string): string {
  return identifierLabels[type] ?? `${capitalize(type)} id`
}

/** The channels of the envelope vocabulary (plugin SDK), in its order, with what people call them. */
export const channels = [
  { value: 'web', label: 'Web' },
  { value: 'app', label: 'App' },
  { value: 'email', label: 'E-mail' },
  { value: 'phone', label: 'Phone' },
  { value: 'chat', label: 'Chat' },
  { value: 'sms', label: 'SMS' },
  { value: 'social', label: 'Social' },
  { value: 'in-person', label: 'In person' },
  { value: 'letter', label: 'Letter' },
  { value: 'other', label: 'Other' },
] as const

export function channelLabel(channel: string): string {
  return channels.find((c) => c.value === channel)?.label ?? capitalize(channel)
}

export const entryKinds: readonly { value: TimelineEntry['kind']; label: string }[] = [
  { value: 'track', label: 'Interactions' },
  { value: 'record', label: 'Records' },
  { value: 'feedback', label: 'Feedback' },
  { value: 'identify', label: 'Profile updates' },
]

/** Record types in the order a person looks for them; others follow alphabetically. */
const recordTypeOrder = ['order', 'invoice', 'subscription', 'deal', 'ticket', 'payment', 'refund']
const irregularPlurals: Record<string, string> = { delivery: 'deliveries', company: 'companies' }

export function sortRecordTypes(types: readonly string[]): string[] {
  const rank = (type: string) => {
    const index = recordTypeOrder.indexOf(type)
    return index === -1 ? recordTypeOrder.length : index
  }
  return [...types].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
}

/** `sales-order` -> Sales order; plural: Sales orders. */
export function recordTypeLabel(type: string, plural = false): string {
  const words = type.replace(/-/g, ' ')
  return capitalize(plural ? (irregularPlurals[type] ?? `${words}s`) : words)
}

export function countOf(count: number, type: string): string {
  return `${formatNumber(count)} ${recordTypeLabel(type, count !== 1).toLowerCase()}`
}

/** `firstName`, `first_name` -> First name; the key itself stays visible to whoever needs it. */
export function traitLabel(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase()
  return capitalize(words || key)
}

/** A trait value as text: strings as they are, numbers in the reader's locale, the rest as JSON. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return '—'
  if (typeof value === 'string') return value
  if (typeof value === 'number') return formatNumber(value)
  if (typeof value === 'boolean') return value ? 'Yes' : 'No'
  return JSON.stringify(value)
}

export function traitValue(profile: Profile, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = profile.traits.find((trait) => trait.key === key)?.value
    if (typeof value === 'string' && value.trim()) return value.trim()
    if (value && typeof value === 'object' && 'name' in value && typeof value.name === 'string')
      return value.name
  }
  return undefined
}

const identifierRank: Record<string, number> = { userId: 1, email: 2, phone: 3, anonymousId: 5 }

/** The identifier that says most about who this is, as the customer list picks it. */
function strongest<T extends { type: string }>(identities: readonly T[]): T | undefined {
  return [...identities].sort((a, b) => (identifierRank[a.type] ?? 4) - (identifierRank[b.type] ?? 4))[0]
}

/** What to call a customer: the name, else their first e-mail, else their strongest identifier. */
export function customerName(profile: Pick<Profile, 'displayName' | 'identities'>): string {
  if (profile.displayName) return profile.displayName
  const identity = profile.identities.find((i) => i.type === 'email') ?? strongest(profile.identities)
  return identity?.value ?? 'Unnamed customer'
}

/** The same for a row of the customer list. */
export function summaryName(customer: CustomerSummary): string {
  return customer.displayName ?? customer.email ?? customer.identifier?.value ?? 'Unnamed customer'
}

export function initials(name: string): string {
  const base = name.includes('@') ? (name.split('@')[0] ?? name) : name
  const [first = '?', second] = base.split(/[\s._-]+/).filter(Boolean)
  return (second ? `${first.charAt(0)}${second.charAt(0)}` : first.slice(0, 2)).toUpperCase()
}

/** The start of a long id: enough to tell two apart at a glance; the whole id goes in a title. */
export function shortId(id: string): string {
  return id.slice(0, 8)
}

/** The name of a source on a profile; rows whose source is gone (or never had one) say so. */
export function sourceNamer(profile: Pick<Profile, 'sources'>) {
  const names = new Map(profile.sources.map((source) => [source.id, source.name]))
  return (sourceId: string | null): string =>
    sourceId === null ? 'no source recorded' : (names.get(sourceId) ?? 'a deleted source')
}
