import type { EnvelopeInput, PluginContext, StreamDefinition } from '@rapport/plugin-sdk'
import { z } from 'zod'
import { type ArchivedObject, readArchived } from './archived.js'
import { associatedContacts } from './associations.js'
import type { HubSpotConfig } from './config.js'
import {
  archivedContactEnvelope,
  companyDetails,
  contactEnvelope,
  contactTraitNames,
  dealDetails,
  dealEvent,
  type LinkedType,
  type Lookups,
  linkDeleted,
  linkedRecord,
  type RecordDetails,
} from './envelopes.js'
import { type CrmObject, getAccount } from './hubspot-api.js'
import { forgetLinks, type Links, readLinks, writeLinks } from './links.js'
import { loadOwners } from './owners.js'
import { positionSchema } from './position.js'
import { modifiedAt, type SearchTarget, searchModified } from './search.js'

/**
 * Where a stream resumes: how far it read the last-modified clock (the search API) and the
 * archived clock (the recycling bin). `modified` is null until something was read; a checkpoint
 * exists only once the first run has looked at the bin (see readArchived).
 */
export const checkpointSchema = z.object({
  modified: positionSchema.nullable(),
  archived: positionSchema.nullable(),
})
export type Checkpoint = z.infer<typeof checkpointSchema>

/** A batch's envelopes, and what to remember once the host has committed them. */
interface Outcome {
  envelopes: EnvelopeInput[]
  afterCommit?: () => Promise<void>
}

interface ObjectReader {
  target: SearchTarget
  /** Properties the archived listing returns (the search's are chosen in `target`). */
  archivedProperties: string[]
  lookups(ctx: PluginContext, config: HubSpotConfig): Promise<Lookups>
  modified(
    ctx: PluginContext,
    config: HubSpotConfig,
    objects: CrmObject[],
    lookups: Lookups,
  ): Promise<Outcome>
  archived(ctx: PluginContext, archived: ArchivedObject[]): Promise<Outcome>
}

/**
 * One stream over one HubSpot object type: first the deletions since the last run (one batch), then
 * what was modified, one batch per search page, each with the checkpoint after it. The host commits
 * a batch and its checkpoint together and asks for the next only then, so what the plugin keeps in
 * ctx.state about a batch is written after its `yield` returns: it never gets ahead of the inbox.
 */
function objectStream(
  reader: ObjectReader,
  description: string,
): StreamDefinition<HubSpotConfig, Checkpoint> {
  return {
    description,
    checkpoint: checkpointSchema,
    async *read(ctx, { config, checkpoint }) {
      const lookups = await reader.lookups(ctx, config)
      const bin = await readArchived(
        ctx,
        config,
        reader.target.objectType,
        reader.archivedProperties,
        checkpoint && { position: checkpoint.archived },
      )
      let position: Checkpoint = { modified: checkpoint?.modified ?? null, archived: bin.position }
      const deletions = await reader.archived(ctx, bin.archived)
      yield { envelopes: deletions.envelopes, checkpoint: position }
      await deletions.afterCommit?.()

      for await (const page of searchModified(ctx, config, reader.target, position.modified)) {
        const outcome = await reader.modified(ctx, config, page.objects, lookups)
        position = { ...position, modified: page.position }
        yield { envelopes: outcome.envelopes, checkpoint: position }
        await outcome.afterCommit?.()
      }
      ctx.logger.info(`read HubSpot ${reader.target.objectType}`, { until: position.modified?.since })
    },
  }
}

const contactsTarget: SearchTarget = {
  objectType: 'contacts',
  modifiedProperty: 'lastmodifieddate',
  properties: [...Object.keys(contactTraitNames), 'hubspot_owner_id', 'lastmodifieddate'],
}

export const contactsStream = objectStream(
  {
    target: contactsTarget,
    archivedProperties: ['email'],
    lookups: async (ctx, config) => ({ owners: await loadOwners(ctx, config) }),
    modified: async (_ctx, _config, objects, { owners }) => ({
      envelopes: objects.map((contact) =>
        contactEnvelope(contact, modifiedAt(contact, contactsTarget), owners),
      ),
    }),
    archived: async (_ctx, archived) => ({
      envelopes: archived.map(({ object, archivedAt }) =>
        archivedContactEnvelope(object.id, archivedAt, object.properties.email),
      ),
    }),
  },
  'People (contacts) with e-mail, phone, company, lifecycle stage and owner; deleted ones are marked',
)

/** A deal or company type: records linked to the object's contacts. */
interface LinkedKind {
  target: SearchTarget & { objectType: 'deals' | 'companies' }
  type: LinkedType
  lookups: ObjectReader['lookups']
  details(object: CrmObject, lookups: Lookups): RecordDetails
  event?(details: RecordDetails, before: Links | undefined): string | undefined
}

function linkedReader(kind: LinkedKind): ObjectReader {
  const { objectType } = kind.target
  return {
    target: kind.target,
    archivedProperties: [],
    lookups: kind.lookups,

    async modified(ctx, config, objects, lookups) {
      const contactsOf = await associatedContacts(
        ctx,
        config,
        objectType,
        objects.map((object) => object.id),
      )
      const envelopes: EnvelopeInput[] = []
      const remembered: [string, Links][] = []
      for (const object of objects) {
        const modified = modifiedAt(object, kind.target)
        const contacts = contactsOf.get(object.id) ?? []
        const before = await readLinks(ctx, objectType, object.id)
        const details = kind.details(object, lookups)
        const event = kind.event?.(details, before)
        for (const contact of contacts)
          envelopes.push(linkedRecord(details, object.id, contact, modified, event))
        for (const contact of before?.contacts ?? []) {
          if (!contacts.includes(contact))
            envelopes.push(linkDeleted(kind.type, object.id, contact, modified, 'unlinked'))
        }
        if (!contacts.length) {
          ctx.logger.debug(`HubSpot ${kind.type} ${object.id} has no contact: no one to show it on`)
        }
        remembered.push([object.id, { contacts, ...(details.status ? { status: details.status } : {}) }])
      }
      return { envelopes, afterCommit: () => writeLinks(ctx, objectType, remembered) }
    },

    async archived(ctx, archived) {
      const envelopes: EnvelopeInput[] = []
      for (const { object, archivedAt } of archived) {
        const before = await readLinks(ctx, objectType, object.id)
        for (const contact of before?.contacts ?? []) {
          envelopes.push(linkDeleted(kind.type, object.id, contact, archivedAt, 'archived'))
        }
      }
      const ids = archived.map(({ object }) => object.id)
      return { envelopes, afterCommit: () => forgetLinks(ctx, objectType, ids) }
    },
  }
}

export const companiesStream = objectStream(
  linkedReader({
    target: {
      objectType: 'companies',
      modifiedProperty: 'hs_lastmodifieddate',
      properties: [
        'name',
        'domain',
        'industry',
        'phone',
        'city',
        'country',
        'lifecyclestage',
        'hubspot_owner_id',
        'hs_lastmodifieddate',
      ],
    },
    type: 'company',
    lookups: async (ctx, config) => ({ owners: await loadOwners(ctx, config) }),
    details: companyDetails,
  }),
  'Companies, as a company record on each associated contact',
)

export const dealsStream = objectStream(
  linkedReader({
    target: {
      objectType: 'deals',
      modifiedProperty: 'hs_lastmodifieddate',
      properties: [
        'dealname',
        'dealstage',
        'pipeline',
        'amount',
        'deal_currency_code',
        'closedate',
        'hs_is_closed',
        'hs_is_closed_won',
        'hubspot_owner_id',
        'hs_lastmodifieddate',
      ],
    },
    type: 'deal',
    lookups: async (ctx, config) => {
      const owners = await loadOwners(ctx, config)
      const { companyCurrency } = await getAccount(ctx, config)
      return { owners, currency: companyCurrency }
    },
    details: dealDetails,
    event: (details, before) => dealEvent(details, before?.status),
  }),
  'Deals with stage, amount and owner, as a deal record on each associated contact; won and lost deals on the timeline',
)
