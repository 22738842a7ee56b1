import type { z } from 'zod'
import type { Channel, EnvelopeInput } from './envelopes.js'

export const pluginCategories = ['crm', 'erp', 'billing', 'support', 'channel', 'survey', 'source'] as const
export type PluginCategory = (typeof pluginCategories)[number]

/** The major version of this SDK; a plugin's `sdk` range must accept it. */
export const sdkVersion = '1.0.0'

/** The plugin's only door to the world. The host builds it; plugins never reach around it. */
export interface PluginContext {
  /** HTTP with timeouts, retries (backoff, Retry-After), rate limiting and secret redaction. */
  http: HttpClient
  logger: PluginLogger
  clock: { now(): Date }
  /** Small key-value state kept per source between runs. */
  state: StateStore
  /** Aborted when the run is cancelled or times out: pass it on to anything long. */
  signal: AbortSignal
}

export interface PluginLogger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

export interface StateStore {
  get<T = unknown>(key: string): Promise<T | undefined>
  set(key: string, value: unknown): Promise<void>
  delete(key: string): Promise<void>
}

export interface HttpRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  url: string
  query?: Record<string, string | number | boolean | undefined>
  headers?: Record<string, string>
  /** Sent as JSON unless a string or Buffer. */
  body?: unknown
  /** Per-request timeout; the client's default otherwise. */
  timeoutMs?: number
  /**
   * false for a call that must not be repeated (a POST without an idempotency key): then only a 429,
   * which the vendor did not process, is retried. Default true.
   */
  retry?: boolean
}

/** How the host's HTTP client treats one plugin's vendor; every field has a default. */
export interface HttpSettings {
  /** Per-request timeout, default 30 s. */
  timeoutMs?: number
  /** Attempts per request, including the first, default 4. */
  maxAttempts?: number
  /** First backoff delay, doubled on each retry (with jitter), default 500 ms. */
  baseDelayMs?: number
  /** The longest backoff delay, default 30 s. */
  maxDelayMs?: number
  /** A Retry-After longer than this is not waited for: RateLimitedError at once, default 60 s. */
  maxRetryAfterMs?: number
  /** Client-side rate limit (token bucket); unlimited when unset. */
  requestsPerSecond?: number
  /** Requests that may go at once before the rate limit applies, default one second's worth. */
  burst?: number
}

export interface HttpResponse<T = unknown> {
  status: number
  headers: Record<string, string>
  /** Parsed JSON when the response is JSON, else the text. */
  body: T
}

export interface HttpClient {
  /** Throws typed errors: AuthenticationError (401/403), RateLimitedError (429 after retries), TransientError (5xx, network, timeout after retries). Other 4xx come back as responses. */
  request<T = unknown>(request: HttpRequest): Promise<HttpResponse<T>>
}

export interface StreamBatch<Checkpoint> {
  envelopes: EnvelopeInput[]
  /** Where to resume after these envelopes; committed only together with them. */
  checkpoint: Checkpoint
}

export interface StreamDefinition<Config, Checkpoint> {
  description?: string
  checkpoint: z.ZodType<Checkpoint>
  /** Yields batches from the checkpoint on (undefined: the first run). */
  read(
    ctx: PluginContext,
    input: { config: Config; checkpoint: Checkpoint | undefined },
  ): AsyncIterable<StreamBatch<Checkpoint>>
}

export interface WebhookRequest {
  method: string
  /** Lower-case header names. */
  headers: Record<string, string>
  /** The body exactly as received, for signature checks. */
  rawBody: Buffer
  query: Record<string, string>
  receivedAt: Date
}

export interface WebhookDefinition<Config> {
  /** Throws WebhookVerificationError when the request is not authentic, tampered or stale. */
  verify(request: WebhookRequest, config: Config): void | Promise<void>
  parse(request: WebhookRequest, config: Config): EnvelopeInput[] | Promise<EnvelopeInput[]>
}

export interface UploadDefinition<Config, Options> {
  /** Media types accepted, e.g. text/csv. */
  accept: string[]
  /** Per-upload options (e.g. a column mapping), validated before parse. */
  options: z.ZodType<Options>
  /** Yields envelopes as it reads, with how far it got (0..1) for the progress bar. */
  parse(
    ctx: PluginContext,
    input: { config: Config; options: Options; content: Buffer },
  ): AsyncIterable<{ envelopes: EnvelopeInput[]; progress: number; failures?: UploadFailure[] }>
}

export interface UploadFailure {
  /** 1-based row or line number in the upload. */
  row: number
  reason: string
  raw?: Record<string, string>
}

export interface OutboundMessage {
  to: string
  channel: Channel
  subject?: string
  text: string
  html?: string
  /** Threading: the id of the message this answers. */
  inReplyTo?: string
}

export interface ChannelDefinition<Config> {
  send(ctx: PluginContext, config: Config, message: OutboundMessage): Promise<{ externalId?: string }>
}

/**
 * A receiver that runs as long as its source is enabled: an SMTP server, a socket the vendor pushes
 * to. The host starts it when the server starts or the source is enabled, and stops it when the
 * source is disabled, changed or deleted, or the server stops.
 */
export interface ListenerDefinition<Config> {
  start(ctx: PluginContext, input: { config: Config; ingest: Ingest }): Promise<RunningListener>
}

/**
 * Hands envelopes to the host's inbox; resolves once they are durable (acknowledge the sender only
 * then) and rejects when they could not be stored, so the sender can be told to try again.
 */
export type Ingest = (envelopes: EnvelopeInput[]) => Promise<void>

export interface RunningListener {
  /** Where it listens, shown to the user (e.g. smtp://0.0.0.0:2525). */
  address?: string
  /** Stops accepting, lets what is in flight finish, and releases the port. */
  stop(): Promise<void>
}

export interface CheckResult {
  /** Shown to the user after a successful test connection, e.g. "Connected to portal 1234". */
  message?: string
}

export interface PluginDefinition<Schema extends z.ZodObject = z.ZodObject> {
  /** kebab-case, `<category>-<vendor>`, e.g. billing-stripe. */
  id: string
  name: string
  version: string
  /** Range of SDK versions this plugin works with, e.g. ^1. */
  sdk: string
  categories: PluginCategory[]
  description?: string
  /** Drives the admin form; mark secrets with secret(). */
  config: Schema
  /** The vendor's limits (requests per second, timeouts) for ctx.http. */
  http?: HttpSettings
  /** Test connection: resolves when the credentials work, throws a typed error when not. */
  check?(ctx: PluginContext, config: z.infer<Schema>): Promise<CheckResult | undefined>
  streams?: Record<string, StreamDefinition<z.infer<Schema>, any>>
  webhook?: WebhookDefinition<z.infer<Schema>>
  upload?: UploadDefinition<z.infer<Schema>, any>
  channel?: ChannelDefinition<z.infer<Schema>>
  listener?: ListenerDefinition<z.infer<Schema>>
}

export type Plugin<Schema extends z.ZodObject = z.ZodObject> = Readonly<PluginDefinition<Schema>>
