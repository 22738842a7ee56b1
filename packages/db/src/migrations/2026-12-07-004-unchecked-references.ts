import { type Kysely, sql } from 'kysely'

/**
 * The tables the processor writes for every envelope lose their foreign keys to workspaces and
 * sources, as the inbox did (2026-12-06-003): PostgreSQL checks a foreign key row by row, with a
 * query and a row lock each, and those checks took half of the time of inserting a batch's events,
 * identities and traits. What they did is done by the code instead: the processor locks the sources
 * of a batch once (`for key share`) and writes no source that is gone; deleting a source clears it
 * from these tables in the same transaction, after its row is deleted (so that a batch still
 * holding it commits first). Workspaces are never deleted.
 */
const references: [table: string, column: 'workspace_id' | 'source_id'][] = [
  ['customers', 'workspace_id'],
  ...['identities', 'trait_observations', 'traits', 'records', 'events', 'feedback'].flatMap(
    (table): [string, 'workspace_id' | 'source_id'][] => [
      [table, 'workspace_id'],
      [table, 'source_id'],
    ],
  ),
]

export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, column] of references) {
    await sql`alter table ${sql.table(table)} drop constraint if exists ${sql.id(`${table}_${column}_fkey`)}`.execute(
      db,
    )
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [table, column] of references) {
    if (column === 'workspace_id') {
      await sql`alter table ${sql.table(table)} add constraint ${sql.id(`${table}_workspace_id_fkey`)}
        foreign key (workspace_id) references workspaces (id) on delete cascade`.execute(db)
      continue
    }
    await sql`update ${sql.table(table)} set source_id = null
      where source_id is not null and source_id not in (select id from sources)`.execute(db)
    await sql`alter table ${sql.table(table)} add constraint ${sql.id(`${table}_source_id_fkey`)}
      foreign key (source_id) references sources (id) on delete set null`.execute(db)
  }
}
