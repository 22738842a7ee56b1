import {
  createPluginContext,
  type HttpSettings,
  memoryStateStore,
  type PluginContext,
  type PluginLogger,
} from '@rapport/plugin-sdk'

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
  return { ctx, logs, waits, state, abort: (reason) => controller.abort(reason) }
}
