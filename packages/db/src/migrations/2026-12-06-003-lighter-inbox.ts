import { type Kysely, sql } from 'kysely'

/**
 * The inbox is the hot path of every tracking call: its two foreign keys cost about a quarter of an
 * append (a lookup in workspaces and in sources for every row). They go; what they did is done by
 * the code instead: deleting a source clears it from the inbox in the same transaction, and the
 * processor applies an envelope whose source no longer exists as one without a source. Workspaces
 * are never deleted; a change that deletes them must delete their inbox rows.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table inbox drop constraint if exists inbox_workspace_id_fkey`.execute(db)
  await sql`alter table inbox drop constraint if exists inbox_source_id_fkey`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`update inbox set source_id = null where source_id is not null and source_id not in (select id from sources)`.execute(
    db,
  )
  await sql`alter table inbox add constraint inbox_workspace_id_fkey foreign key (workspace_id) references workspaces (id) on delete cascade`.execute(
    db,
  )
  await sql`alter table inbox add constraint inbox_source_id_fkey foreign key (source_id) references sources (id) on delete set null`.execute(
    db,
  )
}
