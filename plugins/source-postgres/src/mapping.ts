import type { PostgresSourceConfig } from './config.js'

/**
 * What each column named in the config is used for, so that the table's columns can be checked
 * against it (it exists, its type fits) and the batch query selects exactly these.
 */
export type ColumnRole =
  /** the incremental column: a time or a number */
  | 'incremental'
  /** the tie-breaking key: anything ordered */
  | 'key'
  /** identifiers, ids, status, title, currency, event names: read as text */
  | 'text'
  /** occurredAt */
  | 'time'
  | 'amount'
  /** the soft delete flag or time */
  | 'deleted'
  /** traits and properties: any value that has a JSON form */
  | 'value'

export interface MappedColumn {
  name: string
  role: ColumnRole
  /** Where the config names it, for messages: mapping.amountColumn. */
  setting: string
}

export function mappedColumns(config: PostgresSourceConfig): MappedColumn[] {
  const { mapping } = config
  const columns: MappedColumn[] = [
    { name: config.incrementalColumn, role: 'incremental', setting: 'incrementalColumn' },
    { name: config.keyColumn, role: 'key', setting: 'keyColumn' },
  ]
  const add = (name: string | undefined, role: ColumnRole, setting: string) => {
    if (name !== undefined) columns.push({ name, role, setting: `mapping.${setting}` })
  }
  const addAll = (map: Record<string, string>, role: ColumnRole, setting: string) => {
    for (const [target, name] of Object.entries(map)) add(name, role, `${setting}.${target}`)
  }
  addAll(mapping.identifiers, 'text', 'identifiers')
  add(mapping.occurredAtColumn, 'time', 'occurredAtColumn')
  if (mapping.kind === 'identify') {
    addAll(mapping.traits, 'value', 'traits')
    add(mapping.deletedColumn, 'deleted', 'deletedColumn')
  } else if (mapping.kind === 'track') {
    add(mapping.eventColumn, 'text', 'eventColumn')
    addAll(mapping.properties, 'value', 'properties')
  } else {
    add(mapping.externalIdColumn, 'text', 'externalIdColumn')
    add(mapping.statusColumn, 'text', 'statusColumn')
    add(mapping.titleColumn, 'text', 'titleColumn')
    add(mapping.amountColumn, 'amount', 'amountColumn')
    add(mapping.currencyColumn, 'text', 'currencyColumn')
    add(mapping.eventColumn, 'text', 'eventColumn')
    add(mapping.deletedColumn, 'deleted', 'deletedColumn')
    addAll(mapping.properties, 'value', 'properties')
  }
  return columns
}

/** The column occurredAt comes from: the mapping's, else the incremental column (then it must be a time). */
export function occurredAtColumnOf(config: PostgresSourceConfig): string {
  return config.mapping.occurredAtColumn ?? config.incrementalColumn
}

/** The columns the batch query selects for the mapping, each once, in a stable order. */
export function selectedColumns(config: PostgresSourceConfig): string[] {
  const names = mappedColumns(config)
    .filter((column) => column.role !== 'incremental' && column.role !== 'key')
    .map((column) => column.name)
  return [...new Set([occurredAtColumnOf(config), ...names])]
}
