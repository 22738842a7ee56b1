import { createServer, type Server, Socket } from 'node:net'
import { afterAll, describe, expect, test } from 'vitest'
import { useTestServer } from './harness.js'
import { lineListenerPlugin } from './plugins.fixture.js'

const context = useTestServer({}, [lineListenerPlugin])

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
})
