import type { Database } from '@rapport/db'
import {
  displayNameFrom,
  type TraitObservation,
  type TraitPriorities,
  winningObservation,
} from '@rapport/domain'
import { sql, type Transaction } from 'kysely'
import { anyOf, arrayOf, bulkInsert } from '../database/bulk-insert.js'

type Trx = Transaction<Database>

/** A profile's current value of one trait: the observation that wins, with where it came from. */
export interface CurrentTrait {
  customerId: string
  key: string
  observation: TraitObservation & { profileId: string }
}

/** The traits whose value a person may see as the profile's name. */
export const nameTraits = ['name', 'firstName', 'lastName', 'first_name', 'last_name']

/**
 * The winning observation of each trait of `customerIds` (only `keys`, if given), recomputed from
 * every stored observation: after a merge, and when trait priorities change.
 */
export async function winningTraits(
  trx: Trx,
  workspaceId: string,
  customerIds: string[],
  priorities: TraitPriorities,
  keys?: string[],
): Promise<CurrentTrait[]> {
  if (!customerIds.length) return []
  let query = trx
    .selectFrom('trait_observations')
    .select(['customer_id', 'profile_id', 'key', 'value', 'source_id', 'observed_at', 'message_id'])
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', anyOf(customerIds, 'uuid'))
  if (keys) query = query.where('key', '=', anyOf(keys, 'text'))
  const byTrait = new Map<string, CurrentTrait['observation'][]>()
  const traits: { customerId: string; key: string }[] = []
  for (const row of await query.execute()) {
    const id = `${row.customer_id}|${row.key}`
    let observations = byTrait.get(id)
    if (!observations) {
      observations = []
      byTrait.set(id, observations)
      traits.push({ customerId: row.customer_id, key: row.key })
    }
    observations.push({
      value: row.value,
      sourceId: row.source_id,
      observedAt: row.observed_at,
      messageId: row.message_id,
      profileId: row.profile_id,
    })
  }
  return traits.map(({ customerId, key }) => ({
    customerId,
    key,
    // Never undefined: each list has at least the observation that created it.
    observation: winningObservation(key, byTrait.get(`${customerId}|${key}`)!, priorities)!,
  }))
}

/** Stores current traits, replacing the value each (customer, key) had. */
export async function saveCurrentTraits(
  trx: Trx,
  workspaceId: string,
  traits: CurrentTrait[],
): Promise<void> {
  if (!traits.length) return
  const insert = bulkInsert(
    'traits',
    {
      workspace_id: 'uuid',
      customer_id: 'uuid',
      profile_id: 'uuid',
      source_id: 'uuid',
      message_id: 'text',
      key: 'text',
      value: 'jsonb',
      observed_at: 'timestamptz',
    },
    traits.map((c) => ({
      customer_id: c.customerId,
      profile_id: c.observation.profileId,
      source_id: c.observation.sourceId,
      message_id: c.observation.messageId,
      key: c.key,
      value: c.observation.value,
      observed_at: c.observation.observedAt,
    })),
    { workspace_id: workspaceId },
  )
  await sql`${insert} on conflict (customer_id, key) do update set value = excluded.value,
    profile_id = excluded.profile_id, source_id = excluded.source_id, message_id = excluded.message_id,
    observed_at = excluded.observed_at`.execute(trx)
}

/** Each customer's display name: from the current name traits, else the first e-mail; null if neither. */
export async function displayNames(
  trx: Trx,
  workspaceId: string,
  customerIds: string[],
): Promise<Map<string, string | null>> {
  const traits = await trx
    .selectFrom('traits')
    .select(['customer_id', 'key', 'value'])
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', anyOf(customerIds, 'uuid'))
    .where('key', '=', anyOf(nameTraits, 'text'))
    .execute()
  const emails = await trx
    .selectFrom('identities')
    .select(['customer_id', 'value'])
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', anyOf(customerIds, 'uuid'))
    .where('type', '=', 'email')
    .orderBy('first_seen_at')
    .execute()
  const names = new Map<string, Record<string, unknown>>()
  for (const t of traits) names.set(t.customer_id, { ...names.get(t.customer_id), [t.key]: t.value })
  const firstEmail = new Map<string, string>()
  for (const e of emails) if (!firstEmail.has(e.customer_id)) firstEmail.set(e.customer_id, e.value)
  return new Map(
    customerIds.map((id) => [id, displayNameFrom(names.get(id) ?? {}) ?? firstEmail.get(id) ?? null]),
  )
}

/** How many profiles one statement recomputes when priorities change: bounded memory per step. */
const recomputeChunk = 1000

/**
 * Trait priorities changed: every profile's value of each trait whose priority list changed is
 * recomputed from its observations (and the display name, if a name trait changed), in the
 * caller's transaction, a thousand profiles at a time. Only profiles observed with those traits are
 * read, so the cost follows the observations of the changed traits, not the workspace's size.
 */
export async function recomputeTraitsForPriorities(
  trx: Trx,
  workspaceId: string,
  before: TraitPriorities,
  after: TraitPriorities,
): Promise<number> {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (key) => JSON.stringify(before[key] ?? []) !== JSON.stringify(after[key] ?? []),
  )
  if (!keys.length) return 0
  const customers = await trx
    .selectFrom('trait_observations')
    .select('customer_id')
    .distinct()
    .where('workspace_id', '=', workspaceId)
    .where('key', '=', anyOf(keys, 'text'))
    .execute()
  const ids = customers.map((c) => c.customer_id)
  const names = keys.some((key) => nameTraits.includes(key))
  for (let start = 0; start < ids.length; start += recomputeChunk) {
    const chunk = ids.slice(start, start + recomputeChunk)
    await saveCurrentTraits(trx, workspaceId, await winningTraits(trx, workspaceId, chunk, after, keys))
    if (!names) continue
    const display = await displayNames(trx, workspaceId, chunk)
    await sql`update customers c set display_name = coalesce(u.name, c.display_name), updated_at = now()
      from unnest(${arrayOf([...display.keys()], 'uuid')}, ${arrayOf([...display.values()], 'text')}) as u(id, name)
      where c.id = u.id and c.workspace_id = ${workspaceId}`.execute(trx)
  }
  return ids.length
}
