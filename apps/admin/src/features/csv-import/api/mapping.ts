import { kebabCase } from '@rapport/domain'
import type { CsvDelimiter } from './csv-preview'

/**
 * The column mapping of a CSV import, as the import-csv plugin's upload options take it: which
 * kind of rows the file holds and what each column becomes.
 */

export type ImportKind = 'contacts' | 'records'

export type ColumnTarget =
  | { to: 'ignore' }
  | { to: 'identifier'; type: string }
  | { to: 'trait'; key: string }
  | { to: 'record'; field: string }
  | { to: 'property'; key: string }

export type Mapping = Record<string, ColumnTarget>

/** Identifier types with a name of their own; any other is a vendor id such as `hubspot`. */
export const identifierTypes = [
  { type: 'email', label: 'E-mail' },
  { type: 'phone', label: 'Phone' },
  { type: 'userId', label: 'User ID' },
  { type: 'anonymousId', label: 'Anonymous ID' },
] as const

export const recordFieldLabels: Record<string, string> = {
  externalId: 'ID (external id)',
  type: 'Type',
  status: 'Status',
  title: 'Title',
  amount: 'Amount',
  currency: 'Currency',
  occurredAt: 'Date (occurred at)',
}

/** Record types people import most; any kebab-case type works. */
export const commonRecordTypes = [
  'order',
  'invoice',
  'subscription',
  'deal',
  'ticket',
  'payment',
  'delivery',
  'refund',
]

export const dateOrderLabels: Record<string, string> = {
  'day-first': 'Day first (31/12/2024)',
  'month-first': 'Month first (12/31/2024)',
}

export const decimalSeparatorLabels: Record<string, string> = {
  '.': 'Point (1,234.56)',
  ',': 'Comma (1.234,56)',
}

export interface ImportSettings {
  kind: ImportKind
  mapping: Mapping
  recordType: string
  /** For contacts: the column holding when the row happened (records map a column to occurredAt). */
  occurredAtColumn: string
  delimiter: CsvDelimiter
  dateOrder: string
  decimalSeparator: string
}

const squash = (header: string) => header.toLowerCase().replace(/[^a-z0-9]/g, '')

/** `Lifecycle Stage` -> `lifecycleStage`: a trait or property key from a header. */
export function keyFromHeader(header: string): string {
  const words = header
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase())
  const key = words
    .map((word, index) => (index === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1)))
    .join('')
  return key || 'column'
}

const identifierNames: Record<string, string> = {
  email: 'email',
  emailaddress: 'email',
  mail: 'email',
  phone: 'phone',
  phonenumber: 'phone',
  mobile: 'phone',
  mobilephone: 'phone',
  telephone: 'phone',
  tel: 'phone',
  userid: 'userId',
  anonymousid: 'anonymousId',
}

const recordFieldNames: Record<string, string> = {
  id: 'externalId',
  externalid: 'externalId',
  orderid: 'externalId',
  ordernumber: 'externalId',
  invoiceid: 'externalId',
  invoicenumber: 'externalId',
  number: 'externalId',
  type: 'type',
  recordtype: 'type',
  status: 'status',
  state: 'status',
  title: 'title',
  description: 'title',
  amount: 'amount',
  total: 'amount',
  price: 'amount',
  value: 'amount',
  currency: 'currency',
  date: 'occurredAt',
  orderdate: 'occurredAt',
  invoicedate: 'occurredAt',
  createdat: 'occurredAt',
  created: 'occurredAt',
  occurredat: 'occurredAt',
}

const traitNames: Record<string, string> = {
  name: 'name',
  fullname: 'name',
  firstname: 'firstName',
  givenname: 'firstName',
  lastname: 'lastName',
  surname: 'lastName',
  familyname: 'lastName',
  company: 'company',
  companyname: 'company',
}

/** A first guess of what each column becomes, from its header; people correct what it gets wrong. */
export function suggestMapping(headers: string[], kind: ImportKind): Mapping {
  const mapping: Mapping = {}
  const usedFields = new Set<string>()
  for (const header of headers) {
    if (!header) continue
    const name = squash(header)
    const identifier = identifierNames[name]
    const field = recordFieldNames[name]
    if (identifier) mapping[header] = { to: 'identifier', type: identifier }
    else if (kind === 'records' && field && !usedFields.has(field)) {
      usedFields.add(field)
      mapping[header] = { to: 'record', field }
    } else if (kind === 'contacts')
      mapping[header] = { to: 'trait', key: traitNames[name] ?? keyFromHeader(header) }
    else mapping[header] = { to: 'property', key: keyFromHeader(header) }
  }
  return mapping
}

/** A contacts file: the first column that looks like a date, for when each row happened. */
export function suggestOccurredAt(headers: string[]): string {
  return (
    headers.find((header) =>
      ['createdate', 'createdat', 'date', 'signupdate', 'created'].includes(squash(header)),
    ) ?? ''
  )
}

/**
 * What is wrong with the mapping, in words for the person mapping; empty when it can be imported.
 * The server checks again (and more) when the file arrives.
 */
export function mappingProblems(
  settings: ImportSettings,
  headers: string[],
  defaultCurrency: string | undefined,
): string[] {
  const problems: string[] = []
  const mapped = Object.entries(settings.mapping).filter(
    (entry): entry is [string, Exclude<ColumnTarget, { to: 'ignore' }>] =>
      headers.includes(entry[0]) && entry[1].to !== 'ignore',
  )
  if (!mapped.some(([, target]) => target.to === 'identifier')) {
    problems.push(
      'Map at least one column to an identifier (e-mail, phone, user ID or a vendor ID): each row needs one to find its customer.',
    )
  }
  for (const [column, target] of mapped) {
    if (
      target.to === 'identifier' &&
      !kebabCase.test(target.type) &&
      !identifierTypes.some((i) => i.type === target.type)
    ) {
      problems.push(
        `Column “${column}”: the vendor of the ID must be in kebab-case, such as hubspot or my-shop.`,
      )
    }
    if ((target.to === 'trait' || target.to === 'property') && !target.key.trim()) {
      problems.push(`Column “${column}”: name the ${target.to} it becomes.`)
    }
  }
  const twice = (label: string, of: (target: ColumnTarget) => string | undefined) => {
    const seen = new Map<string, string>()
    for (const [column, target] of mapped) {
      const name = of(target)
      if (name === undefined) continue
      const first = seen.get(name)
      if (first !== undefined)
        problems.push(`Columns “${first}” and “${column}” both become ${label} ${name}.`)
      else seen.set(name, column)
    }
  }
  twice('the record field', (t) => (t.to === 'record' ? t.field : undefined))
  twice('the trait', (t) => (t.to === 'trait' ? t.key.trim() : undefined))
  twice('the property', (t) => (t.to === 'property' ? t.key.trim() : undefined))

  const repeated = headers.filter((header, index) => header && headers.indexOf(header) !== index)
  if (repeated.length)
    problems.push(
      `The file has more than one column named ${[...new Set(repeated)].map((h) => `“${h}”`).join(', ')}.`,
    )

  if (settings.kind === 'records') {
    const has = (field: string) => mapped.some(([, t]) => t.to === 'record' && t.field === field)
    if (!has('externalId'))
      problems.push('Map a column to the record’s ID: it tells rows of the same record apart.')
    if (!has('type') && !settings.recordType.trim())
      problems.push('Map a column to the record type, or say what type every row is.')
    if (settings.recordType.trim() && !kebabCase.test(settings.recordType.trim()))
      problems.push('The record type must be in kebab-case, such as order or sales-order.')
    if (has('amount') && !has('currency') && !defaultCurrency)
      problems.push(
        'Amounts need a currency: map a currency column, or set the default currency in the source’s settings.',
      )
  }
  return [...new Set(problems)]
}

/** The upload options the import-csv plugin reads. */
export function uploadOptions(settings: ImportSettings, headers: string[]) {
  const columns: Mapping = {}
  for (const header of headers) {
    const target = settings.mapping[header]
    if (!header || !target || target.to === 'ignore') continue
    columns[header] =
      target.to === 'trait' || target.to === 'property' ? { ...target, key: target.key.trim() } : target
  }
  return {
    kind: settings.kind,
    columns,
    delimiter: settings.delimiter,
    dateOrder: settings.dateOrder,
    decimalSeparator: settings.decimalSeparator,
    ...(settings.kind === 'records' && settings.recordType.trim()
      ? { recordType: settings.recordType.trim() }
      : {}),
    ...(settings.kind === 'contacts' && settings.occurredAtColumn
      ? { occurredAtColumn: settings.occurredAtColumn }
      : {}),
  }
}
