import { Inject, Injectable } from '@nestjs/common'
import type { EraseResult, MergeHistory, Profile } from '@rapport/api-client'
import type { Database } from '@rapport/db'
import { lifetimeValueOfGroups, normalizeIdentifier, openRecordCounts } from '@rapport/domain'
import { type Kysely, sql, type Transaction } from 'kysely'
import { z } from 'zod'
import { recordAudit } from '../audit/audit.repository.js'
import type { Origin, Principal } from '../auth/principal.js'
import { DB, type Db } from '../database/database.js'
import { conflict, notFound, ProblemError } from '../http/problem.js'
import { displayNames, saveCurrentTraits, winningTraits } from '../ingestion/current-traits.js'
import { hashIdentityKey } from '../ingestion/inbox.repository.js'
import { IngestionService } from '../ingestion/ingestion.service.js'
import { forgetKeptApart, keepApart } from '../ingestion/kept-apart.repository.js'
import { lockWorkspace } from '../ingestion/workspace-lock.js'
import { ingestionSettings } from '../ingestion/workspace-settings.repository.js'
import { loadProfile, profileTree, resolveCustomer } from './customers.repository.js'
import {
  eraseConflicts,
  erasedPerson,
  eraseEnvelopes,
  ownedTables,
  pendingTaken,
  scrubAudit,
  scrubSyncRuns,
} from './erase.repository.js'

/** How often an erase gives way to the processor before it answers 503 (about 2 s in all). */
const eraseTries = 10

@Injectable()
export class CustomersService {
  constructor(
    @Inject(DB) private readonly db: Kysely<Database>,
    @Inject(IngestionService) private readonly ingestion: IngestionService,
  ) {}

  /** The current profile for an id, following merges; 404 for unknown or malformed ids. */
  async resolve(workspaceId: string, id: string, db: Db = this.db): Promise<string> {
    const resolved = z.uuid().safeParse(id).success ? await resolveCustomer(db, workspaceId, id) : undefined
    if (!resolved) throw notFound('customer')
    return resolved
  }

  async profile(workspaceId: string, requestedId: string): Promise<Profile> {
    const row = z.uuid().safeParse(requestedId).success
      ? await loadProfile(this.db, workspaceId, requestedId)
      : undefined
    if (!row) throw notFound('customer')
    const live = row.record_groups.filter((group) => !group.deleted)
    return {
      id: row.id,
      resolvedFrom: row.id === requestedId ? null : requestedId,
      displayName: row.display_name,
      firstSeenAt: row.first_seen_at,
      lastSeenAt: row.last_seen_at,
      lifetimeValue: lifetimeValueOfGroups(row.record_groups),
      identities: row.identities,
      traits: row.traits,
      records: {
        counts: countsByType(live),
        open: openRecordCounts(live),
        recent: row.recent.map((r) => ({ ...r, amount: r.amount === null ? null : Number(r.amount) })),
      },
      sources: row.sources,
      mergedProfiles: row.merged,
      openConflicts: row.conflicts,
    }
  }

  /** A trait's observations, newest first: its value history with provenance. */
  async traitHistory(workspaceId: string, customerId: string, key: string) {
    const id = await this.resolve(workspaceId, customerId)
    const rows = await this.db
      .selectFrom('trait_observations')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('customer_id', '=', id)
      .where('key', '=', key)
      .orderBy('observed_at', 'desc')
      .limit(100)
      .execute()
    return {
      items: rows.map((t) => ({
        key: t.key,
        value: t.value,
        sourceId: t.source_id,
        messageId: t.message_id,
        observedAt: t.observed_at.toISOString(),
      })),
    }
  }

  async lookup(workspaceId: string, type: string, value: string): Promise<Profile> {
    const normalized = normalizeIdentifier({ type, value })
    const row = await this.db
      .selectFrom('identities')
      .select('customer_id')
      .where('workspace_id', '=', workspaceId)
      .where('type', '=', normalized.type)
      .where('value', '=', normalized.value)
      .executeTakeFirst()
    if (!row) throw notFound(`customer with ${type} ${value}`)
    return this.profile(workspaceId, row.customer_id)
  }

  async mergeHistory(workspaceId: string, customerId: string): Promise<MergeHistory> {
    const id = await this.resolve(workspaceId, customerId)
    const tree = await profileTree(this.db, workspaceId, id)
    const merges = await this.db
      .selectFrom('merges')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where((eb) => eb.or([eb('survivor_id', 'in', tree), eb('merged_id', 'in', tree)]))
      .orderBy('created_at', 'desc')
      .execute()
    const conflicts = await sql<{
      id: string
      customer_ids: string[]
      identifier_type: string
      identifier_value: string
      reason: string
      source_id: string | null
      message_id: string
      created_at: Date
    }>`select * from merge_conflicts where workspace_id = ${workspaceId} and customer_ids && ${sql.val(tree)}::uuid[] order by id desc limit 200`.execute(
      this.db,
    )
    return {
      merges: merges.map((m) => ({
        id: m.id,
        survivorId: m.survivor_id,
        mergedId: m.merged_id,
        identifier: { type: m.identifier_type, value: m.identifier_value },
        sourceId: m.source_id,
        messageId: m.message_id,
        mergedAt: m.created_at.toISOString(),
        undoneAt: m.undone_at?.toISOString() ?? null,
      })),
      conflicts: conflicts.rows.map((c) => ({
        id: String(c.id),
        customerIds: c.customer_ids,
        identifier: { type: c.identifier_type, value: c.identifier_value },
        reason: c.reason,
        sourceId: c.source_id,
        messageId: c.message_id,
        createdAt: new Date(c.created_at).toISOString(),
      })),
    }
  }

  /**
   * Splits a merge back: the merged profile (and whatever had been merged into it) takes back every
   * row first written for it: identities, trait observations, records, timeline and feedback.
   * The merge is found and checked under the workspace's lock, in the transaction that undoes it:
   * of two unmerges of one merge, the second finds it undone.
   */
  async unmerge(
    caller: Principal,
    customerId: string,
    mergeId: string,
    origin: Origin,
  ): Promise<{ survivor: Profile; restored: Profile }> {
    const ws = caller.workspaceId
    const { root, merge } = await this.db.transaction().execute(async (trx) => {
      await lockWorkspace(trx, ws)
      const root = await this.resolve(ws, customerId, trx)
      const merge = z.uuid().safeParse(mergeId).success
        ? await trx
            .selectFrom('merges')
            .selectAll()
            .where('workspace_id', '=', ws)
            .where('id', '=', mergeId)
            .executeTakeFirst()
        : undefined
      if (!merge) throw notFound('merge')
      if (merge.undone_at) throw conflict('this merge was already undone')
      if ((await resolveCustomer(trx, ws, merge.merged_id)) !== root) throw notFound('merge')

      const subtree = await profileTree(trx, ws, merge.merged_id)
      for (const table of ownedTables) {
        await trx
          .updateTable(table)
          .set({ customer_id: merge.merged_id })
          .where('workspace_id', '=', ws)
          .where('customer_id', '=', root)
          .where('profile_id', 'in', subtree)
          .execute()
      }
      await trx
        .updateTable('customers')
        .set({ merged_into: null, updated_at: new Date() })
        .where('id', '=', merge.merged_id)
        .execute()
      await trx
        .updateTable('merges')
        .set({
          undone_at: new Date(),
          undone_by: caller.kind === 'session' ? caller.email : `token ${caller.tokenName}`,
        })
        .where('id', '=', merge.id)
        .execute()
      // Kept apart from now on: the next call naming both would otherwise merge them again.
      await keepApart(trx, ws, [root, merge.merged_id], merge.id)
      for (const id of [root, merge.merged_id]) await refreshProfile(trx, ws, id)
      await recordAudit(trx, ws, caller, origin, {
        action: 'customer.unmerged',
        targetType: 'customer',
        targetId: root,
        details: {
          mergeId: merge.id,
          restored: merge.merged_id,
          identifier: `${merge.identifier_type}:${merge.identifier_value}`,
        },
      })
      return { root, merge }
    })
    return {
      survivor: await this.profile(ws, root),
      restored: await this.profile(ws, merge.merged_id),
    }
  }

  /**
   * Erases a person: every row about them and every profile merged into them, their pending and
   * dead-lettered envelopes, what conflicts, the audit log and sync runs kept of their identifiers;
   * optionally refuses their identifiers from now on (kept only as hashes). Under the workspace's
   * lock: a batch applying meanwhile would leave rows pointing at the deleted customer.
   */
  async erase(
    caller: Principal,
    customerId: string,
    suppress: boolean,
    origin: Origin,
  ): Promise<EraseResult> {
    const ws = caller.workspaceId
    // Tried again when it gave way to a processor that took some of their pending envelopes: the
    // processor applies them (to their profile, which is still there), and the next try erases them.
    const attempt = () =>
      this.db.transaction().execute(async (trx) => {
        await lockWorkspace(trx, ws)
        const root = await this.resolve(ws, customerId, trx)
        const tree = await profileTree(trx, ws, root)
        const person = await erasedPerson(trx, ws, tree)
        const count = (r: { numDeletedRows: bigint }[]) => r.reduce((n, x) => n + Number(x.numDeletedRows), 0)
        const deleted: Record<string, number> = {}
        for (const table of [...ownedTables, 'traits'] as const) {
          deleted[table] = count(
            await trx
              .deleteFrom(table)
              .where('workspace_id', '=', ws)
              .where('customer_id', 'in', tree)
              .execute(),
          )
        }
        const inbox = await eraseEnvelopes(trx, 'inbox', ws, person)
        const deadLetters = await eraseEnvelopes(trx, 'dead_letters', ws, person)
        await trx
          .deleteFrom('merges')
          .where('workspace_id', '=', ws)
          .where((eb) => eb.or([eb('survivor_id', 'in', tree), eb('merged_id', 'in', tree)]))
          .execute()
        await eraseConflicts(trx, ws, person)
        await forgetKeptApart(trx, ws, tree)
        await scrubAudit(trx, ws, person)
        await scrubSyncRuns(trx, ws, person)
        await trx.updateTable('customers').set({ merged_into: null }).where('id', 'in', tree).execute()
        const customers = count(
          await trx.deleteFrom('customers').where('workspace_id', '=', ws).where('id', 'in', tree).execute(),
        )
        let suppressed = 0
        if (suppress && person.keys.length) {
          const rows = await trx
            .insertInto('suppressions')
            .values(person.keys.map((k) => ({ workspace_id: ws, identity_hash: hashIdentityKey(k) })))
            .onConflict((oc) => oc.columns(['workspace_id', 'identity_hash']).doNothing())
            .returning('identity_hash')
            .execute()
          suppressed = rows.length
        }
        const result: EraseResult = {
          customers,
          identities: deleted.identities ?? 0,
          traits: (deleted.traits ?? 0) + (deleted.trait_observations ?? 0),
          records: deleted.records ?? 0,
          events: deleted.events ?? 0,
          feedback: deleted.feedback ?? 0,
          inbox,
          deadLetters,
          suppressed,
        }
        // The audit entry names the erased id and the counts, never what was erased.
        await recordAudit(trx, ws, caller, origin, {
          action: 'customer.erased',
          targetType: 'customer',
          targetId: root,
          details: { ...result, suppress },
        })
        return result
      })
    let result: EraseResult | undefined
    for (let tries = 1; !result; tries++) {
      result = await attempt().catch((error) => {
        if (!pendingTaken(error)) throw error
        // A person still sending keeps the processor busy with them: past this, ask again later.
        if (tries === eraseTries)
          throw new ProblemError(503, "the processor keeps applying this person's data; try again shortly", {
            headers: { 'retry-after': '5' },
          })
        return undefined
      })
      // Each try gives the processor a little longer to finish the batch it holds.
      if (!result) await new Promise((resolve) => setTimeout(resolve, 50 * tries))
    }
    this.ingestion.forget(ws)
    this.ingestion.wake()
    return result
  }
}

/** Recomputes a profile's current traits, display name and first/last seen from its rows. */
async function refreshProfile(
  trx: Transaction<Database>,
  workspaceId: string,
  customerId: string,
): Promise<void> {
  await trx.deleteFrom('traits').where('customer_id', '=', customerId).execute()
  const { traitPriorities } = await ingestionSettings(trx, workspaceId)
  await saveCurrentTraits(
    trx,
    workspaceId,
    await winningTraits(trx, workspaceId, [customerId], traitPriorities),
  )
  const name = (await displayNames(trx, workspaceId, [customerId])).get(customerId) ?? null
  const seen = await trx
    .selectFrom('events')
    .select((eb) => [eb.fn.min('occurred_at').as('first'), eb.fn.max('occurred_at').as('last')])
    .where('customer_id', '=', customerId)
    .executeTakeFirst()
  await trx
    .updateTable('customers')
    .set({
      display_name: name,
      ...(seen?.first ? { first_seen_at: seen.first as Date, last_seen_at: seen.last as Date } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', customerId)
    .execute()
}

/** Records per type, from counts per group. */
function countsByType(groups: readonly { type: string; count: number }[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const { type, count } of groups) counts[type] = (counts[type] ?? 0) + count
  return counts
}
