// The benchmarks that work on the database directly (bench:inbox, bench:process): a schema of their
// own, with one workspace and its two sources (web and app), as the calls of calls.mjs name them.
import { createTestDatabase } from '../../../packages/db/dist/testing.js'

export async function benchDatabase() {
  const database = await createTestDatabase()
  const workspace = await database.db
    .insertInto('workspaces')
    .values({ name: 'Bench', slug: 'bench' })
    .returning('id')
    .executeTakeFirstOrThrow()
  const sources = {}
  for (const name of ['web', 'app']) {
    const source = await database.db
      .insertInto('sources')
      .values({ workspace_id: workspace.id, plugin_id: 'http', name, config: {}, enabled: true })
      .returning('id')
      .executeTakeFirstOrThrow()
    sources[name] = source.id
  }
  return { database, workspaceId: workspace.id, sources }
}
