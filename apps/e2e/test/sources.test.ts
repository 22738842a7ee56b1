import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createApiClient } from '@rapport/api-client'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../src/chromium.js'
import { sendWithSegment } from '../src/segment.js'
import { owner, startTestServer, type TestServer } from '../src/server.js'
import { openFromNavigation, screenshot, seriousA11yViolations, signIn } from '../src/ui.js'

/** The orders export the import step uploads: three good rows, one without an e-mail, one with a bad amount. */
const ordersCsv = [
  'Order ID,Email,Customer name,Total,Currency,Order date,Status',
  'A-1001,ada@shop.example,Ada Lovelace,129.90,EUR,2024-03-01,paid',
  'A-1002,grace@shop.example,Grace Hopper,"1,250.00",EUR,02/03/2024,paid',
  'A-1003,ada@shop.example,Ada Lovelace,15.00,EUR,2024-03-05,refunded',
  'A-1004,,Nobody,20.00,EUR,2024-03-06,paid',
  'A-1005,bad-amount@shop.example,Bad Amount,12.5O,EUR,2024-03-07,paid',
  '',
].join('\n')

interface Fixture {
  path: string
  query?: Record<string, string | number | null>
  requestHeaders?: Record<string, string>
  status?: number
  headers?: Record<string, string>
  body: unknown
}

/**
 * Acme CRM, the template plugin's imaginary vendor, played from the plugin's recorded fixtures: a
 * request gets the first recorded answer whose path, query and headers fit. A rate-limit answer is
 * given once, as Acme would.
 */
async function startFakeAcme(): Promise<{ url: string; server: Server }> {
  const fixtures: Fixture[] = []
  for (const name of ['me', 'contacts', 'tickets']) {
    const file = new URL(`../../../plugins/template/fixtures/${name}.json`, import.meta.url)
    fixtures.push(...(JSON.parse(await readFile(file, 'utf8')) as Fixture[]))
  }
  const used = new Set<Fixture>()
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://acme.test')
    const fits = (fixture: Fixture) =>
      fixture.path === url.pathname &&
      !used.has(fixture) &&
      Object.entries(fixture.query ?? {}).every(([key, value]) =>
        value === null ? !url.searchParams.has(key) : url.searchParams.get(key) === String(value),
      ) &&
      Object.entries(fixture.requestHeaders ?? {}).every(
        ([key, value]) => request.headers[key.toLowerCase()] === value,
      )
    const fixture = fixtures.find(fits)
    if (!fixture) {
      response.writeHead(401, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ error: { code: 'unauthorized', message: 'The API key is not valid.' } }))
      return
    }
    if (fixture.status === 429) used.add(fixture)
    response.writeHead(fixture.status ?? 200, { 'content-type': 'application/json', ...fixture.headers })
    response.end(JSON.stringify(fixture.body))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

/** A picture of the whole page from its top (a scrolled page would show the sticky bar mid-way). */
async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0))
  await screenshot(page, name)
}

/** The figure of a metric card (Backlog, Created…), as shown. */
function metric(page: Page, label: string) {
  return page.locator('.metric', { has: page.getByText(label, { exact: true }) }).locator('.metric__value')
}

// The steps build on each other (the HTTP source's write key, the imported customers), so they run
// in order over one server and one browser.
describe('sources, CSV import and ingestion health in the admin UI', () => {
  let server: TestServer
  let acme: { url: string; server: Server }
  let browser: Browser
  let contexts: BrowserContext[] = []
  let writeKey = ''

  beforeAll(async () => {
    acme = await startFakeAcme()
    // The template plugin (Acme CRM) is installed too: a connector with secrets, a check, streams and a webhook.
    server = await startTestServer({ env: { RAPPORT_PLUGINS: '@rapport/plugin-template' } })
    browser = await launchChromium()
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await new Promise((resolve) => acme?.server.close(resolve))
  })

  afterEach(async ({ task }) => {
    const page = contexts[0]?.pages()[0]
    if (page && task.result?.state === 'fail')
      await screenshot(page, `sources-failed-${task.name.slice(0, 40)}`)
    await Promise.all(contexts.map((opened) => opened.close()))
    contexts = []
  })

  /** A signed-in owner on a laptop-sized screen, allowed to use the clipboard. */
  async function ownerPage(path = '/login'): Promise<Page> {
    const context = await browser.newContext({
      baseURL: server.url,
      viewport: { width: 1366, height: 768 },
      permissions: ['clipboard-read', 'clipboard-write'],
    })
    contexts.push(context)
    const page = await context.newPage()
    await signIn(page, owner.email, owner.password, path)
    return page
  }

  /** The API as the owner, for seeding and checking: the session cookie is kept as a browser would. */
  async function ownerApi() {
    let cookie = ''
    const client = createApiClient({
      baseUrl: server.url,
      fetch: async (input, init) => {
        const headers = new Headers(init?.headers)
        if (cookie) headers.set('cookie', cookie)
        const response = await fetch(input, { ...init, headers })
        const set = response.headers.get('set-cookie')
        if (set) cookie = set.split(';')[0] ?? ''
        return response
      },
    })
    await client.auth.login({ email: owner.email, password: owner.password })
    return client
  }

  it('starts with no sources, and the catalog shows the installed plugins', async () => {
    const page = await ownerPage()
    await openFromNavigation(page, 'Sources')
    await page.getByText('No sources yet').waitFor()
    expect(await seriousA11yViolations(page)).toEqual([])
    await shot(page, 'sources-01-empty')

    await page.getByRole('link', { name: 'Add your first source' }).click()
    await page.getByRole('heading', { level: 1, name: 'Add a source' }).waitFor()
    const plugins = page.getByRole('list', { name: 'Installed plugins' })
    for (const name of ['HTTP tracking API', 'CSV import', 'Acme CRM (template)']) {
      await plugins.getByRole('heading', { name }).waitFor()
    }
    expect(await plugins.getByText('1.0.0').count()).toBeGreaterThanOrEqual(3)
    expect(await seriousA11yViolations(page)).toEqual([])
    await shot(page, 'sources-02-catalog')
  })

  it('adds an HTTP source, copies its write key, and counts the events the Segment client sends to it', async () => {
    const page = await ownerPage('/login?next=%2Fsources%2Fnew')
    await page.getByRole('link', { name: 'Add HTTP tracking API' }).click()
    await page.getByRole('heading', { level: 1, name: 'Add HTTP tracking API' }).waitFor()
    await page.getByLabel('Name').fill('Website')
    await page.getByRole('button', { name: 'Add source' }).click()
    await page.getByRole('heading', { level: 1, name: 'Website' }).waitFor()
    await page.getByText('Website was added.').waitFor()

    // The key is masked on screen; the copy button puts it on the clipboard.
    const keyField = page.getByLabel('Write key', { exact: true })
    expect(await keyField.getAttribute('type')).toBe('password')
    await page.getByRole('button', { name: 'Copy write key' }).click()
    await page.getByText('Write key: copied to your clipboard.').waitFor()
    writeKey = await page.evaluate(() => navigator.clipboard.readText())
    expect(writeKey).toMatch(/^wk_/)
    await page.getByRole('button', { name: 'Show' }).click()
    expect(await keyField.inputValue()).toBe(writeKey)
    expect(await seriousA11yViolations(page)).toEqual([])
    await shot(page, 'sources-03-http-source')

    // The host the page gives for Segment libraries: the tracking port, on this server's host.
    const trackingHost = await page.getByLabel('Tracking host', { exact: true }).inputValue()
    expect(new URL(trackingHost).hostname).toBe(new URL(server.url).hostname)
    expect(new URL(trackingHost).port).not.toBe(new URL(server.url).port)
    await sendWithSegment(trackingHost, writeKey, (analytics) => {
      analytics.identify({ userId: 'web-1', traits: { email: 'lin@web.example', name: 'Lin Web' } })
      analytics.track({ userId: 'web-1', event: 'Pricing Viewed', properties: { plan: 'pro' } })
      analytics.track({ userId: 'web-1', event: 'Trial Started' })
      analytics.identify({ userId: 'web-2', traits: { email: 'kim@web.example', name: 'Kim Web' } })
      analytics.track({ userId: 'web-2', event: 'Pricing Viewed' })
    })

    // Ingestion health counts them as received, then processed (the figures cover the last minute).
    await openFromNavigation(page, 'Ingestion health')
    await until('the five calls to be counted as processed', async () => {
      await page.reload()
      await page.getByRole('heading', { level: 1, name: 'Ingestion health' }).waitFor()
      const processed = await metric(page, 'Processed').textContent({ timeout: 10_000 })
      return processed === '5' ? processed : undefined
    })
    expect(await metric(page, 'Received').textContent()).toBe('5')
    expect(await metric(page, 'Backlog').textContent()).toBe('0')
    await page.getByText('No dead letters').waitFor()
    expect(await seriousA11yViolations(page)).toEqual([])
    await shot(page, 'sources-04-ingestion-healthy')
  })

  it('adds a connector through the form generated from its config schema, tests it, replaces its secret and syncs', async () => {
    const page = await ownerPage('/login?next=%2Fsources%2Fnew')
    await page.getByRole('link', { name: 'Add Acme CRM (template)' }).click()
    await page.getByRole('heading', { level: 1, name: 'Add Acme CRM (template)' }).waitFor()
    // The schema's fields: a URL with its default, a required secret, an optional secret.
    const baseUrl = page.getByLabel('Base URL (optional)')
    expect(await baseUrl.inputValue()).toBe('https://api.acme-crm.example')
    expect(await page.getByLabel('API key', { exact: true }).getAttribute('type')).toBe('password')
    expect(await page.getByLabel('Webhook secret (optional)').getAttribute('type')).toBe('password')
    await page.getByLabel('Sync schedule').selectOption({ label: 'Every hour' })
    expect(await seriousA11yViolations(page)).toEqual([])
    await shot(page, 'sources-05-connector-form')

    await page.getByLabel('Name').fill('Acme CRM')
    await baseUrl.fill(acme.url)
    await page.getByLabel('API key', { exact: true }).fill('acme_test_revoked')
    await page.getByLabel('Webhook secret (optional)').fill('whsec_e2e_secret')
    await page.getByRole('button', { name: 'Add source' }).click()
    await page.getByRole('heading', { level: 1, name: 'Acme CRM' }).waitFor()

    // A revoked key: the test says so clearly, without repeating the key.
    await page.getByRole('button', { name: 'Test connection' }).click()
    const failure = page.getByText(/Connection failed \(authentication\)/)
    await failure.waitFor()
    expect(await page.locator('.alert--error').textContent()).not.toContain('acme_test_revoked')

    // The stored secrets are never shown: they say "Set" and can be replaced.
    const settings = page.getByRole('region', { name: 'Settings' })
    await settings.getByRole('button', { name: 'Replace API key' }).waitFor()
    expect(await settings.getByRole('button', { name: 'Replace Webhook secret' }).count()).toBe(1)
    expect(await page.content()).not.toContain('whsec_e2e_secret')
    await settings.getByRole('button', { name: 'Replace API key' }).click()
    const newKey = settings.getByLabel('API key', { exact: true })
    expect(await newKey.inputValue()).toBe('')
    await newKey.fill('acme_test_good')
    await settings.getByRole('button', { name: 'Save settings' }).click()
    await settings.getByText('Settings saved.').waitFor()
    await settings.getByRole('button', { name: 'Replace API key' }).waitFor()

    await page.getByRole('button', { name: 'Test connection' }).click()
    await page.getByText('Connection works.').waitFor()
    expect(await page.locator('.alert--success', { hasText: 'Connection works.' }).textContent()).toContain(
      'Connected to Northwind Outfitters',
    )

    // The webhook address, copied.
    const webhookUrl = await page.getByLabel('Webhook URL', { exact: true }).inputValue()
    expect(webhookUrl).toMatch(new RegExp(`^${server.url}/hooks/[0-9a-f-]{36}$`))
    await page.getByRole('button', { name: 'Copy webhook URL' }).click()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(webhookUrl)

    // Sync now: the run shows while it runs (Acme first says to wait two seconds), then its counts.
    await page.getByRole('button', { name: 'Sync now' }).click()
    const runs = page.getByRole('table', { name: /Sync runs of Acme CRM/ })
    await runs.getByText('Sync now').waitFor()
    await runs.getByText('Running').waitFor()
    expect(await runs.getByRole('progressbar').count()).toBe(1)
    await runs.getByText('Succeeded').waitFor({ timeout: 60_000 })
    const row = runs.getByRole('row').nth(1)
    expect(Number(await row.locator('td').nth(4).textContent())).toBeGreaterThan(0)
    await until('the synced people to be processed', async () => {
      const text = await row.locator('td').nth(5).textContent()
      return text?.includes('new') ? text : undefined
    })
    expect(await seriousA11yViolations(page)).toEqual([])
    await shot(page, 'sources-06-connector-synced')

    // Disable and enable again.
    await page.getByRole('button', { name: 'Disable' }).click()
    await page.getByRole('region', { name: 'Overview' }).getByText('Disabled', { exact: true }).waitFor()
    expect(await page.getByRole('button', { name: 'Sync now' }).isDisabled()).toBe(true)
    await page.getByRole('button', { name: 'Enable' }).click()
    await page.getByRole('region', { name: 'Overview' }).getByText('Enabled', { exact: true }).waitFor()

    await openFromNavigation(page, 'Sources')
    const list = page.getByRole('table', { name: 'Sources of this workspace' })
    await list.getByRole('link', { name: 'Acme CRM' }).waitFor()
    await list.getByRole('link', { name: 'Website' }).waitFor()
    expect(await list.getByRole('row', { name: /Acme CRM/ }).textContent()).toContain('Every hour')
    expect(await seriousA11yViolations(page)).toEqual([])
    await shot(page, 'sources-07-list')
  })

  it('imports a CSV through the UI: column mapping with a preview, progress, a summary and the failed rows to download', async () => {
    const page = await ownerPage()
    await openFromNavigation(page, 'CSV import')
    // No source reads files yet: the page makes one first.
    await page.getByRole('heading', { name: 'First, a source for your files' }).waitFor()
    await page.getByLabel('Name').fill('Shop orders')
    await page.getByLabel('Default currency (optional)').fill('EUR')
    await page.getByRole('button', { name: 'Create source' }).click()
    await page.getByRole('heading', { name: '1. Choose a file' }).waitFor()
    expect(page.url()).toMatch(/\/import\?source=[0-9a-f-]{36}$/)

    await page.getByLabel('CSV file').setInputFiles({
      name: 'orders.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(ordersCsv),
    })
    await page.getByRole('heading', { name: '2. Map the columns' }).waitFor()
    await page.getByText('orders.csv: 5 rows and 7 columns').waitFor()
    // The headers were recognised: an orders file, each column mapped to what it holds.
    expect(await page.getByRole('radio', { name: /A business record/ }).isChecked()).toBe(true)
    const mapping = page.getByRole('region', { name: 'Column mapping' })
    expect(await mapping.getByLabel('What “Order ID” becomes').inputValue()).toBe('record:externalId')
    expect(await mapping.getByLabel('What “Email” becomes').inputValue()).toBe('identifier:email')
    expect(await mapping.getByLabel('What “Total” becomes').inputValue()).toBe('record:amount')
    expect(await mapping.getByLabel('What “Order date” becomes').inputValue()).toBe('record:occurredAt')
    // No type column: the import says what is missing until every row has a type.
    await page.getByText('Map a column to the record type, or say what type every row is.').waitFor()
    expect(await page.getByRole('button', { name: 'Import 5 rows' }).isDisabled()).toBe(true)
    await page.getByLabel('Record type', { exact: true }).fill('order')
    await mapping.getByLabel('What “Customer name” becomes').selectOption('property')
    await mapping.getByLabel('Property name for “Customer name”').fill('customer')
    const preview = page.getByRole('region', { name: 'Preview of the first rows' })
    await preview.getByText('Grace Hopper').waitFor()
    expect(await preview.getByRole('columnheader', { name: /Customer name/ }).textContent()).toContain(
      'property customer',
    )
    expect(await seriousA11yViolations(page)).toEqual([])
    await shot(page, 'sources-08-import-mapping')

    await page.getByRole('button', { name: 'Import 5 rows' }).click()
    await page.getByRole('heading', { name: /Import finished/ }).waitFor({ timeout: 60_000 })
    expect(page.url()).toMatch(/run=[0-9a-f-]{36}/)
    expect(await metric(page, 'Created').textContent()).toBe('2')
    expect(await metric(page, 'Updated').textContent()).toBe('1')
    expect(await metric(page, 'Merged').textContent()).toBe('0')
    expect(await metric(page, 'Failed').textContent()).toBe('2')
    const failures = page.getByRole('table', { name: /Rows of the file that failed/ })
    await failures.getByText('Row 5').waitFor()
    await failures.getByText('Row 6').waitFor()
    expect(await failures.textContent()).toContain('12.5O')
    expect(await seriousA11yViolations(page)).toEqual([])
    await shot(page, 'sources-09-import-summary')

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download failed rows (CSV)' }).click(),
    ])
    expect(download.suggestedFilename()).toMatch(/^Shop orders failed rows .*\.csv$/)
    const csv = (await readFile(await download.path())).toString('utf8').replace(/^\ufeff/, '')
    const lines = csv.trim().split(/\r\n/)
    expect(lines[0]).toBe('Row,Reason,Order ID,Email,Customer name,Total,Currency,Order date,Status')
    expect(lines[1]).toMatch(/^5,.*no identifier.*,A-1004,,Nobody,20.00,EUR,2024-03-06,paid$/i)
    expect(lines[2]).toMatch(/^6,.*12\.5O.*,A-1005,bad-amount@shop.example,/)

    // The summary has its own address: a reload shows it again.
    await page.reload()
    await page.getByRole('heading', { name: /Import finished/ }).waitFor()
    expect(await metric(page, 'Created').textContent()).toBe('2')

    // The imported customers are there, with their orders.
    const client = await ownerApi()
    const ada = await client.customers.lookup('email', 'ada@shop.example')
    expect(ada.records.counts).toEqual({ order: 2 })
  })

  it('shows ingestion health with dead letters: a failed envelope is retried, a refused call discarded', async () => {
    // Year 0000 passes the envelope schema but the database has no year zero: processing fails.
    await sendWithSegment(server.url, writeKey, (analytics) => {
      analytics.track({
        userId: 'web-1',
        event: 'Time Travelled',
        messageId: 'poison-1',
        timestamp: '0000-01-01T00:00:00Z',
      })
    })
    // A call with neither userId nor anonymousId is refused as invalid (and kept as a dead letter).
    const refused = await fetch(`${server.url}/v1/track`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
      },
      body: JSON.stringify({ event: 'Nobody', messageId: 'refused-1' }),
    })
    expect(refused.status).toBe(400)
    const client = await ownerApi()
    await until('the failed envelope to be dead-lettered', async () => {
      const { items } = await client.ingestion.deadLetters()
      return items.some((letter) => letter.messageId === 'poison-1') ? true : undefined
    })

    const page = await ownerPage('/login?next=%2Fingestion')
    await page.getByRole('heading', { level: 1, name: 'Ingestion health' }).waitFor()
    await page.getByText('Needs attention').waitFor()
    expect(await metric(page, 'Dead letters').textContent()).toBe('2')
    const letters = page.getByRole('table', { name: 'Dead letters, newest first' })
    await letters.getByText('Refused as invalid').waitFor()
    await letters.getByText('Processing failed').waitFor()
    // Only the envelope that failed processing can be retried.
    expect(await letters.getByRole('button', { name: /^Retry/ }).count()).toBe(1)
    expect(await seriousA11yViolations(page)).toEqual([])
    await shot(page, 'sources-10-ingestion-dead-letters')

    await letters.getByRole('button', { name: 'Retry poison-1' }).click()
    // Retried, it fails again (the date is still impossible) and comes back after its attempts.
    await until('the retried envelope to fail again', async () => {
      const { items } = await client.ingestion.deadLetters()
      const letter = items.find((item) => item.messageId === 'poison-1')
      return letter && letter.attempts >= 3 ? letter : undefined
    })

    await letters.getByRole('button', { name: 'Discard refused-1' }).click()
    const dialog = page.getByRole('dialog', { name: 'Discard this dead letter?' })
    await dialog.getByText('refused-1').waitFor()
    await shot(page, 'sources-11-discard-dialog')
    await dialog.getByRole('button', { name: 'Discard' }).click()
    await dialog.waitFor({ state: 'detached' })
    await letters.getByText('Refused as invalid').waitFor({ state: 'detached' })
    await until('the health figures to count one dead letter', async () =>
      (await metric(page, 'Dead letters').textContent()) === '1' ? true : undefined,
    )
  })

  it('deletes a source after a confirmation that says what happens to its data', async () => {
    const page = await ownerPage('/login?next=%2Fsources')
    await page.getByRole('link', { name: 'Acme CRM' }).click()
    await page.getByRole('heading', { level: 1, name: 'Acme CRM' }).waitFor()
    // Escape closes the confirmation and gives the focus back; nothing is deleted.
    const deleteButton = page.getByRole('button', { name: 'Delete' })
    await deleteButton.click()
    await page.getByRole('dialog', { name: 'Delete Acme CRM?' }).waitFor()
    await page.keyboard.press('Escape')
    await page.getByRole('dialog').waitFor({ state: 'detached' })
    expect(await deleteButton.evaluate((button) => button === document.activeElement)).toBe(true)
    await page.keyboard.press('Enter')
    const dialog = page.getByRole('dialog', { name: 'Delete Acme CRM?' })
    expect(await dialog.textContent()).toContain(
      'The customer data it already brought stays on the profiles.',
    )
    await dialog.getByRole('button', { name: 'Delete source' }).click()
    await page.getByRole('heading', { level: 1, name: 'Sources' }).waitFor()
    const list = page.getByRole('table', { name: 'Sources of this workspace' })
    await list.getByRole('link', { name: 'Website' }).waitFor()
    expect(await list.getByRole('link', { name: 'Acme CRM' }).count()).toBe(0)
  })

  it('gives an analyst the sources to read, but no way to change them or to import', async () => {
    const client = await ownerApi()
    const analyst = { name: 'Ana Lyst', email: 'ana@sources.example', password: 'analyst-password-1' }
    await client.users.create({ ...analyst, role: 'analyst' })
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1366, height: 768 } })
    contexts.push(context)
    const page = await context.newPage()
    await signIn(page, analyst.email, analyst.password)
    const navigation = page.getByRole('navigation', { name: 'Main' })
    expect(await navigation.getByRole('link', { name: 'CSV import' }).count()).toBe(0)
    await openFromNavigation(page, 'Sources')
    expect(await page.getByRole('link', { name: 'Add source' }).count()).toBe(0)
    await page.getByRole('link', { name: 'Website' }).click()
    await page.getByRole('heading', { level: 1, name: 'Website' }).waitFor()
    expect(await page.getByRole('button', { name: 'Delete' }).count()).toBe(0)
    await page.getByText('Owners and admins can see the write key.').waitFor()
    expect(await seriousA11yViolations(page)).toEqual([])
    await shot(page, 'sources-12-analyst-view')
  })
})
