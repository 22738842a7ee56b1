import { ApiError, createApiClient } from '@rapport/api-client'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../src/chromium.js'
import { owner, startTestServer, type TestServer } from '../src/server.js'
import {
  fillLogin,
  openFromNavigation,
  screenshot,
  seriousA11yViolations,
  signIn,
  signOut,
} from '../src/ui.js'

const analyst = { name: 'Ana Lyst', email: 'ana.lyst@example.test', password: 'analyst-password-1' }
const agent = { name: 'Gus Agent', email: 'gus.agent@example.test', password: 'agent-password-12' }
/** The API token the owner creates in the UI; a later step uses it as a script would. */
let tokenSecret = ''

// The steps build on each other (the owner adds the people the later steps sign in as), so they
// run in order over one server and one browser.
describe('the admin UI, through the real server', () => {
  let server: TestServer
  let browser: Browser
  let contexts: BrowserContext[] = []

  beforeAll(async () => {
    server = await startTestServer()
    browser = await launchChromium()
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  afterEach(async ({ task }) => {
    // A failed step leaves a picture of where it stood.
    const page = contexts[0]?.pages()[0]
    if (page && task.result?.state === 'fail') await screenshot(page, `failed-${task.name.slice(0, 40)}`)
    await Promise.all(contexts.map((opened) => opened.close()))
    contexts = []
  })

  /** A page in a browser context of its own (no cookies), closed after the step. */
  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1366, height: 860 } })
    contexts.push(context)
    return context.newPage()
  }

  it('shows the server’s error for a wrong password, and the login page is accessible', async () => {
    const page = await newPage()
    await page.goto('/')
    // Not signed in: the app sends you to the login page.
    await page.getByRole('heading', { name: 'Sign in to Rapport' }).waitFor()
    expect(await seriousA11yViolations(page)).toEqual([])
    await screenshot(page, '01-login')

    await fillLogin(page, owner.email, 'not-the-password')
    const alert = page.getByRole('alert')
    await alert.waitFor()
    expect(await alert.textContent()).toMatch(/invalid e-mail or password/i)
    await screenshot(page, '02-login-error')
  })

  it('lets the owner add an analyst and an agent, and create an API token shown once', async () => {
    const page = await newPage()
    await signIn(page, owner.email, owner.password)
    await page.getByRole('heading', { level: 1, name: 'Welcome, Administrator' }).waitFor()
    expect(await page.getByRole('banner').textContent()).toContain('Default')
    expect(await seriousA11yViolations(page)).toEqual([])
    await screenshot(page, '03-home-owner')

    await openFromNavigation(page, 'Users')
    for (const person of [
      { ...analyst, role: 'analyst' },
      { ...agent, role: 'agent' },
    ]) {
      await page.getByRole('button', { name: 'Add user' }).click()
      const dialog = page.getByRole('dialog', { name: 'Add user' })
      await dialog.getByLabel('Name').fill(person.name)
      await dialog.getByLabel('E-mail').fill(person.email)
      await dialog.getByLabel('Role').selectOption(person.role)
      await dialog.getByLabel('Initial password').fill(person.password)
      if (person.role === 'analyst') await screenshot(page, '04-add-user')
      await dialog.getByRole('button', { name: 'Add user' }).click()
      await page.getByRole('cell', { name: person.email }).waitFor()
    }
    expect(await seriousA11yViolations(page)).toEqual([])
    await screenshot(page, '05-users-owner')

    // The same e-mail twice: the server's 409 is shown in the form.
    await page.getByRole('button', { name: 'Add user' }).click()
    const again = page.getByRole('dialog', { name: 'Add user' })
    await again.getByLabel('Name').fill('Ana Again')
    await again.getByLabel('E-mail').fill(analyst.email)
    await again.getByLabel('Initial password').fill('another-password-1')
    await again.getByRole('button', { name: 'Add user' }).click()
    await again.getByRole('alert').filter({ hasText: 'already a member' }).waitFor()
    await again.getByRole('button', { name: 'Cancel' }).click()

    await openFromNavigation(page, 'API tokens')
    await page.getByText('No API tokens yet').waitFor()
    await page.getByRole('button', { name: 'Create token' }).click()
    const create = page.getByRole('dialog', { name: 'Create API token' })
    await create.getByLabel('Name').fill('Provisioning script')
    await create.getByRole('checkbox', { name: /users:read/ }).check()
    await create.getByRole('checkbox', { name: /users:write/ }).check()
    await create.getByLabel('Expires after (days)').fill('30')
    expect(await seriousA11yViolations(page)).toEqual([])
    await screenshot(page, '06-create-token')
    await create.getByRole('button', { name: 'Create token' }).click()

    const shown = page.getByRole('dialog', { name: 'Your new API token' })
    tokenSecret = await shown.getByLabel(/Token/).inputValue()
    expect(tokenSecret.length).toBeGreaterThan(20)
    expect(await shown.textContent()).toMatch(/will not be shown again/)
    await screenshot(page, '07-token-secret')
    await shown.getByRole('button', { name: 'Done' }).click()

    // Listed by its prefix only: the secret is not on the page any more.
    await page.getByRole('cell', { name: 'Provisioning script', exact: true }).waitFor()
    expect(await page.content()).not.toContain(tokenSecret)
    expect(await seriousA11yViolations(page)).toEqual([])
    await screenshot(page, '08-tokens')

    await signOut(page)
  })

  it('shows an analyst only what an analyst may see', async () => {
    const page = await newPage()
    await signIn(page, analyst.email, analyst.password)
    const navigation = page.getByRole('navigation', { name: 'Main' })
    const links = await navigation.getByRole('link').allTextContents()
    // An analyst reads customers and sources, and sees who the members are; settings are not theirs.
    expect(links).toEqual(expect.arrayContaining(['Home', 'Customers', 'Users']))
    expect(links).not.toContain('API tokens')
    expect(links).not.toContain('Audit log')
    await screenshot(page, '09-home-analyst')

    await page.goto('/settings/tokens')
    await page.getByRole('heading', { name: 'You do not have access to this page' }).waitFor()
    await screenshot(page, '10-no-access')
    await page.goto('/settings/audit-log')
    await page.getByRole('heading', { name: 'You do not have access to this page' }).waitFor()

    await openFromNavigation(page, 'Users')
    await page.getByRole('cell', { name: agent.email }).waitFor()
    expect(await page.getByRole('button', { name: 'Add user' }).count()).toBe(0)
    expect(await page.getByRole('button', { name: /Deactivate|Reactivate/ }).count()).toBe(0)
    // No role to choose in the table (the top bar's customer search is a combobox too).
    expect(await page.getByRole('main').getByRole('combobox').count()).toBe(0)
    await screenshot(page, '11-users-analyst')

    await page.goto('/no/such/page')
    await page.getByRole('heading', { name: 'Page not found' }).waitFor()
  })

  it('signs a deactivated agent out for good', async () => {
    const agentPage = await newPage()
    await signIn(agentPage, agent.email, agent.password)

    const ownerPage = await newPage()
    await signIn(ownerPage, owner.email, owner.password, '/login?next=/settings/users')
    // After signing in the owner lands where the link pointed.
    await ownerPage.getByRole('heading', { level: 1, name: 'Users' }).waitFor()
    await ownerPage.getByRole('button', { name: `Deactivate ${agent.name}` }).click()
    const confirm = ownerPage.getByRole('dialog', { name: `Deactivate ${agent.name}?` })
    await screenshot(ownerPage, '12-deactivate-confirm')
    await confirm.getByRole('button', { name: 'Deactivate' }).click()
    await ownerPage
      .getByRole('row', { name: new RegExp(agent.email) })
      .getByText('Deactivated')
      .waitFor()

    // The agent's open session is gone: the next call answers 401 and the app goes to the login page.
    await agentPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click()
    await agentPage.getByRole('heading', { name: 'Sign in to Rapport' }).waitFor()
    expect(new URL(agentPage.url()).searchParams.get('next')).toBe('/settings/users')

    await fillLogin(agentPage, agent.email, agent.password)
    await agentPage.getByRole('alert').waitFor()
    expect(new URL(agentPage.url()).pathname).toBe('/login')
  })

  it('records the changes in the audit log', async () => {
    const page = await newPage()
    await signIn(page, owner.email, owner.password)
    await openFromNavigation(page, 'Audit log')
    const created = page.getByRole('row').filter({ hasText: 'user.created' })
    await created.first().waitFor()
    expect(await created.count()).toBe(2)
    // Newest first: the agent was added after the analyst. The details name whom it was about.
    await created.first().getByText('Show').click()
    expect(await created.first().textContent()).toContain(agent.email)
    expect(await seriousA11yViolations(page)).toEqual([])
    await screenshot(page, '13-audit-log')

    await page.getByLabel('Action').fill('user.deactivated')
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.getByRole('button', { name: 'Show all actions' }).waitFor()
    // The filtered list arrives after the button: wait until the table shows it, then read it.
    await page.waitForFunction(() => {
      const cells = [...document.querySelectorAll('tbody td:nth-child(3)')].map((cell) => cell.textContent)
      return cells.length > 0 && cells.every((text) => text === 'user.deactivated')
    })
    const actions = await page.locator('tbody td:nth-child(3)').allTextContents()
    expect(actions).toEqual(['user.deactivated'])
    expect(new URL(page.url()).searchParams.get('action')).toBe('user.deactivated')
  })

  it('lets a member change their password on the account page', async () => {
    const page = await newPage()
    await signIn(page, analyst.email, analyst.password)
    await page.getByRole('button', { name: /User menu/ }).click()
    await page.getByRole('link', { name: 'Account' }).click()
    await page.getByRole('heading', { level: 1, name: 'Account' }).waitFor()

    const newPassword = 'a-brand-new-password'
    await page.getByLabel('Current password').fill('not-my-password')
    await page.getByLabel('New password', { exact: true }).fill(newPassword)
    await page.getByLabel('Repeat new password').fill(newPassword)
    await page.getByRole('button', { name: 'Change password' }).click()
    await page.getByRole('alert').waitFor()
    await page.getByLabel('Current password').fill(analyst.password)
    await page.getByRole('button', { name: 'Change password' }).click()
    await page.getByText('Your password has been changed.').waitFor()
    expect(await seriousA11yViolations(page)).toEqual([])
    await screenshot(page, '14-account')

    await signOut(page)
    await signIn(page, analyst.email, newPassword)
  })

  it('lets an owner create a workspace, work in it, and switch back', async () => {
    const page = await newPage()
    await signIn(page, owner.email, owner.password)
    await page.getByRole('button', { name: /Workspace:/ }).click()
    await page.getByRole('button', { name: 'New workspace…' }).click()
    const dialog = page.getByRole('dialog', { name: 'New workspace' })
    await dialog.getByLabel('Name', { exact: true }).fill('Northwind Support')
    await dialog.getByRole('button', { name: 'Create workspace' }).click()

    // Now inside the new workspace: its own, empty member list.
    await page.getByRole('button', { name: 'Workspace: Northwind Support' }).waitFor()
    await openFromNavigation(page, 'Users')
    await page.getByRole('cell', { name: owner.email }).waitFor()
    expect(await page.getByRole('cell', { name: analyst.email }).count()).toBe(0)
    await page.getByRole('button', { name: /Workspace:/ }).click()
    await screenshot(page, '15-workspace-switcher')

    // Switching back refetches the page's data for the other workspace.
    await page.getByRole('button', { name: /^Default/ }).click()
    await page.getByRole('button', { name: 'Workspace: Default' }).waitFor()
    await page.getByRole('cell', { name: analyst.email }).waitFor()
  })

  it('pages through long lists with "Load more", and a revoked token stops working', async () => {
    // A script with the token adds enough people for a second page (the API answers 50 at a time).
    const script = createApiClient({ baseUrl: server.url, token: tokenSecret })
    const added = Array.from({ length: 52 }, (_, i) => `member-${String(i).padStart(2, '0')}@example.test`)
    for (const email of added) {
      await script.users.create({
        email,
        name: email.split('@')[0] ?? email,
        role: 'viewer',
        password: 'a-long-password',
      })
    }

    const page = await newPage()
    await signIn(page, owner.email, owner.password)
    await openFromNavigation(page, 'Users')
    const rows = page.locator('tbody tr')
    await rows.first().waitFor()
    const firstPage = await rows.count()
    await page.getByRole('button', { name: 'Load more' }).click()
    await rows.nth(firstPage).waitFor()
    const emails = await page.locator('tbody td:nth-child(2)').allTextContents()
    expect(emails.length).toBe(added.length + 3)
    expect(new Set(emails).size).toBe(emails.length)
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0)

    await openFromNavigation(page, 'API tokens')
    await page.getByRole('button', { name: 'Revoke Provisioning script' }).click()
    await page
      .getByRole('dialog', { name: 'Revoke Provisioning script?' })
      .getByRole('button', { name: 'Revoke token' })
      .click()
    await page
      .getByRole('row', { name: /Provisioning script/ })
      .getByText('Revoked')
      .waitFor()
    const refused = await script.users.list().catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(ApiError)
    expect((refused as ApiError).status).toBe(401)
  })
})
