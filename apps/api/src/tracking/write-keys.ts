import { sha256 } from '../auth/secrets.js'
import { ExpiringCache } from '../caching/expiring-cache.js'
import type { Db } from '../database/database.js'
import { findSourceByWriteKeyHash, type SourceRow } from '../sources/sources.repository.js'

/**
 * Sources by write key, as every tracking call looks them up: kept for the lookup lifetime, and
 * forgotten at once when a source changes through this process, here and wherever else they are kept
 * (the intake thread, which answers the tracking port itself, keeps its own).
 */
export class WriteKeys {
  private readonly sources = new ExpiringCache<string, SourceRow | undefined>()
  private readonly listeners: Array<() => void> = []

  constructor(private readonly db: Db) {}

  source(writeKey: string): Promise<SourceRow | undefined> {
    const hash = sha256(writeKey)
    return this.sources.get(hash, () => findSourceByWriteKeyHash(this.db, hash))
  }

  /** A source changed (disabled, deleted, its key replaced): no key may answer as it did. */
  forgetAll(): void {
    this.sources.forgetAll()
    for (const listener of this.listeners) listener()
  }

  onForget(listener: () => void): void {
    this.listeners.push(listener)
  }
}
