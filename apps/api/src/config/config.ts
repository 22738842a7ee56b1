import { z } from 'zod'

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional())

/** Every environment variable Rapport reads, with its default. The README's table mirrors this. */
const envSchema = z.object({
  PORT: optional(z.coerce.number().int().min(0).max(65535)).default(3000),
  HOST: optional(z.string()).default('0.0.0.0'),
  RAPPORT_TRACKING_PORT: optional(z.union([z.literal('off'), z.coerce.number().int().min(0).max(65535)])),
  DATABASE_URL: optional(
    z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL'),
  ),
  RAPPORT_DATA_DIR: optional(z.string()).default('.data'),
  RAPPORT_ADMIN_EMAIL: optional(z.email({ message: 'must be an e-mail address' })),
  RAPPORT_ADMIN_PASSWORD: optional(z.string().min(12, 'must be at least 12 characters')),
  RAPPORT_PUBLIC_URL: optional(z.url({ message: 'must be a URL such as https://cx.example.com' })),
  RAPPORT_SESSION_HOURS: optional(
    z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 90),
  ).default(24 * 7),
  RAPPORT_TRUST_PROXY: optional(z.enum(['true', 'false'])).default('false'),
  LOG_LEVEL: optional(z.enum(logLevels)).default('info'),
  RAPPORT_SECRET_KEY: optional(
    z.string().refine((v) => decodeKey(v) !== undefined, 'must be 32 bytes, as 64 hex characters or base64'),
  ),
  RAPPORT_PLUGINS: optional(z.string()),
  RAPPORT_WORKER: optional(z.enum(['true', 'false'])).default('true'),
  RAPPORT_DEMO_DATA: optional(z.enum(['true', 'false'])),
  RAPPORT_INBOX_RETENTION_DAYS: optional(z.coerce.number().int().min(1).max(3650)).default(7),
  RAPPORT_SYNC_STALL_SECONDS: optional(z.coerce.number().int().min(1).max(86_400)).default(300),
  RAPPORT_PROCESSOR_NICE: optional(z.coerce.number().int().min(0).max(19)).default(10),
  RAPPORT_INTAKE_NICE: optional(z.coerce.number().int().min(0).max(19)).default(4),
  RAPPORT_API_NICE: optional(z.coerce.number().int().min(-20).max(19)),
})

/** A 256-bit key written as 64 hex characters or base64. */
export function decodeKey(text: string): Buffer | undefined {
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64')
  return key.length === 32 ? key : undefined
}

export interface Config {
  port: number
  host: string
  /**
   * The tracking API's own port, answered by the intake thread (PORT + 1 unless set; 0 when PORT is
   * 0, for tests); undefined when off. The main port's /v1 answers the same calls.
   */
  trackingPort: number | undefined
  databaseUrl: string | undefined
  dataDir: string
  admin: { email: string | undefined; password: string | undefined }
  publicUrl: string | undefined
  /** Send cookies with Secure: when the public URL is https. */
  secureCookies: boolean
  sessionHours: number
  trustProxy: boolean
  logLevel: (typeof logLevels)[number]
  /** Encrypts source secrets; generated under the data folder when unset. */
  secretKey: Buffer | undefined
  /** Extra plugin packages to load, besides the built-in ones. */
  plugins: string[]
  /** Process the inbox and run scheduled syncs in this process. */
  worker: boolean
  /**
   * Add demo customers to the first workspace when it is created; unset: only on the embedded
   * database, where Rapport is being tried out.
   */
  demoData: boolean
  /** A sync whose plugin yields nothing for this long fails. */
  syncStallSeconds: number
  /** How long processed envelopes are kept, which is also the messageId dedupe window. */
  inboxRetentionDays: number
  /**
   * The processor thread's scheduling priority (nice, 0-19): background work yields the CPU to the
   * tracking API and the UI when they need it, and takes it all when they do not.
   */
  processorNice: number
  /** The tracking intake thread's priority (nice, 0-19), a little below the main thread's. */
  intakeNice: number
  /** The main thread's priority (nice, -20 to 19), which answers the UI and the read API; unset, as started. */
  apiNice: number | undefined
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** The port after PORT; any free one when PORT is 0; off when PORT is the last there is. */
const defaultTrackingPort = (port: number) => (port === 0 ? 0 : port < 65535 ? port + 1 : undefined)

/** Reads and validates the environment; a bad value stops the start with a message naming it. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`)
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`)
  }
  const e = parsed.data
  const trackingPort =
    e.RAPPORT_TRACKING_PORT === 'off' ? undefined : (e.RAPPORT_TRACKING_PORT ?? defaultTrackingPort(e.PORT))
  if (trackingPort !== undefined && trackingPort !== 0 && trackingPort === e.PORT)
    throw new ConfigError(
      `invalid configuration: RAPPORT_TRACKING_PORT must differ from PORT (${e.PORT}), or be off`,
    )
  return {
    port: e.PORT,
    host: e.HOST,
    trackingPort,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.RAPPORT_DATA_DIR,
    admin: { email: e.RAPPORT_ADMIN_EMAIL, password: e.RAPPORT_ADMIN_PASSWORD },
    publicUrl: e.RAPPORT_PUBLIC_URL,
    secureCookies: e.RAPPORT_PUBLIC_URL?.startsWith('https:') ?? false,
    sessionHours: e.RAPPORT_SESSION_HOURS,
    trustProxy: e.RAPPORT_TRUST_PROXY === 'true',
    logLevel: e.LOG_LEVEL,
    secretKey: e.RAPPORT_SECRET_KEY ? decodeKey(e.RAPPORT_SECRET_KEY) : undefined,
    plugins: (e.RAPPORT_PLUGINS ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
    worker: e.RAPPORT_WORKER === 'true',
    demoData: e.RAPPORT_DEMO_DATA ? e.RAPPORT_DEMO_DATA === 'true' : !e.DATABASE_URL,
    syncStallSeconds: e.RAPPORT_SYNC_STALL_SECONDS,
    inboxRetentionDays: e.RAPPORT_INBOX_RETENTION_DAYS,
    processorNice: e.RAPPORT_PROCESSOR_NICE,
    intakeNice: e.RAPPORT_INTAKE_NICE,
    apiNice: e.RAPPORT_API_NICE,
  }
}

export const CONFIG = Symbol('Config')
