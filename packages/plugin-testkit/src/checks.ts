import {
  configJsonSchema,
  type EnvelopeInput,
  manifestProblems,
  type PluginDefinition,
  parseEnvelopes,
  secretKeys,
  type WebhookRequest,
} from '@rapport/plugin-sdk'
import { expect, vi } from 'vitest'
import type { z } from 'zod'
import {
  collectStream,
  collectUpload,
  contextFor,
  parseConfig,
  type StreamRun,
  webhookRequest,
} from './collect.js'
import { type Fixture, type FixtureServer, startFixtureServer } from './fixture-server.js'
import type { LogEntry, TestContext } from './test-context.js'

/** How one stream is checked in a scenario. */
export interface StreamScenario {
  /** The least envelopes the first run must yield (default 1), so that a fixture mix-up cannot pass by yielding nothing. */
  minEnvelopes?: number
  /**
   * What a re-run from the last checkpoint must hold to: `newer` (default), no messageId already seen
   * and no occurredAt before the latest of the first run; `unseen`, only the first (for streams whose
   * occurredAt is not the order they are read in); `skip`, neither (a stream that always reads everything).
   */
  rerun?: 'newer' | 'unseen' | 'skip'
}

export interface WebhookScenario<Config> {
  /** A body the vendor really sends (JSON, or the text as it is). */
  body: string | Record<string, unknown> | unknown[]
  /** The headers the vendor adds to sign `rawBody` at `timestamp` with the secrets of `config`. */
  sign(input: { rawBody: Buffer; timestamp: Date; config: Config }): Record<string, string>
  /** Other headers the vendor sends (content-type is application/json unless given). */
  headers?: Record<string, string>
  /** How old the "stale" request is, default 3600 s. */
  staleSeconds?: number
  /** The least envelopes parse must give, default 1. */
  minEnvelopes?: number
}

export interface UploadScenario {
  /** A sample file as users upload it. */
  content: string | Buffer
  /** The per-upload options (validated by the plugin's options schema). */
  options?: unknown
  /** The least envelopes it must give, default 1. */
  minEnvelopes?: number
}

export interface ConformanceScenario<Schema extends z.ZodObject = z.ZodObject> {
  name: string
  /** The recorded vendor answers the fixture server replays (see startFixtureServer). */
  fixtures: readonly Fixture[]
  /** Good credentials, pointed at the fixture server. */
  config(server: { baseUrl: string }): z.input<Schema>
  /**
   * Credentials the vendor refuses (check() must throw AuthenticationError or ConfigurationError),
   * with signing secrets other than config's (a webhook signed with them must be rejected).
   */
  badConfig?(server: { baseUrl: string }): z.input<Schema>
  /** Per stream; every stream is checked unless set to false here. */
  streams?: Record<string, StreamScenario | false>
  webhook?: WebhookScenario<z.infer<Schema>>
  upload?: UploadScenario
}

type AnyPlugin = PluginDefinition<z.ZodObject>
type AnyScenario = ConformanceScenario<z.ZodObject>

/**
 * What a scenario's tests saw, for the closing secrets check: every log line, error message and
 * envelope or checkpoint, and every secret value the configs held (with the field it came from).
 */
export interface Evidence {
  contexts: TestContext[]
  errors: string[]
  outputs: unknown[]
  secrets: Map<string, string>
}

export function newEvidence(): Evidence {
  return { contexts: [], errors: [], outputs: [], secrets: new Map() }
}

/** A run against a fresh fixture server; a request with no fixture fails it, saying which. */
async function withFixtures<T>(
  scenario: AnyScenario,
  run: (server: FixtureServer) => Promise<T>,
): Promise<T> {
  const server = await startFixtureServer(scenario.fixtures)
  try {
    const result = await run(server)
    server.assertAllMatched()
    return result
  } catch (error) {
    // A missing fixture usually surfaces as the plugin's TransientError; name the cause instead.
    server.assertAllMatched()
    throw error
  } finally {
    await server.close()
  }
}

/** The scenario's config (good or bad) for a server, parsed, its secrets noted for the closing check. */
function configFor(
  plugin: AnyPlugin,
  scenario: AnyScenario,
  which: 'config' | 'badConfig',
  server: { baseUrl: string },
  evidence: Evidence,
): Record<string, unknown> {
  const make = scenario[which]
  if (!make) throw new Error(`scenario "${scenario.name}" needs a badConfig: credentials the vendor refuses`)
  const config = parseConfig(plugin, make(server))
  for (const key of secretKeys(plugin.config)) {
    const value = config[key]
    if (typeof value === 'string' && value) evidence.secrets.set(value, `${which}.${key}`)
  }
  return config
}

function tracked(
  plugin: AnyPlugin,
  config: Record<string, unknown>,
  server: FixtureServer,
  evidence: Evidence,
): TestContext {
  const context = contextFor(plugin, config, { server })
  evidence.contexts.push(context)
  return context
}

const describeError = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : `a non-error: ${String(error)}`

/** Runs a plugin call that may throw; what it throws is kept for the closing secrets check. */
async function caught(run: () => unknown, evidence: Evidence): Promise<unknown> {
  try {
    await run()
  } catch (error) {
    evidence.errors.push(describeError(error))
    return error
  }
  return undefined
}

/** Fails with every item listed, which a diff against [] would cut short. */
export function expectNone(items: readonly string[], what: string): void {
  if (items.length) throw new Error(`${what}:\n${items.map((item) => `  - ${item}`).join('\n')}`)
}

function expectValidEnvelopes(envelopes: EnvelopeInput[], least: number, what: string): void {
  const { invalid } = parseEnvelopes(envelopes)
  const problems = invalid.map(
    (problem) =>
      `#${problem.index} ${problem.messageId ?? ''}: ${problem.errors.map((e) => `${e.path} ${e.message}`).join(', ')}`,
  )
  expectNone(problems, `${what} gave envelopes the envelope schema rejects`)
  expect(envelopes.length, `${what} gave fewer envelopes than expected`).toBeGreaterThanOrEqual(least)
}

// ---- manifest and config

const secretLookingName = /(api[-_]?key|token|secret|password|passphrase|private[-_]?key)$/i

export function checkManifest(plugin: AnyPlugin): void {
  expectNone(manifestProblems(plugin), 'manifest problems')
}

export function checkConfigSchema(plugin: AnyPlugin): void {
  const schema = configJsonSchema(plugin.config)
  expect(schema.type, 'the config schema is an object').toBe('object')
  const properties = (schema.properties ?? {}) as Record<string, { writeOnly?: boolean }>
  const secrets = secretKeys(plugin.config)
  const problems = [
    ...secrets
      .filter((key) => properties[key]?.writeOnly !== true)
      .map((key) => `${key} is a secret but not writeOnly`),
    ...Object.keys(properties)
      .filter((key) => secretLookingName.test(key) && !secrets.includes(key))
      .map((key) => `${key} looks like a secret: declare it with secret()`),
  ]
  expectNone(problems, 'config schema problems')
}

// ---- check()

export async function checkGoodCredentials(plugin: AnyPlugin, scenario: AnyScenario, evidence: Evidence) {
  await withFixtures(scenario, async (server) => {
    const config = configFor(plugin, scenario, 'config', server, evidence)
    const context = tracked(plugin, config, server, evidence)
    const error = await caught(() => plugin.check!(context.ctx, config), evidence)
    if (error) throw new Error(`check() failed with good credentials: ${describeError(error)}`)
  })
}

export async function checkBadCredentials(plugin: AnyPlugin, scenario: AnyScenario, evidence: Evidence) {
  await withFixtures(scenario, async (server) => {
    const config = configFor(plugin, scenario, 'badConfig', server, evidence)
    const context = tracked(plugin, config, server, evidence)
    const error = await caught(() => plugin.check!(context.ctx, config), evidence)
    if (!error) throw new Error('check() succeeded with badConfig')
    const kind = (error as { kind?: string }).kind
    if (kind !== 'authentication' && kind !== 'configuration') {
      throw new Error(
        `check() with badConfig threw ${describeError(error)}; it must throw AuthenticationError or ConfigurationError`,
      )
    }
  })
}

// ---- streams

async function readStream(
  plugin: AnyPlugin,
  scenario: AnyScenario,
  stream: string,
  server: FixtureServer,
  evidence: Evidence,
  checkpoint?: unknown,
): Promise<StreamRun> {
  const config = configFor(plugin, scenario, 'config', server, evidence)
  const context = tracked(plugin, config, server, evidence)
  const run = await collectStream(plugin, stream, scenario.config(server), checkpoint, { context })
  evidence.outputs.push(...run.envelopes, ...run.checkpoints)
  return run
}

/** Each stream check takes the same arguments, and fails by throwing. */
type StreamCheck = (
  plugin: AnyPlugin,
  scenario: AnyScenario,
  stream: string,
  options: StreamScenario,
  evidence: Evidence,
) => Promise<void>

const messageIds = (run: StreamRun) => run.envelopes.map((envelope) => envelope.messageId)

export const checkStreamRead: StreamCheck = async (plugin, scenario, stream, options, evidence) => {
  await withFixtures(scenario, async (server) => {
    const run = await readStream(plugin, scenario, stream, server, evidence)
    expectValidEnvelopes(run.envelopes, options.minEnvelopes ?? 1, `stream ${stream}`)
    const ids = messageIds(run)
    const repeated = ids.filter((id, index) => ids.indexOf(id) !== index)
    expectNone(repeated, `stream ${stream} yielded a messageId twice in one run`)
    expect(run.checkpoints.length, `stream ${stream} yielded no checkpoint`).toBeGreaterThan(0)
  })
}

export const checkStreamRerun: StreamCheck = async (plugin, scenario, stream, options, evidence) => {
  // One server for both runs: the fixtures answered in the first are used up, as the vendor's data
  // would be, so the re-run gets what the fixtures hold for a request from the checkpoint.
  await withFixtures(scenario, async (server) => {
    const first = await readStream(plugin, scenario, stream, server, evidence)
    expect(first.checkpoints.length, `stream ${stream} yielded no checkpoint to re-run from`).toBeGreaterThan(
      0,
    )
    const second = await readStream(plugin, scenario, stream, server, evidence, first.checkpoint)
    const seen = new Set(messageIds(first))
    expectNone(
      messageIds(second).filter((id) => seen.has(id)),
      `a re-run of stream ${stream} from its last checkpoint yielded messageIds the first run had`,
    )
    // A first run with nothing in it (a stream that only finds its place) has no time to compare with.
    if ((options.rerun ?? 'newer') !== 'newer' || first.envelopes.length === 0) return
    const latest = Math.max(...first.envelopes.map((envelope) => Date.parse(envelope.occurredAt)))
    const older = second.envelopes.filter((envelope) => Date.parse(envelope.occurredAt) < latest)
    expectNone(
      older.map((envelope) => `${envelope.messageId} at ${envelope.occurredAt}`),
      `a re-run of stream ${stream} yielded envelopes older than the first run's latest (${new Date(latest).toISOString()})`,
    )
  })
}

/** How far the second run of the determinism check is moved in time. */
const determinismShiftMs = 24 * 60 * 60 * 1000

export const checkStreamDeterminism: StreamCheck = async (plugin, scenario, stream, _options, evidence) => {
  const first = await withFixtures(scenario, (server) =>
    readStream(plugin, scenario, stream, server, evidence),
  )
  // The second run happens a day later, by ctx.clock and by Date alike (ctx.clock reads Date): a
  // messageId made from the time of the run instead of the data then differs, as between two syncs.
  const later = new Date(Date.now() + determinismShiftMs)
  vi.useFakeTimers({ toFake: ['Date'], now: later })
  const second = await withFixtures(scenario, (server) =>
    readStream(plugin, scenario, stream, server, evidence),
  ).finally(() => vi.useRealTimers())
  expect(
    messageIds(second),
    `stream ${stream} gave other messageIds for the same input a day later (are they made from the time of the run?)`,
  ).toEqual(messageIds(first))
  expect(second.checkpoint, `stream ${stream} gave another checkpoint for the same input`).toEqual(
    first.checkpoint,
  )
}

// ---- webhook

type WebhookCase = 'valid' | 'tampered' | 'stale' | 'wrong-signature' | 'unsigned'

function buildWebhook(
  plugin: AnyPlugin,
  scenario: AnyScenario,
  which: WebhookCase,
  server: FixtureServer,
  evidence: Evidence,
): { request: WebhookRequest; config: Record<string, unknown> } {
  const webhook = scenario.webhook!
  const config = configFor(plugin, scenario, 'config', server, evidence)
  const now = new Date()
  const rawBody = webhookRequest(webhook.body).rawBody
  const signedAt = which === 'stale' ? new Date(now.getTime() - (webhook.staleSeconds ?? 3600) * 1000) : now
  const signingConfig =
    which === 'wrong-signature' ? configFor(plugin, scenario, 'badConfig', server, evidence) : config
  const signature =
    which === 'unsigned' ? {} : webhook.sign({ rawBody, timestamp: signedAt, config: signingConfig })
  const body = which === 'tampered' ? tamper(rawBody) : rawBody
  return { request: webhookRequest(body, { ...webhook.headers, ...signature }, now), config }
}

/** The body with a change that matters: a field added to a JSON object, else words appended. */
function tamper(rawBody: Buffer): Buffer {
  try {
    const value: unknown = JSON.parse(rawBody.toString())
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return Buffer.from(JSON.stringify({ ...value, tampered: true }))
    }
  } catch {
    // not JSON: append below
  }
  return Buffer.concat([rawBody, Buffer.from(' tampered')])
}

export async function checkWebhookAccepted(plugin: AnyPlugin, scenario: AnyScenario, evidence: Evidence) {
  await withFixtures(scenario, async (server) => {
    const { request, config } = buildWebhook(plugin, scenario, 'valid', server, evidence)
    const error = await caught(() => plugin.webhook!.verify(request, config), evidence)
    if (error) throw new Error(`verify rejected a correctly signed request: ${describeError(error)}`)
    const envelopes = await plugin.webhook!.parse(request, config)
    evidence.outputs.push(...envelopes)
    expectValidEnvelopes(envelopes, scenario.webhook!.minEnvelopes ?? 1, 'webhook parse')
  })
}

export async function checkWebhookRejected(
  plugin: AnyPlugin,
  scenario: AnyScenario,
  which: Exclude<WebhookCase, 'valid'>,
  evidence: Evidence,
) {
  await withFixtures(scenario, async (server) => {
    const { request, config } = buildWebhook(plugin, scenario, which, server, evidence)
    const error = await caught(() => plugin.webhook!.verify(request, config), evidence)
    if (!error) throw new Error(`verify accepted a ${which} request`)
    if ((error as { kind?: string }).kind !== 'verification') {
      throw new Error(
        `verify threw ${describeError(error)} for a ${which} request; it must throw WebhookVerificationError`,
      )
    }
  })
}

// ---- upload

export async function checkUpload(plugin: AnyPlugin, scenario: AnyScenario, evidence: Evidence) {
  const upload = scenario.upload!
  await withFixtures(scenario, async (server) => {
    const config = configFor(plugin, scenario, 'config', server, evidence)
    const context = tracked(plugin, config, server, evidence)
    const run = await collectUpload(plugin, scenario.config(server), upload.content, upload.options, context)
    evidence.outputs.push(...run.envelopes)
    expectValidEnvelopes(run.envelopes, upload.minEnvelopes ?? 1, 'upload parse')
    const backwards = run.progress.some((value, index) => index > 0 && value < run.progress[index - 1]!)
    expect(backwards, `upload progress must not go backwards: ${run.progress.join(', ')}`).toBe(false)
    expect(run.progress.at(-1), 'upload progress must end at 1').toBe(1)
    expect(
      run.progress.every((value) => value >= 0 && value <= 1),
      'upload progress lies in 0..1',
    ).toBe(true)
  })
}

// ---- secrets

/** No secret value of the scenario's configs, as written or URL-encoded, in anything the tests saw. */
export function checkNoSecretsLeaked(evidence: Evidence): void {
  const places: [string, string][] = [
    ...evidence.contexts.flatMap((context) =>
      context.logs.map((log: LogEntry) => ['a log line', JSON.stringify(log)] as [string, string]),
    ),
    ...evidence.errors.map((message) => ['an error message', message] as [string, string]),
    ...evidence.outputs.map(
      (output) => ['an envelope or checkpoint', JSON.stringify(output)] as [string, string],
    ),
  ]
  const leaks: string[] = []
  for (const [value, field] of evidence.secrets) {
    for (const [where, text] of places) {
      if (text.includes(value) || text.includes(encodeURIComponent(value))) {
        leaks.push(`${field} in ${where}: ${text.replaceAll(value, `<${field}>`).slice(0, 300)}`)
      }
    }
  }
  expectNone(leaks, 'secrets found where they must not be')
}
