import { emailSchema, passwordSchema, roleSchema, slugSchema, tokenScopeSchema } from '@rapport/domain'
import { z } from 'zod'

/**
 * The HTTP API's shapes, once: the server validates requests and documents responses with these
 * schemas, and the client's types are inferred from them.
 */

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
})
export type Problem = z.infer<typeof problemSchema>

const isoTime = z.string().describe('ISO-8601 time in UTC')

export const workspaceSchema = z.object({ id: z.uuid(), name: z.string(), slug: z.string() })
export const memberWorkspaceSchema = workspaceSchema.extend({ role: roleSchema })
export type MemberWorkspace = z.infer<typeof memberWorkspaceSchema>

export const sessionUserSchema = z.object({ id: z.uuid(), email: z.string(), name: z.string() })

export const meSchema = z.object({
  user: sessionUserSchema,
  workspace: workspaceSchema,
  role: roleSchema,
  permissions: z.array(z.string()),
  /** Send back as the X-CSRF-Token header on every cookie-authenticated write. */
  csrfToken: z.string(),
  workspaces: z.array(memberWorkspaceSchema),
})
export type Me = z.infer<typeof meSchema>

export const loginSchema = z.object({ email: emailSchema, password: z.string().min(1, 'is required') })
export type LoginInput = z.input<typeof loginSchema>

export const changePasswordSchema = z.object({
  currentPassword: z.string().min(1, 'is required'),
  newPassword: passwordSchema,
})
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>

export const createWorkspaceSchema = z.object({
  name: z.string().trim().min(1, 'is required').max(100),
  slug: slugSchema.optional(),
})
export type CreateWorkspaceInput = z.infer<typeof createWorkspaceSchema>
export const workspaceListSchema = z.object({ items: z.array(memberWorkspaceSchema) })

export const userSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  active: z.boolean(),
  createdAt: isoTime,
  lastLoginAt: isoTime.nullable(),
})
export type UserView = z.infer<typeof userSchema>

export const createUserSchema = z.object({
  email: emailSchema,
  name: z.string().trim().min(1, 'is required').max(200),
  role: roleSchema,
  password: passwordSchema,
})
export type CreateUserInput = z.infer<typeof createUserSchema>

export const updateUserSchema = z
  .object({
    name: z.string().trim().min(1, 'is required').max(200).optional(),
    role: roleSchema.optional(),
    active: z.boolean().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'give at least one of name, role, active' })
export type UpdateUserInput = z.infer<typeof updateUserSchema>

export const tokenSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(tokenScopeSchema),
  createdAt: isoTime,
  createdBy: z.object({ id: z.uuid(), email: z.string() }).nullable(),
  expiresAt: isoTime.nullable(),
  lastUsedAt: isoTime.nullable(),
  revokedAt: isoTime.nullable(),
})
export type TokenView = z.infer<typeof tokenSchema>
export const createdTokenSchema = tokenSchema.extend({
  token: z.string().describe('The secret, shown this once: store it now.'),
})
export type CreatedToken = z.infer<typeof createdTokenSchema>

export const createTokenSchema = z.object({
  name: z.string().trim().min(1, 'is required').max(100),
  scopes: z.array(tokenScopeSchema).min(1, 'choose at least one scope'),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
})
export type CreateTokenInput = z.infer<typeof createTokenSchema>

export const auditEntrySchema = z.object({
  id: z.string(),
  actor: z.object({
    type: z.enum(['user', 'token', 'system']),
    id: z.string().nullable(),
    label: z.string(),
  }),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: isoTime,
})
export type AuditEntryView = z.infer<typeof auditEntrySchema>

export const pageQuerySchema = z.object({
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})
export const auditQuerySchema = pageQuerySchema.extend({ action: z.string().optional() })

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() })
}
export const userPageSchema = pageOf(userSchema)
export const tokenListSchema = z.object({ items: z.array(tokenSchema) })
export const auditPageSchema = pageOf(auditEntrySchema)
export type Page<T> = { items: T[]; nextCursor: string | null }
