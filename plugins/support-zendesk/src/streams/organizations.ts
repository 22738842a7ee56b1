import type { EnvelopeInput, PluginContext, StreamDefinition } from '@rapport/plugin-sdk'
import { z } from 'zod'
import type { ZendeskConfig } from '../config.js'
import { memberEnvelope } from '../envelopes.js'
import { cursorList, timeExport } from '../pagination.js'
import { positionSchema, startTimeOf, unixSeconds, unread } from '../position.js'
import { organizationsExportSchema, usersPageSchema, type ZendeskOrganization } from '../zendesk-api.js'

const exportPath = '/api/v2/incremental/organizations.json'

/**
 * `caughtUp` turns true once the first sync has read the export to its end. Until then nothing is
 * sent: the users stream already gives every member the name of their organization as it is today.
 */
export const organizationsCheckpointSchema = positionSchema.extend({ caughtUp: z.boolean() })
export type OrganizationsCheckpoint = z.infer<typeof organizationsCheckpointSchema>

/**
 * Organizations through the time-based incremental export. An organization is not a person's own
 * record but the company of each of its members, so a change to one (a new name) is sent to its
 * members as their company trait: one identify per member, read from the organization's users.
 * One batch per changed organization, since each costs a request or more.
 */
export const organizationsStream: StreamDefinition<ZendeskConfig, OrganizationsCheckpoint> = {
  description: 'Organizations, as the company of their members: a renamed organization renames it on each',
  checkpoint: organizationsCheckpointSchema,
  async *read(ctx, { config, checkpoint }) {
    const sendChanges = checkpoint?.caughtUp === true
    let position = checkpoint && {
      startTime: checkpoint.startTime,
      seenAtStartTime: checkpoint.seenAtStartTime,
    }
    const startTime = startTimeOf(ctx, position)
    const pages = timeExport(ctx, config, exportPath, organizationsExportSchema, { startTime })
    for await (const page of pages) {
      const fresh = unread(page.organizations, position, (organization) => ({
        time: unixSeconds(organization.updated_at),
        id: String(organization.id),
      }))
      if (sendChanges) {
        for (const { item: organization, position: after } of fresh) {
          position = after
          yield {
            envelopes: await members(ctx, config, organization),
            checkpoint: { ...after, caughtUp: true },
          }
        }
        continue
      }
      position = fresh.at(-1)?.position ?? position
      if (position) yield { envelopes: [], checkpoint: { ...position, caughtUp: page.end_of_stream } }
    }
    ctx.logger.info('read Zendesk organizations', { until: position?.startTime, sendChanges })
  },
}

/** The company trait of each member of a changed organization; a deleted one has no members left. */
async function members(
  ctx: PluginContext,
  config: ZendeskConfig,
  organization: ZendeskOrganization,
): Promise<EnvelopeInput[]> {
  if (organization.deleted_at) return []
  const envelopes: EnvelopeInput[] = []
  const path = `/api/v2/organizations/${organization.id}/users.json`
  for await (const page of cursorList(ctx, config, path, usersPageSchema, { goneIsEmpty: true })) {
    for (const member of page.users) {
      if (member.active) envelopes.push(memberEnvelope(member, organization, config))
    }
  }
  return envelopes
}
