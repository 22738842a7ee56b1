import { ConfigurationError, identifierSchema, recordObjectSchema } from '@rapport/plugin-sdk'
import { z } from 'zod'
import { csvDelimiters } from './csv.js'
import { dateOrders, decimalSeparators } from './values.js'

/**
 * What the user says about a file: which kind of rows it holds and what each column becomes. Exported
 * as zod schemas so that the admin UI builds the mapping form from them.
 */

export const importKinds = ['contacts', 'records'] as const
export type ImportKind = (typeof importKinds)[number]

export const recordFields = [
  'externalId',
  'type',
  'status',
  'title',
  'amount',
  'currency',
  'occurredAt',
] as const
export type RecordField = (typeof recordFields)[number]

const key = z.string().trim().min(1, 'is required').max(100)

export const columnTargetSchema = z.discriminatedUnion('to', [
  z.object({ to: z.literal('identifier'), type: identifierSchema.shape.type }),
  z.object({ to: z.literal('trait'), key }),
  z.object({ to: z.literal('record'), field: z.enum(recordFields) }),
  z.object({ to: z.literal('property'), key }),
  z.object({ to: z.literal('ignore') }),
])
export type ColumnTarget = z.infer<typeof columnTargetSchema>

export const importCsvOptionsSchema = z.object({
  kind: z.enum(importKinds).describe('contacts: one person per row; records: one business object per row'),
  columns: z
    .record(z.string().min(1), columnTargetSchema)
    .describe('Header name to what the column becomes; columns left out are ignored'),
  recordType: recordObjectSchema.shape.type
    .optional()
    .describe('Record type of every row when no column is mapped to the record field type, e.g. order'),
  occurredAtColumn: z
    .string()
    .min(1)
    .optional()
    .describe('Column holding when the row happened; the import time when none'),
  delimiter: z.enum(csvDelimiters).optional().describe('Found from the header line when left out'),
  dateOrder: z.enum(dateOrders).default('day-first').describe('How to read 05/03/2024'),
  decimalSeparator: z.enum(decimalSeparators).default('.').describe('How to read 1,500'),
  batchSize: z.number().int().min(1).max(10_000).default(500),
})
export type ImportCsvOptions = z.infer<typeof importCsvOptionsSchema>
export type ImportCsvOptionsInput = z.input<typeof importCsvOptionsSchema>

export const importCsvConfigSchema = z.object({
  defaultCurrency: recordObjectSchema.shape.currency.describe(
    'ISO 4217 currency of amounts when a file has no currency column or the cell is empty, e.g. EUR',
  ),
})
export type ImportCsvConfig = z.infer<typeof importCsvConfigSchema>

/** Where each mapped value sits in a row, by column position. */
export interface ColumnPlan {
  kind: ImportKind
  headers: string[]
  identifiers: { column: number; type: string }[]
  traits: { column: number; key: string }[]
  properties: { column: number; key: string }[]
  fields: Partial<Record<Exclude<RecordField, 'occurredAt'>, number>>
  occurredAt?: number
}

interface Mapped {
  column: string
  target: Exclude<ColumnTarget, { to: 'ignore' }>
}

/**
 * Everything wrong with a mapping, in words for the user; empty when it is fine. Without headers it
 * checks the mapping alone, as the form can before a file is read.
 */
export function mappingProblems(
  options: ImportCsvOptions,
  context: { headers?: string[]; defaultCurrency?: string } = {},
): string[] {
  const problems: string[] = []
  const mapped = mappedColumns(options)
  const records = options.kind === 'records'

  if (!mapped.some(({ target }) => target.to === 'identifier')) {
    problems.push(
      'map at least one column to an identifier (email, phone, userId or a vendor id): each row needs one to find its customer',
    )
  }
  for (const { column, target } of mapped) {
    if (!records && (target.to === 'record' || target.to === 'property')) {
      const what = target.to === 'record' ? `the record field ${target.field}` : 'a property'
      problems.push(`column "${column}" maps to ${what}, which only a records import has`)
    }
    if (records && target.to === 'trait') {
      problems.push(`column "${column}" maps to a trait, which only a contacts import has: use a property`)
    }
  }
  const twice = (label: string, of: (target: Mapped['target']) => string | undefined) => {
    const seen = new Map<string, string>()
    for (const { column, target } of mapped) {
      const name = of(target)
      if (name === undefined) continue
      const first = seen.get(name)
      if (first !== undefined)
        problems.push(`columns "${first}" and "${column}" both map to ${label} ${name}`)
      else seen.set(name, column)
    }
  }
  twice('the record field', (target) => (target.to === 'record' ? target.field : undefined))
  twice('the trait', (target) => (target.to === 'trait' ? target.key : undefined))
  twice('the property', (target) => (target.to === 'property' ? target.key : undefined))

  const fieldColumn = (field: RecordField) =>
    mapped.find(({ target }) => target.to === 'record' && target.field === field)?.column
  if (records) {
    if (!fieldColumn('externalId')) problems.push('map a column to the record field externalId')
    if (!fieldColumn('type') && !options.recordType) {
      problems.push('map a column to the record field type, or set the record type of every row')
    }
    if (fieldColumn('amount') && !fieldColumn('currency') && !context.defaultCurrency) {
      problems.push(
        'amounts need a currency: map a column to the record field currency, or set the default currency in the settings',
      )
    }
  }
  const occurredAtField = fieldColumn('occurredAt')
  if (
    records &&
    occurredAtField &&
    options.occurredAtColumn &&
    occurredAtField !== options.occurredAtColumn
  ) {
    problems.push(
      `occurredAt comes from column "${occurredAtField}" and from occurredAtColumn "${options.occurredAtColumn}": keep one`,
    )
  }

  if (context.headers) {
    const headers = context.headers.map((header) => header.trim())
    const occurredAt = occurredAtColumn(options)
    const needed = [...new Set([...mapped.map(({ column }) => column), ...(occurredAt ? [occurredAt] : [])])]
    const missing = needed.filter((column) => !headers.includes(column.trim()))
    if (missing.length) {
      problems.push(
        `the file has no column ${list(missing)}; its columns are ${headers.length ? list(headers) : '(none)'}`,
      )
    }
    const repeated = needed.filter((column) => headers.filter((h) => h === column.trim()).length > 1)
    if (repeated.length) problems.push(`the file has more than one column named ${list(repeated)}`)
  }
  return [...new Set(problems)]
}

/** The positions of the mapped columns in this header, or a ConfigurationError with every problem. */
export function planColumns(
  options: ImportCsvOptions,
  headers: string[],
  config: ImportCsvConfig,
): ColumnPlan {
  const problems = mappingProblems(options, { headers, defaultCurrency: config.defaultCurrency })
  if (problems.length) throw new ConfigurationError(`The column mapping does not fit: ${problems.join('; ')}`)
  const position = (column: string) => headers.indexOf(column.trim())
  const plan: ColumnPlan = {
    kind: options.kind,
    headers,
    identifiers: [],
    traits: [],
    properties: [],
    fields: {},
  }
  for (const { column, target } of mappedColumns(options)) {
    const at = position(column)
    if (target.to === 'identifier') plan.identifiers.push({ column: at, type: target.type })
    else if (target.to === 'trait') plan.traits.push({ column: at, key: target.key })
    else if (target.to === 'property') plan.properties.push({ column: at, key: target.key })
    else if (target.field !== 'occurredAt') plan.fields[target.field] = at
  }
  const occurredAt = occurredAtColumn(options)
  if (occurredAt) plan.occurredAt = position(occurredAt)
  return plan
}

function mappedColumns(options: ImportCsvOptions): Mapped[] {
  return Object.entries(options.columns).flatMap(([column, target]) =>
    target.to === 'ignore' ? [] : [{ column, target }],
  )
}

function occurredAtColumn(options: ImportCsvOptions): string | undefined {
  if (options.occurredAtColumn) return options.occurredAtColumn
  if (options.kind !== 'records') return undefined
  return mappedColumns(options).find(({ target }) => target.to === 'record' && target.field === 'occurredAt')
    ?.column
}

function list(names: string[]): string {
  return names.map((name) => `"${name}"`).join(', ')
}
