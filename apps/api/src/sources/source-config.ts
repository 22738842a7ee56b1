import type { Plugin } from '@rapport/plugin-sdk'
import { secretKeys } from '@rapport/plugin-sdk'
import { badRequest, ProblemError } from '../http/problem.js'
import type { SecretBox } from '../secrets/secret-box.js'

export interface StoredConfig {
  /** The non-secret part, stored as JSON and returned by the API. */
  config: Record<string, unknown>
  /** The secret part, sealed; never returned. */
  secrets: string | null
  secretsSet: string[]
}

/**
 * Validates a plugin config and splits it into what may be shown and what is sealed. On update,
 * secret fields left out or empty keep their stored value: forms never receive secrets to send back.
 * Other fields left out keep theirs too; `null` clears one (a form's emptied optional field).
 */
export function prepareConfig(
  plugin: Plugin,
  box: SecretBox,
  input: Record<string, unknown>,
  previous?: Record<string, unknown>,
  extraSecrets: Record<string, string> = {},
): StoredConfig {
  const secretFields = secretKeys(plugin.config)
  const merged: Record<string, unknown> = { ...(previous ?? {}) }
  for (const [key, value] of Object.entries(input)) {
    if (
      secretFields.includes(key) &&
      (value === undefined || value === '' || value === null) &&
      previous?.[key]
    )
      continue
    if (value === null && !secretFields.includes(key)) delete merged[key]
    else merged[key] = value
  }
  const parsed = plugin.config.safeParse(merged)
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({
      path: ['config', ...i.path.map(String)].join('.'),
      message: i.message,
    }))
    throw badRequest(
      `invalid config for ${plugin.name}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      errors,
    )
  }
  // What is stored is the input, checked: a schema may transform values (a table name into its
  // parts), and its output would not parse again when the source runs. Unknown keys are dropped.
  const known = new Set(Object.keys(plugin.config.shape))
  const config: Record<string, unknown> = {}
  const secrets: Record<string, unknown> = { ...extraSecrets }
  for (const [key, value] of Object.entries(merged)) {
    if (!known.has(key)) continue
    if (secretFields.includes(key)) {
      if (value !== undefined) secrets[key] = value
    } else config[key] = value
  }
  const secretsSet = Object.keys(secrets).filter((k) => secretFields.includes(k))
  return { config, secrets: Object.keys(secrets).length ? box.seal(secrets) : null, secretsSet }
}

/**
 * A source's sealed secrets. A server started with another RAPPORT_SECRET_KEY cannot open them: that
 * is said plainly, rather than as an unexplained error.
 */
export function openSecrets(row: { secrets: string | null }, box: SecretBox): Record<string, unknown> {
  if (!row.secrets) return {}
  try {
    return box.open<Record<string, unknown>>(row.secrets)
  } catch {
    throw new ProblemError(
      500,
      "this source's secrets cannot be decrypted: the server runs with another RAPPORT_SECRET_KEY than the one they were saved with",
    )
  }
}

/** The full config a plugin runs with: shown part plus opened secrets. */
export function fullConfig(
  row: { config: unknown; secrets: string | null },
  box: SecretBox,
): Record<string, unknown> {
  return { ...((row.config ?? {}) as Record<string, unknown>), ...openSecrets(row, box) }
}

/** The config parsed by the plugin; a stored config its (upgraded) plugin no longer accepts is a 409. */
export function runnableConfig(
  plugin: Plugin,
  row: { config: unknown; secrets: string | null },
  box: SecretBox,
) {
  const parsed = plugin.config.safeParse(fullConfig(row, box))
  if (!parsed.success) {
    throw new ProblemError(
      409,
      `the source's config is not valid for ${plugin.name} ${plugin.version}; update it`,
    )
  }
  return parsed.data as Record<string, unknown>
}

export function secretValues(plugin: Plugin, config: Record<string, unknown>): string[] {
  return [...secretKeys(plugin.config), 'writeKey']
    .map((k) => config[k])
    .filter((v): v is string => typeof v === 'string' && v.length > 0)
}
