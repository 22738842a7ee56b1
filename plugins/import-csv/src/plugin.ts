import {
  ConfigurationError,
  definePlugin,
  type Envelope,
  type PluginContext,
  type UploadFailure,
} from '@rapport/plugin-sdk'
import type { z } from 'zod'
import { detectDelimiter, isBlank, readCsvRows, trimCells } from './csv.js'
import { describeIssues } from './issues.js'
import {
  type ColumnPlan,
  type ImportCsvConfig,
  type ImportCsvOptionsInput,
  importCsvConfigSchema,
  importCsvOptionsSchema,
  planColumns,
} from './mapping.js'
import { pluginId, rowToEnvelope } from './row.js'

export interface CsvUploadBatch {
  envelopes: Envelope[]
  /** Bytes of the file read so far, 0..1; the last batch says 1. */
  progress: number
  failures: UploadFailure[]
}

// Text the parser could not split is kept for the download, but not megabytes of it.
const unreadableKeep = 10_000

/**
 * Reads the upload row by row and yields batches of `batchSize` envelopes, with the rows that could
 * not become one as failures. Only a file that does not fit the mapping at all throws.
 */
export async function* parseCsvUpload(
  ctx: PluginContext,
  // The host validates the options first; they are checked again so a direct call gets the defaults.
  input: { config: ImportCsvConfig; options: ImportCsvOptionsInput; content: Buffer },
): AsyncGenerator<CsvUploadBatch> {
  const options = valid(importCsvOptionsSchema, input.options, 'upload options')
  const config = valid(importCsvConfigSchema, input.config ?? {}, 'settings')
  const { content } = input
  const delimiter = options.delimiter ?? detectDelimiter(content)
  const size = options.batchSize
  const progress = (bytes: number) => (content.length ? Math.min(bytes / content.length, 1) : 1)

  let plan: ColumnPlan | undefined
  let envelopes: Envelope[] = []
  let failures: UploadFailure[] = []
  let readTo = 0
  const counts = { rows: 0, envelopes: 0, failures: 0 }

  for await (const rows of readCsvRows(content, delimiter, ctx.signal)) {
    for (const row of rows) {
      if (!plan) {
        if ('unreadable' in row || isBlank(row.cells)) {
          throw new ConfigurationError(
            'The first line of the file must be a header naming its columns, and it is empty or unreadable',
          )
        }
        plan = planColumns(options, trimCells(row.cells), config)
        continue
      }
      if ('cells' in row && isBlank(row.cells)) continue
      counts.rows++
      const outcome =
        'unreadable' in row
          ? { reason: row.reason }
          : rowToEnvelope(row.cells, { plan, options, config, now: () => ctx.clock.now() })
      if ('envelope' in outcome) {
        // A full batch goes out when the next envelope comes, so the last batch is never empty.
        if (envelopes.length === size) {
          yield { envelopes, progress: progress(readTo), failures }
          envelopes = []
          failures = []
        }
        envelopes.push(outcome.envelope)
        counts.envelopes++
      } else {
        failures.push({ row: row.row, reason: outcome.reason, raw: rawRow(plan, row) })
        counts.failures++
        if (failures.length === size) {
          yield { envelopes: [], progress: progress(row.bytes), failures }
          failures = []
        }
      }
      readTo = row.bytes
    }
  }
  if (!plan) throw new ConfigurationError('The file is empty: it needs a header row naming its columns')
  ctx.logger.info('CSV upload read', { ...counts, delimiter, kind: options.kind })
  yield { envelopes, progress: 1, failures }
}

/** The row as the file has it, by header name, for the failures download. */
function rawRow(plan: ColumnPlan, row: { cells: string[] } | { unreadable: string }): Record<string, string> {
  if ('unreadable' in row) return { '#raw': row.unreadable.slice(0, unreadableKeep) }
  // Cells beyond the header have no name: they go under their position, #7 for the seventh.
  return Object.fromEntries(row.cells.map((cell, index) => [plan.headers[index] ?? `#${index + 1}`, cell]))
}

function valid<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  throw new ConfigurationError(`Invalid ${what}: ${describeIssues(parsed.error)}`)
}

export const importCsvPlugin = definePlugin({
  id: pluginId,
  name: 'CSV import',
  version: '1.0.0',
  sdk: '^1',
  categories: ['source'],
  description: 'Imports contacts or business records (orders, invoices, deals...) from a CSV file.',
  config: importCsvConfigSchema,
  upload: {
    accept: ['text/csv', 'application/csv', 'text/plain'],
    options: importCsvOptionsSchema,
    parse: parseCsvUpload,
  },
})
