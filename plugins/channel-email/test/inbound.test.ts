import { ConfigurationError, type EnvelopeInput, parseEnvelopes } from '@rapport/plugin-sdk'
import { afterEach, describe, expect, test } from 'vitest'
import { maxTextLength } from '../src/inbound-message.js'
import { converse, deliver, emailConfig, fixture, type Listening, startListener } from './helpers.js'

const started: Listening[] = []
afterEach(async () => {
  await Promise.all(started.splice(0).map((listening) => listening.running.stop()))
})

async function listener(...args: Parameters<typeof startListener>): Promise<Listening> {
  const listening = await startListener(...args)
  started.push(listening)
  return listening
}

/** A recorded message delivered as it is, with the SMTP envelope a sending server would use. */
function deliverFixture(port: number, name: string, to = 'support@northwind.example') {
  return deliver(port, { envelope: { from: 'bounces@mail.example', to }, raw: fixture(name) })
}

const properties = (envelope: EnvelopeInput | undefined) =>
  envelope?.type === 'track' ? envelope.properties : undefined

const adaQuestionId = '<CAJ7ada-0001@mail.analytical-engines.example>'
const receivedAt = new Date('2026-03-04T08:30:00Z')

describe('receiving mail', () => {
  test('a message becomes a track on the sender’s timeline and an identify of their name', async () => {
    const { port, ingested } = await listener(emailConfig(undefined))
    const sent = await deliverFixture(port, 'ada-question.eml')
    expect(sent.response).toBe('250 2.6.0 Message received')

    expect(ingested).toHaveLength(1)
    const envelopes = ingested[0]!
    expect(parseEnvelopes(envelopes).invalid).toEqual([])
    const identifiers = [{ type: 'email', value: 'ada.lovelace@example.com' }]
    expect(envelopes).toEqual([
      {
        type: 'identify',
        messageId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
        occurredAt: '2026-02-02T09:15:00.000Z',
        identifiers,
        traits: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada.lovelace@example.com' },
      },
      {
        type: 'track',
        messageId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
        occurredAt: '2026-02-02T09:15:00.000Z',
        identifiers,
        event: 'Email received',
        channel: 'email',
        properties: {
          subject: 'Invoice INV-2026-0042 charged twice',
          text: [
            'Hello,',
            '',
            'my card was charged twice for invoice INV-2026-0042 (49.50 EUR each time).',
            'Could you refund one of the charges?',
            '',
            'Best regards,',
            'Ada Lovelace',
            'Analytical Engines Ltd',
            '+44 20 7183 8750',
          ].join('\n'),
          to: ['support@northwind.example'],
          cc: [],
          deliveredTo: ['support@northwind.example'],
          messageId: adaQuestionId,
          references: [],
          threadId: adaQuestionId,
          attachments: [],
        },
      },
    ])
    expect(envelopes[0]!.messageId).not.toBe(envelopes[1]!.messageId)
  })

  test('a reply is threaded: In-Reply-To, References, and the thread’s first message as threadId', async () => {
    const { port, ingested } = await listener(emailConfig(undefined))
    await deliverFixture(port, 'ada-question.eml')
    await deliverFixture(port, 'ada-follow-up.eml')

    const [question, followUp] = ingested.map((envelopes) => properties(envelopes.at(-1)))
    expect(followUp).toMatchObject({
      subject: 'Re: Invoice INV-2026-0042 charged twice',
      messageId: '<CAJ7ada-0002@mail.analytical-engines.example>',
      inReplyTo: '<rapport-reply-7f3a@northwind.example>',
      references: [adaQuestionId, '<rapport-reply-7f3a@northwind.example>'],
      threadId: adaQuestionId,
    })
    expect(followUp!.threadId).toBe(question!.threadId)
    expect(ingested[1]!.at(-1)!.messageId).not.toBe(ingested[0]!.at(-1)!.messageId)
  })

  test('encoded headers, a "Last, First" name, a domain address, Cc and an attachment noted, not kept', async () => {
    const { port, ingested } = await listener(emailConfig(undefined))
    await deliverFixture(port, 'grace-delivery.eml', 'help@help.northwind.example')

    const [identify, track] = ingested[0]!
    expect(identify).toMatchObject({
      type: 'identify',
      occurredAt: '2026-02-18T15:45:30.000Z',
      identifiers: [{ type: 'email', value: 'grace.hopper@example.com' }],
      traits: { firstName: 'Grace', lastName: 'Hopper', email: 'grace.hopper@example.com' },
    })
    expect(track).toMatchObject({ type: 'track', occurredAt: '2026-02-18T15:45:30.000Z' })
    expect(properties(track)).toEqual({
      subject: 'Délai de livraison – commande 1042',
      text: 'Bonjour,\n\nma commande 1042 devait arriver le 12 février. Le bon de livraison est en pièce jointe.\n\nGrace Hopper',
      to: ['help@help.northwind.example'],
      cc: ['ops@cobol.example'],
      deliveredTo: ['help@help.northwind.example'],
      messageId: '<0f3e9d2a-4b1c-4e0a-9d6f-grace@cobol.example>',
      references: [],
      threadId: '<0f3e9d2a-4b1c-4e0a-9d6f-grace@cobol.example>',
      attachments: [{ filename: 'bon-de-livraison-1042.pdf', contentType: 'application/pdf', size: 77 }],
    })
  })

  test('a bare message: no name gives no identify, no Date the receipt time, no Message-ID a hash of the bytes', async () => {
    const { port, ingested } = await listener(emailConfig(undefined), { now: receivedAt })
    await deliverFixture(port, 'alan-bare.eml')
    await deliverFixture(port, 'alan-bare.eml')

    expect(ingested).toHaveLength(2)
    const [first, again] = ingested.map((envelopes) => envelopes)
    expect(first).toEqual([
      {
        type: 'track',
        messageId: expect.stringMatching(/^sha256:/),
        occurredAt: receivedAt.toISOString(),
        identifiers: [{ type: 'email', value: 'alan.turing@example.com' }],
        event: 'Email received',
        channel: 'email',
        properties: {
          subject: 'Password reset link expired',
          text: 'The reset link in your e-mail of this morning had already expired when I clicked it.',
          to: ['support@northwind.example'],
          cc: [],
          deliveredTo: ['support@northwind.example'],
          references: [],
          attachments: [],
        },
      },
    ])
    // Delivered twice, the same message: the inbox keeps one.
    expect(again![0]!.messageId).toBe(first![0]!.messageId)
  })

  test('the same message delivered twice has the same messageIds; another message other ones', async () => {
    const { port, ingested } = await listener(emailConfig(undefined))
    await deliverFixture(port, 'ada-question.eml')
    await deliverFixture(port, 'ada-question.eml', 'help@help.northwind.example')
    await deliverFixture(port, 'ada-follow-up.eml')
    const ids = ingested.map((envelopes) => envelopes.map((envelope) => envelope.messageId))
    expect(ids[1]).toEqual(ids[0])
    expect(ids[2]!.some((id) => ids[0]!.includes(id))).toBe(false)
  })

  test('HTML-only mail, with and without attachments, keeps the text of the HTML', async () => {
    const { port, ingested } = await listener(emailConfig(undefined))
    const html = '<h1>Order 1042</h1><p>Still <b>not</b> delivered.</p><script>alert(1)</script>'
    const mail = {
      from: 'Grace Hopper <grace.hopper@example.com>',
      to: 'support@northwind.example',
      subject: 'Order 1042',
      date: new Date('2026-02-20T10:00:00Z'),
      html,
    }
    await deliver(port, { ...mail, messageId: '<html-1@cobol.example>' })
    await deliver(port, {
      ...mail,
      messageId: '<html-2@cobol.example>',
      attachments: [{ filename: 'parcel.png', content: Buffer.alloc(300, 7), contentType: 'image/png' }],
    })

    const [plain, withAttachment] = ingested.map((envelopes) => properties(envelopes.at(-1)))
    expect(plain!.text).toBe('ORDER 1042\n\nStill not delivered.')
    expect(withAttachment!.text).toBe(plain!.text)
    expect(withAttachment!.attachments).toEqual([
      { filename: 'parcel.png', contentType: 'image/png', size: 300 },
    ])
  })

  test('a long text is cut at maxTextLength and marked as truncated', async () => {
    const { port, ingested } = await listener(emailConfig(undefined))
    const text = 'All work and no play makes Jack a dull boy. '.repeat(1000)
    await deliver(port, { from: 'alan.turing@example.com', to: 'support@northwind.example', text })

    const kept = properties(ingested[0]!.at(-1))!
    expect(kept.text).toBe(text.trim().slice(0, maxTextLength))
    expect(kept.textTruncated).toBe(true)
  })

  test('a Date header that is missing, unreadable or days ahead gives the receipt time', async () => {
    const { port, ingested } = await listener(emailConfig(undefined), { now: receivedAt })
    const message = (date: string) =>
      Buffer.from(
        `From: alan.turing@example.com\r\nTo: support@northwind.example\r\n${date}Subject: x\r\n\r\nx\r\n`,
      )
    for (const date of [
      '',
      'Date: sometime next week\r\n',
      'Date: Fri, 01 Jan 2027 00:00:00 +0000\r\n',
      'Date: Wed, 04 Mar 2026 18:00:00 +0000\r\n',
    ]) {
      await deliver(port, {
        envelope: { from: 'a@mail.example', to: 'support@northwind.example' },
        raw: message(date),
      })
    }
    expect(ingested.map((envelopes) => envelopes[0]!.occurredAt)).toEqual([
      '2026-03-04T08:30:00.000Z',
      '2026-03-04T08:30:00.000Z',
      '2026-03-04T08:30:00.000Z',
      // Later the same day is clock skew, not a mistake: the sender's time stands.
      '2026-03-04T18:00:00.000Z',
    ])
  })
})

describe('what the server refuses', () => {
  test('a recipient that is not a support address gets 550 5.1.1: no open relay', async () => {
    const { port, ingested, context } = await listener(emailConfig(undefined))
    const refused = deliver(port, {
      from: 'ada.lovelace@example.com',
      to: 'friend@elsewhere.example',
      text: 'x',
    })
    await expect(refused).rejects.toMatchObject({
      code: 'EENVELOPE',
      response: '550 5.1.1 friend@elsewhere.example: no such support address here',
    })
    expect(ingested).toEqual([])
    expect(context.logs.map((log) => log.message)).toContain(
      'refused mail for an address that is not a support address',
    )
  })

  test('with a support address among the recipients, only that one takes the message', async () => {
    const { port, ingested } = await listener(emailConfig(undefined))
    const sent = await deliver(port, {
      from: 'ada.lovelace@example.com',
      to: ['SUPPORT@Northwind.Example', 'friend@elsewhere.example', 'billing@help.northwind.example'],
      text: 'x',
    })
    expect(sent.rejected).toEqual(['friend@elsewhere.example'])
    expect(properties(ingested[0]!.at(-1))!.deliveredTo).toEqual([
      'support@northwind.example',
      'billing@help.northwind.example',
    ])
  })

  test('a message over the size limit gets 552 5.3.4 and is not kept', async () => {
    const { port, ingested } = await listener(emailConfig(undefined, { maxMessageBytes: 10_000 }))
    const refused = deliver(port, {
      from: 'ada.lovelace@example.com',
      to: 'support@northwind.example',
      text: 'x'.repeat(20_000),
    })
    await expect(refused).rejects.toMatchObject({
      responseCode: 552,
      response: expect.stringMatching(/^552 5\.3\.4 /),
    })
    expect(ingested).toEqual([])
    // A sender that declares the size (RFC 1870) is told before it sends anything.
    const replies = await converse(port, [
      'EHLO client.example',
      'MAIL FROM:<a@mail.example> SIZE=20000',
      'QUIT',
    ])
    expect(replies[2]).toBe('552 5.3.4 Error: message exceeds fixed maximum message size 10000')
    // Just under the limit still goes through.
    await deliver(port, {
      from: 'ada.lovelace@example.com',
      to: 'support@northwind.example',
      text: 'x'.repeat(8000),
    })
    expect(ingested).toHaveLength(1)
  })

  test('what is not an e-mail message, or has no From address, gets 554 5.6.0', async () => {
    const { port, ingested } = await listener(emailConfig(undefined))
    const envelope = { from: 'a@mail.example', to: 'support@northwind.example' }
    await expect(deliver(port, { envelope, raw: fixture('not-a-message.txt') })).rejects.toMatchObject({
      response: '554 5.6.0 this is not an e-mail message: it does not begin with header fields',
    })
    const noFrom = 'To: support@northwind.example\r\nSubject: who am I\r\n\r\nx\r\n'
    await expect(deliver(port, { envelope, raw: noFrom })).rejects.toMatchObject({
      response: '554 5.6.0 the message has no From address',
    })
    expect(ingested).toEqual([])
  })

  test('a message that could not be stored gets 451 4.3.0; the retry is taken, with the same messageIds', async () => {
    const stored: EnvelopeInput[][] = []
    let attempts = 0
    const { port, context } = await listener(emailConfig(undefined), {
      ingest: async (envelopes) => {
        attempts++
        if (attempts === 1) throw new Error('the inbox is not reachable')
        stored.push(envelopes)
      },
    })
    await expect(deliverFixture(port, 'ada-question.eml')).rejects.toMatchObject({
      responseCode: 451,
      response: '451 4.3.0 Could not take the message just now, try again later',
    })
    expect(context.logs).toContainEqual({
      level: 'error',
      message: 'could not take a received message; the sender will try again',
      fields: { error: 'the inbox is not reachable' },
    })

    await deliverFixture(port, 'ada-question.eml')
    expect(attempts).toBe(2)
    expect(stored).toHaveLength(1)
    expect(properties(stored[0]!.at(-1))!.messageId).toBe(adaQuestionId)
  })
})

describe('the SMTP service', () => {
  test('greets with its name and banner; offers SIZE, no AUTH, and no STARTTLS without a certificate', async () => {
    const { port } = await listener(emailConfig(undefined, { maxMessageBytes: 1_000_000 }))
    const [greeting, ehlo] = await converse(port, ['EHLO client.example', 'QUIT'])
    expect(greeting).toMatch(/^220 mx\.northwind\.example ESMTP Rapport customer mail$/)
    expect(ehlo).toContain('SIZE 1000000')
    expect(ehlo).toContain('ENHANCEDSTATUSCODES')
    expect(ehlo).not.toContain('AUTH')
    expect(ehlo).not.toContain('STARTTLS')
  })

  test('with tlsKey and tlsCert it offers STARTTLS, and mail can come encrypted', async () => {
    const tls = {
      tlsKey: fixture('tls-test-key.pem').toString(),
      tlsCert: fixture('tls-test-cert.pem').toString(),
    }
    const plain = await listener(emailConfig(undefined))
    const secured = await listener(emailConfig(undefined, tls))
    const mail = { from: 'ada.lovelace@example.com', to: 'support@northwind.example', text: 'over TLS' }

    await expect(deliver(plain.port, mail, { requireTLS: true })).rejects.toMatchObject({ code: 'ETLS' })
    await deliver(secured.port, mail, { requireTLS: true })
    expect(secured.ingested).toHaveLength(1)
    const [, ehlo] = await converse(secured.port, ['EHLO client.example', 'QUIT'])
    expect(ehlo).toContain('STARTTLS')
  })

  test('only one of tlsKey and tlsCert is a configuration error', async () => {
    const config = emailConfig(undefined, { tlsKey: fixture('tls-test-key.pem').toString() })
    await expect(startListener(config)).rejects.toThrow(ConfigurationError)
  })

  test('address tells the real port; a port in use is a ConfigurationError that names it', async () => {
    const first = await listener(emailConfig(undefined))
    expect(first.running.address).toBe(`smtp://127.0.0.1:${first.port}`)
    const clash = startListener(emailConfig(undefined, { port: first.port }))
    await expect(clash).rejects.toThrow(ConfigurationError)
    await expect(clash).rejects.toThrow(`port ${first.port} on 127.0.0.1 is in use`)
  })

  test('stop() lets a message being stored finish with 250, then frees the port', async () => {
    let release = () => {}
    let ingestCalled = () => {}
    const calledOnce = new Promise<void>((resolve) => {
      ingestCalled = resolve
    })
    const { port, running } = await startListener(emailConfig(undefined), {
      ingest: () => {
        ingestCalled()
        return new Promise<void>((resolve) => {
          release = resolve
        })
      },
    })
    const delivery = deliverFixture(port, 'ada-question.eml')
    await calledOnce
    let stopped = false
    const stopping = running.stop().then(() => {
      stopped = true
    })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(stopped).toBe(false)

    release()
    await expect(delivery).resolves.toMatchObject({ response: '250 2.6.0 Message received' })
    await stopping
    // The port is free again: a listener can start on it at once.
    const again = await listener(emailConfig(undefined, { port }))
    expect(again.port).toBe(port)
  })

  test('stop() tells an idle session 421 and returns without waiting for it', async () => {
    const { port, running } = await startListener(emailConfig(undefined))
    const conversation = converse(port, ['EHLO client.example'])
    await new Promise((resolve) => setTimeout(resolve, 100))
    await running.stop()
    expect((await conversation).at(-1)).toBe('421 4.4.2 Service shutting down, try again later')
  })
})
