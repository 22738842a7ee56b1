// What the benchmarks share about their database: the URL they run on, and (bench:inbox,
// bench:process) a schema of their own with one workspace and its two sources (web and app), as the
// calls of calls.mjs name them.
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

/** The PostgreSQL to measure on; without one the benchmark says so and ends (it needs PostgreSQL). */
export function databaseUrlOrSkip(benchmark) {
  const url = process.env.DATABASE_URL || process.env.TEST_DATABASE_URL
  if (url) return url
  console.log(
    `${benchmark} skipped: it runs on PostgreSQL; set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test).`,
  )
  process.exit(0)
}
