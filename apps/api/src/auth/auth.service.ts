import { Inject, Injectable } from '@nestjs/common'
import type { ChangePasswordInput, LoginInput, Me } from '@rapport/api-client'
import { permissionsOfRole } from '@rapport/domain'
import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import { recordAudit } from '../audit/audit.repository.js'
import { CONFIG, type Config } from '../config/config.js'
import { DB } from '../database/database.js'
import { forbidden, notFound, ProblemError, unauthorized } from '../http/problem.js'
import { LOGGER } from '../logging/logger.js'
import { findUserByEmail, findUserById, updateUser } from '../users/users.repository.js'
import { findWorkspace, workspacesOfUser } from '../workspaces/workspaces.repository.js'
import { CredentialCache } from './credential-cache.js'
import {
  maxFailuresPerAddress,
  maxFailuresPerEmail,
  recentFailures,
  recordLoginAttempt,
  throttleWindowMinutes,
} from './login-attempts.repository.js'
import type { Origin, Principal } from './principal.js'
import { hashPassword, randomSecret, sha256, verifyPassword } from './secrets.js'
import { deleteSession, deleteUserSessions, insertSession, moveSession } from './sessions.repository.js'

type SessionPrincipal = Extract<Principal, { kind: 'session' }>

@Injectable()
export class AuthService {
  constructor(
    @Inject(DB) private readonly db: Kysely<any>,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CredentialCache) private readonly credentials: CredentialCache,
  ) {}

  /** Checks the password (throttled) and opens a session; returns the cookie value and who logged in. */
  async login(input: LoginInput, origin: Origin): Promise<{ cookie: string; me: Me }> {
    const email = input.email.trim().toLowerCase()
    const failures = await recentFailures(this.db, email, origin.ip)
    if (failures.fromAddress >= maxFailuresPerAddress || failures.total >= maxFailuresPerEmail) {
      this.logger.warn({ email, ip: origin.ip }, 'login throttled')
      throw new ProblemError(429, `too many failed logins; try again in ${throttleWindowMinutes} minutes`, {
        headers: { 'retry-after': String(throttleWindowMinutes * 60) },
      })
    }
    const user = await findUserByEmail(this.db, email)
    const passwordOk = await verifyPassword(user?.password_hash, input.password)
    if (!user || !passwordOk) {
      await recordLoginAttempt(this.db, email, origin.ip, false)
      this.logger.info({ email, ip: origin.ip }, 'login failed')
      throw unauthorized('invalid e-mail or password')
    }
    const workspace = (await workspacesOfUser(this.db, user.id))[0]
    if (!workspace) throw forbidden('your account is deactivated in every workspace; ask an administrator')
    await recordLoginAttempt(this.db, email, origin.ip, true)

    const cookie = randomSecret('', 32)
    await insertSession(this.db, {
      id: sha256(cookie),
      userId: user.id,
      workspaceId: workspace.id,
      csrfToken: randomSecret('', 24),
      ip: origin.ip,
      userAgent: origin.userAgent,
      expiresAt: new Date(Date.now() + this.config.sessionHours * 3_600_000),
    })
    await updateUser(this.db, user.id, { lastLoginAt: new Date() })
    this.logger.info({ userId: user.id, workspaceId: workspace.id, ip: origin.ip }, 'login')
    return { cookie, me: await this.describeSession(sha256(cookie)) }
  }

  async logout(principal: SessionPrincipal): Promise<void> {
    await deleteSession(this.db, principal.sessionId)
    this.credentials.sessions.forget(principal.sessionId)
  }

  /** What the admin UI needs to know about the caller, by session id. */
  async describeSession(sessionId: string): Promise<Me> {
    const session = await this.db
      .selectFrom('sessions')
      .select(['user_id', 'workspace_id', 'csrf_token'])
      .where('id', '=', sessionId)
      .executeTakeFirstOrThrow()
    const [user, workspace, workspaces] = await Promise.all([
      findUserById(this.db, session.user_id),
      findWorkspace(this.db, session.workspace_id),
      workspacesOfUser(this.db, session.user_id),
    ])
    const current = workspaces.find((w) => w.id === session.workspace_id)
    if (!user || !workspace || !current) throw unauthorized('your session has ended; log in again')
    return {
      user: { id: user.id, email: user.email, name: user.name },
      workspace,
      role: current.role,
      permissions: [...permissionsOfRole(current.role)],
      csrfToken: session.csrf_token,
      workspaces,
    }
  }

  async switchWorkspace(principal: SessionPrincipal, workspaceId: string): Promise<Me> {
    const workspaces = await workspacesOfUser(this.db, principal.userId)
    if (!workspaces.some((w) => w.id === workspaceId)) throw notFound('workspace')
    await moveSession(this.db, principal.sessionId, workspaceId)
    this.credentials.sessions.forget(principal.sessionId)
    return this.describeSession(principal.sessionId)
  }

  /** Changes the caller's password and ends their other sessions, which the old password may have opened. */
  async changePassword(
    principal: SessionPrincipal,
    input: ChangePasswordInput,
    origin: Origin,
  ): Promise<void> {
    const user = await findUserById(this.db, principal.userId)
    if (!user || !(await verifyPassword(user.password_hash, input.currentPassword))) {
      throw forbidden('the current password is wrong')
    }
    const passwordHash = await hashPassword(input.newPassword)
    await this.db.transaction().execute(async (trx) => {
      await updateUser(trx, user.id, { passwordHash })
      await deleteUserSessions(trx, user.id, { exceptSessionId: principal.sessionId })
      await recordAudit(trx, principal.workspaceId, principal, origin, {
        action: 'user.password_changed',
        targetType: 'user',
        targetId: user.id,
      })
    })
    this.credentials.forgetUser(user.id)
  }
}
