import { Body, Controller, Delete, Get, Inject, Param, Patch, Post, Query, Req } from '@nestjs/common'
import { ApiBearerAuth, ApiConsumes, ApiCookieAuth } from '@nestjs/swagger'
import {
  checkResultSchema,
  createdSourceSchema,
  createSourceSchema,
  pageQuerySchema,
  pluginListSchema,
  sourceListSchema,
  sourceSchema,
  syncRunPageSchema,
  syncRunSchema,
  type UpdateSourceInput,
  updateSourceSchema,
  writeKeySchema,
} from '@rapport/api-client'
import type { FastifyRequest } from 'fastify'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { Caller, type Origin, type Principal, RequestOrigin, Requires } from '../auth/principal.js'
import { DB } from '../database/database.js'
import { Endpoint } from '../http/openapi.js'
import { badRequest, notFound } from '../http/problem.js'
import { valid } from '../http/validation.js'
import { findRun, listRuns, toSyncRunView } from './sources.repository.js'
import { hasStreams, SourcesService } from './sources.service.js'
import { SyncRunner } from './sync-runner.js'

const uploadQuerySchema = z.object({
  options: z.string().optional().describe('The upload options as JSON, e.g. the CSV column mapping'),
})

@Controller('api/v1')
@ApiCookieAuth()
@ApiBearerAuth()
export class SourcesController {
  constructor(
    @Inject(SourcesService) private readonly sources: SourcesService,
    @Inject(SyncRunner) private readonly runner: SyncRunner,
    @Inject(DB) private readonly db: Kysely<any>,
  ) {}

  @Get('plugins')
  @Requires('sources:read')
  @Endpoint({
    tag: 'sources',
    summary: 'The catalog of installed plugins, with their config schemas',
    response: pluginListSchema,
    errors: [403],
  })
  plugins() {
    return { items: this.sources.catalog() }
  }

  @Get('sources')
  @Requires('sources:read')
  @Endpoint({
    tag: 'sources',
    summary: 'Sources of the workspace, with their last run',
    response: sourceListSchema,
    errors: [403],
  })
  async list(@Caller() caller: Principal) {
    return { items: await this.sources.list(caller.workspaceId) }
  }

  @Post('sources')
  @Requires('sources:write')
  @Endpoint({
    tag: 'sources',
    summary: 'Add a source: a configured plugin. An http source answers with its write key.',
    status: 201,
    body: createSourceSchema,
    response: createdSourceSchema,
    errors: [403],
  })
  create(
    @Caller() caller: Principal,
    @Body(valid(createSourceSchema)) input: z.output<typeof createSourceSchema>,
    @RequestOrigin() origin: Origin,
  ) {
    return this.sources.create(caller, input, origin)
  }

  @Get('sources/:id')
  @Requires('sources:read')
  @Endpoint({
    tag: 'sources',
    summary: 'One source (never its secrets)',
    response: sourceSchema,
    errors: [403, 404],
  })
  get(@Caller() caller: Principal, @Param('id') id: string) {
    return this.sources.get(caller.workspaceId, id)
  }

  @Patch('sources/:id')
  @Requires('sources:write')
  @Endpoint({
    tag: 'sources',
    summary: 'Rename, reconfigure, enable or disable, schedule',
    body: updateSourceSchema,
    response: sourceSchema,
    errors: [403, 404],
  })
  update(
    @Caller() caller: Principal,
    @Param('id') id: string,
    @Body(valid(updateSourceSchema)) input: UpdateSourceInput,
    @RequestOrigin() origin: Origin,
  ) {
    return this.sources.update(caller, id, input, origin)
  }

  @Delete('sources/:id')
  @Requires('sources:write')
  @Endpoint({
    tag: 'sources',
    summary: 'Delete a source; data it brought stays',
    status: 204,
    errors: [403, 404],
  })
  remove(@Caller() caller: Principal, @Param('id') id: string, @RequestOrigin() origin: Origin) {
    return this.sources.remove(caller, id, origin)
  }

  @Post('sources/:id/check')
  @Requires('sources:write')
  @Endpoint({
    tag: 'sources',
    summary: 'Test the connection with the stored config',
    response: checkResultSchema,
    errors: [403, 404],
  })
  check(@Caller() caller: Principal, @Param('id') id: string) {
    return this.sources.check(caller.workspaceId, id)
  }

  @Get('sources/:id/write-key')
  @Requires('sources:write')
  @Endpoint({
    tag: 'sources',
    summary: 'The write key of an http source',
    response: writeKeySchema,
    errors: [403, 404],
  })
  async writeKey(@Caller() caller: Principal, @Param('id') id: string) {
    return { writeKey: await this.sources.writeKey(caller.workspaceId, id) }
  }

  @Post('sources/:id/sync')
  @Requires('sources:write')
  @Endpoint({
    tag: 'sources',
    summary: 'Run a sync now; answers at once with the running run',
    status: 202,
    response: syncRunSchema,
    errors: [403, 404, 409],
  })
  async sync(@Caller() caller: Principal, @Param('id') id: string) {
    const row = await this.sources.row(caller.workspaceId, id)
    const plugin = this.sources.pluginOf(row)
    if (!hasStreams(plugin)) throw badRequest(`${plugin.name} has nothing to sync`)
    if (!row.enabled) throw badRequest('this source is disabled; enable it first')
    return this.runner.startSync(caller.workspaceId, row.id, 'manual')
  }

  @Post('sources/:id/uploads')
  @Requires('sources:write')
  @ApiConsumes('text/csv', 'application/octet-stream')
  @Endpoint({
    tag: 'sources',
    summary: 'Upload a file (e.g. a CSV) to a source whose plugin reads uploads; progress shows on the run',
    status: 202,
    query: uploadQuerySchema,
    response: syncRunSchema,
    errors: [403, 404, 409, 415],
  })
  async upload(
    @Caller() caller: Principal,
    @Param('id') id: string,
    @Query(valid(uploadQuerySchema)) query: z.infer<typeof uploadQuerySchema>,
    @Req() request: FastifyRequest,
  ) {
    const row = await this.sources.row(caller.workspaceId, id)
    const plugin = this.sources.pluginOf(row)
    if (!plugin.upload) throw badRequest(`${plugin.name} does not read uploads`)
    const content = Buffer.isBuffer(request.body)
      ? request.body
      : typeof request.body === 'string'
        ? Buffer.from(request.body)
        : undefined
    if (!content?.length) throw badRequest('send the file as the request body')
    let options: unknown
    try {
      options = query.options ? JSON.parse(query.options) : {}
    } catch {
      throw badRequest('options must be JSON', [{ path: 'options', message: 'is not valid JSON' }])
    }
    const parsed = plugin.upload.options.safeParse(options)
    if (!parsed.success) {
      const errors = parsed.error.issues.map((i) => ({
        path: ['options', ...i.path.map(String)].join('.'),
        message: i.message,
      }))
      throw badRequest(
        `invalid upload options: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
        errors,
      )
    }
    return this.runner.startUpload(caller.workspaceId, row.id, content, parsed.data)
  }

  @Get('sources/:id/runs')
  @Requires('sources:read')
  @Endpoint({
    tag: 'sources',
    summary: 'Sync runs of a source, newest first',
    query: pageQuerySchema,
    response: syncRunPageSchema,
    errors: [403, 404],
  })
  async runs(
    @Caller() caller: Principal,
    @Param('id') id: string,
    @Query(valid(pageQuerySchema)) page: z.infer<typeof pageQuerySchema>,
  ) {
    const row = await this.sources.row(caller.workspaceId, id)
    return listRuns(this.db, caller.workspaceId, row.id, page)
  }

  @Get('sync-runs/:id')
  @Requires('sources:read')
  @Endpoint({
    tag: 'sources',
    summary: 'One sync run: status, counts, progress, error',
    response: syncRunSchema,
    errors: [403, 404],
  })
  async run(@Caller() caller: Principal, @Param('id') id: string) {
    const run = z.uuid().safeParse(id).success ? await findRun(this.db, caller.workspaceId, id) : undefined
    if (!run) throw notFound('sync run')
    return toSyncRunView(run)
  }
}
