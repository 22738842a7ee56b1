import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { ConfigurationError, WebhookVerificationError } from './errors.js'
import type { WebhookRequest } from './plugin.js'

type Bytes = string | Buffer

export function hmacHex(secret: Bytes, content: Bytes, algorithm = 'sha256'): string {
  return createHmac(algorithm, secret).update(content).digest('hex')
}

export function hmacBase64(secret: Bytes, content: Bytes, algorithm = 'sha256'): string {
  return createHmac(algorithm, secret).update(content).digest('base64')
}

/**
 * Compares in constant time, whatever the lengths: timingSafeEqual needs equal lengths, so both
 * sides are hashed first, and a length difference only shows after the full comparison.
 */
export function safeEqual(a: Bytes, b: Bytes): boolean {
  const digest = (value: Bytes) => createHash('sha256').update(value).digest()
  return timingSafeEqual(digest(a), digest(b)) && Buffer.byteLength(a) === Buffer.byteLength(b)
}

/**
 * Throws unless a signed timestamp lies within `toleranceSeconds` of now, either way: an old one may
 * be a replay, one from the future a forged clock. Numbers above 10^11 are taken as milliseconds
 * (10^11 seconds is the year 5138), smaller ones as seconds. Returns the time as a Date.
 */
export function assertFreshTimestamp(
  timestamp: number | string | Date,
  toleranceSeconds: number,
  now: Date = new Date(),
): Date {
  const time = toDate(timestamp)
  if (!time) throw new WebhookVerificationError(`the timestamp "${String(timestamp)}" is not a time`)
  const skewSeconds = (now.getTime() - time.getTime()) / 1000
  if (skewSeconds > toleranceSeconds) {
    throw new WebhookVerificationError(
      `stale timestamp: signed ${Math.round(skewSeconds)} s ago, more than the ${toleranceSeconds} s allowed`,
    )
  }
  if (-skewSeconds > toleranceSeconds) {
    throw new WebhookVerificationError(
      `timestamp in the future: ${Math.round(-skewSeconds)} s ahead, more than the ${toleranceSeconds} s allowed`,
    )
  }
  return time
}

function toDate(timestamp: number | string | Date): Date | undefined {
  if (timestamp instanceof Date) return Number.isNaN(timestamp.getTime()) ? undefined : timestamp
  const number =
    typeof timestamp === 'number'
      ? timestamp
      : /^\d+$/.test(timestamp.trim())
        ? Number(timestamp)
        : Number.NaN
  if (!Number.isFinite(number)) return undefined
  return new Date(number > 1e11 ? number : number * 1000)
}

// Standard Webhooks (https://www.standardwebhooks.com, spec version 1): the sender signs
// `${webhook-id}.${webhook-timestamp}.${body}` with HMAC-SHA256 under the base64 key that follows
// `whsec_`, and sends `v1,<base64 signature>`, several separated by spaces while keys rotate.

/** The Standard Webhooks secret `whsec_<base64>` as the key bytes. */
function standardWebhookKey(secret: string): Buffer {
  const encoded = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
    throw new ConfigurationError('the webhook secret must be whsec_ followed by base64')
  }
  return Buffer.from(encoded, 'base64')
}

function standardSignature(key: Buffer, id: string, timestamp: string, body: Bytes): string {
  return hmacBase64(key, Buffer.concat([Buffer.from(`${id}.${timestamp}.`), Buffer.from(body)]))
}

export interface StandardWebhookOptions {
  /** How far the webhook-timestamp may be from now, default 300 s (the spec's recommendation). */
  toleranceSeconds?: number
  /** Default: the request's receivedAt, else the current time. */
  now?: Date
}

/**
 * Verifies a Standard Webhooks request, or throws WebhookVerificationError saying why (missing
 * header, stale timestamp, no matching signature). Returns the message id and timestamp: the id is
 * the same on every redelivery, a good messageId for the envelopes.
 */
export function verifyStandardWebhook(
  request: Pick<WebhookRequest, 'headers' | 'rawBody'> & { receivedAt?: Date },
  secret: string,
  options: StandardWebhookOptions = {},
): { id: string; timestamp: Date } {
  const key = standardWebhookKey(secret)
  const header = (name: string) => {
    const value = headerValue(request.headers, name)
    if (!value) throw new WebhookVerificationError(`missing ${name} header`)
    return value
  }
  const id = header('webhook-id')
  const timestampText = header('webhook-timestamp')
  const signatures = header('webhook-signature')
  if (!/^\d+$/.test(timestampText)) {
    throw new WebhookVerificationError(`webhook-timestamp "${timestampText}" is not in seconds`)
  }
  const now = options.now ?? request.receivedAt ?? new Date()
  // Seconds, by the spec: a sender writing milliseconds is told so by a timestamp far in the future.
  const timestamp = assertFreshTimestamp(
    new Date(Number(timestampText) * 1000),
    options.toleranceSeconds ?? 300,
    now,
  )
  const expected = standardSignature(key, id, timestampText, request.rawBody)
  // Every v1 entry is compared (no early exit) so that the time taken says nothing about which matched.
  let matched = false
  for (const entry of signatures.split(' ')) {
    const [version, signature] = entry.split(',', 2)
    if (version === 'v1' && signature && safeEqual(signature, expected)) matched = true
  }
  if (!matched) throw new WebhookVerificationError('bad signature: no v1 signature matches the body')
  return { id, timestamp }
}

/** The three Standard Webhooks headers for a body: for tests, and for plugins that send webhooks. */
export function signStandardWebhook(input: {
  id: string
  /** Default now. */
  timestamp?: Date
  body: Bytes
  secret: string
}): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  const timestamp = String(Math.floor((input.timestamp ?? new Date()).getTime() / 1000))
  const signature = standardSignature(standardWebhookKey(input.secret), input.id, timestamp, input.body)
  return { 'webhook-id': input.id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` }
}

/** Header names are lower-case in a WebhookRequest; tolerate other casing from hand-made requests. */
function headerValue(headers: Record<string, string | undefined>, name: string): string | undefined {
  if (headers[name] !== undefined) return headers[name]
  return Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1]
}
