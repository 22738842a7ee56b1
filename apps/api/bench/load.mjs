// The load generator of ingest.mjs, on its own thread, so that building and sending requests never
// slows the server it measures: sends the batches with concurrency and reads profiles meanwhile.
import { Agent, request } from 'node:http'
import { performance } from 'node:perf_hooks'
import { parentPort, workerData } from 'node:worker_threads'
import { batchesFor, copyRowsOf } from './calls.mjs'
import { osThreadId } from './cpu.mjs'

const { url, people, batchSize, keys, start, concurrency, profiles, headers, readsPerSecond } = workerData
const batches = batchesFor(people, batchSize, keys, start)
// Serialized before the clock starts, as a client's queue of batches waiting to be sent would be,
// so that the measured CPU is the server's and not the load generator's JSON.stringify.
const requests = batches.map(([key, batch]) => ({
  authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
  body: Buffer.from(JSON.stringify({ batch, sentAt: new Date().toISOString() })),
}))
// Node's own HTTP client on kept-alive sockets, one per sender: far less CPU per request than fetch,
// which leaves the two cores to the server being measured.
const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
const batchUrl = new URL(`${url}/v1/batch`)
// The reader's HTTP client is made ready before the clock starts: the first fetch on a new thread
// loads and compiles undici and opens a connection, tens of milliseconds that are the client's and
// not the server's (they were the two slowest reads of every run).
for (const id of profiles.slice(0, 2))
  await (await fetch(`${url}/api/v1/customers/${id}`, { headers })).arrayBuffer()
parentPort.postMessage({ type: 'ready', osThreadId: osThreadId() })

function send({ authorization, body }) {
  return new Promise((resolve, reject) => {
    const sent = request(
      batchUrl,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': body.length, authorization },
      },
      (response) => {
        const chunks = []
        response.on('data', (chunk) => chunks.push(chunk))
        response.on('end', () =>
          response.statusCode === 200
            ? resolve()
            : reject(new Error(`batch refused: ${response.statusCode} ${Buffer.concat(chunks)}`)),
        )
      },
    )
    sent.on('error', reject)
    sent.end(body)
  })
}

// The main thread takes its CPU snapshot, then says go.
await new Promise((resolve) => parentPort.once('message', resolve))
let loading = true
const latencies = []
// Open loop: agents open profiles at a steady rate whatever the server's speed, so a slow answer
// never holds the next read back. Latency counts from when the request left this thread.
const reader = (async () => {
  if (!(readsPerSecond > 0)) return
  const inFlight = new Set()
  const start = performance.now()
  for (let i = 0; loading; i++) {
    const due = start + (i * 1000) / readsPerSecond
    const wait = due - performance.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    const sent = performance.now()
    const read = fetch(`${url}/api/v1/customers/${profiles[i % profiles.length]}`, { headers })
      .then((response) => response.arrayBuffer())
      .then(() => latencies.push(performance.now() - sent))
    inFlight.add(read)
    read.finally(() => inFlight.delete(read))
  }
  await Promise.all(inFlight)
})()

const t0 = performance.now()
let next = 0
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < requests.length) await send(requests[next++])
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
