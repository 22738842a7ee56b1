import { Body, Controller, Delete, Get, Inject, Param, Post, Put, Query } from '@nestjs/common'
import { ApiBearerAuth, ApiCookieAuth } from '@nestjs/swagger'
import {
  deadLetterPageSchema,
  ingestionHealthSchema,
  ingestionSettingsSchema,
  pageQuerySchema,
  updateIngestionSettingsSchema,
} from '@rapport/api-client'
import { type Kysely, sql } from 'kysely'
import type { z } from 'zod'
import { recordAudit } from '../audit/audit.repository.js'
import { Caller, type Origin, type Principal, RequestOrigin, Requires } from '../auth/principal.js'
import { DB } from '../database/database.js'
import { Endpoint } from '../http/openapi.js'
import { conflict, notFound } from '../http/problem.js'
import { valid } from '../http/validation.js'
import { recomputeTraitsForPriorities } from './current-traits.js'
import { findDeadLetter, listDeadLetters } from './dead-letters.repository.js'
import { IngestionService } from './ingestion.service.js'
import { lockWorkspace } from './workspace-lock.js'
import { ingestionSettings, saveIngestionSettings } from './workspace-settings.repository.js'

@Controller('api/v1')
@ApiCookieAuth()
@ApiBearerAuth()
export class IngestionController {
  constructor(
    @Inject(DB) private readonly db: Kysely<any>,
    @Inject(IngestionService) private readonly ingestion: IngestionService,
  ) {}

  @Get('ingestion/health')
  @Requires('sources:read')
  @Endpoint({
    tag: 'ingestion',
    summary: 'Inbox backlog and lag, throughput, dead letters',
    response: ingestionHealthSchema,
    errors: [403],
  })
  async health(@Caller() caller: Principal) {
    const ws = caller.workspaceId
    const { rows } = await sql<{
      backlog: string
      oldest: Date | null
      processed: string
      accepted: string
      dead: string
    }>`with pending as (
        select i.received_at from inbox_pending p join inbox i on i.id = p.id where i.workspace_id = ${ws}
      )
      select
        (select count(*) from pending) as backlog,
        (select min(received_at) from pending) as oldest,
        (select coalesce(sum(envelopes), 0) from processed_batches
          where workspace_id = ${ws} and processed_at > now() - interval '1 minute') as processed,
        (select count(*) from inbox where workspace_id = ${ws} and received_at > now() - interval '1 minute') as accepted,
        (select count(*) from dead_letters where workspace_id = ${ws}) as dead`.execute(this.db)
    const row = rows[0]!
    const oldest = row.oldest ? new Date(row.oldest) : null
    return {
      backlog: Number(row.backlog),
      oldestPendingAt: oldest?.toISOString() ?? null,
      lagSeconds: oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : 0,
      processedLastMinute: Number(row.processed),
      acceptedLastMinute: Number(row.accepted),
      deadLetters: Number(row.dead),
    }
  }

  @Get('dead-letters')
  @Requires('sources:read')
  @Endpoint({
    tag: 'ingestion',
    summary: 'Envelopes that failed or were refused, with the reason',
    query: pageQuerySchema,
    response: deadLetterPageSchema,
    errors: [403],
  })
  list(@Caller() caller: Principal, @Query(valid(pageQuerySchema)) page: z.infer<typeof pageQuerySchema>) {
    return listDeadLetters(this.db, caller.workspaceId, page)
  }

  @Post('dead-letters/:id/retry')
  @Requires('sources:write')
  @Endpoint({
    tag: 'ingestion',
    summary: 'Put a failed envelope back in the inbox',
    status: 204,
    errors: [403, 404, 409],
  })
  async retry(@Caller() caller: Principal, @Param('id') id: string, @RequestOrigin() origin: Origin) {
    const letter = await findDeadLetter(this.db, caller.workspaceId, id)
    if (!letter) throw notFound('dead letter')
    if (!letter.inbox_id)
      throw conflict(
        'this call was refused as invalid; it cannot be retried: fix the sender, then discard it',
      )
    await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('inbox')
        .set({ attempts: 0, last_error: null })
        .where('id', '=', letter.inbox_id)
        .returning(['partition', 'id'])
        .executeTakeFirst()
      // Gone from the inbox (pruned after the dedupe window, or erased): nothing is left to retry.
      if (!row) throw conflict('this envelope is no longer in the inbox; it cannot be retried')
      await trx
        .insertInto('inbox_pending')
        .values(row)
        .onConflict((oc) => oc.doNothing())
        .execute()
      await trx.deleteFrom('dead_letters').where('id', '=', letter.id).execute()
      await recordAudit(trx, caller.workspaceId, caller, origin, {
        action: 'dead_letter.retried',
        targetType: 'dead_letter',
        targetId: letter.id,
        details: { messageId: letter.message_id },
      })
    })
    this.ingestion.wake()
  }

  @Delete('dead-letters/:id')
  @Requires('sources:write')
  @Endpoint({ tag: 'ingestion', summary: 'Discard a dead letter', status: 204, errors: [403, 404] })
  async discard(@Caller() caller: Principal, @Param('id') id: string, @RequestOrigin() origin: Origin) {
    const letter = await findDeadLetter(this.db, caller.workspaceId, id)
    if (!letter) throw notFound('dead letter')
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('dead_letters').where('id', '=', letter.id).execute()
      await recordAudit(trx, caller.workspaceId, caller, origin, {
        action: 'dead_letter.discarded',
        targetType: 'dead_letter',
        targetId: letter.id,
        details: { messageId: letter.message_id, reason: letter.reason },
      })
    })
  }

  @Get('settings/ingestion')
  @Requires('sources:read')
  @Endpoint({
    tag: 'ingestion',
    summary: 'Identity rules (priorities, limits, blocked values) and trait source priorities',
    response: ingestionSettingsSchema,
    errors: [403],
  })
  async settings(@Caller() caller: Principal) {
    const { identity, traitPriorities } = await ingestionSettings(this.db, caller.workspaceId)
    return { identity, traitPriorities }
  }

  @Put('settings/ingestion')
  @Requires('sources:write')
  @Endpoint({
    tag: 'ingestion',
    summary:
      'Change the identity rules (they apply to data processed from now on) or trait priorities (the current value of each changed trait is recomputed from its observations)',
    body: updateIngestionSettingsSchema,
    response: ingestionSettingsSchema,
    errors: [403],
  })
  async saveSettings(
    @Caller() caller: Principal,
    @Body(valid(updateIngestionSettingsSchema)) input: z.infer<typeof updateIngestionSettingsSchema>,
    @RequestOrigin() origin: Origin,
  ) {
    await this.db.transaction().execute(async (trx) => {
      // After any batch being applied (which read the old settings), before the next (which reads
      // these): the processor reads a workspace's settings under the same lock.
      await lockWorkspace(trx, caller.workspaceId)
      const before = await ingestionSettings(trx, caller.workspaceId)
      await saveIngestionSettings(trx, caller.workspaceId, input)
      // Every observation keeps its provenance, so the profiles need not wait for new data to
      // follow the new priorities.
      if (input.traitPriorities) {
        await recomputeTraitsForPriorities(
          trx,
          caller.workspaceId,
          before.traitPriorities,
          input.traitPriorities,
        )
      }
      await recordAudit(trx, caller.workspaceId, caller, origin, {
        action: 'settings.ingestion_changed',
        targetType: 'workspace',
        targetId: caller.workspaceId,
        details: input,
      })
    })
    this.ingestion.forget(caller.workspaceId)
    return this.settings(caller)
  }
}
