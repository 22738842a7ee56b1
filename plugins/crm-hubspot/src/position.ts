import { z } from 'zod'

/**
 * How far a stream has read along one of HubSpot's clocks (last modified, archived at): the latest
 * time read and the ids read at exactly that time. HubSpot's filters are inclusive (GTE), so the
 * next read asks from that instant again and skips those ids: nothing is read twice, and nothing
 * changed in the same millisecond after the read is lost.
 */
export const positionSchema = z.object({
  since: z.iso.datetime({ offset: true }),
  ids: z.array(z.string()),
})
export type Position = z.infer<typeof positionSchema>

export function isNew(position: Position | null, id: string, time: string): boolean {
  if (!position) return true
  const [at, since] = [Date.parse(time), Date.parse(position.since)]
  return at > since || (at === since && !position.ids.includes(id))
}

/** The position after reading `id` changed at `time`; it never moves back. */
export function advance(position: Position | null, id: string, time: string): Position {
  if (!position || Date.parse(time) > Date.parse(position.since)) return { since: time, ids: [id] }
  if (Date.parse(time) < Date.parse(position.since) || position.ids.includes(id)) return position
  return { since: position.since, ids: [...position.ids, id] }
}

/** HubSpot writes times as ISO 8601 (sometimes as epoch milliseconds); one form keeps comparisons simple. */
export function normalizeTime(value: string | null | undefined): string | undefined {
  if (!value) return undefined
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value)
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString()
}
