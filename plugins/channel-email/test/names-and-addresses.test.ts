import { describe, expect, test } from 'vitest'
import { nameTraits } from '../src/envelopes.js'
import { isSupportAddress } from '../src/support-addresses.js'

describe('isSupportAddress', () => {
  const patterns = ['support@northwind.example', '@help.northwind.example']

  test.each([
    ['support@northwind.example', true],
    ['Support@NorthWind.example', true],
    ['billing@help.northwind.example', true],
    ['sales@northwind.example', false],
    // A domain pattern is that domain only, not its subdomains nor a look-alike.
    ['a@eu.help.northwind.example', false],
    ['a@evilhelp.northwind.example', false],
    ['support@northwind.example.evil.example', false],
    ['@help.northwind.example', false],
    ['', false],
  ])('%s → %s', (recipient, expected) => {
    expect(isSupportAddress(patterns, recipient)).toBe(expected)
  })
})

describe('nameTraits', () => {
  test.each([
    ['Ada Lovelace', { firstName: 'Ada', lastName: 'Lovelace' }],
    ['Lovelace, Ada', { firstName: 'Ada', lastName: 'Lovelace' }],
    ['"Grace Brewster Hopper"', { firstName: 'Grace', lastName: 'Brewster Hopper' }],
    ['Ada', { name: 'Ada' }],
    ['ada.lovelace@example.com', undefined],
    ['  ', undefined],
    [undefined, undefined],
  ])('%s → %o', (displayName, expected) => {
    expect(nameTraits(displayName)).toEqual(expected)
  })
})
