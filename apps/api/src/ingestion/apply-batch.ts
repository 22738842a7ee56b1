import { randomUUID } from 'node:crypto'
import type { Database } from '@rapport/db'
import { type Identifier, identityKey, planResolution, traitWins, usableIdentifiers } from '@rapport/domain'
import type { Envelope } from '@rapport/plugin-sdk'
import { sql, type Transaction } from 'kysely'
import { anyOf, arrayOf, bulkInsert } from '../database/bulk-insert.js'
import { type CurrentTrait, displayNames, saveCurrentTraits, winningTraits } from './current-traits.js'
import { hashIdentityKey, suppressedHashes } from './inbox.repository.js'
import { keptApartPairs } from './kept-apart.repository.js'
import type { IngestionSettings } from './workspace-settings.repository.js'

type Trx = Transaction<Database>

export interface InboxItem {
  id: string
  sourceId: string | null
  envelope: Envelope
}

/** What one envelope did to the profiles: made a new one, matched one, merged two or more, or nothing. */
export type EnvelopeOutcome = 'created' | 'updated' | 'merged' | 'skipped'

export interface BatchOutcome {
  customersCreated: number
  merges: number
  conflicts: number
  /** Per item, in the order given: what a run's summary counts. */
  outcomes: EnvelopeOutcome[]
  /** Items that can belong to no customer, by position, with why: the caller dead-letters them. */
  refused: { index: number; reason: string }[]
}

/**
 * Applies one workspace's envelopes, in order, in the caller's transaction: resolves identities
 * (merging where the rules allow, recording why or why not), then writes identities, traits with
 * provenance, records, the timeline and feedback with a handful of set-based statements. Replaying
 * the same batch after a crash gives the same result, because the batch's envelopes stop being
 * pending in the same transaction.
 */
export async function applyBatch(
  trx: Trx,
  workspaceId: string,
  items: InboxItem[],
  settings: IngestionSettings,
): Promise<BatchOutcome> {
  // Each envelope's identifiers, normalized and filtered once for the whole batch.
  const usable = items.map((item) => usableIdentifiers(item.envelope.identifiers, settings.identity))
  const graph = await loadGraph(trx, workspaceId, usable)
  // Profiles an unmerge split stay apart, also once either was merged into another profile since
  // (before or during this batch): each pair is compared by the profiles its two sides are in now.
  const apartPairs = await keptApartPairs(trx, workspaceId, graph.profiles())
  const keptApart = (a: string, b: string) =>
    apartPairs.some(([x, y]) => {
      const [inX, inY] = [graph.profileIn(x), graph.profileIn(y)]
      return (inX === a && inY === b) || (inX === b && inY === a)
    })
  // Refused at the door too, but an envelope accepted before its person was erased, and kept
  // because it also names someone else, must not bring the suppressed identifier back.
  const suppressed = await suppressedHashes(
    settings.hasSuppressions,
    trx,
    workspaceId,
    usable.flat().map(identityKey),
  )
  const known = await knownRecordOwners(trx, workspaceId, items, usable)
  const writes = new Writes()
  const outcomes: EnvelopeOutcome[] = []
  const refused: BatchOutcome['refused'] = []

  for (const [index, item] of items.entries()) {
    const identifiers = usable[index]!
    if (suppressed.size && identifiers.some((i) => suppressed.has(hashIdentityKey(identityKey(i))))) {
      outcomes.push('skipped')
      continue
    }
    if (identifiers.length === 0) {
      // Without identifiers a record can only change one already known (a status, a delete): it
      // stays with its customer. An unknown one belongs to nobody; a delete of it changes nothing.
      const owner = item.envelope.type === 'record' ? known.get(recordKey(item)) : undefined
      if (owner) {
        const occurredAt = new Date(item.envelope.occurredAt)
        writes.touch(owner.customerId, occurredAt)
        writes.content(
          item.envelope,
          writes.context({
            customerId: owner.customerId,
            profileId: owner.profileId,
            sourceId: item.sourceId,
            messageId: item.envelope.messageId,
            occurredAt,
          }),
        )
        outcomes.push('updated')
        continue
      }
      if (item.envelope.type === 'record' && item.envelope.action === 'upsert') {
        refused.push({
          index,
          reason: `the ${item.envelope.object.type} ${item.envelope.object.externalId} names no customer: a record needs an identifier of its customer, unless it changes one already known`,
        })
      }
      outcomes.push('skipped')
      continue
    }
    const plan = planResolution({
      identifiers,
      ownerOf: (key) => graph.ownerOf(key),
      profile: (id) => ({ id, identities: graph.identitiesOf(id) }),
      settings: settings.identity,
      keptApart,
    })
    const occurredAt = new Date(item.envelope.occurredAt)
    const context = { sourceId: item.sourceId, messageId: item.envelope.messageId }

    let customerId: string
    let profileId: string
    if (plan.target.kind === 'existing') {
      customerId = plan.target.id
      profileId = (plan.matchedBy && graph.originOf(identityKey(plan.matchedBy))) ?? customerId
    } else {
      customerId = randomUUID()
      profileId = customerId
      graph.addProfile(customerId)
      writes.newCustomers.set(customerId, { firstSeen: occurredAt, lastSeen: occurredAt })
    }
    for (const merge of plan.merges) {
      // A merge into a profile this envelope creates names it '' in the plan: it has its id only now.
      const into = merge.into || customerId
      graph.merge(merge.from, into)
      writes.merges.push({ ...merge, into, root: into, above: [into], ...context })
    }
    // Every row this envelope writes shares its context (resolve() moves them all at once).
    const row = writes.context({
      customerId,
      profileId,
      occurredAt,
      sourceId: item.sourceId,
      messageId: item.envelope.messageId,
    })
    for (const identifier of plan.attach) {
      graph.attach(identifier, customerId, profileId)
      writes.identities.push({ identifier, at: row })
    }
    for (const conflict of plan.conflicts) {
      // A plan leaves out the profile it creates (it has no id yet): name it here, so that the new
      // profile's merge history and open conflicts show the conflict as well as the other's.
      const profileIds =
        plan.target.kind === 'new' ? [customerId, ...conflict.profileIds] : conflict.profileIds
      writes.conflicts.push({ ...conflict, profileIds, ...context })
    }
    outcomes.push(plan.merges.length ? 'merged' : plan.target.kind === 'existing' ? 'updated' : 'created')
    // A later version of this record in the batch may name only the record (a status change).
    if (item.envelope.type === 'record' && item.envelope.action === 'upsert')
      known.set(recordKey(item), { customerId, profileId })
    writes.touch(customerId, occurredAt)
    writes.content(item.envelope, row)
  }

  // Rows written for a profile that a later envelope of this batch merged away follow it.
  writes.resolve((id) => graph.chain(id))
  await writes.flush(trx, workspaceId, settings)
  return {
    customersCreated: writes.newCustomers.size,
    merges: writes.merges.length,
    conflicts: writes.conflicts.length,
    outcomes,
    refused,
  }
}

/** Where a record of an envelope is kept: one row per (source, type, external id). */
function recordParts(item: InboxItem): [string, string, string] {
  const { object } = item.envelope as Extract<Envelope, { type: 'record' }>
  return [item.sourceId ?? 'none', object.type, object.externalId]
}
const recordKey = (item: InboxItem) => JSON.stringify(recordParts(item))

/** The owners of the records that identifier-less record envelopes of this batch refer to. */
async function knownRecordOwners(
  trx: Trx,
  workspaceId: string,
  items: InboxItem[],
  usable: Identifier[][],
): Promise<Map<string, { customerId: string; profileId: string }>> {
  const wanted = items.filter((item, index) => item.envelope.type === 'record' && usable[index]!.length === 0)
  if (!wanted.length) return new Map()
  const keys = wanted.map(recordParts)
  const [sourceKeys, types, externalIds] = [0, 1, 2].map((part) =>
    arrayOf(
      keys.map((key) => key[part]),
      'text',
    ),
  )
  const rows = await trx
    .selectFrom('records')
    .select(['source_key', 'type', 'external_id', 'customer_id', 'profile_id'])
    .where('workspace_id', '=', workspaceId)
    .where(
      sql<boolean>`(source_key, type, external_id) in (select * from unnest(${sourceKeys}, ${types}, ${externalIds}))`,
    )
    .execute()
  return new Map(
    rows.map((row) => [
      JSON.stringify([row.source_key, row.type, row.external_id]),
      { customerId: row.customer_id, profileId: row.profile_id },
    ]),
  )
}

/** The identity graph of the customers this batch touches, loaded once and kept current in memory. */
class Graph {
  private readonly owner = new Map<string, string>()
  private readonly origin = new Map<string, string>()
  private readonly identities = new Map<string, Identifier[]>()
  private readonly mergedInto = new Map<string, string>()
  /** The customer each profile an identity was first written for belongs to (when loaded). */
  private readonly customerOf = new Map<string, string>()

  load(rows: { type: string; value: string; customer_id: string; profile_id: string }[]) {
    for (const row of rows) {
      const key = identityKey(row)
      if (this.owner.has(key)) continue
      this.owner.set(key, row.customer_id)
      this.origin.set(key, row.profile_id)
      this.customerOf.set(row.profile_id, row.customer_id)
      const list = this.identities.get(row.customer_id) ?? []
      list.push({ type: row.type, value: row.value })
      this.identities.set(row.customer_id, list)
    }
  }

  root(id: string): string {
    let current = id
    for (let next = this.mergedInto.get(current); next; next = this.mergedInto.get(current)) current = next
    return current
  }

  /** The profile and each one it was merged into during this batch, in order: the root is last. */
  chain(id: string): string[] {
    const chain = [id]
    for (let next = this.mergedInto.get(id); next; next = this.mergedInto.get(next)) chain.push(next)
    return chain
  }

  ownerOf(key: string): string | undefined {
    const owner = this.owner.get(key)
    return owner && this.root(owner)
  }

  originOf(key: string): string | undefined {
    return this.origin.get(key)
  }

  identitiesOf(id: string): Identifier[] {
    return this.identities.get(id) ?? []
  }

  addProfile(id: string) {
    this.identities.set(id, [])
  }

  attach(identifier: Identifier, customerId: string, profileId: string) {
    const key = identityKey(identifier)
    this.owner.set(key, customerId)
    this.origin.set(key, profileId)
    this.identities.get(customerId)?.push(identifier)
  }

  merge(from: string, into: string) {
    this.mergedInto.set(from, into)
    this.identities.set(into, [...this.identitiesOf(into), ...this.identitiesOf(from)])
    this.identities.delete(from)
  }

  /** Every profile this graph knows: the customers it loaded and those merged into them before. */
  profiles(): string[] {
    return [...new Set([...this.identities.keys(), ...this.customerOf.keys()])]
  }

  /** The profile a profile is part of now: itself, or the one it was merged into, before or here. */
  profileIn(id: string): string {
    return this.root(this.customerOf.get(id) ?? id)
  }
}

async function loadGraph(trx: Trx, workspaceId: string, usable: Identifier[][]): Promise<Graph> {
  const graph = new Graph()
  const wanted = new Map<string, Identifier>()
  for (const identifiers of usable) {
    for (const identifier of identifiers) wanted.set(identityKey(identifier), identifier)
  }
  if (wanted.size === 0) return graph
  const list = [...wanted.values()]
  const types = arrayOf(
    list.map(({ type }) => type),
    'text',
  )
  const values = arrayOf(
    list.map(({ value }) => value),
    'text',
  )
  const owners = await trx
    .selectFrom('identities')
    .select(['type', 'value', 'customer_id', 'profile_id'])
    .where('workspace_id', '=', workspaceId)
    .where(sql<boolean>`(type, value) in (select * from unnest(${types}, ${values}))`)
    .execute()
  graph.load(owners)
  const customers = [...new Set(owners.map((o) => o.customer_id))]
  if (customers.length) {
    // Every identity of the matched customers: the limits count them all.
    const all = await trx
      .selectFrom('identities')
      .select(['type', 'value', 'customer_id', 'profile_id'])
      .where('workspace_id', '=', workspaceId)
      .where('customer_id', '=', anyOf(customers, 'uuid'))
      .execute()
    graph.load(all)
  }
  return graph
}

interface RowContext {
  customerId: string
  profileId: string
  sourceId: string | null
  messageId: string
  occurredAt: Date
}

/**
 * Everything a batch writes, gathered first so that each table gets one statement. Rows point at
 * their envelope's context rather than copying it, and become insert rows as object literals:
 * spreading objects costs V8 microseconds a row, which at thousands of rows a batch was a
 * measurable share of the processor's time.
 */
class Writes {
  private readonly contexts: RowContext[] = []
  newCustomers = new Map<string, { firstSeen: Date; lastSeen: Date }>()
  touched = new Map<string, { firstSeen: Date; lastSeen: Date }>()
  /**
   * Each merge as planned (`into` is the profile the plan named, kept as the merge's survivor so
   * that the history is the same however the envelopes were batched), with `above`: `into` and each
   * profile it was merged into later in this batch, up to `root`, where the rows end up.
   */
  merges: {
    from: string
    into: string
    root: string
    above: string[]
    via: Identifier
    sourceId: string | null
    messageId: string
  }[] = []
  identities: { identifier: Identifier; at: RowContext }[] = []
  conflicts: {
    identifier: Identifier
    profileIds: string[]
    reason: string
    sourceId: string | null
    messageId: string
  }[] = []
  observations: { key: string; value: unknown; at: RowContext }[] = []
  /** Per record, every version this batch carries, in arrival order. */
  records = new Map<string, { envelope: Extract<Envelope, { type: 'record' }>; at: RowContext }[]>()
  events: {
    kind: string
    name: string
    channel?: string | undefined
    stage?: string | undefined
    properties: unknown
    at: RowContext
  }[] = []
  feedback: { envelope: Extract<Envelope, { type: 'feedback' }>; at: RowContext }[] = []

  /** Registers the context of one envelope's rows. */
  context(row: RowContext): RowContext {
    this.contexts.push(row)
    return row
  }

  touch(customerId: string, at: Date) {
    const seen = this.touched.get(customerId)
    if (!seen) this.touched.set(customerId, { firstSeen: at, lastSeen: at })
    else {
      if (at < seen.firstSeen) seen.firstSeen = at
      if (at > seen.lastSeen) seen.lastSeen = at
    }
  }

  content(envelope: Envelope, row: RowContext) {
    switch (envelope.type) {
      case 'identify':
        for (const [key, value] of Object.entries(envelope.traits)) {
          if (value !== undefined) this.observations.push({ key, value, at: row })
        }
        this.events.push({
          kind: 'identify',
          name: 'Profile updated',
          properties: { traits: envelope.traits },
          at: row,
        })
        return
      case 'track':
        this.events.push({
          kind: 'track',
          name: envelope.event,
          channel: envelope.channel,
          stage: envelope.stage,
          properties: envelope.properties,
          at: row,
        })
        return
      case 'record': {
        const { object } = envelope
        const key = `${row.sourceId ?? 'none'}|${object.type}|${object.externalId}`
        const versions = this.records.get(key)
        if (versions) versions.push({ envelope, at: row })
        else this.records.set(key, [{ envelope, at: row }])
        this.events.push({
          kind: 'record',
          name: envelope.event ?? recordEventName(envelope),
          channel: envelope.channel,
          stage: envelope.stage,
          properties: {
            recordType: object.type,
            externalId: object.externalId,
            action: envelope.action,
            status: object.status ?? null,
            title: object.title ?? null,
            amount: object.amount ?? null,
            currency: object.currency ?? null,
          },
          at: row,
        })
        return
      }
      case 'feedback':
        this.feedback.push({ envelope, at: row })
        this.events.push({
          kind: 'feedback',
          name: feedbackEventName(envelope),
          channel: envelope.channel,
          properties: {
            metric: envelope.metric ?? null,
            score: envelope.score ?? null,
            text: envelope.text ?? null,
          },
          at: row,
        })
    }
  }

  resolve(chain: (id: string) => string[]) {
    const root = (id: string) => chain(id).at(-1)!
    for (const row of this.contexts) row.customerId = root(row.customerId)
    const touched = new Map<string, { firstSeen: Date; lastSeen: Date }>()
    for (const [id, seen] of this.touched) {
      const r = root(id)
      const current = touched.get(r)
      touched.set(
        r,
        current
          ? {
              firstSeen: min(current.firstSeen, seen.firstSeen),
              lastSeen: max(current.lastSeen, seen.lastSeen),
            }
          : { ...seen },
      )
    }
    this.touched = touched
    for (const merge of this.merges) {
      merge.above = chain(merge.into)
      merge.root = merge.above.at(-1)!
    }
  }

  async flush(trx: Trx, workspaceId: string, settings: IngestionSettings) {
    // The workspace is one parameter for every row, not a column of each.
    const ws = { workspace_id: workspaceId }
    if (this.newCustomers.size) {
      await bulkInsert(
        'customers',
        { id: 'uuid', workspace_id: 'uuid', first_seen_at: 'timestamptz', last_seen_at: 'timestamptz' },
        [...this.newCustomers].map(([id, seen]) => ({
          id,
          first_seen_at: seen.firstSeen,
          last_seen_at: seen.lastSeen,
        })),
        ws,
      ).execute(trx)
    }
    const merged = await this.applyMerges(trx, workspaceId)

    if (this.identities.length) {
      const insert = bulkInsert(
        'identities',
        { ...ownedColumns, type: 'text', value: 'text', first_seen_at: 'timestamptz' },
        this.identities.map((r) =>
          owned(r.at, { type: r.identifier.type, value: r.identifier.value, first_seen_at: r.at.occurredAt }),
        ),
        ws,
      )
      await sql`${insert} on conflict (workspace_id, type, value) do nothing`.execute(trx)
    }
    if (this.observations.length) {
      await bulkInsert(
        'trait_observations',
        { ...ownedColumns, key: 'text', value: 'jsonb', observed_at: 'timestamptz' },
        this.observations.map((r) =>
          owned(r.at, { key: r.key, value: r.value, observed_at: r.at.occurredAt }),
        ),
        ws,
      ).execute(trx)
    }
    await this.updateTraits(trx, workspaceId, settings, merged)
    await this.upsertRecords(trx, workspaceId)
    if (this.events.length) {
      await bulkInsert(
        'events',
        {
          ...ownedColumns,
          kind: 'text',
          name: 'text',
          channel: 'text',
          stage: 'text',
          occurred_at: 'timestamptz',
          properties: 'jsonb',
        },
        this.events.map((r) =>
          owned(r.at, {
            kind: r.kind,
            name: r.name,
            channel: r.channel,
            stage: r.stage,
            occurred_at: r.at.occurredAt,
            properties: r.properties ?? {},
          }),
        ),
        ws,
      ).execute(trx)
    }
    if (this.feedback.length) {
      await bulkInsert(
        'feedback',
        {
          ...ownedColumns,
          metric: 'text',
          score: 'int',
          text: 'text',
          question: 'text',
          channel: 'text',
          occurred_at: 'timestamptz',
          properties: 'jsonb',
        },
        this.feedback.map((r) =>
          owned(r.at, {
            metric: r.envelope.metric,
            score: r.envelope.score,
            text: r.envelope.text,
            question: r.envelope.question,
            channel: r.envelope.channel,
            occurred_at: r.at.occurredAt,
            properties: r.envelope.properties,
          }),
        ),
        ws,
      ).execute(trx)
    }
    if (this.conflicts.length) {
      await trx
        .insertInto('merge_conflicts')
        .values(
          this.conflicts.map((c) => ({
            ...ws,
            customer_ids: c.profileIds,
            identifier_type: c.identifier.type,
            identifier_value: c.identifier.value,
            reason: c.reason,
            source_id: c.sourceId,
            message_id: c.messageId,
          })),
        )
        .execute()
    }
    await this.updateCustomers(trx, workspaceId)
  }

  /**
   * Moves every row of each merged-away profile to the profile it lives on now (its root), and
   * records each merge as planned: A into B then B into C in one batch is stored as those two steps,
   * as two batches would store them, so that undoing B into C leaves A with B.
   */
  private async applyMerges(trx: Trx, workspaceId: string): Promise<Set<string>> {
    const survivors = new Set<string>()
    if (!this.merges.length) return survivors
    const from = this.merges.map((m) => m.from)
    const into = this.merges.map((m) => m.into)
    const roots = this.merges.map((m) => m.root)
    for (const table of ['identities', 'trait_observations', 'records', 'events', 'feedback'] as const) {
      await sql`update ${sql.table(table)} t set customer_id = m.survivor
        from unnest(${arrayOf(from, 'uuid')}, ${arrayOf(roots, 'uuid')}) as m(merged, survivor)
        where t.workspace_id = ${workspaceId} and t.customer_id = m.merged`.execute(trx)
    }
    // Current traits of the survivors are recomputed from all observations below.
    await trx
      .deleteFrom('traits')
      .where('workspace_id', '=', workspaceId)
      .where('customer_id', '=', anyOf([...from, ...into, ...roots], 'uuid'))
      .execute()
    await sql`update customers c set merged_into = m.survivor, updated_at = now()
      from unnest(${arrayOf(from, 'uuid')}, ${arrayOf(into, 'uuid')}) as m(merged, survivor)
      where c.id = m.merged`.execute(trx)
    for (const merge of this.merges) survivors.add(merge.root)
    await trx
      .insertInto('merges')
      .values(
        this.merges.map((m) => ({
          workspace_id: workspaceId,
          survivor_id: m.into,
          merged_id: m.from,
          identifier_type: m.via.type,
          identifier_value: m.via.value,
          source_id: m.sourceId,
          message_id: m.messageId,
        })),
      )
      .execute()
    // A survivor's first and last seen cover its merged profiles, and so do those of each profile
    // that a merge of this batch passed through (as they would after separate batches).
    const pairs = this.merges.flatMap((m) => m.above.map((target) => [m.from, target] as const))
    await sql`update customers c set
        first_seen_at = least(c.first_seen_at, m.first_seen),
        last_seen_at = greatest(c.last_seen_at, m.last_seen)
      from (select p.target as id, min(f.first_seen_at) as first_seen, max(f.last_seen_at) as last_seen
            from unnest(${arrayOf(
              pairs.map((p) => p[0]),
              'uuid',
            )}, ${arrayOf(
              pairs.map((p) => p[1]),
              'uuid',
            )}) as p(merged, target)
            join customers f on f.id = p.merged group by p.target) m
      where c.id = m.id`.execute(trx)
    return survivors
  }

  private async updateTraits(
    trx: Trx,
    workspaceId: string,
    settings: IngestionSettings,
    recompute: Set<string>,
  ) {
    const candidates = new Map<string, CurrentTrait>()
    for (const trait of await winningTraits(trx, workspaceId, [...recompute], settings.traitPriorities)) {
      candidates.set(`${trait.customerId}|${trait.key}`, trait)
    }
    const fresh = this.observations.filter((o) => !recompute.has(o.at.customerId))
    if (fresh.length) {
      const existing = await trx
        .selectFrom('traits')
        .select(['customer_id', 'profile_id', 'key', 'value', 'source_id', 'observed_at', 'message_id'])
        .where('workspace_id', '=', workspaceId)
        .where('customer_id', '=', anyOf([...new Set(fresh.map((o) => o.at.customerId))], 'uuid'))
        .where('key', '=', anyOf([...new Set(fresh.map((o) => o.key))], 'text'))
        .execute()
      for (const row of existing) {
        candidates.set(`${row.customer_id}|${row.key}`, {
          customerId: row.customer_id,
          key: row.key,
          observation: {
            value: row.value,
            sourceId: row.source_id,
            observedAt: row.observed_at,
            messageId: row.message_id,
            profileId: row.profile_id,
          },
        })
      }
      for (const o of fresh) {
        const id = `${o.at.customerId}|${o.key}`
        const observation = {
          value: o.value,
          sourceId: o.at.sourceId,
          observedAt: o.at.occurredAt,
          messageId: o.at.messageId,
          profileId: o.at.profileId,
        }
        const current = candidates.get(id)
        if (!current || traitWins(o.key, current.observation, observation, settings.traitPriorities)) {
          candidates.set(id, { customerId: o.at.customerId, key: o.key, observation })
        }
      }
    }
    await saveCurrentTraits(trx, workspaceId, [...candidates.values()])
  }

  /**
   * One row per (source, type, external id): the newest state wins, a delete is a tombstone. The
   * rule lives in the upsert alone, so several versions of one record in a batch are applied as
   * they would be in separate batches: the n-th version of every record in the n-th statement
   * (one statement in the usual batch, where each record comes once).
   */
  private async upsertRecords(trx: Trx, workspaceId: string) {
    const versions = [...this.records.values()]
    for (let round = 0; ; round++) {
      const rows = versions.flatMap((v) => v[round] ?? [])
      if (!rows.length) return
      await this.upsertRecordVersions(trx, workspaceId, rows)
    }
  }

  private async upsertRecordVersions(
    trx: Trx,
    workspaceId: string,
    versions: { envelope: Extract<Envelope, { type: 'record' }>; at: RowContext }[],
  ) {
    const insert = bulkInsert(
      'records',
      {
        ...ownedColumns,
        source_key: 'text',
        type: 'text',
        external_id: 'text',
        status: 'text',
        title: 'text',
        amount: 'numeric',
        currency: 'text',
        properties: 'jsonb',
        occurred_at: 'timestamptz',
        updated_at: 'timestamptz',
        deleted_at: 'timestamptz',
      },
      versions.map((r) => {
        const o = r.envelope.object
        return owned(r.at, {
          source_key: r.at.sourceId ?? 'none',
          type: o.type,
          external_id: o.externalId,
          status: o.status ?? null,
          title: o.title ?? null,
          amount: o.amount ?? null,
          currency: o.currency ?? null,
          properties: o.properties,
          occurred_at: r.at.occurredAt,
          updated_at: r.at.occurredAt,
          deleted_at: r.envelope.action === 'delete' ? r.at.occurredAt : null,
        })
      }),
      { workspace_id: workspaceId },
    )
    await sql`${insert} on conflict (workspace_id, source_key, type, external_id) do update set
        customer_id = excluded.customer_id,
        profile_id = excluded.profile_id,
        message_id = excluded.message_id,
        status = coalesce(excluded.status, records.status),
        title = coalesce(excluded.title, records.title),
        amount = coalesce(excluded.amount, records.amount),
        currency = coalesce(excluded.currency, records.currency),
        properties = records.properties || excluded.properties,
        updated_at = excluded.updated_at,
        deleted_at = excluded.deleted_at
      where excluded.updated_at >= records.updated_at`.execute(trx)
  }

  /** First and last seen, and the display name from the winning name traits or an e-mail. */
  private async updateCustomers(trx: Trx, workspaceId: string) {
    if (!this.touched.size) return
    const ids = [...this.touched.keys()]
    const names = await displayNames(trx, workspaceId, ids)
    const rows = ids.map((id) => {
      const seen = this.touched.get(id)!
      return { id, first: seen.firstSeen, last: seen.lastSeen, name: names.get(id) ?? null }
    })
    await sql`update customers c set
        first_seen_at = least(c.first_seen_at, u.first_seen),
        last_seen_at = greatest(c.last_seen_at, u.last_seen),
        display_name = coalesce(u.name, c.display_name),
        updated_at = now()
      from unnest(${arrayOf(
        rows.map((r) => r.id),
        'uuid',
      )}, ${arrayOf(
        rows.map((r) => r.first),
        'timestamptz',
      )},
                  ${arrayOf(
                    rows.map((r) => r.last),
                    'timestamptz',
                  )}, ${arrayOf(
                    rows.map((r) => r.name),
                    'text',
                  )})
        as u(id, first_seen, last_seen, name)
      where c.id = u.id and c.workspace_id = ${workspaceId}`.execute(trx)
  }
}

/** The columns every row about a customer has (see the customer-view migration). */
const ownedColumns = {
  workspace_id: 'uuid',
  customer_id: 'uuid',
  profile_id: 'uuid',
  source_id: 'uuid',
  message_id: 'text',
} as const

/** A row about a customer: its own fields, plus the owned columns from its envelope's context. */
function owned<T extends object>(at: RowContext, fields: T) {
  return Object.assign(fields, {
    customer_id: at.customerId,
    profile_id: at.profileId,
    source_id: at.sourceId,
    message_id: at.messageId,
  })
}

const min = (a: Date, b: Date) => (a < b ? a : b)
const max = (a: Date, b: Date) => (a > b ? a : b)

function recordEventName(envelope: Extract<Envelope, { type: 'record' }>): string {
  const type = envelope.object.type.replace(/-/g, ' ')
  const label = type.charAt(0).toUpperCase() + type.slice(1)
  if (envelope.action === 'delete') return `${label} deleted`
  return envelope.object.status ? `${label} ${envelope.object.status}` : `${label} updated`
}

function feedbackEventName(envelope: Extract<Envelope, { type: 'feedback' }>): string {
  if (envelope.metric && envelope.score !== undefined)
    return `${envelope.metric.toUpperCase()} ${envelope.score}`
  return 'Feedback'
}
