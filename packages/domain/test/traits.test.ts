import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  displayNameFrom,
  type TraitObservation,
  type TraitPriorities,
  traitWins,
  winningObservation,
} from '../src/index.js'
import { inTwoOrders } from './in-two-orders.js'

const at = (iso: string) => new Date(iso)
const seen = (
  sourceId: string | null,
  time: string,
  value: unknown = sourceId,
  messageId = `${sourceId}-${time}`,
) => ({
  value,
  sourceId,
  observedAt: at(time),
  messageId,
})

const priorities: TraitPriorities = { plan: ['billing', 'crm'] }

describe('which observation of a trait wins', () => {
  test('the first observation always wins; after that the latest does', () => {
    expect(traitWins('email', undefined, seen('crm', '2026-01-01'), {})).toBe(true)
    expect(traitWins('email', seen('crm', '2026-01-01'), seen('web', '2026-01-02'), {})).toBe(true)
    expect(traitWins('email', seen('crm', '2026-01-02'), seen('web', '2026-01-01'), {})).toBe(false)
  })

  test('at the same time, the greater messageId wins, whichever arrived first', () => {
    const earlier = seen('crm', '2026-01-01', 'crm', 'm-1')
    const later = seen('web', '2026-01-01', 'web', 'm-2')
    expect(traitWins('email', earlier, later, {})).toBe(true)
    expect(traitWins('email', later, earlier, {})).toBe(false)
    // The same message again (a replay) changes nothing.
    expect(traitWins('email', later, later, {})).toBe(true)
  })

  test('a source listed for the trait beats an unlisted one, however recent', () => {
    expect(traitWins('plan', seen('crm', '2026-01-01'), seen(null, '2026-06-01'), priorities)).toBe(false)
    expect(traitWins('plan', seen('web', '2026-06-01'), seen('crm', '2026-01-01'), priorities)).toBe(true)
  })

  test('between listed sources, the earlier in the list wins regardless of time', () => {
    expect(traitWins('plan', seen('billing', '2026-01-01'), seen('crm', '2026-06-01'), priorities)).toBe(
      false,
    )
    expect(traitWins('plan', seen('crm', '2026-06-01'), seen('billing', '2026-01-01'), priorities)).toBe(true)
  })

  test('the same listed source updates itself by time', () => {
    expect(traitWins('plan', seen('crm', '2026-01-01'), seen('crm', '2026-02-01'), priorities)).toBe(true)
    expect(traitWins('plan', seen('crm', '2026-02-01'), seen('crm', '2026-01-01'), priorities)).toBe(false)
  })

  test('priorities of one trait do not touch another', () => {
    expect(traitWins('email', seen('billing', '2026-01-02'), seen('web', '2026-01-03'), priorities)).toBe(
      true,
    )
  })

  test('among many, the winner follows the same rules; equal times are settled by messageId', () => {
    const observations = [seen('web', '2026-03-01'), seen('crm', '2026-02-01'), seen('billing', '2026-01-01')]
    expect(winningObservation('plan', observations, priorities)?.sourceId).toBe('billing')
    expect(winningObservation('email', observations, priorities)?.sourceId).toBe('web')
    expect(winningObservation('email', [], priorities)).toBeUndefined()
    const tie = [seen('a', '2026-01-01', 'A', 'm-2'), seen('b', '2026-01-01', 'B', 'm-10')]
    expect(winningObservation('email', tie, {})?.messageId).toBe('m-2')
    expect(winningObservation('email', [...tie].reverse(), {})?.messageId).toBe('m-2')
  })
})

const sources = fc.constantFrom<string | null>(null, 'crm', 'billing', 'web', 'support')
const observations = fc.uniqueArray(
  fc.record({
    value: fc.integer(),
    sourceId: sources,
    observedAt: fc.integer({ min: 0, max: 5 }).map((day) => new Date(Date.UTC(2026, 0, 1 + day))),
    messageId: fc.string({ maxLength: 4 }),
  }),
  { selector: (o) => o.messageId, maxLength: 12 },
)
const somePriorities = fc.dictionary(
  fc.constantFrom('plan', 'email'),
  fc.uniqueArray(fc.constantFrom('crm', 'billing', 'web', 'support'), { maxLength: 4 }),
)

describe('properties of trait provenance', () => {
  test('the winner does not depend on the order the observations arrived in', () => {
    fc.assert(
      fc.property(
        inTwoOrders(observations),
        somePriorities,
        fc.constantFrom('plan', 'email'),
        ([list, shuffled], p, key) => {
          expect(winningObservation(key, shuffled, p)).toBe(winningObservation(key, list, p))
        },
      ),
    )
  })

  test('applying observations one by one with traitWins ends on the winner, equal times too', () => {
    // A profile's trait is kept one observation at a time and recomputed from all of them on a
    // merge or an unmerge: both must give the same value, also when observations share a time.
    fc.assert(
      fc.property(observations, somePriorities, fc.constantFrom('plan', 'email'), (list, p, key) => {
        let current: TraitObservation | undefined
        for (const candidate of list) if (traitWins(key, current, candidate, p)) current = candidate
        expect(current).toBe(winningObservation(key, list, p))
      }),
    )
  })
})

describe('display names', () => {
  test('name first, else first and last name in either spelling', () => {
    expect(displayNameFrom({ name: ' Ann Lee ', firstName: 'X' })).toBe('Ann Lee')
    expect(displayNameFrom({ firstName: 'Ann', lastName: 'Lee' })).toBe('Ann Lee')
    expect(displayNameFrom({ first_name: 'Ann', last_name: 'Lee' })).toBe('Ann Lee')
    expect(displayNameFrom({ first_name: 'Ann' })).toBe('Ann')
    expect(displayNameFrom({ lastName: 'Lee', name: '  ' })).toBe('Lee')
  })

  test('no usable name gives nothing', () => {
    expect(displayNameFrom({})).toBeUndefined()
    expect(displayNameFrom({ name: 42, firstName: null, email: 'a@x.com' })).toBeUndefined()
  })
})
