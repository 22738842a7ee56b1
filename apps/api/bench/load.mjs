// The load generator of ingest.mjs, on its own thread, so that building and sending requests never
// slows the server it measures: sends the batches with concurrency.
import { Agent } from 'node:http'
import { performance } from 'node:perf_hooks'
import { parentPort, workerData } from 'node:worker_threads'
import { batchesFor, copyRowsOf } from './calls.mjs'
import { osThreadId } from './cpu.mjs'
import { send } from './http.mjs'

const { url, people, batchSize, keys, start, concurrency, first } = workerData
const batches = batchesFor(people, batchSize, keys, start, first)
// Serialized before the clock starts, as a client's queue of batches waiting to be sent would be,
// so that the measured CPU is the server's and not the load generator's JSON.stringify.
const requests = batches.map(([key, batch]) => ({
  authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
  body: Buffer.from(JSON.stringify({ batch, sentAt: new Date().toISOString() })),
}))
// One kept-alive socket per sender.
const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
const batchUrl = `${url}/v1/batch`
parentPort.postMessage({ type: 'ready', osThreadId: osThreadId() })

async function sendBatch({ authorization, body }) {
  const answer = await send(agent, batchUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body,
  })
  if (answer.status !== 200) throw new Error(`batch refused: ${answer.status} ${answer.body}`)
}

// The main thread takes its CPU snapshot, then says go.
await new Promise((resolve) => parentPort.once('message', resolve))
const t0 = performance.now()
let next = 0
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < requests.length) await sendBatch(requests[next++])
  }),
)
parentPort.postMessage({ type: 'accepted', acceptedMs: performance.now() - t0 })
// The rows for the COPY baseline only once everything is measured: a copy of them arriving on the
// server's main thread would cost it a pause of its own.
parentPort.once('message', () => parentPort.postMessage({ type: 'rows', rows: copyRowsOf(batches) }))
