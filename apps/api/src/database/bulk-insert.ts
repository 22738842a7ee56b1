import { type RawBuilder, sql } from 'kysely'

export type ColumnType =
  | 'text'
  | 'uuid'
  | 'int'
  | 'smallint'
  | 'numeric'
  | 'timestamptz'
  | 'json'
  | 'jsonb'
  | 'text[]'

/**
 * A bulk INSERT as `select … from unnest($1::type[], $2::type[], …)`: one parameter per column
 * whatever the number of rows, so that a batch of thousands costs one short statement to build,
 * send and plan. Column names and types come from the code, never from input.
 */
export function unnestInsert(
  table: string,
  columns: Record<string, ColumnType>,
  rows: Record<string, unknown>[],
): RawBuilder<unknown> {
  const names = Object.keys(columns)
  const arrays = names.map((name) => {
    const type = columns[name]!
    const values = rows.map((row) => encode(row[name], type))
    // An array column cannot be unnested from a 2-D array: each row's array travels as one text.
    const elementType = type === 'text[]' ? 'text' : type
    return sql`${sql.val(values)}::${sql.raw(elementType)}[]`
  })
  const selects = names.map((name, i) =>
    columns[name] === 'text[]' ? sql`string_to_array(${sql.ref(`u.c${i}`)}, chr(31))` : sql.ref(`u.c${i}`),
  )
  return sql`insert into ${sql.table(table)} (${sql.join(names.map((n) => sql.ref(n)))})
    select ${sql.join(selects)} from unnest(${sql.join(arrays)}) as u(${sql.join(names.map((_, i) => sql.raw(`c${i}`)))})`
}

function encode(value: unknown, type: ColumnType): unknown {
  if (value === undefined || value === null) return null
  if (type === 'json' || type === 'jsonb') return typeof value === 'string' ? value : JSON.stringify(value)
  if (type === 'timestamptz') return value instanceof Date ? value.toISOString() : value
  if (type === 'text[]') return (value as string[]).map((v) => v.replaceAll('\u001f', ' ')).join('\u001f')
  return value
}

/**
 * `= any($1::type[])` for a list of any length: one parameter instead of one per value, so that a
 * batch's thousands of ids cost one short statement to build, send and plan.
 */
export function anyOf<T>(values: readonly T[], type: Exclude<ColumnType, 'text[]'>): RawBuilder<T> {
  return sql`any(${sql.val(values)}::${sql.raw(type)}[])`
}
