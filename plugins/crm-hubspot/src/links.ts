import type { PluginContext } from '@rapport/plugin-sdk'
import type { ObjectType } from './search.js'

/**
 * What the plugin last sent about a deal or company: the contacts it was linked to (one record per
 * contact) and the status. Kept in ctx.state because HubSpot cannot say it afterwards: a deleted
 * deal or a removed association leaves no trace in the search API, so the records to delete come
 * from here, and a deal becoming won shows only against the status sent before.
 */
export interface Links {
  contacts: string[]
  status?: string
}

const key = (objectType: ObjectType, id: string) => `links:${objectType}:${id}`

export async function readLinks(
  ctx: PluginContext,
  objectType: ObjectType,
  id: string,
): Promise<Links | undefined> {
  return ctx.state.get<Links>(key(objectType, id))
}

export async function writeLinks(
  ctx: PluginContext,
  objectType: ObjectType,
  entries: [id: string, links: Links][],
): Promise<void> {
  for (const [id, links] of entries) await ctx.state.set(key(objectType, id), links)
}

export async function forgetLinks(ctx: PluginContext, objectType: ObjectType, ids: string[]): Promise<void> {
  for (const id of ids) await ctx.state.delete(key(objectType, id))
}
