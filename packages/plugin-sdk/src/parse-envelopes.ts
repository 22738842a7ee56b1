import { fastParseEnvelope } from './envelope-fast-path.js'
import { type Envelope, envelopeSchema } from './envelopes.js'
import { issuesOf } from './zod-issues.js'

export interface EnvelopeProblem {
  /** Position in the input. */
  index: number
  messageId?: string
  errors: { path: string; message: string }[]
}

/**
 * Validates what a plugin produced. The valid envelopes go on (with defaults filled in); each
 * invalid one is reported with its position and every problem, so one bad record does not sink a batch.
 */
export function parseEnvelopes(inputs: readonly unknown[]): {
  valid: Envelope[]
  invalid: EnvelopeProblem[]
} {
  const valid: Envelope[] = []
  const invalid: EnvelopeProblem[] = []
  inputs.forEach((input, index) => {
    const checked = fastParseEnvelope(input)
    if (checked) {
      valid.push(checked)
      return
    }
    const result = envelopeSchema.safeParse(input)
    if (result.success) {
      valid.push(result.data)
      return
    }
    const messageId = (input as { messageId?: unknown } | null)?.messageId
    invalid.push({
      index,
      ...(typeof messageId === 'string' ? { messageId } : {}),
      errors: issuesOf(result.error),
    })
  })
  return { valid, invalid }
}
