import { Body, Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common'
import { ApiBasicAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger'
import type { FastifyRequest } from 'fastify'
import { Public } from '../auth/principal.js'
import { answerTrackingCall } from './tracking-call.js'
import { TRACKING_INTAKE, type TrackingIntake } from './tracking-intake.js'
import { WriteKeys } from './write-keys.js'

/**
 * The Segment-compatible tracking API of `http` sources on the main port. The body arrives as bytes
 * (see server.ts): the intake parses it, on its own thread when it can. The tracking port
 * (tracking-server.ts) answers the same calls without this thread.
 */
@Controller('v1')
@Public()
@ApiTags('tracking')
@ApiBasicAuth()
export class TrackingController {
  constructor(
    @Inject(TRACKING_INTAKE) private readonly intake: TrackingIntake,
    @Inject(WriteKeys) private readonly writeKeys: WriteKeys,
  ) {}

  @Post(':call')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'identify, track, page, screen, group, alias or batch (Segment spec); 32 KB a call, 500 KB a batch',
  })
  @ApiBody({ schema: { type: 'object', additionalProperties: true } })
  receive(
    @Param('call') call: string,
    @Body() body: Uint8Array,
    @Req() request: FastifyRequest & { rawBody?: Buffer },
  ) {
    return answerTrackingCall(
      {
        call,
        authorization: request.headers.authorization,
        body,
        size: request.rawBody?.length ?? body.length,
      },
      this.writeKeys,
      this.intake,
    )
  }
}
