import type { EnvelopeInput, StreamDefinition } from '@rapport/plugin-sdk'
import { z } from 'zod'
import type { OdooConfig } from './config.js'
import { type OdooModel, odooDatetime } from './odoo-models.js'
import { type Domain, odooClient } from './odoo-rpc.js'

/**
 * Where a stream resumes: everything written before `writeDate` (a second, as Odoo shows it) is read,
 * and at that second every row up to `id`.
 */
export const checkpointSchema = z.object({
  writeDate: odooDatetime,
  /** The highest id read at that second; 0 when none of it is read yet. */
  id: z.number().int().min(0),
})
export type Checkpoint = z.infer<typeof checkpointSchema>

type Keyed = { id: number; write_date: string }

/** The second after an Odoo datetime, as Odoo writes it. */
export function nextSecond(writeDate: string): string {
  const next = new Date(Date.parse(`${writeDate.replace(' ', 'T')}Z`) + 1000)
  return next.toISOString().slice(0, 19).replace('T', ' ')
}

/**
 * A stream over an Odoo model, incremental on write_date, oldest change first, one batch per page
 * with the checkpoint after it.
 *
 * Why it reads in two ways: Odoo keeps write_date to the microsecond (the writing transaction's
 * start) but shows it to the second. Ordered by "write_date asc, id asc", the rows of one shown
 * second come in an order the plugin cannot see, so a keyset on (shown second, id) would skip rows
 * there. Instead, a full page keeps only the rows of the seconds before its last one; the last
 * second is then read by id alone (`id asc`, a keyset that holds), and the read goes on after it.
 * Many rows written in one transaction (a mass update) share one second and are paged by id.
 */
export function incrementalStream<Schema extends z.ZodObject>(
  spec: OdooModel<Schema>,
  toEnvelopes: (row: z.infer<Schema> & Keyed, config: OdooConfig) => EnvelopeInput[],
  description: string,
): StreamDefinition<OdooConfig, Checkpoint> {
  return {
    description,
    checkpoint: checkpointSchema,
    async *read(ctx, { config, checkpoint }) {
      const session = await odooClient(ctx, config).authenticate()
      const optional = spec.optionalFields.length
        ? await session.existingFields(spec.model, spec.optionalFields)
        : []
      const fields = [
        ...Object.keys(spec.row.shape).filter((field) => !spec.optionalFields.includes(field)),
        ...optional,
      ]
      const page = async (terms: Domain, order: string) =>
        (await session.searchRead(
          spec.model,
          [...spec.domain, ...terms],
          { fields, order, limit: config.pageSize },
          spec.row,
        )) as (z.infer<Schema> & Keyed)[]
      const batch = (rows: (z.infer<Schema> & Keyed)[], position: Checkpoint) => ({
        envelopes: rows.flatMap((row) => toEnvelopes(row, config)),
        checkpoint: position,
      })

      let position = checkpoint
      for (;;) {
        if (position) {
          // The rest of the second the position is in, by id.
          const second = position.writeDate
          const rows = await page(
            [
              ['write_date', '>=', second],
              ['write_date', '<', nextSecond(second)],
              ['id', '>', position.id],
            ],
            'id asc',
          )
          const last = rows.at(-1)
          if (last) {
            position = { writeDate: second, id: last.id }
            yield batch(rows, position)
          }
          if (rows.length === config.pageSize) continue
        }

        const rows = await page(
          position ? [['write_date', '>=', nextSecond(position.writeDate)]] : [],
          'write_date asc, id asc',
        )
        const last = rows.at(-1)
        if (!last) break
        if (rows.length < config.pageSize) {
          // The last page holds all of its last second.
          const ids = rows.filter((row) => row.write_date === last.write_date).map((row) => row.id)
          position = { writeDate: last.write_date, id: Math.max(...ids) }
          yield batch(rows, position)
          break
        }
        // A full page: its last second may go on in the next one, so it is read by id next.
        const earlier = rows.filter((row) => row.write_date < last.write_date)
        position = { writeDate: last.write_date, id: 0 }
        if (earlier.length) yield batch(earlier, position)
      }
      ctx.logger.info(`read ${spec.model}`, { until: position })
    },
  }
}
