import { describe, expect, test } from 'vitest'
import { z } from 'zod'
import {
  configJsonSchema,
  definePlugin,
  manifestProblems,
  secret,
  secretKeys,
  secretValues,
} from '../src/index.js'

const manifest = {
  id: 'crm-acme',
  name: 'Acme',
  version: '1.0.0',
  sdk: '^1',
  categories: ['crm' as const],
  config: z.object({ apiKey: secret(), region: z.string().default('eu'), hook: secret().optional() }),
}

describe('manifestProblems', () => {
  test('finds nothing wrong in a good manifest, and names each problem of a bad one', () => {
    expect(manifestProblems(manifest)).toEqual([])
    expect(
      manifestProblems({
        ...manifest,
        id: 'Acme CRM',
        version: 'one',
        sdk: '^2',
        categories: ['crm', 'x' as 'crm'],
      }),
    ).toEqual([
      'id "Acme CRM" must be kebab-case',
      'version "one" must be semver',
      'sdk "^2" does not accept this SDK (1.0.0)',
      'unknown category "x"',
    ])
    expect(() => definePlugin({ ...manifest, categories: [] })).toThrow('categories needs at least one')
  })
})

describe('secrets in the config', () => {
  test('secretValues gives the values of the secret fields that are set', () => {
    expect(secretKeys(manifest.config)).toEqual(['apiKey', 'hook'])
    expect(secretValues(manifest.config, { apiKey: 'k', region: 'eu' })).toEqual(['k'])
  })

  test('a field marked writeOnly by another copy of the SDK counts as a secret too', () => {
    const config = z.object({ token: z.string().meta({ writeOnly: true }) })
    expect(secretKeys(config)).toEqual(['token'])
  })

  test('the JSON Schema marks secrets writeOnly', () => {
    const schema = configJsonSchema(manifest.config) as {
      properties: Record<string, Record<string, unknown>>
    }
    expect(schema.properties.apiKey).toMatchObject({ type: 'string', writeOnly: true, format: 'password' })
    expect(schema.properties.hook).toMatchObject({ writeOnly: true })
    expect(schema.properties.region!.writeOnly).toBeUndefined()
  })
})

describe('secrets below the top level', () => {
  test('are refused, naming each, since only top-level secrets are encrypted and redacted', () => {
    const config = z.object({
      apiKey: secret(),
      auth: z.object({ token: secret(), user: z.string() }).optional(),
      extra: z.array(z.object({ password: secret().optional() })),
      other: z.record(z.string(), z.string().meta({ writeOnly: true })),
    })
    expect(manifestProblems({ ...manifest, config })).toEqual(
      ['auth.token', 'extra.[].password', 'other.*'].map(
        (path) =>
          `config field "${path}" uses secret() below the top level; only top-level fields are kept secret (encrypted, redacted), so make it a top-level field`,
      ),
    )
    expect(() => definePlugin({ ...manifest, config })).toThrow(
      /"auth\.token" uses secret\(\) below the top level/,
    )
  })

  test('a recursive schema is walked once per path, not for ever', () => {
    const Folder = z.object({
      name: z.string(),
      get children(): z.ZodArray<typeof Folder> {
        return z.array(Folder)
      },
    })
    const Locked = z.object({
      token: secret(),
      get inner(): z.ZodOptional<typeof Locked> {
        return Locked.optional()
      },
    })
    expect(manifestProblems({ ...manifest, config: z.object({ apiKey: secret(), tree: Folder }) })).toEqual(
      [],
    )
    expect(manifestProblems({ ...manifest, config: z.object({ locked: Locked }) })).toEqual([
      `config field "locked.token" uses secret() below the top level; only top-level fields are kept secret (encrypted, redacted), so make it a top-level field`,
    ])
  })

  test('a top-level secret wrapped in optional, default or a union is still top level', () => {
    const config = z.object({
      a: secret().optional(),
      b: secret().default('x'),
      c: z.union([secret(), z.literal('')]).nullable(),
    })
    expect(manifestProblems({ ...manifest, config })).toEqual([])
    expect(secretKeys(config)).toEqual(['a', 'b', 'c'])
  })
})
