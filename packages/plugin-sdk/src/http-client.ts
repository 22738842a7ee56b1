import { backoffDelay, parseRetryAfter, realSleep, type Sleep } from './backoff.js'
import { AuthenticationError, ConfigurationError, RateLimitedError, TransientError } from './errors.js'
import type {
  HttpClient,
  HttpRequest,
  HttpResponse,
  HttpSettings,
  PluginContext,
  PluginLogger,
} from './plugin.js'
import { createRateLimiter, type RateLimiter } from './rate-limiter.js'
import { createRedactor, silentLogger } from './redact.js'

export interface HttpClientOptions extends HttpSettings {
  /** Values replaced by `[redacted]` in every error message and log line the client writes. */
  secrets?: Iterable<string | undefined>
  /** Each attempt is logged at debug: method, URL, status, duration. */
  logger?: PluginLogger
  /** Cancels whatever is in flight or waiting (the run's signal). */
  signal?: AbortSignal
  /** For Retry-After dates and the rate limit. */
  clock?: PluginContext['clock']
  sleep?: Sleep
  /** A limiter shared with other clients (the host's, per source); else one of this client's own. */
  rateLimiter?: RateLimiter
}

export const systemClock: PluginContext['clock'] = { now: () => new Date() }

/** What an attempt came to when it did not give a usable response. */
type Failure = { reason: string; status?: number; retryAfterMs?: number }

/** An HttpClient on global fetch: timeouts, retries with backoff, Retry-After, rate limit, redaction. */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const timeoutMs = options.timeoutMs ?? 30_000
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4)
  const baseDelayMs = options.baseDelayMs ?? 500
  const maxDelayMs = options.maxDelayMs ?? 30_000
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000
  const { signal: outer, logger = silentLogger, clock = systemClock, sleep = realSleep } = options
  const redact = createRedactor(options.secrets ?? [])
  const bucket = options.rateLimiter ?? createRateLimiter(options, () => clock.now().getTime())

  return {
    async request<T>(request: HttpRequest): Promise<HttpResponse<T>> {
      const method = request.method ?? 'GET'
      const url = buildUrl(request, redact)
      const label = `${method} ${redact(url.toString())}`
      const init = requestInit(request, method)
      for (let attempt = 1; ; attempt++) {
        outer?.throwIfAborted()
        const wait = bucket?.take() ?? 0
        if (wait > 0) await sleep(wait, outer)

        const started = performance.now()
        const outcome = await send(url, init, request.timeoutMs ?? timeoutMs)
        logger.debug('http request', {
          method,
          url: redact(url.toString()),
          attempt,
          durationMs: Math.round(performance.now() - started),
          ...('response' in outcome
            ? { status: outcome.response.status }
            : { status: outcome.failure.status, error: redact(outcome.failure.reason) }),
        })
        if ('response' in outcome) return outcome.response as HttpResponse<T>

        const { failure } = outcome
        const message = redact(
          `${label} failed${attempt > 1 ? ` after ${attempt} attempts` : ''}: ${failure.reason}`,
        )
        if (failure.status === 401 || failure.status === 403) throw new AuthenticationError(message)
        if (failure.retryAfterMs !== undefined && failure.retryAfterMs > maxRetryAfterMs) {
          throw new RateLimitedError(message, failure.retryAfterMs)
        }
        const delay = failure.retryAfterMs ?? backoffDelay(attempt, baseDelayMs, maxDelayMs)
        // A 429 was not processed by the vendor, so it is safe to repeat even when the call is not.
        const mayRetry = failure.status === 429 || request.retry !== false
        if (attempt >= maxAttempts || !mayRetry) {
          if (failure.status === 429) throw new RateLimitedError(message, delay)
          throw new TransientError(message)
        }
        await sleep(delay, outer)
      }
    },
  }

  /** One attempt: a usable response, or why not (retryable status, network error, timeout). */
  async function send(
    url: URL,
    init: RequestInit,
    attemptTimeoutMs: number,
  ): Promise<{ response: HttpResponse } | { failure: Failure }> {
    const timeout = AbortSignal.timeout(attemptTimeoutMs)
    const signal = outer ? AbortSignal.any([outer, timeout]) : timeout
    try {
      // The body is read under the same signal, so a vendor that stalls mid-body also times out.
      const response = await fetch(url, { ...init, signal })
      const body = await readBody(response)
      const status = response.status
      if (status === 401 || status === 403 || status === 429 || status >= 500) {
        const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), clock.now())
        const reason = `${status} ${response.statusText}${excerpt(body)}`.trim()
        return { failure: { reason, status, retryAfterMs } }
      }
      return { response: { status, headers: Object.fromEntries(response.headers), body } }
    } catch (error) {
      if (outer?.aborted) throw outer.reason
      if (timeout.aborted) return { failure: { reason: `timed out after ${attemptTimeoutMs} ms` } }
      return { failure: { reason: networkReason(error) } }
    }
  }
}

function buildUrl(request: HttpRequest, redact: (text: string) => string): URL {
  let url: URL
  try {
    url = new URL(request.url)
  } catch {
    throw new ConfigurationError(`not a valid URL: ${redact(request.url)}`)
  }
  for (const [key, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value))
  }
  return url
}

function requestInit(request: HttpRequest, method: string): RequestInit {
  const headers = new Headers(request.headers)
  if (!headers.has('accept')) headers.set('accept', 'application/json')
  const { body } = request
  if (body === undefined) return { method, headers }
  if (typeof body === 'string') return { method, headers, body }
  // A copy typed as ArrayBuffer-backed, which is what every fetch typing accepts as a body.
  if (body instanceof Uint8Array) return { method, headers, body: new Uint8Array(body) }
  if (!headers.has('content-type')) headers.set('content-type', 'application/json')
  return { method, headers, body: JSON.stringify(body) }
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text()
  if (!text || !/[/+]json\b/i.test(response.headers.get('content-type') ?? '')) return text
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** The start of what the vendor said, for the error message: often the reason it refused. */
function excerpt(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  if (!text) return ''
  return `: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`
}

/** fetch says only "fetch failed"; the cause has the useful part (ECONNREFUSED, a TLS error...). */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error))
}
