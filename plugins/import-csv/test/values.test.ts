import { describe, expect, it } from 'vitest'
import { parseAmount, parseDate } from '../src/index.js'

describe('parseAmount', () => {
  it('reads a decimal point, with commas, spaces or apostrophes grouping thousands', () => {
    expect(parseAmount('1234.5', '.')).toBe(1234.5)
    expect(parseAmount('-1,234.50', '.')).toBe(-1234.5)
    expect(parseAmount('+1 234 567.8', '.')).toBe(1234567.8)
    expect(parseAmount("1'234.50", '.')).toBe(1234.5)
    expect(parseAmount('1\u00a0234.50', '.')).toBe(1234.5)
    expect(parseAmount('0', '.')).toBe(0)
  })

  it('reads a decimal comma, with dots or spaces grouping thousands', () => {
    expect(parseAmount('1.234,56', ',')).toBe(1234.56)
    expect(parseAmount('89,90', ',')).toBe(89.9)
    expect(parseAmount('1 234,5', ',')).toBe(1234.5)
    expect(parseAmount('-12', ',')).toBe(-12)
  })

  it('refuses what it would have to guess at', () => {
    for (const text of [
      '12.5O',
      '€12',
      '12 EUR',
      '1,5',
      '1,23,456.00',
      '1.2.3',
      '',
      '-',
      '.5',
      '1e3',
      '(12.00)',
    ]) {
      expect(parseAmount(text, '.'), text).toBeUndefined()
    }
    for (const text of ['1.5', '1,234.56', '12,', 'abc']) expect(parseAmount(text, ','), text).toBeUndefined()
  })
})

describe('parseDate', () => {
  it('reads ISO 8601 with an offset as that moment', () => {
    expect(parseDate('2024-03-05T14:30:00Z', 'day-first')).toBe('2024-03-05T14:30:00.000Z')
    expect(parseDate('2024-03-05T14:30:00.250+01:00', 'day-first')).toBe('2024-03-05T13:30:00.250Z')
    expect(parseDate('2024-03-05T14:30-0500', 'day-first')).toBe('2024-03-05T19:30:00.000Z')
  })

  it('reads ISO dates and times without an offset as UTC', () => {
    expect(parseDate('2024-03-05', 'day-first')).toBe('2024-03-05T00:00:00.000Z')
    expect(parseDate('2024-03-05 14:30', 'day-first')).toBe('2024-03-05T14:30:00.000Z')
    expect(parseDate('2024-03-05T14:30:59', 'month-first')).toBe('2024-03-05T14:30:59.000Z')
  })

  it('reads numeric dates day first or month first, as told, with / . or -', () => {
    expect(parseDate('05/03/2024', 'day-first')).toBe('2024-03-05T00:00:00.000Z')
    expect(parseDate('05/03/2024', 'month-first')).toBe('2024-05-03T00:00:00.000Z')
    expect(parseDate('5.3.2024 9:05', 'day-first')).toBe('2024-03-05T09:05:00.000Z')
    expect(parseDate('12-31-2024 23:59:59', 'month-first')).toBe('2024-12-31T23:59:59.000Z')
  })

  it('refuses days that do not exist and formats it does not list', () => {
    for (const text of [
      '31/02/2024',
      '2023-02-29',
      '2024-02-30T10:00:00Z',
      '13/13/2024',
      '2024-03-05 24:00',
      '05/03/24',
      'March 5, 2024',
      '1709596800',
      '0024-03-05',
      'yesterday',
    ]) {
      expect(parseDate(text, 'day-first'), text).toBeUndefined()
    }
    expect(parseDate('31/12/2024', 'month-first')).toBeUndefined()
  })
})
