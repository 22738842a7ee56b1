/**
 * Table and column names as PostgreSQL reads them (SQL identifiers): a plain name is folded to lower
 * case (`Customers` is `customers`), a "quoted" one is taken as written (`"Order Lines"`). Names are
 * parsed here and always sent quoted, so a name from the config can never become SQL of its own.
 */

export interface TableName {
  schema: string
  name: string
}

// PostgreSQL's plain identifier: a letter or underscore, then letters, digits, underscores or dollars.
const plainName = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/
// NAMEDATALEN - 1: PostgreSQL would silently cut a longer name, and then read another column.
const maxNameBytes = 63

/** The parts of a dotted name, or why it is not one. */
export function parseSqlName(text: string): { parts: string[] } | { problem: string } {
  const parts: string[] = []
  let rest = text.trim()
  for (;;) {
    let part: string
    if (rest.startsWith('"')) {
      const quoted = /^"((?:[^"]|"")*)"/.exec(rest)
      if (!quoted) return { problem: 'a quoted name is not closed with "' }
      part = quoted[1]!.replaceAll('""', '"')
      rest = rest.slice(quoted[0].length)
    } else {
      const plain = plainName.exec(rest)
      if (!plain)
        return { problem: `"${rest.slice(0, 20)}" is not a name: use letters, digits and _, or "quote" it` }
      part = plain[0].replace(/[A-Z]/g, (letter) => letter.toLowerCase())
      rest = rest.slice(plain[0].length)
    }
    if (!part) return { problem: 'a quoted name is empty' }
    if (part.includes('\0')) return { problem: 'a name cannot hold a NUL character' }
    if (Buffer.byteLength(part) > maxNameBytes) {
      return { problem: `"${part.slice(0, 20)}…" is longer than PostgreSQL's ${maxNameBytes} bytes` }
    }
    parts.push(part)
    if (!rest) return { parts }
    if (!rest.startsWith('.'))
      return { problem: `unexpected "${rest.slice(0, 20)}" after ${quoteName(part)}` }
    rest = rest.slice(1)
  }
}

/** `schema.table` or `table` (then in schema public). */
export function parseTableName(text: string): TableName | { problem: string } {
  const parsed = parseSqlName(text)
  if ('problem' in parsed) return parsed
  const [first, second, ...more] = parsed.parts
  if (more.length) return { problem: 'give schema.table, without the database name' }
  return second === undefined ? { schema: 'public', name: first! } : { schema: first!, name: second }
}

export function parseColumnName(text: string): { name: string } | { problem: string } {
  const parsed = parseSqlName(text)
  if ('problem' in parsed) return parsed
  if (parsed.parts.length > 1) return { problem: 'a column name has no dots: give the column alone' }
  return { name: parsed.parts[0]! }
}

/** A name as SQL text: always double-quoted, quotes inside doubled. */
export function quoteName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

export function quoteTable(table: TableName): string {
  return `${quoteName(table.schema)}.${quoteName(table.name)}`
}
