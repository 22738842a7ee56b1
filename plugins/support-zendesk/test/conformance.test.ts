import { runPluginConformance } from '@rapport/plugin-testkit'
import { plugin } from '../src/index.js'
import { configFor, fixtures, tokens } from './helpers.js'

runPluginConformance(plugin, [
  {
    name: 'Zendesk Support API v2',
    fixtures,
    config: ({ baseUrl }) => configFor(baseUrl),
    badConfig: ({ baseUrl }) => configFor(baseUrl, tokens.revoked),
    streams: {
      users: { minEnvelopes: 4 },
      // The first sync of organizations only finds its place (the users carry their company): the
      // re-run is where a renamed organization reaches its members (see organizations.test.ts).
      // 'unseen': the testkit's "nothing older" check cannot take a first run without envelopes.
      organizations: { minEnvelopes: 0, rerun: 'unseen' },
      tickets: { minEnvelopes: 3 },
      ticketStatusChanges: { minEnvelopes: 4 },
      satisfactionRatings: { minEnvelopes: 2 },
    },
  },
])
