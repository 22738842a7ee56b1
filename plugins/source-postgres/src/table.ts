import { ConfigurationError } from '@rapport/plugin-sdk'
import type { PostgresSourceConfig } from './config.js'
import type { Session } from './connection.js'
import { type ColumnRole, mappedColumns } from './mapping.js'
import { quoteName, quoteTable } from './sql-names.js'

/**
 * The table or view as the catalog describes it (pg_class, pg_attribute, pg_type), checked against the
 * config before anything is read: a missing table or column, or a column whose type cannot serve its
 * use, is a ConfigurationError naming every problem at once.
 */

export interface ColumnInfo {
  /** The type as SQL writes it, with its modifier (character(4), not character: one letter), to cast the checkpoint back. */
  type: string
  /** The base type's name (a domain's underlying type): timestamptz, int8, text. */
  base: string
  /** pg_type.typcategory: N numeric, S string, D date/time, B boolean, E enum, A array, U user-defined. */
  category: string
  notNull: boolean
}

export interface TableInfo {
  oid: number
  kind: string
  /** "erp"."customers", as messages and SQL write it. */
  label: string
  columns: Map<string, ColumnInfo>
}

const relationKinds: Record<string, string> = {
  r: 'table',
  p: 'partitioned table',
  v: 'view',
  m: 'materialized view',
  f: 'foreign table',
}

const times = ['timestamptz', 'timestamp', 'date']
const isTime = (column: ColumnInfo) => times.includes(column.base)
const textual = (column: ColumnInfo) => 'SNE'.includes(column.category) || column.base === 'uuid'

const accepts: Record<ColumnRole, { test(column: ColumnInfo): boolean; wanted: string }> = {
  incremental: {
    test: (column) => isTime(column) || ['int2', 'int4', 'int8', 'numeric'].includes(column.base),
    wanted: 'a timestamp, a date or an integer (a sequence)',
  },
  key: {
    test: (column) => textual(column) || column.category === 'D',
    wanted: 'a text, number, uuid, enum or time column',
  },
  text: { test: textual, wanted: 'a text, number, uuid or enum column' },
  time: { test: isTime, wanted: 'a timestamp or a date' },
  // money's text depends on the server's locale ($1,234.50): cast it to numeric in a view.
  amount: {
    test: (column) => (column.category === 'N' && column.base !== 'money') || column.category === 'S',
    wanted: 'a numeric, integer or text column (money: cast it to numeric in a view)',
  },
  deleted: {
    test: (column) => column.base === 'bool' || isTime(column),
    wanted: 'a boolean (true = deleted) or a time (set = deleted)',
  },
  value: { test: (column) => column.base !== 'bytea', wanted: 'a column with a JSON form (not bytea)' },
}

export async function describeTable(session: Session, config: PostgresSourceConfig): Promise<TableInfo> {
  const label = quoteTable(config.table)
  const [relation] = await session.query<{ oid: number; relkind: string }>(
    `select c.oid, c.relkind
       from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relname = $2 and c.relkind = any($3)`,
    [config.table.schema, config.table.name, Object.keys(relationKinds)],
  )
  if (!relation) throw await missingTable(session, config, label)

  const rows = await session.query<{ name: string } & ColumnInfo>(
    `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type, b.typname as base,
            b.typcategory as category, a.attnotnull as "notNull"
       from pg_catalog.pg_attribute a
       join pg_catalog.pg_type t on t.oid = a.atttypid
       join pg_catalog.pg_type b on b.oid = case when t.typtype = 'd' then t.typbasetype else t.oid end
      where a.attrelid = $1 and a.attnum > 0 and not a.attisdropped
      order by a.attnum`,
    [relation.oid],
  )
  const columns = new Map(rows.map(({ name, ...info }) => [name, info]))
  const info = { oid: relation.oid, kind: relationKinds[relation.relkind]!, label, columns }
  const problems = columnProblems(config, info)
  if (problems.length) {
    throw new ConfigurationError(`the settings do not fit the ${info.kind} ${label}: ${problems.join('; ')}`)
  }
  return info
}

async function missingTable(session: Session, config: PostgresSourceConfig, label: string) {
  const others = await session.query<{ name: string }>(
    `select c.relname as name
       from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relkind = any($2)
      order by c.relname limit 20`,
    [config.table.schema, Object.keys(relationKinds)],
  )
  const hint = others.length
    ? `; ${quoteName(config.table.schema)} has ${others.map(({ name }) => name).join(', ')}`
    : `, and no table or view in schema ${quoteName(config.table.schema)} that this role can see`
  return new ConfigurationError(`there is no table or view ${label} in database "${session.database}"${hint}`)
}

function columnProblems(config: PostgresSourceConfig, table: TableInfo): string[] {
  const problems: string[] = []
  const missing: string[] = []
  for (const { name, role, setting } of mappedColumns(config)) {
    const column = table.columns.get(name)
    if (!column) missing.push(`${setting}: there is no column ${quoteName(name)}`)
    else if (!accepts[role].test(column)) {
      problems.push(`${setting}: ${quoteName(name)} is ${column.type}; it must be ${accepts[role].wanted}`)
    }
  }
  if (missing.length) {
    const names = [...table.columns.keys()].map(quoteName).join(', ')
    problems.unshift(...missing, `the columns are ${names || '(none)'}`)
  }
  const incremental = table.columns.get(config.incrementalColumn)
  if (incremental && !isTime(incremental)) {
    if (!config.mapping.occurredAtColumn) {
      problems.push(
        `incrementalColumn ${quoteName(config.incrementalColumn)} is not a time, so mapping.occurredAtColumn must say when each row changed`,
      )
    }
    if (config.lagSeconds > 0) {
      problems.push(
        `lagSeconds needs a time as incrementalColumn, and ${quoteName(config.incrementalColumn)} is not one`,
      )
    }
  }
  return problems
}

/**
 * Advice for the check message about a table (not a view: its base tables cannot be seen from here):
 * the index the batch query wants, the key's uniqueness, and rows the sync can never read.
 */
export async function tableNotes(session: Session, config: PostgresSourceConfig, table: TableInfo) {
  if (table.kind !== 'table' && table.kind !== 'partitioned table') return []
  const indexes = await session.query<{ unique: boolean; columns: string[] }>(
    `select i.indisunique as unique,
            array(select a.attname::text from unnest(i.indkey::int2[]) with ordinality k(attnum, position)
                    join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
                   where k.position <= i.indnkeyatts order by k.position) as columns
       from pg_catalog.pg_index i where i.indrelid = $1`,
    [table.oid],
  )
  const { incrementalColumn: incremental, keyColumn: key } = config
  const sortColumns = incremental === key ? [incremental] : [incremental, key]
  const notes: string[] = []
  if (!indexes.some(({ columns }) => sortColumns.every((name, at) => columns[at] === name))) {
    notes.push(
      `no index starts with (${sortColumns.join(', ')}), so each batch sorts the table: CREATE INDEX ON ${table.label} (${sortColumns.map(quoteName).join(', ')})`,
    )
  }
  if (!indexes.some((index) => index.unique && index.columns.every((name) => sortColumns.includes(name)))) {
    notes.push(
      `no unique index on ${quoteName(key)}: rows that share (${sortColumns.join(', ')}) can be missed at a batch boundary`,
    )
  }
  const nullable = sortColumns.filter((name) => !table.columns.get(name)?.notNull)
  if (nullable.length) {
    notes.push(`rows where ${nullable.map(quoteName).join(' or ')} is null are never read`)
  }
  return notes
}
