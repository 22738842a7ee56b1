// The profile reader of ingest.mjs, on a thread of its own: agents opening profiles while the load is
// sent. Apart from the senders, so that their work never delays a read's answer being taken in. One
// thread for the whole benchmark: its warm-up reads compile its client before the clock starts.
import { Agent } from 'node:http'
import { performance } from 'node:perf_hooks'
import { parentPort, workerData } from 'node:worker_threads'
import { osThreadId } from './cpu.mjs'
import { send } from './http.mjs'

const { url, headers, readsPerSecond } = workerData
const agent = new Agent({ keepAlive: true })
const read = async (id) => {
  const { status } = await send(agent, `${url}/api/v1/customers/${id}`, { headers })
  if (status !== 200) throw new Error(`profile read answered ${status}`)
}

let profiles = []
let reading = false
const handlers = {
  // Every profile twice, one at a time: the server's read path and this client both warm.
  async warm(message) {
    profiles = message.profiles
    for (const id of [...profiles, ...profiles]) await read(id)
    return { type: 'warmed' }
  },
  // Open loop: agents open profiles at a steady rate whatever the server's speed, so a slow answer
  // never holds the next read back. Latency counts from when the request left this thread.
  async go() {
    reading = true
    const latencies = []
    const inFlight = new Set()
    const start = performance.now()
    for (let i = 0; reading && readsPerSecond > 0; i++) {
      const due = start + (i * 1000) / readsPerSecond
      const wait = due - performance.now()
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      const sent = performance.now()
      const answer = read(profiles[i % profiles.length]).then(() => latencies.push(performance.now() - sent))
      inFlight.add(answer)
      answer.finally(() => inFlight.delete(answer))
    }
    await Promise.all(inFlight)
    return { type: 'done', latencies }
  },
  stop() {
    reading = false
  },
}

parentPort.on('message', async (message) => {
  const answer = await handlers[message.type](message)
  if (answer) parentPort.postMessage(answer)
})
parentPort.postMessage({ type: 'ready', osThreadId: osThreadId() })
