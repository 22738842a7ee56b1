import { readFileSync } from 'node:fs'
import { connect } from 'node:net'
import type { EnvelopeInput, Ingest, RunningListener } from '@rapport/plugin-sdk'
import { createTestContext, parseConfig, type TestContext } from '@rapport/plugin-testkit'
import { type ParsedMail, simpleParser } from 'mailparser'
import nodemailer, { type SendMailOptions } from 'nodemailer'
import { SMTPServer } from 'smtp-server'
import type { z } from 'zod'
import type { configSchema } from '../src/config.js'
import { plugin } from '../src/index.js'

export const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url))

export const supportAddresses = ['support@northwind.example', '@help.northwind.example']

// The test relay's account: distinctive values, so that the secrets check can find any leak.
export const relayUser = 'northwind-relay'
export const relayPassword = 'relay_test_password_7Qm2'
export const wrongRelayPassword = 'relay_test_password_revoked'

/** A message the test relay answers with a temporary failure, as a greylisting server does. */
export const greylisted = 'greylisted@customer.example'
/** A recipient the test relay refuses for good. */
export const unknownRecipient = 'nobody@customer.example'

/** The relay of the tests: an SMTP server with AUTH that keeps what it is sent, parsed. */
export interface Sink {
  port: number
  received: { envelope: { from: string; to: string[] }; mail: ParsedMail }[]
  close(): Promise<void>
}

export async function startSink(): Promise<Sink> {
  const received: Sink['received'] = []
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    // Plain-text AUTH is fine on the loopback interface of a test.
    allowInsecureAuth: true,
    disableReverseLookup: true,
    onAuth(auth, _session, callback) {
      if (auth.username === relayUser && auth.password === relayPassword)
        return callback(null, { user: relayUser })
      callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }))
    },
    onRcptTo(address, _session, callback) {
      if (address.address === greylisted) {
        return callback(Object.assign(new Error('4.7.1 Greylisted, try again later'), { responseCode: 451 }))
      }
      if (address.address === unknownRecipient) {
        return callback(Object.assign(new Error('5.1.1 No such user'), { responseCode: 550 }))
      }
      callback()
    },
    onData(stream, session, callback) {
      simpleParser(stream).then((mail) => {
        const { mailFrom, rcptTo } = session.envelope
        received.push({
          envelope: { from: mailFrom ? mailFrom.address : '', to: rcptTo.map((rcpt) => rcpt.address) },
          mail,
        })
        callback()
      }, callback)
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const address = server.server.address()
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

export type ConfigInput = z.input<typeof configSchema>

/** A source that receives on a free port of the loopback interface, and sends through the sink. */
export function emailConfig(sink: { port: number } | undefined, overrides: Partial<ConfigInput> = {}) {
  return parseConfig(plugin, {
    supportAddresses,
    port: 0,
    listenHost: '127.0.0.1',
    serverName: 'mx.northwind.example',
    ...(sink
      ? {
          relayHost: '127.0.0.1',
          relayPort: sink.port,
          relaySecurity: 'none' as const,
          relayUser,
          relayPassword,
          fromAddress: 'support@northwind.example',
          fromName: 'Northwind Support',
        }
      : {}),
    ...overrides,
  })
}

export interface Listening {
  port: number
  running: RunningListener
  context: TestContext
  /** What ingest was given, one entry per message. */
  ingested: EnvelopeInput[][]
}

/** The plugin's listener with an ingest that keeps what it is given (or fails, as a database would). */
export async function startListener(
  config: ReturnType<typeof emailConfig>,
  options: { ingest?: Ingest; now?: Date } = {},
): Promise<Listening> {
  const ingested: EnvelopeInput[][] = []
  const context = createTestContext({
    secrets: [config.relayPassword, config.tlsKey, config.tlsCert],
    ...(options.now ? { clock: { now: () => options.now! } } : {}),
  })
  const ingest =
    options.ingest ??
    (async (envelopes: EnvelopeInput[]) => {
      ingested.push(envelopes)
    })
  const running = await plugin.listener!.start(context.ctx, { config, ingest })
  return { port: Number(new URL(running.address!).port), running, context, ingested }
}

/** Sends through a real SMTP client (nodemailer), as a customer's mail server would. */
export async function deliver(
  port: number,
  message: SendMailOptions,
  options: { requireTLS?: boolean } = {},
) {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: !options.requireTLS,
    requireTLS: options.requireTLS ?? false,
    tls: { rejectUnauthorized: false },
  })
  try {
    return await transport.sendMail(message)
  } finally {
    transport.close()
  }
}

/** The replies to a raw SMTP conversation, until the server closes it (after QUIT, or a 421). */
export function converse(port: number, lines: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const replies: string[] = []
    let buffered = ''
    let next = 0
    socket.setEncoding('utf8')
    socket.on('error', reject)
    socket.on('data', (data: string) => {
      buffered += data
      // A reply is complete at a line "NNN text" (a "NNN-text" line continues it).
      let end = buffered.search(/^\d{3} .*\r\n/m)
      while (end >= 0) {
        const lineEnd = buffered.indexOf('\r\n', end) + 2
        replies.push(buffered.slice(0, lineEnd).trim())
        buffered = buffered.slice(lineEnd)
        if (next < lines.length) socket.write(`${lines[next++]}\r\n`)
        end = buffered.search(/^\d{3} .*\r\n/m)
      }
    })
    socket.on('close', () => resolve(replies))
  })
}
