import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import type { Logger } from 'pino'
import { recordAudit } from '../audit/audit.repository.js'
import { hashPassword } from '../auth/secrets.js'
import type { Config } from '../config/config.js'
import { findUserByEmail, insertUser } from '../users/users.repository.js'
import { countWorkspaces } from '../workspaces/workspaces.repository.js'
import { createWorkspace } from '../workspaces/workspaces.service.js'

export const defaultAdminEmail = 'admin@rapport.local'

/**
 * On a database with no workspace: a "Default" workspace and its owner, from RAPPORT_ADMIN_EMAIL and
 * RAPPORT_ADMIN_PASSWORD. Without a password one is generated and printed once, outside the JSON log.
 */
export async function ensureFirstWorkspace(
  db: Kysely<any>,
  config: Config,
  logger: Logger,
  print: (text: string) => void,
): Promise<{ workspaceId: string; userId: string } | undefined> {
  const generated = config.admin.password ? undefined : randomBytes(15).toString('base64url')
  const created = await db.transaction().execute(async (trx) => {
    // Several processes may start at once against one database: one of them creates, the rest see it.
    await sql`select pg_advisory_xact_lock(7214001)`.execute(trx)
    if ((await countWorkspaces(trx)) > 0) return undefined
    const email = (config.admin.email ?? defaultAdminEmail).toLowerCase()
    const existing = await findUserByEmail(trx, email)
    const ownerId =
      existing?.id ??
      (await insertUser(trx, {
        email,
        name: 'Administrator',
        passwordHash: await hashPassword(config.admin.password ?? (generated as string)),
      }))
    const workspace = await createWorkspace(trx, 'Default', 'default', ownerId)
    await recordAudit(trx, workspace.id, { kind: 'system', label: 'first start' }, null, {
      action: 'workspace.created',
      targetType: 'workspace',
      targetId: workspace.id,
      details: { name: workspace.name, owner: email },
    })
    return { email, workspaceId: workspace.id, userId: ownerId }
  })
  if (!created) return undefined
  logger.info(
    { email: created.email, workspaceId: created.workspaceId },
    'created the first workspace and its owner',
  )
  if (generated) {
    print(
      [
        '',
        '  Rapport created the first owner account:',
        `    e-mail:   ${created.email}`,
        `    password: ${generated}`,
        '  This password is shown only now. Log in and change it under Account,',
        '  or set RAPPORT_ADMIN_EMAIL and RAPPORT_ADMIN_PASSWORD before the first start.',
        '',
      ].join('\n'),
    )
  }
  return { workspaceId: created.workspaceId, userId: created.userId }
}
