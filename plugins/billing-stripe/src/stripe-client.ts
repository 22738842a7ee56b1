import {
  AuthenticationError,
  ConfigurationError,
  type HttpResponse,
  type PluginContext,
  PluginError,
  RateLimitedError,
  TransientError,
} from '@rapport/plugin-sdk'
import Stripe from 'stripe'
import type { StripeConfig } from './config.js'

/** Secret keys (sk_) and restricted keys (rk_) can read; publishable keys (pk_) cannot. */
const readKey = /^(sk|rk)_(live|test)_[A-Za-z0-9]+$/

/**
 * The official client, with ctx.http as its transport: the host's rate limit, timeouts, Retry-After
 * handling, cancellation (ctx.signal) and secret redaction apply to every Stripe call.
 *
 * stripe-node's own retries are off (maxNetworkRetries 0). In stripe-node 23.1.0 they would not
 * honour Retry-After (the backoff ignores it) and would retry a 429 only when Stripe adds
 * `Stripe-Should-Retry: true`; ctx.http retries 429, 5xx and network failures and waits out
 * Retry-After. Two retry layers would also multiply the attempts.
 */
export function createStripe(ctx: PluginContext, config: StripeConfig): Stripe {
  if (!readKey.test(config.apiKey)) {
    throw new ConfigurationError(
      'A Stripe key that can read starts with sk_live_, sk_test_, rk_live_ or rk_test_ (a publishable pk_ key cannot): copy it from Developers > API keys in the Stripe Dashboard',
    )
  }
  const base = new URL(config.baseUrl)
  const protocol = base.protocol === 'http:' ? 'http' : 'https'
  return new Stripe(config.apiKey, {
    host: base.hostname,
    port: base.port || (protocol === 'http' ? 80 : 443),
    protocol,
    httpClient: new ContextHttpClient(ctx),
    maxNetworkRetries: 0,
    telemetry: false,
    appInfo: { name: 'Rapport' },
  })
}

/** Whether the key reads test-mode data. */
export const isTestKey = (apiKey: string) => /^(sk|rk)_test_/.test(apiKey)

class ContextHttpClient extends Stripe.HttpClient {
  constructor(private readonly ctx: PluginContext) {
    super()
  }

  override getClientName(): string {
    return 'rapport-ctx-http'
  }

  // The timeout stripe-node passes is not used: ctx.http applies the plugin's own (manifest `http`).
  override async makeRequest(
    host: string,
    port: string,
    path: string,
    method: string,
    headers: Record<string, string | number | string[]>,
    requestData: string,
    protocol: string,
  ): Promise<ContextHttpResponse> {
    const response = await this.ctx.http.request<unknown>({
      method: method as 'GET' | 'POST' | 'DELETE',
      url: `${protocol}://${host}:${port}${path}`,
      headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, String(value)])),
      ...(requestData ? { body: requestData } : {}),
    })
    return new ContextHttpResponse(response)
  }
}

class ContextHttpResponse extends Stripe.HttpClientResponse {
  constructor(private readonly response: HttpResponse<unknown>) {
    super(response.status, response.headers)
  }

  /** What stripe-node exposes as `lastResponse` on the objects it returns. */
  override getRawResponse(): { headers: Record<string, string> } {
    return { headers: this.response.headers }
  }

  override toStream(): never {
    throw new Error('the Stripe plugin reads no streamed answers')
  }

  /**
   * ctx.http has parsed a JSON answer already, and hands over a body that is not valid JSON as text;
   * stripe-node parses the text again, so malformed JSON becomes its "Invalid JSON" error.
   */
  override toJSON(): Promise<unknown> {
    const { body } = this.response
    const text = typeof body === 'string' ? body : JSON.stringify(body)
    return Promise.resolve().then(() => this._parseResponseBody(text))
  }
}

/**
 * Stripe refused a request as invalid (400/404): a bug of this plugin, or a list cursor
 * (`starting_after`, `ending_before`) naming an object Stripe no longer has.
 */
export class StripeRequestError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly param: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'StripeRequestError'
  }
}

/** Runs one Stripe call, turning what stripe-node throws into the SDK's typed errors. */
export async function callStripe<T>(ctx: PluginContext, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    if (ctx.signal.aborted) throw ctx.signal.reason
    throw toPluginError(error, what)
  }
}

/** stripe-node's error classes, in the terms the host acts on. `what` names the call, e.g. GET /v1/customers. */
export function toPluginError(error: unknown, what: string): unknown {
  if (!(error instanceof Stripe.errors.StripeError)) return error
  const { errors } = Stripe
  if (error instanceof errors.StripeConnectionError) {
    // Whatever the HTTP client throws reaches us as a connection error with the original as `detail`:
    // that is how ctx.http's AuthenticationError (401/403), RateLimitedError (429 that lasts) and
    // TransientError (5xx, network, timeout) come through.
    if (error.detail instanceof PluginError) return error.detail
    return new TransientError(`Stripe could not be reached for ${what}: ${error.message}`, { cause: error })
  }
  // 401/403 and 429 are answered by ctx.http before stripe-node sees them, except Stripe's
  // `400 rate_limit`; the mapping is complete all the same, so that it does not depend on that.
  if (error instanceof errors.StripeAuthenticationError || error instanceof errors.StripePermissionError) {
    return new AuthenticationError(`Stripe refused the API key for ${what}: ${error.message}`, {
      cause: error,
    })
  }
  if (error instanceof errors.StripeRateLimitError) {
    const seconds = Number(error.headers?.['retry-after'])
    return new RateLimitedError(`Stripe rate-limited ${what}: ${error.message}`, (seconds || 1) * 1000, {
      cause: error,
    })
  }
  if (error instanceof errors.StripeInvalidRequestError) {
    return new StripeRequestError(`Stripe refused ${what}: ${error.message}`, error.code, error.param, {
      cause: error,
    })
  }
  if (error instanceof errors.StripeAPIError && error.statusCode === undefined) {
    // stripe-node raises this, without a status, for an answer it cannot parse.
    return new Error(
      `Stripe answered ${what} with something that is not valid JSON; nothing of it was used`,
      {
        cause: error,
      },
    )
  }
  return new Error(`Stripe refused ${what} (${error.statusCode ?? 'no status'}): ${error.message}`, {
    cause: error,
  })
}

/** Stripe's time when it answered (the Date header), for rules measured on Stripe's clock. */
export function stripeTime(answer: unknown, fallback: Date): Date {
  const date = (answer as { lastResponse?: { headers?: Record<string, string> } }).lastResponse?.headers?.date
  const time = date ? Date.parse(date) : Number.NaN
  return Number.isNaN(time) ? fallback : new Date(time)
}
