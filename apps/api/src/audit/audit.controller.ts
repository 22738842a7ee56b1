import { Controller, Get, Inject, Query } from '@nestjs/common'
import { ApiBearerAuth, ApiCookieAuth } from '@nestjs/swagger'
import { auditPageSchema, auditQuerySchema } from '@rapport/api-client'
import type { Kysely } from 'kysely'
import type { z } from 'zod'
import { Caller, type Principal, Requires } from '../auth/principal.js'
import { DB } from '../database/database.js'
import { Endpoint } from '../http/openapi.js'
import { valid } from '../http/validation.js'
import { listAudit } from './audit.repository.js'

@Controller('api/v1/audit-log')
@ApiCookieAuth()
@ApiBearerAuth()
export class AuditController {
  constructor(@Inject(DB) private readonly db: Kysely<any>) {}

  @Get()
  @Requires('audit:read')
  @Endpoint({
    tag: 'audit',
    summary: 'Administrative changes in the workspace, newest first',
    query: auditQuerySchema,
    response: auditPageSchema,
    errors: [403],
  })
  list(@Caller() caller: Principal, @Query(valid(auditQuerySchema)) query: z.infer<typeof auditQuerySchema>) {
    return listAudit(this.db, caller.workspaceId, query)
  }
}
