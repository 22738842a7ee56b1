import { type PipeTransform } from '@nestjs/common'
import { z } from 'zod'
import { badRequest } from './problem.js'

/** Validates a body or query with a zod schema; every failing field is named in the 400 answer. */
export class ZodPipe<T extends z.ZodType> implements PipeTransform<unknown, z.infer<T>> {
  constructor(private readonly schema: T) {}

  transform(value: unknown): z.infer<T> {
    if (value === undefined || value === null) {
      throw badRequest('a JSON body is required', [{ path: '', message: 'is required' }])
    }
    const result = this.schema.safeParse(value)
    if (result.success) return result.data
    const errors = result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    }))
    const summary = errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ')
    throw badRequest(`invalid input: ${summary}`, errors)
  }
}

export const valid = <T extends z.ZodType>(schema: T) => new ZodPipe(schema)

/** A path id must be a uuid; anything else cannot name an object, so it is simply not found. */
export const uuidSchema = z.uuid()
