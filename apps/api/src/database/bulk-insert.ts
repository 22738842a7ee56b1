import { type RawBuilder, sql } from 'kysely'

export type ColumnType =
  | 'text'
  | 'uuid'
  | 'int'
  | 'smallint'
  | 'bigint'
  | 'numeric'
  | 'timestamptz'
  | 'json'
  | 'jsonb'
  | 'text[]'

/**
 * A bulk INSERT as `select … from json_to_recordset($1)`: the rows travel as one JSON parameter
 * whatever their number, so that a batch of thousands costs one short statement to build, send and
 * plan, and one JSON.stringify instead of escaping every value into array literals. Values are plain
 * JavaScript values (a json column takes the value itself, not its text, and its null is JSON's
 * null); dates become ISO strings. A column with the same value in every row (the workspace) is given
 * once in `shared`, as a parameter of its own, instead of in each row.
 * Column names and types come from the code, never from input.
 */
export function bulkInsert(
  table: string,
  columns: Record<string, ColumnType>,
  rows: object[],
  shared: Record<string, unknown> = {},
): RawBuilder<unknown> {
  const names = Object.keys(columns)
  const value = (name: string) => {
    const type = columns[name]!
    if (name in shared) return sql`${shared[name]}::${sql.raw(type)}`
    return isJson(type) ? sql`coalesce(${sql.ref(`r.${name}`)}, 'null')` : sql.ref(`r.${name}`)
  }
  // Keys of a row that are not columns are left out by json_to_recordset.
  const definitions = names
    .filter((name) => !(name in shared))
    .map((name) => sql.raw(`"${name}" ${columns[name]}`))
  return sql`insert into ${sql.table(table)} (${sql.join(names.map((n) => sql.ref(n)))})
    select ${sql.join(names.map(value))}
    from json_to_recordset(${JSON.stringify(rows)}::json) as r(${sql.join(definitions)})`
}

const isJson = (type: ColumnType) => type === 'json' || type === 'jsonb'

/** Types whose values never need quoting in an array literal. */
const plain = new Set<ColumnType>(['uuid', 'bigint', 'int', 'smallint'])

/**
 * A list as one array parameter. node-postgres quotes and escapes every element of a JavaScript
 * array into an array literal (4 times slower than JSON.stringify for 5,000 ids, measured): ids,
 * which need no quoting, travel as a literal joined here, other values as a JSON array (whose
 * nulls stay nulls). Either way the list is a value the plan computes once, never per row.
 */
export function arrayOf(
  values: readonly unknown[],
  type: Exclude<ColumnType, 'text[]'>,
): RawBuilder<unknown[]> {
  if (plain.has(type)) return sql`${`{${values.join(',')}}`}::${sql.raw(type)}[]`
  return sql`array(select json_array_elements_text(${JSON.stringify(values)}::json))::${sql.raw(type)}[]`
}

/**
 * `= any(…)` for a list of any length: one parameter instead of one per value, so that a batch's
 * thousands of ids cost one short statement to build, send and plan.
 */
export function anyOf<T>(values: readonly T[], type: Exclude<ColumnType, 'text[]'>): RawBuilder<T> {
  return sql`any(${arrayOf(values, type)})`
}
