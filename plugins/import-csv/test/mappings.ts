import type { ImportCsvOptionsInput } from '../src/index.js'

/** The mappings a user would make for the fixtures. */

export const crmContacts: ImportCsvOptionsInput = {
  kind: 'contacts',
  columns: {
    'Record ID': { to: 'identifier', type: 'hubspot' },
    'First Name': { to: 'trait', key: 'firstName' },
    'Last Name': { to: 'trait', key: 'lastName' },
    Email: { to: 'identifier', type: 'email' },
    'Phone Number': { to: 'identifier', type: 'phone' },
    'Company Name': { to: 'trait', key: 'company' },
    'Lifecycle Stage': { to: 'trait', key: 'lifecycleStage' },
    Notes: { to: 'trait', key: 'notes' },
    'Create Date': { to: 'ignore' },
  },
  occurredAtColumn: 'Create Date',
}

export const ordersExport: ImportCsvOptionsInput = {
  kind: 'records',
  recordType: 'order',
  columns: {
    Name: { to: 'record', field: 'externalId' },
    Email: { to: 'identifier', type: 'email' },
    'Customer ID': { to: 'identifier', type: 'shopify' },
    'Financial Status': { to: 'record', field: 'status' },
    'Paid at': { to: 'record', field: 'occurredAt' },
    Currency: { to: 'record', field: 'currency' },
    Total: { to: 'record', field: 'amount' },
    'Shipping Method': { to: 'property', key: 'shippingMethod' },
    'Lineitem name': { to: 'record', field: 'title' },
  },
}

export const euOrders: ImportCsvOptionsInput = {
  kind: 'records',
  decimalSeparator: ',',
  columns: {
    Bestellnummer: { to: 'record', field: 'externalId' },
    'Kunde E-Mail': { to: 'identifier', type: 'email' },
    Status: { to: 'record', field: 'status' },
    Datum: { to: 'record', field: 'occurredAt' },
    Betrag: { to: 'record', field: 'amount' },
    Währung: { to: 'record', field: 'currency' },
    Typ: { to: 'record', field: 'type' },
  },
}

export const badRowsOrders: ImportCsvOptionsInput = {
  kind: 'records',
  recordType: 'order',
  columns: {
    order_id: { to: 'record', field: 'externalId' },
    email: { to: 'identifier', type: 'email' },
    amount: { to: 'record', field: 'amount' },
    currency: { to: 'record', field: 'currency' },
    date: { to: 'record', field: 'occurredAt' },
    status: { to: 'record', field: 'status' },
  },
}

type Columns = ImportCsvOptionsInput['columns']
type Extra = Omit<ImportCsvOptionsInput, 'kind' | 'columns'>

export const email = { to: 'identifier', type: 'email' } as const
export const trait = (key: string) => ({ to: 'trait', key }) as const
export const field = (name: 'externalId' | 'type' | 'amount' | 'currency' | 'occurredAt' | 'status') =>
  ({ to: 'record', field: name }) as const

/** A contacts mapping: the column `email` as the identifier, and the columns given. */
export function contactsWith(columns: Columns = {}, extra: Extra = {}): ImportCsvOptionsInput {
  return { kind: 'contacts', ...extra, columns: { email, ...columns } }
}

/** An orders mapping: `id` as the externalId, `email` as the identifier, and the columns given. */
export function ordersWith(columns: Columns = {}, extra: Extra = {}): ImportCsvOptionsInput {
  return {
    kind: 'records',
    recordType: 'order',
    ...extra,
    columns: { id: field('externalId'), email, ...columns },
  }
}
