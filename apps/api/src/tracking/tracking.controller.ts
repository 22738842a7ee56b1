import { Body, Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common'
import { ApiBasicAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger'
import type { FastifyRequest } from 'fastify'
import { Public } from '../auth/principal.js'
import { badRequest, forbidden, notFound, unauthorized } from '../http/problem.js'
import { SourcesService } from '../sources/sources.service.js'
import { maxBatchBytes, maxCallBytes } from './segment.js'
import { parseBody, TRACKING_INTAKE, type TrackingIntake } from './tracking-intake.js'

const calls = new Set(['identify', 'track', 'page', 'screen', 'group', 'alias'])

/**
 * The Segment-compatible tracking API of `http` sources. Authenticated by the source's write key as
 * the HTTP Basic user name (or `writeKey` in a batch body); 200 only once the batch is committed.
 * The body arrives as bytes (see server.ts): the intake parses it, on its own thread when it can.
 */
@Controller('v1')
@Public()
@ApiTags('tracking')
@ApiBasicAuth()
export class TrackingController {
  constructor(
    @Inject(TRACKING_INTAKE) private readonly intake: TrackingIntake,
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
    const size =
      request.rawBody?.length ??
      (body instanceof Uint8Array ? body.length : Number(request.headers['content-length'] ?? 0))
    if (size > (isBatch ? maxBatchBytes : maxCallBytes)) {
      throw badRequest(
        `the request is ${size} bytes; the limit is ${isBatch ? '500 KB a batch' : '32 KB a call'}`,
      )
    }
    // Without HTTP Basic the write key is in the body, which must then be read here first.
    const basic = request.headers.authorization?.toLowerCase().startsWith('basic ')
    const readHere = basic ? undefined : parseBody(body)
    if (readHere && !readHere.ok) throw badRequest(readHere.detail)
    const source = await this.authenticate(
      request,
      (readHere?.value as { writeKey?: unknown } | null | undefined)?.writeKey,
    )
    const answer = await this.intake.receive({
      call,
      body: readHere ? readHere.value : body,
      size,
      workspaceId: source.workspace_id,
      sourceId: source.id,
    })
    if (!answer.ok) throw badRequest(answer.detail, answer.errors)
    return answer.result
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
