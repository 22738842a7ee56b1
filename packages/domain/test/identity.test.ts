import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  defaultIdentitySettings,
  type Identifier,
  IdentityGraph,
  type IdentitySettings,
  identityKey,
  identitySettingsSchema,
  isBlocked,
  normalizeIdentifier,
  planResolution,
  ruleFor,
  usableIdentifiers,
} from '../src/index.js'
import { inTwoOrders } from './in-two-orders.js'

const userId = (value: string): Identifier => ({ type: 'userId', value })
const email = (value: string): Identifier => ({ type: 'email', value })
const phone = (value: string): Identifier => ({ type: 'phone', value })
const anon = (value: string): Identifier => ({ type: 'anonymousId', value })
const hubspot = (value: string): Identifier => ({ type: 'hubspot', value })

function withLimits(limits: Record<string, number>, vendorLimit = 5): IdentitySettings {
  return {
    ...defaultIdentitySettings,
    rules: defaultIdentitySettings.rules.map((rule) => ({ ...rule, limit: limits[rule.type] ?? rule.limit })),
    vendorRule: { ...defaultIdentitySettings.vendorRule, limit: vendorLimit },
  }
}

describe('identifiers', () => {
  test('e-mails are trimmed and lower-cased, phones keep a leading + and digits, others are trimmed', () => {
    expect(normalizeIdentifier(email('  Ann@Example.COM '))).toEqual(email('ann@example.com'))
    expect(normalizeIdentifier(phone(' +49 (30) 1234-5 '))).toEqual(phone('+493012345'))
    expect(normalizeIdentifier(phone('030 1234 5'))).toEqual(phone('03012345'))
    expect(normalizeIdentifier(phone('+'))).toEqual(phone(''))
    expect(normalizeIdentifier(userId(' U-17 '))).toEqual(userId('U-17'))
    expect(identityKey(email('Ann@Example.com'))).toBe('email:ann@example.com')
    expect(identityKey(hubspot(' 123'))).toBe('hubspot:123')
  })

  test('normalizing twice changes nothing', () => {
    const type = fc.constantFrom('userId', 'email', 'phone', 'anonymousId', 'hubspot')
    fc.assert(
      fc.property(type, fc.string(), (t, value) => {
        const once = normalizeIdentifier({ type: t, value })
        expect(normalizeIdentifier(once)).toEqual(once)
      }),
    )
  })

  test('the default blocked values are the placeholders forms and SDKs send', () => {
    for (const value of [
      '0',
      '000',
      '-',
      '-1',
      'null',
      'NULL',
      'undefined',
      'anonymous',
      'None',
      'n/a',
      'NA',
      '  ',
    ])
      expect(isBlocked(userId(value), defaultIdentitySettings), value).toBe(true)
    for (const value of ['10', 'nancy', 'u-1', 'null-pointer', 'ann@example.com'])
      expect(isBlocked(userId(value), defaultIdentitySettings), value).toBe(false)
  })

  test('a placeholder phone is blocked however normalizing spells it', () => {
    // `-1` normalizes to `1` and `+000` keeps its `+`: the value as sent and the bare digits count too.
    for (const value of ['-1', ' -1 ', '+0', '+000', '+ 0', '0', '--', '+'])
      expect(isBlocked(phone(value), defaultIdentitySettings), value).toBe(true)
    for (const value of ['+1 555 0100', '5550100', '+10', '1'])
      expect(isBlocked(phone(value), defaultIdentitySettings), value).toBe(false)
    expect(
      usableIdentifiers([phone('-1'), phone('+0'), phone('+1 555 0100')], defaultIdentitySettings),
    ).toEqual([phone('+15550100')])
  })

  test('a blocked pattern matches the whole normalized value, ignoring case', () => {
    const settings = { ...defaultIdentitySettings, blocked: ['test@example\\.com', 'test'] }
    expect(isBlocked(email(' TEST@example.com'), settings)).toBe(true)
    expect(isBlocked(userId('Test'), settings)).toBe(true)
    expect(isBlocked(userId('tester'), settings)).toBe(false)
  })

  test('usable identifiers are normalized, without blocked or empty ones or repeats, strongest first', () => {
    const usable = usableIdentifiers(
      [
        anon('a-1'),
        hubspot('7'),
        email('Ann@Example.com'),
        phone('n/a'),
        userId('null'),
        email('ann@example.com '),
        phone('+1 555 0100'),
        userId('u1'),
        { type: 'stripe', value: 'cus_1' },
      ],
      defaultIdentitySettings,
    )
    expect(usable).toEqual([
      userId('u1'),
      email('ann@example.com'),
      phone('+15550100'),
      hubspot('7'),
      { type: 'stripe', value: 'cus_1' },
      anon('a-1'),
    ])
  })

  test('a type without a rule of its own is a vendor id', () => {
    expect(ruleFor(defaultIdentitySettings, 'email')).toEqual({ priority: 2, limit: 5 })
    expect(ruleFor(defaultIdentitySettings, 'zendesk')).toEqual({ priority: 4, limit: 5 })
  })
})

describe('identity settings', () => {
  const valid = (settings: unknown) => identitySettingsSchema.safeParse(settings).success

  test('the defaults are valid', () => {
    expect(valid(defaultIdentitySettings)).toBe(true)
  })

  test('a blocked pattern that is not a regular expression is refused', () => {
    expect(valid({ ...defaultIdentitySettings, blocked: ['(unclosed'] })).toBe(false)
  })

  test('priorities and limits are positive whole numbers', () => {
    const rule = (priority: number, limit: number) => ({
      ...defaultIdentitySettings,
      rules: [{ type: 'email', priority, limit }],
    })
    expect(valid(rule(1, 1))).toBe(true)
    expect(valid(rule(0, 1))).toBe(false)
    expect(valid(rule(1, 0))).toBe(false)
    expect(valid(rule(1.5, 1))).toBe(false)
    expect(valid({ ...defaultIdentitySettings, vendorRule: { priority: 4, limit: -1 } })).toBe(false)
  })

  test('a type has at most one rule, and types are the known ones or kebab-case vendor ids', () => {
    const rules = [...defaultIdentitySettings.rules, { type: 'email', priority: 9, limit: 9 }]
    expect(valid({ ...defaultIdentitySettings, rules })).toBe(false)
    const vendor = [...defaultIdentitySettings.rules, { type: 'hubspot', priority: 3, limit: 1 }]
    expect(valid({ ...defaultIdentitySettings, rules: vendor })).toBe(true)
    const odd = [{ type: 'Not A Type', priority: 3, limit: 1 }]
    expect(valid({ ...defaultIdentitySettings, rules: odd })).toBe(false)
  })
})

describe('resolving identities', () => {
  test('identifiers nobody owns yet open a new profile that holds all of them', () => {
    const graph = new IdentityGraph()
    const { profileId, plan } = graph.resolve([anon('a-1'), email('Ann@Example.com')])
    expect(profileId).toBe('p1')
    expect(plan).toEqual({
      target: { kind: 'new' },
      merges: [],
      attach: [email('ann@example.com'), anon('a-1')],
      conflicts: [],
    })
  })

  test('a new profile takes one userId; the second is refused with a conflict naming the limit', () => {
    const { plan } = new IdentityGraph().resolve([userId('u1'), userId('u2'), email('a@x.com')])
    expect(plan.attach).toEqual([userId('u1'), email('a@x.com')])
    expect(plan.conflicts).toEqual([
      {
        identifier: userId('u2'),
        profileIds: [],
        reason: 'userId u2 was not added to the new profile: a profile may have at most 1 userId value',
      },
    ])
  })

  test('the profile owning the strongest known identifier is kept, and the others are merged into it', () => {
    const graph = new IdentityGraph()
    graph.resolve([email('a@x.com')]) // p1
    graph.resolve([phone('+1 555 0100')]) // p2
    const { profileId, plan } = graph.resolve([phone('+15550100'), anon('a-1'), email('a@x.com')])
    expect(profileId).toBe('p1')
    expect(plan).toEqual({
      target: { kind: 'existing', id: 'p1' },
      matchedBy: email('a@x.com'),
      merges: [{ from: 'p2', into: 'p1', via: phone('+15550100') }],
      attach: [anon('a-1')],
      conflicts: [],
    })
    expect(graph.groups()).toEqual([['anonymousId:a-1', 'email:a@x.com', 'phone:+15550100']])
    expect(graph.mergedInto.get('p2')).toBe('p1')
    expect(graph.rootOf('p2')).toBe('p1')
  })

  test('other profiles are merged in the priority order of the identifier that found them, each once', () => {
    const graph = new IdentityGraph()
    graph.resolve([email('a@x.com')]) // p1
    graph.resolve([anon('a-1'), hubspot('7')]) // p2
    graph.resolve([phone('+15550100')]) // p3
    const { plan } = graph.resolve([anon('a-1'), hubspot('7'), phone('+15550100'), email('a@x.com')])
    expect(plan.merges).toEqual([
      { from: 'p3', into: 'p1', via: phone('+15550100') },
      { from: 'p2', into: 'p1', via: hubspot('7') },
    ])
    expect(graph.profiles().map((p) => p.id)).toEqual(['p1'])
  })

  test('an unknown userId joins a known profile that has none', () => {
    const graph = new IdentityGraph()
    graph.resolve([email('a@x.com')])
    const { profileId, plan } = graph.resolve([userId('u1'), email('a@x.com')])
    expect(profileId).toBe('p1')
    expect(plan.attach).toEqual([userId('u1')])
    expect(plan.conflicts).toEqual([])
  })

  test('a second userId opens a new profile and records a conflict for the shared email', () => {
    const graph = new IdentityGraph()
    graph.resolve([userId('u1'), email('a@x.com')]) // p1
    const { profileId, plan } = graph.resolve([userId('u2'), email('a@x.com'), anon('a-9')])
    expect(profileId).toBe('p2')
    expect(plan).toEqual({
      target: { kind: 'new' },
      merges: [],
      attach: [userId('u2'), anon('a-9')],
      conflicts: [
        {
          identifier: email('a@x.com'),
          profileIds: ['p1'],
          reason:
            'email a@x.com belongs to profile p1, which has a different userId; userId u2 starts a new profile',
        },
      ],
    })
    expect(graph.groups()).toEqual([
      ['anonymousId:a-9', 'userId:u2'],
      ['email:a@x.com', 'userId:u1'],
    ])
  })

  test('a new profile at once takes in the profiles that fit it, as resolving the envelope again would', () => {
    const graph = new IdentityGraph()
    graph.resolve([userId('u1'), email('a@x.com')]) // p1
    graph.resolve([phone('+15550100')]) // p2
    const event = [userId('u2'), email('a@x.com'), phone('+15550100')]
    const { profileId, plan } = graph.resolve(event)
    expect(profileId).toBe('p3')
    expect(plan).toEqual({
      target: { kind: 'new' },
      // The planner cannot know the new profile's id: the caller merges into the profile it creates.
      merges: [{ from: 'p2', into: '', via: phone('+15550100') }],
      attach: [userId('u2')],
      conflicts: [
        {
          identifier: email('a@x.com'),
          profileIds: ['p1'],
          reason:
            'email a@x.com belongs to profile p1, which has a different userId; userId u2 starts a new profile',
        },
      ],
    })
    const steady = [
      ['email:a@x.com', 'userId:u1'],
      ['phone:+15550100', 'userId:u2'],
    ]
    expect(graph.groups()).toEqual(steady)
    expect(graph.mergedInto.get('p2')).toBe('p3')

    const again = graph.resolve(event)
    expect(again.profileId).toBe('p3')
    expect(again.plan).toEqual({
      target: { kind: 'existing', id: 'p3' },
      matchedBy: userId('u2'),
      merges: [],
      attach: [],
      conflicts: [
        {
          identifier: email('a@x.com'),
          profileIds: ['p3', 'p1'],
          reason:
            'email a@x.com belongs to profile p1, which was not merged into profile p3: ' +
            'together they would have 2 userId values, the limit is 1',
        },
      ],
    })
    expect(graph.groups()).toEqual(steady)
  })

  test('after a split, an owning profile that does not fit the new profile either is left alone', () => {
    const graph = new IdentityGraph()
    graph.resolve([userId('u1'), email('a@x.com')]) // p1
    graph.resolve([userId('u3'), phone('+15550100')]) // p2
    graph.resolve([hubspot('7')]) // p3
    const { profileId, plan } = graph.resolve([
      userId('u2'),
      email('a@x.com'),
      phone('+15550100'),
      hubspot('7'),
      anon('a-1'),
    ])
    expect(profileId).toBe('p4')
    expect(plan.merges).toEqual([{ from: 'p3', into: '', via: hubspot('7') }])
    expect(plan.attach).toEqual([userId('u2'), anon('a-1')])
    expect(plan.conflicts.map((c) => [c.identifier, c.profileIds, c.reason])).toEqual([
      [
        email('a@x.com'),
        ['p1'],
        'email a@x.com belongs to profile p1, which has a different userId; userId u2 starts a new profile',
      ],
      [
        phone('+15550100'),
        ['p2'],
        'phone +15550100 belongs to profile p2, which was not merged into the new profile: ' +
          'together they would have 2 userId values, the limit is 1',
      ],
    ])
    expect(graph.groups()).toEqual([
      ['anonymousId:a-1', 'hubspot:7', 'userId:u2'],
      ['email:a@x.com', 'userId:u1'],
      ['phone:+15550100', 'userId:u3'],
    ])
  })

  test('stronger identifiers the envelope brings count before a merge: the merge is refused, not them', () => {
    const graph = new IdentityGraph()
    graph.resolve([email('a@x.com')]) // p1
    graph.resolve([userId('u1'), phone('+15550100')]) // p2
    const event = [userId('u2'), email('a@x.com'), phone('+15550100')]
    const { profileId, plan } = graph.resolve(event)
    expect(profileId).toBe('p1')
    expect(plan).toEqual({
      target: { kind: 'existing', id: 'p1' },
      matchedBy: email('a@x.com'),
      merges: [],
      attach: [userId('u2')],
      conflicts: [
        {
          identifier: phone('+15550100'),
          profileIds: ['p1', 'p2'],
          reason:
            'phone +15550100 belongs to profile p2, which was not merged into profile p1: ' +
            'together they would have 2 userId values, the limit is 1',
        },
      ],
    })
    const steady = [
      ['email:a@x.com', 'userId:u2'],
      ['phone:+15550100', 'userId:u1'],
    ]
    expect(graph.groups()).toEqual(steady)

    const again = graph.resolve(event)
    expect(again.profileId).toBe('p1')
    expect(again.plan.matchedBy).toEqual(userId('u2'))
    expect(again.plan.merges).toEqual([])
    expect(again.plan.attach).toEqual([])
    expect(graph.groups()).toEqual(steady)
  })

  test('an identifier as strong as the match but listed before it is attached before merges', () => {
    const graph = new IdentityGraph({ settings: withLimits({ email: 2 }) })
    graph.resolve([email('a@x.com')]) // p1
    graph.resolve([email('b@x.com'), phone('+15550100')]) // p2
    const { profileId, plan } = graph.resolve([email('c@x.com'), email('a@x.com'), phone('+15550100')])
    expect(profileId).toBe('p1')
    expect(plan.matchedBy).toEqual(email('a@x.com'))
    expect(plan.attach).toEqual([email('c@x.com')])
    expect(plan.merges).toEqual([])
    expect(plan.conflicts.map((c) => [c.identifier, c.profileIds])).toEqual([
      [phone('+15550100'), ['p1', 'p2']],
    ])
  })

  test('an identifier as strong as the match but listed before it splits when it does not fit', () => {
    // Left unattached, e-mail d could later be owned by another profile and decide a replay of this
    // envelope, which would then give hubspot 1 to that profile instead.
    const graph = new IdentityGraph({ settings: withLimits({ email: 1 }, 1) })
    graph.resolve([email('c@x.com'), hubspot('2')]) // p1
    const event = [email('d@x.com'), email('c@x.com'), hubspot('1')]
    const { profileId, plan } = graph.resolve(event)
    expect(profileId).toBe('p2')
    expect(plan).toEqual({
      target: { kind: 'new' },
      merges: [],
      attach: [email('d@x.com'), hubspot('1')],
      conflicts: [
        {
          identifier: email('c@x.com'),
          profileIds: ['p1'],
          reason:
            'email c@x.com belongs to profile p1, which has a different email; email d@x.com starts a new profile',
        },
      ],
    })
    graph.resolve([email('d@x.com'), phone('+15550100')])
    const before = graph.groups()
    expect(before).toEqual([
      ['email:c@x.com', 'hubspot:2'],
      ['email:d@x.com', 'hubspot:1', 'phone:+15550100'],
    ])
    graph.resolve(event)
    expect(graph.groups()).toEqual(before)
  })

  test('a weaker identifier never opens a new profile: over its limit it is only refused', () => {
    const graph = new IdentityGraph({ settings: withLimits({ anonymousId: 1 }) })
    graph.resolve([email('a@x.com'), anon('a-1')])
    const { profileId, plan } = graph.resolve([email('a@x.com'), anon('a-2')])
    expect(profileId).toBe('p1')
    expect(plan.attach).toEqual([])
    expect(plan.conflicts).toEqual([
      {
        identifier: anon('a-2'),
        profileIds: ['p1'],
        reason:
          'anonymousId a-2 was not added to profile p1: it already has 1 anonymousId value, the limit is 1',
      },
    ])
  })

  test('two profiles with different userIds are never merged; the conflict names both', () => {
    const graph = new IdentityGraph()
    graph.resolve([userId('u1'), email('a@x.com')]) // p1
    graph.resolve([userId('u2'), phone('+15550100')]) // p2
    const { profileId, plan } = graph.resolve([email('a@x.com'), phone('+15550100')])
    expect(profileId).toBe('p1')
    expect(plan.merges).toEqual([])
    expect(plan.conflicts).toEqual([
      {
        identifier: phone('+15550100'),
        profileIds: ['p1', 'p2'],
        reason:
          'phone +15550100 belongs to profile p2, which was not merged into profile p1: ' +
          'together they would have 2 userId values, the limit is 1',
      },
    ])
  })

  test('a merge counts what the same event already merged in', () => {
    const graph = new IdentityGraph()
    graph.resolve([email('a@x.com')]) // p1
    graph.resolve([userId('u1'), phone('+15550100')]) // p2
    graph.resolve([userId('u2'), anon('a-1')]) // p3
    const { plan } = graph.resolve([anon('a-1'), phone('+15550100'), email('a@x.com')])
    expect(plan.merges).toEqual([{ from: 'p2', into: 'p1', via: phone('+15550100') }])
    expect(plan.conflicts.map((c) => [c.identifier, c.profileIds])).toEqual([[anon('a-1'), ['p1', 'p3']]])
  })

  test('an identifier that would take its type over the limit is not attached to a known profile', () => {
    const graph = new IdentityGraph({ settings: withLimits({ email: 2 }) })
    graph.resolve([userId('u1'), email('a@x.com'), email('b@x.com')])
    const { plan } = graph.resolve([userId('u1'), email('c@x.com'), phone('+15550100')])
    expect(plan.attach).toEqual([phone('+15550100')])
    expect(plan.conflicts.map((c) => c.reason)).toEqual([
      'email c@x.com was not added to profile p1: it already has 2 email values, the limit is 2',
    ])
  })

  test('placeholder values never link two people', () => {
    const graph = new IdentityGraph()
    graph.resolve([anon('null'), email('a@x.com')])
    const { profileId } = graph.resolve([anon('NULL'), email('b@x.com')])
    expect(profileId).toBe('p2')
    expect(graph.ownerOf('anonymousId:null')).toBeUndefined()
  })

  test('an event without a usable identifier gets a profile of its own', () => {
    const graph = new IdentityGraph()
    const { profileId, plan } = graph.resolve([userId('undefined'), email(' ')])
    expect(plan).toEqual({ target: { kind: 'new' }, merges: [], attach: [], conflicts: [] })
    expect(graph.profiles()).toEqual([{ id: profileId, identities: [] }])
  })

  test('the planner works from what it is told, without the graph', () => {
    const owners: Record<string, string> = { 'email:a@x.com': 'c-1' }
    const plan = planResolution({
      identifiers: [email('A@x.com'), userId('u1')],
      ownerOf: (key) => owners[key],
      profile: (id) => ({ id, identities: [email('a@x.com')] }),
      settings: defaultIdentitySettings,
    })
    expect(plan.target).toEqual({ kind: 'existing', id: 'c-1' })
    expect(plan.attach).toEqual([userId('u1')])
  })

  test('profiles an unmerge split are not merged again, also after another merge in the same plan', () => {
    const owners: Record<string, string> = {
      'userId:u1': 'c-1',
      'anonymousId:d1': 'c-2',
      'email:b@x.com': 'c-3',
    }
    const identities: Record<string, Identifier[]> = {
      'c-1': [userId('u1')],
      'c-2': [anon('d1')],
      'c-3': [email('b@x.com')],
    }
    const plan = (keptApart?: (a: string, b: string) => boolean) =>
      planResolution({
        identifiers: [userId('u1'), email('b@x.com'), anon('d1')],
        ownerOf: (key) => owners[key],
        profile: (id) => ({ id, identities: identities[id] ?? [] }),
        settings: defaultIdentitySettings,
        ...(keptApart ? { keptApart } : {}),
      })
    expect(plan().merges.map((m) => m.from)).toEqual(['c-3', 'c-2'])
    // c-2 was split from c-3, which this plan merges into c-1 first.
    const apart = plan((a, b) => [a, b].sort().join() === 'c-2,c-3')
    expect(apart.merges.map((m) => m.from)).toEqual(['c-3'])
    expect(apart.conflicts).toEqual([
      {
        identifier: anon('d1'),
        profileIds: ['c-1', 'c-2'],
        reason:
          'anonymousId d1 belongs to profile c-2, which was not merged into profile c-1: an unmerge split it from profile c-3',
      },
    ])
  })
})

// Small pools, so that random envelopes share identifiers often. Some spellings differ only in
// case, space or punctuation and must still be recognised as the same identifier.
const linkingIdentifier = fc.oneof(
  fc.constantFrom('a@x.com', 'b@x.com', 'c@x.com', 'd@x.com', ' A@X.com').map(email),
  fc.constantFrom('+1 555 0100', '+15550100', '+1 555 0101', '0301234').map(phone),
  fc.constantFrom('anon-1', 'anon-2', 'anon-3').map(anon),
  fc.constantFrom('u1', 'u2', 'u3').map(userId),
  fc.constantFrom('1', '2').map(hubspot),
  fc.constantFrom('cus_1', 'cus_2').map((value) => ({ type: 'stripe', value })),
)
const envelope = fc.array(linkingIdentifier, { minLength: 1, maxLength: 4 })

/** The connected components of identifiers that appear together, by a union-find of their own. */
function componentsOf(envelopes: Identifier[][]): string[][] {
  const parent = new Map<string, string>()
  const find = (key: string): string => {
    const p = parent.get(key) ?? key
    if (p === key) return key
    const root = find(p)
    parent.set(key, root)
    return root
  }
  for (const ids of envelopes) {
    const keys = ids.map(identityKey)
    for (const key of keys) if (!parent.has(key)) parent.set(key, key)
    for (const key of keys.slice(1)) parent.set(find(key), find(keys[0]!))
  }
  const groups = new Map<string, string[]>()
  for (const key of parent.keys()) groups.set(find(key), [...(groups.get(find(key)) ?? []), key])
  return sortGroups([...groups.values()])
}

function sortGroups(groups: string[][]): string[][] {
  return groups.map((g) => [...g].sort()).sort((a, b) => a.join(' ').localeCompare(b.join(' ')))
}

function replay(envelopes: Identifier[][], settings: IdentitySettings): IdentityGraph {
  const graph = new IdentityGraph({ settings })
  for (const ids of envelopes) graph.resolve(ids)
  return graph
}

describe('properties of identity resolution', () => {
  test('where limits do not bite, the grouping is the same in every order: the identifiers seen together', () => {
    const roomy = withLimits({ userId: 1000, email: 1000, phone: 1000, anonymousId: 1000 }, 1000)
    fc.assert(
      fc.property(
        inTwoOrders(fc.array(envelope, { minLength: 1, maxLength: 12 })),
        ([envelopes, shuffled]) => {
          const expected = componentsOf(envelopes)
          expect(sortGroups(replay(envelopes, roomy).groups())).toEqual(expected)
          expect(sortGroups(replay(shuffled, roomy).groups())).toEqual(expected)
        },
      ),
      { numRuns: 300 },
    )
  })

  test('limits and blocked values are never violated, and every identifier is accounted for', () => {
    const placeholders = [
      ...['null', 'anonymous', '0', 'N/A', ' '].map(anon),
      ...['-1', 'undefined', ''].map(userId),
      ...['n/a', '+', '--', '-1', ' -1', '+0', '+000', '+ 0 0', '0'].map(phone),
      ...['-1', ' NULL ', 'none'].map(hubspot),
      ...['n/a', ' None '].map(email),
    ]
    const placeholder = fc.constantFrom(...placeholders)
    const identifier = fc.oneof(
      { weight: 5, arbitrary: linkingIdentifier },
      { weight: 1, arbitrary: placeholder },
    )
    const priorities = fc.shuffledSubarray([1, 2, 3, 4, 5], { minLength: 5, maxLength: 5 })
    const limit = fc.integer({ min: 1, max: 3 })
    const randomSettings = fc.tuple(priorities, fc.array(limit, { minLength: 5, maxLength: 5 })).map(
      ([p, l]): IdentitySettings => ({
        rules: ['userId', 'email', 'phone', 'anonymousId'].map((type, i) => ({
          type,
          priority: p[i]!,
          limit: l[i]!,
        })),
        vendorRule: { priority: p[4]!, limit: l[4]! },
        blocked: defaultIdentitySettings.blocked,
      }),
    )
    const settingsArb = fc.oneof(fc.constant(defaultIdentitySettings), randomSettings)
    const envelopes = fc.array(fc.array(identifier, { maxLength: 5 }), { maxLength: 20 })

    fc.assert(
      fc.property(settingsArb, envelopes, (settings, events) => {
        const graph = new IdentityGraph({ settings })
        for (const ids of events) {
          const liveBefore = new Set(graph.profiles().map((p) => p.id))
          const { profileId, plan } = graph.resolve(ids)
          const live = new Map(graph.profiles().map((p) => [p.id, p.identities]))

          expect(live.has(profileId)).toBe(true)
          for (const merge of plan.merges) {
            if (plan.target.kind === 'new') expect(merge.into).toBe('')
            else expect(liveBefore.has(merge.into) && merge.into === profileId).toBe(true)
            expect(liveBefore.has(merge.from)).toBe(true)
            expect(live.has(merge.from)).toBe(false)
          }
          // Each usable identifier ends on the profile, or a conflict explains where it stayed.
          const explained = new Set(
            plan.conflicts.flatMap((c) => [identityKey(c.identifier), ...c.profileIds]),
          )
          for (const id of usableIdentifiers(ids, settings)) {
            const owner = graph.ownerOf(identityKey(id))
            const accounted =
              owner === profileId ||
              explained.has(identityKey(id)) ||
              (owner !== undefined && explained.has(owner))
            expect(accounted, identityKey(id)).toBe(true)
          }

          const owners = new Map<string, string>()
          for (const [id, identities] of live) {
            const perType = new Map<string, Set<string>>()
            for (const identity of identities) {
              const key = identityKey(identity)
              expect(owners.has(key), `${key} owned twice`).toBe(false)
              owners.set(key, id)
              expect(graph.ownerOf(key)).toBe(id)
              expect(isBlocked(identity, settings)).toBe(false)
              perType.set(identity.type, (perType.get(identity.type) ?? new Set()).add(identity.value))
            }
            for (const [type, values] of perType)
              expect(values.size).toBeLessThanOrEqual(ruleFor(settings, type).limit)
          }
          // Not even in the spelling normalizing gives it (the phone `-1` would be `1`).
          for (const id of placeholders)
            expect(graph.ownerOf(identityKey(id)), identityKey(id)).toBeUndefined()
          for (const merged of graph.mergedInto.keys()) {
            expect(live.has(merged)).toBe(false)
            expect(live.has(graph.rootOf(merged))).toBe(true)
          }
        }
      }),
      { numRuns: 300 },
    )
  })

  test('resolving the same envelope again changes nothing', () => {
    const limit = fc.integer({ min: 1, max: 3 })
    const smallLimits = fc
      .tuple(fc.record({ userId: limit, email: limit, phone: limit, anonymousId: limit }), limit)
      .map(([limits, vendorLimit]) => withLimits(limits, vendorLimit))
    const settingsArb = fc.oneof(fc.constant(defaultIdentitySettings), smallLimits)
    // An envelope without a usable identifier gets a profile of its own each time, by design (see
    // above), so every envelope here has at least one linking identifier; placeholders come along.
    const placeholder = fc.constantFrom(anon('null'), userId('undefined'), phone('n/a'), email(' '))
    const withPlaceholders = fc
      .tuple(envelope, fc.array(placeholder, { maxLength: 2 }))
      .map(([ids, extra]) => [...ids, ...extra])
    const snapshot = (graph: IdentityGraph) => ({ groups: graph.groups(), profiles: graph.profiles().length })

    fc.assert(
      fc.property(
        settingsArb,
        fc.array(withPlaceholders, { minLength: 1, maxLength: 12 }),
        (settings, events) => {
          const graph = replay(events, settings)
          const steady = snapshot(graph)
          graph.resolve(events[events.length - 1]!)
          expect(snapshot(graph)).toEqual(steady)
          for (const ids of events) graph.resolve(ids)
          expect(snapshot(graph)).toEqual(steady)
        },
      ),
      { numRuns: 1000 },
    )
  })
})
