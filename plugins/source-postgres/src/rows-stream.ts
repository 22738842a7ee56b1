import {
  ConfigurationError,
  type EnvelopeInput,
  type PluginContext,
  type StreamDefinition,
} from '@rapport/plugin-sdk'
import { z } from 'zod'
import { batchQuery, type Position } from './batch-query.js'
import type { PostgresSourceConfig } from './config.js'
import { openSession, type Session } from './connection.js'
import { rowEnvelope } from './envelopes.js'
import { errorContextOf, pluginErrorFrom } from './errors.js'
import { describeTable } from './table.js'

export const checkpointSchema = z.object({
  // A position only means something in the columns it was taken in: see positionIn.
  columns: z.tuple([z.string(), z.string()]).describe('The incremental and key columns, in this order'),
  value: z.string().describe('The incremental column of the last row read, as PostgreSQL writes it'),
  key: z.string().describe('The key column of that row'),
})
export type Checkpoint = z.infer<typeof checkpointSchema>

// Skipped rows are each logged up to this many per run, then counted: a column of nulls must not flood the log.
const loggedSkips = 20

/**
 * The rows of the table in (incremental, key) order, one batch of `batchSize` rows per yield with the
 * position of its last row: the host commits both together, so a run that stops resumes after the
 * last committed batch. A batch is mapped whole before it is yielded, so an error never leaves half
 * of one behind.
 */
export const rowsStream: StreamDefinition<PostgresSourceConfig, Checkpoint> = {
  description: 'The rows of the table or view, oldest change first',
  checkpoint: checkpointSchema,
  read: (ctx, { config, checkpoint }) => readRows(ctx, config, checkpoint),
}

async function* readRows(
  ctx: PluginContext,
  config: PostgresSourceConfig,
  checkpoint: Checkpoint | undefined,
) {
  const context = errorContextOf(config)
  const columns: Checkpoint['columns'] = [config.incrementalColumn, config.keyColumn]
  let session: Session | undefined
  try {
    let position = checkpoint && positionIn(checkpoint, columns)
    session = await openSession(ctx, config)
    const table = await describeTable(session, config)
    const query = batchQuery(config, table)
    const bound =
      config.lagSeconds > 0
        ? (await session.query<{ bound: string }>(query.boundSql, [config.lagSeconds]))[0]!.bound
        : undefined
    const tally = { rows: 0, envelopes: 0, skipped: 0 }
    for (;;) {
      const { text, values } = query.after(position, bound)
      const rows = query.rowsOf(await session.rows(text, values))
      if (!rows.length) break
      const envelopes: EnvelopeInput[] = []
      for (const row of rows) {
        const outcome = rowEnvelope(row, config, table.label)
        if ('envelope' in outcome) envelopes.push(outcome.envelope)
        else if (++tally.skipped <= loggedSkips) {
          ctx.logger.warn('row skipped', { table: table.label, key: row.key, reason: outcome.skipped })
        }
        position = { value: row.incremental, key: row.key }
      }
      tally.rows += rows.length
      tally.envelopes += envelopes.length
      yield { envelopes, checkpoint: { columns, ...position! } }
      if (rows.length < config.batchSize) break
    }
    if (tally.skipped > loggedSkips) {
      ctx.logger.warn(`${tally.skipped - loggedSkips} more rows skipped`, { table: table.label })
    }
    ctx.logger.info(`read ${table.label}`, { ...tally, ...(bound ? { until: bound } : {}), position })
  } catch (error) {
    throw pluginErrorFrom(error, context)
  } finally {
    await session?.close()
  }
}

/**
 * The saved position, if it was taken in the columns the config reads by now. A position in
 * updated_at means nothing in created_at: going on from it would silently skip rows, and starting
 * over would repeat events, so the user chooses (resetting the sync position reads from the start).
 */
function positionIn(checkpoint: Checkpoint, columns: Checkpoint['columns']): Position {
  const [incremental, key] = checkpoint.columns
  if (incremental !== columns[0] || key !== columns[1]) {
    throw new ConfigurationError(
      `the saved sync position is in (${incremental}, ${key}) but the settings now read by (${columns.join(', ')}): reset the source's sync position to read the table from the start`,
    )
  }
  return { value: checkpoint.value, key: checkpoint.key }
}
