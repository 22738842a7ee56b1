import { type AddressInfo, createServer, type Socket } from 'node:net'
import { createInterface } from 'node:readline'
import {
  AuthenticationError,
  definePlugin,
  type EnvelopeInput,
  RateLimitedError,
  secret,
  signStandardWebhook,
  TransientError,
  verifyStandardWebhook,
} from '@rapport/plugin-sdk'
import { z } from 'zod'

/**
 * Small real plugins for the host's tests: a billing system with pages of invoices, one that fails
 * half-way, one that hangs, and one that receives Standard Webhooks.
 */

const invoices = [
  { id: 'in_1', email: 'grace@example.com', amount: 120, status: 'paid', at: '2026-01-05T10:00:00Z' },
  { id: 'in_2', email: 'grace@example.com', amount: 80, status: 'paid', at: '2026-02-05T10:00:00Z' },
  { id: 'in_3', email: 'alan@example.com', amount: 50, status: 'open', at: '2026-02-06T10:00:00Z' },
  {
    id: 're_1',
    email: 'grace@example.com',
    amount: 20,
    status: 'succeeded',
    at: '2026-02-07T10:00:00Z',
    refund: true,
  },
]

function invoiceEnvelope(invoice: (typeof invoices)[number]): EnvelopeInput {
  return {
    type: 'record',
    messageId: `test-billing:${invoice.id}:${invoice.status}`,
    identifiers: [{ type: 'email', value: invoice.email }],
    occurredAt: invoice.at,
    action: 'upsert',
    object: {
      type: invoice.refund ? 'refund' : 'invoice',
      externalId: invoice.id,
      status: invoice.status,
      amount: invoice.amount,
      currency: 'EUR',
      properties: {},
    },
  }
}

export const billingPlugin = definePlugin({
  id: 'billing-test',
  name: 'Test billing',
  version: '1.0.0',
  sdk: '^1',
  categories: ['billing'],
  config: z.object({
    account: z.string().min(1),
    apiKey: secret('The API key'),
    // Its first page also carries an invoice the envelope schema refuses (no external id).
    withBroken: z.boolean().optional(),
  }),
  async check(_ctx, config) {
    if (config.apiKey !== 'good-key') throw new AuthenticationError(`the key ${config.apiKey} was refused`)
    return { message: `connected to ${config.account}` }
  },
  streams: {
    invoices: {
      checkpoint: z.object({ after: z.number().int() }),
      async *read(_ctx, { config, checkpoint }) {
        let index = checkpoint?.after ?? 0
        while (index < invoices.length) {
          const page = invoices.slice(index, index + 2).map(invoiceEnvelope)
          if (config.withBroken && index === 0)
            page.push({ ...invoiceEnvelope({ ...invoices[0]!, id: '' }), messageId: 'billing-broken' })
          index += 2
          yield { envelopes: page, checkpoint: { after: index } }
        }
      },
    },
  },
})

export const failingPlugin = definePlugin({
  id: 'crm-failing',
  name: 'Failing CRM',
  version: '1.0.0',
  sdk: '^1',
  categories: ['crm'],
  config: z.object({ apiKey: secret(), retryAfterMs: z.number().int().optional() }),
  streams: {
    contacts: {
      checkpoint: z.object({ page: z.number() }),
      async *read(_ctx, { config }) {
        yield {
          envelopes: [
            {
              type: 'identify',
              messageId: 'failing-1',
              identifiers: [{ type: 'email', value: 'kept@example.com' }],
              occurredAt: '2026-03-01T00:00:00Z',
              traits: { name: 'Kept' },
            },
          ],
          checkpoint: { page: 1 },
        }
        if (config.retryAfterMs !== undefined)
          throw new RateLimitedError('the vendor said to slow down', config.retryAfterMs)
        throw new TransientError(`the vendor answered 503 for key ${config.apiKey}`)
      },
    },
  },
})

export const hangingPlugin = definePlugin({
  id: 'erp-hanging',
  name: 'Hanging ERP',
  version: '1.0.0',
  sdk: '^1',
  categories: ['erp'],
  config: z.object({}),
  streams: {
    orders: {
      checkpoint: z.object({}),
      async *read(ctx) {
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve))
      },
    },
  },
})

export const webhookSecret = `whsec_${Buffer.from('a webhook signing secret!').toString('base64')}`

export const webhookPlugin = definePlugin({
  id: 'support-hooks',
  name: 'Webhook support desk',
  version: '1.0.0',
  sdk: '^1',
  categories: ['support'],
  config: z.object({ webhookSecret: secret() }),
  webhook: {
    verify(request, config) {
      verifyStandardWebhook(request, config.webhookSecret)
    },
    parse(request) {
      const body = JSON.parse(request.rawBody.toString('utf8')) as {
        id: string
        email: string
        subject: string
        at: string
      }
      return [
        {
          type: 'record',
          messageId: `support-hooks:${body.id}`,
          identifiers: [{ type: 'email', value: body.email }],
          occurredAt: body.at,
          action: 'upsert',
          object: {
            type: 'ticket',
            externalId: body.id,
            status: 'open',
            title: body.subject,
            properties: {},
          },
          event: 'Ticket opened',
          channel: 'email',
        },
      ]
    },
  },
})

/** Signs a body: an object as JSON.stringify writes it, a string exactly as given. */
export function signedWebhook(body: object | string, options: { secret?: string; timestamp?: Date } = {}) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body)
  const headers = signStandardWebhook({
    id: `msg_${Math.random().toString(36).slice(2)}`,
    body: raw,
    secret: options.secret ?? webhookSecret,
    ...(options.timestamp ? { timestamp: options.timestamp } : {}),
  })
  return { raw, headers: { 'content-type': 'application/json', ...headers } }
}

/**
 * A receiver on a TCP port: each line `email event` becomes a track envelope, answered `ok` once it
 * is durable or `retry` when it could not be stored, like an SMTP server's 250 and 451.
 */
export const lineListenerPlugin = definePlugin({
  id: 'line-listener-test',
  name: 'Line listener (test)',
  version: '1.0.0',
  sdk: '^1',
  categories: ['channel'],
  config: z.object({ port: z.number().int().min(0).max(65535), token: secret() }),
  listener: {
    async start(ctx, { config, ingest }) {
      const server = createServer((socket) => {
        const lines = createInterface({ input: socket })
        lines.on('line', async (line) => {
          const [email, event] = line.trim().split(/\s+/)
          try {
            await ingest([
              {
                type: 'track',
                messageId: `line:${line}`,
                identifiers: [{ type: 'email', value: email ?? '' }],
                occurredAt: ctx.clock.now().toISOString(),
                event: event ?? 'Line received',
                channel: 'chat',
              },
            ])
            socket.write('ok\n')
          } catch {
            socket.write('retry\n')
          }
        })
      })
      const connections = new Set<Socket>()
      server.on('connection', (socket) => {
        connections.add(socket)
        socket.on('close', () => connections.delete(socket))
      })
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(config.port, '127.0.0.1', () => resolve())
      })
      const { port } = server.address() as AddressInfo
      return {
        address: `tcp://127.0.0.1:${port}`,
        stop: () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve())
            for (const socket of connections) socket.destroy()
          }),
      }
    },
  },
})

/** What the slow listener's first start on a port waits for (later starts wait 100 ms). */
export const listenerStartGates = new Map<number, Promise<void>>()

/** A listener slow to start and to stop (300 ms), which ignores its abort signal. */
export const slowListenerPlugin = definePlugin({
  id: 'slow-listener-test',
  name: 'Slow listener (test)',
  version: '1.0.0',
  sdk: '^1',
  categories: ['channel'],
  config: z.object({ port: z.number().int().min(1).max(65535) }),
  listener: {
    async start(_ctx, { config }) {
      const gate = listenerStartGates.get(config.port)
      listenerStartGates.delete(config.port)
      await (gate ?? new Promise((resolve) => setTimeout(resolve, 100)))
      const server = createServer()
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(config.port, '127.0.0.1', () => resolve())
      })
      return {
        address: `tcp://127.0.0.1:${config.port}`,
        stop: async () => {
          await new Promise((resolve) => setTimeout(resolve, 300))
          await new Promise<void>((resolve) => server.close(() => resolve()))
        },
      }
    },
  },
})

/** A listener whose start never answers and ignores its abort signal. */
export const hangingListenerPlugin = definePlugin({
  id: 'hanging-listener-test',
  name: 'Hanging listener (test)',
  version: '1.0.0',
  sdk: '^1',
  categories: ['channel'],
  config: z.object({}),
  listener: {
    start: () => new Promise(() => {}),
  },
})

/** Resolved when the stubborn plugin below sends its late batch (after its run was stopped). */
export const lateBatch: { sent: Promise<void>; resolve: () => void } = (() => {
  let resolve = () => {}
  const sent = new Promise<void>((r) => {
    resolve = r
  })
  return { sent, resolve }
})()

/** A page of one person, `name-page` (its message id and email), with its checkpoint. */
const pageOf = (name: string, page: number) => ({
  envelopes: [
    {
      type: 'identify',
      messageId: `${name}-${page}`,
      identifiers: [{ type: 'email', value: `${name}-${page}@example.com` }],
      occurredAt: '2026-03-01T00:00:00Z',
      traits: {},
    } satisfies EnvelopeInput,
  ],
  checkpoint: { page },
})

/** Stalls past the stall timeout, ignoring its abort signal, then sends one more batch. */
export const stubbornPlugin = definePlugin({
  id: 'crm-stubborn',
  name: 'Stubborn CRM',
  version: '1.0.0',
  sdk: '^1',
  categories: ['crm'],
  config: z.object({ stallMs: z.number().int() }),
  streams: {
    contacts: {
      checkpoint: z.object({ page: z.number() }),
      async *read(_ctx, { config }) {
        yield pageOf('stubborn', 1)
        await new Promise((resolve) => setTimeout(resolve, config.stallMs))
        lateBatch.resolve()
        yield pageOf('stubborn', 2)
      },
    },
  },
})

/** What the pausing plugin below waits for between its pages, by the gate its config names. */
export const pauseGates = new Map<string, Promise<void>>()

/** Sends one page, waits for its gate (not for its abort signal), then sends another. */
export const pausingPlugin = definePlugin({
  id: 'crm-pausing',
  name: 'Pausing CRM',
  version: '1.0.0',
  sdk: '^1',
  categories: ['crm'],
  config: z.object({ gate: z.string() }),
  streams: {
    contacts: {
      checkpoint: z.object({ page: z.number() }),
      async *read(_ctx, { config }) {
        yield pageOf(`pausing-${config.gate}`, 1)
        await pauseGates.get(config.gate)
        yield pageOf(`pausing-${config.gate}`, 2)
      },
    },
  },
})

/**
 * What a plugin installed with its own copy of the SDK throws: the same shape as this copy's errors,
 * but other classes.
 */
class ForeignPluginError extends Error {
  constructor(
    readonly kind: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message)
  }
}
class ForeignVerificationError extends ForeignPluginError {
  override name = 'WebhookVerificationError'
  constructor(message: string) {
    super('verification', message, false)
  }
}
class ForeignAuthenticationError extends ForeignPluginError {
  override name = 'AuthenticationError'
  constructor(message: string) {
    super('authentication', message, false)
  }
}

/** Verifies webhooks and checks credentials with its own SDK copy's errors. */
export const foreignSdkPlugin = definePlugin({
  id: 'foreign-sdk-test',
  name: 'Foreign SDK (test)',
  version: '1.0.0',
  sdk: '^1',
  categories: ['support'],
  config: z.object({ token: secret() }),
  async check() {
    throw new ForeignAuthenticationError('the vendor refused the token')
  },
  webhook: {
    verify(request) {
      if (request.headers['x-signature'] !== 'good')
        throw new ForeignVerificationError('the signature does not match')
    },
    parse: () => [],
  },
})

/**
 * Careless with its secret: puts it in every message. The request's `x-mode` header says what its
 * webhook does: refuse it in verify, fail to parse it, or hang in either. Its check hangs when told.
 */
export const leakyPlugin = definePlugin({
  id: 'leaky-test',
  name: 'Leaky (test)',
  version: '1.0.0',
  sdk: '^1',
  categories: ['support'],
  config: z.object({ signingKey: secret(), hangCheck: z.boolean().default(false) }),
  async check(_ctx, config) {
    if (config.hangCheck) await new Promise(() => {})
    return { message: `connected with ${config.signingKey}` }
  },
  webhook: {
    async verify(request, config) {
      const mode = request.headers['x-mode']
      if (mode === 'hang-verify') await new Promise(() => {})
      if (mode === 'verify') throw new Error(`expected a signature made with ${config.signingKey}`)
    },
    async parse(request, config) {
      const mode = request.headers['x-mode']
      if (mode === 'hang-parse') await new Promise(() => {})
      if (mode === 'parse') throw new Error(`could not read it with ${config.signingKey}`)
      return []
    },
  },
})
