import { Body, Controller, Get, Inject, Post } from '@nestjs/common'
import { ApiBearerAuth, ApiCookieAuth } from '@nestjs/swagger'
import {
  type CreateWorkspaceInput,
  createWorkspaceSchema,
  memberWorkspaceSchema,
  workspaceListSchema,
} from '@rapport/api-client'
import type { Kysely } from 'kysely'
import {
  Caller,
  type Origin,
  type Principal,
  RequestOrigin,
  Requires,
  SessionOnly,
} from '../auth/principal.js'
import { DB } from '../database/database.js'
import { Endpoint } from '../http/openapi.js'
import { valid } from '../http/validation.js'
import { findWorkspace, workspacesOfUser } from './workspaces.repository.js'
import { WorkspacesService } from './workspaces.service.js'

@Controller('api/v1/workspaces')
@ApiCookieAuth()
@ApiBearerAuth()
export class WorkspacesController {
  constructor(
    @Inject(WorkspacesService) private readonly workspaces: WorkspacesService,
    @Inject(DB) private readonly db: Kysely<any>,
  ) {}

  @Get()
  @Endpoint({
    tag: 'workspaces',
    summary: 'Workspaces you belong to (a token: its own)',
    response: workspaceListSchema,
  })
  async list(@Caller() caller: Principal) {
    if (caller.kind === 'session') return { items: await workspacesOfUser(this.db, caller.userId) }
    const workspace = await findWorkspace(this.db, caller.workspaceId)
    return { items: workspace ? [{ ...workspace, role: 'admin' as const }] : [] }
  }

  @Post()
  @SessionOnly()
  @Requires('workspaces:write')
  @Endpoint({
    tag: 'workspaces',
    summary: 'Create a workspace; you become its owner',
    status: 201,
    body: createWorkspaceSchema,
    response: memberWorkspaceSchema,
    errors: [403, 409],
  })
  create(
    @Caller() caller: Principal & { kind: 'session' },
    @Body(valid(createWorkspaceSchema)) input: CreateWorkspaceInput,
    @RequestOrigin() origin: Origin,
  ) {
    return this.workspaces.create(caller, input, origin)
  }
}
