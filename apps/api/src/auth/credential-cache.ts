import { Injectable } from '@nestjs/common'
import { ExpiringCache } from '../caching/expiring-cache.js'
import type { LiveToken } from '../tokens/tokens.repository.js'
import type { SessionRow } from './sessions.repository.js'

/**
 * Sessions and API tokens as the auth guard last read them, for a few seconds: a profile opened in
 * the admin UI is then one statement, not two, which under ingestion load took the read's p99 from
 * about 83 to 50 ms on a 2-core machine. Logging out, switching workspace, a changed password, role
 * or deactivation, and a revoked token are forgotten here at once; made through another server
 * process, they apply within `lookupLifetimeMs`.
 */
@Injectable()
export class CredentialCache {
  /** By session id (the hash of the cookie). */
  readonly sessions = new ExpiringCache<string, SessionRow | undefined>()
  /** By the hash of the token's secret. */
  readonly tokens = new ExpiringCache<string, LiveToken | undefined>()

  /** A user's role, membership or password changed: their sessions are read again. */
  forgetUser(userId: string): void {
    this.sessions.forgetWhere((session) => session?.userId === userId)
  }

  forgetToken(tokenId: string): void {
    this.tokens.forgetWhere((token) => token?.id === tokenId)
  }
}
