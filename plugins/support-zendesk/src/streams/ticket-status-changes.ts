import type { Identifier, PluginContext, StreamDefinition } from '@rapport/plugin-sdk'
import type { ZendeskConfig } from '../config.js'
import { requesterIdentifiers, statusChangeEnvelope, statusChanges } from '../envelopes.js'
import { timeExport } from '../pagination.js'
import { type Position, positionSchema, startTimeOf, unread } from '../position.js'
import { ticketEventsExportSchema, ticketsShowManySchema, zendeskGet } from '../zendesk-api.js'

const exportPath = '/api/v2/incremental/ticket_events.json'
const showManyPath = '/api/v2/tickets/show_many.json'

/**
 * Every status a ticket was given, at the time it was given, from the time-based ticket events
 * export. An event names its ticket but not the requester, so the requesters of each page's tickets
 * are looked up in one show_many call per 100 tickets; events of tickets deleted since are skipped
 * (the tickets stream sends the delete).
 */
export const ticketStatusChangesStream: StreamDefinition<ZendeskConfig, Position> = {
  description:
    'Ticket status changes (opened, solved, reopened...) on the requester timeline, when they happened',
  checkpoint: positionSchema,
  async *read(ctx, { config, checkpoint }) {
    let position = checkpoint
    const startTime = startTimeOf(ctx, checkpoint)
    const pages = timeExport(ctx, config, exportPath, ticketEventsExportSchema, { startTime })
    for await (const page of pages) {
      const fresh = unread(page.ticket_events, position, (event) => ({
        time: event.timestamp,
        id: String(event.id),
      }))
      position = fresh.at(-1)?.position ?? position
      if (!position) continue
      const changes = fresh.flatMap(({ item }) => statusChanges(item))
      const requesters = await ticketRequesters(ctx, config, [
        ...new Set(changes.map((c) => c.event.ticket_id)),
      ])
      const envelopes = changes.flatMap((change) => {
        const requester = requesters.get(change.event.ticket_id)
        return requester ? [statusChangeEnvelope(change, requester)] : []
      })
      if (envelopes.length < changes.length) {
        ctx.logger.debug('skipped status changes of deleted tickets', {
          skipped: changes.length - envelopes.length,
        })
      }
      yield { envelopes, checkpoint: position }
    }
    ctx.logger.info('read Zendesk ticket events', { until: position?.startTime })
  },
}

/** The requester of each ticket that still exists, 100 tickets a request, with users sideloaded. */
async function ticketRequesters(
  ctx: PluginContext,
  config: ZendeskConfig,
  ticketIds: number[],
): Promise<Map<number, Identifier[]>> {
  const requesters = new Map<number, Identifier[]>()
  const sorted = [...ticketIds].sort((a, b) => a - b)
  for (let start = 0; start < sorted.length; start += 100) {
    const ids = sorted.slice(start, start + 100).join(',')
    const query = { ids, include: 'users' }
    const { tickets, users } = await zendeskGet(ctx, config, showManyPath, ticketsShowManySchema, query)
    const byId = new Map(users.map((user) => [user.id, user]))
    for (const ticket of tickets) {
      requesters.set(ticket.id, requesterIdentifiers(ticket.requester_id, byId, config))
    }
  }
  return requesters
}
