import type { SyncRunView } from '@rapport/api-client'

/**
 * What a run could not take, as the server records it in `details.failures`: rows of a file
 * (`row`, `reason`, `raw` cells by header) or envelopes a plugin produced that were invalid
 * (`index`, `messageId`, `errors`).
 */
export interface RunFailure {
  row?: number
  index?: number
  reason?: string
  raw?: Record<string, unknown>
  messageId?: string | null
  errors?: { path: string; message: string }[]
}

export function failuresOf(run: SyncRunView): RunFailure[] {
  const failures = run.details.failures
  return Array.isArray(failures)
    ? (failures.filter((f) => typeof f === 'object' && f !== null) as RunFailure[])
    : []
}

export function describeFailure(failure: RunFailure): string {
  if (failure.reason) return failure.reason.charAt(0).toUpperCase() + failure.reason.slice(1)
  if (failure.errors?.length)
    return failure.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ')
  return 'refused'
}

/** Where the failure sits: the file's row (as a spreadsheet numbers it) or the envelope's position. */
export function failurePlace(failure: RunFailure): string {
  if (failure.row !== undefined) return `Row ${failure.row}`
  if (failure.messageId) return failure.messageId
  return failure.index !== undefined ? `#${failure.index + 1}` : '—'
}

function csvCell(value: unknown): string {
  const text =
    value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value)
  return /[",\r\n;]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

const headersKey = (runId: string) => `rapport.import-headers.${runId}`

/**
 * The server keeps a failed row's cells by header name, in no particular order: the header order of
 * an upload is remembered in this browser tab, for the download to follow the file.
 */
export function rememberHeaders(runId: string, headers: string[]): void {
  try {
    sessionStorage.setItem(headersKey(runId), JSON.stringify(headers))
  } catch {
    // Storage refused (private mode, full): the download lists the columns in the server's order.
  }
}

export function rememberedHeaders(runId: string): string[] {
  try {
    const stored: unknown = JSON.parse(sessionStorage.getItem(headersKey(runId)) ?? '[]')
    return Array.isArray(stored) ? stored.filter((h): h is string => typeof h === 'string') : []
  } catch {
    return []
  }
}

/**
 * The failed rows as a CSV to fix and import again: the row number and reason first, then the
 * row's own cells under their header names, in the file's column order where it is known.
 */
export function failuresCsv(failures: RunFailure[], headerOrder: readonly string[] = []): string {
  const columns: string[] = headerOrder.filter((header) => failures.some((f) => f.raw && header in f.raw))
  for (const failure of failures) {
    for (const key of Object.keys(failure.raw ?? {})) if (!columns.includes(key)) columns.push(key)
  }
  const lines = [['Row', 'Reason', ...columns].map(csvCell).join(',')]
  for (const failure of failures) {
    lines.push(
      [
        failure.row ?? failurePlace(failure),
        describeFailure(failure),
        ...columns.map((c) => failure.raw?.[c]),
      ]
        .map(csvCell)
        .join(','),
    )
  }
  return `${lines.join('\r\n')}\r\n`
}

/** Hands text to the browser as a file download. */
export function downloadText(filename: string, text: string, type = 'text/csv;charset=utf-8'): void {
  // A byte order mark, so that spreadsheet programs read the file as UTF-8.
  const blob = new Blob([type.startsWith('text/csv') ? '\ufeff' : '', text], { type })
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
