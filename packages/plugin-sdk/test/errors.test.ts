import { describe, expect, test } from 'vitest'
import { isPluginError, RateLimitedError, TransientError } from '../src/errors.js'

describe('isPluginError', () => {
  test('knows this copy of the SDK and another one by their shape', () => {
    expect(isPluginError(new TransientError('down'))).toBe(true)
    // What another copy of the SDK throws: same shape, another class.
    class RateLimitedErrorCopy extends Error {
      readonly kind = 'rate-limited'
      readonly retryable = true
      readonly retryAfterMs = 5_000
      override name = 'RateLimitedError'
    }
    const copy = new RateLimitedErrorCopy('slow down')
    expect(copy instanceof RateLimitedError).toBe(false)
    expect(isPluginError(copy)).toBe(true)
  })

  test('refuses anything else', () => {
    expect(isPluginError(new Error('plain'))).toBe(false)
    expect(isPluginError(Object.assign(new Error('x'), { kind: 'made-up' }))).toBe(false)
    expect(isPluginError({ kind: 'transient' })).toBe(false)
    expect(isPluginError('transient')).toBe(false)
    expect(isPluginError(null)).toBe(false)
  })
})
