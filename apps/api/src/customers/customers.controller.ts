import { Controller, Delete, Get, Inject, Param, Post, Query } from '@nestjs/common'
import { ApiBearerAuth, ApiCookieAuth } from '@nestjs/swagger'
import {
  customerPageSchema,
  customerQuerySchema,
  eraseQuerySchema,
  eraseResultSchema,
  lookupQuerySchema,
  mergeHistorySchema,
  profileSchema,
  recordPageSchema,
  recordQuerySchema,
  timelinePageSchema,
  timelineQuerySchema,
  traitHistorySchema,
  unmergeResultSchema,
} from '@rapport/api-client'
import type { Database } from '@rapport/db'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { Caller, type Origin, type Principal, RequestOrigin, Requires } from '../auth/principal.js'
import { DB } from '../database/database.js'
import { Endpoint } from '../http/openapi.js'
import { beforeCursor, decodeCursor, toPage } from '../http/pagination.js'
import { valid } from '../http/validation.js'
import { recordsQuery, searchCustomers, timeline, toRecordView } from './customers.repository.js'
import { CustomersService } from './customers.service.js'

@Controller('api/v1/customers')
@ApiCookieAuth()
@ApiBearerAuth()
export class CustomersController {
  constructor(
    @Inject(CustomersService) private readonly customers: CustomersService,
    @Inject(DB) private readonly db: Kysely<Database>,
  ) {}

  @Get()
  @Requires('customers:read')
  @Endpoint({
    tag: 'customers',
    summary: 'Search customers by name or any identifier, most recently seen first',
    query: customerQuerySchema,
    response: customerPageSchema,
    errors: [403],
  })
  search(
    @Caller() caller: Principal,
    @Query(valid(customerQuerySchema)) query: z.infer<typeof customerQuerySchema>,
  ) {
    return searchCustomers(this.db, caller.workspaceId, query)
  }

  @Get('lookup')
  @Requires('customers:read')
  @Endpoint({
    tag: 'customers',
    summary: 'The profile owning an identifier',
    query: lookupQuerySchema,
    response: profileSchema,
    errors: [403, 404],
  })
  lookup(
    @Caller() caller: Principal,
    @Query(valid(lookupQuerySchema)) query: z.infer<typeof lookupQuerySchema>,
  ) {
    return this.customers.lookup(caller.workspaceId, query.type, query.value)
  }

  @Get(':id')
  @Requires('customers:read')
  @Endpoint({
    tag: 'customers',
    summary:
      'A profile: traits with provenance, identities, records, lifetime value. A merged id answers with its survivor.',
    response: profileSchema,
    errors: [403, 404],
  })
  profile(@Caller() caller: Principal, @Param('id') id: string) {
    return this.customers.profile(caller.workspaceId, id)
  }

  @Get(':id/timeline')
  @Requires('customers:read')
  @Endpoint({
    tag: 'customers',
    summary: 'Every interaction, newest first, from every source',
    query: timelineQuerySchema,
    response: timelinePageSchema,
    errors: [403, 404],
  })
  async timeline(
    @Caller() caller: Principal,
    @Param('id') id: string,
    @Query(valid(timelineQuerySchema)) query: z.infer<typeof timelineQuerySchema>,
  ) {
    return timeline(this.db, caller.workspaceId, await this.customers.resolve(caller.workspaceId, id), query)
  }

  @Get(':id/records')
  @Requires('customers:read')
  @Endpoint({
    tag: 'customers',
    summary: 'Orders, invoices, subscriptions, deals, tickets… of a customer',
    query: recordQuerySchema,
    response: recordPageSchema,
    errors: [403, 404],
  })
  async records(
    @Caller() caller: Principal,
    @Param('id') id: string,
    @Query(valid(recordQuerySchema)) query: z.infer<typeof recordQuerySchema>,
  ) {
    const customerId = await this.customers.resolve(caller.workspaceId, id)
    let q = recordsQuery(this.db, caller.workspaceId, customerId)
      .orderBy('occurred_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit + 1)
    if (query.type) q = q.where('type', '=', query.type)
    const cursor = decodeCursor(query.cursor, 'uuid')
    if (cursor) q = q.where(beforeCursor(cursor, 'occurred_at', 'id'))
    const rows = await q.execute()
    return toPage(rows.map(toRecordView), query.limit, (last) => [last.occurredAt, last.id])
  }

  @Get(':id/traits/:key')
  @Requires('customers:read')
  @Endpoint({
    tag: 'customers',
    summary: "A trait's value history with provenance",
    response: traitHistorySchema,
    errors: [403, 404],
  })
  traitHistory(@Caller() caller: Principal, @Param('id') id: string, @Param('key') key: string) {
    return this.customers.traitHistory(caller.workspaceId, id, key)
  }

  @Get(':id/merges')
  @Requires('customers:read')
  @Endpoint({
    tag: 'customers',
    summary: 'Merge history (with the reason of each) and conflicts the rules refused',
    response: mergeHistorySchema,
    errors: [403, 404],
  })
  merges(@Caller() caller: Principal, @Param('id') id: string) {
    return this.customers.mergeHistory(caller.workspaceId, id)
  }

  @Post(':id/merges/:mergeId/undo')
  @Requires('customers:write')
  @Endpoint({
    tag: 'customers',
    summary: 'Unmerge: the merged profile takes back what came to it',
    response: unmergeResultSchema,
    errors: [403, 404, 409],
  })
  unmerge(
    @Caller() caller: Principal,
    @Param('id') id: string,
    @Param('mergeId') mergeId: string,
    @RequestOrigin() origin: Origin,
  ) {
    return this.customers.unmerge(caller, id, mergeId, origin)
  }

  @Delete(':id')
  @Requires('customers:erase')
  @Endpoint({
    tag: 'customers',
    summary: 'Erase a customer and every row about them; suppress=true refuses their identifiers from now on',
    query: eraseQuerySchema,
    response: eraseResultSchema,
    errors: [403, 404],
  })
  erase(
    @Caller() caller: Principal,
    @Param('id') id: string,
    @Query(valid(eraseQuerySchema)) query: z.infer<typeof eraseQuerySchema>,
    @RequestOrigin() origin: Origin,
  ) {
    return this.customers.erase(caller, id, query.suppress === 'true', origin)
  }
}
