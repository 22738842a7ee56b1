const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' })
const timeWithSeconds = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' })

/** A server time (ISO-8601, UTC) in the reader's locale and time zone; `fallback` when absent. */
export function formatDateTime(iso: string | null, fallback = '—'): string {
  return iso ? dateTime.format(new Date(iso)) : fallback
}

export function formatDate(iso: string | null, fallback = '—'): string {
  return iso ? dateOnly.format(new Date(iso)) : fallback
}

const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' })

/** The time of day alone, where the day is already said (under a date heading). */
export function formatTime(iso: string): string {
  return timeOnly.format(new Date(iso))
}

/** The time of day to the second, for figures that refresh while one looks. */
export function formatClock(date: Date): string {
  return timeWithSeconds.format(date)
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 })
const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 0 })

/** A count in the reader's locale: 12,480. */
export function formatNumber(value: number): string {
  return integer.format(value)
}

/** A share 0..1 as a whole percentage: 42 %. */
export function formatPercent(share: number): string {
  return percent.format(share)
}

/** A length of time for people: 850 ms, 12 s, 3 min 20 s, 2 h 5 min, 3 d 4 h. */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`
  if (seconds < 60) return `${Math.round(seconds)} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min${seconds % 60 >= 1 ? ` ${Math.floor(seconds % 60)} s` : ''}`
  const hours = Math.floor(minutes / 60)
  if (hours < 24) return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`
  const days = Math.floor(hours / 24)
  return `${days} d${hours % 24 ? ` ${hours % 24} h` : ''}`
}

/** Time from one server time to another (or to now), as formatDuration says it. */
export function formatElapsed(fromIso: string, toIso: string | null): string {
  const end = toIso ? Date.parse(toIso) : Date.now()
  return formatDuration(Math.max(0, (end - Date.parse(fromIso)) / 1000))
}

const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 })

/** An amount in major units with its ISO 4217 currency (12.5 EUR: €12.50); the bare number without one. */
export function formatMoney(amount: number, currency: string | null): string {
  if (!currency) return decimal.format(amount)
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(amount)
  } catch {
    // A code Intl does not know: still readable.
    return `${decimal.format(amount)} ${currency}`
  }
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })
const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
]

/** "3 minutes ago", "yesterday", "in 2 days": for glancing; pair it with the exact time in a title. */
export function formatRelativeTime(iso: string, now: number = Date.now()): string {
  const seconds = (new Date(iso).getTime() - now) / 1000
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit)
  }
  return Math.abs(seconds) < 45 ? 'just now' : relative.format(Math.round(seconds / 60), 'minute')
}

/** "1 order", "3 invoices": a count with its noun, plural by English rules for regular nouns. */
export function pluralize(count: number, singular: string, plural = `${singular}s`): string {
  return `${formatNumber(count)} ${count === 1 ? singular : plural}`
}
