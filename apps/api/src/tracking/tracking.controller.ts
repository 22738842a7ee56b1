import { Body, Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common'
import { ApiBasicAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger'
import type { FastifyRequest } from 'fastify'
import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import { Public } from '../auth/principal.js'
import { DB } from '../database/database.js'
import { badRequest, forbidden, notFound, unauthorized } from '../http/problem.js'
import { recordRefused } from '../ingestion/dead-letters.repository.js'
import { IngestionService } from '../ingestion/ingestion.service.js'
import { LOGGER } from '../logging/logger.js'
import { SourcesService } from '../sources/sources.service.js'
import {
  maxBatchBytes,
  maxCallBytes,
  segmentBatchSchema,
  segmentMessageSchema,
  segmentToEnvelope,
} from './segment.js'

const calls = new Set(['identify', 'track', 'page', 'screen', 'group', 'alias'])

interface Rejected {
  index: number
  messageId: string | null
  errors: { path: string; message: string }[]
}

/**
 * The Segment-compatible tracking API of `http` sources. Authenticated by the source's write key as
 * the HTTP Basic user name (or `writeKey` in a batch body); 200 only once the batch is committed.
 */
@Controller('v1')
@Public()
@ApiTags('tracking')
@ApiBasicAuth()
export class TrackingController {
  constructor(
    @Inject(DB) private readonly db: Kysely<any>,
    @Inject(IngestionService) private readonly ingestion: IngestionService,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SourcesService) private readonly sourcesService: SourcesService,
  ) {}

  @Post(':call')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'identify, track, page, screen, group, alias or batch (Segment spec); 32 KB a call, 500 KB a batch',
  })
  @ApiBody({ schema: { type: 'object', additionalProperties: true } })
  async receive(
    @Param('call') call: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest & { rawBody?: Buffer },
  ) {
    const isBatch = call === 'batch' || call === 'import'
    if (!isBatch && !calls.has(call)) throw notFound(`/v1/${call}`)
    const size = request.rawBody?.length ?? Number(request.headers['content-length'] ?? 0)
    if (size > (isBatch ? maxBatchBytes : maxCallBytes)) {
      throw badRequest(
        `the request is ${size} bytes; the limit is ${isBatch ? '500 KB a batch' : '32 KB a call'}`,
      )
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw badRequest('the body must be a JSON object')

    const batch = isBatch ? segmentBatchSchema.safeParse(body) : undefined
    if (batch && !batch.success) {
      throw badRequest(
        'invalid batch',
        batch.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
      )
    }
    const source = await this.authenticate(
      request,
      batch?.data?.writeKey ?? (body as { writeKey?: unknown }).writeKey,
    )
    const receivedAt = new Date()
    const messages = batch?.data ? batch.data.batch : [{ ...(body as object), type: call }]
    const envelopes: unknown[] = []
    const rejected: Rejected[] = []
    // No call can be over the limit when the whole body is not; a body of unknown size is measured.
    const measureCalls = !(size > 0) || size > maxCallBytes
    messages.forEach((message, index) => {
      const messageId =
        typeof (message as { messageId?: unknown })?.messageId === 'string'
          ? (message as { messageId: string }).messageId
          : null
      if (measureCalls && JSON.stringify(message ?? null).length > maxCallBytes) {
        rejected.push({ index, messageId, errors: [{ path: '', message: 'the call is larger than 32 KB' }] })
        return
      }
      const parsed = segmentMessageSchema.safeParse(message)
      if (!parsed.success) {
        rejected.push({
          index,
          messageId,
          errors: parsed.error.issues.map((i) => ({
            path: i.path.map(String).join('.'),
            message: i.message,
          })),
        })
        return
      }
      if (!parsed.data.userId && !parsed.data.anonymousId) {
        rejected.push({
          index,
          messageId,
          errors: [{ path: 'userId', message: 'a call needs a userId or an anonymousId' }],
        })
        return
      }
      envelopes.push(segmentToEnvelope(parsed.data, receivedAt, batch?.data))
    })
    const result = await this.ingestion.ingest(source.workspace_id, source.id, envelopes)
    for (const invalid of result.invalid)
      rejected.push({ index: invalid.index, messageId: invalid.messageId, errors: invalid.errors })
    if (rejected.length) {
      await recordRefused(
        this.db,
        source.workspace_id,
        source.id,
        rejected.map((r) => ({ message: messages[r.index], messageId: r.messageId, errors: r.errors })),
      )
      this.logger.warn({ sourceId: source.id, rejected: rejected.length }, 'tracking calls refused')
    }
    if (rejected.length === messages.length) {
      const errors = rejected.flatMap((r) =>
        r.errors.map((e) => ({
          path: isBatch ? `batch.${r.index}${e.path ? `.${e.path}` : ''}` : e.path,
          message: e.message,
        })),
      )
      throw badRequest(
        `nothing was accepted: ${errors.map((e) => `${e.path || 'call'}: ${e.message}`).join('; ')}`,
        errors,
      )
    }
    return {
      success: true,
      accepted: result.accepted,
      duplicates: result.duplicates,
      suppressed: result.suppressed,
      rejected,
    }
  }

  private async authenticate(request: FastifyRequest, bodyKey: unknown) {
    const header = request.headers.authorization
    let key: string | undefined
    if (header?.toLowerCase().startsWith('basic ')) {
      key = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':')[0]
    } else if (typeof bodyKey === 'string') key = bodyKey
    if (!key) throw unauthorized('send the source write key as the HTTP Basic user name')
    const source = await this.sourcesService.byWriteKey(key)
    if (!source) throw unauthorized('unknown write key')
    if (!source.enabled) throw forbidden('this source is disabled')
    return source
  }
}
