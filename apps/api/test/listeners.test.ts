import { createServer, type Server, Socket } from 'node:net'
import { afterAll, describe, expect, test } from 'vitest'
import { ListenerHost } from '../src/sources/listener-host.js'
import { Client, ownerEmail, ownerPassword, signal, startTestServer, useTestServer } from './harness.js'
import {
  hangingListenerPlugin,
  lineListenerPlugin,
  listenerStartGates,
  slowListenerPlugin,
} from './plugins.fixture.js'

const context = useTestServer({}, [lineListenerPlugin, hangingListenerPlugin, slowListenerPlugin])

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Sends lines to a listener and reads one answer per line. */
async function send(address: string, ...lines: string[]): Promise<string[]> {
  const { hostname, port } = new URL(address)
  const socket = new Socket()
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.connect(Number(port), hostname, resolve)
  })
  const answers: string[] = []
  await new Promise<void>((resolve, reject) => {
    socket.on('data', (chunk) => {
      answers.push(...chunk.toString().trim().split('\n'))
      if (answers.length >= lines.length) resolve()
    })
    socket.once('error', reject)
    socket.write(lines.map((line) => `${line}\n`).join(''))
  })
  socket.destroy()
  return answers
}

async function refused(address: string): Promise<boolean> {
  const { hostname, port } = new URL(address)
  return new Promise((resolve) => {
    const socket = new Socket()
    socket.once('error', () => resolve(true))
    socket.connect(Number(port), hostname, () => {
      socket.destroy()
      resolve(false)
    })
  })
}

let blocker: Server | undefined
afterAll(() => blocker?.close())

describe('listeners', () => {
  test('an enabled source runs its listener; what it receives reaches the profile; disable and delete stop it', async () => {
    const created = await context.owner.post('/api/v1/sources', {
      pluginId: 'line-listener-test',
      name: 'Chat lines',
      config: { port: 0, token: 'listener-token-123' },
    })
    expect(created.status).toBe(201)
    expect(created.body.listener).toMatchObject({ state: 'running', error: null })
    const address: string = created.body.listener.address
    expect(address).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/)

    expect(await send(address, 'lin@example.com Chat_started', 'lin@example.com Chat_ended')).toEqual([
      'ok',
      'ok',
    ])
    await context.server.processor.settled()
    const profile = await context.owner.get('/api/v1/customers/lookup?type=email&value=lin@example.com')
    expect(profile.status).toBe(200)
    const timeline = await context.owner.get(`/api/v1/customers/${profile.body.id}/timeline`)
    expect(timeline.body.items.map((item: { name: string }) => item.name).sort()).toEqual([
      'Chat_ended',
      'Chat_started',
    ])

    const disabled = await context.owner.patch(`/api/v1/sources/${created.body.id}`, { enabled: false })
    expect(disabled.body.listener).toMatchObject({ state: 'stopped', address: null })
    expect(await refused(address)).toBe(true)

    const enabled = await context.owner.patch(`/api/v1/sources/${created.body.id}`, { enabled: true })
    expect(enabled.body.listener.state).toBe('running')
    expect(await context.owner.delete(`/api/v1/sources/${created.body.id}`)).toMatchObject({ status: 204 })
    expect(await refused(enabled.body.listener.address)).toBe(true)
  })

  test('a listener that cannot start (its port is taken) shows why on the source, and the server goes on', async () => {
    blocker = createServer()
    await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as { port: number }).port
    const created = await context.owner.post('/api/v1/sources', {
      pluginId: 'line-listener-test',
      name: 'Taken port',
      config: { port, token: 'listener-token-456' },
    })
    expect(created.status).toBe(201)
    expect(created.body.listener).toMatchObject({
      state: 'failed',
      error: expect.stringMatching(/EADDRINUSE/),
    })
    expect((await context.owner.get('/api/v1/sources')).status).toBe(200)
    expect(JSON.stringify(created.body)).not.toContain('listener-token-456')
  })

  test('a listener whose start hangs fails after the start timeout; the request and the server do not wait', async () => {
    const host = context.server.app.get(ListenerHost)
    host.startTimeoutMs = 500
    host.answerWithinMs = 100
    try {
      const began = Date.now()
      const created = await context.owner.post('/api/v1/sources', {
        pluginId: 'hanging-listener-test',
        name: 'Hangs',
      })
      expect(created.status).toBe(201)
      expect(Date.now() - began).toBeLessThan(2_000)
      expect(created.body.listener.state).toBe('starting')
      let listener = created.body.listener
      for (let i = 0; i < 50 && listener.state === 'starting'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50))
        listener = (await context.owner.get(`/api/v1/sources/${created.body.id}`)).body.listener
      }
      expect(listener).toMatchObject({ state: 'failed', error: 'the listener did not start within 0.5 s' })
      expect(context.server.logs.some((l) => l.includes('listener failed to start'))).toBe(true)
      // A change while it starts is not held up either.
      host.startTimeoutMs = 60_000
      const renamed = await context.owner.patch(`/api/v1/sources/${created.body.id}`, { name: 'Still hangs' })
      expect(renamed.status).toBe(200)
      const disabled = await context.owner.patch(`/api/v1/sources/${created.body.id}`, { enabled: false })
      expect(disabled.body.listener.state).toBe('stopped')
    } finally {
      host.startTimeoutMs = 30_000
    }
  })

  test('a listener whose start hangs does not hold up the server start', async () => {
    await context.owner.post('/api/v1/sources', { pluginId: 'hanging-listener-test', name: 'Hangs at start' })
    // A second server on the same database: it would start that listener, with the default timeout.
    const other = await startTestServer(
      { RAPPORT_TRACKING_PORT: 'off' },
      [hangingListenerPlugin],
      context.server.database,
    )
    try {
      const owner = await Client.login(other.url, ownerEmail, ownerPassword)
      const sources = (await owner.get('/api/v1/sources')).body.items
      const hanging = sources.find((s: { name: string }) => s.name === 'Hangs at start')
      expect(hanging.listener.state).toBe('starting')
    } finally {
      await other.close()
    }
  })

  test('a start given up while it is slow is waited for (with its late stop) before the next start takes the port', async () => {
    const host = context.server.app.get(ListenerHost)
    host.answerWithinMs = 20
    try {
      const port = await freePort()
      const first = signal()
      listenerStartGates.set(port, first.happened)
      const created = await context.owner.post('/api/v1/sources', {
        pluginId: 'slow-listener-test',
        name: 'Slow',
        config: { port },
      })
      expect(created.body.listener.state).toBe('starting')
      // A change supersedes the first start; that one then takes the port, and gives it up 300 ms later.
      const renamed = await context.owner.patch(`/api/v1/sources/${created.body.id}`, { name: 'Slow 2' })
      expect(renamed.body.listener.state).toBe('starting')
      first.done()
      let listener = renamed.body.listener
      for (let i = 0; i < 100 && listener.state === 'starting'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20))
        listener = (await context.owner.get(`/api/v1/sources/${created.body.id}`)).body.listener
      }
      expect(listener).toMatchObject({ state: 'running', error: null })
      await context.owner.patch(`/api/v1/sources/${created.body.id}`, { enabled: false })
    } finally {
      host.answerWithinMs = 2_000
    }
  })

  test('no listener starts once the host stopped, even when its source was being looked up then', async () => {
    const host = context.server.app.get(ListenerHost)
    const created = await context.owner.post('/api/v1/sources', {
      pluginId: 'line-listener-test',
      name: 'Stopping',
      config: { port: 0, token: 'listener-token-789' },
    })
    const address: string = created.body.listener.address
    try {
      await host.stopAll()
      expect(await refused(address)).toBe(true)
      // The host runs again, and a refresh is looking the source up when the host stops.
      ;(host as unknown as { running: boolean }).running = true
      const refreshing = host.refresh(created.body.id)
      await new Promise((resolve) => setImmediate(resolve))
      await host.stopAll()
      await refreshing
      expect(host.status({ id: created.body.id, plugin_id: 'line-listener-test' })?.state).toBe('stopped')
    } finally {
      // Running again for the tests after (startAll would wait for the hanging listeners above).
      ;(host as unknown as { running: boolean }).running = true
      await context.owner.delete(`/api/v1/sources/${created.body.id}`)
    }
  })
})
