import {
  createPluginContext,
  createRateLimiter,
  type Plugin,
  type PluginContext,
  type RateLimiter,
  type TokenBucketLimiter,
} from '@rapport/plugin-sdk'
import type { Logger } from 'pino'
import type { Db } from '../database/database.js'
import { sourceStateStore } from '../sources/source-state.repository.js'

/**
 * The context a source's plugin runs with: the source's state, the plugin's declared HTTP limits,
 * secrets redacted from everything it logs or throws, and the run's abort signal.
 */
export function pluginContextFor(
  db: Db,
  source: { workspaceId: string; sourceId: string },
  plugin: Plugin,
  secrets: string[],
  signal: AbortSignal,
  log: Logger,
): PluginContext {
  const rateLimiter = sourceRateLimiter(source.sourceId, plugin)
  return createPluginContext({
    logger: {
      debug: (message, fields) => log.debug(fields ?? {}, message),
      info: (message, fields) => log.info(fields ?? {}, message),
      warn: (message, fields) => log.warn(fields ?? {}, message),
      error: (message, fields) => log.error(fields ?? {}, message),
    },
    state: sourceStateStore(db, source.workspaceId, source.sourceId),
    secrets,
    signal,
    http: { ...plugin.http, ...(rateLimiter ? { rateLimiter } : {}) },
  })
}

/** The rate limiters of the sources whose limiter is not full (or was not at the last sweep), with the time it will be. */
const limiters = new Map<string, { limiter: TokenBucketLimiter; fullAt: number }>()
/** The full limiters are forgotten at most this often: not on every request, each sweep reads them all. */
const sweepEveryMs = 1000
let sweptAt = 0

/**
 * The vendor's limit holds for the account, not for one run: a source's checks, syncs and listeners
 * take from one limiter in this process (webhooks' verify and parse get no context, and make no
 * requests through it). The contexts hold a handle that finds it by source id; a
 * limiter full again is the same as a new one, so it is forgotten then, and the map holds only the
 * sources that made requests lately.
 */
export function sourceRateLimiter(sourceId: string, plugin: Plugin): RateLimiter | undefined {
  const settings = plugin.http ?? {}
  if (!settings.requestsPerSecond) return undefined
  return {
    take() {
      const now = Date.now()
      if (now - sweptAt >= sweepEveryMs) {
        sweptAt = now
        for (const [id, entry] of limiters) if (now >= entry.fullAt) limiters.delete(id)
      }
      let entry = limiters.get(sourceId)
      if (!entry) {
        entry = { limiter: createRateLimiter(settings, Date.now)!, fullAt: now }
        limiters.set(sourceId, entry)
      }
      const wait = entry.limiter.take()
      // The requests queued before this one go first; only after it does the bucket fill again.
      entry.fullAt = now + wait + entry.limiter.refillMs
      return wait
    },
  }
}
