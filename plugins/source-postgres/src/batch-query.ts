import type pg from 'pg'
import type { PostgresSourceConfig } from './config.js'
import type { SourceRow } from './envelopes.js'
import { selectedColumns } from './mapping.js'
import { quoteName } from './sql-names.js'
import type { TableInfo } from './table.js'

/** Where a run stands: the last row read, its incremental and key values as PostgreSQL writes them. */
export interface Position {
  value: string
  key: string
}

/**
 * Keyset paging over (incremental, key): many rows can share one updated_at, so the key breaks the
 * tie, and `(inc, key) > ($1, $2)` resumes exactly after the last row read, with no row read twice
 * or skipped (https://www.postgresql.org/docs/current/functions-comparisons.html#ROW-WISE-COMPARISON).
 * Names are quoted, values are parameters; the types of the casts come from the catalog (format_type).
 */
export function batchQuery(config: PostgresSourceConfig, table: TableInfo) {
  // Qualified by the table's alias: a plain name in ORDER BY would first match the select list's
  // output names, where the incremental column can appear twice (as the checkpoint's text and mapped).
  const column = (name: string) => `source.${quoteName(name)}`
  const incremental = column(config.incrementalColumn)
  const key = column(config.keyColumn)
  const typeOf = (name: string) => table.columns.get(name)!.type
  const selected = selectedColumns(config)
  // Position 0 and 1 are the checkpoint's text; the mapped columns follow.
  const positions = new Map(selected.map((name, index) => [name, index + 2]))
  // A row updated at 'infinity' (or a numeric NaN, which sorts above it) would become the checkpoint
  // and hide every later change: such rows are left out, like rows whose position is null.
  const incrementalBase = table.columns.get(config.incrementalColumn)!.base
  const finite =
    incrementalBase === 'numeric'
      ? [`${incremental} < 'Infinity'::numeric`]
      : ['timestamptz', 'timestamp', 'date'].includes(incrementalBase)
        ? [`${incremental} < 'infinity'::${typeOf(config.incrementalColumn)}`]
        : []
  const select = [`${incremental}::text`, `${key}::text`, ...selected.map(column)].join(', ')

  return {
    /** The next batch after `position` (from the start without one), up to `bound` (the lag) when given. */
    after(position: Position | undefined, bound: string | undefined): { text: string; values: unknown[] } {
      const values: unknown[] = []
      const where = [`${incremental} is not null`, `${key} is not null`, ...finite]
      if (position) {
        values.push(position.value, position.key)
        where.push(
          `(${incremental}, ${key}) > ($1::${typeOf(config.incrementalColumn)}, $2::${typeOf(config.keyColumn)})`,
        )
      }
      if (bound !== undefined) {
        values.push(bound)
        where.push(`${incremental} <= $${values.length}::${typeOf(config.incrementalColumn)}`)
      }
      values.push(config.batchSize)
      const text = `select ${select} from ${table.label} as source where ${where.join(' and ')} order by ${incremental}, ${key} limit $${values.length}`
      return { text, values }
    },

    rowsOf(result: pg.QueryArrayResult<unknown[]>): SourceRow[] {
      const oids = result.fields.map((field) => field.dataTypeID)
      return result.rows.map((values) => ({
        incremental: values[0] as string,
        key: values[1] as string,
        column(name) {
          const at = positions.get(name)!
          return { value: values[at] ?? null, oid: oids[at]! }
        },
      }))
    },

    /** The newest incremental value this run reads: now - lag, by the database's clock. */
    boundSql: `select (now() - make_interval(secs => $1))::${typeOf(config.incrementalColumn)}::text as bound`,
  }
}
