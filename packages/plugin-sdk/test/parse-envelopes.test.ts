import { describe, expect, test } from 'vitest'
import { z } from 'zod'
import { describeIssues, parseEnvelopes } from '../src/index.js'

describe('parseEnvelopes', () => {
  test('keeps the valid envelopes, with defaults, and reports each invalid one', () => {
    const { valid, invalid } = parseEnvelopes([
      {
        type: 'identify',
        messageId: 'm1',
        occurredAt: '2026-01-01T00:00:00Z',
        identifiers: [{ type: 'email', value: 'ada@example.com' }],
      },
      { type: 'identify', messageId: 'm2', occurredAt: 'yesterday', identifiers: [] },
      {
        type: 'feedback',
        messageId: 'm3',
        occurredAt: '2026-01-01T00:00:00Z',
        identifiers: [{ type: 'email', value: 'ada@example.com' }],
        metric: 'nps',
        score: 11,
      },
      null,
    ])
    expect(valid).toHaveLength(1)
    expect(valid[0]).toMatchObject({ messageId: 'm1', traits: {} })
    expect(invalid.map((problem) => problem.index)).toEqual([1, 2, 3])
    expect(invalid[0]).toEqual({
      index: 1,
      messageId: 'm2',
      errors: [
        { path: 'identifiers', message: 'an identify needs at least one identifier' },
        { path: 'occurredAt', message: 'must be an ISO-8601 time' },
      ],
    })
    expect(invalid[1]!.errors).toEqual([
      { path: 'score', message: 'a nps score is a whole number from 0 to 10' },
    ])
    expect(invalid[2]!.messageId).toBeUndefined()
  })
})

describe('describeIssues', () => {
  test('writes each issue as path: message on one line', () => {
    const result = z.object({ a: z.object({ b: z.string() }), c: z.number() }).safeParse({ a: {}, c: 'x' })
    expect(result.success || describeIssues(result.error)).toBe(
      'a.b: Invalid input: expected string, received undefined; c: Invalid input: expected number, received string',
    )
    const root = z.string().safeParse(1)
    expect(root.success || describeIssues(root.error)).toBe('Invalid input: expected string, received number')
  })
})
