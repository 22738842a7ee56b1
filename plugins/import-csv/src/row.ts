import {
  type Envelope,
  type EnvelopeInput,
  envelopeSchema,
  type Identifier,
  messageIdFrom,
} from '@rapport/plugin-sdk'
import { trimCells } from './csv.js'
import { describeIssues } from './issues.js'
import type { ColumnPlan, ImportCsvConfig, ImportCsvOptions } from './mapping.js'
import { parseAmount, parseDate } from './values.js'

export const pluginId = 'import-csv'

export type RowOutcome = { envelope: Envelope } | { reason: string }

export interface RowSettings {
  plan: ColumnPlan
  options: ImportCsvOptions
  config: ImportCsvConfig
  now: () => Date
}

/** One data row to its envelope, or to the reason it cannot be one. Never throws for bad data. */
export function rowToEnvelope(cells: string[], settings: RowSettings): RowOutcome {
  const { plan, options, config } = settings
  if (cells.length !== plan.headers.length) {
    return { reason: `the row has ${cells.length} cells where the header has ${plan.headers.length}` }
  }
  const row = trimCells(cells)
  const cell = (column: number | undefined) => (column === undefined ? undefined : row[column] || undefined)
  const header = (column: number) => `"${plan.headers[column]}"`

  const identifiers = uniqueIdentifiers(
    plan.identifiers.flatMap(({ column, type }) => {
      const value = cell(column)
      return value ? [{ type, value }] : []
    }),
  )
  if (!identifiers.length) {
    const columns = plan.identifiers.map(({ column }) => header(column)).join(', ')
    return { reason: `no identifier: ${columns} ${plan.identifiers.length > 1 ? 'are' : 'is'} empty` }
  }

  // An empty date cell means "when imported", like a file without a date column.
  const occurredText = cell(plan.occurredAt)
  const occurredAt = occurredText === undefined ? undefined : parseDate(occurredText, options.dateOrder)
  if (occurredText !== undefined && occurredAt === undefined) {
    return {
      reason: `${header(plan.occurredAt!)} is not a date: "${occurredText}" (accepted: 2024-03-05, ${options.dateOrder === 'day-first' ? '05/03/2024' : '03/05/2024'}, ISO 8601)`,
    }
  }

  let content: Record<string, unknown>
  if (plan.kind === 'contacts') {
    content = { traits: keyedValues(plan.traits, cell) }
  } else {
    const object = recordObject(plan, options, config, cell, header)
    if ('reason' in object) return object
    content = object
  }
  const envelope = {
    type: plan.kind === 'contacts' ? 'identify' : 'record',
    ...(plan.kind === 'records' ? { action: 'upsert' } : {}),
    messageId: messageId(plan, identifiers, content, occurredAt),
    identifiers,
    occurredAt: occurredAt ?? settings.now().toISOString(),
    ...content,
  } as EnvelopeInput
  const checked = envelopeSchema.safeParse(envelope)
  if (!checked.success) {
    return {
      reason: `the row does not make a valid ${envelope.type} envelope: ${describeIssues(checked.error)}`,
    }
  }
  return { envelope: checked.data }
}

function recordObject(
  plan: ColumnPlan,
  options: ImportCsvOptions,
  config: ImportCsvConfig,
  cell: (column: number | undefined) => string | undefined,
  header: (column: number) => string,
): { object: Record<string, unknown> } | { reason: string } {
  const { fields } = plan
  const externalId = cell(fields.externalId)
  if (!externalId) return { reason: `no externalId: ${header(fields.externalId!)} is empty` }
  // "Sales Order" in a type column is the record type sales-order.
  const type =
    cell(fields.type)
      ?.toLowerCase()
      .replace(/[\s_]+/g, '-') ?? options.recordType
  if (!type) return { reason: `no record type: ${header(fields.type!)} is empty` }
  const amountText = cell(fields.amount)
  const amount = amountText === undefined ? undefined : parseAmount(amountText, options.decimalSeparator)
  if (amountText !== undefined && amount === undefined) {
    return {
      reason: `${header(fields.amount!)} is not an amount: "${amountText}" (decimal ${options.decimalSeparator === '.' ? 'point' : 'comma'} expected)`,
    }
  }
  const currency =
    cell(fields.currency)?.toUpperCase() ?? (amount === undefined ? undefined : config.defaultCurrency)
  if (amount !== undefined && !currency) {
    return { reason: `the amount ${amountText} has no currency: ${header(fields.currency!)} is empty` }
  }
  const object = withoutUndefined({
    type,
    externalId,
    status: cell(fields.status),
    title: cell(fields.title),
    amount,
    currency,
    properties: keyedValues(plan.properties, cell),
  })
  return { object }
}

/** Non-empty cells under their trait or property key, kept as the strings the file has. */
function keyedValues(
  columns: { column: number; key: string }[],
  cell: (column: number) => string | undefined,
): Record<string, string> {
  const values: Record<string, string> = {}
  for (const { column, key } of columns) {
    const value = cell(column)
    if (value !== undefined) values[key] = value
  }
  return values
}

function uniqueIdentifiers(identifiers: Identifier[]): Identifier[] {
  const seen = new Set<string>()
  return identifiers.filter(
    ({ type, value }) => !seen.has(`${type}\n${value}`) && seen.add(`${type}\n${value}`),
  )
}

/**
 * The same row read with the same mapping always gets the same id, so a file imported twice is
 * deduplicated by the core; a changed row or a corrected mapping gets new ones. A date taken from the
 * clock is left out, as it changes from one import to the next.
 */
function messageId(
  plan: ColumnPlan,
  identifiers: Identifier[],
  content: Record<string, unknown>,
  occurredAt: string | undefined,
): string {
  const sorted = identifiers.map(({ type, value }) => `${type}:${value}`).sort()
  return messageIdFrom(pluginId, plan.kind, canonicalJson(sorted), canonicalJson(content), occurredAt)
}

/** JSON with object keys sorted, so that the order of the columns does not change the hash. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

function withoutUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T
}
