import { randomUUID } from 'node:crypto'
import {
  AuthenticationError,
  assertFreshTimestamp,
  definePlugin,
  type EnvelopeInput,
  hmacHex,
  messageIdFrom,
  type PluginContext,
  safeEqual,
  secret,
  WebhookVerificationError,
} from '@rapport/plugin-sdk'
import { z } from 'zod'
import type { Fixture } from '../src/index.js'

/**
 * "Pulse", a small survey tool, as a plugin the testkit's own tests run the conformance suite on;
 * each fault breaks it the way a real plugin could break, to show the suite notices.
 */
export type Fault =
  | 'rereads'
  | 'random-ids'
  | 'invalid-envelope'
  | 'untyped-auth-error'
  | 'accepts-any-webhook'
  | 'leaks-key'
  | 'older-on-rerun'
  | 'unknown-path'
  | 'hard-coded-host'
  | 'dated-ids'
  | 'dated-ids-from-date'
  | 'remembers-keys'
  | 'blank-allowed-secret'
  | 'nested-secret'

const responseSchema = z.object({
  seq: z.number(),
  email: z.string(),
  score: z.number(),
  answered_at: z.string(),
})
type PulseResponse = z.infer<typeof responseSchema>

export function samplePlugin(...faults: Fault[]) {
  const has = (fault: Fault) => faults.includes(fault)
  const config = z.object({
    baseUrl: z.url(),
    apiKey: secret(),
    // A union puts writeOnly one level down in the JSON Schema, so the form would show it.
    signingSecret: has('blank-allowed-secret') ? z.union([secret(), z.literal('')]) : secret(),
    ...(has('nested-secret') ? { proxy: z.object({ password: secret() }).optional() } : {}),
  })
  type Config = z.infer<typeof config>
  // Credentials kept across calls, so one source's key ends up in another source's log line.
  let previousKey: string | undefined

  const get = async (ctx: PluginContext, settings: Config, path: string, query = {}) => {
    const response = await ctx.http.request({
      url: `${has('hard-coded-host') ? 'https://api.pulse.example' : settings.baseUrl}${path}`,
      query,
      headers: { 'x-api-key': settings.apiKey },
    })
    return response.body
  }

  const messageId = (response: PulseResponse, ctx?: PluginContext) => {
    if (has('random-ids')) return randomUUID()
    // The day of the run: the same for two runs moments apart, so only a later run shows it.
    if (has('dated-ids') && ctx) return messageIdFrom('pulse', response.seq, day(ctx.clock.now()))
    if (has('dated-ids-from-date')) return messageIdFrom('pulse', response.seq, day(new Date()))
    return messageIdFrom('pulse', response.seq)
  }

  const envelope = (response: PulseResponse, apiKey: string, ctx?: PluginContext): EnvelopeInput => ({
    type: 'feedback',
    messageId: messageId(response, ctx),
    occurredAt: response.answered_at,
    identifiers: [{ type: 'email', value: response.email }],
    metric: 'nps',
    score: has('invalid-envelope') ? 11 : response.score,
    properties: has('leaks-key') ? { source: apiKey } : {},
  })

  // The nested secret stands for a plugin made with an SDK that let it through; this one refuses it.
  const define: typeof definePlugin = has('nested-secret') ? (definition) => definition : definePlugin
  return define({
    id: 'survey-pulse',
    name: 'Pulse',
    version: '0.1.0',
    sdk: '^1',
    categories: ['survey'],
    config,
    async check(ctx, settings) {
      if (has('remembers-keys')) {
        ctx.logger.info('checking the account', { previousKey })
        previousKey = settings.apiKey
      }
      try {
        await get(ctx, settings, '/api/account')
      } catch (error) {
        if (has('untyped-auth-error') && error instanceof AuthenticationError) throw new TypeError('oops')
        throw error
      }
      return undefined
    },
    streams: {
      responses: {
        checkpoint: z.object({ since: z.number() }),
        async *read(ctx, { config: settings, checkpoint }) {
          const since = has('rereads') ? undefined : checkpoint?.since
          const path = has('unknown-path') ? '/api/v2/responses' : '/api/responses'
          const body = z
            .object({ responses: z.array(responseSchema) })
            .parse(await get(ctx, settings, path, { since }))
          const envelopes = body.responses.map((response) => envelope(response, settings.apiKey, ctx))
          if (checkpoint && has('older-on-rerun')) {
            envelopes.push({ ...envelopes[0]!, messageId: 'late', occurredAt: '2020-01-01T00:00:00Z' })
          }
          const last = body.responses.at(-1)?.seq ?? checkpoint?.since ?? 0
          yield { envelopes, checkpoint: { since: last } }
        },
      },
    },
    webhook: {
      verify(request, settings) {
        if (has('accepts-any-webhook')) return
        const timestamp = request.headers['x-pulse-timestamp']
        const signature = request.headers['x-pulse-signature']
        if (!timestamp || !signature)
          throw new WebhookVerificationError('missing x-pulse-timestamp or x-pulse-signature')
        assertFreshTimestamp(timestamp, 300, request.receivedAt)
        const expected = hmacHex(settings.signingSecret, `${timestamp}.${request.rawBody.toString()}`)
        if (!safeEqual(signature, expected)) throw new WebhookVerificationError('bad signature')
      },
      parse(request, settings) {
        return [envelope(responseSchema.parse(JSON.parse(request.rawBody.toString())), settings.apiKey)]
      },
    },
    upload: {
      accept: ['text/csv'],
      options: z.object({ metric: z.literal('nps').default('nps') }),
      async *parse(_ctx, { content }) {
        const lines = content.toString().trim().split('\n').slice(1)
        for (const [index, line] of lines.entries()) {
          const [email, score, answeredAt] = line.split(',')
          const response = { seq: index, email: email!, score: Number(score), answered_at: answeredAt! }
          yield { envelopes: [envelope(response, '')], progress: (index + 1) / lines.length }
        }
      },
    },
  })
}

const day = (date: Date) => date.toISOString().slice(0, 10)

export const sampleSign = ({
  rawBody,
  timestamp,
  config,
}: {
  rawBody: Buffer
  timestamp: Date
  config: { signingSecret: string }
}) => {
  const seconds = String(Math.floor(timestamp.getTime() / 1000))
  return {
    'x-pulse-timestamp': seconds,
    'x-pulse-signature': hmacHex(config.signingSecret, `${seconds}.${rawBody.toString()}`),
  }
}

const response = (seq: number, email: string, score: number, day: number) => ({
  seq,
  email,
  score,
  answered_at: `2026-03-0${day}T12:00:00Z`,
})

export const sampleFixtures: Fixture[] = [
  {
    path: '/api/account',
    requestHeaders: { 'x-api-key': 'pulse-key-revoked' },
    status: 401,
    body: { error: 'no' },
  },
  { path: '/api/account', body: { name: 'Pulse demo' } },
  {
    path: '/api/responses',
    query: { since: null },
    body: { responses: [response(1, 'ada@example.com', 9, 1), response(2, 'alan@example.com', 4, 2)] },
  },
  {
    path: '/api/responses',
    query: { since: 2 },
    body: { responses: [response(3, 'grace@example.com', 10, 3)] },
  },
]

export const sampleScenario = {
  name: 'Pulse',
  fixtures: sampleFixtures,
  config: ({ baseUrl }: { baseUrl: string }) => ({
    baseUrl,
    apiKey: 'pulse-key-good',
    signingSecret: 'pulse-signing-good',
  }),
  badConfig: ({ baseUrl }: { baseUrl: string }) => ({
    baseUrl,
    apiKey: 'pulse-key-revoked',
    signingSecret: 'pulse-signing-other',
  }),
  webhook: { body: response(9, 'ada@example.com', 8, 4), sign: sampleSign },
  upload: {
    content:
      'email,score,answered_at\nada@example.com,9,2026-03-01T00:00:00Z\nalan@example.com,3,2026-03-02T00:00:00Z\n',
  },
}
