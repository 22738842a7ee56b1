import { applyDecorators, HttpCode } from '@nestjs/common'
import { ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger'
import { problemSchema } from '@rapport/api-client'
import { z } from 'zod'

export function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'output'): Record<string, any> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io,
    unrepresentable: 'any',
  })
  return rest
}

const problem = { 'application/problem+json': { schema: jsonSchema(problemSchema) } }

interface EndpointDoc {
  summary: string
  tag: string
  status?: number
  body?: z.ZodType
  query?: z.ZodObject
  response?: z.ZodType
  /** Error statuses this endpoint answers besides 400/401. */
  errors?: number[]
}

/** One decorator documents an endpoint in the OpenAPI document from the same zod schemas that validate it. */
export function Endpoint(doc: EndpointDoc) {
  const status = doc.status ?? 200
  const decorators = [
    ApiTags(doc.tag),
    ApiOperation({ summary: doc.summary }),
    HttpCode(status),
    ApiResponse(
      doc.response
        ? { status, description: 'OK', schema: jsonSchema(doc.response) }
        : { status, description: 'Done' },
    ),
    ...[400, 401, ...(doc.errors ?? [])].map((code) =>
      ApiResponse({ status: code, description: 'problem+json', content: problem }),
    ),
  ]
  if (doc.body) decorators.push(ApiBody({ schema: jsonSchema(doc.body, 'input') }))
  if (doc.query) {
    for (const [name, field] of Object.entries(doc.query.shape)) {
      decorators.push(
        ApiQuery({
          name,
          required: !(field as z.ZodType).safeParse(undefined).success,
          schema: jsonSchema(field as z.ZodType, 'input'),
        }),
      )
    }
  }
  return applyDecorators(...decorators)
}
