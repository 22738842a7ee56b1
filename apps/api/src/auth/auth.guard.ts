import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common'
import { Reflector } from '@nestjs/core'
import { type Permission, permissionsOfRole, permissionsOfScopes, type TokenScope } from '@rapport/domain'
import type { Kysely } from 'kysely'
import { CONFIG, type Config } from '../config/config.js'
import { DB } from '../database/database.js'
import { forbidden, unauthorized } from '../http/problem.js'
import { findLiveTokenByHash, touchToken } from '../tokens/tokens.repository.js'
import { CredentialCache } from './credential-cache.js'
import { type Principal, PUBLIC, REQUIRES, type RequestWithPrincipal, SESSION_ONLY } from './principal.js'
import { safeEqual, sha256 } from './secrets.js'
import { extendSession, findLiveSession } from './sessions.repository.js'

export const SESSION_COOKIE = 'rapport_session'
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS'])
// Bookkeeping writes (session expiry, token last use) at most once a minute per credential.
const touchEveryMs = 60_000

/**
 * Every request passes here: it finds the caller (bearer token or session cookie), checks CSRF on
 * cookie-authenticated writes, then the route's permission. Routes are closed unless marked @Public.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(DB) private readonly db: Kysely<any>,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(CredentialCache) private readonly credentials: CredentialCache,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()]
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true
    const request = context.switchToHttp().getRequest<RequestWithPrincipal>()
    const principal = await this.authenticate(request)
    request.principal = principal

    if (principal.kind === 'token' && this.reflector.getAllAndOverride<boolean>(SESSION_ONLY, targets)) {
      throw forbidden('this endpoint is for people logged in to the admin UI, not API tokens')
    }
    const required = this.reflector.getAllAndOverride<Permission | undefined>(REQUIRES, targets)
    if (required && !principal.permissions.has(required)) {
      throw forbidden(
        `this needs the ${required} permission, which your ${describe(principal)} does not have`,
      )
    }
    return true
  }

  private async authenticate(request: RequestWithPrincipal): Promise<Principal> {
    const authorization = request.headers.authorization
    if (authorization) {
      const [scheme, secret] = authorization.split(' ')
      if (scheme?.toLowerCase() !== 'bearer' || !secret) {
        throw unauthorized('the Authorization header must be "Bearer <API token>"')
      }
      return this.fromToken(secret)
    }
    const cookie = request.cookies?.[SESSION_COOKIE]
    if (cookie) return this.fromSession(request, cookie)
    throw unauthorized()
  }

  private async fromToken(secret: string): Promise<Principal> {
    const hash = sha256(secret)
    const token = await this.credentials.tokens.get(hash, () => findLiveTokenByHash(this.db, hash))
    // Read up to `lookupLifetimeMs` ago: it may have expired since.
    if (!token || (token.expires_at && token.expires_at.getTime() <= Date.now())) {
      throw unauthorized('the API token is unknown, revoked or expired')
    }
    if (!token.last_used_at || Date.now() - token.last_used_at.getTime() > touchEveryMs) {
      await touchToken(this.db, token.id)
      // The cached row is this object: the requests after this one need not touch it again.
      token.last_used_at = new Date()
    }
    return {
      kind: 'token',
      tokenId: token.id,
      tokenName: token.name,
      userId: token.created_by,
      workspaceId: token.workspace_id,
      permissions: new Set(permissionsOfScopes(token.scopes as TokenScope[])),
    }
  }

  private async fromSession(request: RequestWithPrincipal, cookie: string): Promise<Principal> {
    const sessionId = sha256(cookie)
    const session = await this.credentials.sessions.get(sessionId, () => findLiveSession(this.db, sessionId))
    // Read up to `lookupLifetimeMs` ago: it may have expired since.
    if (!session || session.expiresAt.getTime() <= Date.now()) {
      throw unauthorized('your session has ended; log in again')
    }
    if (!safeMethods.has(request.method)) {
      const header = request.headers['x-csrf-token']
      if (typeof header !== 'string' || !safeEqual(header, session.csrfToken)) {
        throw forbidden('missing or wrong X-CSRF-Token header (take it from /api/v1/me)')
      }
    }
    if (Date.now() - session.lastSeenAt.getTime() > touchEveryMs) {
      const expiresAt = new Date(Date.now() + this.config.sessionHours * 3_600_000)
      await extendSession(this.db, session.sessionId, expiresAt)
      // The cached row is this object: the requests after this one need not extend it again.
      session.lastSeenAt = new Date()
      session.expiresAt = expiresAt
    }
    return {
      kind: 'session',
      sessionId: session.sessionId,
      userId: session.userId,
      email: session.email,
      workspaceId: session.workspaceId,
      role: session.role,
      permissions: new Set(permissionsOfRole(session.role)),
      csrfToken: session.csrfToken,
    }
  }
}

function describe(principal: Principal): string {
  return principal.kind === 'session' ? `role (${principal.role})` : 'API token'
}
