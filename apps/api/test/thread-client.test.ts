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
  if (m.id !== undefined) parentPort.postMessage({ type: 'reply', id: m.id, result: m.value })
})
parentPort.postMessage({ type: 'ready' })
`,
)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

test('a thread that dies fails what it held and what comes while it restarts, then answers again', async () => {
  const lines: string[] = []
  const client = new ThreadClient(
    file,
    {},
    pino({ level: 'error' }, { write: (l: string) => lines.push(l) }),
    'echo',
  )
  client.start()
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
