import { describe, expect, it } from 'vitest'
import { detectDelimiter, previewCsv } from '../src/index.js'
import { fixture, importCsv } from './helpers.js'
import { contactsWith, trait } from './mappings.js'

describe('previewCsv', () => {
  it('shows the header and first rows of a CRM export, BOM removed and multi-line cells whole', () => {
    expect(previewCsv(fixture('contacts-crm-export.csv'), { rows: 3 })).toEqual({
      delimiter: ',',
      headers: [
        'Record ID',
        'First Name',
        'Last Name',
        'Email',
        'Phone Number',
        'Company Name',
        'Lifecycle Stage',
        'Notes',
        'Create Date',
      ],
      rows: [
        [
          '1001',
          'Anna',
          'Müller',
          'anna.mueller@example.de',
          '+49 30 1234567',
          'Müller, Schmidt & Partner GmbH',
          'customer',
          'Prefers e-mail.',
          '2023-11-02 09:15',
        ],
        [
          '1002',
          'José',
          'García',
          'jose.garcia@example.es',
          '',
          'Taller García, S.L.',
          'lead',
          'Asked about "Pro" plan, call back',
          '2024-01-17T08:30:00Z',
        ],
        [
          '1003',
          'Li',
          'Wei',
          '',
          '+86 10 5555 0101',
          '',
          'subscriber',
          'First line of the note\r\nsecond line, with a comma',
          '2024-02-29',
        ],
      ],
    })
  })

  it('shows five rows by default, skips blank ones, and accepts a string', () => {
    const csv = `a;b\r\n\r\n${Array.from({ length: 9 }, (_, i) => `${i};x`).join('\r\n')}\r\n`
    const preview = previewCsv(csv)
    expect(preview.delimiter).toBe(';')
    expect(preview.headers).toEqual(['a', 'b'])
    expect(preview.rows).toEqual([
      ['0', 'x'],
      ['1', 'x'],
      ['2', 'x'],
      ['3', 'x'],
      ['4', 'x'],
    ])
  })

  it('uses the delimiter it is given', () => {
    expect(previewCsv('a,b;c\n1,2;3\n', { delimiter: ';' })).toEqual({
      delimiter: ';',
      headers: ['a,b', 'c'],
      rows: [['1,2', '3']],
    })
  })

  it('shows nothing for an empty file', () => {
    expect(previewCsv('')).toEqual({ delimiter: ',', headers: [], rows: [] })
  })
})

describe('detectDelimiter', () => {
  it('picks the delimiter the header line uses most, outside quotes', () => {
    expect(detectDelimiter(Buffer.from('a,b,c\n1;2;3;4;5\n'))).toBe(',')
    expect(detectDelimiter(Buffer.from('\ufeffName;City;Zip\r\nx,y;z;1\r\n'))).toBe(';')
    expect(detectDelimiter(Buffer.from('name\temail\tnote\n'))).toBe('\t')
    expect(detectDelimiter(Buffer.from('"Last, First";"a,b,c"\n'))).toBe(';')
    expect(detectDelimiter(Buffer.from('a|b|c\n'))).toBe('|')
    expect(detectDelimiter(Buffer.from('email\n'))).toBe(',')
    expect(detectDelimiter(Buffer.from(''))).toBe(',')
  })
})

describe('reading the file', () => {
  it('reads LF, CRLF and CR line ends alike, with or without a final line end', async () => {
    for (const csv of [
      'email\na@example.com\nb@example.com',
      'email\r\na@example.com\r\nb@example.com\r\n',
      'email\ra@example.com\rb@example.com\r',
      'email\r\na@example.com\r\nb@example.com\r\n\r\n\r\n',
    ]) {
      const { envelopes, failures } = await importCsv(csv, contactsWith())
      expect(
        envelopes.map((envelope) => envelope.identifiers[0]?.value),
        JSON.stringify(csv),
      ).toEqual(['a@example.com', 'b@example.com'])
      expect(failures).toEqual([])
    }
  })

  it('reads tab-separated files and a delimiter given in the options', async () => {
    const tab = await importCsv('name\temail\nAnn\tann@example.com\n', contactsWith())
    expect(tab.envelopes[0]?.identifiers).toEqual([{ type: 'email', value: 'ann@example.com' }])
    const pipe = await importCsv(
      'email|name\nann@example.com|Ann, Jr\n',
      contactsWith({ name: trait('name') }, { delimiter: '|' }),
    )
    expect(pipe.envelopes[0]).toMatchObject({ traits: { name: 'Ann, Jr' } })
  })

  it('keeps a stray quote inside an unquoted cell as a character', async () => {
    const { envelopes } = await importCsv(
      'email,screen\nann@example.com,15" laptop\n',
      contactsWith({ screen: trait('screen') }),
    )
    expect(envelopes[0]).toMatchObject({ traits: { screen: '15" laptop' } })
  })

  it('decodes UTF-8 characters that straddle the 64 KiB chunks it reads', async () => {
    // 3-byte and 2-byte characters, so that some fall across every chunk boundary.
    const rows = Array.from({ length: 4_000 }, (_, i) => `p${i}@example.com,Müller–Łódź ${i}`)
    const content = Buffer.from(`email,name\n${rows.join('\n')}\n`)
    const splitsACharacter = (at: number) => ((content[at] ?? 0) & 0xc0) === 0x80 // a continuation byte
    expect([1, 2].some((chunk) => splitsACharacter(chunk * 64 * 1024))).toBe(true)
    const { envelopes } = await importCsv(content, contactsWith({ name: trait('name') }))
    expect(envelopes).toHaveLength(4_000)
    expect(
      envelopes.every(
        (envelope, i) => envelope.type === 'identify' && envelope.traits.name === `Müller–Łódź ${i}`,
      ),
    ).toBe(true)
  })
})
