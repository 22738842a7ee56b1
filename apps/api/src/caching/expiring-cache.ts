/** How long a looked-up value is used: what a change made through another process waits at most. */
export const lookupLifetimeMs = 5_000

/**
 * Values looked up at most once per lifetime, for lookups that nearly every request of a kind makes
 * (a session, a write key, a workspace's identity settings). A change made through this process is
 * forgotten at once by whoever makes it, after its transaction commits; a change made through
 * another process applies within the lifetime.
 */
export class ExpiringCache<K, V> {
  private readonly entries = new Map<K, { at: number; value: V }>()
  // Bumped by every forget: a lookup that began before it may have read what the change replaced,
  // so its answer is used once but not kept.
  private generation = 0

  constructor(
    private readonly lifetimeMs = lookupLifetimeMs,
    private readonly maxEntries = 10_000,
  ) {}

  /** The cached value of `key`, or what `load` gives (kept for the lifetime, counted from the lookup). */
  async get(key: K, load: () => Promise<V>): Promise<V> {
    const cached = this.entries.get(key)
    const now = Date.now()
    if (cached && now - cached.at < this.lifetimeMs) return cached.value
    const generation = this.generation
    const value = await load()
    if (generation === this.generation) {
      // Full (many keys, most of them dead): starting again costs one lookup each for the live ones.
      if (this.entries.size >= this.maxEntries) this.entries.clear()
      this.entries.set(key, { at: now, value })
    }
    return value
  }

  forget(key: K): void {
    this.generation++
    this.entries.delete(key)
  }

  /** Forgets every value that `test` picks. */
  forgetWhere(test: (value: V) => boolean): void {
    this.generation++
    for (const [key, entry] of this.entries) if (test(entry.value)) this.entries.delete(key)
  }

  forgetAll(): void {
    this.generation++
    this.entries.clear()
  }
}
