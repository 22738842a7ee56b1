import type { PluginContext } from '@rapport/plugin-sdk'
import type { HubSpotConfig } from './config.js'
import { callHubSpot, ownersPageSchema } from './hubspot-api.js'

/** A HubSpot user who owns contacts, companies and deals: the person "already on it". */
export interface Owner {
  name?: string
  email?: string
}

/**
 * Every active owner of the portal by id (GET /crm/v3/owners, paged with `after`). Objects carry
 * only `hubspot_owner_id`; one listing per run turns it into a name instead of one call per object.
 */
export async function loadOwners(ctx: PluginContext, config: HubSpotConfig): Promise<Map<string, Owner>> {
  const owners = new Map<string, Owner>()
  let after: string | undefined
  do {
    const page = await callHubSpot(
      ctx,
      config,
      { path: '/crm/v3/owners', query: { limit: 100, after } },
      ownersPageSchema,
    )
    for (const owner of page.results) {
      const name = [owner.firstName, owner.lastName].filter(Boolean).join(' ')
      owners.set(owner.id, {
        ...(name ? { name } : {}),
        ...(owner.email ? { email: owner.email.toLowerCase() } : {}),
      })
    }
    after = page.paging?.next?.after
  } while (after)
  return owners
}
