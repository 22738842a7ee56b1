import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dropSchema, testDatabaseUrl } from '@rapport/db/testing'
import pg from 'pg'
import { afterAll, describe, expect, test } from 'vitest'
import { Client } from './harness.js'

// The built entry point, as `pnpm start` runs it: turbo builds this package before its tests.
const main = join(import.meta.dirname, '../dist/main.js')
const dataDir = mkdtempSync(join(tmpdir(), 'rapport-start-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: '',
      RAPPORT_ADMIN_EMAIL: '',
      RAPPORT_ADMIN_PASSWORD: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => {
    stdout += d
  })
  child.stderr.on('data', (d) => {
    stderr += d
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  return { child, exited, out: () => stdout, err: () => stderr }
}

async function listening(proc: { out: () => string; exited: Promise<number | null>; err: () => string }) {
  for (;;) {
    const line = proc
      .out()
      .split('\n')
      .find((l) => l.includes('"Rapport is listening"'))
    if (line) return JSON.parse(line) as { url: string; trackingUrl?: string }
    const done = await Promise.race([
      proc.exited.then(() => true),
      new Promise((r) => setTimeout(() => r(false), 100)),
    ])
    if (done) throw new Error(`server exited: ${proc.err()}`)
  }
}

// Each test starts the built server as a process of its own (twice, for the first), migrations and
// all: on a machine busy with the rest of the suite, that alone has taken over 30 s.
const startTimeout = { timeout: 120_000 }

describe.skipIf(!existsSync(main))(
  'the start command on a bare machine (embedded database)',
  startTimeout,
  () => {
    let child: ChildProcess | undefined
    afterAll(() => child?.kill('SIGKILL'))

    test('first start: creates the data folder, prints a generated owner password once, serves, stops on SIGTERM', async () => {
      const first = run({ RAPPORT_DATA_DIR: dataDir })
      child = first.child
      const { url } = await listening(first)
      const banner = first.out().match(/e-mail:\s+(\S+)\s+password:\s+(\S+)/)
      expect(banner).not.toBeNull()
      const [, email, password] = banner!
      // The generated password is printed once, never inside a JSON log line.
      expect(
        first
          .out()
          .split('\n')
          .filter((l) => l.startsWith('{') && l.includes(password!)),
      ).toEqual([])
      const owner = await Client.login(url, email!, password!)
      expect((await owner.get('/api/v1/me')).body.role).toBe('owner')
      expect((await fetch(`${url}/readyz`)).status).toBe(200)

      // A first start on the embedded database comes with demo customers, merged across two sources.
      let ada: { id: string } | undefined
      for (let tries = 0; !ada && tries < 100; tries++) {
        const found = await owner.get('/api/v1/customers/lookup?type=email&value=ada.lovelace@example.com')
        if (found.status === 200) ada = found.body
        else await new Promise((resolve) => setTimeout(resolve, 100))
      }
      const profile = (await owner.get(`/api/v1/customers/${ada!.id}`)).body
      expect(profile.identities.map((i: { type: string }) => i.type).sort()).toEqual([
        'anonymousId',
        'crm',
        'email',
      ])
      expect(profile.lifetimeValue.EUR).toBeGreaterThan(0)
      expect(
        (await owner.get('/api/v1/sources')).body.items.map((s: { name: string }) => s.name).sort(),
      ).toEqual(['CRM and shop export (demo)', 'Website (demo)'])

      first.child.kill('SIGTERM')
      expect(await first.exited).toBe(0)
      expect(first.out()).toContain('"stopped"')
      expect(existsSync(join(dataDir, 'pglite'))).toBe(true)

      // Second start on the same folder: same data, nothing printed again.
      const second = run({ RAPPORT_DATA_DIR: dataDir })
      child = second.child
      const { url: again } = await listening(second)
      expect(second.out()).not.toContain('password:')
      await Client.login(again, email!, password!)
      second.child.kill('SIGTERM')
      expect(await second.exited).toBe(0)
    })

    test('a bad setting stops the start with a message naming it', async () => {
      const bad = run({ RAPPORT_DATA_DIR: dataDir, PORT: 'eighty' })
      expect(await bad.exited).toBe(1)
      expect(bad.err()).toContain('PORT')
    })
  },
)

/** The profile of a userId once the processor has applied what was sent (404 after 10 s). */
async function processed(owner: Client, userId: string) {
  const lookup = () => owner.get(`/api/v1/customers/lookup?type=userId&value=${userId}`)
  let found = await lookup()
  for (let i = 0; found.status === 404 && i < 100; i++) {
    await new Promise((r) => setTimeout(r, 100))
    found = await lookup()
  }
  return found
}

/** Runs `use` with the URL of a schema of its own on the test database, dropped afterwards. */
async function inSchema(prefix: string, use: (databaseUrl: string) => Promise<void>) {
  const url = testDatabaseUrl() as string
  const schema = `${prefix}_${Date.now().toString(36)}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`create schema ${schema}`)
  try {
    await use(
      `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    )
  } finally {
    await dropSchema(admin, schema)
    await admin.end()
  }
}

describe.skipIf(!existsSync(main) || !testDatabaseUrl())(
  'the start command on PostgreSQL',
  startTimeout,
  () => {
    test('a tracking port that is taken stops the start: the intake thread could not listen, and says so', async () => {
      const holder = createServer()
      await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
      const taken = (holder.address() as AddressInfo).port
      try {
        await inSchema('taken', async (databaseUrl) => {
          const proc = run({
            RAPPORT_DATA_DIR: dataDir,
            DATABASE_URL: databaseUrl,
            RAPPORT_SECRET_KEY: 'c'.repeat(64),
            RAPPORT_TRACKING_PORT: String(taken),
          })
          expect(await proc.exited).toBe(1)
          expect(proc.err()).toMatch(
            /^Rapport could not start: the tracking intake thread could not start \(.*EADDRINUSE.*\); if its port is taken, set RAPPORT_TRACKING_PORT to a free port, or to off\n$/,
          )
        })
      } finally {
        holder.close()
      }
    })

    test('a promise a plugin leaves rejected is logged and the server goes on; an uncaught exception is logged, then stops it', async () => {
      await inSchema('stray', async (databaseUrl) => {
        const proc = run({
          RAPPORT_DATA_DIR: dataDir,
          DATABASE_URL: databaseUrl,
          RAPPORT_ADMIN_EMAIL: 'stray-owner@example.com',
          RAPPORT_ADMIN_PASSWORD: 'stray owner password',
          RAPPORT_SECRET_KEY: 'c'.repeat(64),
          RAPPORT_TRACKING_PORT: 'off',
          RAPPORT_PLUGINS: join(import.meta.dirname, 'fixtures/stray-rejection-plugin.mjs'),
        })
        const { url } = await listening(proc)
        const owner = await Client.login(url, 'stray-owner@example.com', 'stray owner password')
        const create = async (crash: boolean) =>
          (
            await owner.post('/api/v1/sources', {
              pluginId: 'stray-rejection-test',
              name: `Stray ${crash}`,
              config: { crash },
            })
          ).body.id as string
        const stray = await create(false)
        const crashing = await create(true)
        expect((await owner.post(`/api/v1/sources/${stray}/check`)).body).toMatchObject({ ok: true })
        await new Promise((resolve) => setTimeout(resolve, 200))
        expect((await fetch(`${url}/healthz`)).status).toBe(200)
        const logged = proc
          .out()
          .split('\n')
          .filter((l) => l.includes('unhandled promise rejection'))
        expect(logged).toHaveLength(1)
        expect(JSON.parse(logged[0]!)).toMatchObject({
          level: 50,
          err: { message: 'left behind by a plugin' },
        })

        await owner.post(`/api/v1/sources/${crashing}/check`)
        expect(await proc.exited).not.toBe(0)
        const fatal = proc
          .out()
          .split('\n')
          .find((l) => l.includes('uncaught exception'))
        expect(JSON.parse(fatal!)).toMatchObject({
          level: 60,
          err: { message: 'thrown from a timer in a plugin' },
        })
      })
    })

    test('processes the inbox on its own thread: data sent to the tracking API reaches the profile', async () => {
      await inSchema('start', async (databaseUrl) => {
        const proc = run({
          RAPPORT_DATA_DIR: dataDir,
          DATABASE_URL: databaseUrl,
          RAPPORT_ADMIN_EMAIL: 'pg-owner@example.com',
          RAPPORT_ADMIN_PASSWORD: 'pg owner password',
          RAPPORT_SECRET_KEY: 'c'.repeat(64),
        })
        const { url: base, trackingUrl } = await listening(proc)
        const owner = await Client.login(base, 'pg-owner@example.com', 'pg owner password')
        const { writeKey } = (await owner.post('/api/v1/sources', { pluginId: 'http', name: 'Site' })).body
        const sent = await fetch(`${base}/v1/track`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
          },
          body: JSON.stringify({ userId: 'threaded', event: 'Processed elsewhere' }),
        })
        expect(sent.status).toBe(200)
        const found = await processed(owner, 'threaded')
        expect(found.status).toBe(200)

        // Background work yields the CPU: one thread of the server (the processor's) runs at nice 10,
        // one (the tracking intake's) at nice 4, the rest as the server was started.
        if (existsSync('/proc/self/task')) {
          const niceOf = (tid: string) =>
            Number(
              readFileSync(`/proc/${proc.child.pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16],
            )
          const nices = readdirSync(`/proc/${proc.child.pid}/task`).map(niceOf)
          const base = niceOf(String(proc.child.pid)) // the main thread's, as whoever started it left it
          // (A server started at nice 4 or more has nothing to lower.)
          if (base < 4) {
            expect(nices.filter((n) => n === 10)).toHaveLength(1)
            expect(nices.filter((n) => n === 4)).toHaveLength(1)
            expect(nices.filter((n) => n !== 10 && n !== 4).every((n) => n === base)).toBe(true)
          }
        }

        // The intake thread answers as the in-process intake does: bad JSON, a batch with a bad call,
        // a batch with nothing acceptable, the write key in the body.
        const send = (path: string, body: string, { auth = true, to = base } = {}) =>
          fetch(`${to}/v1/${path}`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              ...(auth ? { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` } : {}),
            },
            body,
          })
        const broken = await send('track', '{"userId":')
        expect(broken.status).toBe(400)
        expect(((await broken.json()) as { detail: string }).detail).toContain('not valid JSON')
        const mixed = await send(
          'batch',
          JSON.stringify({
            batch: [
              { type: 'track', userId: 'threaded', event: 'Fine' },
              { type: 'track', userId: 'threaded' },
            ],
          }),
        )
        expect(mixed.status).toBe(200)
        expect(await mixed.json()).toMatchObject({
          accepted: 1,
          rejected: [{ index: 1, errors: [{ path: 'event' }] }],
        })
        const refused = await send(
          'batch',
          JSON.stringify({ batch: [{ type: 'track', userId: 'threaded' }] }),
        )
        expect(refused.status).toBe(400)
        expect(((await refused.json()) as { errors: unknown }).errors).toEqual([
          { path: 'batch.0.event', message: expect.any(String) },
        ])
        const keyInBody = await send(
          'identify',
          JSON.stringify({ writeKey, userId: 'body-key', traits: {} }),
          {
            auth: false,
          },
        )
        expect(keyInBody.status).toBe(200)

        // Erased with suppression on the main thread: the intake thread refuses the person at once.
        const erased = await owner.delete(`/api/v1/customers/${found.body.id}?suppress=true`)
        expect(erased.status).toBeLessThan(300)
        const after = await send('track', JSON.stringify({ userId: 'threaded', event: 'After erase' }))
        expect(await after.json()).toMatchObject({ accepted: 0, suppressed: 1 })

        // The tracking port, answered by the intake thread itself: what it takes reaches a profile
        // (the thread tells the main thread, which wakes the processor), the erased person is refused
        // there too, and a source disabled on the main thread is refused there at once.
        expect(trackingUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
        const direct = await send('track', JSON.stringify({ userId: 'direct', event: 'Sent to the port' }), {
          to: trackingUrl,
        })
        expect(direct.status).toBe(200)
        expect((await processed(owner, 'direct')).status).toBe(200)
        const erasedThere = await send('track', JSON.stringify({ userId: 'threaded', event: 'Again' }), {
          to: trackingUrl,
        })
        expect(await erasedThere.json()).toMatchObject({ accepted: 0, suppressed: 1 })
        const sourceId = (await owner.get('/api/v1/sources')).body.items[0].id
        expect((await owner.patch(`/api/v1/sources/${sourceId}`, { enabled: false })).status).toBe(200)
        const disabled = await send('track', JSON.stringify({ userId: 'direct', event: 'Late' }), {
          to: trackingUrl,
        })
        expect(disabled.status).toBe(403)
        expect(proc.out()).not.toContain('"level":50')
        proc.child.kill('SIGTERM')
        expect(await proc.exited).toBe(0)
      })
    })
  },
)
