import { type RawBuilder, sql } from 'kysely'
import { badRequest } from './problem.js'

/**
 * Keyset pagination, newest first, by (time, id): the cursor is the last row's pair, opaque to
 * clients. One way for every list ordered that way (customers, timeline, records, sync runs).
 */
export function encodeCursor(at: string, id: string): string {
  return Buffer.from(`${at}|${id}`).toString('base64url')
}

/** The ids a list is ordered by: a uuid, or a bigserial. */
const cursorIds = {
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  serial: /^\d{1,18}$/,
}

/**
 * The cursor a page of this list gave, or a 400 naming it: a cursor that is not one (mangled, or
 * from another list) must neither reach the database as a bad id nor quietly start over at page 1.
 */
export function decodeCursor(
  cursor: string | undefined,
  idKind: keyof typeof cursorIds,
): { at: Date; id: string } | undefined {
  if (!cursor) return undefined
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|')
  if (!at || !id || rest.length > 0 || Number.isNaN(Date.parse(at)) || !cursorIds[idKind].test(id)) {
    throw badRequest('cursor is not one this list gave; ask for the first page without it', [
      { path: 'cursor', message: 'is not a cursor of this list' },
    ])
  }
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
