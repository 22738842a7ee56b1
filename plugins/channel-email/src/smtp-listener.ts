import {
  ConfigurationError,
  type Ingest,
  type ListenerDefinition,
  type PluginContext,
} from '@rapport/plugin-sdk'
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server'
import type { EmailConfig } from './config.js'
import { messageEnvelopes } from './envelopes.js'
import { type InboundMessage, readInboundMessage, UnacceptableMessageError } from './inbound-message.js'
import { isSupportAddress } from './support-addresses.js'

/** How long stop() lets a message that is being received or stored finish before answering 421. */
const closeTimeoutMs = 10_000
/** Each connection may hold a message of up to maxMessageBytes in memory: bound how many there are. */
const maxClients = 100

/** A reply to the sending server; smtp-server adds the enhanced status code (5.1.1, 4.3.0...). */
class SmtpReply extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message)
  }
}

/** STARTTLS needs both halves of the pair; without them the server never offers it. */
export function tlsSettings(config: EmailConfig): { key: string; cert: string } | undefined {
  if (!config.tlsKey && !config.tlsCert) return undefined
  if (!config.tlsKey || !config.tlsCert) {
    throw new ConfigurationError('STARTTLS needs both tlsKey and tlsCert: give both, or neither')
  }
  return { key: config.tlsKey, cert: config.tlsCert }
}

/**
 * The SMTP server that receives mail for the support addresses, as an MX does: anyone may connect
 * without logging in, but only mail for a support address is taken. A message is answered 250
 * only once ingest() says its envelopes are stored; 451 when they could not be (the sending
 * server tries again later, and the messageId makes the retry harmless); 5xx for a message that
 * can never be taken.
 */
export const smtpListener: ListenerDefinition<EmailConfig> = {
  async start(ctx, { config, ingest }) {
    const tls = tlsSettings(config)
    const inFlight = new Set<Promise<void>>()
    const server = new SMTPServer({
      ...(config.serverName ? { name: config.serverName } : {}),
      banner: 'Rapport customer mail',
      size: config.maxMessageBytes,
      // 552 5.3.4 for a message over the limit, whatever onData answers.
      rejectOversized: true,
      authOptional: true,
      // No inbound AUTH: senders are other mail servers. STARTTLS only with a certificate of our own.
      disabledCommands: tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
      ...tls,
      hideENHANCEDSTATUSCODES: false,
      disableReverseLookup: true,
      maxClients,
      closeTimeout: closeTimeoutMs,
      // Logged through ctx.logger below, never smtp-server's own logger.
      logger: false,

      onRcptTo(address, session, callback) {
        if (isSupportAddress(config.supportAddresses, address.address)) return callback()
        ctx.logger.warn('refused mail for an address that is not a support address', {
          recipient: address.address,
          client: session.remoteAddress,
        })
        callback(new SmtpReply(550, `${address.address}: no such support address here`))
      },

      onData(stream, session, callback) {
        const work = receive(ctx, config, ingest, stream, session).then(
          (reply) => callback(null, reply),
          (error: unknown) => callback(error instanceof SmtpReply ? error : localError(ctx, error)),
        )
        inFlight.add(work)
        void work.finally(() => inFlight.delete(work))
      },
    })
    // A client gone mid-session is an 'error' event: logged, it must not crash the process.
    server.on('error', (error) => ctx.logger.warn('SMTP server error', { error: error.message }))

    const port = await listen(server, config.port, config.listenHost)
    const host = config.listenHost.includes(':') ? `[${config.listenHost}]` : config.listenHost
    const address = `smtp://${host}:${port}`
    ctx.logger.info('SMTP server listening', { address, supportAddresses: config.supportAddresses })

    return {
      address,
      async stop() {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()))
        // Messages being received or stored get their answer first; idle sessions are told to come back.
        await Promise.race([Promise.allSettled(inFlight), closed])
        for (const connection of server.connections) {
          connection.send(421, 'Service shutting down, try again later')
          connection.close()
        }
        await closed
        ctx.logger.info('SMTP server stopped', { address })
      },
    }
  },
}

function listen(server: SMTPServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(new ConfigurationError(`port ${port} on ${host} is in use: choose another port`))
      } else if (error.code === 'EACCES') {
        reject(
          new ConfigurationError(`port ${port} needs privileges this server lacks: use a port above 1023`),
        )
      } else {
        reject(error)
      }
    }
    server.server.once('error', failed)
    server.listen(port, host, () => {
      server.server.off('error', failed)
      const address = server.server.address()
      resolve(typeof address === 'object' && address ? address.port : port)
    })
  })
}

/**
 * Reads one message to its end and hands its envelopes to ingest: the reply text once they are
 * stored, or an SmtpReply for a message that can never be taken. Anything else thrown is ours.
 */
async function receive(
  ctx: PluginContext,
  config: EmailConfig,
  ingest: Ingest,
  stream: SMTPServerDataStream,
  session: SMTPServerSession,
): Promise<string> {
  const receivedAt = ctx.clock.now()
  const raw = await readBytes(stream)
  const client = session.remoteAddress
  if (stream.sizeExceeded) {
    ctx.logger.warn('refused a message over the size limit', { bytes: stream.byteLength, client })
    throw new SmtpReply(552, `message exceeds the limit of ${config.maxMessageBytes} bytes`)
  }
  let message: InboundMessage
  try {
    message = await readInboundMessage(raw)
  } catch (error) {
    if (!(error instanceof UnacceptableMessageError)) throw error
    ctx.logger.warn('refused a message that cannot be accepted', { reason: error.message, client })
    throw new SmtpReply(554, error.message)
  }
  const deliveredTo = session.envelope.rcptTo.map((recipient) => recipient.address.toLowerCase())
  await ingest(messageEnvelopes(message, { raw, receivedAt, deliveredTo }))
  ctx.logger.info('e-mail received', {
    from: message.from.address,
    messageId: message.messageId,
    bytes: raw.length,
  })
  return 'Message received'
}

/**
 * Our failure (the inbox could not store the message), not the sender's: 451, so that the sending
 * server keeps the message and tries again later.
 */
function localError(ctx: PluginContext, error: unknown): SmtpReply {
  ctx.logger.error('could not take a received message; the sender will try again', {
    error: error instanceof Error ? error.message : String(error),
  })
  return new SmtpReply(451, 'Could not take the message just now, try again later')
}

/** The whole message; past the size limit the rest is read and dropped (the server answers 552). */
async function readBytes(stream: SMTPServerDataStream): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) {
    if (!stream.sizeExceeded) chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}
