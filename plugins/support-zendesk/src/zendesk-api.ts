import { ConfigurationError, describeIssues, type PluginContext } from '@rapport/plugin-sdk'
import { z } from 'zod'
import { apiBase, authorization, type ZendeskConfig } from './config.js'

/**
 * The parts of the Zendesk Support API this plugin reads (see the README). Answers are validated
 * whole before anything is made of them, so a change on Zendesk's side, or a cut-off body, fails the
 * page loudly instead of turning into wrong envelopes or half a batch.
 */

const time = z.iso.datetime({ offset: true })
const id = z.number().int()

export const userSchema = z.object({
  id,
  name: z.string().nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  role: z.string(),
  /** false once the user is deleted. */
  active: z.boolean(),
  suspended: z.boolean().default(false),
  external_id: z.string().nullish(),
  organization_id: id.nullish(),
  created_at: time,
  updated_at: time,
})
export type ZendeskUser = z.infer<typeof userSchema>

export const organizationSchema = z.object({
  id,
  name: z.string(),
  domain_names: z.array(z.string()).default([]),
  created_at: time,
  updated_at: time,
  deleted_at: time.nullish(),
})
export type ZendeskOrganization = z.infer<typeof organizationSchema>

export const ticketSchema = z.object({
  id,
  subject: z.string().nullish(),
  /** new, open, pending, hold, solved, closed, or deleted in the incremental export. */
  status: z.string(),
  priority: z.string().nullish(),
  type: z.string().nullish(),
  requester_id: id,
  via: z.object({ channel: z.string() }).nullish(),
  tags: z.array(z.string()).default([]),
  created_at: time,
  updated_at: time,
  /** Moves on every update, system ones too: what the incremental export's start_time compares with. */
  generated_timestamp: z.number().int(),
})
export type ZendeskTicket = z.infer<typeof ticketSchema>

/** One field set (Create) or changed (Change) by an update: the field's name is the key of its new value. */
const childEventSchema = z.object({
  id,
  event_type: z.string(),
  status: z.unknown().optional(),
  previous_value: z.unknown().optional(),
})

/** One update of a ticket (an audit), with what it set or changed. */
export const ticketEventSchema = z.object({
  id,
  ticket_id: id,
  timestamp: z.number().int(),
  created_at: time,
  event_type: z.string(),
  child_events: z.array(childEventSchema).default([]),
})
export type ZendeskTicketEvent = z.infer<typeof ticketEventSchema>

export const satisfactionRatingSchema = z.object({
  id,
  ticket_id: id.nullish(),
  requester_id: id,
  assignee_id: id.nullish(),
  group_id: id.nullish(),
  /** offered, unoffered, good or bad. */
  score: z.string(),
  comment: z.string().nullish(),
  reason: z.string().nullish(),
  created_at: time,
  updated_at: time,
})
export type ZendeskSatisfactionRating = z.infer<typeof satisfactionRatingSchema>

export const meSchema = z.object({
  user: z.object({
    /** null for the anonymous user Zendesk answers with when it did not take the credentials. */
    id: id.nullable(),
    name: z.string().nullish(),
    email: z.string().nullish(),
    role: z.string().nullish(),
    url: z.string().nullish(),
  }),
})

/** Cursor-based incremental exports (users, tickets): follow after_cursor until end_of_stream. */
const cursorExport = { after_cursor: z.string().nullable(), end_of_stream: z.boolean() }
/** Time-based incremental exports (organizations, ticket events): the next start_time is end_time. */
const timeExport = { end_time: z.number().int().nullable(), end_of_stream: z.boolean() }
/** Cursor pagination of ordinary lists: page[after] = meta.after_cursor while meta.has_more. */
const cursorPage = { meta: z.object({ has_more: z.boolean(), after_cursor: z.string().nullable() }) }

export const usersExportSchema = z.object({
  ...cursorExport,
  users: z.array(userSchema),
  organizations: z.array(organizationSchema).default([]),
})
export const ticketsExportSchema = z.object({
  ...cursorExport,
  tickets: z.array(ticketSchema),
  users: z.array(userSchema).default([]),
})
export const organizationsExportSchema = z.object({
  ...timeExport,
  organizations: z.array(organizationSchema),
})
export const ticketEventsExportSchema = z.object({ ...timeExport, ticket_events: z.array(ticketEventSchema) })
export const satisfactionRatingsPageSchema = z.object({
  ...cursorPage,
  satisfaction_ratings: z.array(satisfactionRatingSchema),
})
export const usersPageSchema = z.object({ ...cursorPage, users: z.array(userSchema) })
export const ticketsShowManySchema = z.object({
  tickets: z.array(z.object({ id, requester_id: id })),
  users: z.array(userSchema).default([]),
})

export type Query = Record<string, string | number | undefined>

/**
 * GET a Zendesk path with the API token. ctx.http already retries, waits out 429s (Retry-After) and
 * throws AuthenticationError on 401/403; what is left is a 404 (no Zendesk there, or the object is
 * gone) and the 4xx that mean the request itself is wrong.
 */
export async function zendeskGet<Schema extends z.ZodType>(
  ctx: PluginContext,
  config: ZendeskConfig,
  path: string,
  schema: Schema,
  query: Query = {},
): Promise<z.infer<Schema>> {
  const found = await zendeskGetIfFound(ctx, config, path, schema, query)
  if (found === undefined) {
    throw new ConfigurationError(`Zendesk has no ${path} at ${apiBase(config)}: is the subdomain right?`)
  }
  return found
}

/** The same, for an object that may have been deleted meanwhile: undefined on a 404. */
export async function zendeskGetIfFound<Schema extends z.ZodType>(
  ctx: PluginContext,
  config: ZendeskConfig,
  path: string,
  schema: Schema,
  query: Query = {},
): Promise<z.infer<Schema> | undefined> {
  const response = await ctx.http.request({
    url: `${apiBase(config)}${path}`,
    query,
    headers: { authorization: authorization(config) },
  })
  if (response.status === 404) return undefined
  if (response.status >= 400) {
    throw new Error(`Zendesk refused GET ${path} (${response.status}): ${zendeskError(response.body)}`)
  }
  const parsed = schema.safeParse(response.body)
  if (!parsed.success) {
    const why = typeof response.body === 'string' ? 'the body is not JSON' : describeIssues(parsed.error)
    throw new Error(`Zendesk sent an unexpected answer to GET ${path}: ${why}`)
  }
  return parsed.data
}

/** Zendesk's error bodies: `{ error, description }` or `{ error: { title, message } }`, or plain text. */
const errorBodySchema = z.union([
  z.object({ error: z.string(), description: z.string().optional() }),
  z.object({ error: z.object({ title: z.string(), message: z.string() }) }),
])

function zendeskError(body: unknown): string {
  const parsed = errorBodySchema.safeParse(body)
  if (!parsed.success) return typeof body === 'string' ? body.slice(0, 200) : JSON.stringify(body)
  const { error } = parsed.data
  if (typeof error !== 'string') return `${error.title}: ${error.message}`
  const description = 'description' in parsed.data ? parsed.data.description : undefined
  return description ? `${error}: ${description}` : error
}
