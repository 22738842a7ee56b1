import { describe, expect, test } from 'vitest'
import { e164, emailAddresses } from '../src/contact-points.js'

describe('emailAddresses', () => {
  test('lower-cases, drops display names, splits lists, and drops what is no address', () => {
    expect(emailAddresses('Ada.Lovelace@Example.com')).toEqual(['ada.lovelace@example.com'])
    expect(emailAddresses('Mary Somerville <mary.somerville@example.com>')).toEqual([
      'mary.somerville@example.com',
    ])
    expect(emailAddresses('a@example.com, b@example.com; A@example.com')).toEqual([
      'a@example.com',
      'b@example.com',
    ])
    expect(emailAddresses('not an address')).toEqual([])
    expect(emailAddresses(false)).toEqual([])
  })
})

describe('e164', () => {
  test('a number written with its country code', () => {
    expect(e164('+44 20 7183 8750')).toBe('+442071838750')
    expect(e164('+1 (415) 555-0123')).toBe('+14155550123')
    expect(e164('0044 131 496 0000')).toBe('+441314960000')
  })

  test('nothing for a national number, an extension or an empty field', () => {
    expect(e164('020 7946 0999')).toBeUndefined()
    expect(e164('+44 20 7183 8750 ext. 12')).toBeUndefined()
    expect(e164(false)).toBeUndefined()
  })
})
