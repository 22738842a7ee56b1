/**
 * Column values as envelopes need them. The connection keeps times, dates, numeric and bigint as
 * PostgreSQL's text (session time zone UTC, DateStyle ISO), so these are exact conversions, not guesses.
 */

export const typeOids = { int8: 20, date: 1082, timestamp: 1114, timestamptz: 1184, numeric: 1700 } as const
export const rawTextTypes: ReadonlySet<number> = new Set(Object.values(typeOids))

/** One value of a row with the type PostgreSQL sent it as. */
export interface ColumnValue {
  value: unknown
  oid: number
}

const timestampText = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)(\+00)?$/
const dateText = /^\d{4}-\d{2}-\d{2}$/

/**
 * An ISO-8601 UTC time for a timestamptz, timestamp (read as UTC) or date (its midnight UTC); undefined
 * for null, infinity and years outside 0001-9999 (BC, 5 digits), which an envelope cannot carry.
 */
export function isoTime({ value, oid }: ColumnValue): string | undefined {
  if (typeof value !== 'string') return undefined
  if (oid === typeOids.date) return dateText.test(value) ? `${value}T00:00:00Z` : undefined
  const match = timestampText.exec(value)
  if (!match) return undefined
  const zoned = match[3] !== undefined
  if (zoned !== (oid === typeOids.timestamptz)) return undefined
  return `${match[1]}T${match[2]}Z`
}

/** A trimmed, non-empty text for identifiers, ids, status, currency, event names. */
export function textOf({ value }: ColumnValue): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value)
  return undefined
}

const decimal = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/

/**
 * An amount: a number column (numeric arrives as its exact text) or a text column holding a plain
 * decimal such as 12.50. NaN, Infinity, "12,50" or "€12" are not amounts: undefined.
 */
export function amountOf({ value }: ColumnValue): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (typeof value !== 'string' || !decimal.test(value.trim())) return undefined
  const amount = Number(value.trim())
  return Number.isFinite(amount) ? amount : undefined
}

/** A soft delete: a true flag, or a deleted-at time that is set. */
export function isDeleted({ value }: ColumnValue): boolean {
  return value === true || typeof value === 'string'
}

/**
 * A trait or property value in its JSON form; undefined for null, so that an unknown value does not
 * erase what another source knows. Times become ISO 8601, dates stay 2026-02-01; numeric and bigint
 * become numbers when a double holds them exactly (up to 15 significant digits), else stay text.
 */
export function jsonValueOf(column: ColumnValue): unknown {
  const { value, oid } = column
  if (value === null || value === undefined) return undefined
  if (oid === typeOids.timestamptz || oid === typeOids.timestamp) return isoTime(column) ?? value
  if ((oid === typeOids.numeric || oid === typeOids.int8) && typeof value === 'string') {
    return exactNumber(value) ?? value
  }
  if (value instanceof Date) return value.toISOString()
  return value
}

function exactNumber(text: string): number | undefined {
  if (!decimal.test(text)) return undefined
  const significant = text.replace(/^[+-]/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '')
  return significant.length <= 15 ? Number(text) : undefined
}
