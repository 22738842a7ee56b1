import { identitySettingsSchema } from '@rapport/domain'
import { z } from 'zod'

/** Plugins, sources, sync runs and ingestion health: the shapes of /api/v1/plugins, /sources, /dead-letters. */

const isoTime = z.string().describe('ISO-8601 time in UTC')

export const pluginSchema = z.object({
  id: z.string(),
  name: z.string(),
  version: z.string(),
  categories: z.array(z.string()),
  description: z.string().nullable(),
  /** JSON Schema of the config, for forms; secrets are writeOnly with format password. */
  configSchema: z.record(z.string(), z.unknown()),
  secretFields: z.array(z.string()),
  streams: z.array(z.object({ name: z.string(), description: z.string().nullable() })),
  capabilities: z.object({
    check: z.boolean(),
    streams: z.boolean(),
    webhook: z.boolean(),
    upload: z.boolean(),
    channel: z.boolean(),
    /** Runs a receiver (an SMTP server, say) while a source of it is enabled. */
    listener: z.boolean(),
    writeKey: z.boolean(),
  }),
  /** For uploads: accepted media types and the options' JSON Schema. */
  upload: z
    .object({ accept: z.array(z.string()), optionsSchema: z.record(z.string(), z.unknown()) })
    .nullable(),
})
export type PluginView = z.infer<typeof pluginSchema>
export const pluginListSchema = z.object({ items: z.array(pluginSchema) })

export const syncRunSchema = z.object({
  id: z.uuid(),
  sourceId: z.uuid(),
  trigger: z.enum(['manual', 'schedule', 'upload']),
  status: z.enum(['running', 'succeeded', 'failed']),
  startedAt: isoTime,
  finishedAt: isoTime.nullable(),
  /** Envelopes accepted into the inbox (duplicates excluded). */
  envelopes: z.number().int(),
  batches: z.number().int(),
  /** Envelopes or rows refused (invalid), with reasons in details.failures. */
  failed: z.number().int(),
  progress: z.number().nullable(),
  error: z.string().nullable(),
  errorKind: z.string().nullable(),
  /**
   * What processing has made of the accepted envelopes so far: each created a customer, updated one,
   * merged profiles, had no usable identifier (skipped) or failed processing (dead-lettered). Once
   * they add up to `envelopes`, the run's data is on the profiles.
   */
  processed: z.object({
    created: z.number().int(),
    updated: z.number().int(),
    merged: z.number().int(),
    skipped: z.number().int(),
    deadLettered: z.number().int(),
  }),
  details: z.record(z.string(), z.unknown()),
})
export type SyncRunView = z.infer<typeof syncRunSchema>

/** A source's receiver as this server runs it: `failed` says why (a port in use) and retries. */
export const listenerSchema = z.object({
  state: z.enum(['starting', 'running', 'failed', 'stopped']),
  /** Where it listens, e.g. smtp://0.0.0.0:2525. */
  address: z.string().nullable(),
  error: z.string().nullable(),
  since: isoTime.nullable(),
})
export type ListenerView = z.infer<typeof listenerSchema>

export const sourceSchema = z.object({
  id: z.uuid(),
  pluginId: z.string(),
  name: z.string(),
  /** The config without its secrets. */
  config: z.record(z.string(), z.unknown()),
  /** Secret fields that hold a value (the values are never returned). */
  secretsSet: z.array(z.string()),
  enabled: z.boolean(),
  scheduleMinutes: z.number().int().nullable(),
  nextSyncAt: isoTime.nullable(),
  /** Where the vendor should send webhooks, for plugins that receive them. */
  webhookPath: z.string().nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
  lastRun: syncRunSchema.nullable(),
  /** For plugins with a listener: what it is doing in this server; null otherwise. */
  listener: listenerSchema.nullable(),
  /**
   * For sources with a write key: the port on which this server answers the tracking API alone
   * (RAPPORT_TRACKING_PORT), on this server's host; null when it is off or the source has no key.
   */
  trackingPort: z.number().int().nullable(),
})
export type SourceView = z.infer<typeof sourceSchema>
export const sourceListSchema = z.object({ items: z.array(sourceSchema) })
export const createdSourceSchema = sourceSchema.extend({
  writeKey: z
    .string()
    .nullable()
    .describe('For the http source: the write key (also readable later by admins).'),
})
export type CreatedSource = z.infer<typeof createdSourceSchema>

export const createSourceSchema = z.object({
  pluginId: z.string().min(1, 'is required'),
  name: z.string().trim().min(1, 'is required').max(200),
  config: z.record(z.string(), z.unknown()).default({}),
  enabled: z.boolean().default(true),
  scheduleMinutes: z.number().int().min(5).max(10_080).nullable().default(null),
})
export type CreateSourceInput = z.input<typeof createSourceSchema>

export const updateSourceSchema = z
  .object({
    name: z.string().trim().min(1, 'is required').max(200).optional(),
    /** Secret fields left out (or empty) keep their value. */
    config: z.record(z.string(), z.unknown()).optional(),
    enabled: z.boolean().optional(),
    scheduleMinutes: z.number().int().min(5).max(10_080).nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, {
    message: 'give at least one of name, config, enabled, scheduleMinutes',
  })
export type UpdateSourceInput = z.infer<typeof updateSourceSchema>

export const checkResultSchema = z.object({
  ok: z.boolean(),
  message: z.string(),
  errorKind: z.string().nullable(),
})
export type CheckResultView = z.infer<typeof checkResultSchema>

export const writeKeySchema = z.object({ writeKey: z.string() })

export const syncRunPageSchema = z.object({
  items: z.array(syncRunSchema),
  nextCursor: z.string().nullable(),
})

export const deadLetterSchema = z.object({
  id: z.string(),
  messageId: z.string(),
  sourceId: z.uuid().nullable(),
  envelope: z.record(z.string(), z.unknown()),
  reason: z.string(),
  attempts: z.number().int(),
  failedAt: isoTime,
  /** False for calls refused as invalid: only a fixed sender can resend them; discard those. */
  retryable: z.boolean(),
})
export type DeadLetterView = z.infer<typeof deadLetterSchema>
export const deadLetterPageSchema = z.object({
  items: z.array(deadLetterSchema),
  nextCursor: z.string().nullable(),
})

export const ingestionHealthSchema = z.object({
  backlog: z.number().int().describe('Envelopes accepted but not processed yet'),
  oldestPendingAt: isoTime.nullable(),
  lagSeconds: z.number().describe('Age of the oldest pending envelope'),
  processedLastMinute: z.number().int(),
  acceptedLastMinute: z.number().int(),
  deadLetters: z.number().int(),
})
export type IngestionHealth = z.infer<typeof ingestionHealthSchema>

/** Identity rules and trait precedence of a workspace (defaults when never set). */
export const ingestionSettingsSchema = z.object({
  identity: identitySettingsSchema,
  /** Per trait key, the source ids whose values win, first first; otherwise the latest value wins. */
  traitPriorities: z.record(z.string(), z.array(z.uuid())),
})
export type IngestionSettingsView = z.infer<typeof ingestionSettingsSchema>
export const updateIngestionSettingsSchema = ingestionSettingsSchema
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'give identity or traitPriorities' })
