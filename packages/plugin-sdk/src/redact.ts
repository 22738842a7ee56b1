import type { PluginLogger } from './plugin.js'

export const redactedMarker = '[redacted]'
/** How much of a byte array in log fields is shown (as text, redacted). */
const maxLoggedBytes = 64 * 1024

/** Replaces every secret in a text with `[redacted]`. */
export type Redactor = (text: string) => string

/**
 * A secret can reach a text as written, or encoded into a URL (a query parameter), so each is
 * replaced in all three forms. Longer forms go first so that a secret containing another one is
 * replaced whole.
 */
export function createRedactor(secrets: Iterable<string | undefined>): Redactor {
  const forms = new Set<string>()
  for (const secret of secrets) {
    if (!secret) continue
    forms.add(secret)
    forms.add(encodeURIComponent(secret))
    forms.add(new URLSearchParams({ s: secret }).toString().slice(2))
  }
  const ordered = [...forms].sort((a, b) => b.length - a.length)
  if (!ordered.length) return (text) => text
  return (text) => ordered.reduce((result, form) => result.split(form).join(redactedMarker), text)
}

/**
 * A copy of a value with every string in it redacted: log fields, error details. What is not a
 * plain object or array goes by the form a logger would print: an error by name, message and stack,
 * a Map or Set by its entries, bytes as text, anything else (a URL, a class instance) by its JSON.
 */
export function redactDeep(value: unknown, redact: Redactor, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redact(value)
  if (value === null || typeof value !== 'object') return value
  if (seen.has(value)) return '[circular]'
  seen.add(value)
  const deep = (item: unknown) => redactDeep(item, redact, seen)
  if (Array.isArray(value)) return value.map(deep)
  if (value instanceof Date) return value // nothing of a secret in it
  if (value instanceof Error) {
    // Loggers print name, message and stack of an error; all three may carry a secret.
    return {
      name: value.name,
      message: redact(value.message),
      stack: value.stack && redact(value.stack),
      ...(value.cause === undefined ? {} : { cause: deep(value.cause) }),
    }
  }
  if (value instanceof Map || value instanceof Set) return [...value].map(deep)
  if (ArrayBuffer.isView(value)) {
    // A large body logged by mistake is not turned whole into text (and searched once per secret).
    const length = Math.min(value.byteLength, maxLoggedBytes)
    const text = redact(Buffer.from(value.buffer, value.byteOffset, length).toString())
    return length < value.byteLength ? `${text}… [${value.byteLength - length} more bytes not shown]` : text
  }
  const prototype = Object.getPrototypeOf(value)
  if (prototype !== Object.prototype && prototype !== null) {
    const toJSON = (value as { toJSON?: () => unknown }).toJSON
    if (typeof toJSON === 'function') return deep(toJSON.call(value)) // URL: its href
  }
  // Keys too: a map of tokens or accounts keyed by the secret itself is logged as such an object.
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [redact(key), deep(item)]))
}

/** A logger that never writes a secret: the message and every string in the fields are redacted. */
export function redactingLogger(logger: PluginLogger, secrets: Iterable<string | undefined>): PluginLogger {
  const redact = createRedactor(secrets)
  const level =
    (name: keyof PluginLogger) =>
    (message: string, fields?: Record<string, unknown>): void => {
      logger[name](redact(message), fields && (redactDeep(fields, redact) as Record<string, unknown>))
    }
  return { debug: level('debug'), info: level('info'), warn: level('warn'), error: level('error') }
}

/** A logger that drops everything: the default where none is given. */
export const silentLogger: PluginLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
}
