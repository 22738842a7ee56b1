import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common'
import type { Permission, Role } from '@rapport/domain'
import type { FastifyRequest } from 'fastify'

/** Who is calling: a logged-in person (session cookie) or an API token. */
export type Principal =
  | {
      kind: 'session'
      sessionId: string
      userId: string
      email: string
      workspaceId: string
      role: Role
      permissions: ReadonlySet<Permission>
      csrfToken: string
    }
  | {
      kind: 'token'
      tokenId: string
      tokenName: string
      /** Who created the token, if still a user. */
      userId: string | null
      workspaceId: string
      permissions: ReadonlySet<Permission>
    }

export const PUBLIC = 'rapport:public'
export const REQUIRES = 'rapport:requires'
export const SESSION_ONLY = 'rapport:session-only'

/** Reachable without credentials. */
export const Public = () => SetMetadata(PUBLIC, true)
/** The caller needs this permission in the current workspace. */
export const Requires = (permission: Permission) => SetMetadata(REQUIRES, permission)
/** Only a logged-in person, never an API token (their own account, switching workspace). */
export const SessionOnly = () => SetMetadata(SESSION_ONLY, true)

export interface RequestWithPrincipal extends FastifyRequest {
  principal?: Principal
}

export const Caller = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<RequestWithPrincipal>().principal
  if (!principal) throw new Error('Caller used on a public route')
  return principal
})

/** Where a request came from, for the audit log and login throttling. */
export interface Origin {
  ip: string
  userAgent: string | null
}

export const RequestOrigin = createParamDecorator((_: unknown, context: ExecutionContext): Origin => {
  const request = context.switchToHttp().getRequest<FastifyRequest>()
  return { ip: request.ip, userAgent: request.headers['user-agent']?.slice(0, 500) ?? null }
})

export function actorLabel(principal: Principal): string {
  return principal.kind === 'session' ? principal.email : `token ${principal.tokenName}`
}
