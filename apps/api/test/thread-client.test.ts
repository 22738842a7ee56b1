import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { afterAll, expect, test } from 'vitest'
import { ThreadClient, ThreadUnavailable } from '../src/threads/thread-client.js'

// A thread speaking ThreadClient's protocol: echoes, fails on request, and dies on request.
const dir = mkdtempSync(join(tmpdir(), 'rapport-thread-'))
const file = join(dir, 'echo-worker.mjs')
writeFileSync(
  file,
  `import { parentPort } from 'node:worker_threads'
parentPort.on('message', (m) => {
  if (m.type === 'die') process.exit(1)
  if (m.type === 'fail') return parentPort.postMessage({ type: 'reply', id: m.id, error: 'it failed' })
  if (m.type === 'tell') return parentPort.postMessage({ type: 'event', event: m.value })
  if (m.id !== undefined) parentPort.postMessage({ type: 'reply', id: m.id, result: m.value })
})
parentPort.postMessage({ type: 'ready', port: 1234 })
`,
)
// A thread that fails before it is ready (as the intake thread does when its port is taken).
const failing = join(dir, 'failing-worker.mjs')
writeFileSync(failing, `throw new Error('port taken')\n`)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A started client of the thread in `path`, with the errors it logs. */
function started(path: string, name: string, onEvent?: (event: string) => void) {
  const lines: string[] = []
  const logger = pino({ level: 'error' }, { write: (l: string) => lines.push(l) })
  const client = new ThreadClient(path, {}, logger, name, onEvent)
  client.start()
  return { client, lines }
}

test('a thread that dies fails what it held and what comes while it restarts, then answers again', async () => {
  const { client, lines } = started(file, 'echo')
  try {
    expect(await client.request({ type: 'echo', value: 1 })).toBe(1)
    await expect(client.request({ type: 'fail' })).rejects.toThrow('it failed')

    const held = client.request({ type: 'die' })
    await expect(held).rejects.toBeInstanceOf(ThreadUnavailable)
    // Restarting: refused at once, never left waiting.
    await expect(client.request({ type: 'echo', value: 2 })).rejects.toBeInstanceOf(ThreadUnavailable)
    expect(lines.join('')).toContain('echo thread exited; restarting it')

    let answer: unknown
    for (let i = 0; i < 50 && answer === undefined; i++) {
      await new Promise((r) => setTimeout(r, 100))
      answer = await client.request({ type: 'echo', value: 3 }).catch(() => undefined)
    }
    expect(answer).toBe(3)
  } finally {
    await client.stop()
  }
  await expect(client.request({ type: 'echo', value: 4 })).rejects.toBeInstanceOf(ThreadUnavailable)
})

test('a thread says when it is ready and what with, and tells of events that need no answer', async () => {
  const events: string[] = []
  const { client } = started(file, 'echo', (event) => events.push(event))
  try {
    expect(await client.ready()).toMatchObject({ type: 'ready', port: 1234 })
    client.post({ type: 'tell', value: 'accepted' })
    expect(await client.request({ type: 'echo', value: 'after' })).toBe('after')
    expect(events).toEqual(['accepted'])
  } finally {
    await client.stop()
  }
})

test('a thread that fails before it is ready fails ready() with its error, and stays stopped once told', async () => {
  const { client, lines } = started(failing, 'failing')
  await expect(client.ready()).rejects.toThrow('port taken')
  // Stopped once its restart is due (as a server whose start failed on it stops it).
  while (!lines.some((l) => l.includes('failing thread exited; restarting it')))
    await new Promise((r) => setTimeout(r, 20))
  await client.stop()
  // The restart was due a second after it failed: stopped meanwhile, it never comes.
  await new Promise((r) => setTimeout(r, 1500))
  expect(lines.filter((l) => l.includes('failing thread failed'))).toHaveLength(1)
})
