import type { PluginContext } from '@rapport/plugin-sdk'
import type { HubSpotConfig } from './config.js'
import { type CrmObject, callHubSpot, searchPageSchema } from './hubspot-api.js'
import { advance, isNew, normalizeTime, type Position } from './position.js'

export type ObjectType = 'contacts' | 'companies' | 'deals'

export interface SearchTarget {
  objectType: ObjectType
  /** The last-modified property: `lastmodifieddate` for contacts, `hs_lastmodifieddate` for the others. */
  modifiedProperty: string
  /** The properties to return (the search API returns only a few by default). */
  properties: string[]
}

/** The most results one search query gives; paging beyond them is a 400. */
const searchResultCap = 10_000
/** Objects per page (the search API allows 200; the associations read that follows takes 100 well). */
const pageSize = 100
/**
 * HubSpot: "it may take a few moments for newly created or updated CRM objects to appear in search
 * results". Reading only what changed until a few minutes ago keeps a late-indexed object from
 * falling behind a checkpoint that has already moved past it.
 */
const settleMs = 5 * 60_000

export interface SearchPage {
  /** The objects of this page not read before, oldest change first. */
  objects: CrmObject[]
  /** The position after them; null while nothing has been read at all. */
  position: Position | null
}

/** When an object was last modified, from the property the search filters and sorts on. */
export function modifiedAt(object: CrmObject, target: SearchTarget): string {
  const time = normalizeTime(object.properties[target.modifiedProperty])
  if (!time) {
    throw new Error(
      `HubSpot sent ${target.objectType} ${object.id} without a valid ${target.modifiedProperty}: ${object.properties[target.modifiedProperty]}`,
    )
  }
  return time
}

/**
 * Every object of a type modified since `start`, oldest change first (POST
 * /crm/v3/objects/{type}/search, filtered GTE on the last-modified property, sorted ascending).
 *
 * After each page that moved past the instant the query started at, the query starts again from
 * the last modified date seen instead of following `after`. A query never nears the 10,000-result
 * cap that way, and an object modified during the sync (which leaves its place in the ordering)
 * cannot make the offset-based `after` skip the one behind it. `after` pages only through objects
 * that share one last-modified instant; past 10,000 of those the rest of that instant is skipped,
 * with a warning, since no query can reach them.
 */
export async function* searchModified(
  ctx: PluginContext,
  config: HubSpotConfig,
  target: SearchTarget,
  start: Position | null,
): AsyncGenerator<SearchPage> {
  const until = ctx.clock.now().getTime() - settleMs
  let position = start
  let since = start?.since
  let after: string | undefined
  for (;;) {
    ctx.signal.throwIfAborted()
    const page = await callHubSpot(
      ctx,
      config,
      {
        method: 'POST',
        path: `/crm/v3/objects/${target.objectType}/search`,
        body: searchBody(target, since, until, after),
      },
      searchPageSchema,
    )
    const objects: CrmObject[] = []
    for (const object of page.results) {
      const modified = modifiedAt(object, target)
      if (!isNew(position, object.id, modified)) continue
      objects.push(object)
      position = advance(position, object.id, modified)
    }
    yield { objects, position }

    const next = page.paging?.next?.after
    if (!next) return
    if (position && (since === undefined || Date.parse(position.since) > Date.parse(since))) {
      since = position.since
      after = undefined
    } else if (Number(next) < searchResultCap || since === undefined) {
      after = next
    } else {
      ctx.logger.warn(
        `more than ${searchResultCap} HubSpot ${target.objectType} were modified at ${since}; the search API cannot page past them, so the rest of that instant is skipped`,
      )
      since = new Date(Date.parse(since) + 1).toISOString()
      after = undefined
    }
  }
}

function searchBody(target: SearchTarget, since: string | undefined, until: number, after?: string) {
  const property = target.modifiedProperty
  // Dates are compared as epoch milliseconds, as the search documentation writes them.
  const filters = [
    ...(since ? [{ propertyName: property, operator: 'GTE', value: String(Date.parse(since)) }] : []),
    { propertyName: property, operator: 'LTE', value: String(until) },
  ]
  return {
    filterGroups: [{ filters }],
    sorts: [{ propertyName: property, direction: 'ASCENDING' }],
    properties: target.properties,
    limit: pageSize,
    ...(after ? { after } : {}),
  }
}
