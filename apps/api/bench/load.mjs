// The load generator of ingest.mjs, on its own thread, so that building and sending requests never
// slows the server it measures: sends the batches with concurrency and reads profiles meanwhile.
import { performance } from 'node:perf_hooks'
import { parentPort, workerData } from 'node:worker_threads'
import { batchesFor, copyRowsOf } from './calls.mjs'

const { url, people, batchSize, keys, start, concurrency, profiles, headers } = workerData
const batches = batchesFor(people, batchSize, keys, start)

async function send([key, batch]) {
  const response = await fetch(`${url}/v1/batch`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
    },
    body: JSON.stringify({ batch, sentAt: new Date().toISOString() }),
  })
  if (response.status !== 200) throw new Error(`batch refused: ${response.status} ${await response.text()}`)
  await response.arrayBuffer()
}

let loading = true
const latencies = []
const reader = (async () => {
  let i = 0
  while (loading) {
    const t = performance.now()
    const response = await fetch(`${url}/api/v1/customers/${profiles[i++ % profiles.length]}`, { headers })
    await response.arrayBuffer()
    latencies.push(performance.now() - t)
  }
})()

const t0 = performance.now()
let next = 0
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < batches.length) await send(batches[next++])
  }),
)
const acceptedMs = performance.now() - t0
parentPort.postMessage({ type: 'accepted', acceptedMs })
// Reads go on while the backlog is processed, until the main thread says it is done.
parentPort.once('message', async () => {
  loading = false
  await reader
  parentPort.postMessage({ type: 'done', latencies, rows: copyRowsOf(batches) })
})
