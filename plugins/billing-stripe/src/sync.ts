import type { EnvelopeInput, StreamBatch, StreamDefinition } from '@rapport/plugin-sdk'
import { z } from 'zod'
import type { StripeConfig } from './config.js'
import type { Reading, Resource } from './resources.js'
import { callStripe, createStripe, StripeRequestError, stripeTime } from './stripe-client.js'
import { eventSchema, listSchema, parseStripe, type StripeEvent } from './stripe-objects.js'

/** Stripe's largest page. */
const pageSize = 100
/** Stripe lists the events of the last 30 days only. */
const eventRetentionSeconds = 30 * 24 * 60 * 60

const eventPositionSchema = z.object({
  /** The newest event of the stream's types read so far; null when Stripe had none at the full sync. */
  eventId: z.string().nullable(),
  /** That event's time, or Stripe's time when it had none (Unix seconds). */
  created: z.number().int(),
})
type EventPosition = z.infer<typeof eventPositionSchema>

/**
 * Where a stream resumes. A full sync lists the objects (newest first, `starting_after` the last
 * one read) after noting the newest event of the stream's types; then, and on every later run, the
 * stream reads the events after that one. Both are positions in Stripe's data, not expiring cursors.
 */
export const checkpointSchema = z.discriminatedUnion('phase', [
  z.object({ phase: z.literal('list'), events: eventPositionSchema, startingAfter: z.string().nullable() }),
  z.object({ phase: z.literal('events'), events: eventPositionSchema }),
])
export type Checkpoint = z.infer<typeof checkpointSchema>
type ListPosition = Extract<Checkpoint, { phase: 'list' }>
type Batch = StreamBatch<Checkpoint>

/**
 * A stream over one kind of Stripe object, one batch per page with the checkpoint after it: the host
 * commits both together, so a run cut short resumes after the last committed page.
 *
 * Events older than 30 days are gone from Stripe. A checkpoint older than that (a source paused for
 * weeks) cannot say what changed in between, so the stream starts a full sync again; the objects
 * that did not change come with the messageIds of before and the inbox drops them.
 */
export function syncStream<Item extends { id: string }>(
  resource: Resource<Item>,
): StreamDefinition<StripeConfig, Checkpoint> {
  return {
    description: resource.description,
    checkpoint: checkpointSchema,
    async *read(ctx, { config, checkpoint }) {
      const reading = { ctx, stripe: createStripe(ctx, config) }
      if (checkpoint) {
        if (yield* syncFrom(reading, resource, checkpoint, true)) return
        ctx.logger.warn(
          `the ${resource.stream} checkpoint is older than the 30 days of events Stripe keeps: reading all ${resource.stream} again`,
          { after: checkpoint.events.eventId },
        )
      }
      yield* syncFrom(reading, resource, await startFullSync(reading, resource), false)
    },
  }
}

/** Lists what is left of a full sync, then reads the events; false when they are out of Stripe's reach. */
async function* syncFrom<Item extends { id: string }>(
  reading: Reading,
  resource: Resource<Item>,
  position: Checkpoint,
  fromEarlierRun: boolean,
): AsyncGenerator<Batch, boolean> {
  if (position.phase === 'list') yield* listObjects(reading, resource, position)
  return yield* readEvents(reading, resource, position.events, fromEarlierRun)
}

/** Notes the newest event of the stream's types: the events after it are read once the list is done. */
async function startFullSync(reading: Reading, resource: Resource): Promise<ListPosition> {
  const { ctx, stripe } = reading
  const answer = await callStripe(ctx, 'GET /v1/events', () =>
    stripe.events.list({ limit: 1, types: [...resource.eventTypes] }),
  )
  const [newest] = parseEvents(answer).events
  const events = newest
    ? { eventId: newest.id, created: newest.created }
    : { eventId: null, created: Math.floor(stripeTime(answer, ctx.clock.now()).getTime() / 1000) }
  return { phase: 'list', events, startingAfter: null }
}

async function* listObjects<Item extends { id: string }>(
  { ctx, stripe }: Reading,
  resource: Resource<Item>,
  position: ListPosition,
): AsyncGenerator<Batch> {
  const snapshot = position.events.eventId ?? `at ${position.events.created}`
  let startingAfter = position.startingAfter ?? undefined
  let relisted = false
  for (;;) {
    let answer: unknown
    try {
      answer = await callStripe(ctx, `GET ${resource.path}`, () =>
        resource.list(stripe, { limit: pageSize, starting_after: startingAfter }),
      )
    } catch (error) {
      if (startingAfter && !relisted && isMissingCursor(error, 'starting_after')) {
        // The object to list after was deleted since: list again from the newest (once). What comes
        // again has the messageIds of before, and the inbox drops it.
        ctx.logger.warn(
          `${startingAfter} is gone from Stripe: listing ${resource.stream} again from the newest`,
        )
        startingAfter = undefined
        relisted = true
        continue
      }
      throw error
    }
    const page = parseStripe(listSchema, answer, `the list ${resource.path}`)
    // Every item is validated before anything is yielded: a malformed page is never half applied.
    const items = page.data.map((item) => parseStripe(resource.schema, item, `a ${resource.object}`))
    const envelopes = dropUnowned(
      ctx,
      resource,
      items.map((item) => resource.envelope(item, { source: 'list', snapshot })),
    )
    startingAfter = items.at(-1)?.id
    const more = page.has_more && startingAfter !== undefined
    yield {
      envelopes,
      checkpoint: more
        ? { phase: 'list', events: position.events, startingAfter: startingAfter ?? null }
        : { phase: 'events', events: position.events },
    }
    if (!more) return
  }
}

/**
 * Reads the events after `from`, oldest first. A position from an earlier run may be beyond Stripe's
 * 30 days (measured on Stripe's clock, the Date of its answer), or name an event Stripe no longer
 * has: then it answers false and reads nothing.
 */
async function* readEvents<Item extends { id: string }>(
  reading: Reading,
  resource: Resource<Item>,
  from: EventPosition,
  fromEarlierRun: boolean,
): AsyncGenerator<Batch, boolean> {
  let first = true
  try {
    for await (const { events, stripeNow } of eventPages(reading, resource, from)) {
      if (first && fromEarlierRun && stripeNow.getTime() / 1000 - from.created > eventRetentionSeconds) {
        return false
      }
      first = false
      for (let start = 0; start < events.length; start += pageSize) {
        const chunk = events.slice(start, start + pageSize)
        const envelopes: (EnvelopeInput | undefined)[] = []
        for (const event of chunk) envelopes.push(await eventEnvelope(reading, resource, event))
        const newest = chunk.at(-1)!
        yield {
          envelopes: dropUnowned(reading.ctx, resource, envelopes),
          checkpoint: { phase: 'events', events: { eventId: newest.id, created: newest.created } },
        }
      }
    }
  } catch (error) {
    if (first && fromEarlierRun && isMissingCursor(error, 'ending_before')) return false
    throw error
  }
  return true
}

/** The stream's events after `from` in pages, oldest first, each with Stripe's time of answer. */
async function* eventPages(
  { ctx, stripe }: Reading,
  resource: Resource,
  from: EventPosition,
): AsyncGenerator<{ events: StripeEvent[]; stripeNow: Date }> {
  const list = async (params: {
    ending_before?: string
    starting_after?: string
    created?: { gte: number }
  }) => {
    const answer = await callStripe(ctx, 'GET /v1/events', () =>
      stripe.events.list({ types: [...resource.eventTypes], limit: pageSize, ...params }),
    )
    return { ...parseEvents(answer), stripeNow: stripeTime(answer, ctx.clock.now()) }
  }
  if (from.eventId === null) {
    // Stripe had no event of these types when the full sync began, so there is none to read after:
    // the events since that time are read as Stripe lists them, newest first, and handed on oldest
    // first. They are what happened since the full sync, so they are few.
    const events: StripeEvent[] = []
    let page = await list({ created: { gte: from.created } })
    const { stripeNow } = page
    events.push(...page.events)
    while (page.hasMore && events.length) {
      page = await list({ created: { gte: from.created }, starting_after: events.at(-1)!.id })
      events.push(...page.events)
    }
    yield { events: events.reverse(), stripeNow }
    return
  }
  // ending_before gives the page of events just newer than the cursor, itself newest first: read
  // backwards, the newest of each page is the cursor of the next.
  let cursor = from.eventId
  for (;;) {
    const page = await list({ ending_before: cursor })
    const events = page.events.reverse()
    yield { events, stripeNow: page.stripeNow }
    const newest = events.at(-1)
    if (!page.hasMore || !newest) return
    cursor = newest.id
  }
}

function parseEvents(answer: unknown): { events: StripeEvent[]; hasMore: boolean } {
  const page = parseStripe(listSchema, answer, 'the list /v1/events')
  return {
    events: page.data.map((event) => parseStripe(eventSchema, event, 'an event')),
    hasMore: page.has_more,
  }
}

async function eventEnvelope<Item extends { id: string }>(
  reading: Reading,
  resource: Resource<Item>,
  event: StripeEvent,
): Promise<EnvelopeInput | undefined> {
  const item = parseStripe(resource.schema, event.data.object, `the ${resource.object} of event ${event.id}`)
  const complete = resource.complete ? await resource.complete(reading, item) : item
  return resource.envelope(complete, { source: 'event', event })
}

/** Stripe answers a list whose cursor names an object it does not have with an invalid-request error on that parameter. */
function isMissingCursor(error: unknown, param: 'starting_after' | 'ending_before'): boolean {
  return error instanceof StripeRequestError && error.param === param
}

function dropUnowned(
  ctx: Reading['ctx'],
  resource: Resource,
  envelopes: (EnvelopeInput | undefined)[],
): EnvelopeInput[] {
  const owned = envelopes.filter((envelope): envelope is EnvelopeInput => envelope !== undefined)
  if (owned.length < envelopes.length) {
    ctx.logger.debug(`left out ${resource.stream} that name no customer, e-mail or phone`, {
      count: envelopes.length - owned.length,
    })
  }
  return owned
}
