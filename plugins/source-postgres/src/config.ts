import { channels, identifierSchema, lifecycleStages, recordObjectSchema, secret } from '@rapport/plugin-sdk'
import { z } from 'zod'
import { parseColumnName, parseTableName } from './sql-names.js'

/**
 * What the admin form asks for: where the database is, which table or view to read, how to read it
 * incrementally, and what each row becomes (the mapping). Table and column names are parsed here, so
 * the rest of the plugin only sees names PostgreSQL would resolve the same way.
 */

const column = z
  .string()
  .describe('A column name: plain names are folded to lower case, "Quoted" ones kept as written')
  .transform((text, context) => {
    const parsed = parseColumnName(text)
    if ('name' in parsed) return parsed.name
    context.addIssue({ code: 'custom', message: parsed.problem })
    return z.NEVER
  })

const table = z.string().transform((text, context) => {
  const parsed = parseTableName(text)
  if ('name' in parsed) return parsed
  context.addIssue({ code: 'custom', message: parsed.problem })
  return z.NEVER
})

/** Identifier type (email, phone, userId, anonymousId or a kebab-case system id such as erp) -> column. */
const identifiers = z
  .record(z.string(), column)
  .superRefine((map, context) => {
    const types = Object.keys(map)
    if (!types.length)
      context.addIssue({ code: 'custom', message: 'map at least one column to an identifier' })
    for (const type of types) {
      const checked = identifierSchema.shape.type.safeParse(type)
      if (!checked.success) {
        context.addIssue({ code: 'custom', path: [type], message: checked.error.issues[0]!.message })
      }
    }
  })
  .describe('Identifier type -> column, e.g. { "erp": "customer_no", "email": "email" }')

const fieldMap = (what: string) =>
  z
    .record(z.string().trim().min(1).max(100), column)
    .default({})
    .describe(`${what} name -> column; empty values are left out`)

const occurredAtColumn = column
  .optional()
  .describe('Column with the time of the change; the incremental column when it is a time')

const deletedColumn = column
  .optional()
  .describe(
    'Soft delete: a boolean column (true = deleted) or a time column (set = deleted, e.g. deleted_at)',
  )

export const identifyMapping = z.object({
  kind: z.literal('identify'),
  identifiers,
  traits: fieldMap('Trait'),
  occurredAtColumn,
  deletedColumn,
})

export const trackMapping = z
  .object({
    kind: z.literal('track'),
    identifiers,
    event: z.string().trim().min(1).max(200).optional().describe('Event name of every row, e.g. Store Visit'),
    eventColumn: column.optional().describe('Column holding the event name; `event` when it is empty'),
    channel: z.enum(channels).optional(),
    stage: z.enum(lifecycleStages).optional(),
    occurredAtColumn,
    properties: fieldMap('Property'),
  })
  .refine((mapping) => mapping.event || mapping.eventColumn, {
    message: 'a track mapping needs an event name (event) or a column holding it (eventColumn)',
    path: ['event'],
  })

export const recordMapping = z
  .object({
    kind: z.literal('record'),
    recordType: recordObjectSchema.shape.type.describe('order, invoice, subscription, payment, ticket...'),
    identifiers,
    externalIdColumn: column.describe("Column with the record's id in the source system"),
    statusColumn: column.optional(),
    titleColumn: column.optional(),
    amountColumn: column.optional().describe('Column with the amount in major units (12.50)'),
    currencyColumn: column.optional().describe('Column with the ISO 4217 currency of the amount'),
    currency: recordObjectSchema.shape.currency.describe(
      'Currency of amounts when there is no currency column or its value is empty, e.g. EUR',
    ),
    eventColumn: column
      .optional()
      .describe('Column naming a timeline event for the row (e.g. Payment failed); none when empty'),
    occurredAtColumn,
    deletedColumn,
    properties: fieldMap('Property'),
  })
  .refine((mapping) => !mapping.amountColumn || mapping.currencyColumn || mapping.currency, {
    message: 'an amount needs its currency: set currencyColumn or currency',
    path: ['currency'],
  })

export const configSchema = z.object({
  connectionString: secret(
    'postgres://user:password@host:5432/database?sslmode=require, for a role that may only SELECT the table',
  ),
  table: table.describe('The table or view to read, with its schema: erp.customers'),
  incrementalColumn: column.describe(
    'Column that grows with every change: updated_at (timestamp or date) or a number from a sequence',
  ),
  keyColumn: column.describe(
    'A unique column (the primary key, e.g. id) that orders rows sharing one incremental value',
  ),
  mapping: z
    .discriminatedUnion('kind', [identifyMapping, trackMapping, recordMapping])
    .describe('What each row becomes: a person (identify), an interaction (track) or a record'),
  batchSize: z.number().int().min(1).max(10_000).default(1000).describe('Rows per batch (and checkpoint)'),
  lagSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 86_400)
    .default(0)
    .describe(
      'Leave rows changed in the last N seconds for the next sync, so that transactions still open commit first',
    ),
  statementTimeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(3600)
    .default(60)
    .describe('PostgreSQL cancels a batch query that runs longer'),
})

export type PostgresSourceConfig = z.infer<typeof configSchema>
export type Mapping = PostgresSourceConfig['mapping']
