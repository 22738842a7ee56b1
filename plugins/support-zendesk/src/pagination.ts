import type { PluginContext } from '@rapport/plugin-sdk'
import type { z } from 'zod'
import type { ZendeskConfig } from './config.js'
import { type Query, zendeskGet, zendeskGetIfFound } from './zendesk-api.js'

/**
 * The three ways Zendesk pages what this plugin reads. Each yields the pages of one run, validated;
 * where a run starts (start_time) comes from the stream's checkpoint, never from a stored cursor.
 */

type CursorExportPage = { after_cursor: string | null; end_of_stream: boolean }
type TimeExportPage = { end_time: number | null; end_of_stream: boolean }
type CursorListPage = { meta: { has_more: boolean; after_cursor: string | null } }

/**
 * Cursor-based incremental export (users, tickets): the first request gives start_time, the next
 * ones the after_cursor of the page before, until end_of_stream. Up to 1,000 items a page.
 */
export async function* cursorExport<Schema extends z.ZodType<CursorExportPage>>(
  ctx: PluginContext,
  config: ZendeskConfig,
  path: string,
  schema: Schema,
  input: { startTime: number; include?: string },
): AsyncGenerator<z.infer<Schema>> {
  const common = { per_page: 1000, include: input.include }
  let query: Query = { ...common, start_time: input.startTime }
  for (;;) {
    const page = await zendeskGet(ctx, config, path, schema, query)
    yield page
    if (page.end_of_stream || !page.after_cursor) return
    query = { ...common, cursor: page.after_cursor }
  }
}

/**
 * Time-based incremental export (organizations, ticket events): each page's end_time is the next
 * page's start_time, until end_of_stream. The items at end_time come again on the next page; the
 * streams skip them (see position.ts).
 */
export async function* timeExport<Schema extends z.ZodType<TimeExportPage>>(
  ctx: PluginContext,
  config: ZendeskConfig,
  path: string,
  schema: Schema,
  input: { startTime: number },
): AsyncGenerator<z.infer<Schema>> {
  let startTime = input.startTime
  for (;;) {
    const page = await zendeskGet(ctx, config, path, schema, { start_time: startTime })
    yield page
    if (page.end_of_stream) return
    // A full page whose items all share one second ends where it began: asking again would loop.
    if (page.end_time === null || page.end_time <= startTime) {
      throw new Error(
        `Zendesk's export of ${path} does not move past ${new Date(startTime * 1000).toISOString()}: ` +
          'more than 1,000 items changed in that second, which a time-based export cannot page through',
      )
    }
    startTime = page.end_time
  }
}

/**
 * Cursor pagination of an ordinary list (satisfaction ratings, an organization's users), 100 a page.
 * `goneIsEmpty`: the list belongs to an object that may have been deleted since (a 404 ends it).
 */
export async function* cursorList<Schema extends z.ZodType<CursorListPage>>(
  ctx: PluginContext,
  config: ZendeskConfig,
  path: string,
  schema: Schema,
  input: { query?: Query; goneIsEmpty?: boolean } = {},
): AsyncGenerator<z.infer<Schema>> {
  const get = input.goneIsEmpty ? zendeskGetIfFound : zendeskGet
  let after: string | undefined
  for (;;) {
    const page = await get(ctx, config, path, schema, {
      ...input.query,
      'page[size]': 100,
      'page[after]': after,
    })
    if (page === undefined) return
    yield page
    if (!page.meta.has_more || !page.meta.after_cursor) return
    after = page.meta.after_cursor
  }
}
