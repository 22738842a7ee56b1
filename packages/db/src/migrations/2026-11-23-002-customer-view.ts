import { type Kysely, sql } from 'kysely'

const workspaceRef = (c: any) => c.notNull().references('workspaces.id').onDelete('cascade')
const now = sql`now()`

export async function up(db: Kysely<any>): Promise<void> {
  // Sources: configured plugin instances. Secrets are one AES-256-GCM blob, never in `config`.
  await db.schema
    .createTable('sources')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', workspaceRef)
    .addColumn('plugin_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('config', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('secrets', 'text')
    .addColumn('write_key_hash', 'text', (c) => c.unique())
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('schedule_minutes', 'integer')
    .addColumn('next_sync_at', 'timestamptz')
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute()
  await db.schema.createIndex('sources_workspace_idx').on('sources').column('workspace_id').execute()

  await db.schema
    .createTable('source_checkpoints')
    .addColumn('workspace_id', 'uuid', workspaceRef)
    .addColumn('source_id', 'uuid', (c) => c.notNull().references('sources.id').onDelete('cascade'))
    .addColumn('stream', 'text', (c) => c.notNull())
    .addColumn('checkpoint', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('source_checkpoints_pkey', ['source_id', 'stream'])
    .execute()

  await db.schema
    .createTable('source_state')
    .addColumn('workspace_id', 'uuid', workspaceRef)
    .addColumn('source_id', 'uuid', (c) => c.notNull().references('sources.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'jsonb', (c) => c.notNull())
    .addPrimaryKeyConstraint('source_state_pkey', ['source_id', 'key'])
    .execute()

  await db.schema
    .createTable('sync_runs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', workspaceRef)
    .addColumn('source_id', 'uuid', (c) => c.notNull().references('sources.id').onDelete('cascade'))
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('finished_at', 'timestamptz')
    .addColumn('envelopes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('batches', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('progress', 'real')
    .addColumn('error', 'text')
    .addColumn('error_kind', 'text')
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute()
  await db.schema
    .createIndex('sync_runs_source_idx')
    .on('sync_runs')
    .columns(['source_id', 'started_at desc'])
    .execute()

  // The inbox: every accepted envelope, once per (workspace, messageId), until processed.
  await db.schema
    .createTable('inbox')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('workspace_id', 'uuid', workspaceRef)
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('source_id', 'uuid', (c) => c.references('sources.id').onDelete('set null'))
    .addColumn('partition', 'smallint', (c) => c.notNull())
    // json, not jsonb: stored as received (validated, not converted), read back whole by the processor.
    .addColumn('envelope', 'json', (c) => c.notNull())
    .addColumn('identity_keys', sql`text[]`, (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('processed_at', 'timestamptz')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addUniqueConstraint('inbox_message_unique', ['workspace_id', 'message_id'])
    .execute()
  await sql`create index inbox_pending_idx on inbox (partition, id) where processed_at is null`.execute(db)

  await db.schema
    .createTable('dead_letters')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('workspace_id', 'uuid', workspaceRef)
    .addColumn('inbox_id', 'bigint')
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('source_id', 'uuid', (c) => c.references('sources.id').onDelete('set null'))
    .addColumn('envelope', 'jsonb', (c) => c.notNull())
    .addColumn('identity_keys', sql`text[]`, (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('failed_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute()
  await db.schema
    .createIndex('dead_letters_workspace_idx')
    .on('dead_letters')
    .columns(['workspace_id', 'id'])
    .execute()

  // Customers: a merged profile keeps its row and points at the profile it was merged into.
  await db.schema
    .createTable('customers')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('workspace_id', 'uuid', workspaceRef)
    .addColumn('merged_into', 'uuid', (c) => c.references('customers.id').onDelete('set null'))
    .addColumn('display_name', 'text')
    .addColumn('first_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute()
  await sql`create index customers_live_idx on customers (workspace_id, last_seen_at desc, id) where merged_into is null`.execute(
    db,
  )
  await sql`create index customers_name_idx on customers (workspace_id, lower(display_name) text_pattern_ops)`.execute(
    db,
  )
  await db.schema.createIndex('customers_merged_into_idx').on('customers').column('merged_into').execute()

  // Every row about a customer has customer_id (the current profile) and profile_id (the profile it
  // was first written for, which never changes): unmerge moves rows back by profile_id.
  const owned = (table: string) =>
    db.schema
      .createTable(table)
      .addColumn('workspace_id', 'uuid', workspaceRef)
      .addColumn('customer_id', 'uuid', (c) => c.notNull())
      .addColumn('profile_id', 'uuid', (c) => c.notNull())
      .addColumn('source_id', 'uuid', (c) => c.references('sources.id').onDelete('set null'))
      .addColumn('message_id', 'text', (c) => c.notNull())

  await owned('identities')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('identities_pkey', ['workspace_id', 'type', 'value'])
    .execute()
  await db.schema.createIndex('identities_customer_idx').on('identities').columns(['customer_id']).execute()
  await sql`create index identities_value_idx on identities (workspace_id, lower(value) text_pattern_ops)`.execute(
    db,
  )

  await owned('trait_observations')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'jsonb', (c) => c.notNull())
    .addColumn('observed_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('trait_observations_customer_idx')
    .on('trait_observations')
    .columns(['customer_id', 'key', 'observed_at'])
    .execute()

  await owned('traits')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'jsonb', (c) => c.notNull())
    .addColumn('observed_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('traits_pkey', ['customer_id', 'key'])
    .execute()

  await owned('records')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text')
    .addColumn('title', 'text')
    .addColumn('amount', 'numeric')
    .addColumn('currency', 'text')
    .addColumn('properties', 'jsonb', (c) => c.notNull())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('deleted_at', 'timestamptz')
    .addColumn('source_key', 'text', (c) => c.notNull())
    .addUniqueConstraint('records_external_unique', ['workspace_id', 'source_key', 'type', 'external_id'])
    .execute()
  await db.schema.createIndex('records_customer_idx').on('records').columns(['customer_id', 'type']).execute()

  await owned('events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('channel', 'text')
    .addColumn('stage', 'text')
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('properties', 'jsonb', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('events_timeline_idx')
    .on('events')
    .columns(['customer_id', 'occurred_at desc', 'id desc'])
    .execute()

  await owned('feedback')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('metric', 'text')
    .addColumn('score', 'integer')
    .addColumn('text', 'text')
    .addColumn('question', 'text')
    .addColumn('channel', 'text')
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('properties', 'jsonb', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('feedback_customer_idx')
    .on('feedback')
    .columns(['customer_id', 'occurred_at'])
    .execute()

  await db.schema
    .createTable('merges')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('workspace_id', 'uuid', workspaceRef)
    .addColumn('survivor_id', 'uuid', (c) => c.notNull())
    .addColumn('merged_id', 'uuid', (c) => c.notNull())
    .addColumn('identifier_type', 'text', (c) => c.notNull())
    .addColumn('identifier_value', 'text', (c) => c.notNull())
    .addColumn('source_id', 'uuid', (c) => c.references('sources.id').onDelete('set null'))
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('undone_at', 'timestamptz')
    .addColumn('undone_by', 'text')
    .execute()
  await db.schema.createIndex('merges_survivor_idx').on('merges').columns(['survivor_id']).execute()
  await db.schema.createIndex('merges_merged_idx').on('merges').columns(['merged_id']).execute()

  await db.schema
    .createTable('merge_conflicts')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('workspace_id', 'uuid', workspaceRef)
    .addColumn('customer_ids', sql`uuid[]`, (c) => c.notNull())
    .addColumn('identifier_type', 'text', (c) => c.notNull())
    .addColumn('identifier_value', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('source_id', 'uuid', (c) => c.references('sources.id').onDelete('set null'))
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute()
  await sql`create index merge_conflicts_customers_idx on merge_conflicts using gin (customer_ids)`.execute(
    db,
  )

  await db.schema
    .createTable('suppressions')
    .addColumn('workspace_id', 'uuid', workspaceRef)
    .addColumn('identity_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('suppressions_pkey', ['workspace_id', 'identity_hash'])
    .execute()

  await db.schema
    .createTable('workspace_settings')
    .addColumn('workspace_id', 'uuid', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
    .addColumn('identity', 'jsonb')
    .addColumn('trait_priorities', 'jsonb')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'workspace_settings',
    'suppressions',
    'merge_conflicts',
    'merges',
    'feedback',
    'events',
    'records',
    'traits',
    'trait_observations',
    'identities',
    'customers',
    'dead_letters',
    'inbox',
    'sync_runs',
    'source_state',
    'source_checkpoints',
    'sources',
  ]) {
    await db.schema.dropTable(table).execute()
  }
}
