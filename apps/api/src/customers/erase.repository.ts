import { type Identifier, identityKey, normalizeIdentifier } from '@rapport/domain'
import { type RawBuilder, sql } from 'kysely'
import { arrayOf } from '../database/bulk-insert.js'
import type { Db } from '../database/database.js'

/** The tables whose rows belong to one customer, with the profile each was first written for. */
export const ownedTables = ['identities', 'trait_observations', 'records', 'events', 'feedback'] as const

/**
 * What identifies a person being erased, read before their rows go: their profiles, identifiers,
 * the messages that wrote about them (every envelope leaves a timeline row, so the events name
 * them all) and their records' keys (an update without identifiers finds its record by these).
 */
export interface ErasedPerson {
  tree: string[]
  identifiers: Identifier[]
  keys: string[]
  messageIds: string[]
  recordKeys: { sourceKey: string; type: string; externalId: string }[]
}

export async function erasedPerson(db: Db, workspaceId: string, tree: string[]): Promise<ErasedPerson> {
  const identifiers = await db
    .selectFrom('identities')
    .select(['type', 'value'])
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', 'in', tree)
    .execute()
  const messages = await sql<{ message_id: string }>`${sql.join(
    ownedTables.map(
      (table) =>
        sql`select message_id from ${sql.table(table)} where workspace_id = ${workspaceId} and customer_id = any(${arrayOf(tree, 'uuid')})`,
    ),
    sql` union `,
  )}`.execute(db)
  const records = await db
    .selectFrom('records')
    .select(['source_key', 'type', 'external_id'])
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', 'in', tree)
    .execute()
  return {
    tree,
    identifiers,
    keys: identifiers.map(identityKey),
    messageIds: messages.rows.map((r) => r.message_id),
    recordKeys: records.map((r) => ({ sourceKey: r.source_key, type: r.type, externalId: r.external_id })),
  }
}

/**
 * Deletes the person's envelopes from the inbox (with their pending rows) or the dead letters:
 * those whose message wrote about them; those naming only their identifiers or identifiers nobody
 * else owns (an envelope also naming another person's identifier is that person's too, and stays:
 * it may be a pending envelope of someone sharing an e-mail with them); identifier-less updates of
 * their records; and, in the dead letters, calls refused before they had identity keys whose
 * values include one of their identifiers.
 */
export async function eraseEnvelopes(
  db: Db,
  table: 'inbox' | 'dead_letters',
  workspaceId: string,
  person: ErasedPerson,
): Promise<number> {
  const t = sql.table(table)
  const keys = arrayOf(person.keys, 'text')
  const candidates = await sql<{ id: string; envelope: { identifiers?: unknown }; identity_keys: string[] }>`
    select id, envelope, identity_keys from ${t} where workspace_id = ${workspaceId} and identity_keys && ${keys}`.execute(
    db,
  )
  const others = await ownedByOthers(db, workspaceId, person, candidates.rows)
  const byKeys = candidates.rows
    .filter((row) => !row.identity_keys.some((key) => others.has(key)))
    .map((row) => row.id)
  const recordKeys = person.recordKeys
  const matches = sql`workspace_id = ${workspaceId} and (
      id = any(${arrayOf(byKeys, 'bigint')})
      or message_id = any(${arrayOf(person.messageIds, 'text')})
      or (identity_keys = '{}' and (${sql.raw(table === 'inbox' ? 'envelope::jsonb' : 'envelope')} ->> 'type') = 'record'
        and (coalesce(source_id::text, 'none'), envelope -> 'object' ->> 'type', envelope -> 'object' ->> 'externalId')
          in (select * from unnest(${arrayOf(
            recordKeys.map((k) => k.sourceKey),
            'text',
          )}, ${arrayOf(
            recordKeys.map((k) => k.type),
            'text',
          )}, ${arrayOf(
            recordKeys.map((k) => k.externalId),
            'text',
          )})))
      ${table === 'dead_letters' ? sql`or (identity_keys = '{}' and ${mentions(sql`envelope`, person)})` : sql``})`
  if (table === 'dead_letters') {
    const gone = await sql`delete from dead_letters where ${matches}`.execute(db)
    return Number(gone.numAffectedRows ?? 0)
  }
  // A processor that took some of their pending envelopes waits for the workspace's lock, which
  // this transaction holds, while holding their pending rows: waiting for those rows here would be
  // a deadlock. The erase gives way instead (`pendingTaken`) and is tried again.
  await sql`select 1 from inbox_pending where (partition, id) in (select partition, id from inbox where ${matches})
    for update nowait`.execute(db)
  // Their pending rows go with them, or the processor would look for them in vain.
  const gone = await sql<{ n: number }>`with gone as (
      delete from inbox where ${matches} returning partition, id
    ), unqueued as (
      delete from inbox_pending p using gone where p.partition = gone.partition and p.id = gone.id
    )
    select count(*)::int as n from gone`.execute(db)
  return gone.rows[0]?.n ?? 0
}

/**
 * Whether an erase gave way to a processor holding some of the person's pending envelopes: it
 * found them locked (55P03), or, taken between its lock and its delete, met the processor in a
 * deadlock that PostgreSQL broke on its side (40P01).
 */
export function pendingTaken(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return code === '55P03' || code === '40P01'
}

/** The identity keys, among those envelopes name beside the person's, that another customer owns. */
async function ownedByOthers(
  db: Db,
  workspaceId: string,
  person: ErasedPerson,
  rows: { envelope: { identifiers?: unknown }; identity_keys: string[] }[],
): Promise<Set<string>> {
  const mine = new Set(person.keys)
  const wanted = new Map<string, Identifier>()
  for (const row of rows) {
    const keyed = new Set(row.identity_keys)
    const identifiers = Array.isArray(row.envelope.identifiers)
      ? (row.envelope.identifiers as Identifier[])
      : []
    for (const identifier of identifiers) {
      if (typeof identifier?.type !== 'string' || typeof identifier.value !== 'string') continue
      const normalized = normalizeIdentifier(identifier)
      const key = identityKey(normalized)
      if (keyed.has(key) && !mine.has(key)) wanted.set(key, normalized)
    }
  }
  if (!wanted.size) return new Set()
  const list = [...wanted.values()]
  const owned = await db
    .selectFrom('identities')
    .select(['type', 'value'])
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', 'not in', person.tree)
    .where(
      sql<boolean>`(type, value) in (select * from unnest(${arrayOf(
        list.map((i) => i.type),
        'text',
      )}, ${arrayOf(
        list.map((i) => i.value),
        'text',
      )}))`,
    )
    .execute()
  return new Set(owned.map(identityKey))
}

/**
 * Whether a JSON document holds one of the person's identifier values as a whole string, anywhere
 * (compared as identifiers are: trimmed, without case; phone numbers by their digits). Whole values
 * only, so that a short user id does not match every document containing its digits; strings only,
 * so that an amount of 42 is not taken for the user id "42" (identifiers arrive as strings; a raw
 * CSV row holds only strings).
 */
function mentions(document: RawBuilder<unknown>, person: ErasedPerson) {
  const values = arrayOf(
    person.identifiers.map((i) => i.value.toLowerCase()),
    'text',
  )
  const phones = arrayOf(
    person.identifiers.filter((i) => i.type === 'phone').map((i) => i.value.replace(/\D/g, '')),
    'text',
  )
  return sql<boolean>`exists (
    select 1 from jsonb_path_query(${document}, 'strict $.**') v
    where jsonb_typeof(v) = 'string' and (
      lower(trim(v #>> '{}')) = any(${values})
      or regexp_replace(v #>> '{}', '\\D', '', 'g') = any(${phones})
    ))`
}

/**
 * Conflicts that name one of the person's profiles, one of their identifiers, or one of their
 * identifiers in the reason (as the planner writes them, `type value`, as whole words: a user id
 * `1` must not match "the limit is 1").
 */
export async function eraseConflicts(db: Db, workspaceId: string, person: ErasedPerson): Promise<number> {
  const gone = await sql`delete from merge_conflicts where workspace_id = ${workspaceId} and (
      customer_ids && ${arrayOf(person.tree, 'uuid')}
      or (identifier_type, identifier_value) in (select * from unnest(${arrayOf(
        person.identifiers.map((i) => i.type),
        'text',
      )}, ${arrayOf(
        person.identifiers.map((i) => i.value),
        'text',
      )}))
      or exists (select 1 from unnest(${arrayOf(
        person.identifiers.map((i) => ` ${i.type} ${i.value}`),
        'text',
      )}) l where strpos(' ' || reason || ' ', l || ' ') > 0 or strpos(' ' || reason, l || ';') > 0)
    )`.execute(db)
  return Number(gone.numAffectedRows ?? 0)
}

/**
 * The audit log keeps who did what, but not the person: an unmerge named the identifier that had
 * joined two profiles (`type:value`); it is replaced by a mark that it was erased.
 */
export async function scrubAudit(db: Db, workspaceId: string, person: ErasedPerson): Promise<void> {
  await sql`update audit_log set details = details || '{"identifier": "(erased)"}'::jsonb
    where workspace_id = ${workspaceId} and action = 'customer.unmerged' and (
      details ->> 'identifier' = any(${arrayOf(person.keys, 'text')})
      or target_id = any(${arrayOf(person.tree, 'text')})
      or details ->> 'restored' = any(${arrayOf(person.tree, 'text')})
    )`.execute(db)
}

/**
 * A sync run keeps the rows it could not read (a CSV row, raw): those holding one of the person's
 * identifier values, or naming one of their messages, keep only their position and are marked.
 */
export async function scrubSyncRuns(db: Db, workspaceId: string, person: ErasedPerson): Promise<void> {
  const messageIds = arrayOf(person.messageIds, 'text')
  await sql`update sync_runs r set details = jsonb_set(r.details, '{failures}', (
      select coalesce(jsonb_agg(case when ${mentions(sql`f`, person)} or f ->> 'messageId' = any(${messageIds})
          then jsonb_strip_nulls(jsonb_build_object('row', f -> 'row', 'index', f -> 'index', 'erased', true))
          else f end order by n), '[]')
      from jsonb_array_elements(r.details -> 'failures') with ordinality as x(f, n)))
    where r.workspace_id = ${workspaceId} and jsonb_typeof(r.details -> 'failures') = 'array'
      and exists (select 1 from jsonb_array_elements(r.details -> 'failures') f
        where ${mentions(sql`f`, person)} or f ->> 'messageId' = any(${messageIds}))`.execute(db)
}
