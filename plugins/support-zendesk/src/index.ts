import { definePlugin } from '@rapport/plugin-sdk'
import { check } from './check.js'
import { configSchema } from './config.js'
import { organizationsStream } from './streams/organizations.js'
import { satisfactionRatingsStream } from './streams/satisfaction-ratings.js'
import { ticketStatusChangesStream } from './streams/ticket-status-changes.js'
import { ticketsStream } from './streams/tickets.js'
import { usersStream } from './streams/users.js'

/**
 * Zendesk Support (README.md): users become people, organizations their company, tickets their
 * records with every status change on the timeline, and satisfaction ratings CSAT feedback, all read
 * through the incremental export API with an admin's API token.
 */
export const plugin = definePlugin({
  id: 'support-zendesk',
  name: 'Zendesk Support',
  version: '1.0.0',
  sdk: '^1',
  categories: ['support'],
  description: 'Users, organizations, tickets, ticket status changes and CSAT ratings from Zendesk Support.',
  config: configSchema,
  // The incremental exports allow 10 requests a minute: a bucket of 10 refilled at that pace. Other
  // endpoints allow more, but the few calls made to them (requesters, an organization's members)
  // are counted the same way.
  http: { requestsPerSecond: 10 / 60, burst: 10 },
  check,
  streams: {
    users: usersStream,
    organizations: organizationsStream,
    tickets: ticketsStream,
    ticketStatusChanges: ticketStatusChangesStream,
    satisfactionRatings: satisfactionRatingsStream,
  },
})

export default plugin
