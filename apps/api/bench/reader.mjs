// The profile reader of ingest.mjs, on a thread of its own: agents opening profiles while the load is
// sent. Apart from the senders, so that their work never delays a read's answer being taken in.
import { Agent } from 'node:http'
import { performance } from 'node:perf_hooks'
import { parentPort, workerData } from 'node:worker_threads'
import { osThreadId } from './cpu.mjs'
import { send } from './http.mjs'

const { url, profiles, headers, readsPerSecond } = workerData
const agent = new Agent({ keepAlive: true })
const read = (id) => send(agent, `${url}/api/v1/customers/${id}`, { headers })

// Connected and compiled before the clock starts: a client's first request on a new thread is
// slower for reasons of its own (they were the slowest reads of every run).
for (const id of profiles.slice(0, 2)) await read(id)
parentPort.postMessage({ type: 'ready', osThreadId: osThreadId() })
await new Promise((resolve) => parentPort.once('message', resolve))

// Open loop: agents open profiles at a steady rate whatever the server's speed, so a slow answer
// never holds the next read back. Latency counts from when the request left this thread.
let reading = true
parentPort.once('message', () => {
  reading = false
})
const latencies = []
const inFlight = new Set()
const start = performance.now()
for (let i = 0; reading && readsPerSecond > 0; i++) {
  const due = start + (i * 1000) / readsPerSecond
  const wait = due - performance.now()
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
  const sent = performance.now()
  const answer = read(profiles[i % profiles.length]).then(({ status }) => {
    if (status !== 200) throw new Error(`profile read answered ${status}`)
    latencies.push(performance.now() - sent)
  })
  inFlight.add(answer)
  answer.finally(() => inFlight.delete(answer))
}
await Promise.all(inFlight)
parentPort.postMessage({ type: 'done', latencies })
