import { createHash } from 'node:crypto'
import { type EnvelopeInput, messageIdFrom } from '@rapport/plugin-sdk'
import type { InboundMessage } from './inbound-message.js'

export const pluginId = 'channel-email'

/** A Date header further ahead of the receipt than clock skew explains is the sender's mistake (or spam). */
const maxClockSkewMs = 24 * 60 * 60 * 1000

export interface Receipt {
  /** The message exactly as received, for the messageId of a message without a Message-ID. */
  raw: Buffer
  receivedAt: Date
  /** The support addresses it was delivered to (SMTP RCPT TO), lower-cased. */
  deliveredTo: string[]
}

/**
 * One received message: a `track` "Email received" on the sender's timeline, and an `identify`
 * with the sender's name when the From header gives one.
 *
 * The messageId comes from the Message-ID header, so a message delivered twice (a retry after a
 * 4xx, the same mail to two support addresses) is one message in the inbox. The sender's address
 * is hashed with it: a sender can only ever collide with their own mail, never hide someone else's.
 * A message without a Message-ID is known by a hash of its bytes.
 */
export function messageEnvelopes(message: InboundMessage, receipt: Receipt): EnvelopeInput[] {
  const sender = message.from.address
  const messageId = message.messageId
    ? messageIdFrom(pluginId, 'message', sender, message.messageId)
    : messageIdFrom(pluginId, 'raw', createHash('sha256').update(receipt.raw).digest('hex'))
  const occurredAt = sentAt(message, receipt.receivedAt).toISOString()
  const identifiers = [{ type: 'email', value: sender }]
  const threadId = message.references[0] ?? message.inReplyTo ?? message.messageId

  const track: EnvelopeInput = {
    type: 'track',
    messageId,
    occurredAt,
    identifiers,
    event: 'Email received',
    channel: 'email',
    properties: {
      ...(message.subject ? { subject: message.subject } : {}),
      text: message.text,
      ...(message.textTruncated ? { textTruncated: true } : {}),
      to: message.to,
      cc: message.cc,
      deliveredTo: receipt.deliveredTo,
      ...(message.messageId ? { messageId: message.messageId } : {}),
      ...(message.inReplyTo ? { inReplyTo: message.inReplyTo } : {}),
      references: message.references,
      ...(threadId ? { threadId } : {}),
      attachments: message.attachments,
    },
  }
  const traits = nameTraits(message.from.name)
  if (!traits) return [track]
  return [
    {
      type: 'identify',
      messageId: messageIdFrom(pluginId, 'sender', messageId),
      occurredAt,
      identifiers,
      traits: { ...traits, email: sender },
    },
    track,
  ]
}

function sentAt(message: InboundMessage, receivedAt: Date): Date {
  const date = message.date
  return date && date.getTime() - receivedAt.getTime() <= maxClockSkewMs ? date : receivedAt
}

/**
 * The display name of a From header as traits: `Ada Lovelace` and `Lovelace, Ada` give firstName
 * and lastName (they compete with what a CRM says under the same names), a single word gives name.
 * A "name" that is an address again (`"ada@example.com" <ada@example.com>`) says nothing.
 */
export function nameTraits(displayName: string | undefined): Record<string, string> | undefined {
  const name = displayName?.replace(/^["']+|["']+$/g, '').trim()
  if (!name || name.includes('@')) return undefined
  const reversed = name.split(',').map((part) => part.trim())
  if (reversed.length === 2 && reversed[0] && reversed[1]) {
    return { firstName: reversed[1], lastName: reversed[0] }
  }
  const [first, ...rest] = name.split(/\s+/)
  return rest.length && first ? { firstName: first, lastName: rest.join(' ') } : { name }
}
