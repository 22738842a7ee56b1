import { ConfigurationError, describeIssues, type PluginContext } from '@rapport/plugin-sdk'
import { z } from 'zod'
import type { AcmeConfig } from './config.js'

/**
 * The parts of the Acme CRM API this plugin reads (see the README). Answers are validated, so a
 * change on Acme's side fails loudly here instead of turning into wrong envelopes.
 */

const time = z.iso.datetime({ offset: true })

export const contactSchema = z.object({
  id: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  company: z.string().nullable(),
  created_at: time,
  updated_at: time,
})
export type AcmeContact = z.infer<typeof contactSchema>

export const ticketSchema = z.object({
  id: z.string(),
  contact_id: z.string(),
  subject: z.string(),
  status: z.enum(['open', 'pending', 'solved', 'closed']),
  priority: z.enum(['low', 'normal', 'high', 'urgent']),
  created_at: time,
  updated_at: time,
  deleted_at: time.nullable(),
})
export type AcmeTicket = z.infer<typeof ticketSchema>

export const accountSchema = z.object({ account: z.object({ id: z.string(), name: z.string() }) })

export function pageSchema<Item extends z.ZodType>(item: Item) {
  return z.object({ data: z.array(item), next_cursor: z.string().nullable() })
}

/**
 * GET an Acme path with the API key. ctx.http already retries, waits out 429s and throws
 * AuthenticationError on 401/403; what is left is a 4xx that means the config is wrong (404: not
 * an Acme API at that address) or the plugin is.
 */
export async function acmeGet<Schema extends z.ZodType>(
  ctx: PluginContext,
  config: AcmeConfig,
  path: string,
  schema: Schema,
  query: Record<string, string | number | undefined> = {},
): Promise<z.infer<Schema>> {
  const response = await ctx.http.request({
    url: `${config.baseUrl.replace(/\/+$/, '')}${path}`,
    query,
    headers: { authorization: `Bearer ${config.apiKey}` },
  })
  if (response.status === 404) {
    throw new ConfigurationError(`Acme CRM has no ${path} at ${config.baseUrl}: is the base URL right?`)
  }
  if (response.status >= 400) {
    throw new Error(`Acme CRM refused GET ${path} (${response.status}): ${JSON.stringify(response.body)}`)
  }
  const parsed = schema.safeParse(response.body)
  if (!parsed.success) {
    throw new Error(`Acme CRM sent an unexpected answer to GET ${path}: ${describeIssues(parsed.error)}`)
  }
  return parsed.data
}
