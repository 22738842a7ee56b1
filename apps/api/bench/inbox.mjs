#!/usr/bin/env node
// The inbox insert alone: the server's own statement (insertInboxRows) appending the benchmark's rows
// in batches of 100 on one connection, with nothing else running, against a COPY of the same rows
// into a scratch table (median of three). The ceiling of the tracking API's durable intake.
import { defaultIdentitySettings } from '../../../packages/domain/dist/index.js'
import { inboxRows, insertInboxRows } from '../dist/ingestion/inbox.repository.js'
import { segmentToEnvelope } from '../dist/tracking/segment.js'
import { batchesFor, copyRowsOf } from './calls.mjs'
import { copyBaselineMs } from './copy-baseline.mjs'
import { benchDatabase, databaseUrlOrSkip } from './database.mjs'

const url = databaseUrlOrSkip('inbox benchmark')
const people = Number(process.env.BENCH_PEOPLE ?? 5000)
const batchSize = Number(process.env.BENCH_BATCH ?? 100)
const { database, workspaceId, sources } = await benchDatabase()
try {
  const db = database.db
  const batches = batchesFor(people, batchSize, { web: 'web', app: 'app' }, Date.UTC(2026, 0, 1))
  const now = new Date()
  const prepared = []
  for (const [, calls] of batches) {
    const envelopes = calls.map((call) => segmentToEnvelope(call, now))
    prepared.push(
      (await inboxRows(db, workspaceId, sources.web, envelopes, defaultIdentitySettings, false)).rows,
    )
  }
  const total = prepared.reduce((n, rows) => n + rows.length, 0)
  const t0 = performance.now()
  for (const rows of prepared) await insertInboxRows(db, workspaceId, rows)
  const inserted = performance.now() - t0

  const copied = await copyBaselineMs(url, copyRowsOf(batches))
  const rate = (ms) => Math.round(total / (ms / 1000))
  console.log(`\ninbox insert alone: ${total} rows in batches of ${batchSize}, one connection`)
  console.log(`raw COPY (baseline), rows/s      ${String(rate(copied)).padStart(8)}`)
  console.log(
    `inbox insert, rows/s             ${String(rate(inserted)).padStart(8)}   ${(rate(inserted) / rate(copied)).toFixed(3)} x COPY`,
  )
} finally {
  await database.close()
}
