import type { Sleep } from './backoff.js'
import { createHttpClient, systemClock } from './http-client.js'
import type { HttpSettings, PluginContext, PluginLogger, StateStore } from './plugin.js'
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
  /** The plugin's `http` settings, and a sleep that tests may replace. */
  http?: HttpSettings & { sleep?: Sleep }
}

/** Builds the context a plugin runs with: the host calls it once per run, tests through the testkit. */
export function createPluginContext(options: PluginContextOptions): PluginContext {
  const secrets = [...options.secrets]
  const clock = options.clock ?? systemClock
  const logger = redactingLogger(options.logger, secrets)
  const http = createHttpClient({ ...options.http, secrets, logger, signal: options.signal, clock })
  return { http, logger, clock, state: options.state, signal: options.signal }
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
