import {
  describeIssues,
  type EnvelopeInput,
  envelopeSchema,
  type Identifier,
  messageIdFrom,
} from '@rapport/plugin-sdk'
import type { Mapping, PostgresSourceConfig } from './config.js'
import { occurredAtColumnOf } from './mapping.js'
import { quoteName } from './sql-names.js'
import { amountOf, type ColumnValue, isDeleted, isoTime, jsonValueOf, textOf } from './values.js'

export const pluginId = 'source-postgres'

/** One row of a batch: its position (the checkpoint, as PostgreSQL's text) and its mapped columns. */
export interface SourceRow {
  incremental: string
  key: string
  column(name: string): ColumnValue
}

/** A row becomes an envelope, or is skipped with the reason, which the stream logs with the row's key. */
export type RowOutcome = { envelope: EnvelopeInput } | { skipped: string }

/**
 * The envelope of one row as the mapping says. Empty values are left out; a row that cannot make a
 * valid envelope (no identifier, no time, an amount that is not a number) is skipped, never guessed.
 */
export function rowEnvelope(row: SourceRow, config: PostgresSourceConfig, table: string): RowOutcome {
  const { mapping } = config
  const identifiers = identifiersOf(row, mapping.identifiers)
  if (!identifiers.length) {
    return { skipped: `no identifier: ${columnList(Object.values(mapping.identifiers))} empty` }
  }
  const timeColumn = occurredAtColumnOf(config)
  const occurredAt = isoTime(row.column(timeColumn))
  if (!occurredAt) {
    return {
      skipped: `${quoteName(timeColumn)} is ${shown(row.column(timeColumn))}, not a time for occurredAt`,
    }
  }
  const built =
    mapping.kind === 'identify'
      ? identify(row, mapping, identifiers, occurredAt)
      : mapping.kind === 'track'
        ? track(row, mapping, identifiers, occurredAt)
        : record(row, mapping, identifiers, occurredAt)
  if ('skipped' in built) return built
  const { envelope } = built
  // The row's position and everything the envelope says: the same row read again gives the same id,
  // and a changed mapping gives new ones (a mapping fixed and re-read from the start is not dropped).
  envelope.messageId = messageIdFrom(
    pluginId,
    table,
    row.key,
    row.incremental,
    canonicalJson({ ...envelope, messageId: undefined }),
  )
  const checked = envelopeSchema.safeParse(envelope)
  if (!checked.success) {
    return {
      skipped: `the row does not make a valid ${envelope.type} envelope: ${describeIssues(checked.error)}`,
    }
  }
  return { envelope }
}

function identify(
  row: SourceRow,
  mapping: Extract<Mapping, { kind: 'identify' }>,
  identifiers: Identifier[],
  occurredAt: string,
): RowOutcome {
  const traits = valuesOf(row, mapping.traits)
  // Rapport has no envelope that deletes a person (erasing one is its own audited action), so a
  // soft-deleted row says so in a trait, false again when the row comes back.
  if (mapping.deletedColumn) traits.deleted = isDeleted(row.column(mapping.deletedColumn))
  return { envelope: { type: 'identify', messageId: '', occurredAt, identifiers, traits } }
}

function track(
  row: SourceRow,
  mapping: Extract<Mapping, { kind: 'track' }>,
  identifiers: Identifier[],
  occurredAt: string,
): RowOutcome {
  const event = (mapping.eventColumn && textOf(row.column(mapping.eventColumn))) || mapping.event
  if (!event) return { skipped: `no event: ${quoteName(mapping.eventColumn!)} is empty` }
  return {
    envelope: {
      type: 'track',
      messageId: '',
      occurredAt,
      identifiers,
      event,
      ...(mapping.channel ? { channel: mapping.channel } : {}),
      ...(mapping.stage ? { stage: mapping.stage } : {}),
      properties: valuesOf(row, mapping.properties),
    },
  }
}

function record(
  row: SourceRow,
  mapping: Extract<Mapping, { kind: 'record' }>,
  identifiers: Identifier[],
  occurredAt: string,
): RowOutcome {
  const text = (column: string | undefined) => (column ? textOf(row.column(column)) : undefined)
  const externalId = text(mapping.externalIdColumn)
  if (!externalId) return { skipped: `no externalId: ${quoteName(mapping.externalIdColumn)} is empty` }

  let amount: number | undefined
  if (mapping.amountColumn) {
    const cell = row.column(mapping.amountColumn)
    if (cell.value !== null) {
      amount = amountOf(cell)
      if (amount === undefined) {
        return { skipped: `${quoteName(mapping.amountColumn)} is ${shown(cell)}, not an amount` }
      }
    }
  }
  const currency = text(mapping.currencyColumn)?.toUpperCase() ?? mapping.currency
  if (amount !== undefined && !currency) {
    return { skipped: `the amount ${amount} has no currency: ${quoteName(mapping.currencyColumn!)} is empty` }
  }
  const event = text(mapping.eventColumn)
  const object = withoutUndefined({
    type: mapping.recordType,
    externalId,
    status: text(mapping.statusColumn),
    title: text(mapping.titleColumn),
    // A currency alone says nothing; it travels with its amount.
    ...(amount === undefined ? {} : { amount, currency }),
    properties: valuesOf(row, mapping.properties),
  })
  const deleted = mapping.deletedColumn ? isDeleted(row.column(mapping.deletedColumn)) : false
  return {
    envelope: {
      type: 'record',
      messageId: '',
      occurredAt,
      identifiers,
      action: deleted ? 'delete' : 'upsert',
      object,
      ...(event ? { event } : {}),
    },
  }
}

function identifiersOf(row: SourceRow, map: Record<string, string>): Identifier[] {
  const identifiers: Identifier[] = []
  for (const [type, column] of Object.entries(map)) {
    const value = textOf(row.column(column))
    if (value) identifiers.push({ type, value: normalized(type, value) })
  }
  return identifiers
}

/** E-mails in lower case; a phone written internationally (+44 20 7183 8750, 0044...) in E.164. */
function normalized(type: string, value: string): string {
  if (type === 'email') return value.toLowerCase()
  if (type !== 'phone') return value
  const compact = value.replace(/[\s().\-/]/g, '').replace(/^00/, '+')
  // A national number (020 7183 8750) has no country code to add: it stays as written.
  return /^\+[1-9]\d{6,14}$/.test(compact) ? compact : value
}

function valuesOf(row: SourceRow, map: Record<string, string>): Record<string, unknown> {
  const values: Record<string, unknown> = {}
  for (const [name, column] of Object.entries(map)) {
    const value = jsonValueOf(row.column(column))
    if (value !== undefined) values[name] = value
  }
  return values
}

const columnList = (columns: string[]) =>
  `${columns.map(quoteName).join(', ')} ${columns.length > 1 ? 'are' : 'is'}`

const shown = ({ value }: ColumnValue) => (value === null ? 'null' : JSON.stringify(value))

function withoutUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T
}

/** JSON with object keys sorted, so that the order of the mapping's entries does not change the hash. */
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
