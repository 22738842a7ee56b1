import {
  createPluginContext,
  createRedactor,
  type HttpClient,
  type HttpSettings,
  memoryStateStore,
  type PluginContext,
  type PluginLogger,
} from '@rapport/plugin-sdk'
import type { FixtureServer } from './fixture-server.js'

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error'
  message: string
  fields?: Record<string, unknown>
}

export interface TestContext {
  ctx: PluginContext
  /** Every line as the host's logger receives it, that is after secret redaction. */
  logs: LogEntry[]
  /** The waits the HTTP client asked for (backoff, Retry-After, rate limit); none is really waited. */
  waits: number[]
  state: ReturnType<typeof memoryStateStore>
  /** Requests ctx.http refused to send because of their origin (see TestContextOptions.server). */
  refused: string[]
  /** Aborts ctx.signal, as the host does when a run is cancelled. */
  abort(reason?: unknown): void
}

export interface TestContextOptions {
  /** The source's secret values, redacted from logs and errors as the host does. */
  secrets?: Iterable<string | undefined>
  clock?: PluginContext['clock']
  /** The plugin's `http` settings. */
  http?: HttpSettings
  /** State left by an earlier run. */
  state?: Record<string, unknown>
  /**
   * The fixture server the plugin must talk to: ctx.http refuses a request for any other origin and
   * records it in the server's `refused`, which fails its assertAllMatched. Without one, only
   * loopback addresses may be called. Either way no test reaches the real vendor.
   */
  server?: Pick<FixtureServer, 'baseUrl' | 'refused'>
}

/**
 * A PluginContext as the host builds it, with memory state and captured logs. Sleeps return at
 * once, so a Retry-After of a minute in a fixture costs the test nothing; `waits` shows it was honoured.
 */
export function createTestContext(options: TestContextOptions = {}): TestContext {
  const logs: LogEntry[] = []
  const waits: number[] = []
  const capture = (level: LogEntry['level']) => (message: string, fields?: Record<string, unknown>) => {
    logs.push({ level, message, ...(fields ? { fields } : {}) })
  }
  const logger: PluginLogger = {
    debug: capture('debug'),
    info: capture('info'),
    warn: capture('warn'),
    error: capture('error'),
  }
  const state = memoryStateStore(options.state)
  const controller = new AbortController()
  const ctx = createPluginContext({
    logger,
    state,
    secrets: options.secrets ?? [],
    signal: controller.signal,
    ...(options.clock ? { clock: options.clock } : {}),
    http: {
      ...options.http,
      sleep: async (ms, signal) => {
        signal?.throwIfAborted()
        waits.push(ms)
      },
    },
  })
  const refused: string[] = []
  const guarded = offlineOnly(ctx.http, options, (request) => {
    refused.push(request)
    options.server?.refused.push(request)
  })
  return {
    ctx: { ...ctx, http: guarded },
    logs,
    waits,
    state,
    refused,
    abort: (reason) => controller.abort(reason),
  }
}

const loopback = new Set(['127.0.0.1', 'localhost', '[::1]'])

/**
 * ctx.http that sends only to the fixture server (or, without one, to loopback): a base URL left at
 * the vendor's default or a host written into the plugin would otherwise reach the real network.
 */
function offlineOnly(
  http: HttpClient,
  options: TestContextOptions,
  onRefused: (request: string) => void,
): HttpClient {
  const redact = createRedactor(options.secrets ?? [])
  const allowed = options.server && new URL(options.server.baseUrl).origin
  return {
    async request(request) {
      const url = URL.canParse(request.url) ? new URL(request.url) : undefined
      if (url && (allowed ? url.origin !== allowed : !loopback.has(url.hostname))) {
        const described = redact(`${request.method ?? 'GET'} ${url.origin}${url.pathname}`)
        onRefused(described)
        const where = allowed ? `the fixture server (${allowed})` : 'a loopback address'
        throw new Error(
          `the testkit refused ${described}: a test may only call ${where}; point the config's base URL at the fixture server`,
        )
      }
      return http.request(request)
    },
  }
}
