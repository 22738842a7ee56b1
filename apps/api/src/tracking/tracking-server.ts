import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import { describeProblem, notFound, ProblemError, problemBody } from '../http/problem.js'
import { bodyLimitOf, maxReadBytes, type TrackingCall } from './tracking-call.js'
import type { TrackingResult } from './tracking-intake.js'

export const TRACKING_ADDRESS = Symbol('TrackingAddress')

/**
 * Where this server answers the tracking port, once it listens (it opens after the application is
 * built; with PORT=0 the port is only known then): sources with a write key show it.
 */
export interface TrackingAddress {
  port: number | undefined
}

/** Answers one request (answerTrackingCall, with this thread's write keys and intake). */
export type AnswerTracking = (request: TrackingCall) => Promise<TrackingResult>

/**
 * The tracking API on a port of its own (RAPPORT_TRACKING_PORT), served by the thread that takes the
 * calls in: Segment libraries pointed here never queue behind the admin UI and the read API on the
 * main thread, and those never wait for a burst of tracking calls to be read and handed on. The same
 * calls, rules and answers as /v1 on the main port (answerTrackingCall), as plain Node HTTP.
 */
export function createTrackingServer(answer: AnswerTracking, logger: Logger): Server {
  const server = createServer((request, response) => void serve(request, response, answer, logger))
  // Clients keep connections for a while between batches (Segment's libraries flush every 10 s).
  server.keepAliveTimeout = 65_000
  return server
}

/** Listens; resolves with the port (the one chosen when asked for 0), rejects when it is taken. */
export function listenOn(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      const address = server.address()
      resolve(typeof address === 'object' && address ? address.port : port)
    })
  })
}

/** Stops taking connections; requests in flight get their answers (for up to 10 s). */
export async function closeTrackingServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()))
  server.closeIdleConnections()
  const timer = setTimeout(() => server.closeAllConnections(), 10_000)
  await closed
  clearTimeout(timer)
}

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  answer: AnswerTracking,
  logger: Logger,
) {
  const path = (request.url ?? '/').split('?')[0] as string
  try {
    const call = /^\/v1\/([^/]+)$/.exec(path)?.[1]
    if (!call) throw notFound(path)
    if (request.method !== 'POST')
      throw new ProblemError(405, `the tracking API takes POST, not ${request.method}`, {
        headers: { allow: 'POST' },
      })
    // A body over its call's limit is read to the end and dropped, so that the client, still
    // sending, gets the answer; one declared larger than anyone should send is refused unread.
    const declared = Number(request.headers['content-length'])
    const { body, size } =
      declared > maxReadBytes
        ? { body: Buffer.alloc(0), size: declared }
        : await readBody(request, bodyLimitOf(call))
    const result = await answer({ call, authorization: request.headers.authorization, body, size })
    send(response, 200, 'application/json', result)
  } catch (error) {
    const { status, detail, errors, headers } = describeProblem(error)
    if (status >= 500)
      logger.error({ err: error, method: request.method, url: request.url }, 'request failed')
    if (!request.complete) response.shouldKeepAlive = false
    send(response, status, 'application/problem+json', problemBody(status, detail, path, errors), headers)
  }
}

/** The body, or only its size once it is over `limit` (then nothing more is kept). */
function readBody(request: IncomingMessage, limit: number): Promise<{ body: Buffer; size: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) chunks.push(chunk)
      else if (size > maxReadBytes) {
        request.destroy()
        reject(new ProblemError(413, `the request is over ${maxReadBytes} bytes`))
      }
    })
    request.on('end', () =>
      resolve({ body: size <= limit ? Buffer.concat(chunks, size) : Buffer.alloc(0), size }),
    )
    request.on('error', reject)
  })
}

function send(
  response: ServerResponse,
  status: number,
  type: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  if (response.headersSent || response.destroyed) return
  const text = JSON.stringify(body)
  response.writeHead(status, {
    ...headers,
    'content-type': `${type}; charset=utf-8`,
    'content-length': Buffer.byteLength(text),
    'x-content-type-options': 'nosniff',
  })
  response.end(text)
}
