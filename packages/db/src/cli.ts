#!/usr/bin/env node
import { connect } from './connection.js'
import { migrateToLatest } from './migrate.js'

// `pnpm db:migrate`: the same migrations the server runs at start, on DATABASE_URL or the embedded database.
const command = process.argv[2]
if (command !== 'migrate') {
  console.error('usage: rapport-db migrate')
  process.exit(2)
}
const handle = await connect({
  url: process.env.DATABASE_URL || undefined,
  dataDir: `${process.env.RAPPORT_DATA_DIR || '.data'}/pglite`,
})
try {
  const { applied } = await migrateToLatest(handle.db)
  console.log(
    applied.length
      ? `applied ${applied.join(', ')} on ${handle.location}`
      : `up to date on ${handle.location}`,
  )
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = 1
} finally {
  await handle.close()
}
