/**
 * A plugin's config JSON Schema (as the server gives it) turned into form fields, and the form's
 * values turned back into the config to send. Handles what plugin configs use: strings (with url,
 * e-mail and password formats), numbers, booleans, enums, lists of strings, nested objects and
 * unions told apart by a constant field; anything else is edited as JSON.
 */

export type JsonSchema = Record<string, unknown>

interface Base {
  /** Dotted path from the config's root: `mapping.email`. */
  path: string
  key: string
  label: string
  description: string | undefined
  required: boolean
  default: unknown
}

export type FieldSpec =
  | (Base & {
      kind: 'text'
      inputType: 'text' | 'url' | 'email'
      secret: boolean
      multiline: boolean
      minLength: number | undefined
      maxLength: number | undefined
    })
  | (Base & { kind: 'number'; integer: boolean; min: number | undefined; max: number | undefined })
  | (Base & { kind: 'boolean' })
  | (Base & { kind: 'enum'; options: string[] })
  | (Base & { kind: 'list'; minItems: number | undefined })
  /** An object of free keys to strings (identifier type -> column): edited as `key = value` lines. */
  | (Base & { kind: 'map' })
  | (Base & { kind: 'object'; fields: FieldSpec[] })
  | (Base & { kind: 'union'; discriminator: string; variants: UnionVariant[] })
  | (Base & { kind: 'json' })

export interface UnionVariant {
  value: string
  label: string
  fields: FieldSpec[]
}

/** The state of a form: the config as it is being edited, plus text of fields edited as JSON. */
export type FormValues = Record<string, unknown>

const acronyms = new Set([
  'api',
  'url',
  'uri',
  'id',
  'tls',
  'ssl',
  'smtp',
  'http',
  'https',
  'sql',
  'pem',
  'mx',
  'ip',
])

/** `apiKey` -> `API key`, `maxMessageBytes` -> `Max message bytes`, `base_url` -> `Base URL`. */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .split(/\s+/)
    .map((word) => word.toLowerCase())
  return words
    .map((word, index) => {
      if (acronyms.has(word)) return word.toUpperCase()
      return index === 0 ? word.charAt(0).toUpperCase() + word.slice(1) : word
    })
    .join(' ')
}

function asSchema(value: unknown): JsonSchema {
  return typeof value === 'object' && value !== null ? (value as JsonSchema) : {}
}

function typeOf(schema: JsonSchema): string | undefined {
  const type = schema.type
  if (Array.isArray(type)) return type.find((t) => t !== 'null') as string | undefined
  return typeof type === 'string' ? type : undefined
}

/** The fields of an object schema, in the order the plugin declared them. */
export function fieldsOf(schema: JsonSchema, secretFields: readonly string[] = [], prefix = ''): FieldSpec[] {
  const properties = asSchema(schema.properties)
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : [])
  return Object.entries(properties).map(([key, value]) =>
    fieldOf(key, asSchema(value), {
      path: prefix ? `${prefix}.${key}` : key,
      required: required.has(key),
      secret: !prefix && secretFields.includes(key),
    }),
  )
}

function fieldOf(
  key: string,
  schema: JsonSchema,
  { path, required, secret }: { path: string; required: boolean; secret: boolean },
): FieldSpec {
  const description = typeof schema.description === 'string' ? schema.description : undefined
  const base: Base = { path, key, label: humanize(key), description, required, default: schema.default }
  const union = (schema.oneOf ?? schema.anyOf) as unknown
  if (Array.isArray(union)) {
    const spec = unionOf(base, union.map(asSchema))
    return spec ?? { ...base, kind: 'json' }
  }
  const type = typeOf(schema)
  if (Array.isArray(schema.enum) && schema.enum.every((option) => typeof option === 'string')) {
    return { ...base, kind: 'enum', options: schema.enum as string[] }
  }
  if (type === 'string') {
    const format = schema.format
    const isSecret = secret || schema.writeOnly === true || format === 'password'
    return {
      ...base,
      kind: 'text',
      inputType: format === 'uri' || format === 'url' ? 'url' : format === 'email' ? 'email' : 'text',
      secret: isSecret,
      // PEM keys and certificates span lines: a single-line input would lose them.
      multiline: /\bPEM\b/.test(description ?? ''),
      minLength: typeof schema.minLength === 'number' ? schema.minLength : undefined,
      maxLength: typeof schema.maxLength === 'number' ? schema.maxLength : undefined,
    }
  }
  if (type === 'integer' || type === 'number') {
    return {
      ...base,
      kind: 'number',
      integer: type === 'integer',
      min: numberOr(schema.minimum, schema.exclusiveMinimum),
      max: numberOr(schema.maximum, schema.exclusiveMaximum),
    }
  }
  if (type === 'boolean') return { ...base, kind: 'boolean' }
  if (type === 'array' && typeOf(asSchema(schema.items)) === 'string') {
    return {
      ...base,
      kind: 'list',
      minItems: typeof schema.minItems === 'number' ? schema.minItems : undefined,
    }
  }
  if (type === 'object' && schema.properties && !schema.additionalProperties) {
    return { ...base, kind: 'object', fields: fieldsOf(schema, [], path) }
  }
  if (type === 'object' && !schema.properties && typeOf(asSchema(schema.additionalProperties)) === 'string') {
    return { ...base, kind: 'map' }
  }
  return { ...base, kind: 'json' }
}

function numberOr(...values: unknown[]): number | undefined {
  return values.find((value): value is number => typeof value === 'number')
}

/** A union of objects that share a field holding a constant per variant (`kind: 'identify'`). */
function unionOf(base: Base, variants: JsonSchema[]): FieldSpec | undefined {
  if (!variants.length || !variants.every((v) => typeOf(v) === 'object')) return undefined
  const first = asSchema(variants[0]?.properties)
  const discriminator = Object.keys(first).find((key) =>
    variants.every((variant) => typeof asSchema(asSchema(variant.properties)[key]).const === 'string'),
  )
  if (!discriminator) return undefined
  return {
    ...base,
    kind: 'union',
    discriminator,
    variants: variants.map((variant) => {
      const value = asSchema(asSchema(variant.properties)[discriminator]).const as string
      const { [discriminator]: _, ...rest } = asSchema(variant.properties)
      return {
        value,
        label: humanize(value),
        fields: fieldsOf({ ...variant, properties: rest }, [], base.path),
      }
    }),
  }
}

/** The value at a dotted path of the form's state. */
export function valueAt(values: FormValues, path: string): unknown {
  let current: unknown = values
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined
    current = (current as Record<string, unknown>)[part]
  }
  return current
}

/** A copy of the state with one value changed (objects on the way are copied, never mutated). */
export function withValue(values: FormValues, path: string, value: unknown): FormValues {
  const [head, ...rest] = path.split('.') as [string, ...string[]]
  if (!rest.length) return { ...values, [head]: value }
  const inner = values[head]
  return {
    ...values,
    [head]: withValue(
      typeof inner === 'object' && inner !== null ? (inner as FormValues) : {},
      rest.join('.'),
      value,
    ),
  }
}

/**
 * The form's starting state: the stored config (or the schema's defaults for a new source), with
 * lists as text (one item a line) and JSON fields as text. Secrets always start empty.
 */
export function initialValues(fields: FieldSpec[], config: Record<string, unknown> | undefined): FormValues {
  let values: FormValues = {}
  for (const field of fields) {
    const stored = config ? config[field.key] : undefined
    const value = config ? stored : field.default
    values = { ...values, [field.key]: initialValue(field, value, config !== undefined) }
  }
  return values
}

function initialValue(field: FieldSpec, value: unknown, editing: boolean): unknown {
  switch (field.kind) {
    case 'text':
      return field.secret ? '' : typeof value === 'string' ? value : ''
    case 'number':
      return typeof value === 'number' ? String(value) : ''
    case 'boolean':
      return typeof value === 'boolean' ? value : false
    case 'enum':
      return typeof value === 'string'
        ? value
        : field.required || field.default !== undefined
          ? field.options[0]
          : ''
    case 'list':
      return Array.isArray(value) ? value.join('\n') : ''
    case 'map':
      return typeof value === 'object' && value !== null
        ? Object.entries(value)
            .map(([key, item]) => `${key} = ${String(item)}`)
            .join('\n')
        : ''
    case 'object': {
      const inner =
        typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined
      return initialValues(field.fields, inner ?? (editing ? {} : undefined))
    }
    case 'union': {
      const inner =
        typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined
      const chosen =
        field.variants.find((variant) => variant.value === inner?.[field.discriminator]) ?? field.variants[0]
      if (!chosen) return {}
      return {
        [field.discriminator]: chosen.value,
        ...initialValues(chosen.fields, inner ?? (editing ? {} : undefined)),
      }
    }
    case 'json':
      return value === undefined ? '' : JSON.stringify(value, null, 2)
  }
}

export interface BuiltConfig {
  config: Record<string, unknown>
  /** Fields whose text could not be read (invalid JSON), by path. */
  errors: Record<string, string>
}

/**
 * The config to send. On create, empty optional fields are left out; on edit they are sent as
 * null, which clears them. Secrets left empty are never sent: the stored value stays.
 */
export function buildConfig(fields: FieldSpec[], values: FormValues, mode: 'create' | 'edit'): BuiltConfig {
  const errors: Record<string, string> = {}
  const config = buildObject(fields, values, mode, errors)
  return { config, errors }
}

function buildObject(
  fields: FieldSpec[],
  values: FormValues,
  mode: 'create' | 'edit',
  errors: Record<string, string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const field of fields) {
    const raw = values[field.key]
    const value = buildValue(field, raw, mode, errors)
    if (value !== undefined) out[field.key] = value
    else if (mode === 'edit' && !(field.kind === 'text' && field.secret) && !field.path.includes('.'))
      out[field.key] = null
  }
  return out
}

function buildValue(
  field: FieldSpec,
  raw: unknown,
  mode: 'create' | 'edit',
  errors: Record<string, string>,
): unknown {
  switch (field.kind) {
    case 'text': {
      const text = typeof raw === 'string' ? (field.secret || field.multiline ? raw : raw.trim()) : ''
      return text === '' ? undefined : text
    }
    case 'number': {
      const text = typeof raw === 'string' ? raw.trim() : ''
      return text === '' ? undefined : Number(text)
    }
    case 'boolean':
      return raw === true
    case 'enum':
      return typeof raw === 'string' && raw !== '' ? raw : undefined
    case 'list': {
      const items = (typeof raw === 'string' ? raw : '')
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean)
      return items.length || field.required ? items : undefined
    }
    case 'map': {
      const entries: [string, string][] = []
      for (const line of (typeof raw === 'string' ? raw : '').split(/\r?\n/)) {
        if (!line.trim()) continue
        const at = line.indexOf('=')
        if (at < 1) {
          errors[field.path] = `write each line as name = value (“${line.trim()}” has no =)`
          return undefined
        }
        entries.push([line.slice(0, at).trim(), line.slice(at + 1).trim()])
      }
      return entries.length || field.required ? Object.fromEntries(entries) : undefined
    }
    case 'object': {
      const inner = buildObject(field.fields, asSchema(raw), mode, errors)
      return Object.keys(inner).length || field.required ? inner : undefined
    }
    case 'union': {
      const state = asSchema(raw)
      const chosen = field.variants.find((variant) => variant.value === state[field.discriminator])
      if (!chosen) return undefined
      return { [field.discriminator]: chosen.value, ...buildObject(chosen.fields, state, mode, errors) }
    }
    case 'json': {
      const text = typeof raw === 'string' ? raw.trim() : ''
      if (!text) return undefined
      try {
        return JSON.parse(text)
      } catch {
        errors[field.path] = 'is not valid JSON'
        return undefined
      }
    }
  }
}
