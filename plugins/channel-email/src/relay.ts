import {
  AuthenticationError,
  ConfigurationError,
  createRedactor,
  type OutboundMessage,
  type PluginContext,
  secretValues,
  TransientError,
} from '@rapport/plugin-sdk'
import nodemailer, { type NodemailerError, type SMTPTransportOptions } from 'nodemailer'
import { configSchema, type EmailConfig, type RelaySecurity } from './config.js'
import { messageIdToken } from './inbound-message.js'

const defaultPorts: Record<RelaySecurity, number> = { tls: 465, starttls: 587, none: 25 }

/** Nodemailer waits minutes by default; a test connection or a reply should know sooner. */
const timeouts = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000 }

interface Relay {
  options: SMTPTransportOptions
  from: { name: string; address: string }
  /** `relay.example.com:587`, for messages. */
  where: string
}

/** The relay settings, or undefined when none is configured (a source that only receives). */
export function relayFrom(config: EmailConfig): Relay | undefined {
  if (!config.relayHost) return undefined
  if (!config.fromAddress) {
    throw new ConfigurationError('set fromAddress, the support address replies are sent from')
  }
  if (Boolean(config.relayUser) !== Boolean(config.relayPassword)) {
    throw new ConfigurationError('relayUser and relayPassword go together: give both, or neither')
  }
  const port = config.relayPort ?? defaultPorts[config.relaySecurity]
  return {
    options: {
      host: config.relayHost,
      port,
      secure: config.relaySecurity === 'tls',
      requireTLS: config.relaySecurity === 'starttls',
      ...(config.relayUser && config.relayPassword
        ? { auth: { user: config.relayUser, pass: config.relayPassword } }
        : {}),
      ...timeouts,
      // Messages are built from text only: never let one read a local file or fetch a URL.
      disableFileAccess: true,
      disableUrlAccess: true,
    },
    from: { name: config.fromName ?? '', address: config.fromAddress },
    where: `${config.relayHost}:${port}`,
  }
}

/** Connects and logs in to the relay (nodemailer's verify), without sending anything. */
export async function verifyRelay(config: EmailConfig, relay: Relay): Promise<void> {
  const transport = nodemailer.createTransport(relay.options)
  try {
    await transport.verify()
  } catch (error) {
    throw relayError(error, config, relay, 'connect to')
  } finally {
    transport.close()
  }
}

/**
 * Sends one message through the relay. A reply carries In-Reply-To and References with the id of
 * the customer's message, so that it lands in the customer's thread. Not retried here: the relay
 * may have taken a message whose answer was lost, and the host decides what a failure means.
 */
export async function sendThroughRelay(
  ctx: PluginContext,
  config: EmailConfig,
  message: OutboundMessage,
): Promise<{ externalId: string }> {
  const relay = relayFrom(config)
  if (!relay) {
    throw new ConfigurationError('sending is not configured: set relayHost and fromAddress')
  }
  if (message.channel !== 'email') {
    throw new ConfigurationError(`the e-mail plugin cannot send ${message.channel} messages`)
  }
  const parent = messageIdToken(message.inReplyTo)
  const transport = nodemailer.createTransport(relay.options)
  try {
    const sent = await transport.sendMail({
      from: relay.from,
      to: message.to,
      ...(message.subject ? { subject: message.subject } : {}),
      text: message.text,
      ...(message.html ? { html: message.html } : {}),
      ...(parent ? { inReplyTo: parent, references: [parent] } : {}),
      signal: ctx.signal,
    })
    ctx.logger.info('e-mail sent', { messageId: sent.messageId, relay: relay.where, inReplyTo: parent })
    return { externalId: sent.messageId }
  } catch (error) {
    throw relayError(error, config, relay, 'send through')
  } finally {
    transport.close()
  }
}

/**
 * Nodemailer's errors as the host understands them. The codes are nodemailer's documented ones
 * (EAUTH, ECONNECTION, ETIMEDOUT...); the reply code tells a temporary refusal (4xx) from a final
 * one (5xx). Messages are redacted: an error text must never carry the relay password.
 */
function relayError(error: unknown, config: EmailConfig, relay: Relay, action: string): Error {
  const redact = createRedactor(secretValues(configSchema, config))
  const failure = error as NodemailerError
  const reason = redact(failure.response ?? failure.message ?? String(error))
  const what = `could not ${action} the SMTP relay ${relay.where}`
  const responseCode = failure.responseCode
  // A TLS handshake that fails (TLS spoken to a plain port, a certificate not trusted) is ESOCKET too.
  const tlsFailed = failure.code === 'ESOCKET' && /ssl|tls|certificate/i.test(reason)
  if (tlsFailed) return new ConfigurationError(tlsAdvice(what, reason))
  if (failure.code === 'ENOAUTH' || responseCode === 530) {
    return new AuthenticationError(
      `${what}: it asks for a login, set relayUser and relayPassword (${reason})`,
    )
  }
  if (failure.code === 'EAUTH' || responseCode === 535 || responseCode === 534) {
    return new AuthenticationError(`${what}: it refused the user name or password (${reason})`)
  }
  switch (failure.code) {
    case 'ETLS':
    case 'EREQUIRETLS':
      return new ConfigurationError(tlsAdvice(what, reason))
    case 'EPROTOCOL':
      return new ConfigurationError(`${what}: it does not answer as an SMTP server (${reason})`)
    case 'ECONFIG':
      return new ConfigurationError(`${what}: ${reason}`)
  }
  if (responseCode !== undefined && failure.permanent) {
    // The relay refused the message for good (a recipient it rejects, a policy): sending it again cannot help.
    return new Error(`${what}: it refused the message (${reason})`)
  }
  return new TransientError(`${what}: ${reason}`)
}

const tlsAdvice = (what: string, reason: string) =>
  `${what}: TLS failed (${reason.trim()}); check relaySecurity and relayPort`
