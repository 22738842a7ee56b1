import { testDatabaseUrl } from '@rapport/db/testing'
import { describe, expect, test } from 'vitest'
import { IngestionService } from '../src/ingestion/ingestion.service.js'
import {
  holdWorkspace,
  httpSource,
  lockWaitOf,
  memberWithRole,
  track,
  useTestServer,
  workspaceOf,
} from './harness.js'

const context = useTestServer()

async function send(writeKey: string, calls: object[]) {
  const answer = await track(context.server.url, writeKey, 'batch', { batch: calls })
  expect(answer.status).toBe(200)
  await context.server.processor.settled()
}

const at = (minute: number) => new Date(Date.UTC(2026, 5, 1, 10, minute)).toISOString()

describe('identity resolution, merges and unmerge', () => {
  test('two profiles joined by a shared e-mail merge, with the reason; unmerge gives each its own back', async () => {
    const { writeKey, id: sourceId } = await httpSource(context.owner, 'Merge site')
    await send(writeKey, [
      {
        type: 'identify',
        anonymousId: 'device-a',
        traits: { name: 'Device A', city: 'Paris' },
        messageId: 'm-a1',
        timestamp: at(1),
      },
      {
        type: 'track',
        anonymousId: 'device-a',
        event: 'Viewed pricing',
        messageId: 'm-a2',
        timestamp: at(2),
      },
      {
        type: 'identify',
        userId: 'merge-user',
        traits: { email: 'merge@example.com', name: 'Merge User', city: 'Lyon' },
        messageId: 'm-b1',
        timestamp: at(3),
      },
      { type: 'track', userId: 'merge-user', event: 'Paid', messageId: 'm-b2', timestamp: at(4) },
    ])
    const deviceProfile = (
      await context.owner.get('/api/v1/customers/lookup?type=anonymousId&value=device-a')
    ).body
    const userProfile = (await context.owner.get('/api/v1/customers/lookup?type=userId&value=merge-user'))
      .body
    expect(deviceProfile.id).not.toBe(userProfile.id)

    // The device reveals the e-mail: one person.
    await send(writeKey, [
      {
        type: 'identify',
        anonymousId: 'device-a',
        traits: { email: 'MERGE@example.com' },
        messageId: 'm-join',
        timestamp: at(5),
      },
    ])
    const merged = (await context.owner.get('/api/v1/customers/lookup?type=anonymousId&value=device-a')).body
    const survivor = merged.id
    expect([deviceProfile.id, userProfile.id]).toContain(survivor)
    const gone = survivor === deviceProfile.id ? userProfile.id : deviceProfile.id
    expect(merged.identities.map((i: { type: string }) => i.type).sort()).toEqual([
      'anonymousId',
      'email',
      'userId',
    ])
    expect(merged.mergedProfiles).toBe(1)

    // The merged-away id keeps resolving to the survivor.
    const viaOld = (await context.owner.get(`/api/v1/customers/${gone}`)).body
    expect(viaOld).toMatchObject({ id: survivor, resolvedFrom: gone })
    const timeline = (await context.owner.get(`/api/v1/customers/${gone}/timeline`)).body.items
    expect(timeline.map((e: { name: string }) => e.name)).toEqual(
      expect.arrayContaining(['Viewed pricing', 'Paid']),
    )
    expect((await context.owner.get('/api/v1/customers?q=merge')).body.items).toHaveLength(1)

    const history = (await context.owner.get(`/api/v1/customers/${survivor}/merges`)).body
    expect(history.merges).toHaveLength(1)
    expect(history.merges[0]).toMatchObject({
      survivorId: survivor,
      mergedId: gone,
      identifier: { type: 'anonymousId', value: 'device-a' },
      sourceId,
      messageId: 'm-join',
      undoneAt: null,
    })

    const undo = await context.owner.post(`/api/v1/customers/${survivor}/merges/${history.merges[0].id}/undo`)
    expect(undo.status).toBe(200)
    const a = (await context.owner.get(`/api/v1/customers/${deviceProfile.id}`)).body
    const b = (await context.owner.get(`/api/v1/customers/${userProfile.id}`)).body
    expect(a.resolvedFrom).toBeNull()
    expect(b.resolvedFrom).toBeNull()
    expect(b.identities.map((i: { type: string }) => i.type).sort()).toEqual(['email', 'userId'])
    expect(b.traits.find((t: { key: string }) => t.key === 'city').value).toBe('Lyon')
    expect(a.traits.find((t: { key: string }) => t.key === 'city').value).toBe('Paris')
    const aEvents = (await context.owner.get(`/api/v1/customers/${a.id}/timeline`)).body.items.map(
      (e: { name: string }) => e.name,
    )
    const bEvents = (await context.owner.get(`/api/v1/customers/${b.id}/timeline`)).body.items.map(
      (e: { name: string }) => e.name,
    )
    expect(aEvents).toContain('Viewed pricing')
    expect(aEvents).not.toContain('Paid')
    expect(bEvents).toContain('Paid')
    expect(
      (await context.owner.post(`/api/v1/customers/${survivor}/merges/${history.merges[0].id}/undo`)).status,
    ).toBe(409)
    expect((await context.owner.get('/api/v1/audit-log?action=customer.unmerged')).body.items).toHaveLength(1)
  })

  test('a second userId for the same e-mail is not merged: a conflict is recorded on both profiles', async () => {
    const { writeKey } = await httpSource(context.owner, 'Conflict site')
    // Separate calls: order is kept per customer, and these two are not (yet) the same customer.
    await send(writeKey, [
      {
        type: 'identify',
        userId: 'first-user',
        traits: { email: 'shared@example.com' },
        messageId: 'c-1',
        timestamp: at(10),
      },
    ])
    await send(writeKey, [
      {
        type: 'identify',
        userId: 'second-user',
        traits: { email: 'shared@example.com' },
        messageId: 'c-2',
        timestamp: at(11),
      },
    ])
    const first = (await context.owner.get('/api/v1/customers/lookup?type=userId&value=first-user')).body
    const second = (await context.owner.get('/api/v1/customers/lookup?type=userId&value=second-user')).body
    expect(first.id).not.toBe(second.id)
    expect(first.identities.some((i: { value: string }) => i.value === 'shared@example.com')).toBe(true)
    const conflicts = (await context.owner.get(`/api/v1/customers/${first.id}/merges`)).body.conflicts
    expect(conflicts).toHaveLength(1)
    expect(conflicts[0]).toMatchObject({
      identifier: { type: 'email', value: 'shared@example.com' },
      messageId: 'c-2',
    })
    expect(conflicts[0].reason).toContain('userId')
    expect(first.openConflicts).toBe(1)
    // The new profile the second userId started names the conflict too.
    const secondConflicts = (await context.owner.get(`/api/v1/customers/${second.id}/merges`)).body.conflicts
    expect(secondConflicts.map((c: { id: string }) => c.id)).toEqual([conflicts[0].id])
    expect(conflicts[0].customerIds.sort()).toEqual([first.id, second.id].sort())
    expect(second.openConflicts).toBe(1)

    // Once the first profile is merged into another, the survivor counts the conflict as its merge
    // history shows it: over every profile merged into it.
    const workspaceId = (await context.owner.get('/api/v1/me')).body.workspace.id
    const ingestion = context.server.app.get(IngestionService)
    const identify = (messageId: string, ...emails: string[]) => ({
      type: 'identify',
      messageId,
      occurredAt: at(12),
      identifiers: emails.map((value) => ({ type: 'email', value })),
    })
    await ingestion.ingest(workspaceId, null, [identify('c-3', 'other@example.com')])
    await context.server.processor.settled()
    await ingestion.ingest(workspaceId, null, [identify('c-4', 'other@example.com', 'shared@example.com')])
    await context.server.processor.settled()
    const survivor = (await context.owner.get(`/api/v1/customers/${first.id}`)).body
    expect(survivor.id).not.toBe(first.id)
    expect((await context.owner.get(`/api/v1/customers/${survivor.id}/merges`)).body.conflicts).toHaveLength(
      1,
    )
    expect(survivor.openConflicts).toBe(1)
  })

  test('search finds an identifier however the query spells it', async () => {
    const { writeKey } = await httpSource(context.owner, 'Search site')
    await send(writeKey, [
      {
        type: 'identify',
        userId: 'search-user',
        traits: { email: 'Search.Me@Example.com', phone: '+1 (555) 0100' },
        messageId: 'q-1',
        timestamp: at(15),
      },
    ])
    const found = async (q: string) =>
      (await context.owner.get(`/api/v1/customers?q=${encodeURIComponent(q)}`)).body.items.map(
        (c: { identifier: { value: string } }) => c.identifier.value,
      )
    for (const q of [
      '+1 555 0100',
      '+15550100',
      '555-0100',
      '(555) 0100',
      ' SEARCH.me@example.com',
      'search.me',
    ])
      expect(await found(q), q).toEqual(['search-user'])
    expect(await found('555-0199')).toEqual([])
  })

  test('blocked identifier values never join people', async () => {
    const { writeKey } = await httpSource(context.owner, 'Blocked site')
    await send(writeKey, [
      {
        type: 'identify',
        userId: 'null',
        anonymousId: 'blocked-a',
        traits: { name: 'A' },
        messageId: 'b-1',
        timestamp: at(20),
      },
      {
        type: 'identify',
        userId: 'null',
        anonymousId: 'blocked-b',
        traits: { name: 'B' },
        messageId: 'b-2',
        timestamp: at(21),
      },
    ])
    const a = (await context.owner.get('/api/v1/customers/lookup?type=anonymousId&value=blocked-a')).body
    const b = (await context.owner.get('/api/v1/customers/lookup?type=anonymousId&value=blocked-b')).body
    expect(a.id).not.toBe(b.id)
    expect((await context.owner.get('/api/v1/customers/lookup?type=userId&value=null')).status).toBe(404)
  })

  test('timeline filters and cursor pages', async () => {
    const { writeKey } = await httpSource(context.owner, 'Paging site')
    await send(
      writeKey,
      Array.from({ length: 7 }, (_, i) => ({
        type: 'track',
        userId: 'pager',
        event: i % 2 ? 'Odd' : 'Even',
        messageId: `p-${i}`,
        timestamp: at(30 + i),
      })),
    )
    await send(writeKey, [
      { type: 'page', userId: 'pager', name: 'Home', messageId: 'p-page', timestamp: at(40) },
    ])
    const customer = (await context.owner.get('/api/v1/customers/lookup?type=userId&value=pager')).body
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const query: string = cursor ? `&cursor=${cursor}` : ''
      const page = (
        await context.owner.get(`/api/v1/customers/${customer.id}/timeline?limit=3&kind=track${query}`)
      ).body
      seen.push(...page.items.map((e: { messageId: string }) => e.messageId))
      cursor = page.nextCursor
    } while (cursor)
    expect(seen).toEqual(['p-page', 'p-6', 'p-5', 'p-4', 'p-3', 'p-2', 'p-1', 'p-0'])
    const web = (await context.owner.get(`/api/v1/customers/${customer.id}/timeline?channel=web`)).body.items
    expect(web.map((e: { messageId: string }) => e.messageId)).toEqual(['p-page'])
    expect((await context.owner.get(`/api/v1/customers/${customer.id}/timeline?kind=nope`)).status).toBe(400)
  })

  test('timeline by stage and source; equal times page without gaps or repeats; a bad cursor is a 400', async () => {
    const one = await httpSource(context.owner, 'Stage one')
    const two = await httpSource(context.owner, 'Stage two')
    const workspaceId = (await context.owner.get('/api/v1/me')).body.workspace.id
    const ingestion = context.server.app.get(IngestionService)
    // Every step at the same minute: only the id orders them.
    const step = (messageId: string, stage?: string) => ({
      type: 'track',
      messageId,
      identifiers: [{ type: 'userId', value: 'stager' }],
      occurredAt: at(45),
      event: 'Step',
      ...(stage ? { stage } : {}),
    })
    await ingestion.ingest(workspaceId, one.id, [step('st-1', 'purchase'), step('st-2', 'use'), step('st-3')])
    await ingestion.ingest(workspaceId, two.id, [
      step('st-4', 'purchase'),
      step('st-5'),
      step('st-6', 'use'),
      step('st-7'),
    ])
    await context.server.processor.settled()
    const customer = (await context.owner.get('/api/v1/customers/lookup?type=userId&value=stager')).body
    const timeline = `/api/v1/customers/${customer.id}/timeline`
    const ids = async (query: string) =>
      (await context.owner.get(`${timeline}?${query}`)).body.items
        .map((e: { messageId: string }) => e.messageId)
        .sort()
    expect(await ids('stage=purchase')).toEqual(['st-1', 'st-4'])
    expect(await ids(`sourceId=${two.id}`)).toEqual(['st-4', 'st-5', 'st-6', 'st-7'])
    expect(await ids(`sourceId=${one.id}&stage=use`)).toEqual(['st-2'])

    const seen: string[] = []
    let cursor: string | null = null
    do {
      const query: string = cursor ? `&cursor=${cursor}` : ''
      const page = (await context.owner.get(`${timeline}?limit=2${query}`)).body
      seen.push(...page.items.map((e: { messageId: string }) => e.messageId))
      cursor = page.nextCursor
    } while (cursor)
    expect(seen).toHaveLength(7)
    expect([...seen].sort()).toEqual(['st-1', 'st-2', 'st-3', 'st-4', 'st-5', 'st-6', 'st-7'])

    // A cursor that no page of that list gave: mangled, or with another list's kind of id.
    const cursorOf = (text: string) => Buffer.from(text).toString('base64url')
    for (const [path, bad] of [
      ['/api/v1/customers', 'not-a-cursor'],
      ['/api/v1/customers', cursorOf(`${at(1)}|42`)],
      [`/api/v1/customers/${customer.id}/records`, cursorOf(`${at(1)}|42`)],
      [timeline, cursorOf(`${at(1)}|${customer.id}`)],
      [timeline, cursorOf(`yesterday|42`)],
    ]) {
      const answer = await context.owner.get(`${path}?cursor=${bad}`)
      expect(answer.status, `${path} ${bad}`).toBe(400)
      expect(answer.headers.get('content-type')).toContain('application/problem+json')
      expect(answer.body.errors[0].path).toBe('cursor')
    }
  })
})

describe('erase', () => {
  test('erasing removes every row about the person and can refuse their identifiers from now on', async () => {
    const { writeKey } = await httpSource(context.owner, 'Erase site')
    await send(writeKey, [
      {
        type: 'identify',
        userId: 'erase-me',
        anonymousId: 'erase-device',
        traits: { email: 'erase@example.com', name: 'Erase Me' },
        messageId: 'e-1',
        timestamp: at(50),
      },
      { type: 'track', userId: 'erase-me', event: 'Complained', messageId: 'e-2', timestamp: at(51) },
    ])
    const customer = (await context.owner.get('/api/v1/customers/lookup?type=email&value=erase@example.com'))
      .body

    const agent = await memberWithRole(context.owner, 'agent')
    expect((await agent.client.delete(`/api/v1/customers/${customer.id}`)).status).toBe(403)

    const erased = await context.owner.delete(`/api/v1/customers/${customer.id}?suppress=true`)
    expect(erased.status).toBe(200)
    expect(erased.body).toMatchObject({ customers: 1, identities: 3, events: 2, suppressed: 3 })
    expect((await context.owner.get(`/api/v1/customers/${customer.id}`)).status).toBe(404)
    const db = context.server.database.db
    for (const table of ['identities', 'traits', 'trait_observations', 'events'] as const) {
      const rows = await db
        .selectFrom(table)
        .select('customer_id')
        .where('customer_id', '=', customer.id)
        .execute()
      expect(rows, table).toEqual([])
    }
    const inbox = await db
      .selectFrom('inbox')
      .select('id')
      .where('message_id', 'in', ['e-1', 'e-2'])
      .execute()
    expect(inbox).toEqual([])
    const suppressions = await db.selectFrom('suppressions').select('identity_hash').execute()
    expect(JSON.stringify(suppressions)).not.toContain('erase@example.com')

    // Suppressed: new data naming them is refused at the door.
    const again = await track(context.server.url, writeKey, 'track', {
      userId: 'erase-me',
      event: 'Came back',
      messageId: 'e-3',
    })
    expect(again.body).toMatchObject({ accepted: 0, suppressed: 1 })
    const audit = (await context.owner.get('/api/v1/audit-log?action=customer.erased')).body.items[0]
    expect(audit.targetId).toBe(customer.id)
    expect(JSON.stringify(audit)).not.toContain('erase@example.com')
  })
})

describe('ingestion health and dead letters', () => {
  test('an envelope the database refuses is retried, then dead-lettered with the reason, and can be retried', async () => {
    const { writeKey } = await httpSource(context.owner, 'Poison site')
    // Year 0000 passes the envelope schema but PostgreSQL has no year zero: a processing failure.
    const answer = await track(context.server.url, writeKey, 'track', {
      userId: 'poison',
      event: 'Time travel',
      messageId: 'poison-1',
      timestamp: '0000-01-01T00:00:00Z',
    })
    expect(answer.status).toBe(200)
    await context.server.processor.settled()
    const dead = (await context.owner.get('/api/v1/dead-letters')).body.items.find(
      (d: { messageId: string }) => d.messageId === 'poison-1',
    )
    expect(dead.attempts).toBe(3)
    expect(dead.reason).toMatch(/range|year|date/i)
    const health = (await context.owner.get('/api/v1/ingestion/health')).body
    expect(health).toMatchObject({ backlog: 0, lagSeconds: 0 })
    expect(health.deadLetters).toBeGreaterThanOrEqual(1)
    expect((await context.owner.post(`/api/v1/dead-letters/${dead.id}/retry`)).status).toBe(204)
    await context.server.processor.settled()
    const after = (await context.owner.get('/api/v1/dead-letters')).body.items.filter(
      (d: { messageId: string }) => d.messageId === 'poison-1',
    )
    expect(after).toHaveLength(1)
    expect((await context.owner.delete(`/api/v1/dead-letters/${after[0].id}`)).status).toBe(204)
  })
})

describe('identity settings per workspace', () => {
  test('admins change the rules; bad rules are a 400; new data follows the new rules', async () => {
    const current = (await context.owner.get('/api/v1/settings/ingestion')).body
    expect(current.identity.rules.find((r: { type: string }) => r.type === 'userId')).toMatchObject({
      priority: 1,
      limit: 1,
    })
    const bad = await context.owner.request('PUT', '/api/v1/settings/ingestion', {
      identity: { ...current.identity, blocked: ['(unclosed'] },
    })
    expect(bad.status).toBe(400)
    expect(bad.body.errors[0].path).toMatch(/^identity\.blocked/)
    const blocked = [...current.identity.blocked, '^shared-inbox@example\\.com$']
    const saved = await context.owner.request('PUT', '/api/v1/settings/ingestion', {
      identity: { ...current.identity, blocked },
    })
    expect(saved.status).toBe(200)
    expect(saved.body.identity.blocked).toEqual(blocked)

    const { writeKey } = await httpSource(context.owner, 'Settings site')
    await send(writeKey, [
      {
        type: 'identify',
        userId: 'team-a',
        traits: { email: 'shared-inbox@example.com' },
        messageId: 's-1',
        timestamp: at(1),
      },
      {
        type: 'identify',
        userId: 'team-b',
        traits: { email: 'shared-inbox@example.com' },
        messageId: 's-2',
        timestamp: at(2),
      },
    ])
    expect(
      (await context.owner.get('/api/v1/customers/lookup?type=email&value=shared-inbox@example.com')).status,
    ).toBe(404)
    const a = (await context.owner.get('/api/v1/customers/lookup?type=userId&value=team-a')).body
    expect(a.openConflicts).toBe(0)
    const viewer = await memberWithRole(context.owner, 'viewer')
    expect(
      (await viewer.client.request('PUT', '/api/v1/settings/ingestion', { traitPriorities: {} })).status,
    ).toBe(403)
    expect(
      (await context.owner.get('/api/v1/audit-log?action=settings.ingestion_changed')).body.items,
    ).toHaveLength(1)
  })
})

describe('trait source priorities', () => {
  test('a listed source keeps its value against newer ones; a change of priorities recomputes current values', async () => {
    const crm = await httpSource(context.owner, 'Priority CRM')
    const web = await httpSource(context.owner, 'Priority web')
    const identify = (messageId: string, minute: number, plan: string, name: string) => ({
      type: 'identify',
      userId: 'prio-user',
      traits: { plan, name },
      messageId,
      timestamp: at(minute),
    })
    await send(crm.writeKey, [identify('pr-1', 1, 'gold', 'Crm Name')])
    await send(web.writeKey, [identify('pr-2', 2, 'free', 'Web Name')])
    const profile = async () =>
      (await context.owner.get('/api/v1/customers/lookup?type=userId&value=prio-user')).body
    const plan = (p: { traits: { key: string; value: unknown; sourceId: string }[] }) =>
      p.traits.find((t) => t.key === 'plan')
    expect(plan(await profile())).toMatchObject({ value: 'free', sourceId: web.id })

    // The CRM is trusted for the plan and the name: the values it sent come back at once.
    const put = (traitPriorities: Record<string, string[]>) =>
      context.owner.request('PUT', '/api/v1/settings/ingestion', { traitPriorities })
    expect((await put({ plan: [crm.id], name: [crm.id] })).status).toBe(200)
    let current = await profile()
    expect(plan(current)).toMatchObject({ value: 'gold', sourceId: crm.id })
    expect(current.displayName).toBe('Crm Name')

    // A newer value from the lower-ranked source does not replace it.
    await send(web.writeKey, [identify('pr-3', 3, 'trial', 'Web Name')])
    current = await profile()
    expect(plan(current)).toMatchObject({ value: 'gold', sourceId: crm.id })
    expect(current.displayName).toBe('Crm Name')

    // Without priorities, the latest observation is the value again.
    expect((await put({})).status).toBe(200)
    current = await profile()
    expect(plan(current)).toMatchObject({ value: 'trial', sourceId: web.id })
    expect(current.displayName).toBe('Web Name')

    // Saved after a batch being applied (it holds the workspace's lock), never in the middle of it.
    // (PostgreSQL only: the embedded database has one connection, which the holder would keep.)
    if (!testDatabaseUrl()) return
    const db = context.server.database.db
    const batch = await holdWorkspace(db, await workspaceOf(db, web.id))
    const saving = put({ plan: [crm.id] })
    await lockWaitOf(db, 'select pg_advisory_xact_lock($1, hashtext(').finally(batch.release)
    await batch.done
    expect((await saving).status).toBe(200)
    expect(plan(await profile())).toMatchObject({ value: 'gold', sourceId: crm.id })
  })
})
