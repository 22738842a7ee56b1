import { Inject, Injectable } from '@nestjs/common'
import type { CreateUserInput, UpdateUserInput, UserView } from '@rapport/api-client'
import { canAssignRole, type Role } from '@rapport/domain'
import type { Kysely } from 'kysely'
import { recordAudit } from '../audit/audit.repository.js'
import { CredentialCache } from '../auth/credential-cache.js'
import type { Origin, Principal } from '../auth/principal.js'
import { hashPassword } from '../auth/secrets.js'
import { deleteUserSessions } from '../auth/sessions.repository.js'
import { DB } from '../database/database.js'
import { conflict, forbidden, notFound } from '../http/problem.js'
import {
  countActiveOwners,
  findMember,
  findUserByEmail,
  insertMembership,
  insertUser,
  toUserView,
  updateMembership,
  updateUser,
} from './users.repository.js'

/** API tokens act with an admin's reach at most: they never hand out or touch the owner role. */
const actorRole = (principal: Principal): Role => (principal.kind === 'session' ? principal.role : 'admin')

@Injectable()
export class UsersService {
  constructor(
    @Inject(DB) private readonly db: Kysely<any>,
    @Inject(CredentialCache) private readonly credentials: CredentialCache,
  ) {}

  async get(workspaceId: string, userId: string): Promise<UserView> {
    const member = await findMember(this.db, workspaceId, userId)
    if (!member) throw notFound('user')
    return toUserView(member)
  }

  /**
   * Adds a person to the caller's workspace. Someone who already has an account (in another
   * workspace) becomes a member and keeps their own password.
   */
  async create(caller: Principal, input: CreateUserInput, origin: Origin): Promise<UserView> {
    if (!canAssignRole(actorRole(caller), input.role)) {
      throw forbidden(`your ${actorRole(caller)} role cannot make someone ${input.role}`)
    }
    const userId = await this.db.transaction().execute(async (trx) => {
      const existing = await findUserByEmail(trx, input.email)
      if (existing && (await findMember(trx, caller.workspaceId, existing.id))) {
        throw conflict(`${input.email} is already a member of this workspace`)
      }
      const id =
        existing?.id ??
        (await insertUser(trx, {
          email: input.email,
          name: input.name,
          passwordHash: await hashPassword(input.password),
        }))
      await insertMembership(trx, caller.workspaceId, id, input.role)
      await recordAudit(trx, caller.workspaceId, caller, origin, {
        action: 'user.created',
        targetType: 'user',
        targetId: id,
        details: { email: input.email, role: input.role, existingAccount: Boolean(existing) },
      })
      return id
    })
    return this.get(caller.workspaceId, userId)
  }

  async update(caller: Principal, userId: string, input: UpdateUserInput, origin: Origin): Promise<UserView> {
    await this.db.transaction().execute(async (trx) => {
      const member = await findMember(trx, caller.workspaceId, userId)
      if (!member) throw notFound('user')
      const changesAccess =
        (input.role !== undefined && input.role !== member.role) ||
        (input.active !== undefined && input.active !== member.active)
      if (changesAccess) {
        if (caller.userId === userId)
          throw forbidden('you cannot change your own role or deactivate yourself')
        const role = actorRole(caller)
        if (!canAssignRole(role, member.role) || (input.role && !canAssignRole(role, input.role))) {
          throw forbidden(`your ${role} role cannot change the access of an owner or make someone owner`)
        }
        const losesOwner =
          member.role === 'owner' &&
          member.active &&
          (input.active === false || (input.role !== undefined && input.role !== 'owner'))
        if (losesOwner && (await countActiveOwners(trx, caller.workspaceId)) <= 1) {
          throw conflict('a workspace needs at least one active owner')
        }
      }
      await updateMembership(trx, caller.workspaceId, userId, { role: input.role, active: input.active })
      await updateUser(trx, userId, { name: input.name })
      if (input.active === false) await deleteUserSessions(trx, userId, { workspaceId: caller.workspaceId })
      await recordAudit(trx, caller.workspaceId, caller, origin, {
        action: auditAction(member.active, input.active),
        targetType: 'user',
        targetId: userId,
        details: {
          email: member.email,
          ...(input.role && input.role !== member.role
            ? { role: { from: member.role, to: input.role } }
            : {}),
          ...(input.name && input.name !== member.name
            ? { name: { from: member.name, to: input.name } }
            : {}),
        },
      })
    })
    // After the commit: a session read before it would otherwise be kept with the old role.
    this.credentials.forgetUser(userId)
    return this.get(caller.workspaceId, userId)
  }
}

function auditAction(wasActive: boolean, active: boolean | undefined): string {
  if (active === false && wasActive) return 'user.deactivated'
  if (active === true && !wasActive) return 'user.reactivated'
  return 'user.updated'
}
