import { configJsonSchema } from '@rapport/plugin-sdk'
import { describe, expect, test } from 'vitest'
import { plugin } from '../src/index.js'
import { parseColumnName, parseTableName, quoteName, quoteTable } from '../src/sql-names.js'
import { customersConfig, ordersConfig, visitsConfig } from './configs.js'

describe('table and column names', () => {
  test('plain names fold to lower case, quoted ones are kept, a missing schema is public', () => {
    expect(parseTableName('Erp.Customers')).toEqual({ schema: 'erp', name: 'customers' })
    expect(parseTableName(' "Sales"."Order Lines" ')).toEqual({ schema: 'Sales', name: 'Order Lines' })
    expect(parseTableName('customers')).toEqual({ schema: 'public', name: 'customers' })
    expect(parseTableName('erp."say ""hi"""')).toEqual({ schema: 'erp', name: 'say "hi"' })
    expect(parseColumnName('"UpdatedAt"')).toEqual({ name: 'UpdatedAt' })
    expect(parseColumnName('updated_at')).toEqual({ name: 'updated_at' })
  })

  test('anything that is not a name is refused, so it can never reach the SQL', () => {
    expect(parseTableName('customers; drop table customers')).toEqual({
      problem: 'unexpected "; drop table custome" after "customers"',
    })
    expect(parseTableName('test.erp.customers')).toEqual({
      problem: 'give schema.table, without the database name',
    })
    expect(parseTableName('"unclosed')).toEqual({ problem: 'a quoted name is not closed with "' })
    expect(parseTableName('erp.""')).toEqual({ problem: 'a quoted name is empty' })
    expect(parseColumnName('1st_column')).toMatchObject({ problem: expect.stringContaining('is not a name') })
    expect(parseColumnName('orders.total')).toEqual({
      problem: 'a column name has no dots: give the column alone',
    })
    expect(parseColumnName(`a${'b'.repeat(63)}`)).toMatchObject({
      problem: expect.stringContaining("longer than PostgreSQL's 63 bytes"),
    })
  })

  test('names are always quoted in SQL, quotes inside doubled', () => {
    expect(quoteName('say "hi"')).toBe('"say ""hi"""')
    expect(quoteTable({ schema: 'Sales', name: 'Order Lines' })).toBe('"Sales"."Order Lines"')
  })
})

describe('the config schema', () => {
  const problems = (input: unknown) => {
    const result = plugin.config.safeParse(input)
    return result.success
      ? []
      : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
  }

  test('the fixture configs parse, with the defaults filled in', () => {
    expect(plugin.config.parse(customersConfig('erp'))).toMatchObject({
      table: { schema: 'erp', name: 'customers' },
      batchSize: 1000,
      lagSeconds: 0,
      statementTimeoutSeconds: 60,
    })
  })

  test('a bad table or column name is a field error', () => {
    expect(problems({ ...customersConfig('erp'), table: 'erp.customers--' })).toEqual([
      'table: unexpected "--" after "customers"',
    ])
    const config = customersConfig('erp')
    expect(
      problems({ ...config, mapping: { ...config.mapping, traits: { firstName: 'first name' } } }),
    ).toEqual(['mapping.traits.firstName: unexpected " name" after "first"'])
  })

  test('a mapping must be complete enough to make envelopes', () => {
    const visits = visitsConfig('erp')
    const { event: _, ...noEvent } = visits.mapping
    expect(problems({ ...visits, mapping: noEvent })).toEqual([
      'mapping.event: a track mapping needs an event name (event) or a column holding it (eventColumn)',
    ])
    const orders = ordersConfig('erp')
    const { currencyColumn: __, ...noCurrency } = orders.mapping
    expect(problems({ ...orders, mapping: noCurrency })).toEqual([
      'mapping.currency: an amount needs its currency: set currencyColumn or currency',
    ])
    expect(problems({ ...orders, mapping: { ...orders.mapping, identifiers: {} } })).toEqual([
      'mapping.identifiers: map at least one column to an identifier',
    ])
    expect(
      problems({ ...orders, mapping: { ...orders.mapping, identifiers: { 'Customer No': 'customer_no' } } }),
    ).toEqual([
      'mapping.identifiers.Customer No: must be userId, email, phone, anonymousId or a kebab-case vendor id',
    ])
  })

  test('the form shows the connection string as a password and every field of each mapping kind', () => {
    const schema = configJsonSchema(plugin.config) as {
      properties: Record<string, { writeOnly?: boolean; format?: string; oneOf?: unknown[] }>
    }
    expect(schema.properties.connectionString).toMatchObject({ writeOnly: true, format: 'password' })
    expect(schema.properties.mapping?.oneOf).toHaveLength(3)
  })
})
