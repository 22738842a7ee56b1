import type { HttpSettings } from './plugin.js'

/** Says how long to wait before the next request may go; shared by whoever shares the limit. */
export interface RateLimiter {
  /** Milliseconds to wait before the request may go (the token is taken either way). */
  take(): number
}

/**
 * The limiter for a plugin's `http` settings, undefined when it declares no rate. The host keeps one
 * per source, so that its check, syncs and webhooks share the vendor's limit.
 */
/** A token bucket as a limiter, saying how long it takes to fill from empty: then it is as good as new. */
export interface TokenBucketLimiter extends RateLimiter {
  readonly refillMs: number
}

export function createRateLimiter(settings: HttpSettings, now: () => number): TokenBucketLimiter | undefined {
  const perSecond = settings.requestsPerSecond
  if (!perSecond) return undefined
  const burst = settings.burst ?? Math.max(1, Math.floor(perSecond))
  return { ...createTokenBucket(perSecond, burst, now), refillMs: Math.ceil((burst / perSecond) * 1000) }
}

/**
 * A token bucket: `burst` requests may go at once, then `perSecond` a second. take() reserves a
 * token and says how long to wait for it; the balance may go negative, so concurrent callers queue
 * up behind each other without a polling loop.
 */
export function createTokenBucket(perSecond: number, burst: number, now: () => number) {
  let tokens = burst
  let last = now()
  return {
    /** Milliseconds to wait before the request may go. */
    take(): number {
      const time = now()
      tokens = Math.min(burst, tokens + ((time - last) / 1000) * perSecond)
      last = time
      tokens -= 1
      return tokens >= 0 ? 0 : Math.ceil((-tokens / perSecond) * 1000)
    },
  }
}
