import type { StateStore } from '@rapport/plugin-sdk'
import type { Db } from '../database/database.js'

/** A plugin's small key-value state, kept per source. */
export function sourceStateStore(db: Db, workspaceId: string, sourceId: string): StateStore {
  return {
    async get<T>(key: string) {
      const row = await db
        .selectFrom('source_state')
        .select('value')
        .where('source_id', '=', sourceId)
        .where('key', '=', key)
        .executeTakeFirst()
      return row?.value as T | undefined
    },
    async set(key: string, value: unknown) {
      const json = JSON.stringify(value)
      await db
        .insertInto('source_state')
        .values({ workspace_id: workspaceId, source_id: sourceId, key, value: json })
        .onConflict((oc) => oc.columns(['source_id', 'key']).doUpdateSet({ value: json }))
        .execute()
    },
    async delete(key: string) {
      await db.deleteFrom('source_state').where('source_id', '=', sourceId).where('key', '=', key).execute()
    },
  }
}

export async function readCheckpoint(db: Db, sourceId: string, stream: string): Promise<unknown> {
  const row = await db
    .selectFrom('source_checkpoints')
    .select('checkpoint')
    .where('source_id', '=', sourceId)
    .where('stream', '=', stream)
    .executeTakeFirst()
  return row?.checkpoint
}

export async function writeCheckpoint(
  db: Db,
  workspaceId: string,
  sourceId: string,
  stream: string,
  checkpoint: unknown,
): Promise<void> {
  const json = JSON.stringify(checkpoint)
  await db
    .insertInto('source_checkpoints')
    .values({
      workspace_id: workspaceId,
      source_id: sourceId,
      stream,
      checkpoint: json,
      updated_at: new Date(),
    })
    .onConflict((oc) =>
      oc.columns(['source_id', 'stream']).doUpdateSet({ checkpoint: json, updated_at: new Date() }),
    )
    .execute()
}
