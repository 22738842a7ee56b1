import type { ApiClient, Profile } from '@rapport/api-client'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { signedInApi } from '../src/api.js'
import { launchChromium } from '../src/chromium.js'
import { type SegmentAnalytics, sendWithSegment } from '../src/segment.js'
import { owner, startTestServer, type TestServer } from '../src/server.js'
import { openFromNavigation, screenshot, seriousA11yViolations, signIn } from '../src/ui.js'

const viewer = { name: 'Vera Viewer', email: 'vera.viewer@example.test', password: 'viewer-password-12' }

/** Asks again until the answer is there: ingestion is asynchronous. Nothing is timed. */
async function until<T>(ask: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const answer = await ask().catch(() => undefined)
    if (answer !== undefined) return answer
    await new Promise((resolve) => setTimeout(resolve, 150))
  }
}

describe('customers in the admin UI: search, the profile, unmerge and erase', () => {
  let server: TestServer
  let browser: Browser
  let api: ApiClient
  let websiteKey = ''
  let contexts: BrowserContext[] = []
  let adaId = ''

  /** Calls from a website through the official Segment library, taken by the server before going on. */
  async function fromWebsite(calls: (segment: SegmentAnalytics) => void) {
    await sendWithSegment(server.url, websiteKey, calls)
  }

  beforeAll(async () => {
    server = await startTestServer()
    browser = await launchChromium()
    api = await signedInApi(server.url, owner.email, owner.password)

    // A billing export, imported as CSV: the contacts, then their records.
    const billing = await api.sources.create({ pluginId: 'import-csv', name: 'Billing export' })
    const contacts = await api.sources.upload(
      billing.id,
      'Email,Name,Company\nada@example.com,Ada Lovelace,Analytical Engines Ltd\nalan@example.com,Alan Turing,Bletchley Park\n',
      {
        kind: 'contacts',
        columns: {
          Email: { to: 'identifier', type: 'email' },
          Name: { to: 'trait', key: 'name' },
          Company: { to: 'trait', key: 'company' },
        },
      },
    )
    await until(async () => ((await api.syncRuns.get(contacts.id)).status === 'running' ? undefined : true))
    const ada = await until(() => api.customers.lookup('email', 'ada@example.com'))
    adaId = ada.id
    const records = await api.sources.upload(
      billing.id,
      [
        'Email,Id,Type,Status,Title,Amount,Currency,Date',
        'ada@example.com,ORD-1001,order,delivered,Difference engine parts,120,EUR,2026-03-02',
        'ada@example.com,INV-1,invoice,paid,Invoice for ORD-1001,120,EUR,2026-03-03',
        'ada@example.com,INV-2,invoice,open,Invoice for support plan,80,EUR,2026-04-01',
        'ada@example.com,T-7,ticket,open,Parcel arrived damaged,,,2026-04-02',
        'ada@example.com,SUB-3,subscription,active,Support plan,80,EUR,2026-04-01',
      ].join('\n'),
      {
        kind: 'records',
        columns: {
          Email: { to: 'identifier', type: 'email' },
          Id: { to: 'record', field: 'externalId' },
          Type: { to: 'record', field: 'type' },
          Status: { to: 'record', field: 'status' },
          Title: { to: 'record', field: 'title' },
          Amount: { to: 'record', field: 'amount' },
          Currency: { to: 'record', field: 'currency' },
          Date: { to: 'record', field: 'occurredAt' },
        },
      },
    )
    await until(async () => ((await api.syncRuns.get(records.id)).status === 'running' ? undefined : true))
    await until(async () => ((await api.customers.get(adaId)).records.counts.ticket ? true : undefined))

    // The website: an HTTP source fed by the Segment library.
    const website = await api.sources.create({ pluginId: 'http', name: 'Website' })
    websiteKey = website.writeKey ?? ''
    // A visitor browses before signing in: a profile of its own, known by its anonymous id.
    await fromWebsite((segment) => {
      segment.page({
        anonymousId: 'device-ada',
        name: 'Pricing',
        properties: { url: 'https://example.com/pricing' },
      })
      segment.track({ anonymousId: 'device-ada', event: 'Viewed plan', properties: { plan: 'pro' } })
      segment.identify({ userId: 'grace-1', traits: { name: 'Grace Hopper', email: 'grace@example.com' } })
    })
    await until(() => api.customers.lookup('anonymousId', 'device-ada'))
    // Grace reads a lot: more events than one page of her timeline holds.
    await fromWebsite((segment) => {
      for (let n = 1; n <= 60; n++) {
        segment.track({
          userId: 'grace-1',
          event: `Read article ${n}`,
          timestamp: new Date(Date.UTC(2026, 0, 1, 9, n)).toISOString(),
        })
      }
    })
    // Then signs in: the same e-mail as the billing contact, so the two profiles become one.
    await fromWebsite((segment) => {
      segment.identify({
        userId: 'ada-1',
        anonymousId: 'device-ada',
        traits: { email: 'ada@example.com', plan: 'pro', city: 'London' },
      })
      segment.track({
        userId: 'ada-1',
        event: 'Checkout Started',
        properties: { total: 80, currency: 'EUR' },
      })
    })
    await until(async () => ((await api.customers.get(adaId)).mergedProfiles === 1 ? true : undefined))
    // Somebody else signs up with Ada's e-mail: the rules refuse to merge a second user id.
    await fromWebsite((segment) => {
      segment.identify({ userId: 'ada-2', traits: { email: 'ada@example.com', city: 'Paris' } })
    })
    await until(async () => ((await api.customers.get(adaId)).openConflicts > 0 ? true : undefined))
    await api.users.create({ ...viewer, role: 'viewer' })
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  afterEach(async ({ task }) => {
    const page = contexts[0]?.pages()[0]
    if (page && task.result?.state === 'fail')
      await screenshot(page, `failed-customers-${task.name.slice(0, 40)}`)
    await Promise.all(contexts.map((opened) => opened.close()))
    contexts = []
  })

  /** A whole-page picture from the top (a page scrolled down would show the sticky top bar midway). */
  async function pictureOf(page: Page, name: string) {
    await page.evaluate(() => window.scrollTo(0, 0))
    await screenshot(page, name)
  }

  /** A laptop screen. */
  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1366, height: 768 } })
    contexts.push(context)
    return context.newPage()
  }

  it('lists customers, searches them as one types, and filters by source; the URL keeps it all', async () => {
    const page = await newPage()
    await signIn(page, owner.email, owner.password)
    await page.getByRole('link', { name: 'Customers' }).first().waitFor()
    expect(await seriousA11yViolations(page)).toEqual([])
    await screenshot(page, 'customers-01-home')

    await openFromNavigation(page, 'Customers')
    const rows = page.locator('tbody tr')
    await page.getByRole('link', { name: /Ada Lovelace/ }).waitFor()
    // Ada (merged), Alan, Grace, and the profile that the refused merge started.
    expect(await rows.count()).toBe(4)
    expect(await seriousA11yViolations(page)).toEqual([])
    await screenshot(page, 'customers-02-list')

    await page.getByLabel('Search', { exact: true }).fill('grace@')
    await page.waitForURL(/q=grace%40/)
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1)
    expect(await rows.first().textContent()).toContain('Grace Hopper')

    await page.getByRole('button', { name: 'Clear search and filters' }).click()
    await page.getByLabel('Source').selectOption({ label: 'Billing export' })
    await page.waitForURL(/source=/)
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 2)
    expect((await rows.allTextContents()).join(' ')).toMatch(
      /Ada Lovelace.*Alan Turing|Alan Turing.*Ada Lovelace/,
    )
    await screenshot(page, 'customers-03-filtered')

    // The filtered list is a link one can share.
    await page.reload()
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 2)
    // The choice comes back once the source names have loaded.
    const source = page.getByLabel('Source')
    await source.locator('option', { hasText: 'Billing export' }).waitFor({ state: 'attached' })
    expect(await source.evaluate((select: HTMLSelectElement) => select.selectedOptions[0]?.text)).toBe(
      'Billing export',
    )

    await page.getByLabel('Search', { exact: true }).fill('nobody-like-this')
    await page.getByText('No customers match').waitFor()
    expect(await seriousA11yViolations(page)).toEqual([])
  })

  it('finds a customer from the top bar with the keyboard', async () => {
    const page = await newPage()
    await signIn(page, owner.email, owner.password)
    await page.keyboard.press('/')
    const search = page.getByRole('combobox', { name: 'Search customers' })
    expect(await search.evaluate((element) => element === document.activeElement)).toBe(true)
    await page.keyboard.type('ada')
    const option = page.getByRole('option', { name: /Ada Lovelace/ })
    await option.waitFor()
    expect(await seriousA11yViolations(page)).toEqual([])
    await screenshot(page, 'customers-04-search')
    // Arrows walk the matches (the e-mail also finds the profile whose merge was refused).
    for (let step = 0; step < 5 && (await option.getAttribute('aria-selected')) !== 'true'; step++) {
      await page.keyboard.press('ArrowDown')
    }
    expect(await option.getAttribute('aria-selected')).toBe('true')
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { level: 1, name: 'Ada Lovelace' }).waitFor()
    expect(new URL(page.url()).pathname).toBe(`/customers/${adaId}`)
  })

  it('shows one profile with the data of both sources, its records and a live timeline', async () => {
    const page = await newPage()
    // A shared link to the profile: sign-in first, then straight there.
    await signIn(page, owner.email, owner.password, `/login?next=/customers/${adaId}`)
    await page.getByRole('heading', { level: 1, name: 'Ada Lovelace' }).waitFor()
    const header = page.locator('.profile-header')
    const headerText = await header.textContent()
    expect(headerText).toContain('Analytical Engines Ltd')
    expect(headerText).toContain('€120.00')
    // An open ticket and an unpaid invoice.
    expect(headerText).toContain('1 invoice, 1 ticket')
    expect(headerText).toContain('Billing export, Website')

    // Traits from both sources, each with its provenance on hover and its history on demand.
    const traits = page.getByRole('region', { name: 'Traits' })
    expect(await traits.textContent()).toContain('Analytical Engines Ltd')
    const plan = traits.getByRole('button', { name: 'pro', exact: true })
    await plan.hover()
    await page.getByRole('tooltip').filter({ hasText: 'From Website' }).waitFor({ state: 'visible' })
    await screenshot(page, 'customers-05a-trait-provenance')
    const identities = page.getByRole('region', { name: 'Identities' })
    expect(await identities.textContent()).toMatch(/ada@example\.com.*From Billing export/)
    expect(await identities.textContent()).toMatch(/ada-1.*From Website/)

    await traits.getByRole('button', { name: 'Analytical Engines Ltd' }).click()
    const history = page.getByRole('dialog', { name: 'Company: value history' })
    await history.getByRole('cell', { name: 'Billing export' }).waitFor()
    expect(await seriousA11yViolations(page)).toEqual([])
    await page.keyboard.press('Escape')
    await history.waitFor({ state: 'hidden' })

    // Records by type, with their status.
    const records = page.getByRole('region', { name: 'Records' })
    await records.getByRole('tab', { name: /Invoices/ }).click()
    await records.getByText('Invoice for support plan').waitFor()
    expect(await records.getByRole('tabpanel').textContent()).toContain('Open')
    expect(new URL(page.url()).searchParams.get('records')).toBe('invoice')
    await records.getByRole('tab', { name: /Invoices/ }).press('ArrowRight')
    await records.getByText('Support plan', { exact: true }).waitFor()

    // The timeline: every source, newest first, with filters in the URL.
    const timeline = page.getByRole('region', { name: 'Timeline' })
    await timeline.getByText('Checkout Started', { exact: true }).waitFor()
    await timeline.getByText('Page Viewed', { exact: true }).waitFor()
    await timeline.getByText('Ticket open', { exact: true }).waitFor()
    expect(await seriousA11yViolations(page)).toEqual([])
    await pictureOf(page, 'customers-05-profile')

    await timeline.getByLabel('Channel').selectOption('web')
    await page.waitForURL(/channel=web/)
    await timeline.getByText('Checkout Started', { exact: true }).waitFor({ state: 'detached' })
    await timeline.getByText('Page Viewed', { exact: true }).waitFor()
    await timeline.getByRole('button', { name: 'Clear filters' }).click()
    await timeline.getByText('Checkout Started', { exact: true }).waitFor()

    // New events show up on the open profile by themselves.
    await fromWebsite((segment) => {
      segment.track({ userId: 'ada-1', event: 'Support chat started', properties: { topic: 'delivery' } })
    })
    await timeline.getByText('Support chat started', { exact: true }).waitFor()
    await pictureOf(page, 'customers-06-live-event')
  })

  it('loads older events as one scrolls down the timeline', async () => {
    const page = await newPage()
    const grace = await until(() => api.customers.lookup('userId', 'grace-1'))
    await until(async () =>
      (await api.customers.timeline(grace.id, { limit: 100 })).items.length >= 61 ? true : undefined,
    )
    await signIn(page, owner.email, owner.password, `/login?next=/customers/${grace.id}`)
    const timeline = page.getByRole('region', { name: 'Timeline' })
    await timeline.getByText('Read article 60', { exact: true }).waitFor()
    // The first page holds the newest 50; the oldest arrives once the end of the list comes near.
    expect(await timeline.getByText('Read article 1', { exact: true }).count()).toBe(0)
    await page.mouse.wheel(0, 20_000)
    await timeline.getByText('Read article 1', { exact: true }).waitFor()
    await timeline.getByText(/^The beginning: first seen/).waitFor()
    expect(await timeline.locator('.timeline__item').count()).toBe(61)
  })

  it('explains each merge and refusal, and unmerges after a confirmation', async () => {
    const page = await newPage()
    await signIn(page, owner.email, owner.password, `/login?next=/customers/${adaId}`)
    const identity = page.getByRole('region', { name: 'Identity' })
    await identity.getByText(/named the anonymous id/).waitFor()
    expect(await identity.textContent()).toContain('device-ada')
    // The refused merge, with the rule's reason.
    expect(await identity.textContent()).toContain('Not merged: e-mail ada@example.com')
    expect(await identity.textContent()).toContain('userId ada-2 starts a new profile')
    await pictureOf(page, 'customers-07-identity')

    await identity.getByRole('button', { name: /Unmerge/ }).click()
    const confirm = page.getByRole('dialog', { name: 'Unmerge this profile?' })
    expect(await confirm.textContent()).toContain('anonymous id device-ada')
    expect(await seriousA11yViolations(page)).toEqual([])
    await pictureOf(page, 'customers-08-unmerge-confirm')
    await confirm.getByRole('button', { name: 'Unmerge' }).click()
    await identity.getByText(/is a separate customer again/).waitFor()
    await identity.getByText('Unmerged', { exact: true }).waitFor()

    // What the anonymous visitor did left with them.
    const timeline = page.getByRole('region', { name: 'Timeline' })
    await timeline.getByText('Page Viewed', { exact: true }).waitFor({ state: 'detached' })
    const profile: Profile = await api.customers.get(adaId)
    expect(profile.identities.map((i) => i.value)).not.toContain('device-ada')

    await identity.getByRole('link', { name: 'Open device-ada' }).click()
    await page.getByRole('heading', { level: 1, name: 'device-ada' }).waitFor()
    await page.getByRole('region', { name: 'Timeline' }).getByText('Page Viewed', { exact: true }).waitFor()
    // Another customer, another page: nothing of Ada's (such as the message about the unmerge) stays.
    expect(await page.getByText(/is a separate customer again/).count()).toBe(0)
  })

  it('shows a viewer the profile without the actions their role does not allow', async () => {
    const page = await newPage()
    await signIn(page, viewer.email, viewer.password, `/login?next=/customers/${adaId}`)
    await page.getByRole('heading', { level: 1, name: 'Ada Lovelace' }).waitFor()
    await page.getByRole('region', { name: 'Identity' }).getByText('Unmerged', { exact: true }).waitFor()
    expect(await page.getByRole('button', { name: 'Erase customer' }).count()).toBe(0)
    expect(await page.getByRole('button', { name: /Unmerge/ }).count()).toBe(0)
    // The source filter of the list needs a permission a viewer does not have.
    await openFromNavigation(page, 'Customers')
    expect(await page.getByLabel('Source').count()).toBe(0)
  })

  it('erases a customer after a confirmation that names what goes', async () => {
    const page = await newPage()
    await signIn(page, owner.email, owner.password, `/login?next=/customers/${adaId}`)
    await page.getByRole('heading', { level: 1, name: 'Ada Lovelace' }).waitFor()
    await page.getByRole('button', { name: 'Erase customer' }).click()
    const confirm = page.getByRole('dialog', { name: 'Erase Ada Lovelace?' })
    const text = await confirm.textContent()
    expect(text).toContain('e-mail ada@example.com')
    expect(text).toContain('user id ada-1')
    expect(text).toMatch(/5 records: 1 order, 2 invoices, 1 subscription, 1 ticket/)
    expect(text).toContain('The whole timeline')
    await confirm.getByRole('checkbox', { name: /Also refuse future data/ }).check()
    expect(await seriousA11yViolations(page)).toEqual([])
    await pictureOf(page, 'customers-09-erase-confirm')
    await confirm.getByRole('button', { name: 'Erase customer' }).click()

    await page.getByRole('heading', { level: 1, name: 'Customers' }).waitFor()
    const done = page.getByRole('status').filter({ hasText: 'Ada Lovelace was erased' })
    await done.waitFor()
    expect(await done.textContent()).toMatch(/5 records/)
    await screenshot(page, 'customers-10-erased')
    expect(await page.getByRole('link', { name: /Ada Lovelace/ }).count()).toBe(0)

    await page.goto(`/customers/${adaId}`)
    await page.getByRole('heading', { name: 'This customer does not exist' }).waitFor()
    await expect(api.customers.lookup('email', 'ada@example.com')).rejects.toMatchObject({ status: 404 })
  })
})
