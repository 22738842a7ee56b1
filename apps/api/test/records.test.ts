import { describe, expect, test } from 'vitest'
import { IngestionService } from '../src/ingestion/ingestion.service.js'
import { httpSource, useTestServer } from './harness.js'

const context = useTestServer()

/** A record envelope of an invoice, as a billing system sends it; identifiers only when given. */
function invoice(
  messageId: string,
  externalId: string,
  change: { status?: string; action?: 'upsert' | 'delete'; identifiers?: { type: string; value: string }[] },
) {
  return {
    type: 'record',
    messageId,
    identifiers: change.identifiers ?? [],
    occurredAt: new Date().toISOString(),
    action: change.action ?? 'upsert',
    object: { type: 'invoice', externalId, status: change.status, amount: 50, currency: 'EUR' },
  }
}

describe('records that name no customer', () => {
  test('change the record already known, wherever it is; an unknown one is a dead letter, not a new profile', async () => {
    const source = await httpSource(context.owner, 'Billing')
    const workspaceId = (await context.owner.get('/api/v1/me')).body.workspace.id
    const ingestion = context.server.app.get(IngestionService)
    const send = async (...envelopes: unknown[]) => {
      await ingestion.ingest(workspaceId, source.id, envelopes)
      await context.server.processor.settled()
    }
    const customers = async () => (await context.owner.get('/api/v1/customers?limit=200')).body.items.length

    await send(
      invoice('inv-1-open', 'INV-1', {
        status: 'open',
        identifiers: [{ type: 'email', value: 'mo@example.com' }],
      }),
    )
    const mo = (await context.owner.get('/api/v1/customers/lookup?type=email&value=mo@example.com')).body
    const before = await customers()

    // A webhook saying only "INV-1 is paid": it stays Mo's, and counts towards Mo's lifetime value.
    await send(invoice('inv-1-paid', 'INV-1', { status: 'paid' }))
    let profile = (await context.owner.get(`/api/v1/customers/${mo.id}`)).body
    expect(profile.lifetimeValue).toEqual({ EUR: 50 })
    expect(await customers()).toBe(before)

    // An invoice nobody is known for: kept as a dead letter with the reason; no empty profile.
    await send(
      invoice('inv-9', 'INV-9', { status: 'open' }),
      invoice('inv-8-gone', 'INV-8', { action: 'delete' }),
    )
    expect(await customers()).toBe(before)
    const dead = (await context.owner.get('/api/v1/dead-letters')).body.items as {
      messageId: string
      reason: string
    }[]
    expect(dead.map((d) => d.messageId)).toEqual(['inv-9'])
    expect(dead[0]!.reason).toContain('names no customer')

    // Deleted by its id alone.
    await send(invoice('inv-1-deleted', 'INV-1', { action: 'delete' }))
    profile = (await context.owner.get(`/api/v1/customers/${mo.id}`)).body
    expect(profile.lifetimeValue).toEqual({})
    expect(await customers()).toBe(before)
  })
})

test('a paid invoice of 0 names its currency in lifetime value; an invoice without an amount does not', async () => {
  const source = await httpSource(context.owner, 'Billing, free plan')
  const workspaceId = (await context.owner.get('/api/v1/me')).body.workspace.id
  const identifiers = [{ type: 'email', value: 'free@example.com' }]
  const record = (messageId: string, object: Record<string, unknown>) => ({
    type: 'record',
    messageId,
    identifiers,
    occurredAt: new Date().toISOString(),
    action: 'upsert',
    object: { type: 'invoice', status: 'paid', ...object },
  })
  await context.server.app
    .get(IngestionService)
    .ingest(workspaceId, source.id, [
      record('free-1', { externalId: 'FREE-1', amount: 0, currency: 'EUR' }),
      record('free-2', { externalId: 'FREE-2', currency: 'USD' }),
    ])
  await context.server.processor.settled()
  const customer = (await context.owner.get('/api/v1/customers/lookup?type=email&value=free@example.com'))
    .body
  const profile = (await context.owner.get(`/api/v1/customers/${customer.id}`)).body
  expect(profile.lifetimeValue).toEqual({ EUR: 0 })
  expect(profile.records.counts).toEqual({ invoice: 2 })
})
