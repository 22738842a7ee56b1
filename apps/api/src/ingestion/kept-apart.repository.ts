import { anyOf } from '../database/bulk-insert.js'
import type { Db } from '../database/database.js'

/** A pair in its stored order: the smaller id first. */
const ordered = (a: string, b: string): [string, string] => (a < b ? [a, b] : [b, a])

/** Records that an unmerge split two profiles: identity resolution keeps them apart from now on. */
export async function keepApart(db: Db, workspaceId: string, pair: [string, string], mergeId: string) {
  const [a, b] = ordered(...pair)
  await db
    .insertInto('kept_apart')
    .values({ workspace_id: workspaceId, customer_a: a, customer_b: b, merge_id: mergeId })
    .onConflict((oc) => oc.columns(['workspace_id', 'customer_a', 'customer_b']).doNothing())
    .execute()
}

/**
 * The pairs kept apart that involve any of these profiles. A pair names the two profiles as the
 * unmerge left them; either may since have been merged into another, which the caller resolves.
 */
export async function keptApartPairs(
  db: Db,
  workspaceId: string,
  ids: string[],
): Promise<[string, string][]> {
  if (!ids.length) return []
  const rows = await db
    .selectFrom('kept_apart')
    .select(['customer_a', 'customer_b'])
    .where('workspace_id', '=', workspaceId)
    .where((eb) =>
      eb.or([eb('customer_a', '=', anyOf(ids, 'uuid')), eb('customer_b', '=', anyOf(ids, 'uuid'))]),
    )
    .execute()
  return rows.map((r) => [r.customer_a, r.customer_b])
}

/** An erased person's profiles are kept apart from nobody any more. */
export async function forgetKeptApart(db: Db, workspaceId: string, ids: string[]) {
  await db
    .deleteFrom('kept_apart')
    .where('workspace_id', '=', workspaceId)
    .where((eb) => eb.or([eb('customer_a', 'in', ids), eb('customer_b', 'in', ids)]))
    .execute()
}
