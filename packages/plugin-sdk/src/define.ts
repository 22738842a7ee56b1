import { z } from 'zod'
import { type PluginDefinition, pluginCategories, sdkVersion } from './plugin.js'

const pluginId = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

/**
 * Declares a plugin. A plain object with no framework in it; the host adapts it. Checks the manifest
 * at once so that a mistake shows when the plugin loads, not when it first runs.
 */
export function definePlugin<Schema extends z.ZodObject>(
  definition: PluginDefinition<Schema>,
): PluginDefinition<Schema> {
  const problems = manifestProblems(definition)
  if (problems.length) throw new Error(`invalid plugin ${definition.id ?? '(no id)'}: ${problems.join('; ')}`)
  return Object.freeze(definition)
}

/** What is wrong with a plugin's manifest, in words; empty when nothing. The testkit checks the same. */
export function manifestProblems(definition: PluginDefinition<z.ZodObject>): string[] {
  const problems: string[] = []
  if (!pluginId.test(definition.id)) problems.push(`id "${definition.id}" must be kebab-case`)
  if (!definition.name?.trim()) problems.push('name is required')
  if (!/^\d+\.\d+\.\d+/.test(definition.version ?? ''))
    problems.push(`version "${definition.version}" must be semver`)
  if (!satisfiesMajor(definition.sdk, sdkVersion)) {
    problems.push(`sdk "${definition.sdk}" does not accept this SDK (${sdkVersion})`)
  }
  if (!definition.categories?.length) problems.push('categories needs at least one')
  for (const category of definition.categories ?? []) {
    if (!pluginCategories.includes(category)) problems.push(`unknown category "${category}"`)
  }
  // By its shape, not instanceof: a plugin installed with its own copy of zod is still welcome.
  if ((definition.config as { _zod?: { def?: { type?: string } } })?._zod?.def?.type !== 'object') {
    problems.push('config must be a zod object schema')
  } else {
    for (const path of nestedSecretPaths(definition.config)) {
      problems.push(
        `config field "${path}" uses secret() below the top level; only top-level fields are kept secret (encrypted, redacted), so make it a top-level field`,
      )
    }
  }
  return problems
}

/** `^1`, `^1.2`, `1.x`, `>=1`: the SDK only promises compatibility within a major version. */
function satisfiesMajor(range: string | undefined, version: string): boolean {
  const major = Number(version.split('.')[0])
  const match = /^(\^|~|>=)?(\d+)(?:\.(\d+|x))?(?:\.(\d+|x))?$/.exec((range ?? '').trim())
  if (!match) return false
  const wanted = Number(match[2])
  return match[1] === '>=' ? major >= wanted : major === wanted
}

const secretFields = new WeakSet<z.ZodType>()

/**
 * A config field holding a secret (API key, signing secret): encrypted at rest, masked in forms,
 * never logged or returned by the API.
 */
export function secret(description?: string) {
  const schema = z
    .string()
    .min(1, 'is required')
    .meta({ writeOnly: true, format: 'password', ...(description ? { description } : {}) })
  secretFields.add(schema)
  return schema
}

/** Top-level config keys declared with secret() (optional or not). */
export function secretKeys(config: z.ZodObject): string[] {
  return Object.entries(config.shape)
    .filter(([, field]) => isSecret(field as z.ZodType))
    .map(([key]) => key)
}

/** The values of a config's secret fields: what the host hands to createPluginContext for redaction. */
export function secretValues(config: z.ZodObject, values: Record<string, unknown>): string[] {
  return secretKeys(config)
    .map((key) => values[key])
    .filter((value): value is string => typeof value === 'string' && value.length > 0)
}

function isSecret(field: z.ZodType): boolean {
  return markedSecret(field) || wrapped(field).some(isSecret)
}

function markedSecret(field: z.ZodType): boolean {
  // A plugin installed with its own copy of the SDK marked its secrets in that copy's set; the
  // writeOnly metadata travels with the schema itself, so it is recognised all the same.
  return secretFields.has(field) || field.meta()?.writeOnly === true
}

type Def = {
  type: string
  innerType?: z.ZodType
  in?: z.ZodType
  out?: z.ZodType
  options?: z.ZodType[]
  left?: z.ZodType
  right?: z.ZodType
  shape?: Record<string, z.ZodType>
  element?: z.ZodType
  valueType?: z.ZodType
  items?: z.ZodType[]
  rest?: z.ZodType | null
}
const defOf = (field: z.ZodType) => (field as unknown as { _zod: { def: Def } })._zod.def

/** The schemas a field stands for as it is (optional, default, a union...): same value, same place. */
function wrapped(field: z.ZodType): z.ZodType[] {
  const def = defOf(field)
  return [def.innerType, def.in, def.out, def.left, def.right, ...(def.options ?? [])].filter(
    (inner): inner is z.ZodType => inner !== undefined,
  )
}

/** The schemas of the values a field holds inside it (object fields, array items...), with their path. */
function contained(field: z.ZodType): [string, z.ZodType][] {
  const def = defOf(field)
  const inside: [string, z.ZodType | null | undefined][] = [
    ...Object.entries(def.shape ?? {}),
    ['[]', def.element],
    ['*', def.valueType],
    ...(def.items ?? []).map((item, index): [string, z.ZodType] => [`${index}`, item]),
    ['[]', def.rest],
  ]
  return inside.filter((entry): entry is [string, z.ZodType] => entry[1] != null)
}

/**
 * Where secret() is used inside a top-level field (an object's field, an array's items): the host
 * encrypts and redacts only top-level secrets, so such a field would be stored and shown as it is.
 */
function nestedSecretPaths(config: z.ZodObject): string[] {
  const found = new Set<string>()
  // A recursive schema (an object whose getter field returns the object again) would be walked for
  // ever: a schema already being walked on the way here is not entered again.
  const walking = new WeakSet<z.ZodType>()
  const walk = (field: z.ZodType, path: string, nested: boolean): void => {
    if (walking.has(field)) return
    walking.add(field)
    if (nested && markedSecret(field)) found.add(path)
    for (const inner of wrapped(field)) walk(inner, path, nested)
    for (const [key, inner] of contained(field)) walk(inner, `${path}.${key}`, true)
    walking.delete(field)
  }
  for (const [key, field] of Object.entries(config.shape)) walk(field as z.ZodType, key, false)
  return [...found]
}

/** The config schema as JSON Schema, for forms: secrets carry writeOnly and format password. */
export function configJsonSchema(config: z.ZodObject): Record<string, unknown> {
  const { $schema: _, ...schema } = z.toJSONSchema(config, { io: 'input', unrepresentable: 'any' })
  return schema
}
