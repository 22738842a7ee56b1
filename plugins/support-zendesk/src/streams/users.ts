import type { StreamDefinition } from '@rapport/plugin-sdk'
import type { ZendeskConfig } from '../config.js'
import { userEnvelope } from '../envelopes.js'
import { cursorExport } from '../pagination.js'
import { type Position, positionSchema, startTimeOf, unixSeconds, unread } from '../position.js'
import { usersExportSchema } from '../zendesk-api.js'

/**
 * Users through the cursor-based incremental export, oldest change first, with their organizations
 * sideloaded so that each person arrives with their company. One batch per page (up to 1,000 users).
 */
export const usersStream: StreamDefinition<ZendeskConfig, Position> = {
  description: 'People: e-mail, phone, name, company; deleted and suspended users marked as such',
  checkpoint: positionSchema,
  async *read(ctx, { config, checkpoint }) {
    let position = checkpoint
    const pages = cursorExport(ctx, config, '/api/v2/incremental/users/cursor.json', usersExportSchema, {
      startTime: startTimeOf(ctx, checkpoint),
      include: 'organizations',
    })
    for await (const page of pages) {
      const organizations = new Map(page.organizations.map((organization) => [organization.id, organization]))
      const fresh = unread(page.users, position, (user) => ({
        time: unixSeconds(user.updated_at),
        id: String(user.id),
      }))
      position = fresh.at(-1)?.position ?? position
      if (!position) continue
      yield {
        envelopes: fresh.map(({ item: user }) => {
          const organization = user.organization_id ? organizations.get(user.organization_id) : undefined
          return userEnvelope(user, organization, config)
        }),
        checkpoint: position,
      }
    }
    ctx.logger.info('read Zendesk users', { until: position?.startTime })
  },
}
