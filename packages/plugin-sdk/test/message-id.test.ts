import { describe, expect, test } from 'vitest'
import { messageIdFrom } from '../src/index.js'

describe('messageIdFrom', () => {
  test('is the same for the same parts and differs when any part differs', () => {
    const id = messageIdFrom('acme-crm', 'contact', 'c_1', '2026-01-01T00:00:00Z')
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(messageIdFrom('acme-crm', 'contact', 'c_1', '2026-01-01T00:00:00Z')).toBe(id)
    expect(messageIdFrom('acme-crm', 'contact', 'c_1', '2026-01-01T00:00:01Z')).not.toBe(id)
  })

  test('does not confuse parts that join into the same text', () => {
    expect(messageIdFrom('a.b', 'c')).not.toBe(messageIdFrom('a', 'b.c'))
    expect(messageIdFrom('1')).not.toBe(messageIdFrom(1))
  })

  test('writes a Date as its ISO time and treats undefined as null', () => {
    expect(messageIdFrom(new Date('2026-01-01T00:00:00Z'))).toBe(messageIdFrom('2026-01-01T00:00:00.000Z'))
    expect(messageIdFrom('x', undefined)).toBe(messageIdFrom('x', null))
  })
})
