/**
 * Cell values that need more than a string: amounts and dates. Each parser accepts a short, documented
 * list of spellings (README.md, "Accepted values") and returns undefined for anything else, so that a
 * doubtful cell becomes a row failure the user can see instead of a wrong number or day.
 */

export const dateOrders = ['day-first', 'month-first'] as const
export type DateOrder = (typeof dateOrders)[number]

export const decimalSeparators = ['.', ','] as const
export type DecimalSeparator = (typeof decimalSeparators)[number]

// Spaces (also the non-breaking ones spreadsheets use) and apostrophes only ever group digits.
const digitGroupMarks = /[\s\u00a0\u202f']/g
const amountPatterns: Record<DecimalSeparator, RegExp> = {
  '.': /^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/,
  ',': /^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$/,
}

/**
 * `1234.5`, `-1,234.50`, `1 234.50` (decimal point), or `1.234,50`, `1 234,50` (decimal comma). The
 * other mark may only group thousands, so `1,5` with a decimal point is refused rather than read as 15.
 */
export function parseAmount(text: string, decimal: DecimalSeparator): number | undefined {
  const compact = text.replace(digitGroupMarks, '')
  if (!amountPatterns[decimal].test(compact)) return undefined
  const grouping = decimal === '.' ? ',' : '.'
  const value = Number(compact.replaceAll(grouping, '').replace(decimal, '.'))
  return Number.isFinite(value) ? value : undefined
}

const isoWithOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i
const isoLocal = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?$/
const numericDate = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/

/**
 * An ISO-8601 UTC time for a cell, or undefined. Accepted:
 * - ISO 8601 with an offset: `2024-03-05T14:30:00Z`, `2024-03-05T14:30:00.250+01:00`;
 * - ISO 8601 without one, read as UTC: `2024-03-05`, `2024-03-05 14:30`, `2024-03-05T14:30:00`;
 * - `05/03/2024`, `05.03.2024`, `05-03-2024`, optionally followed by ` 14:30` or ` 14:30:00`, read as
 *   UTC, day first or month first as the upload says (no guessing: 05/03 is one day or the other).
 */
export function parseDate(text: string, order: DateOrder): string | undefined {
  if (isoWithOffset.test(text)) {
    const time = Date.parse(text)
    // Date.parse rolls 2024-02-30 over to March: a day that does not exist is a typo, not a day.
    const realDay = utc(...text.slice(0, 10).split('-')) !== undefined
    return Number.isNaN(time) || !realDay ? undefined : new Date(time).toISOString()
  }
  const iso = isoLocal.exec(text)
  if (iso) {
    return utc(...iso.slice(1))
  }
  const numeric = numericDate.exec(text)
  if (numeric) {
    const [, first, second, year, ...time] = numeric
    const [day, month] = order === 'day-first' ? [first, second] : [second, first]
    return utc(year, month, day, ...time)
  }
  return undefined
}

/** Year, month, day[, hour, minute, second] as written, to an ISO time in UTC if it is a real moment. */
function utc(...parts: (string | undefined)[]): string | undefined {
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0] = parts.map((part) => Number(part ?? 0))
  // Date.UTC reads years below 100 as 19xx; four-digit years before 1000 are typos anyway.
  if (y < 1000 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 59) return undefined
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s)).toISOString()
}

function daysIn(year: number, month: number): number {
  return month >= 1 && month <= 12 ? new Date(Date.UTC(year, month, 0)).getUTCDate() : 0
}
