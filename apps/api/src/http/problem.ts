import { STATUS_CODES } from 'node:http'
import type { Problem } from '@rapport/api-client'

export type FieldError = { path: string; message: string }

/**
 * An error that becomes an RFC 9457 problem+json answer. Services throw these; the filter writes them.
 */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly extra: { errors?: FieldError[]; headers?: Record<string, string>; title?: string } = {},
  ) {
    super(detail)
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new ProblemError(400, detail, errors ? { errors } : {})
export const unauthorized = (detail = 'log in or send a valid API token') => new ProblemError(401, detail)
export const forbidden = (detail: string) => new ProblemError(403, detail)
export const notFound = (what: string) => new ProblemError(404, `${what} not found`)
export const conflict = (detail: string) => new ProblemError(409, detail)

export function problemBody(
  status: number,
  detail: string,
  instance?: string,
  errors?: FieldError[],
): Problem {
  return {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    ...(instance ? { instance } : {}),
    ...(errors?.length ? { errors } : {}),
  }
}

/** What an error answers: ours as they say, a library's 4xx (bad JSON, too large) as it says, the rest as a 500. */
export function describeProblem(error: unknown): {
  status: number
  detail: string
  errors?: FieldError[]
  headers?: Record<string, string>
} {
  if (error instanceof ProblemError) {
    return { status: error.status, detail: error.detail, ...error.extra }
  }
  // Fastify's own errors (malformed JSON, body too large, unsupported media type) carry a 4xx statusCode.
  const statusCode = (error as { statusCode?: unknown })?.statusCode
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return { status: statusCode, detail: (error as Error).message }
  }
  return { status: 500, detail: 'an unexpected error occurred; it has been logged' }
}
