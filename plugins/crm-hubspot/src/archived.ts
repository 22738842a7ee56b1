import type { PluginContext } from '@rapport/plugin-sdk'
import type { HubSpotConfig } from './config.js'
import { type CrmObject, callHubSpot, listPageSchema } from './hubspot-api.js'
import { advance, isNew, normalizeTime, type Position } from './position.js'
import type { ObjectType } from './search.js'

export interface ArchivedObject {
  object: CrmObject
  archivedAt: string
}

/**
 * Objects archived (deleted to the recycling bin) since `from`: the search API never returns
 * archived objects, so they come from GET /crm/v3/objects/{type}?archived=true. That listing has no
 * time filter or order, so it is read whole (the bin keeps deletions for 90 days) and filtered by
 * `archivedAt` here. Without `from` (the first sync) nothing counts as news: the position only
 * marks where deletions start to matter, since what was deleted before Rapport ever read it
 * has nothing to delete.
 */
export async function readArchived(
  ctx: PluginContext,
  config: HubSpotConfig,
  objectType: ObjectType,
  properties: string[],
  from: { position: Position | null } | undefined,
): Promise<{ archived: ArchivedObject[]; position: Position | null }> {
  const all: ArchivedObject[] = []
  let after: string | undefined
  do {
    const page = await callHubSpot(
      ctx,
      config,
      {
        path: `/crm/v3/objects/${objectType}`,
        query: { archived: true, limit: 100, after, properties: properties.join(',') || undefined },
      },
      listPageSchema,
    )
    for (const object of page.results) {
      const archivedAt = normalizeTime(object.archivedAt ?? object.updatedAt)!
      all.push({ object, archivedAt })
    }
    after = page.paging?.next?.after
  } while (after)

  all.sort(
    (a, b) => Date.parse(a.archivedAt) - Date.parse(b.archivedAt) || a.object.id.localeCompare(b.object.id),
  )
  let position = from?.position ?? null
  const archived: ArchivedObject[] = []
  for (const entry of all) {
    if (!isNew(position, entry.object.id, entry.archivedAt)) continue
    if (from) archived.push(entry)
    position = advance(position, entry.object.id, entry.archivedAt)
  }
  return { archived, position }
}
