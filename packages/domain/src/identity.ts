import { z } from 'zod'
import { kebabCase } from './ids.js'

/**
 * Identity resolution: which identifiers are the same person, and when two profiles may become one.
 *
 * Everything here is pure. The processor (apps/api) asks `planResolution` what to do with the
 * identifiers of one envelope, applies the plan in its transaction and stores the plan as the
 * explanation of the merge. `IdentityGraph` below is the same procedure in memory: the reference the
 * tests run against, and a short read for anyone who wants to see the whole loop.
 */

/** Structurally the plugin SDK's identifier (domain imports nothing of ours, so it is repeated). */
export interface Identifier {
  type: string
  value: string
}

/** How much an identifier type is trusted, and how many values of it one person may have. */
export interface IdentifierRule {
  type: string
  /** Lower is stronger: a userId (1) outranks an e-mail (2). */
  priority: number
  /** The most distinct values of this type one profile may hold. */
  limit: number
}

export interface IdentitySettings {
  /** One rule per known type. */
  rules: IdentifierRule[]
  /** For every type not listed: the vendor ids (`hubspot`, `stripe`, ...). */
  vendorRule: { priority: number; limit: number }
  /**
   * Regex sources; a value that matches one as a whole (ignoring case) is ignored. The value is
   * tested as sent (trimmed) and normalized, and a phone also as its bare digits (see `isBlocked`).
   */
  blocked: string[]
}

/**
 * Segment's defaults: one userId per person, a few e-mails and phones, many anonymous ids (one per
 * browser), and the placeholder values that forms and SDKs send when they know nothing.
 */
export const defaultIdentitySettings: IdentitySettings = {
  rules: [
    { type: 'userId', priority: 1, limit: 1 },
    { type: 'email', priority: 2, limit: 5 },
    { type: 'phone', priority: 3, limit: 5 },
    { type: 'anonymousId', priority: 5, limit: 100 },
  ],
  vendorRule: { priority: 4, limit: 5 },
  blocked: ['^[0-]*$', '^-1$', '^null$', '^undefined$', '^anonymous$', '^none$', '^n/?a$', '^\\s*$'],
}

/** The same rule as the plugin SDK's identifier types. */
const identifierTypePattern = new RegExp(
  `^(?:userId|email|phone|anonymousId|${kebabCase.source.slice(1, -1)})$`,
)

const positiveInt = z.number().int('must be a whole number').positive('must be at least 1')

function compileBlocked(source: string): RegExp {
  // Anchored here as well, so that a pattern such as `test` blocks the value `test` and not every
  // value that merely contains it.
  return new RegExp(`^(?:${source})$`, 'i')
}

export const identitySettingsSchema: z.ZodType<IdentitySettings> = z
  .object({
    rules: z
      .array(
        z.object({
          type: z
            .string()
            .regex(
              identifierTypePattern,
              'must be userId, email, phone, anonymousId or a kebab-case vendor id',
            ),
          priority: positiveInt,
          limit: positiveInt,
        }),
      )
      .max(100),
    vendorRule: z.object({ priority: positiveInt, limit: positiveInt }),
    blocked: z
      .array(
        z
          .string()
          .max(200, 'must be at most 200 characters')
          .refine((source) => {
            try {
              compileBlocked(source)
              return true
            } catch {
              return false
            }
          }, 'must be a valid regular expression'),
      )
      .max(100),
  })
  .superRefine((settings, issue) => {
    const seen = new Set<string>()
    settings.rules.forEach((rule, index) => {
      if (seen.has(rule.type)) {
        issue.addIssue({
          code: 'custom',
          path: ['rules', index, 'type'],
          message: `${rule.type} has more than one rule`,
        })
      }
      seen.add(rule.type)
    })
  })

export function ruleFor(settings: IdentitySettings, type: string): { priority: number; limit: number } {
  const rule = settings.rules.find((r) => r.type === type)
  return rule ? { priority: rule.priority, limit: rule.limit } : settings.vendorRule
}

/**
 * The one spelling of an identifier that is stored and compared: `Ann@Example.com ` and
 * `ann@example.com` are the same e-mail, `+49 (30) 1234-5` and `+493012345` the same phone.
 */
export function normalizeIdentifier(id: Identifier): Identifier {
  const value = id.value.trim()
  if (id.type === 'email') return { type: id.type, value: value.toLowerCase() }
  if (id.type === 'phone') {
    const digits = value.replace(/\D/g, '')
    // A lone `+` is no phone number: it normalizes to empty and is dropped like any empty value.
    return { type: id.type, value: digits && value.startsWith('+') ? `+${digits}` : digits }
  }
  return { type: id.type, value }
}

export function identityKey(id: Identifier): string {
  return keyOf(normalizeIdentifier(id))
}

/** The key of an identifier already normalized (normalizing is idempotent, so no need again). */
function keyOf(normalized: Identifier): string {
  return `${normalized.type}:${normalized.value}`
}

// Settings change rarely and are checked for every identifier of every envelope: compile once per list.
const compiledBlocked = new WeakMap<readonly string[], RegExp[]>()

function blockedPatterns(settings: IdentitySettings): RegExp[] {
  let patterns = compiledBlocked.get(settings.blocked)
  if (!patterns) {
    patterns = settings.blocked.map(compileBlocked)
    compiledBlocked.set(settings.blocked, patterns)
  }
  return patterns
}

/**
 * Whether an identifier is a placeholder. Normalizing can hide one: the phone `-1` normalizes to
 * `1`, and `+0` keeps a `+` that `^[0-]*$` does not allow. So the value is tested as sent (trimmed),
 * normalized, and for a phone also as its digits alone.
 */
export function isBlocked(id: Identifier, settings: IdentitySettings): boolean {
  return isBlockedIdentifier(id, normalizeIdentifier(id), blockedPatterns(settings))
}

function isBlockedIdentifier(raw: Identifier, normalized: Identifier, patterns: RegExp[]): boolean {
  const matches = (value: string) => patterns.some((pattern) => pattern.test(value))
  return (
    matches(normalized.value) ||
    matches(raw.value.trim()) ||
    (normalized.type === 'phone' && matches(normalized.value.replace(/^\+/, '')))
  )
}

/**
 * normalize, drop blocked and empty, dedupe, sort by priority (stable). Runs for every identifier
 * the intake and the processor see, so each identifier is normalized once.
 */
export function usableIdentifiers(ids: Identifier[], settings: IdentitySettings): Identifier[] {
  const patterns = blockedPatterns(settings)
  const usable: Identifier[] = []
  const keys = new Set<string>()
  for (const id of ids) {
    const normalized = normalizeIdentifier(id)
    if (normalized.value === '' || isBlockedIdentifier(id, normalized, patterns)) continue
    const key = keyOf(normalized)
    if (keys.has(key)) continue
    keys.add(key)
    usable.push(normalized)
  }
  if (usable.length < 2) return usable
  // Array.prototype.sort is stable: identifiers of equal priority keep the order they came in.
  return usable.sort((a, b) => ruleFor(settings, a.type).priority - ruleFor(settings, b.type).priority)
}

/** A current (root) profile and all its identities. */
export interface ProfileIdentities {
  id: string
  identities: Identifier[]
}

export interface PlanInput {
  /** Already `usableIdentifiers(...)` (it is applied again, which changes nothing). */
  identifiers: Identifier[]
  /** identityKey -> the root profile id owning it, if any. */
  ownerOf(key: string): string | undefined
  /** The identities of a root profile. */
  profile(id: string): ProfileIdentities
  settings: IdentitySettings
  /** Whether an unmerge split these two root profiles: they are never merged again. */
  keptApart?: (a: string, b: string) => boolean
}

export interface MergeStep {
  from: string
  /** The target id; '' when the target is the new profile this plan creates (its id is the caller's). */
  into: string
  /** The identifier of the envelope that led to `from`. */
  via: Identifier
}

export interface Conflict {
  identifier: Identifier
  /**
   * The profiles involved, without the new profile this plan creates (it has no id yet: the caller
   * adds the id it gives it, so that the conflict shows on that profile too).
   */
  profileIds: string[]
  /** A sentence a person understands. */
  reason: string
}

export interface ResolutionPlan {
  target: { kind: 'existing'; id: string } | { kind: 'new' }
  /** The identity (already owned) that decided the target, if existing. */
  matchedBy?: Identifier
  /** Each `from` is merged into the target (`into` is the target id, or '' for a new target). */
  merges: MergeStep[]
  /** Identifiers to add to the target (not owned by anyone yet). */
  attach: Identifier[]
  /** Merges or attachments the limits refused. */
  conflicts: Conflict[]
}

/** The distinct values per type of one profile, as a plan grows it. */
class TypeValues {
  private readonly byType = new Map<string, Set<string>>()

  constructor(identities: Identifier[] = []) {
    for (const id of identities) this.add(id)
  }

  add(id: Identifier): void {
    const values = this.byType.get(id.type) ?? new Set<string>()
    values.add(id.value)
    this.byType.set(id.type, values)
  }

  count(type: string): number {
    return this.byType.get(type)?.size ?? 0
  }

  has(id: Identifier): boolean {
    return this.byType.get(id.type)?.has(id.value) ?? false
  }

  /** The first type that `others` would push over its limit, with the count it would reach. */
  overflowWith(
    others: Identifier[],
    settings: IdentitySettings,
  ): { type: string; count: number; limit: number } | undefined {
    const added = new Map<string, Set<string>>()
    for (const id of others) {
      if (this.has(id)) continue
      const values = added.get(id.type) ?? new Set<string>()
      values.add(id.value)
      added.set(id.type, values)
    }
    // Only types that gain a value are checked: a profile already over a limit that was lowered
    // later is not made worse by a merge that adds nothing of that type.
    for (const [type, values] of added) {
      const { limit } = ruleFor(settings, type)
      const count = this.count(type) + values.size
      if (count > limit) return { type, count, limit }
    }
    return undefined
  }
}

function label(id: Identifier): string {
  return `${id.type} ${id.value}`
}

function valuesOf(type: string, count: number): string {
  return `${count} ${type} value${count === 1 ? '' : 's'}`
}

/**
 * What to do with the identifiers of one envelope. The rules, in order (each merge and each refusal
 * can be told back to a person from the plan alone). Resolving the same envelope again changes no
 * profile: the first resolution already merges and attaches what a replay would (the tests check this
 * by property, also for replays after later envelopes). The exception is an envelope without a usable
 * identifier, which gets a new, empty profile each time.
 *
 * 1. Identifiers are considered strongest first (by rule priority; equal priorities keep the order
 *    they came in). "Before `matchedBy`" below means earlier in this order: stronger, or as strong and
 *    listed earlier.
 * 2. The anchor is the profile owning the first identifier in that order that anyone owns
 *    (`matchedBy`). When no identifier is owned, the target is a new profile and every identifier is
 *    attached to it while its type stays within its limit; extra values of a type are refused with a
 *    conflict naming the limit.
 * 3. If an UNOWNED identifier before `matchedBy` cannot be added to the anchor without exceeding its
 *    type's limit (the envelope carries userId u2, its e-mail belongs to a profile that already has
 *    userId u1), the envelope is a different person: the target is a new profile instead of the
 *    anchor, and rules 4 and 5 apply to it. The new profile takes the first such identifier, which the
 *    anchor has no room for, so rule 4 never merges the anchor into it: its conflict says that the
 *    anchor has no room for that identifier and that it starts a new profile. An identifier after
 *    `matchedBy` never splits: a shared device's anonymousId must not outvote the e-mail. One as strong
 *    as `matchedBy` but listed before it does split: left unattached and later owned by another
 *    profile, it would decide a replay of this envelope and pick a different target.
 * 4. The target first takes the unowned identifiers before `matchedBy`, each while its type stays
 *    within its limit: they decide the target when the envelope comes again, so they count before any
 *    merge. (With p1 = e-mail a and p2 = userId u1 + phone 1, the envelope u2, e-mail a, phone 1 gives
 *    u2 to p1 and refuses p2, rather than merging p2 and then refusing u2.) Then every owning profile
 *    other than the target (each once, in the order of the identifier that found it; after a split
 *    this includes the anchor) is merged into the target when the union of identities keeps every type
 *    within its limit, counting what this plan already attached and merged in; else one conflict (for
 *    the identifier that found it) names that profile (and the target, unless it is new) and the
 *    profile is left alone. So after a split, another profile found by an identifier of the envelope
 *    that fits is merged into the new profile at once, as a replay would merge it. A profile that an
 *    unmerge split from the target (or from one merged into it by this plan) is never merged: a
 *    conflict names both, as for a limit.
 * 5. Then each remaining unowned identifier (after `matchedBy`) is attached to the target if its type
 *    stays within its limit, else it is a conflict.
 *
 * A merge into a new profile has `into: ''`: the plan cannot know the id the caller gives it.
 */
export function planResolution(input: PlanInput): ResolutionPlan {
  const { settings } = input
  const ids = usableIdentifiers(input.identifiers, settings)
  const owners = ids.map((id) => input.ownerOf(identityKey(id)))

  // Rule 2
  const deciding = owners.findIndex((owner) => owner !== undefined)
  if (deciding === -1) return planNewProfile(ids, settings)
  const anchorId = owners[deciding]!
  const matchedBy = ids[deciding]!
  const anchor = new TypeValues(input.profile(anchorId).identities)

  // Rule 3: everything before the deciding identifier is unowned.
  const before = ids.slice(0, deciding)
  const splitter = before.find((id) => anchor.overflowWith([id], settings) !== undefined)
  const targetId = splitter ? undefined : anchorId
  const target = splitter ? new TypeValues() : anchor
  const targetName = targetId === undefined ? 'the new profile' : `profile ${targetId}`

  const attach: Identifier[] = []
  const merges: MergeStep[] = []
  const conflicts: Conflict[] = []
  const attachIfFits = (id: Identifier): void => {
    const { limit } = ruleFor(settings, id.type)
    if (target.overflowWith([id], settings)) {
      conflicts.push({
        identifier: id,
        profileIds: targetId === undefined ? [] : [targetId],
        reason:
          targetId === undefined
            ? `${label(id)} was not added to the new profile: a profile may have at most ${valuesOf(id.type, limit)}`
            : `${label(id)} was not added to profile ${targetId}: it already has ` +
              `${valuesOf(id.type, target.count(id.type))}, the limit is ${limit}`,
      })
      return
    }
    target.add(id)
    attach.push(id)
  }

  // Rule 4
  for (const id of before) attachIfFits(id)
  const considered = new Set(targetId === undefined ? [] : [targetId])
  const joined = [...considered]
  const involved = (owner: string) => (targetId === undefined ? [owner] : [targetId, owner])
  ids.forEach((id, i) => {
    const owner = owners[i]
    if (owner === undefined || considered.has(owner)) return
    considered.add(owner)
    const apart = input.keptApart && joined.find((member) => input.keptApart!(member, owner))
    if (apart) {
      conflicts.push({
        identifier: id,
        profileIds: involved(owner),
        reason: `${label(id)} belongs to profile ${owner}, which was not merged into ${targetName}: an unmerge split it from profile ${apart}`,
      })
      return
    }
    const identities = input.profile(owner).identities
    const overflow = target.overflowWith(identities, settings)
    if (overflow) {
      conflicts.push({
        identifier: id,
        profileIds: involved(owner),
        reason:
          splitter && owner === anchorId
            ? splitReason(id, anchorId, anchor, splitter, settings)
            : `${label(id)} belongs to profile ${owner}, which was not merged into ${targetName}: ` +
              `together they would have ${valuesOf(overflow.type, overflow.count)}, the limit is ${overflow.limit}`,
      })
      return
    }
    for (const identity of identities) target.add(identity)
    joined.push(owner)
    merges.push({ from: owner, into: targetId ?? '', via: id })
  })

  // Rule 5
  ids.forEach((id, i) => {
    if (i > deciding && owners[i] === undefined) attachIfFits(id)
  })

  return targetId === undefined
    ? { target: { kind: 'new' }, merges, attach, conflicts }
    : { target: { kind: 'existing', id: targetId }, matchedBy, merges, attach, conflicts }
}

/** Rule 2: a new profile takes the identifiers, nobody owns any, while each type fits its limit. */
function planNewProfile(ids: Identifier[], settings: IdentitySettings): ResolutionPlan {
  const profile = new TypeValues()
  const attach: Identifier[] = []
  const conflicts: Conflict[] = []
  for (const id of ids) {
    const { limit } = ruleFor(settings, id.type)
    if (profile.overflowWith([id], settings)) {
      conflicts.push({
        identifier: id,
        profileIds: [],
        reason: `${label(id)} was not added to the new profile: a profile may have at most ${valuesOf(id.type, limit)}`,
      })
      continue
    }
    profile.add(id)
    attach.push(id)
  }
  return { target: { kind: 'new' }, merges: [], attach, conflicts }
}

/** Rule 3's sentence for the anchor, left alone when the envelope opens a new profile. */
function splitReason(
  id: Identifier,
  anchorId: string,
  anchor: TypeValues,
  splitter: Identifier,
  settings: IdentitySettings,
): string {
  const { limit } = ruleFor(settings, splitter.type)
  const count = anchor.count(splitter.type)
  const has =
    limit === 1 ? `a different ${splitter.type}` : `already ${valuesOf(splitter.type, count)} (the limit)`
  return `${label(id)} belongs to profile ${anchorId}, which has ${has}; ${label(splitter)} starts a new profile`
}

/**
 * The reference implementation of the whole loop, in memory: owners, root profiles and where each
 * merged profile went. apps/api does the same against its tables.
 */
export class IdentityGraph {
  private readonly settings: IdentitySettings
  private readonly newId: () => string
  /** identityKey -> root profile id */
  private readonly owners = new Map<string, string>()
  /** root profile id -> its identities */
  private readonly roots = new Map<string, Identifier[]>()
  private readonly merged = new Map<string, string>()

  constructor(options: { settings?: IdentitySettings; newId?: () => string } = {}) {
    this.settings = options.settings ?? defaultIdentitySettings
    let next = 0
    this.newId = options.newId ?? (() => `p${++next}`)
  }

  /** Merged profile id -> the profile it was merged into (which may since have been merged too). */
  get mergedInto(): ReadonlyMap<string, string> {
    return this.merged
  }

  ownerOf(key: string): string | undefined {
    return this.owners.get(key)
  }

  /** The current profile a (possibly merged) profile id lives on in. */
  rootOf(id: string): string {
    let current = id
    for (let next = this.merged.get(current); next !== undefined; next = this.merged.get(current))
      current = next
    return current
  }

  resolve(identifiers: Identifier[]): { profileId: string; plan: ResolutionPlan } {
    const plan = planResolution({
      identifiers: usableIdentifiers(identifiers, this.settings),
      ownerOf: (key) => this.owners.get(key),
      profile: (id) => ({ id, identities: [...this.identitiesOf(id)] }),
      settings: this.settings,
    })
    const profileId = plan.target.kind === 'existing' ? plan.target.id : this.newId()
    if (plan.target.kind === 'new') {
      if (this.roots.has(profileId) || this.merged.has(profileId))
        throw new Error(`newId() repeated ${profileId}`)
      this.roots.set(profileId, [])
    }
    const identities = this.identitiesOf(profileId)
    for (const step of plan.merges) {
      for (const id of this.identitiesOf(step.from)) {
        identities.push(id)
        this.owners.set(identityKey(id), profileId)
      }
      this.roots.delete(step.from)
      this.merged.set(step.from, profileId)
    }
    for (const id of plan.attach) {
      const key = identityKey(id)
      if (this.owners.has(key)) throw new Error(`plan attaches ${key}, which is already owned`)
      identities.push(id)
      this.owners.set(key, profileId)
    }
    return { profileId, plan }
  }

  /** The identity keys of each current profile, sorted, for comparing graphs. */
  groups(): string[][] {
    // Keys are unique across profiles, so ordering the groups by their first key is a total order.
    return [...this.roots.values()]
      .map((identities) => identities.map(identityKey).sort())
      .sort((a, b) => ((a[0] ?? '') < (b[0] ?? '') ? -1 : 1))
  }

  profiles(): ProfileIdentities[] {
    return [...this.roots].map(([id, identities]) => ({ id, identities: [...identities] }))
  }

  private identitiesOf(id: string): Identifier[] {
    const identities = this.roots.get(id)
    if (!identities) throw new Error(`profile ${id} is not a current profile`)
    return identities
  }
}
