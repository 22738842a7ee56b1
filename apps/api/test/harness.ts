import { Writable } from 'node:stream'
import type { DatabaseHandle } from '@rapport/db'
import { createTestDatabase } from '@rapport/db/testing'
import type { Plugin } from '@rapport/plugin-sdk'
import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll } from 'vitest'
import { type RunningServer, startServer } from '../src/index.js'
import type { Processor } from '../src/ingestion/processor.js'
import { lockWorkspace } from '../src/ingestion/workspace-lock.js'

export const ownerEmail = 'owner@example.com'
export const ownerPassword = 'owner password 123'

export interface TestServer {
  url: string
  /** The tracking API's own port (on by default, on a random port here). */
  trackingUrl: string | undefined
  database: DatabaseHandle
  /** Every JSON log line the server wrote. */
  logs: string[]
  processor: Processor
  /** The Nest application, to reach a provider directly. */
  app: RunningServer['app']
  close(): Promise<void>
}

/** A fixed key, so that tests never write one into the data folder. */
export const testSecretKey = 'a'.repeat(64)

/**
 * A real server on a random port, with its log captured: over a fresh database, or over `shared`
 * (another server's), which it then leaves open when it closes.
 */
export async function startTestServer(
  env: Record<string, string> = {},
  plugins: Plugin[] = [],
  shared?: DatabaseHandle,
): Promise<TestServer> {
  const database = shared ?? (await createTestDatabase())
  const closeOwnDatabase = () => (shared ? Promise.resolve() : database.close())
  const logs: string[] = []
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(...String(chunk).split('\n').filter(Boolean))
      done()
    },
  })
  const server = await startServer({
    database,
    logStream,
    print: (text) => logs.push(text),
    plugins,
    env: {
      RAPPORT_SECRET_KEY: testSecretKey,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
      RAPPORT_ADMIN_EMAIL: ownerEmail,
      RAPPORT_ADMIN_PASSWORD: ownerPassword,
      ...env,
    },
  }).catch(async (error) => {
    await closeOwnDatabase()
    throw error
  })
  return {
    url: server.url,
    trackingUrl: server.trackingUrl,
    database,
    logs,
    processor: server.processor,
    app: server.app,
    async close() {
      await server.close()
      await closeOwnDatabase()
    },
  }
}

/** The workspace a source belongs to. */
export async function workspaceOf(db: Kysely<any>, sourceId: string): Promise<string> {
  const row = await db
    .selectFrom('sources')
    .select('workspace_id')
    .where('id', '=', sourceId)
    .executeTakeFirstOrThrow()
  return row.workspace_id
}

export interface Answer<T = any> {
  status: number
  body: T
  headers: Headers
}

/** A caller of the API: anonymous, a logged-in person (cookie + CSRF) or an API token. */
export class Client {
  private cookie: string | undefined
  csrfToken: string | undefined

  constructor(
    readonly url: string,
    private readonly token?: string,
  ) {}

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer<T>> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrfToken && method !== 'GET' ? { 'x-csrf-token': this.csrfToken } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })
    const text = await response.text()
    const setCookie = response.headers.get('set-cookie')
    if (setCookie?.startsWith('rapport_session=')) this.cookie = setCookie.split(';')[0]
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers }
  }

  get = <T = any>(path: string) => this.request<T>('GET', path)
  post = <T = any>(path: string, body?: unknown) => this.request<T>('POST', path, body ?? {})
  patch = <T = any>(path: string, body: unknown) => this.request<T>('PATCH', path, body)
  delete = <T = any>(path: string) => this.request<T>('DELETE', path)
  /** A CSV file uploaded to an import source, with its mapping options; answers with its run. */
  uploadCsv = (sourceId: string, csv: string, options: object) =>
    this.request(
      'POST',
      `/api/v1/sources/${sourceId}/uploads?options=${encodeURIComponent(JSON.stringify(options))}`,
      csv,
      { 'content-type': 'text/csv' },
    )

  static async login(url: string, email: string, password: string): Promise<Client> {
    const client = new Client(url)
    const answer = await client.post('/api/v1/auth/login', { email, password })
    if (answer.status !== 200)
      throw new Error(`login as ${email} failed: ${answer.status} ${JSON.stringify(answer.body)}`)
    client.csrfToken = answer.body.csrfToken
    return client
  }
}

/** Creates a member with a role through the API and logs in as them. */
export async function memberWithRole(
  owner: Client,
  role: string,
  email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.com`,
) {
  const password = `${role} password 123`
  const created = await owner.post('/api/v1/users', { email, name: `${role} person`, role, password })
  if (created.status !== 201) throw new Error(`creating ${role} failed: ${JSON.stringify(created.body)}`)
  return {
    id: created.body.id as string,
    email,
    password,
    client: await Client.login(owner.url, email, password),
  }
}

/** One server per test file, started before its tests and stopped after, with the owner logged in. */
export function useTestServer(
  env: Record<string, string> = {},
  plugins: Plugin[] = [],
): { server: TestServer; owner: Client } {
  const context = {} as { server: TestServer; owner: Client }
  beforeAll(async () => {
    context.server = await startTestServer(env, plugins)
    context.owner = await Client.login(context.server.url, ownerEmail, ownerPassword)
  })
  afterAll(() => context.server?.close())
  return context
}

/** Creates an http source and returns its id and write key. */
export async function httpSource(owner: Client, name = 'Website'): Promise<{ id: string; writeKey: string }> {
  const created = await owner.post('/api/v1/sources', { pluginId: 'http', name })
  if (created.status !== 201)
    throw new Error(`creating the http source failed: ${JSON.stringify(created.body)}`)
  return { id: created.body.id, writeKey: created.body.writeKey }
}

/** Sends Segment calls as plain HTTP with the write key, like any Segment library would. */
export async function track(url: string, writeKey: string, path: string, body: unknown) {
  const response = await fetch(`${url}/v1/${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : undefined }
}

/** Waits for a sync run to end and returns it. */
export async function runToEnd(client: Client, runId: string) {
  for (;;) {
    const run = (await client.get(`/api/v1/sync-runs/${runId}`)).body
    if (run.status !== 'running') return run
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** A promise that another part of a test resolves: `done` resolves `happened`. */
export function signal(): { happened: Promise<void>; done: () => void } {
  let done = () => {}
  const happened = new Promise<void>((resolve) => {
    done = resolve
  })
  return { happened, done }
}

/**
 * Resolves once a statement starting with `statement` waits for a lock (PostgreSQL says so);
 * fails after `timeoutMs` if none does.
 */
export async function lockWaitOf(db: Kysely<any>, statement: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
      where wait_event_type = 'Lock' and starts_with(query, ${statement})`.execute(db)
    if (rows[0]!.n >= 1) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error(`no statement starting with ${statement} waited for a lock within ${timeoutMs} ms`)
}

/**
 * Holds a workspace's lock in a transaction of its own, as a batch being applied does, after
 * `hold` ran in it, until `release()`; `pid` is its backend. (PostgreSQL only: on the embedded
 * database's one connection, nothing else could run meanwhile.)
 */
export async function holdWorkspace(
  db: Kysely<any>,
  workspaceId: string,
  hold: (trx: Kysely<any>) => Promise<void> = async () => {},
): Promise<{ pid: number; release: () => void; done: Promise<void> }> {
  const held = signal()
  const release = signal()
  let pid = 0
  const done = db.transaction().execute(async (trx) => {
    await lockWorkspace(trx, workspaceId)
    await hold(trx)
    pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)).rows[0]!.pid
    held.done()
    await release.happened
  })
  await held.happened
  return { pid, release: release.done, done }
}
