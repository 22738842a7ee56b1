import type { EnvelopeInput, StreamDefinition } from '@rapport/plugin-sdk'
import { z } from 'zod'
import { acmeGet, pageSchema } from './acme-api.js'
import type { AcmeConfig } from './config.js'

/**
 * Where a stream resumes. Acme's `updated_after` is inclusive, so the next run asks again for the
 * last instant read and skips the ids it already has from that instant: nothing is read twice, and
 * nothing updated in the same second after the run is lost.
 */
export const checkpointSchema = z.object({
  updatedAfter: z.iso.datetime({ offset: true }),
  idsAtUpdatedAfter: z.array(z.string()),
})
export type Checkpoint = z.infer<typeof checkpointSchema>

type Item = { id: string; updated_at: string }

function isNew(item: Item, position: Checkpoint | undefined): boolean {
  if (!position) return true
  const [time, last] = [Date.parse(item.updated_at), Date.parse(position.updatedAfter)]
  return time > last || (time === last && !position.idsAtUpdatedAfter.includes(item.id))
}

function advance(position: Checkpoint | undefined, item: Item): Checkpoint {
  if (!position || Date.parse(item.updated_at) > Date.parse(position.updatedAfter)) {
    return { updatedAfter: item.updated_at, idsAtUpdatedAfter: [item.id] }
  }
  return { ...position, idsAtUpdatedAfter: [...position.idsAtUpdatedAfter, item.id] }
}

/**
 * A stream over an Acme list endpoint (`?updated_after=&cursor=`, oldest change first). One batch
 * per page, each with the checkpoint after it: the host commits both together, so a run cut short
 * resumes after the last committed page, not from the start.
 */
export function incrementalStream<Schema extends z.ZodType<Item>>(
  path: string,
  item: Schema,
  toEnvelope: (item: z.infer<Schema>) => EnvelopeInput,
  description: string,
): StreamDefinition<AcmeConfig, Checkpoint> {
  const page = pageSchema(item)
  return {
    description,
    checkpoint: checkpointSchema,
    async *read(ctx, { config, checkpoint }) {
      let position = checkpoint
      let cursor: string | undefined
      do {
        // A cursor continues the listing it came from, so updated_after stays the one the run began with.
        const { data, next_cursor } = await acmeGet(ctx, config, path, page, {
          updated_after: checkpoint?.updatedAfter,
          cursor,
          limit: 100,
        })
        const fresh = data.filter((entry) => isNew(entry, position))
        for (const entry of fresh) position = advance(position, entry)
        if (position) yield { envelopes: fresh.map(toEnvelope), checkpoint: position }
        cursor = next_cursor ?? undefined
      } while (cursor)
      ctx.logger.info(`read ${path}`, { until: position?.updatedAfter })
    },
  }
}
