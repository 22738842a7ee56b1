import type { z } from 'zod'

/** A zod error's issues as `{ path: 'identifiers.0.value', message }`, the form the host reports. */
export function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }))
}

/** The same on one line, for an error message: `data.0.updated_at: Invalid ISO datetime; …`. */
export function describeIssues(error: z.ZodError): string {
  return issuesOf(error)
    .map(({ path, message }) => (path ? `${path}: ${message}` : message))
    .join('; ')
}
