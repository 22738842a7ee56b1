#!/usr/bin/env node
// `pnpm bench:ingest`: a realistic mix (identify, track, page, group; the same people seen by two
// sources) sent through /v1/batch with concurrency, against a raw COPY of the same rows into a
// scratch table on the same database, measured in the same run. Prints ratios, asserts nothing.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'
import pg from 'pg'
import { createTestDatabase } from '../../../packages/db/dist/testing.js'
import { startServer } from '../dist/index.js'
import { copyBaselineMs } from './copy-baseline.mjs'
import { cpuLines, cpuSnapshot } from './cpu.mjs'
import { databaseUrlOrSkip } from './database.mjs'

const url = databaseUrlOrSkip('ingestion benchmark')
const people = Number(process.env.BENCH_PEOPLE ?? 5000)
const batchSize = Number(process.env.BENCH_BATCH ?? 100)
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8)
// A busy support team: 50 profiles opened a second (180,000 an hour), whatever the ingestion load.
const readsPerSecond = Number(process.env.BENCH_READS_PER_SECOND ?? 50)
const warmupPeople = Number(process.env.BENCH_WARMUP_PEOPLE ?? 1000)
// Runs vary by 15-25% on a shared 2-core machine: several rounds (new people each) and their medians
// say more than one.
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1))
const email = 'bench-owner@example.com'
const password = 'bench owner password'

function percentile(sorted, p) {
  if (!sorted.length) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

// A schema of its own, named in the URL, so that the server connects by itself as in production
// (and processes the inbox on its own thread).
const database = await createTestDatabase()
const schema = database.location.match(/schema (\w+)/)?.[1]
const server = await startServer({
  env: {
    DATABASE_URL: `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema} ${process.env.BENCH_PG_OPTIONS ?? ''}`)}`,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    RAPPORT_WORKER: process.env.RAPPORT_WORKER ?? 'true',
    // Unset, the main thread keeps the priority it started with; -10 needs CAP_SYS_NICE (root).
    ...(process.env.RAPPORT_API_NICE ? { RAPPORT_API_NICE: process.env.RAPPORT_API_NICE } : {}),
    RAPPORT_ADMIN_EMAIL: email,
    RAPPORT_ADMIN_PASSWORD: password,
    RAPPORT_SECRET_KEY: 'b'.repeat(64),
  },
})
try {
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
  const me = await login.json()
  const cookie = login.headers.get('set-cookie').split(';')[0]
  const headers = { 'content-type': 'application/json', cookie, 'x-csrf-token': me.csrfToken }
  const source = async (name) =>
    (
      await (
        await fetch(`${server.url}/api/v1/sources`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ pluginId: 'http', name }),
        })
      ).json()
    ).writeKey
  const keys = { web: await source('Website'), app: await source('Mobile app') }
  const thread = (file, workerData) => {
    const worker = new Worker(new URL(file, import.meta.url), { workerData })
    const failed = new Promise((_, reject) => worker.once('error', reject))
    failed.catch(() => {})
    // The thread's next message (ready, prepared, accepted, warmed, done, rows), or its failure.
    const next = () => Promise.race([new Promise((resolve) => worker.once('message', resolve)), failed])
    const ask = (message) => {
      const answer = next()
      worker.postMessage(message)
      return answer
    }
    return { worker, next, ask }
  }
  // The benchmark's two client threads live as long as the benchmark, warm-up included.
  const start = Date.UTC(2026, 0, 1)
  // Segment libraries send to the tracking port, answered by the intake thread; BENCH_TRACKING=main
  // sends to /v1 on the main port instead, through the main thread, for comparison.
  const trackingUrl = process.env.BENCH_TRACKING === 'main' ? server.url : (server.trackingUrl ?? server.url)
  const load = thread('./load.mjs', { url: trackingUrl, batchSize, keys, start, concurrency })
  const reader = thread('./reader.mjs', { url: server.url, headers, readsPerSecond })
  const [{ osThreadId: loadThread }, { osThreadId: readerThread }] = await Promise.all([
    load.next(),
    reader.next(),
  ])

  // Warm-up, through the same paths and the same client threads as the load: people already known
  // (their profiles are read while the load runs), so that the measurement sees a server whose code
  // is compiled and whose caches are filled, as after its first minutes in production, not its first
  // seconds.
  await load.ask({ type: 'prepare', people: warmupPeople, first: people })
  await load.ask({ type: 'go' })
  await server.processor.settled()
  const known = (
    await (await fetch(`${server.url}/api/v1/customers?limit=200`, { headers })).json()
  ).items.map((c) => c.id)
  await reader.ask({ type: 'warm', profiles: known })

  const total = people * 10
  const rate = (ms) => Math.round(total / (ms / 1000))
  const line = (label, value, ratio) =>
    console.log(`${label.padEnd(38)} ${String(value).padStart(10)}${ratio ? `   ${ratio}` : ''}`)

  /** One measured round: new people (numbered after the warm-up's and earlier rounds'), then COPY. */
  async function round(index) {
    const first = index === 0 ? 0 : people + warmupPeople + (index - 1) * people
    await load.ask({ type: 'prepare', people, first })
    const observer = new pg.Client({ connectionString: url })
    await observer.connect()
    const threads = {
      [process.pid]: 'node: main thread (HTTP, profile reads)',
      [server.processor.osThreadId]: 'node: inbox processor thread',
      [server.trackingThread?.osThreadId]: 'node: tracking intake thread',
      [loadThread]: 'benchmark: senders (load thread)',
      [readerThread]: 'benchmark: profile reader thread',
    }
    const cpu0 = await cpuSnapshot(observer, threads)
    const loop = monitorEventLoopDelay({ resolution: 5 })
    loop.enable()
    const t0 = performance.now()
    const reading = reader.ask({ type: 'go' })
    const { acceptedMs: accepted } = await load.ask({ type: 'go' })
    const cpu1 = await cpuSnapshot(observer, threads)
    await server.processor.settled()
    const processed = performance.now() - t0
    loop.disable()
    const cpu2 = await cpuSnapshot(observer, threads)
    await observer.end()
    // Reads went on while the backlog was processed, until now.
    reader.worker.postMessage({ type: 'stop' })
    const { latencies } = await reading
    const { rows } = await load.ask({ type: 'rows' })

    // Baseline: the same rows by COPY into a scratch table, same database (median of three).
    const copyRate = rate(await copyBaselineMs(url, rows))
    latencies.sort((a, b) => a - b)
    const result = {
      copyRate,
      accepted: rate(accepted) / copyRate,
      processed: rate(processed) / copyRate,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
    }

    const customers = (
      await database.db
        .selectFrom('customers')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('merged_into', 'is', null)
        .executeTakeFirst()
    ).n
    const merges = (
      await database.db
        .selectFrom('merges')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst()
    ).n
    console.log(
      `\ningestion benchmark${rounds > 1 ? `, round ${index + 1} of ${rounds}` : ''}: ${total} calls from ${people} people over 2 sources, batches of ${batchSize}, ${concurrency} concurrent senders, ${readsPerSecond} profile reads/s`,
    )
    console.log(`database: ${database.location}; ${customers} profiles, ${merges} merges`)
    console.log(
      `tracking calls sent to: ${trackingUrl === server.url ? 'the main port (/v1)' : 'the tracking port'}; main thread priority (RAPPORT_API_NICE): ${process.env.RAPPORT_API_NICE ?? 'as started'}\n`,
    )
    line('raw COPY (baseline), rows/s', copyRate)
    line(
      'accepted (durable), events/s',
      rate(accepted),
      `${result.accepted.toFixed(3)} x COPY (target >= 0.25)`,
    )
    line(
      'processed end to end, events/s',
      rate(processed),
      `${result.processed.toFixed(3)} x COPY (target >= 0.08)`,
    )
    line('profile read while ingesting, p50 ms', result.p50.toFixed(1))
    line('profile read while ingesting, p99 ms', result.p99.toFixed(1), '(target <= 25 ms)')
    line('profile reads measured', latencies.length)
    line(
      'server event loop delay p99 / max, ms',
      `${(loop.percentile(99) / 1e6).toFixed(1)} / ${(loop.max / 1e6).toFixed(1)}`,
    )
    console.log(`\nCPU while the load was sent (${(accepted / 1000).toFixed(1)} s):`)
    for (const l of cpuLines(cpu0, cpu1, accepted / 1000)) console.log(l)
    console.log(`CPU from then until all was processed (${((processed - accepted) / 1000).toFixed(1)} s):`)
    for (const l of cpuLines(cpu1, cpu2, (processed - accepted) / 1000)) console.log(l)
    return result
  }

  const results = []
  for (let index = 0; index < rounds; index++) results.push(await round(index))
  await Promise.all([load.worker.terminate(), reader.worker.terminate()])
  if (rounds > 1) {
    const median = (key) => {
      const sorted = results.map((r) => r[key]).sort((a, b) => a - b)
      const middle = sorted.length / 2
      return sorted.length % 2 ? sorted[Math.floor(middle)] : (sorted[middle - 1] + sorted[middle]) / 2
    }
    const atTarget = (test) => `${results.filter(test).length} of ${rounds} at target`
    const all = (key, digits) => results.map((r) => r[key].toFixed(digits)).join(' ')
    console.log(`\nmedians of ${rounds} rounds:`)
    line(
      'accepted (durable), x COPY',
      median('accepted').toFixed(3),
      `${atTarget((r) => r.accepted >= 0.25)}: ${all('accepted', 3)}`,
    )
    line(
      'processed end to end, x COPY',
      median('processed').toFixed(3),
      `${atTarget((r) => r.processed >= 0.08)}: ${all('processed', 3)}`,
    )
    line(
      'profile read p99, ms',
      median('p99').toFixed(1),
      `${atTarget((r) => r.p99 <= 25)}: ${all('p99', 1)}`,
    )
    line('profile read p50, ms', median('p50').toFixed(1), all('p50', 1))
  }
} finally {
  await server.close()
  if (!process.env.BENCH_KEEP) await database.close()
  else console.log('kept', schema)
}
