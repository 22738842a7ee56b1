/**
 * What went wrong, in terms the host can act on: retry later (transient, rate limited), or stop and
 * show the user (configuration, authentication, verification).
 */
export type PluginErrorKind =
  | 'configuration'
  | 'authentication'
  | 'rate-limited'
  | 'transient'
  | 'verification'

export class PluginError extends Error {
  constructor(
    readonly kind: PluginErrorKind,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = new.target.name
  }
}

/** The config is wrong (missing field, bad URL, unknown account): the user must change it. */
export class ConfigurationError extends PluginError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('configuration', message, false, options)
  }
}

/** The vendor refused the credentials (401/403). */
export class AuthenticationError extends PluginError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('authentication', message, false, options)
  }
}

/** The vendor said slow down; try again after `retryAfterMs`. */
export class RateLimitedError extends PluginError {
  constructor(
    message: string,
    readonly retryAfterMs: number,
    options?: { cause?: unknown },
  ) {
    super('rate-limited', message, true, options)
  }
}

/** A network failure, a timeout or a 5xx: worth retrying later. */
export class TransientError extends PluginError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('transient', message, true, options)
  }
}

/** A webhook that is unsigned, wrongly signed, tampered with or too old. */
export class WebhookVerificationError extends PluginError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('verification', message, false, options)
  }
}

const pluginErrorKinds: ReadonlySet<string> = new Set<PluginErrorKind>([
  'configuration',
  'authentication',
  'rate-limited',
  'transient',
  'verification',
])

/**
 * A typed plugin error, also when it comes from another copy of this SDK (a plugin installed with
 * its own): `instanceof` is true only for this copy's classes, so the host reads the shape instead.
 */
export function isPluginError(error: unknown): error is PluginError {
  if (error instanceof PluginError) return true
  if (typeof error !== 'object' || error === null) return false
  const { kind, name, message } = error as { kind?: unknown; name?: unknown; message?: unknown }
  return (
    typeof kind === 'string' &&
    pluginErrorKinds.has(kind) &&
    typeof name === 'string' &&
    name.endsWith('Error') &&
    typeof message === 'string'
  )
}
