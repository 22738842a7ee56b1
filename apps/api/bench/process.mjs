#!/usr/bin/env node
// The processor alone: the benchmark's calls appended to the inbox (not timed), then one drain on
// one connection with nothing else running, against a COPY of the same rows into a scratch table
// (median of three). What processing can do when it has the machine to itself, without the intake
// and the reads that share it in bench:ingest: a steadier measure for changes to the processor.
import pino from 'pino'
import { defaultIdentitySettings } from '../../../packages/domain/dist/index.js'
import { appendToInbox } from '../dist/ingestion/inbox.repository.js'
import { InboxProcessor } from '../dist/ingestion/processor.js'
import { segmentToEnvelope } from '../dist/tracking/segment.js'
import { batchesFor, copyRowsOf } from './calls.mjs'
import { copyBaselineMs } from './copy-baseline.mjs'
import { benchDatabase, databaseUrlOrSkip } from './database.mjs'

const url = databaseUrlOrSkip('processing benchmark')
const people = Number(process.env.BENCH_PEOPLE ?? 5000)
const warmupPeople = Number(process.env.BENCH_WARMUP_PEOPLE ?? 1000)
const batchSize = Number(process.env.BENCH_PROCESSOR_BATCH ?? 5000)
const { database, workspaceId, sources } = await benchDatabase()
try {
  const db = database.db
  const processor = new InboxProcessor(db, pino({ level: 'warn' }), batchSize)
  // Appends `count` people's calls (numbered from `first`), then times one drain of them.
  const round = async (count, first) => {
    const batches = batchesFor(count, 100, { web: 'web', app: 'app' }, Date.UTC(2026, 0, 1), first)
    let appended = 0
    for (const [source, calls] of batches) {
      const envelopes = calls.map((call) => segmentToEnvelope(call, new Date()))
      const result = await appendToInbox(db, workspaceId, sources[source], envelopes, defaultIdentitySettings)
      appended += result.accepted
    }
    const start = performance.now()
    const processed = await processor.drain()
    if (processed !== appended) throw new Error(`appended ${appended} envelopes, processed ${processed}`)
    return { batches, processed, ms: performance.now() - start }
  }
  // Warm-up: the same paths with other people, so that the code is compiled and caches filled.
  await round(warmupPeople, 0)
  const { batches, processed, ms } = await round(people, warmupPeople)
  const copied = await copyBaselineMs(url, copyRowsOf(batches))
  const rate = (n, took) => Math.round(n / (took / 1000))
  console.log(
    `\nprocessing alone: ${processed} envelopes from ${people} people, batches of up to ${batchSize}`,
  )
  console.log(`raw COPY (baseline), rows/s      ${String(rate(processed, copied)).padStart(8)}`)
  console.log(
    `processed, events/s              ${String(rate(processed, ms)).padStart(8)}   ${(copied / ms).toFixed(3)} x COPY`,
  )
} finally {
  await database.close()
}
