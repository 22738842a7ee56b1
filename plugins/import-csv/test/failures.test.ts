import { ConfigurationError } from '@rapport/plugin-sdk'
import { describe, expect, it } from 'vitest'
import { fixture, importCsv } from './helpers.js'
import { badRowsOrders, contactsWith, email, trait } from './mappings.js'

const phone = { to: 'identifier', type: 'phone' } as const

describe('a file with bad rows', () => {
  it('imports the good rows and reports each bad one with its row number, reason and cells', async () => {
    const { envelopes, failures } = await importCsv(fixture('bad-rows.csv'), badRowsOrders)
    expect(envelopes.map((envelope) => envelope.type === 'record' && envelope.object.externalId)).toEqual([
      'A-1',
      'A-8', // row 12: "1,000.00" and 08/03/2024 are fine
    ])
    // The header is row 1; blank rows 10 and 11 count but make nothing.
    expect(failures.map(({ row, reason }) => [row, reason])).toEqual([
      [3, 'no identifier: "email" is empty'],
      [4, '"amount" is not an amount: "12.5O" (decimal point expected)'],
      [5, '"date" is not a date: "31/02/2024" (accepted: 2024-03-05, 05/03/2024, ISO 8601)'],
      [6, 'the row has 3 cells where the header has 6'],
      [7, 'the row has 7 cells where the header has 6'],
      [
        8,
        'the row does not make a valid record envelope: object.currency: must be an ISO 4217 code such as EUR',
      ],
      [9, 'no externalId: "order_id" is empty'],
      [13, 'a quoted cell is never closed, so this row and everything after it could not be read'],
    ])
  })

  it('gives the raw cells by header name, extra cells by position, unreadable text as #raw', async () => {
    const { failures } = await importCsv(fixture('bad-rows.csv'), badRowsOrders)
    const byRow = new Map(failures.map((failure) => [failure.row, failure.raw]))
    expect(byRow.get(4)).toEqual({
      order_id: 'A-3',
      email: 'bad-amount@example.com',
      amount: '12.5O',
      currency: 'EUR',
      date: '2024-03-03',
      status: 'paid',
    })
    expect(byRow.get(6)).toEqual({ order_id: 'A-5', email: 'short@example.com', amount: '40.00' })
    expect(byRow.get(7)).toMatchObject({ order_id: 'A-6', status: 'paid', '#7': 'EXTRA' })
    expect(byRow.get(13)).toEqual({
      '#raw':
        'A-9,unclosed@example.com,90.00,EUR,2024-03-09,"paid\nA-10,swallowed@example.com,100.00,EUR,2024-03-10,paid\n',
    })
  })

  it('counts a quoted cell spanning lines as one row, as a spreadsheet shows it', async () => {
    const csv = 'email,note\na@example.com,"two\nlines"\n,missing email\n'
    const { failures } = await importCsv(csv, contactsWith({ note: trait('note') }))
    expect(failures.map((failure) => failure.row)).toEqual([3])
  })

  it('reports a row with every identifier empty, naming the columns', async () => {
    const csv = 'email,phone\n,\nx@example.com,\n ,  \n'
    const { envelopes, failures } = await importCsv(csv, contactsWith({ phone }))
    expect(envelopes).toHaveLength(1)
    // Rows 2 and 4 hold only blanks: they are empty rows, not failures.
    expect(failures).toEqual([])
    const withTrait = await importCsv(
      'email,phone,name\n,,Ann\n',
      contactsWith({ phone, name: trait('name') }),
    )
    expect(withTrait.failures).toEqual([
      {
        row: 2,
        reason: 'no identifier: "email", "phone" are empty',
        raw: { email: '', phone: '', name: 'Ann' },
      },
    ])
  })

  it('turns an envelope the schema refuses into a failure, not a throw', async () => {
    const csv = `email,id\n${'x'.repeat(600)}@example.com,1\n`
    const { envelopes, failures } = await importCsv(csv, contactsWith())
    expect(envelopes).toEqual([])
    expect(failures[0]?.reason).toMatch(
      /^the row does not make a valid identify envelope: identifiers\.0\.value: /,
    )
  })
})

describe('a file that does not fit the mapping', () => {
  it('throws a ConfigurationError naming the mapped columns the header lacks', async () => {
    const run = importCsv(fixture('contacts-crm-export.csv'), {
      kind: 'contacts',
      columns: { 'E-mail': email, Mobile: phone, Unused: { to: 'ignore' } },
    })
    await expect(run).rejects.toBeInstanceOf(ConfigurationError)
    await expect(run).rejects.toThrow(
      /the file has no column "E-mail", "Mobile"; its columns are "Record ID", /,
    )
  })

  it('throws a ConfigurationError for a missing occurredAtColumn', async () => {
    await expect(
      importCsv('email\na@example.com\n', contactsWith({}, { occurredAtColumn: 'Created' })),
    ).rejects.toThrow(/the file has no column "Created"/)
  })

  it('throws a ConfigurationError when no column is mapped to an identifier', async () => {
    const run = importCsv('email,name\na@example.com,Ann\n', {
      kind: 'contacts',
      columns: { email: trait('email'), name: trait('name') },
    })
    await expect(run).rejects.toBeInstanceOf(ConfigurationError)
    await expect(run).rejects.toThrow(/map at least one column to an identifier/)
  })

  it('throws a ConfigurationError for options the schema refuses', async () => {
    await expect(importCsv('email\n', { kind: 'people' } as never)).rejects.toThrow(
      /^Invalid upload options: kind: /,
    )
  })

  it('throws a ConfigurationError for an empty file or a blank first line', async () => {
    const options = contactsWith()
    await expect(importCsv('', options)).rejects.toThrow(/The file is empty/)
    await expect(importCsv('\ufeff\r\n', options)).rejects.toThrow(/first line of the file/)
    await expect(importCsv('\nemail\na@example.com\n', options)).rejects.toThrow(/first line of the file/)
  })

  it('reads a file with only a header as nothing to import', async () => {
    const { batches } = await importCsv('email\r\n', contactsWith())
    expect(batches).toEqual([{ envelopes: [], failures: [], progress: 1 }])
  })
})
