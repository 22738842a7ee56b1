import { type FixtureServer, loadFixtures, useFixtureServers } from '@rapport/plugin-testkit'

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url)

/** Recorded Odoo 17 answers (fixtures/*.json): every call is a POST to /jsonrpc, told apart by its body. */
export const fixtures = loadFixtures(
  fixture('common.json'),
  fixture('partners.json'),
  fixture('orders.json'),
  fixture('invoices.json'),
  fixture('deliveries.json'),
  fixture('failures.json'),
)

// Test credentials only: the fixtures expect exactly these.
export const goodKey = 'odoo_test_key_good_7f3a'
export const revokedKey = 'odoo_test_key_revoked_1c9d'
export const lockedKey = 'odoo_test_key_locked_5e2b'

/** The integration user of the demo database; two records a page, so that the fixtures page. */
export const good = (baseUrl: string, overrides: { database?: string; apiKey?: string } = {}) => ({
  baseUrl,
  database: 'rapport-demo',
  login: 'rapport-sync@northwind.example',
  apiKey: goodKey,
  pageSize: 2,
  ...overrides,
})

/**
 * A fresh fixture server per call, closed after the test; a request that no fixture answered fails
 * the test, so that a plugin asking something unplanned cannot pass by accident.
 */
export const fixtureServers = () => useFixtureServers(fixtures)

/** The JSON-RPC params of each request the server saw. */
export function rpcCalls(server: FixtureServer): { service: string; method: string; args: unknown[] }[] {
  return server.requests.map((request) => JSON.parse(request.body).params)
}
