import type { PluginContext } from '@rapport/plugin-sdk'
import { describe, expect, test, vi } from 'vitest'
import {
  type ConformanceScenario,
  checkBadCredentials,
  checkConfigSchema,
  checkGoodCredentials,
  checkManifest,
  checkNoSecretsLeaked,
  checkStreamDeterminism,
  checkStreamRead,
  checkStreamRerun,
  checkWebhookRejected,
  newEvidence,
} from '../src/checks.js'
import { createTestContext, runPluginConformance, startFixtureServer } from '../src/index.js'
import { type Fault, samplePlugin, sampleScenario } from './sample-plugin.js'

// The whole suite, generated, on a plugin that does everything right (streams, check, a
// non-standard webhook signature, an upload).
runPluginConformance(samplePlugin(), [sampleScenario])

describe('the conformance checks notice a broken plugin', () => {
  const broken = (fault: Fault) => samplePlugin(fault) as never
  const scenario = sampleScenario as unknown as ConformanceScenario

  test('a stream that reads everything again from its checkpoint', async () => {
    await expect(
      checkStreamRerun(broken('rereads'), scenario, 'responses', {}, newEvidence()),
    ).rejects.toThrow(/yielded messageIds the first run had/)
  })

  test('a re-run that yields something older than the first run', async () => {
    const check = (rerun: 'newer' | 'unseen') =>
      checkStreamRerun(broken('older-on-rerun'), scenario, 'responses', { rerun }, newEvidence())
    await expect(check('newer')).rejects.toThrow(
      /older than the first run's latest \(2026-03-02T12:00:00.000Z\)/,
    )
    await expect(check('unseen')).resolves.toBeUndefined()
  })

  test('messageIds that differ from run to run', async () => {
    await expect(
      checkStreamDeterminism(broken('random-ids'), scenario, 'responses', {}, newEvidence()),
    ).rejects.toThrow(/other messageIds for the same input/)
  })

  test('messageIds made from the time of the run, by ctx.clock or by Date', async () => {
    for (const fault of ['dated-ids', 'dated-ids-from-date'] as const) {
      await expect(
        checkStreamDeterminism(broken(fault), scenario, 'responses', {}, newEvidence()),
      ).rejects.toThrow(/other messageIds for the same input a day later/)
    }
    expect(vi.isFakeTimers(), 'the real clock is back').toBe(false)
  })

  test('an envelope the schema rejects', async () => {
    await expect(
      checkStreamRead(broken('invalid-envelope'), scenario, 'responses', {}, newEvidence()),
    ).rejects.toThrow(/#0 .*: score a nps score is a whole number from 0 to 10/)
  })

  test('a request no fixture answers, named instead of the retry error it turns into', async () => {
    await expect(
      checkStreamRead(broken('unknown-path'), scenario, 'responses', {}, newEvidence()),
    ).rejects.toThrow('request(s) without a fixture (answered 599):\n  GET /api/v2/responses')
  })

  test('a request to the real vendor, not sent, even when the plugin swallows the error', async () => {
    const evidence = newEvidence()
    await expect(
      checkStreamRead(broken('hard-coded-host'), scenario, 'responses', {}, evidence),
    ).rejects.toThrow(
      /1 request\(s\) to another origin than the fixture server \(http:\/\/127\.0\.0\.1:\d+\), not sent:\n {2}GET https:\/\/api\.pulse\.example\/api\/responses/,
    )
    const swallowing = {
      ...samplePlugin('hard-coded-host'),
      check: (ctx: PluginContext) =>
        ctx.http.request({ url: 'https://api.pulse.example/api/account' }).catch(() => undefined),
    }
    await expect(checkGoodCredentials(swallowing as never, scenario, evidence)).rejects.toThrow(
      /another origin than the fixture server .*\n {2}GET https:\/\/api\.pulse\.example\/api\/account/,
    )
  })

  test('without a fixture server, a test context calls only loopback addresses', async () => {
    const context = createTestContext({ secrets: ['pulse-key-good'] })
    await expect(
      context.ctx.http.request({ url: 'https://api.pulse.example/v1/pulse-key-good?key=pulse-key-good' }),
    ).rejects.toThrow(
      'the testkit refused GET https://api.pulse.example/v1/[redacted]: a test may only call a loopback address',
    )
    expect(context.refused).toEqual(['GET https://api.pulse.example/v1/[redacted]'])
    const server = await startFixtureServer([{ path: '/ok', body: 'fine' }])
    try {
      expect((await context.ctx.http.request({ url: `${server.baseUrl}/ok` })).body).toBe('fine')
    } finally {
      await server.close()
    }
  })

  test('check() that crashes on bad credentials instead of throwing a typed error', async () => {
    await expect(checkBadCredentials(broken('untyped-auth-error'), scenario, newEvidence())).rejects.toThrow(
      'check() with badConfig threw TypeError: oops; it must throw AuthenticationError or ConfigurationError',
    )
  })

  test('a webhook verify that accepts anything', async () => {
    for (const which of ['tampered', 'stale', 'wrong-signature', 'unsigned'] as const) {
      await expect(
        checkWebhookRejected(broken('accepts-any-webhook'), scenario, which, newEvidence()),
      ).rejects.toThrow(`verify accepted a ${which} request`)
    }
  })

  test('a secret in an envelope', async () => {
    const evidence = newEvidence()
    await checkStreamRead(broken('leaks-key'), scenario, 'responses', {}, evidence)
    expect(() => checkNoSecretsLeaked(evidence)).toThrow(
      /config\.apiKey in an envelope or checkpoint: .*"source":"<config\.apiKey>"/,
    )
  })

  test("a secret in a log line: one source's key remembered and logged in another's run", async () => {
    const plugin = broken('remembers-keys')
    const evidence = newEvidence()
    await checkBadCredentials(plugin, scenario, evidence)
    await checkGoodCredentials(plugin, scenario, evidence)
    expect(() => checkNoSecretsLeaked(evidence)).toThrow(
      /badConfig\.apiKey in a log line: .*"previousKey":"<badConfig\.apiKey>"/,
    )
  })

  test('a secret the JSON Schema does not mark writeOnly, so the form would show it', () => {
    expect(() => checkConfigSchema(broken('blank-allowed-secret'))).toThrow(
      /signingSecret is a secret but not writeOnly/,
    )
  })

  test('a secret() inside an object, which the host would neither encrypt nor redact', () => {
    expect(() => checkManifest(broken('nested-secret'))).toThrow(
      /config field "proxy\.password" uses secret\(\) below the top level/,
    )
  })

  test('a config field that looks like a secret but is not declared with secret()', async () => {
    const { z } = await import('zod')
    const plugin = { ...samplePlugin(), config: z.object({ apiToken: z.string() }) }
    expect(() => checkConfigSchema(plugin as never)).toThrow(
      /apiToken looks like a secret: declare it with secret\(\)/,
    )
  })
})
