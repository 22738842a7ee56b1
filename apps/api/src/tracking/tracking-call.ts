import { badRequest, forbidden, notFound, unauthorized } from '../http/problem.js'
import { maxBatchBytes, maxCallBytes } from './segment.js'
import { parseBody, type TrackingIntake, type TrackingResult } from './tracking-intake.js'
import type { WriteKeys } from './write-keys.js'

const calls = new Set(['identify', 'track', 'page', 'screen', 'group', 'alias'])
const isBatch = (call: string) => call === 'batch' || call === 'import'

/** One request to the tracking API, as it arrived on either port. */
export interface TrackingCall {
  /** The path's last segment: identify, track, page, screen, group, alias, batch (or import). */
  call: string
  authorization: string | undefined
  /** The body's bytes, unparsed; empty when it was too large to be read. */
  body: Uint8Array
  /** The body's size in bytes. */
  size: number
}

/**
 * The most of any public request (the tracking API on either port, a webhook) that is read before it
 * is refused: bodies over their call's limit are still read to the end up to this, so that a client
 * still sending gets its 400; beyond it, nobody should be sending, and the connection is closed.
 */
export const maxReadBytes = 16 * 1024 * 1024

/** The most a request of this call may hold: Segment's 500 KB a batch, 32 KB a call. */
export const bodyLimitOf = (call: string) => (isBatch(call) ? maxBatchBytes : maxCallBytes)

/**
 * The tracking API's answer to one request, the same on the main port (/v1) and the tracking port:
 * the call must exist and fit its limit, and the write key (the HTTP Basic user name, or `writeKey`
 * in the body) must name an enabled source; then the intake takes it, and answers 200 only once the
 * batch is committed. Throws a ProblemError (400, 401, 403, 404) for what it refuses.
 */
export async function answerTrackingCall(
  request: TrackingCall,
  writeKeys: WriteKeys,
  intake: TrackingIntake,
): Promise<TrackingResult> {
  const { call, size } = request
  if (!isBatch(call) && !calls.has(call)) throw notFound(`/v1/${call}`)
  if (size > bodyLimitOf(call)) {
    throw badRequest(
      `the request is ${size} bytes; the limit is ${isBatch(call) ? '500 KB a batch' : '32 KB a call'}`,
    )
  }
  // Without HTTP Basic the write key is in the body, which must then be read here first.
  const basic = request.authorization?.toLowerCase().startsWith('basic ')
  const readHere = basic ? undefined : parseBody(request.body)
  if (readHere && !readHere.ok) throw badRequest(readHere.detail)
  const key = basic
    ? Buffer.from((request.authorization as string).slice(6), 'base64')
        .toString('utf8')
        .split(':')[0]
    : (readHere?.value as { writeKey?: unknown } | null | undefined)?.writeKey
  if (typeof key !== 'string' || !key)
    throw unauthorized('send the source write key as the HTTP Basic user name')
  const source = await writeKeys.source(key)
  if (!source) throw unauthorized('unknown write key')
  if (!source.enabled) throw forbidden('this source is disabled')
  const answer = await intake.receive({
    call,
    body: readHere ? readHere.value : request.body,
    size,
    workspaceId: source.workspace_id,
    sourceId: source.id,
  })
  if (!answer.ok) throw badRequest(answer.detail, answer.errors)
  return answer.result
}
