import { Inject, Injectable } from '@nestjs/common'
import type { CreateWorkspaceInput, MemberWorkspace } from '@rapport/api-client'
import { slugify } from '@rapport/domain'
import type { Kysely } from 'kysely'
import { recordAudit } from '../audit/audit.repository.js'
import type { Origin, Principal } from '../auth/principal.js'
import { DB, type Db } from '../database/database.js'
import { conflict } from '../http/problem.js'
import { insertMembership } from '../users/users.repository.js'
import { insertWorkspace, slugTaken } from './workspaces.repository.js'

@Injectable()
export class WorkspacesService {
  constructor(@Inject(DB) private readonly db: Kysely<any>) {}

  async create(
    caller: Principal & { kind: 'session' },
    input: CreateWorkspaceInput,
    origin: Origin,
  ): Promise<MemberWorkspace> {
    return this.db.transaction().execute(async (trx) => {
      if (input.slug && (await slugTaken(trx, input.slug))) throw conflict(`the slug ${input.slug} is taken`)
      const workspace = await createWorkspace(trx, input.name, input.slug, caller.userId)
      await recordAudit(trx, workspace.id, caller, origin, {
        action: 'workspace.created',
        targetType: 'workspace',
        targetId: workspace.id,
        details: { name: workspace.name, slug: workspace.slug },
      })
      return { ...workspace, role: 'owner' }
    })
  }
}

/** A workspace with its first owner; a taken slug gets a numeric suffix when none was asked for. */
export async function createWorkspace(db: Db, name: string, slug: string | undefined, ownerId: string) {
  let candidate = slug ?? slugify(name)
  for (let n = 2; !slug && (await slugTaken(db, candidate)); n++)
    candidate = `${slugify(name).slice(0, 44)}-${n}`
  const workspace = await insertWorkspace(db, name, candidate)
  await insertMembership(db, workspace.id, ownerId, 'owner')
  return workspace
}
