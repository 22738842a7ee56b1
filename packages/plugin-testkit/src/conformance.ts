import type { PluginDefinition } from '@rapport/plugin-sdk'
import { describe, expect, test } from 'vitest'
import type { z } from 'zod'
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
  checkUpload,
  checkWebhookAccepted,
  checkWebhookRejected,
  expectNone,
  newEvidence,
} from './checks.js'

const rejectedWebhooks = {
  tampered: 'a tampered body',
  stale: 'a stale timestamp',
  'wrong-signature': 'a wrong signature',
  unsigned: 'an unsigned request',
} as const

/**
 * Generates the conformance tests of a plugin: call it once, at the top level of the plugin's test
 * file, with one scenario or more (each a set of recorded vendor answers and the configs to use).
 * Every stream is read in every scenario; check(), the webhook and uploads where the plugin has them.
 */
export function runPluginConformance<Schema extends z.ZodObject>(
  plugin: PluginDefinition<Schema>,
  scenarios: readonly ConformanceScenario<Schema>[],
): void {
  // The checks take any plugin; the generic parameter only serves to type the scenarios.
  const anyPlugin = plugin as unknown as PluginDefinition<z.ZodObject>
  describe(`${plugin.id} conformance`, () => {
    describe('manifest', () => {
      test('id is kebab-case, version semver, the sdk range accepts this SDK, categories are known', () => {
        checkManifest(anyPlugin)
      })
      test('config schema exports as JSON Schema, with every secret() field writeOnly', () => {
        checkConfigSchema(anyPlugin)
      })
      test('the scenarios exercise everything the plugin has', () => {
        expect(scenarios.length, 'at least one scenario').toBeGreaterThan(0)
        const missing = [
          plugin.check && !scenarios.some((s) => s.badConfig) && 'check() with bad credentials (badConfig)',
          plugin.webhook && !scenarios.some((s) => s.webhook) && 'the webhook (webhook: { body, sign })',
          plugin.upload && !scenarios.some((s) => s.upload) && 'the upload (upload: { content })',
        ].filter((item): item is string => typeof item === 'string')
        expectNone(missing, 'no scenario covers')
      })
    })

    for (const scenario of scenarios as readonly ConformanceScenario[]) {
      describe(`scenario: ${scenario.name}`, () => {
        const evidence = newEvidence()

        if (plugin.check) {
          test('check() succeeds with good credentials', () =>
            checkGoodCredentials(anyPlugin, scenario, evidence))
          if (scenario.badConfig) {
            test('check() fails with AuthenticationError or ConfigurationError with bad credentials', () =>
              checkBadCredentials(anyPlugin, scenario, evidence))
          }
        }

        for (const stream of Object.keys(plugin.streams ?? {})) {
          const options = scenario.streams?.[stream]
          if (options === false) continue
          describe(`stream ${stream}`, () => {
            test('every envelope passes the envelope schema, every checkpoint its schema', () =>
              checkStreamRead(anyPlugin, scenario, stream, options ?? {}, evidence))
            if (options?.rerun !== 'skip') {
              test('a re-run from the last checkpoint yields nothing seen before and nothing older', () =>
                checkStreamRerun(anyPlugin, scenario, stream, options ?? {}, evidence))
            }
            test('the same input gives the same messageIds and checkpoint', () =>
              checkStreamDeterminism(anyPlugin, scenario, stream, options ?? {}, evidence))
          })
        }

        if (plugin.webhook && scenario.webhook) {
          describe('webhook', () => {
            test('verify accepts a correctly signed request and parse gives valid envelopes', () =>
              checkWebhookAccepted(anyPlugin, scenario, evidence))
            for (const [which, label] of Object.entries(rejectedWebhooks)) {
              test(`verify rejects ${label} with WebhookVerificationError`, () =>
                checkWebhookRejected(anyPlugin, scenario, which as keyof typeof rejectedWebhooks, evidence))
            }
          })
        }

        if (plugin.upload && scenario.upload) {
          test('upload parse yields valid envelopes, with progress up to 1', () =>
            checkUpload(anyPlugin, scenario, evidence))
        }

        // Last, so that it sees what every test above logged, threw and produced.
        test('no secret of the configs reaches a log line, an error message, an envelope or a checkpoint', () =>
          checkNoSecretsLeaked(evidence))
      })
    }
  })
}
