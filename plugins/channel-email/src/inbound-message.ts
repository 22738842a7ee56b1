import { type AddressObject, type EmailAddress, type HeaderLines, simpleParser } from 'mailparser'

/** Text kept on the timeline, in characters; the rest of a long mail is cut and marked so. */
export const maxTextLength = 20_000

export interface Attachment {
  filename?: string
  contentType: string
  /** Decoded size in bytes. */
  size: number
}

/** What Rapport keeps of one received message (RFC 5322), its headers decoded. */
export interface InboundMessage {
  from: { address: string; name?: string }
  subject?: string
  /** The plain text part, or the text of the HTML part when there is none; at most maxTextLength. */
  text: string
  textTruncated: boolean
  to: string[]
  cc: string[]
  /** The Message-ID header, `<...>`. */
  messageId?: string
  inReplyTo?: string
  references: string[]
  /** The Date header, when it is there and is a date. */
  date?: Date
  attachments: Attachment[]
}

/** A message that can never be accepted as it is: the sender gets a permanent (5xx) failure. */
export class UnacceptableMessageError extends Error {
  override name = 'UnacceptableMessageError'
}

/**
 * Reads a raw message with a real MIME parser (mailparser): encoded words, charsets, multipart
 * bodies, HTML-only mail turned into text, attachments listed without keeping their content.
 * Throws UnacceptableMessageError for what is not a message: no header section, no From address.
 */
export async function readInboundMessage(raw: Buffer): Promise<InboundMessage> {
  const mail = await parse(raw).catch((error: unknown) => {
    throw new UnacceptableMessageError(
      `the message cannot be read as MIME: ${error instanceof Error ? error.message : String(error)}`,
    )
  })
  // mailparser reads anything; a first line that is not a header field means it was not a message.
  if (!mail.headerLines[0]?.key) {
    throw new UnacceptableMessageError('this is not an e-mail message: it does not begin with header fields')
  }
  const sender = addresses(mail.from)[0]
  if (!sender?.address?.includes('@')) {
    throw new UnacceptableMessageError('the message has no From address')
  }
  const text = (mail.text || (mail.html && (await htmlText(mail.html))) || '').trim()
  return {
    from: { address: sender.address.toLowerCase(), ...optional('name', sender.name.trim() || undefined) },
    ...optional('subject', mail.subject?.trim() || undefined),
    ...truncated(text),
    to: addressList(mail.to),
    cc: addressList(mail.cc),
    ...optional('messageId', messageIdToken(mail.messageId)),
    ...optional('inReplyTo', messageIdToken(mail.inReplyTo)),
    references: [mail.references ?? []].flat().flatMap((value) => messageIdTokens(value)),
    ...optional('date', headerDate(mail.headerLines)),
    attachments: mail.attachments.map((attachment) => ({
      ...optional('filename', attachment.filename),
      contentType: attachment.contentType,
      size: attachment.size,
    })),
  }
}

const parse = (raw: Buffer) =>
  simpleParser(raw, {
    // Only the text and the attachments' names and sizes are kept: skip the work for the rest.
    skipImageLinks: true,
    keepCidLinks: true,
    skipTextToHtml: true,
    checksumAlgo: false,
  })

/**
 * mailparser turns HTML into text for an HTML-only message, but not for an HTML part inside
 * multipart/mixed (HTML mail with attachments): that part is converted alone, by the same parser.
 */
async function htmlText(html: string): Promise<string | undefined> {
  const part = await parse(Buffer.from(`Content-Type: text/html; charset=utf-8\r\n\r\n${html}`))
  return part.text
}

function truncated(text: string): { text: string; textTruncated: boolean } {
  if (text.length <= maxTextLength) return { text, textTruncated: false }
  let cut = text.slice(0, maxTextLength)
  // Never leave half of a surrogate pair (an emoji) at the end.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1)
  return { text: cut, textTruncated: true }
}

/** `{ key: value }`, or nothing when there is no value: JSON properties leave out what is unknown. */
function optional<Key extends string, Value>(key: Key, value: Value | undefined) {
  return (value === undefined ? {} : { [key]: value }) as Partial<Record<Key, Value>>
}

/** Mailboxes of an address header, groups (`team: a@x, b@x;`) opened up. */
function addresses(header: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  const open = (entry: EmailAddress): EmailAddress[] => (entry.group ? entry.group.flatMap(open) : [entry])
  return [header ?? []].flat().flatMap((object) => object.value.flatMap(open))
}

function addressList(header: AddressObject | AddressObject[] | undefined): string[] {
  return addresses(header).flatMap((entry) => (entry.address ? [entry.address.toLowerCase()] : []))
}

/** Every `<id>` in a header value; a bare id without brackets (seen from some clients) gets them. */
function messageIdTokens(value: string): string[] {
  const bracketed = value.match(/<[^<>\s]+>/g)
  if (bracketed) return bracketed
  const bare = value.trim()
  return bare && !/\s/.test(bare) ? [`<${bare}>`] : []
}

export function messageIdToken(value: string | undefined): string | undefined {
  return value === undefined ? undefined : messageIdTokens(value)[0]
}

/**
 * The Date header read here rather than taken from mailparser, which puts the current time in
 * place of a date it cannot read: that must not pass for the sender's time.
 */
function headerDate(lines: HeaderLines): Date | undefined {
  const line = lines.find((entry) => entry.key === 'date')?.line
  if (!line) return undefined
  const value = line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ')
  const time = Date.parse(value.trim())
  return Number.isFinite(time) ? new Date(time) : undefined
}
