import { randomUUID } from 'node:crypto'
import type { Database, DatabaseHandle } from '@rapport/db'
import { createTestDatabase } from '@rapport/db/testing'
import {
  defaultIdentitySettings,
  type Identifier,
  IdentityGraph,
  type IdentitySettings,
  identityKey,
  isBlocked,
  ruleFor,
} from '@rapport/domain'
import type { Envelope } from '@rapport/plugin-sdk'
import fc from 'fast-check'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { applyBatch } from '../src/ingestion/apply-batch.js'

/**
 * The processor's own path (applyBatch in a transaction, on the test database), without the
 * inbox around it, so that a test chooses exactly which envelopes share a batch.
 */
let database: DatabaseHandle
let db: Kysely<Database>
beforeAll(async () => {
  database = await createTestDatabase()
  db = database.db
})
afterAll(() => database?.close())

async function newWorkspace(): Promise<string> {
  const slug = `ws-${randomUUID()}`
  const row = await db
    .insertInto('workspaces')
    .values({ name: slug, slug })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/** Applies each batch in its own transaction, as the processor does. */
async function apply(
  workspaceId: string,
  batches: Envelope[][],
  identity: IdentitySettings = defaultIdentitySettings,
): Promise<void> {
  for (const batch of batches) {
    await db.transaction().execute((trx) =>
      applyBatch(
        trx,
        workspaceId,
        batch.map((envelope, i) => ({ id: String(i), sourceId: null, envelope })),
        { identity, traitPriorities: {}, hasSuppressions: false },
      ),
    )
  }
}

/** The same envelopes in one batch in one workspace, and a batch each in another. */
async function togetherAndApart(envelopes: Envelope[]): Promise<{ together: string; apart: string }> {
  const together = await newWorkspace()
  await apply(together, [envelopes])
  const apart = await newWorkspace()
  await apply(
    apart,
    envelopes.map((envelope) => [envelope]),
  )
  return { together, apart }
}

const at = (minute: number) => new Date(Date.UTC(2026, 5, 1, 10, minute)).toISOString()

function identify(messageId: string, identifiers: Identifier[], minute = 0): Envelope {
  return { type: 'identify', messageId, identifiers, occurredAt: at(minute), traits: {} }
}

/** The customer owning each identity, by identity key. */
async function owners(workspaceId: string): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('identities')
    .select(['type', 'value', 'customer_id'])
    .where('workspace_id', '=', workspaceId)
    .execute()
  return new Map(rows.map((r) => [identityKey(r), r.customer_id]))
}

/** The identity keys of each customer that has any, sorted: comparable across workspaces. */
async function groups(workspaceId: string): Promise<string[][]> {
  const byCustomer = new Map<string, string[]>()
  for (const [key, customer] of await owners(workspaceId)) {
    byCustomer.set(customer, [...(byCustomer.get(customer) ?? []), key])
  }
  return [...byCustomer.values()].map((keys) => keys.sort()).sort((a, b) => (a[0]! < b[0]! ? -1 : 1))
}

describe('several versions of one record in one batch', () => {
  test('give the record that the same versions give in separate batches', async () => {
    const ada = [{ type: 'email', value: 'ada@example.com' }]
    const invoice = (
      messageId: string,
      minute: number,
      object: { status?: string; amount?: number; properties: Record<string, unknown> },
    ): Envelope => ({
      type: 'record',
      messageId,
      identifiers: ada,
      occurredAt: at(minute),
      action: 'upsert',
      object: { type: 'invoice', externalId: 'INV-1', currency: 'EUR', ...object },
    })
    const versions = [
      invoice('v-paid', 2, { status: 'paid', amount: 50, properties: { a: 1 } }),
      // Older than the one before it: it changes nothing, however it is batched.
      invoice('v-older', 1, { status: 'open', properties: { b: 2 } }),
      // Newer, with only a property: the status and the amount stay.
      invoice('v-note', 3, { properties: { c: 3 } }),
    ]
    const record = async (workspaceId: string) =>
      db
        .selectFrom('records')
        .select(['status', 'amount', 'currency', 'properties', 'message_id', 'updated_at'])
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirstOrThrow()

    const { together, apart } = await togetherAndApart(versions)
    expect(await record(together)).toEqual(await record(apart))
    expect(await record(together)).toMatchObject({
      status: 'paid',
      amount: '50',
      properties: { a: 1, c: 3 },
      message_id: 'v-note',
    })
  })

  test('a version without identifiers follows one of the same batch that named the customer', async () => {
    const version = (
      messageId: string,
      minute: number,
      identifiers: Identifier[],
      status: string,
    ): Envelope => ({
      type: 'record',
      messageId,
      identifiers,
      occurredAt: at(minute),
      action: 'upsert',
      object: { type: 'ticket', externalId: 'T-1', status, properties: {} },
    })
    const versions = [
      version('t-open', 1, [{ type: 'email', value: 'grace@example.com' }], 'open'),
      // A status change that, as many systems send it, names only the ticket.
      version('t-solved', 2, [], 'solved'),
    ]
    const ticket = async (workspaceId: string) => {
      const row = await db
        .selectFrom('records')
        .innerJoin('identities', 'identities.customer_id', 'records.customer_id')
        .select(['records.status', 'records.message_id', 'identities.value'])
        .where('records.workspace_id', '=', workspaceId)
        .executeTakeFirstOrThrow()
      return row
    }
    const { together, apart } = await togetherAndApart(versions)
    expect(await ticket(apart)).toEqual({
      status: 'solved',
      message_id: 't-solved',
      value: 'grace@example.com',
    })
    expect(await ticket(together)).toEqual(await ticket(apart))
  })
})

describe('merges chained in one batch', () => {
  test('are recorded step by step, as the same envelopes in separate batches', async () => {
    const a = { type: 'anonymousId', value: 'device-a' }
    const b = { type: 'email', value: 'b@example.com' }
    const c = { type: 'userId', value: 'user-c' }
    // A into B (the e-mail outranks the device), then B into C (the userId outranks the e-mail).
    const chain = [identify('join-ab', [b, a], 2), identify('join-bc', [c, b], 3)]
    const run = async (batches: Envelope[][]) => {
      const workspaceId = await newWorkspace()
      await apply(workspaceId, [[identify('a', [a], 1)], [identify('b', [b], 1)], [identify('c', [c], 1)]])
      // Each profile is named by its one identity before the chain.
      const name = new Map([...(await owners(workspaceId))].map(([key, id]) => [id, key]))
      await apply(workspaceId, batches)
      const merges = await db
        .selectFrom('merges')
        .select(['survivor_id', 'merged_id', 'message_id'])
        .where('workspace_id', '=', workspaceId)
        .orderBy('message_id')
        .execute()
      const mergedInto = await db
        .selectFrom('customers')
        .select(['id', 'merged_into'])
        .where('workspace_id', '=', workspaceId)
        .execute()
      return {
        merges: merges.map((m) => [name.get(m.merged_id), name.get(m.survivor_id), m.message_id]),
        mergedInto: mergedInto.map((m) => [name.get(m.id), m.merged_into && name.get(m.merged_into)]).sort(),
        groups: await groups(workspaceId),
      }
    }
    const together = await run([chain])
    expect(together).toEqual(await run(chain.map((e) => [e])))
    expect(together.merges).toEqual([
      [identityKey(a), identityKey(b), 'join-ab'],
      [identityKey(b), identityKey(c), 'join-bc'],
    ])
    expect(together.groups).toEqual([[a, b, c].map(identityKey).sort()])
  })
})

describe('the processor resolves identities as the rules say (property)', () => {
  const real: Record<string, string[]> = {
    userId: ['u1', 'u2', 'u3'],
    email: ['e1@example.com', 'E1@Example.com ', 'e2@example.com', 'e3@example.com'],
    phone: ['+1 555 0100', '+15550100', '+15550199', '5550123'],
    anonymousId: ['a1', 'a2', 'a3', 'a4'],
    hubspot: ['h1', 'h2'],
  }
  /** What forms and SDKs send when they know nothing: the default settings block every one. */
  const placeholders: Record<string, string[]> = {
    userId: ['null', 'anonymous', ' undefined '],
    email: ['n/a', 'N/A', 'none'],
    phone: ['-1', '+0', '+000', '--', ' 0 ', '+'],
    anonymousId: ['none', '0'],
    hubspot: ['-1'],
  }
  const placeholderKeys = new Set(
    Object.entries(placeholders).flatMap(([type, values]) =>
      values.map((value) => identityKey({ type, value })),
    ),
  )
  const identifier = fc
    .constantFrom(...Object.keys(real))
    .chain((type) =>
      fc
        .oneof(
          { weight: 4, arbitrary: fc.constantFrom(...real[type]!) },
          { weight: 1, arbitrary: fc.constantFrom(...placeholders[type]!) },
        )
        .map((value) => ({ type, value })),
    )
  const envelopes = fc.array(fc.array(identifier, { minLength: 1, maxLength: 4 }), {
    minLength: 1,
    maxLength: 12,
  })
  /** Cuts a list into consecutive batches at the given points. */
  const batched = <T>(list: T[], cuts: number[]): T[][] => {
    const points = [...new Set(cuts.map((c) => c % (list.length + 1)))].sort((x, y) => x - y)
    const batches: T[][] = []
    let start = 0
    for (const point of [...points, list.length]) {
      if (point > start) batches.push(list.slice(start, point))
      start = Math.max(start, point)
    }
    return batches
  }
  const roomy: IdentitySettings = {
    ...defaultIdentitySettings,
    rules: defaultIdentitySettings.rules.map((r) => ({ ...r, limit: 100 })),
    vendorRule: { priority: 4, limit: 100 },
  }

  test('where no limit bites, order and batching do not change who is whom', async () => {
    await fc.assert(
      fc.asyncProperty(
        envelopes,
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        async (lists, cutsA, cutsB) => {
          const sent = lists.map((ids, i) => identify(`m${i}`, ids, i))
          const first = await newWorkspace()
          await apply(first, batched(sent, cutsA), roomy)
          const second = await newWorkspace()
          await apply(second, batched([...sent].reverse(), cutsB), roomy)
          expect(await groups(first)).toEqual(await groups(second))
        },
      ),
      { numRuns: 15 },
    )
  })

  test('in any batching, stored identities keep the limits, hold no blocked value, and match the reference graph', async () => {
    await fc.assert(
      fc.asyncProperty(envelopes, fc.array(fc.nat(), { maxLength: 4 }), async (lists, cuts) => {
        const sent = lists.map((ids, i) => identify(`m${i}`, ids, i))
        const workspaceId = await newWorkspace()
        await apply(workspaceId, batched(sent, cuts))
        const stored = await groups(workspaceId)
        for (const keys of stored) {
          const counts = new Map<string, number>()
          for (const key of keys) {
            const type = key.slice(0, key.indexOf(':'))
            const value = key.slice(type.length + 1)
            expect(isBlocked({ type, value }, defaultIdentitySettings), key).toBe(false)
            expect(placeholderKeys.has(key), key).toBe(false)
            counts.set(type, (counts.get(type) ?? 0) + 1)
          }
          for (const [type, count] of counts) {
            expect(count).toBeLessThanOrEqual(ruleFor(defaultIdentitySettings, type).limit)
          }
        }
        // The in-memory reference, fed the same envelopes in the same order, groups them the same.
        const graph = new IdentityGraph()
        for (const envelope of sent) graph.resolve(envelope.identifiers)
        expect(stored).toEqual(graph.groups().filter((keys) => keys.length > 0))
      }),
      { numRuns: 15 },
    )
  })
})
