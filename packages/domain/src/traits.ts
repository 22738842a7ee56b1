/**
 * Which value of a profile trait is shown when sources disagree. Every observation keeps its
 * provenance (source, time, message); the winner is chosen by rule, so it can be explained and
 * recomputed from the observations alone.
 */

export interface TraitObservation {
  value: unknown
  /** The plugin installation (or other source) it came from; null for the tracking API or a person. */
  sourceId: string | null
  /** When the source says it was true. */
  observedAt: Date
  messageId: string
}

/** per trait key, the source ids in priority order (first wins) */
export type TraitPriorities = Record<string, string[]>

/** 0 for the first listed source, 1 for the next, ...; unlisted sources rank after every listed one. */
function rankOf(key: string, observation: TraitObservation, priorities: TraitPriorities): number {
  const listed = priorities[key]
  const index = observation.sourceId === null || !listed ? -1 : listed.indexOf(observation.sourceId)
  return index === -1 ? Number.POSITIVE_INFINITY : index
}

function timeOf(observation: TraitObservation): number {
  const time = observation.observedAt.getTime()
  // An invalid date is the oldest possible rather than a NaN that breaks every comparison.
  return Number.isNaN(time) ? Number.NEGATIVE_INFINITY : time
}

/**
 * Positive when `a` beats `b`, negative when `b` beats `a`; 0 only for the same message. The one
 * order of observations, for one at a time (`traitWins`) and for many (`winningObservation`): with a
 * tie-break of its own in either, a trait could change value when a merge or an unmerge recomputes
 * it from its observations.
 */
function compareObservations(
  key: string,
  a: TraitObservation,
  b: TraitObservation,
  priorities: TraitPriorities,
): number {
  const rankA = rankOf(key, a, priorities)
  const rankB = rankOf(key, b, priorities)
  // A listed source beats an unlisted one, and the earlier listed source wins however old its value.
  if (rankA !== rankB) return rankA < rankB ? 1 : -1
  // Same rank (the same listed source, or both unlisted): the latest observation wins.
  const time = Math.sign(timeOf(a) - timeOf(b))
  if (time !== 0) return time
  // The same time: the greater messageId, which does not depend on the order messages arrived in.
  return a.messageId === b.messageId ? 0 : a.messageId > b.messageId ? 1 : -1
}

/**
 * true if `candidate` should replace `current` for trait `key`: the latest observation wins unless the
 * per-trait source priority says otherwise (a listed source beats an unlisted one; between listed
 * sources the earlier in the list wins regardless of time; ties of time: the greater messageId, as in
 * `winningObservation`; the same message again replaces itself, which changes nothing).
 */
export function traitWins(
  key: string,
  current: TraitObservation | undefined,
  candidate: TraitObservation,
  priorities: TraitPriorities,
): boolean {
  return current === undefined || compareObservations(key, candidate, current, priorities) >= 0
}

/**
 * the winning observation among many for one key (order-independent, so a replay in another order
 * picks the same value): the order of `traitWins`.
 */
export function winningObservation<T extends TraitObservation>(
  key: string,
  observations: T[],
  priorities: TraitPriorities,
): T | undefined {
  let winner: T | undefined
  for (const observation of observations) {
    if (winner === undefined) {
      winner = observation
      continue
    }
    if (compareObservations(key, observation, winner, priorities) > 0) winner = observation
  }
  return winner
}

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  const trimmed = value.trim()
  return trimmed === '' ? undefined : trimmed
}

/** a display name from traits: name, or firstName + lastName (also first_name/last_name), else undefined */
export function displayNameFrom(traits: Record<string, unknown>): string | undefined {
  const name = text(traits.name)
  if (name) return name
  const parts = [
    text(traits.firstName) ?? text(traits.first_name),
    text(traits.lastName) ?? text(traits.last_name),
  ].filter((part) => part !== undefined)
  return parts.length > 0 ? parts.join(' ') : undefined
}
