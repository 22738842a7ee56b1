import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import secureJson from 'secure-json-parse'
import type { FieldError } from '../http/problem.js'
import { recordRefused } from '../ingestion/dead-letters.repository.js'
import type { IngestionService } from '../ingestion/ingestion.service.js'
import { maxCallBytes, segmentBatchSchema, segmentToEnvelope } from './segment.js'
import { parseSegmentMessage } from './segment-fast-path.js'

export const TRACKING_INTAKE = Symbol('TrackingIntake')

/** One tracking call (or batch) from an authenticated source, as it arrived. */
export interface TrackingRequest {
  call: string
  /** The body's bytes, or the body already parsed (when its writeKey was needed to authenticate). */
  body: Uint8Array | unknown
  /** The body's size in bytes; 0 when unknown. */
  size: number
  workspaceId: string
  sourceId: string
}

export interface Rejected {
  index: number
  messageId: string | null
  errors: FieldError[]
}

export interface TrackingResult {
  success: true
  accepted: number
  duplicates: number
  suppressed: number
  rejected: Rejected[]
}

/** What the HTTP layer answers: the result, or a 400 with its reasons. */
export type TrackingAnswer =
  | { ok: true; result: TrackingResult }
  | { ok: false; detail: string; errors?: FieldError[] }

/** Receives tracking calls: on this thread (embedded database, tests) or on the intake thread. */
export interface TrackingIntake {
  receive(request: TrackingRequest): Promise<TrackingAnswer>
}

const refuse = (detail: string, errors?: FieldError[]): TrackingAnswer => ({
  ok: false,
  detail,
  ...(errors ? { errors } : {}),
})

/** The body as JSON, refusing prototype-poisoning keys as the rest of the API does. */
export function parseBody(
  body: Uint8Array | unknown,
): { ok: true; value: unknown } | { ok: false; detail: string } {
  if (!(body instanceof Uint8Array)) return { ok: true, value: body }
  try {
    const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')
    return {
      ok: true,
      value: secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }),
    }
  } catch (error) {
    return { ok: false, detail: `the body is not valid JSON: ${(error as Error).message}` }
  }
}

/**
 * The Segment tracking API's rules for one request: the batch's shape, each call's shape and size,
 * then the envelopes into the inbox. Calls that cannot be accepted are kept as dead letters with
 * their reasons; the request fails only when nothing was accepted.
 */
export async function receiveTracking(
  request: TrackingRequest,
  ingestion: IngestionService,
  db: Kysely<any>,
  logger: Logger,
): Promise<TrackingAnswer> {
  const parsed = parseBody(request.body)
  if (!parsed.ok) return refuse(parsed.detail)
  const body = parsed.value
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return refuse('the body must be a JSON object')
  const isBatch = request.call === 'batch' || request.call === 'import'
  const batch = isBatch ? segmentBatchSchema.safeParse(body) : undefined
  if (batch && !batch.success) {
    return refuse(
      'invalid batch',
      batch.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    )
  }
  const receivedAt = new Date()
  const messages = batch?.data ? batch.data.batch : [{ ...(body as object), type: request.call }]
  const envelopes: unknown[] = []
  // Which call each envelope came from: the ingestion's reasons name envelopes, the answer calls.
  const callOf: number[] = []
  const rejected: Rejected[] = []
  // No call can be over the limit when the whole body is not; a body of unknown size is measured.
  const measureCalls = !(request.size > 0) || request.size > maxCallBytes
  messages.forEach((message, index) => {
    const messageId =
      typeof (message as { messageId?: unknown })?.messageId === 'string'
        ? (message as { messageId: string }).messageId
        : null
    if (measureCalls && Buffer.byteLength(JSON.stringify(message ?? null)) > maxCallBytes) {
      rejected.push({ index, messageId, errors: [{ path: '', message: 'the call is larger than 32 KB' }] })
      return
    }
    const call = parseSegmentMessage(message)
    if (!call.success) {
      rejected.push({
        index,
        messageId,
        errors: call.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
      })
      return
    }
    if (!call.data.userId && !call.data.anonymousId) {
      rejected.push({
        index,
        messageId,
        errors: [{ path: 'userId', message: 'a call needs a userId or an anonymousId' }],
      })
      return
    }
    envelopes.push(segmentToEnvelope(call.data, receivedAt, batch?.data))
    callOf.push(index)
  })
  const result = await ingestion.ingest(request.workspaceId, request.sourceId, envelopes)
  for (const invalid of result.invalid)
    rejected.push({ index: callOf[invalid.index]!, messageId: invalid.messageId, errors: invalid.errors })
  rejected.sort((a, b) => a.index - b.index)
  if (rejected.length) {
    await recordRefused(
      db,
      request.workspaceId,
      request.sourceId,
      rejected.map((r) => ({ message: messages[r.index], messageId: r.messageId, errors: r.errors })),
    )
    logger.warn({ sourceId: request.sourceId, rejected: rejected.length }, 'tracking calls refused')
  }
  if (rejected.length === messages.length) {
    const errors = rejected.flatMap((r) =>
      r.errors.map((e) => ({
        path: isBatch ? `batch.${r.index}${e.path ? `.${e.path}` : ''}` : e.path,
        message: e.message,
      })),
    )
    return refuse(
      `nothing was accepted: ${errors.map((e) => `${e.path || 'call'}: ${e.message}`).join('; ')}`,
      errors,
    )
  }
  return {
    ok: true,
    result: {
      success: true,
      accepted: result.accepted,
      duplicates: result.duplicates,
      suppressed: result.suppressed,
      rejected,
    },
  }
}

/** On this thread: the embedded database has one connection, and tests run from source. */
export class InlineTrackingIntake implements TrackingIntake {
  constructor(
    private readonly ingestion: IngestionService,
    private readonly db: Kysely<any>,
    private readonly logger: Logger,
  ) {}

  receive(request: TrackingRequest): Promise<TrackingAnswer> {
    return receiveTracking(request, this.ingestion, this.db, this.logger)
  }
}
