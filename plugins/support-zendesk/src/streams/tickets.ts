import type { StreamDefinition } from '@rapport/plugin-sdk'
import type { ZendeskConfig } from '../config.js'
import { requesterIdentifiers, ticketEnvelope } from '../envelopes.js'
import { cursorExport } from '../pagination.js'
import { type Position, positionSchema, startTimeOf, unread } from '../position.js'
import { ticketsExportSchema } from '../zendesk-api.js'

/**
 * Tickets through the cursor-based incremental export, with their users sideloaded so that each
 * ticket carries its requester's e-mail and phone. The export compares start_time with a ticket's
 * generated_timestamp (which system updates move too), so that is the position, not updated_at.
 * Deleted tickets come with status deleted.
 */
export const ticketsStream: StreamDefinition<ZendeskConfig, Position> = {
  description: 'Support tickets, as records of each requester; deleted tickets as deletes',
  checkpoint: positionSchema,
  async *read(ctx, { config, checkpoint }) {
    let position = checkpoint
    const pages = cursorExport(ctx, config, '/api/v2/incremental/tickets/cursor.json', ticketsExportSchema, {
      startTime: startTimeOf(ctx, checkpoint),
      include: 'users',
    })
    for await (const page of pages) {
      const users = new Map(page.users.map((user) => [user.id, user]))
      const fresh = unread(page.tickets, position, (ticket) => ({
        time: ticket.generated_timestamp,
        id: String(ticket.id),
      }))
      position = fresh.at(-1)?.position ?? position
      if (!position) continue
      yield {
        envelopes: fresh.map(({ item: ticket }) =>
          ticketEnvelope(ticket, requesterIdentifiers(ticket.requester_id, users, config)),
        ),
        checkpoint: position,
      }
    }
    ctx.logger.info('read Zendesk tickets', { until: position?.startTime })
  },
}
