import {
  AuthenticationError,
  ConfigurationError,
  type OutboundMessage,
  PluginError,
  TransientError,
} from '@rapport/plugin-sdk'
import { contextFor } from '@rapport/plugin-testkit'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { plugin } from '../src/index.js'
import {
  type ConfigInput,
  deliver,
  emailConfig,
  fixture,
  greylisted,
  type Listening,
  type Sink,
  startListener,
  startSink,
  unknownRecipient,
  wrongRelayPassword,
} from './helpers.js'

let sink: Sink
beforeAll(async () => {
  sink = await startSink()
})
afterAll(() => sink.close())
afterEach(() => {
  sink.received.length = 0
})

const adaQuestionId = '<CAJ7ada-0001@mail.analytical-engines.example>'

function send(message: Partial<OutboundMessage>, overrides: Partial<ConfigInput> = {}) {
  const config = emailConfig(sink, overrides)
  const context = contextFor(plugin, config)
  const outbound: OutboundMessage = {
    to: 'ada.lovelace@example.com',
    channel: 'email',
    text: 'Hello',
    ...message,
  }
  return { result: plugin.channel!.send(context.ctx, config, outbound), context }
}

function check(overrides: Partial<ConfigInput> = {}) {
  const config = emailConfig(sink, overrides)
  return plugin.check!(contextFor(plugin, config).ctx, config)
}

describe('channel.send', () => {
  test('sends through the relay as the support address, threaded into the customer’s conversation', async () => {
    const { result } = send({
      subject: 'Re: Invoice INV-2026-0042 charged twice',
      text: 'We have refunded the second charge.',
      html: '<p>We have refunded the second charge.</p>',
      inReplyTo: adaQuestionId,
    })
    const { externalId } = await result

    expect(sink.received).toHaveLength(1)
    const [{ envelope, mail }] = sink.received as [Sink['received'][number]]
    expect(envelope).toEqual({ from: 'support@northwind.example', to: ['ada.lovelace@example.com'] })
    expect(mail.from?.value).toEqual([{ name: 'Northwind Support', address: 'support@northwind.example' }])
    expect(mail.to).toMatchObject({ value: [{ address: 'ada.lovelace@example.com' }] })
    expect(mail.subject).toBe('Re: Invoice INV-2026-0042 charged twice')
    expect(mail.text?.trim()).toBe('We have refunded the second charge.')
    expect(mail.html).toBe('<p>We have refunded the second charge.</p>')
    expect(mail.inReplyTo).toBe(adaQuestionId)
    expect(mail.references).toBe(adaQuestionId)
    expect(externalId).toBe(mail.messageId)
    expect(externalId).toMatch(/^<.+@northwind\.example>$/)
  })

  test('an id given without angle brackets is threaded all the same; a new message has no In-Reply-To', async () => {
    await send({ inReplyTo: 'CAJ7ada-0001@mail.analytical-engines.example' }).result
    await send({ subject: 'Your parcel is on its way' }).result
    const [reply, fresh] = sink.received.map((entry) => entry.mail)
    expect(reply!.inReplyTo).toBe(adaQuestionId)
    expect(fresh!.inReplyTo).toBeUndefined()
    expect(fresh!.references).toBeUndefined()
  })

  test('the customer’s answer to a reply lands in the thread of their first message', async () => {
    let inbound: Listening | undefined
    try {
      inbound = await startListener(emailConfig(sink))
      const port = inbound.port
      const envelope = { from: 'bounces@mail.example', to: 'support@northwind.example' }
      await deliver(port, { envelope, raw: fixture('ada-question.eml') })
      const question = inbound.ingested[0]!.at(-1)!
      const questionId = question.type === 'track' ? String(question.properties?.messageId) : ''

      const sent = await send({ subject: 'Re: Invoice', text: 'Refunded.', inReplyTo: questionId }).result
      const externalId = sent.externalId!
      // Ada's mail client answers our reply, as clients do: In-Reply-To ours, References the whole chain.
      const ourReply = sink.received[0]!.mail
      await deliver(port, {
        from: 'Ada Lovelace <ada.lovelace@example.com>',
        to: 'support@northwind.example',
        subject: 'Re: Re: Invoice',
        text: 'Thank you!',
        inReplyTo: externalId,
        references: [...[ourReply.references ?? []].flat(), externalId],
      })
      const answer = inbound.ingested[1]!.at(-1)!
      expect(answer.type === 'track' && answer.properties).toMatchObject({
        inReplyTo: externalId,
        threadId: questionId,
      })
    } finally {
      await inbound?.running.stop()
    }
  })

  test('a temporary refusal by the relay is a TransientError; a final one is an error that is not retried', async () => {
    await expect(send({ to: greylisted }).result).rejects.toThrow(TransientError)
    const refused = send({ to: unknownRecipient }).result
    await expect(refused).rejects.toThrow(/refused the message \(550 5\.1\.1 No such user\)/)
    await expect(refused).rejects.not.toBeInstanceOf(PluginError)
  })

  test('a relay that wants a login and gets none says so: AuthenticationError', async () => {
    const failure = send({}, { relayUser: undefined, relayPassword: undefined }).result
    await expect(failure).rejects.toThrow(AuthenticationError)
    await expect(failure).rejects.toThrow(/it asks for a login, set relayUser and relayPassword \(530 /)
  })

  test('without a relay there is nothing to send through: ConfigurationError', async () => {
    const config = emailConfig(undefined)
    const context = contextFor(plugin, config)
    const message: OutboundMessage = { to: 'ada.lovelace@example.com', channel: 'email', text: 'x' }
    await expect(plugin.channel!.send(context.ctx, config, message)).rejects.toThrow(
      'sending is not configured: set relayHost and fromAddress',
    )
  })

  test('a wrong relay password is an AuthenticationError, without the password in it', async () => {
    const failure = send({}, { relayPassword: wrongRelayPassword }).result
    await expect(failure).rejects.toThrow(AuthenticationError)
    await expect(failure).rejects.not.toThrow(wrongRelayPassword)
    expect(sink.received).toEqual([])
  })
})

describe('check()', () => {
  test('logs in to the relay and says where mail comes in and goes out', async () => {
    await expect(check()).resolves.toEqual({
      message: `Receiving mail for support@northwind.example, @help.northwind.example; sending through 127.0.0.1:${sink.port} as support@northwind.example`,
    })
  })

  test('a source that only receives is fine, and is told that sending is not configured', async () => {
    const config = emailConfig(undefined)
    await expect(plugin.check!(contextFor(plugin, config).ctx, config)).resolves.toEqual({
      message:
        'Receiving mail for support@northwind.example, @help.northwind.example; sending is not configured (no SMTP relay)',
    })
  })

  test('a wrong password is an AuthenticationError with the relay’s answer', async () => {
    const failure = check({ relayPassword: wrongRelayPassword })
    await expect(failure).rejects.toThrow(AuthenticationError)
    await expect(failure).rejects.toThrow(
      `could not connect to the SMTP relay 127.0.0.1:${sink.port}: it refused the user name or password (535 5.7.8 Authentication credentials invalid)`,
    )
  })

  test('a relay that does not answer is a TransientError', async () => {
    const closed = await startSink()
    await closed.close()
    await expect(check({ relayPort: closed.port })).rejects.toThrow(TransientError)
    await expect(check({ relayPort: closed.port })).rejects.toThrow(/ECONNREFUSED/)
  })

  test('TLS the relay does not speak is a ConfigurationError that points at relaySecurity', async () => {
    for (const relaySecurity of ['tls', 'starttls'] as const) {
      const failure = check({ relaySecurity })
      await expect(failure).rejects.toThrow(ConfigurationError)
      await expect(failure).rejects.toThrow(/TLS failed .*; check relaySecurity and relayPort$/)
    }
  })

  test('settings that do not go together are ConfigurationErrors', async () => {
    await expect(check({ fromAddress: undefined })).rejects.toThrow('set fromAddress')
    await expect(check({ relayPassword: undefined })).rejects.toThrow(
      'relayUser and relayPassword go together',
    )
    await expect(check({ tlsCert: fixture('tls-test-cert.pem').toString() })).rejects.toThrow(
      'STARTTLS needs both tlsKey and tlsCert',
    )
  })

  test('the config lower-cases support addresses, refuses what is not one, and has defaults', () => {
    expect(plugin.config.safeParse({ supportAddresses: [] }).success).toBe(false)
    expect(plugin.config.safeParse({ supportAddresses: ['not an address'] }).success).toBe(false)
    const parsed = plugin.config.parse({
      supportAddresses: [' Support@Northwind.Example ', '@Help.Northwind.Example'],
    })
    expect(parsed.supportAddresses).toEqual(['support@northwind.example', '@help.northwind.example'])
    expect(parsed).toMatchObject({ port: 2525, listenHost: '0.0.0.0', maxMessageBytes: 25 * 1024 * 1024 })
  })
})
