import { loadFixtures, useFixtureServers } from '@rapport/plugin-testkit'

export const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url)

/** Every recorded Zendesk answer of the main scenario. */
export const fixtures = loadFixtures(
  fixture('me.json'),
  fixture('users.json'),
  fixture('organizations.json'),
  fixture('tickets.json'),
  fixture('ticket-events.json'),
  fixture('satisfaction-ratings.json'),
)

// Test tokens only: the fixtures expect exactly these (me.json answers each differently).
export const tokens = {
  good: 'zd_test_good_7hQ2',
  revoked: 'zd_test_revoked_9Xk1',
  anonymous: 'zd_test_anonymous_3Lp8',
  agent: 'zd_test_agent_5Rt4',
}

export const configFor = (baseUrl: string, apiToken = tokens.good) => ({
  baseUrl,
  email: 'admin@northwind.example',
  apiToken,
})

/** A fixture server per test, closed after it. */
export const useFixtureServer = () => useFixtureServers(fixtures)
