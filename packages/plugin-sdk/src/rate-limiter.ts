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
