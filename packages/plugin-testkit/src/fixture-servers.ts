import { afterEach } from 'vitest'
import { type Fixture, type FixtureServer, startFixtureServer } from './fixture-server.js'

/**
 * For a plugin's own tests: call at the top of a file or describe block with the plugin's recorded
 * answers; the function it returns starts a fixture server (with those, or others given), and every
 * server started in a test is closed after it. A request no fixture answered then fails the test
 * (to see what a plugin does with such a request, use startFixtureServer itself).
 */
export function useFixtureServers(
  defaults: readonly Fixture[],
): (fixtures?: readonly Fixture[]) => Promise<FixtureServer> {
  const started: FixtureServer[] = []
  afterEach(async () => {
    const servers = started.splice(0)
    try {
      for (const server of servers) server.assertAllMatched()
    } finally {
      await Promise.all(servers.map((server) => server.close()))
    }
  })
  return async (fixtures = defaults) => {
    const server = await startFixtureServer(fixtures)
    started.push(server)
    return server
  }
}
