import { type Kysely, sql } from 'kysely'

/**
 * What is pending leaves the inbox row for a narrow table of its own. Marking a batch processed used
 * to write a new version of every inbox row, envelope and all, with new entries in its indexes, and
 * claiming locked each of them first: together the largest part of the processor's database time.
 * Now a batch claims its envelopes by deleting their pending rows in its own transaction: a batch
 * that fails or never commits leaves them pending, one that commits leaves nothing to mark.
 * How many envelopes each batch processed is kept per workspace for the ingestion health's
 * throughput (it was counted from the inbox's processed_at). Processed envelopes stay in the inbox
 * for the dedupe window, now counted from when they were received.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table inbox_pending (
    partition smallint not null,
    id bigint not null,
    primary key (partition, id)
  )`.execute(db)
  await sql`insert into inbox_pending (partition, id) select partition, id from inbox where processed_at is null`.execute(
    db,
  )
  await sql`drop index inbox_pending_idx`.execute(db)
  await sql`alter table inbox drop column processed_at`.execute(db)
  await sql`create table processed_batches (
    workspace_id uuid not null,
    processed_at timestamptz not null default now(),
    envelopes integer not null
  )`.execute(db)
  await sql`create index processed_batches_workspace_idx on processed_batches (workspace_id, processed_at)`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table inbox add column processed_at timestamptz`.execute(db)
  await sql`update inbox i set processed_at = now()
    where not exists (select 1 from inbox_pending p where p.partition = i.partition and p.id = i.id)`.execute(
    db,
  )
  await sql`create index inbox_pending_idx on inbox (partition, id) where processed_at is null`.execute(db)
  await sql`drop table inbox_pending`.execute(db)
  await sql`drop table processed_batches`.execute(db)
}
