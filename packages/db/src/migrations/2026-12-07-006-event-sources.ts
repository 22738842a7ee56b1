import { type Kysely, sql } from 'kysely'

/**
 * Which sources sent events about a customer, without reading every event: the profile lists its
 * sources, and found those of its events by reading all of them (24 ms for a customer with 50,000
 * events, against 0.3 ms for one with ten). With this index a profile read skips from one source
 * to the next (one index probe per source), and the customer list's source filter finds a
 * customer's events of a source directly.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index events_sources_idx on events (customer_id, source_id)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index events_sources_idx`.execute(db)
}
