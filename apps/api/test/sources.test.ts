import { describe, expect, test } from 'vitest'
import { httpSource, memberWithRole, runToEnd, track, useTestServer, workspaceOf } from './harness.js'
import {
  billingPlugin,
  failingPlugin,
  foreignSdkPlugin,
  hangingPlugin,
  lateBatch,
  leakyPlugin,
  pauseGates,
  pausingPlugin,
  signedWebhook,
  stubbornPlugin,
  webhookPlugin,
} from './plugins.fixture.js'

const context = useTestServer({ RAPPORT_SYNC_STALL_SECONDS: '1' }, [
  billingPlugin,
  failingPlugin,
  hangingPlugin,
  webhookPlugin,
  stubbornPlugin,
  foreignSdkPlugin,
  leakyPlugin,
  pausingPlugin,
])

describe('plugins and sources', () => {
  test('the catalog lists the installed plugins with their config schema and secret fields', async () => {
    const { body } = await context.owner.get('/api/v1/plugins')
    const ids = body.items.map((p: { id: string }) => p.id)
    expect(ids).toEqual(expect.arrayContaining(['http', 'import-csv', 'billing-test']))
    const billing = body.items.find((p: { id: string }) => p.id === 'billing-test')
    expect(billing.secretFields).toEqual(['apiKey'])
    expect(billing.configSchema.properties.apiKey).toMatchObject({ writeOnly: true, format: 'password' })
    expect(billing.capabilities).toMatchObject({ check: true, streams: true, webhook: false })
    const csv = body.items.find((p: { id: string }) => p.id === 'import-csv')
    expect(csv.upload.accept).toContain('text/csv')
  })

  test('secrets are encrypted at rest and never returned; bad config is a 400 naming the field', async () => {
    const bad = await context.owner.post('/api/v1/sources', {
      pluginId: 'billing-test',
      name: 'Billing',
      config: { account: 'acme' },
    })
    expect(bad.status).toBe(400)
    expect(bad.body.errors).toEqual([{ path: 'config.apiKey', message: expect.any(String) }])
    expect((await context.owner.post('/api/v1/sources', { pluginId: 'nope', name: 'X' })).status).toBe(400)

    const created = await context.owner.post('/api/v1/sources', {
      pluginId: 'billing-test',
      name: 'Billing',
      config: { account: 'acme', apiKey: 'good-key' },
    })
    expect(created.status).toBe(201)
    expect(created.body.config).toEqual({ account: 'acme' })
    expect(created.body.secretsSet).toEqual(['apiKey'])
    expect(JSON.stringify(created.body)).not.toContain('good-key')
    const row = await context.server.database.db
      .selectFrom('sources')
      .select(['config', 'secrets'])
      .where('id', '=', created.body.id)
      .executeTakeFirstOrThrow()
    expect(JSON.stringify(row)).not.toContain('good-key')
    expect(JSON.stringify((await context.owner.get('/api/v1/sources')).body)).not.toContain('good-key')

    // An update without the secret keeps it.
    const renamed = await context.owner.patch(`/api/v1/sources/${created.body.id}`, {
      config: { account: 'acme-eu' },
    })
    expect(renamed.body.config).toEqual({ account: 'acme-eu' })
    expect(renamed.body.secretsSet).toEqual(['apiKey'])
    expect(JSON.stringify(renamed.body)).not.toContain('good-key')
    const rotated = await context.owner.patch(`/api/v1/sources/${created.body.id}`, {
      config: { apiKey: 'rotated-key-77' },
    })
    expect(rotated.status).toBe(200)
    expect(JSON.stringify(rotated.body)).not.toContain('rotated-key-77')
    const single = await context.owner.get(`/api/v1/sources/${created.body.id}`)
    expect(single.body.secretsSet).toEqual(['apiKey'])
    expect(JSON.stringify(single.body)).not.toContain('rotated-key-77')
    await context.owner.patch(`/api/v1/sources/${created.body.id}`, { config: { apiKey: 'good-key' } })
    expect((await context.owner.post(`/api/v1/sources/${created.body.id}/check`)).body).toEqual({
      ok: true,
      message: 'connected to acme-eu',
      errorKind: null,
    })
  })

  test('test connection tells a refused key apart, without repeating the key', async () => {
    const created = await context.owner.post('/api/v1/sources', {
      pluginId: 'billing-test',
      name: 'Billing bad',
      config: { account: 'acme', apiKey: 'wrong-key-123' },
    })
    const check = (await context.owner.post(`/api/v1/sources/${created.body.id}/check`)).body
    expect(check).toMatchObject({ ok: false, errorKind: 'authentication' })
    expect(check.message).not.toContain('wrong-key-123')
    expect(check.message).toContain('[redacted]')
  })

  test('sync now: runs are recorded with counts, resume from their checkpoint, and feed the profile', async () => {
    const source = (
      await context.owner.post('/api/v1/sources', {
        pluginId: 'billing-test',
        name: 'Billing sync',
        config: { account: 'acme', apiKey: 'good-key' },
      })
    ).body
    const started = await context.owner.post(`/api/v1/sources/${source.id}/sync`)
    expect(started.status).toBe(202)
    expect(started.body.status).toBe('running')
    const run = await runToEnd(context.owner, started.body.id)
    expect(run).toMatchObject({ status: 'succeeded', envelopes: 4, batches: 2, failed: 0, progress: 1 })

    const again = await runToEnd(
      context.owner,
      (await context.owner.post(`/api/v1/sources/${source.id}/sync`)).body.id,
    )
    expect(again).toMatchObject({ status: 'succeeded', envelopes: 0, batches: 0 })
    const runs = (await context.owner.get(`/api/v1/sources/${source.id}/runs`)).body.items
    expect(runs.map((r: { id: string }) => r.id)).toEqual([again.id, run.id])

    await context.server.processor.settled()
    const grace = (await context.owner.get('/api/v1/customers/lookup?type=email&value=grace@example.com'))
      .body
    expect(grace.lifetimeValue).toEqual({ EUR: 180 })
    expect(grace.records.counts).toEqual({ invoice: 2, refund: 1 })
    const invoices = (await context.owner.get(`/api/v1/customers/${grace.id}/records?type=invoice`)).body
      .items
    expect(invoices.map((r: { externalId: string }) => r.externalId).sort()).toEqual(['in_1', 'in_2'])
    expect(invoices[0].sourceId).toBe(source.id)
  })

  test('an envelope a sync delivers that its schema refuses is a dead letter, and the run goes past it', async () => {
    const source = (
      await context.owner.post('/api/v1/sources', {
        pluginId: 'billing-test',
        name: 'Billing with a broken invoice',
        config: { account: 'acme', apiKey: 'good-key', withBroken: true },
      })
    ).body
    const run = await runToEnd(
      context.owner,
      (await context.owner.post(`/api/v1/sources/${source.id}/sync`)).body.id,
    )
    expect(run).toMatchObject({ status: 'succeeded', failed: 1 })
    const letters = (await context.owner.get('/api/v1/dead-letters')).body.items
    const broken = letters.filter((d: { messageId: string }) => d.messageId === 'billing-broken')
    expect(broken).toHaveLength(1)
    expect(broken[0]).toMatchObject({ sourceId: source.id, retryable: false })
    expect(broken[0].reason).toContain('externalId')
    // The checkpoint went past it with the page: a second run neither reads nor records it again.
    const again = await runToEnd(
      context.owner,
      (await context.owner.post(`/api/v1/sources/${source.id}/sync`)).body.id,
    )
    expect(again).toMatchObject({ status: 'succeeded', failed: 0 })
    const after = (await context.owner.get('/api/v1/dead-letters')).body.items
    expect(after.filter((d: { messageId: string }) => d.messageId === 'billing-broken')).toHaveLength(1)
  })

  test('a plugin that throws fails its own run with the reason (secrets redacted); what it delivered is kept', async () => {
    const source = (
      await context.owner.post('/api/v1/sources', {
        pluginId: 'crm-failing',
        name: 'Failing',
        config: { apiKey: 'sk_live_secret' },
      })
    ).body
    const run = await runToEnd(
      context.owner,
      (await context.owner.post(`/api/v1/sources/${source.id}/sync`)).body.id,
    )
    expect(run).toMatchObject({ status: 'failed', errorKind: 'transient', envelopes: 1 })
    expect(run.error).toContain('503')
    expect(run.error).not.toContain('sk_live_secret')
    expect(context.server.logs.join('\n')).not.toContain('sk_live_secret')
    await context.server.processor.settled()
    expect(
      (await context.owner.get('/api/v1/customers/lookup?type=email&value=kept@example.com')).status,
    ).toBe(200)
    expect((await fetch(`${context.server.url}/healthz`)).status).toBe(200)
  })

  test('a plugin that hangs fails its run after the stall timeout; a second sync meanwhile is a 409', async () => {
    const source = (await context.owner.post('/api/v1/sources', { pluginId: 'erp-hanging', name: 'Hanging' }))
      .body
    const started = await context.owner.post(`/api/v1/sources/${source.id}/sync`)
    expect((await context.owner.post(`/api/v1/sources/${source.id}/sync`)).status).toBe(409)
    const run = await runToEnd(context.owner, started.body.id)
    expect(run.status).toBe('failed')
    expect(run.error).toContain('no progress')
  })

  test('a plugin that ignores the stop and sends more after its run failed writes nothing more', async () => {
    const source = (
      await context.owner.post('/api/v1/sources', {
        pluginId: 'crm-stubborn',
        name: 'Stubborn',
        config: { stallMs: 1_500 },
      })
    ).body
    const run = await runToEnd(
      context.owner,
      (await context.owner.post(`/api/v1/sources/${source.id}/sync`)).body.id,
    )
    expect(run).toMatchObject({ status: 'failed', envelopes: 1 })
    expect(run.error).toContain('no progress')
    await lateBatch.sent
    // What the runner would do with the late batch takes a moment.
    await new Promise((resolve) => setTimeout(resolve, 500))
    const db = context.server.database.db
    const checkpoint = await db
      .selectFrom('source_checkpoints')
      .select('checkpoint')
      .where('source_id', '=', source.id)
      .executeTakeFirstOrThrow()
    expect(checkpoint.checkpoint).toEqual({ page: 1 })
    const late = await db.selectFrom('inbox').select('id').where('message_id', '=', 'stubborn-2').execute()
    expect(late).toEqual([])
    expect((await context.owner.get(`/api/v1/sync-runs/${run.id}`)).body).toMatchObject({ envelopes: 1 })
  })

  test('webhooks: a signed request lands on the timeline; tampered, stale or unsigned ones are a 401', async () => {
    const { webhookSecret } = await import('./plugins.fixture.js')
    const source = (
      await context.owner.post('/api/v1/sources', {
        pluginId: 'support-hooks',
        name: 'Desk',
        config: { webhookSecret },
      })
    ).body
    expect(source.webhookPath).toBe(`/hooks/${source.id}`)
    const url = `${context.server.url}${source.webhookPath}`
    const ticket = {
      id: 'T-1',
      email: 'desk@example.com',
      subject: 'Broken invoice',
      at: '2026-03-03T09:00:00Z',
    }
    const good = signedWebhook(ticket)
    const accepted = await fetch(url, { method: 'POST', headers: good.headers, body: good.raw })
    expect(accepted.status).toBe(200)
    expect(await accepted.json()).toMatchObject({ accepted: 1 })

    // Signed as the vendor wrote it (spaces, its own key order), not as JSON.stringify would.
    const vendorWritten = signedWebhook(
      '{\n  "subject": "Second ticket",  "at": "2026-03-03T10:00:00Z",\n  "email": "desk@example.com", "id": "T-2"\n}',
    )
    const asWritten = await fetch(url, {
      method: 'POST',
      headers: vendorWritten.headers,
      body: vendorWritten.raw,
    })
    expect(asWritten.status).toBe(200)
    expect(await asWritten.json()).toMatchObject({ accepted: 1 })

    const tampered = await fetch(url, {
      method: 'POST',
      headers: good.headers,
      body: good.raw.replace('Broken', 'Fine'),
    })
    expect(tampered.status).toBe(401)
    const stale = signedWebhook(ticket, { timestamp: new Date(Date.now() - 3600_000) })
    expect((await fetch(url, { method: 'POST', headers: stale.headers, body: stale.raw })).status).toBe(401)
    const wrong = signedWebhook(ticket, {
      secret: `whsec_${Buffer.from('another secret entirely').toString('base64')}`,
    })
    expect((await fetch(url, { method: 'POST', headers: wrong.headers, body: wrong.raw })).status).toBe(401)
    expect(
      (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: good.raw }))
        .status,
    ).toBe(401)
    expect(
      (
        await fetch(`${context.server.url}/hooks/00000000-0000-4000-8000-000000000000`, {
          method: 'POST',
          body: '{}',
        })
      ).status,
    ).toBe(404)

    await context.server.processor.settled()
    const desk = (await context.owner.get('/api/v1/customers/lookup?type=email&value=desk@example.com')).body
    const [event] = (await context.owner.get(`/api/v1/customers/${desk.id}/timeline`)).body.items
    expect(event).toMatchObject({ name: 'Ticket opened', channel: 'email', kind: 'record' })
  })

  test("a plugin's typed errors are understood when it has its own copy of the SDK", async () => {
    const source = (
      await context.owner.post('/api/v1/sources', {
        pluginId: 'foreign-sdk-test',
        name: 'Foreign',
        config: { token: 'foreign-token' },
      })
    ).body
    expect((await context.owner.post(`/api/v1/sources/${source.id}/check`)).body).toMatchObject({
      ok: false,
      errorKind: 'authentication',
    })
    const url = `${context.server.url}/hooks/${source.id}`
    const post = (signature: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-signature': signature },
        body: '{}',
      })
    expect((await post('bad')).status).toBe(401)
    expect((await post('good')).status).toBe(200)
  })

  test("a secret in a plugin's messages reaches no answer, log line or dead letter; a hung webhook is a 504", async () => {
    const { WebhooksController } = await import('../src/sources/webhooks.controller.js')
    const signingKey = 'leaky-signing-key-9f3e'
    const source = (
      await context.owner.post('/api/v1/sources', {
        pluginId: 'leaky-test',
        name: 'Leaky',
        config: { signingKey },
      })
    ).body
    const check = (await context.owner.post(`/api/v1/sources/${source.id}/check`)).body
    expect(check).toMatchObject({ ok: true, message: 'connected with [redacted]' })

    const url = `${context.server.url}/hooks/${source.id}`
    const post = async (mode: string) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-mode': mode },
        body: '{"id":"1"}',
      })
      return { status: response.status, text: await response.text() }
    }
    const refused = await post('verify')
    expect(refused.status).toBe(400)
    expect(refused.text).toContain('[redacted]')
    const unreadable = await post('parse')
    expect(unreadable.status).toBe(400)
    expect(unreadable.text).toContain('[redacted]')

    const controller = context.server.app.get(WebhooksController)
    controller.timeoutMs = 200
    try {
      for (const mode of ['hang-verify', 'hang-parse']) {
        const hung = await post(mode)
        expect(hung.status).toBe(504)
        expect(JSON.parse(hung.text)).toMatchObject({ status: 504, detail: expect.stringContaining('0.2 s') })
      }
    } finally {
      controller.timeoutMs = 10_000
    }

    const letters = await context.server.database.db
      .selectFrom('dead_letters')
      .selectAll()
      .where('source_id', '=', source.id)
      .execute()
    expect(letters).toHaveLength(1)
    expect(JSON.stringify(letters)).toContain('[redacted]')
    for (const text of [
      check.message,
      refused.text,
      unreadable.text,
      JSON.stringify(letters),
      ...context.server.logs,
    ])
      expect(text).not.toContain(signingKey)
  })

  test('a check that hangs fails with a clear timeout', async () => {
    const { SourcesService } = await import('../src/sources/sources.service.js')
    const service = context.server.app.get(SourcesService)
    const source = (
      await context.owner.post('/api/v1/sources', {
        pluginId: 'leaky-test',
        name: 'Hanging check',
        config: { signingKey: 'k-hang', hangCheck: true },
      })
    ).body
    service.checkTimeoutMs = 200
    try {
      const check = await context.owner.post(`/api/v1/sources/${source.id}/check`)
      expect(check.status).toBe(200)
      expect(check.body).toEqual({ ok: false, message: 'no answer within 0.2 s', errorKind: 'error' })
    } finally {
      service.checkTimeoutMs = 30_000
    }
  })

  test('a plugin without streams cannot be scheduled: a 400 naming the field', async () => {
    const refused = await context.owner.post('/api/v1/sources', {
      pluginId: 'support-hooks',
      name: 'Scheduled desk',
      config: { webhookSecret: 'whsec_x' },
      scheduleMinutes: 60,
    })
    expect(refused.status).toBe(400)
    expect(refused.body.errors).toEqual([{ path: 'scheduleMinutes', message: expect.any(String) }])
    const desk = await context.owner.post('/api/v1/sources', {
      pluginId: 'support-hooks',
      name: 'Unscheduled desk',
      config: { webhookSecret: 'whsec_x' },
    })
    expect(desk.status).toBe(201)
    const patched = await context.owner.patch(`/api/v1/sources/${desk.body.id}`, { scheduleMinutes: 15 })
    expect(patched.status).toBe(400)
    expect(patched.body.errors).toEqual([{ path: 'scheduleMinutes', message: expect.any(String) }])
    expect((await context.owner.get(`/api/v1/sources/${desk.body.id}`)).body.scheduleMinutes).toBeNull()
  })

  test('a CSV upload imports contacts with progress and reports the rows it could not read', async () => {
    const source = (
      await context.owner.post('/api/v1/sources', { pluginId: 'import-csv', name: 'Spreadsheet' })
    ).body
    const csv =
      'Email,Full name,Plan\nada@csv.example,Ada Csv,pro\n,No Email,free\nbob@csv.example,Bob Csv,team\n'
    const options = {
      kind: 'contacts',
      columns: {
        Email: { to: 'identifier', type: 'email' },
        'Full name': { to: 'trait', key: 'name' },
        Plan: { to: 'trait', key: 'plan' },
      },
    }
    const response = await fetch(
      `${context.server.url}/api/v1/sources/${source.id}/uploads?options=${encodeURIComponent(JSON.stringify(options))}`,
      {
        method: 'POST',
        headers: {
          'content-type': 'text/csv',
          cookie: (context.owner as any).cookie,
          'x-csrf-token': context.owner.csrfToken!,
        },
        body: csv,
      },
    )
    expect(response.status).toBe(202)
    const run = await runToEnd(context.owner, ((await response.json()) as { id: string }).id)
    expect(run).toMatchObject({
      status: 'succeeded',
      trigger: 'upload',
      envelopes: 2,
      failed: 1,
      progress: 1,
    })
    expect(run.details.failures[0]).toMatchObject({ row: 3 })
    await context.server.processor.settled()
    const ada = (await context.owner.get('/api/v1/customers/lookup?type=email&value=ada@csv.example')).body
    expect(ada.displayName).toBe('Ada Csv')

    const badOptions = await context.owner.request(
      'POST',
      `/api/v1/sources/${source.id}/uploads?options=${encodeURIComponent('{"kind":"planets"}')}`,
      csv,
      { 'content-type': 'text/csv' },
    )
    expect(badOptions.status).toBe(400)
  })

  test('a CSV upload of records through the API reaches the profile: the orders, their amounts', async () => {
    const source = (
      await context.owner.post('/api/v1/sources', {
        pluginId: 'import-csv',
        name: 'Orders sheet',
        config: { defaultCurrency: 'EUR' },
      })
    ).body
    const csv =
      'Order,Email,Status,Total,Placed\nO-1,orders@csv.example,paid,40.5,2026-01-10\nO-2,orders@csv.example,paid,9.5,2026-01-11\n'
    const options = {
      kind: 'records',
      recordType: 'order',
      occurredAtColumn: 'Placed',
      columns: {
        Order: { to: 'record', field: 'externalId' },
        Email: { to: 'identifier', type: 'email' },
        Status: { to: 'record', field: 'status' },
        Total: { to: 'record', field: 'amount' },
      },
    }
    const answer = await context.owner.uploadCsv(source.id, csv, options)
    expect(answer.status).toBe(202)
    expect(await runToEnd(context.owner, answer.body.id)).toMatchObject({ status: 'succeeded', envelopes: 2 })
    await context.server.processor.settled()
    const buyer = (await context.owner.get('/api/v1/customers/lookup?type=email&value=orders@csv.example'))
      .body
    expect(buyer.records.counts).toEqual({ order: 2 })
    const orders = (await context.owner.get(`/api/v1/customers/${buyer.id}/records?type=order`)).body.items
    expect(orders.map((o: { externalId: string }) => o.externalId).sort()).toEqual(['O-1', 'O-2'])
    expect(orders.find((o: { externalId: string }) => o.externalId === 'O-1')).toMatchObject({
      status: 'paid',
      amount: 40.5,
      currency: 'EUR',
      sourceId: source.id,
    })
  })

  test('an import run counts what processing made of its rows: created, updated, merged customers', async () => {
    const source = (
      await context.owner.post('/api/v1/sources', {
        pluginId: 'import-csv',
        name: 'Summary sheet',
        config: { defaultCurrency: 'EUR' },
      })
    ).body
    expect(source.config).toEqual({ defaultCurrency: 'EUR' })
    // A form's emptied optional field is sent as null, which clears it.
    const cleared = await context.owner.patch(`/api/v1/sources/${source.id}`, {
      config: { defaultCurrency: null },
    })
    expect(cleared.body.config).toEqual({})
    const upload = async (csv: string) => {
      const options = {
        kind: 'contacts',
        columns: {
          Email: { to: 'identifier', type: 'email' },
          'User ID': { to: 'identifier', type: 'userId' },
          Plan: { to: 'trait', key: 'plan' },
        },
      }
      const answer = await context.owner.uploadCsv(source.id, csv, options)
      expect(answer.status).toBe(202)
      await runToEnd(context.owner, answer.body.id)
      await context.server.processor.settled()
      return (await context.owner.get(`/api/v1/sync-runs/${answer.body.id}`)).body
    }
    const first = await upload(
      'Email,User ID,Plan\nsum-ada@csv.example,,pro\n,sum-bob,free\nsum-ada@csv.example,,team\n',
    )
    expect(first.envelopes).toBe(3)
    expect(first.processed).toEqual({ created: 2, updated: 1, merged: 0, skipped: 0, deadLettered: 0 })
    // The details keep the runner's counts; the processor's are only in `processed`.
    expect(first.details).not.toHaveProperty('processed')
    expect(first.details).toHaveProperty('duplicates', 0)

    // One row naming both people: their profiles merge. The first file again: all duplicates.
    const second = await upload('Email,User ID,Plan\nsum-ada@csv.example,sum-bob,pro\n')
    expect(second.processed).toMatchObject({ created: 0, updated: 0, merged: 1 })
    const again = await upload(
      'Email,User ID,Plan\nsum-ada@csv.example,,pro\n,sum-bob,free\nsum-ada@csv.example,,team\n',
    )
    expect(again).toMatchObject({ envelopes: 0, details: { duplicates: 3 } })
    expect(again.processed).toMatchObject({ created: 0, updated: 0, merged: 0 })
    const listed = (await context.owner.get(`/api/v1/sources/${source.id}/runs`)).body.items
    expect(listed.map((run: { processed: { created: number } }) => run.processed.created)).toEqual([0, 0, 2])
  })

  test('dead letters say whether they can be retried: a refused call cannot, a failed envelope can', async () => {
    const { writeKey } = await httpSource(context.owner, 'Retry site')
    // Year 0000 passes the envelope schema but PostgreSQL has no year zero: a processing failure.
    await track(context.server.url, writeKey, 'track', {
      userId: 'retry-me',
      event: 'Time travel',
      messageId: 'retry-poison',
      timestamp: '0000-01-01T00:00:00Z',
    })
    await track(context.server.url, writeKey, 'batch', {
      batch: [
        { type: 'track', userId: 'retry-ok', event: 'Fine', messageId: 'retry-fine' },
        { type: 'track', event: 'No one', messageId: 'retry-refused' },
      ],
    })
    await context.server.processor.settled()
    const letters = (await context.owner.get('/api/v1/dead-letters')).body.items
    const byMessage = (id: string) => letters.find((l: { messageId: string }) => l.messageId === id)
    expect(byMessage('retry-poison')).toMatchObject({ retryable: true, attempts: 3 })
    expect(byMessage('retry-refused')).toMatchObject({ retryable: false, attempts: 0 })
  })

  test('who may do what: viewers see nothing of sources; analysts read but do not change', async () => {
    const viewer = await memberWithRole(context.owner, 'viewer')
    expect((await viewer.client.get('/api/v1/sources')).status).toBe(403)
    const analyst = await memberWithRole(context.owner, 'analyst')
    expect((await analyst.client.get('/api/v1/sources')).status).toBe(200)
    expect((await analyst.client.post('/api/v1/sources', { pluginId: 'http', name: 'X' })).status).toBe(403)
  })
})

/** A billing source scheduled every `minutes`, as created; then made due now (with `change` to its row). */
async function dueSource(name: string, minutes: number, change: { plugin_id?: string } = {}) {
  const source = (
    await context.owner.post('/api/v1/sources', {
      pluginId: 'billing-test',
      name,
      config: { account: 'acme', apiKey: 'good-key' },
      scheduleMinutes: minutes,
    })
  ).body
  await context.server.database.db
    .updateTable('sources')
    .set({ next_sync_at: new Date(Date.now() - 1000), ...change })
    .where('id', '=', source.id)
    .execute()
  return source
}

/** A scheduler of its own, on the server's runner: a test ticks it. */
async function testScheduler() {
  const { SyncScheduler } = await import('../src/sources/sync-scheduler.js')
  const { SyncRunner } = await import('../src/sources/sync-runner.js')
  const pino = (await import('pino')).default
  return new SyncScheduler(
    context.server.database.db,
    context.server.app.get(SyncRunner),
    pino({ level: 'silent' }),
  )
}

test('a scheduled source syncs when due, once, and is scheduled again', async () => {
  const { SyncRunner } = await import('../src/sources/sync-runner.js')
  const source = await dueSource('Billing scheduled', 60)
  expect(Date.parse(source.nextSyncAt) - Date.now()).toBeGreaterThan(59 * 60_000)
  const runner = context.server.app.get(SyncRunner)
  const scheduler = await testScheduler()
  await Promise.all([scheduler.tick(), scheduler.tick()])
  await runner.settled(source.id)
  const runs = (await context.owner.get(`/api/v1/sources/${source.id}/runs`)).body.items
  expect(runs).toHaveLength(1)
  expect(runs[0]).toMatchObject({ trigger: 'schedule', status: 'succeeded' })
  const after = (await context.owner.get(`/api/v1/sources/${source.id}`)).body
  expect(Date.parse(after.nextSyncAt)).toBeGreaterThan(Date.now() + 59 * 60_000)
})

test('a scheduled sync that cannot start stays scheduled: the claim sets the next time', async () => {
  // Its plugin is gone from this server: startSync refuses (409).
  const source = await dueSource('Billing unstartable', 30, { plugin_id: 'uninstalled-plugin' })
  const db = context.server.database.db
  await (await testScheduler()).tick()
  const row = await db
    .selectFrom('sources')
    .select('next_sync_at')
    .where('id', '=', source.id)
    .executeTakeFirstOrThrow()
  expect(row.next_sync_at).not.toBeNull()
  expect(row.next_sync_at!.getTime()).toBeGreaterThan(Date.now() + 29 * 60_000)
})

test('a scheduled run that failed for a passing reason is retried sooner, with backoff, within the interval', async () => {
  const { SyncRunner } = await import('../src/sources/sync-runner.js')
  const minute = 60_000
  const near = (iso: string | null | undefined, ms: number) =>
    expect(Math.abs(Date.parse(iso!) - (Date.now() + ms))).toBeLessThan(20_000)
  const syncOnce = async (sourceId: string) => {
    const run = await runToEnd(
      context.owner,
      (await context.owner.post(`/api/v1/sources/${sourceId}/sync`)).body.id,
    )
    // The source's next time is set as the run ends.
    await context.server.app.get(SyncRunner).settled(sourceId)
    return run
  }
  const create = async (name: string, config: object, scheduleMinutes: number | null) =>
    (
      await context.owner.post('/api/v1/sources', {
        pluginId: 'crm-failing',
        name,
        config: { apiKey: 'k', ...config },
        scheduleMinutes,
      })
    ).body.id as string

  // Transient: 1 minute, then 2: the backoff doubles with each failure in a row.
  const transient = await create('Transient', {}, 60)
  const first = await syncOnce(transient)
  expect(first).toMatchObject({ status: 'failed', errorKind: 'transient', details: { retryAttempt: 1 } })
  near(first.details.retryAt, minute)
  expect((await context.owner.get(`/api/v1/sources/${transient}`)).body.nextSyncAt).toBe(
    first.details.retryAt,
  )
  const second = await syncOnce(transient)
  expect(second.details.retryAttempt).toBe(2)
  near(second.details.retryAt, 2 * minute)

  // Rate limited: after the vendor's retryAfterMs, but never later than the interval.
  const limited = await create('Limited', { retryAfterMs: 10 * minute }, 60)
  near((await syncOnce(limited)).details.retryAt, 10 * minute)
  const capped = await create('Capped', { retryAfterMs: 120 * minute }, 30)
  near((await syncOnce(capped)).details.retryAt, 30 * minute)

  // Unscheduled: not retried; the user runs it again.
  const unscheduled = await create('Unscheduled', {}, null)
  expect((await syncOnce(unscheduled)).details).not.toHaveProperty('retryAt')
  expect((await context.owner.get(`/api/v1/sources/${unscheduled}`)).body.nextSyncAt).toBeNull()
})

test("at start, only runs without a recent heartbeat are failed as interrupted: another live process's run is left alone", async () => {
  const { SyncRunner } = await import('../src/sources/sync-runner.js')
  const { sql } = await import('kysely')
  const source = (
    await context.owner.post('/api/v1/sources', {
      pluginId: 'billing-test',
      name: 'Billing shared',
      config: { account: 'acme', apiKey: 'good-key' },
    })
  ).body
  const db = context.server.database.db
  const workspace_id = await workspaceOf(db, source.id)
  const insertRun = (heartbeatAt: Date) =>
    db
      .insertInto('sync_runs')
      .values({
        workspace_id,
        source_id: source.id,
        trigger: 'manual',
        status: 'running',
        details: '{}',
        heartbeat_at: heartbeatAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  const dead = await insertRun(new Date(Date.now() - 3_600_000))
  // Beating now, in another process (the stall timeout here is 1 s).
  const live = await insertRun(new Date(Date.now() + 60_000))
  await context.server.app.get(SyncRunner).failInterrupted()
  const status = async (id: string) =>
    await db
      .selectFrom('sync_runs')
      .select(['status', 'error_kind'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
  expect(await status(dead.id)).toEqual({ status: 'failed', error_kind: 'interrupted' })
  expect(await status(live.id)).toEqual({ status: 'running', error_kind: null })
  await db
    .updateTable('sync_runs')
    .set({ status: 'failed', finished_at: sql<Date>`now()` })
    .where('id', '=', live.id)
    .execute()
})

describe('a live run and the interrupted-run sweep', () => {
  const pausedRun = async (gate: string) => {
    const { signal } = await import('./harness.js')
    const paused = signal()
    pauseGates.set(gate, paused.happened)
    const source = (
      await context.owner.post('/api/v1/sources', {
        pluginId: 'crm-pausing',
        name: `Pausing ${gate}`,
        config: { gate },
      })
    ).body
    const run = (await context.owner.post(`/api/v1/sources/${source.id}/sync`)).body
    while ((await context.owner.get(`/api/v1/sync-runs/${run.id}`)).body.batches < 1)
      await new Promise((r) => setTimeout(r, 20))
    return { sourceId: source.id as string, runId: run.id as string, resume: paused.done }
  }
  const runnerDeps = async () => {
    const { SyncRunner } = await import('../src/sources/sync-runner.js')
    return { runner: context.server.app.get(SyncRunner), SyncRunner }
  }

  test('a run whose plugin is slow between pages is failed by no sweep, its own process or another, and stays the only run', async () => {
    const { runner, SyncRunner } = await runnerDeps()
    const { PLUGINS } = await import('../src/plugins/plugin-registry.js')
    const { SECRET_BOX } = await import('../src/secrets/secret-box.js')
    const { IngestionService } = await import('../src/ingestion/ingestion.service.js')
    const pino = (await import('pino')).default
    const app = context.server.app
    const db = context.server.database.db
    // Another process on the same database, whose sweep takes 1.4 s without a heartbeat for a dead run.
    const other = new SyncRunner(
      db,
      app.get(PLUGINS),
      app.get(SECRET_BOX),
      app.get(IngestionService),
      pino({ level: 'silent' }),
    )
    other.stallTimeoutMs = 1400
    runner.stallTimeoutMs = 3000 // the plugin may take 3 s over a page (heartbeats every second)
    try {
      const { sourceId, runId, resume } = await pausedRun('slow')
      await new Promise((r) => setTimeout(r, 2000))
      await other.failInterrupted()
      // This process's own sweep (each scheduler tick runs one), with a threshold the page outlasts.
      runner.stallTimeoutMs = 1
      await runner.failInterrupted().finally(() => {
        runner.stallTimeoutMs = 3000
      })
      resume()
      expect(await runToEnd(context.owner, runId)).toMatchObject({ status: 'succeeded', envelopes: 2 })
      const runs = (await context.owner.get(`/api/v1/sources/${sourceId}/runs`)).body.items
      expect(runs.map((r: { id: string }) => r.id)).toEqual([runId])
    } finally {
      runner.stallTimeoutMs = 1000
    }
  })

  test('a run failed as interrupted while it runs stays failed, and stops writing', async () => {
    const { runner } = await runnerDeps()
    const db = context.server.database.db
    runner.stallTimeoutMs = 3000
    try {
      const { sourceId, runId, resume } = await pausedRun('swept')
      // As another process's sweep would, had this one's heartbeats not reached the database.
      await db
        .updateTable('sync_runs')
        .set({ status: 'failed', error_kind: 'interrupted', error: 'interrupted' })
        .where('id', '=', runId)
        .execute()
      // Stopped by its next heartbeat (a second), not by the stall timeout (3 s).
      const started = Date.now()
      await runner.settled(sourceId)
      expect(Date.now() - started).toBeLessThan(2500)
      resume()
      await new Promise((r) => setTimeout(r, 100))
      const run = await db
        .selectFrom('sync_runs')
        .select(['status', 'error_kind'])
        .where('id', '=', runId)
        .executeTakeFirstOrThrow()
      expect(run).toEqual({ status: 'failed', error_kind: 'interrupted' })
      const second = await db
        .selectFrom('inbox')
        .select('id')
        .where('message_id', '=', 'pausing-swept-2')
        .execute()
      expect(second).toEqual([])
      expect(context.server.logs.some((line) => line.includes('it stays failed'))).toBe(true)
    } finally {
      runner.stallTimeoutMs = 1000
    }
  })
})

test('plugins named in RAPPORT_PLUGINS are loaded at start', async () => {
  const { startTestServer } = await import('./harness.js')
  const other = await startTestServer({ RAPPORT_PLUGINS: '@rapport/plugin-template' })
  try {
    const { Client, ownerEmail, ownerPassword } = await import('./harness.js')
    const owner = await Client.login(other.url, ownerEmail, ownerPassword)
    const ids = (await owner.get('/api/v1/plugins')).body.items.map((p: { id: string }) => p.id)
    expect(ids).toContain('source-template')
  } finally {
    await other.close()
  }
})

test('a source whose secrets another key sealed, or whose config its plugin refuses, says so instead of crashing', async () => {
  const { SecretBox } = await import('../src/secrets/secret-box.js')
  const { testSecretKey } = await import('./harness.js')
  const db = context.server.database.db
  const billing = (
    await context.owner.post('/api/v1/sources', {
      pluginId: 'billing-test',
      name: 'Rekeyed',
      config: { account: 'a', apiKey: 'good-key' },
    })
  ).body
  const otherKey = new SecretBox(Buffer.alloc(32, 7))
  await db
    .updateTable('sources')
    .set({ secrets: otherKey.seal({ apiKey: 'good-key' }) })
    .where('id', '=', billing.id)
    .execute()
  const listed = await context.owner.get('/api/v1/sources')
  expect(listed.status).toBe(200)
  expect(listed.body.items.find((s: { id: string }) => s.id === billing.id).secretsSet).toEqual([])
  const check = await context.owner.post(`/api/v1/sources/${billing.id}/check`)
  expect(check.status).toBe(500)
  expect(check.body.detail).toContain('RAPPORT_SECRET_KEY')

  const { webhookSecret } = await import('./plugins.fixture.js')
  const desk = (
    await context.owner.post('/api/v1/sources', {
      pluginId: 'support-hooks',
      name: 'Broken desk',
      config: { webhookSecret },
    })
  ).body
  const sameKey = new SecretBox(Buffer.from(testSecretKey, 'hex'))
  await db
    .updateTable('sources')
    .set({ secrets: sameKey.seal({}) })
    .where('id', '=', desk.id)
    .execute()
  const hook = await fetch(`${context.server.url}/hooks/${desk.id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  })
  expect(hook.status).toBe(409)
})
