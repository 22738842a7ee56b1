import { readFileSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describeIssues } from '@rapport/plugin-sdk'
import { z } from 'zod'

/**
 * One recorded exchange with the vendor: the request it answers (method, path, and the query
 * parameters and headers that must be there) and the answer. Written as JSON files next to the
 * plugin's tests, following the vendor's documented API.
 */
export const fixtureSchema = z.object({
  /** For people reading the file; JSON has no comments. */
  note: z.string().optional(),
  method: z
    .string()
    .default('GET')
    .transform((method) => method.toUpperCase()),
  /** The exact path, without the query. */
  path: z.string().startsWith('/', 'must start with /'),
  /** Parameters the request must carry (others may come too); null: must be absent. */
  query: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  /** Headers the request must carry, e.g. the authorization of a bad key (names in any case). */
  requestHeaders: z.record(z.string(), z.string()).optional(),
  /**
   * What a JSON request body must contain, for APIs that put the question in the body (JSON-RPC,
   * search endpoints): objects match when every key given matches (others may come too), arrays and
   * values must be equal.
   */
  requestBody: z.unknown().optional(),
  status: z.number().int().min(100).max(599).default(200),
  headers: z.record(z.string(), z.string()).optional(),
  /** JSON, or a string sent as it is. `{{baseUrl}}` anywhere in it becomes the server's URL. */
  body: z.unknown().optional(),
})
export type Fixture = z.input<typeof fixtureSchema>
type ParsedFixture = z.output<typeof fixtureSchema>

export interface RecordedRequest {
  method: string
  path: string
  query: Record<string, string>
  headers: IncomingHttpHeaders
  body: string
  /** Position of the fixture that answered it; undefined when none matched. */
  fixture?: number
}

export interface FixtureServer {
  /** `http://127.0.0.1:<port>`: what the plugin's config points at instead of the vendor. */
  baseUrl: string
  requests: RecordedRequest[]
  /** Requests no fixture matched: each was answered 599 and is a failure of the test. */
  unmatched: RecordedRequest[]
  /**
   * Requests a test context given this server refused to send, because they were for another
   * origin (the real vendor): `METHOD origin/path`. Each is a failure of the test.
   */
  refused: string[]
  /** Throws, listing them, if any request had no fixture or went elsewhere. */
  assertAllMatched(): void
  close(): Promise<void>
}

/** Status of the answer to a request that no fixture matches: no real server sends it. */
export const unmatchedStatus = 599

/**
 * Replays fixtures over a real HTTP server on 127.0.0.1. A request gets the first fixture that
 * matches it and has not answered yet; once all that match have answered, the last of them keeps
 * answering (so a 429 followed by a 200 plays once, then the 200 stays). A request that matches
 * none gets a 599 and is recorded in `unmatched`.
 */
export async function startFixtureServer(
  fixtures: readonly Fixture[],
  options: { maxRequests?: number } = {},
): Promise<FixtureServer> {
  const parsed = fixtures.map((fixture, index) => parseFixture(fixture, `fixture ${index}`))
  const answered = parsed.map(() => 0)
  const maxRequests = options.maxRequests ?? 1000
  const requests: RecordedRequest[] = []
  const unmatched: RecordedRequest[] = []
  const refused: string[] = []
  let baseUrl = ''

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', baseUrl)
      const request: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      }
      requests.push(request)
      const candidates = parsed.flatMap((fixture, index) => (matches(fixture, request) ? [index] : []))
      const chosen = candidates.find((index) => answered[index] === 0) ?? candidates.at(-1)
      if (chosen === undefined || requests.length > maxRequests) {
        unmatched.push(request)
        const reason =
          chosen === undefined
            ? `no fixture matches ${describe(request)}`
            : `more than ${maxRequests} requests: does the plugin page forever?`
        res.writeHead(unmatchedStatus, { 'content-type': 'text/plain' }).end(reason)
        return
      }
      answered[chosen]! += 1
      request.fixture = chosen
      const fixture = parsed[chosen]!
      const isText = typeof fixture.body === 'string'
      const text =
        fixture.body === undefined ? '' : isText ? (fixture.body as string) : JSON.stringify(fixture.body)
      const headers = Object.fromEntries(
        Object.entries(fixture.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
      )
      if (text && !headers['content-type'])
        headers['content-type'] = isText ? 'text/plain' : 'application/json'
      res.writeHead(fixture.status, headers).end(text.replaceAll('{{baseUrl}}', baseUrl))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    baseUrl,
    requests,
    unmatched,
    refused,
    assertAllMatched() {
      const problems = [
        unmatched.length &&
          `${unmatched.length} request(s) without a fixture (answered ${unmatchedStatus}):\n` +
            unmatched.map((request) => `  ${describe(request)}`).join('\n'),
        refused.length &&
          `${refused.length} request(s) to another origin than the fixture server (${baseUrl}), not sent:\n` +
            refused.map((request) => `  ${request}`).join('\n'),
      ].filter((problem): problem is string => typeof problem === 'string')
      if (problems.length) throw new Error(problems.join('\n'))
    },
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

function matches(fixture: ParsedFixture, request: RecordedRequest): boolean {
  if (fixture.method !== request.method || fixture.path !== request.path) return false
  const queryMatches = Object.entries(fixture.query ?? {}).every(([key, value]) =>
    value === null ? !(key in request.query) : request.query[key] === String(value),
  )
  const headersMatch = Object.entries(fixture.requestHeaders ?? {}).every(
    ([name, value]) => request.headers[name.toLowerCase()] === value,
  )
  return queryMatches && headersMatch && bodyMatches(fixture.requestBody, request.body)
}

function bodyMatches(expected: unknown, body: string): boolean {
  if (expected === undefined) return true
  try {
    return contains(JSON.parse(body), expected)
  } catch {
    return false
  }
}

function contains(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, index) => contains(actual[index], item))
    )
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false
    return Object.entries(expected).every(([key, value]) =>
      contains((actual as Record<string, unknown>)[key], value),
    )
  }
  return Object.is(actual, expected)
}

function describe(request: RecordedRequest): string {
  const query = new URLSearchParams(request.query).toString()
  return `${request.method} ${request.path}${query ? `?${query}` : ''}`
}

function parseFixture(fixture: unknown, where: string): ParsedFixture {
  const result = fixtureSchema.safeParse(fixture)
  if (result.success) return result.data
  throw new Error(`${where} is not a fixture: ${describeIssues(result.error)}`)
}

/**
 * Reads fixture files (each a JSON array of fixtures, or one fixture) in the order given: order
 * matters, since among fixtures that match the same request the earlier answers first.
 */
export function loadFixtures(...files: (string | URL)[]): Fixture[] {
  return files.flatMap((file) => {
    const content: unknown = JSON.parse(readFileSync(file, 'utf8'))
    const list = Array.isArray(content) ? content : [content]
    return list.map((fixture, index) => {
      parseFixture(fixture, `${String(file)} [${index}]`)
      return fixture as Fixture
    })
  })
}
