import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

/**
 * The official Segment client for Node, `@segment/analytics-node`, as a sender of real tracking
 * calls. It is a (dev) dependency of apps/api, not of this package, so it is loaded from there.
 */
export interface SegmentAnalytics {
  identify(message: {
    userId?: string
    anonymousId?: string
    traits?: Record<string, unknown>
    messageId?: string
  }): void
  track(message: {
    userId?: string
    anonymousId?: string
    event: string
    properties?: Record<string, unknown>
    messageId?: string
    timestamp?: Date | string
  }): void
  page(message: {
    userId?: string
    anonymousId?: string
    name?: string
    properties?: Record<string, unknown>
  }): void
  on(event: 'error', listener: (error: unknown) => void): void
  closeAndFlush(options?: { timeout?: number }): Promise<void>
}

const requireFromApi = createRequire(fileURLToPath(new URL('../../api/package.json', import.meta.url)))

/** A Segment client pointed at the server, sending with the write key of an http source. */
export async function segmentClient(host: string, writeKey: string): Promise<SegmentAnalytics> {
  type Constructor = new (settings: Record<string, unknown>) => SegmentAnalytics
  // Resolved as apps/api resolves it (its CommonJS build); the class is a named export of it.
  const loaded = (await import(requireFromApi.resolve('@segment/analytics-node'))) as {
    Analytics?: Constructor
    default?: { Analytics?: Constructor }
  }
  const Analytics = loaded.Analytics ?? loaded.default?.Analytics
  if (!Analytics) throw new Error('@segment/analytics-node has no Analytics export')
  return new Analytics({ writeKey, host, flushAt: 20, flushInterval: 200, maxRetries: 3 })
}

/**
 * Sends the calls and waits until the server has taken them all; fails with the client's errors
 * (the client otherwise only logs them).
 */
export async function sendWithSegment(
  host: string,
  writeKey: string,
  send: (analytics: SegmentAnalytics) => void,
): Promise<void> {
  const analytics = await segmentClient(host, writeKey)
  const errors: unknown[] = []
  analytics.on('error', (error) => errors.push(error))
  send(analytics)
  await analytics.closeAndFlush({ timeout: 30_000 })
  if (errors.length) throw new Error(`the Segment client reported errors: ${errors.map(String).join('; ')}`)
}
