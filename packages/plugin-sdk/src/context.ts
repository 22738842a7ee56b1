import type { Sleep } from './backoff.js'
import { ConfigurationError } from './errors.js'
import { createHttpClient, systemClock } from './http-client.js'
import type { HttpSettings, PluginContext, PluginLogger, StateStore } from './plugin.js'
import type { RateLimiter } from './rate-limiter.js'
import { redactingLogger } from './redact.js'

export interface PluginContextOptions {
  /** The host's logger; the context wraps it so that no secret reaches it. */
  logger: PluginLogger
  state: StateStore
  /** The values of the source's secret config fields (see secretValues). */
  secrets: Iterable<string | undefined>
  /** Aborted when the run is cancelled or times out. */
  signal: AbortSignal
  clock?: PluginContext['clock']
  /**
   * The plugin's `http` settings, and a sleep that tests may replace; a rateLimiter given is used
   * instead of a fresh one for this context (the host shares one between a source's contexts).
   */
  http?: HttpSettings & { sleep?: Sleep; rateLimiter?: RateLimiter }
}

/** Builds the context a plugin runs with: the host calls it once per run, tests through the testkit. */
export function createPluginContext(options: PluginContextOptions): PluginContext {
  const secrets = [...options.secrets]
  const clock = options.clock ?? systemClock
  const logger = redactingLogger(options.logger, secrets)
  const http = createHttpClient({ ...options.http, secrets, logger, signal: options.signal, clock })
  return { http, logger, clock, state: sizeLimited(options.state), signal: options.signal }
}

/** The most a state value may take as JSON: state is for positions and small lookups, not data. */
export const maxStateValueBytes = 64 * 1024

/**
 * The state store with each value's size checked before it is kept. Every context gets it, the
 * host's and the testkit's, so that a plugin meets the limit in its tests before a server does.
 */
function sizeLimited(state: StateStore): StateStore {
  return {
    get: (key) => state.get(key),
    async set(key, value) {
      const bytes = Buffer.byteLength(JSON.stringify(value) ?? '')
      if (bytes > maxStateValueBytes) {
        throw new ConfigurationError(
          `state value "${key}" is ${bytes} bytes as JSON; the limit is ${maxStateValueBytes}: keep positions and small lookups in state, not the data read`,
        )
      }
      await state.set(key, value)
    },
    delete: (key) => state.delete(key),
  }
}

/**
 * State kept in memory, for tests and one-off runs. Values are copied through JSON on the way in
 * and out, as a database would, so that a plugin cannot depend on keeping a live reference.
 */
export function memoryStateStore(initial: Record<string, unknown> = {}): StateStore & {
  entries(): Record<string, unknown>
} {
  const values = new Map<string, string>(
    Object.entries(initial).map(([key, value]) => [key, JSON.stringify(value)]),
  )
  return {
    async get<T>(key: string) {
      const text = values.get(key)
      return text === undefined ? undefined : (JSON.parse(text) as T)
    },
    async set(key, value) {
      values.set(key, JSON.stringify(value))
    },
    async delete(key) {
      values.delete(key)
    },
    entries: () => Object.fromEntries([...values].map(([key, text]) => [key, JSON.parse(text)])),
  }
}
