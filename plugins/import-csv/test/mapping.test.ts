import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  type ImportCsvOptionsInput,
  importCsvConfigSchema,
  importCsvOptionsSchema,
  mappingProblems,
} from '../src/index.js'
import { contactsWith, email, field, ordersWith, trait } from './mappings.js'

const problems = (input: ImportCsvOptionsInput, context?: Parameters<typeof mappingProblems>[1]) =>
  mappingProblems(importCsvOptionsSchema.parse(input), context)

describe('the mapping options', () => {
  it('fill in their defaults', () => {
    expect(importCsvOptionsSchema.parse({ kind: 'contacts', columns: {} })).toEqual({
      kind: 'contacts',
      columns: {},
      dateOrder: 'day-first',
      decimalSeparator: '.',
      batchSize: 500,
    })
  })

  it('refuse unknown targets, record fields, identifier types and record types', () => {
    const bad = [
      { kind: 'contacts', columns: { a: { to: 'nowhere' } } },
      { kind: 'records', columns: { a: { to: 'record', field: 'price' } } },
      { kind: 'contacts', columns: { a: { to: 'identifier', type: 'E-Mail' } } },
      { kind: 'contacts', columns: { a: { to: 'trait', key: ' ' } } },
      { kind: 'records', columns: {}, recordType: 'Sales Order' },
      { kind: 'contacts', columns: {}, delimiter: ':' },
      { kind: 'contacts', columns: {}, batchSize: 0 },
    ]
    for (const options of bad)
      expect(importCsvOptionsSchema.safeParse(options).success, JSON.stringify(options)).toBe(false)
  })

  it('convert to JSON Schema for the admin form, as the host does', () => {
    const toJson = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })
    expect(Object.keys(toJson(importCsvConfigSchema).properties ?? {})).toEqual(['defaultCurrency'])
    const options = toJson(importCsvOptionsSchema)
    expect(options.required).toEqual(['kind', 'columns'])
    const targets = options.properties?.columns as {
      additionalProperties: { oneOf?: unknown[]; anyOf?: unknown[] }
    }
    const choices = targets.additionalProperties.oneOf ?? targets.additionalProperties.anyOf
    expect(choices).toHaveLength(5)
  })
})

describe('mappingProblems', () => {
  it('is empty for a good mapping, with or without the header', () => {
    const options = ordersWith({ total: field('amount'), cur: field('currency'), note: { to: 'ignore' } })
    expect(problems(options)).toEqual([])
    expect(problems(options, { headers: ['id', 'email', 'total', 'cur', 'other'] })).toEqual([])
  })

  it('asks for an identifier, an externalId and a record type', () => {
    expect(problems({ kind: 'records', columns: { name: { to: 'property', key: 'name' } } })).toEqual([
      'map at least one column to an identifier (email, phone, userId or a vendor id): each row needs one to find its customer',
      'map a column to the record field externalId',
      'map a column to the record field type, or set the record type of every row',
    ])
  })

  it('keeps traits to contacts and record fields and properties to records', () => {
    expect(problems(contactsWith({ total: field('amount'), note: { to: 'property', key: 'note' } }))).toEqual(
      [
        'column "total" maps to the record field amount, which only a records import has',
        'column "note" maps to a property, which only a records import has',
      ],
    )
    expect(problems(ordersWith({ name: trait('name') }))).toEqual([
      'column "name" maps to a trait, which only a contacts import has: use a property',
    ])
  })

  it('refuses two columns for one field, trait or property', () => {
    expect(problems(contactsWith({ first: trait('name'), last: trait('name') }))).toEqual([
      'columns "first" and "last" both map to the trait name',
    ])
    expect(problems(ordersWith({ ref: field('externalId') }))).toEqual([
      'columns "id" and "ref" both map to the record field externalId',
    ])
  })

  it('asks for a currency for amounts unless the settings have a default', () => {
    const options = ordersWith({ total: field('amount') })
    expect(problems(options)).toEqual([
      'amounts need a currency: map a column to the record field currency, or set the default currency in the settings',
    ])
    expect(problems(options, { defaultCurrency: 'EUR' })).toEqual([])
  })

  it('refuses two different occurredAt columns', () => {
    expect(problems(ordersWith({ paid: field('occurredAt') }, { occurredAtColumn: 'created' }))).toEqual([
      'occurredAt comes from column "paid" and from occurredAtColumn "created": keep one',
    ])
  })

  it('names the mapped columns the header lacks or repeats, trimming header names', () => {
    const options: ImportCsvOptionsInput = {
      kind: 'contacts',
      occurredAtColumn: 'Created',
      columns: { Email: email, Phone: { to: 'identifier', type: 'phone' }, Skip: { to: 'ignore' } },
    }
    expect(problems(options, { headers: [' Email ', 'Name'] })).toEqual([
      'the file has no column "Phone", "Created"; its columns are "Email", "Name"',
    ])
    expect(problems(options, { headers: ['Email', 'Phone', 'Created', 'Email'] })).toEqual([
      'the file has more than one column named "Email"',
    ])
  })
})
