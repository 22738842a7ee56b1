import type { z } from 'zod'

/** Zod issues in one line for the user: `object.currency: must be an ISO 4217 code such as EUR`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')
}
