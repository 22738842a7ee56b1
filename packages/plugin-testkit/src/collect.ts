import {
  describeIssues,
  type EnvelopeInput,
  type PluginDefinition,
  secretValues,
  type UploadFailure,
  type WebhookRequest,
} from '@rapport/plugin-sdk'
import type { z } from 'zod'
import { createTestContext, type TestContext, type TestContextOptions } from './test-context.js'

/** The config as the host hands it to the plugin: parsed by the plugin's schema, defaults filled in. */
export function parseConfig<Schema extends z.ZodObject>(
  plugin: PluginDefinition<Schema>,
  input: z.input<Schema>,
): z.infer<Schema> {
  const result = plugin.config.safeParse(input)
  if (result.success) return result.data
  throw new Error(`the config does not pass ${plugin.id}'s config schema: ${describeIssues(result.error)}`)
}

/**
 * A context for a plugin with the given config: its secrets redacted, its http settings applied,
 * its requests kept to `server` (or, without one, to loopback addresses), on `clock` if given.
 */
export function contextFor(
  plugin: PluginDefinition<z.ZodObject>,
  config: Record<string, unknown>,
  options: Pick<TestContextOptions, 'server' | 'clock'> = {},
): TestContext {
  return createTestContext({
    secrets: secretValues(plugin.config, config),
    http: plugin.http ?? {},
    ...options,
  })
}

export interface StreamRun {
  envelopes: EnvelopeInput[]
  /** Each batch's checkpoint as the host stores it: through JSON, then the stream's schema. */
  checkpoints: unknown[]
  /** Where the next run starts: the last checkpoint, or the one given when no batch came. */
  checkpoint: unknown
  context: TestContext
}

/**
 * Reads a stream to its end as the host does, from `checkpoint` (undefined: the first run). A
 * checkpoint the stream's own schema rejects, or that does not survive JSON, fails the run.
 */
export async function collectStream<Schema extends z.ZodObject>(
  plugin: PluginDefinition<Schema>,
  stream: string,
  config: z.input<Schema>,
  checkpoint?: unknown,
  options: { context?: TestContext; maxBatches?: number } = {},
): Promise<StreamRun> {
  const definition = plugin.streams?.[stream]
  if (!definition) throw new Error(`${plugin.id} has no stream "${stream}"`)
  const parsedConfig = parseConfig(plugin, config)
  const context = options.context ?? contextFor(plugin, parsedConfig)
  const maxBatches = options.maxBatches ?? 1000
  const run: StreamRun = { envelopes: [], checkpoints: [], checkpoint, context }
  const start =
    checkpoint === undefined ? undefined : storeCheckpoint(definition.checkpoint, checkpoint, stream)
  for await (const batch of definition.read(context.ctx, { config: parsedConfig, checkpoint: start })) {
    run.envelopes.push(...batch.envelopes)
    run.checkpoint = storeCheckpoint(definition.checkpoint, batch.checkpoint, stream)
    run.checkpoints.push(run.checkpoint)
    if (run.checkpoints.length > maxBatches) {
      throw new Error(`stream ${stream} yielded more than ${maxBatches} batches: does it page forever?`)
    }
  }
  return run
}

function storeCheckpoint(schema: z.ZodType, checkpoint: unknown, stream: string): unknown {
  const stored: unknown = JSON.parse(JSON.stringify(checkpoint) ?? 'null')
  const result = schema.safeParse(stored)
  if (result.success) return result.data
  throw new Error(
    `stream ${stream} yielded a checkpoint its schema rejects once stored as JSON: ${JSON.stringify(checkpoint)} (${describeIssues(result.error)})`,
  )
}

export interface UploadRun {
  envelopes: EnvelopeInput[]
  failures: UploadFailure[]
  /** Each progress value reported, in order. */
  progress: number[]
  context: TestContext
}

/** Parses an upload to its end, with the options validated by the plugin's schema first. */
export async function collectUpload<Schema extends z.ZodObject>(
  plugin: PluginDefinition<Schema>,
  config: z.input<Schema>,
  content: string | Buffer,
  options: unknown = {},
  context?: TestContext,
): Promise<UploadRun> {
  if (!plugin.upload) throw new Error(`${plugin.id} takes no uploads`)
  const parsedConfig = parseConfig(plugin, config)
  const run: UploadRun = {
    envelopes: [],
    failures: [],
    progress: [],
    context: context ?? contextFor(plugin, parsedConfig),
  }
  const input = {
    config: parsedConfig,
    options: plugin.upload.options.parse(options),
    content: Buffer.from(content),
  }
  for await (const chunk of plugin.upload.parse(run.context.ctx, input)) {
    run.envelopes.push(...chunk.envelopes)
    run.failures.push(...(chunk.failures ?? []))
    run.progress.push(chunk.progress)
  }
  return run
}

/** A webhook request as the host hands it to verify and parse: lower-case headers, the raw body. */
export function webhookRequest(
  body: string | Buffer | Record<string, unknown> | unknown[],
  headers: Record<string, string> = {},
  receivedAt = new Date(),
): WebhookRequest {
  const rawBody =
    typeof body === 'string' || Buffer.isBuffer(body) ? Buffer.from(body) : Buffer.from(JSON.stringify(body))
  const lowerCase = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  )
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...lowerCase },
    rawBody,
    query: {},
    receivedAt,
  }
}
