import { ApiError, createApiClient } from '@rapport/api-client'
import { capitalize } from './format'

/** The one client of the UI: same origin (the API serves this build; Vite proxies it in dev). */
export const api = createApiClient()

export function isApiError(error: unknown, status?: number): error is ApiError {
  return error instanceof ApiError && (status === undefined || error.status === status)
}

/** The sentence to show for a failed call: the server's detail when it gave one. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return capitalize(error.problem.detail ?? error.problem.title)
  if (error instanceof TypeError)
    return 'The server could not be reached. Check your connection and try again.'
  return error instanceof Error ? error.message : 'Something went wrong.'
}

/** Per-field messages of a failed form submit, keyed by field name. */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  return error instanceof ApiError ? error.fieldErrors : {}
}
