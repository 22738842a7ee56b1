import { createHash } from 'node:crypto'
import type pg from 'pg'

/**
 * Statements a server runs again and again (a profile read, a session lookup, the processor's batch
 * writes) are parsed and planned once per connection, as named prepared statements, instead of on
 * every call: planning the profile read costs more than running it. A text becomes prepared the
 * second time it is seen; the number of names is capped, so that SQL built with a varying number
 * of parameters cannot fill the server's memory with plans. PostgreSQL re-plans a prepared statement
 * by itself when a table it reads changes.
 */
export class PreparedStatements {
  private readonly seen = new Map<string, number>()
  private readonly names = new Map<string, string>()

  constructor(private readonly maxNames = 500) {}

  /** The statement's name when it should run prepared, else undefined (a first sight, or the cap). */
  nameFor(text: string): string | undefined {
    const name = this.names.get(text)
    if (name || this.names.size >= this.maxNames) return name
    const count = (this.seen.get(text) ?? 0) + 1
    if (count < 2) {
      if (this.seen.size < this.maxNames * 10) this.seen.set(text, count)
      return undefined
    }
    this.seen.delete(text)
    const named = `r_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`
    this.names.set(text, named)
    return named
  }

  /** Makes every query of `client` given as (text, values) go through `nameFor`. */
  attach(client: pg.PoolClient): void {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown
    ;(client as { query: unknown }).query = (config: unknown, values?: unknown, callback?: unknown) => {
      const name = typeof config === 'string' ? this.nameFor(config) : undefined
      if (name === undefined) return query(config, values, callback)
      return query({ name, text: config, values }, callback)
    }
  }
}
