import type { PluginContext } from '@rapport/plugin-sdk'
import type { HubSpotConfig } from './config.js'
import { associationsSchema, callHubSpot } from './hubspot-api.js'

/**
 * The contacts associated with each of `ids` (deals or companies), through the v4 associations
 * batch read. The search API does not return associations, so each page of objects costs one more
 * call; an object with more contacts than one answer holds is asked again with its `after`.
 * Objects without contacts are missing from `results` (HubSpot lists them under `errors`).
 */
export async function associatedContacts(
  ctx: PluginContext,
  config: HubSpotConfig,
  objectType: 'deals' | 'companies',
  ids: string[],
): Promise<Map<string, string[]>> {
  const found = new Map(ids.map((id) => [id, new Set<string>()]))
  let inputs: { id: string; after?: string }[] = ids.map((id) => ({ id }))
  while (inputs.length) {
    const answer = await callHubSpot(
      ctx,
      config,
      { method: 'POST', path: `/crm/v4/associations/${objectType}/contacts/batch/read`, body: { inputs } },
      associationsSchema,
    )
    inputs = []
    for (const result of answer.results) {
      const contacts = found.get(result.from.id)
      if (!contacts) continue
      for (const to of result.to) contacts.add(to.toObjectId)
      const after = result.paging?.next?.after
      if (after) inputs.push({ id: result.from.id, after })
    }
  }
  // Sorted, so that the envelopes (and the tests) do not depend on HubSpot's order.
  return new Map(
    [...found].map(([id, contacts]) => [
      id,
      [...contacts].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })),
    ]),
  )
}
