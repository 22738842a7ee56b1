import { envelopeSchema } from '@rapport/plugin-sdk'
import { describe, expect, it } from 'vitest'
import { fixture, importCsv, importedAt } from './helpers.js'
import { contactsWith, crmContacts, email, trait } from './mappings.js'

describe('a contacts export from a CRM (BOM, CRLF, quoted cells, trailing blank lines)', () => {
  it('makes one identify per person, with identifiers and traits from the mapped columns', async () => {
    const { envelopes, failures } = await importCsv(fixture('contacts-crm-export.csv'), crmContacts)
    expect(failures).toEqual([])
    expect(envelopes).toHaveLength(5)
    for (const envelope of envelopes) expect(envelopeSchema.parse(envelope)).toEqual(envelope)

    expect(envelopes[0]).toMatchObject({
      type: 'identify',
      identifiers: [
        { type: 'hubspot', value: '1001' },
        { type: 'email', value: 'anna.mueller@example.de' },
        { type: 'phone', value: '+49 30 1234567' },
      ],
      traits: {
        firstName: 'Anna',
        lastName: 'Müller',
        company: 'Müller, Schmidt & Partner GmbH',
        lifecycleStage: 'customer',
        notes: 'Prefers e-mail.',
      },
      occurredAt: '2023-11-02T09:15:00.000Z',
    })
  })

  it('reads the BOM away: the first header is "Record ID", not "\\uFEFFRecord ID"', async () => {
    const { envelopes } = await importCsv(fixture('contacts-crm-export.csv'), crmContacts)
    expect(envelopes[0]?.identifiers[0]).toEqual({ type: 'hubspot', value: '1001' })
  })

  it('keeps commas, doubled quotes and line breaks inside quoted cells', async () => {
    const { envelopes } = await importCsv(fixture('contacts-crm-export.csv'), crmContacts)
    const traits = envelopes.map((envelope) => (envelope.type === 'identify' ? envelope.traits : {}))
    expect(traits[1]?.company).toBe('Taller García, S.L.')
    expect(traits[1]?.notes).toBe('Asked about "Pro" plan, call back')
    expect(traits[2]?.notes).toBe('First line of the note\r\nsecond line, with a comma')
  })

  it('leaves empty cells out and trims the spaces around values', async () => {
    const { envelopes } = await importCsv(fixture('contacts-crm-export.csv'), crmContacts)
    // Row 1003 has no email and no company.
    expect(envelopes[2]).toMatchObject({
      identifiers: [
        { type: 'hubspot', value: '1003' },
        { type: 'phone', value: '+86 10 5555 0101' },
      ],
    })
    expect(envelopes[2]?.type === 'identify' && envelopes[2].traits).not.toHaveProperty('company')
    expect(envelopes[3]).toMatchObject({
      identifiers: [
        { type: 'hubspot', value: '1004' },
        { type: 'email', value: 'siobhan.obrien@example.ie' },
      ],
      traits: { firstName: 'Siobhán', lastName: "O'Brien" },
    })
    expect(envelopes[3]?.type === 'identify' && envelopes[3].traits).not.toHaveProperty('notes')
  })

  it('keeps values as the strings the file has: no guessing of numbers or booleans', async () => {
    const csv = 'email,employees,vip,zip\r\nann@example.com,250,true,01234\r\n'
    const { envelopes } = await importCsv(
      csv,
      contactsWith({ employees: trait('employees'), vip: trait('vip'), zip: trait('zip') }),
    )
    expect(envelopes[0]).toMatchObject({ traits: { employees: '250', vip: 'true', zip: '01234' } })
  })

  it('reads occurredAt from the date column in each accepted format', async () => {
    const { envelopes } = await importCsv(fixture('contacts-crm-export.csv'), crmContacts)
    expect(envelopes.map((envelope) => envelope.occurredAt)).toEqual([
      '2023-11-02T09:15:00.000Z', // 2023-11-02 09:15, read as UTC
      '2024-01-17T08:30:00.000Z', // ISO with Z
      '2024-02-29T00:00:00.000Z', // a date alone is midnight UTC
      '2024-03-05T09:00:00.000Z', // ISO with an offset
      '2024-03-05T00:00:00.000Z', // 05/03/2024, day first by default
    ])
  })

  it('uses the import time when there is no date column or the cell is empty', async () => {
    const csv = 'email,signed up\nann@example.com,\nbob@example.com,2024-01-02\n'
    const noColumn = await importCsv(csv, contactsWith())
    expect(noColumn.envelopes.map((envelope) => envelope.occurredAt)).toEqual([
      importedAt.toISOString(),
      importedAt.toISOString(),
    ])
    const emptyCell = await importCsv(csv, contactsWith({}, { occurredAtColumn: 'signed up' }))
    expect(emptyCell.envelopes.map((envelope) => envelope.occurredAt)).toEqual([
      importedAt.toISOString(),
      '2024-01-02T00:00:00.000Z',
    ])
  })

  it('reads dates month first when the upload says so', async () => {
    const csv = 'email,created\nann@example.com,03/05/2024 17:45\n'
    const { envelopes } = await importCsv(
      csv,
      contactsWith({}, { occurredAtColumn: 'created', dateOrder: 'month-first' }),
    )
    expect(envelopes[0]?.occurredAt).toBe('2024-03-05T17:45:00.000Z')
  })

  it('sends one identifier once when two columns hold the same one', async () => {
    const csv = 'email,work email\nann@example.com,ann@example.com\n'
    const { envelopes } = await importCsv(csv, contactsWith({ 'work email': email }))
    expect(envelopes[0]?.identifiers).toEqual([{ type: 'email', value: 'ann@example.com' }])
  })
})
