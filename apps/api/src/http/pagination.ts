import { type RawBuilder, sql } from 'kysely'

/**
 * Keyset pagination, newest first, by (time, id): the cursor is the last row's pair, opaque to
 * clients. One way for every list ordered that way (customers, timeline, records, sync runs).
 */
export function encodeCursor(at: string, id: string): string {
  return Buffer.from(`${at}|${id}`).toString('base64url')
}

export function decodeCursor(cursor: string | undefined): { at: Date; id: string } | undefined {
  if (!cursor) return undefined
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|')
  if (!at || !id || Number.isNaN(Date.parse(at))) return undefined
  return { at: new Date(at), id }
}

/** Rows strictly after the cursor in (time desc, id desc) order; a row comparison the index serves. */
export function beforeCursor(
  cursor: { at: Date; id: string },
  timeColumn: string,
  idColumn: string,
): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref(timeColumn)}, ${sql.ref(idColumn)}) < (${cursor.at}, ${cursor.id})`
}

/** The page of `limit` rows (one more was read to know whether another page follows). */
export function toPage<T>(rows: T[], limit: number, cursorOf: (last: T) => [string, string]) {
  const items = rows.slice(0, limit)
  const last = items.at(-1)
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(...cursorOf(last)) : null }
}
