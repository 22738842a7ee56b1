import { afterEach, describe, expect, test } from 'vitest'
import {
  AuthenticationError,
  createHttpClient,
  type HttpClientOptions,
  type PluginLogger,
  RateLimitedError,
  TransientError,
} from '../src/index.js'
import { inTurn, recordingSleep, startServer } from './local-server.js'

const servers: { close(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function serve(handler: Parameters<typeof startServer>[0]) {
  const server = await startServer(handler)
  servers.push(server)
  return server
}

/** A client that does not really wait between attempts, and the waits it asked for. */
function client(options: HttpClientOptions = {}) {
  const { waits, sleep } = recordingSleep()
  return { http: createHttpClient({ sleep, ...options }), waits }
}

function capturingLogger() {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = []
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    lines.push({ level, message, fields })
  const logger: PluginLogger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
  return { logger, lines }
}

describe('createHttpClient: JSON in and out', () => {
  test('sends a JSON body and query, and parses a JSON answer', async () => {
    const server = await serve(inTurn({ status: 201, body: { id: 7 } }))
    const { http } = client()
    const response = await http.request<{ id: number }>({
      method: 'POST',
      url: `${server.url}/v1/things?fixed=1`,
      query: { page: 2, open: true, skipped: undefined },
      body: { name: 'Ada' },
    })
    expect(response).toMatchObject({ status: 201, body: { id: 7 } })
    expect(response.headers['content-type']).toBe('application/json')
    const [received] = server.received
    expect(received!.method).toBe('POST')
    expect(Object.fromEntries(received!.url.searchParams)).toEqual({ fixed: '1', page: '2', open: 'true' })
    expect(received!.headers['content-type']).toBe('application/json')
    expect(received!.headers.accept).toBe('application/json')
    expect(JSON.parse(received!.body.toString())).toEqual({ name: 'Ada' })
  })

  test('sends a string or Buffer body as it is and gives text answers back as text', async () => {
    const server = await serve(inTurn({ status: 200, body: 'plain words' }))
    const { http } = client()
    const response = await http.request({
      method: 'PUT',
      url: server.url,
      headers: { 'Content-Type': 'text/csv' },
      body: Buffer.from('a,b\n1,2\n'),
    })
    expect(response.body).toBe('plain words')
    expect(server.received[0]!.headers['content-type']).toBe('text/csv')
    expect(server.received[0]!.body.toString()).toBe('a,b\n1,2\n')
  })

  test('returns other 4xx answers to the caller without retrying', async () => {
    const server = await serve(inTurn({ status: 404, body: { error: 'no such thing' } }))
    const { http } = client()
    const response = await http.request({ url: `${server.url}/missing` })
    expect(response).toMatchObject({ status: 404, body: { error: 'no such thing' } })
    expect(server.received).toHaveLength(1)
  })
})

describe('createHttpClient: retries', () => {
  test('retries 5xx with growing backoff until an answer comes', async () => {
    const server = await serve(inTurn({ status: 500 }, { status: 503 }, { status: 200, body: { ok: true } }))
    const { http, waits } = client({ baseDelayMs: 100 })
    const response = await http.request({ url: server.url })
    expect(response.body).toEqual({ ok: true })
    expect(server.received).toHaveLength(3)
    // Equal jitter: each wait is between half and all of 100 ms, then 200 ms.
    expect(waits[0]).toBeGreaterThanOrEqual(50)
    expect(waits[0]).toBeLessThanOrEqual(100)
    expect(waits[1]).toBeGreaterThanOrEqual(100)
    expect(waits[1]).toBeLessThanOrEqual(200)
  })

  test('gives up with a TransientError after maxAttempts', async () => {
    const server = await serve(inTurn({ status: 502, body: 'bad gateway' }))
    const { http } = client({ maxAttempts: 3 })
    const error = await http.request({ url: server.url }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TransientError)
    expect((error as Error).message).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/ failed after 3 attempts: 502/)
    expect(server.received).toHaveLength(3)
  })

  test('waits as long as Retry-After says, in seconds', async () => {
    const server = await serve(inTurn({ status: 429, headers: { 'retry-after': '2' } }, { status: 200 }))
    const { http, waits } = client()
    await http.request({ url: server.url })
    expect(waits).toEqual([2000])
    expect(server.received).toHaveLength(2)
  })

  test('waits as long as Retry-After says, as an HTTP date', async () => {
    const now = new Date('2026-03-01T10:00:00Z')
    const later = new Date(now.getTime() + 3000).toUTCString()
    const server = await serve(inTurn({ status: 503, headers: { 'retry-after': later } }, { status: 200 }))
    const { http, waits } = client({ clock: { now: () => now } })
    await http.request({ url: server.url })
    expect(waits).toEqual([3000])
  })

  test('a Retry-After beyond the cap throws RateLimitedError at once instead of sleeping', async () => {
    const server = await serve(inTurn({ status: 429, headers: { 'retry-after': '3600' } }))
    const { http, waits } = client({ maxRetryAfterMs: 60_000 })
    const error = await http.request({ url: server.url }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RateLimitedError)
    expect((error as RateLimitedError).retryAfterMs).toBe(3_600_000)
    expect(waits).toEqual([])
    expect(server.received).toHaveLength(1)
  })

  test('a 429 that lasts becomes RateLimitedError with the last Retry-After', async () => {
    const server = await serve(inTurn({ status: 429, headers: { 'retry-after': '1' } }))
    const { http } = client({ maxAttempts: 2 })
    const error = await http.request({ url: server.url }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RateLimitedError)
    expect(error).toMatchObject({ retryAfterMs: 1000, retryable: true, kind: 'rate-limited' })
    expect(server.received).toHaveLength(2)
  })

  test.each([401, 403])('%i throws AuthenticationError without retrying', async (status) => {
    const server = await serve(inTurn({ status, body: { error: 'invalid key' } }))
    const { http } = client()
    const error = await http.request({ url: server.url }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthenticationError)
    expect((error as Error).message).toContain('invalid key')
    expect(server.received).toHaveLength(1)
  })

  test('retry: false sends a failing call once, but still retries a 429', async () => {
    const failing = await serve(inTurn({ status: 500 }))
    const { http } = client()
    await expect(http.request({ method: 'POST', url: failing.url, retry: false })).rejects.toThrow(
      TransientError,
    )
    expect(failing.received).toHaveLength(1)

    const limited = await serve(inTurn({ status: 429 }, { status: 202 }))
    const response = await http.request({ method: 'POST', url: limited.url, retry: false })
    expect(response.status).toBe(202)
    expect(limited.received).toHaveLength(2)
  })

  test('a vendor that does not answer in time is retried, then a TransientError', async () => {
    const server = await serve(() => {}) // never answers
    const { http } = client({ timeoutMs: 50, maxAttempts: 2 })
    const error = await http.request({ url: server.url }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TransientError)
    // The count comes from the message: a timed-out request may reach the server after the test ends.
    expect((error as Error).message).toContain('failed after 2 attempts: timed out after 50 ms')
  })

  test('a refused connection is retried, then a TransientError naming the cause', async () => {
    const server = await startServer(() => {})
    await server.close() // nothing listens on that port any more
    const { http } = client({ maxAttempts: 2 })
    const error = await http.request({ url: server.url }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TransientError)
    expect((error as Error).message).toContain('ECONNREFUSED')
  })

  test('the outer signal cancels at once, without retrying', async () => {
    const controller = new AbortController()
    // Cancel once the vendor has the request (not after a fixed delay, which a busy machine outlasts).
    const server = await serve(() => controller.abort(new Error('run cancelled')))
    const { http } = client({ signal: controller.signal })
    const pending = http.request({ url: server.url })
    await expect(pending).rejects.toThrow('run cancelled')
    expect(server.received).toHaveLength(1)
  })
})

describe('createHttpClient: rate limit', () => {
  /** A clock that only moves when the client sleeps, so the waits are exact. */
  function steppedTime() {
    let time = Date.parse('2026-03-01T10:00:00Z')
    const waits: number[] = []
    return {
      waits,
      clock: { now: () => new Date(time) },
      sleep: async (ms: number) => {
        waits.push(ms)
        time += ms
      },
    }
  }

  test('spaces requests out to the requests per second after the burst', async () => {
    const server = await serve(inTurn({ status: 200 }))
    const { waits, clock, sleep } = steppedTime()
    const http = createHttpClient({ requestsPerSecond: 10, burst: 2, clock, sleep })
    for (let i = 0; i < 4; i++) await http.request({ url: server.url })
    expect(waits).toEqual([100, 100])
    expect(server.received).toHaveLength(4)
  })

  test('concurrent requests queue up behind each other', async () => {
    const server = await serve(inTurn({ status: 200 }))
    const { waits, sleep } = recordingSleep()
    const now = new Date('2026-03-01T10:00:00Z')
    const http = createHttpClient({ requestsPerSecond: 5, burst: 1, clock: { now: () => now }, sleep })
    // No time passes between the three calls, so each reserves the slot after the one before.
    await Promise.all([1, 2, 3].map(() => http.request({ url: server.url })))
    expect(waits).toEqual([200, 400])
  })
})

describe('createHttpClient: secrets', () => {
  const secret = 'sk_live+abc/123='

  test('never writes a secret in an error message or a log line', async () => {
    const server = await serve(inTurn({ status: 401, body: { error: `key ${secret} is revoked` } }))
    const { logger, lines } = capturingLogger()
    const { http } = client({ secrets: [secret], logger })
    const error = await http
      .request({ url: `${server.url}/v1/me`, query: { api_key: secret } })
      .catch((e) => e)
    expect(error).toBeInstanceOf(AuthenticationError)
    // The secret went out, URL-encoded, as the vendor wants it...
    expect(server.received[0]!.url.searchParams.get('api_key')).toBe(secret)
    // ...but is in neither the error nor the log.
    expect(error.message).toContain('api_key=[redacted]')
    expect(error.message).toContain('key [redacted] is revoked')
    const written = JSON.stringify(lines) + error.message
    expect(written).not.toContain(secret)
    expect(written).not.toContain(encodeURIComponent(secret))
  })

  test('logs each attempt at debug with method, URL, status and duration', async () => {
    const server = await serve(inTurn({ status: 503 }, { status: 200 }))
    const { logger, lines } = capturingLogger()
    const { http } = client({ logger })
    await http.request({ method: 'DELETE', url: `${server.url}/v1/things/1` })
    expect(lines).toHaveLength(2)
    expect(lines.every((line) => line.level === 'debug' && line.message === 'http request')).toBe(true)
    expect(lines[0]!.fields).toMatchObject({
      method: 'DELETE',
      url: `${server.url}/v1/things/1`,
      status: 503,
      attempt: 1,
    })
    expect(lines[1]!.fields).toMatchObject({ status: 200, attempt: 2 })
    expect(lines[1]!.fields!.durationMs).toEqual(expect.any(Number))
  })
})
