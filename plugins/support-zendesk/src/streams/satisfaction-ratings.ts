import type { EnvelopeInput, StreamDefinition } from '@rapport/plugin-sdk'
import type { ZendeskConfig } from '../config.js'
import { ratingEnvelope } from '../envelopes.js'
import { cursorList } from '../pagination.js'
import { type Position, positionSchema, startTimeOf, unixSeconds, unread } from '../position.js'
import { satisfactionRatingsPageSchema } from '../zendesk-api.js'

const listPath = '/api/v2/satisfaction_ratings.json'

/**
 * Satisfaction ratings (Zendesk's CSAT) from start_time on, with cursor pagination. start_time
 * filters on a rating's creation time, so that is the position. Offered and unoffered ratings move
 * the position but give no feedback.
 */
export const satisfactionRatingsStream: StreamDefinition<ZendeskConfig, Position> = {
  description: 'CSAT answers (good 5, bad 1) with their comment, from the requester',
  checkpoint: positionSchema,
  async *read(ctx, { config, checkpoint }) {
    let position = checkpoint
    const query = { start_time: startTimeOf(ctx, checkpoint) }
    const pages = cursorList(ctx, config, listPath, satisfactionRatingsPageSchema, { query })
    for await (const page of pages) {
      const fresh = unread(page.satisfaction_ratings, position, (rating) => ({
        time: unixSeconds(rating.created_at),
        id: String(rating.id),
      }))
      position = fresh.at(-1)?.position ?? position
      if (!position) continue
      const envelopes = fresh.flatMap(({ item }): EnvelopeInput[] => {
        const envelope = ratingEnvelope(item)
        return envelope ? [envelope] : []
      })
      yield { envelopes, checkpoint: position }
    }
    ctx.logger.info('read Zendesk satisfaction ratings', { until: position?.startTime })
  },
}
