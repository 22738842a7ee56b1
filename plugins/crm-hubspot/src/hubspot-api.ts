import {
  AuthenticationError,
  ConfigurationError,
  describeIssues,
  type HttpRequest,
  type PluginContext,
} from '@rapport/plugin-sdk'
import { z } from 'zod'
import type { HubSpotConfig } from './config.js'

/**
 * The parts of the HubSpot API this plugin reads (see the README for the pages followed). Answers
 * are validated, so a change on HubSpot's side fails loudly here instead of becoming wrong envelopes.
 */

const time = z.iso.datetime({ offset: true })

/** A CRM object as the v3 object and search endpoints return it: property values are strings or null. */
const crmObjectSchema = z.object({
  id: z.string().min(1),
  properties: z.record(z.string(), z.string().nullable()),
  createdAt: time,
  updatedAt: time,
  archived: z.boolean(),
  archivedAt: time.optional(),
})
export type CrmObject = z.infer<typeof crmObjectSchema>

const pagingSchema = z.object({ next: z.object({ after: z.string().min(1) }).optional() }).optional()

export const searchPageSchema = z.object({
  total: z.number().int(),
  results: z.array(crmObjectSchema),
  paging: pagingSchema,
})

export const listPageSchema = z.object({ results: z.array(crmObjectSchema), paging: pagingSchema })

export const ownersPageSchema = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      email: z.string().nullish(),
      firstName: z.string().nullish(),
      lastName: z.string().nullish(),
    }),
  ),
  paging: pagingSchema,
})

const accountSchema = z.object({
  portalId: z.number().int(),
  uiDomain: z.string(),
  companyCurrency: z.string(),
})

/** The v4 associations batch read; a 207 answer lists objects without associations under `errors`. */
export const associationsSchema = z.object({
  results: z.array(
    z.object({
      from: z.object({ id: z.string() }),
      to: z.array(z.object({ toObjectId: z.union([z.number().int(), z.string()]).transform(String) })),
      paging: pagingSchema,
    }),
  ),
})

/** HubSpot's error body: `{ status: "error", message, correlationId, category }`. */
const errorSchema = z.object({
  message: z.string(),
  category: z.string().optional(),
  correlationId: z.string().optional(),
})

export interface HubSpotCall {
  method?: 'GET' | 'POST'
  path: string
  query?: HttpRequest['query']
  body?: unknown
}

/**
 * One call to HubSpot with the private app token. ctx.http already retries, waits out 429s and
 * throws AuthenticationError on 401/403 (a revoked token, a missing scope); what is left is a 404
 * (not a HubSpot API at that address), another 4xx (the plugin asked something wrong) and an answer
 * that is not what HubSpot documents.
 */
export async function callHubSpot<Schema extends z.ZodType>(
  ctx: PluginContext,
  config: HubSpotConfig,
  call: HubSpotCall,
  schema: Schema,
): Promise<z.infer<Schema>> {
  const method = call.method ?? 'GET'
  const what = `${method} ${call.path}`
  const response = await ctx.http
    .request({
      method,
      url: `${config.baseUrl.replace(/\/+$/, '')}${call.path}`,
      query: call.query,
      body: call.body,
      headers: { authorization: `Bearer ${config.accessToken}` },
    })
    .catch((error: unknown) => {
      if (!(error instanceof AuthenticationError)) throw error
      throw new AuthenticationError(
        'HubSpot refused the access token: copy it again from Settings > Integrations > Private Apps > ' +
          'your app > Auth, and check that the app has the read scopes for contacts, companies, deals ' +
          `and owners. (${error.message})`,
        { cause: error },
      )
    })
  if (response.status === 404) {
    throw new ConfigurationError(`HubSpot has no ${call.path} at ${config.baseUrl}: is the base URL right?`)
  }
  if (response.status >= 400) {
    const refusal = errorSchema.safeParse(response.body)
    const reason = refusal.success
      ? `${refusal.data.category ?? 'error'}: ${refusal.data.message}` +
        (refusal.data.correlationId ? ` (correlationId ${refusal.data.correlationId})` : '')
      : excerpt(response.body)
    throw new Error(`HubSpot refused ${what} with ${response.status}, ${reason}`)
  }
  // ctx.http hands over the text when a JSON answer does not parse.
  if (typeof response.body === 'string') {
    throw new Error(`HubSpot answered ${what} with something that is not JSON: ${excerpt(response.body)}`)
  }
  const parsed = schema.safeParse(response.body)
  if (!parsed.success) {
    throw new Error(`HubSpot sent an unexpected answer to ${what}: ${describeIssues(parsed.error)}`)
  }
  return parsed.data
}

function excerpt(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  return text.length > 200 ? `${text.slice(0, 200)}…` : text
}

export function getAccount(ctx: PluginContext, config: HubSpotConfig) {
  return callHubSpot(ctx, config, { path: '/account-info/v3/details' }, accountSchema)
}
