import {
  AuthenticationError,
  ConfigurationError,
  describeIssues,
  type PluginContext,
} from '@rapport/plugin-sdk'
import { z } from 'zod'
import type { OdooConfig } from './config.js'

/**
 * Odoo's external JSON-RPC API (README.md): every call is a POST of
 * `{ jsonrpc: '2.0', method: 'call', params: { service, method, args }, id }` to `<baseUrl>/jsonrpc`.
 * A failure comes back with HTTP 200 and an `error` member carrying the server's exception, so the
 * HTTP status alone says nothing: every answer is read here, and turned into a typed error.
 */

const answerSchema = z.object({
  jsonrpc: z.literal('2.0'),
  result: z.unknown().optional(),
  error: z
    .object({
      code: z.number(),
      message: z.string(),
      /** odoo.http.serialize_exception: the exception's dotted class name and its message. */
      data: z.object({ name: z.string(), message: z.string() }).partial().optional(),
    })
    .optional(),
})
type RpcError = NonNullable<z.infer<typeof answerSchema>['error']>

const versionSchema = z.object({ server_version: z.string(), server_serie: z.string().optional() })
export type OdooVersion = z.infer<typeof versionSchema>

/** `false`, a user id, or (for a login Odoo refuses outright) an AccessDenied error. */
const uidSchema = z.union([z.literal(false), z.number().int().positive()])

const fieldsGetSchema = z.record(z.string(), z.object({ type: z.string() }))

/** A domain in Odoo's prefix notation: `[field, operator, value]` terms and the operators '|', '&', '!'. */
export type Domain = readonly unknown[]

export interface SearchReadOptions {
  fields: readonly string[]
  order: string
  limit: number
}

/** Calls made as the authenticated user. */
export interface OdooSession {
  uid: number
  /** `search_read` on a model, each row checked against `row`; a row that does not fit fails the page. */
  searchRead<Row extends z.ZodType>(
    model: string,
    domain: Domain,
    options: SearchReadOptions,
    row: Row,
  ): Promise<z.infer<Row>[]>
  /** Which of `fields` the model has in this database (`fields_get`): they differ between versions. */
  existingFields(model: string, fields: readonly string[]): Promise<string[]>
}

export interface OdooClient {
  /** `common.version`: needs no credentials, so it tells a wrong address from a wrong key. */
  version(): Promise<OdooVersion>
  /** `common.authenticate`: the user id for the login and API key, or AuthenticationError. */
  authenticate(): Promise<OdooSession>
}

export function odooClient(ctx: PluginContext, config: OdooConfig): OdooClient {
  const url = `${config.baseUrl.replace(/\/+$/, '')}/jsonrpc`
  let nextId = 1

  /** One JSON-RPC call; `what` names it in error messages (never with the key in it). */
  async function call(service: string, method: string, args: unknown[], what: string): Promise<unknown> {
    const response = await ctx.http.request({
      method: 'POST',
      url,
      body: { jsonrpc: '2.0', method: 'call', params: { service, method, args }, id: nextId++ },
    })
    if (response.status === 404) {
      throw new ConfigurationError(
        `${config.baseUrl} has no Odoo JSON-RPC endpoint (/jsonrpc answered 404): is the base URL the address of the Odoo instance?`,
      )
    }
    if (response.status >= 400) {
      throw new Error(`Odoo answered ${what} with HTTP ${response.status}${excerpt(response.body)}`)
    }
    if (typeof response.body === 'string') {
      throw new Error(
        `Odoo's answer to ${what} is not valid JSON (cut off, or not Odoo at ${config.baseUrl})${excerpt(response.body)}`,
      )
    }
    const answer = answerSchema.safeParse(response.body)
    if (!answer.success) {
      throw new Error(`Odoo's answer to ${what} is not JSON-RPC: ${describeIssues(answer.error)}`)
    }
    if (answer.data.error) throw rpcFailure(answer.data.error, what, config)
    return answer.data.result
  }

  function parsed<Schema extends z.ZodType>(value: unknown, schema: Schema, what: string): z.infer<Schema> {
    const result = schema.safeParse(value)
    if (!result.success) {
      throw new Error(`Odoo sent an unexpected answer to ${what}: ${describeIssues(result.error)}`)
    }
    return result.data
  }

  return {
    async version() {
      return parsed(await call('common', 'version', [], 'version'), versionSchema, 'version')
    },

    async authenticate() {
      const what = 'authenticate'
      const answer = await call(
        'common',
        'authenticate',
        [config.database, config.login, config.apiKey, {}],
        what,
      )
      const uid = parsed(answer, uidSchema, what)
      if (uid === false) {
        throw new AuthenticationError(
          `Odoo refused the login "${config.login}" on database "${config.database}": check the login and the API key (or password)`,
        )
      }
      const execute = (model: string, method: string, args: unknown[], kwargs: object, label: string) =>
        call(
          'object',
          'execute_kw',
          [config.database, uid, config.apiKey, model, method, args, kwargs],
          `${label} on ${model}`,
        )
      return {
        uid,
        async searchRead(model, domain, options, row) {
          const rows = await execute(model, 'search_read', [domain], options, 'search_read')
          return parsed(rows, z.array(row), `search_read on ${model}`)
        },
        async existingFields(model, fields) {
          const answer = await execute(
            model,
            'fields_get',
            [],
            { allfields: fields, attributes: ['type'] },
            'fields_get',
          )
          const known = parsed(answer, fieldsGetSchema, `fields_get on ${model}`)
          return fields.filter((field) => field in known)
        },
      }
    },
  }
}

/** Odoo's exception, as the error the host knows what to do with. */
function rpcFailure(error: RpcError, what: string, config: OdooConfig): Error {
  const name = error.data?.name ?? ''
  const detail = error.data?.message || error.message
  if (name === 'odoo.exceptions.AccessDenied') {
    return new AuthenticationError(
      `Odoo refused the login "${config.login}" on database "${config.database}" (${detail}): check the login and the API key (or password)`,
    )
  }
  if (name === 'odoo.exceptions.AccessError') {
    return new AuthenticationError(
      `The Odoo user "${config.login}" may not run ${what} (${detail}): give it read access, or turn this stream off`,
    )
  }
  if (/database "[^"]*" does not exist/.test(detail)) {
    return new ConfigurationError(
      `Odoo at ${config.baseUrl} has no database "${config.database}": check the database name`,
    )
  }
  if (/^Object \S+ doesn't exist/.test(detail)) {
    return new ConfigurationError(
      `Odoo cannot run ${what}: ${detail} (is the app that holds it installed?), or turn this stream off`,
    )
  }
  return new Error(`Odoo failed ${what}: ${name ? `${name}: ` : ''}${detail}`)
}

/** The start of what Odoo said, for an error message. */
function excerpt(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  if (!text) return ''
  return `: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`
}
