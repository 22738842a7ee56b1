import { setTimeout as wait } from 'node:timers/promises'

/** Waits, or rejects as soon as the signal aborts. Injectable so that tests need not wait. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>

export const realSleep: Sleep = async (ms, signal) => {
  await wait(ms, undefined, { signal })
}

/**
 * Exponential backoff with "equal jitter": half of the delay is fixed, half random, so that clients
 * that failed together do not all come back at the same instant.
 */
export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs: number): number {
  const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1))
  return Math.round(delay / 2 + (Math.random() * delay) / 2)
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110, 10.2.3); undefined if neither. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  const text = value?.trim()
  if (!text) return undefined
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now.getTime())
}
