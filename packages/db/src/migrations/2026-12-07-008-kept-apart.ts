import { type Kysely, sql } from 'kysely'

/**
 * Two profiles an unmerge split, kept apart from then on: identity resolution records a conflict
 * instead of merging them again when a later call names both (it did merge them at the next such
 * call, which made an unmerge last until then). One row per pair, the smaller id first.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table kept_apart (
    workspace_id uuid not null,
    customer_a uuid not null,
    customer_b uuid not null,
    merge_id uuid not null,
    created_at timestamptz not null default now(),
    primary key (workspace_id, customer_a, customer_b),
    check (customer_a < customer_b)
  )`.execute(db)
  await sql`create index kept_apart_b_idx on kept_apart (workspace_id, customer_b)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table kept_apart`.execute(db)
}
