import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import { describeProblem, problemBody } from './problem.js'

/** Every error leaves as problem+json: ours, Nest's, Fastify's (bad JSON, too large) and the unexpected. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost) {
    const http = host.switchToHttp()
    sendProblem(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), error, this.logger)
  }
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: unknown, logger: Logger) {
  const { status, detail, errors, headers } = describe(error)
  if (status >= 500) logger.error({ err: error, method: request.method, url: request.url }, 'request failed')
  if (headers) reply.headers(headers)
  reply
    .status(status)
    .type('application/problem+json')
    .send(problemBody(status, detail, request.url.split('?')[0], errors))
}

function describe(error: unknown): ReturnType<typeof describeProblem> {
  if (error instanceof HttpException) {
    const response = error.getResponse()
    const message =
      typeof response === 'string' ? response : ((response as { message?: unknown }).message ?? error.message)
    return {
      status: error.getStatus(),
      detail: Array.isArray(message) ? message.join('; ') : String(message),
    }
  }
  return describeProblem(error)
}
