import {
  defaultIdentitySettings,
  type IdentitySettings,
  identitySettingsSchema,
  type TraitPriorities,
} from '@rapport/domain'
import type { Db } from '../database/database.js'

export interface IngestionSettings {
  identity: IdentitySettings
  traitPriorities: TraitPriorities
  /** Whether anyone was erased with suppression: most workspaces skip the check on every append. */
  hasSuppressions: boolean
}

/** The workspace's identity rules and trait priorities, or the defaults. */
export async function ingestionSettings(db: Db, workspaceId: string): Promise<IngestionSettings> {
  const row = await db
    .selectFrom('workspace_settings')
    .select(['identity', 'trait_priorities'])
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst()
  const identity = row?.identity ? identitySettingsSchema.safeParse(row.identity) : undefined
  const suppression = await db
    .selectFrom('suppressions')
    .select('identity_hash')
    .where('workspace_id', '=', workspaceId)
    .limit(1)
    .executeTakeFirst()
  return {
    identity: identity?.success ? identity.data : defaultIdentitySettings,
    traitPriorities: (row?.trait_priorities as TraitPriorities | null) ?? {},
    hasSuppressions: Boolean(suppression),
  }
}

export async function saveIngestionSettings(
  db: Db,
  workspaceId: string,
  settings: Partial<IngestionSettings>,
): Promise<void> {
  const values = {
    ...(settings.identity ? { identity: JSON.stringify(settings.identity) } : {}),
    ...(settings.traitPriorities ? { trait_priorities: JSON.stringify(settings.traitPriorities) } : {}),
    updated_at: new Date(),
  }
  await db
    .insertInto('workspace_settings')
    .values({ workspace_id: workspaceId, ...values })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet(values))
    .execute()
}
