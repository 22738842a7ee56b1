import { AuthenticationError, ConfigurationError, TransientError } from '@rapport/plugin-sdk'
import { contextFor } from '@rapport/plugin-testkit'
import { describe, expect, test } from 'vitest'
import { apiBase } from '../src/config.js'
import { plugin } from '../src/index.js'
import { configFor, tokens, useFixtureServer } from './helpers.js'

const server = useFixtureServer()

async function check(baseUrl: string, apiToken?: string) {
  const config = plugin.config.parse(configFor(baseUrl, apiToken))
  return plugin.check!(contextFor(plugin, config).ctx, config)
}

describe('check()', () => {
  test('names the account and the admin behind the token', async () => {
    const { baseUrl } = await server()
    expect(await check(baseUrl)).toEqual({
      message: 'Connected to Zendesk northwind.zendesk.com as Northwind Admin (admin)',
    })
  })

  test('a 401 is an AuthenticationError that says what to check', async () => {
    const { baseUrl } = await server()
    const error = await check(baseUrl, tokens.revoked).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthenticationError)
    expect((error as Error).message).toMatch(
      /did not accept the credentials: check the admin e-mail and the API token/,
    )
  })

  test('an anonymous user answered with a 200 is an AuthenticationError too', async () => {
    const { baseUrl } = await server()
    await expect(check(baseUrl, tokens.anonymous)).rejects.toThrow(
      new AuthenticationError(
        'Zendesk answered as an anonymous user: check the admin e-mail and the API token (Admin Center > Apps and integrations > APIs > Zendesk API, with token access on)',
      ),
    )
  })

  test('an agent’s token is a ConfigurationError: the incremental exports are for admins', async () => {
    const { baseUrl } = await server()
    const error = await check(baseUrl, tokens.agent).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigurationError)
    expect((error as Error).message).toBe(
      "admin@northwind.example is a Zendesk agent, and the incremental export API is for admins: use an admin's API token",
    )
  })

  test('no Zendesk at the address (404) is a ConfigurationError', async () => {
    const { baseUrl } = await server([
      {
        path: '/api/v2/users/me.json',
        status: 404,
        body: { error: 'InvalidEndpoint', description: 'Not found' },
      },
    ])
    await expect(check(baseUrl)).rejects.toBeInstanceOf(ConfigurationError)
  })

  test('a network failure is a TransientError, not a credentials problem', async () => {
    // Nothing listens on port 1.
    await expect(check('http://127.0.0.1:1')).rejects.toBeInstanceOf(TransientError)
  })
})

describe('config', () => {
  test('the base URL defaults to the subdomain’s Zendesk address', () => {
    const config = plugin.config.parse({
      subdomain: 'northwind',
      email: 'admin@northwind.example',
      apiToken: tokens.good,
    })
    expect(apiBase(config)).toBe('https://northwind.zendesk.com')
    expect(apiBase({ ...config, baseUrl: 'http://127.0.0.1:4000/' })).toBe('http://127.0.0.1:4000')
  })

  test('needs a subdomain or a base URL, and a subdomain that is one', () => {
    const result = plugin.config.safeParse({ email: 'admin@northwind.example', apiToken: tokens.good })
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['subdomain'])
    expect(
      plugin.config.safeParse({ ...configFor('http://x.test'), subdomain: 'northwind.zendesk.com' }).success,
    ).toBe(false)
  })
})
