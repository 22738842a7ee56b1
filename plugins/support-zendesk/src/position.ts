import type { PluginContext } from '@rapport/plugin-sdk'
import { z } from 'zod'

/**
 * Where a stream resumes: a time in Zendesk's data (Unix seconds, what start_time takes) and the
 * ids already read at exactly that second. Zendesk's start_time is inclusive, and a time-based
 * export repeats the items at a page's end_time on the next page, so the items of the last second
 * come again: they are skipped by id, which is Zendesk's own advice (dedupe on id + time). Nothing
 * is read twice, and an item changed later in the same second is not lost.
 */
export const positionSchema = z.object({
  startTime: z.number().int().min(0),
  seenAtStartTime: z.array(z.string()),
})
export type Position = z.infer<typeof positionSchema>

/** An item's place in its export: the time the export orders and filters by, and its id. */
export interface Place {
  time: number
  id: string
}

export const unixSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000)

/**
 * The start_time of a run: the checkpoint's, or 0 (everything) on the first sync. Zendesk refuses
 * a start_time within the last minute, which a position taken from exported items never is unless
 * the clocks disagree; then the run starts a minute back and skips what it already has.
 */
export function startTimeOf(ctx: PluginContext, position: Position | undefined): number {
  const aMinuteAgo = Math.floor(ctx.clock.now().getTime() / 1000) - 60
  return Math.max(0, Math.min(position?.startTime ?? 0, aMinuteAgo))
}

/**
 * The items of a page this position has not read, each with the position after it, in the export's
 * order (oldest change first). Items older than the position, or read at its second, are left out.
 */
export function unread<Item>(
  items: Item[],
  position: Position | undefined,
  placeOf: (item: Item) => Place,
): { item: Item; position: Position }[] {
  const fresh: { item: Item; position: Position }[] = []
  let current = position
  for (const item of items) {
    const { time, id } = placeOf(item)
    if (
      current &&
      (time < current.startTime || (time === current.startTime && current.seenAtStartTime.includes(id)))
    ) {
      continue
    }
    current =
      current && time === current.startTime
        ? { ...current, seenAtStartTime: [...current.seenAtStartTime, id] }
        : { startTime: time, seenAtStartTime: [id] }
    fresh.push({ item, position: current })
  }
  return fresh
}
