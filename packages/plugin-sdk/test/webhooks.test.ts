import { describe, expect, test } from 'vitest'
import {
  assertFreshTimestamp,
  ConfigurationError,
  hmacBase64,
  hmacHex,
  safeEqual,
  signStandardWebhook,
  verifyStandardWebhook,
  WebhookVerificationError,
} from '../src/index.js'
import { startServer } from './local-server.js'

describe('HMAC helpers', () => {
  test('match RFC 4231 test case 2', () => {
    const data = 'what do ya want for nothing?'
    expect(hmacHex('Jefe', data)).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843')
    expect(hmacBase64('Jefe', data)).toBe(Buffer.from(hmacHex('Jefe', data), 'hex').toString('base64'))
    expect(hmacHex('Jefe', data, 'sha512')).toMatch(/^164b7a7bfcf819e2/)
  })

  test('safeEqual compares whatever the lengths', () => {
    expect(safeEqual('abc', 'abc')).toBe(true)
    expect(safeEqual('abc', 'abd')).toBe(false)
    expect(safeEqual('abc', 'abcd')).toBe(false)
    expect(safeEqual('', '')).toBe(true)
    expect(safeEqual(Buffer.from('abc'), 'abc')).toBe(true)
  })
})

describe('assertFreshTimestamp', () => {
  const now = new Date('2026-03-01T10:00:00Z')
  const seconds = now.getTime() / 1000

  test('accepts seconds, milliseconds, numeric strings and Dates within the tolerance', () => {
    expect(assertFreshTimestamp(seconds - 299, 300, now)).toEqual(new Date(now.getTime() - 299_000))
    expect(assertFreshTimestamp(now.getTime() + 10_000, 300, now)).toEqual(new Date(now.getTime() + 10_000))
    expect(assertFreshTimestamp(String(seconds), 300, now)).toEqual(now)
    expect(assertFreshTimestamp(now, 0, now)).toBe(now)
  })

  test('rejects a stale, a future or a meaningless timestamp', () => {
    expect(() => assertFreshTimestamp(seconds - 301, 300, now)).toThrow(/^stale timestamp: signed 301 s ago/)
    expect(() => assertFreshTimestamp(seconds + 400, 300, now)).toThrow(/timestamp in the future/)
    expect(() => assertFreshTimestamp('soon', 300, now)).toThrow(WebhookVerificationError)
    expect(() => assertFreshTimestamp(new Date('nope'), 300, now)).toThrow('is not a time')
  })
})

describe('Standard Webhooks', () => {
  // The example of the Standard Webhooks reference libraries' tests.
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek'
  const body = '{"test": 2432232314}'
  const sentAt = new Date(1614265330 * 1000)
  const signature = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='

  function request(headers: Record<string, string>, rawBody = body) {
    return { headers, rawBody: Buffer.from(rawBody), receivedAt: new Date(sentAt.getTime() + 5000) }
  }
  const signed = { 'webhook-id': id, 'webhook-timestamp': '1614265330', 'webhook-signature': signature }

  function failure(run: () => unknown): string {
    try {
      run()
    } catch (error) {
      expect(error).toBeInstanceOf(WebhookVerificationError)
      return (error as Error).message
    }
    throw new Error('expected the verification to fail')
  }

  test('signs as the spec does', () => {
    expect(signStandardWebhook({ id, timestamp: sentAt, body, secret })).toEqual(signed)
  })

  test('verifies a good request and gives its id and time', () => {
    expect(verifyStandardWebhook(request(signed), secret)).toEqual({ id, timestamp: sentAt })
  })

  test('accepts one good signature among several (key rotation) and ignores other versions', () => {
    const headers = { ...signed, 'webhook-signature': `v1a,abc v1,bm90IGl0 ${signature}` }
    expect(verifyStandardWebhook(request(headers), secret).id).toBe(id)
  })

  test('rejects a missing header, naming it', () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const) {
      const { [name]: _, ...rest } = signed
      expect(failure(() => verifyStandardWebhook(request(rest), secret))).toBe(`missing ${name} header`)
    }
  })

  test('rejects a tampered body, a wrong secret and a signature of another version', () => {
    expect(failure(() => verifyStandardWebhook(request(signed, '{"test": 1}'), secret))).toMatch(
      /^bad signature/,
    )
    const other = `whsec_${Buffer.from('another key').toString('base64')}`
    expect(failure(() => verifyStandardWebhook(request(signed), other))).toMatch(/^bad signature/)
    const v2 = { ...signed, 'webhook-signature': signature.replace('v1,', 'v2,') }
    expect(failure(() => verifyStandardWebhook(request(v2), secret))).toMatch(/^bad signature/)
  })

  test('rejects a stale or future timestamp, even with a good signature', () => {
    const late = { ...request(signed), receivedAt: new Date(sentAt.getTime() + 301_000) }
    expect(failure(() => verifyStandardWebhook(late, secret))).toMatch(/^stale timestamp/)
    expect(verifyStandardWebhook(late, secret, { toleranceSeconds: 600 }).id).toBe(id)
  })

  test('a timestamp in the future or in milliseconds is rejected', () => {
    const early = { ...request(signed), receivedAt: new Date(sentAt.getTime() - 400_000) }
    expect(failure(() => verifyStandardWebhook(early, secret))).toMatch(/^timestamp in the future/)
    const millis = { ...signed, 'webhook-timestamp': String(sentAt.getTime()) }
    expect(failure(() => verifyStandardWebhook(request(millis), secret))).toMatch(/future/)
  })

  test('a secret that is not base64 is a configuration problem, not a bad request', () => {
    expect(() => verifyStandardWebhook(request(signed), 'whsec_not base64!')).toThrow(ConfigurationError)
  })

  test('verifies the raw bytes received by a real HTTP server', async () => {
    const results: string[] = []
    const server = await startServer((received, response) => {
      try {
        const headers = Object.fromEntries(
          Object.entries(received.headers).map(([name, value]) => [name, String(value)]),
        )
        verifyStandardWebhook({ headers, rawBody: received.body }, secret)
        results.push('verified')
        response.writeHead(204).end()
      } catch (error) {
        results.push((error as Error).message)
        response.writeHead(401).end()
      }
    })
    try {
      const payload = JSON.stringify({ type: 'contact.updated', data: { name: 'Zoë 🌍' } })
      const headers = signStandardWebhook({ id: 'msg_1', body: payload, secret })
      const good = await fetch(server.url, { method: 'POST', headers, body: payload })
      const bad = await fetch(server.url, { method: 'POST', headers, body: payload.replace('Zoë', 'Zoe') })
      expect([good.status, bad.status]).toEqual([204, 401])
      expect(results).toEqual(['verified', 'bad signature: no v1 signature matches the body'])
    } finally {
      await server.close()
    }
  })
})
