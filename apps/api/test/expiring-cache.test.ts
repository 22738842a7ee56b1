import { afterEach, describe, expect, test, vi } from 'vitest'
import { ExpiringCache } from '../src/caching/expiring-cache.js'

describe('ExpiringCache', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  test('loads once per lifetime, then again', async () => {
    vi.useFakeTimers()
    const cache = new ExpiringCache<string, string>(5_000)
    const source = { value: 'a' }
    const load = vi.fn(async () => source.value)
    expect(await cache.get('k', load)).toBe('a')
    source.value = 'b'
    vi.advanceTimersByTime(4_999)
    expect(await cache.get('k', load)).toBe('a')
    vi.advanceTimersByTime(1)
    expect(await cache.get('k', load)).toBe('b')
    expect(load).toHaveBeenCalledTimes(2)
  })

  test('forget, forgetWhere and forgetAll make the next get load again', async () => {
    const cache = new ExpiringCache<string, { user: string }>(60_000)
    const load = vi.fn(async () => ({ user: 'u1' }))
    await cache.get('a', load)
    await cache.get('b', async () => ({ user: 'u2' }))
    cache.forget('a')
    await cache.get('a', load)
    expect(load).toHaveBeenCalledTimes(2)
    const other = vi.fn(async () => ({ user: 'u2' }))
    cache.forgetWhere((v) => v.user === 'u1')
    await cache.get('b', other)
    expect(other).not.toHaveBeenCalled()
    await cache.get('a', load)
    expect(load).toHaveBeenCalledTimes(3)
    cache.forgetAll()
    await cache.get('b', other)
    expect(other).toHaveBeenCalledTimes(1)
  })

  test('a lookup that began before a forget is answered but not kept', async () => {
    const cache = new ExpiringCache<string, string>(60_000)
    let release!: (value: string) => void
    const slow = new Promise<string>((resolve) => {
      release = resolve
    })
    const inFlight = cache.get('session', () => slow)
    // The change commits and is forgotten while the old row is on its way.
    cache.forget('session')
    release('old row')
    expect(await inFlight).toBe('old row')
    expect(await cache.get('session', async () => 'new row')).toBe('new row')
  })

  test('a full cache starts again instead of growing', async () => {
    const cache = new ExpiringCache<number, number>(60_000, 3)
    for (const key of [1, 2, 3]) await cache.get(key, async () => key)
    await cache.get(4, async () => 4)
    const load = vi.fn(async () => 1)
    await cache.get(1, load)
    expect(load).toHaveBeenCalledTimes(1)
  })
})
