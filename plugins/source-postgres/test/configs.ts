import type { z } from 'zod'
import type { configSchema } from '../src/config.js'
import { databaseUrl } from './database.js'

/** The mappings of the fixture tables (fixtures/erp.sql), as a user would write them in the form. */
export type ConfigInput = z.input<typeof configSchema>
type ConfigOf<Kind> = Omit<ConfigInput, 'mapping'> & {
  mapping: Extract<ConfigInput['mapping'], { kind: Kind }>
}

export const customersConfig = (schema: string): ConfigOf<'identify'> => ({
  connectionString: databaseUrl,
  table: `${schema}.customers`,
  incrementalColumn: 'updated_at',
  keyColumn: 'customer_no',
  mapping: {
    kind: 'identify',
    identifiers: { erp: 'customer_no', email: 'email', phone: 'phone' },
    traits: {
      firstName: 'first_name',
      lastName: 'last_name',
      company: 'company',
      country: 'country',
      creditLimit: 'credit_limit',
      vip: 'vip',
      tags: 'tags',
      firstOrderOn: 'first_order_on',
    },
    deletedColumn: 'deleted_at',
  },
})

export const ordersConfig = (schema: string): ConfigOf<'record'> => ({
  connectionString: databaseUrl,
  table: `${schema}.orders`,
  incrementalColumn: 'updated_at',
  keyColumn: 'order_no',
  mapping: {
    kind: 'record',
    recordType: 'order',
    identifiers: { erp: 'customer_no', email: 'customer_email' },
    externalIdColumn: 'order_no',
    statusColumn: 'status',
    titleColumn: 'reference',
    amountColumn: 'total',
    currencyColumn: 'currency',
    deletedColumn: 'is_deleted',
    properties: { placedAt: 'placed_at', salesChannel: 'sales_channel' },
  },
})

export const visitsConfig = (schema: string): ConfigOf<'track'> => ({
  connectionString: databaseUrl,
  table: `${schema}.customer_visits`,
  incrementalColumn: 'visit_id',
  keyColumn: 'visit_id',
  mapping: {
    kind: 'track',
    identifiers: { erp: 'customer_no', email: 'email' },
    event: 'Page Viewed',
    channel: 'web',
    stage: 'use',
    occurredAtColumn: 'visited_at',
    properties: { path: 'path' },
  },
})
