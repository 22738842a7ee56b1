// The load generator of ingest.mjs, on its own thread, so that building and sending requests never
// slows the server it measures. One thread for the whole benchmark: it sends the warm-up too, so that
// its own HTTP client is compiled before the clock starts (a new thread's first seconds of sending
// kept V8's compiler threads busy during the measurement, on the two cores the server needs).
import { Agent } from 'node:http'
import { performance } from 'node:perf_hooks'
import { parentPort, workerData } from 'node:worker_threads'
import { batchesFor, copyRowsOf } from './calls.mjs'
import { osThreadId } from './cpu.mjs'
import { send } from './http.mjs'

const { url, batchSize, keys, start, concurrency } = workerData
// One kept-alive socket per sender.
const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
const batchUrl = `${url}/v1/batch`

async function sendBatch({ authorization, body }) {
  const answer = await send(agent, batchUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body,
  })
  if (answer.status !== 200) throw new Error(`batch refused: ${answer.status} ${answer.body}`)
}

let batches = []
let requests = []
const handlers = {
  // Serialized before the clock starts, as a client's queue of batches waiting to be sent would be,
  // so that the measured CPU is the server's and not the load generator's JSON.stringify.
  prepare({ people, first }) {
    batches = batchesFor(people, batchSize, keys, start, first)
    requests = batches.map(([key, batch]) => ({
      authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
      body: Buffer.from(JSON.stringify({ batch, sentAt: new Date().toISOString() })),
    }))
    return { type: 'prepared' }
  },
  async go() {
    const t0 = performance.now()
    let next = 0
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < requests.length) await sendBatch(requests[next++])
      }),
    )
    return { type: 'accepted', acceptedMs: performance.now() - t0 }
  },
  // The rows for the COPY baseline only once everything is measured: a copy of them arriving on the
  // server's main thread would cost it a pause of its own.
  rows: () => ({ type: 'rows', rows: copyRowsOf(batches) }),
}

parentPort.on('message', async (message) => {
  parentPort.postMessage(await handlers[message.type](message))
})
parentPort.postMessage({ type: 'ready', osThreadId: osThreadId() })
